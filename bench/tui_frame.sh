#!/usr/bin/env bash
# Frame build + render time of the TUI with a 10,000-item folder unfolded (release build).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --test ui_frame_time -- --nocapture 2>&1 | grep -E "^frame|test result"
