//! The purchaser–provider view: compensation model parameters (ersättningsmodell), the
//! purchaser's forecast of what it will pay (volume × price), and the check that a purchase
//! equals the provider's internal revenue.

use delar_core::{Amount, PeriodRange, YearMonth};
use serde::Serialize;
use std::collections::BTreeMap;

/// What a compensation rate is paid per (`grund` in `ersattningsmodell.csv`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Basis {
    /// Per performed hour (home care).
    PerHour,
    /// Per occupied day (care home, LSS housing), usually by level of need.
    PerOccupiedDay,
    /// Per attendance day (daily activity).
    PerAttendanceDay,
    /// A fixed amount per month (verksamhetsuppdrag).
    FixedMonthly,
}

impl Basis {
    /// Every basis, in template order.
    pub const ALL: [Basis; 4] = [
        Basis::PerHour,
        Basis::PerOccupiedDay,
        Basis::PerAttendanceDay,
        Basis::FixedMonthly,
    ];

    /// The Swedish word in the template.
    pub const fn label(self) -> &'static str {
        match self {
            Basis::PerHour => "timme",
            Basis::PerOccupiedDay => "belagt dygn",
            Basis::PerAttendanceDay => "närvarodag",
            Basis::FixedMonthly => "fast månad",
        }
    }

    /// Parse the template word (case-insensitive).
    pub fn parse(s: &str) -> Option<Basis> {
        let t = s.trim().to_lowercase();
        Basis::ALL.into_iter().find(|b| b.label() == t)
    }
}

/// One rate of a compensation model: who pays whom, per what, at what price, from when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CompensationRate {
    /// Model code, e.g. `hemtjanst`.
    pub model: String,
    /// Name, e.g. `Hemtjänst, utförd tid`.
    pub name: String,
    /// What the price is per.
    pub basis: Basis,
    /// Level of need (vårdnivå, stödbehov), when the model has levels.
    pub level: Option<String>,
    /// The purchaser's organisation code (books the purchase), e.g. `PN10`.
    pub purchaser: String,
    /// The provider's organisation code (books the internal revenue), e.g. `VON21`.
    pub provider: String,
    /// Price per unit (per month for a fixed assignment).
    pub price: Amount,
    /// The volume series giving the units per month (hours, occupied days, attendance days);
    /// `None` for a fixed assignment.
    pub volume_series: Option<String>,
    /// The purchase account, when given (e.g. `4691`).
    pub account: Option<String>,
    /// First month in force (inclusive); `None` = from the beginning.
    pub from: Option<YearMonth>,
    /// Last month in force (inclusive); `None` = still in force.
    pub to: Option<YearMonth>,
}

impl CompensationRate {
    /// True when the rate is in force in `ym`.
    pub fn in_force(&self, ym: YearMonth) -> bool {
        self.from.is_none_or(|f| f <= ym) && self.to.is_none_or(|t| ym <= t)
    }
}

/// One month of a purchase: volume × price.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PurchaseLine {
    /// Model code.
    pub model: String,
    /// Level, if any.
    pub level: Option<String>,
    /// Purchaser code.
    pub purchaser: String,
    /// Provider code.
    pub provider: String,
    /// The month.
    pub month: YearMonth,
    /// Units (1 for a fixed assignment).
    pub volume: f64,
    /// Price per unit.
    pub price: Amount,
    /// volume × price, rounded half away from zero to the öre (ledger sign: a cost).
    pub amount: Amount,
}

/// The purchaser's forecast: one line per rate and month, and what was missing.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PurchaseForecast {
    /// Lines in rate order, months in order.
    pub lines: Vec<PurchaseLine>,
    /// Months without a volume (Swedish), counted as zero.
    pub missing: Vec<String>,
}

impl PurchaseForecast {
    /// Σ amount per (purchaser, provider), each code mapped through `level` (e.g. to the
    /// committee: `|c| tree.committee_of(c)…`).
    pub fn by_pair(&self, level: impl Fn(&str) -> String) -> BTreeMap<(String, String), Amount> {
        let mut out: BTreeMap<(String, String), Amount> = BTreeMap::new();
        for l in &self.lines {
            *out.entry((level(&l.purchaser), level(&l.provider)))
                .or_default() += l.amount;
        }
        out
    }

    /// Σ of every line.
    pub fn total(&self) -> Amount {
        self.lines.iter().map(|l| l.amount).sum()
    }
}

/// What the purchaser will pay over `months`: for each rate in force, volume × price
/// (`volume(series, month)` gives the actual or forecast units), or the fixed amount per
/// month.
pub fn forecast_purchases(
    rates: &[CompensationRate],
    months: PeriodRange,
    volume: &dyn Fn(&str, YearMonth) -> Option<f64>,
) -> PurchaseForecast {
    let mut out = PurchaseForecast::default();
    for r in rates {
        for m in months.months() {
            if !r.in_force(m) {
                continue;
            }
            let v = match (&r.basis, &r.volume_series) {
                (Basis::FixedMonthly, _) => 1.0,
                (_, Some(s)) => match volume(s, m) {
                    Some(v) => v,
                    None => {
                        out.missing.push(format!(
                            "Volym saknas för serien \"{s}\" i {m} (modell {}, {} → {}); räknas som 0.",
                            r.model, r.purchaser, r.provider
                        ));
                        0.0
                    }
                },
                (_, None) => {
                    out.missing.push(format!(
                        "Modellen {} ({} → {}) saknar volymserie; räknas som 0.",
                        r.model, r.purchaser, r.provider
                    ));
                    0.0
                }
            };
            out.lines.push(PurchaseLine {
                model: r.model.clone(),
                level: r.level.clone(),
                purchaser: r.purchaser.clone(),
                provider: r.provider.clone(),
                month: m,
                volume: v,
                price: r.price,
                amount: r.price.mul_f64(v).unwrap_or(Amount::ZERO),
            });
        }
    }
    out
}

