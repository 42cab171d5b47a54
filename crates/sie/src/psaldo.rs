//! #PSALDO records of the current year held compactly for the comparison with transactions:
//! accounts and object sets get small ids, and each (account, object set, month) is one
//! 40-byte entry with the #PSALDO amount and the transactions' sum side by side.

use crate::intern::{FxHashMap, ObjectSet};
use crate::model::ObjectRef;
use delar_core::{Amount, YearMonth};

/// Most (account, object set, month) keys compared; past it the rest are counted only. Just
/// under 7/8 of 2^20, so the table never grows past 2^20 buckets (about 43 MB).
pub const MAX_PSALDO_KEYS: usize = 900_000;

/// Most object sets that get an id (sets on #PSALDO records, one or two objects).
const MAX_SETS: usize = 1 << 20;

/// Most transaction object sets whose #PSALDO subsets are remembered.
const MAX_CACHED: usize = 1 << 16;

/// Account, object set (0 = the account's total) and month.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub account: u32,
    pub set: u32,
    pub month: YearMonth,
}

/// One #PSALDO and the transactions counted against it.
#[derive(Clone, Copy)]
pub struct Entry {
    pub psaldo: Amount,
    pub trans: Amount,
    pub line: u64,
}

/// The #PSALDO records of year 0 with ids for their accounts and object sets.
#[derive(Default)]
pub struct PsaldoIndex {
    account_ids: FxHashMap<Box<str>, u32>,
    /// Per account id: the account, whether it has a #PSALDO on objects, and whether it has
    /// one for its total.
    accounts: Vec<(Box<str>, bool, bool)>,
    /// Some account has a #PSALDO for its total.
    any_total: bool,
    set_ids: FxHashMap<Box<[ObjectRef]>, u32>,
    sets: Vec<Box<[ObjectRef]>>,
    entries: FxHashMap<Key, Entry>,
    /// Per transaction object set: the ids of its subsets that some #PSALDO uses.
    subsets: FxHashMap<ObjectSet, Box<[u32]>>,
    /// Bumped when an account gets its first object-level #PSALDO.
    generation: u32,
    /// Keys not kept because of [`MAX_PSALDO_KEYS`].
    pub dropped: u64,
    /// Object-level keys first seen after transactions on their account were counted: their
    /// transaction sums are incomplete, so they are not compared.
    late: crate::intern::FxHashSet<Key>,
    /// A lower cap than [`MAX_PSALDO_KEYS`], for tests.
    cap: Option<usize>,
}

impl PsaldoIndex {
    /// True when no #PSALDO has been recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Changes whenever [`PsaldoIndex::object_account`] may answer differently.
    pub fn generation(&self) -> u32 {
        self.generation
    }

    fn account_id(&mut self, account: &str) -> u32 {
        if let Some(&id) = self.account_ids.get(account) {
            return id;
        }
        let id = self.accounts.len() as u32;
        self.accounts.push((account.into(), false, false));
        self.account_ids.insert(account.into(), id);
        id
    }

    /// Record a #PSALDO (year 0, result account); `objects` in any order. `after_vouchers`:
    /// transactions have already been read, so a new object-level key cannot be compared
    /// (false is returned for such a key).
    pub fn add(
        &mut self,
        account: &str,
        month: YearMonth,
        objects: &[ObjectRef],
        amount: Amount,
        line: u64,
        after_vouchers: bool,
    ) -> bool {
        let mut objects = objects.to_vec();
        objects.sort();
        objects.dedup();
        let set = if objects.is_empty() {
            0
        } else {
            match self.set_ids.get(objects.as_slice()) {
                Some(&id) => id,
                None if self.sets.len() < MAX_SETS => {
                    let id = self.sets.len() as u32 + 1;
                    self.sets.push(objects.clone().into_boxed_slice());
                    self.set_ids.insert(objects.into_boxed_slice(), id);
                    self.subsets.clear();
                    id
                }
                None => {
                    self.dropped += 1;
                    return true;
                }
            }
        };
        let key_known = self
            .account_ids
            .get(account)
            .map(|&a| {
                self.entries.contains_key(&Key {
                    account: a,
                    set,
                    month,
                })
            })
            .unwrap_or(false);
        if !key_known && self.entries.len() >= self.cap.unwrap_or(MAX_PSALDO_KEYS) {
            self.dropped += 1;
            return true;
        }
        let a = self.account_id(account);
        if set != 0 && !self.accounts[a as usize].1 {
            self.accounts[a as usize].1 = true;
            self.generation = self.generation.wrapping_add(1);
        }
        if set == 0 {
            self.accounts[a as usize].2 = true;
            self.any_total = true;
        }
        let key = Key {
            account: a,
            set,
            month,
        };
        let e = self.entries.entry(key).or_insert(Entry {
            psaldo: Amount::ZERO,
            trans: Amount::ZERO,
            line,
        });
        e.psaldo = e.psaldo.checked_add(amount).unwrap_or(e.psaldo);
        if set != 0 && after_vouchers && !key_known {
            self.late.insert(key);
        }
        !self.late.contains(&key)
    }

