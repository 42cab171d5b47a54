//! The stored monthly sums placed on ansvar codes, so that the ledger's total and the sum over
//! ansvar are the same figure.
//!
//! Outcome from transactions is placed on the line's ansvar object (dimension 1), or on
//! [`NO_OBJECT`] when the line has none.
//!
//! Period balances (#PSALDO) and period budgets (#PBUDGET) may come at several levels at once:
//! the account's total (`{}`), per ansvar (`{1 "SN41"}`), per ansvar and another dimension
//! (`{1 "SN41" 6 "P1"}`), per other dimensions only. Counting every level would count amounts
//! twice, so per account × month × kind:
//! - the amounts per ansvar come from the level with an ansvar and the fewest other dimensions
//!   (summed over the other dimensions);
//! - the account's total is the account level when the file has one, else the sum of that ansvar
//!   level, else the sum of the level with the fewest dimensions;
//! - what the total holds beyond the ansvar amounts is placed on [`NO_OBJECT`].

use delar_core::placement::NO_OBJECT;
use std::collections::HashMap;

/// What the store knows of an object set: its dimensions (sorted) and its ansvar code.
#[derive(Clone, Debug, Default)]
pub(crate) struct SetShape {
    /// The dimensions of the set's objects, sorted (empty for the empty set).
    pub dims: Vec<u32>,
    /// The dimension-1 object's code, when the set has one.
    pub ansvar: Option<String>,
}

/// (account, budget, period): one account's sums of one kind in one month.
type MonthKey = (i64, bool, i32);

/// One stored monthly sum.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawSum {
    pub account: i64,
    pub budget: bool,
    pub period: i32,
    pub set: i64,
    /// Outcome summed from transaction lines (not a #PSALDO or #PBUDGET).
    pub trans: bool,
    pub amount: i64,
}

/// One sum placed on an ansvar code ([`NO_OBJECT`] for none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Placed<'a> {
    pub account: i64,
    pub budget: bool,
    pub period: i32,
    pub ansvar: &'a str,
    pub amount: i64,
}

