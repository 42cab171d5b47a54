//! Forecast lines with tagged adjustments, roll-up along the organisation, plausibility
//! checks and the bridge between two rounds.

use crate::methods::Method;
use delar_core::{Amount, Unit};
use serde::Serialize;
use std::collections::BTreeMap;

/// The kind of an adjustment added to a line: always visible, never a silent plug.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum AdjustmentKind {
    /// A one-off item.
    OneOff,
    /// A special effect of a structural kind (e.g. a lasting change in demand).
    SpecialStructural,
    /// A special effect of another kind (e.g. covid-19 costs).
    SpecialOther,
    /// A rule change (law, tariff, agreement).
    RuleChange,
    /// A decision taken whose cost or saving falls after the cut-off (a new group home
    /// opening in October): part of the ongoing operations, not a special effect.
    Decision,
    /// A decision not yet taken: the forecast is shown with and without it.
    PendingDecision,
    /// A central buffer held at committee or programme level.
    CentralBuffer,
}

impl AdjustmentKind {
    /// All kinds, in report order.
    pub const ALL: [AdjustmentKind; 7] = [
        AdjustmentKind::OneOff,
        AdjustmentKind::SpecialStructural,
        AdjustmentKind::SpecialOther,
        AdjustmentKind::RuleChange,
        AdjustmentKind::Decision,
        AdjustmentKind::PendingDecision,
        AdjustmentKind::CentralBuffer,
    ];

    /// Stable identifier for files and the database.
    pub fn code(self) -> &'static str {
        match self {
            AdjustmentKind::OneOff => "engang",
            AdjustmentKind::SpecialStructural => "sarskild_strukturell",
            AdjustmentKind::SpecialOther => "sarskild_ovrig",
            AdjustmentKind::RuleChange => "regelandring",
            AdjustmentKind::Decision => "beslut",
            AdjustmentKind::PendingDecision => "avvaktande_beslut",
            AdjustmentKind::CentralBuffer => "central_buffert",
        }
    }

    /// Swedish name as reports show it.
    pub fn name(self) -> &'static str {
        match self {
            AdjustmentKind::OneOff => "Engångspost",
            AdjustmentKind::SpecialStructural => "Särskild effekt, strukturell",
            AdjustmentKind::SpecialOther => "Särskild effekt, övrig",
            AdjustmentKind::RuleChange => "Regeländring",
            AdjustmentKind::Decision => "Fattat beslut",
            AdjustmentKind::PendingDecision => "Avvaktar beslut",
            AdjustmentKind::CentralBuffer => "Central buffert",
        }
    }

    /// Parse a [`AdjustmentKind::code`].
    pub fn from_code(s: &str) -> Option<AdjustmentKind> {
        AdjustmentKind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// A special effect (structural or other): results are shown with and without these.
    pub fn is_special(self) -> bool {
        matches!(
            self,
            AdjustmentKind::SpecialStructural | AdjustmentKind::SpecialOther
        )
    }
}

/// An adjustment on a forecast line, in the ledger's sign (a cost increase is positive).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Adjustment {
    /// What kind of adjustment.
    pub kind: AdjustmentKind,
    /// Point value.
    pub amount: Amount,
    /// Low end of a range, when one is given.
    pub low: Option<Amount>,
    /// High end of a range, when one is given.
    pub high: Option<Amount>,
    /// Why (mandatory, Swedish).
    pub comment: String,
    /// The code by which registers and texts cite it (`SN-J1`), unique within the round.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// One forecast line: a node (unit) × a kontogrupp (or account), with its method result and
/// adjustments. Amounts in the ledger's sign.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ForecastLine {
    /// Organisation code.
    pub node: String,
    /// Kontogrupp code (or account number at the finer grain).
    pub group: String,
    /// The method chosen.
    pub method: Method,
    /// The method's full-year amount, before adjustments.
    pub base: Amount,
    /// How the base was reached (Swedish).
    pub explanation: String,
    /// Tagged adjustments added to the base.
    pub adjustments: Vec<Adjustment>,
    /// Outcome to date.
    pub to_date: Amount,
    /// Annual budget in force.
    pub budget: Amount,
    /// The controller's comment on the line.
    pub comment: Option<String>,
}

