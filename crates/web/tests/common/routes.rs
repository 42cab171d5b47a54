//! The router's route table, read from the source of `delar_web::router` (axum cannot list
//! its routes): every `.route("PATH", get(…).post(…))` with its methods. The authorisation
//! matrix records the requests it makes and [`assert_covered`] fails for a route that no
//! request reached, so a route added without a matrix entry fails the matrix test.

/// The router's source.
const LIB: &str = include_str!("../../src/lib.rs");

/// Every route: (method in upper case, path pattern with `{param}` segments).
pub fn table() -> Vec<(String, String)> {
    let src = LIB;
    let start = src
        .find("pub fn router(")
        .expect("lib.rs has `pub fn router(`");
    let end = src[start..]
        .find(".fallback(")
        .map(|i| start + i)
        .expect("the router has a fallback");
    let body = &src[start..end];
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find(".route(") {
        let after = &rest[i + 7..];
        let q1 = after.find('"').expect("a route's path is a string literal");
        let q2 = after[q1 + 1..].find('"').expect("closing quote") + q1 + 1;
        let path = after[q1 + 1..q2].to_string();
        let next = after.find(".route(").unwrap_or(after.len());
        let handlers = &after[q2..next];
        for m in ["get", "post", "put", "patch", "delete"] {
            let bytes = handlers.as_bytes();
            let mut from = 0;
            while let Some(j) = handlers[from..].find(&format!("{m}(")) {
                let k = from + j;
                let before = if k == 0 { b' ' } else { bytes[k - 1] };
                if !(before.is_ascii_alphanumeric() || before == b'_' || before == b':') {
                    out.push((m.to_uppercase(), path.clone()));
                    break;
                }
                from = k + 1;
            }
        }
        rest = &after[next..];
    }
    out.sort();
    out.dedup();
    out
}

/// Whether a request path (query left off) is one of a pattern's paths: `{x}` matches one
/// non-empty segment (with any suffix such as `.xlsx`).
pub fn matches(pattern: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or("");
    let p: Vec<&str> = pattern.split('/').collect();
    let q: Vec<&str> = path.split('/').collect();
    p.len() == q.len()
        && p.iter().zip(&q).all(|(a, b)| {
            if a.starts_with('{') && a.ends_with('}') {
                !b.is_empty()
            } else {
                a == b
            }
        })
}

/// Fail naming every route of the table that none of `seen` (method, path) reached.
pub fn assert_covered(seen: &[(String, String)]) {
    let missing: Vec<String> = table()
        .into_iter()
        .filter(|(m, p)| !seen.iter().any(|(sm, sp)| sm == m && matches(p, sp)))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without an entry in the authorisation matrix (tests/common/matrix.rs): {}",
        missing.join(", ")
    );
}
