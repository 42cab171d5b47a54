//! The security log: authentication events, refused requests and administrative actions, one
//! line each on standard error (`delar säkerhet: tid=… händelse=… användare="…" …`), for the
//! operator's log collection. Never a password, a session token or its hash. Values are
//! quoted with control characters escaped, so a user name cannot forge a log line.
//!
//! The latest lines are also kept in memory ([`recent`]), for tests and a future admin page.
//! The store's audit log (forecast changes, workflow transitions) stays the record of what
//! was changed; this log records who tried what.

use std::collections::VecDeque;
use std::sync::Mutex;

/// How many lines [`recent`] keeps.
pub const KEPT: usize = 2000;

static RECENT: Mutex<VecDeque<String>> = Mutex::new(VecDeque::new());

/// A value for the log: quoted, with control characters, quotes and backslashes escaped
/// (`\n`, `\u{0}`), and cut at 200 characters.
pub fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for (i, c) in s.chars().enumerate() {
        if i == 200 {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&c.escape_default().to_string()),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Log one event: its kind (`inloggning-misslyckad`, `utloggning`, `atkomst-nekad`,
/// `csrf-avvisad`, `omgang-last`, `status-andrad`, `excel-uppladdad`, …), who (empty when
/// unknown) and a detail (never a secret).
pub fn event(kind: &str, user: &str, detail: &str) {
    let now = crate::session::now();
    let line = format!(
        "delar säkerhet: tid={now} händelse={kind} användare={} {}",
        quote(user),
        quote(detail)
    );
    eprintln!("{line}");
    if let Ok(mut r) = RECENT.lock() {
        if r.len() == KEPT {
            r.pop_front();
        }
        r.push_back(line);
    }
}

/// The latest logged lines, oldest first.
pub fn recent() -> Vec<String> {
    RECENT
        .lock()
        .map(|r| r.iter().cloned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_cannot_forge_lines() {
        assert_eq!(quote("anna"), "\"anna\"");
        assert_eq!(
            quote("x\" händelse=inloggning\nfalsk"),
            "\"x\\\" händelse=inloggning\\nfalsk\""
        );
        assert_eq!(quote("a\u{0}b"), "\"a\\u{0}b\"");
        assert!(quote(&"x".repeat(500)).chars().count() < 210);
    }
}
