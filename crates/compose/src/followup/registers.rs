//! Chapters of the state grants, queues (decisions not carried out) and population
//! registers. Every figure is a table cell with a fact source; the sentences above the tables
//! repeat total cells through [`CellRef`]s, so the checks see that text and table agree.
//!
//! Fact keys: `statsbidrag/<nämnd>/<kod>/<kolumn>`, `ko/<nämnd>/<lagrum>/<insats>/<månad>/
//! <kolumn>` and `befolkning/<åldersgrupp>/<år>` (the same key as the five-year summary, so a
//! band's total agrees in both tables).

use super::*;
use delar_core::period::MONTH_NAMES;

/// A bound number repeating a table cell: its value, format, text (plus `suffix`) and source.
/// `unsigned` drops a leading minus (the sentence says "fler"/"färre" instead).
fn repeat_cell(t: &Table, row: &str, column: &str, suffix: &str, unsigned: bool) -> Inline {
    let ci = t
        .columns
        .iter()
        .position(|c| c.key == column)
        .expect("column exists");
    let r = t.rows.iter().find(|r| r.key == row).expect("row exists");
    let cell = &r.cells[ci];
    let mut text = cell.text.clone();
    if unsigned {
        text = text
            .trim_start_matches(['−', '-', '+'])
            .trim_start()
            .to_string();
        // A count of up to twelve reads as a word in the sentence ("tre fler").
        if let (Value::Number(v), Format::Number { decimals: 0 }) =
            (&cell.value, cell.format_in(&t.columns[ci]))
        {
            if v.abs() <= 12.0 && v.fract() == 0.0 {
                text = delar_core::words::count_text(v.abs() as u64, false);
            }
        }
    }
    Inline::Number(BoundNumber {
        value: cell.value.clone(),
        format: cell.format_in(&t.columns[ci]),
        text: format!("{text}{suffix}"),
        source: cell.source.clone(),
        cell: Some(CellRef {
            table: t.id.clone(),
            row: row.into(),
            column: column.into(),
        }),
    })
}

fn cell_value(t: &Table, row: &str, column: &str) -> Option<f64> {
    let ci = t.columns.iter().position(|c| c.key == column)?;
    let r = t.rows.iter().find(|r| r.key == row)?;
    match &r.cells.get(ci)?.value {
        Value::Number(v) | Value::Ratio(v) => Some(*v),
        Value::Amount(a) => Some(a.as_kr_f64()),
        _ => None,
    }
}

fn paragraph(inlines: Vec<Inline>) -> Block {
    Block::Paragraph(Paragraph {
        inlines,
        sums: vec![],
        edited: false,
    })
}

fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

fn more_or_fewer(v: Option<f64>) -> &'static str {
    match v {
        Some(v) if v < 0.0 => " färre",
        _ => " fler",
    }
}

/// The sum of optional values, `None` when any is missing (a total of a column with gaps would
/// not foot).
fn sum_all<T: Copy + std::iter::Sum<T>>(vals: &[Option<T>]) -> Option<T> {
    vals.iter()
        .copied()
        .collect::<Option<Vec<T>>>()
        .map(|v| v.into_iter().sum())
}

fn count_cell(v: Option<i64>) -> Cell {
    num_cell(v.map(|v| v as f64), 0)
}

fn heading_row(t: &mut Table, key: String, label: &str) {
    let mut cells = vec![Cell::text(label)];
    cells.extend((1..t.columns.len()).map(|_| Cell::empty()));
    t.rows.push(row(key, RowKind::Heading, cells));
}

// ---------------------------------------------------------------------------------------------
// State grants

