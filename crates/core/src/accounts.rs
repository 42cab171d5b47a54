//! Account groups (kontogrupper): the mapping from account numbers to the groups the reports
//! use, by account-number prefix ranges. The default follows Kommun-Bas; a municipality
//! overrides it with a TOML file (see docs/IMPORT.md).
//!
//! Every mapping ends with the reserved group [`UNGROUPED`] ("Ej kontogrupperat"): a result
//! account that no range covers lands there instead of being refused, so a file with such
//! accounts (class 9, 0351–0356 …) still imports and the amounts show as their own row.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Whether a group holds revenues or costs (or financial items outside the operating result).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupKind {
    /// Revenues (intäkter), class 3.
    Revenue,
    /// Costs (kostnader), classes 4–7 and capital costs.
    Cost,
    /// Taxes, general grants and financial items (class 8) outside committee operations.
    Financial,
    /// Technical budget posts (tekniska budgetposter): budget-only lines such as an unfunded
    /// deficit, efficiency savings not yet distributed or a central buffer. Part of the net
    /// cost, but never of a kontogrupp's deviation: reports show them as rows and sentences
    /// of their own.
    Technical,
}

impl GroupKind {
    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            GroupKind::Revenue => "Intäkter",
            GroupKind::Cost => "Kostnader",
            GroupKind::Financial => "Finansiella poster",
            GroupKind::Technical => "Tekniska budgetposter",
        }
    }
}

/// Code of the reserved group "Ej kontogrupperat": the last group of every mapping, without
/// ranges, holding the result accounts no other group covers. A mapping file may not define it.
pub const UNGROUPED: &str = "ej_kontogrupperat";

/// Name of the reserved group [`UNGROUPED`], shown in reports.
pub const UNGROUPED_NAME: &str = "Ej kontogrupperat";

/// One account group: a code, a Swedish name, a kind and the prefix ranges it covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountGroup {
    /// Stable code, e.g. `personal`.
    pub code: String,
    /// Name shown in reports, e.g. `Personalkostnader`.
    pub name: String,
    /// Revenue, cost or financial.
    pub kind: GroupKind,
    /// Prefix ranges such as `"50-59"` or `"46"` (an account belongs when its leading digits,
    /// as many as the range's bounds have, fall in the range).
    pub ranges: Vec<String>,
    /// How an annual budget amount on the group's accounts is spread over the months
    /// (`periodisering` in the file: `foregaende_ar`, the default, or `jamn`).
    #[serde(default, rename = "periodisering")]
    pub periodisation: crate::budget::Periodisation,
}

/// An error in a mapping definition or an account that maps to no or several groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappingError(pub String);

impl fmt::Display for MappingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MappingError {}

#[derive(Clone, Debug, PartialEq, Eq)]
struct PrefixRange {
    lo: String,
    hi: String,
    group: usize,
}

impl PrefixRange {
    fn matches(&self, account: &str) -> bool {
        let n = self.lo.len();
        if account.len() < n {
            return false;
        }
        let head = &account[..n];
        self.lo.as_str() <= head && head <= self.hi.as_str()
    }
}

#[derive(Deserialize)]
struct MappingFile {
    #[serde(default)]
    name: Option<String>,
    #[serde(rename = "group")]
    groups: Vec<AccountGroup>,
}

/// The account → group mapping. Result accounts (classes 3–8, and any account `#KTYP` calls a
/// cost or revenue) map to exactly one group, [`UNGROUPED`] when no range covers them; balance
/// accounts (classes 1–2, or `#KTYP` T/S) map to none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountMapping {
    /// Name of the mapping (e.g. `Kommun-Bas standard`).
    pub name: String,
    groups: Vec<AccountGroup>,
    ranges: Vec<PrefixRange>,
}

/// The default Kommun-Bas mapping, as TOML (the same format a municipality overrides with).
pub const KOMMUN_BAS_TOML: &str = r#"
name = "Kommun-Bas standard"

[[group]]
code = "avgifter"
name = "Avgifter"
kind = "revenue"
ranges = ["31"]

[[group]]
code = "bidrag"
name = "Bidrag"
kind = "revenue"
ranges = ["33"]

[[group]]
code = "forsaljning"
name = "Försäljning av verksamhet"
kind = "revenue"
ranges = ["30", "34-35"]

[[group]]
code = "ovriga_intakter"
name = "Övriga intäkter"
kind = "revenue"
ranges = ["32", "36-39"]

[[group]]
code = "personal"
name = "Personalkostnader"
kind = "cost"
ranges = ["50-59"]

