"""Esri's `clone_items` against the agol-tui fake (issue 10, acceptance 7): the cloning half.

Clones the items of the source org (AGOL_FAKE_URL) into an empty org (AGOL_FAKE_TARGET_URL) with
Esri's ArcGIS API for Python, giving the client its best chance: hosted services first (so the
maps and apps that need them find their clones), one `clone_items([item])` call per item with
the source owner and folder, `copy_global_ids`, `preserve_status` and the groups mapped by
title. It prints one line per item and exits 0 when it ran to the end: whether Esri's copy is
faithful is judged afterwards by the comparator in tests/esri/clone_compare.rs, from the source
org's own backup. AGOL_CLONE_TYPES (comma-separated item types) clones only those types.
"""
import os
import sys

from arcgis.gis import GIS

SRC, TGT = os.environ["AGOL_FAKE_URL"], os.environ["AGOL_FAKE_TARGET_URL"]
ADMIN, ADMIN_PW = "gis_admin", "gis_admin.pass1"
ONLY = {t.strip() for t in os.environ.get("AGOL_CLONE_TYPES", "").split(",") if t.strip()}
# Services before what reads them (the same order agol-tui's restore uses).
ORDER = {"Feature Service": 0, "Web Map": 2, "Dashboard": 3, "Web Mapping Application": 3}

source = GIS(SRC, ADMIN, ADMIN_PW)
target = GIS(TGT, ADMIN, ADMIN_PW)
target_groups = {g.title: g.id for g in target.groups.search("*", max_groups=1000)}
group_mapping = {
    g.id: target_groups[g.title]
    for g in source.groups.search("*", max_groups=1000)
    if g.title in target_groups
}


def rank(item):
    is_view = "View Service" in (item.typeKeywords or [])
    return (ORDER.get(item.type, 1) + (1 if is_view else 0), item.type, item.title)


def folder_title(item):
    fid = getattr(item, "ownerFolder", None)
    if not fid:
        return None
    for f in source.users.get(item.owner).folders:
        props = f.properties if hasattr(f, "properties") else f
        if props.get("id") == fid:
            return props.get("title") or getattr(f, "name", None)
    return None


items = sorted(source.content.search("*", max_items=1000), key=rank)
if ONLY:
    items = [i for i in items if i.type in ONLY]
cloned, failed = 0, 0
for item in items:
    try:
        out = target.content.clone_items(
            [item],
            folder=folder_title(item),
            owner=item.owner,
            copy_global_ids=True,
            preserve_status=True,
            search_existing_items=True,
            group_mapping=group_mapping,
        )
        ok = any(f"source-{item.id}" in (o.typeKeywords or []) for o in out)
        if not ok:
            ok = bool(target.content.search(f'typekeywords:"source-{item.id}"'))
        status = "cloned" if ok else "not cloned (no error)"
        cloned += ok
        failed += not ok
    except Exception as e:  # noqa: BLE001 - report every item and go on
        status = "FAILED: " + " ".join(str(e).split())[:300]
        failed += 1
    print(f"esri-clone: {item.type} | {item.title!r} | {status}", flush=True)
print(f"esri-clone: {cloned} cloned, {failed} not cloned", flush=True)
sys.exit(0)
