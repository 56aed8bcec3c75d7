#!/usr/bin/env bash
# Hostile-input memory check (issue 11, acceptance 4): peak RSS of each hostile case, with the
# command, and a check that every one stays under LIMIT_MB (default 200). Exit 1 when one does
# not, 2 when GNU time is missing. Against the fake portal run as a separate process.
#  1. restore --dry-run over an item archive whose data.json declares 2^62 bytes
#  2. restore --dry-run over a small zip holding a BOMB_BYTES (default 3 GiB) JSON
#  3. a real restore of that item (it fails alone, exit 3)
#  4. a real restore of a hosted layer whose features entry holds one BOMB_BYTES feature
#  5. restore --package --dry-run of a package with a STRUCT_BYTES (default 300 MB) data/structure.json
#     of many tiny objects (the shape that cost GBs when parsed whole)
#  6. the same package with a 30 MB properties.json of tiny objects (refused: over the 4 MiB cap
#     of package JSON parsed whole)
# Endless and dripping HTTP bodies belong to the client's limits; they are not measured here.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/env time -f "%M" -o /dev/null true 2>/dev/null; then
  echo "bench/hostile.sh: GNU time is missing (needed for peak RSS: \`time -f %M\`); install the 'time' package" >&2
  exit 2
fi
LIMIT_MB="${LIMIT_MB:-200}"
BOMB_BYTES="${BOMB_BYTES:-3221225472}"
STRUCT_BYTES="${STRUCT_BYTES:-300000000}"
cargo build -q --release --bin agol-tui
bin="$PWD/target/release/agol-tui"
work="$(mktemp -d)"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then kill -INT "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""; fi
}
trap 'stop_server; rm -rf "$work"' EXIT
export AGOL_USERNAME=gis_admin AGOL_PASSWORD=gis_admin.pass1 AGOL_DATA_DIR="$work/data" AGOL_CONFIG="$work/config.toml"
"$bin" demo-server --port 0 > "$work/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do grep -q "portal:" "$work/server.out" 2>/dev/null && break; sleep 0.1; done
AGOL_PORTAL="$(awk '/portal:/ {print $2; exit}' "$work/server.out")"
export AGOL_PORTAL

over=0
measure() { # label, allowed exit codes (e.g. "0 3"), command...
  local label=$1 ok=$2; shift 2
  local rc=0
  /usr/bin/env time -f "%M" -o "$work/rss" "$@" > "$work/out.txt" 2> "$work/err.txt" || rc=$?
  if ! [[ " $ok " == *" $rc "* ]]; then
    echo "$label: exit $rc (expected one of: $ok)"; tail -n 20 "$work/out.txt" "$work/err.txt"; exit 1
  fi
  local kib mb verdict=ok
  kib=$(grep -E '^[0-9]+$' "$work/rss" | tail -n 1)
  mb=$((kib * 1024 / 1000000))
  if [ "$mb" -ge "$LIMIT_MB" ]; then verdict="OVER ${LIMIT_MB} MB"; over=1; fi
  printf '%-58s exit %d  peak RSS %7d KiB (%4d MB)  %s\n' "$label" "$rc" "$kib" "$mb" "$verdict"
  printf '    %s\n' "${*/#$bin/agol-tui}"
  grep -hE "cannot|failed:|larger than|declar|not valid" "$work/out.txt" "$work/err.txt" | head -n 2 | cut -c1-220 | sed 's/^/    > /' || true
}

echo "== hostile inputs, peak RSS limit ${LIMIT_MB} MB ($(nproc) cores)"
"$bin" backup --all --exclude-type "Code Attachment" --dest "$work/b" > /dev/null 2>&1 || [ $? -eq 3 ]
snap="$(ls -d "$work"/b/snapshots/*/)"
# The web map and the Hydrants service of the sample org.
IFS=$'\t' read -r map_id map_zip svc_id svc_zip < <(python3 - "$snap" <<'EOF'
import json, sys, os
snap = sys.argv[1]
m = json.load(open(os.path.join(snap, "manifest.json")))
def find(title, typ):
    for i in m["items"]:
        if i["title"] == title and i["type"] == typ and i.get("archive"):
            return i["id"], os.path.join(snap, i["archive"])
    sys.exit(f"no {title} in the snapshot")
print(*find("Hydrant Map", "Web Map"), *find("Hydrants", "Feature Service"), sep="\t")
EOF
)
cp "$map_zip" "$work/map.orig.zip"
cp "$svc_zip" "$work/svc.orig.zip"

# 1. A data.json entry declaring 2^62 bytes (zip64 extra field), really holding 2 bytes.
python3 - "$work/map.orig.zip" "$map_zip" <<'EOF'
import struct, sys, zipfile, zlib
item = zipfile.ZipFile(sys.argv[1]).read("item.json")
entries = [("item.json", item, None), ("data.json", b"{}", 1 << 62)]
out, central = b"", b""
for name, data, declared in entries:
    off, crc, n = len(out), zlib.crc32(data), len(data)
    out += struct.pack("<IHHHIIIIHH", 0x04034b50, 45, 0, 0, 0, crc, n, n, len(name), 0) + name.encode() + data
    extra = struct.pack("<HHQ", 1, 8, declared) if declared else b""
    usize = 0xFFFFFFFF if declared else n
    central += struct.pack("<IHHHHIIIIHHHHHII", 0x02014b50, 45, 45, 0, 0, 0, crc, n, usize,
                           len(name), len(extra), 0, 0, 0, 0, off) + name.encode() + extra
