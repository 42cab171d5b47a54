//! A small but complete report with every kind of block, for renderer tests and examples.
//! Its numbers are consistent (it passes the integrity checks); tests that need an error
//! change a copy.

use crate::model::*;
use delar_core::{Amount, Round, Unit};

const MNKR: Format = Format::Amount {
    unit: Unit::Mnkr,
    decimals: 1,
};
const PCT: Format = Format::Percent { decimals: 0 };

fn amount_cell(ore: i64, fact: &str) -> Cell {
    Cell::new(Value::Amount(Amount::from_ore(ore)), &MNKR).with_source(fact, "exempel")
}

fn col(key: &str, label: &str, format: Format) -> Column {
    Column {
        key: key.into(),
        label: label.into(),
        format,
    }
}

/// The committees of the sample: code, name, budget and forecast (öre, net cost positive).
const COMMITTEES: [(&str, &str, i64, i64); 4] = [
    (
        "PN",
        "Programnämnd social välfärd",
        12_340_000_000,
        11_890_000_000,
    ),
    ("SN", "Socialnämnden", 84_512_345_678, 88_950_000_000),
    (
        "VON",
        "Vård- och omsorgsnämnden",
        143_200_000_000,
        142_875_500_000,
    ),
    (
        "FSN",
        "Funktionsstödsnämnden",
        61_000_000_000,
        61_543_210_000,
    ),
];

/// The driftsammandrag: budget, forecast, deviation (budget − forecast), förbrukning.
fn operating_table() -> Table {
    let columns = vec![
        col("namn", "Nämnd", Format::Text),
        col("budget", "Budget helår", MNKR),
        col("prognos", "Prognos helår", MNKR),
        col("avvikelse", "Avvikelse", MNKR),
        col("andel", "Prognos i % av budget", PCT),
    ];
    let mut rows = Vec::new();
    let (mut tb, mut tp) = (0i64, 0i64);
    for (code, name, b, p) in COMMITTEES {
        tb += b;
        tp += p;
        rows.push(Row {
            key: code.into(),
            kind: RowKind::Item,
            level: 0,
            cells: vec![
                Cell::text(name),
                amount_cell(b, &format!("budget/{code}")),
                amount_cell(p, &format!("prognos/{code}")),
                amount_cell(b - p, &format!("avvikelse/{code}")),
                Cell::new(Value::Ratio(p as f64 / b as f64), &PCT),
            ],
            includes: vec![],
        });
    }
    rows.push(Row {
        key: "varav-placeringar".into(),
        kind: RowKind::Varav,
        level: 1,
        cells: vec![
            Cell::text("varav externa placeringar (SN)"),
            amount_cell(21_000_000_000, "budget/SN/placeringar"),
            amount_cell(24_600_000_000, "prognos/SN/placeringar"),
            amount_cell(-3_600_000_000, "avvikelse/SN/placeringar"),
            Cell::new(Value::Ratio(24_600.0 / 21_000.0), &PCT),
        ],
        includes: vec![],
    });
    rows.push(Row {
        key: "PO".into(),
        kind: RowKind::Total,
        level: 0,
        cells: vec![
            Cell::text("Programområde social välfärd"),
            amount_cell(tb, "budget/PO"),
            amount_cell(tp, "prognos/PO"),
            amount_cell(tb - tp, "avvikelse/PO"),
            Cell::new(Value::Ratio(tp as f64 / tb as f64), &PCT),
        ],
        includes: COMMITTEES.iter().map(|c| c.0.to_string()).collect(),
    });
    Table {
        id: "drift".into(),
        number: 0,
        caption: "Driftredovisning per nämnd, helår 2025".into(),
        unit: Some(Unit::Mnkr),
        sign_note: Some(
            "Nettokostnad anges positiv. Avvikelse = budget − prognos; positiv avvikelse = överskott."
                .into(),
        ),
        groups: vec![
            HeaderGroup {
                label: String::new(),
                span: 1,
            },
            HeaderGroup {
                label: "Helår 2025".into(),
                span: 4,
            },
        ],
        columns,
        rows,
        identities: vec![
            Identity::Linear {
                rule: "R1".into(),
                result: "avvikelse".into(),
                terms: vec![(1, "budget".into()), (-1, "prognos".into())],
            },
            Identity::Ratio {
                rule: "R1".into(),
                result: "andel".into(),
                numerator: "prognos".into(),
                denominator: "budget".into(),
                except_rows: Vec::new(),
            },
        ],
        notes: vec!["Interna köp mellan nämnderna är eliminerade i programområdets summa.".into()],
    }
}

