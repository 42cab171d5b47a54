//! Volume × unit price tables (external placements and other volume-driven costs): persons per
//! day and cost per day last year and forecast this year, the cost, and the change split into
//! a volume part and a price part (R14: volume × price × days reproduces the cost).

use crate::data::VolumeInput;
use crate::economy::Ctx;
use delar_core::{Amount, VolumeKind, YearMonth};
use delar_forecast::{deviation_from_budget, project_stock, BudgetDeviation, StockMonth};
use delar_report::{
    Cell, Chart, ChartKind, Column, Format, HeaderGroup, Identity, Row, RowKind, Series,
    SeriesStyle, Table, Value,
};
use std::collections::BTreeMap;

/// A stock series with its price series: one row of the table.
struct Pair<'a> {
    volume: &'a VolumeInput,
    price: &'a VolumeInput,
}

/// Yearly figures of a pair: average persons per day, cost, cost per day.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct YearFigures {
    /// Average volume per day over the year (day-weighted).
    pub volume: f64,
    /// Cost of the year, kr.
    pub cost: f64,
    /// Days in the year.
    pub days: f64,
}

impl YearFigures {
    /// Cost per day per person: cost / (volume × days).
    pub fn price(&self) -> f64 {
        if self.volume > 0.0 && self.days > 0.0 {
            self.cost / (self.volume * self.days)
        } else {
            0.0
        }
    }
}

fn per_month(price_unit: &str) -> bool {
    price_unit.to_lowercase().contains("månad")
}

/// The cost of one month: volume × price × days (or × 1 when the price is per month).
fn month_cost(volume: f64, price: f64, month: YearMonth, monthly_price: bool) -> f64 {
    if monthly_price {
        volume * price
    } else {
        volume * price * month.days() as f64
    }
}

/// Outcome for a whole year (all twelve months known).
fn actual_year(p: &Pair, year: i32) -> Option<YearFigures> {
    let monthly = per_month(&p.price.series.unit);
    let mut f = YearFigures::default();
    let mut vd = 0.0;
    for m in 1..=12 {
        let ym = YearMonth::new(year, m).ok()?;
        let v = *p.volume.values.get(&ym)?;
        let pr = *p.price.values.get(&ym)?;
        f.cost += month_cost(v, pr, ym, monthly);
        vd += v * ym.days() as f64;
        f.days += ym.days() as f64;
    }
    f.volume = vd / f.days;
    Some(f)
}

/// This year: outcome to the cut-off, then the average of the last three months for the rest.
fn forecast_year(p: &Pair, year: i32, cutoff: u8) -> Option<YearFigures> {
    let monthly = per_month(&p.price.series.unit);
    let mut f = YearFigures::default();
    let mut vd = 0.0;
    let mut last_v = Vec::new();
    let mut last_p = Vec::new();
    for m in 1..=cutoff {
        let ym = YearMonth::new(year, m).ok()?;
        let v = *p.volume.values.get(&ym)?;
        let pr = *p.price.values.get(&ym)?;
        f.cost += month_cost(v, pr, ym, monthly);
        vd += v * ym.days() as f64;
        f.days += ym.days() as f64;
        last_v.push(v);
        last_p.push(pr);
    }
    let n = last_v.len().min(3);
    if n == 0 {
        return None;
    }
    let v_rest: f64 = last_v[last_v.len() - n..].iter().sum::<f64>() / n as f64;
    let p_rest: f64 = last_p[last_p.len() - n..].iter().sum::<f64>() / n as f64;
    for m in cutoff + 1..=12 {
        let ym = YearMonth::new(year, m).ok()?;
        f.cost += month_cost(v_rest, p_rest, ym, monthly);
        vd += v_rest * ym.days() as f64;
        f.days += ym.days() as f64;
    }
    f.volume = vd / f.days;
    Some(f)
}

fn kr(x: f64) -> Amount {
    Amount::from_ore((x * 100.0).round() as i64)
}

