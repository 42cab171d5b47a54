//! Canonical object sets: the key that identifies a set of (dimension, object) pairs.

use delar_sie::ObjectRef;

/// The canonical members of a set: sorted by dimension then code, exact duplicates removed.
pub(crate) fn canonical(objects: &[ObjectRef]) -> Vec<ObjectRef> {
    let mut v = objects.to_vec();
    v.sort();
    v.dedup();
    v
}

/// The key of a canonical set: `dim=code` pairs joined by `;`, with `\`, `;` and `=` in codes
/// escaped by `\`. The empty set has the empty key.
pub(crate) fn key(canonical: &[ObjectRef]) -> String {
    let mut s = String::new();
    for (i, o) in canonical.iter().enumerate() {
        if i > 0 {
            s.push(';');
        }
        s.push_str(&o.dim.to_string());
        s.push('=');
        for c in o.code.chars() {
            if matches!(c, '\\' | ';' | '=') {
                s.push('\\');
            }
            s.push(c);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(dim: u32, code: &str) -> ObjectRef {
        ObjectRef {
            dim,
            code: code.into(),
        }
    }

    #[test]
    fn keys_are_canonical() {
        assert_eq!(key(&canonical(&[])), "");
        assert_eq!(key(&canonical(&[r(6, "P10"), r(1, "100")])), "1=100;6=P10");
        assert_eq!(key(&canonical(&[r(1, "100"), r(1, "100")])), "1=100");
        assert_eq!(key(&canonical(&[r(1, "a;b=c\\")])), "1=a\\;b\\=c\\\\");
        assert_ne!(key(&[r(1, "a;2=b")]), key(&[r(1, "a"), r(2, "b")]));
    }
}
