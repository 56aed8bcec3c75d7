//! Additions to the sample org for restore-fidelity checks (issue 10 point 3): item properties
//! a restore must bring back that the base seed leaves empty — `documentation`, `licenseInfo`,
//! `categories`, a `deprecated` content status and a protected, non-authoritative item. Kept
//! apart from `seed_items` so the base seed stays as it was; applied after it.

use super::model::Org;
use super::sample::item_id;

/// Sets the extra properties on a few sample items (by id; missing ids are skipped).
pub fn add_fidelity_properties(org: &mut Org) {
    org.reindex();
    if let Some(it) = org.item_mut(&item_id("webmap")) {
        it.documentation = Some("Open in Field Maps; layers refresh every 5 minutes.".into());
        it.license_info = Some("CC BY 4.0 — Riverside Water".into());
        it.categories = vec![
            "/Categories/Water/Hydrants".into(),
            "/Categories/Operations".into(),
        ];
    }
    if let Some(it) = org.item_mut(&item_id("pumps-pdf")) {
        it.content_status = Some("deprecated");
        it.documentation = Some("Superseded by the 2024 pump report.".into());
    }
    if let Some(it) = org.item_mut(&item_id("csv")) {
        it.protected = true;
        it.license_info = Some("Internal use only".into());
        it.categories = vec!["/Categories/Operations".into()];
    }
    // The hosted Hydrants service (authoritative, protected, `Hosted Service` keywords in the
    // base seed) also gets the text fields a migration must keep.
    if let Some(it) = org
        .items
        .iter_mut()
        .find(|i| i.item_type == "Feature Service" && i.name.as_deref() == Some("Hydrants"))
    {
        it.documentation = Some("Edited daily by the field crews.".into());
        it.license_info = Some("Riverside Water open data licence".into());
        it.categories = vec!["/Categories/Water/Hydrants".into()];
    }
}