impl Ctx<'_> {
    /// The stock series with a price series, of one category (`None` for all).
    fn pairs(&self, category: Option<&str>) -> Vec<Pair<'_>> {
        let vols = &self.inputs.volumes;
        vols.iter()
            .filter(|v| v.series.kind == VolumeKind::Stock)
            .filter(|v| category.is_none() || v.series.category.as_deref() == category)
            .filter_map(|v| {
                let ps = v.series.price_series.as_deref()?;
                let price = vols.iter().find(|p| p.series.code == ps)?;
                Some(Pair { volume: v, price })
            })
            .collect()
    }

    /// The volume × price table for the series of one category (`None` for all), or `None`
    /// when no stock series with a price series has data for both years.
    /// With a volume budget for this year, the table compares with the budget instead
    /// ([`Ctx::volume_budget_table`]).
    pub fn volume_price_table(&self, category: Option<&str>) -> Option<Table> {
        let pairs = self.pairs(category);
        if let Some(t) = self.volume_budget_table(category, &pairs) {
            return Some(t);
        }
        let y = self.year();
        let cutoff = self.inputs.round.cutoff;
        let money = self.money();
        let persons = Format::Number { decimals: 1 };
        let price = Format::Number { decimals: 0 };
        let mut rows = Vec::new();
        for p in &pairs {
            let (Some(a), Some(b)) = (actual_year(p, y - 1), forecast_year(p, y, cutoff)) else {
                continue;
            };
            let before = kr(a.cost);
            let now = kr(b.cost);
            let change = now - before;
            // Δ = (V1 − V0)·Q0 + V1·(Q1 − Q0), Q = cost per placement-year
            let q0 = a.price() * a.days;
            let volume_part = kr((b.volume - a.volume) * q0);
            let price_part = change - volume_part;
            let code = &p.volume.series.code;
            let fact = |m: &str| format!("volym/{code}/{m}");
            let origin = format!("volymserie {code} och {}", p.price.series.code);
            let label = p
                .volume
                .series
                .name
                .split(',')
                .next()
                .unwrap_or(&p.volume.series.name)
                .to_string();
            rows.push(Row {
                key: code.clone(),
                kind: RowKind::Item,
                level: 0,
                cells: vec![
                    Cell::text(label),
                    Cell::new(Value::Number(a.volume), &persons)
                        .with_source(fact("personer-fg"), origin.clone()),
                    Cell::new(Value::Number(b.volume), &persons)
                        .with_source(fact("personer-prognos"), origin.clone()),
                    Cell::new(Value::Number(a.price()), &price)
                        .with_source(fact("pris-fg"), origin.clone()),
                    Cell::new(Value::Number(b.price()), &price)
                        .with_source(fact("pris-prognos"), origin.clone()),
                    Cell::new(Value::Amount(before), &money)
                        .with_source(fact("kostnad-fg"), origin.clone()),
                    Cell::new(Value::Amount(now), &money)
                        .with_source(fact("kostnad-prognos"), origin.clone()),
                    Cell::new(Value::Amount(change), &money),
                    Cell::new(Value::Amount(volume_part), &money),
                    Cell::new(Value::Amount(price_part), &money),
                ],
                includes: vec![],
            });
        }
        if rows.is_empty() {
            return None;
        }
        let includes: Vec<String> = rows.iter().map(|r| r.key.clone()).collect();
        let sum_amount = |i: usize| -> Amount {
            rows.iter()
                .filter_map(|r: &Row| r.cells[i].value.amount())
                .sum()
        };
        let sum_number = |i: usize| -> f64 {
            rows.iter()
                .filter_map(|r: &Row| match r.cells[i].value {
                    Value::Number(n) => Some(n),
                    _ => None,
                })
                .sum()
        };
        let total = Row {
            key: "summa".into(),
            kind: RowKind::Total,
            level: 0,
            cells: vec![
                Cell::text("Summa"),
                Cell::new(Value::Number(sum_number(1)), &persons),
                Cell::new(Value::Number(sum_number(2)), &persons),
                Cell::empty(),
                Cell::empty(),
                Cell::new(Value::Amount(sum_amount(5)), &money),
                Cell::new(Value::Amount(sum_amount(6)), &money),
                Cell::new(Value::Amount(sum_amount(7)), &money),
                Cell::new(Value::Amount(sum_amount(8)), &money),
                Cell::new(Value::Amount(sum_amount(9)), &money),
            ],
            includes,
        };
        rows.push(total);
        let col = |key: &str, label: String, format: Format| Column {
            key: key.into(),
            label,
            format,
        };
        let table = Table {
            id: match category {
                Some(c) => format!("volympris-{}", crate::slug(c)),
                None => "volympris".into(),
            },
            number: 0,
            caption: format!(
                "{}: volym och kostnad per dygn {}–{y}",
                category.unwrap_or("Placeringar"),
                y - 1
            ),
            unit: Some(self.unit),
            sign_note: Some(
                "Kostnader anges positiva. Förändring = prognos − föregående år; varav volym = \
                 ändrat antal × föregående års kostnad per plats, varav pris = resten."
                    .into(),
            ),
            groups: vec![],
            columns: vec![
                col("namn", "Placeringsform".into(), Format::Text),
                col(
                    "personer_fg",
                    format!("Personer per dygn {}", y - 1),
                    persons,
                ),
                col(
                    "personer",
                    format!("Personer per dygn prognos {y}"),
                    persons,
                ),
                col("pris_fg", format!("Kr per dygn {}", y - 1), price),
                col("pris", format!("Kr per dygn prognos {y}"), price),
                col("kostnad_fg", format!("Kostnad {}", y - 1), money),
                col("kostnad", format!("Kostnad prognos {y}"), money),
                col("forandring", "Förändring".into(), money),
                col("volym", "varav volym".into(), money),
                col("prisdel", "varav pris".into(), money),
            ],
            rows,
            identities: vec![
                Identity::Linear {
                    rule: "R1".into(),
                    result: "forandring".into(),
                    terms: vec![(1, "kostnad".into()), (-1, "kostnad_fg".into())],
                },
                Identity::Linear {
                    rule: "R13".into(),
                    result: "forandring".into(),
                    terms: vec![(1, "volym".into()), (1, "prisdel".into())],
                },
                Identity::Product {
                    rule: "R14".into(),
                    result: "kostnad_fg".into(),
                    factors: vec!["personer_fg".into(), "pris_fg".into()],
                    scale: days_in(y - 1),
                    tolerance: 1.0,
                },
                Identity::Product {
                    rule: "R14".into(),
                    result: "kostnad".into(),
                    factors: vec!["personer".into(), "pris".into()],
                    scale: days_in(y),
                    tolerance: 1.0,
                },
            ],
            notes: vec![format!(
                "Prognosen för {y} bygger på utfallet januari–{} och genomsnittet av de tre \
                 senaste månaderna för resten av året. Kostnaden är personer per dygn × kostnad \
                 per dygn × dygn och kan skilja sig från bokfört utfall genom periodiseringar.",
                delar_core::period::MONTH_NAMES[cutoff as usize - 1]
            )],
        };
        Some(table)
    }
}

