//! Response builders: JSON by `f`, HTML pages, the ArcGIS error envelope in HTTP 200.

use super::ctx::{Ctx, Fmt};
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

/// `Content-Type` used for JSON answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    /// `application/json; charset=utf-8`.
    Json,
    /// `text/plain; charset=utf-8` (the quirk of `/search` and item `/data`).
    Plain,
}

/// A complete response from bytes.
pub fn bytes(status: u16, content_type: &str, body: impl Into<Body>) -> Response {
    let mut r = Response::new(body.into());
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    if let Ok(v) = HeaderValue::from_str(content_type) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An HTML page (status as given).
pub fn html(status: u16, title: &str, body_html: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<title>{}</title>\n</head>\n<body>\n<div class=\"gwDiv\">\n\
         <table class=\"navTable\" width=\"100%\"><tr><td class=\"breadcrumbs\">ArcGIS Portal Directory</td></tr></table>\n\
         {}\n</div>\n</body>\n</html>\n",
        escape(title),
        body_html
    );
    bytes(status, "text/html; charset=utf-8", page)
}

/// JSON `v` rendered per `f` (HTML page when `f` is not json/pjson), `application/json`.
pub fn json(ctx: &Ctx, v: &Value) -> Response {
    json_as(ctx, v, JsonType::Json)
}

/// JSON `v` rendered per `f` with the given content type.
pub fn json_as(ctx: &Ctx, v: &Value, ty: JsonType) -> Response {
    let ct = match ty {
        JsonType::Json => "application/json; charset=utf-8",
        JsonType::Plain => "text/plain; charset=utf-8",
    };
    match ctx.fmt() {
        Fmt::Json => bytes(200, ct, v.to_string()),
        Fmt::Pjson => bytes(200, ct, serde_json::to_string_pretty(v).unwrap_or_default()),
        Fmt::Html => html(
            200,
            "ArcGIS Portal Directory",
            &format!(
                "<pre>{}</pre>",
                escape(&serde_json::to_string_pretty(v).unwrap_or_default())
            ),
        ),
    }
}

/// The error envelope `{"error":{code,messageCode?,message,details}}` in HTTP 200.
pub fn error(
    ctx: &Ctx,
    code: u16,
    message_code: Option<&str>,
    message: &str,
    details: &[&str],
) -> Response {
    let mut e = serde_json::Map::new();
    e.insert("code".into(), json!(code));
    if let Some(mc) = message_code {
        e.insert("messageCode".into(), json!(mc));
    }
    e.insert("message".into(), json!(message));
    e.insert("details".into(), json!(details));
    let v = json!({ "error": e });
    match ctx.fmt() {
        Fmt::Html => html(
            200,
            "Error",
            &format!("<b>Error: {}</b><br/>Code: {code}", escape(message)),
        ),
        _ => json(ctx, &v),
    }
}

/// 498 "Invalid token."
pub fn invalid_token(ctx: &Ctx) -> Response {
    error(ctx, 498, None, "Invalid token.", &[])
}

/// 499 GWM_0003 "Token Required".
pub fn token_required(ctx: &Ctx) -> Response {
    error(
        ctx,
        499,
        Some("GWM_0003"),
        "Token Required",
        &["Token Required"],
    )
}

const NO_PERMISSION: &str =
    "You do not have permissions to access this resource or perform this operation.";

/// 403 permission error; anonymous callers get `GWM_0003` (sign-in would help).
pub fn forbidden(ctx: &Ctx, anonymous: bool) -> Response {
    let mc = anonymous.then_some("GWM_0003");
    error(ctx, 403, mc, NO_PERMISSION, &[])
}

/// 400 CONT_0001 "Item does not exist or is inaccessible."
pub fn item_missing(ctx: &Ctx) -> Response {
    error(
        ctx,
        400,
        Some("CONT_0001"),
        "Item does not exist or is inaccessible.",
        &[],
    )
}

/// A real HTTP 404 with a small HTML body.
pub fn not_found() -> Response {
    html(404, "Not Found", "<b>Error 404: Not Found</b>")
}
