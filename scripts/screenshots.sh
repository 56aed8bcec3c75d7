#!/usr/bin/env bash
# PNG screenshots of the real TUI from live tmux runs against the demo portal:
# browsing with marks, a backup in progress, the restore dialog (items, target, options) for
# the snapshot that backup made, the help popup, the backup dialog with the .contentexport format
# chosen, and the restore sources listing the package that backup wrote.
# Needs tmux, python3 and rsvg-convert (apt-get install librsvg2-bin) or ImageMagick.
set -euo pipefail
cd "$(dirname "$0")/.."
COLS=120 ROWS=36
cargo build -q --bin agol-tui
BIN="$PWD/target/debug/agol-tui"
WORK="$(mktemp -d)"
SESSION="agol-shots-$$"
# A tmux server of our own: a running server (the user's, another run's) would start the demo
# with its own environment instead of the AGOL_* variables given below, and see our session.
tm() { env -u TMUX tmux -S "$WORK/tmux.sock" "$@"; }
cleanup() { tm kill-server 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
keys() { tm send-keys -t "$SESSION" "$@"; sleep "${PAUSE:-0.4}"; }
wait_for() {
  local i; for ((i = 0; i < 200; i++)); do
    tm capture-pane -p -t "$SESSION" | grep -qF -- "$1" && return 0; sleep 0.1; done
  echo "screenshots: \"$1\" did not appear" >&2; exit 1
}
shot() {
  tm capture-pane -e -p -t "$SESSION" > "$WORK/$1.ansi"
  python3 scripts/ansi2svg.py "$COLS" "$ROWS" < "$WORK/$1.ansi" > "$WORK/$1.svg"
  if command -v rsvg-convert >/dev/null; then
    rsvg-convert "$WORK/$1.svg" -o "screenshots/$1.png"
  else
    convert "$WORK/$1.svg" "screenshots/$1.png"
  fi
  echo "screenshots/$1.png"
}

env -u TMUX AGOL_CONFIG="$WORK/config.toml" AGOL_DATA_DIR="$WORK/data" TERM=xterm-256color \
  tmux -S "$WORK/tmux.sock" new-session -d -s "$SESSION" -x "$COLS" -y "$ROWS" \
  "cd '$WORK' && '$BIN' demo --latency-ms 150 --dest '$WORK/backups'; sleep 30"
wait_for "viewer_riverside"
keys Down Down Right
wait_for "Admin Tools"
keys Right
wait_for "items"
keys Down Space
keys Space
keys Down Down Down Space
keys Space
keys Tab
keys Tab
keys Tab
keys Tab
shot browsing-with-marks
keys b
wait_for "Destination"
shot confirm-backup
keys Enter
sleep 0.8
shot backup-in-progress
wait_for "#1 backup done"
keys r
wait_for "Restore · 1/2 source"
keys Enter
wait_for "Restore · 2/2"
keys Space
wait_for "[copy]"
shot restore
keys Escape
keys '?'
wait_for "Help"
shot help
keys Escape
keys b
wait_for "Destination"
keys Right
wait_for "(●) Esri .contentexport package"
shot backup-package-format
keys Enter
wait_for "#2 backup done"
wait_for "wrote package"
keys r
wait_for "Restore · 1/2 source"
wait_for "contentexport"
for ((i = 0; i < 6; i++)); do
  tm capture-pane -p -t "$SESSION" | grep -qF "› package " && break
  keys Down
done
wait_for "› package "
shot restore-package-source
keys Escape
sleep 1
