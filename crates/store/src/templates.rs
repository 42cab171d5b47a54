//! Template imports (organisation, volume series, volumes, budget) and their queries.
//!
//! Every import is one transaction and one batch in `import_batch` (kind = the template's
//! name, source = the same). A file whose SHA-256 equals the last batch of the same template,
//! still active, changes nothing. Otherwise the rows are checked against the database (all
//! problems collected, up to [`MAX_ROW_ERRORS`]) and stored with the template's replacement
//! rule; earlier batches of the template none of whose rows remain get the status `replaced`.

use crate::db::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use crate::sqlite::ensure_mapping;
use crate::time::now_utc;
use crate::types::{
    BudgetVersionInfo, ImportStatus, RowError, TemplateKind, TemplateReport, TemplateSource,
};
use crate::StoreError;
use delar_core::{
    Amount, BudgetLine, BudgetPeriod, Date, FinancialYear, OrgKind, OrgNode, Organisation,
    VolumeKind, VolumeSeries, VolumeValue, YearMonth,
};
use std::collections::{BTreeMap, HashMap, HashSet};

/// How many row problems an import lists before it only counts them.
pub const MAX_ROW_ERRORS: usize = 100;

/// Row problems, capped.
pub(crate) struct Problems {
    list: Vec<RowError>,
    more: u64,
}

impl Problems {
    pub(crate) fn new() -> Problems {
        Problems {
            list: Vec::new(),
            more: 0,
        }
    }
    pub(crate) fn push(&mut self, line: usize, column: Option<&str>, message: String) {
        if self.list.len() < MAX_ROW_ERRORS {
            self.list.push(RowError {
                line,
                column: column.map(str::to_string),
                message,
            });
        } else {
            self.more += 1;
        }
    }
    pub(crate) fn into_result(self, file: &str) -> Result<(), StoreError> {
        if self.list.is_empty() {
            Ok(())
        } else {
            Err(self.into_error(file))
        }
    }
    fn into_error(mut self, file: &str) -> StoreError {
        self.list.sort_by_key(|e| e.line);
        StoreError::Rows {
            file: file.to_string(),
            errors: self.list,
            more: self.more,
        }
    }
}

/// The table whose `batch_id` column shows which of a template's batches still hold data.
fn data_table(kind: TemplateKind) -> &'static str {
    match kind {
        TemplateKind::Organisation => "org_node",
        TemplateKind::VolumeSeries => "volume_series",
        TemplateKind::Volumes => "volume_value",
        TemplateKind::Budget => "budget_version",
        TemplateKind::CompensationModel => "compensation_rate",
        TemplateKind::Intraprenader => "intraprenad_opening",
        TemplateKind::VolumeBudget => "volume_budget_version",
    }
}

/// Run one template import: unchanged check, batch row, `body` (checks and writes, returning
/// the Swedish summary), retirement of fully replaced batches, commit.
pub(crate) fn run(
    conn: &mut Connection,
    kind: TemplateKind,
    src: &TemplateSource<'_>,
    rows: usize,
    body: impl FnOnce(&Transaction<'_>, i64) -> Result<String, StoreError>,
) -> Result<TemplateReport, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let last: Option<(i64, String, String, i64)> = tx
        .query_row(
            "SELECT id, sha256, status, rows_count FROM import_batch WHERE kind = ?1
             ORDER BY id DESC LIMIT 1",
            params![kind.code()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    if let Some((id, sha, status, n)) = last {
        if sha == src.sha256 && status == "active" && !src.sha256.is_empty() {
            return Ok(TemplateReport {
                kind,
                batch_id: id,
                file_name: src.file_name.to_string(),
                sha256: sha,
                status: ImportStatus::Unchanged,
                replaced_batches: Vec::new(),
                rows: n.max(0) as u64,
                summary: String::new(),
            });
        }
    }
    let batch_id: i64 = tx.query_row(
        "INSERT INTO import_batch (source, file_name, sha256, imported_at, status, kind, rows_count)
         VALUES (?1, ?2, ?3, ?4, 'active', ?1, ?5) RETURNING id",
        params![
            kind.code(),
            src.file_name,
            src.sha256,
            now_utc(),
            rows as i64
        ],
        |r| r.get(0),
    )?;
    let summary = body(&tx, batch_id)?;
    let table = data_table(kind);
    let replaced: Vec<i64> = {
        let mut stmt = tx.prepare(&format!(
            "UPDATE import_batch SET status = 'replaced', replaced_by = ?1
             WHERE kind = ?2 AND status = 'active' AND id <> ?1
               AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.batch_id = import_batch.id)
             RETURNING id"
        ))?;
        stmt.query_map(params![batch_id, kind.code()], |r| r.get(0))?
            .collect::<Result<Vec<i64>, _>>()?
    };
    tx.commit()?;
    let mut replaced = replaced;
    replaced.sort_unstable();
    Ok(TemplateReport {
        kind,
        batch_id,
        file_name: src.file_name.to_string(),
        sha256: src.sha256.to_string(),
        status: if replaced.is_empty() {
            ImportStatus::Imported
        } else {
            ImportStatus::Replaced
        },
        replaced_batches: replaced,
        rows: rows as u64,
        summary,
    })
}

/// A count and its noun, Swedish style (`1 rad`, `240\u{a0}000 rader`).
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        delar_core::money::format_scaled(n as i64, 0, '\u{a0}'),
        if n == 1 { one } else { many }
    )
}

