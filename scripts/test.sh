#!/usr/bin/env bash
# The whole test suite: Rust tests (unit, integration against the fake portal over loopback
# HTTP, CLI), then Esri's ArcGIS API for Python run against our fake over HTTPS.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --all-targets
bash scripts/esri-referee.sh
