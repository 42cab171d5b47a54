//! [`Series`]: amounts per period, added element-wise.

use delar_core::Amount;
use serde::Serialize;

/// Amounts per period (a month, or a column such as outcome to date, budget, forecast), added
/// element-wise. All series in one consolidation have the same length.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Series(pub Vec<Amount>);

impl Series {
    /// `n` periods of zero.
    pub fn zero(n: usize) -> Series {
        Series(vec![Amount::ZERO; n])
    }

    /// A series of one period.
    pub fn one(a: Amount) -> Series {
        Series(vec![a])
    }

    /// Number of periods.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no periods.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sum over the periods.
    pub fn total(&self) -> Amount {
        self.0.iter().copied().sum()
    }

    /// True when every period is zero.
    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|a| a.is_zero())
    }

    /// Add `other` period by period (a shorter `other` adds to the first periods).
    pub fn add(&mut self, other: &Series) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), Amount::ZERO);
        }
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a += *b;
        }
    }

    /// Subtract `other` period by period.
    pub fn sub(&mut self, other: &Series) {
        self.add(&other.negated());
    }

    /// This series plus `other`.
    pub fn plus(&self, other: &Series) -> Series {
        let mut s = self.clone();
        s.add(other);
        s
    }

    /// This series minus `other`.
    pub fn minus(&self, other: &Series) -> Series {
        let mut s = self.clone();
        s.sub(other);
        s
    }

    /// Every period negated.
    pub fn negated(&self) -> Series {
        Series(self.0.iter().map(|a| -*a).collect())
    }

    /// Each period through `f`.
    pub fn map(&self, f: impl Fn(Amount) -> Amount) -> Series {
        Series(self.0.iter().map(|a| f(*a)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[i64]) -> Series {
        Series(v.iter().map(|&o| Amount::from_ore(o)).collect())
    }

    #[test]
    fn element_wise() {
        let a = s(&[1, 2, 3]);
        let b = s(&[10, 20, 30]);
        assert_eq!(a.plus(&b), s(&[11, 22, 33]));
        assert_eq!(b.minus(&a), s(&[9, 18, 27]));
        assert_eq!(a.negated().total(), Amount::from_ore(-6));
        let mut z = Series::zero(0);
        z.add(&a);
        assert_eq!(z, a);
        assert!(Series::zero(3).is_zero() && !a.is_zero());
        assert_eq!(a.map(|x| x.max(Amount::from_ore(2))), s(&[2, 2, 3]));
    }
}
