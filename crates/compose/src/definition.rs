//! The report definition: which sections and tables appear in which order, the unit, the
//! sign convention and thresholds. A TOML file with Swedish keys (the people who edit it are
//! controllers); docs/REPORTS.md documents it. [`DEFAULT_DEFINITION`] is the usual Swedish
//! structure.

use delar_core::Unit;
use serde::Deserialize;
use std::fmt;

/// The default definition (förslag till beslut, bedömning och analys, händelser, förväntad
/// utveckling, ekonomi, mål, volymer, personal, investeringar, fem år i sammandrag).
pub const DEFAULT_DEFINITION: &str = include_str!("default-definition.toml");

/// The built-in definition of a committee's own report (an appendix of the programme
/// report): proposal, analysis and the committee's economy.
pub const COMMITTEE_DEFINITION: &str = include_str!("namnd-definition.toml");

/// A report definition.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    /// Title; default the round's name (`Delårsrapport 2 2025`).
    pub titel: Option<String>,
    /// Subtitle; default the name of the organisation's root.
    pub undertitel: Option<String>,
    /// Unit of amounts in tables and text.
    #[serde(default = "default_unit")]
    pub enhet: Unit,
    /// Decimals of amounts.
    #[serde(default = "default_decimals")]
    pub decimaler: u8,
    /// Sign convention of every economic table.
    #[serde(default)]
    pub teckenkonvention: SignConvention,
    /// A committee or kontogrupp whose forecast deviation is at least this many units (in
    /// `enhet`) gets a drafted paragraph in the analysis.
    #[serde(default = "default_threshold")]
    pub troskel: f64,
    /// How last year's figures are compared when units have moved between committees.
    #[serde(default)]
    pub jamforelse: Comparison,
    /// The report's date (`ÅÅÅÅ-MM-DD`); default the last day of the month after the cut-off.
    pub datum: Option<String>,
    /// The sections in order.
    #[serde(default)]
    pub avsnitt: Vec<SectionDef>,
    /// Committees' own reports written with this one (`[[bilaga]]`), in order.
    #[serde(default)]
    pub bilaga: Vec<AppendixDef>,
    /// `"namnder"`: also a report for every operating committee (nämnd) in the organisation
    /// at the cut-off that has no `[[bilaga]]` of its own, with the built-in committee
    /// definition.
    pub bilagor: Option<String>,
    /// The formal layer: who decides, when, and where the report goes (`[beslut]`).
    #[serde(default)]
    pub beslut: Decision,
    /// The house style (`[stil]`): logo, colours, font, the municipality's name.
    pub stil: Option<StyleDef>,
}

/// The house style of a definition (`[stil]`): every renderer uses it (the PDF's cover and
/// headings, the Word styles, the HTML's CSS, the Excel header fill).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleDef {
    /// The logo: a PNG or SVG file, relative to the definition's file.
    pub logotyp: Option<String>,
    /// Primary colour (headings, table headers), `#RRGGBB`.
    pub farg: Option<String>,
    /// Accent colour (rules, marks), `#RRGGBB`.
    pub accentfarg: Option<String>,
    /// Font family of text and headings (falls back to the embedded fonts).
    pub typsnitt: Option<String>,
    /// The municipality's name on the cover and in the running header.
    pub kommun: Option<String>,
    /// The logo's image, read by [`StyleDef::set_logo`] from `logotyp`.
    #[serde(skip)]
    pub logo: Option<delar_report::Logo>,
}

impl StyleDef {
    /// Check the colours and the font name; the message names the key and what to write.
    pub fn check(&self) -> Result<(), String> {
        for (key, v) in [("farg", &self.farg), ("accentfarg", &self.accentfarg)] {
            if let Some(v) = v {
                if delar_report::parse_colour(v).is_none() {
                    return Err(format!(
                        "{key} = \"{v}\" är ingen färg; skriv den som #RRGGBB, t.ex. \"#1F4E79\""
                    ));
                }
            }
        }
        if let Some(f) = &self.typsnitt {
            if f.trim().is_empty()
                || !f
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
            {
                return Err(format!(
                    "typsnitt = \"{f}\" är inget typsnittsnamn; skriv bara namnet, t.ex. \"Source Sans 3\""
                ));
            }
        }
        if self.logotyp.as_deref().is_some_and(|l| l.trim().is_empty()) {
            return Err(
                "logotyp är tom; ange en PNG- eller SVG-fil, relativ till definitionen \
                        (t.ex. logotyp = \"logotyp.svg\"), eller ta bort raden"
                    .into(),
            );
        }
        Ok(())
    }

