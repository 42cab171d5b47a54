//! The templates of the fourteen registers (column lists and row mappings). Column names and
//! allowed values are documented in docs/IMPORT.md, section "Uppföljningsregister".

use super::*;
use crate::model::*;

impl Template for Goal {
    const NAME: &'static str = "mal";
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("år", true),
        ("nivå", true),
        ("kod", true),
        ("namn", true),
        ("överordnad", true),
        ("nämnd", false),
        ("kluster", false),
        ("beskrivning", false),
    ];
    fn read(r: &mut RowReader<'_>) -> Self {
        let year = r.year("år");
        let level = r.word::<GoalLevel>("nivå").unwrap_or(GoalLevel::Area);
        let g = Goal {
            year,
            code: r.required("kod"),
            level,
            name: r.required("namn"),
            parent: r.text("överordnad"),
            committee: r.text("nämnd"),
            cluster: r.text("kluster"),
            description: r.text("beskrivning"),
        };
        if g.level == GoalLevel::Committee && g.committee.is_none() {
            r.error("nämnd", "ett nämndmål måste ange nämnd (organisationskod).");
        }
        if g.level != GoalLevel::Area && g.parent.is_none() {
            r.error("överordnad", "ange det överordnade målets kod.");
        }
        g
    }
    fn write(&self) -> Vec<String> {
        vec![
            self.year.to_string(),
            self.level.label().into(),
            self.code.clone(),
            self.name.clone(),
            opt(&self.parent),
            opt(&self.committee),
            opt(&self.cluster),
            opt(&self.description),
        ]
    }
}

impl Template for GoalClassification {
    const NAME: &'static str = "malklassning";
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("år", true),
        ("nämnd", true),
        ("mål", true),
        ("klassning", true),
        ("motivering", false),
    ];
    fn read(r: &mut RowReader<'_>) -> Self {
        let c = GoalClassification {
            year: r.year("år"),
            committee: r.required("nämnd"),
            goal: r.required("mål"),
            kind: r
                .word::<GoalClassKind>("klassning")
                .unwrap_or(GoalClassKind::BasicMission),
            reason: r.text("motivering"),
        };
        if c.kind == GoalClassKind::NotRelevant && c.reason.is_none() {
            r.error(
                "motivering",
                "\"ej relevant\" kräver en motivering. Skriv varför målet inte är relevant för nämnden.",
            );
        }
        c
    }
    fn write(&self) -> Vec<String> {
        vec![
            self.year.to_string(),
            self.committee.clone(),
            self.goal.clone(),
            self.kind.label().into(),
            opt(&self.reason),
        ]
    }
}

impl Template for GoalText {
    const NAME: &'static str = "maltexter";
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("år", true),
        ("nämnd", true),
        ("mål", true),
        ("typ", true),
        ("text", true),
    ];
    fn read(r: &mut RowReader<'_>) -> Self {
        GoalText {
            year: r.year("år"),
            committee: r.required("nämnd"),
            goal: r.required("mål"),
            kind: r
                .word::<GoalTextKind>("typ")
                .unwrap_or(GoalTextKind::Analysis),
            text: r.required("text"),
        }
    }
    fn write(&self) -> Vec<String> {
        vec![
            self.year.to_string(),
            self.committee.clone(),
            self.goal.clone(),
            self.kind.label().into(),
            self.text.clone(),
        ]
    }
}

