//! Narrative: text from the definition with bound figures, the drafted analysis and the
//! drafted proposal for decision. Every figure in the text is a [`BoundNumber`] pointing at
//! a table cell (or a fact), so text and tables cannot disagree (R4); decompositions carry
//! their sums (R13).

use crate::data::Figures;
use crate::economy::{round_short, Ctx};
use delar_core::{Amount, OrgNode};
use delar_report::{
    Block, BoundNumber, CellRef, Format, Inline, Paragraph, Report, Source, TextSum, Value,
};

/// Turn definition text into blocks: paragraphs split by blank lines, `- ` lists, `**fet**`,
/// `*kursiv*`, and `{tabell.rad.kolumn}` / `{tabell.rad.kolumn|abs}` / `{omgang}` /
/// `{period}` / `{ar}` references. A sentence bound to a figure the report does not have for
/// lack of data (the first round of the year, a first year, no registers) is left out, and so
/// is a paragraph or list item left with none; a reference that points nowhere is an error.
pub fn text_blocks(text: &str, report: &Report, ctx: &Ctx) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let lines: Vec<&str> = para.lines().map(str::trim).collect();
        if lines.iter().all(|l| l.starts_with("- ")) {
            let mut items = Vec::new();
            for l in &lines {
                items.extend(inline_paragraph(&l[2..], report, ctx)?);
            }
            if !items.is_empty() {
                blocks.push(Block::List {
                    ordered: false,
                    items,
                });
            }
        } else if let Some(p) = inline_paragraph(&lines.join(" "), report, ctx)? {
            blocks.push(Block::Paragraph(p));
        }
    }
    Ok(blocks)
}

/// A paragraph from marked-up text; `None` when every sentence is bound to a figure the
/// report does not have ([`bind_reference`] gives `None`). When only some are, those
/// sentences are left out.
fn inline_paragraph(text: &str, report: &Report, ctx: &Ctx) -> Result<Option<Paragraph>, String> {
    let paragraph = |inlines| Paragraph {
        inlines,
        sums: Vec::new(),
        edited: true,
    };
    // The whole text first: syntax errors and references that point nowhere are reported
    // here, whatever else is missing.
    if let Some(inlines) = parse_inlines(text, report, ctx)? {
        return Ok(Some(paragraph(inlines)));
    }
    let mut inlines: Vec<Inline> = Vec::new();
    for sentence in sentences(text) {
        if let Some(part) = parse_inlines(sentence, report, ctx)? {
            if !inlines.is_empty() {
                inlines.push(Inline::Text(" ".into()));
            }
            inlines.extend(part);
        }
    }
    // Adjacent plain texts as one.
    let mut merged: Vec<Inline> = Vec::with_capacity(inlines.len());
    for i in inlines {
        match (merged.last_mut(), i) {
            (Some(Inline::Text(a)), Inline::Text(b)) => a.push_str(&b),
            (_, i) => merged.push(i),
        }
    }
    Ok((!merged.is_empty()).then(|| paragraph(merged)))
}

/// The sentences of a text: split after `.`, `!` or `?` (or a `*`/`**` closing right after
/// one) followed by white space and a capital letter, `{` or `*`; never inside `{…}`, `*…*` or
/// `**…**`. Each keeps its end mark.
pub(crate) fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let (mut brace, mut strong, mut emph) = (false, false, false);
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        match c {
            '\\' => {
                it.next();
            }
            '{' => brace = true,
            '}' => brace = false,
            '*' if !brace => {
                let width = if text[i..].starts_with("**") {
                    strong = !strong;
                    it.next();
                    2
                } else {
                    emph = !emph;
                    1
                };
                // `**Fet mening.** Nästa` ends a sentence after the closing mark.
                let closed = !strong && !emph;
                if closed && text[..i].ends_with(['.', '!', '?']) {
                    let end = i + width;
                    if starts_sentence(&text[end..]) {
                        out.push(text[start..end].trim());
                        start = end;
                    }
                }
            }
            '.' | '!' | '?' if !brace && !strong && !emph => {
                let end = i + c.len_utf8();
                if starts_sentence(&text[end..]) {
                    out.push(text[start..end].trim());
                    start = end;
                }
            }
            _ => {}
        }
    }
    let last = text[start..].trim();
    if !last.is_empty() {
        out.push(last);
    }
    out
}

/// White space, then a capital letter or a `{` or `*`: the start of a new sentence.
fn starts_sentence(rest: &str) -> bool {
    let trimmed = rest.trim_start();
    rest.len() > trimmed.len()
        && trimmed
            .chars()
            .next()
            .is_some_and(|n| n.is_uppercase() || n == '{' || n == '*')
}

