//! `POST /content/users/{user}[/{folderId}]/items/{id}/{operation}`: `update`, `updateinfo`,
//! `protect`/`unprotect`, `setContentStatus`, `move`, resources, sharing, multipart parts and
//! (in a folder) `status`.

use super::ctx::Ctx;
use super::ids::now_ms;
use super::item_fields;
use super::multipart::{Part, files};
use super::respond;
use super::state::Shared;
use super::write_auth::{acting_on_item, flag, folder_of};
use super::{add_item, resources_write, sharing};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

fn run(
    s: &Shared,
    ctx: &Ctx,
    files: &BTreeMap<String, Part>,
    user: &str,
    id: &str,
    op: &str,
) -> Response {
    let caller = match acting_on_item(s, ctx, user, id) {
        Ok(c) => c,
        Err(r) => return r,
    };
    match op.to_ascii_lowercase().as_str() {
        "update" => update(s, ctx, files, id),
        "updateinfo" => update_info(s, ctx, files, user, id),
        "addpart" => add_item::add_part(s, ctx, files, id),
        "commit" => add_item::commit(s, ctx, files, id),
        "parts" => add_item::parts(s, ctx, id),
        "addresources" => resources_write::add(s, ctx, files, user, id, false),
        "updateresources" => resources_write::add(s, ctx, files, user, id, true),
        "removeresources" => resources_write::remove(s, ctx, user, id),
        "share" => sharing::share(s, ctx, &caller, id),
        "unshare" => sharing::unshare(s, ctx, id),
        "protect" | "unprotect" => {
            set(s, id, |it| {
                it.protected = op.eq_ignore_ascii_case("protect")
            });
            respond::json(ctx, &json!({"success": true}))
        }
        "setcontentstatus" => content_status(s, ctx, &caller, id),
        "move" => move_item(s, ctx, user, id),
        "status" => super::export::job_status(s, ctx, id),
        _ => respond::not_found(),
    }
}

fn set(s: &Shared, id: &str, f: impl FnOnce(&mut super::model::Item)) {
    if let Some(it) = s.org_mut().item_mut(id) {
        f(it);
    }
}

/// `update`: the addItem parameters (only those sent change; `clearEmptyFields=true` blanks
/// fields sent empty), `text`/`file`/`url` replace the data, `thumbnail` and `metadata` files.
fn update(s: &Shared, ctx: &Ctx, files: &BTreeMap<String, Part>, id: &str) -> Response {
    let clear = flag(ctx, "clearEmptyFields");
    let mut org = s.org_mut();
    let Some(it) = org.item_mut(id) else {
        return respond::item_missing(ctx);
    };
    let mut next = it.clone();
    if let Err((code, mc, msg)) = item_fields::apply(&mut next, ctx, files, clear) {
        return respond::error(ctx, code, mc, &msg, &[]);
    }
    next.modified = now_ms().max(it.modified + 1);
    *it = next;
    respond::json(ctx, &json!({"success": true, "id": id}))
}

/// `updateinfo` with a `file` (and optional `folderName`): `metadata/metadata.xml` sets the
/// formal metadata, anything else becomes an info file.
fn update_info(
    s: &Shared,
    ctx: &Ctx,
    files: &BTreeMap<String, Part>,
    user: &str,
    id: &str,
) -> Response {
    let Some(f) = files.get("file") else {
        return respond::error(ctx, 400, None, "'file' must be specified.", &[]);
    };
    let name = f.file_name.clone().unwrap_or_default();
    let path = match ctx.param("folderName") {
        Some(dir) => format!("{}/{name}", dir.trim_matches('/')),
        None => name,
    };
    let mut org = s.org_mut();
    let Some(it) = org.item_mut(id) else {
        return respond::item_missing(ctx);
    };
    if path.eq_ignore_ascii_case("metadata/metadata.xml")
        || path.eq_ignore_ascii_case("metadata.xml")
    {
        it.metadata = Some(String::from_utf8_lossy(&f.bytes).to_string());
    } else {
        let mime = super::item_files::mime_for(&path);
        it.info_files.insert(path, (mime, f.bytes.clone()));
    }
    let folder = it.folder.clone();
    respond::json(
        ctx,
        &json!({"success": true, "itemId": id, "owner": user, "folder": folder}),
    )
}

/// `setContentStatus` (`status=org_authoritative|public_authoritative|deprecated`, the short
/// `authoritative` too; empty or absent clears it; admins only for authoritative, as on ArcGIS
/// Online). Authoritative items become protected, as the REST docs say.
fn content_status(s: &Shared, ctx: &Ctx, caller: &str, id: &str) -> Response {
    let status = match ctx.param("status").map(str::to_ascii_lowercase).as_deref() {
        None => None,
        Some("authoritative" | "org_authoritative") => Some("org_authoritative"),
        Some("public_authoritative") => Some("public_authoritative"),
        Some("deprecated") => Some("deprecated"),
        Some(other) => {
            return respond::error(ctx, 400, None, &format!("Invalid status '{other}'."), &[]);
        }
    };
    let authoritative = status.is_some_and(|st| st.ends_with("_authoritative"));
    if authoritative && !s.org().is_admin(Some(caller)) {
        return respond::forbidden(ctx, false);
    }
    set(s, id, |it| {
        it.content_status = status;
        if authoritative {
            it.protected = true;
        }
    });
    respond::json(ctx, &json!({"success": true}))
}

/// `POST /content/items/{id}/setContentStatus` (the documented URL): the item's owner or an
/// org admin. GET is answered too: Esri's ArcGIS API for Python (2.4, `clone_items` with
/// `preserve_status`) sends this operation as a GET with the token, and relies on it working.
pub async fn item_content_status(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path(id): Path<String>,
) -> Response {
    let caller = match ctx.caller(&s) {
        Ok(Some(c)) => c,
        Ok(None) => return respond::token_required(&ctx),
        Err(r) => return r,
    };
    let owner = match s.org().item(&id) {
        Some(it) => it.owner.clone(),
        None => return respond::item_missing(&ctx),
    };
    if owner != caller && !s.org().is_admin(Some(&caller)) {
        return respond::forbidden(&ctx, false);
    }
    content_status(&s, &ctx, &caller, &id)
}

/// `move` with `folder` (id, or `/` for the root).
fn move_item(s: &Shared, ctx: &Ctx, user: &str, id: &str) -> Response {
    let folder = match folder_of(s, ctx, user, ctx.param("folder")) {
        Ok(f) => f,
        Err(r) => return r,
    };
    set(s, id, |it| it.folder = folder.clone());
    respond::json(
        ctx,
        &json!({"success": true, "itemId": id, "owner": user, "folder": folder}),
    )
}

/// `POST /content/users/{user}/items/{id}/{operation}`.
pub async fn root_op(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path((user, id, op)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    run(&s, &ctx, &files(&headers, &body), &user, &id, &op)
}

/// `POST /content/users/{user}/{folderId}/items/{id}/{operation}` (the folder is not checked,
/// as on the real portal).
pub async fn folder_op(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path((user, _folder, id, op)): Path<(String, String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    run(&s, &ctx, &files(&headers, &body), &user, &id, &op)
}
