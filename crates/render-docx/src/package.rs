//! The last step: fill in what docx-rs cannot write (repeated header rows, picture alt text,
//! document language, core properties, field update on open) and write the ZIP archive with
//! fixed timestamps so the same report gives the same bytes.

use delar_report::Meta;
use docx_rs::XMLDocx;
use std::io::{Cursor, Read, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// A picture's name and alt text, in document order.
pub(crate) struct Picture {
    pub name: String,
    pub descr: String,
}

/// `ÅÅÅÅ-MM-DD` as a W3C date-time at midnight UTC; anything else as the epoch.
pub(crate) fn w3c_date(date: &str) -> String {
    match parse_date(date) {
        Some((y, m, d)) => format!("{y:04}-{m:02}-{d:02}T00:00:00Z"),
        None => "1980-01-01T00:00:00Z".to_string(),
    }
}

fn parse_date(date: &str) -> Option<(u16, u8, u8)> {
    let mut it = date.trim().splitn(3, '-');
    let y: u16 = it.next()?.parse().ok()?;
    let m: u8 = it.next()?.parse().ok()?;
    let d: u8 = it.next()?.parse().ok()?;
    ((1980..=2107).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then_some((y, m, d))
}

/// Escape text for an XML attribute or element.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

/// Patch the parts and write the archive.
pub(crate) fn write(
    mut xml: XMLDocx,
    meta: &Meta,
    pictures: &[Picture],
) -> Result<Vec<u8>, String> {
    xml.document = patch_document(&xml.document, pictures)?.into_bytes();
    xml.settings = patch_settings(&xml.settings)?.into_bytes();
    xml.styles = patch_styles(&xml.styles)?.into_bytes();
    xml.doc_props.core = core_xml(meta).into_bytes();
    let mut raw = Cursor::new(Vec::new());
    xml.pack(&mut raw).map_err(|e| e.to_string())?;
    repack(raw.into_inner(), &meta.date)
}

fn utf8(part: &[u8]) -> Result<String, String> {
    String::from_utf8(part.to_vec()).map_err(|e| e.to_string())
}

const TOC_ALIAS: &str = r#"<w:alias w:val="Innehåll" />"#;
const TOC_GALLERY: &str = r#"<w:docPartObj><w:docPartGallery w:val="Table of Contents" /><w:docPartUnique /></w:docPartObj>"#;
const TOC_TAB: &str = r#"<w:tab w:val="right" w:leader="dot" w:pos="80000" />"#;

/// Header rows are the rows marked `cantSplit` (only header rows are); Word repeats rows
/// marked `tblHeader` at the top of every page. Pictures get a unique id, a name and their
/// alt text.
fn patch_document(part: &[u8], pictures: &[Picture]) -> Result<String, String> {
    let doc = utf8(part)?;
    let doc = doc
        .replace(
            "<w:trPr><w:cantSplit />",
            "<w:trPr><w:cantSplit /><w:tblHeader />",
        )
        // Mark the contents as a table of contents (LibreOffice needs it to read the field).
        .replacen(TOC_ALIAS, &format!("{TOC_ALIAS}{TOC_GALLERY}"), 1)
        // docx-rs puts the right tab of contents entries far outside the page.
        .replace(
            TOC_TAB,
            &format!(
                r#"<w:tab w:val="right" w:leader="none" w:pos="{}" />"#,
                crate::TEXT_WIDTH
            ),
        );
    let marker = r#"<wp:docPr id="1" name="Figure" />"#;
    let mut out = String::with_capacity(doc.len() + 1024);
    let mut rest = doc.as_str();
    let mut n = 0;
    while let Some(at) = rest.find(marker) {
        out.push_str(&rest[..at]);
        let (name, descr) = pictures
            .get(n)
            .map(|p| (esc(&p.name), esc(&p.descr)))
            .unwrap_or_default();
        n += 1;
        out.push_str(&format!(
            r#"<wp:docPr id="{}" name="{name}" descr="{descr}" />"#,
            1000 + n
        ));
        rest = &rest[at + marker.len()..];
    }
    out.push_str(rest);
    if n != pictures.len() {
        return Err(format!(
            "{} bilder i dokumentet men {} diagram",
            n,
            pictures.len()
        ));
    }
    Ok(out)
}

/// Ask Word to update fields (the table of contents, page counts) when the file is opened.
/// `updateFields` comes before `compat` in the schema's order.
fn patch_settings(part: &[u8]) -> Result<String, String> {
    let s = utf8(part)?;
    let update = r#"<w:updateFields w:val="true" />"#;
    let at = s
        .find("<w:compat>")
        .or_else(|| s.rfind("</w:settings>"))
        .ok_or_else(|| "settings.xml saknar </w:settings>".to_string())?;
    Ok(format!("{}{update}{}", &s[..at], &s[at..]))
}

/// Swedish as the document language (spelling, hyphenation, screen readers): `w:lang` last
/// in the default run properties, as the schema orders them.
fn patch_styles(part: &[u8]) -> Result<String, String> {
    let s = utf8(part)?;
    let lang = r#"<w:lang w:val="sv-SE" w:eastAsia="sv-SE" w:bidi="ar-SA" />"#;
    let close = "</w:rPr></w:rPrDefault>";
    let at = s
        .find(close)
        .ok_or_else(|| "styles.xml saknar w:rPrDefault".to_string())?;
    Ok(format!("{}{lang}{}", &s[..at], &s[at..]))
}

fn core_xml(meta: &Meta) -> String {
    let date = w3c_date(&meta.date);
    let title = if meta.draft {
        format!("UTKAST – {}", meta.title)
    } else {
        meta.title.clone()
    };
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
            r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
            r#"xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject>",
            "<dc:creator>{org}</dc:creator><cp:lastModifiedBy>{org}</cp:lastModifiedBy>",
            "<dc:language>sv-SE</dc:language><cp:revision>1</cp:revision>",
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">{date}</dcterms:created>"#,
            r#"<dcterms:modified xsi:type="dcterms:W3CDTF">{date}</dcterms:modified>"#,
            "</cp:coreProperties>"
        ),
        title = esc(&title),
        subject = esc(&meta.subtitle),
        org = esc(&meta.organisation),
        date = date,
    )
}

