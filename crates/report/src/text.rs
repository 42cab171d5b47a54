//! A plain-text rendering of the report for the terminal and for review in diffs: headings,
//! wrapped paragraphs, tables with aligned columns, charts as their text alternative.

use crate::model::*;

fn width(s: &str) -> usize {
    s.chars().count()
}

fn wrap(text: &str, cols: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && width(&line) + 1 + width(word) > cols {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn table(t: &Table, out: &mut String) {
    out.push_str(&t.title());
    out.push('\n');
    if let Some(n) = &t.sign_note {
        out.push_str(&wrap(n, 100, ""));
    }
    let n = t.columns.len();
    let mut w: Vec<usize> = t.columns.iter().map(|c| width(&c.label)).collect();
    for r in &t.rows {
        for (i, c) in r.cells.iter().enumerate().take(n) {
            let extra = if i == 0 { 2 * r.level as usize } else { 0 };
            w[i] = w[i].max(width(&c.text) + extra);
        }
    }
    // spanning group labels: widen a group's last column when its label is wider
    let grouped = !t.groups.is_empty() && t.groups.iter().map(|g| g.span).sum::<usize>() == n;
    if grouped {
        let mut first = 0;
        for g in &t.groups {
            if g.span == 0 {
                continue;
            }
            let last = first + g.span - 1;
            let have: usize = w[first..=last].iter().sum::<usize>() + 2 * (g.span - 1);
            w[last] += width(&g.label).saturating_sub(have);
            first += g.span;
        }
    }
    let cell = |s: &str, i: usize, right: bool| {
        let pad = w[i].saturating_sub(width(s));
        if right {
            format!("{}{s}", " ".repeat(pad))
        } else {
            format!("{s}{}", " ".repeat(pad))
        }
    };
    if grouped && t.groups.iter().any(|g| !g.label.is_empty()) {
        let mut first = 0;
        let mut parts = Vec::new();
        for g in t.groups.iter().filter(|g| g.span > 0) {
            let span: usize = w[first..first + g.span].iter().sum::<usize>() + 2 * (g.span - 1);
            parts.push(format!(
                "{}{}",
                g.label,
                " ".repeat(span.saturating_sub(width(&g.label)))
            ));
            first += g.span;
        }
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    }
    let header: Vec<String> = t
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| cell(&c.label, i, c.format.is_numeric()))
        .collect();
    out.push_str(header.join("  ").trim_end());
    out.push('\n');
    let total: usize = w.iter().sum::<usize>() + 2 * n.saturating_sub(1);
    out.push_str(&"-".repeat(total));
    out.push('\n');
    for r in &t.rows {
        if r.kind == RowKind::Total {
            out.push_str(&"-".repeat(total));
            out.push('\n');
        }
        let cells: Vec<String> = r
            .cells
            .iter()
            .enumerate()
            .take(n)
            .map(|(i, c)| {
                if i == 0 {
                    let label = format!("{}{}", "  ".repeat(r.level as usize), c.text);
                    cell(&label, i, false)
                } else {
                    cell(&c.text, i, t.columns[i].format.is_numeric())
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    for note in &t.notes {
        out.push_str(&wrap(note, 100, "  "));
    }
    out.push('\n');
}

/// The report as plain text (NBSP and the minus sign kept as they are).
pub fn render(report: &Report) -> String {
    let m = &report.meta;
    let mut out = String::new();
    if m.draft {
        out.push_str("UTKAST\n");
    }
    out.push_str(&format!(
        "{}\n{}\n{} · {} · {}\n",
        m.title, m.subtitle, m.organisation, m.period_label, m.date
    ));
    for l in &m.formal {
        out.push_str(&format!("{}: {}\n", l.label, l.value));
    }
    out.push('\n');
    for (level, s) in report.walk() {
        let heading = if s.number.is_empty() {
            s.title.clone()
        } else {
            format!("{} {}", s.number, s.title)
        };
        out.push_str(&heading);
        out.push('\n');
        out.push_str(&(if level == 1 { "=" } else { "-" }).repeat(width(&heading)));
        out.push_str("\n\n");
        for b in &s.blocks {
            match b {
                Block::Paragraph(p) => {
                    out.push_str(&wrap(&p.plain(), 100, ""));
                    out.push('\n');
                }
                Block::List { ordered, items } => {
                    for (i, p) in items.iter().enumerate() {
                        let mark = if *ordered {
                            format!("{}. ", i + 1)
                        } else {
                            "– ".to_string()
                        };
                        out.push_str(&mark);
                        out.push_str(wrap(&p.plain(), 96, "  ").trim_start());
                    }
                    out.push('\n');
                }
                Block::Table(t) => table(t, &mut out),
                Block::Chart(c) => {
                    out.push_str(&c.title_line());
                    out.push('\n');
                    out.push_str(&wrap(&format!("[{}]", c.alt), 100, ""));
                    out.push('\n');
                }
                Block::Callout { title, body } => {
                    out.push_str(&format!("┌ {title}\n"));
                    for p in body {
                        out.push_str(&wrap(&p.plain(), 96, "│ "));
                    }
                    out.push_str("└\n\n");
                }
                Block::PageBreak => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn sample_renders_every_cell() {
        let r = crate::fixture::sample();
        let text = super::render(&r);
        for t in r.tables() {
            assert!(text.contains(&t.title()));
            for row in &t.rows {
                for c in &row.cells {
                    assert!(text.contains(&c.text), "{}", c.text);
                }
            }
        }
        assert!(text.contains("1 Förvaltningschefens bedömning och analys"));
    }

    #[test]
    fn group_labels_stand_over_their_columns() {
        let r = crate::fixture::sample();
        let text = super::render(&r);
        let t = r.table("drift").unwrap();
        let title = text.find(&t.title()).unwrap();
        let lines: Vec<&str> = text[title..].lines().collect();
        // title, sign note, group line, column header
        let group = lines.iter().position(|l| l.contains("Helår 2025")).unwrap();
        let header = lines[group + 1];
        let col = t.columns[1].label.as_str();
        assert!(header.contains(col), "{header}");
        // the group label starts where its first column's region does (in characters; the
        // label is the widest text of its column, so its region starts with it)
        let chars = |s: &str, byte: usize| s[..byte].chars().count();
        let at = chars(lines[group], lines[group].find("Helår 2025").unwrap());
        let first_col = chars(header, header.find(col).unwrap());
        assert_eq!(at, first_col, "{}\n{header}", lines[group]);
        assert!(width_of(lines[group]) <= width_of(header));
    }

    fn width_of(s: &str) -> usize {
        s.chars().count()
    }
}
