//! Budget lines from the budget template: monthly amounts per account and object, grouped in
//! versions (budget decisions) that add up.
//!
//! The budget in force at a date is the SIE file's #PBUDGET (when any) plus every version
//! decided on or before that date: a supplementary budget (tilläggsbudget) holds only the
//! changes.

use crate::money::Amount;
use crate::period::{Date, YearMonth};
use serde::{Deserialize, Serialize};

/// The period of a budget line: a month, or a whole year that delar periodises (spreads over
/// the months) when the budget is read, by the line's profile ([`Periodisation`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum BudgetPeriod {
    /// One month.
    Month(YearMonth),
    /// The whole financial year named by its label year (an annual amount).
    Year(i32),
}

impl BudgetPeriod {
    /// The stored integer: `YYYYMM` for a month, `YYYY00` for a year.
    pub fn as_int(self) -> i32 {
        match self {
            BudgetPeriod::Month(m) => m.as_int(),
            BudgetPeriod::Year(y) => y * 100,
        }
    }

    /// From the stored integer (`YYYY00` is a year).
    pub fn from_int(v: i32) -> Option<BudgetPeriod> {
        if v % 100 == 0 {
            Some(BudgetPeriod::Year(v / 100))
        } else {
            YearMonth::from_int(v).ok().map(BudgetPeriod::Month)
        }
    }

    /// The month, for a monthly line.
    pub fn month(self) -> Option<YearMonth> {
        match self {
            BudgetPeriod::Month(m) => Some(m),
            BudgetPeriod::Year(_) => None,
        }
    }

    /// The label year.
    pub fn year(self) -> i32 {
        match self {
            BudgetPeriod::Month(m) => m.year(),
            BudgetPeriod::Year(y) => y,
        }
    }
}

impl std::fmt::Display for BudgetPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BudgetPeriod::Month(m) => write!(f, "{m}"),
            BudgetPeriod::Year(y) => write!(f, "{y}"),
        }
    }
}

/// How an annual budget amount is spread over the months.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Periodisation {
    /// Like last year's outcome of the same ansvar and account (the default); evenly when
    /// last year gives no usable profile.
    #[default]
    #[serde(rename = "foregaende_ar")]
    LastYear,
    /// Evenly over the months.
    #[serde(rename = "jamn")]
    Even,
}

impl Periodisation {
    /// The code in the account-group file (`foregaende_ar`, `jamn`).
    pub fn code(self) -> &'static str {
        match self {
            Periodisation::LastYear => "foregaende_ar",
            Periodisation::Even => "jamn",
        }
    }
}

/// How one annual amount was spread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Spread {
    /// By last year's outcome profile.
    LastYear,
    /// Evenly (asked for, or last year gave no usable profile).
    Even,
}

impl Spread {
    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            Spread::LastYear => "efter fjolårets utfall",
            Spread::Even => "jämnt",
        }
    }
}

/// Spread `annual` over `months` months, exactly to the öre (the parts add up to `annual`).
/// With [`Periodisation::LastYear`] and a usable `last_year` (the same number of months, a
/// total of at least 1 kr, and every month of the same sign as the total or zero), each month
/// gets its share of last year's total; otherwise the months get equal parts. Rounding
/// remainders go, one öre each, to the months with the largest remainders.
pub fn periodise(
    annual: Amount,
    months: usize,
    how: Periodisation,
    last_year: Option<&[Amount]>,
) -> (Vec<Amount>, Spread) {
    if months == 0 {
        return (Vec::new(), Spread::Even);
    }
    let profile: Option<&[Amount]> = match how {
        Periodisation::Even => None,
        Periodisation::LastYear => last_year.filter(|p| {
            let total: i128 = p.iter().map(|a| a.ore() as i128).sum();
            p.len() == months
                && total.abs() >= 100
                && p.iter()
                    .all(|a| a.ore() == 0 || (a.ore() > 0) == (total > 0))
        }),
    };
    let weights: Vec<i128> = match profile {
        Some(p) => p.iter().map(|a| (a.ore() as i128).abs()).collect(),
        None => vec![1; months],
    };
    let total_w: i128 = weights.iter().sum();
    let a = annual.ore() as i128;
    let sign = if a < 0 { -1 } else { 1 };
    let abs = a.abs();
    let mut parts: Vec<i128> = weights.iter().map(|w| abs * w / total_w).collect();
    let rest = abs - parts.iter().sum::<i128>();
    let mut order: Vec<usize> = (0..months).collect();
    // Largest remainder first; ties to the earlier month.
    order.sort_by_key(|&i| (std::cmp::Reverse(abs * weights[i] % total_w), i));
    for &i in order.iter().take(rest as usize) {
        parts[i] += 1;
    }
    (
        parts
            .into_iter()
            .map(|p| Amount::from_ore((p * sign) as i64))
            .collect(),
        if profile.is_some() {
            Spread::LastYear
        } else {
            Spread::Even
        },
    )
}

