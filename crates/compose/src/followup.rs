//! Report chapters built from the follow-up registers: goal chapters per goal area with
//! indicator tables, the summary table of observations (generated from the goal chapter),
//! commitments, strategic assignments, efficiency measures, investments, staff, volumes,
//! events, cost comparisons and the five-year summary.
//!
//! Every function takes the data it needs and returns [`Section`]s; nothing is typed twice.
//! Facts shared between chapters carry the same [`Source::fact`](delar_report::Source) key so
//! the checks can see that they agree (R10): `indikator/<kod>/<år>` (the year's value),
//! `indikator/<kod>/<år>/prognos`, `…/mal`, `…/status`, and `mal/<kod>/status`.

use delar_core::{Amount, Unit, VolumeKind, VolumeSeries, VolumeValue, YearMonth};
use delar_followup::assess::{Assessment, Attainment, GoalStatus, Scale};
use delar_followup::model::*;
use delar_report::*;
use std::collections::BTreeMap;

/// What the goal chapters and the registers' chapters share.
#[derive(Clone, Copy, Debug)]
pub struct FollowupContext<'a> {
    /// The registers; `values` already hold the computed financial indicators
    /// (`delar_followup::assess::with_financial`).
    pub data: &'a FollowupData,
    /// The goal statuses in force (proposal + decisions), the same everywhere.
    pub assessment: &'a Assessment,
    /// The words of the status scale.
    pub scale: &'a Scale,
    /// The report's year.
    pub year: i32,
    /// The round's cut-off month.
    pub cutoff: YearMonth,
    /// The committees the report covers, in report order: organisation code and name.
    pub committees: &'a [(String, String)],
    /// The activity codes (verksamhet, SCB's räkenskapssammandrag: 510–512 care of the
    /// elderly, 513 and 52x LSS and disability, 55x–58x individ- och familjeomsorg) of the units the report covers; empty
    /// when unknown (then every comparison area is relevant).
    pub activities: &'a [String],
}

impl FollowupContext<'_> {
    /// Whether a cost comparison area (`Äldreomsorg`, `LSS`, `Individ- och familjeomsorg`)
    /// concerns the units the report covers, by their activity codes; an area the codes do
    /// not classify counts as relevant.
    fn area_relevant(&self, area: &str) -> bool {
        if self.activities.is_empty() {
            return true;
        }
        let a = area.to_lowercase();
        let prefixes: &[&str] = if a.contains("äldre") {
            &["510", "511", "512"]
        } else if a.contains("lss") || a.contains("funktions") {
            &["513", "52"]
        } else if a.contains("individ") || a.contains("familjeomsorg") {
            &["55", "56", "57", "58"]
        } else {
            return true;
        };
        self.activities
            .iter()
            .any(|c| prefixes.iter().any(|p| c.starts_with(p)))
    }

    fn covers(&self, committee: &str) -> bool {
        self.committees.iter().any(|(c, _)| c == committee)
    }

    fn committee_name(&self, code: &str) -> String {
        self.committees
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| code.to_string())
    }

    fn committee_rank(&self, code: &str) -> usize {
        self.committees
            .iter()
            .position(|(c, _)| c == code)
            .unwrap_or(usize::MAX)
    }

    fn goal(&self, code: &str) -> Option<&Goal> {
        self.data
            .goals
            .iter()
            .find(|g| g.year == self.year && g.code == code)
    }

    fn period_label(&self) -> String {
        format!("jan\u{2013}{} {}", self.cutoff.abbr(), self.cutoff.year())
    }
}

// ---------------------------------------------------------------------------------------------
// Small builders

/// The first letter in upper case (`regeländring` → `Regeländring`).
fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn col(key: &str, label: &str, format: Format) -> Column {
    Column {
        key: key.into(),
        label: label.into(),
        format,
    }
}

fn section(id: String, title: String, blocks: Vec<Block>, sections: Vec<Section>) -> Section {
    Section {
        id,
        title,
        number: String::new(),
        numbered: true,
        role: None,
        blocks,
        sections,
    }
}

fn table(id: String, caption: String, unit: Option<Unit>, columns: Vec<Column>) -> Table {
    Table {
        id,
        number: 0,
        caption,
        unit,
        sign_note: None,
        groups: vec![],
        columns,
        rows: vec![],
        identities: vec![],
        notes: vec![],
    }
}

fn row(key: impl Into<String>, kind: RowKind, cells: Vec<Cell>) -> Row {
    Row {
        key: key.into(),
        kind,
        level: 0,
        cells,
        includes: vec![],
    }
}

/// A stable id fragment: lowercase ASCII letters, digits and `-`.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            'é' => 'e',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
    }
    out.trim_end_matches('-').to_string()
}

fn num_cell(v: Option<f64>, decimals: u8) -> Cell {
    match v {
        Some(v) => Cell::new(Value::Number(v), &Format::Number { decimals }),
        None => Cell::new(Value::NoData, &Format::Number { decimals }),
    }
}

fn pct_cell(v: Option<f64>, decimals: u8) -> Cell {
    let f = Format::Percent { decimals };
    match v {
        Some(v) => Cell::new(Value::Ratio(v / 100.0), &f),
        None => Cell::new(Value::NoData, &f),
    }
}

fn money_cell(v: Option<Amount>, unit: Unit, decimals: u8) -> Cell {
    let f = Format::Amount { unit, decimals };
    match v {
        Some(a) => Cell::new(Value::Amount(a), &f),
        None => Cell::new(Value::NoData, &f),
    }
}

/// The report's status (word and level) of a goal status.
pub fn goal_status(scale: &Scale, s: GoalStatus) -> Status {
    Status {
        label: scale.label(s).to_string(),
        level: match s {
            GoalStatus::Met => StatusLevel::Good,
            GoalStatus::Partly => StatusLevel::Partial,
            GoalStatus::NotMet => StatusLevel::Bad,
            GoalStatus::NotAssessed => StatusLevel::Unknown,
        },
    }
}

/// The report's status of an indicator's attainment.
pub fn attainment_status(a: Attainment) -> Status {
    Status {
        label: a.label().to_string(),
        level: match a {
            Attainment::Met => StatusLevel::Good,
            Attainment::NotMet => StatusLevel::Bad,
            Attainment::NoData | Attainment::NotJudged => StatusLevel::Unknown,
        },
    }
}

fn assignment_status(s: AssignmentStatus) -> Status {
    Status {
        label: s.label().to_string(),
        level: match s {
            AssignmentStatus::Done => StatusLevel::Good,
            AssignmentStatus::Ongoing => StatusLevel::Partial,
            AssignmentStatus::Remaining => StatusLevel::Bad,
        },
    }
}

fn goal_fact(code: &str) -> String {
    format!("mal/{code}/status")
}

fn goal_status_cell(ctx: &FollowupContext<'_>, code: &str) -> Cell {
    let st = goal_status(ctx.scale, ctx.assessment.status(code));
    let origin = ctx
        .assessment
        .goals
        .get(code)
        .map(|g| g.explanation(ctx.scale))
        .unwrap_or_else(|| "Ej bedömd".into());
    Cell::new(Value::Status(st), &Format::Status).with_source(goal_fact(code), origin)
}

// ---------------------------------------------------------------------------------------------
// Indicators

fn value_of<'a>(
    data: &'a FollowupData,
    code: &str,
    year: i32,
    pred: impl Fn(&ValueKind) -> bool,
) -> Option<&'a IndicatorValue> {
    data.values
        .iter()
        .filter(|v| v.indicator == code && v.year == year && pred(&v.kind))
        .max_by_key(|v| match v.kind {
            ValueKind::ToDate(m) => m.as_int(),
            _ => 0,
        })
}

fn figure_cell(f: Option<&Figure>, decimals: u8, target: bool) -> Cell {
    match f {
        None | Some(Figure::NoData) => num_cell(None, decimals),
        Some(Figure::Number(k)) => num_cell(k.total, decimals),
        Some(Figure::Word(w)) => Cell::text(if target { w.target_label() } else { w.label() }),
    }
}