    /// Take the logo file's bytes (`file` as named in messages); an error when they are
    /// neither PNG nor SVG.
    pub fn set_logo(&mut self, bytes: Vec<u8>, file: &str) -> Result<(), String> {
        self.logo = Some(delar_report::Logo::from_bytes(bytes).ok_or_else(|| {
            format!(
                "logotyp = \"{file}\" är varken en PNG- eller en SVG-bild; spara logotypen som \
                 .png eller .svg och ange den filen"
            )
        })?);
        Ok(())
    }

    /// The style the report model carries.
    pub fn house_style(&self) -> delar_report::HouseStyle {
        delar_report::HouseStyle {
            logo: self.logo.clone(),
            primary: self.farg.as_ref().map(|c| c.trim().to_uppercase()),
            accent: self.accentfarg.as_ref().map(|c| c.trim().to_uppercase()),
            font: self.typsnitt.as_ref().map(|f| f.trim().to_string()),
        }
    }
}

/// The formal layer of a committee document (`[beslut]` in a definition; `delar report
/// --dnr/--paragraf/--sammantrade` for the main report).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The deciding body (beslutande organ); default the programme committee, or in a
    /// committee's own report the committee.
    pub organ: Option<String>,
    /// The meeting's date (sammanträde), `ÅÅÅÅ-MM-DD`.
    pub sammantrade: Option<String>,
    /// The paragraph of the minutes (`§ 132` or `132`).
    pub paragraf: Option<String>,
    /// The diary number (diarienummer, `SN 2025/123`).
    pub dnr: Option<String>,
    /// Who the report is forwarded to for further handling; default Kommunstyrelsen.
    pub mottagare: Option<String>,
    /// The officer (handläggare) named in the officer's report (tjänsteskrivelse).
    pub handlaggare: Option<String>,
    /// Whom the decision is sent to besides the recipient and the committees (expedieras
    /// till), e.g. `["Ekonomiavdelningen", "Revisorerna"]`.
    #[serde(default)]
    pub expedieras: Vec<String>,
}

impl Decision {
    /// Check the fields that have a form: the meeting is a date.
    pub fn check(&self) -> Result<(), String> {
        if let Some(d) = &self.sammantrade {
            delar_core::Date::parse(d).map_err(|_| {
                format!(
                    "sammanträdesdagen \"{d}\" är inget datum; skriv ÅÅÅÅ-MM-DD, t.ex. 2025-09-18"
                )
            })?;
        }
        Ok(())
    }

    /// `§ 132` from `132` or `§ 132`.
    pub fn paragraph(&self) -> Option<String> {
        let p = self
            .paragraf
            .as_deref()?
            .trim()
            .trim_start_matches('§')
            .trim();
        (!p.is_empty()).then(|| format!("§\u{a0}{p}"))
    }
}

/// A committee's own report, written in the same run as the programme report
/// (`delarsrapport-2025-P2-SN.pdf`) and checked with it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppendixDef {
    /// The committee's organisation code (`SN`); its subtree is the appendix's organisation.
    pub nod: String,
    /// The appendix's report definition (a path, relative to this definition's file); default
    /// the built-in committee definition [`COMMITTEE_DEFINITION`].
    pub definition: Option<String>,
}

fn default_unit() -> Unit {
    Unit::Mnkr
}
fn default_decimals() -> u8 {
    1
}
fn default_threshold() -> f64 {
    1.0
}
fn yes() -> bool {
    true
}

/// How amounts are signed in the tables (PRIMER §3). Whatever the convention, a positive
/// deviation is favourable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignConvention {
    /// Net cost positive, revenues negative (Örebro); deviation = budget − forecast.
    #[default]
    NettokostnadPositiv,
    /// Costs negative, revenues positive (Botkyrka); deviation = forecast − budget.
    KostnaderNegativa,
}

impl SignConvention {
    /// The factor from ledger sign to shown sign.
    pub fn factor(self) -> i64 {
        match self {
            SignConvention::NettokostnadPositiv => 1,
            SignConvention::KostnaderNegativa => -1,
        }
    }

