//! handbill typesets statements (Markdown) into print-ready leaflets (PDF).
//!
//! The pipeline runs one way, one module per stage:
//! [`statement`] → [`spec`] → `shape` → [`linebreak`] → `flow` → `render`
//! (which ends with [`impose`] for n-up sheets).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod campaign;
pub mod error;
pub mod flow;
pub mod fold;
pub mod fonts;
pub mod hyphenate;
pub mod impose;
pub mod jobs;
pub mod linebreak;
pub mod output;
pub mod pages;
pub mod picture;
pub mod preview;
pub mod qr;
pub mod render;
pub mod script;
pub mod shape;
pub mod share;
pub mod spec;
pub mod statement;
pub mod vars;
pub mod watch;

pub use error::{Error, Location, Result, Warning};
pub use flow::fit;

use std::path::{Path, PathBuf};

pub use vars::Vars;

/// A finished leaflet: the PDF bytes plus what the user should know.
#[derive(Debug)]
pub struct Output {
    /// The PDF file's bytes.
    pub pdf: Vec<u8>,
    /// The laid-out pages the PDF was made from.
    pub document: pages::Document,
    /// Warnings from every stage.
    pub warnings: Vec<Warning>,
}

/// Lays out a statement with a layout: the pages as plain data. The
/// pictures it names are loaded first ([`picture::attach`]).
pub fn typeset(
    statement: &statement::Statement,
    spec: &spec::LayoutSpec,
    book: &fonts::FontBook,
    vars: &Vars,
) -> Result<(pages::Document, Vec<Warning>)> {
    typeset_with(&mut shape::Shaper::new(book), statement, spec, vars)
}

/// Like [`typeset`], with a shaper that may come warm from an earlier build
/// (see [`shape::ShapeCache`]): words it has shaped are not shaped again.
pub fn typeset_with(
    shaper: &mut shape::Shaper<'_>,
    statement: &statement::Statement,
    spec: &spec::LayoutSpec,
    vars: &Vars,
) -> Result<(pages::Document, Vec<Warning>)> {
    let (spec, mut warnings) = vars::for_job(spec, &[statement], vars)?;
    let (doc, mut more) = typeset_job(shaper, statement, &spec, vars)?;
    warnings.append(&mut more);
    Ok((doc, warnings))
}

/// [`typeset_with`] with the layout as the job prints it (see
/// [`vars::for_job`]): its logos and the statement's pictures are loaded
/// first ([`picture::attach_logo`], [`picture::attach`]).
pub(crate) fn typeset_job(
    shaper: &mut shape::Shaper<'_>,
    statement: &statement::Statement,
    spec: &spec::LayoutSpec,
    vars: &Vars,
) -> Result<(pages::Document, Vec<Warning>)> {
    let (with_logo, mut warnings) = logos(spec, statement, vars)?;
    let spec = with_logo.as_ref().unwrap_or(spec);
    let loaded = pictures(statement, spec, &mut warnings)?;
    let (doc, mut more) = typeset_loaded(shaper, loaded.as_ref().unwrap_or(statement), spec, vars)?;
    warnings.append(&mut more);
    Ok((doc, warnings))
}

/// The layout with its logos loaded, if it names any (an event's own logo
/// filled from `vars`), and what they warn of.
fn logos(
    spec: &spec::LayoutSpec,
    statement: &statement::Statement,
    vars: &Vars,
) -> Result<(Option<spec::LayoutSpec>, Vec<Warning>)> {
    Ok(match picture::attach_logo(spec, &statement.meta, vars)? {
        Some((s, w)) => (Some(s), w),
        None => (None, Vec::new()),
    })
}

/// The statement with its pictures loaded, if it has any, as far as the
/// layout lets them be read; their warnings go to `warnings`.
fn pictures(
    statement: &statement::Statement,
    spec: &spec::LayoutSpec,
    warnings: &mut Vec<Warning>,
) -> Result<Option<statement::Statement>> {
    if !picture::has_pictures(&statement.blocks) {
        return Ok(None);
    }
    let access = picture::Access { outside: spec.images.allow_outside };
    let (st, mut w) = picture::attach(statement, access)?;
    warnings.append(&mut w);
    Ok(Some(st))
}