/// The target as text: a level with the polarity's word, a direction word, or the polarity's
/// own limits.
fn target_text(ind: &Indicator, target: Option<&Figure>) -> String {
    let n = |v: f64| format_number(v, ind.decimals);
    match (target, ind.polarity) {
        (_, Polarity::Range(a, b)) => format!("{}\u{2013}{}", n(a), n(b)),
        (Some(Figure::Word(w)), _) => w.target_label().to_string(),
        (Some(Figure::Number(k)), p) if k.total.is_some() => {
            let v = n(k.total.unwrap_or_default());
            match p {
                Polarity::Ceiling(_) | Polarity::Lower => format!("max {v}"),
                Polarity::Floor(_) | Polarity::Higher => format!("minst {v}"),
                _ => v,
            }
        }
        (_, Polarity::Ceiling(c)) => format!("max {}", n(c)),
        (_, Polarity::Floor(f)) => format!("minst {}", n(f)),
        _ => "Inget målvärde".into(),
    }
}

/// The indicator table of one goal: outcome for the two years before, the year's value
/// (outcome, else value to date) with women and men, forecast, target and status.
pub fn indicator_table(ctx: &FollowupContext<'_>, goal: &str) -> Option<Table> {
    let inds: Vec<&Indicator> = ctx
        .data
        .indicators
        .iter()
        .filter(|i| i.goal == goal)
        .collect();
    if inds.is_empty() {
        return None;
    }
    let y = ctx.year;
    let dec = inds.iter().map(|i| i.decimals).max().unwrap_or(0);
    let nf = Format::Number { decimals: dec };
    let mut t = table(
        format!("indikatorer-{}", slug(goal)),
        format!(
            "Indikatorer för målet {}",
            ctx.goal(goal).map(|g| g.name.as_str()).unwrap_or(goal)
        ),
        None,
        vec![
            col("indikator", "Indikator", Format::Text),
            col("enhet", "Enhet", Format::Text),
            col(&format!("{}", y - 2), &format!("Utfall {}", y - 2), nf),
            col(&format!("{}", y - 1), &format!("Utfall {}", y - 1), nf),
            col("aret", &format!("Utfall {y}"), nf),
            col("kvinnor", "Kvinnor", nf),
            col("man", "Män", nf),
            col("prognos", &format!("Prognos {y}"), Format::Text),
            col("mal", &format!("Målvärde {y}"), Format::Text),
            col("status", "Bedömning", Format::Status),
        ],
    );
    let mut notes = Vec::new();
    let mut to_date = false;
    let mut measures = Vec::new();
    for ind in &inds {
        let d = ind.decimals;
        let origin = match (&ind.source, &ind.source_id) {
            (SourceKind::Kolada, Some(id)) => format!("Kolada {id}"),
            (s, Some(id)) => format!("{}, {id}", s.label()),
            (s, None) => s.label().to_string(),
        };
        let mut cells = vec![Cell::text(&ind.name), Cell::text(&ind.unit)];
        for hy in [y - 2, y - 1] {
            let f =
                value_of(ctx.data, &ind.code, hy, |k| *k == ValueKind::Outcome).map(|v| &v.figure);
            cells.push(
                figure_cell(f, d, false)
                    .with_source(format!("indikator/{}/{hy}", ind.code), origin.clone()),
            );
        }
        // The year's value: the outcome when published, else the latest value to date.
        let outcome = value_of(ctx.data, &ind.code, y, |k| *k == ValueKind::Outcome)
            .filter(|v| matches!(v.figure, Figure::Number(_)));
        let current = outcome
            .or_else(|| {
                value_of(ctx.data, &ind.code, y, |k| {
                    matches!(k, ValueKind::ToDate(_))
                })
            })
            .or_else(|| value_of(ctx.data, &ind.code, y, |k| *k == ValueKind::Outcome));
        let mut current_cell = figure_cell(current.map(|v| &v.figure), d, false);
        if let Some(IndicatorValue {
            kind: ValueKind::ToDate(m),
            ..
        }) = current
        {
            to_date = true;
            current_cell.text = format!("{}*", current_cell.text);
            let _ = m;
        }
        cells.push(current_cell.with_source(format!("indikator/{}/{y}", ind.code), origin.clone()));
        let kmt = match current.map(|v| v.figure) {
            Some(Figure::Number(k)) if ind.by_sex => Some(k),
            _ => None,
        };
        for part in [kmt.and_then(|k| k.women), kmt.and_then(|k| k.men)] {
            cells.push(match (kmt, part) {
                (Some(_), Some(v)) => num_cell(Some(v), d),
                (Some(_), None) => num_cell(None, d),
                _ => Cell::empty(),
            });
        }
        if ind.by_sex {
            measures.push(ind.measure);
        }
        let forecast = value_of(ctx.data, &ind.code, y, |k| *k == ValueKind::Forecast);
        let fc = match forecast.map(|v| v.figure) {
            Some(Figure::Number(k)) => match k.total {
                Some(v) => Cell::text(format_number(v, d)),
                None => Cell::new(Value::NoData, &Format::Text),
            },
            Some(Figure::Word(w)) => Cell::text(w.label()),
            _ => Cell::new(Value::NoData, &Format::Text),
        };
        cells.push(fc.with_source(
            format!("indikator/{}/{y}/prognos", ind.code),
            origin.clone(),
        ));
        let target = value_of(ctx.data, &ind.code, y, |k| *k == ValueKind::Target);
        cells.push(
            Cell::text(target_text(ind, target.map(|v| &v.figure)))
                .with_source(format!("indikator/{}/{y}/mal", ind.code), origin.clone()),
        );
        let a = ctx.assessment.attainment(&ind.code);
        cells.push(
            Cell::new(Value::Status(attainment_status(a)), &Format::Status).with_source(
                format!("indikator/{}/{y}/status", ind.code),
                "bedömning enligt regeln i docs/GOALS.md",
            ),
        );
        t.rows.push(row(ind.code.clone(), RowKind::Item, cells));
        if let Some(c) = current.and_then(|v| v.comment.as_ref()) {
            notes.push(format!("{}: {c}", ind.name));
        }
    }
    if to_date {
        notes.insert(
            0,
            format!("* Utfall {} (hittills i år).", ctx.period_label()),
        );
    }
    notes.push("i.u. = ingen uppgift ännu.".into());
    t.notes = notes;
    let counts = |m: &MeasureKind| matches!(m, MeasureKind::Count | MeasureKind::Sum);
    if !measures.is_empty() && measures.iter().all(counts) {
        t.identities.push(Identity::Linear {
            rule: "R9".into(),
            result: "aret".into(),
            terms: vec![(1, "kvinnor".into()), (1, "man".into())],
        });
    } else if !measures.is_empty() && measures.iter().all(|m| !counts(m)) {
        t.identities.push(Identity::Between {
            rule: "R9".into(),
            result: "aret".into(),
            low: "kvinnor".into(),
            high: "man".into(),
        });
    }
    Some(t)
}

// ---------------------------------------------------------------------------------------------
// Goal chapter

fn texts<'a>(ctx: &'a FollowupContext<'_>, goal: &'a str, kind: GoalTextKind) -> Vec<&'a GoalText> {
    let mut v: Vec<&GoalText> = ctx
        .data
        .texts
        .iter()
        .filter(|t| {
            t.year == ctx.year && t.goal == goal && t.kind == kind && ctx.covers(&t.committee)
        })
        .collect();
    v.sort_by_key(|t| ctx.committee_rank(&t.committee));
    v
}

fn status_paragraph(ctx: &FollowupContext<'_>, prefix: &str, code: &str) -> Paragraph {
    let st = goal_status(ctx.scale, ctx.assessment.status(code));
    Paragraph {
        inlines: vec![
            Inline::Text(prefix.into()),
            Inline::Status(st),
            Inline::Text(".".into()),
        ],
        sums: vec![],
        edited: false,
    }
}

fn list(items: Vec<String>) -> Block {
    Block::List {
        ordered: false,
        items: items.into_iter().map(Paragraph::text).collect(),
    }
}

/// The goal areas of the year that have a committee goal of a covered committee, in order.
fn areas<'a>(ctx: &'a FollowupContext<'_>) -> Vec<&'a Goal> {
    ctx.data
        .goals
        .iter()
        .filter(|g| g.year == ctx.year && g.level == GoalLevel::Area)
        .filter(|a| !committee_goals(ctx, &a.code).is_empty())
        .collect()
}

/// The committee goals under a goal area (through its council goals), covered committees
/// only, in report order of the committees.
fn committee_goals<'a>(ctx: &'a FollowupContext<'_>, area: &str) -> Vec<&'a Goal> {
    let council: Vec<&str> = ctx
        .data
        .goals
        .iter()
        .filter(|g| g.year == ctx.year && g.parent.as_deref() == Some(area))
        .map(|g| g.code.as_str())
        .collect();
    let mut v: Vec<&Goal> = ctx
        .data
        .goals
        .iter()
        .filter(|g| {
            g.year == ctx.year
                && g.level == GoalLevel::Committee
                && g.parent.as_deref().is_some_and(|p| council.contains(&p))
                && g.committee.as_deref().is_some_and(|c| ctx.covers(c))
        })
        .collect();
    v.sort_by_key(|g| ctx.committee_rank(g.committee.as_deref().unwrap_or("")));
    v
}

