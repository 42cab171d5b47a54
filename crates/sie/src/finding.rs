//! Findings: problems found while reading or validating a file, each with a line and a
//! message in Swedish.

use serde::Serialize;
use std::fmt;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing (for example which encoding was detected).
    Info,
    /// Suspicious but importable (for example a checksum that does not match).
    Warning,
    /// Wrong: the data cannot be trusted (an unbalanced voucher, an impossible date).
    Error,
}

impl Severity {
    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "varning",
            Severity::Error => "fel",
        }
    }
}

/// The finding a follow-on finding stems from: its code and line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Cause {
    /// The cause's code, e.g. `truncated`.
    pub code: &'static str,
    /// The cause's line, when it has one.
    pub line: Option<u64>,
}

/// One finding: severity, line (when it belongs to one), a stable code and a Swedish message.
/// A follow-on finding (a balance that does not match because vouchers are missing, say)
/// names its cause; [`Findings::sort`] lists it right after the cause.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Error, warning or info.
    pub severity: Severity,
    /// 1-based line number in the file, when the finding belongs to a line.
    pub line: Option<u64>,
    /// Stable machine-readable code, e.g. `unbalanced-voucher`.
    pub code: &'static str,
    /// What is wrong and what to do, in Swedish.
    pub message: String,
    /// For a follow-on finding, the finding it stems from.
    pub cause: Option<Cause>,
}

impl Finding {
    /// An error on a line.
    pub fn error(line: u64, code: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Error, Some(line), code, message)
    }
    /// A warning on a line.
    pub fn warning(line: u64, code: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Warning, Some(line), code, message)
    }
    /// A note on a line.
    pub fn info(line: u64, code: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Info, Some(line), code, message)
    }
    /// A finding about the whole file.
    pub fn file(severity: Severity, code: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(severity, None, code, message)
    }
    /// A finding with every field but the cause given.
    pub fn new(
        severity: Severity,
        line: Option<u64>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            severity,
            line,
            code,
            message: message.into(),
            cause: None,
        }
    }
    /// This finding as a follow-on of `cause`.
    pub fn caused_by(mut self, cause: Cause) -> Finding {
        self.cause = Some(cause);
        self
    }
    /// A reference to this finding, for its follow-ons.
    pub fn as_cause(&self) -> Cause {
        Cause {
            code: self.code,
            line: self.line,
        }
    }
    /// True for a follow-on finding.
    pub fn is_follow_on(&self) -> bool {
        self.cause.is_some()
    }
    /// Render as `file:line: fel: message` (the form the CLI prints).
    pub fn render(&self, file: &str) -> String {
        match self.line {
            Some(l) => format!("{file}:{l}: {}: {}", self.severity.label(), self.message),
            None => format!("{file}: {}: {}", self.severity.label(), self.message),
        }
    }

    /// The sort key that puts a follow-on right after its cause: (the cause's line or the
    /// own line, the cause's code or the own code, follow-on after cause, own line).
    fn order_key(&self) -> (u64, &'static str, bool, u64) {
        let own = self.line.unwrap_or(0);
        match self.cause {
            Some(c) => (c.line.unwrap_or(0), c.code, true, own),
            None => (own, self.code, false, own),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "rad {l}: {}: {}", self.severity.label(), self.message),
            None => write!(f, "{}: {}", self.severity.label(), self.message),
        }
    }
}

/// Findings collected while reading, with a cap so a broken 1 GB file cannot fill memory:
/// past the cap, findings are counted but not kept (a cause pushed with
/// [`Findings::push_kept`] is always kept).
#[derive(Clone, Debug, Default)]
pub struct Findings {
    kept: Vec<Finding>,
    errors: u64,
    warnings: u64,
    dropped: u64,
}

/// How many findings are kept in memory; the rest are only counted.
pub const MAX_KEPT_FINDINGS: usize = 10_000;