/// Targeted state grants of the year: amount, use to date, forecast use and what is left at
/// year end (amount − forecast use; repaid or carried over), whether they are reported back
/// and repaid, the years to come; a total row and a sentence bound to it.
pub fn state_grants(ctx: &FollowupContext<'_>) -> Section {
    let mut grants: Vec<&StateGrant> = ctx
        .data
        .grants
        .iter()
        .filter(|g| g.year == ctx.year && ctx.covers(&g.committee))
        .collect();
    grants.sort_by_key(|g| ctx.committee_rank(&g.committee));
    let id = "riktade-statsbidrag";
    if grants.is_empty() {
        return section(
            id.into(),
            "Riktade statsbidrag".into(),
            vec![Block::Paragraph(Paragraph::text(format!(
                "Inga riktade statsbidrag är registrerade för {}.",
                ctx.year
            )))],
            vec![],
        );
    }
    let followed = grants
        .iter()
        .any(|g| g.used_to_date.is_some() || g.forecast_use.is_some());
    let mut cols = vec![
        col("namn", "Benämning", Format::Text),
        col("belopp", "Belopp", MNKR1),
    ];
    if followed {
        cols.extend([
            col(
                "hittills",
                &format!("Förbrukat {}", ctx.period_label()),
                MNKR1,
            ),
            col("prognos", "Prognos helår", MNKR1),
            col("kvar", "Kvar vid årets slut", MNKR1),
        ]);
    }
    cols.extend([
        // hyphenated as in the seeds, so the narrow X/– columns can break the heading
        col("aterrapportering", "Åter-rapportering", Format::Text),
        col("aterbetalning", "Åter-betalning", Format::Text),
        col("kommande", "Kommande år", Format::Text),
    ]);
    let mut t = table(
        id.into(),
        format!("Riktade statsbidrag {}", ctx.year),
        Some(Unit::Mnkr),
        cols,
    );
    t.sign_note = Some(if followed {
        "Belopp och förbrukning anges positiva. Kvar = belopp − prognos för helårets \
         förbrukning; vad som händer med det som är kvar följer av villkoren (återbetalning, \
         kommande år)."
            .into()
    } else {
        "Belopp anges positiva.".into()
    });
    let flag = |b: bool| Cell::text(if b { "X" } else { "–" });
    let mut sums: [Vec<Option<Amount>>; 4] = Default::default();
    let mut keys = Vec::new();
    let several = grants.iter().any(|g| g.committee != grants[0].committee);
    for (i, g) in grants.iter().enumerate() {
        if several && (i == 0 || grants[i - 1].committee != g.committee) {
            heading_row(
                &mut t,
                format!("{}-rubrik", g.committee),
                &ctx.committee_name(&g.committee),
            );
        }
        let key = format!("{}-{}", g.committee, g.code);
        let fact = |c: &str| format!("statsbidrag/{}/{}/{c}", g.committee, g.code);
        let mut cells = vec![Cell::text(&g.name)];
        let vals: Vec<(Option<Amount>, &str)> = if followed {
            vec![
                (Some(g.amount), "belopp"),
                (g.used_to_date, "hittills"),
                (g.forecast_use, "prognos"),
                (g.remaining(), "kvar"),
            ]
        } else {
            vec![(Some(g.amount), "belopp")]
        };
        for (i, (v, c)) in vals.into_iter().enumerate() {
            sums[i].push(v);
            cells.push(money_cell(v, Unit::Mnkr, 1).with_source(fact(c), "statsbidrag.csv"));
        }
        cells.extend([
            flag(g.report_back),
            flag(g.repayable),
            Cell::text(g.coming_years.clone().unwrap_or_else(|| "–".into())),
        ]);
        let mut r = row(key.clone(), RowKind::Item, cells);
        r.level = u8::from(several);
        t.rows.push(r);
        keys.push(key);
    }
    let mut cells = vec![Cell::text("Summa")];
    for s in sums.iter().take(if followed { 4 } else { 1 }) {
        cells.push(money_cell(sum_all(s), Unit::Mnkr, 1));
    }
    cells.extend([Cell::text(""), Cell::text(""), Cell::text("")]);
    let mut total = row("summa", RowKind::Total, cells);
    total.includes = keys;
    t.rows.push(total);
    if followed {
        t.identities = vec![Identity::Linear {
            rule: "R1".into(),
            result: "kvar".into(),
            terms: vec![(1, "belopp".into()), (-1, "prognos".into())],
        }];
    }
    t.notes
        .push("X = krävs, – = krävs inte. Återbetalning gäller medel som inte används.".into());

    let n = grants.len();
    let mut s = vec![
        text("Nämnderna har "),
        bound_count_of(
            n,
            &format!("statsbidrag/{}/antal", ctx.year),
            "statsbidrag.csv",
        ),
        text(if n == 1 {
            format!(" riktat statsbidrag för {} på ", ctx.year)
        } else {
            format!(" riktade statsbidrag för {} på sammanlagt ", ctx.year)
        }),
        repeat_cell(&t, "summa", "belopp", " mnkr", false),
        text("."),
    ];
    if followed && cell_value(&t, "summa", "prognos").is_some() {
        s.extend([
            text(" Enligt prognosen används "),
            repeat_cell(&t, "summa", "prognos", " mnkr", false),
            text(" under året och "),
            repeat_cell(&t, "summa", "kvar", " mnkr", true),
            text(
                if cell_value(&t, "summa", "kvar").is_some_and(|v| v < 0.0) {
                    " mer än bidragen, som nämnderna finansierar inom sin budget."
                } else {
                    " återstår vid årets slut"
                },
            ),
        ]);
        // What becomes of what is left, by each grant's terms: carried over where the terms
        // name a coming year, else repaid where repayment is required, else neither (a
        // permanent or performance-based grant keeps or loses it).
        if !cell_value(&t, "summa", "kvar").is_some_and(|v| v <= 0.0) {
            let mut parts = [Amount::ZERO; 3];
            for g in grants {
                let left = g.remaining().unwrap_or_default();
                if left.ore() <= 0 {
                    continue;
                }
                let carried = g.coming_years.as_deref().is_some_and(|c| {
                    c.split(|ch: char| !ch.is_ascii_digit())
                        .any(|w| w.len() == 4)
                });
                let k = if carried {
                    0
                } else if g.repayable {
                    1
                } else {
                    2
                };
                parts[k] += left;
            }
            let words = [
                "kan föras över till kommande år",
                "ska återbetalas",
                "varken återbetalas eller förs över enligt villkoren",
            ];
            let named: Vec<(usize, Amount)> = parts
                .iter()
                .enumerate()
                .filter(|(_, a)| !a.rounded(Unit::Mnkr, 1).is_zero())
                .map(|(i, a)| (i, *a))
                .collect();
            if named.len() == 1 {
                s.push(text(format!(" och {}.", words[named[0].0])));
            } else if named.is_empty() {
                s.push(text("."));
            } else {
                s.push(text(": "));
                for (j, (i, a)) in named.iter().enumerate() {
                    if j > 0 {
                        s.push(text(if j + 1 == named.len() { " och " } else { ", " }));
                    }
                    let f = Format::Amount {
                        unit: Unit::Mnkr,
                        decimals: 1,
                    };
                    let v = Value::Amount(*a);
                    s.push(Inline::Number(BoundNumber {
                        text: format!("{}\u{a0}mnkr", f.render(&v)),
                        value: v,
                        format: f,
                        source: Some(Source {
                            fact: format!("statsbidrag/{}/kvar/{i}", ctx.year),
                            origin: "statsbidrag.csv: kvar per villkor".into(),
                        }),
                        cell: None,
                    }));
                    s.push(text(format!(" {}", words[*i])));
                }
                s.push(text("."));
            }
        }
    }
    section(
        id.into(),
        "Riktade statsbidrag".into(),
        vec![paragraph(s), Block::Table(t)],
        vec![],
    )
}

