"""Export the whole sample org of the fake portal with Esri's OfflineContentManager.

Env: AGOL_FAKE_URL (portal URL), OUT_DIR (where the .contentexport goes); SSL_CERT_FILE must
trust the fake's certificate (see scripts/esri-referee.sh). Prints the package path. Exits
non-zero on any Python warning (ResourceWarnings from Esri's own
unclosed files are only counted) or when the manifest lacks a requested item.
"""
import json
import os
import sys
import tarfile
import warnings

from arcgis.gis import GIS

NAME = "agol_fake_sample"


def main():
    url, out_dir = os.environ["AGOL_FAKE_URL"], os.environ["OUT_DIR"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gis = GIS(url, "gis_admin", "gis_admin.pass1")
        items = gis.content.search("*", max_items=10000)
        wanted = {i.id: (i.title, i.type) for i in items}
        path = gis.content.offline.export_items(items, output_folder=out_dir, package_name=NAME)
    problems = [f"warning: {w.category.__name__}: {w.message}" for w in caught]
    with tarfile.open(path, "r:gz") as tar:
        manifest = json.load(tar.extractfile(f"{NAME}/manifest.json"))["items"]
    problems += [f"missing from the manifest: {i} {t!r} ({k})"
                 for i, (t, k) in wanted.items() if i not in manifest]
    if not wanted:
        problems.append("the search returned no items")
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        sys.exit(f"package_export: {len(problems)} problem(s), {len(wanted)} items requested")
    print(path)


if __name__ == "__main__":
    main()
