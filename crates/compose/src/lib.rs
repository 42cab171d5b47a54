//! Builds the report model ([`delar_report::Report`]) from data already read from the store:
//! the organisation, outcome and budget per node × kontogrupp, forecast lines of this and the
//! previous round, and the follow-up registers, following a report [`Definition`]. Pure: the
//! CLI gathers the [`Inputs`].

pub mod data;
pub mod definition;
pub mod economy;
pub mod followup;
pub mod narrative;
pub mod officer;
pub mod programme;
pub mod volumes;

pub use data::{AccuracyRow, FollowupInputs, Inputs, Monthly, Rollup};
pub use definition::{
    AppendixDef, Content, Definition, DefinitionError, SectionDef, SignConvention,
};
pub use narrative::Draft;
pub use programme::ProgrammeData;

use delar_core::period::MONTH_NAMES;
use delar_report::{Block, Meta, Report, Section};
use economy::Ctx;

/// Content that needs the finished tables (text with bound figures, drafts): built in a
/// second pass. Path of section indices, block index, the content.
type Pending = (Vec<usize>, usize, Content);

/// Build the report a definition describes from the inputs. `draft` marks every page.
pub fn build(def: &Definition, inputs: &Inputs, draft: bool) -> Result<Report, DefinitionError> {
    build_with_drafts(def, inputs, draft).map(|(r, _)| r)
}

/// [`build`], also returning the drafted paragraphs a person may rewrite (with the edits in
/// force), in report order.
pub fn build_with_drafts(
    def: &Definition,
    inputs: &Inputs,
    draft: bool,
) -> Result<(Report, Vec<narrative::Draft>), DefinitionError> {
    let ctx = Ctx::new(inputs, def);
    let mut pending: Vec<Pending> = Vec::new();
    let mut sections = Vec::new();
    for (i, s) in def.avsnitt.iter().enumerate() {
        sections.push(section(&ctx, s, vec![i], &mut pending)?);
    }
    let round = inputs.round;
    let cutoff = round.cutoff_month();
    let date = match &def.datum {
        Some(d) => delar_core::Date::parse(d)
            .map_err(|e| DefinitionError(format!("rapportdefinitionens datum: {e}")))?
            .to_string(),
        None => cutoff.next().last_day().to_string(),
    };
    let period_label = if round.cutoff == 1 {
        format!("januari {}", round.year)
    } else {
        format!(
            "januari\u{2013}{} {}",
            MONTH_NAMES[round.cutoff as usize - 1],
            round.year
        )
    };
    let root_name = inputs
        .tree
        .root()
        .map(|r| r.name.clone())
        .unwrap_or_default();
    let mut report = Report {
        meta: Meta {
            title: def.titel.clone().unwrap_or_else(|| round.name()),
            subtitle: def.undertitel.clone().unwrap_or(root_name),
            organisation: def
                .stil
                .as_ref()
                .and_then(|s| s.kommun.clone())
                .unwrap_or_else(|| inputs.organisation.clone()),
            round,
            period_label,
            date,
            draft,
            formal: ctx.formal_lines(),
            style: def.stil.as_ref().map(|s| s.house_style()),
        },
        sections,
    };
    // Second pass, last first so block indices stay valid (drafts are collected in reverse).
    let mut drafts: Vec<Vec<narrative::Draft>> = Vec::new();
    for (path, idx, content) in pending.into_iter().rev() {
        let title = {
            let mut sec = &report.sections[path[0]];
            for &i in &path[1..] {
                sec = &sec.sections[i];
            }
            sec.title.clone()
        };
        let mut here = Vec::new();
        let mut keyed = |paragraphs: Vec<(String, delar_report::Paragraph)>| {
            paragraphs
                .into_iter()
                .map(|(key, p)| narrative::keyed(&ctx, &report, &title, key, p, &mut here))
                .collect::<Result<Vec<_>, String>>()
                .map_err(|e| DefinitionError(format!("rapporttexten: {e}")))
        };
        let blocks = match &content {
            Content::Text { text } => narrative::text_blocks(text, &report, &ctx)
                .map_err(|e| DefinitionError(format!("rapportdefinitionens text: {e}")))?,
            // A paragraph whose every sentence was bound to data the report lacks is left out.
            Content::Analys => keyed(narrative::analysis(&ctx, &report))?
                .into_iter()
                .filter(|p| !p.inlines.is_empty())
                .map(Block::Paragraph)
                .collect(),
            Content::Utveckling => keyed(narrative::outlook(&ctx, &report))?
                .into_iter()
                .filter(|p| !p.inlines.is_empty())
                .map(Block::Paragraph)
                .collect(),
            Content::Forslag => vec![Block::Callout {
                title: "Förslag till beslut".into(),
                body: numbered(
                    keyed(narrative::proposal(&ctx, &report))?
                        .into_iter()
                        .filter(|p| !p.inlines.is_empty())
                        .collect(),
                ),
            }],
            _ => unreachable!("only text and drafts are pending"),
        };
        drafts.push(here);
        let mut sec = &mut report.sections[path[0]];
        for &i in &path[1..] {
            sec = &mut sec.sections[i];
        }
        sec.blocks.splice(idx..idx + 1, blocks);
    }
    delar_report::check::note_rounding(&mut report);
    report.number();
    Ok((report, drafts.into_iter().rev().flatten().collect()))
}

