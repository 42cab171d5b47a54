//! The command line in Swedish. clap writes its help and its errors in English; this module
//! gives every command a Swedish help layout (usage line, headings, the help and version
//! flags, defaults, possible values, value names) and renders clap's errors itself from their
//! kind and context, with the offending value and a hint, keeping clap's exit codes (2 for a
//! usage error, 0 for help and version).

use clap::builder::PossibleValue;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};
use delar_core::Amount;
use delar_forecast::Method;
use std::ffi::OsString;
use std::fmt;

/// The help layout: clap's default one with the Swedish word for the usage heading.
const TEMPLATE: &str =
    "{before-help}{about-with-newline}\nAnvändning: {usage}\n\n{all-args}{after-help}";

/// Heading of positional arguments in help.
pub const ARGUMENT_HEADING: &str = "Argument";
/// Heading of flags and options in help.
pub const FLAG_HEADING: &str = "Flaggor";
/// Heading of subcommands in help.
pub const COMMAND_HEADING: &str = "Kommandon";

/// Swedish value names (`--round <OMGÅNG>`) by argument id, for arguments that do not name
/// their value themselves (`value_name = …`).
const VALUE_NAMES: &[(&str, &str)] = &[
    ("amount", "BELOPP"),
    ("av", "NAMN"),
    ("by", "INDELNING"),
    ("comment", "TEXT"),
    ("db", "FIL"),
    ("definition", "FIL"),
    ("dir", "KATALOG"),
    ("djup", "ANTAL"),
    ("fil", "FIL"),
    ("file", "FIL"),
    ("files", "FIL"),
    ("format", "FORMAT"),
    ("from", "OMGÅNG"),
    ("grain", "NIVÅ"),
    ("high", "BELOPP"),
    ("kind", "TYP"),
    ("kod", "KOD"),
    ("kommando", "KOMMANDO"),
    ("kontogrupper", "FIL"),
    ("line", "RAD"),
    ("log", "OMGÅNG"),
    ("low", "BELOPP"),
    ("mappning", "FIL"),
    ("method", "METOD"),
    ("month", "ÅÅÅÅ-MM"),
    ("motivering", "TEXT"),
    ("motpart_dim", "DIMENSION"),
    ("node", "NOD"),
    ("nyckel", "NYCKEL"),
    ("object", "DIM:KOD"),
    ("out", "KATALOG"),
    ("part", "DEL"),
    ("remove", "NUMMER"),
    ("round", "OMGÅNG"),
    ("scale", "SKALA"),
    ("seed", "FRÖ"),
    ("serie", "SERIE"),
    ("size", "STORLEK"),
    ("skala", "SKALA"),
    ("skriv_definition", "FIL"),
    ("source", "KÄLLA"),
    ("status", "BEDÖMNING"),
    ("text", "TEXT"),
    ("through", "ÅÅÅÅ-MM"),
    ("to", "OMGÅNG"),
    ("units", "ANTAL"),
    ("user", "NAMN"),
    ("year", "ÅR"),
];

/// The flags whose value is an amount in kronor (for the hint on an unquoted amount).
const AMOUNT_FLAGS: &[&str] = &["--amount", "--low", "--high"];

/// An error message in Swedish from one of our own value parsers (shown as it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SvError(pub String);

impl fmt::Display for SvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SvError {}

/// Parse an amount in kronor as written on the command line: `12500000`, `"12 500 000"`,
/// `"12 500 000,50"`, `"-1 200"`, `"−1 200"` (spaces, also non-breaking, between thousands;
/// decimal comma or point; hyphen or real minus sign).
pub fn amount(s: &str) -> Result<Amount, SvError> {
    Amount::parse_swedish(s).map_err(|e| SvError(e.to_string()))
}

/// The forecast methods a person can choose on the command line (`--method`): every method
/// code but `manuell` (a manual amount is given with `--amount`), each with its Swedish name;
/// the old code `volym_pris` is accepted too.
pub fn method() -> impl clap::builder::TypedValueParser<Value = Method> {
    let values = Method::ALL
        .into_iter()
        .filter(|m| *m != Method::Manual)
        .map(|m| {
            let v = PossibleValue::new(m.code()).help(m.name());
            if m == Method::VolumePrice {
                v.alias("volym_pris")
            } else {
                v
            }
        });
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(values)
        .map(|s: String| Method::from_code(&s).expect("a possible value is a method code"))
}

