//! The import templates of this crate, read with delar-tabular (documented in docs/IMPORT.md):
//!
//! - `ersattningsmodell.csv`: `modell;namn;grund;nivå;beställare;utförare;pris;volymserie;konto;från;till`
//! - `intraprenader.csv`: `intraprenad;år;ingående;ianspråktagande;underskott_från;tak_procent;tak_belopp;avskrivning_år`
//!
//! `parse_*` returns every row error (capped at 100) with file, row and column, or the rows.

use crate::intraprenad::{CarryForwardRules, IntraprenadOpening};
use crate::purchase::{Basis, CompensationRate};
use delar_core::{Amount, YearMonth};
use delar_tabular::{Cells, Col, Table, TableError};
use std::collections::HashMap;

/// Usual file name of the compensation model template.
pub const RATES_FILE: &str = "ersattningsmodell.csv";
/// Columns of `ersattningsmodell.csv`, in order.
pub const RATES_COLUMNS: [&str; 11] = [
    "modell",
    "namn",
    "grund",
    "nivå",
    "beställare",
    "utförare",
    "pris",
    "volymserie",
    "konto",
    "från",
    "till",
];
/// Usual file name of the intraprenad template.
pub const INTRAPRENADER_FILE: &str = "intraprenader.csv";
/// Columns of `intraprenader.csv`, in order.
pub const INTRAPRENADER_COLUMNS: [&str; 8] = [
    "intraprenad",
    "år",
    "ingående",
    "ianspråktagande",
    "underskott_från",
    "tak_procent",
    "tak_belopp",
    "avskrivning_år",
];

const MAX_ERRORS: usize = 100;

/// Model, level, purchaser, provider: at most one rate in force per key and month.
type RateKey = (String, Option<String>, String, String);

struct Errors(Vec<TableError>, usize);

impl Errors {
    fn push(&mut self, e: TableError) {
        if self.0.len() < MAX_ERRORS {
            self.0.push(e);
        } else {
            self.1 += 1;
        }
    }
    fn take<T>(&mut self, r: Result<T, TableError>) -> Option<T> {
        r.map_err(|e| self.push(e)).ok()
    }
    fn finish<T>(mut self, file: &str, ok: T) -> Result<T, Vec<TableError>> {
        if self.0.is_empty() {
            return Ok(ok);
        }
        self.0.sort_by_key(|e| e.line);
        if self.1 > 0 {
            self.0.push(TableError::file(
                file,
                format!(
                    "… och {} fel till. Rätta felen ovan och importera filen igen.",
                    self.1
                ),
            ));
        }
        Err(self.0)
    }
}

fn opt_month(c: &Cells<'_>, col: Option<&Col>) -> Result<Option<YearMonth>, TableError> {
    match (col, c.opt_text(col)) {
        (Some(col), Some(_)) => c.month(col).map(Some),
        _ => Ok(None),
    }
}

fn opt_amount(c: &Cells<'_>, col: Option<&Col>) -> Result<Option<Amount>, TableError> {
    match (col, c.opt_text(col)) {
        (Some(col), Some(_)) => c.amount(col).map(Some),
        _ => Ok(None),
    }
}

fn opt_integer(c: &Cells<'_>, col: Option<&Col>) -> Result<Option<i64>, TableError> {
    match (col, c.opt_text(col)) {
        (Some(col), Some(_)) => c.integer(col).map(Some),
        _ => Ok(None),
    }
}

