#!/usr/bin/env bash
# Esri's ArcGIS API for Python and agol-tui exchange .contentexport packages through the fake
# portal (tests/package_esri.rs, ignored by plain `cargo test` because it needs the venv):
# official export_items → agol-tui restore, and agol-tui's package → official list_items and
# import_content, then agol-tui's own reader.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/esri-venv.sh
AGOL_REFEREE_PYTHON="$venv/bin/python" cargo test --test package_esri -- --ignored --test-threads 1
