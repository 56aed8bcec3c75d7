//! The axum router: `{prefix}/rest/info` and `{prefix}/rest/services/{name}/FeatureServer[/...]`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::any;
use serde_json::{Value, json};

use super::definitions::{self, CURRENT_VERSION};
use super::http::{self, Format, Params, error_body, json_response, not_supported};
use super::store::find;
use super::{CallerAuth, ServerInfo, ServiceStore, attachments, query, related};

/// What every feature-service handler shares.
pub(crate) struct AppState {
    pub(crate) store: Arc<ServiceStore>,
    pub(crate) auth: Arc<dyn CallerAuth>,
    pub(crate) info: ServerInfo,
    pub(crate) prefix: String,
}

/// Serves `{path_prefix}/rest/info` and `{path_prefix}/rest/services/{name}/FeatureServer[/...]`.
///
/// GET and urlencoded POST are treated alike. Without `f` (or with `f=html`) resources answer
/// an HTML page with status 200; errors always use the JSON error envelope with status 200.
pub fn router(
    store: Arc<ServiceStore>,
    auth: Arc<dyn CallerAuth>,
    info: ServerInfo,
    path_prefix: String,
) -> Router {
    let prefix = path_prefix.trim_end_matches('/').to_string();
    let state = Arc::new(AppState {
        store,
        auth,
        info,
        prefix: prefix.clone(),
    });
    Router::new()
        .route(&format!("{prefix}/rest/info"), any(rest_info))
        .route(&format!("{prefix}/rest/services/{{*rest}}"), any(services))
        .route(
            &format!("{prefix}/rest/admin/services/{{*rest}}"),
            any(super::write_routes::admin),
        )
        .with_state(state)
}

/// Renders a JSON resource in the requested format (HTML page when `f` is missing).
fn render(title: &str, body: &Value, format: &Format) -> Response {
    match format {
        Format::Html => http::html_page(title, body),
        Format::Other(f) => json_response(
            &error_body(400, "Invalid or unsupported output format.", &[f]),
            &Format::Json,
        ),
        other => json_response(body, other),
    }
}

async fn rest_info(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let params = Params::from_request(&uri, &headers, &body);
    let origin = http::origin(&uri, &headers, st.info.owning_system_url.as_deref());
    let token_url = match &st.info.owning_system_url {
        Some(owner) => format!("{}/sharing/rest/generateToken", owner.trim_end_matches('/')),
        None => format!("{origin}{}/tokens/", st.prefix),
    };
    let mut m = serde_json::Map::new();
    m.insert("currentVersion".into(), CURRENT_VERSION.into());
    m.insert("fullVersion".into(), "11.3.0".into());
    if let Some(owner) = &st.info.owning_system_url {
        m.insert("owningSystemUrl".into(), owner.clone().into());
    }
    m.insert(
        "authInfo".into(),
        json!({"isTokenBasedSecurity": true, "tokenServicesUrl": token_url,
               "shortLivedTokenValidity": 60}),
    );
    render("Server Info", &Value::Object(m), &params.format())
}

async fn services(
    State(st): State<Arc<AppState>>,
    Path(rest): Path<String>,
    method: axum::http::Method,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let params = Params::from_request(&uri, &headers, &body);
    if let Some(resp) =
        super::write_routes::feature_write(&st, &rest, &method, &headers, &body, &params)
    {
        return resp;
    }
    let format = params.format();
    match dispatch(&st, &rest, &headers, &uri, &params, &format) {
        Ok(resp) => resp,
        Err(envelope) => {
            let f = if format == Format::Pjson {
                Format::Pjson
            } else {
                Format::Json
            };
            json_response(&envelope, &f)
        }
    }
}