/// Read `ersattningsmodell.csv`.
pub fn parse_rates(table: &Table) -> Result<Vec<CompensationRate>, Vec<TableError>> {
    let one = |e: TableError| vec![e];
    let model = table.column("modell").map_err(one)?;
    let name = table.column("namn").map_err(one)?;
    let basis = table.column("grund").map_err(one)?;
    let level = table.optional_column("nivå");
    let purchaser = table.column("beställare").map_err(one)?;
    let provider = table.column("utförare").map_err(one)?;
    let price = table.column("pris").map_err(one)?;
    let series = table.optional_column("volymserie");
    let account = table.optional_column("konto");
    let from = table.optional_column("från");
    let to = table.optional_column("till");
    let labels: Vec<&'static str> = Basis::ALL.iter().map(|b| b.label()).collect();
    let mut errors = Errors(Vec::new(), 0);
    let mut out: Vec<CompensationRate> = Vec::new();
    let mut seen: HashMap<RateKey, Vec<(usize, usize)>> = HashMap::new();
    for c in table.iter() {
        let m = errors.take(c.required(&model));
        let n = errors.take(c.required(&name));
        let b = errors.take(c.one_of(&basis, &labels).map(Basis::parse));
        let pu = errors.take(c.required(&purchaser));
        let pr = errors.take(c.required(&provider));
        let p = errors.take(c.amount(&price));
        let f = errors.take(opt_month(&c, from.as_ref()));
        let t = errors.take(opt_month(&c, to.as_ref()));
        let s = c.opt_text(series.as_ref());
        if let Some(p) = p {
            if p.ore() < 0 {
                errors.push(c.error(
                    Some(&price),
                    "priset får inte vara negativt. Ange priset per enhet i kronor.",
                ));
            }
        }
        if let (Some(Some(f)), Some(Some(t))) = (f, t) {
            if t < f {
                errors.push(c.error(
                    to.as_ref(),
                    format!("sista månaden {t} är före första månaden {f}."),
                ));
            }
        }
        if let Some(Some(b)) = b {
            if b != Basis::FixedMonthly && s.is_none() {
                errors.push(c.error(
                    series.as_ref(),
                    format!(
                        "grunden \"{}\" behöver en volymserie (antal enheter per månad). Ange \
                         serien eller välj grunden \"fast månad\".",
                        b.label()
                    ),
                ));
            }
        }
        if let (Some(m), Some(n), Some(Some(b)), Some(pu), Some(pr), Some(p), Some(f), Some(t)) =
            (m, n, b, pu, pr, p, f, t)
        {
            let rate = CompensationRate {
                model: m.to_string(),
                name: n.to_string(),
                basis: b,
                level: c.opt_text(level.as_ref()).map(str::to_string),
                purchaser: pu.to_string(),
                provider: pr.to_string(),
                price: p,
                volume_series: s.map(str::to_string),
                account: c.opt_text(account.as_ref()).map(str::to_string),
                from: f,
                to: t,
            };
            let key = (
                rate.model.clone(),
                rate.level.clone(),
                rate.purchaser.clone(),
                rate.provider.clone(),
            );
            let same = seen.entry(key).or_default();
            for &(j, line) in same.iter() {
                let o: &CompensationRate = &out[j];
                let overlap = o.from.is_none_or(|of| t.is_none_or(|t| of <= t))
                    && f.is_none_or(|f| o.to.is_none_or(|ot| f <= ot));
                if overlap {
                    errors.push(c.error(
                        from.as_ref(),
                        format!(
                            "samma modell, nivå, beställare och utförare finns redan på rad \
                             {line} för en överlappande period. Ange \"till\" på den ena och \
                             \"från\" på den andra."
                        ),
                    ));
                }
            }
            same.push((out.len(), c.line()));
            out.push(rate);
        }
    }
    errors.finish(&table.file, out)
}