/// The points of a proposal numbered `1.`, `2.` … as a committee's minutes have them (a
/// paragraph a person already numbered keeps its own number).
fn numbered(paragraphs: Vec<delar_report::Paragraph>) -> Vec<delar_report::Paragraph> {
    paragraphs
        .into_iter()
        .enumerate()
        .map(|(i, mut p)| {
            let own = p
                .plain()
                .split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            if !own {
                p.inlines
                    .insert(0, delar_report::Inline::Text(format!("{}. ", i + 1)));
            }
            p
        })
        .collect()
}

pub(crate) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        let c = match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out.trim_matches('-').to_string()
}

/// A follow-up chapter, or `None` when the registers are not loaded.
fn followup_section(ctx: &Ctx, c: &Content) -> Option<Section> {
    let f = ctx.inputs.followup.as_ref()?;
    let committees: Vec<(String, String)> = ctx
        .committees()
        .iter()
        .filter(|n| n.kind.is_committee())
        .map(|n| (n.code.clone(), n.name.clone()))
        .collect();
    let tree = &ctx.inputs.tree;
    let activities: Vec<String> = tree
        .nodes()
        .iter()
        .filter(|n| {
            committees
                .iter()
                .any(|(c, _)| n.code == *c || tree.ancestors(&n.code).iter().any(|a| a.code == *c))
        })
        .filter_map(|n| n.activity.clone())
        .collect();
    let fctx = followup::FollowupContext {
        data: &f.data,
        assessment: &f.assessment,
        scale: &f.scale,
        year: ctx.year(),
        cutoff: ctx.inputs.round.cutoff_month(),
        committees: &committees,
        activities: &activities,
    };
    Some(match c {
        Content::Mal => followup::goal_chapter(&fctx),
        Content::Sammanfattning => followup::observations_summary(&fctx),
        Content::Atagande => followup::commitments_checklist(&fctx),
        Content::Uppdrag => followup::strategic_assignments(&fctx),
        Content::Effektiviseringar => followup::efficiency_measures(&fctx),
        Content::Investeringar => followup::investments(&fctx),
        Content::Personal => followup::staff(&fctx),
        Content::Volymer { serier } => {
            let charted = serier.clone().unwrap_or_else(|| {
                f.series
                    .iter()
                    .filter(|s| s.kind == delar_core::VolumeKind::Stock)
                    .take(2)
                    .map(|s| s.code.clone())
                    .collect()
            });
            followup::volumes(
                &f.series,
                &f.values,
                ctx.year(),
                ctx.inputs.round.cutoff_month(),
                &charted,
            )
        }
        Content::Handelser => followup::events(&fctx),
        Content::Jamforelse => followup::cost_comparison(&fctx),
        Content::Statsbidrag => followup::state_grants(&fctx),
        Content::Koer => followup::queues(&fctx),
        Content::Befolkning => followup::population(&fctx),
        Content::FemAr => {
            let mut years = ctx.inputs.years.clone();
            if let Some(root) = ctx.root() {
                let t = ctx.rollup.total(&root.code);
                years.push(followup::YearEconomy {
                    year: ctx.year(),
                    net_cost: t.forecast,
                    budget: t.budget,
                    forecast: true,
                });
            }
            followup::five_year_summary(&fctx, &years)
        }
        _ => return None,
    })
}