/// Import the organisation: the whole stored set is replaced.
pub(crate) fn import_organisation(
    conn: &mut Connection,
    src: &TemplateSource<'_>,
    nodes: &[OrgNode],
) -> Result<TemplateReport, StoreError> {
    // Validate here too: callers other than the template reader may hand rows in.
    let org = match Organisation::new(nodes.to_vec()) {
        Ok(o) => o,
        Err(errs) => {
            let mut p = Problems::new();
            for e in errs {
                p.push(src.line(e.index), e.column, e.message);
            }
            return Err(p.into_error(src.file_name));
        }
    };
    run(
        conn,
        TemplateKind::Organisation,
        src,
        nodes.len(),
        |tx, batch| {
            let before: i64 = tx.query_row("SELECT COUNT(*) FROM org_node", [], |r| r.get(0))?;
            tx.execute("DELETE FROM org_node", [])?;
            let mut ins = tx.prepare(
                "INSERT INTO org_node (batch_id, position, code, name, kind, parent_code,
                 valid_from, valid_to, activity) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for (i, n) in org.nodes().iter().enumerate() {
                ins.execute(params![
                    batch,
                    i as i64,
                    n.code,
                    n.name,
                    n.kind.code(),
                    n.parent,
                    n.from.map(YearMonth::as_int),
                    n.to.map(YearMonth::as_int),
                    n.activity
                ])?;
            }
            let codes: HashSet<&str> = org.nodes().iter().map(|n| n.code.as_str()).collect();
            let committees: HashSet<&str> = org
                .nodes()
                .iter()
                .filter(|n| n.kind.is_committee())
                .map(|n| n.code.as_str())
                .collect();
            let mut s = format!(
                "{} för {}, varav {}.",
                plural(org.nodes().len(), "rad", "rader"),
                plural(codes.len(), "kod", "koder"),
                plural(committees.len(), "nämnd", "nämnder")
            );
            let changes = org.change_months();
            if !changes.is_empty() {
                let ms: Vec<String> = changes.iter().map(|m| m.to_string()).collect();
                s.push_str(&format!(" Strukturen ändras {}.", ms.join(", ")));
            }
            if before > 0 {
                s.push_str(&format!(
                    " Den tidigare organisationen ({}) är ersatt.",
                    plural(before as usize, "rad", "rader")
                ));
            }
            Ok(s)
        },
    )
}

/// The stored organisation (empty when none is imported).
pub(crate) fn organisation(conn: &Connection) -> Result<Organisation, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, name, kind, parent_code, valid_from, valid_to, activity FROM org_node
         ORDER BY position",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<i32>>(4)?,
            r.get::<_, Option<i32>>(5)?,
            r.get::<_, Option<String>>(6)?,
        ))
    })?;
    let month = |v: Option<i32>| -> Result<Option<YearMonth>, StoreError> {
        v.map(|v| YearMonth::from_int(v).map_err(|_| StoreError::Corrupt(format!("månaden {v}"))))
            .transpose()
    };
    let mut nodes = Vec::new();
    for row in rows {
        let (code, name, kind, parent, from, to, activity) = row?;
        nodes.push(OrgNode {
            kind: OrgKind::parse(&kind)
                .ok_or_else(|| StoreError::Corrupt(format!("organisationstypen {kind}")))?,
            code,
            name,
            parent,
            from: month(from)?,
            to: month(to)?,
            activity,
        });
    }
    Organisation::new(nodes).map_err(|e| {
        StoreError::Corrupt(format!(
            "organisationen: {}",
            e.first().map(|e| e.message.as_str()).unwrap_or("")
        ))
    })
}