cd = len(out)
out += central + struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 2, 2, len(central), cd, 0)
open(sys.argv[2], "wb").write(out)
EOF
measure "1. restore --dry-run, entry declaring 2^62 bytes" "0" \
  "$bin" restore --dest "$work/b" --id "$map_id" --dry-run

# 2./3. A small zip whose data.json inflates to BOMB_BYTES.
python3 - "$work/map.orig.zip" "$map_zip" "$BOMB_BYTES" <<'EOF'
import sys, zipfile
item = zipfile.ZipFile(sys.argv[1]).read("item.json")
size = int(sys.argv[3])
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("item.json", item)
    with z.open("data.json", "w", force_zip64=True) as f:
        f.write(b'{"pad":"')
        chunk = b" " * (1 << 20)
        left = size
        while left > 0:
            n = min(left, len(chunk)); f.write(chunk[:n]); left -= n
        f.write(b'"}')
EOF
echo "   (bomb zip: $(stat -c %s "$map_zip") bytes on disk, $BOMB_BYTES bytes of JSON)"
measure "2. restore --dry-run, small zip with a huge JSON" "0" \
  "$bin" restore --dest "$work/b" --id "$map_id" --dry-run
measure "3. restore of that item (fails alone)" "3" \
  "$bin" restore --dest "$work/b" --id "$map_id" --on-conflict copy
cp "$work/map.orig.zip" "$map_zip"

# 4. The service's layer 0 features: one feature of BOMB_BYTES.
python3 - "$work/svc.orig.zip" "$svc_zip" "$BOMB_BYTES" <<'EOF'
import sys, zipfile
src = zipfile.ZipFile(sys.argv[1])
size = int(sys.argv[3])
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for info in src.infolist():
        if info.filename == "layers/0.features.json":
            with z.open(info.filename, "w", force_zip64=True) as f:
                f.write(b'{"features":[{"attributes":{"note":"')
                chunk = b"a" * (1 << 20)
                left = size
                while left > 0:
                    n = min(left, len(chunk)); f.write(chunk[:n]); left -= n
                f.write(b'"}}]}')
        else:
            z.writestr(info, src.read(info.filename))
EOF
measure "4. restore of a layer with one huge feature (fails alone)" "3" \
  "$bin" restore --dest "$work/b" --id "$svc_id" --on-conflict copy
cp "$work/svc.orig.zip" "$svc_zip"

# 5./6. Packages with a huge JSON file of tiny objects (random keys: the gzip ratio stays low).
make_package() { # out, which file gets the bulk (structure|properties), bytes
  python3 - "$1" "$2" "$3" <<'EOF'
import io, json, os, random, sys, tarfile
out, which, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
name = os.path.basename(out).rsplit(".", 1)[0]
iid = "0123456789abcdef0123456789abcdef"
rnd = random.Random(7)
def bulk():
    parts, n = [], 0
    while n < size:
        s = '{"%08x":[]},' % rnd.getrandbits(32)
        parts.append(s); n += len(s)
    return "[" + "".join(parts) + "{}]"
props = {"title": "Huge", "type": "Web Map", "owner": "gis_admin"}
files = {"manifest.json": json.dumps({"items": {iid: {"title": "Huge", "type": "Web Map"}}})}
if which == "properties":
    files[f"{iid}/properties.json"] = json.dumps(props)[:-1] + ', "bulk": ' + bulk() + "}"
    files[f"{iid}/data/structure.json"] = "{}"
else:
    files[f"{iid}/properties.json"] = json.dumps(props)
    files[f"{iid}/data/structure.json"] = '{"operationalLayers": ' + bulk() + "}"
with tarfile.open(out, "w:gz", compresslevel=1) as t:
    for path, text in files.items():
        data = text.encode()
        info = tarfile.TarInfo(f"{name}/{path}"); info.size = len(data)
        t.addfile(info, io.BytesIO(data))
EOF
}
make_package "$work/huge.contentexport" structure "$STRUCT_BYTES"
echo "   (package: $(stat -c %s "$work/huge.contentexport") bytes, $STRUCT_BYTES bytes of structure.json)"
measure "5. restore --package --dry-run, huge structure.json" "0 3" \
  "$bin" restore --package "$work/huge.contentexport" --dry-run --staging "$work/stage5"
make_package "$work/props.contentexport" properties 30000000
measure "6. restore --package --dry-run, 30 MB properties.json" "0 1 3" \
  "$bin" restore --package "$work/props.contentexport" --dry-run --staging "$work/stage6"

if [ "$over" -ne 0 ]; then
  echo "FAIL: a hostile case went over ${LIMIT_MB} MB peak RSS"
  exit 1
fi
echo "ok: every hostile case stayed under ${LIMIT_MB} MB peak RSS"
