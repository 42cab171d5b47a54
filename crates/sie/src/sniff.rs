//! Recognising files that are not SIE text at all from their first bytes: an HTML page saved
//! as `.se`, an Excel workbook or ZIP archive renamed, a PDF, an SIE 5 (XML) file, a text saved
//! as UTF-16, or any other binary file. Such a file gets one error naming what it looks like
//! (and what to do) instead of a finding per line.

/// How many bytes of the file's start are looked at.
pub const SNIFF_BYTES: usize = 8192;

/// What the start of a file says it is, when it is not SIE text: a Swedish description (`en
/// HTML-sida`) and what to do. `None` when it may be SIE (plain text in any 8-bit encoding).
pub fn foreign_format(head: &[u8]) -> Option<(&'static str, &'static str)> {
    let head = &head[..head.len().min(SNIFF_BYTES)];
    const EXPORT: &str = "exportera SIE-filen (typ 4) från ekonomisystemet igen och välj den filen";
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        // Office Open XML and OpenDocument are ZIP archives; their part names show early.
        let has = |needle: &[u8]| memchr::memmem::find(head, needle).is_some();
        let what = if has(b"xl/") {
            "en Excel-arbetsbok (.xlsx) med annan filändelse"
        } else if has(b"word/") {
            "ett Word-dokument (.docx) med annan filändelse"
        } else if has(b"opendocument.spreadsheet") {
            "ett kalkylark (OpenDocument, .ods) med annan filändelse"
        } else {
            "ett ZIP-arkiv"
        };
        let todo = if what == "ett ZIP-arkiv" {
            "packa upp arkivet och välj SIE-filen i det"
        } else {
            EXPORT
        };
        return Some((what, todo));
    }
    if head.starts_with(b"%PDF-") {
        return Some(("en PDF-fil", EXPORT));
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some((
            "ett äldre Office-dokument (Excel .xls eller Word .doc) med annan filändelse",
            EXPORT,
        ));
    }
    if head.starts_with(&[0x1F, 0x8B]) {
        return Some((
            "en komprimerad fil (gzip)",
            "packa upp filen och välj SIE-filen i den",
        ));
    }
    if head.starts_with(b"\x89PNG")
        || head.starts_with(&[0xFF, 0xD8, 0xFF])
        || head.starts_with(b"GIF8")
    {
        return Some(("en bild", EXPORT));
    }
    if head.starts_with(&[0xFF, 0xFE])
        || head.starts_with(&[0xFE, 0xFF])
        || head.starts_with(b"#\0")
        || head.starts_with(b"\0#")
    {
        return Some((
            "en text sparad som UTF-16 (till exempel av Anteckningar med kodningen \"Unicode\")",
            "spara filen som ANSI eller UTF-8, eller exportera den igen från ekonomisystemet",
        ));
    }
    let text = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let text = &text[start..];
    if text.starts_with(b"{\\rtf") {
        return Some(("ett RTF-dokument (ordbehandlare)", EXPORT));
    }
    if text.first() == Some(&b'<') {
        let lower: Vec<u8> = text.iter().take(2048).map(u8::to_ascii_lowercase).collect();
        let has = |needle: &[u8]| memchr::memmem::find(&lower, needle).is_some();
        if has(b"sie5") || has(b"<sie ") || has(b"<sieentry") {
            return Some((
                "en SIE 5-fil (XML)",
                "delar läser SIE 1–4: exportera SIE 4 (typ 4E eller 4I) från ekonomisystemet",
            ));
        }
        if has(b"<html") || has(b"<!doctype html") || has(b"<head") || has(b"<body") {
            return Some((
                "en HTML-sida (till exempel en webbsida eller en inloggningssida som sparades i stället för filen)",
                "ladda ner SIE-filen igen (spara länkens mål, inte sidan) eller exportera den från ekonomisystemet",
            ));
        }
        if has(b"<?xml") {
            return Some(("en XML-fil", EXPORT));
        }
    }
    // Any other binary file: NUL bytes, or many control characters, near the start.
    if memchr::memchr(0, head).is_some() {
        return Some(("en binär fil, inte text", EXPORT));
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A))
        .count();
    if head.len() >= 64 && control * 10 > head.len() {
        return Some(("en binär fil, inte text", EXPORT));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::foreign_format;

    #[test]
    fn recognises_what_is_not_sie() {
        let what = |b: &[u8]| foreign_format(b).map(|(w, _)| w);
        assert!(
            what(b"<!DOCTYPE html>\n<html><head><title>Logga in</title>")
                .unwrap()
                .contains("HTML-sida")
        );
        assert!(what(b"\xEF\xBB\xBF\r\n  <HTML>\r\n<BODY>")
            .unwrap()
            .contains("HTML"));
        assert!(
            what(b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0[Content_Types].xml....xl/workbook.xml")
                .unwrap()
                .contains("Excel")
        );
        assert!(what(b"PK\x03\x04\x14\0\0\0\0\0export/huvudbok.se")
            .unwrap()
            .contains("ZIP"));
        assert!(what(b"%PDF-1.7\n%\xE2\xE3").unwrap().contains("PDF"));
        assert!(what(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0")
            .unwrap()
            .contains(".xls"));
        assert!(what(b"\xFF\xFE#\0F\0L\0A\0G\0G\0A\0")
            .unwrap()
            .contains("UTF-16"));
        assert!(
            what(b"<?xml version=\"1.0\"?>\n<Sie xmlns=\"http://www.sie.se/sie5\">")
                .unwrap()
                .contains("SIE 5")
        );
        assert!(what(b"\x7fELF\x02\x01\x01\0\0\0")
            .unwrap()
            .contains("binär"));
        // SIE text in any 8-bit encoding, with or without BOM, a DOS end-of-file mark, is fine.
        assert_eq!(what(b"#FLAGGA 0\r\n#KONTO 1930 \"Bank\xE5\"\r\n\x1A"), None);
        assert_eq!(what(b"\xEF\xBB\xBF#FLAGGA 0\n"), None);
        assert_eq!(what(b""), None);
        assert_eq!(what(b"#PROSA \"<html> i en text\"\n"), None);
    }
}