/// [`typeset_job`] once the pictures are loaded.
fn typeset_loaded(
    shaper: &mut shape::Shaper<'_>,
    statement: &statement::Statement,
    spec: &spec::LayoutSpec,
    vars: &Vars,
) -> Result<(pages::Document, Vec<Warning>)> {
    if spec.fold.style != spec::FoldStyle::None {
        return fold::typeset(statement, spec, shaper.book(), vars);
    }
    let imprinted;
    let statement = if spec.imprint.text.is_empty() {
        statement
    } else {
        imprinted = fold::with_imprint(statement, spec, vars)?;
        &imprinted
    };
    if spec.fit.pages > 0 {
        let f = fit::fit(shaper, statement, spec, vars)?;
        return Ok((f.document, f.warnings));
    }
    let (doc, warnings) = flow::flow_with(shaper, statement, spec, vars)?;
    Ok(without_runt(doc, warnings, spec, |d| fit::pull_back(shaper, statement, spec, vars, d)))
}

/// A last page of a line or three (see [`fit::runt`]): sets the text a
/// little smaller to end a page earlier (`pull_back`, given the document
/// as laid out), or says how to.
fn without_runt(
    doc: pages::Document,
    mut warnings: Vec<Warning>,
    spec: &spec::LayoutSpec,
    pull_back: impl FnOnce(&pages::Document) -> Option<fit::Fitted>,
) -> (pages::Document, Vec<Warning>) {
    let Some(lines) = fit::runt(&doc) else { return (doc, warnings) };
    let n = doc.pages.len();
    let at = spec.location();
    let s = if lines == 1 { "" } else { "s" };
    if let Some(f) = pull_back(&doc) {
        let mut warnings = f.warnings;
        warnings.push(Warning::new(
            at,
            format!(
                "page {n} would hold only {lines} line{s}: the body is set at {} instead of {} \
                 to end on page {} (`fit.pull-back = false` keeps the layout's size)",
                fit::pt(f.document.body_size),
                fit::pt(spec.body.size),
                n - 1
            ),
        ));
        return (f.document, warnings);
    }
    let m = n - 1;
    let ms = if m == 1 { "" } else { "s" };
    warnings.push(Warning::new(
        at,
        format!(
            "page {n} holds only {lines} line{s}: set `fit.pages = {m}` (e.g. `--set \
             fit.pages={m}`) and a smaller `fit.min-size` to fit the text on {m} page{ms}, or \
             shorten it"
        ),
    ));
    (doc, warnings)
}

/// Typesets a statement and writes it as PDF bytes.
pub fn build(
    statement: &statement::Statement,
    spec: &spec::LayoutSpec,
    book: &fonts::FontBook,
    vars: &Vars,
) -> Result<Output> {
    let (spec, mut warnings) = vars::for_job(spec, &[statement], vars)?;
    let spec = &spec;
    let (document, mut more) = typeset_job(&mut shape::Shaper::new(book), statement, spec, vars)?;
    warnings.append(&mut more);
    let (pdf, mut printing) =
        render::render_with(&document, spec, book, &render::RenderOptions::default())?;
    let mut all = statement.warnings.clone();
    all.append(&mut warnings);
    all.append(&mut printing);
    Ok(Output { pdf, document, warnings: all })
}

/// Lays out two statements (usually one text in two languages) with a
/// bilingual layout, as its `page.bilingual` says: `"side-by-side"` puts
/// the first in the first half of the columns and the second in the other
/// half, level at each section heading; `"front-back"` sets the first from
/// page 1 and the second from a new page, each with its own masthead.
/// With `fit.pages`, both are fitted at one body size (see
/// [`fit::fit_pair`]).
pub fn typeset_pair(
    first: &statement::Statement,
    second: &statement::Statement,
    spec: &spec::LayoutSpec,
    book: &fonts::FontBook,
    vars: &Vars,
) -> Result<(pages::Document, Vec<Warning>)> {
    typeset_pair_with(&mut shape::Shaper::new(book), first, second, spec, vars)
}

