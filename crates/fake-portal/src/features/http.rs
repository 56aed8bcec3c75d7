//! Request parameters (query string + urlencoded body), output formats and response builders.

use std::collections::HashMap;

use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Request parameters, merged from the query string and an urlencoded or multipart POST body
/// (text fields only).
/// Names are matched case-insensitively, as ArcGIS Server does.
#[derive(Debug, Default)]
pub(crate) struct Params(HashMap<String, String>);

impl Params {
    /// Reads the query string and, for form posts, the body (body values win).
    pub(crate) fn from_request(uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Params {
        let mut map = HashMap::new();
        if let Some(q) = uri.query() {
            for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
                map.insert(k.to_ascii_lowercase(), v.into_owned());
            }
        }
        let ctype = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !body.is_empty() && (ctype.is_empty() || ctype.contains("x-www-form-urlencoded")) {
            for (k, v) in url::form_urlencoded::parse(body) {
                map.insert(k.to_ascii_lowercase(), v.into_owned());
            }
        } else if let Some(b) = crate::multipart::boundary(ctype) {
            for p in crate::multipart::parts(body, &b) {
                if p.file_name.is_none() {
                    let v = String::from_utf8_lossy(&p.bytes).into_owned();
                    map.insert(p.name.to_ascii_lowercase(), v);
                }
            }
        }
        Params(map)
    }

    /// A parameter's value, `None` when absent or blank.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    /// A boolean parameter (`true`/`false`, any case); `None` when absent or not a boolean.
    pub(crate) fn flag(&self, name: &str) -> Option<bool> {
        match self.get(name)?.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// The requested output format (`f`).
    pub(crate) fn format(&self) -> Format {
        match self.get("f").map(str::to_ascii_lowercase).as_deref() {
            None | Some("html") => Format::Html,
            Some("json") => Format::Json,
            Some("pjson") => Format::Pjson,
            Some("geojson") => Format::GeoJson,
            Some(other) => Format::Other(other.to_string()),
        }
    }
}

/// Output format of a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Pjson,
    GeoJson,
    Html,
    Other(String),
}

/// The ArcGIS error envelope, always sent with HTTP 200.
pub(crate) fn error_body(code: u16, message: &str, details: &[&str]) -> Value {
    json!({"error": {"code": code, "message": message, "details": details}})
}

/// Anonymous call to a secured resource.
pub(crate) fn token_required() -> Value {
    json!({"error": {"code": 499, "messageCode": "GWM_0003", "message": "Token Required", "details": []}})
}

/// Invalid or expired token.
pub(crate) fn invalid_token(code: u16) -> Value {
    error_body(code, "Invalid token.", &[])
}

/// The generic query failure a real server gives for a bad parameter.
pub(crate) fn unable(detail: &str) -> Value {
    error_body(400, "Unable to complete operation.", &[detail])
}

/// Operation or resource the service does not have.
pub(crate) fn not_supported() -> Value {
    error_body(
        400,
        "Requested operation is not supported by this service.",
        &[],
    )
}

/// Serialises `body` as JSON (pretty for `pjson`, GeoJSON media type for `geojson`).
pub(crate) fn json_response(body: &Value, format: &Format) -> Response {
    let (text, ctype) = match format {
        Format::Pjson => (
            serde_json::to_string_pretty(body),
            "text/plain; charset=utf-8",
        ),
        Format::GeoJson => (
            serde_json::to_string(body),
            "application/geo+json; charset=utf-8",
        ),
        _ => (
            serde_json::to_string(body),
            "application/json; charset=utf-8",
        ),
    };
    let text = text.unwrap_or_else(|_| "{}".into());
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(ctype))],
        text,
    )
        .into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The services-directory style HTML page served when `f` is missing or `html`.
pub(crate) fn html_page(title: &str, body: &Value) -> Response {
    let pretty = serde_json::to_string_pretty(body).unwrap_or_default();
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title></head>\
         <body><table width=\"100%\" class=\"userTable\"><tr><td class=\"titlecell\">\
         ArcGIS REST Services Directory</td></tr></table>\n<h2>{t}</h2>\n\
         <div class=\"rbody\"><pre>{p}</pre></div></body></html>\n",
        t = escape(title),
        p = escape(&pretty)
    );
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

/// `scheme://host` of the request. The scheme comes from `X-Forwarded-Proto`, else the URI,
/// else the owning portal's URL (a federated server shares its TLS setting), else `https`.
pub(crate) fn origin(uri: &Uri, headers: &HeaderMap, owner: Option<&str>) -> String {
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| uri.scheme_str().map(str::to_string))
        .or_else(|| {
            owner
                .and_then(|o| o.split_once("://"))
                .map(|(s, _)| s.to_string())
        })
        .unwrap_or_else(|| "https".into());
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| uri.authority().map(|a| a.to_string()))
        .unwrap_or_else(|| "localhost".into());
    format!("{scheme}://{host}")
}