impl Template for Indicator {
    const NAME: &'static str = "indikatorer";
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("kod", true),
        ("namn", true),
        ("mål", true),
        ("nämnd", false),
        ("enhet", true),
        ("decimaler", false),
        ("mått", true),
        ("polaritet", true),
        ("gräns", false),
        ("övre gräns", false),
        ("per kön", false),
        ("källa", true),
        ("källid", false),
        ("publiceringsmånad", false),
        ("definition", false),
    ];
    fn read(r: &mut RowReader<'_>) -> Self {
        let code = r.required("kod");
        let name = r.required("namn");
        let goal = r.required("mål");
        let committee = r.text("nämnd");
        let unit = r.required("enhet");
        let decimals = r.opt_int("decimaler", 0, 6).unwrap_or(0) as u8;
        let measure = r.word::<MeasureKind>("mått").unwrap_or(MeasureKind::Value);
        let pk = r
            .word::<PolarityKind>("polaritet")
            .unwrap_or(PolarityKind::Neutral);
        let limit = r.opt_number("gräns");
        let upper = r.opt_number("övre gräns");
        let polarity = match pk {
            PolarityKind::Higher => Polarity::Higher,
            PolarityKind::Lower => Polarity::Lower,
            PolarityKind::Neutral => Polarity::Neutral,
            PolarityKind::Ceiling | PolarityKind::Floor => match limit {
                Some(v) if pk == PolarityKind::Ceiling => Polarity::Ceiling(v),
                Some(v) => Polarity::Floor(v),
                None => {
                    r.error(
                        "gräns",
                        "polariteten kräver en gräns, till exempel 1 för max 1 %.",
                    );
                    Polarity::Neutral
                }
            },
            PolarityKind::Range => match (limit, upper) {
                (Some(lo), Some(hi)) if lo <= hi => Polarity::Range(lo, hi),
                (Some(_), Some(_)) => {
                    r.error("övre gräns", "övre gränsen är mindre än den undre.");
                    Polarity::Neutral
                }
                _ => {
                    r.error(
                        "gräns",
                        "intervall kräver både gräns (undre) och övre gräns.",
                    );
                    Polarity::Neutral
                }
            },
        };
        let by_sex = r.flag("per kön");
        // `personal:sjukfranvaro` names the register and what it measures in one cell.
        let raw = r.required("källa");
        let (word, id_in_source) = match raw.split_once(':') {
            Some((w, id)) => (w.trim().to_string(), Some(id.trim().to_string())),
            None => (raw.clone(), None),
        };
        let source = if word.is_empty() {
            SourceKind::Internal
        } else {
            r.parse_word::<SourceKind>("källa", &word)
                .unwrap_or(SourceKind::Internal)
        };
        let source_id = r.text("källid").or(id_in_source);
        let publication_month = r.opt_int("publiceringsmånad", 1, 12).map(|m| m as u8);
        let definition = r.text("definition");
        Indicator {
            code,
            name,
            goal,
            committee,
            unit,
            decimals,
            measure,
            definition,
            source,
            source_id,
            publication_month,
            polarity,
            by_sex,
        }
    }
    fn write(&self) -> Vec<String> {
        let (limit, upper) = match self.polarity {
            Polarity::Ceiling(v) | Polarity::Floor(v) => (Some(v), None),
            Polarity::Range(a, b) => (Some(a), Some(b)),
            _ => (None, None),
        };
        vec![
            self.code.clone(),
            self.name.clone(),
            self.goal.clone(),
            opt(&self.committee),
            self.unit.clone(),
            self.decimals.to_string(),
            self.measure.label().into(),
            self.polarity.kind().label().into(),
            fmt_opt_number(limit),
            fmt_opt_number(upper),
            yes_no(self.by_sex),
            self.source.label().into(),
            opt(&self.source_id),
            self.publication_month
                .map(|m| m.to_string())
                .unwrap_or_default(),
            opt(&self.definition),
        ]
    }
}

