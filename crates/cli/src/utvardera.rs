//! `delar forecast utvardera`: how good are the forecast methods and the recommendation on
//! real monthly series? Reads series files (`år;månad;värde`, or a column per series), runs
//! [`delar_forecast::eval::evaluate`] and prints MAPE, median APE and bias per method and for
//! the recommended mix, the coverage of the mix's 80 % ranges, and the run time.

use crate::out::{count, csv_kr, csv_text, decimal};
use anyhow::{bail, Result};
use delar_core::Amount;
use delar_forecast::eval::{
    choices, coverage_by_years, evaluate, sum_cases, summarise_sums, Case, Evaluation, Metrics,
    Series, SumCase,
};
use delar_forecast::{Method, MONTHS};
use delar_tabular::{normalise_name, Table};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Read one series file: columns `år`, `månad` and one or more value columns (`värde`, or one
/// column per series). Empty cells and `i.u.` are missing months.
pub(crate) fn read_series(path: &Path) -> Result<Vec<Series>> {
    let table = Table::read_path(path)?;
    let year_col = table.column("år")?;
    let month_col = table.column("månad")?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| path.display().to_string());
    let value_cols: Vec<(usize, String)> = table
        .headers
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != year_col.index && *i != month_col.index)
        .map(|(i, h)| (i, h.clone()))
        .collect();
    if value_cols.is_empty() {
        bail!(
            "{}: ingen värdekolumn. Filen ska ha kolumnerna år;månad;värde, eller år;månad och en kolumn per serie.",
            table.file
        );
    }
    let single = value_cols.len() == 1 && normalise_name(&value_cols[0].1) == "varde";
    let mut series: Vec<Series> = value_cols
        .iter()
        .map(|(_, h)| Series {
            name: if single {
                stem.clone()
            } else {
                format!("{stem}:{h}")
            },
            years: BTreeMap::new(),
        })
        .collect();
    let mut seen = std::collections::HashMap::new();
    for cells in table.iter() {
        let year = cells.integer(&year_col)?;
        let month = cells.integer(&month_col)?;
        if !(1..=12).contains(&month) {
            return Err(cells
                .error(
                    Some(&month_col),
                    format!("månaden {month} finns inte. Skriv månaden som 1–12."),
                )
                .into());
        }
        if !(1000..=9999).contains(&year) {
            return Err(cells
                .error(
                    Some(&year_col),
                    format!("året {year} är inte ett årtal. Skriv året med fyra siffror."),
                )
                .into());
        }
        if let Some(first) = seen.insert((year, month), cells.line()) {
            return Err(cells
                .error(
                    None,
                    format!("{year}-{month:02} finns redan på rad {first}. Ta bort den ena raden."),
                )
                .into());
        }
        for (k, (i, name)) in value_cols.iter().enumerate() {
            let col = delar_tabular::Col {
                index: *i,
                name: name.clone(),
            };
            let v = cells.opt_number(Some(&col))?;
            let a = match v {
                None => None,
                Some(v) => {
                    let ore = (v * 100.0).round();
                    if !ore.is_finite() || ore.abs() > 9.0e15 {
                        return Err(cells
                            .error(Some(&col), "talet är för stort. Ange värdet i kronor.")
                            .into());
                    }
                    Some(Amount::from_ore(ore as i64))
                }
            };
            series[k].years.entry(year as i32).or_insert([None; MONTHS])[month as usize - 1] = a;
        }
    }
    Ok(series)
}

/// Parse `--manader 4,8`.
fn parse_cutoffs(s: &str) -> Result<Vec<usize>> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<usize>() {
            Ok(m) if (1..MONTHS).contains(&m) => out.push(m),
            _ => bail!(
                "--manader: \"{part}\" är ingen brytmånad. Ange månader 1–11 med komma emellan, till exempel --manader 4,8."
            ),
        }
    }
    if out.is_empty() {
        bail!("--manader: ange minst en brytmånad, till exempel --manader 4,8.");
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

#[derive(Serialize)]
struct JsonOut<'a> {
    series: usize,
    cases: usize,
    seconds: f64,
    cutoffs: BTreeMap<String, &'a BTreeMap<String, Metrics>>,
    /// Per cut-off and number of replayed years: [cases with a range, outcomes inside].
    coverage_by_years: BTreeMap<String, BTreeMap<String, [usize; 2]>>,
    /// With `--summa`: per cut-off, the sums' accuracy and coverage.
    #[serde(skip_serializing_if = "Option::is_none")]
    sums: Option<BTreeMap<String, Metrics>>,
}

fn pct(x: f64) -> String {
    decimal(x, 2).replacen('-', "−", 1)
}