    /// How amounts are signed, the first sentence of every economic table's sign note.
    pub fn amounts(self) -> &'static str {
        match self {
            SignConvention::NettokostnadPositiv => {
                "Kostnader anges positiva och intäkter negativa."
            }
            SignConvention::KostnaderNegativa => {
                "Kostnader anges med minustecken och intäkter positiva."
            }
        }
    }

    /// `a − b` of two shown amounts where a positive result is favourable (a surplus): for
    /// costs shown positive, `a` is the budget side (`budget`, `prognos 1`).
    pub fn favourable(self, budget_side: &str, actual_side: &str) -> String {
        match self {
            SignConvention::NettokostnadPositiv => format!("{budget_side} − {actual_side}"),
            SignConvention::KostnaderNegativa => format!("{actual_side} − {budget_side}"),
        }
    }

    /// What a higher shown amount means for the net cost.
    pub fn higher_means(self) -> &'static str {
        match self {
            SignConvention::NettokostnadPositiv => "högre nettokostnad",
            SignConvention::KostnaderNegativa => "lägre nettokostnad",
        }
    }

    /// The sentence printed under an economic table with the one deviation budget − forecast
    /// (R5); tables built from columns generate theirs ([`crate::economy::Ctx::sign_note`]).
    pub fn note(self) -> &'static str {
        match self {
            SignConvention::NettokostnadPositiv => {
                "Kostnader anges positiva och intäkter negativa. Avvikelse = budget − prognos; \
                 positiv avvikelse är ett överskott."
            }
            SignConvention::KostnaderNegativa => {
                "Kostnader anges med minustecken och intäkter positiva. Avvikelse = prognos − \
                 budget; positiv avvikelse är ett överskott."
            }
        }
    }
}

/// Comparison with last year when the organisation changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Comparison {
    /// Restate last year to this year's organisation (a moved unit counts under its new
    /// committee both years).
    #[default]
    Omraknad,
    /// Keep last year as it was booked and mark the committees concerned as not comparable.
    EjJamforbar,
}

/// A section of the definition.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionDef {
    /// Stable id (anchor); default made from the heading.
    pub id: Option<String>,
    /// The heading.
    pub rubrik: String,
    /// Whether the heading is numbered.
    #[serde(default = "yes")]
    pub numrerad: bool,
    /// The content, in order.
    #[serde(default)]
    pub innehall: Vec<Content>,
    /// Subsections.
    #[serde(default)]
    pub avsnitt: Vec<SectionDef>,
}