fn bound_count_of(n: usize, fact: &str, origin: &str) -> Inline {
    let f = Format::Number { decimals: 0 };
    Inline::Number(BoundNumber {
        value: Value::Number(n as f64),
        // A count of a neuter noun (uppdrag, statsbidrag), in words up to twelve.
        text: delar_core::words::count_text(n as u64, true),
        format: f,
        source: Some(Source {
            fact: fact.into(),
            origin: origin.into(),
        }),
        cell: None,
    })
}

// ---------------------------------------------------------------------------------------------
// Queues

fn same_kind(a: &Queue, b: &Queue) -> bool {
    a.committee == b.committee
        && a.law == b.law
        && a.decision.trim().to_lowercase() == b.decision.trim().to_lowercase()
}

/// Decisions not carried out at the end of the latest month of the year up to the cut-off:
/// per committee and kind of decision women, men, total, of which waiting more than three
/// months, the same month a year earlier with the change, and the waiting times; a total row
/// and a sentence bound to it.
pub fn queues(ctx: &FollowupContext<'_>) -> Section {
    let id = "ej-verkstallda-beslut";
    let title = "Ej verkställda beslut och väntetider";
    let month = ctx
        .data
        .queues
        .iter()
        .filter(|q| q.month.year() == ctx.year && q.month <= ctx.cutoff && ctx.covers(&q.committee))
        .map(|q| q.month)
        .max();
    let Some(month) = month else {
        return section(
            id.into(),
            title.into(),
            vec![Block::Paragraph(Paragraph::text(format!(
                "Det finns inga uppgifter om ej verkställda beslut för {}.",
                ctx.year
            )))],
            vec![],
        );
    };
    let prev = month.add_months(-12);
    let label = |m: YearMonth| format!("{} {}", m.abbr(), m.year());
    let n0 = Format::Number { decimals: 0 };
    let mut t = table(
        id.into(),
        format!("Ej verkställda beslut {}", label(month)),
        None,
        vec![
            col("insats", "Insats", Format::Text),
            col("lagrum", "Lagrum", Format::Text),
            col("k", "Kvinnor", n0),
            col("m", "Män", n0),
            col("t", "Totalt", n0),
            col("over3", "varav över 3 mån", n0),
            col("fjol", &label(prev), n0),
            col("forandring", "Förändring", n0),
            col("medel", "Medel", n0),
            col("median", "Median", n0),
        ],
    );
    t.groups = vec![
        HeaderGroup {
            label: String::new(),
            span: 2,
        },
        HeaderGroup {
            label: format!("Antal beslut {}", label(month)),
            span: 4,
        },
        HeaderGroup {
            label: "Jämfört med året innan".into(),
            span: 2,
        },
        HeaderGroup {
            label: "Väntetid, dagar".into(),
            span: 2,
        },
    ];
    t.sign_note =
        Some("Förändring = totalt − totalt samma månad året innan; positiv = fler.".into());
    let mut keys = Vec::new();
    let mut sums: [Vec<Option<i64>>; 5] = Default::default();
    let mut longest: Option<(f64, String)> = None;
    let shown: Vec<&(String, String)> = ctx
        .committees
        .iter()
        .filter(|(c, _)| {
            ctx.data
                .queues
                .iter()
                .any(|q| q.month == month && q.committee == *c)
        })
        .collect();
    for (code, name) in &shown {
        if shown.len() > 1 {
            heading_row(&mut t, format!("{code}-rubrik"), name);
        }
        for q in ctx
            .data
            .queues
            .iter()
            .filter(|q| q.month == month && q.committee == *code)
        {
            let before = ctx
                .data
                .queues
                .iter()
                .find(|p| p.month == prev && same_kind(p, q));
            let key = format!("{code}-{}-{}", q.law.label(), slug(&q.decision));
            let base = format!("ko/{code}/{}/{}", q.law.label(), slug(&q.decision));
            let fact = |m: YearMonth, c: &str| format!("{base}/{m}/{c}");
            let last = before.map(|p| p.total);
            let change = last.map(|l| q.total - l);
            for (i, v) in [q.women, q.men, Some(q.total), q.over_three_months, last]
                .into_iter()
                .enumerate()
            {
                sums[i].push(v);
            }
            let mut r = row(
                key.clone(),
                RowKind::Item,
                vec![
                    Cell::text(&q.decision),
                    Cell::text(q.law.label()),
                    count_cell(q.women).with_source(fact(month, "kvinnor"), "koer.csv"),
                    count_cell(q.men).with_source(fact(month, "man"), "koer.csv"),
                    count_cell(Some(q.total)).with_source(fact(month, "totalt"), "koer.csv"),
                    count_cell(q.over_three_months)
                        .with_source(fact(month, "over-3-man"), "koer.csv"),
                    count_cell(last).with_source(fact(prev, "totalt"), "koer.csv"),
                    count_cell(change).with_source(fact(month, "forandring"), "koer.csv"),
                    num_cell(q.mean_wait_days, 0).with_source(fact(month, "medel"), "koer.csv"),
                    num_cell(q.median_wait_days, 0).with_source(fact(month, "median"), "koer.csv"),
                ],
            );
            r.level = u8::from(shown.len() > 1);
            t.rows.push(r);
            if let Some(d) = q.mean_wait_days {
                if longest.as_ref().is_none_or(|(l, _)| d > *l) {
                    longest = Some((d, key.clone()));
                }
            }
            keys.push(key);
        }
    }
    let totals: Vec<Option<i64>> = sums.iter().map(|s| sum_all(s)).collect();
    let change = totals[2].zip(totals[4]).map(|(t, l)| t - l);
    let mut cells = vec![Cell::text("Summa"), Cell::text("")];
    cells.extend(totals.iter().map(|v| count_cell(*v)));
    cells.extend([count_cell(change), Cell::empty(), Cell::empty()]);
    let mut total = row("summa", RowKind::Total, cells);
    total.includes = keys;
    t.rows.push(total);
    t.identities = vec![
        Identity::Linear {
            rule: "R9".into(),
            result: "t".into(),
            terms: vec![(1, "k".into()), (1, "m".into())],
        },
        Identity::Linear {
            rule: "R1".into(),
            result: "forandring".into(),
            terms: vec![(1, "t".into()), (-1, "fjol".into())],
        },
    ];
    t.notes.push(
        "Ej verkställda beslut enligt SoL och LSS vid månadens slut. Beslut som inte verkställts \
         inom tre månader rapporteras till Inspektionen för vård och omsorg (IVO). Väntetid = \
         dagar från beslut till verkställighet."
            .into(),
    );

    let mut s = vec![
        text(format!(
            "I slutet av {} {} fanns ",
            MONTH_NAMES[month.month() as usize - 1],
            month.year()
        )),
        repeat_cell(&t, "summa", "t", "", false),
        text(" beslut som inte verkställts"),
    ];
    if let Some(c) = change {
        if c == 0 {
            s.push(text(", lika många som ett år tidigare"));
        } else {
            s.extend([
                text(", "),
                repeat_cell(&t, "summa", "forandring", "", true),
                text(more_or_fewer(Some(c as f64))),
                text(" än ett år tidigare"),
            ]);
        }
    }
    s.push(text("."));
    if totals[3].is_some() {
        s.extend([
            text(" Av dem hade "),
            repeat_cell(&t, "summa", "over3", "", false),
            text(" väntat mer än tre månader."),
        ]);
    }
    if let Some((_, key)) = &longest {
        let q = ctx
            .data
            .queues
            .iter()
            .find(|q| {
                q.month == month
                    && format!("{}-{}-{}", q.committee, q.law.label(), slug(&q.decision)) == *key
            })
            .expect("the row was built from it");
        s.extend([
            text(format!(
                " Längst är väntetiden för {} ({}) med i genomsnitt ",
                q.decision.to_lowercase(),
                q.law.label()
            )),
            repeat_cell(&t, key, "medel", " dagar", false),
            text("."),
        ]);
    }
    section(
        id.into(),
        title.into(),
        vec![paragraph(s), Block::Table(t)],
        vec![],
    )
}