/// The tables a follow-up chapter makes (ids, or prefixes ending in `-`), so that text bound
/// to them is dropped when the registers are not loaded ([`Ctx::leave_out`]).
fn followup_table_ids(c: &Content) -> &'static [&'static str] {
    match c {
        Content::Mal => &["indikatorer-"],
        Content::Sammanfattning => &["sammanfattande-iakttagelser"],
        Content::Atagande => &["ataganden"],
        Content::Uppdrag => &["strategiska-uppdrag"],
        Content::Effektiviseringar => &["effektiviseringar"],
        Content::Investeringar => &["investeringar"],
        Content::Personal => &["personal-sjukfranvaro", "personal-nyckeltal"],
        Content::Volymer { .. } => &["volymer", "volym-"],
        Content::Handelser => &["vasentliga-handelser"],
        Content::Jamforelse => &["jamforelse-"],
        Content::Statsbidrag => &["riktade-statsbidrag"],
        Content::Koer => &["ej-verkstallda-beslut"],
        Content::Befolkning => &["befolkning"],
        Content::FemAr => &["femarsoversikt"],
        _ => &[],
    }
}

/// The programme content items (docs/REPORTS.md): blocks into the definition's section,
/// subsections into `generated`; a paragraph saying why when there is no consolidation.
fn programme_content(
    ctx: &Ctx,
    c: &Content,
    blocks: &mut Vec<Block>,
    generated: &mut Vec<Section>,
) {
    let Some(data) = ctx.inputs.programme.as_ref() else {
        for id in [
            "programomrade",
            "programomrade-brutto",
            "intraprenader",
            "sarskilda-effekter",
            "resultat-inkl-exkl",
            "egen-",
            "namnd-",
        ] {
            ctx.leave_out(id, None);
        }
        blocks.push(Block::Paragraph(delar_report::Paragraph::text(
            "Programområdets konsolidering saknas: organisationen har ingen programnämnd \
             under roten, eller så har prognosen inte beräknats.",
        )));
        return;
    };
    let def_mode = match ctx.comparison {
        definition::Comparison::Omraknad => delar_consolidate::restate::ComparisonMode::Restate,
        definition::Comparison::EjJamforbar => {
            delar_consolidate::restate::ComparisonMode::NotComparable
        }
    };
    let round = ctx.inputs.round;
    let comparison = data.comparison(
        round.year,
        round.cutoff_month(),
        def_mode,
        ctx.unit,
        ctx.decimals,
    );
    let line_order: Vec<String> = ctx
        .inputs
        .mapping
        .groups()
        .iter()
        .map(|g| g.code.clone())
        .collect();
    let inp = programme::ProgrammeInput {
        round,
        tree: &ctx.inputs.tree,
        programme_committee: &data.programme_committee,
        budget: &data.budget,
        forecast: &data.forecast,
        line_names: &data.line_names,
        line_order: &line_order,
        equity: &data.equity,
        special: &data.special,
        comparison: comparison.as_ref(),
        method_note: data.method_note.as_deref(),
        unit: ctx.unit,
        decimals: ctx.decimals,
    };
    match c {
        Content::Programomrade => generated.extend(programme::programme_sections(&inp)),
        Content::ProgramomradeForslag => blocks.push(programme::proposal_list(&inp)),
        Content::ProgramomradeProgramnamnd => blocks.push(Block::Table(programme::own_table(&inp))),
        Content::ProgramomradeNamnder => generated.extend(programme::committee_sections(&inp)),
        Content::ProgramomradeKonsoliderat => blocks.extend(programme::area_blocks(&inp)),
        Content::ProgramomradeIntraprenader => match programme::equity_block(&inp) {
            Some(b) => blocks.push(b),
            None => blocks.push(Block::Paragraph(delar_report::Paragraph::text(
                "Det finns inga intraprenader med ingående eget kapital; importera dem med \
                 `delar import intraprenader intraprenader.csv`.",
            ))),
        },
        Content::ProgramomradeSarskilda => blocks.extend(programme::special_blocks(&inp)),
        _ => {}
    }
}

