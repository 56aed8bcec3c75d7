//! Who the empty restore-target org has as users: the sample org's usernames (default), the
//! same people under other usernames (a staging org, or any ArcGIS Online org: usernames are
//! unique across orgs), or the admin alone. For the owner tests of the restore.

use super::model::Org;
use super::sample::ADMIN_USERNAME;

/// The users of an empty org ([`super::FakeConfig::empty_org`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum EmptyOrgUsers {
    /// The sample org's usernames (default).
    #[default]
    Same,
    /// Every sample user with `suffix` appended to the username (passwords and roles kept), in
    /// users, group owners and group members.
    Renamed {
        /// Appended to each username, e.g. `_stg`.
        suffix: String,
    },
    /// Only the sample admin; no other user exists (groups keep the admin alone).
    AdminOnly,
}

/// Changes the users of `org` (an empty org) as `users` says.
pub fn apply(org: &mut Org, users: &EmptyOrgUsers) {
    match users {
        EmptyOrgUsers::Same => {}
        EmptyOrgUsers::Renamed { suffix } => {
            let rename = |u: &str| format!("{u}{suffix}");
            for u in &mut org.users {
                u.username = rename(&u.username);
                u.email = format!("{}@staging.example", u.username.to_lowercase());
            }
            for g in &mut org.groups {
                g.owner = rename(&g.owner);
                g.members = std::mem::take(&mut g.members)
                    .into_iter()
                    .map(|(u, t)| (rename(&u), t))
                    .collect();
            }
        }
        EmptyOrgUsers::AdminOnly => {
            org.users.retain(|u| u.username == ADMIN_USERNAME);
            for g in &mut org.groups {
                g.owner = ADMIN_USERNAME.to_string();
                g.members.retain(|u, _| u == ADMIN_USERNAME);
                g.members.insert(ADMIN_USERNAME.to_string(), "owner");
            }
        }
    }
}
