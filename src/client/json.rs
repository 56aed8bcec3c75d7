//! JSON decoding helpers: the error envelope, JSON paths in decode errors, raw control characters.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::Error;

/// Parses a body into a JSON value, naming the path where it broke.
///
/// Raw control characters inside strings (which the portal sometimes stores in item data)
/// are escaped first, as a browser would tolerate them.
pub fn parse_value(url: &str, body: &[u8]) -> Result<Value, Error> {
    let trimmed = trim_ascii_start(body);
    if trimmed.is_empty() {
        return Err(Error::Decode {
            url: url.to_string(),
            json_path: ".".into(),
            message: "the body is empty where JSON was expected".into(),
        });
    }
    if trimmed[0] == b'<' {
        return Err(Error::Decode {
            url: url.to_string(),
            json_path: ".".into(),
            message: "the server sent an HTML page instead of JSON (is this an ArcGIS portal URL?)"
                .into(),
        });
    }
    match decode_path::<Value, _>(url, &mut serde_json::Deserializer::from_slice(body)) {
        Ok(v) => Ok(v),
        Err(first) => {
            let escaped = escape_raw_control_chars(body);
            if escaped.len() == body.len() {
                return Err(first);
            }
            decode_path::<Value, _>(url, &mut serde_json::Deserializer::from_slice(&escaped))
        }
    }
}

/// Decodes a JSON value into a typed model, naming the JSON path on failure.
pub fn from_value<T: DeserializeOwned>(url: &str, value: Value) -> Result<T, Error> {
    decode_path(url, value)
}

fn decode_path<'de, T: DeserializeOwned, D: serde::Deserializer<'de>>(
    url: &str,
    de: D,
) -> Result<T, Error> {
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        Error::Decode {
            url: url.to_string(),
            json_path: if path.is_empty() { ".".into() } else { path },
            message: e.into_inner().to_string(),
        }
    })
}

/// Turns an ArcGIS error envelope or a `success:false` body into an error.
pub fn check_envelope(url: &str, value: &Value) -> Result<(), Error> {
    let Some(obj) = value.as_object() else {
        return Ok(());
    };
    if let Some(err) = obj.get("error").filter(|e| e.is_object()) {
        let code = err.get("code").and_then(as_i64).unwrap_or(500);
        let message = err
            .get("message")
            .and_then(Value::as_str)
            .or_else(|| err.get("error_description").and_then(Value::as_str))
            .unwrap_or("(no message)")
            .to_string();
        let message_code = err
            .get("messageCode")
            .and_then(Value::as_str)
            .map(str::to_string);
        let details = err
            .get("details")
            .and_then(Value::as_array)
            .map(|d| {
                d.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        return Err(Error::Api {
            code,
            message_code,
            message,
            details,
            url: url.to_string(),
        });
    }
    if obj.get("success") == Some(&Value::Bool(false)) {
        return Err(Error::Unsuccessful {
            url: url.to_string(),
            body: value.to_string(),
        });
    }
    if let Some(status) = obj.get("status").and_then(Value::as_str)
        && (status == "failed" || status == "failure")
    {
        let message = obj
            .get("statusMessage")
            .or_else(|| obj.get("message"))
            .map(|m| {
                m.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| m.to_string())
            })
            .unwrap_or_else(|| "the job failed".into());
        return Err(Error::Api {
            code: obj.get("code").and_then(as_i64).unwrap_or(500),
            message_code: None,
            message,
            details: Vec::new(),
            url: url.to_string(),
        });
    }
    Ok(())
}

fn as_i64(v: &Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn trim_ascii_start(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace() && *c != 0xEF && *c != 0xBB && *c != 0xBF)
        .unwrap_or(b.len());
    &b[start..]
}

/// Escapes control characters (U+0000–U+001F) that appear raw inside JSON strings.
pub fn escape_raw_control_chars(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut in_string = false;
    let mut escaped = false;
    for &b in body {
        if in_string {
            if escaped {
                escaped = false;
                out.push(b);
                continue;
            }
            match b {
                b'\\' => escaped = true,
                b'"' => in_string = false,
                0x00..=0x1f => {
                    out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
                    continue;
                }
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        }
        out.push(b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_in_200_becomes_api_error() {
        let v: Value = serde_json::from_str(
            r#"{"error":{"code":400,"messageCode":"CONT_0001","message":"Item does not exist or is inaccessible.","details":[]}}"#,
        )
        .unwrap();
        let e = check_envelope("u", &v).unwrap_err();
        assert!(e.is_missing_item());
        assert!(e.to_string().contains("CONT_0001"));
    }

    #[test]
    fn success_false_and_failed_status_are_errors() {
        let v: Value = serde_json::from_str(r#"{"success":false,"notSharedWith":["x"]}"#).unwrap();
        assert!(matches!(
            check_envelope("u", &v),
            Err(Error::Unsuccessful { .. })
        ));
        let v: Value =
            serde_json::from_str(r#"{"status":"failed","statusMessage":"boom"}"#).unwrap();
        assert!(
            check_envelope("u", &v)
                .unwrap_err()
                .to_string()
                .contains("boom")
        );
    }

    #[test]
    fn decode_errors_name_the_path() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Page {
            items: Vec<Item>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Item {
            modified: i64,
        }
        let v: Value =
            serde_json::from_str(r#"{"items":[{"modified":1},{"modified":"soon"}]}"#).unwrap();
        match from_value::<Page>("u", v).unwrap_err() {
            Error::Decode { json_path, .. } => assert_eq!(json_path, "items[1].modified"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn raw_control_chars_inside_strings_are_tolerated() {
        let body = b"{\"text\":\"line1\nline2\ttab\"}\n";
        let v = parse_value("u", body).unwrap();
        assert_eq!(v["text"], "line1\nline2\ttab");
    }

    #[test]
    fn html_and_truncated_bodies_are_named() {
        let e = parse_value("u", b"<html><body>Portal Directory</body></html>").unwrap_err();
        assert!(e.to_string().contains("HTML"), "{e}");
        let e = parse_value("u", br#"{"items":[{"id":"a"},{"id":"#).unwrap_err();
        match e {
            Error::Decode { json_path, .. } => {
                assert!(json_path.starts_with("items"), "{json_path}")
            }
            other => panic!("{other:?}"),
        }
    }
}