fn days_in(year: i32) -> f64 {
    (1..=12)
        .filter_map(|m| YearMonth::new(year, m).ok())
        .map(|m| m.days() as f64)
        .sum()
}

/// One month's price per day: a price per month is divided by the month's days.
fn price_per_day(price: f64, month: YearMonth, monthly: bool) -> f64 {
    if monthly {
        price / month.days() as f64
    } else {
        price
    }
}

/// The months `1..=to` of `year` from a volume and a price series' values by month; `None`
/// when a month is missing.
fn stock_months(
    volume: &BTreeMap<YearMonth, f64>,
    price: &BTreeMap<YearMonth, f64>,
    year: i32,
    to: u8,
    monthly: bool,
) -> Option<Vec<StockMonth>> {
    (1..=to)
        .map(|m| {
            let ym = YearMonth::new(year, m).ok()?;
            Some(StockMonth {
                volume: *volume.get(&ym)?,
                price: price_per_day(*price.get(&ym)?, ym, monthly),
                days: ym.days() as f64,
            })
        })
        .collect()
}

/// Days of the months after `cutoff` in `year`.
fn remaining_days(year: i32, cutoff: u8) -> Vec<f64> {
    (cutoff + 1..=12)
        .filter_map(|m| YearMonth::new(year, m).ok())
        .map(|m| m.days() as f64)
        .collect()
}

impl Pair<'_> {
    fn monthly(&self) -> bool {
        per_month(&self.price.series.unit)
    }

    /// The year forecast at cut-off `cutoff`: outcome to then, the rest projected.
    fn forecast(&self, year: i32, cutoff: u8) -> Option<Vec<StockMonth>> {
        let done = stock_months(
            &self.volume.values,
            &self.price.values,
            year,
            cutoff,
            self.monthly(),
        )?;
        project_stock(&done, &remaining_days(year, cutoff))
    }

    /// The budget months in force at cut-off `cutoff` (volume and price both budgeted).
    fn budget(&self, year: i32, cutoff: u8) -> Option<Vec<StockMonth>> {
        stock_months(
            self.volume.budget_at(cutoff)?,
            self.price.budget_at(cutoff)?,
            year,
            12,
            self.monthly(),
        )
    }

    /// The deviation from the budget of the forecast made at `cutoff`, against the budget
    /// in force then.
    fn deviation(&self, year: i32, cutoff: u8) -> Option<BudgetDeviation> {
        deviation_from_budget(&self.forecast(year, cutoff)?, &self.budget(year, cutoff)?).ok()
    }

    fn label(&self) -> String {
        let n = &self.volume.series.name;
        n.split(',').next().unwrap_or(n).to_string()
    }
}

/// The earlier interim round a deviation is also shown for: P1 (April) in a report cut off
/// May–August, P2 (August) after that, none up to April.
fn earlier_cutoff(cutoff: u8) -> Option<u8> {
    match cutoff {
        5..=8 => Some(4),
        9..=12 => Some(8),
        _ => None,
    }
}

/// The header of a deviation group: `Avvikelse prognos 2 (augusti)`.
fn deviation_label(cutoff: u8) -> String {
    let month = delar_core::period::MONTH_NAMES[cutoff as usize - 1];
    match cutoff {
        4 => format!("Avvikelse prognos 1 ({month})"),
        8 => format!("Avvikelse prognos 2 ({month})"),
        12 => "Avvikelse helår (utfall)".into(),
        _ => format!("Avvikelse prognos {month}"),
    }
}

/// The key suffix of the earlier round's deviation columns.
fn suffix(cutoff: u8) -> String {
    match cutoff {
        4 => "_p1".into(),
        8 => "_p2".into(),
        m => format!("_{m:02}"),
    }
}