/// The goal chapter: one section per goal area with its analysis, positive observations,
/// areas for improvement and status, and a subsection per committee goal (role `goal`) with
/// the council goal it serves, its status, its indicator table and its activities.
pub fn goal_chapter(ctx: &FollowupContext<'_>) -> Section {
    let mut sections = Vec::new();
    for area in areas(ctx) {
        let mut blocks = vec![Block::Paragraph(status_paragraph(
            ctx,
            "Samlad bedömning för målområdet: ",
            &area.code,
        ))];
        let multi = ctx.committees.len() > 1;
        for t in texts(ctx, &area.code, GoalTextKind::Analysis) {
            let mut p = Paragraph::text(&t.text);
            if multi {
                p.inlines.insert(
                    0,
                    Inline::Strong(format!("{}: ", ctx.committee_name(&t.committee))),
                );
            }
            p.edited = true;
            blocks.push(Block::Paragraph(p));
        }
        let pos: Vec<String> = texts(ctx, &area.code, GoalTextKind::Positive)
            .into_iter()
            .map(|t| t.text.clone())
            .collect();
        let imp: Vec<String> = texts(ctx, &area.code, GoalTextKind::Improvement)
            .into_iter()
            .map(|t| t.text.clone())
            .collect();
        if !pos.is_empty() {
            blocks.push(Block::Paragraph(Paragraph {
                inlines: vec![Inline::Strong("Positiva iakttagelser".into())],
                sums: vec![],
                edited: false,
            }));
            blocks.push(list(pos));
        }
        if !imp.is_empty() {
            blocks.push(Block::Paragraph(Paragraph {
                inlines: vec![Inline::Strong("Förbättringsområden".into())],
                sums: vec![],
                edited: false,
            }));
            blocks.push(list(imp));
        }
        let mut subs = Vec::new();
        for g in committee_goals(ctx, &area.code) {
            subs.push(goal_section(ctx, g));
        }
        sections.push(section(
            format!("malomrade-{}", slug(&area.code)),
            area.name.clone(),
            blocks,
            subs,
        ));
    }
    section(
        "mal-och-indikatorer".into(),
        "Mål och indikatorer".into(),
        vec![Block::Paragraph(Paragraph::text(format!(
            "Bedömningen av måluppfyllelsen för helåret {} bygger på indikatorernas utfall och \
             prognos mot målvärdena och på hur långt aktiviteterna har kommit. Skalan är {}, {} \
             och {}.",
            ctx.year,
            ctx.scale.met.to_lowercase(),
            ctx.scale.partly.to_lowercase(),
            ctx.scale.not_met.to_lowercase()
        )))],
        sections,
    )
}

fn goal_section(ctx: &FollowupContext<'_>, g: &Goal) -> Section {
    let mut blocks = Vec::new();
    let mut intro = Vec::new();
    if let Some(kf) = g.parent.as_deref().and_then(|p| ctx.goal(p)) {
        intro.push(Inline::Text(format!(
            "Kommunfullmäktiges mål: {}. ",
            kf.name
        )));
    }
    if let Some(c) = &g.committee {
        intro.push(Inline::Text(format!("Nämnd: {}. ", ctx.committee_name(c))));
    }
    intro.push(Inline::Text("Bedömning för helåret: ".into()));
    intro.push(Inline::Status(goal_status(
        ctx.scale,
        ctx.assessment.status(&g.code),
    )));
    intro.push(Inline::Text(".".into()));
    blocks.push(Block::Paragraph(Paragraph {
        inlines: intro,
        sums: vec![],
        edited: false,
    }));
    if let Some(ga) = ctx.assessment.goals.get(&g.code) {
        let mut text = ga.explanation(ctx.scale);
        if let Some(d) = &ga.decision {
            text = format!(
                "Bedömningen har ändrats från förslaget ({}). Motivering: {}",
                ctx.scale.label(ga.proposed).to_lowercase(),
                d.rationale
            );
        }
        blocks.push(Block::Paragraph(Paragraph::text(text)));
    }
    if let Some(d) = &g.description {
        blocks.push(Block::Paragraph(Paragraph::text(d)));
    }
    // The committee's own texts for the goal (imported, or edited for the round on the goal
    // page), as the goal area's are printed.
    for t in texts(ctx, &g.code, GoalTextKind::Analysis) {
        let mut p = Paragraph::text(&t.text);
        p.edited = true;
        blocks.push(Block::Paragraph(p));
    }
    for (kind, heading) in [
        (GoalTextKind::Positive, "Positiva iakttagelser"),
        (GoalTextKind::Improvement, "Förbättringsområden"),
    ] {
        let items: Vec<String> = texts(ctx, &g.code, kind)
            .into_iter()
            .map(|t| t.text.clone())
            .collect();
        if !items.is_empty() {
            blocks.push(Block::Paragraph(Paragraph {
                inlines: vec![Inline::Strong(heading.into())],
                sums: vec![],
                edited: false,
            }));
            blocks.push(list(items));
        }
    }
    if let Some(t) = indicator_table(ctx, &g.code) {
        blocks.push(Block::Table(t));
    }
    let acts: Vec<String> = ctx
        .data
        .commitments
        .iter()
        .filter(|c| c.year == ctx.year && c.goal.as_deref() == Some(g.code.as_str()))
        .filter_map(|c| match c.status {
            CommitmentStatus::Progress { current, forecast } => Some(format!(
                "{}: {} nu, {} vid årets slut.",
                c.name,
                current.label().to_lowercase(),
                forecast.label().to_lowercase()
            )),
            CommitmentStatus::Flags(_) => None,
        })
        .collect();
    if !acts.is_empty() {
        blocks.push(Block::Paragraph(Paragraph {
            inlines: vec![Inline::Strong("Aktiviteter".into())],
            sums: vec![],
            edited: false,
        }));
        blocks.push(list(acts));
    }
    let mut s = section(
        format!("mal-{}", slug(&g.code)),
        g.name.clone(),
        blocks,
        vec![],
    );
    s.role = Some("goal".into());
    s
}

/// The summary table of observations, generated from the same texts and statuses as the
/// goal chapter: one row per goal area with its status, positive observations and areas for
/// improvement.
pub fn observations_summary(ctx: &FollowupContext<'_>) -> Section {
    let mut t = table(
        "sammanfattande-iakttagelser".into(),
        "Sammanfattande iakttagelser per målområde".into(),
        None,
        vec![
            col("omrade", "Målområde", Format::Text),
            col("status", "Bedömning", Format::Status),
            col("positiva", "Positiva iakttagelser", Format::Text),
            col("forbattring", "Förbättringsområden", Format::Text),
        ],
    );
    for area in areas(ctx) {
        let join = |k| {
            let v: Vec<String> = texts(ctx, &area.code, k)
                .into_iter()
                .map(|t| t.text.clone())
                .collect();
            if v.is_empty() {
                Cell::text("–")
            } else {
                Cell::text(v.join(" "))
            }
        };
        t.rows.push(row(
            area.code.clone(),
            RowKind::Item,
            vec![
                Cell::text(&area.name),
                goal_status_cell(ctx, &area.code),
                join(GoalTextKind::Positive),
                join(GoalTextKind::Improvement),
            ],
        ));
    }
    section(
        "sammanfattande-iakttagelser".into(),
        "Sammanfattande iakttagelser".into(),
        vec![
            Block::Paragraph(Paragraph::text(
                "Tabellen sammanfattar målområdenas bedömning, positiva iakttagelser och \
                 förbättringsområden så som de redovisas i kapitlet Mål och indikatorer.",
            )),
            Block::Table(t),
        ],
        vec![],
    )
}

// ---------------------------------------------------------------------------------------------
// Commitments and strategic assignments

