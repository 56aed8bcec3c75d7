//! Builds the deterministic sample org: users, folders and groups (items in `seed_items`).

use super::ids::stable_id;
use super::model::{Folder, Group, Org, Role, User};
use super::sample::*;
use std::collections::BTreeMap;

/// 2019-01-01T00:00:00Z, the org's creation time.
pub const ORG_CREATED: i64 = 1_546_300_800_000;
const DAY: i64 = 86_400_000;

/// Base URLs the seeded items point at.
#[derive(Debug, Clone)]
pub struct SeedUrls {
    /// Portal root, e.g. `http://127.0.0.1:1234`.
    pub portal: String,
    /// `{services origin}/{ORG_ID}/arcgis/rest/services`.
    pub hosted_services: String,
    /// `{foreign origin}/arcgis/rest/services`.
    pub foreign_services: String,
}

/// A folder of `user` with a stable id.
pub fn folder(user: &str, title: &str, created: i64) -> Folder {
    Folder {
        id: stable_id(&format!("folder:{user}:{title}")),
        title: title.to_string(),
        created,
    }
}

fn user(name: &str, full: &str, role: Role, password: Option<&str>, folders: &[&str]) -> User {
    let created = ORG_CREATED + 3 * DAY;
    User {
        username: name.to_string(),
        full_name: full.to_string(),
        email: format!("{}@riverside-water.example", name.to_lowercase()),
        role,
        provider: "arcgis",
        password: password.map(str::to_string),
        idp_password: None,
        created,
        last_login: 1_717_000_000_000,
        folders: folders
            .iter()
            .enumerate()
            .map(|(i, t)| folder(name, t, created + (i as i64 + 1) * DAY))
            .collect(),
    }
}

fn group(
    key: &str,
    title: &str,
    owner: &str,
    access: &'static str,
    members: &[(&str, &'static str)],
) -> Group {
    Group {
        id: stable_id(&format!("group:{key}")),
        title: title.to_string(),
        owner: owner.to_string(),
        snippet: format!("{title} group of {ORG_NAME}"),
        tags: vec!["water".into(), key.into()],
        access,
        created: ORG_CREATED + 10 * DAY,
        capabilities: Vec::new(),
        members: members
            .iter()
            .map(|(u, t)| (u.to_string(), *t))
            .collect::<BTreeMap<_, _>>(),
    }
}

/// The whole sample org; `generated` extra benchmark items.
pub fn sample_org(urls: &SeedUrls, generated: usize) -> Org {
    let mut saml = user(
        SAML_USERNAME,
        "Alex Smith",
        Role::Publisher,
        None,
        &["Projects"],
    );
    saml.provider = "enterprise";
    saml.idp_password = Some(SAML_IDP_PASSWORD.to_string());
    let mut viewer = user(
        USER_USERNAME,
        "Vic Viewer",
        Role::User,
        Some(USER_PASSWORD),
        &["My Maps"],
    );
    viewer.last_login = -1;
    let users = vec![
        user(
            ADMIN_USERNAME,
            "GIS Administrator",
            Role::Admin,
            Some(ADMIN_PASSWORD),
            &["Admin Tools"],
        ),
        user(
            PUBLISHER_USERNAME,
            "Jane Doe",
            Role::Publisher,
            Some(PUBLISHER_PASSWORD),
            &["Field Maps", "Survey123", "Archive"],
        ),
        viewer,
        saml,
    ];
    let mut editors = group(
        "editors",
        "Hydrant Editors",
        ADMIN_USERNAME,
        "private",
        &[(ADMIN_USERNAME, "owner"), (PUBLISHER_USERNAME, "admin")],
    );
    editors.capabilities = vec!["updateitemcontrol".into()];
    let groups = vec![
        group(
            "field-ops",
            "Field Operations",
            PUBLISHER_USERNAME,
            "org",
            &[
                (PUBLISHER_USERNAME, "owner"),
                (USER_USERNAME, "member"),
                (SAML_USERNAME, "member"),
            ],
        ),
        group(
            "public-data",
            "Riverside Public Data",
            ADMIN_USERNAME,
            "public",
            &[(ADMIN_USERNAME, "owner")],
        ),
        editors,
        group(
            "admins",
            "Admins Only",
            ADMIN_USERNAME,
            "private",
            &[(ADMIN_USERNAME, "owner")],
        ),
    ];
    let mut org = Org {
        id: ORG_ID.to_string(),
        name: ORG_NAME.to_string(),
        url_key: URL_KEY.to_string(),
        created: ORG_CREATED,
        users,
        groups,
        ..Org::default()
    };
    super::seed_items::add_sample_items(&mut org, urls);
    super::seed_fidelity::add_fidelity_properties(&mut org);
    super::seed_apps::add_app_items(&mut org, urls);
    super::generated::add_generated(&mut org, generated);
    org.reindex();
    org
}
