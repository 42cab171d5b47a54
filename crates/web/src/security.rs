//! Security middleware: strict response headers on every response, and refusal of
//! state-changing requests that come from another site (CSRF).
//!
//! A request that may change something (any method but GET, HEAD and OPTIONS) is refused
//! with 403 when the browser says it comes from elsewhere: `Sec-Fetch-Site` other than
//! `same-origin` or `none`, or an `Origin` whose host is not the request's `Host` (or the
//! opaque origin `null`). Requests without either header (command-line clients, old
//! browsers) pass; the SameSite=Strict session cookie keeps cross-site requests from
//! carrying a session in any case.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The Content-Security-Policy of every response: nothing from anywhere but this server, no
/// framing, forms only to this server.
pub const CSP: &str =
    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

/// Add the security headers; pages with data are never cached (`no-store`), the stylesheet
/// and the script may be.
pub async fn headers(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // A page may carry a stricter-or-equal policy of its own (the report's hashed styles).
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if path == "/stil.css" || path == "/delar.js" {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        );
    } else {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// `Strict-Transport-Security` when the server is reached over HTTPS (`--bakom-https`, the
/// state): browsers then refuse plain HTTP to it for a year. Nothing over plain HTTP, where
/// the header would be ignored or, on a test server, get in the way.
pub async fn hsts(
    axum::extract::State(https): axum::extract::State<bool>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    if https {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    res
}

/// [`CSP`] that also allows exactly the inline `style="…"` attributes found in `html` (by
/// their SHA-256, with `'unsafe-hashes'`), and nothing else inline: the report's HTML colours
/// status symbols and indents rows that way. Scripts stay forbidden.
pub fn csp_allowing_styles_of(html: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut hashes: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(" style=\"") {
        let after = &rest[i + 8..];
        let Some(end) = after.find('"') else { break };
        let h = format!("'sha256-{}'", base64(&Sha256::digest(&after[..end])));
        if !hashes.contains(&h) {
            hashes.push(h);
        }
        rest = &after[end..];
    }
    if hashes.is_empty() {
        return CSP.to_string();
    }
    format!(
        "{CSP}; style-src 'self' 'unsafe-hashes' {}",
        hashes.join(" ")
    )
}

/// Standard base64 with padding (RFC 4648), as CSP hashes are written.
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16
            | (c.get(1).copied().unwrap_or(0) as u32) << 8
            | c.get(2).copied().unwrap_or(0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Whether a request comes from another site, by its headers.
pub fn cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        let site = site.to_str().unwrap_or("");
        if !(site.eq_ignore_ascii_case("same-origin") || site.eq_ignore_ascii_case("none")) {
            return true;
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("null");
        let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
            return true;
        };
        let origin_host = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        return origin_host.is_none_or(|o| !o.eq_ignore_ascii_case(host));
    }
    false
}

/// Refuse state-changing requests from another site with 403 and a Swedish explanation.
pub async fn csrf(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && cross_site(req.headers()) {
        let origin = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_string();
        crate::audit::event(
            "csrf-avvisad",
            "",
            &format!("{} {} från {origin}", req.method(), req.uri().path()),
        );
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            Body::from(
                "Förfrågan kom från en annan webbplats och avvisades (skydd mot CSRF). Öppna \
                 delar direkt och gör ändringen där.",
            ),
        )
            .into_response();
    }
    next.run(req).await
}

/// The client's address for counting failed logins ([`delar_app::auth::login_from`]): the
/// peer of the TCP connection, or, behind the HTTPS proxy (`--bakom-https`), the last
/// `X-Forwarded-For` entry (the address the proxy itself saw; a client can write anything to
/// the left of it, and the proxy's own address would make every user one). IPv6 addresses
/// count per /64 (one subscriber's prefix), IPv4-mapped ones as IPv4. `None` when neither is
/// known (a request handed to the router without a connection, as in handler tests).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub Option<String>);

impl axum::extract::FromRequestParts<crate::AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientAddress(client_address(
            &parts.headers,
            peer,
            state.config.secure_cookies,
        )))
    }
}

