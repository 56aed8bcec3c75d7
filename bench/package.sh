#!/usr/bin/env bash
# Package benchmarks (figures, not pass/fail): wall time, peak RSS and MB/s of the .contentexport
# paths on large content, against the fake portal run as a separate process.
#  0. `backup` of a 1 GiB file item and a 500,000-feature layer into one snapshot (setup, timed too).
#  1. `export-package` of that snapshot.
#  2. `restore --package --dry-run --staging DIR`: the package is staged (unpacked to a snapshot)
#     and the restore planned, signed in to the same fake portal.
#  3. a real `restore --package` of the big layer alone into the same org with --on-conflict copy,
#     interrupted (SIGINT, SIGKILL 20 s later) after RESTORE_TIMEOUT seconds (default 600) and then
#     reported as not completed.
# Peak RSS comes from GNU time (`time -f %M`); without it the script stops with exit 2.
# Sizes can be lowered for a quick look: FILE_BYTES=$((64<<20)) FEATURES=50000
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/env time -f "%M" -o /dev/null true 2>/dev/null; then
  echo "bench/package.sh: GNU time is missing (needed for peak RSS: \`time -f %M\`); install the 'time' package" >&2
  exit 2
fi
FILE_BYTES="${FILE_BYTES:-1073741824}"
FEATURES="${FEATURES:-500000}"
RESTORE_TIMEOUT="${RESTORE_TIMEOUT:-600}"
FILE_ID=0718293a4b5c6d7e8f90a1b2c3d4e5f6
LAYER_ID=f60718293a4b5c6d7e8f90a1b2c3d4e5
cargo build -q --release --bin agol-tui
bin="$PWD/target/release/agol-tui"
work="$(mktemp -d)"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then kill -INT "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""; fi
}
trap 'stop_server; rm -rf "$work"' EXIT
export AGOL_USERNAME=gis_admin AGOL_PASSWORD=gis_admin.pass1 AGOL_DATA_DIR="$work/data" AGOL_CONFIG="$work/config.toml"

start_server() {
  "$bin" demo-server --port 0 "$@" > "$work/server.out" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do grep -q "portal:" "$work/server.out" 2>/dev/null && break; sleep 0.1; done
  AGOL_PORTAL="$(awk '/portal:/ {print $2; exit}' "$work/server.out")"
  export AGOL_PORTAL
}
now() { date +%s.%N; }
bytes_of() { du -sb "$@" | awk '{s += $1} END {print s}'; }
mib() { echo "$1 / 1048576" | bc -l; }
LAST_RC=0
measure() { # label, command...  -> prints seconds and peak RSS; exit 3 (partial), 124/137 (timeout) pass
  local label=$1; shift
  local t0 t1
  t0=$(now)
  LAST_RC=0
  /usr/bin/env time -f "%M" -o "$work/rss" "$@" > "$work/out.txt" 2> "$work/err.txt" || LAST_RC=$?
  t1=$(now)
  case $LAST_RC in 0|3|124|137) ;; *) echo "$label: exit $LAST_RC"; cat "$work/out.txt" "$work/err.txt"; exit 1;; esac
  LAST_SECS=$(echo "$t1 - $t0" | bc -l)
  LAST_RSS=$(grep -E '^[0-9]+$' "$work/rss" | tail -n 1)
  printf '%-44s %8.2f s   peak RSS %7d KiB (%.0f MB)\n' "$label" "$LAST_SECS" "$LAST_RSS" "$(echo "$LAST_RSS * 1024 / 1000000" | bc -l)"
}
rate() { # bytes  -> MB/s over LAST_SECS
  printf '%-44s %8.1f MB/s (%.1f MiB over %.2f s)\n' "" "$(echo "$1 / 1000000 / $LAST_SECS" | bc -l)" "$(mib "$1")" "$LAST_SECS"
}