fn label(key: &str) -> String {
    match key {
        "mix" => "Rekommenderad mix".into(),
        "sasong_median" => "Säsongsprofil, median av andelar".into(),
        "sasong_medel" => "Säsongsprofil, medelvärde av andelar".into(),
        "sasong_viktad" => "Säsongsprofil, senaste året tyngst".into(),
        "sasong_harmonisk" => "Säsongsprofil, harmoniskt medelvärde".into(),
        "senaste_manader" => "De senaste månadernas takt".into(),
        k => Method::from_code(k)
            .map(|m| m.name().to_string())
            .unwrap_or_else(|| k.to_string()),
    }
}

fn table(
    e: &Evaluation,
    cases: &[Case],
    sums: Option<&[SumCase]>,
    series: usize,
    seconds: f64,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Utvärdering av helårsprognoser: {} serier, {} serieår, {} s.",
        count(series),
        count(e.cases),
        decimal(seconds, 2)
    );
    let chosen = choices(cases);
    for (m, per) in &e.cutoffs {
        let n = per.get("mix").map(|x| x.n).unwrap_or(0);
        let _ = writeln!(
            s,
            "\nHelår skattat från januari–månad {m} ({} fall):",
            count(n)
        );
        let _ = writeln!(
            s,
            "{:<42} {:>6} {:>9} {:>9} {:>9} {:>12}",
            "metod", "fall", "MAPE %", "median %", "bias %", "täckning 80 %"
        );
        let mut keys: Vec<&String> = per.keys().collect();
        keys.sort_by_key(|k| (k.as_str() != "mix", k.as_str().to_string()));
        for k in keys {
            let x = &per[k];
            let _ = writeln!(
                s,
                "{:<42} {:>6} {:>9} {:>9} {:>9} {:>12}",
                label(k),
                x.n,
                pct(x.mape),
                pct(x.median_ape),
                pct(x.bias),
                x.coverage80
                    .map(|c| format!("{} %", decimal(c * 100.0, 1)))
                    .unwrap_or_default()
            );
        }
        if let Some(c) = chosen.get(m) {
            let list = c
                .iter()
                .map(|(m, n)| format!("{} {n}", m.name().to_lowercase()))
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(s, "Mixen valde: {list}.");
        }
        if let Some(by) = coverage_by_years(cases).get(m) {
            let list = by
                .iter()
                .map(|(years, (n, inside))| {
                    format!("{years} år {} av {}", count(*inside), count(*n))
                })
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(
                s,
                "Inom 80 %-intervallet, efter antal återspelade år: {list}."
            );
        }
    }
    if let Some(sums) = sums {
        let _ = writeln!(
            s,
            "\nSummor (en fil med flera serier = en nämnd med serierna som rader):"
        );
        let _ = writeln!(
            s,
            "{:<12} {:>6} {:>9} {:>9} {:>9} {:>12}",
            "brytmånad", "fall", "MAPE %", "median %", "bias %", "täckning 80 %"
        );
        for (m, x) in summarise_sums(sums) {
            let _ = writeln!(
                s,
                "{:<12} {:>6} {:>9} {:>9} {:>9} {:>12}",
                m,
                x.n,
                pct(x.mape),
                pct(x.median_ape),
                pct(x.bias),
                x.coverage80
                    .map(|c| format!("{} %", decimal(c * 100.0, 1)))
                    .unwrap_or_default()
            );
        }
    }
    s
}

/// The sums of every file's series (`--summa`): files with more than one series.
fn sums_of(files: &[(String, Vec<String>)], cases: &[Case]) -> Vec<SumCase> {
    files
        .iter()
        .filter(|(_, names)| names.len() > 1)
        .flat_map(|(file, names)| {
            let members: Vec<&str> = names.iter().map(String::as_str).collect();
            sum_cases(file, &members, cases)
        })
        .collect()
}

/// Per-case CSV for analysis: series, year, cut-off, outcome, each projection, the mix
/// (amounts as every CSV of delar writes them: `-1234,50`).
fn cases_csv(cases: &[Case]) -> String {
    let keys: std::collections::BTreeSet<&String> =
        cases.iter().flat_map(|c| c.forecasts.keys()).collect();
    let kr = csv_kr;
    let mut s = String::from("serie;år;brytmånad;utfall");
    for k in &keys {
        s.push(';');
        s.push_str(k);
    }
    s.push_str(";mix;mixmetod;lägsta80;högsta80;år_bakåt\n");
    for c in cases {
        let _ = write!(
            s,
            "{};{};{};{}",
            csv_text(&c.series),
            c.year,
            c.cutoff,
            kr(c.actual)
        );
        for k in &keys {
            s.push(';');
            if let Some(v) = c.forecasts.get(*k) {
                s.push_str(&kr(*v));
            }
        }
        let (lo, hi) = c.range.map(|(lo, hi)| (kr(lo), kr(hi))).unwrap_or_default();
        let _ = writeln!(
            s,
            ";{};{};{lo};{hi};{}",
            kr(c.mix.1),
            c.mix.0.code(),
            c.replay.len()
        );
    }
    s
}