impl Findings {
    /// Add a finding.
    pub fn push(&mut self, f: Finding) {
        match f.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => {}
        }
        if self.kept.len() < MAX_KEPT_FINDINGS {
            self.kept.push(f);
        } else {
            self.dropped += 1;
        }
    }
    /// Add a finding that is kept whatever the cap (for the few findings that name a cause).
    pub fn push_kept(&mut self, f: Finding) {
        match f.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => {}
        }
        self.kept.push(f);
    }
    /// The kept findings in the order found (or sorted, after [`Findings::sort`]).
    pub fn list(&self) -> &[Finding] {
        &self.kept
    }
    /// The kept findings, to change in place (counts are not updated: change messages and
    /// causes, not severities).
    pub fn list_mut(&mut self) -> &mut [Finding] {
        &mut self.kept
    }
    /// Keep only the kept findings for which `keep` is true (counts follow).
    pub fn retain(&mut self, mut keep: impl FnMut(&Finding) -> bool) {
        let (errors, warnings) = (&mut self.errors, &mut self.warnings);
        self.kept.retain(|f| {
            let k = keep(f);
            if !k {
                match f.severity {
                    Severity::Error => *errors -= 1,
                    Severity::Warning => *warnings -= 1,
                    Severity::Info => {}
                }
            }
            k
        });
    }
    /// Change the severity of the kept findings for which `which` is true (counts follow).
    pub fn set_severity(&mut self, severity: Severity, mut which: impl FnMut(&Finding) -> bool) {
        for f in &mut self.kept {
            if f.severity != severity && which(f) {
                match f.severity {
                    Severity::Error => self.errors -= 1,
                    Severity::Warning => self.warnings -= 1,
                    Severity::Info => {}
                }
                match severity {
                    Severity::Error => self.errors += 1,
                    Severity::Warning => self.warnings += 1,
                    Severity::Info => {}
                }
                f.severity = severity;
            }
        }
    }
    /// Number of follow-on errors among the kept findings.
    pub fn follow_on_errors(&self) -> u64 {
        self.kept
            .iter()
            .filter(|f| f.severity == Severity::Error && f.is_follow_on())
            .count() as u64
    }
    /// Number of errors (kept or not).
    pub fn errors(&self) -> u64 {
        self.errors
    }
    /// Number of warnings (kept or not).
    pub fn warnings(&self) -> u64 {
        self.warnings
    }
    /// Findings counted but not kept because of the cap.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
    /// Sort kept findings by line (file-level findings first), each follow-on right after
    /// its cause (whatever its own line).
    pub fn sort(&mut self) {
        self.kept.sort_by_key(|f| f.order_key());
    }
}

/// A count the Swedish way, with a non-breaking space between thousands: `3 466`.
pub fn count(n: u64) -> String {
    delar_core::money::format_scaled(n.min(i64::MAX as u64) as i64, 0, '\u{a0}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follow_ons_come_right_after_their_cause() {
        let mut fs = Findings::default();
        let cause = Finding::error(900, "truncated", "filen verkar avbruten");
        fs.push(Finding::warning(5, "no-label", "a"));
        fs.push(Finding::error(12, "balance-mismatch", "b").caused_by(cause.as_cause()));
        fs.push(Finding::error(950, "unbalanced-voucher", "c"));
        fs.push(Finding::error(3, "result-mismatch", "d").caused_by(cause.as_cause()));
        fs.push(cause.clone());
        fs.push(Finding::file(Severity::Warning, "no-year", "e"));
        fs.sort();
        let order: Vec<(&str, Option<u64>)> = fs.list().iter().map(|f| (f.code, f.line)).collect();
        assert_eq!(
            order,
            [
                ("no-year", None),
                ("no-label", Some(5)),
                ("truncated", Some(900)),
                ("result-mismatch", Some(3)),
                ("balance-mismatch", Some(12)),
                ("unbalanced-voucher", Some(950)),
            ]
        );
        assert_eq!(fs.follow_on_errors(), 2);
        assert_eq!((fs.errors(), fs.warnings()), (4, 2));
        fs.retain(|f| f.code != "no-label");
        fs.set_severity(Severity::Warning, |f| f.code == "unbalanced-voucher");
        assert_eq!((fs.errors(), fs.warnings()), (3, 2));
        assert_eq!(count(3466), "3\u{a0}466");
    }
}