impl ForecastLine {
    /// Full-year forecast: base + every adjustment (pending decisions included).
    pub fn full_year(&self) -> Amount {
        self.base + self.adjustments.iter().map(|a| a.amount).sum::<Amount>()
    }

    /// Full-year forecast leaving out adjustments of the given kinds (e.g. special effects,
    /// or a pending decision).
    pub fn full_year_without(&self, leave_out: &[AdjustmentKind]) -> Amount {
        self.base
            + self
                .adjustments
                .iter()
                .filter(|a| !leave_out.contains(&a.kind))
                .map(|a| a.amount)
                .sum::<Amount>()
    }

    /// The range of the forecast: base + each adjustment's low (high), using the point value
    /// where an adjustment has no range.
    pub fn range(&self) -> (Amount, Amount) {
        let low = self.base
            + self
                .adjustments
                .iter()
                .map(|a| a.low.unwrap_or(a.amount))
                .sum::<Amount>();
        let high = self.base
            + self
                .adjustments
                .iter()
                .map(|a| a.high.unwrap_or(a.amount))
                .sum::<Amount>();
        (low.min(high), low.max(high))
    }

    /// What remains of the year: forecast − outcome to date.
    pub fn remaining(&self) -> Amount {
        self.full_year() - self.to_date
    }

    /// Deviation from budget, positive = favourable: budget − forecast in the ledger's sign
    /// (less cost or more revenue than budgeted is positive).
    pub fn deviation(&self) -> Amount {
        self.budget - self.full_year()
    }
}

/// Check a line for a forecast that does not hang together; Swedish warnings.
/// `budget_to_date` is the periodised budget up to the cut-off, `m` the cut-off month.
pub fn plausibility(line: &ForecastLine, budget_to_date: Amount, m: usize) -> Vec<String> {
    let mut out = Vec::new();
    let t = |a: Amount| format!("{} tkr", a.format(Unit::Tkr, 0));
    let dev_to_date = budget_to_date - line.to_date;
    let dev_full = line.deviation();
    let dev_rest = dev_full - dev_to_date;
    // A deficit almost all realised already, while the rest of the year is forecast better
    // than budget: the forecast assumes a turnaround nobody has explained.
    if dev_to_date.ore() < 0
        && dev_rest.ore() > 0
        && (dev_to_date.ore() as i128).abs() * 100 >= (dev_full.ore() as i128).abs() * 95
        && line.comment.as_deref().is_none_or(str::is_empty)
    {
        out.push(format!(
            "Underskottet hittills ({}) är större än helårets ({}); resten av året prognostiseras {} bättre än budget utan kommentar.",
            t(dev_to_date),
            t(dev_full),
            t(dev_rest)
        ));
    }
    // The rest of the year far from the pace so far (more than 50 % off the run-rate).
    if m > 0 && m < 12 {
        let pace = line
            .to_date
            .mul_ratio(12 - m as i64, m as i64)
            .unwrap_or_default();
        let rest = line.remaining();
        let diff = (rest.ore() as i128 - pace.ore() as i128).abs();
        if pace.ore().abs() >= 100_000 * 100 && diff * 2 > (pace.ore() as i128).abs() {
            out.push(format!(
                "Återstående prognos {} avviker mer än 50 % från takten hittills ({} för resten av året).",
                t(rest),
                t(pace)
            ));
        }
    }
    out
}

/// Sums of lines at every level of the organisation: node → kontogrupp → (to date, budget,
/// forecast). `ancestors(node)` lists the node's ancestors (nearest first); each line counts
/// at its own node and at every ancestor. Ratios are not summed: compute them from these.
pub fn roll_up(
    lines: &[ForecastLine],
    ancestors: impl Fn(&str) -> Vec<String>,
) -> BTreeMap<String, BTreeMap<&str, Totals>> {
    let mut out: BTreeMap<String, BTreeMap<&str, Totals>> = BTreeMap::new();
    for l in lines {
        let mut nodes = vec![l.node.clone()];
        nodes.extend(ancestors(&l.node));
        for n in nodes {
            let t = out
                .entry(n)
                .or_default()
                .entry(l.group.as_str())
                .or_default();
            t.to_date += l.to_date;
            t.budget += l.budget;
            t.forecast += l.full_year();
            t.special += l.full_year()
                - l.full_year_without(&[
                    AdjustmentKind::SpecialStructural,
                    AdjustmentKind::SpecialOther,
                ]);
        }
    }
    out
}