impl Template for IndicatorValue {
    const NAME: &'static str = "indikatorvarden";
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("indikator", true),
        ("år", true),
        ("typ", true),
        ("månad", false),
        ("kvinnor", false),
        ("män", false),
        ("totalt", true),
        ("kommentar", false),
    ];
    fn read(r: &mut RowReader<'_>) -> Self {
        let indicator = r.required("indikator");
        let year = r.year("år");
        let kw = r
            .word::<ValueKindWord>("typ")
            .unwrap_or(ValueKindWord::Outcome);
        let kind = match kw {
            ValueKindWord::Outcome => ValueKind::Outcome,
            ValueKindWord::Forecast => ValueKind::Forecast,
            ValueKindWord::Target => ValueKind::Target,
            ValueKindWord::ToDate => match r.opt_month("månad") {
                Some(m) => ValueKind::ToDate(m),
                None => {
                    r.error("månad", "ett värde hittills kräver månaden (ÅÅÅÅ-MM).");
                    ValueKind::Outcome
                }
            },
        };
        let women = r.opt_number("kvinnor");
        let men = r.opt_number("män");
        let figure = match r.number_or_text("totalt") {
            Ok(total) => {
                let k = Kmt { women, men, total };
                if k.is_empty() {
                    match r.text("totalt") {
                        Some(_) => Figure::NoData,
                        None => {
                            r.error(
                                "totalt",
                                "värde saknas. Skriv i.u. om uppgiften inte finns ännu.",
                            );
                            Figure::NoData
                        }
                    }
                } else {
                    Figure::Number(k)
                }
            }
            Err(t) => {
                if is_no_data(&t) {
                    if women.is_some() || men.is_some() {
                        Figure::Number(Kmt {
                            women,
                            men,
                            total: None,
                        })
                    } else {
                        Figure::NoData
                    }
                } else {
                    match Trend::from_label(&t) {
                        Some(w) if matches!(kind, ValueKind::Forecast | ValueKind::Target) => {
                            Figure::Word(w)
                        }
                        Some(_) => {
                            r.error(
                                "totalt",
                                format!(
                                    "\"{t}\" är ett riktningsord; ett utfall måste vara ett tal \
                                     eller i.u."
                                ),
                            );
                            Figure::NoData
                        }
                        None => {
                            r.error(
                                "totalt",
                                format!(
                                    "\"{t}\" är varken ett tal, i.u. eller ett riktningsord ({}).",
                                    Trend::labels().join(", ")
                                ),
                            );
                            Figure::NoData
                        }
                    }
                }
            }
        };
        IndicatorValue {
            indicator,
            year,
            kind,
            figure,
            comment: r.text("kommentar"),
        }
    }
    fn write(&self) -> Vec<String> {
        let month = match self.kind {
            ValueKind::ToDate(m) => m.to_string(),
            _ => String::new(),
        };
        let (w, m, t) = match self.figure {
            Figure::NoData => (String::new(), String::new(), "i.u.".to_string()),
            Figure::Number(k) => (
                fmt_opt_number(k.women),
                fmt_opt_number(k.men),
                k.total.map(fmt_number).unwrap_or_else(|| "i.u.".into()),
            ),
            Figure::Word(tr) => (
                String::new(),
                String::new(),
                if self.kind == ValueKind::Target {
                    tr.target_label()
                } else {
                    tr.label()
                }
                .to_string(),
            ),
        };
        vec![
            self.indicator.clone(),
            self.year.to_string(),
            self.kind.word().label().into(),
            month,
            w,
            m,
            t,
            opt(&self.comment),
        ]
    }
}

impl Template for Commitment {
    const NAME: &'static str = "uppdrag";
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("år", true),
        ("nämnd", true),
        ("kod", true),
        ("typ", true),
        ("namn", true),
        ("mål", false),
        ("status", true),
        ("prognos", false),
        ("kommentar", false),
    ];
    fn read(r: &mut RowReader<'_>) -> Self {
        let year = r.year("år");
        let committee = r.required("nämnd");
        let code = r.required("kod");
        let kind = r
            .word::<CommitmentKind>("typ")
            .unwrap_or(CommitmentKind::Commitment);
        let name = r.required("namn");
        let goal = r.text("mål");
        let status_text = r.required("status");
        let status = match kind {
            CommitmentKind::Commitment => {
                let mut flags = Vec::new();
                for part in status_text
                    .split([',', '/', '+', '&'])
                    .flat_map(|p| p.split(" och "))
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                {
                    match CommitmentFlag::from_label(part) {
                        Some(f) => {
                            if !flags.contains(&f) {
                                flags.push(f)
                            }
                        }
                        None => r.error(
                            "status",
                            format!(
                                "\"{part}\" är ingen status för ett åtagande. Välj en eller \
                                 flera av: {} (skilj med komma).",
                                CommitmentFlag::labels().join(", ")
                            ),
                        ),
                    }
                }
                flags.sort();
                if r.text("prognos").is_some() {
                    r.error(
                        "prognos",
                        "ett åtagande har ingen prognos; lämna cellen tom.",
                    );
                }
                CommitmentStatus::Flags(flags)
            }
            _ => {
                let current = if status_text.is_empty() {
                    None
                } else {
                    r.word::<AssignmentStatus>("status")
                };
                let forecast = r.word::<AssignmentStatus>("prognos");
                CommitmentStatus::Progress {
                    current: current.unwrap_or(AssignmentStatus::Ongoing),
                    forecast: forecast.unwrap_or(AssignmentStatus::Ongoing),
                }
            }
        };
        Commitment {
            year,
            committee,
            code,
            kind,
            name,
            goal,
            status,
            comment: r.text("kommentar"),
        }
    }
    fn write(&self) -> Vec<String> {
        let (status, forecast) = match &self.status {
            CommitmentStatus::Flags(f) => (
                f.iter().map(|x| x.label()).collect::<Vec<_>>().join(", "),
                String::new(),
            ),
            CommitmentStatus::Progress { current, forecast } => {
                (current.label().to_string(), forecast.label().to_string())
            }
        };
        vec![
            self.year.to_string(),
            self.committee.clone(),
            self.code.clone(),
            self.kind.label().into(),
            self.name.clone(),
            opt(&self.goal),
            status,
            forecast,
            opt(&self.comment),
        ]
    }
}