/// Parse marked-up text into inlines; `None` when a reference is bound to a figure the report
/// does not have (the whole text is still parsed, so every error is found).
fn parse_inlines(text: &str, report: &Report, ctx: &Ctx) -> Result<Option<Vec<Inline>>, String> {
    let mut inlines = Vec::new();
    let mut missing = false;
    let mut rest = text;
    let mut plain = String::new();
    let flush = |plain: &mut String, inlines: &mut Vec<Inline>| {
        if !plain.is_empty() {
            inlines.push(Inline::Text(std::mem::take(plain)));
        }
    };
    while let Some(c) = rest.chars().next() {
        if c == '\\' {
            // `\x` is `x` itself: `\{`, `\*`, `\\` in text that is not markup.
            rest = &rest[1..];
            if let Some(n) = rest.chars().next() {
                plain.push(n);
                rest = &rest[n.len_utf8()..];
            }
        } else if rest.starts_with("**") {
            let end = rest[2..]
                .find("**")
                .ok_or_else(|| format!("\"**\" utan slut i texten \"{text}\""))?;
            flush(&mut plain, &mut inlines);
            inlines.push(Inline::Strong(rest[2..2 + end].to_string()));
            rest = &rest[4 + end..];
        } else if c == '*' {
            let end = rest[1..]
                .find('*')
                .ok_or_else(|| format!("\"*\" utan slut i texten \"{text}\""))?;
            flush(&mut plain, &mut inlines);
            inlines.push(Inline::Emph(rest[1..1 + end].to_string()));
            rest = &rest[2 + end..];
        } else if c == '{' {
            let end = rest
                .find('}')
                .ok_or_else(|| format!("\"{{\" utan \"}}\" i texten \"{text}\""))?;
            let reference = rest[1..end].trim();
            match reference {
                "omgang" | "omgång" => plain.push_str(&round_short(&ctx.inputs.round)),
                "period" => plain.push_str(&format!("{} {}", ctx.to_date_label(), ctx.year())),
                "ar" | "år" => plain.push_str(&ctx.year().to_string()),
                r => {
                    flush(&mut plain, &mut inlines);
                    match bind_reference(r, report, ctx)? {
                        Some(n) => inlines.push(Inline::Number(n)),
                        None => missing = true,
                    }
                }
            }
            rest = &rest[end + 1..];
        } else {
            plain.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    flush(&mut plain, &mut inlines);
    Ok((!missing).then_some(inlines))
}

/// Bind `tabell.rad.kolumn[|abs]` to a cell of the report. `None` when the report has no
/// figure there for lack of data: the table or column was left out ([`Ctx::is_left_out`]), or
/// the cell is empty or `i.u.`. An error when the reference points nowhere.
fn bind_reference(r: &str, report: &Report, ctx: &Ctx) -> Result<Option<BoundNumber>, String> {
    let (path, abs) = match r.split_once('|') {
        Some((p, "abs")) => (p, true),
        Some((_, f)) => {
            return Err(format!(
                "okänt format \"{f}\" i {{{r}}}; det som finns är |abs"
            ))
        }
        None => (r, false),
    };
    let parts: Vec<&str> = path.split('.').collect();
    let [table, row, column] = parts[..] else {
        return Err(format!(
            "{{{r}}} ska ha formen {{tabell.rad.kolumn}}, till exempel {{drift.SN.avvikelse}}"
        ));
    };
    let cref = CellRef {
        table: table.into(),
        row: row.into(),
        column: column.into(),
    };
    let Some((_, col, cell)) = report.cell(&cref) else {
        if ctx.is_left_out(table, column) {
            return Ok(None);
        }
        let known: Vec<String> = report.tables().iter().map(|t| t.id.clone()).collect();
        return Err(format!(
            "{{{r}}} pekar inte på någon cell (tabeller i rapporten: {}); kontrollera tabell, rad \
             och kolumn",
            known.join(", ")
        ));
    };
    if matches!(cell.value, Value::Empty | Value::NoData) {
        return Ok(None);
    }
    let mut text = if abs {
        cell.text.trim_start_matches('\u{2212}').to_string()
    } else {
        cell.text.clone()
    };
    if let (Format::Amount { unit, .. }, Value::Amount(_)) = (&col.format, &cell.value) {
        text.push('\u{a0}');
        text.push_str(unit.label());
    }
    Ok(Some(BoundNumber {
        value: cell.value.clone(),
        format: col.format,
        text,
        source: cell.source.clone(),
        cell: Some(cref),
    }))
}

/// A bound amount: bound to `table.row.column` when that cell exists and holds the same
/// value, else to the fact only. `abs` prints it without sign (the sentence says
/// underskott/överskott).
fn amount(
    ctx: &Ctx,
    report: &Report,
    value: Amount,
    fact: &str,
    origin: &str,
    cell: Option<(&str, &str, &str)>,
    abs: bool,
) -> BoundNumber {
    let money = ctx.money();
    let v = Value::Amount(value);
    let mut text = money.render(&v);
    if abs {
        text = text.trim_start_matches('\u{2212}').to_string();
    }
    text.push('\u{a0}');
    text.push_str(ctx.unit.label());
    let cell = cell.and_then(|(t, r, c)| {
        let cref = CellRef {
            table: t.into(),
            row: r.into(),
            column: c.into(),
        };
        match report.cell(&cref) {
            Some((_, _, cell)) if cell.value == v => Some(cref),
            _ => None,
        }
    });
    BoundNumber {
        value: v,
        format: money,
        text,
        source: Some(Source {
            fact: fact.into(),
            origin: origin.into(),
        }),
        cell,
    }
}

/// "I prognosen ingår X i kostnader för två beslut som ännu inte är fattade; utan dem blir
/// avvikelsen Y."
/// from the adjustments of kind *avvaktar beslut* on lines under `root`, or `None`.
fn pending_sentence(ctx: &Ctx, report: &Report, root: &OrgNode, dev: Amount) -> Option<Paragraph> {
    use delar_forecast::AdjustmentKind;
    let tree = &ctx.inputs.tree;
    let under = |n: &str| n == root.code || tree.ancestors(n).iter().any(|a| a.code == root.code);
    let pending: Vec<&delar_forecast::Adjustment> = ctx
        .inputs
        .lines
        .iter()
        .filter(|l| under(&l.node))
        .flat_map(|l| l.adjustments.iter())
        .filter(|a| a.kind == AdjustmentKind::PendingDecision)
        .collect();
    if pending.is_empty() {
        return None;
    }
    let sum: Amount = pending.iter().map(|a| a.amount).sum();
    let mut p = Paragraph::default();
    p.inlines.push(Inline::Text("I prognosen ingår ".into()));
    p.inlines.push(Inline::Number(amount(
        ctx,
        report,
        sum,
        &format!("avvaktande/{}", root.code),
        "justeringar som avvaktar beslut",
        None,
        true,
    )));
    // The adjustments' own comments are a person's words with figures of their own: they
    // stay in the forecast tables, the sentence counts them.
    p.inlines.push(Inline::Text(format!(
        " i {} för {} som ännu inte är {}",
        if sum.ore() >= 0 {
            "kostnader"
        } else {
            "minskade kostnader"
        },
        if pending.len() == 1 {
            "ett beslut".to_string()
        } else {
            format!(
                "{} beslut",
                delar_core::words::count_text(pending.len() as u64, true)
            )
        },
        if pending.len() == 1 {
            "fattat"
        } else {
            "fattade"
        }
    )));
    p.inlines
        .push(Inline::Text("; utan dem blir avvikelsen ".into()));
    p.inlines.push(Inline::Number(amount(
        ctx,
        report,
        dev + sum,
        &format!("avvikelse-utan-avvaktande/{}", root.code),
        "budget − prognos utan justeringar som avvaktar beslut",
        None,
        false,
    )));
    p.inlines.push(Inline::Text(".".into()));
    Some(p)
}

/// "Effektiviseringarna väntas ge X i år av Y att realisera; Z väntas inte uppnås i år." from the
/// efficiency table's total row, or `None` without the table or with nothing to realise.
fn efficiency_sentence(ctx: &Ctx, report: &Report) -> Option<Paragraph> {
    let t = report.table("effektiviseringar")?;
    let value = |col: &str| -> Option<Amount> {
        let cref = CellRef {
            table: t.id.clone(),
            row: "summa".into(),
            column: col.into(),
        };
        match report.cell(&cref) {
            Some((_, _, c)) => match c.value {
                Value::Amount(a) => Some(a),
                _ => None,
            },
            None => None,
        }
    };
    let (forecast, total, dev) = (value("prognos")?, value("att-na")?, value("avvikelse")?);
    if total.is_zero() {
        return None;
    }
    let bound = |v: Amount, col: &str, abs: bool| {
        let mut b = amount(
            ctx,
            report,
            v,
            &format!("effektivisering/summa/{col}"),
            "effektiviseringar.csv",
            Some(("effektiviseringar", "summa", col)),
            abs,
        );
        // The table is in mnkr with one decimal whatever the report's unit.
        if b.cell.is_none() {
            let f = Format::Amount {
                unit: delar_core::Unit::Mnkr,
                decimals: 1,
            };
            b.format = f;
            b.text = f.render(&Value::Amount(v));
            if abs {
                b.text = b.text.trim_start_matches('\u{2212}').to_string();
            }
            b.text.push_str("\u{a0}mnkr");
            b.cell = Some(CellRef {
                table: "effektiviseringar".into(),
                row: "summa".into(),
                column: col.into(),
            });
        }
        Inline::Number(b)
    };
    let mut p = Paragraph::default();
    p.inlines.push(Inline::Text(
        "Effektiviseringarna i effektiviseringsregistret väntas ge ".into(),
    ));
    p.inlines.push(bound(forecast, "prognos", false));
    p.inlines.push(Inline::Text(" i år av ".into()));
    p.inlines.push(bound(total, "att-na", false));
    if dev.ore() < 0 {
        p.inlines.push(Inline::Text(" att realisera; ".into()));
        p.inlines.push(bound(dev, "avvikelse", true));
        p.inlines
            .push(Inline::Text(" väntas inte uppnås i år.".into()));
    } else {
        p.inlines.push(Inline::Text(" att realisera.".into()));
    }
    Some(p)
}

fn surplus_word(dev: Amount) -> &'static str {
    if dev.ore() < 0 {
        "ett underskott"
    } else {
        "ett överskott"
    }
}

/// A drafted paragraph a person may rewrite for the round: its key, the section it is in, the
/// draft as editable text (figures as `{tabell.rad.kolumn}`) and the edit in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    /// Stable key: `analys.summa`, `analys.SN`, `analys.ovriga`, `forslag.godkannande`,
    /// `forslag.SN`.
    pub key: String,
    /// Title of the section it is in.
    pub section: String,
    /// The draft delar wrote, as editable text.
    pub draft: String,
    /// The person's text in force for the round, if any.
    pub edit: Option<String>,
    /// The paragraph as the report shows it (the edit when there is one, else the draft), its
    /// bound figures as their values: the preview.
    pub rendered: String,
}