/// The commitments checklist: each commitment with its ticked boxes (Pågår, Planeras,
/// Behöver stöd) and comment.
pub fn commitments_checklist(ctx: &FollowupContext<'_>) -> Section {
    let mut t = table(
        "ataganden".into(),
        format!("Åtaganden {}", ctx.year),
        None,
        vec![
            col("namn", "Åtagande", Format::Text),
            col("namnd", "Nämnd", Format::Text),
            col("pagar", "Pågår", Format::Text),
            col("planeras", "Planeras", Format::Text),
            col("stod", "Behöver stöd", Format::Text),
            col("kommentar", "Kommentar", Format::Text),
        ],
    );
    let mut rows: Vec<&Commitment> = ctx
        .data
        .commitments
        .iter()
        .filter(|c| {
            c.year == ctx.year && c.kind == CommitmentKind::Commitment && ctx.covers(&c.committee)
        })
        .collect();
    rows.sort_by_key(|c| ctx.committee_rank(&c.committee));
    for c in rows {
        let CommitmentStatus::Flags(flags) = &c.status else {
            continue;
        };
        let tick = |f| Cell::text(if flags.contains(&f) { "X" } else { "" });
        t.rows.push(row(
            format!("{}-{}", c.committee, c.code),
            RowKind::Item,
            vec![
                Cell::text(&c.name),
                Cell::text(ctx.committee_name(&c.committee)),
                tick(CommitmentFlag::Ongoing),
                tick(CommitmentFlag::Planned),
                tick(CommitmentFlag::NeedsSupport),
                Cell::text(c.comment.clone().unwrap_or_default()),
            ],
        ));
    }
    t.notes
        .push("X = markerat. Ett åtagande kan både pågå och behöva stöd.".into());
    section(
        "ataganden".into(),
        "Åtaganden".into(),
        vec![Block::Table(t)],
        vec![],
    )
}

/// Strategic assignments (utvecklingsuppdrag): status now and forecast for year end.
pub fn strategic_assignments(ctx: &FollowupContext<'_>) -> Section {
    let mut t = table(
        "strategiska-uppdrag".into(),
        format!("Strategiska uppdrag {}", ctx.year),
        None,
        vec![
            col("namn", "Uppdrag", Format::Text),
            col("namnd", "Nämnd", Format::Text),
            col(
                "status",
                &format!("Status {}", ctx.cutoff.abbr()),
                Format::Status,
            ),
            col("prognos", "Prognos helår", Format::Status),
            col("kommentar", "Kommentar", Format::Text),
        ],
    );
    let mut rows: Vec<&Commitment> = ctx
        .data
        .commitments
        .iter()
        .filter(|c| {
            c.year == ctx.year && c.kind == CommitmentKind::Strategic && ctx.covers(&c.committee)
        })
        .collect();
    rows.sort_by_key(|c| ctx.committee_rank(&c.committee));
    let (mut done, mut n) = (0, 0);
    for c in rows {
        let CommitmentStatus::Progress { current, forecast } = c.status else {
            continue;
        };
        n += 1;
        if forecast == AssignmentStatus::Done {
            done += 1;
        }
        let st =
            |s: AssignmentStatus| Cell::new(Value::Status(assignment_status(s)), &Format::Status);
        t.rows.push(row(
            format!("{}-{}", c.committee, c.code),
            RowKind::Item,
            vec![
                Cell::text(&c.name),
                Cell::text(ctx.committee_name(&c.committee)),
                st(current),
                st(forecast),
                Cell::text(c.comment.clone().unwrap_or_default()),
            ],
        ));
    }
    let p = Paragraph {
        // Noun and participle agree with the counts: "ett vara genomfört", "inget av de tre".
        inlines: match (n, done) {
            (1, 1) => vec![Inline::Text(
                "Det strategiska uppdraget beräknas vara genomfört vid årets slut.".into(),
            )],
            (1, _) => vec![Inline::Text(
                "Det strategiska uppdraget beräknas inte vara genomfört vid årets slut.".into(),
            )],
            (_, 0) => vec![
                Inline::Text("Inget av de ".into()),
                bound_count(n, "uppdrag/antal"),
                Inline::Text(
                    " strategiska uppdragen beräknas vara genomfört vid årets slut.".into(),
                ),
            ],
            _ => vec![
                Inline::Text("Av ".into()),
                bound_count(n, "uppdrag/antal"),
                Inline::Text(" strategiska uppdrag beräknas ".into()),
                bound_count(done, "uppdrag/genomforda"),
                Inline::Text(if done == 1 {
                    " vara genomfört vid årets slut.".into()
                } else {
                    " vara genomförda vid årets slut.".into()
                }),
            ],
        },
        sums: vec![],
        edited: false,
    };
    section(
        "strategiska-uppdrag".into(),
        "Strategiska uppdrag".into(),
        vec![Block::Paragraph(p), Block::Table(t)],
        vec![],
    )
}

fn bound_count(n: usize, fact: &str) -> Inline {
    let f = Format::Number { decimals: 0 };
    Inline::Number(BoundNumber {
        value: Value::Number(n as f64),
        // A count of a neuter noun (uppdrag, statsbidrag), in words up to twelve.
        text: delar_core::words::count_text(n as u64, true),
        format: f,
        source: Some(Source {
            fact: fact.into(),
            origin: "uppdrag.csv".into(),
        }),
        cell: None,
    })
}

// ---------------------------------------------------------------------------------------------
// Money registers

const MNKR1: Format = Format::Amount {
    unit: Unit::Mnkr,
    decimals: 1,
};

/// Efficiency measures: planned effect, carried over from earlier years, to date, forecast,
/// and the deviation (forecast − planned − carried over; negative = shortfall), with totals.
pub fn efficiency_measures(ctx: &FollowupContext<'_>) -> Section {
    let mut t = table(
        "effektiviseringar".into(),
        format!("Effektiviseringar {}", ctx.year),
        Some(Unit::Mnkr),
        vec![
            col("namn", "Åtgärd", Format::Text),
            col("namnd", "Nämnd", Format::Text),
            col("planerad", "Planerad effekt", MNKR1),
            col("kvar", "Kvar från tidigare år", MNKR1),
            col("att-na", "Att realisera", MNKR1),
            col("hittills", &format!("Effekt {}", ctx.period_label()), MNKR1),
            col("prognos", "Prognos effekt", MNKR1),
            col("avvikelse", "Avvikelse", MNKR1),
        ],
    );
    t.sign_note = Some(
        "Effekt = lägre nettokostnad. Avvikelse = prognos − att realisera; negativ = effekten \
         uppnås inte fullt ut."
            .into(),
    );
    let mut rows: Vec<&EfficiencyMeasure> = ctx
        .data
        .efficiency
        .iter()
        .filter(|m| m.month.year() == ctx.year && ctx.covers(&m.committee))
        .collect();
    rows.sort_by_key(|m| ctx.committee_rank(&m.committee));
    let mut sums = [Amount::ZERO; 6];
    let mut keys = Vec::new();
    for m in rows {
        let total = m.planned + m.carried_over;
        let forecast = m.forecast.unwrap_or(Amount::ZERO);
        let dev = forecast - total;
        let key = format!("{}-{}", m.committee, m.code);
        let fact = |c: &str| format!("effektivisering/{}/{}/{c}", m.committee, m.code);
        let vals = [
            Some(m.planned),
            Some(m.carried_over),
            Some(total),
            m.to_date,
            Some(forecast),
            Some(dev),
        ];
        let mut cells = vec![
            Cell::text(&m.name),
            Cell::text(ctx.committee_name(&m.committee)),
        ];
        for (i, (v, c)) in vals
            .iter()
            .zip([
                "planerad",
                "kvar",
                "att-na",
                "hittills",
                "prognos",
                "avvikelse",
            ])
            .enumerate()
        {
            sums[i] += v.unwrap_or(Amount::ZERO);
            cells.push(money_cell(*v, Unit::Mnkr, 1).with_source(fact(c), "effektiviseringar.csv"));
        }
        t.rows.push(row(key.clone(), RowKind::Item, cells));
        keys.push(key);
    }
    let mut cells = vec![Cell::text("Summa"), Cell::text("")];
    cells.extend(sums.iter().map(|s| money_cell(Some(*s), Unit::Mnkr, 1)));
    let mut total = row("summa", RowKind::Total, cells);
    total.includes = keys;
    t.rows.push(total);
    t.identities = vec![
        Identity::Linear {
            rule: "R1".into(),
            result: "att-na".into(),
            terms: vec![(1, "planerad".into()), (1, "kvar".into())],
        },
        Identity::Linear {
            rule: "R1".into(),
            result: "avvikelse".into(),
            terms: vec![(1, "prognos".into()), (-1, "att-na".into())],
        },
    ];
    section(
        "effektiviseringar".into(),
        "Effektiviseringar".into(),
        vec![Block::Table(t)],
        vec![],
    )
}