/// One piece of content. `typ` names it; the other keys are its options.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "typ", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Content {
    /// Text written in the definition (Markdown: paragraphs, `- ` lists, `**fet**`, `*kursiv*`)
    /// with bound figures `{tabell.rad.kolumn}` (`|abs` drops the sign) and `{omgang}`,
    /// `{period}`, `{ar}`.
    Text {
        /// The text.
        text: String,
    },
    /// The proposal for decision, drafted from the deviations.
    Forslag,
    /// The analysis drafted from forecast deviations, comments and adjustments.
    Analys,
    /// Expected development (förväntad utveckling) drafted from the population forecast, the
    /// volume series' trends and the queues.
    Utveckling,
    /// Operating statement per committee, full year (`drift`).
    Driftsammandrag,
    /// Outcome to date per committee against periodised budget (`ackumulerat`).
    Ackumulerat,
    /// Full year per activity code (`verksamhet`).
    Verksamhet,
    /// Kontogrupp table of one node (`kontogrupper-NOD`); default the root.
    Kontogrupper {
        /// Organisation code.
        nod: Option<String>,
    },
    /// One subsection per committee with its kontogrupp table and cumulative chart.
    Namnder,
    /// Bridge from the previous round per committee (`brygga`).
    Brygga,
    /// Forecast accuracy history per committee (`prognossakerhet`).
    Prognossakerhet,
    /// A provider committee's assignment revenue per purchaser (`uppdragsintakter`).
    Uppdragsintakter,
    /// The action plan when the root is in deficit (`atgardsplan`): per area in deficit its
    /// drivers, the registered measures and their effect, and the follow-up.
    Atgardsplan,
    /// Volume × unit price per series pair of a category (`volympris-KATEGORI`), the change
    /// split into volume and price.
    Volympris {
        /// Category of the volume series (`Externa placeringar barn`); default all.
        kategori: Option<String>,
    },
    /// Goal chapter: per goal area the goals with analysis, indicator tables and status.
    Mal,
    /// Summary of positive observations and areas for improvement, from the goal chapter.
    Sammanfattning,
    /// Commitments checklist.
    Atagande,
    /// Strategic assignments.
    Uppdrag,
    /// Efficiency measures.
    Effektiviseringar,
    /// Investments.
    Investeringar,
    /// Staff.
    Personal,
    /// Volumes with charts (`serier`: the series charted, default the first stock series).
    Volymer {
        /// Series codes to chart.
        serier: Option<Vec<String>>,
    },
    /// Events of significance.
    Handelser,
    /// Cost comparison with similar municipalities.
    Jamforelse,
    /// Targeted state grants: amount, use to date, forecast use, what is left (`statsbidrag`).
    Statsbidrag,
    /// Decisions not carried out and waiting times (`koer`).
    Koer,
    /// Population by age band with the change from the year before (`befolkning`).
    Befolkning,
    /// Five years in summary.
    FemAr,
    /// Special effects per committee, results including and excluding them (`sarskilda`).
    SarskildaPoster,
    /// Chart: forecast deviation per committee.
    DiagramAvvikelse,
    /// Chart: cumulative outcome and forecast against periodised budget; default the root.
    DiagramAckumulerat {
        /// Organisation code.
        nod: Option<String>,
    },
    /// Chart: persons per day per month this year (`diagram-volym-KATEGORI`): the volume
    /// budget, the outcome to date and the forecast for the rest of the year, for one series
    /// (`serie`) or the sum of the placement series of a category (`kategori`); default all.
    DiagramVolym {
        /// Code of a volume series.
        serie: Option<String>,
        /// Category of the volume series (`Externa placeringar barn`).
        kategori: Option<String>,
    },
    /// The whole programme area as subsections: proposal, the programme committee's own
    /// lines, a table per committee, the consolidated area, intraprenader, special effects.
    Programomrade,
    /// The programme's proposal for decision (from the consolidation's special effects).
    ProgramomradeForslag,
    /// The programme committee's own lines (`egen-PN`).
    ProgramomradeProgramnamnd,
    /// One subsection per committee with its lines after eliminations (`namnd-SN`).
    ProgramomradeNamnder,
    /// The programme area per committee (`programomrade`) and its gross cost and revenue with
    /// the eliminations explained (`programomrade-brutto`).
    ProgramomradeKonsoliderat,
    /// The intraprenad equity ledger (`intraprenader`).
    ProgramomradeIntraprenader,
    /// Special effects per committee (`sarskilda-effekter`) and the deviation including and
    /// excluding them (`resultat-inkl-exkl`).
    ProgramomradeSarskilda,
}

/// An error in a definition, in Swedish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefinitionError(pub String);

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DefinitionError {}

impl Definition {
    /// Parse a definition; `name` is the file name used in messages.
    pub fn parse(text: &str, name: &str) -> Result<Definition, DefinitionError> {
        let d: Definition = toml::from_str(text).map_err(|e| {
            DefinitionError(format!(
                "rapportdefinitionen {name} kunde inte läsas: {}",
                e.to_string().trim()
            ))
        })?;
        if d.decimaler > d.enhet.max_decimals() {
            return Err(DefinitionError(format!(
                "rapportdefinitionen {name}: {} decimaler går inte i {} (högst {})",
                d.decimaler,
                d.enhet.label(),
                d.enhet.max_decimals()
            )));
        }
        if !(d.troskel >= 0.0 && d.troskel.is_finite()) {
            return Err(DefinitionError(format!(
                "rapportdefinitionen {name}: troskel måste vara ett tal ≥ 0"
            )));
        }
        if d.avsnitt.is_empty() {
            return Err(DefinitionError(format!(
                "rapportdefinitionen {name} har inga avsnitt; lägg till minst ett [[avsnitt]]"
            )));
        }
        d.beslut
            .check()
            .map_err(|e| DefinitionError(format!("rapportdefinitionen {name}, [beslut]: {e}")))?;
        if let Some(s) = &d.stil {
            s.check()
                .map_err(|e| DefinitionError(format!("rapportdefinitionen {name}, [stil]: {e}")))?;
        }
        if let Some(b) = d.bilagor.as_deref().filter(|b| *b != "namnder") {
            return Err(DefinitionError(format!(
                "rapportdefinitionen {name}: bilagor = \"{b}\" känns inte igen; skriv \
                 bilagor = \"namnder\" (en bilaga per nämnd) eller ta bort raden och ange \
                 [[bilaga]] nod = \"KOD\" för varje bilaga"
            )));
        }
        Ok(d)
    }