/// The paragraph for `key`: the person's edit when there is one (its figures bound like
/// definition text; sentences bound to figures the report lacks are left out, and the
/// paragraph is empty when none is left), else the draft. Records the draft in `drafts`.
pub fn keyed(
    ctx: &Ctx,
    report: &Report,
    section: &str,
    key: String,
    draft: Paragraph,
    drafts: &mut Vec<Draft>,
) -> Result<Paragraph, String> {
    let edit = ctx.inputs.edits.get(&key).cloned();
    let out = match &edit {
        Some(text) => {
            // Line breaks and runs of spaces are one space; a non-breaking space stays.
            let joined: Vec<&str> = text
                .split(|c: char| c.is_ascii_whitespace())
                .filter(|w| !w.is_empty())
                .collect();
            inline_paragraph(&joined.join(" "), report, ctx)
                .map_err(|e| format!("den redigerade texten {key}: {e}"))?
                .unwrap_or_default()
        }
        None => draft.clone(),
    };
    drafts.push(Draft {
        key,
        section: section.to_string(),
        draft: template(&draft, report),
        edit,
        rendered: out.plain(),
    });
    Ok(out)
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '{' | '}' | '*') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A paragraph as editable text: figures bound to a cell become `{tabell.rad.kolumn}` (with
/// `|abs` when the sign is dropped), so an edit keeps them bound; other figures stay as text.
pub fn template(p: &Paragraph, report: &Report) -> String {
    let mut out = String::new();
    for i in &p.inlines {
        match i {
            Inline::Text(t) => out.push_str(&escape(t)),
            Inline::Strong(t) => out.push_str(&format!("**{}**", escape(t))),
            Inline::Emph(t) => out.push_str(&format!("*{}*", escape(t))),
            Inline::Status(s) => out.push_str(&escape(&s.label)),
            Inline::Number(b) => match (&b.cell, b.cell.as_ref().and_then(|c| report.cell(c))) {
                (Some(c), Some((_, _, cell))) => {
                    let abs = cell.text.starts_with('\u{2212}') && !b.text.starts_with('\u{2212}');
                    out.push_str(&format!(
                        "{{{}.{}.{}{}}}",
                        c.table,
                        c.row,
                        c.column,
                        if abs { "|abs" } else { "" }
                    ));
                }
                _ => out.push_str(&escape(&b.text)),
            },
        }
    }
    out
}

/// The drafted analysis: the programme area's result, then each committee whose deviation
/// passes the threshold with the change since the previous round and its largest kontogrupper
/// (the parts add up to the deviation, with the rest as `övrigt`), its comments and special
/// effects, then the committees near budget. Keyed `analys.summa`, `analys.NOD`,
/// `analys.ovriga`.
pub fn analysis(ctx: &Ctx, report: &Report) -> Vec<(String, Paragraph)> {
    let mut out = Vec::new();
    let prev = ctx.previous_name();
    if let Some(root) = ctx.root() {
        let f = ctx.rollup.total(&root.code);
        let dev = f.deviation();
        let mut p = Paragraph::default();
        p.inlines.push(Inline::Text(format!(
            "Prognosen för {} visar för helåret {} {} på ",
            crate::economy::lower_first(&root.name),
            ctx.year(),
            surplus_word(dev)
        )));
        p.inlines.push(Inline::Number(amount(
            ctx,
            report,
            dev,
            &format!("avvikelse/{}", root.code),
            "budget − prognos",
            Some(("drift", "summa", "avvikelse")),
            true,
        )));
        // The share of the net budget; for a committee financed mostly by internal sales
        // (a provider: its net budget is a small remainder) the share of its cost budget,
        // which is what the deviation can be measured against.
        let (base, of, what) = if ctx.net_is_remainder(&root.code) {
            (
                ctx.cost_budget(&root.code),
                " av kostnadsbudgeten",
                "avvikelse / kostnadsbudget",
            )
        } else {
            (f.budget, " av budgeten", "avvikelse / budget")
        };
        if !base.is_zero() {
            let share = dev.ore() as f64 / base.ore().abs() as f64;
            let pf = Format::Percent { decimals: 1 };
            p.inlines.push(Inline::Text(", ".into()));
            p.inlines.push(Inline::Number(BoundNumber {
                value: Value::Ratio(share.abs()),
                format: pf,
                text: pf.render(&Value::Ratio(share.abs())),
                source: Some(Source {
                    fact: format!("avvikelse-andel/{}", root.code),
                    origin: what.into(),
                }),
                cell: None,
            }));
            p.inlines.push(Inline::Text(of.into()));
        }
        if let (Some(prev), true) = (&prev, f.has_previous) {
            change_sentence(ctx, report, &mut p, &f, "summa", &root.code, prev);
        }
        p.inlines.push(Inline::Text(".".into()));
        if let Some(&(lo, hi)) = ctx.inputs.ranges.get(&root.code) {
            // The deviation's range: budget − the forecast's high and low ends.
            p.inlines.push(Inline::Text(
                " Med åttio procents sannolikhet blir avvikelsen mellan ".into(),
            ));
            p.inlines.push(Inline::Number(amount(
                ctx,
                report,
                f.budget - hi,
                &format!("avvikelse-intervall-lag/{}", root.code),
                "budget − prognosintervallets övre gräns",
                None,
                false,
            )));
            p.inlines.push(Inline::Text(" och ".into()));
            p.inlines.push(Inline::Number(amount(
                ctx,
                report,
                f.budget - lo,
                &format!("avvikelse-intervall-hog/{}", root.code),
                "budget − prognosintervallets nedre gräns",
                None,
                false,
            )));
            p.inlines.push(Inline::Text(".".into()));
        }
        // Against last year's outcome: how much the net cost grows (or falls); no percentage
        // of a net cost that is a small remainder of internal trade (a provider).
        let remainder = ctx.net_is_remainder(&root.code);
        if !ctx.no_last_year() && !f.last_year.is_zero() {
            let change = f.forecast - f.last_year;
            p.inlines
                .push(Inline::Text(" Nettokostnaden beräknas till ".into()));
            p.inlines.push(Inline::Number(amount(
                ctx,
                report,
                ctx.shown(f.forecast),
                &format!("prognos/{}", root.code),
                "helårsprognos",
                Some(("drift", "summa", "prognos")),
                false,
            )));
            if change.is_zero() {
                p.inlines.push(Inline::Text(format!(
                    ", samma som utfallet {}.",
                    ctx.year() - 1
                )));
            } else {
                p.inlines.push(Inline::Text(", ".into()));
                p.inlines.push(Inline::Number(amount(
                    ctx,
                    report,
                    change,
                    &format!("forandring-fg-ar/{}", root.code),
                    "helårsprognos − utfall föregående år",
                    None,
                    true,
                )));
                p.inlines.push(Inline::Text(format!(
                    " {} än utfallet {}{}",
                    if change.ore() > 0 { "mer" } else { "mindre" },
                    ctx.year() - 1,
                    if remainder { "." } else { " (" }
                )));
            }
            if !change.is_zero() && !remainder {
                let pf = Format::Percent { decimals: 1 };
                let share =
                    Value::Ratio(change.ore().abs() as f64 / f.last_year.ore().abs() as f64);
                p.inlines.push(Inline::Number(BoundNumber {
                    text: pf.render(&share),
                    value: share,
                    format: pf,
                    source: Some(Source {
                        fact: format!("forandring-fg-ar-andel/{}", root.code),
                        origin: "(helårsprognos − utfall föregående år) / utfall föregående år"
                            .into(),
                    }),
                    cell: None,
                }));
                p.inlines.push(Inline::Text(").".into()));
            }
        }
        out.push(("analys.summa".to_string(), p));
        // The risk of decisions not yet taken: what the forecast holds for them, and the
        // deviation without them.
        if let Some(p) = pending_sentence(ctx, report, root, dev) {
            out.push(("analys.avvaktande".to_string(), p));
        }
        // The efficiency measures: what they are forecast to give this year of what is to be
        // realised, bound to the efficiency table's totals when the report has it.
        if let Some(p) = efficiency_sentence(ctx, report) {
            out.push(("analys.effektiviseringar".to_string(), p));
        }
        // The budget changes of the year: the budget the deviation is measured against.
        let changes = &ctx.inputs.budget_changes;
        if !changes.is_empty() {
            let mut p = Paragraph::default();
            p.inlines.push(Inline::Text(format!(
                "Budgeten som prognosen jämförs med är budget {} med ",
                ctx.year()
            )));
            for (i, c) in changes.iter().enumerate() {
                if i > 0 {
                    p.inlines.push(Inline::Text(
                        if i + 1 == changes.len() {
                            " och "
                        } else {
                            ", "
                        }
                        .into(),
                    ));
                }
                let raised = c.amount.ore() > 0;
                p.inlines.push(Inline::Text(format!(
                    "{} (beslutad {}), som {} budgeten med ",
                    crate::economy::lower_first(&c.name),
                    c.decided,
                    if raised { "höjer" } else { "sänker" }
                )));
                p.inlines.push(Inline::Number(amount(
                    ctx,
                    report,
                    c.amount,
                    &format!("budgetandring/{}", c.name),
                    &format!("{} enligt budget.csv", c.name),
                    None,
                    true,
                )));
                // Who received it: the committees whose budget the change moves.
                if !c.by_committee.is_empty() {
                    p.inlines.push(Inline::Text(": ".into()));
                    for (j, (code, name, a)) in c.by_committee.iter().enumerate() {
                        if j > 0 {
                            p.inlines.push(Inline::Text(
                                if j + 1 == c.by_committee.len() {
                                    " och "
                                } else {
                                    ", "
                                }
                                .into(),
                            ));
                        }
                        let who = if code.is_empty() {
                            "ansvar utanför organisationen".to_string()
                        } else {
                            name.clone()
                        };
                        p.inlines.push(Inline::Text(format!(
                            "{who} {} ",
                            if a.ore() > 0 { "får" } else { "lämnar" }
                        )));
                        p.inlines.push(Inline::Number(amount(
                            ctx,
                            report,
                            *a,
                            &format!("budgetandring/{}/{code}", c.name),
                            &format!("{} enligt budget.csv, {who}", c.name),
                            None,
                            true,
                        )));
                    }
                }
            }
            p.inlines.push(Inline::Text(".".into()));
            out.push(("analys.budget".to_string(), p));
        }
    }
    let breakdown = ctx.breakdown();
    let mut committees: Vec<(&OrgNode, Figures)> = breakdown
        .nodes
        .into_iter()
        .map(|n| (n, ctx.rollup.total(&n.code)))
        .collect();
    committees.sort_by_key(|(_, f)| std::cmp::Reverse(f.deviation().ore().abs()));
    let (big, small): (Vec<_>, Vec<_>) = committees
        .into_iter()
        .partition(|(_, f)| f.deviation().ore().abs() >= ctx.threshold.ore());
    for (n, f) in &big {
        out.push((
            format!("analys.{}", n.code),
            committee_paragraph(ctx, report, n, f, prev.as_deref()),
        ));
    }
    if !small.is_empty() {
        let mut p = Paragraph::default();
        p.inlines.push(Inline::Text(format!(
            "{} {} har prognoser nära budget: ",
            if big.is_empty() { "Alla" } else { "Övriga" },
            breakdown.plural
        )));
        for (i, (n, f)) in small.iter().enumerate() {
            if i > 0 {
                p.inlines.push(Inline::Text(if i + 1 == small.len() {
                    " och ".into()
                } else {
                    ", ".into()
                }));
            }
            p.inlines.push(Inline::Text(format!("{} (", n.name)));
            p.inlines.push(Inline::Number(amount(
                ctx,
                report,
                f.deviation(),
                &format!("avvikelse/{}", n.code),
                "budget − prognos",
                Some(("drift", &n.code, "avvikelse")),
                false,
            )));
            p.inlines.push(Inline::Text(")".into()));
        }
        p.inlines.push(Inline::Text(".".into()));
        out.push(("analys.ovriga".to_string(), p));
    }
    if let Some(p) = purchaser_provider(ctx, report) {
        out.push(("analys.kop-och-forsaljning".to_string(), p));
    }
    out
}

/// The purchaser–provider mirror: the programme committee's purchases of activity against the
/// providing committees' sales of activity, when they move in opposite directions beyond the
/// threshold (less bought is less sold): one sentence ties them, since in the programme
/// area's net cost they cancel out.
fn purchaser_provider(ctx: &Ctx, report: &Report) -> Option<Paragraph> {
    const PURCHASES: &str = "kop_verksamhet";
    const SALES: &str = "forsaljning";
    let mapping = &ctx.inputs.mapping;
    let (bought, sold) = (mapping.group(PURCHASES)?, mapping.group(SALES)?);
    let tree = &ctx.inputs.tree;
    let purchaser = tree
        .nodes()
        .iter()
        .find(|n| n.kind == delar_core::OrgKind::Programnamnd)?;
    let buy = ctx.rollup.group(&purchaser.code, PURCHASES).deviation();
    if buy.abs_amount() < ctx.threshold {
        return None;
    }
    let providers: Vec<(&OrgNode, Amount)> = ctx
        .committees()
        .into_iter()
        .filter(|n| n.code != purchaser.code && n.kind.is_committee())
        .map(|n| (n, ctx.rollup.group(&n.code, SALES).deviation()))
        .filter(|(_, d)| d.abs_amount() >= ctx.threshold && (d.ore() < 0) != (buy.ore() < 0))
        .collect();
    if providers.is_empty() {
        return None;
    }
    let mut p = Paragraph::default();
    p.inlines.push(Inline::Text(format!(
        "{}s avvikelse för {} (",
        purchaser.name,
        delar_core::words::lower(&bought.name)
    )));
    p.inlines.push(Inline::Number(amount(
        ctx,
        report,
        buy,
        &format!("avvikelse/{}/{PURCHASES}", purchaser.code),
        "budget − prognos",
        Some((
            &format!("kontogrupper-{}", purchaser.code),
            PURCHASES,
            "avvikelse",
        )),
        false,
    )));
    p.inlines.push(Inline::Text(format!(
        ") speglas av utförarnas {} (",
        delar_core::words::lower(&sold.name)
    )));
    for (i, (n, d)) in providers.iter().enumerate() {
        if i > 0 {
            p.inlines.push(Inline::Text(
                if i + 1 == providers.len() {
                    " och "
                } else {
                    ", "
                }
                .into(),
            ));
        }
        p.inlines.push(Inline::Text(format!("{} ", n.name)));
        p.inlines.push(Inline::Number(amount(
            ctx,
            report,
            *d,
            &format!("avvikelse/{}/{SALES}", n.code),
            "budget − prognos",
            Some((&format!("kontogrupper-{}", n.code), SALES, "avvikelse")),
            false,
        )));
    }
    p.inlines.push(Inline::Text(format!(
        "): {} köps, desto {} säljs.",
        if buy.ore() > 0 {
            "ju mindre som"
        } else {
            "ju mer som"
        },
        if buy.ore() > 0 { "mindre" } else { "mer" }
    )));
    // How much of the purchases' deviation the providers' sales explain, and the rest.
    let sold_total: Amount = providers.iter().map(|(_, d)| *d).sum();
    let rest = buy + sold_total;
    let shown = |a: Amount| ctx.money().render(&Value::Amount(a));
    if shown(rest).trim_start_matches('\u{2212}') != shown(Amount::ZERO) {
        p.inlines
            .push(Inline::Text(" Utförarnas försäljning förklarar ".into()));
        p.inlines.push(Inline::Number(amount(
            ctx,
            report,
            -sold_total,
            &format!("avvikelse/{}/{SALES}/utforare", purchaser.code),
            "summan av utförarnas avvikelser för försäljning av verksamhet",
            None,
            true,
        )));
        p.inlines
            .push(Inline::Text(" av avvikelsen; återstoden, ".into()));
        p.inlines.push(Inline::Number(amount(
            ctx,
            report,
            rest,
            &format!("avvikelse/{}/{PURCHASES}/ovriga", purchaser.code),
            "köpens avvikelse + utförarnas avvikelser för försäljning",
            None,
            true,
        )));
        p.inlines.push(Inline::Text(
            ", gäller köp från andra utförare eller att köp och försäljning inte är \
             budgeterade lika."
                .into(),
        ));
    }
    // In the programme area's net cost the internal trade cancels out, except a difference
    // between booked purchases and sales, which stays in the result.
    let root = tree.root().map(|r| r.code.clone()).unwrap_or_default();
    let difference = ctx
        .inputs
        .programme
        .as_ref()
        .and_then(|pd| pd.forecast.node(&root))
        .map(|n| n.difference().total())
        .unwrap_or_default();
    if difference.is_zero() {
        p.inlines.push(Inline::Text(
            " I programområdets nettokostnad tar köpen och försäljningarna mellan nämnderna ut \
             varandra."
                .into(),
        ));
    } else {
        p.inlines.push(Inline::Text(
            " I programområdets nettokostnad tar köpen och försäljningarna mellan nämnderna ut \
             varandra, utom en differens på "
                .into(),
        ));
        p.inlines.push(Inline::Number(amount(
            ctx,
            report,
            difference,
            &format!("konsolidering/{root}/differens_interna"),
            "interna köp − interna försäljningar, prognos",
            Some((
                "programomrade-brutto",
                &format!("{root}/differens_interna"),
                "prognos",
            )),
            false,
        )));
        p.inlines.push(Inline::Text(
            " mellan bokförda köp och försäljningar som ligger kvar i resultatet.".into(),
        ));
    }
    Some(p)
}

fn change_sentence(
    ctx: &Ctx,
    report: &Report,
    p: &mut Paragraph,
    f: &Figures,
    row: &str,
    node: &str,
    prev: &str,
) {
    let change = f.deviation() - f.previous_deviation();
    let money = ctx.money();
    if money.render(&Value::Amount(change.abs_amount()))
        == money.render(&Value::Amount(Amount::ZERO))
    {
        p.inlines.push(Inline::Text(format!(
            ", i stort sett oförändrat jämfört med {prev}"
        )));
        return;
    }
    p.inlines.push(Inline::Text(format!(
        ", {} med ",
        if change.ore() < 0 {
            "en försämring"
        } else {
            "en förbättring"
        }
    )));
    p.inlines.push(Inline::Number(amount(
        ctx,
        report,
        change,
        &format!("forandring-avvikelse/{node}"),
        "avvikelse nu − avvikelse i föregående prognos",
        Some(("drift", row, "forandring")),
        true,
    )));
    p.inlines.push(Inline::Text(format!(" jämfört med {prev}")));
}

trait AbsAmount {
    fn abs_amount(self) -> Amount;
}

impl AbsAmount for Amount {
    fn abs_amount(self) -> Amount {
        Amount::from_ore(self.ore().abs())
    }
}

fn committee_paragraph(
    ctx: &Ctx,
    report: &Report,
    n: &OrgNode,
    f: &Figures,
    prev: Option<&str>,
) -> Paragraph {
    let dev = f.deviation();
    let mut p = Paragraph::default();
    p.inlines.push(Inline::Text(format!(
        "Prognosen för {} visar {} på ",
        n.name,
        surplus_word(dev)
    )));
    let total_idx = 0;
    p.inlines.push(Inline::Number(amount(
        ctx,
        report,
        dev,
        &format!("avvikelse/{}", n.code),
        "budget − prognos",
        Some(("drift", &n.code, "avvikelse")),
        true,
    )));
    if let (Some(prev), true) = (prev, f.has_previous) {
        change_sentence(ctx, report, &mut p, f, &n.code, &n.code, prev);
    }
    p.inlines.push(Inline::Text(". ".into()));
    // Decomposition by kontogrupp: the largest contributors in the deviation's direction.
    let table = format!("kontogrupper-{}", n.code);
    let mut parts: Vec<(String, String, Amount)> = ctx
        .inputs
        .mapping
        .groups()
        .iter()
        .map(|g| {
            let gf = ctx.rollup.group(&n.code, &g.code);
            (
                g.code.clone(),
                delar_core::words::lower(&g.name),
                gf.deviation(),
            )
        })
        .filter(|(_, _, d)| !d.is_zero())
        .collect();
    parts.sort_by_key(|(_, _, d)| std::cmp::Reverse(d.ore().abs()));
    // A part that shows as zero at the report's precision explains nothing.
    let money = ctx.money();
    let zero = money.render(&Value::Amount(Amount::ZERO));
    let same_way: Vec<(String, String, Amount)> = parts
        .iter()
        .filter(|(_, _, d)| (d.ore() < 0) == (dev.ore() < 0))
        .filter(|(_, _, d)| money.render(&Value::Amount(d.abs_amount())) != zero)
        .cloned()
        .collect();
    // Every part at or above the threshold is named, so `övrigt` never holds an item the
    // definition says is worth a word; when none reaches it, the two largest.
    let mut main: Vec<(String, String, Amount)> = same_way
        .iter()
        .filter(|(_, _, d)| d.abs_amount() >= ctx.threshold)
        .cloned()
        .collect();
    if main.is_empty() {
        main = same_way.into_iter().take(2).collect();
    }
    // The parts pulling the other way that pass the threshold: otherwise a large
    // counteracting kontogrupp hides in `övrigt`.
    if !main.is_empty() {
        main.extend(
            parts
                .iter()
                .filter(|(_, _, d)| {
                    (d.ore() < 0) != (dev.ore() < 0) && d.abs_amount() >= ctx.threshold
                })
                .cloned(),
        );
    }
    if !main.is_empty() {
        let rest = main.iter().fold(dev, |r, (_, _, d)| r - *d);
        // When what is left shows as zero, the parts are the deviation as far as the reader
        // can see: no `övrigt (0,0 mnkr)`, and no exact-sum claim either.
        let rest_shown = money.render(&Value::Amount(rest.abs_amount())) != zero;
        p.inlines.push(Inline::Text(
            if rest_shown {
                "Avvikelsen består av "
            } else {
                "Avvikelsen består i huvudsak av "
            }
            .into(),
        ));
        let mut idx = Vec::new();
        for (i, (code, name, d)) in main.iter().enumerate() {
            if i > 0 {
                p.inlines.push(Inline::Text(
                    if !rest_shown && i + 1 == main.len() {
                        " och "
                    } else {
                        ", "
                    }
                    .into(),
                ));
            }
            p.inlines.push(Inline::Text(format!("{name} (")));
            p.inlines.push(Inline::Number(amount(
                ctx,
                report,
                *d,
                &format!("avvikelse/{}/{code}", n.code),
                "budget − prognos",
                Some((&table, code, "avvikelse")),
                false,
            )));
            p.inlines.push(Inline::Text(")".into()));
            idx.push(p.numbers().len() - 1);
        }
        if !rest_shown {
            p.inlines.push(Inline::Text(". ".into()));
        } else {
            p.inlines.push(Inline::Text(" och övrigt (".into()));
            p.inlines.push(Inline::Number(amount(
                ctx,
                report,
                rest,
                &format!("avvikelse-ovrigt/{}", n.code),
                "avvikelsen minus de redovisade kontogrupperna",
                None,
                false,
            )));
            idx.push(p.numbers().len() - 1);
            p.inlines.push(Inline::Text("). ".into()));
            p.sums.push(TextSum {
                total: total_idx,
                parts: idx,
            });
        }
    }
    // Comments and adjustments from the committee's largest lines.
    let mut lines: Vec<&delar_forecast::ForecastLine> = ctx
        .inputs
        .lines
        .iter()
        .filter(|l| {
            l.node == n.code
                || ctx
                    .inputs
                    .tree
                    .ancestors(&l.node)
                    .iter()
                    .any(|a| a.code == n.code)
        })
        .collect();
    lines.sort_by_key(|l| std::cmp::Reverse(l.deviation().ore().abs()));
    let mut said = 0;
    for l in lines.iter().take(10) {
        if said >= 2 {
            break;
        }
        let unit = ctx
            .inputs
            .tree
            .node(&l.node)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| l.node.clone());
        if let Some(c) = l.comment.as_deref().filter(|c| !c.trim().is_empty()) {
            p.inlines.push(Inline::Text(format!(
                "{unit}: {}. ",
                c.trim().trim_end_matches('.')
            )));
            said += 1;
        }
        for a in l
            .adjustments
            .iter()
            .filter(|a| !a.comment.trim().is_empty())
        {
            p.inlines.push(Inline::Text(format!(
                "{unit}: {} – {}. ",
                a.kind.name(),
                a.comment.trim().trim_end_matches('.')
            )));
            said += 1;
        }
    }
    // trim the trailing space
    if let Some(Inline::Text(t)) = p.inlines.last_mut() {
        *t = t.trim_end().to_string();
    }
    p
}