/// Read `intraprenader.csv`.
pub fn parse_intraprenader(table: &Table) -> Result<Vec<IntraprenadOpening>, Vec<TableError>> {
    let one = |e: TableError| vec![e];
    let code = table.column("intraprenad").map_err(one)?;
    let year = table.column("år").map_err(one)?;
    let opening = table.column("ingående").map_err(one)?;
    let used = table.optional_column("ianspråktagande");
    let since = table.optional_column("underskott_från");
    let pct = table.optional_column("tak_procent");
    let cap = table.optional_column("tak_belopp");
    let years = table.optional_column("avskrivning_år");
    let mut errors = Errors(Vec::new(), 0);
    let mut out = Vec::new();
    let mut seen: HashMap<(String, i64), usize> = HashMap::new();
    for c in table.iter() {
        let k = errors.take(c.required(&code));
        let y = errors.take(c.integer(&year));
        let o = errors.take(c.amount(&opening));
        let u = errors.take(opt_amount(&c, used.as_ref()));
        let s = errors.take(opt_integer(&c, since.as_ref()));
        let p = errors.take(c.opt_number(pct.as_ref()));
        let a = errors.take(opt_amount(&c, cap.as_ref()));
        let w = errors.take(opt_integer(&c, years.as_ref()));
        if let Some(Some(u)) = u {
            if u.ore() < 0 {
                errors.push(c.error(
                    used.as_ref(),
                    "ianspråktagandet anges som ett positivt belopp (den del av överskottet som \
                     används i år).",
                ));
            }
        }
        if let Some(Some(p)) = p {
            if !(0.0..=100.0).contains(&p) {
                errors.push(c.error(pct.as_ref(), "taket i procent ska ligga mellan 0 och 100."));
            }
        }
        if let Some(Some(a)) = a {
            if a.ore() < 0 {
                errors.push(c.error(cap.as_ref(), "taket får inte vara negativt."));
            }
        }
        if let Some(Some(w)) = w {
            if w < 0 {
                errors.push(c.error(years.as_ref(), "antalet år får inte vara negativt."));
            }
        }
        if let (Some(y), Some(Some(s))) = (y, s) {
            if s > y {
                errors.push(c.error(
                    since.as_ref(),
                    format!("underskottet kan inte ha uppstått efter {y}."),
                ));
            }
        }
        if let (Some(k), Some(y)) = (k, y) {
            if let Some(first) = seen.get(&(k.to_string(), y)) {
                errors.push(c.error(
                    Some(&code),
                    format!("intraprenaden \"{k}\" finns redan för {y} på rad {first}."),
                ));
            } else {
                seen.insert((k.to_string(), y), c.line());
            }
        }
        if let (Some(k), Some(y), Some(o), Some(u), Some(s), Some(p), Some(a), Some(w)) =
            (k, y, o, u, s, p, a, w)
        {
            out.push(IntraprenadOpening {
                code: k.to_string(),
                year: y as i32,
                opening: o,
                planned_use: u.unwrap_or_default(),
                deficit_since: s.map(|s| s as i32),
                rules: CarryForwardRules {
                    surplus_cap_percent: p,
                    surplus_cap_amount: a,
                    write_off_after_years: w.map(|w| w.max(0) as u32),
                },
            });
        }
    }
    errors.finish(&table.file, out)
}