/// One monthly budget line (a row of `budget.csv`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetLine {
    /// The budget decision, e.g. `Budget 2025` or `Tilläggsbudget 1`.
    pub version: String,
    /// The decision date; the same on every line of a version.
    pub decided: Date,
    /// The month, or the whole year (`månad` = `2025`: periodised when read).
    pub period: BudgetPeriod,
    /// Account number (digits), e.g. `4610`.
    pub account: String,
    /// Organisation code (ansvar object, dimension 1).
    pub responsible: String,
    /// SCB activity code (verksamhet object, dimension 2), when given.
    pub activity: Option<String>,
    /// Amount in the ledger's sign: costs positive, revenues negative.
    pub amount: Amount,
    /// Free comment (kommentar), when given.
    pub comment: Option<String>,
}

/// True when a version decided on `decided` is in force at `as_of`.
pub fn in_force(decided: Date, as_of: Date) -> bool {
    decided <= as_of
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kr(x: i64) -> Amount {
        Amount::from_kr(x).unwrap()
    }

    #[test]
    fn even_and_by_last_year() {
        let (p, s) = periodise(kr(120), 12, Periodisation::LastYear, None);
        assert_eq!(s, Spread::Even);
        assert!(p.iter().all(|a| *a == kr(10)));
        // Last year: July twice the other months (holiday pay).
        let mut last = vec![kr(100); 12];
        last[6] = kr(200);
        let (p, s) = periodise(kr(1300), 12, Periodisation::LastYear, Some(&last));
        assert_eq!(s, Spread::LastYear);
        assert_eq!(p[6], kr(200));
        assert_eq!(p[0], kr(100));
        // Asked to spread evenly: last year is not used.
        let (_, s) = periodise(kr(1300), 12, Periodisation::Even, Some(&last));
        assert_eq!(s, Spread::Even);
        // A revenue budget spread by last year's revenue profile.
        let neg: Vec<Amount> = last.iter().map(|a| -*a).collect();
        let (p, s) = periodise(-kr(1300), 12, Periodisation::LastYear, Some(&neg));
        assert_eq!(s, Spread::LastYear);
        assert_eq!(p[6], -kr(200));
        // Mixed signs or nothing last year: evenly.
        let mut mixed = last.clone();
        mixed[3] = -kr(5);
        assert_eq!(
            periodise(kr(12), 12, Periodisation::LastYear, Some(&mixed)).1,
            Spread::Even
        );
        assert_eq!(
            periodise(
                kr(12),
                12,
                Periodisation::LastYear,
                Some(&[Amount::ZERO; 12])
            )
            .1,
            Spread::Even
        );
    }

    #[test]
    fn budget_period_round_trips() {
        let y = BudgetPeriod::Year(2025);
        assert_eq!(y.as_int(), 202500);
        assert_eq!(BudgetPeriod::from_int(202500), Some(y));
        let m = BudgetPeriod::Month(YearMonth::new(2025, 3).unwrap());
        assert_eq!(BudgetPeriod::from_int(m.as_int()), Some(m));
        assert_eq!(y.to_string(), "2025");
    }

    proptest! {
        /// The parts add up to the annual amount to the öre, and no part differs from its exact
        /// share by an öre or more.
        #[test]
        fn parts_add_up_exactly(
            ore in -10_000_000_000i64..10_000_000_000,
            profile in proptest::collection::vec(0i64..500_000_000, 12),
            even in any::<bool>(),
        ) {
            let last: Vec<Amount> = profile.iter().map(|x| Amount::from_ore(*x)).collect();
            let how = if even { Periodisation::Even } else { Periodisation::LastYear };
            let (parts, spread) = periodise(Amount::from_ore(ore), 12, how, Some(&last));
            prop_assert_eq!(parts.len(), 12);
            prop_assert_eq!(parts.iter().copied().sum::<Amount>(), Amount::from_ore(ore));
            let total: f64 = profile.iter().map(|x| *x as f64).sum();
            for (i, p) in parts.iter().enumerate() {
                let w = if spread == Spread::Even || total == 0.0 {
                    1.0 / 12.0
                } else {
                    profile[i] as f64 / total
                };
                prop_assert!((p.ore() as f64 - ore as f64 * w).abs() < 1.0 + 1e-6 * ore.abs() as f64);
            }
        }
    }
}