[[group]]
code = "lokal"
name = "Lokalkostnader"
kind = "cost"
ranges = ["60-61"]

[[group]]
code = "kop_verksamhet"
name = "Köp av verksamhet"
kind = "cost"
ranges = ["45-46"]

[[group]]
code = "bemanning"
name = "Köp från bemanningsföretag"
kind = "cost"
ranges = ["75"]

[[group]]
code = "kapital"
name = "Kapitalkostnader"
kind = "cost"
ranges = ["78", "84"]

[[group]]
code = "ovriga_kostnader"
name = "Övriga kostnader"
kind = "cost"
ranges = ["40-44", "47-49", "62-69", "70-74", "76-77", "79"]

[[group]]
code = "finansiellt"
name = "Skatter, generella bidrag och finansiella poster"
kind = "financial"
ranges = ["80-83", "85-89"]
"#;

impl AccountMapping {
    /// The default Kommun-Bas mapping (ten operating groups plus financial items).
    pub fn kommun_bas() -> AccountMapping {
        AccountMapping::from_toml(KOMMUN_BAS_TOML).expect("the built-in mapping is valid")
    }

    /// Parse a mapping file; ranges must be digits, well-ordered, and must not overlap.
    pub fn from_toml(text: &str) -> Result<AccountMapping, MappingError> {
        let file: MappingFile = toml::from_str(text)
            .map_err(|e| MappingError(format!("kontogruppsfilen kunde inte läsas: {e}")))?;
        AccountMapping::new(file.name.unwrap_or_else(|| "egen".into()), file.groups)
    }

