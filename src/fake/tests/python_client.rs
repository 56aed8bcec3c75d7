//! Esri's ArcGIS API for Python against the fake (ignored: needs a venv with `arcgis`;
//! set `ARCGIS_PYTHON` to its interpreter, default `/tmp/arcgis-venv/bin/python`).

use super::*;
use crate::fake::sample;

const SCRIPT: &str = r#"
import sys
from arcgis.gis import GIS
url, user, pw, webmap, hyd = sys.argv[1:6]
gis = GIS(url, user, pw)
print("me", gis.users.me.username)
found = gis.content.search("owner:jdoe_riverside", max_items=100)
print("search", len(found))
wm = gis.content.get(webmap)
print("webmap", wm.title, len(wm.get_data()["operationalLayers"]))
print("related", [i.id for i in wm.related_items("Map2Service", "forward")] == [hyd])
print("resources", len(gis.content.get(sys.argv[6]).resources.list()))
print("missing", gis.content.get("0123456789abcdef0123456789abcdef"))
pub = GIS(url, "jdoe_riverside", "jdoe.pass1", use_gen_token=True)
layer = pub.content.get(hyd).layers[0]
print("count", layer.query(where="1=1", return_count_only=True) > 0)
try:
    GIS(url, "asmith_RiversideWater", "asmith.idp1", use_gen_token=True)
    print("saml-gentoken ok")
except Exception as e:
    print("saml-gentoken failed", "Invalid username or password" in str(e))
"#;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Esri's Python client in a venv"]
async fn official_python_client_signs_in_and_reads() {
    let python = std::env::var("ARCGIS_PYTHON").unwrap_or("/tmp/arcgis-venv/bin/python".into());
    if !std::path::Path::new(&python).exists() {
        eprintln!("skipping: {python} not found");
        return;
    }
    let p = FakePortal::start(FakeConfig {
        tls: true,
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("ca.pem");
    let system = std::fs::read_to_string("/etc/ssl/certs/ca-certificates.crt").unwrap_or_default();
    std::fs::write(&bundle, format!("{system}\n{}", p.ca_cert_pem().unwrap())).unwrap();
    let out = tokio::process::Command::new(&python)
        .arg("-c")
        .arg(SCRIPT)
        .arg(p.url())
        .arg(ADMIN_USERNAME)
        .arg(ADMIN_PASSWORD)
        .arg(sample::item_id("webmap"))
        .arg(crate::fake::features::sample::HYDRANTS_ITEM_ID)
        .arg(sample::item_id("storymap"))
        .env("SSL_CERT_FILE", &bundle)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let log: Vec<String> = p
        .requests()
        .iter()
        .map(|r| format!("{} {} {:?} -> {}", r.method, r.path, r.params, r.status))
        .collect();
    assert!(
        out.status.success(),
        "stdout:\n{stdout}\nstderr:\n{stderr}\nrequests:\n{}",
        log.join("\n")
    );
    assert!(stdout.contains(&format!("me {ADMIN_USERNAME}")), "{stdout}");
    assert!(stdout.contains("related True"), "{stdout}");
    assert!(stdout.contains("missing None"), "{stdout}");
    assert!(stdout.contains("count True"), "{stdout}");
    assert!(stdout.contains("saml-gentoken failed True"), "{stdout}");
}
