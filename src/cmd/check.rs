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
