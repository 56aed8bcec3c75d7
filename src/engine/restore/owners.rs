//! Who owns each restored item in the target, and why.
//!
//! As an admin of the target, an item goes to its original owner (renamed through
//! `--owner-map FILE.csv` when usernames differ between the orgs) when that username exists in
//! the target's users (`portals/self/users`); otherwise to `--fallback-owner` or the signed-in
//! user, with a note per item. `--target-owner` puts every item under one user. A user who is
//! not an admin restores into their own content, with a note on every item someone else owned.
//! The folder is created by [`super::context::Ctx::folder_id`] under the chosen owner.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use crate::client::Client;
use crate::client::models::User;

/// The largest `--owner-map` file read (a map of every user of a large org fits easily).
const MAX_MAP_BYTES: u64 = 4 * 1024 * 1024;

/// The longest username accepted in an owner map (ArcGIS usernames are far shorter).
const MAX_USERNAME: usize = 256;

/// Source username → target username, from a `source,target` CSV file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnerMap {
    /// Lower-cased source username → target username as written.
    map: BTreeMap<String, String>,
}

fn check_username(name: &str, what: &str, at: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err(format!("{at}: the {what} username is empty"));
    }
    if name.chars().count() > MAX_USERNAME {
        return Err(format!(
            "{at}: the {what} username is longer than {MAX_USERNAME} characters"
        ));
    }
    if name
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '/' || c == '"')
    {
        return Err(format!(
            "{at}: the {what} username {name:?} holds a space, quote, slash or control character"
        ));
    }
    Ok(())
}

fn unquote(field: &str) -> &str {
    let f = field.trim();
    f.strip_prefix('"')
        .and_then(|f| f.strip_suffix('"'))
        .unwrap_or(f)
        .trim()
}

impl OwnerMap {
    /// Reads and validates `path` (UTF-8 CSV, at most 4 MiB).
    pub fn load(path: &Path) -> Result<OwnerMap, String> {
        let file = std::fs::File::open(path)
            .map_err(|e| format!("cannot read the owner map {}: {e}", path.display()))?;
        let mut bytes = Vec::new();
        file.take(MAX_MAP_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read the owner map {}: {e}", path.display()))?;
        if bytes.len() as u64 > MAX_MAP_BYTES {
            return Err(format!(
                "the owner map {} is larger than {} MiB; it should hold one `source,target` line per user",
                path.display(),
                MAX_MAP_BYTES / 1024 / 1024
            ));
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            format!(
                "the owner map {} is not UTF-8 text; save it as a UTF-8 CSV of `source,target` lines",
                path.display()
            )
        })?;
        OwnerMap::parse(&text, &path.display().to_string())
    }

    /// The same as [`OwnerMap::load`].
    pub fn read(path: &Path) -> Result<OwnerMap, String> {
        OwnerMap::load(path)
    }

    /// Parses `source,target` lines; blank lines and `#` comments are skipped, and a first line
    /// `source,target` is a header. `name` names the file in errors.
    pub fn parse(text: &str, name: &str) -> Result<OwnerMap, String> {
        let mut map = BTreeMap::new();
        let mut first_line: BTreeMap<String, usize> = BTreeMap::new();
        let mut seen_data = false;
        for (i, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
            let n = i + 1;
            let at = format!("owner map {name} line {n}");
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split(',').map(unquote).collect();
            if fields.len() != 2 {
                return Err(format!(
                    "{at}: expected `source,target` (two usernames), found {} fields",
                    fields.len()
                ));
            }
            if !seen_data
                && fields[0].eq_ignore_ascii_case("source")
                && fields[1].eq_ignore_ascii_case("target")
            {
                seen_data = true;
                continue;
            }
            seen_data = true;
            check_username(fields[0], "source", &at)?;
            check_username(fields[1], "target", &at)?;
            let key = fields[0].to_lowercase();
            if let Some(earlier) = first_line.get(&key) {
                return Err(format!(
                    "{at}: {} is mapped twice (also on line {earlier})",
                    fields[0]
                ));
            }
            first_line.insert(key.clone(), n);
            map.insert(key, fields[1].to_string());
        }
        if map.is_empty() {
            return Err(format!(
                "the owner map {name} maps no user; write one `source,target` line per user"
            ));
        }
        Ok(OwnerMap { map })
    }

    /// The target username for `source` (case-insensitive), when mapped.
    pub fn get(&self, source: &str) -> Option<&str> {
        self.map.get(&source.to_lowercase()).map(String::as_str)
    }

