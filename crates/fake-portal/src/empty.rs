//! The empty org a restore writes into: the sample org's users and groups, no content.

use super::ids::stable_id;
use super::model::Org;
use super::sample::{EMPTY_ORG_ID, EMPTY_ORG_URL_KEY};
use super::seed::{SeedUrls, sample_org};

/// The sample org without items (and with its own `urlKey`), relationships and folders; groups keep their titles,
/// members and settings under new ids, so a restore must match groups by title.
pub fn empty_org(urls: &SeedUrls) -> Org {
    let mut org = sample_org(urls, 0);
    org.id = EMPTY_ORG_ID.to_string();
    org.name = format!("{} (restore target)", org.name);
    org.url_key = EMPTY_ORG_URL_KEY.to_string();
    org.items.clear();
    org.relationships.clear();
    for u in &mut org.users {
        u.folders.clear();
    }
    for g in &mut org.groups {
        g.id = stable_id(&format!("empty-org:{}", g.id));
    }
    org.reindex();
    org
}