impl Ctx<'_> {
    /// The volume × unit price table against the volume budget (the layout of Socialnämnden's
    /// table of external placements): per placement form persons per day last year, budget
    /// and forecast; cost per day budget and forecast; the budget and the forecast; and the
    /// deviation at the earlier interim round and now, each split into a volume part and a
    /// price part that add up to it (R13; R1 deviation = budget − forecast; R14 budget and
    /// forecast = persons × cost per day × days). `None` when no pair of the category has a
    /// budgeted volume and price for every month of the year.
    fn volume_budget_table(&self, category: Option<&str>, pairs: &[Pair]) -> Option<Table> {
        let y = self.year();
        let cutoff = self.inputs.round.cutoff;
        let earlier = earlier_cutoff(cutoff);
        let budgeted: Vec<&Pair> = pairs
            .iter()
            .filter(|p| p.budget(y, cutoff).is_some())
            .collect();
        if budgeted.is_empty() {
            return None;
        }
        let without: Vec<String> = pairs
            .iter()
            .filter(|p| p.budget(y, cutoff).is_none())
            .map(|p| p.label())
            .collect();
        let money = self.money();
        let persons = Format::Number { decimals: 1 };
        let price = Format::Number { decimals: 0 };
        let s = self.sign.factor();
        let shown = |a: Amount| self.shown(a);
        let days = days_in(y);

        let col = |key: String, label: String, format: Format| Column { key, label, format };
        let mut columns = vec![
            col("namn".into(), "Placeringsform".into(), Format::Text),
            col("personer_fg".into(), format!("Utfall {}", y - 1), persons),
            col("personer_budget".into(), "Budget".into(), persons),
            col("personer".into(), "Prognos".into(), persons),
            col("pris_budget".into(), "Budget".into(), price),
            col("pris".into(), "Prognos".into(), price),
            col("budget".into(), "Budget".into(), money),
            col("prognos".into(), "Prognos".into(), money),
        ];
        let mut groups = vec![
            HeaderGroup {
                label: String::new(),
                span: 1,
            },
            HeaderGroup {
                label: "Personer per dygn".into(),
                span: 3,
            },
            HeaderGroup {
                label: "Kostnad, kr per dygn".into(),
                span: 2,
            },
            HeaderGroup {
                label: format!("Helår, {}", self.unit.label()),
                span: 2,
            },
        ];
        let mut deviation_sets: Vec<(u8, String)> = Vec::new();
        if let Some(e) = earlier {
            deviation_sets.push((e, suffix(e)));
        }
        deviation_sets.push((cutoff, String::new()));
        for (c, sfx) in &deviation_sets {
            columns.push(col(format!("avvikelse{sfx}"), "Totalt".into(), money));
            columns.push(col(format!("volym{sfx}"), "varav volym".into(), money));
            columns.push(col(format!("prisdel{sfx}"), "varav pris".into(), money));
            groups.push(HeaderGroup {
                label: deviation_label(*c),
                span: 3,
            });
        }

        let mut rows = Vec::new();
        for p in &budgeted {
            let Some(now) = p.deviation(y, cutoff) else {
                continue;
            };
            // The earlier round's forecast against today's budget (one basis, as the
            // operating statement's "Avvikelse prognos 1"): the change between the rounds is
            // then the forecast's movement, not a budget decided in between.
            let before = earlier.and_then(|e| {
                deviation_from_budget(&p.forecast(y, e)?, &p.budget(y, cutoff)?).ok()
            });
            let last_year = actual_year(p, y - 1);
            let code = &p.volume.series.code;
            let fact = |m: &str| format!("volym/{code}/{m}");
            let origin = format!(
                "volymserie {code} och {} med volymbudget",
                p.price.series.code
            );
            let num = |v: f64, f: &Format, key: &str| {
                Cell::new(Value::Number(v), f).with_source(fact(key), origin.clone())
            };
            let amt = |a: Amount, key: &str| {
                Cell::new(Value::Amount(a), &money).with_source(fact(key), origin.clone())
            };
            let mut cells = vec![
                Cell::text(p.label()),
                match last_year {
                    Some(a) => num(a.volume, &persons, "personer-fg"),
                    None => Cell::empty(),
                },
                num(now.budget.volume, &persons, "personer-budget"),
                num(now.forecast.volume, &persons, "personer-prognos"),
                num(now.budget.price, &price, "pris-budget"),
                num(now.forecast.price, &price, "pris-prognos"),
                amt(shown(now.budget.cost), "budget"),
                amt(shown(now.forecast.cost), "prognos"),
            ];
            for (c, sfx) in &deviation_sets {
                let d = if *c == cutoff {
                    Some(&now)
                } else {
                    before.as_ref()
                };
                match d {
                    Some(d) => {
                        cells.push(amt(d.deviation, &format!("avvikelse{sfx}")));
                        cells.push(amt(d.volume_part, &format!("volym{sfx}")));
                        cells.push(amt(d.price_part, &format!("prisdel{sfx}")));
                    }
                    None => cells.extend([Cell::empty(), Cell::empty(), Cell::empty()]),
                }
            }
            rows.push(Row {
                key: code.clone(),
                kind: RowKind::Item,
                level: 0,
                cells,
                includes: vec![],
            });
        }
        if rows.is_empty() {
            return None;
        }
        // The total: persons and amounts summed, no average price (it would be a mix).
        let mut total_cells = vec![Cell::text("Summa")];
        for (i, c) in columns.iter().enumerate().skip(1) {
            let cell = match c.format {
                Format::Number { decimals: 1 } => {
                    let v: Vec<f64> = rows
                        .iter()
                        .filter_map(|r| match r.cells[i].value {
                            Value::Number(n) => Some(n),
                            _ => None,
                        })
                        .collect();
                    if v.len() == rows.len() {
                        Cell::new(Value::Number(v.iter().sum()), &persons)
                    } else {
                        Cell::empty()
                    }
                }
                Format::Amount { .. } => {
                    let v: Vec<Amount> = rows
                        .iter()
                        .filter_map(|r| r.cells[i].value.amount())
                        .collect();
                    if v.is_empty() {
                        Cell::empty()
                    } else {
                        Cell::new(Value::Amount(v.iter().copied().sum()), &money)
                    }
                }
                _ => Cell::empty(),
            };
            total_cells.push(cell);
        }
        let includes: Vec<String> = rows.iter().map(|r| r.key.clone()).collect();
        rows.push(Row {
            key: "summa".into(),
            kind: RowKind::Total,
            level: 0,
            cells: total_cells,
            includes,
        });
        // One forecast per quantity: the round's forecast lines that these series drive, and
        // what in them volume × price does not explain, as rows of their own.
        let table_id = match category {
            Some(c) => format!("volympris-{}", crate::slug(c)),
            None => "volympris".into(),
        };
        let linked = self.linked_lines(&budgeted);
        let reconciled = !linked.is_empty();
        if reconciled {
            let (lb, lf) = linked
                .iter()
                .fold((Amount::ZERO, Amount::ZERO), |(b, f), l| {
                    (b + l.budget, f + l.full_year())
                });
            let col_of = |k: &str| columns.iter().position(|c| c.key == k).expect("column");
            let (cb, cf, cd) = (col_of("budget"), col_of("prognos"), col_of("avvikelse"));
            let summa = rows.last().expect("the total row");
            let tb = summa.cells[cb].value.amount().unwrap_or_default();
            let tf = summa.cells[cf].value.amount().unwrap_or_default();
            let row = |key: &str, label: String, kind, b: Amount, f: Amount, includes| {
                let mut cells: Vec<Cell> = (0..columns.len()).map(|_| Cell::empty()).collect();
                cells[0] = Cell::text(label);
                cells[cb] = Cell::new(Value::Amount(b), &money)
                    .with_source(format!("{table_id}/{key}/budget"), "prognosomgångens rader");
                cells[cf] = Cell::new(Value::Amount(f), &money).with_source(
                    format!("{table_id}/{key}/prognos"),
                    "prognosomgångens rader",
                );
                // The R1 identity on shown amounts: s × budget − s × forecast.
                let dev = if s > 0 { b - f } else { f - b };
                cells[cd] = Cell::new(Value::Amount(dev), &money);
                Row {
                    key: key.into(),
                    kind,
                    level: 0,
                    cells,
                    includes,
                }
            };
            let (sb, sf) = (shown(lb), shown(lf));
            rows.push(row(
                "ovrigt-prognosrader",
                "Övrigt i samma prognosrader".into(),
                RowKind::Item,
                sb - tb,
                sf - tf,
                vec![],
            ));
            rows.push(row(
                "prognosrader",
                "Prognosomgångens rader".into(),
                RowKind::Total,
                sb,
                sf,
                vec!["summa".into(), "ovrigt-prognosrader".into()],
            ));
        }

        let mut identities = vec![
            Identity::Linear {
                rule: "R1".into(),
                result: "avvikelse".into(),
                terms: vec![(s, "budget".into()), (-s, "prognos".into())],
            },
            Identity::Product {
                rule: "R14".into(),
                result: "budget".into(),
                factors: vec!["personer_budget".into(), "pris_budget".into()],
                scale: days * s as f64,
                tolerance: 1.0,
            },
            Identity::Product {
                rule: "R14".into(),
                result: "prognos".into(),
                factors: vec!["personer".into(), "pris".into()],
                scale: days * s as f64,
                tolerance: 1.0,
            },
        ];
        for (_, sfx) in &deviation_sets {
            identities.push(Identity::Linear {
                rule: "R13".into(),
                result: format!("avvikelse{sfx}"),
                terms: vec![(1, format!("volym{sfx}")), (1, format!("prisdel{sfx}"))],
            });
        }

        let months = delar_core::period::MONTH_NAMES;
        let mut notes = vec![
            format!(
                "Budget = budgeterade personer per dygn × budgeterad kostnad per dygn × {} dygn. \
                 Varav volym = (budgeterade − prognostiserade personer per dygn) × budgeterad \
                 kostnad per dygn × dygn; varav pris = resten, (budgeterad − prognostiserad \
                 kostnad per dygn) × prognostiserade personer per dygn × dygn.",
                days as i64
            ),
            format!(
                "Prognosen bygger på utfallet januari–{} och genomsnittet av de tre senaste \
                 månaderna för resten av året.",
                months[cutoff as usize - 1]
            ),
        ];
        if let Some(e) = earlier {
            notes.push(format!(
                "{}: den tidigare prognosen, med utfallet januari–{}, mot samma volymbudget som \
                 i dag (som i driftredovisningen), så att skillnaden mellan kolumnerna visar hur \
                 prognosen har rört sig och inte en budget som ändrats under tiden.",
                deviation_label(e),
                months[e as usize - 1]
            ));
        }
        if budgeted.iter().any(|p| p.monthly()) {
            notes.push(
                "För former med ersättning per månad (familjehem, kontaktfamilj, jourhem) är \
                 kostnaden per dygn månadsersättningen delad med dagarna i månaden."
                    .into(),
            );
        }
        if !without.is_empty() {
            notes.push(format!(
                "Utan volymbudget och därför inte med i tabellen: {}.",
                without.join(", ")
            ));
        }
        if reconciled {
            notes.push(
                "Prognosomgångens rader är enheternas prognosrader för den kontogrupp som \
                 serierna driver; de är prognosen i rapportens övriga tabeller. Övrigt i samma \
                 prognosrader är det som volym × pris inte förklarar: andra kostnader på raderna \
                 och skillnaden mellan radernas prognosmetod och volym × pris."
                    .into(),
            );
        }
        Some(Table {
            id: table_id,
            number: 0,
            caption: format!(
                "{}: volym och kostnad per dygn mot budget {y}",
                category.unwrap_or("Placeringar")
            ),
            unit: Some(self.unit),
            sign_note: Some(format!(
                "{} Personer och kostnad per dygn anges positiva.",
                self.sign.note()
            )),
            groups,
            columns,
            rows,
            identities,
            notes,
        })
    }

    /// The round's forecast lines that `pairs` drive: for each series, its unit's kontogrupp
    /// whose outcome last year the series' implied cost explains best (the rule the forecast
    /// round uses, `delar_forecast::link::best_group`), each line once.
    fn linked_lines(&self, pairs: &[&Pair]) -> Vec<&delar_forecast::ForecastLine> {
        let last = self.year() - 1;
        let mut keys: Vec<(String, String)> = Vec::new();
        for p in pairs {
            let monthly = per_month(&p.price.series.unit);
            let implied: Option<Vec<f64>> = (1..=12)
                .map(|m| {
                    let ym = YearMonth::new(last, m).ok()?;
                    let v = *p.volume.values.get(&ym)?;
                    let pr = *p.price.values.get(&ym)?;
                    Some(month_cost(v, pr, ym, monthly))
                })
                .collect();
            let Some(implied) = implied else {
                continue;
            };
            let node = &p.volume.series.responsible;
            let outcomes: Vec<(&str, Vec<f64>)> = self
                .inputs
                .last_year
                .iter()
                .filter(|((n, _), _)| n == node)
                .map(|((_, g), m)| {
                    (
                        g.as_str(),
                        m.outcome.iter().map(|a| a.as_kr_f64()).collect(),
                    )
                })
                .collect();
            if let Some(g) = delar_forecast::link::best_group(
                &implied,
                outcomes.iter().map(|(k, o)| (*k, o.as_slice())),
            ) {
                let key = (node.clone(), g.to_string());
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        }
        self.inputs
            .lines
            .iter()
            .filter(|l| keys.iter().any(|(n, g)| *n == l.node && *g == l.group))
            .collect()
    }

    /// Chart: persons per day per month this year for one series (`serie`) or the stock
    /// series with a price series of a category (`kategori`; all when neither): the budget
    /// (dotted), the outcome to the cut-off (solid) and the forecast for the rest of the year
    /// (dashed, from the cut-off month's outcome). `Err` (Swedish) for an unknown series;
    /// `Ok(None)` when the category has no series or they have no outcome this year.
    pub fn volume_chart(
        &self,
        serie: Option<&str>,
        kategori: Option<&str>,
    ) -> Result<Option<Chart>, String> {
        let y = self.year();
        let cutoff = self.inputs.round.cutoff;
        let vols = &self.inputs.volumes;
        let (name, selected): (String, Vec<&VolumeInput>) = match serie {
            Some(code) => {
                let v = vols
                    .iter()
                    .find(|v| v.series.code == code)
                    .ok_or_else(|| format!("diagram-volym: serien \"{code}\" finns inte"))?;
                (v.series.name.clone(), vec![v])
            }
            None => {
                let pairs = self.pairs(kategori);
                if pairs.is_empty() {
                    return Ok(None);
                }
                (
                    kategori.unwrap_or("Placeringar").to_string(),
                    pairs.iter().map(|p| p.volume).collect(),
                )
            }
        };
        let ym = |m: u8| YearMonth::new(y, m).expect("month 1-12");
        // outcome: Σ over the series, months with every series known
        let outcome: Vec<Option<f64>> = (1..=12u8)
            .map(|m| {
                if m > cutoff {
                    return None;
                }
                selected
                    .iter()
                    .map(|v| v.values.get(&ym(m)).copied())
                    .sum::<Option<f64>>()
            })
            .collect();
        if outcome.iter().all(Option::is_none) {
            return Ok(None);
        }
        // forecast: each series' volume projected as in the volume × price table
        let rest = remaining_days(y, cutoff);
        let mut forecast: Vec<Option<f64>> = vec![None; 12];
        let projected: Option<Vec<Vec<StockMonth>>> = selected
            .iter()
            .map(|v| {
                let done: Option<Vec<StockMonth>> = (1..=cutoff)
                    .map(|m| {
                        v.values.get(&ym(m)).map(|&x| StockMonth {
                            volume: x,
                            price: 0.0,
                            days: ym(m).days() as f64,
                        })
                    })
                    .collect();
                project_stock(&done?, &rest)
            })
            .collect();
        if let Some(p) = &projected {
            for m in cutoff..=12 {
                let i = m as usize - 1;
                forecast[i] = Some(p.iter().map(|s| s[i].volume).sum());
            }
        }
        let budget: Option<Vec<f64>> = (1..=12u8)
            .map(|m| {
                selected
                    .iter()
                    .map(|v| v.budget_at(cutoff).and_then(|b| b.get(&ym(m)).copied()))
                    .sum::<Option<f64>>()
            })
            .collect();

        let months = [
            "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
        ];
        let n1 = |x: f64| delar_core::money::format_scaled((x * 10.0).round() as i64, 1, '\u{a0}');
        let avg = |v: &[f64]| {
            let d: f64 = (1..=v.len() as u8).map(|m| ym(m).days() as f64).sum();
            v.iter()
                .enumerate()
                .map(|(i, x)| x * ym(i as u8 + 1).days() as f64)
                .sum::<f64>()
                / d
        };
        let done: Vec<f64> = outcome.iter().flatten().copied().collect();
        let period = if cutoff == 1 {
            "januari".to_string()
        } else {
            format!(
                "januari–{}",
                delar_core::period::MONTH_NAMES[cutoff as usize - 1]
            )
        };
        let mut alt = format!(
            "Linjediagram över {} per månad {y}, personer per dygn. Utfallet {period} är i \
             genomsnitt {} personer per dygn ({} i {}).",
            name.to_lowercase(),
            n1(avg(&done)),
            n1(*done.last().unwrap_or(&0.0)),
            delar_core::period::MONTH_NAMES[done.len().max(1) - 1]
        );
        let year_forecast: Option<f64> = (cutoff < 12)
            .then(|| {
                let all: Option<Vec<f64>> = (0..12)
                    .map(|i| {
                        if i < cutoff as usize {
                            outcome[i]
                        } else {
                            forecast[i]
                        }
                    })
                    .collect();
                all.map(|a| avg(&a))
            })
            .flatten();
        if let Some(f) = year_forecast {
            let names = delar_core::period::MONTH_NAMES;
            let rest = if cutoff == 11 {
                "december".to_string()
            } else {
                format!("{}–december", names[cutoff as usize])
            };
            alt.push_str(&format!(
                " Prognosen för {rest} är {} personer per dygn, för helåret i genomsnitt {}.",
                n1(forecast[11].unwrap_or(0.0)),
                n1(f)
            ));
        }
        match &budget {
            Some(b) => {
                let ba = avg(b);
                alt.push_str(&format!(
                    " Budgeten är i genomsnitt {} personer per dygn",
                    n1(ba)
                ));
                if let Some(f) = year_forecast {
                    let d = f - ba;
                    let word = if d >= 0.0 { "fler" } else { "färre" };
                    alt.push_str(&format!(", prognosen {} {word}", n1(d.abs())));
                }
                alt.push('.');
            }
            None => alt.push_str(" Det finns ingen volymbudget för serien."),
        }
        let mut series = Vec::new();
        if let Some(b) = budget {
            series.push(Series {
                name: format!("Budget {y}"),
                values: b.into_iter().map(Some).collect(),
                style: SeriesStyle::Dotted,
            });
        }
        series.push(Series {
            name: format!("Utfall {y}"),
            values: outcome,
            style: SeriesStyle::Solid,
        });
        if projected.is_some() && cutoff < 12 {
            series.push(Series {
                name: "Prognos".into(),
                values: forecast,
                style: SeriesStyle::Dashed,
            });
        }
        let id = match (serie, kategori) {
            (Some(s), _) => format!("diagram-volym-{}", crate::slug(s)),
            (None, Some(k)) => format!("diagram-volym-{}", crate::slug(k)),
            (None, None) => "diagram-volym".into(),
        };
        Ok(Some(Chart {
            id,
            number: 0,
            title: format!("{}: personer per dygn {y}, budget, utfall och prognos", {
                let n = name.split(',').next().unwrap_or(&name);
                n.to_string()
            }),
            kind: ChartKind::Line,
            unit: "personer per dygn".into(),
            categories: months.iter().map(|m| m.to_string()).collect(),
            series,
            alt,
        }))
    }
}

