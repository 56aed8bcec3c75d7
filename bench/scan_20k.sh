#!/usr/bin/env bash
# Benchmark: `agol-tui scan --all` as admin against a fake org of 20,000 generated items behind
# the 10,000-result search cap. Prints wall time, items/s, request count and peak memory.
# Figures only; nothing here fails on speed.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release --bin agol-tui
bin=target/release/agol-tui
work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$bin" demo-server --port 0 --generated-items "${ITEMS:-20000}" > "$work/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do grep -q "portal:" "$work/server.out" 2>/dev/null && break; sleep 0.1; done
url="$(awk '/portal:/ {print $2; exit}' "$work/server.out")"
export AGOL_PORTAL="$url" AGOL_USERNAME=gis_admin AGOL_PASSWORD=gis_admin.pass1
export AGOL_DATA_DIR="$work/data" AGOL_CONFIG="$work/config.toml"
run() {
  local label=$1; shift
  local start end
  start=$(date +%s.%N)
  /usr/bin/env time -f "%M" -o "$work/rss" "$bin" scan --all --out "$work/inv.csv" --workers "${WORKERS:-8}" "$@" 2> "$work/scan.err" || { cat "$work/scan.err"; exit 1; }
  end=$(date +%s.%N)
  local rows secs
  rows=$(($(wc -l < "$work/inv.csv") - 1))
  secs=$(echo "$end - $start" | bc -l)
  printf '%-22s %6d items  %7.2f s  %8.0f items/s  peak RSS %6d KiB\n' "$label" "$rows" "$secs" "$(echo "$rows / $secs" | bc -l)" "$(cat "$work/rss")"
}
run "first scan"
run "unchanged rerun"
