#!/usr/bin/env bash
# End-to-end test of the real TUI, driven like a person through tmux at 80x24:
# start `agol-tui demo`, walk the tree with arrow keys, mark items with space, press b,
# confirm, wait until the jobs pane reports the backup finished, check the snapshot exists
# and `agol-tui verify` passes; then press r, choose that snapshot, pick on-conflict copy (same
# org, so the marked items are created again), confirm, wait until the restore job is done with
# no failures; open r once more and type a package path that does not exist (refused inline);
# then quit with q and check the terminal came back.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v tmux >/dev/null; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q && $sudo_cmd apt-get install -y -q tmux
fi

cargo build -q --bin agol-tui
BIN="$PWD/target/debug/agol-tui"
WORK="$(mktemp -d)"
SESSION="agol-e2e-$$"
cleanup() { tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

screen() { tmux capture-pane -p -t "$SESSION"; }
fail() {
  echo "tui-e2e: FAILED: $*" >&2
  echo "---- screen ----" >&2; screen >&2 || true
  exit 1
}
# wait_for TEXT [SECONDS]: until the screen shows TEXT.
wait_for() {
  local text="$1" secs="${2:-20}" i
  for ((i = 0; i < secs * 10; i++)); do
    if screen | grep -qF -- "$text"; then return 0; fi
    sleep 0.1
  done
  fail "\"$text\" did not appear within ${secs}s"
}
keys() { tmux send-keys -t "$SESSION" "$@"; sleep 0.3; }

# The environment must not leak into the demo (it signs in to its own portal).
env -u AGOL_PORTAL -u AGOL_USERNAME -u AGOL_PASSWORD -u AGOL_TOKEN \
  AGOL_CONFIG="$WORK/config.toml" AGOL_DATA_DIR="$WORK/data" TERM=xterm-256color \
  tmux new-session -d -s "$SESSION" -x 80 -y 24 \
  "cd '$WORK' && '$BIN' demo --dest '$WORK/backups'; echo \"EXIT=\$?\"; sleep 60"

wait_for "Riverside Water (demo)"
wait_for "gis_admin"
# Down to gis_admin (org, asmith_…, gis_admin), unfold it, wait for its listing.
keys Down Down Right
wait_for "Admin Tools"
# Past the folder to the first two root items; space marks one and moves down.
keys Down Down
keys Space
keys Space
wait_for "Content · 2 marked"
wait_for "2/"
keys b
wait_for "Back up" 5
wait_for "Destination" 5
keys Enter
wait_for "#1 backup" 10
wait_for "#1 backup done" 60

# The snapshot exists and verifies.
"$BIN" snapshots --dest "$WORK/backups" | tee "$WORK/snapshots.txt"
[ "$(grep -cE '^[0-9]{8}T' "$WORK/snapshots.txt")" -ge 1 ] || fail "no snapshot listed"
"$BIN" verify --dest "$WORK/backups" || fail "verify did not pass"

# r restores the marked items from the snapshot just made into the same org, as copies.
keys r
wait_for "Restore · 1/2 source" 10
wait_for "Items  2 marked items" 5
keys Enter
wait_for "Restore · 2/2" 5
wait_for "same org" 5
keys Space
wait_for "[copy]" 5
keys Enter
wait_for "#2 restore" 10
wait_for "#2 restore done" 120
line="$(screen | grep -F "#2 restore done")"
case "$line" in
  *failed* | *failures*) fail "the restore reported failures: $line" ;;
esac
wait_for "2 created, 0 updated, 0 skipped, 0 failed" 5

# r again: End goes to "Open a package file…"; a path that does not exist is refused inline;
# Esc goes back to the list, Esc again closes the dialog.
keys r
wait_for "Restore · 1/2 source" 10
wait_for "Open a package file" 5
keys End Enter
wait_for "Path of a .contentexport file" 5
tmux send-keys -t "$SESSION" -l "~/missing.contentexport"; sleep 0.3
keys Enter
wait_for "missing.contentexport: no such file" 10
keys Escape
wait_for "Restore · 1/2 source" 5
keys Escape
sleep 0.5
screen | grep -qF "Restore ·" && fail "the restore dialog is still open after Esc"

# q quits (no job is running), the terminal is restored and the exit code is 0.
keys q
wait_for "EXIT=0" 10
screen | grep -q "Riverside Water" && fail "the TUI screen is still shown after quitting"
echo "tui-e2e: ok"
