#!/usr/bin/env bash
# The whole test suite: Rust tests (unit, integration against the fake portal over loopback
# HTTP, CLI, UI snapshots), the TUI driven through tmux at 80x24, then Esri's ArcGIS API for
# Python run against our fake over HTTPS (its last line: "esri-referee: N passed, N failed"),
# and the .contentexport exchange with Esri's client (scripts/esri-package.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --all-targets
bash scripts/tui-e2e.sh
bash scripts/esri-referee.sh
bash scripts/esri-package.sh