/// "Förväntad utveckling" drafted from the data rather than fixed text: the population
/// forecast of the oldest (80 years and older, when the report covers elderly care), the
/// volume series that changed most against
/// the same months last year, and the decisions not carried out against a year earlier. Each
/// is a paragraph of its own (`utveckling.befolkning`, `utveckling.volymer`,
/// `utveckling.koer`), left out when its data are missing.
pub fn outlook(ctx: &Ctx, _report: &Report) -> Vec<(String, Paragraph)> {
    use delar_followup::model::Basis;
    let mut out = Vec::new();
    let year = ctx.year();
    let cutoff = ctx.inputs.round.cutoff_month();
    let text = |s: String| Inline::Text(s);
    // A count or a share bound to the fact it states (R4: no loose numbers in the text).
    let count = |n: i64, fact: String, origin: &str| {
        let format = Format::Number { decimals: 0 };
        let value = Value::Number(n as f64);
        Inline::Number(BoundNumber {
            // Two to twelve in words; one stays a digit (its word depends on the noun).
            text: if (2..=12).contains(&n) {
                delar_core::words::count_text(n as u64, false)
            } else {
                format.render(&value)
            },
            value,
            format,
            source: Some(Source {
                fact,
                origin: origin.into(),
            }),
            cell: None,
        })
    };
    let share = |x: f64, fact: String, origin: &str| {
        let format = Format::Percent { decimals: 1 };
        let value = Value::Ratio(x);
        Inline::Number(BoundNumber {
            text: format.render(&value),
            value,
            format,
            source: Some(Source {
                fact,
                origin: origin.into(),
            }),
            cell: None,
        })
    };
    if let Some(f) = &ctx.inputs.followup {
        // The oldest: every band from 80, outcome last year against this year's forecast.
        let old = |basis: Basis, y: i32| -> Option<i64> {
            let rows: Vec<i64> = f
                .data
                .population
                .iter()
                .filter(|p| p.year == y && p.basis == basis && p.band.from >= 80)
                .map(|p| p.total)
                .collect();
            (!rows.is_empty()).then(|| rows.iter().sum())
        };
        // Only where the report covers elderly care (SCB's activities 510–512).
        let elderly_care = ctx.inputs.tree.nodes().iter().any(|n| {
            n.activity
                .as_deref()
                .is_some_and(|a| ["510", "511", "512"].iter().any(|c| a.starts_with(c)))
        });
        if let (true, Some(now), Some(next)) = (
            elderly_care,
            old(Basis::Outcome, year - 1),
            old(Basis::Forecast, year),
        ) {
            if now > 0 && next != now {
                let diff = next - now;
                let way = if diff > 0 { "ökar" } else { "minskar" };
                let origin = "befolkning.csv, 80 år och äldre";
                let p = Paragraph {
                    inlines: vec![
                        text(format!(
                            "Enligt befolkningsprognosen {way} antalet invånare 80 år och äldre \
                             med "
                        )),
                        count(
                            diff.abs(),
                            format!("befolkning/80-/{year}/forandring"),
                            origin,
                        ),
                        text(" (".into()),
                        share(
                            diff.abs() as f64 / now as f64,
                            format!("befolkning/80-/{year}/forandring-pct"),
                            origin,
                        ),
                        text(") till ".into()),
                        count(next, format!("befolkning/80-/{year}/prognos"), origin),
                        text(format!(
                            " vid slutet av {year}, vilket {way} efterfrågan på äldreomsorg \
                             under kommande år."
                        )),
                    ],
                    ..Paragraph::default()
                };
                out.push(("utveckling.befolkning".to_string(), p));
            }
        }
        // Decisions not carried out at the cut-off against a year earlier.
        // The report's committees' queues (a committee's own report: its own).
        let committees: Vec<String> = ctx.committees().iter().map(|n| n.code.clone()).collect();
        let queue = |m: delar_core::YearMonth| -> Option<i64> {
            let rows: Vec<i64> = f
                .data
                .queues
                .iter()
                .filter(|q| q.month == m && committees.contains(&q.committee))
                .map(|q| q.total)
                .collect();
            (!rows.is_empty()).then(|| rows.iter().sum())
        };
        if let (Some(now), Some(before)) = (queue(cutoff), queue(cutoff.add_months(-12))) {
            let diff = now - before;
            let origin = "koer.csv, alla nämnder";
            let mut inlines = vec![
                text(format!("I slutet av {} fanns ", month_name(cutoff))),
                count(now, format!("koer/ej-verkstallda/{cutoff}"), origin),
                text(" beslut som inte verkställts, ".into()),
            ];
            if diff == 0 {
                inlines.push(text("lika många som ett år tidigare.".into()));
            } else {
                inlines.push(count(
                    diff.abs(),
                    format!("koer/ej-verkstallda/{cutoff}/forandring"),
                    origin,
                ));
                inlines.push(text(format!(
                    " {} än ett år tidigare.",
                    if diff > 0 { "fler" } else { "färre" }
                )));
            }
            out.push((
                "utveckling.koer".to_string(),
                Paragraph {
                    inlines,
                    ..Paragraph::default()
                },
            ));
        }
    }
    // Volumes: the last three months to the cut-off against the same months last year.
    let mut moves: Vec<(f64, String, String)> = Vec::new();
    for v in ctx
        .inputs
        .volumes
        .iter()
        .filter(|v| v.series.kind != delar_core::VolumeKind::Price)
    {
        let sum = |end: delar_core::YearMonth| -> Option<f64> {
            (0..3)
                .map(|k| v.values.get(&end.add_months(-k)).copied())
                .sum::<Option<f64>>()
        };
        let (Some(now), Some(before)) = (sum(cutoff), sum(cutoff.add_months(-12))) else {
            continue;
        };
        if before <= 0.0 {
            continue;
        }
        let change = now / before - 1.0;
        if change.abs() >= 0.05 {
            moves.push((change, v.series.name.clone(), v.series.code.clone()));
        }
    }
    moves.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()).then(a.1.cmp(&b.1)));
    // What grows drives the outlook: the largest increases first (up to four), then the
    // largest decreases (up to two), so a large fall in a small series never crowds out a
    // growing queue.
    let rising: Vec<&(f64, String, String)> = moves.iter().filter(|m| m.0 > 0.0).take(4).collect();
    let falling: Vec<&(f64, String, String)> = moves.iter().filter(|m| m.0 < 0.0).take(2).collect();
    if !moves.is_empty() {
        let months = format!(
            "{}–{}",
            month_name(cutoff.add_months(-2)),
            month_name(cutoff)
        );
        let mut inlines = vec![text(format!("Jämfört med {months} förra året har "))];
        let list = |inlines: &mut Vec<Inline>, items: &[&(f64, String, String)], verb: &str| {
            for (i, (c, name, code)) in items.iter().enumerate() {
                if i > 0 {
                    inlines.push(text(
                        if i + 1 == items.len() { " och " } else { ", " }.into(),
                    ));
                }
                inlines.push(text(if i == 0 {
                    format!("{} {verb} med ", lower_first_word(name))
                } else {
                    format!("{} med ", lower_first_word(name))
                }));
                inlines.push(share(
                    c.abs(),
                    format!("volym/{code}/{cutoff}/tre-manader-forandring"),
                    "volymer.csv",
                ));
            }
        };
        if !rising.is_empty() {
            list(&mut inlines, &rising, "ökat");
        }
        if !falling.is_empty() {
            if !rising.is_empty() {
                inlines.push(text(", medan ".into()));
            }
            let verb = if rising.is_empty() {
                "minskat"
            } else {
                "har minskat"
            };
            list(&mut inlines, &falling, verb);
        }
        inlines.push(text(".".into()));
        out.push((
            "utveckling.volymer".to_string(),
            Paragraph {
                inlines,
                ..Paragraph::default()
            },
        ));
    }
    out
}