/// Codes → rows, for checking codes in force in a month.
fn org_index(org: &Organisation) -> HashMap<&str, Vec<&OrgNode>> {
    let mut m: HashMap<&str, Vec<&OrgNode>> = HashMap::new();
    for n in org.nodes() {
        m.entry(n.code.as_str()).or_default().push(n);
    }
    m
}

/// Import volume series: upsert by series code.
pub(crate) fn import_volume_series(
    conn: &mut Connection,
    src: &TemplateSource<'_>,
    series: &[VolumeSeries],
) -> Result<TemplateReport, StoreError> {
    run(
        conn,
        TemplateKind::VolumeSeries,
        src,
        series.len(),
        |tx, batch| {
            let org = organisation(tx)?;
            let idx = org_index(&org);
            let stored: HashMap<String, VolumeKind> = stored_series(tx)?
                .into_iter()
                .map(|s| (s.code, s.kind))
                .collect();
            let in_file: HashMap<&str, VolumeKind> =
                series.iter().map(|s| (s.code.as_str(), s.kind)).collect();
            let mut p = Problems::new();
            let mut seen: HashMap<&str, usize> = HashMap::new();
            for (i, s) in series.iter().enumerate() {
                let line = src.line(i);
                if let Some(first) = seen.insert(s.code.as_str(), line) {
                    p.push(
                        line,
                        Some("serie"),
                        format!(
                            "serien \"{}\" finns redan på rad {first}. Varje serie ska ha en rad.",
                            s.code
                        ),
                    );
                }
                if !org.is_empty() && !idx.contains_key(s.responsible.as_str()) {
                    p.push(
                        line,
                        Some("ansvar"),
                        format!(
                            "ansvar \"{}\" finns inte i organisationen. Rätta koden eller \
                             importera en organisation där den ingår.",
                            s.responsible
                        ),
                    );
                }
                if let Some(ps) = &s.price_series {
                    let kind = in_file
                        .get(ps.as_str())
                        .or_else(|| stored.get(ps.as_str()))
                        .copied();
                    match kind {
                        _ if s.kind == VolumeKind::Price => p.push(
                            line,
                            Some("prisserie"),
                            format!(
                                "serien \"{}\" är själv av typ pris och kan inte ha en \
                                 prisserie. Lämna cellen tom.",
                                s.code
                            ),
                        ),
                        None => p.push(
                            line,
                            Some("prisserie"),
                            format!(
                                "prisserien \"{ps}\" finns varken i filen eller i databasen. \
                                 Lägg till den som en serie av typ pris."
                            ),
                        ),
                        Some(k) if k != VolumeKind::Price => p.push(
                            line,
                            Some("prisserie"),
                            format!(
                                "prisserien \"{ps}\" är av typ {k}, inte pris. Ange en serie \
                                 av typ pris (kr per enhet)."
                            ),
                        ),
                        Some(_) => {}
                    }
                }
            }
            p.into_result(src.file_name)?;
            let mut up = tx.prepare(
                "INSERT INTO volume_series (batch_id, code, name, unit, kind, responsible,
                 category, price_series) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (code) DO UPDATE SET batch_id = excluded.batch_id,
                   name = excluded.name, unit = excluded.unit, kind = excluded.kind,
                   responsible = excluded.responsible, category = excluded.category,
                   price_series = excluded.price_series",
            )?;
            let mut new = 0usize;
            for s in series {
                if !stored.contains_key(&s.code) {
                    new += 1;
                }
                up.execute(params![
                    batch,
                    s.code,
                    s.name,
                    s.unit,
                    s.kind.code(),
                    s.responsible,
                    s.category,
                    s.price_series
                ])?;
            }
            Ok(format!(
                "{} ({} nya, {} uppdaterade).",
                plural(series.len(), "serie", "serier"),
                delar_core::money::format_scaled(new as i64, 0, '\u{a0}'),
                delar_core::money::format_scaled((series.len() - new) as i64, 0, '\u{a0}')
            ))
        },
    )
}

