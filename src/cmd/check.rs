//! `handbill check`: validate statements and layouts, print warnings, write
//! nothing.
//!
//! A statement is parsed and laid out with the default layout, so overflow
//! and missing-glyph warnings show before anyone prints. A layout is
//! validated, its fonts are looked up, and a short sample is laid out with it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use handbill::fonts::{self, FontBook, FontSearch};
use handbill::spec::LayoutSpec;
use handbill::{spec, Error, Vars, Warning};

use super::{load_book, report};

/// Runs `handbill check`.
pub fn check(
    files: &[PathBuf],
    format: Option<handbill::statement::Format>,
    fonts: &FontSearch,
) -> ExitCode {
    let (dirs, book) = match load_book(fonts) {
        Ok(b) => b,
        Err(e) => {
            report(&e);
            return ExitCode::from(1);
        }
    };
    let mut failed = 0;
    for f in files {
        let is_layout = f.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        if is_layout && is_campaign(f) {
            let (ws, errors) = check_campaign(f, &dirs, &book, format);
            for w in &ws {
                eprintln!("warning: {w}");
            }
            for e in &errors {
                report(e);
            }
            if errors.is_empty() {
                let note =
                    if ws.is_empty() { String::new() } else { format!(" ({} warnings)", ws.len()) };
                eprintln!("ok: {} (campaign){note}", f.display());
            } else {
                failed += 1;
            }
            continue;
        }
        let result = if is_layout {
            check_layout(f, &dirs, &book)
        } else {
            handbill::check_statement(f, &book, format)
        };
        match result {
            Ok(ws) => {
                for w in &ws {
                    eprintln!("warning: {w}");
                }
                let note =
                    if ws.is_empty() { String::new() } else { format!(" ({} warnings)", ws.len()) };
                eprintln!("ok: {}{note}", f.display());
            }
            Err(e) => {
                report(&e);
                failed += 1;
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {} files have errors", files.len());
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Validates a layout, finds its fonts and lays out a sample with it.
/// `search` is where `book` was loaded from.
fn check_layout(path: &Path, search: &FontSearch, book: &FontBook) -> Result<Vec<Warning>, Error> {
    if !path.is_file() {
        return Err(Error::file(path, "layout file not found", "check the path and spelling"));
    }
    let sp = spec::load(&path.to_string_lossy(), &[])?;
    let families: Vec<&str> = sp.families().into_iter().map(|(_, f)| f).collect();
    let book = fonts::for_layout(book, search, &families, &sp.font_dirs)?;
    sp.check_fonts(&book, spec::FontCheck::All)?;
    // Placeholders get sample values so the layout can be tried without a campaign.
    let vars = sample_vars(&sp);
    handbill::try_layout(&sp, &book, &vars)
}

/// Gives every `{event.KEY}` used in the layout a sample value.
fn sample_vars(sp: &LayoutSpec) -> Vars {
    let mut vars = Vars::new();
    for text in [&sp.masthead.kicker, &sp.footer.text, &sp.footer.link] {
        for ph in handbill::vars::placeholders(text) {
            if let Some(key) = ph.key().strip_prefix("event.") {
                vars.insert(key.to_string(), format!("sample {key}"));
            }
        }
    }
    vars
}

/// Whether a `.toml` file is a campaign (it lists `statements` or has
/// `[[event]]` tables), not a layout. A file that cannot be read or parsed
/// is left to the layout check, whose messages say why.
fn is_campaign(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else { return false };
    let Ok(table) = text.parse::<toml::Table>() else { return false };
    table.contains_key("statements") || table.contains_key("event")
}

/// Checks a campaign whole: its statements are found and read, its layouts
/// (with the campaign's `set`) are valid and their fonts exist, every
/// event fills every placeholder of every layout, and each layout sets a
/// sample. Returns the warnings and every error found, not just the first.
fn check_campaign(
    path: &Path,
    search: &FontSearch,
    book: &FontBook,
    format: Option<handbill::statement::Format>,
) -> (Vec<Warning>, Vec<Error>) {
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let campaign = match handbill::campaign::load(path) {
        Ok(c) => c,
        Err(e) => return (warnings, vec![e]),
    };
    let mut statements = Vec::new();
    for file in &campaign.statements {
        match handbill::statement::load_as(file, format) {
            Ok(st) => {
                warnings.extend(st.warnings.iter().cloned());
                statements.push(st);
            }
            Err(e) => errors.push(e),
        }
    }
    let events: Vec<Vars> = if campaign.events.is_empty() {
        vec![Vars::new()]
    } else {
        campaign.events.iter().map(|e| e.vars.clone()).collect()
    };
    for name in &campaign.layouts {
        let sp = match spec::load(name, &campaign.set) {
            Ok(sp) => sp,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let families: Vec<&str> = sp.families().into_iter().map(|(_, f)| f).collect();
        let fonts = fonts::for_layout(book, search, &families, &sp.font_dirs)
            .and_then(|b| sp.check_fonts(&b, spec::FontCheck::All).map(|()| b));
        let layout_book = match fonts {
            Ok(b) => b,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        // Every event fills every placeholder, with every statement (whose
        // contact may be what the footer prints).
        let mut filled = true;
        for (i, vars) in events.iter().enumerate() {
            for st in &statements {
                if let Err(mut e) = handbill::vars::for_job(&sp, &[st], vars) {
                    if let Some(ev) = campaign.events.get(i) {
                        e.message = format!("event `{}`: {}", ev.id, e.message);
                    }
                    errors.push(e);
                    filled = false;
                    break;
                }
            }
        }
        if filled {
            match handbill::try_layout(&sp, &layout_book, &events[0]) {
                Ok(ws) => warnings.extend(ws),
                Err(e) => errors.push(e),
            }
        }
    }
    (warnings, errors)
}
