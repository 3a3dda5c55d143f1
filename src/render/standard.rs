//! PDF standards on request (`print.standard`, `--standard`): PDF/UA-1
//! and PDF/A-2b or -2a, checked by krilla's validators while the PDF is
//! written. What they find becomes an error that points into the
//! statement and says what to do; no PDF is written then.
//!
//! PDF/A fixes the colours: krilla writes an sRGB output intent and
//! device-independent colour spaces. CMYK would need a CMYK profile, which
//! handbill does not ship, so `print.color = "cmyk"` with PDF/A is refused.
//! PDF/X is not offered: there is no open validator to hold it to.

use krilla::configure::{
    Accessibility, Archival, Configuration, ConfigurationBuilder, ValidationError, Validator,
};
use krilla::error::KrillaError;

use super::tags::source_location;
use super::CreationDate;
use crate::error::{Error, Location, Result};
use crate::pages::Document;
use crate::spec::{ColorMode, LayoutSpec, Standard};

/// The krilla configuration for `standards` (none: plain PDF 1.7).
pub(super) fn configuration(standards: &[Standard]) -> Configuration {
    let mut b = ConfigurationBuilder::new();
    for s in standards {
        b = b.set_validator(match s {
            Standard::Ua1 => Validator::Ua(Accessibility::UA1),
            Standard::A2b => Validator::A(Archival::A2_B),
            Standard::A2a => Validator::A(Archival::A2_A),
        });
    }
    // PDF/UA-1 and PDF/A-2 share PDF 1.7, so any mix of them is accepted.
    b.finish().unwrap_or_default()
}

/// Refuses colours a requested standard cannot hold: CMYK under PDF/A.
pub(super) fn check_colors(spec: &LayoutSpec) -> Result<()> {
    let archival = spec.print.standards.iter().find(|s| s.archival());
    if let (Some(s), ColorMode::Cmyk) = (archival, spec.print.color) {
        return Err(Error::new(
            spec.location(),
            format!(
                "`print.color = \"cmyk\"` cannot be combined with {}: PDF/A needs a CMYK colour profile, and handbill has none to offer",
                s.name().to_uppercase()
            ),
            "use `print.color = \"color\"` or \"gray\" for an archival PDF, or leave out the PDF/A standard for the print shop",
        ));
    }
    Ok(())
}

/// The date a PDF/A file records (it must record one): the statement's
/// `date` when it is a calendar date (YYYY-MM-DD), else the day the
/// statement file was last changed. Either way reruns give the same bytes.
pub(super) fn archival_date(doc: &Document) -> Result<CreationDate> {
    if let Some(d) = doc.meta.date.as_deref().and_then(iso_date) {
        return Ok(d);
    }
    let source = doc.structure.first().map(|s| s.source.clone()).unwrap_or_default();
    let modified = std::fs::metadata(&source)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
    match modified {
        Some(d) => Ok(CreationDate::from_unix(d.as_secs() / 86_400 * 86_400)),
        None => Err(Error::file(
            &source,
            "a PDF/A file records the date it was made, and the statement has none",
            "add `date = \"YYYY-MM-DD\"` to its front matter, or set SOURCE_DATE_EPOCH",
        )),
    }
}

/// Reads a date written `YYYY-MM-DD` (anything after it is ignored).
fn iso_date(s: &str) -> Option<CreationDate> {
    let s = s.trim();
    let mut parts = s.get(..10)?.split('-');
    let year: u16 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(CreationDate {
        year,
        month,
        day,
        hour: 0,
        minute: 0,
        second: 0,
    })
}

/// Turns what krilla reports when it cannot write the PDF into one error:
/// every distinct violation of the requested standards, the first one's
/// place as the error's.
pub(super) fn pdf_error(e: KrillaError, doc: &Document, spec: &LayoutSpec) -> Error {
    let KrillaError::Validation(found) = e else {
        return Error::file(
            "<pdf>",
            format!("could not write the PDF: {e:?}"),
            "this is a bug in handbill; please report it",
        );
    };
    let names: Vec<&str> = spec.print.standards.iter().map(|s| s.name()).collect();
    let mut seen: Vec<(Location, String, String)> = Vec::new();
    for (v, _) in &found {
        let (loc, message, hint) = violation(v, doc, spec);
        if !seen.iter().any(|(l, m, _)| *l == loc && *m == message) {
            seen.push((loc, message, hint));
        }
    }
    let Some((loc, message, hint)) = seen.first().cloned() else {
        return Error::file("<pdf>", "the PDF failed validation", "");
    };
    let mut message = format!("not valid {}: {message}", names.join(" + ").to_uppercase());
    for (l, m, h) in &seen[1..] {
        message.push_str(&format!("; also {l}: {m} — {h}"));
    }
    Error::new(loc, message, hint)
}

/// One violation: where, what, and what to do.
fn violation(v: &ValidationError, doc: &Document, spec: &LayoutSpec) -> (Location, String, String) {
    let statement = || doc.structure.first().map(|s| Location::file(&s.source)).unwrap_or_default();
    let at = |loc| source_location(doc, loc).unwrap_or_else(statement);
    let s = |x: &str| x.to_string();
    match v {
        ValidationError::NoDocumentTitle => (
            statement(),
            s("the leaflet has no title, which an accessible PDF must have"),
            s("give the statement one: `title = \"…\"` in its front matter, or a first line `# Title`"),
        ),
        ValidationError::MissingAltText(loc) => (
            at(*loc),
            s("a picture has no alt text"),
            s("describe it in the brackets: ![what the picture shows](photo.jpg)"),
        ),
        ValidationError::MissingHeadingTitle => (
            statement(),
            s("a heading has no text"),
            s("write the heading's words after its # marks, or remove the empty heading"),
        ),
        ValidationError::NoDocumentLanguage => (
            statement(),
            s("the leaflet's language is not known"),
            s("add `lang = \"en\"` (or the right code) to the front matter"),
        ),
        ValidationError::ContainsNotDefGlyph(_, loc, text) => (
            at(*loc),
            format!("“{text}” has no glyph in the fonts"),
            s("add a font that covers it to `body.fallback` (see `handbill fonts`)"),
        ),
        ValidationError::NoCodepointMapping(_, glyph, loc)
        | ValidationError::InvalidCodepointMapping(_, glyph, _, loc)
        | ValidationError::UnicodePrivateArea(_, glyph, _, loc) => (
            at(*loc),
            format!("glyph {} does not say which character it stands for", glyph.to_u32()),
            s("remove private-use or control characters from the text, or use another font"),
        ),
        ValidationError::RestrictedLicense(_) => (
            spec.location(),
            s("a font of the layout does not allow embedding in an archival PDF"),
            s("choose another font in the layout"),
        ),
        ValidationError::MissingCMYKProfile => (
            spec.location(),
            s("CMYK colours need a profile in PDF/A"),
            s("use `print.color = \"color\"` or \"gray\""),
        ),
        other => (
            statement(),
            format!("{other:?}"),
            s("this is a bug in handbill; please report it with the statement and layout"),
        ),
    }
}
