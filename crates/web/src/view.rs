//! What the templates show, formatted once here: Swedish amounts (tkr, non-breaking space
//! between thousands, `−` for minus), dates, states; rows of the sheet, the children and the
//! start page.

use delar_app::workflow::{overdue, NodeStatus, Sheet, StateCounts, Step};
use delar_core::{Amount, Date, Unit};
use delar_store::{LineDetail, NodeState, WorkflowState};

/// An 80 % range in whole tkr: `mellan 1 200 och 1 450` (empty for none).
pub fn range_text(r: Option<(Amount, Amount)>) -> String {
    match r {
        Some((lo, hi)) => format!("mellan {} och {}", tkr(lo), tkr(hi)),
        None => String::new(),
    }
}

/// An amount in whole tkr, Swedish notation (`1 234`, `−12`).
pub fn tkr(a: Amount) -> String {
    a.format(Unit::Tkr, 0)
}

/// A stored UTC time (`2025-09-12T08:15:00Z`) as `2025-09-12 08:15 UTC`.
pub fn time(t: &str) -> String {
    match (t.get(..10), t.get(11..16)) {
        (Some(d), Some(hm)) => format!("{d} {hm} UTC"),
        _ => t.to_string(),
    }
}

/// Percent-encode a path or query value (everything but unreserved characters and `/`).
pub fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A state's word and the CSS class that colours it.
pub fn state(s: WorkflowState) -> (&'static str, &'static str) {
    let class = match s {
        WorkflowState::Draft => "utkast",
        WorkflowState::Submitted => "inskickad",
        WorkflowState::Approved => "godkand",
        WorkflowState::Returned => "aterskickad",
    };
    (s.label(), class)
}

/// One method on a line, for the alternatives and the method list.
pub struct MethodOption {
    /// Code.
    pub code: &'static str,
    /// Name.
    pub name: &'static str,
    /// Full-year amount in tkr, or why it cannot be used.
    pub value: String,
    /// Mean absolute error in the backtest (tkr), with the years replayed.
    pub error: String,
    /// Usable on the line.
    pub usable: bool,
    /// In use now.
    pub selected: bool,
    /// The backtest's recommendation.
    pub recommended: bool,
}

/// One line of a unit's sheet.
pub struct LineRow {
    /// Row number (for ids).
    pub idx: usize,
    /// Kontogrupp (or account) code, sent back with the form.
    pub group: String,
    /// Its name as people know it (`Köp av verksamhet`); the code when it has none.
    pub name: String,
    /// Annual budget.
    pub budget: String,
    /// Outcome to date.
    pub to_date: String,
    /// Periodised budget to date.
    pub budget_to_date: String,
    /// The recommended method's name and forecast.
    pub recommended: String,
    /// The 80 % range of the forecast in force (`mellan 1 200 och 1 450`), empty when the
    /// line has no replayed years.
    pub range: String,
    /// The forecast in force (after adjustments).
    pub forecast: String,
    /// How it was made: the method's name, or "manuell".
    pub how: String,
    /// Budget − forecast.
    pub deviation: String,
    /// The deviation is negative (an overrun).
    pub overrun: bool,
    /// The report comment.
    pub comment: String,
    /// The review note.
    pub review_note: String,
    /// Plausibility flags.
    pub flags: Vec<String>,
    /// Why a comment is needed before submission, if it is.
    pub needs_comment: String,
    /// Adjustments as text.
    pub adjustments: Vec<String>,
    /// Every method's result.
    pub methods: Vec<MethodOption>,
    /// The line's version (sent back with a save).
    pub version: i64,
    /// Who changed it last and when.
    pub changed: String,
    /// Value typed in the amount field (kept after a refused save).
    pub amount_input: String,
    /// Value in the comment field.
    pub comment_input: String,
    /// Method selected in the form.
    pub method_input: String,
    /// Why the last save of this line was refused (shown next to its fields).
    pub error: String,
    /// The field the refusal is about (`belopp`, `metod`, `kommentar`; empty: the line).
    pub error_field: &'static str,
}