/// The address [`ClientAddress`] takes, from the headers and the connection's peer.
pub fn client_address(
    headers: &HeaderMap,
    peer: Option<std::net::IpAddr>,
    behind_proxy: bool,
) -> Option<String> {
    if behind_proxy {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|v| !v.is_empty())
            .and_then(|v| v.parse::<std::net::IpAddr>().ok());
        if let Some(a) = forwarded {
            return Some(address_key(a));
        }
    }
    peer.map(address_key)
}

/// An address as the key it is counted under.
fn address_key(a: std::net::IpAddr) -> String {
    match a {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{prefix}/64")
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, HeaderValue::from_static(v));
        }
        m
    }

    #[test]
    fn the_client_address_is_the_peer_or_behind_the_proxy_the_last_forwarded_entry() {
        let peer: Option<std::net::IpAddr> = Some("10.0.0.5".parse().unwrap());
        let fwd = h(&[("x-forwarded-for", "1.2.3.4, 203.0.113.7")]);
        // Not behind a proxy: the header is anyone's to write and is ignored.
        assert_eq!(
            client_address(&fwd, peer, false).as_deref(),
            Some("10.0.0.5")
        );
        // Behind it: the entry the proxy appended, not the client's own claim on the left.
        assert_eq!(
            client_address(&fwd, peer, true).as_deref(),
            Some("203.0.113.7")
        );
        let junk = h(&[("x-forwarded-for", "inte-en-adress")]);
        assert_eq!(
            client_address(&junk, peer, true).as_deref(),
            Some("10.0.0.5")
        );
        assert_eq!(client_address(&h(&[]), None, true), None);
        let v6: Option<std::net::IpAddr> =
            Some("2001:db8:1:2:aaaa:bbbb:cccc:dddd".parse().unwrap());
        assert_eq!(
            client_address(&h(&[]), v6, false).as_deref(),
            Some("2001:db8:1:2::/64"),
            "one subscriber's prefix"
        );
        let mapped: Option<std::net::IpAddr> = Some("::ffff:198.51.100.4".parse().unwrap());
        assert_eq!(
            client_address(&h(&[]), mapped, false).as_deref(),
            Some("198.51.100.4")
        );
    }

    #[test]
    fn base64_and_style_hashes() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(csp_allowing_styles_of("<p>x</p>"), CSP);
        // The hash of `color:red` is the one browsers compute for style="color:red".
        let c = csp_allowing_styles_of(
            "<span style=\"color:red\">a</span><span style=\"color:red\">b</span>",
        );
        assert!(c.starts_with(CSP), "{c}");
        assert!(
            c.ends_with(
                "; style-src 'self' 'unsafe-hashes' \
                 'sha256-8f935d27GvUutRyY9yWScUMiFUk4WTdZURISiYfPOeQ='"
            ),
            "{c}"
        );
        assert!(!c.contains("unsafe-inline"));
    }

    #[test]
    fn origins_and_fetch_sites() {
        assert!(!cross_site(&h(&[])));
        assert!(!cross_site(&h(&[
            ("host", "delar.kommun.se"),
            ("origin", "https://delar.kommun.se")
        ])));
        assert!(!cross_site(&h(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080")
        ])));
        assert!(cross_site(&h(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:9090")
        ])));
        assert!(cross_site(&h(&[
            ("host", "delar.kommun.se"),
            ("origin", "https://evil.example")
        ])));
        assert!(cross_site(&h(&[
            ("host", "delar.kommun.se"),
            ("origin", "null")
        ])));
        assert!(
            cross_site(&h(&[("origin", "https://delar.kommun.se")])),
            "no host"
        );
        assert!(cross_site(&h(&[("sec-fetch-site", "cross-site")])));
        assert!(cross_site(&h(&[("sec-fetch-site", "same-site")])));
        assert!(!cross_site(&h(&[("sec-fetch-site", "same-origin")])));
        assert!(!cross_site(&h(&[("sec-fetch-site", "none")])));
    }
}