/// Investment projects: budget, outcome to date, forecast, deviation (budget − forecast) and
/// status, with a total.
pub fn investments(ctx: &FollowupContext<'_>) -> Section {
    let mut t = table(
        "investeringar".into(),
        format!("Investeringar {}", ctx.year),
        Some(Unit::Mnkr),
        vec![
            col("namn", "Projekt", Format::Text),
            col("namnd", "Nämnd", Format::Text),
            col("budget", "Budget", MNKR1),
            col("utfall", &format!("Utfall {}", ctx.period_label()), MNKR1),
            col("prognos", "Prognos helår", MNKR1),
            col("avvikelse", "Avvikelse", MNKR1),
            col("status", "Status", Format::Text),
        ],
    );
    t.sign_note = Some(
        "Utgifter anges positiva. Avvikelse = budget − prognos; positiv = lägre utgift.".into(),
    );
    let mut rows: Vec<&Investment> = ctx
        .data
        .investments
        .iter()
        .filter(|i| i.month.year() == ctx.year && ctx.covers(&i.committee))
        .collect();
    rows.sort_by_key(|i| ctx.committee_rank(&i.committee));
    let mut sums = [Amount::ZERO; 4];
    let mut keys = Vec::new();
    for i in rows {
        let key = format!("{}-{}", i.committee, i.project);
        let vals = [i.budget, i.outcome, i.forecast, i.deviation()];
        let mut cells = vec![
            Cell::text(&i.name),
            Cell::text(ctx.committee_name(&i.committee)),
        ];
        for (k, (v, c)) in vals
            .iter()
            .zip(["budget", "utfall", "prognos", "avvikelse"])
            .enumerate()
        {
            sums[k] += *v;
            cells.push(money_cell(Some(*v), Unit::Mnkr, 1).with_source(
                format!("investering/{}/{}/{c}", i.committee, i.project),
                "investeringar.csv",
            ));
        }
        cells.push(Cell::text(i.status.label()));
        t.rows.push(row(key.clone(), RowKind::Item, cells));
        keys.push(key);
    }
    let mut cells = vec![Cell::text("Summa"), Cell::text("")];
    cells.extend(sums.iter().map(|s| money_cell(Some(*s), Unit::Mnkr, 1)));
    cells.push(Cell::text(""));
    let mut total = row("summa", RowKind::Total, cells);
    total.includes = keys;
    t.rows.push(total);
    t.identities = vec![Identity::Linear {
        rule: "R1".into(),
        result: "avvikelse".into(),
        terms: vec![(1, "budget".into()), (-1, "prognos".into())],
    }];
    section(
        "investeringar".into(),
        "Investeringar".into(),
        vec![Block::Table(t)],
        vec![],
    )
}

// ---------------------------------------------------------------------------------------------
// Staff

fn staff_period_label(m: YearMonth) -> String {
    if m.month() == 12 {
        format!("Helår {}", m.year())
    } else {
        format!("jan\u{2013}{} {}", m.abbr(), m.year())
    }
}

/// Staff: headcount and sick leave by sex (women + men = total; the total sick leave lies
/// between women's and men's), and the other key ratios, per committee for the period to date
/// and the previous full year.
pub fn staff(ctx: &FollowupContext<'_>) -> Section {
    let p1 = Format::Percent { decimals: 1 };
    let n0 = Format::Number { decimals: 0 };
    let n1 = Format::Number { decimals: 1 };
    let mut a = table(
        "personal-sjukfranvaro".into(),
        "Anställda och sjukfrånvaro".into(),
        None,
        vec![
            col("period", "Nämnd och period", Format::Text),
            col("anst-k", "Kvinnor", n0),
            col("anst-m", "Män", n0),
            col("anst-t", "Totalt", n0),
            col("sjuk-k", "Kvinnor", p1),
            col("sjuk-m", "Män", p1),
            col("sjuk-t", "Totalt", p1),
            col("kort-k", "Kvinnor", p1),
            col("kort-m", "Män", p1),
            col("kort-t", "Totalt", p1),
        ],
    );
    a.groups = vec![
        HeaderGroup {
            label: String::new(),
            span: 1,
        },
        HeaderGroup {
            label: "Anställda (månadsavlönade)".into(),
            span: 3,
        },
        HeaderGroup {
            label: "Sjukfrånvaro, %".into(),
            span: 3,
        },
        HeaderGroup {
            label: "varav dag 1–14, %".into(),
            span: 3,
        },
    ];
    let mut b = table(
        "personal-nyckeltal".into(),
        "Personalnyckeltal".into(),
        None,
        vec![
            col("period", "Nämnd och period", Format::Text),
            col("arsarbetare", "Årsarbetare", n1),
            col("heltid", "Andel heltid", p1),
            col("timavlonade", "Andel timavlönade", p1),
            col("omsattning", "Personalomsättning", p1),
            col("per-chef", "Medarbetare per chef", n1),
        ],
    );
    let prev = YearMonth::new(ctx.year - 1, 12).expect("valid month");
    for (code, name) in ctx.committees {
        let periods: Vec<&StaffFigures> = [ctx.cutoff, prev]
            .iter()
            .filter_map(|m| {
                ctx.data
                    .staff
                    .iter()
                    .find(|s| s.committee == *code && s.month == *m)
            })
            .collect();
        if periods.is_empty() {
            continue;
        }
        for t in [&mut a, &mut b] {
            let mut cells = vec![Cell::text(name)];
            cells.extend((1..t.columns.len()).map(|_| Cell::empty()));
            t.rows
                .push(row(format!("{code}-rubrik"), RowKind::Heading, cells));
        }
        for s in periods {
            let key = format!("{code}-{}", s.month);
            let fact = |c: &str| format!("personal/{code}/{}/{c}", s.month);
            let label = Cell::text(staff_period_label(s.month));
            let mut cells = vec![label.clone()];
            for (k, c) in [
                (&s.headcount, ["anst-k", "anst-m", "anst-t"]),
                (&s.sick_leave, ["sjuk-k", "sjuk-m", "sjuk-t"]),
                (&s.short_sick_leave, ["kort-k", "kort-m", "kort-t"]),
            ] {
                let is_head = c[0] == "anst-k";
                for (v, c) in [k.women, k.men, k.total].into_iter().zip(c) {
                    let cell = if is_head {
                        num_cell(v, 0)
                    } else {
                        pct_cell(v, 1)
                    };
                    cells.push(cell.with_source(fact(c), "personal.csv"));
                }
            }
            let mut r = row(key.clone(), RowKind::Item, cells);
            r.level = 1;
            a.rows.push(r);
            let mut r = row(
                key,
                RowKind::Item,
                vec![
                    label,
                    num_cell(Some(s.fte), 1).with_source(fact("arsarbetare"), "personal.csv"),
                    pct_cell(s.full_time_share, 1).with_source(fact("heltid"), "personal.csv"),
                    pct_cell(s.hourly_paid_share, 1)
                        .with_source(fact("timavlonade"), "personal.csv"),
                    // Turnover of part of a year, annualised so it compares with a whole
                    // year's (a note says so).
                    pct_cell(s.turnover.map(|t| t * annualise(s.month)), 1).with_source(
                        fact("omsattning"),
                        if annualise(s.month) == 1.0 {
                            "personal.csv"
                        } else {
                            "personal.csv, omräknad till helår"
                        },
                    ),
                    num_cell(s.employees_per_manager, 1)
                        .with_source(fact("per-chef"), "personal.csv"),
                ],
            );
            r.level = 1;
            b.rows.push(r);
        }
    }
    a.identities = vec![
        Identity::Linear {
            rule: "R9".into(),
            result: "anst-t".into(),
            terms: vec![(1, "anst-k".into()), (1, "anst-m".into())],
        },
        Identity::Between {
            rule: "R9".into(),
            result: "sjuk-t".into(),
            low: "sjuk-k".into(),
            high: "sjuk-m".into(),
        },
        Identity::Between {
            rule: "R9".into(),
            result: "kort-t".into(),
            low: "kort-k".into(),
            high: "kort-m".into(),
        },
    ];
    for c in ["sjuk-k", "sjuk-m", "sjuk-t", "kort-k", "kort-m", "kort-t"] {
        a.identities.push(Identity::Share {
            rule: "R9".into(),
            column: c.into(),
        });
    }
    a.notes.push(
        "Sjukfrånvaro i procent av ordinarie arbetstid; dag 1–14 är korttidssjukfrånvaro.".into(),
    );
    for c in ["heltid", "timavlonade", "omsattning"] {
        b.identities.push(Identity::Share {
            rule: "R9".into(),
            column: c.into(),
        });
    }
    b.notes
        .push("Andel timavlönade = andel av arbetade timmar som utförs av timavlönade.".into());
    if ctx.cutoff.month() != 12 {
        b.notes.push(format!(
            "Personalomsättningen för {} är omräknad till helår (× 12/{}) så att den kan \
             jämföras med helåret {}.",
            staff_period_label(ctx.cutoff),
            ctx.cutoff.month(),
            ctx.year - 1
        ));
    }
    section(
        "personal".into(),
        "Personal".into(),
        vec![Block::Table(a), Block::Table(b)],
        vec![],
    )
}