/// The command tree in Swedish: every command gets the Swedish help layout, its own
/// `-h/--help` (and the root `-V/--version`) with Swedish descriptions, Swedish value names,
/// defaults and possible values written by us, no automatic `help` subcommand, and a usage
/// line without clap's `[OPTIONS]`. The tree is built (bin names set), ready to parse.
pub fn localise(root: Command) -> Command {
    let root = root.disable_version_flag(true).arg(
        Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help("Visa versionen"),
    );
    let mut root = swedish(root);
    root.build();
    set_usage(&mut root);
    root
}

/// Swedish help for one command and, recursively, its subcommands.
fn swedish(cmd: Command) -> Command {
    let cmd = cmd
        .help_template(TEMPLATE)
        .subcommand_help_heading(COMMAND_HEADING)
        .subcommand_value_name("KOMMANDO")
        .disable_help_subcommand(true)
        // A missing subcommand is an error we render, not the help on standard error.
        .arg_required_else_help(false)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("Visa hjälpen (-h kort, --help utförlig)"),
        )
        .mut_args(swedish_arg);
    cmd.mut_subcommands(swedish)
}

/// Heading, value name, default and possible values of one argument, in Swedish.
fn swedish_arg(arg: Arg) -> Arg {
    let heading = if arg.is_positional() {
        ARGUMENT_HEADING
    } else {
        FLAG_HEADING
    };
    let mut arg = arg.help_heading(heading);
    if !arg.get_action().takes_values() {
        return arg;
    }
    let id = arg.get_id().as_str().to_string();
    let default_name = id.to_uppercase();
    let named = arg
        .get_value_names()
        .is_some_and(|v| v.iter().any(|n| n.as_str() != default_name));
    if !named {
        if let Some((_, name)) = VALUE_NAMES.iter().find(|(k, _)| *k == id) {
            arg = arg.value_name(*name);
        }
    }
    let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
    let long = arg.get_long_help().map(|h| h.to_string());
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    let values: Vec<PossibleValue> = if arg.is_hide_possible_values_set() {
        Vec::new()
    } else {
        arg.get_possible_values()
            .into_iter()
            .filter(|v| !v.is_hide_set())
            .collect()
    };
    let mut short = help.clone();
    let mut full = long.unwrap_or_else(|| help.clone());
    if !values.is_empty() {
        let names: Vec<&str> = values.iter().map(|v| v.get_name()).collect();
        short.push_str(&format!(" [möjliga värden: {}]", names.join(", ")));
        let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        full.push_str("\n\nMöjliga värden:");
        for v in &values {
            match v.get_help() {
                Some(h) => full.push_str(&format!(
                    "\n  - {:<width$}  {}",
                    v.get_name(),
                    h.to_string().trim_end_matches('.')
                )),
                None => full.push_str(&format!("\n  - {}", v.get_name())),
            }
        }
        arg = arg.hide_possible_values(true);
    }
    if !defaults.is_empty() && !arg.is_hide_default_value_set() {
        let d = format!("[standard: {}]", defaults.join(","));
        short.push_str(&format!(" {d}"));
        full.push_str(&format!("\n\n{d}"));
        arg = arg.hide_default_value(true);
    }
    arg = arg.help(short.clone());
    if full != short {
        arg = arg.long_help(full);
    }
    arg
}

/// Every command's usage line as clap writes it, with `[FLAGGOR]` for `[OPTIONS]`.
fn set_usage(cmd: &mut Command) {
    let usage = cmd.render_usage().to_string();
    let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage);
    let usage = usage.replace("[OPTIONS]", "[FLAGGOR]");
    *cmd = std::mem::take(cmd).override_usage(usage);
    for sub in cmd.get_subcommands_mut() {
        set_usage(sub);
    }
}