impl LineRow {
    /// The row of a stored line.
    pub fn new(idx: usize, d: &LineDetail) -> LineRow {
        let l = &d.line;
        let full = l.full_year();
        let deviation = l.budget - full;
        let rec = d.recommended.and_then(|m| {
            d.estimates
                .iter()
                .find(|e| e.method == m)
                .map(|e| (m, e.full_year))
        });
        let recommended = match rec {
            Some((m, Some(v))) => format!("{}: {}", m.name(), tkr(v)),
            Some((m, None)) => format!("{}: kan inte användas", m.name()),
            None => "ingen rekommendation".to_string(),
        };
        let methods = d
            .estimates
            .iter()
            .filter(|e| e.method != delar_forecast::Method::Manual)
            .map(|e| MethodOption {
                code: e.method.code(),
                name: e.method.name(),
                value: match e.full_year {
                    Some(v) => tkr(v),
                    None => e.explanation.clone(),
                },
                error: match e.mae {
                    Some(m) => format!("{} ({} år)", tkr(m), e.years),
                    None => "–".to_string(),
                },
                usable: e.full_year.is_some(),
                selected: e.method == l.method && !d.manual,
                recommended: Some(e.method) == d.recommended,
            })
            .collect();
        let how = if d.manual {
            "manuell".to_string()
        } else {
            l.method.name().to_string()
        };
        LineRow {
            idx,
            group: l.group.clone(),
            name: l.group.clone(),
            budget: tkr(l.budget),
            to_date: tkr(l.to_date),
            budget_to_date: tkr(d.budget_to_date),
            recommended,
            range: range_text(delar_app::forecast::line_range(d)),
            forecast: tkr(full),
            how,
            deviation: tkr(deviation),
            overrun: deviation.ore() < 0,
            comment: l.comment.clone().unwrap_or_default(),
            review_note: d.review_note.clone().unwrap_or_default(),
            flags: d.flags.clone(),
            needs_comment: delar_app::workflow::missing_comment(d)
                .map(str::to_string)
                .unwrap_or_default(),
            adjustments: l
                .adjustments
                .iter()
                .map(|a| format!("{} {}: {}", a.kind.name(), tkr(a.amount), a.comment))
                .collect(),
            methods,
            version: d.version,
            changed: match (&d.changed_by, &d.changed_at) {
                (Some(by), Some(at)) => format!("{by}, {}", time(at)),
                _ => String::new(),
            },
            amount_input: String::new(),
            comment_input: l.comment.clone().unwrap_or_default(),
            method_input: if d.manual {
                String::new()
            } else {
                l.method.code().to_string()
            },
            error: String::new(),
            error_field: "",
        }
    }
}

/// One node in a list (children of a sheet, the start page).
pub struct NodeRow {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Indentation level.
    pub level: usize,
    /// Link to its sheet.
    pub href: String,
    /// Its own state's word and class (units), or the counts over its units.
    pub state: String,
    /// CSS class of the state (empty for counts).
    pub state_class: &'static str,
    /// Lines waiting for a comment.
    pub missing: usize,
    /// Outcome to date.
    pub to_date: String,
    /// Annual budget.
    pub budget: String,
    /// Forecast.
    pub forecast: String,
    /// Budget − forecast.
    pub deviation: String,
    /// Overrun.
    pub overrun: bool,
    /// The 80 % range of the forecast (`mellan … och …`), empty without replayed years.
    pub range: String,
    /// The person's roles here, as words.
    pub roles: String,
    /// The deadline as it concerns the node: for a unit not yet submitted, `senast
    /// 2025-09-05`; for a higher node, how many of its units are overdue; else empty.
    pub due: String,
    /// The unit is overdue, or some unit under the node is.
    pub overdue: bool,
}

impl NodeRow {
    /// The row of a node's status in `round`.
    pub fn new(round: &str, s: &NodeStatus) -> NodeRow {
        let t = &s.view.total;
        let deviation = t.budget - t.forecast;
        let (state, state_class) = match &s.state {
            Some(st) => {
                let (w, c) = state(st.state);
                (w.to_string(), c)
            }
            None => (s.counts.summary(), ""),
        };
        NodeRow {
            code: s.view.code.clone(),
            name: s.view.name.clone(),
            level: s.view.level,
            href: format!(
                "/prognos/{}/{}",
                url_encode(round),
                url_encode(&s.view.code)
            ),
            state,
            state_class,
            missing: s.counts.missing_comments,
            to_date: tkr(t.to_date),
            budget: tkr(t.budget),
            forecast: tkr(t.forecast),
            deviation: tkr(deviation),
            overrun: deviation.ore() < 0,
            range: range_text(s.view.range),
            roles: s
                .roles
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join(", "),
            due: String::new(),
            overdue: false,
        }
    }

    /// The row with the round's deadline as it concerns the node on `today`.
    pub fn with_deadline(mut self, s: &NodeStatus, deadline: Option<Date>, today: Date) -> NodeRow {
        let Some(d) = deadline else { return self };
        match &s.state {
            Some(st) => {
                if matches!(st.state, WorkflowState::Draft | WorkflowState::Returned) {
                    self.overdue = overdue(Some(d), today, st.state);
                    self.due = if self.overdue {
                        format!("försenad, skulle ha skickats in senast {d}")
                    } else {
                        format!("skicka in senast {d}")
                    };
                }
            }
            None => {
                let late = Deadline::of(&s.counts, Some(d), today).overdue;
                if late > 0 {
                    self.overdue = true;
                    self.due = if late == 1 {
                        "1 enhet försenad".to_string()
                    } else {
                        format!("{late} enheter försenade")
                    };
                }
            }
        }
        self
    }
}