// ---------------------------------------------------------------------------------------------
// Volumes

/// The 12-month moving average ending at each position (`None` before 12 values).
pub fn moving_average_12(values: &[Option<f64>]) -> Vec<Option<f64>> {
    (0..values.len())
        .map(|i| {
            if i < 11 {
                return None;
            }
            let w = &values[i - 11..=i];
            let s: Option<f64> = w.iter().copied().sum();
            s.map(|s| s / 12.0)
        })
        .collect()
}

/// Volumes: per series (stock and flow; price series are shown with their volume series'
/// cost elsewhere) a table of yearly averages (stock) or sums (flow) for the three years
/// before, the same period last year and the year to date; and for each series in `charted`
/// (codes, in that order) a chart of the last 36 months with a 12-month moving average.
pub fn volumes(
    series: &[VolumeSeries],
    values: &[VolumeValue],
    year: i32,
    cutoff: YearMonth,
    charted: &[String],
) -> Section {
    let years: Vec<i32> = (year - 3..year).collect();
    let mut cols = vec![
        col("serie", "Serie", Format::Text),
        col("enhet", "Enhet", Format::Text),
    ];
    for y in &years {
        cols.push(col(
            &y.to_string(),
            &y.to_string(),
            Format::Number { decimals: 1 },
        ));
    }
    let to_date_label = format!("jan\u{2013}{} {}", cutoff.abbr(), year);
    let prev_label = format!("jan\u{2013}{} {}", cutoff.abbr(), year - 1);
    cols.push(col(
        "fg-period",
        &prev_label,
        Format::Number { decimals: 1 },
    ));
    cols.push(col(
        "period",
        &to_date_label,
        Format::Number { decimals: 1 },
    ));
    let mut t = table(
        "volymer".into(),
        "Volymer per år och hittills i år".into(),
        None,
        cols,
    );
    t.notes
        .push("Bestånd visas som genomsnitt per månad, flöden som summa för perioden.".into());
    let mut by_series: BTreeMap<&str, BTreeMap<YearMonth, f64>> = BTreeMap::new();
    for v in values {
        by_series
            .entry(v.series.as_str())
            .or_default()
            .insert(v.month, v.value);
    }
    let mut blocks = Vec::new();
    let mut charts: Vec<(usize, Block)> = Vec::new();
    let mut category = None;
    for s in series.iter().filter(|s| s.kind != VolumeKind::Price) {
        let Some(vals) = by_series.get(s.code.as_str()) else {
            continue;
        };
        if s.category.is_some() && s.category != category {
            category = s.category.clone();
            let mut cells = vec![Cell::text(category.clone().unwrap_or_default())];
            cells.extend((1..t.columns.len()).map(|_| Cell::empty()));
            t.rows.push(row(
                format!("kategori-{}", slug(&s.code)),
                RowKind::Heading,
                cells,
            ));
        }
        let agg = |from: YearMonth, to: YearMonth| -> Option<f64> {
            let xs: Vec<f64> = vals.range(from..=to).map(|(_, v)| *v).collect();
            let n = from.months_until(to) as usize + 1;
            if xs.len() < n {
                return None;
            }
            let sum: f64 = xs.iter().sum();
            Some(match s.kind {
                VolumeKind::Stock => sum / n as f64,
                _ => sum,
            })
        };
        let ym = |y: i32, m: u8| YearMonth::new(y, m).expect("valid month");
        let mut cells = vec![Cell::text(&s.name), Cell::text(&s.unit)];
        let shown: Vec<Option<f64>> = years
            .iter()
            .map(|y| agg(ym(*y, 1), ym(*y, 12)))
            .chain([
                agg(ym(year - 1, 1), ym(year - 1, cutoff.month())),
                agg(ym(year, 1), cutoff),
            ])
            .collect();
        // Counts (hours, places, decisions) without decimals; averages with one.
        let decimals = if shown.iter().flatten().all(|v| v.fract() == 0.0) {
            0
        } else {
            1
        };
        for (y, v) in years.iter().zip(&shown) {
            cells.push(
                num_cell(*v, decimals).with_source(format!("volym/{}/{y}", s.code), "volymer.csv"),
            );
        }
        cells.push(num_cell(shown[years.len()], decimals).with_source(
            format!("volym/{}/{}-{}", s.code, year - 1, cutoff.month()),
            "volymer.csv",
        ));
        cells.push(num_cell(shown[years.len() + 1], decimals).with_source(
            format!("volym/{}/{}-{}", s.code, year, cutoff.month()),
            "volymer.csv",
        ));
        let mut r = row(s.code.clone(), RowKind::Item, cells);
        r.level = u8::from(s.category.is_some());
        t.rows.push(r);
        let Some(rank) = charted.iter().position(|c| *c == s.code) else {
            continue;
        };
        // Chart: 36 months to the cut-off with the 12-month moving average (from 47 months so
        // the average exists from the first month shown).
        let start = cutoff.add_months(-35);
        let early = cutoff.add_months(-46);
        let all: Vec<Option<f64>> = (0..47)
            .map(|i| vals.get(&early.add_months(i)).copied())
            .collect();
        let ma = moving_average_12(&all);
        let shown: Vec<Option<f64>> = all[11..].to_vec();
        let ma_shown: Vec<Option<f64>> = ma[11..].to_vec();
        let categories: Vec<String> = (0..36)
            .map(|i| {
                let m = start.add_months(i);
                format!("{} {}", m.abbr(), m.year() % 100)
            })
            .collect();
        let last = shown.last().copied().flatten();
        let last_ma = ma_shown.last().copied().flatten();
        let fmt = |v: Option<f64>| {
            v.map(|v| format_number(v, 1))
                .unwrap_or_else(|| "i.u.".into())
        };
        charts.push((
            rank,
            Block::Chart(Chart {
                id: format!("volym-{}", slug(&s.code)),
                number: 0,
                title: format!("{}, per månad med glidande tolvmånadersmedelvärde", s.name),
                kind: ChartKind::Line,
                unit: s.unit.clone(),
                categories,
                series: vec![
                    Series {
                        name: "Per månad".into(),
                        values: shown,
                        style: SeriesStyle::Solid,
                    },
                    Series {
                        name: "Glidande medelvärde 12 månader".into(),
                        values: ma_shown,
                        style: SeriesStyle::Dashed,
                    },
                ],
                alt: format!(
                "Linjediagram över {} de senaste 36 månaderna till och med {} {}. Senaste månaden \
                 {} {}, glidande tolvmånadersmedelvärde {} {}.",
                delar_core::words::lower(&s.name),
                cutoff.abbr(),
                cutoff.year(),
                fmt(last),
                s.unit,
                fmt(last_ma),
                s.unit
            ),
            }),
        ));
    }
    blocks.push(Block::Table(t));
    charts.sort_by_key(|c| c.0);
    blocks.extend(charts.into_iter().map(|c| c.1));
    section("volymer".into(), "Volymer".into(), blocks, vec![])
}

// ---------------------------------------------------------------------------------------------
// Events