impl Template for EfficiencyMeasure {
    const NAME: &'static str = "effektiviseringar";
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("månad", true),
        ("nämnd", true),
        ("kod", true),
        ("åtgärd", true),
        ("kontogrupp", false),
        ("ansvar", false),
        ("planerad effekt", true),
        ("effekt hittills", false),
        ("prognos effekt", false),
        ("kvar från tidigare år", false),
        ("kommentar", false),
    ];
    fn read(r: &mut RowReader<'_>) -> Self {
        EfficiencyMeasure {
            month: r.month("månad"),
            committee: r.required("nämnd"),
            code: r.required("kod"),
            name: r.required("åtgärd"),
            account_group: r.text("kontogrupp"),
            ansvar: r.text("ansvar"),
            planned: r.amount("planerad effekt"),
            to_date: r.opt_amount("effekt hittills"),
            forecast: r.opt_amount("prognos effekt"),
            carried_over: r
                .opt_amount("kvar från tidigare år")
                .unwrap_or(Amount::ZERO),
            comment: r.text("kommentar"),
        }
    }
    fn write(&self) -> Vec<String> {
        vec![
            self.month.to_string(),
            self.committee.clone(),
            self.code.clone(),
            self.name.clone(),
            opt(&self.account_group),
            opt(&self.ansvar),
            fmt_amount(self.planned),
            fmt_opt_amount(self.to_date),
            fmt_opt_amount(self.forecast),
            fmt_amount(self.carried_over),
            opt(&self.comment),
        ]
    }
}

impl Template for Investment {
    const NAME: &'static str = "investeringar";
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("månad", true),
        ("nämnd", true),
        ("projekt", true),
        ("namn", true),
        ("kategori", false),
        ("budget", true),
        ("utfall", true),
        ("prognos", true),
        ("status", true),
        ("kommentar", false),
    ];
    fn read(r: &mut RowReader<'_>) -> Self {
        Investment {
            month: r.month("månad"),
            committee: r.required("nämnd"),
            project: r.required("projekt"),
            name: r.required("namn"),
            category: r.text("kategori"),
            budget: r.amount("budget"),
            outcome: r.amount("utfall"),
            forecast: r.amount("prognos"),
            status: r
                .word::<InvestmentStatus>("status")
                .unwrap_or(InvestmentStatus::Ongoing),
            comment: r.text("kommentar"),
        }
    }
    fn write(&self) -> Vec<String> {
        vec![
            self.month.to_string(),
            self.committee.clone(),
            self.project.clone(),
            self.name.clone(),
            opt(&self.category),
            fmt_amount(self.budget),
            fmt_amount(self.outcome),
            fmt_amount(self.forecast),
            self.status.label().into(),
            opt(&self.comment),
        ]
    }
}

fn read_kmt(r: &mut RowReader<'_>, w: &str, m: &str, t: &str) -> Kmt {
    Kmt {
        women: r.opt_number(w),
        men: r.opt_number(m),
        total: r.opt_number(t),
    }
}

fn write_kmt(k: &Kmt) -> [String; 3] {
    [
        fmt_opt_number(k.women),
        fmt_opt_number(k.men),
        fmt_opt_number(k.total),
    ]
}