/// Where the units under a node stand against the round's deadline (the controller's view
/// on the start page).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deadline {
    /// Units under the node.
    pub units: usize,
    /// Submitted (waiting for review) or approved.
    pub submitted: usize,
    /// Of those, approved.
    pub approved: usize,
    /// Not submitted: drafts (never submitted, or recalled).
    pub missing: usize,
    /// Returned by a controller and not yet submitted again.
    pub returned: usize,
    /// Not submitted (missing or returned) although the deadline has passed.
    pub overdue: usize,
}

impl Deadline {
    /// The counts of a node's units against `deadline` on `today`.
    pub fn of(c: &StateCounts, deadline: Option<Date>, today: Date) -> Deadline {
        let missing = c.count(WorkflowState::Draft);
        let returned = c.count(WorkflowState::Returned);
        let passed = deadline.is_some_and(|d| today > d);
        Deadline {
            units: c.units(),
            submitted: c.count(WorkflowState::Submitted) + c.count(WorkflowState::Approved),
            approved: c.count(WorkflowState::Approved),
            missing,
            returned,
            overdue: if passed { missing + returned } else { 0 },
        }
    }
}

/// A date from seconds since the epoch (UTC).
pub fn date_of(secs: i64) -> Date {
    Date::new(1970, 1, 1)
        .and_then(|d| d.add_days(secs.div_euclid(86_400)))
        .unwrap_or_else(|_| Date::new(1970, 1, 1).expect("a valid date"))
}

/// A workflow button.
pub struct StepButton {
    /// The step's code (the form's `atgard`).
    pub code: &'static str,
    /// The words on the button.
    pub label: &'static str,
    /// A comment is required (return).
    pub needs_comment: bool,
}

/// The buttons of a sheet.
pub fn steps(sheet: &Sheet) -> Vec<StepButton> {
    sheet
        .steps
        .iter()
        .map(|s| StepButton {
            code: s.code(),
            label: s.label(),
            needs_comment: *s == Step::Return,
        })
        .collect()
}

/// The state line of a unit: word, class, who and when, and the reviewer's comment.
pub fn state_line(s: &NodeState) -> (String, &'static str, String, String) {
    let (w, c) = state(s.state);
    let who = match (&s.changed_by, &s.changed_at) {
        (Some(by), Some(at)) => format!("{by}, {}", time(at)),
        _ => String::new(),
    };
    (w.to_string(), c, who, s.comment.clone().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_amounts_times_and_urls() {
        assert_eq!(tkr(Amount::from_ore(123_456_789)), "1\u{a0}235");
        assert_eq!(tkr(Amount::from_ore(-1_200_000)), "\u{2212}12");
        assert_eq!(time("2025-09-12T08:15:00Z"), "2025-09-12 08:15 UTC");
        assert_eq!(url_encode("/prognos/2025-P2/SN41"), "/prognos/2025-P2/SN41");
        assert_eq!(url_encode("a b&c=å"), "a%20b%26c%3D%C3%A5");
        assert_eq!(date_of(0).to_string(), "1970-01-01");
        assert_eq!(
            range_text(Some((
                Amount::from_ore(-120_000_000),
                Amount::from_ore(145_000_000)
            ))),
            "mellan \u{2212}1\u{a0}200 och 1\u{a0}450"
        );
        assert_eq!(range_text(None), "");
        assert_eq!(date_of(1_757_664_900).to_string(), "2025-09-12");
    }

    #[test]
    fn units_against_the_deadline() {
        let mut c = StateCounts::default();
        for (s, n) in [
            (WorkflowState::Draft, 2),
            (WorkflowState::Returned, 1),
            (WorkflowState::Submitted, 3),
            (WorkflowState::Approved, 4),
        ] {
            c.by_state.insert(s, n);
        }
        let d = Date::parse("2025-09-05").unwrap();
        let before = Deadline::of(&c, Some(d), Date::parse("2025-09-05").unwrap());
        assert_eq!(
            before,
            Deadline {
                units: 10,
                submitted: 7,
                approved: 4,
                missing: 2,
                returned: 1,
                overdue: 0
            }
        );
        let after = Deadline::of(&c, Some(d), Date::parse("2025-09-06").unwrap());
        assert_eq!(after.overdue, 3);
        assert_eq!(
            Deadline::of(&c, None, Date::parse("2030-01-01").unwrap()).overdue,
            0
        );
    }
}