// ---------------------------------------------------------------------------------------------
// Population

/// Population on 31 December of the latest outcome year by age band: women, men, total, the
/// year before and the change (number and %), and the population forecast for the report's
/// year when there is one; a total row and a sentence bound to it.
pub fn population(ctx: &FollowupContext<'_>) -> Section {
    let id = "befolkning";
    let title = "Befolkningsutveckling";
    let outcome_year = ctx
        .data
        .population
        .iter()
        .filter(|p| p.basis == Basis::Outcome && p.year <= ctx.year)
        .map(|p| p.year)
        .max();
    let Some(y) = outcome_year else {
        return section(
            id.into(),
            title.into(),
            vec![Block::Paragraph(Paragraph::text(
                "Det finns inget utfall för befolkningen att redovisa.",
            ))],
            vec![],
        );
    };
    let rows_of = |year: i32, basis: Basis| -> Vec<&Population> {
        ctx.data
            .population
            .iter()
            .filter(|p| p.year == year && p.basis == basis)
            .collect()
    };
    let now = rows_of(y, Basis::Outcome);
    let before = rows_of(y - 1, Basis::Outcome);
    let forecast = if ctx.year > y {
        rows_of(ctx.year, Basis::Forecast)
    } else {
        vec![]
    };
    let mut bands: Vec<AgeBand> = now.iter().map(|p| p.band).collect();
    bands.sort();
    bands.dedup();
    let n0 = Format::Number { decimals: 0 };
    let mut cols = vec![
        col("grupp", "Åldersgrupp", Format::Text),
        col("k", "Kvinnor", n0),
        col("m", "Män", n0),
        col("t", "Totalt", n0),
        col("fjol", &format!("Totalt {}", y - 1), n0),
        col("forandring", "Förändring", n0),
        col(
            "forandring-pct",
            "Förändring, %",
            Format::Percent { decimals: 1 },
        ),
    ];
    let with_forecast = !forecast.is_empty();
    if with_forecast {
        cols.push(col("prognos", &format!("Prognos {}", ctx.year), n0));
    }
    let mut t = table(
        id.into(),
        format!("Befolkning 31 december {y} per åldersgrupp"),
        None,
        cols,
    );
    t.groups = vec![
        HeaderGroup {
            label: String::new(),
            span: 1,
        },
        HeaderGroup {
            label: format!("31 december {y}"),
            span: 3,
        },
        HeaderGroup {
            label: "Jämfört med året innan".into(),
            span: 3,
        },
    ];
    if with_forecast {
        t.groups.push(HeaderGroup {
            label: String::new(),
            span: 1,
        });
    }
    t.sign_note = Some(format!(
        "Förändring = totalt {y} − totalt {}; positiv = fler invånare.",
        y - 1
    ));
    fn find<'a>(rows: &[&'a Population], b: AgeBand) -> Option<&'a Population> {
        rows.iter().find(|p| p.band == b).copied()
    }
    let pct = |new: Option<i64>, old: Option<i64>| match (new, old) {
        (Some(n), Some(o)) if o != 0 => Cell::new(
            Value::Ratio((n - o) as f64 / o as f64),
            &Format::Percent { decimals: 1 },
        ),
        // a change that cannot be computed is left empty (R1), not i.u.
        _ => Cell::empty(),
    };
    let mut sums: [Vec<Option<i64>>; 5] = Default::default();
    let mut keys = Vec::new();
    let mut fastest: Option<(f64, String)> = None;
    for b in &bands {
        let p = find(&now, *b).expect("band taken from the year");
        let last = find(&before, *b).map(|p| p.total);
        let fc = find(&forecast, *b).map(|p| p.total);
        let key = format!("ar-{}", b.from);
        let fact = |year: i32| format!("befolkning/{b}/{year}");
        let change = last.map(|l| p.total - l);
        for (i, v) in [Some(p.women), Some(p.men), Some(p.total), last, fc]
            .into_iter()
            .enumerate()
        {
            sums[i].push(v);
        }
        let mut cells = vec![
            Cell::text(format!("{b} år")),
            count_cell(Some(p.women)).with_source(format!("{}/kvinnor", fact(y)), "befolkning.csv"),
            count_cell(Some(p.men)).with_source(format!("{}/man", fact(y)), "befolkning.csv"),
            count_cell(Some(p.total)).with_source(fact(y), "befolkning.csv"),
            count_cell(last).with_source(fact(y - 1), "befolkning.csv"),
            count_cell(change).with_source(format!("{}/forandring", fact(y)), "befolkning.csv"),
            pct(Some(p.total), last)
                .with_source(format!("{}/forandring-pct", fact(y)), "befolkning.csv"),
        ];
        if with_forecast {
            cells.push(count_cell(fc).with_source(fact(ctx.year), "befolkning.csv"));
        }
        if let Some(l) = last.filter(|l| *l > 0) {
            let r = (p.total - l) as f64 / l as f64;
            if fastest.as_ref().is_none_or(|(f, _)| r > *f) {
                fastest = Some((r, key.clone()));
            }
        }
        t.rows.push(row(key.clone(), RowKind::Item, cells));
        keys.push(key);
    }
    let totals: Vec<Option<i64>> = sums.iter().map(|s| sum_all(s)).collect();
    let mut cells = vec![
        Cell::text("Totalt"),
        count_cell(totals[0]),
        count_cell(totals[1]),
        count_cell(totals[2]),
        count_cell(totals[3]),
        count_cell(totals[2].zip(totals[3]).map(|(n, o)| n - o)),
        pct(totals[2], totals[3]),
    ];
    if with_forecast {
        cells.push(count_cell(totals[4]));
    }
    let mut total = row("totalt", RowKind::Total, cells);
    total.includes = keys;
    t.rows.push(total);
    t.identities = vec![
        Identity::Linear {
            rule: "R9".into(),
            result: "t".into(),
            terms: vec![(1, "k".into()), (1, "m".into())],
        },
        Identity::Linear {
            rule: "R1".into(),
            result: "forandring".into(),
            terms: vec![(1, "t".into()), (-1, "fjol".into())],
        },
        Identity::Change {
            rule: "R1".into(),
            result: "forandring-pct".into(),
            new: "t".into(),
            old: "fjol".into(),
            except_rows: Vec::new(),
        },
    ];
    if with_forecast {
        t.notes.push(format!(
            "Prognos {} enligt kommunens befolkningsprognos.",
            ctx.year
        ));
    }

    let mut s = vec![
        text(format!("Den 31 december {y} hade kommunen ")),
        repeat_cell(&t, "totalt", "t", "", false),
        text(" invånare"),
    ];
    let change = cell_value(&t, "totalt", "forandring");
    if change.is_some_and(|c| c != 0.0) {
        s.extend([
            text(", "),
            repeat_cell(&t, "totalt", "forandring", "", true),
            text(more_or_fewer(change)),
            text(" än ett år tidigare ("),
            repeat_cell(&t, "totalt", "forandring-pct", "", false),
            text(")"),
        ]);
    }
    s.push(text("."));
    if let Some((r, key)) = &fastest {
        if *r > 0.0 {
            let label = t
                .rows
                .iter()
                .find(|x| x.key == *key)
                .map(|x| x.cells[0].text.clone())
                .unwrap_or_default();
            s.extend([
                text(format!(" Snabbast växer åldersgruppen {label}, med ")),
                repeat_cell(&t, key, "forandring-pct", "", false),
                text("."),
            ]);
        }
    }
    if with_forecast && totals[4].is_some() {
        s.extend([
            text(" Enligt befolkningsprognosen har kommunen "),
            repeat_cell(&t, "totalt", "prognos", "", false),
            text(format!(" invånare vid slutet av {}.", ctx.year)),
        ]);
    }
    section(
        id.into(),
        title.into(),
        vec![paragraph(s), Block::Table(t)],
        vec![],
    )
}