fn cell(s: &str) -> String {
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn write(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut out = header.join(";");
    out.push('\n');
    for r in rows {
        out.push_str(&r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(";"));
        out.push('\n');
    }
    out
}

fn amount_text(a: Amount) -> String {
    a.to_sie().replace('.', ",")
}

fn number_text(v: f64) -> String {
    format!("{v}").replace('.', ",")
}

/// Write rates as `ersattningsmodell.csv`.
pub fn write_rates(rates: &[CompensationRate]) -> String {
    let m = |x: Option<YearMonth>| x.map(|m| m.to_string()).unwrap_or_default();
    write(
        &RATES_COLUMNS,
        rates.iter().map(|r| {
            vec![
                r.model.clone(),
                r.name.clone(),
                r.basis.label().to_string(),
                r.level.clone().unwrap_or_default(),
                r.purchaser.clone(),
                r.provider.clone(),
                amount_text(r.price),
                r.volume_series.clone().unwrap_or_default(),
                r.account.clone().unwrap_or_default(),
                m(r.from),
                m(r.to),
            ]
        }),
    )
}

/// Write openings as `intraprenader.csv`.
pub fn write_intraprenader(rows: &[IntraprenadOpening]) -> String {
    write(
        &INTRAPRENADER_COLUMNS,
        rows.iter().map(|o| {
            vec![
                o.code.clone(),
                o.year.to_string(),
                amount_text(o.opening),
                amount_text(o.planned_use),
                o.deficit_since.map(|y| y.to_string()).unwrap_or_default(),
                o.rules
                    .surplus_cap_percent
                    .map(number_text)
                    .unwrap_or_default(),
                o.rules
                    .surplus_cap_amount
                    .map(amount_text)
                    .unwrap_or_default(),
                o.rules
                    .write_off_after_years
                    .map(|y| y.to_string())
                    .unwrap_or_default(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RATES: &str = "\
modell;namn;grund;nivå;beställare;utförare;pris;volymserie;konto;från;till
hemtjanst;Hemtjänst, utförd tid;timme;;PN10;VON21;590;hemtjanst_utforda_timmar_VON21;4691;2025-01;
vob;Vård- och omsorgsboende;belagt dygn;2;PN10;VON31;2 650,50;vob_belagda_dygn_VON31;4692;;2025-03
uppdrag;Hemsjukvård;fast månad;;PN10;VON41;1 250 000;;4694;;
";

    const INTRA: &str = "\
intraprenad;år;ingående;ianspråktagande;underskott_från;tak_procent;tak_belopp;avskrivning_år
SN33;2025;1 200 000;200 000;;5;;
VON33;2025;-300 000;0;2023;;;3
FSN32;2025;0;;;;2 000 000;
";

    fn table(text: &str, file: &str) -> Table {
        Table::from_csv(text.as_bytes(), file).unwrap()
    }

    #[test]
    fn reads_and_writes_rates() {
        let r = parse_rates(&table(RATES, RATES_FILE)).unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[1].basis, Basis::PerOccupiedDay);
        assert_eq!(r[1].price, Amount::from_ore(265_050));
        assert_eq!(r[1].level.as_deref(), Some("2"));
        assert_eq!(r[2].volume_series, None);
        let back = parse_rates(&table(&write_rates(&r), RATES_FILE)).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn rate_errors_point_at_rows() {
        let bad = format!(
            "{RATES}hemtjanst;Dubblett;timme;;PN10;VON21;600;x;;2025-06;\n\
             a;A;per styck;;PN10;VON21;1;x;;;\n\
             b;B;timme;;PN10;VON21;-5;;;;\n"
        );
        let e: Vec<String> = parse_rates(&table(&bad, RATES_FILE))
            .unwrap_err()
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(e.len(), 4, "{e:?}");
        assert!(
            e[0].contains("rad 5") && e[0].contains("finns redan på rad 2"),
            "{e:?}"
        );
        assert!(e[1].contains("rad 6, kolumn \"grund\""), "{e:?}");
        assert!(
            e[2].contains("rad 7, kolumn \"pris\": priset får inte vara negativt"),
            "{e:?}"
        );
        assert!(e[3].contains("rad 7, kolumn \"volymserie\""), "{e:?}");
    }

    #[test]
    fn reads_and_writes_intraprenader() {
        let r = parse_intraprenader(&table(INTRA, INTRAPRENADER_FILE)).unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].planned_use, Amount::from_kr(200_000).unwrap());
        assert_eq!(r[0].rules.surplus_cap_percent, Some(5.0));
        assert_eq!(r[1].deficit_since, Some(2023));
        assert_eq!(r[1].rules.write_off_after_years, Some(3));
        assert_eq!(r[2].planned_use, Amount::ZERO);
        let back =
            parse_intraprenader(&table(&write_intraprenader(&r), INTRAPRENADER_FILE)).unwrap();
        assert_eq!(back, r);
        let bad = format!("{INTRA}SN33;2025;1;-1;2026;120;;\n");
        let e: Vec<String> = parse_intraprenader(&table(&bad, INTRAPRENADER_FILE))
            .unwrap_err()
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(e.len(), 4, "{e:?}");
        assert!(
            e.iter()
                .any(|x| x.contains("finns redan för 2025 på rad 2")),
            "{e:?}"
        );
    }

    proptest! {
        #[test]
        fn rates_round_trip(
            rows in proptest::collection::vec(
                ("[a-z]{1,8}", "[A-Za-zåäö ;\"]{0,10}[a-z]", 0usize..4, 0i64..10_000_000,
                 proptest::option::of("[0-9]{1,2}")),
                1..15)
        ) {
            let rates: Vec<CompensationRate> = rows.iter().enumerate().map(|(i, (m, n, b, p, l))| {
                let basis = Basis::ALL[*b];
                CompensationRate {
                    model: format!("{m}{i}"),
                    name: n.trim().to_string(),
                    basis,
                    level: l.clone(),
                    purchaser: "PN10".into(),
                    provider: "VON21".into(),
                    price: Amount::from_ore(*p),
                    volume_series: (basis != Basis::FixedMonthly).then(|| format!("s{i}")),
                    account: None,
                    from: None,
                    to: None,
                }
            }).collect();
            let back = parse_rates(&table(&write_rates(&rates), RATES_FILE)).unwrap();
            prop_assert_eq!(back, rates);
        }
    }
}