    /// The id of `account` when it has a #PSALDO on objects.
    pub fn object_account(&self, account: &str) -> Option<u32> {
        let &id = self.account_ids.get(account)?;
        self.accounts[id as usize].1.then_some(id)
    }

    /// Add a transaction line on an object account (from [`PsaldoIndex::object_account`])
    /// to every #PSALDO on one or two of its objects for that month.
    pub fn add_transaction(
        &mut self,
        account: u32,
        month: YearMonth,
        objects: &ObjectSet,
        amount: Amount,
    ) {
        if !self.subsets.contains_key(objects) {
            if self.subsets.len() >= MAX_CACHED {
                self.subsets.clear();
            }
            let ids = self.subset_ids(objects);
            self.subsets.insert(objects.clone(), ids);
        }
        let ids = &self.subsets[objects];
        for &set in ids.iter() {
            if let Some(e) = self.entries.get_mut(&Key {
                account,
                set,
                month,
            }) {
                e.trans = e.trans.checked_add(amount).unwrap_or(e.trans);
            }
        }
    }

    /// Ids of the subsets of one or two objects of `objects` (pairs only when there are at
    /// most four objects) that some #PSALDO uses.
    fn subset_ids(&self, objects: &[ObjectRef]) -> Box<[u32]> {
        let mut ids = Vec::new();
        let mut look = |s: &[ObjectRef]| {
            if let Some(&id) = self.set_ids.get(s) {
                ids.push(id);
            }
        };
        for o in objects {
            look(std::slice::from_ref(o));
        }
        if objects.len() <= 4 {
            for a in 0..objects.len() {
                for b in a + 1..objects.len() {
                    look(&[objects[a].clone(), objects[b].clone()]);
                }
            }
        }
        ids.into_boxed_slice()
    }

    /// True when some account has a #PSALDO for its total (not only on objects).
    pub fn any_total(&self) -> bool {
        self.any_total
    }

    /// Whether a month of the account without a #PSALDO for its total is a mismatch: true
    /// unless the account's #PSALDO are all on objects (then only those are compared).
    pub fn compares_totals(&self, account: &str) -> bool {
        match self.account_ids.get(account) {
            Some(&id) => {
                let (_, objects, total) = &self.accounts[id as usize];
                *total || !*objects
            }
            None => true,
        }
    }

    /// Whether the account's total for `month` has a #PSALDO.
    pub fn has_total(&self, account: &str, month: YearMonth) -> bool {
        self.account_ids.get(account).is_some_and(|&a| {
            self.entries.contains_key(&Key {
                account: a,
                set: 0,
                month,
            })
        })
    }

    /// Every entry that can be compared, with its account and objects.
    pub fn iter(&self) -> impl Iterator<Item = (&str, YearMonth, &[ObjectRef], &Entry)> {
        self.entries
            .iter()
            .filter(|(k, _)| !self.late.contains(k))
            .map(|(k, e)| {
                let objs: &[ObjectRef] = if k.set == 0 {
                    &[]
                } else {
                    &self.sets[k.set as usize - 1]
                };
                (&*self.accounts[k.account as usize].0, k.month, objs, e)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(dim: u32, code: &str) -> ObjectRef {
        ObjectRef {
            dim,
            code: code.into(),
        }
    }

    #[test]
    fn entries_are_capped_and_subsets_found_in_any_order() {
        let m = YearMonth::new(2025, 1).unwrap();
        let mut ix = PsaldoIndex {
            cap: Some(3),
            ..PsaldoIndex::default()
        };
        let a = Amount::from_ore(100);
        assert!(ix.add("4610", m, &[], a, 1, false));
        assert!(ix.add("4610", m, &[obj(2, "569"), obj(1, "10")], a, 2, false));
        assert!(ix.add("4610", m, &[obj(1, "10")], a, 3, false));
        // A fourth key is dropped; a repeated one still adds up.
        ix.add("4620", m, &[], a, 4, false);
        assert_eq!(ix.dropped, 1);
        ix.add("4610", m, &[obj(1, "10")], a, 5, false);
        assert_eq!(ix.dropped, 1);
        let id = ix.object_account("4610").expect("object account");
        assert!(ix.object_account("4620").is_none());
        let set = ObjectSet::new(vec![obj(1, "10"), obj(2, "569"), obj(6, "P1")]);
        ix.add_transaction(id, m, &set, Amount::from_ore(40));
        let mut got: Vec<(String, i64, i64)> = ix
            .iter()
            .filter(|(_, _, o, _)| !o.is_empty())
            .map(|(_, _, o, e)| {
                let o: Vec<String> = o.iter().map(|o| format!("{}:{}", o.dim, o.code)).collect();
                (o.join(","), e.psaldo.ore(), e.trans.ore())
            })
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![("1:10".into(), 200, 40), ("1:10,2:569".into(), 100, 40)]
        );
        assert!(ix.has_total("4610", m));
        assert!(!ix.has_total("4620", m));
    }
}