fn month_name(m: delar_core::YearMonth) -> &'static str {
    delar_core::period::MONTH_NAMES[m.month() as usize - 1]
}

/// A series name inside a sentence: its first letter lower-case unless the first word is
/// a name or an abbreviation (`LSS`, `HVB`).
fn lower_first_word(name: &str) -> String {
    let first = name.split_whitespace().next().unwrap_or("");
    if first.chars().filter(|c| c.is_uppercase()).count() > 1 {
        name.to_string()
    } else {
        crate::economy::lower_first(name)
    }
}

/// The drafted proposal for decision: the body adopts the report and forwards it; committees
/// whose forecast shows a deficit excluding special effects get the task to reach a balanced
/// budget. Keyed `forslag.godkannande`, `forslag.overlamnande`, `forslag.NOD`.
pub fn proposal(ctx: &Ctx, report: &Report) -> Vec<(String, Paragraph)> {
    let mut body = Vec::new();
    let approver = ctx.deciding_body();
    let title = crate::economy::lower_first(&report.meta.title);
    body.push((
        "forslag.godkannande".to_string(),
        Paragraph::text(format!("{approver} fastställer {title} med helårsprognos.")),
    ));
    let recipient = ctx
        .decision
        .mottagare
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .unwrap_or("Kommunstyrelsen");
    body.push((
        "forslag.overlamnande".to_string(),
        Paragraph::text(format!(
            "{} överlämnas till {recipient} för vidare hantering.",
            if title.starts_with("delårsrapport") {
                "Delårsrapporten"
            } else {
                "Rapporten"
            }
        )),
    ));
    for n in ctx
        .committees()
        .into_iter()
        .filter(|n| n.kind.is_committee())
    {
        let f = ctx.rollup.total(&n.code);
        let excl = f.budget - f.forecast_excl_special;
        if excl.ore() < 0 && excl.ore().abs() >= ctx.threshold.ore() {
            let mut p = Paragraph::default();
            // In a committee's own report the committee decides, so it gives the task to
            // its administration; in the programme report the committee gets it.
            let own = ctx.root().is_some_and(|r| r.code == n.code);
            p.inlines.push(Inline::Text(if own {
                format!(
                    "{} ger förvaltningen i uppdrag att ta fram åtgärder för att nå en budget i \
                     balans; prognosen visar ett underskott på ",
                    n.name
                )
            } else {
                format!(
                    "{} får i uppdrag att vidta åtgärder för att nå en budget i balans; \
                     prognosen visar ett underskott på ",
                    n.name
                )
            }));
            p.inlines.push(Inline::Number(amount(
                ctx,
                report,
                excl,
                &format!("avvikelse-exkl-sarskilda/{}", n.code),
                "budget − prognos exklusive särskilda poster",
                Some(("sarskilda", ctx.row_key(&n.code), "avvikelse_exkl")),
                true,
            )));
            // Named only when there are special items to leave out.
            let special = !(f.special_structural.is_zero() && f.special_other.is_zero());
            p.inlines.push(Inline::Text(
                if special {
                    " exklusive särskilda poster."
                } else {
                    "."
                }
                .into(),
            ));
            body.push((format!("forslag.{}", n.code), p));
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::sentences;

    #[test]
    fn sentences_split_at_ends_but_not_inside_markup_or_references() {
        assert_eq!(
            sentences(
                "Prognosen är {drift.summa.prognos}. Avvikelsen, t.ex. i personal, är \
                 {drift.SN.avvikelse}! **Fet. Mening.** *Kursiv?* Sista {x.y.z}"
            ),
            vec![
                "Prognosen är {drift.summa.prognos}.",
                "Avvikelsen, t.ex. i personal, är {drift.SN.avvikelse}!",
                "**Fet. Mening.**",
                "*Kursiv?*",
                "Sista {x.y.z}",
            ]
        );
        assert_eq!(
            sentences("En mening utan slut"),
            vec!["En mening utan slut"]
        );
        assert_eq!(sentences("  "), Vec::<&str>::new());
    }
}