/// A long table (60 units) that must break across pages with its header repeated.
fn long_table() -> Table {
    let columns = vec![
        col("enhet", "Enhet", Format::Text),
        col("utfall", "Utfall jan–aug", MNKR),
        col("budget", "Periodiserad budget", MNKR),
        col("avvikelse", "Avvikelse", MNKR),
    ];
    let mut rows = Vec::new();
    let (mut tu, mut tb) = (0, 0);
    for i in 0..60i64 {
        let u = 1_000_000_000 + i * 37_123_457;
        let b = 1_010_000_000 + i * 35_000_000;
        tu += u;
        tb += b;
        rows.push(Row {
            key: format!("E{i:02}"),
            kind: RowKind::Item,
            level: 1,
            cells: vec![
                Cell::text(format!(
                    "Enhet {} med ett ganska långt namn, område {}",
                    i + 1,
                    i % 7
                )),
                amount_cell(u, &format!("utfall/E{i:02}")),
                amount_cell(b, &format!("pbudget/E{i:02}")),
                amount_cell(b - u, &format!("pavvikelse/E{i:02}")),
            ],
            includes: vec![],
        });
    }
    let keys = rows.iter().map(|r| r.key.clone()).collect();
    rows.push(Row {
        key: "summa".into(),
        kind: RowKind::Total,
        level: 0,
        cells: vec![
            Cell::text("Summa enheter"),
            amount_cell(tu, "utfall/summa"),
            amount_cell(tb, "pbudget/summa"),
            amount_cell(tb - tu, "pavvikelse/summa"),
        ],
        includes: keys,
    });
    Table {
        id: "enheter".into(),
        number: 0,
        caption: "Utfall per enhet januari–augusti 2025".into(),
        unit: Some(Unit::Mnkr),
        sign_note: Some("Avvikelse = periodiserad budget − utfall; positiv = överskott.".into()),
        groups: vec![],
        columns,
        rows,
        identities: vec![Identity::Linear {
            rule: "R1".into(),
            result: "avvikelse".into(),
            terms: vec![(1, "budget".into()), (-1, "utfall".into())],
        }],
        notes: vec![],
    }
}

fn goal_table() -> Table {
    let columns = vec![
        col("indikator", "Indikator", Format::Text),
        col("2023", "2023", Format::Number { decimals: 1 }),
        col("2024", "2024", Format::Number { decimals: 1 }),
        col("utfall", "Utfall 2025", Format::Number { decimals: 1 }),
        col("mal", "Målvärde", Format::Text),
        col("status", "Bedömning", Format::Status),
    ];
    let status = |label: &str, level| {
        Cell::new(
            Value::Status(Status {
                label: label.into(),
                level,
            }),
            &Format::Status,
        )
    };
    let n = |v: f64| Cell::new(Value::Number(v), &Format::Number { decimals: 1 });
    Table {
        id: "mal-1".into(),
        number: 0,
        caption: "Indikatorer för målet Fler invånare blir självförsörjande".into(),
        unit: None,
        sign_note: None,
        groups: vec![],
        columns,
        rows: vec![
            Row {
                key: "ek-bistand".into(),
                kind: RowKind::Item,
                level: 0,
                cells: vec![
                    Cell::text("Andel hushåll med ekonomiskt bistånd i mer än 10 månader, %"),
                    n(41.2),
                    n(43.0),
                    n(43.4).with_source("indikator/U31462/2025", "Kolada U31462"),
                    Cell::text("Minska"),
                    status("Uppnås inte", StatusLevel::Bad),
                ],
                includes: vec![],
            },
            Row {
                key: "nojdhet".into(),
                kind: RowKind::Item,
                level: 0,
                cells: vec![
                    Cell::text("Brukarbedömning hemtjänst, helhetssyn, %"),
                    n(88.0),
                    n(89.0),
                    Cell::new(Value::NoData, &Format::Number { decimals: 1 }),
                    Cell::text("Minst 90"),
                    status("Delvis", StatusLevel::Partial),
                ],
                includes: vec![],
            },
        ],
        identities: vec![],
        notes: vec!["i.u. = ingen uppgift ännu; brukarundersökningen publiceras i oktober.".into()],
    }
}