/// Events of significance in date order, with their economic impact on the year's net cost.
pub fn events(ctx: &FollowupContext<'_>) -> Section {
    let mut t = table(
        "vasentliga-handelser".into(),
        format!("Väsentliga händelser {}", ctx.year),
        Some(Unit::Mnkr),
        vec![
            col("datum", "Datum", Format::Text),
            col("namnd", "Nämnd", Format::Text),
            col("typ", "Typ", Format::Text),
            col("rubrik", "Händelse", Format::Text),
            col("paverkan", "Ekonomisk påverkan", MNKR1),
            col("justering", "Prognosjustering", Format::Text),
        ],
    );
    t.sign_note = Some("Påverkan på årets nettokostnad; positiv = högre kostnad.".into());
    let mut rows: Vec<&Event> = ctx
        .data
        .events
        .iter()
        .filter(|e| {
            // The year's events up to the cut-off: a P1 report does not tell of May.
            e.date.year() == ctx.year
                && e.date.month() <= ctx.cutoff.month()
                && ctx.covers(&e.committee)
        })
        .collect();
    rows.sort_by_key(|e| (e.date, ctx.committee_rank(&e.committee)));
    let mut items = Vec::new();
    for e in &rows {
        let impact = match e.impact {
            Some(a) => money_cell(Some(a), Unit::Mnkr, 1).with_source(
                format!("handelse/{}/{}", e.committee, e.code),
                "handelser.csv",
            ),
            None => Cell::text("–"),
        };
        t.rows.push(row(
            format!("{}-{}", e.committee, e.code),
            RowKind::Item,
            vec![
                Cell::text(e.date.to_string()),
                Cell::text(ctx.committee_name(&e.committee)),
                Cell::text(capitalise(e.kind.label())),
                Cell::text(&e.title),
                impact,
                Cell::text(e.adjustment.clone().unwrap_or_else(|| "–".into())),
            ],
        ));
        if let Some(d) = &e.description {
            items.push(Paragraph {
                inlines: vec![
                    Inline::Strong(format!("{}. ", e.title)),
                    Inline::Text(d.clone()),
                ],
                sums: vec![],
                edited: true,
            });
        }
    }
    let mut blocks = vec![Block::Table(t)];
    if !items.is_empty() {
        blocks.push(Block::List {
            ordered: false,
            items,
        });
    }
    section(
        "vasentliga-handelser".into(),
        "Väsentliga händelser".into(),
        blocks,
        vec![],
    )
}

// ---------------------------------------------------------------------------------------------
// Cost comparison

/// Cost comparison with similar municipalities (Kolada): per area a chart and a table of net
/// cost in kr per inhabitant over the years, and the net cost deviation of the latest year.
pub fn cost_comparison(ctx: &FollowupContext<'_>) -> Section {
    let mut area_names: Vec<&str> = Vec::new();
    for c in &ctx.data.comparisons {
        if !area_names.contains(&c.area.as_str()) {
            area_names.push(&c.area);
        }
    }
    let mut subs = Vec::new();
    for area in area_names {
        let rows: Vec<&Comparison> = ctx
            .data
            .comparisons
            .iter()
            .filter(|c| c.area == area)
            .collect();
        let mut years: Vec<i32> = rows.iter().map(|c| c.year).collect();
        years.sort();
        years.dedup();
        let Some(&latest) = years.last() else {
            continue;
        };
        let mut munis: Vec<(&str, bool)> = Vec::new();
        for c in &rows {
            if !munis.iter().any(|(m, _)| *m == c.municipality) {
                munis.push((&c.municipality, c.own));
            }
        }
        munis.sort_by_key(|(_, own)| !own);
        let kr0 = Format::Amount {
            unit: Unit::Kr,
            decimals: 0,
        };
        let mut cols = vec![col("kommun", "Kommun", Format::Text)];
        for y in &years {
            cols.push(col(&y.to_string(), &y.to_string(), kr0));
        }
        cols.push(col(
            "nka",
            &format!("Nettokostnadsavvikelse {latest}"),
            Format::Percent { decimals: 1 },
        ));
        let slug_area = slug(area);
        let mut t = table(
            format!("jamforelse-{slug_area}"),
            format!(
                "Nettokostnad {}, kr per invånare",
                delar_core::words::lower(area)
            ),
            Some(Unit::Kr),
            cols,
        );
        t.sign_note = Some(
            "Nettokostnadsavvikelse = (nettokostnad − referenskostnad) / referenskostnad; \
             positiv = dyrare än statistiskt förväntat."
                .into(),
        );
        let mut series = Vec::new();
        for (m, own) in &munis {
            let get = |y: i32| {
                rows.iter()
                    .find(|c| c.municipality == *m && c.year == y)
                    .copied()
            };
            let mut cells = vec![Cell::text(*m)];
            for y in &years {
                cells.push(
                    money_cell(get(*y).and_then(|c| c.cost_per_inhabitant), Unit::Kr, 0)
                        .with_source(format!("jamforelse/{slug_area}/{}/{y}", slug(m)), "Kolada"),
                );
            }
            cells.push(
                pct_cell(get(latest).and_then(|c| c.net_cost_deviation), 1).with_source(
                    format!("jamforelse/{slug_area}/{}/{latest}/nka", slug(m)),
                    "Kolada",
                ),
            );
            t.rows.push(row(slug(m), RowKind::Item, cells));
            series.push(Series {
                name: m.to_string(),
                values: years
                    .iter()
                    .map(|y| {
                        get(*y)
                            .and_then(|c| c.cost_per_inhabitant)
                            .map(|a| a.as_kr_f64())
                    })
                    .collect(),
                style: if *own {
                    SeriesStyle::Solid
                } else {
                    SeriesStyle::Dotted
                },
            });
        }
        if let Some(id) = rows.iter().find_map(|c| c.kolada_id.clone()) {
            t.notes.push(format!(
                "Källa: Kolada, nyckeltal {id}: kommunens hela nettokostnad för området enligt \
                 räkenskapssammandraget (alla nämnder och utförare, efter SCB:s definition) per \
                 invånare. Den kan inte räknas fram ur rapportens tabeller per nämnd eller \
                 verksamhet."
            ));
        }
        let own = rows.iter().find(|c| c.own && c.year == latest);
        let own_name = munis
            .iter()
            .find(|(_, o)| *o)
            .map(|(m, _)| m.to_string())
            .unwrap_or_default();
        let mut text = vec![Inline::Text(format!(
            "{own_name}s nettokostnad för {} {latest} var ",
            delar_core::words::lower(area)
        ))];
        if let Some(a) = own.and_then(|c| c.cost_per_inhabitant) {
            text.push(Inline::Number(BoundNumber {
                value: Value::Amount(a),
                format: kr0,
                text: format!("{} kr", kr0.render(&Value::Amount(a))),
                source: Some(Source {
                    fact: format!("jamforelse/{slug_area}/{}/{latest}", slug(&own_name)),
                    origin: "Kolada".into(),
                }),
                cell: Some(CellRef {
                    table: t.id.clone(),
                    row: slug(&own_name),
                    column: latest.to_string(),
                }),
            }));
            text.push(Inline::Text(" per invånare".into()));
        }
        if let Some(n) = own.and_then(|c| c.net_cost_deviation) {
            let f = Format::Percent { decimals: 1 };
            text.push(Inline::Text(", och nettokostnadsavvikelsen var ".into()));
            text.push(Inline::Number(BoundNumber {
                value: Value::Ratio(n / 100.0),
                format: f,
                text: f.render(&Value::Ratio(n / 100.0)),
                source: Some(Source {
                    fact: format!("jamforelse/{slug_area}/{}/{latest}/nka", slug(&own_name)),
                    origin: "Kolada".into(),
                }),
                cell: Some(CellRef {
                    table: t.id.clone(),
                    row: slug(&own_name),
                    column: "nka".into(),
                }),
            }));
        }
        text.push(Inline::Text(".".into()));
        let chart = Chart {
            id: format!("jamforelse-{slug_area}-diagram"),
            number: 0,
            title: format!(
                "Nettokostnad {}, kr per invånare {}–{latest}",
                delar_core::words::lower(area),
                years[0]
            ),
            kind: ChartKind::Line,
            unit: "kr per invånare".into(),
            categories: years.iter().map(|y| y.to_string()).collect(),
            series,
            alt: format!(
                "Linjediagram över nettokostnaden för {} i kronor per invånare {}–{latest} för \
                 {own_name} och {} jämförbara kommuner.",
                delar_core::words::lower(area),
                years[0],
                munis.len().saturating_sub(1)
            ),
        };
        subs.push(section(
            format!("jamforelse-{slug_area}"),
            area.to_string(),
            vec![
                Block::Paragraph(Paragraph {
                    inlines: text,
                    sums: vec![],
                    edited: false,
                }),
                Block::Chart(chart),
                Block::Table(t),
            ],
            vec![],
        ));
    }
    section(
        "kostnadsjamforelse".into(),
        "Kostnader jämfört med liknande kommuner".into(),
        vec![Block::Paragraph(Paragraph::text(
            "Jämförelsen bygger på Koladas nettokostnad per invånare och nettokostnadsavvikelse, \
             som visar hur kostnaden förhåller sig till vad den statistiskt förväntas vara \
             utifrån kommunens struktur.",
        ))],
        subs,
    )
}

