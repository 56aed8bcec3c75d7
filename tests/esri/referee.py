"""Esri's ArcGIS API for Python against the agol-tui fake portal .

Each check prints PASS/FAIL; the last line is "N passed, N failed"; the exit code is non-zero
when any check fails.
"""
import os
import sys
import tempfile
import traceback

import requests
from arcgis.gis import GIS

URL = os.environ["AGOL_FAKE_URL"]
ADMIN, ADMIN_PW = "gis_admin", "gis_admin.pass1"
results = []


def check(name):
    def wrap(fn):
        try:
            fn()
            results.append((name, True, ""))
            print(f"PASS {name}", flush=True)
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            results.append((name, False, repr(e)))
            print(f"FAIL {name}: {e!r}", flush=True)
            traceback.print_exc()
        return fn
    return wrap


state = {}


@check("sign-in with the default (OAuth-style) flow")
def _():
    gis = GIS(URL, ADMIN, ADMIN_PW)
    assert gis.users.me.username == ADMIN, gis.users.me
    state["gis"] = gis


@check("sign-in with use_gen_token=True")
def _():
    gis = GIS(URL, ADMIN, ADMIN_PW, use_gen_token=True)
    assert gis.users.me.username == ADMIN
    state.setdefault("gis", gis)


def gis():
    return state["gis"]


@check("content.search finds the sample org's items")
def _():
    items = gis().content.search("owner:" + ADMIN, max_items=1000)
    assert len(items) >= 5, len(items)
    types = {i.type for i in gis().content.search("*", max_items=1000)}
    for t in ("Web Map", "Feature Service", "CSV"):
        assert t in types, (t, types)
    state["all"] = gis().content.search("*", max_items=1000)


def find(pred, what):
    for i in state["all"]:
        if pred(i):
            return gis().content.get(i.id)
    raise AssertionError(f"no {what} in the sample org")


@check("content.get and get_data of a web map")
def _():
    wm = find(lambda i: i.type == "Web Map", "web map")
    assert wm.title
    data = wm.get_data()
    assert "operationalLayers" in data, data.keys()


@check("content.get of a missing item returns None")
def _():
    assert gis().content.get("0123456789abcdef0123456789abcdef") is None


@check("download of a CSV file item")
def _():
    csv_item = find(lambda i: i.type == "CSV", "CSV item")
    with tempfile.TemporaryDirectory() as d:
        path = csv_item.download(save_path=d)
        assert path and os.path.getsize(path) > 0, path


@check("resources.list of an item with resources")
def _():
    for i in state["all"]:
        item = gis().content.get(i.id)
        res = item.resources.list()
        if res:
            assert all("resource" in r for r in res), res
            return
    raise AssertionError("no item with resources")


@check("related_items Survey2Service from the form")
def _():
    form = find(lambda i: i.type == "Form", "form")
    related = form.related_items("Survey2Service", "forward")
    assert related and related[0].type == "Feature Service", related


@check("item.layers and a full layer.query match the fake's count")
def _():
    fs = find(lambda i: i.type == "Feature Service" and i.title == "Hydrants", "Hydrants service")
    layers = fs.layers
    assert layers, "no layers"
    layer = layers[0]
    result = layer.query(where="1=1")
    got = len(result.features)
    token = gis()._con.token
    raw = requests.get(
        layer.url + "/query",
        params={"where": "1=1", "returnCountOnly": "true", "f": "json"},
        headers={"X-Esri-Authorization": f"Bearer {token}"},
        verify=os.environ["SSL_CERT_FILE"],
        timeout=30,
    ).json()
    assert got == raw["count"], (got, raw)
    assert got > layer.properties.maxRecordCount, (got, layer.properties.maxRecordCount)


passed = sum(1 for _, ok, _ in results if ok)
failed = len(results) - passed
print(f"esri-referee: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
