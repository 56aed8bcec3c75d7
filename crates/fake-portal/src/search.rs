//! `GET|POST /sharing/rest/search`: the item search with sorting, paging and the search cap.

use super::ctx::Ctx;
use super::model::{Group, Item, Org};
use super::query::{self, Doc, Value, m};
use super::respond::{self, JsonType};
use super::state::Shared;
use super::views::{ItemView, item_json};
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use serde_json::json;
use std::cmp::Ordering;
use std::sync::Arc;

struct ItemDoc<'a> {
    org: &'a Org,
    item: &'a Item,
}

impl Doc for ItemDoc<'_> {
    fn matches(&self, field: Option<&str>, v: &Value) -> bool {
        let it = self.item;
        match field {
            None | Some("title") => {
                m::contains(&it.title, v)
                    || (field.is_none() && it.tags.iter().any(|t| m::eq(t, v)))
            }
            Some("owner") => it.owner == m::text(v),
            Some("orgid") | Some("accountid") => m::eq(&self.org.id, v),
            Some("id") => it.id == m::text(v).to_ascii_lowercase(),
            Some("type") => match v {
                Value::Text { quoted: true, .. } => m::eq(&it.item_type, v),
                _ => m::eq(&it.item_type, v) || it.item_type.split(' ').any(|w| m::eq(w, v)),
            },
            Some("typekeywords") => it.type_keywords.iter().any(|k| m::eq(k, v)),
            Some("tags") => it.tags.iter().any(|k| m::eq(k, v)),
            Some("access") => m::eq(it.access, v),
            Some("contentstatus") => it.content_status.is_some_and(|c| m::eq(c, v)),
            Some("group") => it.groups.iter().any(|g| *g == m::text(v)),
            Some("created") | Some("uploaded") => m::in_range(it.created, v),
            Some("modified") => m::in_range(it.modified, v),
            Some("snippet") => it.snippet.as_deref().is_some_and(|s| m::contains(s, v)),
            Some("description") => it.description.as_deref().is_some_and(|s| m::contains(s, v)),
            Some("name") => it.name.as_deref().is_some_and(|s| m::eq(s, v)),
            Some("url") => it.url.as_deref().is_some_and(|s| m::contains(s, v)),
            Some(_) => false,
        }
    }
}

/// A group as a search document (for `/community/groups`).
pub struct GroupDoc<'a> {
    pub org: &'a Org,
    pub group: &'a Group,
}

impl Doc for GroupDoc<'_> {
    fn matches(&self, field: Option<&str>, v: &Value) -> bool {
        let g = self.group;
        match field {
            None | Some("title") => m::contains(&g.title, v),
            Some("owner") => g.owner == m::text(v),
            Some("orgid") | Some("accountid") => m::eq(&self.org.id, v),
            Some("id") => g.id == m::text(v),
            Some("access") => m::eq(g.access, v),
            Some("tags") => g.tags.iter().any(|t| m::eq(t, v)),
            Some("created") | Some("modified") => m::in_range(g.created, v),
            Some(_) => false,
        }
    }
}

fn compare(a: &Item, b: &Item, field: &str) -> Ordering {
    match field.to_ascii_lowercase().as_str() {
        "title" => a.title.to_lowercase().cmp(&b.title.to_lowercase()),
        "modified" => a.modified.cmp(&b.modified),
        "type" => a.item_type.cmp(&b.item_type),
        "owner" => a.owner.cmp(&b.owner),
        "numviews" => a.num_views.cmp(&b.num_views),
        _ => a.created.cmp(&b.created),
    }
    .then_with(|| a.id.cmp(&b.id))
}

/// Items matching `q` that `caller` may see, sorted per `sortField`/`sortOrder`.
pub fn find_items<'a>(
    org: &'a Org,
    caller: Option<&str>,
    q: &str,
    sort: Option<&str>,
    desc: bool,
) -> Vec<&'a Item> {
    let expr = query::parse(q);
    let mut hits: Vec<&Item> = org
        .items
        .iter()
        .filter(|it| org.can_see_item(caller, it) && query::eval(&expr, &ItemDoc { org, item: it }))
        .collect();
    let field = sort.unwrap_or("created");
    let field = field.split(',').next().unwrap_or("created").trim();
    hits.sort_by(|a, b| compare(a, b, field));
    if desc {
        hits.reverse();
    }
    hits
}

/// The `/search` handler.
pub async fn search(State(s): State<Arc<Shared>>, Extension(ctx): Extension<Arc<Ctx>>) -> Response {
    let caller = match ctx.caller(&s) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(q) = ctx.param("q").map(str::to_string) else {
        return respond::error(&ctx, 400, None, "'q' parameter must be specified.", &[]);
    };
    let org = s.org();
    let desc = ctx
        .param("sortOrder")
        .is_some_and(|o| o.eq_ignore_ascii_case("desc"));
    let hits = find_items(&org, caller.as_deref(), &q, ctx.param("sortField"), desc);
    let total = hits.len();
    let start = ctx.num("start", 1).max(1);
    let num = ctx.num("num", 10).clamp(0, 100);
    let reachable = total.min(s.search_cap);
    let (from, to, mut next) = super::views::page(reachable, start, num);
    if next > 0 && next as usize > s.search_cap {
        next = -1;
    }
    let results: Vec<_> = hits[from..to]
        .iter()
        .map(|it| item_json(&org, it, caller.as_deref(), ItemView::Search))
        .collect();
    let body = json!({"query": q, "total": total, "start": start, "num": num,
        "nextStart": next, "results": results});
    respond::json_as(&ctx, &body, JsonType::Plain)
}