/// Run the evaluation over `files` at the cut-offs in `manader`.
pub(crate) fn run(
    files: &[PathBuf],
    manader: &str,
    json: bool,
    fall: Option<&Path>,
    summa: bool,
) -> Result<ExitCode> {
    let cutoffs = parse_cutoffs(manader)?;
    if files.is_empty() {
        bail!("ange minst en seriefil (år;månad;värde).");
    }
    let mut series = Vec::new();
    let mut groups = Vec::new();
    for f in files {
        let read = read_series(f)?;
        groups.push((
            f.display().to_string(),
            read.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
        ));
        series.extend(read);
    }
    let start = Instant::now();
    let (e, cases) = evaluate(&series, &cutoffs);
    let sums = summa.then(|| sums_of(&groups, &cases));
    let seconds = start.elapsed().as_secs_f64();
    if e.cases == 0 {
        bail!(
            "inget år kunde mätas: ett år mäts när det och minst tre hela år före det (i följd) har alla tolv månader."
        );
    }
    if let Some(path) = fall {
        std::fs::write(path, cases_csv(&cases)).map_err(|err| {
            anyhow::anyhow!(
                "{}: kunde inte skrivas ({err}). Kontrollera sökvägen.",
                path.display()
            )
        })?;
    }
    if json {
        let out = JsonOut {
            series: series.len(),
            cases: e.cases,
            seconds,
            cutoffs: e
                .cutoffs
                .iter()
                .map(|(m, per)| (m.to_string(), per))
                .collect(),
            coverage_by_years: coverage_by_years(&cases)
                .into_iter()
                .map(|(m, by)| {
                    let by = by
                        .into_iter()
                        .map(|(years, (n, inside))| (years.to_string(), [n, inside]))
                        .collect();
                    (m.to_string(), by)
                })
                .collect(),
            sums: sums.as_deref().map(|s| {
                summarise_sums(s)
                    .into_iter()
                    .map(|(m, x)| (m.to_string(), x))
                    .collect()
            }),
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print!(
            "{}",
            table(&e, &cases, sums.as_deref(), series.len(), seconds)
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn reads_one_series_per_file_or_per_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "kostnad.csv",
            "år;månad;värde\n2020;1;1 234,5\n2020;2;\n2020;3;i.u.\n",
        );
        let s = read_series(&p).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].name, "kostnad");
        let y = s[0].years[&2020];
        assert_eq!(y[0], Some(Amount::from_ore(123_450)));
        assert_eq!((y[1], y[2], y[3]), (None, None, None));
        let p = write(
            dir.path(),
            "flera.csv",
            "år;månad;skola;omsorg\n2020;1;10;20\n2020;2;11;21\n",
        );
        let s = read_series(&p).unwrap();
        assert_eq!(
            s.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(),
            ["flera:skola", "flera:omsorg"]
        );
        assert_eq!(s[1].years[&2020][1], Some(Amount::from_ore(2100)));
    }

    #[test]
    fn errors_say_where_and_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "a.csv", "år;månad;värde\n2020;13;1\n");
        let e = read_series(&p).unwrap_err().to_string();
        assert!(
            e.contains("rad 2") && e.contains("månad") && e.contains("1–12"),
            "{e}"
        );
        let p = write(dir.path(), "b.csv", "år;månad;värde\n2020;1;1\n2020;1;2\n");
        let e = read_series(&p).unwrap_err().to_string();
        assert!(e.contains("rad 3") && e.contains("rad 2"), "{e}");
        let p = write(dir.path(), "c.csv", "år;månad\n2020;1\n");
        let e = read_series(&p).unwrap_err().to_string();
        assert!(e.contains("värdekolumn"), "{e}");
        let p = write(dir.path(), "d.csv", "år;månad;värde\n2020;1;x\n");
        let e = read_series(&p).unwrap_err().to_string();
        assert!(e.contains("rad 2") && e.contains("värde"), "{e}");
        assert!(parse_cutoffs("4,12").is_err());
        assert_eq!(parse_cutoffs("8, 4,4").unwrap(), vec![4, 8]);
    }
}