/// Place every sum on an ansvar code, following the module's rules. Sets not in `shapes` are
/// the empty set.
pub(crate) fn place<'a>(
    sums: impl IntoIterator<Item = RawSum>,
    shapes: &'a HashMap<i64, SetShape>,
) -> Vec<Placed<'a>> {
    static EMPTY: SetShape = SetShape {
        dims: Vec::new(),
        ansvar: None,
    };
    let shape = |set: i64| shapes.get(&set).unwrap_or(&EMPTY);
    let mut out = Vec::new();
    // (account, budget, period) → [(shape, amount)] of period balances and budgets.
    let mut levels: HashMap<MonthKey, Vec<(&'a SetShape, i64)>> = HashMap::new();
    for s in sums {
        let sh = shape(s.set);
        if s.trans {
            out.push(Placed {
                account: s.account,
                budget: s.budget,
                period: s.period,
                ansvar: sh.ansvar.as_deref().unwrap_or(NO_OBJECT),
                amount: s.amount,
            });
        } else {
            levels
                .entry((s.account, s.budget, s.period))
                .or_default()
                .push((sh, s.amount));
        }
    }
    let mut keys: Vec<MonthKey> = levels.keys().copied().collect();
    keys.sort_unstable();
    for key in keys {
        let entries = &levels[&key];
        let (account, budget, period) = key;
        // The ansvar level with the fewest dimensions (ties: the smallest list of dims).
        let ansvar_level = entries
            .iter()
            .filter(|(sh, _)| sh.ansvar.is_some())
            .map(|(sh, _)| &sh.dims)
            .min_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        let mut per: Vec<(&'a str, i64)> = Vec::new();
        if let Some(level) = ansvar_level {
            for (sh, amount) in entries.iter().filter(|(sh, _)| &sh.dims == level) {
                let code = sh.ansvar.as_deref().unwrap_or(NO_OBJECT);
                match per.iter_mut().find(|(c, _)| *c == code) {
                    Some(p) => p.1 += amount,
                    None => per.push((code, *amount)),
                }
            }
        }
        let assigned: i64 = per.iter().map(|(_, a)| a).sum();
        let account_level: Option<i64> = entries
            .iter()
            .filter(|(sh, _)| sh.dims.is_empty())
            .map(|(_, a)| *a)
            .reduce(|a, b| a + b);
        let total = match (account_level, ansvar_level) {
            (Some(t), _) => t,
            (None, Some(_)) => assigned,
            (None, None) => {
                let level = entries
                    .iter()
                    .map(|(sh, _)| &sh.dims)
                    .min_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
                entries
                    .iter()
                    .filter(|(sh, _)| Some(&sh.dims) == level)
                    .map(|(_, a)| *a)
                    .sum()
            }
        };
        per.sort_unstable();
        for (code, amount) in per {
            out.push(Placed {
                account,
                budget,
                period,
                ansvar: code,
                amount,
            });
        }
        if total != assigned {
            out.push(Placed {
                account,
                budget,
                period,
                ansvar: NO_OBJECT,
                amount: total - assigned,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn shapes() -> HashMap<i64, SetShape> {
        let mut m = HashMap::new();
        let s = |dims: &[u32], a: Option<&str>| SetShape {
            dims: dims.to_vec(),
            ansvar: a.map(str::to_string),
        };
        m.insert(1, s(&[1], Some("A")));
        m.insert(2, s(&[1], Some("B")));
        m.insert(3, s(&[1, 6], Some("A")));
        m.insert(4, s(&[1, 6], Some("B")));
        m.insert(5, s(&[6], None));
        m.insert(6, s(&[6], None));
        m
    }

    fn raw(set: i64, trans: bool, amount: i64) -> RawSum {
        RawSum {
            account: 10,
            budget: !trans,
            period: 202501,
            set,
            trans,
            amount,
        }
    }

    fn placed(v: &[Placed<'_>]) -> Vec<(String, i64)> {
        let mut out: Vec<(String, i64)> =
            v.iter().map(|p| (p.ansvar.to_string(), p.amount)).collect();
        out.sort();
        out
    }

    #[test]
    fn transactions_go_to_their_ansvar_or_to_none() {
        let sh = shapes();
        let out = place([raw(1, true, 100), raw(0, true, 7), raw(5, true, 3)], &sh);
        assert_eq!(
            placed(&out),
            vec![("".into(), 3), ("".into(), 7), ("A".into(), 100)]
        );
    }

    #[test]
    fn budget_per_ansvar_only_is_the_total() {
        // The case of `delar ledger` showing 0: #PBUDGET only per unit.
        let sh = shapes();
        let out = place([raw(1, false, 300), raw(2, false, 200)], &sh);
        assert_eq!(placed(&out), vec![("A".into(), 300), ("B".into(), 200)]);
    }

    #[test]
    fn account_level_beyond_the_ansvar_level_is_unassigned() {
        let sh = shapes();
        let out = place(
            [
                raw(0, false, 1000),
                raw(1, false, 300),
                raw(2, false, 200),
                // A finer level is not counted again.
                raw(3, false, 300),
            ],
            &sh,
        );
        assert_eq!(
            placed(&out),
            vec![("".into(), 500), ("A".into(), 300), ("B".into(), 200)]
        );
    }

    #[test]
    fn the_finer_ansvar_level_is_used_when_it_is_the_only_one() {
        let sh = shapes();
        let out = place(
            [raw(3, false, 30), raw(4, false, 20), raw(5, false, 50)],
            &sh,
        );
        assert_eq!(placed(&out), vec![("A".into(), 30), ("B".into(), 20)]);
    }

    #[test]
    fn other_dimensions_only_are_unassigned_once() {
        let sh = shapes();
        let out = place([raw(5, false, 30), raw(6, false, 20)], &sh);
        assert_eq!(placed(&out), vec![("".into(), 50)]);
    }

    proptest! {
        /// Whatever levels a file gives, the placed sums add up to the total the rules name:
        /// the account level when present, else the coarsest ansvar level, else the coarsest
        /// level; transactions are all kept.
        #[test]
        fn placed_sums_add_up_to_the_total(
            trans in proptest::collection::vec((0i64..7, -1_000_000i64..1_000_000), 0..8),
            levels in proptest::collection::vec((0i64..7, -1_000_000i64..1_000_000), 0..12),
        ) {
            let sh = shapes();
            let mut sums: Vec<RawSum> = trans.iter().map(|&(s, a)| raw(s, true, a)).collect();
            sums.extend(levels.iter().map(|&(s, a)| raw(s, false, a)));
            let out = place(sums, &sh);
            let t_in: i64 = trans.iter().map(|(_, a)| a).sum();
            let t_out: i64 = out.iter().filter(|p| !p.budget).map(|p| p.amount).sum();
            prop_assert_eq!(t_in, t_out);
            let dims = |s: i64| sh.get(&s).map(|x| x.dims.clone()).unwrap_or_default();
            let sum_where = |f: &dyn Fn(i64) -> bool| -> i64 {
                levels.iter().filter(|(s, _)| f(*s)).map(|(_, a)| a).sum()
            };
            let has = |f: &dyn Fn(i64) -> bool| levels.iter().any(|(s, _)| f(*s));
            let expected = if has(&|s| dims(s).is_empty()) {
                sum_where(&|s| dims(s).is_empty())
            } else if has(&|s| dims(s) == vec![1]) {
                sum_where(&|s| dims(s) == vec![1])
            } else if has(&|s| dims(s) == vec![1, 6]) {
                sum_where(&|s| dims(s) == vec![1, 6])
            } else {
                sum_where(&|s| dims(s) == vec![6])
            };
            let b_out: i64 = out.iter().filter(|p| p.budget).map(|p| p.amount).sum();
            prop_assert_eq!(expected, b_out);
        }
    }
}
