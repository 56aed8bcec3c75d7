"""Import a .contentexport package into the fake portal with Esri's OfflineContentManager.

Usage: AGOL_FAKE_URL=... python package_import.py <package.contentexport>
(SSL_CERT_FILE must trust the fake's certificate; see scripts/esri-referee.sh.)
Lists the package (every manifest item must be listed), imports it as gis_admin, and prints one
JSON line mapping old item id -> new item id. Exits non-zero on any Python warning
(ResourceWarnings from Esri's own unclosed files are only counted) or when an item was not
recreated.

Known Esri gap: Esri's importer finds a hosted view's source only through a `Service2Service`
relationship *from the view*, while the portal records it from the source to the view
(docs/portal-notes.md), so views are skipped with "View Service does not have a valid data
item". With AGOL_ALLOW_ESRI_VIEW_GAP=1 exactly that case is reported as a note, not a failure.
"""
import json
import os
import sys
import tarfile
import warnings

from arcgis.gis import GIS

VIEW_GAP = "View Service does not have a valid data item"


def manifest_of(path):
    name = os.path.basename(path).rsplit(".", 1)[0]
    with tarfile.open(path, "r:gz") as tar:
        return json.load(tar.extractfile(f"{name}/manifest.json"))["items"]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: package_import.py <package.contentexport>")
    path = sys.argv[1]
    expected = manifest_of(path)
    problems = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gis = GIS(os.environ["AGOL_FAKE_URL"], "gis_admin", "gis_admin.pass1")
        listed = gis.content.offline.list_items(path)
        problems += [f"not listed: {i}" for i in expected if i not in listed]
        created = gis.content.offline.import_content(path)
    # ResourceWarnings (hidden by Python by default) come from file handles Esri's client
    # leaves open; a server cannot cause or fix them, so they are counted, not failed.
    leaks = [w for w in caught if issubclass(w.category, ResourceWarning)]
    if leaks:
        print(f"note: {len(leaks)} ResourceWarning(s) from Esri's client ignored", file=sys.stderr)
    allow_gap = os.environ.get("AGOL_ALLOW_ESRI_VIEW_GAP") == "1"
    gaps = set()
    for w in caught:
        if issubclass(w.category, ResourceWarning):
            continue
        text = str(w.message)
        if allow_gap and VIEW_GAP in text:
            gaps.update(i for i in expected if i in text)
            print(f"note (known Esri gap): {text}", file=sys.stderr)
            continue
        hint = " (Esri gap, see docs/portal-notes.md)" if VIEW_GAP in text else ""
        problems.append(f"warning: {w.category.__name__}: {text}{hint}")
    mapping = {}
    for item in created or []:
        source = [k[len("source-"):] for k in item.typeKeywords if k.startswith("source-")]
        if source:
            mapping[source[0]] = item.id
    problems += [f"not recreated: {i} {m['title']!r} ({m['type']})"
                 for i, m in expected.items() if i not in mapping and i not in gaps]
    print(json.dumps(mapping, sort_keys=True), flush=True)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        sys.exit(f"package_import: {len(problems)} problem(s), {len(expected)} items in the package")


if __name__ == "__main__":
    main()