    /// How many users are mapped.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when nothing is mapped (never for a loaded map).
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// The owner rules of one restore.
#[derive(Debug, Clone, Default)]
pub struct OwnerRules {
    /// Every item to this user (admins only).
    pub target_owner: Option<String>,
    /// Items whose owner is not in the target go to this user (admins; default: you).
    pub fallback_owner: Option<String>,
    /// Source → target usernames.
    pub owner_map: Option<OwnerMap>,
}

/// The owner decisions of one restore, with the target's usernames read once.
#[derive(Debug, Clone)]
pub struct Owners {
    me: String,
    admin: bool,
    /// Lower-cased username → the target's spelling (admins only).
    users: BTreeMap<String, String>,
    target_owner: Option<String>,
    fallback: String,
    map: Option<OwnerMap>,
}

/// Where one item goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerChoice {
    /// The target owner.
    pub owner: String,
    /// Why it is not the original owner, when it is not.
    pub note: Option<String>,
}

impl Owners {
    /// Reads the target's users (as an admin) and checks `--target-owner` and
    /// `--fallback-owner` against them.
    pub async fn new(target: &Client, me: &User, rules: &OwnerRules) -> Result<Owners, String> {
        let admin = me.is_org_admin();
        let mut users = BTreeMap::new();
        if admin {
            for u in target
                .org_users()
                .await
                .map_err(|e| format!("cannot list the target's users: {e}"))?
            {
                users.insert(u.username.to_lowercase(), u.username);
            }
        }
        Owners::with_users(&me.username, admin, users, rules)
    }

    /// [`Owners::new`] from the plan's inputs (an empty map = no map).
    pub async fn resolve(
        target: &Client,
        me: &User,
        target_owner: Option<&str>,
        owner_map: OwnerMap,
    ) -> Result<Owners, String> {
        let rules = OwnerRules {
            target_owner: target_owner.map(str::to_string),
            fallback_owner: None,
            owner_map: (!owner_map.is_empty()).then_some(owner_map),
        };
        Owners::new(target, me, &rules).await
    }

    /// [`Owners::new`] with the target's users given (lower-cased → spelling).
    pub fn with_users(
        me: &str,
        admin: bool,
        users: BTreeMap<String, String>,
        rules: &OwnerRules,
    ) -> Result<Owners, String> {
        let known = |flag: &str, u: &str| -> Result<String, String> {
            if !admin {
                if u.eq_ignore_ascii_case(me) {
                    return Ok(me.to_string());
                }
                return Err(format!(
                    "{flag} {u}: only an admin of the target can restore into another user's content; you ({me}) restore into your own"
                ));
            }
            users.get(&u.to_lowercase()).cloned().ok_or_else(|| {
                format!("{flag} {u}: no such user in the target; pass an existing username")
            })
        };
        let target_owner = match &rules.target_owner {
            Some(u) => Some(known("--target-owner", u)?),
            None => None,
        };
        let fallback = match &rules.fallback_owner {
            Some(u) => known("--fallback-owner", u)?,
            None => me.to_string(),
        };
        Ok(Owners {
            me: me.to_string(),
            admin,
            users,
            target_owner,
            fallback,
            map: rules.owner_map.clone(),
        })
    }

