#!/usr/bin/env bash
# Backup benchmarks (figures, not pass/fail): run against the fake portal as a separate process.
#  1. 1,000 mixed items with 20 ms latency per request: items/s and the ideal
#     (requests × latency / concurrency).
#  2. An unchanged rerun of a 20,000-item org, against the time of a scan of the same org.
#  3. Peak RSS while backing up a 1 GiB file item and a 500,000-feature layer.
# The sample org's Code Attachment always fails to download (a fake-portal quirk); it is left out so
# its retry backoff does not dominate the figures.
# ONLY=1 runs the first part alone. Sizes can be lowered for a quick look: ITEMS=200 BIG_ITEMS=2000 FILE_BYTES=$((64<<20)) FEATURES=50000
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release --bin agol-tui
bin="$PWD/target/release/agol-tui"
work="$(mktemp -d)"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then kill -INT "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""; fi
}
trap 'stop_server; rm -rf "$work"' EXIT
WORKERS="${WORKERS:-8}"
export AGOL_USERNAME=gis_admin AGOL_PASSWORD=gis_admin.pass1 AGOL_DATA_DIR="$work/data" AGOL_CONFIG="$work/config.toml"

start_server() {
  "$bin" demo-server --port 0 "$@" > "$work/server.out" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do grep -q "portal:" "$work/server.out" 2>/dev/null && break; sleep 0.1; done
  AGOL_PORTAL="$(awk '/portal:/ {print $2; exit}' "$work/server.out")"
  export AGOL_PORTAL
}
served() { awk '/requests served:/ {print $3}' "$work/server.out"; }
now() { date +%s.%N; }
measure() { # label, command...  -> prints seconds and peak RSS
  local label=$1; shift
  local t0 t1
  t0=$(now)
  /usr/bin/env time -f "%M" -o "$work/rss" "$@" > "$work/out.txt" 2> "$work/err.txt" || [ $? -eq 3 ] || { cat "$work/err.txt"; exit 1; }
  t1=$(now)
  LAST_SECS=$(echo "$t1 - $t0" | bc -l)
  LAST_RSS=$(tail -n 1 "$work/rss")
  printf '%-44s %8.2f s   peak RSS %7d KiB\n' "$label" "$LAST_SECS" "$LAST_RSS"
}

echo "== 1. mixed items, 20 ms latency, $WORKERS workers"
start_server --generated-items "${ITEMS:-1000}" --latency-ms 20
measure "backup of the mixed org" "$bin" backup --all --exclude-type "Code Attachment" --dest "$work/b1" --workers "$WORKERS"
items=$(($(wc -l < "$(ls -d "$work"/b1/snapshots/*/)inventory.csv") - 1))
stop_server
requests=$(served)
ideal=$(echo "$requests * 0.020 / $WORKERS" | bc -l)
printf 'items %d, requests %d, %.1f items/s; ideal %.2f s → %.0f%% of ideal\n' \
  "$items" "$requests" "$(echo "$items / $LAST_SECS" | bc -l)" "$ideal" "$(echo "100 * $ideal / $LAST_SECS" | bc -l)"

[ "${ONLY:-}" = "1" ] && exit 0

echo "== 2. unchanged rerun of a ${BIG_ITEMS:-20000}-item org"
start_server --generated-items "${BIG_ITEMS:-20000}"
measure "scan --all" "$bin" scan --all --out "$work/inv.csv" --workers "$WORKERS"
scan_secs=$LAST_SECS
measure "first backup" "$bin" backup --all --exclude-type "Code Attachment" --dest "$work/b2" --workers "$WORKERS"
measure "unchanged rerun" "$bin" backup --all --exclude-type "Code Attachment" --dest "$work/b2" --workers "$WORKERS"
printf 'unchanged rerun / scan = %.2f\n' "$(echo "$LAST_SECS / $scan_secs" | bc -l)"
stop_server

echo "== 3. peak memory on large content"
start_server --large-file-bytes "${FILE_BYTES:-1073741824}" --large-layer-features "${FEATURES:-500000}"
measure "1 GiB file item" "$bin" backup --id 0718293a4b5c6d7e8f90a1b2c3d4e5f6 --dest "$work/b3" --workers 1
measure "500,000-feature layer" "$bin" backup --id f60718293a4b5c6d7e8f90a1b2c3d4e5 --dest "$work/b4" --workers 1
stop_server