/// Routes one request under `rest/services/`; `Err` is an error envelope.
fn dispatch(
    st: &AppState,
    rest: &str,
    headers: &HeaderMap,
    uri: &Uri,
    params: &Params,
    format: &Format,
) -> Result<Response, Value> {
    let invalid_url = || error_body(400, "Invalid URL", &["Invalid URL"]);
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let fs = segs
        .iter()
        .position(|s| s.eq_ignore_ascii_case("FeatureServer"))
        .ok_or_else(invalid_url)?;
    if fs == 0 {
        return Err(invalid_url());
    }
    let name = segs[..fs].join("/");
    let tail = &segs[fs + 1..];
    let services = st.store.read();
    let svc = find(&services, &name).ok_or_else(invalid_url)?;
    if !svc.public {
        match st.auth.caller(headers, params.get("token")) {
            Err(code) => return Err(http::invalid_token(code)),
            Ok(None) => return Err(http::token_required()),
            Ok(Some(_)) => {}
        }
    }
    let services_url = format!(
        "{}{}/rest/services",
        http::origin(uri, headers, st.info.owning_system_url.as_deref()),
        st.prefix
    );
    let service_url = format!("{services_url}/{}/FeatureServer", svc.name);
    let layer_of = |id: &str| {
        id.parse::<i64>()
            .ok()
            .and_then(|id| svc.layer(id))
            .ok_or_else(|| {
                error_body(
                    400,
                    &format!("Invalid Layer or Table ID: {id}."),
                    &[&format!("Invalid Layer or Table ID: {id}.")],
                )
            })
    };
    let int = |s: &str| s.parse::<i64>().map_err(|_| invalid_url());
    match tail {
        [] => Ok(render(
            &svc.name,
            &definitions::service_root(&services, svc),
            format,
        )),
        [op] if op.eq_ignore_ascii_case("layers") => Ok(render(
            &svc.name,
            &definitions::all_layers(&services, svc),
            format,
        )),
        [op] if op.eq_ignore_ascii_case("sources") && svc.is_view() => Ok(render(
            &svc.name,
            &definitions::sources(&services, svc, &services_url),
            format,
        )),
        [id, op] if op.eq_ignore_ascii_case("sources") && svc.is_view() => {
            let l = layer_of(id)?;
            Ok(render(
                &l.name,
                &definitions::layer_sources(&services, l, &services_url),
                format,
            ))
        }
        [id] if id.parse::<i64>().is_ok() => {
            let l = layer_of(id)?;
            Ok(render(
                &l.name,
                &definitions::layer_definition(&services, svc, l),
                format,
            ))
        }
        [id, op] if op.eq_ignore_ascii_case("query") => {
            let l = layer_of(id)?;
            if *format == Format::Html {
                return Ok(http::html_page(
                    &format!("Query: {}", l.name),
                    &json!({"layer": l.name}),
                ));
            }
            if let Format::Other(f) = format {
                return Err(error_body(
                    400,
                    "Invalid or unsupported output format.",
                    &[f],
                ));
            }
            Ok(json_response(
                &query::query(&services, l, params, format)?,
                format,
            ))
        }
        [id, op] if op.eq_ignore_ascii_case("queryRelatedRecords") => {
            let l = layer_of(id)?;
            let body = related::query_related(&services, svc, l, params)?;
            Ok(render(
                &format!("Query Related Records: {}", l.name),
                &body,
                format,
            ))
        }
        [id, op] if op.eq_ignore_ascii_case("queryAttachments") => {
            let l = layer_of(id)?;
            let url = format!("{service_url}/{id}");
            let body = attachments::query_attachments(&services, l, params, &url)?;
            Ok(render(
                &format!("Query Attachments: {}", l.name),
                &body,
                format,
            ))
        }
        [id, oid, op] if op.eq_ignore_ascii_case("attachments") => {
            let l = layer_of(id)?;
            Ok(render(
                "Attachment Infos",
                &attachments::list(&services, l, int(oid)?)?,
                format,
            ))
        }
        [id, oid, op, aid] if op.eq_ignore_ascii_case("attachments") => {
            let l = layer_of(id)?;
            attachments::download(&services, l, int(oid)?, int(aid)?)
        }
        _ => Err(not_supported()),
    }
}