// ---------------------------------------------------------------------------------------------
// Five-year summary

/// The economic figures of one year for the five-year summary, from the ledger (outcome
/// years) or the forecast (the current year). Net cost positive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YearEconomy {
    /// Year.
    pub year: i32,
    /// Net cost (outcome, or forecast for the current year).
    pub net_cost: Amount,
    /// Budgeted net cost.
    pub budget: Amount,
    /// True for the forecast year.
    pub forecast: bool,
}

/// The factor that turns a share measured over January to `month` into a whole year's
/// (12 / months; 1 for December).
fn annualise(month: YearMonth) -> f64 {
    12.0 / f64::from(month.month().clamp(1, 12))
}

/// Five-year summary: outcome years plus the forecast year. Economy (net cost, budget,
/// deviation) comes from `economy`; population, staff and cost comparisons from the
/// registers. A year without a figure shows `i.u.`.
pub fn five_year_summary(ctx: &FollowupContext<'_>, economy: &[YearEconomy]) -> Section {
    let mut years: Vec<i32> = economy.iter().map(|e| e.year).collect();
    years.sort();
    years.dedup();
    let years: Vec<i32> = years.into_iter().rev().take(5).rev().collect();
    let forecast_year = economy.iter().find(|e| e.forecast).map(|e| e.year);
    let mut cols = vec![col("nyckeltal", "Nyckeltal", Format::Text)];
    for y in &years {
        let label = if Some(*y) == forecast_year {
            format!("Prognos {y}")
        } else {
            format!("Utfall {y}")
        };
        cols.push(col(&y.to_string(), &label, Format::Number { decimals: 1 }));
    }
    let mut t = table("femarsoversikt".into(), "Femårsöversikt".into(), None, cols);
    t.sign_note = Some(
        "Nettokostnad anges positiv. Budgetavvikelse = budget − nettokostnad; positiv = \
         överskott."
            .into(),
    );
    let heading = |t: &mut Table, key: &str, label: &str| {
        let mut cells = vec![Cell::text(label)];
        cells.extend((1..t.columns.len()).map(|_| Cell::empty()));
        t.rows.push(row(key, RowKind::Heading, cells));
    };
    let line = |t: &mut Table, key: &str, label: &str, cells: Vec<Cell>| {
        let mut c = vec![Cell::text(label)];
        c.extend(cells);
        let mut r = row(key, RowKind::Item, c);
        r.level = 1;
        t.rows.push(r);
    };
    heading(&mut t, "ekonomi", "Ekonomi, mnkr");
    let eco = |y: i32| economy.iter().find(|e| e.year == y);
    let origin = |y: i32| {
        if Some(y) == forecast_year {
            "prognos"
        } else {
            "huvudbok"
        }
    };
    for (key, label, f) in [
        ("nettokostnad", "Nettokostnad", 0),
        ("budget", "Budget", 1),
        ("avvikelse", "Budgetavvikelse", 2),
    ] {
        let cells = years
            .iter()
            .map(|y| {
                let v = eco(*y).map(|e| match f {
                    0 => e.net_cost,
                    1 => e.budget,
                    _ => e.budget - e.net_cost,
                });
                money_cell(v, Unit::Mnkr, 1).with_source(format!("femar/{key}/{y}"), origin(*y))
            })
            .collect();
        line(&mut t, key, label, cells);
    }
    heading(&mut t, "befolkning", "Befolkning 31 december, antal");
    // The older age bands concern care of the elderly; a report whose units have none (a
    // social services or LSS committee) shows the whole population instead.
    let elderly = ctx
        .data
        .comparisons
        .iter()
        .map(|c| c.area.as_str())
        .chain(["Äldreomsorg"])
        .filter(|a| a.to_lowercase().contains("äldre"))
        .any(|a| ctx.area_relevant(a));
    let mut bands: Vec<AgeBand> = ctx.data.population.iter().map(|p| p.band).collect();
    bands.sort();
    bands.dedup();
    let pop = |y: i32, band: Option<AgeBand>| -> Option<f64> {
        let basis = if Some(y) == forecast_year {
            Basis::Forecast
        } else {
            Basis::Outcome
        };
        let rows: Vec<&Population> = ctx
            .data
            .population
            .iter()
            .filter(|p| p.year == y && p.basis == basis && band.is_none_or(|b| p.band == b))
            .collect();
        (!rows.is_empty()).then(|| rows.iter().map(|p| p.total as f64).sum())
    };
    let older: Vec<AgeBand> = bands.iter().copied().filter(|b| b.from >= 65).collect();
    if !elderly && !bands.is_empty() {
        let cells = years
            .iter()
            .map(|y| {
                num_cell(pop(*y, None), 0)
                    .with_source(format!("befolkning/totalt/{y}"), "befolkning.csv")
            })
            .collect();
        line(&mut t, "befolkning-totalt", "Totalt", cells);
    }
    for b in older.into_iter().filter(|_| elderly) {
        let cells = years
            .iter()
            .map(|y| {
                num_cell(pop(*y, Some(b)), 0)
                    .with_source(format!("befolkning/{b}/{y}"), "befolkning.csv")
            })
            .collect();
        line(
            &mut t,
            &format!("befolkning-{}", b.from),
            &format!("{b} år"),
            cells,
        );
    }
    heading(&mut t, "personal", "Personal");
    let staff_of = |y: i32| -> Vec<&StaffFigures> {
        let m = if Some(y) == forecast_year {
            ctx.cutoff
        } else {
            YearMonth::new(y, 12).expect("valid month")
        };
        ctx.data
            .staff
            .iter()
            .filter(|s| s.month == m && ctx.covers(&s.committee))
            .collect()
    };
    let fte = years
        .iter()
        .map(|y| {
            let s = staff_of(*y);
            num_cell((!s.is_empty()).then(|| s.iter().map(|s| s.fte).sum()), 0)
                .with_source(format!("femar/arsarbetare/{y}"), "personal.csv")
        })
        .collect();
    line(&mut t, "arsarbetare", "Årsarbetare", fte);
    let sick = years
        .iter()
        .map(|y| {
            let s = staff_of(*y);
            let (mut num, mut den) = (0.0, 0.0);
            for x in &s {
                if let (Some(r), Some(h)) = (x.sick_leave.total, x.headcount.total) {
                    num += r * h;
                    den += h;
                }
            }
            let f = Format::Percent { decimals: 1 };
            let v = if den > 0.0 {
                Value::Ratio(num / den / 100.0)
            } else {
                Value::NoData
            };
            Cell::new(v, &f).with_source(format!("femar/sjukfranvaro/{y}"), "personal.csv")
        })
        .collect();
    line(&mut t, "sjukfranvaro", "Sjukfrånvaro, %", sick);
    let mut areas: Vec<&str> = Vec::new();
    for c in &ctx.data.comparisons {
        if !areas.contains(&c.area.as_str()) && ctx.area_relevant(&c.area) {
            areas.push(&c.area);
        }
    }
    if !areas.is_empty() {
        heading(&mut t, "kostnad", "Nettokostnad, kr per invånare");
        for area in areas {
            let own_name = ctx
                .data
                .comparisons
                .iter()
                .find(|c| c.own)
                .map(|c| slug(&c.municipality))
                .unwrap_or_default();
            let cells = years
                .iter()
                .map(|y| {
                    let v = ctx
                        .data
                        .comparisons
                        .iter()
                        .find(|c| c.own && c.area == area && c.year == *y)
                        .and_then(|c| c.cost_per_inhabitant);
                    money_cell(v, Unit::Kr, 0).with_source(
                        format!("jamforelse/{}/{own_name}/{y}", slug(area)),
                        "Kolada",
                    )
                })
                .collect();
            line(&mut t, &format!("kostnad-{}", slug(area)), area, cells);
        }
    }
    if let Some(y) = forecast_year {
        t.notes.push(format!(
            "{y}: ekonomi enligt prognosen för helåret, personal för {}, befolkning enligt \
             befolkningsprognosen. i.u. = ingen uppgift (Kolada publicerar årets kostnader \
             året efter).",
            ctx.period_label()
        ));
    }
    section(
        "femarsoversikt".into(),
        "Femårsöversikt".into(),
        vec![Block::Table(t)],
        vec![],
    )
}

mod registers;
pub use registers::{population, queues, state_grants};

#[cfg(test)]
mod tests;
