//! `portals/self`, `community/self`, the sharing root's `info`.

use crate::client::Client;
use crate::client::error::Result;
use crate::client::models::{PortalSelf, User};
use crate::client::request::Call;

impl Client {
    /// `GET portals/self`: the org as the caller sees it.
    pub async fn portal_self(&self) -> Result<PortalSelf> {
        self.json(Call::get(self.portal().sharing("portals/self")))
            .await
    }

    /// `GET community/self`: the signed-in user with role and privileges.
    pub async fn community_self(&self) -> Result<User> {
        self.json(Call::get(self.portal().sharing("community/self")))
            .await
    }

    /// `GET community/users/{username}`.
    pub async fn user(&self, username: &str) -> Result<User> {
        self.json(Call::get(
            self.portal()
                .sharing(&format!("community/users/{}", path_segment(username))),
        ))
        .await
    }

    /// `GET info` (public): tells whether the portal speaks tokens. Used to check the URL.
    pub async fn sharing_info(&self) -> Result<serde_json::Value> {
        self.json(Call::get(self.portal().sharing("info")).anonymous())
            .await
    }
}

/// Percent-encodes one path segment (usernames may hold `@` or spaces).
pub fn path_segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
