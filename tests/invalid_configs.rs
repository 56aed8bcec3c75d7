//! Each broken config in `tests/invalid_configs/` gets its own clear message naming the file,
//! the key and the fix — through the real binary.

use std::path::Path;

/// (file, what the message must say)
const CASES: &[(&str, &[&str])] = &[
    (
        "unknown_default_profile.toml",
        &["default_profile", "`work`", "[profiles.work]", "home"],
    ),
    (
        "misspelled_key.toml",
        &["pasword", "line 4", "config.example.toml"],
    ),
    (
        "unknown_auth_method.toml",
        &["kerberos", "\"password\", \"oauth\", \"token\""],
    ),
    (
        "oauth_without_client_id.toml",
        &["profiles.work.oauth_client_id", "urn:ietf:wg:oauth:2.0:oob"],
    ),
    (
        "plain_http_portal.toml",
        &["profiles.work.portal", "allow_http"],
    ),
    ("bad_portal_scheme.toml", &["profiles.work.portal", "ftp"]),
    (
        "zero_workers.toml",
        &["defaults.workers", "between 1 and 64"],
    ),
    (
        "workers_not_a_number.toml",
        &["workers", "line 3", "expected"],
    ),
    ("broken_toml.toml", &["line 1", "valid TOML"]),
    ("empty_username.toml", &["profiles.work.username", "empty"]),
    (
        "limits_zero_json_cap.toml",
        &["limits.max_json_mib", "between 1 and", "256"],
    ),
    ("limits_unknown_key.toml", &["idle_timeout", "line 2"]),
    (
        "keymap_unknown_action.toml",
        &["keymap.bakup", "not an action", "backup"],
    ),
    (
        "keymap_key_conflict.toml",
        &["keymap.backup", "`j`", "also bound to `down`"],
    ),
];

#[test]
fn every_invalid_config_has_its_own_message() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid_configs");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let mut covered: Vec<_> = CASES.iter().map(|(f, _)| f.to_string()).collect();
    covered.sort();
    assert_eq!(
        files, covered,
        "every file in tests/invalid_configs has a case"
    );

    let mut messages = std::collections::HashSet::new();
    for (file, needles) in CASES {
        let path = dir.join(file);
        let out = assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("agol-tui"))
            .args([
                "--config",
                path.to_str().unwrap(),
                "scan",
                "--all",
                "--out",
                "/nonexistent/x.csv",
            ])
            .env_remove("AGOL_PORTAL")
            .env(
                "AGOL_DATA_DIR",
                std::env::temp_dir().join("agol-invalid-config-test"),
            )
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{file}: usage exit code");
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(
            stderr.contains(file),
            "{file}: message names the file: {stderr}"
        );
        for needle in *needles {
            assert!(
                stderr.contains(needle),
                "{file}: message should contain {needle:?}: {stderr}"
            );
        }
        assert!(
            messages.insert(stderr.clone()),
            "{file}: message is not unique"
        );
    }
}