impl Template for StaffFigures {
    const NAME: &'static str = "personal";
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("nämnd", true),
        ("månad", true),
        ("årsarbetare", true),
        ("anställda kvinnor", false),
        ("anställda män", false),
        ("anställda totalt", true),
        ("sjukfrånvaro kvinnor", false),
        ("sjukfrånvaro män", false),
        ("sjukfrånvaro totalt", false),
        ("korttidssjukfrånvaro kvinnor", false),
        ("korttidssjukfrånvaro män", false),
        ("korttidssjukfrånvaro totalt", false),
        ("andel heltid", false),
        ("andel timavlönade", false),
        ("personalomsättning", false),
        ("medarbetare per chef", false),
    ];
    fn read(r: &mut RowReader<'_>) -> Self {
        let committee = r.required("nämnd");
        let month = r.month("månad");
        let fte = r.number("årsarbetare");
        let headcount = read_kmt(r, "anställda kvinnor", "anställda män", "anställda totalt");
        if headcount.total.is_none() {
            r.error(
                "anställda totalt",
                "värde saknas. Fyll i antalet anställda.",
            );
        }
        StaffFigures {
            month,
            committee,
            fte,
            headcount,
            sick_leave: read_kmt(
                r,
                "sjukfrånvaro kvinnor",
                "sjukfrånvaro män",
                "sjukfrånvaro totalt",
            ),
            short_sick_leave: read_kmt(
                r,
                "korttidssjukfrånvaro kvinnor",
                "korttidssjukfrånvaro män",
                "korttidssjukfrånvaro totalt",
            ),
            full_time_share: r.opt_number("andel heltid"),
            hourly_paid_share: r.opt_number("andel timavlönade"),
            turnover: r.opt_number("personalomsättning"),
            employees_per_manager: r.opt_number("medarbetare per chef"),
        }
    }
    fn write(&self) -> Vec<String> {
        let mut v = vec![
            self.committee.clone(),
            self.month.to_string(),
            fmt_number(self.fte),
        ];
        v.extend(write_kmt(&self.headcount));
        v.extend(write_kmt(&self.sick_leave));
        v.extend(write_kmt(&self.short_sick_leave));
        v.extend([
            fmt_opt_number(self.full_time_share),
            fmt_opt_number(self.hourly_paid_share),
            fmt_opt_number(self.turnover),
            fmt_opt_number(self.employees_per_manager),
        ]);
        v
    }
}

impl Template for Event {
    const NAME: &'static str = "handelser";
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("datum", true),
        ("nämnd", true),
        ("kod", true),
        ("typ", true),
        ("område", false),
        ("rubrik", true),
        ("beskrivning", false),
        ("ekonomisk påverkan", false),
        ("prognosjustering", false),
    ];
    fn read(r: &mut RowReader<'_>) -> Self {
        Event {
            date: r.date("datum"),
            committee: r.required("nämnd"),
            code: r.required("kod"),
            kind: r.word::<EventKind>("typ").unwrap_or(EventKind::Other),
            area: r.text("område"),
            title: r.required("rubrik"),
            description: r.text("beskrivning"),
            impact: r.opt_amount("ekonomisk påverkan"),
            adjustment: r.text("prognosjustering"),
        }
    }
    fn write(&self) -> Vec<String> {
        vec![
            self.date.to_string(),
            self.committee.clone(),
            self.code.clone(),
            self.kind.label().into(),
            opt(&self.area),
            self.title.clone(),
            opt(&self.description),
            fmt_opt_amount(self.impact),
            opt(&self.adjustment),
        ]
    }
}