/// The volume × price split of a placement table against its budget, in words, each figure
/// bound to its cell: "Prognosen för externa placeringar unga är 3,6 mnkr över budget:
/// volymen ökar avvikelsen med 1,9 mnkr, i genomsnitt 0,6 fler personer per dygn än
/// budgeterat (143,3 mot 142,7), och kostnaden per dygn ökar avvikelsen med 1,7 mnkr."
/// `None` for a table without a volume budget.
pub fn split_sentence(ctx: &Ctx, t: &Table) -> Option<delar_report::Paragraph> {
    use delar_report::{BoundNumber, CellRef, Inline, Paragraph};
    let row = t.row("summa")?;
    let get = |key: &str| -> Option<(Value, String)> {
        let ci = t.column(key)?;
        let c = row.cells.get(ci)?;
        (!matches!(c.value, Value::Empty)).then(|| (c.value.clone(), c.text.clone()))
    };
    let (dev, vol, price) = (get("avvikelse")?, get("volym")?, get("prisdel")?);
    let (pb, pf) = (get("personer_budget")?, get("personer")?);
    let amount_of = |v: &Value| v.amount().unwrap_or_default();
    let number_of = |v: &Value| match v {
        Value::Number(x) => *x,
        _ => 0.0,
    };
    let cell = |key: &str, v: &(Value, String), abs: bool, unit: bool| {
        let ci = t.column(key).expect("column");
        let format = t.columns[ci].format;
        let mut text = v.1.trim_start_matches('\u{2212}').to_string();
        if !abs {
            text = v.1.clone();
        }
        if unit {
            text.push('\u{a0}');
            text.push_str(ctx.unit.label());
        }
        Inline::Number(BoundNumber {
            value: v.0.clone(),
            format,
            text,
            source: row.cells[ci].source.clone(),
            cell: Some(CellRef {
                table: t.id.clone(),
                row: "summa".into(),
                column: key.into(),
            }),
        })
    };
    let d = amount_of(&dev.0);
    if d.is_zero() {
        return None;
    }
    let over = d.ore() < 0;
    let category = t
        .caption
        .split(':')
        .next()
        .map(crate::economy::lower_first)
        .unwrap_or_default();
    let diff_persons = number_of(&pf.0) - number_of(&pb.0);
    // The round's forecast lines for the same kontogrupp, when the table reconciles to them
    // and they differ from volume × price: one forecast per quantity, so the text names both.
    let other = t.row("ovrigt-prognosrader").and_then(|r| {
        let ci = t.column("avvikelse")?;
        let c = r.cells.get(ci)?;
        let lines = t.row("prognosrader")?.cells.get(ci)?;
        match (&c.value, &lines.value) {
            (Value::Amount(a), Value::Amount(_))
                if c.text.trim() != Amount::ZERO.format(ctx.unit, ctx.decimals) =>
            {
                Some((*a, c.clone(), lines.clone()))
            }
            _ => None,
        }
    });
    let mut inl = vec![
        Inline::Text(if other.is_some() {
            format!("Räknat som volym × kostnad per dygn är prognosen för {category} ")
        } else {
            format!("Prognosen för {category} är ")
        }),
        cell("avvikelse", &dev, true, true),
        Inline::Text(format!(" {} budget: ", if over { "över" } else { "under" })),
    ];
    // A part pulling the same way as the deviation adds to it; the other way, it reduces it.
    let effect = |a: Amount| {
        if (a.ore() < 0) == over {
            "ökar avvikelsen med"
        } else {
            "minskar avvikelsen med"
        }
    };
    let v = amount_of(&vol.0);
    inl.push(Inline::Text(format!("volymen {} ", effect(v))));
    inl.push(cell("volym", &vol, true, true));
    let fewer_more = if diff_persons >= 0.0 {
        "fler"
    } else {
        "färre"
    };
    // More persons make the volume part unfavourable; when the sum of persons says otherwise
    // the mix of forms (cheaper or dearer places) is the reason.
    let mix = !v.is_zero() && (diff_persons > 0.0) != (v.ore() < 0);
    inl.push(Inline::Text(
        if mix {
            " trots i genomsnitt "
        } else {
            ", i genomsnitt "
        }
        .into(),
    ));
    let persons = Format::Number { decimals: 1 };
    inl.push(Inline::Number(BoundNumber {
        value: Value::Number(diff_persons.abs()),
        format: persons,
        text: persons.render(&Value::Number(diff_persons.abs())),
        source: Some(delar_report::Source {
            fact: format!("{}/personer-skillnad", t.id),
            origin: "prognostiserade − budgeterade personer per dygn".into(),
        }),
        cell: None,
    }));
    inl.push(Inline::Text(format!(
        " {fewer_more} personer per dygn än budgeterat (",
    )));
    inl.push(cell("personer", &pf, false, false));
    inl.push(Inline::Text(" mot ".into()));
    inl.push(cell("personer_budget", &pb, false, false));
    inl.push(Inline::Text(if mix {
        "; fler är placerade i former med lägre kostnad per dygn), och kostnaden per dygn ".into()
    } else {
        "), och kostnaden per dygn ".into()
    }));
    inl.push(Inline::Text(format!("{} ", effect(amount_of(&price.0)))));
    inl.push(cell("prisdel", &price, true, true));
    inl.push(Inline::Text(".".into()));
    if let Some((_, rest, lines)) = other {
        let bound = |row: &str, c: &delar_report::Cell| {
            let ci = t.column("avvikelse").expect("column");
            let mut text = c.text.trim_start_matches('\u{2212}').to_string();
            text.push('\u{a0}');
            text.push_str(ctx.unit.label());
            Inline::Number(BoundNumber {
                value: c.value.clone(),
                format: t.columns[ci].format,
                text,
                source: c.source.clone(),
                cell: Some(CellRef {
                    table: t.id.clone(),
                    row: row.into(),
                    column: "avvikelse".into(),
                }),
            })
        };
        let lines_over = lines.value.amount().unwrap_or_default().ore() < 0;
        inl.push(Inline::Text(
            " Prognosomgångens rader, som är prognosen i rapportens övriga tabeller, ligger "
                .into(),
        ));
        inl.push(bound("prognosrader", &lines));
        inl.push(Inline::Text(format!(
            " {} budget; skillnaden, ",
            if lines_over { "över" } else { "under" }
        )));
        inl.push(bound("ovrigt-prognosrader", &rest));
        inl.push(Inline::Text(
            ", är andra kostnader på samma rader och skillnader i prognosmetod.".into(),
        ));
    }
    Some(Paragraph {
        inlines: inl,
        ..Paragraph::default()
    })
}
