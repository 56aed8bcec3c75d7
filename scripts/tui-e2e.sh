#!/usr/bin/env bash
# End-to-end test of the real TUI, driven like a person through tmux at 80x24:
# start `agol-tui demo`, walk the tree with arrow keys, mark items with space, press b,
# confirm, wait until the jobs pane reports the backup finished, check the snapshot exists
# and `agol-tui verify` passes; then press r, choose that snapshot, pick on-conflict copy (same
# org, so the marked items are created again), confirm, wait until the restore job is done with
# no failures; open r once more and type a package path that does not exist (refused inline).
# Then a .contentexport round trip: mark Hydrants (hosted feature service) and Hydrant Map (web
# map), b with the "Esri .contentexport package" format, check DEST/packages/<snapshot>.contentexport
# exists, the log names it and `agol-tui inspect` lists both; r, pick that package from the
# sources, check the items shown, on-conflict copy, run, wait for 2 created / 0 failed, and read
# the new copies (ids from the restore journal) back from the demo portal with `agol-tui scan`.
# Then quit with q and check the terminal came back.
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
# A tmux server of our own: a running server (the user's, another run's) would start the demo
# with its own environment instead of the AGOL_* variables given below, and see our session.
tm() { env -u TMUX tmux -S "$WORK/tmux.sock" "$@"; }
cleanup() { tm kill-server 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

screen() { tm capture-pane -p -t "$SESSION"; }
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
# wait_gone TEXT [SECONDS]: until the screen no longer shows TEXT.
wait_gone() {
  local text="$1" secs="${2:-20}" i
  for ((i = 0; i < secs * 10; i++)); do
    if ! screen | grep -qF -- "$text"; then return 0; fi
    sleep 0.1
  done
  fail "\"$text\" was still shown after ${secs}s"
}
keys() { tm send-keys -t "$SESSION" "$@"; sleep 0.3; }

# The environment must not leak into the demo (it signs in to its own portal).
env -u TMUX -u AGOL_PORTAL -u AGOL_USERNAME -u AGOL_PASSWORD -u AGOL_TOKEN \
  AGOL_CONFIG="$WORK/config.toml" AGOL_DATA_DIR="$WORK/data" TERM=xterm-256color \
  tmux -S "$WORK/tmux.sock" new-session -d -s "$SESSION" -x 80 -y 24 \
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
tm send-keys -t "$SESSION" -l "~/missing.contentexport"; sleep 0.3
keys Enter
wait_for "missing.contentexport: no such file" 10
keys Escape
wait_for "Restore · 1/2 source" 5
keys Escape
sleep 0.5
screen | grep -qF "Restore ·" && fail "the restore dialog is still open after Esc"

# .contentexport round trip. u clears the marks; Home, fold gis_admin, unfold jdoe_riverside and
# its Field Maps folder; mark Hydrants (a hosted feature service) and Hydrant Map (a web map).
keys u
wait_gone "marked" 5
keys Home Down Down Left
keys Down Right
wait_for "Field Maps" 10
keys Down Right
wait_for "Hydrants view" 10
keys Down Space
keys Down Down Down Down Down Space
wait_for "Content · 2 marked" 5
screen | grep -qE '● Hydrants +Feature Service' || fail "Hydrants is not marked"
screen | grep -qE '● Hydrant Map +Web Map' || fail "Hydrant Map is not marked"
# b, then → picks the package format (the dialog offers ←/→/Tab), Enter starts it.
keys b
wait_for "Esri .contentexport package" 5
wait_for "←/→/Tab format" 5
keys Right
wait_for "(●) Esri .contentexport package" 5
wait_for "packages/<snapshot>.contentexport" 5
keys Enter
wait_for "#3 backup" 10
wait_for "#3 backup done" 60
wait_for "wrote package" 10
line="$(screen | grep -F "#3 backup done")"
case "$line" in
  *failed* | *failures*) fail "the package backup reported failures: $line" ;;