echo "== package benchmarks: $FILE_BYTES-byte file item, $FEATURES-feature layer ($(nproc) cores)"
start_server --large-file-bytes "$FILE_BYTES" --large-layer-features "$FEATURES"
measure "0. backup (both items, one snapshot)" "$bin" backup --id "$FILE_ID" "$LAYER_ID" --dest "$work/b" --workers 2
snap="$(ls -d "$work"/b/snapshots/*/)"
snap_bytes=$(bytes_of "$snap")
rate "$snap_bytes"

pkg="$work/big.contentexport"
measure "1. export-package" "$bin" export-package --dest "$work/b" --out "$pkg"
pkg_bytes=$(stat -c %s "$pkg")
rate "$pkg_bytes"
echo "   package $(printf '%.1f' "$(mib "$pkg_bytes")") MiB from a $(printf '%.1f' "$(mib "$snap_bytes")") MiB snapshot"

measure "2. restore --package --dry-run (staging)" "$bin" restore --package "$pkg" --dry-run --staging "$work/stage1"
rate "$pkg_bytes"
echo "   staged $(printf '%.1f' "$(mib "$(bytes_of "$work/stage1")")") MiB; plan: $(grep -ciE "$LAYER_ID|$FILE_ID" "$work/out.txt") lines name the two items"
rm -rf "$work/stage1"

layer_zip="$(find "$snap/items" -name "*__$LAYER_ID.zip" | head -n 1)"
layer_bytes=$(stat -c %s "$layer_zip")
# GNU time cannot see a child that `timeout` kills: the restore's own VmHWM is sampled as well.
( hwm=0
  while sleep 0.5; do
    pid="$(pgrep -n -f -- "--staging $work/stage2" || true)"
    [ -n "$pid" ] || continue
    v="$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
    [ -n "$v" ] && [ "$v" -gt "$hwm" ] && { hwm=$v; echo "$hwm" > "$work/hwm"; }
  done ) &
sampler=$!
measure "3. restore --package --id <layer> (copy)" \
  timeout -s INT -k 20 "$RESTORE_TIMEOUT" "$bin" restore --package "$pkg" --staging "$work/stage2" \
  --id "$LAYER_ID" --on-conflict copy
kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
sampled=$(cat "$work/hwm" 2>/dev/null || echo 0)
[ "$sampled" -gt "$LAST_RSS" ] && LAST_RSS=$sampled
printf '%-44s %8s     peak RSS %7d KiB (%.0f MB; the larger of GNU time and a VmHWM sample)\n' "" "" "$LAST_RSS" "$(echo "$LAST_RSS * 1024 / 1000000" | bc -l)"
if [ "$LAST_RC" -eq 124 ] || [ "$LAST_RC" -eq 137 ]; then
  [ "$LAST_RC" -eq 137 ] && how="SIGINT did not stop it; killed 20 s later" || how="it stopped on SIGINT"
  echo "   NOT COMPLETED in ${RESTORE_TIMEOUT} s (RESTORE_TIMEOUT; $how); last lines:"
  tail -n 3 "$work/err.txt" | sed 's/^/     /'
  echo "   the fake portal checks every added GlobalID against the whole layer per applyEdits call (O(n) per batch),"
  echo "   so features/s falls as the copy grows (agol-tui itself is mostly idle waiting on it)"
else
  printf '%-44s %8.0f features/s\n' "" "$(echo "$FEATURES / $LAST_SECS" | bc -l)"
  echo "   MB/s of the whole package (staged first), then of the layer's item archive alone:"
  rate "$pkg_bytes"
  rate "$layer_bytes"; echo "   (the second: the layer's compressed item archive; features/s is the figure to compare)"
  [ "$LAST_RC" -eq 3 ] && { echo "   partial (exit 3):"; tail -n 5 "$work/out.txt" "$work/err.txt" | sed 's/^/     /'; }
  grep -iE "restored|created|failed" "$work/out.txt" | tail -n 3 | sed 's/^/   /' || true
fi
stop_server