/// Rewrite the archive docx-rs made (stored, default times) with deflate and every entry
/// dated `date`.
fn repack(raw: Vec<u8>, date: &str) -> Result<Vec<u8>, String> {
    let (y, m, d) = parse_date(date).unwrap_or((1980, 1, 1));
    let time = DateTime::from_date_and_time(y, m, d, 0, 0, 0).map_err(|e| e.to_string())?;
    let mut archive = ZipArchive::new(Cursor::new(raw)).map_err(|e| e.to_string())?;
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut next_para_id = 1u32;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| e.to_string())?;
        let name = entry.name().to_string();
        if entry.is_dir() {
            // Word does not need directory entries.
            continue;
        }
        let mut data = Vec::with_capacity(entry.size() as usize);
        entry.read_to_end(&mut data).map_err(|e| e.to_string())?;
        if name.starts_with("word/") && name.ends_with(".xml") {
            data = renumber_para_ids(&utf8(&data)?, &mut next_para_id).into_bytes();
        }
        // PNGs are already compressed.
        let opts = if name.ends_with(".png") {
            options.compression_method(CompressionMethod::Stored)
        } else {
            options
        };
        out.start_file(name, opts).map_err(|e| e.to_string())?;
        out.write_all(&data).map_err(|e| e.to_string())?;
    }
    let cursor = out.finish().map_err(|e| e.to_string())?;
    Ok(cursor.into_inner())
}

/// docx-rs numbers paragraphs (`w14:paraId`) from a per-thread counter that only restarts
/// when a document is built, so a second document made on the same thread would get other
/// ids. Number them in order of appearance instead.
fn renumber_para_ids(xml: &str, next: &mut u32) -> String {
    const ATTR: &str = "w14:paraId=\"";
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(at) = rest.find(ATTR) {
        let value_start = at + ATTR.len();
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        out.push_str(&rest[..value_start]);
        out.push_str(&format!("{:08X}", *next));
        *next += 1;
        rest = &rest[value_start + len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraph_ids_in_order() {
        let mut n = 7;
        let out = renumber_para_ids(r#"<w:p w14:paraId="0000abcd"><w:p w14:paraId="1">"#, &mut n);
        assert_eq!(
            out,
            r#"<w:p w14:paraId="00000007"><w:p w14:paraId="00000008">"#
        );
        assert_eq!(n, 9);
    }

    #[test]
    fn dates() {
        assert_eq!(w3c_date("2025-09-30"), "2025-09-30T00:00:00Z");
        assert_eq!(w3c_date("hej"), "1980-01-01T00:00:00Z");
        assert_eq!(parse_date("2025-13-01"), None);
    }

    #[test]
    fn escapes_attribute_text() {
        assert_eq!(esc("a<b & \"c\"\n"), "a&lt;b &amp; &quot;c&quot; ");
    }

    #[test]
    fn marks_header_rows_and_names_pictures() {
        let doc = br#"<w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr><w:tr><w:trPr /></w:tr><wp:docPr id="1" name="Figure" />"#;
        let pics = [Picture {
            name: "Diagram 1. A & B".into(),
            descr: "Linjer <stiger>".into(),
        }];
        let out = patch_document(doc, &pics).unwrap();
        assert_eq!(out.matches("<w:tblHeader />").count(), 1);
        assert!(out.contains(
            r#"<wp:docPr id="1001" name="Diagram 1. A &amp; B" descr="Linjer &lt;stiger&gt;" />"#
        ));
        assert!(patch_document(doc, &[]).is_err());
    }
}