    /// The mapping as a mapping file (TOML, the format [`AccountMapping::from_toml`] reads):
    /// the defined groups in order, without the reserved [`UNGROUPED`]. A municipality edits
    /// this to move accounts out of "Ej kontogrupperat".
    pub fn to_toml(&self) -> String {
        fn quote(s: &str) -> String {
            let mut out = String::with_capacity(s.len() + 2);
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    c if (c as u32) < 0x20 || c == '\u{7f}' => {
                        out.push_str(&format!("\\u{:04X}", c as u32))
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
        let mut out = format!("name = {}\n", quote(&self.name));
        for g in self.defined_groups() {
            let kind = match g.kind {
                GroupKind::Revenue => "revenue",
                GroupKind::Cost => "cost",
                GroupKind::Financial => "financial",
                GroupKind::Technical => "technical",
            };
            let ranges: Vec<String> = g.ranges.iter().map(|r| quote(r)).collect();
            out.push_str(&format!(
                "\n[[group]]\ncode = {}\nname = {}\nkind = \"{kind}\"\nranges = [{}]\n",
                quote(&g.code),
                quote(&g.name),
                ranges.join(", ")
            ));
            if g.periodisation != crate::budget::Periodisation::default() {
                out.push_str(&format!("periodisering = \"{}\"\n", g.periodisation.code()));
            }
        }
        out
    }

    /// Build a mapping from groups, checking codes and ranges; the reserved group
    /// [`UNGROUPED`] is appended (the groups given may not use its code).
    pub fn new(name: String, groups: Vec<AccountGroup>) -> Result<AccountMapping, MappingError> {
        let mut groups = groups;
        let mut ranges = Vec::new();
        for (gi, g) in groups.iter().enumerate() {
            if g.code == UNGROUPED {
                return Err(MappingError(format!(
                    "koden \"{UNGROUPED}\" är reserverad för konton som inte hör till någon \
                     annan kontogrupp (\"{UNGROUPED_NAME}\", som alltid finns sist); ta bort \
                     gruppen ur filen eller ge den en annan kod"
                )));
            }
            if groups[..gi].iter().any(|o| o.code == g.code) {
                return Err(MappingError(format!(
                    "kontogruppen \"{}\" finns två gånger",
                    g.code
                )));
            }
            for r in &g.ranges {
                let (lo, hi) = match r.split_once('-') {
                    Some((a, b)) => (a.trim().to_string(), b.trim().to_string()),
                    None => (r.trim().to_string(), r.trim().to_string()),
                };
                let ok = |s: &str| {
                    !s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit())
                };
                if !ok(&lo) || !ok(&hi) || lo.len() != hi.len() || lo > hi {
                    return Err(MappingError(format!(
                        "intervallet \"{r}\" i kontogruppen \"{}\" är felaktigt (skriv till exempel \"50-59\" eller \"46\")",
                        g.code
                    )));
                }
                ranges.push(PrefixRange { lo, hi, group: gi });
            }
        }
        // Overlap check: two ranges overlap when, cut to the shorter prefix length, they intersect.
        for (i, a) in ranges.iter().enumerate() {
            for b in &ranges[i + 1..] {
                let n = a.lo.len().min(b.lo.len());
                let (alo, ahi, blo, bhi) = (&a.lo[..n], &a.hi[..n], &b.lo[..n], &b.hi[..n]);
                if alo <= bhi && blo <= ahi {
                    return Err(MappingError(format!(
                        "intervallen {}-{} ({}) och {}-{} ({}) överlappar; varje konto ska höra till exakt en kontogrupp",
                        a.lo, a.hi, groups[a.group].code, b.lo, b.hi, groups[b.group].code
                    )));
                }
            }
        }
        groups.push(AccountGroup {
            code: UNGROUPED.to_string(),
            name: UNGROUPED_NAME.to_string(),
            kind: GroupKind::Cost,
            ranges: Vec::new(),
            periodisation: Default::default(),
        });
        Ok(AccountMapping {
            name,
            groups,
            ranges,
        })
    }

    /// The groups in report order; the last is always [`UNGROUPED`].
    pub fn groups(&self) -> &[AccountGroup] {
        &self.groups
    }

    /// The groups as defined (a mapping file's groups), without the reserved [`UNGROUPED`].
    pub fn defined_groups(&self) -> &[AccountGroup] {
        &self.groups[..self.groups.len() - 1]
    }

    /// The reserved group [`UNGROUPED`].
    pub fn ungrouped(&self) -> &AccountGroup {
        self.groups
            .last()
            .expect("the reserved group is always there")
    }

    /// The group with this code.
    pub fn group(&self, code: &str) -> Option<&AccountGroup> {
        self.groups.iter().find(|g| g.code == code)
    }

    /// The group an account belongs to, or `None` (balance accounts, or a gap in the mapping).
    pub fn group_of(&self, account: &str) -> Option<&AccountGroup> {
        self.ranges
            .iter()
            .find(|r| r.matches(account))
            .map(|r| &self.groups[r.group])
    }

    /// Classify an account by its number: balance accounts (class 1–2) have no group; a result
    /// account has the group whose range covers it, or [`UNGROUPED`].
    pub fn classify(&self, account: &str) -> Option<&AccountGroup> {
        self.classify_as(account, is_balance_account(account))
    }

    /// Classify an account whose kind is known (from `#KTYP`, see [`is_balance_typed`]): a
    /// balance account has no group, a result account its range's group or [`UNGROUPED`].
    pub fn classify_as(&self, account: &str, balance: bool) -> Option<&AccountGroup> {
        if balance {
            return None;
        }
        Some(self.group_of(account).unwrap_or_else(|| self.ungrouped()))
    }
}

/// True for balance-sheet accounts (Kommun-Bas and BAS class 1 and 2).
pub fn is_balance_account(account: &str) -> bool {
    matches!(account.as_bytes().first(), Some(b'1') | Some(b'2'))
}

/// True for a balance account given its `#KTYP` when the file has one: `T` (tillgång) and `S`
/// (skuld) are balance accounts, `K` (kostnad) and `I` (intäkt) result accounts, whatever the
/// number; without a known type the class decides ([`is_balance_account`]).
pub fn is_balance_typed(account: &str, ktyp: Option<&str>) -> bool {
    match ktyp.map(str::trim) {
        Some(t) if t.eq_ignore_ascii_case("T") || t.eq_ignore_ascii_case("S") => true,
        Some(t) if t.eq_ignore_ascii_case("K") || t.eq_ignore_ascii_case("I") => false,
        _ => is_balance_account(account),
    }
}

/// Check an account number: digits only, 1–10 long (SIE allows longer; Kommun-Bas uses 4–6).
pub fn check_account_number(account: &str) -> Result<(), String> {
    if account.is_empty() {
        return Err("kontonumret saknas".into());
    }
    if !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "kontonumret \"{account}\" innehåller annat än siffror"
        ));
    }
    if account.len() > 10 {
        return Err(format!(
            "kontonumret \"{account}\" har {} siffror (högst 10)",
            account.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_mapping_covers_result_accounts_once() {
        let m = AccountMapping::kommun_bas();
        assert_eq!(
            m.defined_groups()
                .iter()
                .filter(|g| g.kind != GroupKind::Financial)
                .count(),
            10
        );
        for acc in 3000..9000 {
            let s = acc.to_string();
            let n = m.ranges.iter().filter(|r| r.matches(&s)).count();
            assert_eq!(n, 1, "account {s} matches {n} ranges");
        }
        assert_eq!(m.group_of("4610").unwrap().name, "Köp av verksamhet");
        assert_eq!(m.group_of("51110").unwrap().code, "personal");
        assert_eq!(m.group_of("7510").unwrap().code, "bemanning");
        assert_eq!(m.group_of("8410").unwrap().code, "kapital");
        assert_eq!(m.group_of("3110").unwrap().code, "avgifter");
        assert!(m.classify("1930").is_none());
        assert_eq!(m.classify("9000").unwrap().code, UNGROUPED);
        assert_eq!(m.classify("0351").unwrap().name, "Ej kontogrupperat");
        assert!(m.group_of("9000").is_none(), "no range covers it");
        // The reserved group is the last one and has no ranges.
        let last = m.groups().last().unwrap();
        assert_eq!(
            (last.code.as_str(), last.kind),
            (UNGROUPED, GroupKind::Cost)
        );
        assert!(last.ranges.is_empty());
        assert_eq!(m.defined_groups().len(), m.groups().len() - 1);
    }

    #[test]
    fn ktyp_decides_balance_or_result() {
        let m = AccountMapping::kommun_bas();
        // #KTYP T on a class-3 account: a balance account, no group.
        assert!(is_balance_typed("3740", Some("T")));
        assert!(m
            .classify_as("3740", is_balance_typed("3740", Some("T")))
            .is_none());
        // #KTYP K on a class-1 account: a result account; no range covers it.
        assert!(!is_balance_typed("1790", Some("k")));
        assert_eq!(m.classify_as("1790", false).unwrap().code, UNGROUPED);
        // No type, or one that is not T/S/K/I: the class decides.
        assert!(is_balance_typed("1930", None));
        assert!(!is_balance_typed("4610", Some("X")));
        assert_eq!(m.classify_as("4610", false).unwrap().code, "kop_verksamhet");
    }

    #[test]
    fn override_and_errors() {
        let t = r#"
name = "Testkommun"
[[group]]
code = "a"
name = "A"
kind = "cost"
ranges = ["40-49"]
[[group]]
code = "b"
name = "B"
kind = "revenue"
ranges = ["3"]
"#;
        let m = AccountMapping::from_toml(t).unwrap();
        assert_eq!(m.name, "Testkommun");
        assert_eq!(m.group_of("3999").unwrap().code, "b");
        assert_eq!(m.classify("5010").unwrap().code, UNGROUPED);
        assert_eq!(
            m.groups()
                .iter()
                .map(|g| g.code.as_str())
                .collect::<Vec<_>>(),
            ["a", "b", UNGROUPED]
        );
        // A file may not define the reserved group itself.
        let reserved = format!(
            "{t}[[group]]\ncode = \"{UNGROUPED}\"\nname = \"X\"\nkind = \"cost\"\nranges = [\"9\"]\n"
        );
        let err = AccountMapping::from_toml(&reserved).unwrap_err();
        assert!(err.0.contains("reserverad"), "{err}");
        let overlap = t.replace("[\"3\"]", "[\"45\"]");
        assert!(AccountMapping::from_toml(&overlap)
            .unwrap_err()
            .0
            .contains("överlappar"));
        let bad = t.replace("[\"3\"]", "[\"3x\"]");
        assert!(AccountMapping::from_toml(&bad).is_err());
        let reversed = t.replace("[\"3\"]", "[\"39-30\"]");
        assert!(AccountMapping::from_toml(&reversed).is_err());
        assert!(AccountMapping::from_toml("nonsense").is_err());
    }

    #[test]
    fn to_toml_reads_back_the_same_mapping() {
        let m = AccountMapping::kommun_bas();
        assert_eq!(AccountMapping::from_toml(&m.to_toml()).unwrap(), m);
        let odd = AccountMapping::new(
            "Kommun \"med\" citat \\ och\ttab".into(),
            vec![AccountGroup {
                code: "x".into(),
                name: "Övrigt \"x\"".into(),
                kind: GroupKind::Financial,
                ranges: vec!["9".into(), "0351-0356".into()],
                periodisation: crate::budget::Periodisation::Even,
            }],
        )
        .unwrap();
        let text = odd.to_toml();
        assert!(!text.contains(UNGROUPED), "{text}");
        assert_eq!(AccountMapping::from_toml(&text).unwrap(), odd);
    }

    #[test]
    fn account_numbers() {
        assert!(check_account_number("4610").is_ok());
        assert!(check_account_number("46a0").is_err());
        assert!(check_account_number("12345678901").is_err());
        assert!(check_account_number("").is_err());
    }
}