fn section(
    ctx: &Ctx,
    def: &SectionDef,
    path: Vec<usize>,
    pending: &mut Vec<Pending>,
) -> Result<Section, DefinitionError> {
    let mut blocks = Vec::new();
    let mut generated = Vec::new();
    for c in &def.innehall {
        match c {
            Content::Text { .. } | Content::Analys | Content::Utveckling | Content::Forslag => {
                pending.push((path.clone(), blocks.len(), c.clone()));
                blocks.push(Block::PageBreak);
            }
            Content::Driftsammandrag => blocks.push(Block::Table(ctx.operating_statement())),
            Content::Ackumulerat => blocks.push(Block::Table(ctx.to_date_statement())),
            Content::Verksamhet => blocks.push(Block::Table(ctx.activity_statement())),
            Content::Kontogrupper { nod } => {
                let node = match nod {
                    Some(n) => n.clone(),
                    None => ctx.root().map(|r| r.code.clone()).unwrap_or_default(),
                };
                let t = ctx.group_statement(&node).ok_or_else(|| {
                    DefinitionError(format!(
                        "kontogrupper: noden \"{node}\" finns inte i organisationen"
                    ))
                })?;
                blocks.push(Block::Table(t));
            }
            Content::Namnder => {
                for n in ctx.committees() {
                    let mut b = Vec::new();
                    if let Some(t) = ctx.group_statement(&n.code) {
                        b.push(Block::Table(t));
                    }
                    if let Some(c) = ctx.cumulative_chart(&n.code) {
                        b.push(Block::Chart(c));
                    }
                    generated.push(Section {
                        id: format!("namnd-{}", slug(&n.code)),
                        title: n.name.clone(),
                        number: String::new(),
                        numbered: true,
                        role: Some("committee".into()),
                        blocks: b,
                        sections: vec![],
                    });
                }
            }
            Content::Brygga => match ctx.bridge_table() {
                Some(t) => blocks.push(Block::Table(t)),
                None => {
                    ctx.leave_out("brygga", None);
                    blocks.push(Block::Paragraph(delar_report::Paragraph::text(
                        "Det finns ingen tidigare prognos i år att jämföra med.",
                    )))
                }
            },
            Content::Prognossakerhet => match ctx.accuracy_table() {
                Some(t) => blocks.push(Block::Table(t)),
                None => {
                    ctx.leave_out("prognossakerhet", None);
                    blocks.push(Block::Paragraph(delar_report::Paragraph::text(
                        "Prognossäkerheten kan redovisas när det finns prognoser från tidigare år.",
                    )))
                }
            },
            Content::Uppdragsintakter => match ctx.provider_table() {
                Some(t) => blocks.push(Block::Table(t)),
                None => {
                    ctx.leave_out("uppdragsintakter", None);
                    blocks.push(Block::Paragraph(delar_report::Paragraph::text(
                        "Nämnden säljer inga uppdrag till andra nämnder i programområdet.",
                    )))
                }
            },
            Content::Atgardsplan => match ctx.action_plan_table() {
                Some(t) => blocks.push(Block::Table(t)),
                None => {
                    ctx.leave_out("atgardsplan", None);
                    blocks.push(Block::Paragraph(delar_report::Paragraph::text(
                        "Prognosen visar inget underskott som kräver en åtgärdsplan.",
                    )))
                }
            },
            Content::Volympris { kategori } => match ctx.volume_price_table(kategori.as_deref()) {
                Some(t) => {
                    // The volume × price split told in words before the table.
                    if let Some(p) = volumes::split_sentence(ctx, &t) {
                        blocks.push(Block::Paragraph(p));
                    }
                    blocks.push(Block::Table(t))
                }
                None => {
                    ctx.leave_out(
                        &match kategori {
                            Some(c) => format!("volympris-{}", slug(c)),
                            None => "volympris".into(),
                        },
                        None,
                    );
                    blocks.push(Block::Paragraph(delar_report::Paragraph::text(
                        "Det finns inga volymserier med styckkostnad för föregående och \
                         innevarande år.",
                    )))
                }
            },
            Content::Mal
            | Content::Sammanfattning
            | Content::Atagande
            | Content::Uppdrag
            | Content::Effektiviseringar
            | Content::Investeringar
            | Content::Personal
            | Content::Volymer { .. }
            | Content::Handelser
            | Content::Jamforelse
            | Content::Statsbidrag
            | Content::Koer
            | Content::Befolkning
            | Content::FemAr => match followup_section(ctx, c) {
                Some(s) => {
                    // the chapter's own heading is the definition's section: take its content
                    blocks.extend(s.blocks);
                    generated.extend(s.sections);
                }
                None => {
                    for id in followup_table_ids(c) {
                        ctx.leave_out(id, None);
                    }
                    blocks.push(Block::Paragraph(delar_report::Paragraph::text(
                        "Uppföljningsregistren är inte inlästa; importera dem med \
                         `delar import uppfoljning KATALOG`.",
                    )))
                }
            },
            Content::SarskildaPoster => blocks.push(Block::Table(ctx.special_table())),
            Content::DiagramAvvikelse => blocks.push(Block::Chart(ctx.deviation_chart())),
            Content::Programomrade
            | Content::ProgramomradeForslag
            | Content::ProgramomradeProgramnamnd
            | Content::ProgramomradeNamnder
            | Content::ProgramomradeKonsoliderat
            | Content::ProgramomradeIntraprenader
            | Content::ProgramomradeSarskilda => {
                programme_content(ctx, c, &mut blocks, &mut generated)
            }
            Content::DiagramAckumulerat { nod } => {
                let node = match nod {
                    Some(n) => n.clone(),
                    None => ctx.root().map(|r| r.code.clone()).unwrap_or_default(),
                };
                let c = ctx.cumulative_chart(&node).ok_or_else(|| {
                    DefinitionError(format!(
                        "diagram-ackumulerat: noden \"{node}\" finns inte i organisationen"
                    ))
                })?;
                blocks.push(Block::Chart(c));
            }
            Content::DiagramVolym { serie, kategori } => {
                match ctx
                    .volume_chart(serie.as_deref(), kategori.as_deref())
                    .map_err(DefinitionError)?
                {
                    Some(c) => blocks.push(Block::Chart(c)),
                    None => blocks.push(Block::Paragraph(delar_report::Paragraph::text(format!(
                        "Det finns inga volymer med utfall i år att visa{}.",
                        kategori
                            .as_deref()
                            .map(|k| format!(" för {}", delar_core::words::lower(k)))
                            .unwrap_or_default()
                    )))),
                }
            }
        }
    }
    let offset = generated.len();
    let mut sections = generated;
    for (i, s) in def.avsnitt.iter().enumerate() {
        let mut p = path.clone();
        p.push(offset + i);
        sections.push(section(ctx, s, p, pending)?);
    }
    Ok(Section {
        id: def.id.clone().unwrap_or_else(|| slug(&def.rubrik)),
        title: def.rubrik.clone(),
        number: String::new(),
        numbered: def.numrerad,
        role: None,
        blocks,
        sections,
    })
}
