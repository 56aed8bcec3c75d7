#!/usr/bin/env bash
# Esri's clone_items as a second restore referee (issue 10, acceptance 7): clones the sample org
# into an empty org with Esri's ArcGIS API for Python, restores agol-tui's backup of it into
# another empty org, compares both with the source's backup category by category and fails when
# agol-tui fails any category. Prints the table `category | esri clone_items | agol-tui` and every
# difference. About 10 minutes in full; `scripts/esri-clone.sh --fast` clones only a few types
# (AGOL_CLONE_TYPES overrides the list). Not part of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/esri-venv.sh
if [ "${1:-}" = "--fast" ]; then
  export AGOL_CLONE_TYPES="${AGOL_CLONE_TYPES:-Feature Service,Web Map,PDF,CSV}"
fi
AGOL_ESRI_PYTHON="$venv/bin/python" cargo test -q --test fake_fidelity -- --ignored --nocapture \
  esri_clone_items_is_no_more_faithful_than_agol_tui_restore
