//! `handbill check`: validate statements and layouts, print warnings, write
//! nothing.
//!
//! A statement is parsed and laid out with the default layout, so overflow
//! and missing-glyph warnings show before anyone prints. A layout is
//! validated, its fonts are looked up, and a short sample is laid out with it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use handbill::fonts::FontBook;
use handbill::spec::LayoutSpec;
use handbill::{spec, statement, Error, Location, Vars, Warning};

use super::{load_book, report};

/// The layout statements are checked against.
pub const DEFAULT_LAYOUT: &str = "letter-2col";

/// Runs `handbill check`.
pub fn check(files: &[PathBuf]) -> ExitCode {
    let book = match load_book() {
        Ok(b) => b,
        Err(e) => {
            report(&e);
            return ExitCode::from(1);
        }
    };
    let mut failed = 0;
    for f in files {
        let is_layout = f.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        let result = if is_layout { check_layout(f, &book) } else { check_statement(f, &book) };
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

/// Parses a statement and lays it out with [`DEFAULT_LAYOUT`].
fn check_statement(path: &Path, book: &FontBook) -> Result<Vec<Warning>, Error> {
    let st = statement::load(path)?;
    let sp = spec::load(DEFAULT_LAYOUT, &[])?;
    let (_, mut layout_warnings) = handbill::typeset(&st, &sp, book, &Vars::new())?;
    let mut ws = st.warnings.clone();
    ws.append(&mut layout_warnings);
    Ok(ws)
}

/// Validates a layout, finds its fonts and lays out a sample with it.
fn check_layout(path: &Path, book: &FontBook) -> Result<Vec<Warning>, Error> {
    if !path.is_file() {
        return Err(Error::file(path, "layout file not found", "check the path and spelling"));
    }
    let sp = spec::load(&path.to_string_lossy(), &[])?;
    let mut ws = sp.warnings.clone();
    let own_book;
    let book = if sp.font_dirs.is_empty() {
        book
    } else {
        let mut b = load_book()?;
        b.add_dirs(&sp.font_dirs)?;
        own_book = b;
        &own_book
    };
    check_fonts(path, &sp, book)?;
    // Placeholders get sample values so the layout can be tried without a campaign.
    let vars = sample_vars(&sp);
    let sample = statement::parse(Path::new("sample.md"), SAMPLE)?;
    let (_, mut layout_warnings) = handbill::typeset(&sample, &sp, book, &vars)?;
    // Overflow of the sample says nothing about real statements.
    layout_warnings.retain(|w| w.location.file.as_deref() != Some(Path::new("sample.md")));
    ws.append(&mut layout_warnings);
    Ok(ws)
}

/// Text laid out to try a layout.
const SAMPLE: &str = "# A sample title\n\nWorkers of the world, unite! You have nothing to lose \
but your chains.\n\n## A heading\n\nA second paragraph, long enough to break over a few lines \
of a column in any of the layouts handbill ships.\n";

fn check_fonts(path: &Path, sp: &LayoutSpec, book: &FontBook) -> Result<(), Error> {
    let wanted = [
        ("body.font", &sp.body.font),
        ("headings.font", &sp.headings.font),
        ("masthead.font", &sp.masthead.font),
        ("body.code-font", &sp.body.code_font),
    ];
    let fallback = sp.body.fallback.iter().map(|f| ("body.fallback", f));
    for (key, family) in wanted.into_iter().chain(fallback) {
        if !family.is_empty() && !book.has_family(family) {
            return Err(Error::new(
                Location::file(path),
                format!("`{key}` names the font family `{family}`, which is not installed"),
                format!(
                    "use one of: {} (see `handbill fonts`), or add its folder to `font-dirs`",
                    book.families().join(", ")
                ),
            ));
        }
    }
    Ok(())
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