/// The same purchase seen from both sides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PairCheck {
    /// Purchaser (code at the level compared).
    pub purchaser: String,
    /// Provider.
    pub provider: String,
    /// What the purchaser pays (positive).
    pub purchase: Amount,
    /// The provider's internal revenue from the purchaser (negative, ledger sign).
    pub sale: Amount,
    /// purchase + sale: zero when the two sides agree.
    pub difference: Amount,
}

impl PairCheck {
    /// True when both sides show the same figure.
    pub fn agrees(&self) -> bool {
        self.difference.is_zero()
    }

    /// A Swedish sentence about the pair (for a footnote or a finding).
    pub fn text(
        &self,
        names: &dyn Fn(&str) -> String,
        unit: delar_core::Unit,
        decimals: u8,
    ) -> String {
        let f = |a: Amount| format!("{} {}", a.format(unit, decimals), unit.label());
        if self.agrees() {
            format!(
                "{} köper för {} av {}, och {} redovisar samma belopp som intäkt.",
                names(&self.purchaser),
                f(self.purchase),
                names(&self.provider),
                names(&self.provider)
            )
        } else {
            format!(
                "{} köper för {} av {}, men {} redovisar {} som intäkt: differens {}.",
                names(&self.purchaser),
                f(self.purchase),
                names(&self.provider),
                names(&self.provider),
                f(-self.sale),
                f(self.difference)
            )
        }
    }
}

/// Compare purchases with the providers' internal revenue, both keyed by (purchaser,
/// provider); pairs present on one side only get zero on the other.
pub fn check_pairs(
    purchases: &BTreeMap<(String, String), Amount>,
    sales: &BTreeMap<(String, String), Amount>,
) -> Vec<PairCheck> {
    let mut keys: Vec<&(String, String)> = purchases.keys().chain(sales.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|k| {
            let p = purchases.get(k).copied().unwrap_or_default();
            let s = sales.get(k).copied().unwrap_or_default();
            PairCheck {
                purchaser: k.0.clone(),
                provider: k.1.clone(),
                purchase: p,
                sale: s,
                difference: p + s,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use delar_core::Unit;

    fn ym(s: &str) -> YearMonth {
        YearMonth::parse(s).unwrap()
    }

    fn rate(
        model: &str,
        basis: Basis,
        provider: &str,
        kr: i64,
        series: Option<&str>,
    ) -> CompensationRate {
        CompensationRate {
            model: model.into(),
            name: model.into(),
            basis,
            level: None,
            purchaser: "PN10".into(),
            provider: provider.into(),
            price: Amount::from_kr(kr).unwrap(),
            volume_series: series.map(str::to_string),
            account: None,
            from: None,
            to: None,
        }
    }

    #[test]
    fn volume_times_price_and_both_sides() {
        let mut vob = rate("vob", Basis::PerOccupiedDay, "VON31", 2_650, Some("dygn"));
        vob.level = Some("2".into());
        vob.from = Some(ym("2025-02"));
        let rates = vec![
            rate("hemtjanst", Basis::PerHour, "VON21", 590, Some("timmar")),
            vob,
            rate("uppdrag", Basis::FixedMonthly, "VON41", 1_000_000, None),
        ];
        let volume = |s: &str, m: YearMonth| match (s, m.month()) {
            ("timmar", 1) => Some(1_000.5),
            ("timmar", _) => Some(900.0),
            ("dygn", 2) => Some(310.0),
            _ => None,
        };
        let f = forecast_purchases(
            &rates,
            PeriodRange::new(ym("2025-01"), ym("2025-03")).unwrap(),
            &volume,
        );
        // 3 hour lines, 2 care-home lines (from February), 3 fixed lines.
        assert_eq!(f.lines.len(), 8);
        assert_eq!(f.lines[0].amount, Amount::from_ore(59_029_500)); // 1 000,5 × 590
        assert_eq!(f.missing.len(), 1);
        assert!(
            f.missing[0].contains("\"dygn\" i 2025-03"),
            "{:?}",
            f.missing
        );
        let hours = 590 * (10_005 + 9_000 + 9_000) / 10;
        let expected = hours * 100 + 2_650 * 310 * 100 + 3 * 1_000_000 * 100;
        assert_eq!(f.total(), Amount::from_ore(expected));

        let committee = |c: &str| c.trim_end_matches(char::is_numeric).to_string();
        let purchases = f.by_pair(committee);
        assert_eq!(purchases.len(), 1);
        let mut sales = BTreeMap::new();
        sales.insert(("PN".to_string(), "VON".to_string()), -f.total());
        let checks = check_pairs(&purchases, &sales);
        assert!(checks[0].agrees());
        sales.insert(
            ("PN".to_string(), "VON".to_string()),
            -f.total() + Amount::from_kr(1_000).unwrap(),
        );
        sales.insert(
            ("PN".to_string(), "SN".to_string()),
            Amount::from_kr(-5).unwrap(),
        );
        let checks = check_pairs(&purchases, &sales);
        assert_eq!(checks.len(), 2);
        assert_eq!(checks[0].provider, "SN");
        assert_eq!(checks[0].difference, Amount::from_kr(-5).unwrap());
        assert_eq!(checks[1].difference, Amount::from_kr(1_000).unwrap());
        let names = |c: &str| c.to_string();
        let t = checks[1].text(&names, Unit::Tkr, 0);
        assert!(
            t.contains("men VON redovisar") && t.contains("differens 1 tkr"),
            "{t}"
        );
        assert_eq!(Basis::parse("Belagt dygn"), Some(Basis::PerOccupiedDay));
    }
}