/// Summed amounts of a group of lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Outcome to date.
    pub to_date: Amount,
    /// Annual budget.
    pub budget: Amount,
    /// Full-year forecast.
    pub forecast: Amount,
    /// The part of the forecast that is special effects.
    pub special: Amount,
}

/// One row of the bridge from the previous round to this one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BridgeRow {
    /// Organisation code.
    pub node: String,
    /// Kontogrupp code.
    pub group: String,
    /// Forecast in the previous round (zero when the line is new).
    pub previous: Amount,
    /// Forecast in this round (zero when the line is gone).
    pub current: Amount,
    /// current − previous.
    pub change: Amount,
    /// Why, from the method, adjustments and comment (Swedish); empty when unchanged.
    pub reasons: Vec<String>,
}

/// The bridge between two rounds, line by line (lines in either round), with reasons taken
/// from method changes, added or changed adjustments and the line's comment.
pub fn bridge(previous: &[ForecastLine], current: &[ForecastLine]) -> Vec<BridgeRow> {
    let key = |l: &ForecastLine| (l.node.clone(), l.group.clone());
    let prev: BTreeMap<_, _> = previous.iter().map(|l| (key(l), l)).collect();
    let cur: BTreeMap<_, _> = current.iter().map(|l| (key(l), l)).collect();
    let mut keys: Vec<_> = prev.keys().chain(cur.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|k| {
            let p = prev.get(&k);
            let c = cur.get(&k);
            let previous = p.map(|l| l.full_year()).unwrap_or_default();
            let current = c.map(|l| l.full_year()).unwrap_or_default();
            let mut reasons = Vec::new();
            match (p, c) {
                (None, Some(_)) => reasons.push("Ny prognosrad.".to_string()),
                (Some(_), None) => reasons.push("Prognosraden finns inte längre.".to_string()),
                (Some(p), Some(c)) => {
                    if p.method != c.method {
                        reasons.push(format!(
                            "Metod ändrad från {} till {}.",
                            p.method.name().to_lowercase(),
                            c.method.name().to_lowercase()
                        ));
                    }
                    if p.base != c.base {
                        reasons.push(format!(
                            "Beräknat belopp ändrat med {} tkr ({}).",
                            (c.base - p.base).format(Unit::Tkr, 0),
                            c.method.name().to_lowercase()
                        ));
                    }
                    for a in &c.adjustments {
                        let same = p
                            .adjustments
                            .iter()
                            .find(|b| b.kind == a.kind && b.comment == a.comment);
                        match same {
                            None => reasons.push(format!(
                                "{}: {} ({} tkr).",
                                a.kind.name(),
                                a.comment,
                                a.amount.format(Unit::Tkr, 0)
                            )),
                            Some(b) if b.amount != a.amount => reasons.push(format!(
                                "{}: {} ändrad med {} tkr.",
                                a.kind.name(),
                                a.comment,
                                (a.amount - b.amount).format(Unit::Tkr, 0)
                            )),
                            Some(_) => {}
                        }
                    }
                    for b in &p.adjustments {
                        if !c
                            .adjustments
                            .iter()
                            .any(|a| a.kind == b.kind && a.comment == b.comment)
                        {
                            reasons.push(format!("{} borttagen: {}.", b.kind.name(), b.comment));
                        }
                    }
                    if previous != current {
                        if let Some(comment) = c.comment.as_deref().filter(|s| !s.is_empty()) {
                            reasons.push(format!("Kommentar: {comment}"));
                        }
                    }
                }
                (None, None) => {}
            }
            BridgeRow {
                node: k.0,
                group: k.1,
                previous,
                current,
                change: current - previous,
                reasons,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tk(v: i64) -> Amount {
        Amount::from_ore(v * 100_000)
    }

    fn line(node: &str, base: i64, adj: Vec<Adjustment>) -> ForecastLine {
        ForecastLine {
            node: node.into(),
            group: "personal".into(),
            method: Method::Seasonal,
            base: tk(base),
            explanation: String::new(),
            adjustments: adj,
            to_date: tk(base * 2 / 3),
            budget: tk(1000),
            comment: None,
        }
    }

    fn adj(kind: AdjustmentKind, v: i64, comment: &str) -> Adjustment {
        Adjustment {
            kind,
            amount: tk(v),
            low: None,
            high: None,
            comment: comment.into(),
            code: None,
        }
    }

    #[test]
    fn adjustments_ranges_and_deviation() {
        let mut l = line(
            "1001",
            1000,
            vec![
                adj(
                    AdjustmentKind::SpecialOther,
                    30,
                    "Covid-19, skyddsutrustning",
                ),
                adj(
                    AdjustmentKind::PendingDecision,
                    -50,
                    "Tilläggsbudget för hemtjänst",
                ),
            ],
        );
        l.adjustments[1].low = Some(tk(-60));
        l.adjustments[1].high = Some(tk(-20));
        assert_eq!(l.full_year(), tk(980));
        assert_eq!(
            l.full_year_without(&[AdjustmentKind::PendingDecision]),
            tk(1030)
        );
        assert_eq!(l.range(), (tk(970), tk(1010)));
        // Costs 980 against budget 1 000: +20 favourable.
        assert_eq!(l.deviation(), tk(20));
        assert_eq!(l.remaining(), tk(980) - tk(666));
    }

    #[test]
    fn roll_up_sums_to_every_ancestor() {
        let lines = vec![
            line(
                "1001",
                500,
                vec![adj(AdjustmentKind::SpecialStructural, 10, "x")],
            ),
            line("1002", 300, vec![]),
        ];
        let anc = |n: &str| match n {
            "1001" | "1002" => vec!["SN".to_string(), "PO".to_string()],
            _ => vec![],
        };
        let r = roll_up(&lines, anc);
        assert_eq!(r["SN"]["personal"].forecast, tk(810));
        assert_eq!(r["PO"]["personal"].budget, tk(2000));
        assert_eq!(r["PO"]["personal"].special, tk(10));
        assert_eq!(r["1002"]["personal"].forecast, tk(300));
    }

    #[test]
    fn bridge_explains_the_change() {
        let p1 = vec![line(
            "1001",
            1000,
            vec![adj(AdjustmentKind::OneOff, 20, "Retroaktiv lön")],
        )];
        let mut l = line(
            "1001",
            1040,
            vec![
                adj(AdjustmentKind::OneOff, 25, "Retroaktiv lön"),
                adj(AdjustmentKind::SpecialOther, 15, "Covid-19"),
            ],
        );
        l.method = Method::RunRate;
        l.comment = Some("Fler placeringar än väntat.".into());
        let p2 = vec![l, line("1002", 10, vec![])];
        let b = bridge(&p1, &p2);
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].change, tk(1080) - tk(1020));
        let text = b[0].reasons.join(" ");
        assert!(
            text.contains("Metod ändrad från säsongsprofil till linjär uppräkning"),
            "{text}"
        );
        assert!(
            text.contains("Engångspost: Retroaktiv lön ändrad med 5 tkr"),
            "{text}"
        );
        assert!(
            text.contains("Särskild effekt, övrig: Covid-19 (15 tkr)"),
            "{text}"
        );
        assert!(text.contains("Fler placeringar"), "{text}");
        assert_eq!(b[1].reasons, vec!["Ny prognosrad.".to_string()]);
    }

    #[test]
    fn plausibility_flags_an_unexplained_turnaround() {
        // Budget 1 000 (666 to date); outcome 760 to date (−94 so far); forecast 1 090
        // (−90 for the year): the rest of the year forecast 4 tkr better than budget.
        let mut l = line("1001", 1090, vec![]);
        l.to_date = tk(760);
        let w = plausibility(&l, tk(666), 8);
        assert!(
            w.iter().any(|w| w.contains("Underskottet hittills")),
            "{w:?}"
        );
        l.comment = Some("Två placeringar avslutas i september.".into());
        assert!(!plausibility(&l, tk(666), 8)
            .iter()
            .any(|w| w.contains("Underskottet")));
        // A rest-of-year far below the pace so far.
        let mut l = line("1001", 800, vec![]);
        l.to_date = tk(700);
        let w = plausibility(&l, tk(666), 8);
        assert!(w.iter().any(|w| w.contains("avviker mer än 50 %")), "{w:?}");
    }
}