/// The subcommand of `root` at `path` (names after the program's), if there is one.
pub fn find<'a>(root: &'a Command, path: &[String]) -> Option<&'a Command> {
    let mut c = root;
    for name in path {
        c = c.find_subcommand(name)?;
    }
    Some(c)
}

/// Print help or version (standard output, exit code 0) or our Swedish rendering of a usage
/// error (standard error, clap's exit code 2).
pub fn exit(err: &clap::Error, root: &Command, args: &[OsString]) -> std::process::ExitCode {
    let code = err.exit_code().clamp(0, 255) as u8;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
        }
        _ => eprint!("{}", render_error(err, root, args)),
    }
    std::process::ExitCode::from(code)
}

fn string(err: &clap::Error, kind: ContextKind) -> Option<String> {
    match err.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => v.first().cloned(),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        _ => None,
    }
}

fn strings(err: &clap::Error, kind: ContextKind) -> Vec<String> {
    match err.get(kind) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::StyledStrs(v)) => v.iter().map(|s| s.to_string()).collect(),
        _ => Vec::new(),
    }
}

fn number(err: &clap::Error, kind: ContextKind) -> Option<isize> {
    match err.get(kind) {
        Some(ContextValue::Number(n)) => Some(*n),
        _ => None,
    }
}

/// `a, b och c`.
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} och {last}", init.join(", ")),
    }
}

/// The names of the visible subcommands of `cmd`.
fn subcommand_names(cmd: &Command) -> Vec<String> {
    cmd.get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_name().to_string())
        .collect()
}