/// All stored series, in the order they were first imported.
pub(crate) fn stored_series(conn: &Connection) -> Result<Vec<VolumeSeries>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, name, unit, kind, responsible, category, price_series FROM volume_series
         ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, Option<String>>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (code, name, unit, kind, responsible, category, price_series) = row?;
        out.push(VolumeSeries {
            kind: VolumeKind::parse(&kind)
                .ok_or_else(|| StoreError::Corrupt(format!("volymtypen {kind}")))?,
            code,
            name,
            unit,
            responsible,
            category,
            price_series,
        });
    }
    Ok(out)
}

/// Import volume values: each (series, month) in the file replaces the stored value.
pub(crate) fn import_volumes(
    conn: &mut Connection,
    src: &TemplateSource<'_>,
    values: &[VolumeValue],
) -> Result<TemplateReport, StoreError> {
    run(
        conn,
        TemplateKind::Volumes,
        src,
        values.len(),
        |tx, batch| {
            let ids: HashMap<String, i64> = {
                let mut stmt = tx.prepare("SELECT code, id FROM volume_series")?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            let mut p = Problems::new();
            let mut seen: HashMap<(&str, YearMonth), usize> = HashMap::new();
            for (i, v) in values.iter().enumerate() {
                let line = src.line(i);
                if !ids.contains_key(&v.series) {
                    p.push(
                        line,
                        Some("serie"),
                        format!(
                            "serien \"{}\" finns inte. Importera den först med volymserier.csv \
                             (delar import volymserier), eller rätta namnet.",
                            v.series
                        ),
                    );
                }
                if !v.value.is_finite() || v.value < 0.0 {
                    p.push(
                        line,
                        Some("värde"),
                        "volymer och priser kan inte vara negativa.".into(),
                    );
                }
                if let Some(first) = seen.insert((v.series.as_str(), v.month), line) {
                    p.push(
                        line,
                        Some("månad"),
                        format!(
                            "serien \"{}\" har redan ett värde för {} på rad {first}. Ta bort \
                             den ena raden.",
                            v.series, v.month
                        ),
                    );
                }
            }
            p.into_result(src.file_name)?;
            let mut exists =
                tx.prepare("SELECT 1 FROM volume_value WHERE series_id = ?1 AND period = ?2")?;
            let mut up = tx.prepare(
                "INSERT INTO volume_value (series_id, period, value, comment, batch_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (series_id, period) DO UPDATE SET value = excluded.value,
                   comment = excluded.comment, batch_id = excluded.batch_id",
            )?;
            let mut replaced = 0usize;
            let mut series: HashSet<&str> = HashSet::new();
            let (mut first, mut last): (Option<YearMonth>, Option<YearMonth>) = (None, None);
            for v in values {
                let id = ids[&v.series];
                let period = v.month.as_int();
                if exists.exists(params![id, period])? {
                    replaced += 1;
                }
                up.execute(params![id, period, v.value, v.comment, batch])?;
                series.insert(&v.series);
                first = Some(first.map_or(v.month, |f| f.min(v.month)));
                last = Some(last.map_or(v.month, |l| l.max(v.month)));
            }
            let mut s = format!(
                "{} för {}",
                plural(values.len(), "värde", "värden"),
                plural(series.len(), "serie", "serier")
            );
            if let (Some(f), Some(l)) = (first, last) {
                s.push_str(&format!(", {f}\u{2013}{l}"));
            }
            s.push('.');
            if replaced > 0 {
                s.push_str(&format!(
                    " {} ersatte tidigare importerade.",
                    plural(replaced, "värde", "värden")
                ));
            }
            Ok(s)
        },
    )
}

/// Values of one series, in month order, optionally within a range.
pub(crate) fn volumes(
    conn: &Connection,
    series: &str,
    range: Option<delar_core::PeriodRange>,
) -> Result<Vec<VolumeValue>, StoreError> {
    let id: i64 = conn
        .query_row(
            "SELECT id FROM volume_series WHERE code = ?1",
            params![series],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| StoreError::NoSuchSeries(series.to_string()))?;
    let (lo, hi) = match range {
        Some(r) => (r.start.as_int(), r.end.as_int()),
        None => (0, i32::MAX),
    };
    let mut stmt = conn.prepare_cached(
        "SELECT period, value, comment FROM volume_value
         WHERE series_id = ?1 AND period BETWEEN ?2 AND ?3 ORDER BY period",
    )?;
    let rows = stmt.query_map(params![id, lo, hi], |r| {
        Ok((
            r.get::<_, i32>(0)?,
            r.get::<_, f64>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (period, value, comment) = row?;
        out.push(VolumeValue {
            series: series.to_string(),
            month: YearMonth::from_int(period)
                .map_err(|_| StoreError::Corrupt(format!("månaden {period}")))?,
            value,
            comment,
        });
    }
    Ok(out)
}

/// Import budget lines: each version in the file replaces the stored version of that name.
pub(crate) fn import_budget(
    conn: &mut Connection,
    src: &TemplateSource<'_>,
    lines: &[BudgetLine],
) -> Result<TemplateReport, StoreError> {
    run(conn, TemplateKind::Budget, src, lines.len(), |tx, batch| {
        let mapping = ensure_mapping(tx)?;
        let org = organisation(tx)?;
        let idx = org_index(&org);
        let mut p = Problems::new();
        // Versions in file order with their decision date (first row wins).
        let mut versions: Vec<(&str, Date, usize)> = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            let line = src.line(i);
            match versions.iter().find(|v| v.0 == l.version) {
                Some(&(_, d, first)) if d != l.decided => p.push(
                    line,
                    Some("beslutad"),
                    format!(
                        "versionen \"{}\" är beslutad {d} enligt rad {first}. Alla rader i \
                             en version ska ha samma datum i \"beslutad\".",
                        l.version
                    ),
                ),
                Some(_) => {}
                None => versions.push((&l.version, l.decided, line)),
            }
            if let Err(e) = delar_core::accounts::check_account_number(&l.account) {
                p.push(line, Some("konto"), format!("{e}."));
            } else {
                match mapping.classify(&l.account) {
                    // A budget line on an account no kontogrupp covers is a typing error more
                    // often than not: refused, unlike the SIE import's "Ej kontogrupperat".
                    Some(g) if g.code != delar_core::UNGROUPED => {}
                    None => p.push(
                        line,
                        Some("konto"),
                        format!(
                            "konto {} är ett balanskonto; budgeten gäller resultatkonton \
                                 (klass 3–8).",
                            l.account
                        ),
                    ),
                    Some(_) => p.push(
                        line,
                        Some("konto"),
                        format!(
                            "konto {} hör inte till någon kontogrupp i indelningen \"{}\". \
                                 Rätta kontot eller lägg till det i kontogruppsfilen (delar \
                                 kontogrupper FIL).",
                            l.account, mapping.name
                        ),
                    ),
                }
            }
            if !org.is_empty()
                && !idx.get(l.responsible.as_str()).is_some_and(|ns| {
                    ns.iter().any(|n| match l.period {
                        BudgetPeriod::Month(m) => n.in_force(m),
                        BudgetPeriod::Year(y) => (1..=12)
                            .filter_map(|m| YearMonth::new(y, m).ok())
                            .any(|m| n.in_force(m)),
                    })
                })
            {
                let msg = if idx.contains_key(l.responsible.as_str()) {
                    format!(
                        "ansvar \"{}\" gäller inte {} enligt organisationen. Budgetera på \
                             den enhet som gäller den månaden.",
                        l.responsible, l.period
                    )
                } else {
                    format!(
                        "ansvar \"{}\" finns inte i organisationen. Rätta koden eller \
                             importera en organisation där den ingår.",
                        l.responsible
                    )
                };
                p.push(line, Some("ansvar"), msg);
            }
        }
        p.into_result(src.file_name)?;

        let mut replaced: Vec<&str> = Vec::new();
        let mut del_lines = tx.prepare(
            "DELETE FROM budget_line WHERE version_id IN
                   (SELECT id FROM budget_version WHERE name = ?1)",
        )?;
        let mut del_version = tx.prepare("DELETE FROM budget_version WHERE name = ?1")?;
        let mut ins_version = tx.prepare(
            "INSERT INTO budget_version (batch_id, name, decided) VALUES (?1, ?2, ?3)
                 RETURNING id",
        )?;
        let mut ids: HashMap<&str, i64> = HashMap::new();
        for &(name, decided, _) in &versions {
            del_lines.execute(params![name])?;
            if del_version.execute(params![name])? > 0 {
                replaced.push(name);
            }
            let id: i64 =
                ins_version.query_row(params![batch, name, decided.to_string()], |r| r.get(0))?;
            ids.insert(name, id);
        }
        let mut ins = tx.prepare(
            "INSERT INTO budget_line (version_id, period, account, responsible, activity,
                 amount_ore, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        let mut totals: BTreeMap<&str, (usize, Amount)> = BTreeMap::new();
        for l in lines {
            ins.execute(params![
                ids[l.version.as_str()],
                l.period.as_int(),
                l.account,
                l.responsible,
                l.activity,
                l.amount.ore(),
                l.comment
            ])?;
            let t = totals.entry(&l.version).or_insert((0, Amount::ZERO));
            t.0 += 1;
            t.1 = t.1.checked_add(l.amount).unwrap_or(t.1);
        }
        let parts: Vec<String> = versions
            .iter()
            .map(|&(name, decided, _)| {
                let (n, total) = totals.get(name).copied().unwrap_or((0, Amount::ZERO));
                format!(
                    "{name} (beslutad {decided}, {}, netto {} kr)",
                    plural(n, "rad", "rader"),
                    total.format(delar_core::Unit::Kr, 0)
                )
            })
            .collect();
        let mut s = format!(
            "{}: {}.",
            plural(versions.len(), "budgetversion", "budgetversioner"),
            parts.join(", ")
        );
        let annual = lines
            .iter()
            .filter(|l| matches!(l.period, BudgetPeriod::Year(_)))
            .count();
        if annual > 0 {
            s.push_str(&format!(
                " {} periodiseras över årets månader när budgeten läses, efter kontogruppens \
                 periodisering (standard: fjolårets utfall för samma ansvar och konto, annars \
                 jämnt; se delar ledger).",
                plural(annual, "årsbelopp", "årsbelopp")
            ));
        }
        if !replaced.is_empty() {
            let names: Vec<String> = replaced.iter().map(|n| format!("\"{n}\"")).collect();
            s.push_str(&format!(
                " Ersatte tidigare importerade {} {}.",
                if names.len() == 1 {
                    "versionen"
                } else {
                    "versionerna"
                },
                names.join(", ")
            ));
        }
        Ok(s)
    })
}

/// Budget versions with lines in `fy`, by decision date then name.
pub(crate) fn budget_versions(
    conn: &Connection,
    fy: &FinancialYear,
) -> Result<Vec<BudgetVersionInfo>, StoreError> {
    let range = fy.months();
    let months = range.len();
    let mut stmt = conn.prepare_cached(
        "SELECT v.name, v.decided, v.batch_id, l.period, COUNT(*), SUM(l.amount_ore)
         FROM budget_version v JOIN budget_line l ON l.version_id = v.id
         WHERE l.period BETWEEN ?1 AND ?2 OR l.period = ?3
         GROUP BY v.id, l.period ORDER BY v.decided, v.name, l.period",
    )?;
    let annual = fy.label_year() * 100;
    let rows = stmt.query_map(
        params![range.start.as_int(), range.end.as_int(), annual],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i32>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
            ))
        },
    )?;
    let mut out: Vec<BudgetVersionInfo> = Vec::new();
    for row in rows {
        let (name, decided, batch_id, period, n, sum) = row?;
        if out.last().is_none_or(|v| v.name != name) {
            out.push(BudgetVersionInfo {
                name,
                decided: Date::parse(&decided)
                    .map_err(|_| StoreError::Corrupt(format!("beslutsdatumet {decided}")))?,
                batch_id,
                lines: 0,
                months: vec![Amount::ZERO; months],
                annual: Amount::ZERO,
                total: Amount::ZERO,
                by_responsible: Vec::new(),
            });
        }
        let v = out.last_mut().expect("pushed above");
        if period == annual {
            v.lines += n.max(0) as u64;
            v.annual += Amount::from_ore(sum);
            v.total += Amount::from_ore(sum);
            continue;
        }
        let ym = YearMonth::from_int(period)
            .map_err(|_| StoreError::Corrupt(format!("månaden {period}")))?;
        let i = range.start.months_until(ym) as usize;
        v.lines += n.max(0) as u64;
        v.months[i] += Amount::from_ore(sum);
        v.total += Amount::from_ore(sum);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT v.name, l.responsible, SUM(l.amount_ore)
         FROM budget_version v JOIN budget_line l ON l.version_id = v.id
         WHERE l.period BETWEEN ?1 AND ?2 OR l.period = ?3
         GROUP BY v.name, l.responsible ORDER BY v.name, l.responsible",
    )?;
    let rows = stmt.query_map(
        params![range.start.as_int(), range.end.as_int(), annual],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        },
    )?;
    for row in rows {
        let (name, responsible, sum) = row?;
        if let Some(v) = out.iter_mut().find(|v| v.name == name) {
            v.by_responsible.push((responsible, Amount::from_ore(sum)));
        }
    }
    Ok(out)
}