    /// The built-in definition of a committee's own report.
    pub fn committee_definition() -> Definition {
        Definition::parse(COMMITTEE_DEFINITION, "nämnddefinitionen")
            .expect("the committee definition parses")
    }

    /// The default definition.
    pub fn default_definition() -> Definition {
        Definition::parse(DEFAULT_DEFINITION, "standarddefinitionen")
            .expect("the default definition parses")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_parses() {
        let d = Definition::default_definition();
        assert_eq!(d.enhet, Unit::Mnkr);
        assert!(d.avsnitt.iter().any(|s| s.rubrik == "Ekonomi"));
        assert_eq!(d.avsnitt[0].rubrik, "Förslag till beslut");
        assert!(!d.avsnitt[0].numrerad);
    }

    #[test]
    fn bad_definitions_say_what_is_wrong() {
        let e = Definition::parse("enhet = \"mnkr\"\n", "r.toml").unwrap_err();
        assert!(e.0.contains("inga avsnitt"), "{e}");
        let e = Definition::parse(
            "[[avsnitt]]\nrubrik = \"Ekonomi\"\ninnehall = [{ typ = \"okänd\" }]\n",
            "r.toml",
        )
        .unwrap_err();
        assert!(e.0.contains("r.toml") && e.0.contains("okänd"), "{e}");
        let e = Definition::parse(
            "enhet = \"mnkr\"\ndecimaler = 9\n[[avsnitt]]\nrubrik = \"A\"\n",
            "r.toml",
        )
        .unwrap_err();
        assert!(e.0.contains("decimaler"), "{e}");
        let e = Definition::parse("[[avsnitt]]\nrubrk = \"A\"\n", "r.toml").unwrap_err();
        assert!(e.0.contains("rubrk"), "{e}");
    }

    const SECTION: &str = "[[avsnitt]]\nrubrik = \"A\"\n";

    #[test]
    fn the_house_style_is_read_and_checked() {
        let d = Definition::parse(
            &format!(
                "{SECTION}[stil]\nlogotyp = \"logotyp.svg\"\nfarg = \"#1d4f6e\"\n\
                 accentfarg = \"#E07B00\"\ntypsnitt = \"Source Sans 3\"\nkommun = \"Exempelkommun\"\n"
            ),
            "r.toml",
        )
        .unwrap();
        let mut stil = d.stil.unwrap();
        assert_eq!(stil.logotyp.as_deref(), Some("logotyp.svg"));
        let style = stil.house_style();
        assert_eq!(style.primary.as_deref(), Some("#1D4F6E"));
        assert_eq!(style.accent.as_deref(), Some("#E07B00"));
        assert_eq!(style.font.as_deref(), Some("Source Sans 3"));
        assert!(style.logo.is_none(), "the logo is read by the caller");
        stil.set_logo(
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(),
            "logotyp.svg",
        )
        .unwrap();
        assert!(stil.house_style().logo.is_some());
        let e = stil
            .set_logo(b"GIF89a".to_vec(), "logotyp.gif")
            .unwrap_err();
        assert!(
            e.contains("logotyp = \"logotyp.gif\"") && e.contains("PNG"),
            "{e}"
        );
    }

    #[test]
    fn a_bad_colour_or_font_names_the_file_and_key() {
        for (line, key) in [
            ("farg = \"blå\"", "farg = \"blå\""),
            ("accentfarg = \"#12345\"", "accentfarg = \"#12345\""),
            ("typsnitt = \"Arial\\\"; x\"", "typsnitt"),
            ("logotyp = \"\"", "logotyp"),
        ] {
            let e =
                Definition::parse(&format!("{SECTION}[stil]\n{line}\n"), "min.toml").unwrap_err();
            assert!(
                e.0.starts_with("rapportdefinitionen min.toml, [stil]: ") && e.0.contains(key),
                "{e}"
            );
        }
        let e = Definition::parse(
            &format!("{SECTION}[stil]\nfärg = \"#000000\"\n"),
            "min.toml",
        )
        .unwrap_err();
        assert!(e.0.contains("min.toml") && e.0.contains("färg"), "{e}");
    }
}
