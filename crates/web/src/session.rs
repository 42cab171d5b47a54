//! The session cookie and the logged-in person as an extractor ([`Viewer`]).

use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Redirect, Response};
use delar_app::auth::SessionPeek;

/// The session cookie's name.
pub const COOKIE: &str = "delar_session";

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The session token from the request's cookies.
pub fn token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `Set-Cookie` for a new session: HttpOnly, SameSite=Strict, whole site, `Secure` behind
/// HTTPS. No Max-Age: the server decides when the session ends.
pub fn set_cookie(token: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("delar_session=; Path=/"))
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie(secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("delar_session=; Path=/; Max-Age=0"))
}

/// The person behind the request's session.
#[derive(Clone, Debug)]
pub struct Viewer {
    /// Login name.
    pub user: String,
    /// When the session ends unless used (seconds since the epoch).
    pub expires_at: i64,
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let found = match token(&parts.headers) {
            Some(t) => {
                let now = now();
                let fail = |e: delar_app::AppError| crate::pages::error_page(&e, None);
                // Most requests only read the session; ending it or moving its end (once a
                // minute) waits for the store's single writer.
                let peek = {
                    let t = t.clone();
                    state
                        .pool
                        .run(move |s| delar_app::auth::peek_session(s, &t, now))
                        .await
                        .map_err(fail)?
                };
                match peek {
                    SessionPeek::Missing => None,
                    SessionPeek::Valid(u) => Some(u),
                    SessionPeek::NeedsWrite => state
                        .pool
                        .write(move |s| delar_app::auth::session_user(s, &t, now))
                        .await
                        .map_err(fail)?,
                }
            }
            None => None,
        };
        match found {
            Some(u) => Ok(Viewer {
                user: u.user,
                expires_at: u.expires_at,
            }),
            None if parts.method == Method::GET || parts.method == Method::HEAD => {
                let path = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let to = if path == "/" {
                    "/logga-in".to_string()
                } else {
                    format!("/logga-in?nasta={}", crate::view::url_encode(path))
                };
                Err(Redirect::to(&to).into_response())
            }
            None => Err(crate::pages::session_ended(state, parts.uri.path())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_read_from_the_cookie_header_only_when_well_formed() {
        let mut h = HeaderMap::new();
        assert_eq!(token(&h), None);
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("annat=1; delar_session=ab12ef; tema=morkt"),
        );
        assert_eq!(token(&h).as_deref(), Some("ab12ef"));
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("delar_session=<script>"),
        );
        assert_eq!(token(&h), None);
        let c = set_cookie("ab", true);
        let c = c.to_str().unwrap();
        for part in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
            assert!(c.contains(part), "{c}");
        }
        assert!(!set_cookie("ab", false).to_str().unwrap().contains("Secure"));
    }
}
