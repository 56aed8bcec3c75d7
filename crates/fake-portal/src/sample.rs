//! Constants of the seeded sample org ("Riverside Water (demo)"): users, passwords, OAuth apps.
//!
//! Item ids are derived from a fixed seed; look items up with [`super::FakePortal::items`].

/// Org id (16 characters, like ArcGIS Online).
pub const ORG_ID: &str = "RvW8tQd3Xk2LmP9z";
/// Org id of a portal started with `FakeConfig::empty_org` (differs from [`ORG_ID`]).
pub const EMPTY_ORG_ID: &str = "Em9tYOrgB4kQ9wZ2";
/// Org name.
pub const ORG_NAME: &str = "Riverside Water (demo)";
/// `urlKey` reported by `portals/self`.
pub const URL_KEY: &str = "riversidewater";
/// `urlKey` of the empty org (differs from [`URL_KEY`], as a second org's would).
pub const EMPTY_ORG_URL_KEY: &str = "riversidestaging";

/// Org administrator (role `org_admin`).
pub const ADMIN_USERNAME: &str = "gis_admin";
/// Password of [`ADMIN_USERNAME`].
pub const ADMIN_PASSWORD: &str = "gis_admin.pass1";

/// Publisher (role `org_publisher`), member of the "Field Operations" group.
pub const PUBLISHER_USERNAME: &str = "jdoe_riverside";
/// Password of [`PUBLISHER_USERNAME`].
pub const PUBLISHER_PASSWORD: &str = "jdoe.pass1";

/// Plain user (role `org_user`), member of the "Field Operations" group.
pub const USER_USERNAME: &str = "viewer_riverside";
/// Password of [`USER_USERNAME`].
pub const USER_PASSWORD: &str = "viewer.pass1";

/// A SAML (`provider: enterprise`) publisher: generateToken fails for it, OAuth sign-in works.
pub const SAML_USERNAME: &str = "asmith_RiversideWater";
/// What the SAML user types on the OAuth sign-in page (the identity provider's password).
pub const SAML_IDP_PASSWORD: &str = "asmith.idp1";

/// The OAuth app agol-tui uses; registered redirect: `urn:ietf:wg:oauth:2.0:oob` (plus
/// loopback `http://127.0.0.1` / `http://localhost` on any port).
pub const OAUTH_CLIENT_ID: &str = "agoltui";
/// The out-of-band redirect URI that sends the browser to the approval page.
pub const OOB_REDIRECT_URI: &str = "urn:ietf:wg:oauth:2.0:oob";
/// The OAuth client id Esri's Python API uses (any `https://` redirect is accepted).
pub const PYTHON_API_CLIENT_ID: &str = "pythonapi";

/// Prefix of the generated benchmark users (`bench_user_01` ...); their password is
/// [`GENERATED_PASSWORD`].
pub const GENERATED_USER_PREFIX: &str = "bench_user_";
/// Password of every generated user.
pub const GENERATED_PASSWORD: &str = "bench.pass1";

/// Id of the "Field Operations" group (publisher and user are members; shared-update off).
pub fn field_ops_group_id() -> String {
    super::ids::stable_id("group:field-ops")
}

/// Id of the sample item with `label` (labels are listed in the seed; e.g. `webmap`, `app`,
/// `csv`, `pdf`, `code`, `form`, `dashboard`, `storymap`).
pub fn item_id(label: &str) -> String {
    super::ids::stable_id(&format!("item:{label}"))
}

/// Id of the admin's "Large file" item (only when `FakeConfig::large_file_bytes > 0`).
pub const LARGE_FILE_ITEM_ID: &str = "0718293a4b5c6d7e8f90a1b2c3d4e5f6";