/// Like [`typeset_pair`], with a shaper that may come warm from an earlier
/// build (see [`shape::ShapeCache`]).
pub fn typeset_pair_with(
    shaper: &mut shape::Shaper<'_>,
    first: &statement::Statement,
    second: &statement::Statement,
    spec: &spec::LayoutSpec,
    vars: &Vars,
) -> Result<(pages::Document, Vec<Warning>)> {
    let (spec, mut warnings) = vars::for_job(spec, &[first, second], vars)?;
    let (doc, mut more) = typeset_pair_job(shaper, first, second, &spec, vars)?;
    warnings.append(&mut more);
    Ok((doc, warnings))
}

/// [`typeset_pair_with`] with the layout as the job prints it (see
/// [`vars::for_job`]), its logos and both statements' pictures loaded
/// first.
pub(crate) fn typeset_pair_job(
    shaper: &mut shape::Shaper<'_>,
    first: &statement::Statement,
    second: &statement::Statement,
    spec: &spec::LayoutSpec,
    vars: &Vars,
) -> Result<(pages::Document, Vec<Warning>)> {
    let (with_logo, mut warnings) = logos(spec, first, vars)?;
    let spec = with_logo.as_ref().unwrap_or(spec);
    let a = pictures(first, spec, &mut warnings)?;
    let b = pictures(second, spec, &mut warnings)?;
    let (doc, mut more) = typeset_pair_loaded(
        shaper,
        a.as_ref().unwrap_or(first),
        b.as_ref().unwrap_or(second),
        spec,
        vars,
    )?;
    warnings.append(&mut more);
    Ok((doc, warnings))
}

/// [`typeset_pair_job`] once the pictures are loaded.
fn typeset_pair_loaded(
    shaper: &mut shape::Shaper<'_>,
    first: &statement::Statement,
    second: &statement::Statement,
    spec: &spec::LayoutSpec,
    vars: &Vars,
) -> Result<(pages::Document, Vec<Warning>)> {
    // The imprint ends the second statement: the last page, or the end of
    // the right-hand side.
    let imprinted;
    let second = if spec.imprint.text.is_empty() {
        second
    } else {
        imprinted = fold::with_imprint(second, spec, vars)?;
        &imprinted
    };
    match spec.page.bilingual {
        // Both statements at one body size: see `fit::fit_pair`.
        spec::Bilingual::SideBySide | spec::Bilingual::FrontBack if spec.fit.pages > 0 => {
            let f = fit::fit_pair(shaper, first, second, spec, vars)?;
            Ok((f.document, f.warnings))
        }
        spec::Bilingual::SideBySide => {
            let (doc, warnings) = flow::flow_pair_with(shaper, first, second, spec, vars)?;
            Ok(without_runt(doc, warnings, spec, |d| {
                fit::pull_back_pair(shaper, first, second, spec, vars, d)
            }))
        }
        spec::Bilingual::FrontBack => {
            let (front, mut warnings) = flow::flow_with(shaper, first, spec, vars)?;
            let (back, mut more) = flow::flow_with(shaper, second, spec, vars)?;
            warnings.append(&mut more);
            // Each side's pages are its own: a runt is only told (fitting
            // one side shorter would not end the other earlier).
            let doc = flow::front_back(front, back, first, second);
            Ok(without_runt(doc, warnings, spec, |_| None))
        }
        spec::Bilingual::No => Err(Error::new(
            spec.location(),
            format!("layout `{}` is for one statement, not two", spec.id),
            "use a layout with `page.bilingual = \"side-by-side\"` or `\"front-back\"`, e.g. letter-bilingual",
        )),
    }
}

/// Typesets two statements with a bilingual layout (see [`typeset_pair`])
/// and writes them as one PDF.
pub fn build_pair(
    first: &statement::Statement,
    second: &statement::Statement,
    spec: &spec::LayoutSpec,
    book: &fonts::FontBook,
    vars: &Vars,
) -> Result<Output> {
    let (spec, mut warnings) = vars::for_job(spec, &[first, second], vars)?;
    let spec = &spec;
    let (document, mut more) =
        typeset_pair_job(&mut shape::Shaper::new(book), first, second, spec, vars)?;
    warnings.append(&mut more);
    let (pdf, mut printing) =
        render::render_with(&document, spec, book, &render::RenderOptions::default())?;
    let mut all = first.warnings.clone();
    all.extend(second.warnings.iter().cloned());
    all.append(&mut warnings);
    all.append(&mut printing);
    Ok(Output { pdf, document, warnings: all })
}

