//! Swedish number words for running text: counts from zero to twelve are written in words
//! ("sju riktade statsbidrag", "efter åtta månader"), larger counts in digits, as Swedish
//! style guides (Språkrådet, Myndigheternas skrivregler) recommend.

const WORDS: [&str; 13] = [
    "noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv",
];

/// A count as running text shows it: a word for 0–12 (`ett` for one of a neuter noun such as
/// *mål* or *statsbidrag*, `en` otherwise), digits with a thin space for thousands above.
pub fn count_text(n: u64, neuter: bool) -> String {
    match n {
        1 if neuter => "ett".into(),
        0..=12 => WORDS[n as usize].into(),
        _ => crate::money::format_scaled(n as i64, 0, crate::money::NBSP),
    }
}

/// The count a number word stands for (`sju` → 7, `ett` → 1), for checks that read the text.
pub fn word_value(word: &str) -> Option<u64> {
    let w = word.trim().to_lowercase();
    if w == "ett" {
        return Some(1);
    }
    WORDS.iter().position(|x| *x == w).map(|i| i as u64)
}

/// A name in lower case for the middle of a sentence, keeping abbreviations as written:
/// "Insatser enligt LSS" → "insatser enligt LSS", "Individ- och familjeomsorg (IFO)" →
/// "individ- och familjeomsorg (IFO)", "SoL-beslut" → "SoL-beslut". A word keeps its case
/// when it has more than one capital letter.
pub fn lower(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, word) in s.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let capitals = word.chars().filter(|c| c.is_uppercase()).count();
        if capitals > 1 {
            out.push_str(word);
        } else {
            out.push_str(&word.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_words_and_large_ones_digits() {
        assert_eq!(count_text(0, false), "noll");
        assert_eq!(count_text(1, false), "en");
        assert_eq!(count_text(1, true), "ett");
        assert_eq!(count_text(7, true), "sju");
        assert_eq!(count_text(12, false), "tolv");
        assert_eq!(count_text(13, false), "13");
        assert_eq!(count_text(1234, false), "1\u{a0}234");
        for n in 0..=12 {
            assert_eq!(word_value(&count_text(n, false)), Some(n));
            assert_eq!(word_value(&count_text(n, true)), Some(n));
        }
        assert_eq!(word_value("13"), None);
    }

    #[test]
    fn names_in_lower_case_keep_their_abbreviations() {
        assert_eq!(lower("Insatser enligt LSS"), "insatser enligt LSS");
        assert_eq!(
            lower("Boende enligt LSS och SoL"),
            "boende enligt LSS och SoL"
        );
        assert_eq!(
            lower("Individ- och familjeomsorg (IFO)"),
            "individ- och familjeomsorg (IFO)"
        );
        assert_eq!(lower("Köp av verksamhet"), "köp av verksamhet");
        assert_eq!(
            lower("Vård- och omsorgsnämnden"),
            "vård- och omsorgsnämnden"
        );
    }
}
