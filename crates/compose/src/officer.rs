//! The officer's report (tjänsteskrivelse) that goes with an interim report to the deciding
//! body: diary number, officer, recipient, the matter, the proposal for decision, a summary,
//! the description of the matter, the decision basis and who it is sent to. Its figures are
//! the report's own (the proposal and the summary are taken from the built report, so the two
//! documents cannot disagree).

use crate::definition::Definition;
use delar_report::{Block, FormalLine, Inline, Meta, Paragraph, Report, Section};

/// The officer's report for `report` (built with `def`); `appendices` are the committees'
/// own reports written with it (their subtitles name them in the decision basis).
pub fn officer_report(def: &Definition, report: &Report, appendices: &[&Report]) -> Report {
    let m = &report.meta;
    let b = &def.beslut;
    let body = formal(m, "Beslutande organ").unwrap_or_else(|| m.subtitle.clone());
    let recipient = b
        .mottagare
        .clone()
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "Kommunstyrelsen".into());
    let title_lower = crate::economy::lower_first(&m.title);
    let matter = format!("{} med helårsprognos, {}", m.title, m.subtitle);
    let mut lines = vec![
        line("Ärende", matter.clone()),
        line("Mottagare", body.clone()),
    ];
    if let Some(d) = b.dnr.as_deref().filter(|d| !d.trim().is_empty()) {
        lines.push(line("Dnr", d.trim().into()));
    }
    if let Some(h) = b.handlaggare.as_deref().filter(|h| !h.trim().is_empty()) {
        lines.push(line("Handläggare", h.trim().into()));
    }
    if let Some(meeting) = formal(m, "Sammanträde") {
        lines.push(line("Sammanträde", meeting));
    }
    let mut sections = Vec::new();
    // The proposal, as the report has it.
    if let Some(proposal) = find_callout(report, "Förslag till beslut") {
        sections.push(section(
            "forslag",
            "Förslag till beslut",
            proposal
                .into_iter()
                .map(|p| Block::Paragraph(detached(p)))
                .collect(),
        ));
    }
    // The summary: the first paragraph of the report's analysis and, when the report ties
    // the purchaser's purchases to the providers' sales, that paragraph too: without it a
    // reader of the proposal sees the providers' deficits but not the purchaser's surplus
    // that mirrors them.
    let mut paragraphs = first_paragraphs(report, 1);
    if let Some(p) = mirror_paragraph(report) {
        paragraphs.push(p);
    }
    let summary: Vec<Block> = paragraphs
        .into_iter()
        .map(|p| Block::Paragraph(detached(p)))
        .collect();
    if !summary.is_empty() {
        sections.push(section("sammanfattning", "Sammanfattning", summary));
    }
    let mut description = vec![Block::Paragraph(Paragraph::text(format!(
        "{} redovisar utfallet för {} och en prognos för helåret {} för {}. Rapporten \
         innehåller förvaltningens bedömning och analys av prognosen, väsentliga händelser, \
         förväntad utveckling, uppföljningen av mål, indikatorer och uppdrag samt ekonomi, \
         personal och investeringar.",
        m.title,
        m.period_label,
        m.round.year,
        crate::economy::lower_first(&m.subtitle)
    )))];
    description.push(Block::Paragraph(Paragraph::text(format!(
        "{body} föreslås fastställa {title_lower} och överlämna den till {recipient}."
    ))));
    sections.push(section("arendet", "Ärendebeskrivning", description));
    let mut basis = vec![Paragraph::text(format!("{}, {}", m.title, m.subtitle))];
    basis.extend(
        appendices
            .iter()
            .map(|a| Paragraph::text(format!("{}, {}", a.meta.title, a.meta.subtitle))),
    );
    sections.push(section(
        "underlag",
        "Beslutsunderlag",
        vec![Block::List {
            ordered: false,
            items: basis,
        }],
    ));
    let mut to: Vec<String> = vec![recipient];
    to.extend(appendices.iter().map(|a| a.meta.subtitle.clone()));
    to.extend(b.expedieras.iter().cloned());
    to.dedup();
    sections.push(section(
        "expedieras",
        "Expedieras till",
        vec![Block::List {
            ordered: false,
            items: to.into_iter().map(Paragraph::text).collect(),
        }],
    ));
    let mut out = Report {
        meta: Meta {
            title: "Tjänsteskrivelse".into(),
            subtitle: matter,
            organisation: m.organisation.clone(),
            round: m.round,
            period_label: m.period_label.clone(),
            date: m.date.clone(),
            draft: m.draft,
            formal: lines,
            style: m.style.clone(),
        },
        sections,
    };
    for s in &mut out.sections {
        s.numbered = false;
    }
    out.number();
    out
}

fn line(label: &str, value: String) -> FormalLine {
    FormalLine {
        label: label.into(),
        value,
    }
}

fn formal(m: &Meta, label: &str) -> Option<String> {
    m.formal
        .iter()
        .find(|l| l.label == label)
        .map(|l| l.value.clone())
}

fn section(id: &str, title: &str, blocks: Vec<Block>) -> Section {
    Section {
        id: id.into(),
        title: title.into(),
        number: String::new(),
        numbered: false,
        role: None,
        blocks,
        sections: Vec::new(),
    }
}

/// A paragraph as it stands in the officer's report: its figures keep their facts but not
/// their cells (the report's tables are not in this document).
fn detached(mut p: Paragraph) -> Paragraph {
    for i in &mut p.inlines {
        if let Inline::Number(n) = i {
            n.cell = None;
        }
    }
    p
}

fn find_callout(report: &Report, title: &str) -> Option<Vec<Paragraph>> {
    report.walk().into_iter().find_map(|(_, s)| {
        s.blocks.iter().find_map(|b| match b {
            Block::Callout { title: t, body } if t == title => Some(body.clone()),
            _ => None,
        })
    })
}

/// The analysis paragraph that ties a purchaser's purchases of activity to the providers'
/// sales (bound to both kontogrupper's deviations), if the report has one.
fn mirror_paragraph(report: &Report) -> Option<Paragraph> {
    report.walk().into_iter().find_map(|(_, s)| {
        s.blocks.iter().find_map(|b| match b {
            Block::Paragraph(p) => {
                let facts: Vec<String> = p
                    .numbers()
                    .iter()
                    .filter_map(|n| n.source.as_ref().map(|s| s.fact.clone()))
                    .collect();
                // `avvikelse/NODE/GROUP`: one node's purchases and another's sales.
                let node_of = |group: &str| -> Vec<&str> {
                    facts
                        .iter()
                        .filter_map(|f| {
                            let mut parts = f.split('/');
                            match (parts.next(), parts.next(), parts.next(), parts.next()) {
                                (Some("avvikelse"), Some(n), Some(g), None) if g == group => {
                                    Some(n)
                                }
                                _ => None,
                            }
                        })
                        .collect()
                };
                let (buyers, sellers) = (node_of("kop_verksamhet"), node_of("forsaljning"));
                let mirror = buyers.iter().any(|b| sellers.iter().any(|s| s != b));
                mirror.then(|| p.clone())
            }
            _ => None,
        })
    })
}

/// The first `n` paragraphs of the first section after the proposal that has paragraphs.
fn first_paragraphs(report: &Report, n: usize) -> Vec<Paragraph> {
    for (_, s) in report.walk() {
        let ps: Vec<Paragraph> = s
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph(p) if !p.inlines.is_empty() => Some(p.clone()),
                _ => None,
            })
            .take(n)
            .collect();
        if !ps.is_empty() {
            return ps;
        }
    }
    Vec::new()
}