    /// The target owner of an item `source_owner` owned.
    pub fn choose(&self, source_owner: &str) -> OwnerChoice {
        if let Some(o) = &self.target_owner {
            return OwnerChoice {
                owner: o.clone(),
                note: None,
            };
        }
        let mapped = self.map.as_ref().and_then(|m| m.get(source_owner));
        let wanted = mapped.unwrap_or(source_owner);
        let named = match mapped {
            Some(m) => format!("{source_owner} (mapped to {m})"),
            None => source_owner.to_string(),
        };
        if !self.admin {
            if wanted.eq_ignore_ascii_case(&self.me) {
                return OwnerChoice {
                    owner: self.me.clone(),
                    note: None,
                };
            }
            return OwnerChoice {
                owner: self.me.clone(),
                note: Some(format!(
                    "owned by {named}; restored into your own content ({}) because you are not an admin of the target",
                    self.me
                )),
            };
        }
        match self.users.get(&wanted.to_lowercase()) {
            Some(u) => OwnerChoice {
                owner: u.clone(),
                note: None,
            },
            None => OwnerChoice {
                owner: self.fallback.clone(),
                note: Some(format!(
                    "owner {named} does not exist in the target; restored as {}{}",
                    self.fallback,
                    if self.map.is_none() {
                        " (map usernames with --owner-map FILE.csv)"
                    } else {
                        ""
                    }
                )),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users(names: &[&str]) -> BTreeMap<String, String> {
        names
            .iter()
            .map(|n| (n.to_lowercase(), n.to_string()))
            .collect()
    }

    #[test]
    fn maps_parse_with_header_comments_quotes_and_bom() {
        let m = OwnerMap::parse(
            "\u{feff}source,target\n# staging\n\n jdoe , jdoe_stg\n\"Alex\",\"alex_stg\"\n",
            "m.csv",
        )
        .unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m.get("JDOE"), Some("jdoe_stg"));
        assert_eq!(m.get("alex"), Some("alex_stg"));
        assert_eq!(m.get("other"), None);
    }

    #[test]
    fn bad_maps_name_the_file_and_line() {
        let e = OwnerMap::parse("a,b\nc\n", "m.csv").unwrap_err();
        assert!(e.contains("m.csv line 2") && e.contains("1 fields"), "{e}");
        let e = OwnerMap::parse("a,b,c\n", "m.csv").unwrap_err();
        assert!(e.contains("line 1") && e.contains("3 fields"), "{e}");
        let e = OwnerMap::parse("a,b\nA,c\n", "m.csv").unwrap_err();
        assert!(e.contains("mapped twice") && e.contains("line 1"), "{e}");
        let e = OwnerMap::parse("a,\n", "m.csv").unwrap_err();
        assert!(e.contains("target username is empty"), "{e}");
        let e = OwnerMap::parse("a b,c\n", "m.csv").unwrap_err();
        assert!(e.contains("space"), "{e}");
        let e = OwnerMap::parse("a,c\u{1b}[2J\n", "m.csv").unwrap_err();
        assert!(e.contains("control"), "{e}");
        let e = OwnerMap::parse("source,target\n# none\n", "m.csv").unwrap_err();
        assert!(e.contains("maps no user"), "{e}");
    }

    #[test]
    fn a_large_or_binary_map_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.csv");
        std::fs::write(&big, vec![b'a'; (MAX_MAP_BYTES + 10) as usize]).unwrap();
        assert!(OwnerMap::load(&big).unwrap_err().contains("larger than"));
        let bin = dir.path().join("bin.csv");
        std::fs::write(&bin, [0xff, 0xfe, 0x00, 0x61]).unwrap();
        assert!(OwnerMap::load(&bin).unwrap_err().contains("not UTF-8"));
        let missing = dir.path().join("missing.csv");
        assert!(
            OwnerMap::load(&missing)
                .unwrap_err()
                .contains("cannot read")
        );
    }

    #[test]
    fn admins_keep_existing_owners_and_fall_back_with_a_note() {
        let o = Owners::with_users(
            "admin",
            true,
            users(&["admin", "Jdoe"]),
            &OwnerRules::default(),
        )
        .unwrap();
        assert_eq!(
            o.choose("jdoe"),
            OwnerChoice {
                owner: "Jdoe".into(),
                note: None
            }
        );
        let c = o.choose("gone");
        assert_eq!(c.owner, "admin");
        assert!(
            c.note
                .unwrap()
                .contains("gone does not exist in the target")
        );
    }

    #[test]
    fn the_owner_map_and_fallback_owner_apply() {
        let rules = OwnerRules {
            owner_map: Some(OwnerMap::parse("jdoe,jdoe_stg\nvic,nobody\n", "m").unwrap()),
            fallback_owner: Some("keeper".into()),
            ..OwnerRules::default()
        };
        let o = Owners::with_users(
            "admin",
            true,
            users(&["admin", "jdoe_stg", "keeper"]),
            &rules,
        )
        .unwrap();
        assert_eq!(o.choose("jdoe").owner, "jdoe_stg");
        let c = o.choose("vic");
        assert_eq!(c.owner, "keeper");
        assert!(c.note.unwrap().contains("vic (mapped to nobody)"));
    }

    #[test]
    fn target_owner_takes_everything_and_must_exist() {
        let rules = OwnerRules {
            target_owner: Some("JDOE".into()),
            ..OwnerRules::default()
        };
        let o = Owners::with_users("admin", true, users(&["admin", "jdoe"]), &rules).unwrap();
        assert_eq!(o.choose("admin").owner, "jdoe");
        let rules = OwnerRules {
            target_owner: Some("ghost".into()),
            ..OwnerRules::default()
        };
        let e = Owners::with_users("admin", true, users(&["admin"]), &rules).unwrap_err();
        assert!(e.contains("--target-owner ghost: no such user"), "{e}");
    }

    #[test]
    fn non_admins_restore_into_their_own_content() {
        let o = Owners::with_users("jdoe", false, BTreeMap::new(), &OwnerRules::default()).unwrap();
        assert_eq!(o.choose("jdoe").note, None);
        let c = o.choose("admin");
        assert_eq!(c.owner, "jdoe");
        assert!(c.note.unwrap().contains("not an admin"));
        let rules = OwnerRules {
            target_owner: Some("admin".into()),
            ..OwnerRules::default()
        };
        let e = Owners::with_users("jdoe", false, BTreeMap::new(), &rules).unwrap_err();
        assert!(e.contains("only an admin"), "{e}");
    }
}