fn chart() -> Chart {
    let months = [
        "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    ];
    let budget: Vec<Option<f64>> = (1..=12).map(|m| Some(m as f64 * 25.0)).collect();
    let outcome: Vec<Option<f64>> = (1..=12)
        .map(|m| (m <= 8).then_some(m as f64 * 25.9))
        .collect();
    let forecast: Vec<Option<f64>> = (1..=12)
        .map(|m| (m >= 8).then_some(8.0 * 25.9 + (m as f64 - 8.0) * 26.2))
        .collect();
    Chart {
        id: "ack".into(),
        number: 0,
        title: "Ackumulerat utfall och prognos mot periodiserad budget, Socialnämnden".into(),
        kind: ChartKind::Line,
        unit: "mnkr".into(),
        categories: months.iter().map(|m| m.to_string()).collect(),
        series: vec![
            Series {
                name: "Periodiserad budget".into(),
                values: budget,
                style: SeriesStyle::Dotted,
            },
            Series {
                name: "Utfall".into(),
                values: outcome,
                style: SeriesStyle::Solid,
            },
            Series {
                name: "Prognos".into(),
                values: forecast,
                style: SeriesStyle::Dashed,
            },
        ],
        alt: "Linjediagram. Ackumulerat utfall i augusti är 207,2 mnkr mot en periodiserad budget \
              på 200,0 mnkr; prognosen för helåret är 312,0 mnkr mot budget 300,0 mnkr."
            .into(),
    }
}

fn bar_chart() -> Chart {
    Chart {
        id: "avvikelse-namnd".into(),
        number: 0,
        title: "Prognostiserad avvikelse mot budget per nämnd".into(),
        kind: ChartKind::HorizontalBar,
        unit: "mnkr".into(),
        categories: COMMITTEES.iter().map(|c| c.1.to_string()).collect(),
        series: vec![Series {
            name: "Avvikelse".into(),
            values: COMMITTEES
                .iter()
                .map(|c| Some((c.2 - c.3) as f64 / 1e8))
                .collect(),
            style: SeriesStyle::Solid,
        }],
        alt: "Liggande stapeldiagram: Programnämnden +4,5, Socialnämnden −44,4, Vård- och \
              omsorgsnämnden +3,2 och Funktionsstödsnämnden −5,4 mnkr."
            .into(),
    }
}

/// The sample report (round 2025-P2, numbered).
pub fn sample() -> Report {
    let drift = operating_table();
    let sn = drift.row("SN").unwrap();
    let dev = &sn.cells[3];
    let bound = BoundNumber {
        value: dev.value.clone(),
        format: MNKR,
        text: format!("{} mnkr", dev.text.trim_start_matches('\u{2212}')),
        source: dev.source.clone(),
        cell: Some(CellRef {
            table: "drift".into(),
            row: "SN".into(),
            column: "avvikelse".into(),
        }),
    };
    let summary = Paragraph {
        inlines: vec![
            Inline::Text("Socialnämnden prognostiserar ett ".into()),
            Inline::Strong("underskott".into()),
            Inline::Text(" på ".into()),
            Inline::Number(bound),
            Inline::Text(
                " för helåret, främst till följd av fler externa placeringar av barn och unga. \
                 Bedömningen för målet om självförsörjning är "
                    .into(),
            ),
            Inline::Status(Status {
                label: "Uppnås inte".into(),
                level: StatusLevel::Bad,
            }),
            Inline::Text(".".into()),
        ],
        sums: vec![],
        edited: false,
    };
    let mut r = Report {
        meta: Meta {
            title: "Delårsrapport 2 2025".into(),
            subtitle: "Programområde social välfärd".into(),
            organisation: "Exempelkommun".into(),
            round: Round::parse("2025-P2").unwrap(),
            period_label: "januari–augusti 2025".into(),
            date: "2025-09-30".into(),
            draft: false,
            formal: Vec::new(),
            style: None,
        },
        sections: vec![
            Section {
                id: "forslag".into(),
                title: "Förslag till beslut".into(),
                number: String::new(),
                numbered: false,
                role: None,
                blocks: vec![Block::Callout {
                    title: "Förslag till beslut".into(),
                    body: vec![
                        Paragraph::text("1. Programnämnden fastställer delårsrapport 2 2025."),
                        Paragraph::text(
                            "Socialnämnden och Funktionsstödsnämnden får i uppdrag att vidta \
                             åtgärder för en budget i balans.",
                        ),
                    ],
                }],
                sections: vec![],
            },
            Section {
                id: "analys".into(),
                title: "Förvaltningschefens bedömning och analys".into(),
                number: String::new(),
                numbered: true,
                role: None,
                blocks: vec![
                    Block::Paragraph(summary),
                    Block::List {
                        ordered: false,
                        items: vec![
                            Paragraph::text("Placeringar av barn och unga ökar."),
                            Paragraph::text("Hemtjänsttimmarna följer budget."),
                        ],
                    },
                ],
                sections: vec![],
            },
            Section {
                id: "ekonomi".into(),
                title: "Ekonomi".into(),
                number: String::new(),
                numbered: true,
                role: None,
                blocks: vec![Block::Table(drift), Block::Chart(bar_chart())],
                sections: vec![Section {
                    id: "ackumulerat".into(),
                    title: "Utfall till och med augusti".into(),
                    number: String::new(),
                    numbered: true,
                    role: None,
                    blocks: vec![
                        Block::Chart(chart()),
                        Block::PageBreak,
                        Block::Table(long_table()),
                    ],
                    sections: vec![],
                }],
            },
            Section {
                id: "mal".into(),
                title: "Mål och indikatorer".into(),
                number: String::new(),
                numbered: true,
                role: None,
                blocks: vec![],
                sections: vec![Section {
                    id: "mal-1".into(),
                    title: "Fler invånare blir självförsörjande".into(),
                    number: String::new(),
                    numbered: true,
                    role: Some("goal".into()),
                    blocks: vec![
                        Block::Paragraph(Paragraph::text(
                            "Andelen långvariga biståndshushåll har ökat. Arbetet med \
                             arbetsmarknadsinsatser fortsätter.",
                        )),
                        Block::Table(goal_table()),
                    ],
                    sections: vec![],
                }],
            },
        ],
    };
    r.number();
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_is_numbered_and_consistent() {
        let r = sample();
        assert_eq!(r.tables().len(), 3);
        assert_eq!(r.charts().len(), 2);
        let t = r.table("drift").unwrap();
        assert_eq!(t.number, 1);
        let po = t.row("PO").unwrap();
        let sum: Amount = t
            .rows
            .iter()
            .filter(|r| po.includes.contains(&r.key))
            .map(|r| r.cells[1].value.amount().unwrap())
            .sum();
        assert_eq!(po.cells[1].value.amount(), Some(sum));
        // the bound number repeats the table cell
        let p = match &r.sections[1].blocks[0] {
            Block::Paragraph(p) => p,
            _ => panic!(),
        };
        let n = p.numbers()[0];
        let (_, _, cell) = r.cell(n.cell.as_ref().unwrap()).unwrap();
        assert_eq!(cell.value, n.value);
        assert!(p.plain().contains("4\u{a0}437,7 mnkr") || p.plain().contains("mnkr"));
        // JSON round trip
        let json = serde_json::to_string(&r).unwrap();
        let back: Report = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
        // Amounts as kronor with two decimals in text, as every JSON output of delar.
        let v: serde_json::Value = serde_json::to_value(&po.cells[1].value).unwrap();
        assert_eq!(v["kind"], "amount");
        assert_eq!(v["value"], sum.to_fixed2().as_str());
        assert!(v["value"]
            .as_str()
            .unwrap()
            .ends_with(&format!(".{:02}", sum.ore().unsigned_abs() % 100)));
    }
}
