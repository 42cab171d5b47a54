//! Shared strings for the values that repeat on millions of transaction lines (account
//! numbers, object lists, texts), so the reader allocates them once, not once per line.

use crate::model::ObjectRef;
use serde::{Serialize, Serializer};
use std::borrow::Borrow;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// An immutable, cheaply cloned string (an account number, an object code, a text).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(Arc<str>);

impl Code {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Code {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Code {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Code {
    fn from(s: &str) -> Code {
        Code(Arc::from(s))
    }
}

impl From<String> for Code {
    fn from(s: String) -> Code {
        Code(Arc::from(s))
    }
}

impl From<Code> for String {
    fn from(c: Code) -> String {
        c.0.to_string()
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Code {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// The objects a transaction is booked on: sorted by dimension, without duplicates, shared.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ObjectSet(Arc<[ObjectRef]>);

impl ObjectSet {
    /// An object set from references in any order (sorted and deduplicated here).
    pub fn new(mut objects: Vec<ObjectRef>) -> ObjectSet {
        objects.sort();
        objects.dedup();
        ObjectSet(Arc::from(objects))
    }

    /// The empty set.
    pub fn empty() -> ObjectSet {
        ObjectSet::default()
    }
}

impl Deref for ObjectSet {
    type Target = [ObjectRef];
    fn deref(&self) -> &[ObjectRef] {
        &self.0
    }
}

impl From<Vec<ObjectRef>> for ObjectSet {
    fn from(v: Vec<ObjectRef>) -> ObjectSet {
        ObjectSet::new(v)
    }
}

impl fmt::Debug for ObjectSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

impl Serialize for ObjectSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.as_ref().serialize(s)
    }
}

/// FxHash (as in rustc): fast for short keys; the keys here come from one file, so no
/// protection against crafted collisions is needed beyond the size cap.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            self.add(tail_word(rest));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_i32(&mut self, i: i32) {
        self.add(i as u32 as u64);
    }
    #[inline]
    fn write_i64(&mut self, i: i64) {
        self.add(i as u64);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// The 1–7 bytes of `rest` as one word, without a variable-length copy (a library call
/// on the hot path): overlapping fixed-size reads, as fast hashes do.
#[inline]
fn tail_word(rest: &[u8]) -> u64 {
    let n = rest.len();
    debug_assert!((1..8).contains(&n));
    if n >= 4 {
        let lo = u32::from_le_bytes(rest[..4].try_into().expect("4 bytes")) as u64;
        let hi = u32::from_le_bytes(rest[n - 4..].try_into().expect("4 bytes")) as u64;
        lo | (hi << 32)
    } else {
        rest[0] as u64 | (rest[n / 2] as u64) << 8 | (rest[n - 1] as u64) << 16
    }
}

/// A `HashMap` with [`FxHasher`].
pub type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A `HashSet` with [`FxHasher`].
pub type FxHashSet<K> = std::collections::HashSet<K, BuildHasherDefault<FxHasher>>;

/// Most distinct values one interner keeps; beyond that, values are allocated per line, so
/// memory stays bounded whatever the file holds.
pub const MAX_INTERNED: usize = 1 << 16;

/// FxHash of a byte string, one 8-byte word at a time.
#[inline]
fn fx_bytes(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(bytes);
    h.add(bytes.len() as u64);
    h.hash
}

/// Byte-string equality without a library call: the keys are short (account numbers,
/// object lists, texts).
#[inline]
fn eq_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        if x != y {
            return false;
        }
    }
    ca.remainder()
        .iter()
        .zip(cb.remainder())
        .all(|(x, y)| x == y)
}

struct Slot<T> {
    hash: u64,
    key: Box<[u8]>,
    value: T,
}

/// Maps the raw bytes of a field to its shared value, up to [`MAX_INTERNED`] entries: an
/// open-addressing table with linear probing, tuned for short keys looked up millions of
/// times.
pub struct Interner<T: Clone> {
    slots: Vec<Option<Slot<T>>>,
    len: usize,
}

impl<T: Clone> Default for Interner<T> {
    fn default() -> Self {
        Interner {
            slots: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Clone> Interner<T> {
    /// The shared value for `raw`, made by `make` the first time (or every time once the
    /// interner is full). `make` may fail; failures are not remembered.
    #[inline]
    pub fn get_or<E>(&mut self, raw: &[u8], make: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        if let Some(v) = self.lookup(raw) {
            return Ok(v);
        }
        let v = make()?;
        self.insert(raw, v.clone());
        Ok(v)
    }

    /// The shared value for `raw`, if held.
    #[inline]
    pub fn lookup(&self, raw: &[u8]) -> Option<T> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let hash = fx_bytes(raw);
        let mut i = hash as usize & mask;
        loop {
            match &self.slots[i] {
                None => return None,
                Some(s) if s.hash == hash && eq_bytes(&s.key, raw) => return Some(s.value.clone()),
                Some(_) => i = (i + 1) & mask,
            }
        }
    }

    /// Remember `value` for `raw` (unless the interner is full or already holds `raw`).
    pub fn insert(&mut self, raw: &[u8], value: T) {
        if self.len >= MAX_INTERNED {
            return;
        }
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let hash = fx_bytes(raw);
        let mut i = hash as usize & mask;
        loop {
            match &self.slots[i] {
                None => break,
                Some(s) if s.hash == hash && eq_bytes(&s.key, raw) => return,
                Some(_) => i = (i + 1) & mask,
            }
        }
        self.slots[i] = Some(Slot {
            hash,
            key: raw.into(),
            value,
        });
        self.len += 1;
    }

    fn grow(&mut self) {
        let cap = (self.slots.len() * 2).max(64);
        let old = std::mem::replace(&mut self.slots, (0..cap).map(|_| None).collect());
        let mask = cap - 1;
        for s in old.into_iter().flatten() {
            let mut i = s.hash as usize & mask;
            while self.slots[i].is_some() {
                i = (i + 1) & mask;
            }
            self.slots[i] = Some(s);
        }
    }

    /// Number of values held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interner_shares_and_stays_bounded() {
        let mut i: Interner<Code> = Interner::default();
        for n in 0..(MAX_INTERNED + 10) {
            let k = format!("konto-{n}");
            let a: Result<Code, ()> = i.get_or(k.as_bytes(), || Ok(Code::from(k.as_str())));
            assert_eq!(a.unwrap(), k.as_str());
        }
        assert_eq!(i.len(), MAX_INTERNED);
        for n in [0, 1, 999, MAX_INTERNED - 1] {
            let k = format!("konto-{n}");
            assert_eq!(i.lookup(k.as_bytes()).unwrap(), k.as_str());
        }
        assert!(i
            .lookup(format!("konto-{}", MAX_INTERNED + 5).as_bytes())
            .is_none());
        let mut e: Interner<Code> = Interner::default();
        assert!(e.lookup(b"").is_none());
        e.insert(b"", Code::from(""));
        assert_eq!(e.lookup(b"").unwrap(), "");
        assert!(eq_bytes(b"0123456789abcdefX", b"0123456789abcdefX"));
        assert!(!eq_bytes(b"0123456789abcdefX", b"0123456789abcdefY"));
        assert!(!eq_bytes(b"01234567", b"01234568"));
    }
}