impl Template for StateGrant {
    const NAME: &'static str = "statsbidrag";
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("år", true),
        ("nämnd", true),
        ("kod", true),
        ("benämning", true),
        ("belopp", true),
        ("förbrukat hittills", false),
        ("prognos förbrukning", false),
        ("återrapportering", false),
        ("återbetalning", false),
        ("kommande år", false),
        ("kommentar", false),
    ];
    fn read(r: &mut RowReader<'_>) -> Self {
        StateGrant {
            year: r.year("år"),
            committee: r.required("nämnd"),
            code: r.required("kod"),
            name: r.required("benämning"),
            amount: r.amount("belopp"),
            report_back: r.flag("återrapportering"),
            repayable: r.flag("återbetalning"),
            coming_years: r.text("kommande år"),
            comment: r.text("kommentar"),
            used_to_date: r.opt_amount("förbrukat hittills"),
            forecast_use: r.opt_amount("prognos förbrukning"),
        }
    }
    fn write(&self) -> Vec<String> {
        vec![
            self.year.to_string(),
            self.committee.clone(),
            self.code.clone(),
            self.name.clone(),
            fmt_amount(self.amount),
            fmt_opt_amount(self.used_to_date),
            fmt_opt_amount(self.forecast_use),
            yes_no(self.report_back),
            yes_no(self.repayable),
            opt(&self.coming_years),
            opt(&self.comment),
        ]
    }
}

impl Template for Population {
    const NAME: &'static str = "befolkning";
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("år", true),
        ("typ", false),
        ("åldersgrupp", true),
        ("kvinnor", true),
        ("män", true),
        ("totalt", true),
    ];
    fn read(r: &mut RowReader<'_>) -> Self {
        let year = r.year("år");
        let basis = r.opt_word::<Basis>("typ").unwrap_or(Basis::Outcome);
        let band_text = r.required("åldersgrupp");
        let band = match AgeBand::parse(&band_text) {
            Some(b) => b,
            None => {
                if !band_text.is_empty() {
                    r.error(
                        "åldersgrupp",
                        format!(
                            "\"{band_text}\" är ingen åldersgrupp. Skriv till exempel 0–5, 65–79 \
                             eller 85– (öppen uppåt)."
                        ),
                    );
                }
                AgeBand { from: 0, to: None }
            }
        };
        Population {
            year,
            basis,
            band,
            women: r.int("kvinnor"),
            men: r.int("män"),
            total: r.int("totalt"),
        }
    }
    fn write(&self) -> Vec<String> {
        vec![
            self.year.to_string(),
            self.basis.label().into(),
            self.band.to_string(),
            self.women.to_string(),
            self.men.to_string(),
            self.total.to_string(),
        ]
    }
}

impl Template for Comparison {
    const NAME: &'static str = "jamforelser";
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("år", true),
        ("område", true),
        ("kolada-id", false),
        ("kommun", true),
        ("egen kommun", false),
        ("kr per invånare", false),
        ("nettokostnadsavvikelse", false),
    ];
    fn read(r: &mut RowReader<'_>) -> Self {
        Comparison {
            year: r.year("år"),
            area: r.required("område"),
            kolada_id: r.text("kolada-id"),
            municipality: r.required("kommun"),
            own: r.flag("egen kommun"),
            cost_per_inhabitant: r.opt_amount("kr per invånare"),
            net_cost_deviation: r.opt_number("nettokostnadsavvikelse"),
        }
    }
    fn write(&self) -> Vec<String> {
        vec![
            self.year.to_string(),
            self.area.clone(),
            opt(&self.kolada_id),
            self.municipality.clone(),
            yes_no(self.own),
            fmt_opt_amount(self.cost_per_inhabitant),
            fmt_opt_number(self.net_cost_deviation),
        ]
    }
}

