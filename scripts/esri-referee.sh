#!/usr/bin/env bash
# Runs Esri's official ArcGIS API for Python (a client nobody here wrote) against our fake
# portal over HTTPS. Installs it into a venv on first use (`pip install arcgis six`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/esri-venv.sh
cargo build -q --bin agol-tui
work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
target/debug/agol-tui demo-server --tls --port 0 --cert-out "$work/cert.pem" > "$work/server.out" 2> "$work/server.err" &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q "portal:" "$work/server.out" 2>/dev/null && break
  sleep 0.1
done
url="$(awk '/portal:/ {print $2; exit}' "$work/server.out")"
if [ -z "$url" ]; then
  echo "esri-referee: the demo server did not start"; cat "$work/server.err"; exit 1
fi
# The client only trusts a test CA through SSL_CERT_FILE (system CAs + our certificate).
cat "$("$venv/bin/python" -c 'import certifi; print(certifi.where())')" "$work/cert.pem" > "$work/ca-bundle.pem"
SSL_CERT_FILE="$work/ca-bundle.pem" AGOL_FAKE_URL="$url" "$venv/bin/python" tests/esri/referee.py