/// The error in Swedish: what is wrong (with the value), the usage line of the command, and
/// where to read more.
pub fn render_error(err: &clap::Error, root: &Command, args: &[OsString]) -> String {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    // The command the error is about: the subcommands named on the command line.
    let program = root.get_name().to_string();
    let mut path: Vec<String> = Vec::new();
    let mut cmd = root;
    for a in args.iter().skip(1) {
        match cmd.find_subcommand(a) {
            Some(c) => {
                path.push(c.get_name().to_string());
                cmd = c;
            }
            None => break,
        }
    }
    let usage = cmd.clone().render_usage().to_string();
    let usage = usage
        .trim()
        .strip_prefix("Usage:")
        .unwrap_or(&usage)
        .trim()
        .to_string();
    let name = std::iter::once(program.clone())
        .chain(path.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    let arg = string(err, ContextKind::InvalidArg).unwrap_or_default();
    let value = string(err, ContextKind::InvalidValue).unwrap_or_default();
    let mut lines: Vec<String> = Vec::new();
    let message = match err.kind() {
        ErrorKind::UnknownArgument => match unquoted_amount(&args, &arg) {
            Some((flag, quoted)) => format!(
                "\"{arg}\" hör till beloppet till {flag}: ett belopp med mellanslag måste stå \
                 inom citattecken, annars blir varje del ett eget argument; skriv {flag} \
                 \"{quoted}\""
            ),
            None if arg.starts_with('-') => {
                format!("okänd flagga \"{arg}\" för {name}")
            }
            None => format!("oväntat argument \"{arg}\" för {name}"),
        },
        ErrorKind::InvalidSubcommand => {
            let sub = string(err, ContextKind::InvalidSubcommand).unwrap_or_default();
            let names = subcommand_names(cmd);
            if !names.is_empty() {
                lines.push(format!("Kommandon: {}.", names.join(", ")));
            }
            format!("okänt kommando \"{sub}\" för {name}")
        }
        ErrorKind::MissingSubcommand => {
            let names = subcommand_names(cmd);
            format!("{name} behöver ett kommando: {}", names.join(", "))
        }
        ErrorKind::MissingRequiredArgument => {
            let missing = strings(err, ContextKind::InvalidArg);
            let noun = if missing.len() == 1 {
                "ett obligatoriskt argument saknas"
            } else {
                "obligatoriska argument saknas"
            };
            format!("{noun} för {name}: {}", list(&missing))
        }
        ErrorKind::InvalidValue if value.is_empty() => {
            format!("{arg} behöver ett värde")
        }
        ErrorKind::InvalidValue => {
            let valid = strings(err, ContextKind::ValidValue);
            let mut m = format!("ogiltigt värde \"{value}\" för {arg}");
            if !valid.is_empty() {
                m.push_str(&format!("; möjliga värden: {}", valid.join(", ")));
            }
            m
        }
        ErrorKind::ValueValidation => {
            use std::error::Error as _;
            let source = err.source();
            match source.and_then(|s| s.downcast_ref::<SvError>()) {
                Some(sv) => format!("ogiltigt värde för {arg}: {sv}"),
                None => format!(
                    "ogiltigt värde \"{value}\" för {arg}: {}",
                    reason(source.map(|s| s.to_string()), source)
                ),
            }
        }
        ErrorKind::ArgumentConflict => {
            let prior = strings(err, ContextKind::PriorArg);
            if prior.is_empty() || prior == [arg.clone()] {
                if prior.is_empty() {
                    format!("{arg} kan inte användas tillsammans med de andra argumenten")
                } else {
                    format!("{arg} får bara anges en gång")
                }
            } else {
                format!(
                    "{arg} kan inte användas tillsammans med {}; välj ett av dem",
                    list(&prior)
                )
            }
        }
        ErrorKind::TooManyValues => {
            format!("oväntat värde \"{value}\" för {arg}; fler värden får inte anges")
        }
        ErrorKind::TooFewValues => format!(
            "{arg} behöver minst {} värden men fick {}",
            number(err, ContextKind::MinValues).unwrap_or(0),
            number(err, ContextKind::ActualNumValues).unwrap_or(0)
        ),
        ErrorKind::WrongNumberOfValues => format!(
            "{arg} behöver {} värden men fick {}",
            number(err, ContextKind::ExpectedNumValues).unwrap_or(0),
            number(err, ContextKind::ActualNumValues).unwrap_or(0)
        ),
        ErrorKind::NoEquals => format!("{arg} måste skrivas med likhetstecken: {arg}=VÄRDE"),
        ErrorKind::InvalidUtf8 => "ett argument är inte giltig text (UTF-8)".to_string(),
        ErrorKind::Io | ErrorKind::Format => "kunde inte skriva hjälptexten".to_string(),
        _ => format!("felaktigt kommando för {name}"),
    };
    let mut suggestions: Vec<String> = Vec::new();
    for (kind, what) in [
        (ContextKind::SuggestedSubcommand, "kommandot"),
        (ContextKind::SuggestedArg, "flaggan"),
        (ContextKind::SuggestedValue, "värdet"),
    ] {
        let found: Vec<String> = strings(err, kind)
            .iter()
            .map(|s| format!("\"{s}\""))
            .collect();
        if !found.is_empty() {
            suggestions.push(format!("{what} {}", found.join(" eller ")));
        }
    }
    if !suggestions.is_empty() {
        lines.insert(0, format!("Menade du {}?", suggestions.join(" eller ")));
    }
    if err.kind() == ErrorKind::UnknownArgument
        && arg.starts_with('-')
        && arg.len() > 1
        && suggestions.is_empty()
        && cmd.get_positionals().next().is_some()
    {
        lines.push(format!(
            "Om \"{arg}\" är ett värde och inte en flagga: skriv det efter -- (till exempel \
             {name} -- {arg})."
        ));
    }
    let mut out = format!("{program}: {message}\n");
    for l in lines {
        out.push_str(&format!("  {l}\n"));
    }
    out.push_str(&format!("\nAnvändning: {usage}\n"));
    out.push_str(&format!(
        "Skriv `{name} --help` för att se hur kommandot används.\n"
    ));
    out
}

/// Why a value clap parsed (a number) is invalid, in Swedish; never clap's English text.
fn reason(text: Option<String>, source: Option<&(dyn std::error::Error + 'static)>) -> String {
    use std::num::IntErrorKind;
    if let Some(e) = source.and_then(|s| s.downcast_ref::<std::num::ParseIntError>()) {
        return match e.kind() {
            IntErrorKind::Empty => "värdet är tomt; ett heltal väntas".into(),
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => {
                "talet är för stort eller för litet".into()
            }
            _ => "ett heltal väntas (bara siffror, till exempel 2025)".into(),
        };
    }
    match text {
        Some(t) if t.contains("is not in") => {
            "talet ligger utanför det tillåtna intervallet".into()
        }
        _ => "värdet kan inte tolkas".into(),
    }
}

/// When `stray` is a later word of an amount written without quotes (`--amount 12 500 000`,
/// where the shell makes `500` and `000` words of their own): the flag and the amount as it
/// should be written.
fn unquoted_amount(args: &[String], stray: &str) -> Option<(String, String)> {
    let digits = |t: &str| {
        t.starts_with(|c: char| c.is_ascii_digit())
            && t.chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    };
    for (i, a) in args.iter().enumerate() {
        let (flag, first, rest) = match a.split_once('=') {
            Some((f, v)) if AMOUNT_FLAGS.contains(&f) => (f, v.to_string(), i + 1),
            _ if AMOUNT_FLAGS.contains(&a.as_str()) => match args.get(i + 1) {
                Some(v) => (a.as_str(), v.clone(), i + 2),
                None => continue,
            },
            _ => continue,
        };
        let parts: Vec<&String> = args[rest.min(args.len())..]
            .iter()
            .take_while(|t| digits(t))
            .collect();
        if parts.iter().any(|p| *p == stray) {
            let mut quoted = first;
            for p in parts {
                quoted.push(' ');
                quoted.push_str(p);
            }
            return Some((flag.to_string(), quoted));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &[&str]) -> Vec<String> {
        s.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn an_unquoted_amount_is_found_and_quoted() {
        let args = words(&[
            "delar",
            "forecast",
            "set",
            "SN42:x",
            "--amount",
            "12",
            "500",
            "000",
            "--comment",
            "y",
        ]);
        assert_eq!(
            unquoted_amount(&args, "500"),
            Some(("--amount".into(), "12 500 000".into()))
        );
        let args = words(&["delar", "forecast", "adjust", "L", "--low=-1", "200,50"]);
        assert_eq!(
            unquoted_amount(&args, "200,50"),
            Some(("--low".into(), "-1 200,50".into()))
        );
        // A stray word that is not part of an amount.
        let args = words(&["delar", "forecast", "set", "L", "M", "--amount", "12"]);
        assert_eq!(unquoted_amount(&args, "M"), None);
    }

    #[test]
    fn amounts_on_the_command_line() {
        let kr = |k: i64| Amount::from_ore(k * 100);
        assert_eq!(amount("12 500 000"), Ok(kr(12_500_000)));
        assert_eq!(amount("12500000"), Ok(kr(12_500_000)));
        assert_eq!(amount("12 500 000,50"), Ok(Amount::from_ore(1_250_000_050)));
        assert_eq!(amount("-1 200"), Ok(kr(-1200)));
        assert_eq!(amount("\u{2212}1 200"), Ok(kr(-1200)));
        assert_eq!(amount("1\u{a0}200"), Ok(kr(1200)));
        let e = amount("12,5,0").unwrap_err();
        assert!(e.0.contains("\"12,5,0\" är inget belopp"), "{e}");
    }

    proptest::proptest! {
        /// Any amount written the Swedish way (with spaces or none, hyphen or real minus,
        /// decimal comma) reads back as itself.
        #[test]
        fn written_amounts_read_back(ore in -100_000_000_000_000i64..100_000_000_000_000,
                                     spaces in 0usize..3, real_minus: bool) {
            let a = Amount::from_ore(ore);
            let sep = [' ', '\u{a0}', '\u{202f}'][spaces];
            let mut s = delar_core::money::format_scaled(ore, 2, sep);
            if !real_minus {
                s = s.replace('\u{2212}', "-");
            }
            proptest::prop_assert_eq!(amount(&s), Ok(a));
            let plain = s.replace([' ', '\u{a0}', '\u{202f}'], "");
            proptest::prop_assert_eq!(amount(&plain), Ok(a));
        }
    }
}