impl Template for Queue {
    const NAME: &'static str = "koer";
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("månad", true),
        ("nämnd", true),
        ("lagrum", true),
        ("insats", true),
        ("kvinnor", false),
        ("män", false),
        ("totalt", true),
        ("varav över tre månader", false),
        ("medelväntetid dagar", false),
        ("medianväntetid dagar", false),
        ("kommentar", false),
    ];
    fn read(r: &mut RowReader<'_>) -> Self {
        let month = r.month("månad");
        let committee = r.required("nämnd");
        let law = r.word::<Law>("lagrum").unwrap_or(Law::SoL);
        let decision = r.required("insats");
        let women = r.opt_count("kvinnor");
        let men = r.opt_count("män");
        let total = r.count("totalt");
        let over_three_months = r.opt_count("varav över tre månader");
        let mean_wait_days = r.opt_number("medelväntetid dagar");
        let median_wait_days = r.opt_number("medianväntetid dagar");
        match (women, men, total) {
            (Some(w), Some(m), Some(t)) if w + m != t => r.error(
                "totalt",
                format!(
                    "kvinnor + män = {w} + {m} = {}, men totalt är {t}. Rätta så att summan \
                     stämmer.",
                    w + m
                ),
            ),
            (Some(_), None, _) => r.error(
                "män",
                "antalet för kvinnor är ifyllt men inte för män. Fyll i båda eller ingen.",
            ),
            (None, Some(_), _) => r.error(
                "kvinnor",
                "antalet för män är ifyllt men inte för kvinnor. Fyll i båda eller ingen.",
            ),
            _ => {}
        }
        if let (Some(o), Some(t)) = (over_three_months, total) {
            if o > t {
                r.error(
                    "varav över tre månader",
                    format!(
                        "{o} beslut har väntat mer än tre månader men totalt finns bara {t}. \
                         Varav kan inte vara större än totalt."
                    ),
                );
            }
        }
        for (name, v) in [
            ("medelväntetid dagar", mean_wait_days),
            ("medianväntetid dagar", median_wait_days),
        ] {
            if v.is_some_and(|d| d < 0.0) {
                r.error(name, "väntetiden kan inte vara negativ. Ange antal dagar.");
            }
        }
        Queue {
            month,
            committee,
            law,
            decision,
            women,
            men,
            total: total.unwrap_or(0),
            over_three_months,
            mean_wait_days,
            median_wait_days,
            comment: r.text("kommentar"),
        }
    }
    fn write(&self) -> Vec<String> {
        let n = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        vec![
            self.month.to_string(),
            self.committee.clone(),
            self.law.label().into(),
            self.decision.clone(),
            n(self.women),
            n(self.men),
            self.total.to_string(),
            n(self.over_three_months),
            fmt_opt_number(self.mean_wait_days),
            fmt_opt_number(self.median_wait_days),
            opt(&self.comment),
        ]
    }
}

/// Expands `$m! { (Type, field), … }` with every register, in import order (goals before
/// what refers to them): the register's model type (a [`Template`]) and its field in
/// [`FollowupData`]. This is the one list of registers; the templates, the store
/// (`delar_store`) and tests expand it, so a register added here is everywhere at once, and
/// a field of `FollowupData` missing here fails to compile where the store builds one.
#[macro_export]
macro_rules! for_each_register {
    ($m:ident) => {
        $m! {
            ($crate::model::Goal, goals),
            ($crate::model::GoalClassification, classifications),
            ($crate::model::GoalText, texts),
            ($crate::model::Indicator, indicators),
            ($crate::model::IndicatorValue, values),
            ($crate::model::Commitment, commitments),
            ($crate::model::EfficiencyMeasure, efficiency),
            ($crate::model::Investment, investments),
            ($crate::model::StaffFigures, staff),
            ($crate::model::Event, events),
            ($crate::model::StateGrant, grants),
            ($crate::model::Population, population),
            ($crate::model::Comparison, comparisons),
            ($crate::model::Queue, queues),
        }
    };
}

macro_rules! register_functions {
    ($(($t:ty, $field:ident)),* $(,)?) => {
        /// Every register's name, in import order (goals before what refers to them).
        pub const REGISTERS: &[&str] = &[$(<$t as Template>::NAME),*];

        /// Write every register of `data` as CSV: `(file name, content)` in [`REGISTERS`]
        /// order.
        pub fn write_all(data: &FollowupData) -> Vec<(String, String)> {
            vec![$((file_name::<$t>(), write_csv(&data.$field))),*]
        }

        /// Parse one register's table by name into `data` (appending). Unknown name → file
        /// error.
        pub fn parse_into(
            register: &str,
            table: &Table,
            data: &mut FollowupData,
        ) -> Result<usize, Vec<TableError>> {
            fn go<T: Template>(t: &Table, into: &mut Vec<T>) -> Result<usize, Vec<TableError>> {
                let mut v = parse::<T>(t)?;
                let n = v.len();
                into.append(&mut v);
                Ok(n)
            }
            $(
                if register == <$t as Template>::NAME {
                    return go(table, &mut data.$field);
                }
            )*
            Err(vec![TableError::file(
                &table.file,
                format!(
                    "okänt register \"{register}\". Välj ett av: {}.",
                    REGISTERS.join(", ")
                ),
            )])
        }
    };
}

crate::for_each_register!(register_functions);
