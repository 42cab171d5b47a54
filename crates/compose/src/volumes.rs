//! Volume × unit price tables (external placements and other volume-driven costs): persons per
//! day and cost per day last year and forecast this year, the cost, and the change split into
//! a volume part and a price part (R14: volume × price × days reproduces the cost).

use crate::data::VolumeInput;
use crate::economy::Ctx;
use delar_core::{Amount, VolumeKind, YearMonth};
use delar_report::{Cell, Column, Format, Identity, Row, RowKind, Table, Value};

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
    /// The volume × price table for the series of one category (`None` for all), or `None`
    /// when no stock series with a price series has data for both years.
    pub fn volume_price_table(&self, category: Option<&str>) -> Option<Table> {
        let vols = &self.inputs.volumes;
        let pairs: Vec<Pair> = vols
            .iter()
            .filter(|v| v.series.kind == VolumeKind::Stock)
            .filter(|v| category.is_none() || v.series.category.as_deref() == category)
            .filter_map(|v| {
                let ps = v.series.price_series.as_deref()?;
                let price = vols.iter().find(|p| p.series.code == ps)?;
                Some(Pair { volume: v, price })
            })
            .collect();
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