/// One CSV budget amount after periodisation: (ansvar, verksamhet, account, period YYYYMM,
/// öre).
pub(crate) type BudgetEntry = (String, Option<String>, String, i32, i64);

/// Last year's outcome per (ansvar, account), one amount per month.
pub(crate) type Profiles = HashMap<(String, String), Vec<Amount>>;

/// An annual CSV budget amount and how it was spread.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Periodised {
    /// Ansvar.
    pub responsible: String,
    /// Account.
    pub account: String,
    /// The annual amount.
    pub amount: Amount,
    /// How it was spread over the months.
    pub spread: delar_core::budget::Spread,
}

/// The CSV budget lines of a financial year from the versions decided on or before `as_of`
/// (all when `None`), summed per ansvar × verksamhet × account × month, with every annual
/// amount (`månad` = the year) spread over the year's months by its kontogrupp's
/// periodisation: like `last_year` (outcome per (ansvar, account): one amount per month of
/// the previous year) or evenly. Returns the amounts and the annual amounts with their
/// spread.
pub(crate) fn budget_entries(
    conn: &Connection,
    fy: &FinancialYear,
    as_of: Option<Date>,
    periodiser: &dyn Fn() -> Result<crate::sqlite::Periodiser, StoreError>,
) -> Result<(Vec<BudgetEntry>, Vec<Periodised>), StoreError> {
    let range = fy.months();
    let label = fy.label_year();
    let as_of = as_of
        .map(|d| d.to_string())
        .unwrap_or_else(|| "9999-12-31".into());
    let mut stmt = conn.prepare_cached(
        "SELECT l.responsible, l.activity, l.account, l.period, SUM(l.amount_ore)
         FROM budget_line l JOIN budget_version v ON v.id = l.version_id
         WHERE (l.period BETWEEN ?1 AND ?2 OR l.period = ?3) AND v.decided <= ?4
         GROUP BY l.responsible, l.activity, l.account, l.period",
    )?;
    let rows = stmt
        .query_map(
            params![range.start.as_int(), range.end.as_int(), label * 100, as_of],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?
        .collect::<Result<Vec<BudgetEntry>, _>>()?;
    if !rows.iter().any(|r| r.3 % 100 == 0) {
        return Ok((rows, Vec::new()));
    }
    let spread = periodiser()?;
    let mut out = Vec::with_capacity(rows.len() + 12);
    let mut notes = Vec::new();
    for (resp, act, account, period, ore) in rows {
        if period % 100 != 0 {
            out.push((resp, act, account, period, ore));
            continue;
        }
        let (parts, how) = spread.spread(&resp, &account, ore);
        for (m, part) in parts {
            out.push((resp.clone(), act.clone(), account.clone(), m, part));
        }
        notes.push(Periodised {
            responsible: resp,
            account,
            amount: Amount::from_ore(ore),
            spread: how,
        });
    }
    Ok((out, notes))
}

/// True when budget lines exist for object `(dim, code)`.
pub(crate) fn budget_has_object(
    conn: &Connection,
    dim: u32,
    code: &str,
) -> Result<bool, StoreError> {
    let sql = match dim {
        1 => "SELECT EXISTS (SELECT 1 FROM budget_line WHERE responsible = ?1)",
        2 => "SELECT EXISTS (SELECT 1 FROM budget_line WHERE activity = ?1)",
        _ => return Ok(false),
    };
    Ok(conn.query_row(sql, params![code], |r| r.get(0))?)
}

/// True when budget lines exist in the calendar year `year`.
pub(crate) fn budget_has_year(conn: &Connection, year: i32) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM budget_line WHERE period BETWEEN ?1 AND ?2)",
        params![year * 100, year * 100 + 12],
        |r| r.get(0),
    )?)
}