/// The layout a statement is checked with (`handbill check STATEMENT`).
pub const CHECK_LAYOUT: &str = "letter-2col";

/// Checks a statement without writing anything: reads it and lays it out
/// with [`CHECK_LAYOUT`], so that overflow and missing glyphs show before
/// anyone prints. Returns the statement's warnings, then the layout's.
pub fn check_statement(
    path: &Path,
    book: &fonts::FontBook,
    format: Option<statement::Format>,
) -> Result<Vec<Warning>> {
    let st = statement::load_as(path, format)?;
    let sp = spec::load(CHECK_LAYOUT, &[])?;
    let (_, mut layout_warnings) = typeset(&st, &sp, book, &Vars::new())?;
    let mut warnings = st.warnings;
    warnings.append(&mut layout_warnings);
    Ok(warnings)
}

/// Text a layout is tried with.
const SAMPLE: &str = "# A sample title\n\nWorkers of the world, unite! You have nothing to lose \
but your chains.\n\n## A heading\n\nA second paragraph, long enough to break over a few lines \
of a column in any of the layouts handbill ships.\n";

/// The file name the sample text is set as.
const SAMPLE_FILE: &str = "sample.md";

/// Tries a layout without a statement: sets a short sample text with it
/// (`vars` fill its `{event.KEY}` placeholders). Returns the layout's own
/// warnings and those of setting the sample, less those about the sample
/// text itself (a word too wide for a column, a glyph no font has),
/// which say nothing about real statements.
pub fn try_layout(
    spec: &spec::LayoutSpec,
    book: &fonts::FontBook,
    vars: &Vars,
) -> Result<Vec<Warning>> {
    let sample = statement::parse(Path::new(SAMPLE_FILE), SAMPLE)?;
    let (_, mut layout_warnings) = typeset(&sample, spec, book, vars)?;
    layout_warnings.retain(|w| w.location.file.as_deref() != Some(Path::new(SAMPLE_FILE)));
    let mut warnings = spec.warnings.clone();
    warnings.append(&mut layout_warnings);
    Ok(warnings)
}

/// Chooses the output file of one job: `DIR/{statement}-{layout}.pdf`, or
/// `out` itself when it names a `.pdf` file.
pub fn output_path(out: &Path, statement: &str, layout: &str) -> PathBuf {
    let is_file = out.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    if is_file {
        out.to_path_buf()
    } else {
        out.join(format!("{statement}-{layout}.pdf"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> fonts::FontBook {
        fonts::FontBook::load(&[fonts::shipped_dir()]).unwrap()
    }

    #[test]
    fn a_checked_statement_warns_of_characters_no_font_has() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.md");
        std::fs::write(&path, "Solidarity.\n\n工人团结起来\n").unwrap();
        let warnings = check_statement(&path, &book(), None).unwrap();
        assert!(warnings.iter().any(|w| w.to_string().contains('工')), "{warnings:?}");
        let e = check_statement(&dir.path().join("gone.md"), &book(), None).unwrap_err();
        assert_eq!(e.location, Location::file(dir.path().join("gone.md")));
    }

    #[test]
    fn a_layout_is_tried_on_a_sample_without_the_samples_warnings() {
        let mut sp = spec::load("letter-2col", &[]).unwrap();
        assert_eq!(try_layout(&sp, &book(), &Vars::new()).unwrap(), []);
        // Headings too large for the columns: their words break, which
        // concerns the sample, not the layout.
        sp.headings.sizes = vec![200.0; 3];
        let sample = statement::parse(Path::new(SAMPLE_FILE), SAMPLE).unwrap();
        let (_, all) = typeset(&sample, &sp, &book(), &Vars::new()).unwrap();
        let about_sample = |w: &Warning| w.location.file.as_deref() == Some(Path::new(SAMPLE_FILE));
        assert!(all.iter().any(about_sample), "{all:?}");
        let warnings = try_layout(&sp, &book(), &Vars::new()).unwrap();
        assert!(!warnings.iter().any(about_sample), "{warnings:?}");
        sp.body.font = "Comic Sans MS".into();
        let e = try_layout(&sp, &book(), &Vars::new()).unwrap_err();
        assert!(e.to_string().contains("Comic Sans MS"), "{e}");
    }
}