esac
"$BIN" snapshots --dest "$WORK/backups" > "$WORK/snapshots.txt"
snap="$(grep -oE '^[0-9]{8}T[0-9]{6}Z' "$WORK/snapshots.txt" | sort | tail -1)"
pkgs=("$WORK"/backups/packages/*.contentexport)
[ "${#pkgs[@]}" -eq 1 ] && [ -f "${pkgs[0]}" ] || fail "not exactly one package in DEST/packages: ${pkgs[*]}"
pkg="${pkgs[0]}"
pkgname="$(basename "$pkg")"
[ "$pkgname" = "$snap.contentexport" ] || fail "package $pkgname is not named after the new snapshot $snap"
# The log pane shows the path (cut at 80 columns: it must be a prefix of the real one), the
# log file the whole of it.
shown="$(screen | grep -oE 'wrote package [^ …│]+' | tail -1 | sed 's/^wrote package //')"
[ "${#shown}" -ge 10 ] && [ "${pkg#"$shown"}" != "$pkg" ] || fail "the log pane does not show the package path ($pkg): \"$shown\""
grep -qF "backup #3 finished: wrote package $pkg (2 items" "$WORK/data/logs/agol-tui.log" \
  || fail "the log file does not say the package $pkg was written with 2 items"
"$BIN" inspect "$pkg" > "$WORK/inspect.txt" || fail "agol-tui inspect $pkg failed"
grep -qF "2 items, 0 missing" "$WORK/inspect.txt" || fail "inspect: not 2 items, 0 missing"
hyd_id="$(grep -oE '^[0-9a-f]{32}  Hydrants  \(Feature Service\)' "$WORK/inspect.txt" | cut -c1-32)"
map_id="$(grep -oE '^[0-9a-f]{32}  Hydrant Map  \(Web Map\)' "$WORK/inspect.txt" | cut -c1-32)"
[ -n "$hyd_id" ] || fail "inspect does not list Hydrants (Feature Service)"
[ -n "$map_id" ] || fail "inspect does not list Hydrant Map (Web Map)"
grep -qF "service export (File Geodatabase" "$WORK/inspect.txt" || fail "inspect: Hydrants has no File Geodatabase export"

# r lists the package beside the snapshots; ↓ until it is selected, Enter reads its items.
keys r
wait_for "Restore · 1/2 source" 10
wait_for "package  $pkgname" 5
for ((i = 0; i < 6; i++)); do
  screen | grep -qF "› package  $pkgname" && break
  keys Down
done
screen | grep -qF "› package  $pkgname" || fail "could not select the package $pkgname in the source list"
wait_for "Items  listed from the package on Enter" 5
keys Enter
wait_for "Restore · 2/2" 10
wait_for "Package   $pkgname" 5
wait_for "Items     2 marked items" 10
screen | grep -qE 'Web Map +Hydrant Map' || fail "the restore dialog does not show Hydrant Map"
screen | grep -qE 'Feature Service +Hydrants ' || fail "the restore dialog does not show Hydrants"
wait_for "› On conflict [skip]" 5
keys Space
wait_for "On conflict  skip  [copy]" 5
wait_for "Dry run     [no]" 5
keys Enter
wait_for "#4 restore" 10
wait_for "#4 restore done" 120
line="$(screen | grep -F "#4 restore done")"
case "$line" in
  *failed* | *failures*) fail "the package restore reported failures: $line" ;;
  *"2/2"*) ;;
  *) fail "the package restore did not finish 2/2: $line" ;;
esac
# The line under the job row starts with the counts (the row already names the package).
counts="$(screen | grep -A1 -F "#4 restore done" | tail -1)"
case "$counts" in
  *"2 created, 0 updated, 0 skipped, 0 failed"*) ;;
  *) fail "the jobs pane does not show 2 created, 0 failed under the restore: $counts" ;;
esac
grep -F "restore #4 finished: 2 created, 0 updated, 0 skipped, 0 failed; " "$WORK/data/logs/agol-tui.log" \
  | grep -qF "(package $pkgname)" || fail "the log file does not say the restore of $pkgname created 2 with 0 failed"
# The new copies: their ids from the restore journal, then read back from the portal by the CLI.
journal="$(ls "$WORK"/data/packages/*/restores/*.jsonl 2>/dev/null | head -1)"
[ -n "$journal" ] || fail "no restore journal for the staged package"
new_id() { grep -F "\"old\":\"$1\"" "$journal" | grep -F '"stage":"done"' | grep -oE '"new":"[0-9a-f]{32}"' | cut -c8-39; }
hyd_new="$(new_id "$hyd_id")"; map_new="$(new_id "$map_id")"
[ -n "$hyd_new" ] && [ "$hyd_new" != "$hyd_id" ] || fail "no new copy of Hydrants in the journal"
[ -n "$map_new" ] && [ "$map_new" != "$map_id" ] || fail "no new copy of Hydrant Map in the journal"
portal="$(grep -oE 'sample portal .* at http://127\.0\.0\.1:[0-9]+' "$WORK/data/logs/agol-tui.log" | grep -oE 'http://[0-9.:]+$')"
[ -n "$portal" ] || fail "the demo portal URL is not in the log file"
env -u AGOL_TOKEN AGOL_CONFIG="$WORK/cli.toml" AGOL_DATA_DIR="$WORK/cli-data" AGOL_PORTAL="$portal" \
  AGOL_USERNAME=gis_admin AGOL_PASSWORD=gis_admin.pass1 \
  "$BIN" scan --id "$hyd_new" "$map_new" --out "$WORK/copies.csv" >/dev/null 2>&1 \
  || fail "agol-tui scan cannot read the new copies $hyd_new $map_new from $portal"
grep -qE "^Hydrants,$hyd_new,Feature Service,jdoe_riverside," "$WORK/copies.csv" || fail "the portal has no new Hydrants $hyd_new"
grep -qE "^Hydrant Map,$map_new,Web Map,jdoe_riverside," "$WORK/copies.csv" || fail "the portal has no new Hydrant Map $map_new"

# q quits (no job is running), the terminal is restored and the exit code is 0.
keys q
wait_for "EXIT=0" 10
screen | grep -q "Riverside Water" && fail "the TUI screen is still shown after quitting"
echo "tui-e2e: ok"
