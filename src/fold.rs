//! Folded leaflets and booklets laid out (`fold.style`), and the legal
//! imprint (`[imprint]`).
//!
//! A panel of a letter or z-fold, and a page of a booklet, is a page of
//! its own: the flow fills them in reading order like any pages, and
//! [`crate::impose`] puts them on the sheets as the last step. This module
//! decides what the pages are:
//!
//! - the text pages: panels 1 → 5 of a folded sheet (the masthead on
//!   panel 1), or a booklet's pages, fitted to the sheet or to
//!   `fit.pages` where the layout asks;
//! - the back (panel 6, or a booklet's back cover): the contact block
//!   (footer text and QR code) with the imprint just above it, unless
//!   `fold.back = "text"` runs the text on to it;
//! - blank pages where a printer puts them: panels left over, and a
//!   booklet's pages up to a multiple of four before the back cover;
//! - page numbers on a booklet's inner pages.

use std::path::Path;

use crate::error::{Error, Location, Result, Warning};
use crate::fit;
use crate::flow;
use crate::fonts::FontBook;
use crate::pages::{Document, Element, Ink, Page, TextRun};
use crate::shape::{Piece, Shaper, TextStyle};
use crate::spec::{Back, FoldStyle, FooterOn, LayoutSpec};
use crate::statement::{Block, Inline, Statement};
use crate::vars::{fill_placeholders, Vars};

/// Panels of a letter or z-fold sheet.
pub const PANELS: usize = 6;

/// The statement with the layout's imprint as its last paragraph (filled
/// placeholders and all), where a flat leaflet carries it: at the end of
/// the text, on the last page.
pub fn with_imprint(statement: &Statement, spec: &LayoutSpec, vars: &Vars) -> Result<Statement> {
    let mut st = statement.clone();
    let text = fill_placeholders(&spec.imprint.text, &st.meta, vars, spec)?;
    if !text.trim().is_empty() {
        st.blocks.push(Block::Paragraph { content: vec![Inline::text(text)], line: 0 });
    }
    Ok(st)
}

/// Lays out a statement with a folded or bound layout: the pages in
/// reading order (panels 1 → 6, or booklet pages 1 → n, blanks included),
/// as [`crate::impose`] expects them.
pub fn typeset(
    statement: &Statement,
    spec: &LayoutSpec,
    book: &FontBook,
    vars: &Vars,
) -> Result<(Document, Vec<Warning>)> {
    let fold = &spec.fold;
    let contact = fold.back == Back::Contact;
    let mut shaper = Shaper::new(book);
    // The text pages carry no footer when the back carries the contact.
    let mut text_spec = spec.clone();
    text_spec.fit.pull_back = false;
    if contact {
        text_spec.footer.text.clear();
        text_spec.footer.qr = false;
    } else {
        text_spec.footer.on = FooterOn::LastPage;
    }
    text_spec.resolve();
    let text_st = if contact { statement.clone() } else { with_imprint(statement, spec, vars)? };
    if fold.style == FoldStyle::Booklet && text_st.blocks.is_empty() {
        return Err(Error::new(
            Location::file(&statement.path),
            "the booklet would have no pages: the statement has no text",
            "write the statement's text below its title",
        ));
    }
    let back_pages = usize::from(contact);
    // Pages the text may fill: the panels but the back, or the booklet's
    // pages but its back cover.
    let room = if fold.panels() {
        PANELS - back_pages
    } else {
        (spec.fit.pages as usize).saturating_sub(back_pages)
    };
    let fitting = spec.fit.pages > 0;
    let (mut doc, mut warnings) = if fitting {
        text_spec.fit.pages = room as u32;
        let mut f = fit::fit(&mut shaper, &text_st, &text_spec, vars)
            .map_err(|e| sheet_error(e, statement, spec, room))?;
        if fold.panels() {
            // Fitting's notes count pages; here they are panels.
            for w in &mut f.warnings[f.notes_from..] {
                w.message = w
                    .message
                    .replace(" pages", " text panels")
                    .replace("last page", "last text panel");
            }
        }
        (f.document, f.warnings)
    } else {
        flow::flow_with(&mut shaper, &text_st, &text_spec, vars)?
    };
    if fold.panels() && doc.pages.len() > room {
        return Err(Error::new(
            spec.location(),
            format!(
                "the statement needs {} panels, and one folded sheet has {room} for text",
                doc.pages.len()
            ),
            "set `fit.pages = 1` to fit it to the sheet, or shorten it",
        ));
    }
    let (pw, ph) =
        doc.pages.first().map_or((spec.page.width, spec.page.height), |p| (p.width, p.height));
    let mut back = Vec::new();
    if contact {
        let (page, more) = back_page(&mut shaper, statement, spec, doc.body_size, vars)?;
        back.push(page);
        warnings.extend(more);
    }
    // Blank pages: panels left over, or up to a multiple of four pages
    // before a booklet's back cover (after it, when the text runs on to
    // the back: never between two pages of text).
    let total = if fold.panels() { PANELS } else { (doc.pages.len() + back.len()).div_ceil(4) * 4 };
    while doc.pages.len() + back.len() < total {
        doc.pages.push(blank(pw, ph));
    }
    doc.pages.append(&mut back);
    if fold.style == FoldStyle::Booklet && fold.page_numbers {
        number_pages(&mut shaper, &mut doc, spec)?;
    }
    warnings.append(&mut shaper.warnings);
    Ok((doc, warnings))
}

/// A fitting error said in sheets and panels for a folded leaflet, in
/// booklet pages for a booklet.
/// It points at the statement, which is what is too long.
fn sheet_error(e: Error, statement: &Statement, spec: &LayoutSpec, room: usize) -> Error {
    if !e.message.contains("fit.min-size") {
        return e;
    }
    let what = if spec.fold.panels() {
        format!("one folded sheet ({room} panels of text)")
    } else {
        format!("a booklet of {} pages ({room} of text)", spec.fit.pages)
    };
    let how_much = e.message.split_once(": ").map_or("", |(_, rest)| rest);
    let how_much = how_much.split(" would need").next().unwrap_or(how_much);
    let how_much = how_much.replacen(" more ", " ", 1);
    Error::new(
        Location::file(&statement.path),
        format!(
            "the statement does not fit on {what} even at `fit.min-size` ({}): {how_much} too many",
            fit::pt(spec.fit.min_size)
        ),
        if spec.fold.panels() {
            "shorten the statement, lower `fit.min-size`, or use a booklet layout (e.g. booklet-half-letter)"
        } else {
            "shorten the statement, allow more pages (`fit.pages`, a multiple of four), or lower `fit.min-size`"
        },
    )
}

/// A page with nothing on it.
fn blank(width: f32, height: f32) -> Page {
    Page {
        width,
        height,
        elements: Vec::new(),
        links: Vec::new(),
        lines: Vec::new(),
        column_bottom: height,
        column_top: 0.0,
        masthead_bottom: 0.0,
        qr: None,
    }
}

/// The back: the contact block (the layout's footer and its QR code) at
/// the foot, the imprint set at the footer's size just above it.
fn back_page(
    shaper: &mut Shaper<'_>,
    statement: &Statement,
    spec: &LayoutSpec,
    body_size: f32,
    vars: &Vars,
) -> Result<(Page, Vec<Warning>)> {
    let mut s = spec.scaled_to(spec.footer.size.min(body_size));
    s.masthead.show = false;
    s.footer.on = FooterOn::EveryPage;
    s.fit.pages = 0;
    s.fit.pull_back = false;
    s.page.columns = 1;
    s.page.balance = false;
    s.resolve();
    let mut st = with_imprint(statement, spec, vars)?;
    st.blocks.drain(..statement.blocks.len());
    let (doc, warnings) = flow::flow_with(shaper, &st, &s, vars)?;
    let Some(mut page) = doc.pages.into_iter().next() else {
        return Ok((blank(spec.page.width, spec.page.height), warnings));
    };
    // The imprint, at the top of the column, moves down onto the footer.
    let foot = page.column_bottom;
    let bottom = page
        .lines
        .iter()
        .filter(|l| l.y < foot)
        .map(|l| l.y + s.body.leading * 0.3)
        .fold(None, |m: Option<f32>, y| Some(m.map_or(y, |m| m.max(y))));
    if let Some(bottom) = bottom {
        let dy = (foot - bottom).max(0.0);
        for e in &mut page.elements {
            match e {
                Element::Text(run) if run.y < foot => run.y += dy,
                Element::Rule { y0, y1, .. } if y0.max(*y1) < foot => {
                    *y0 += dy;
                    *y1 += dy;
                }
                Element::Rect { y, .. } | Element::Image { y, .. } if *y < foot => *y += dy,
                _ => {}
            }
        }
        for l in page.links.iter_mut().filter(|l| l.y < foot) {
            l.y += dy;
        }
        for l in page.lines.iter_mut().filter(|l| l.y < foot) {
            l.y += dy;
        }
    }
    Ok((page, warnings))
}

/// Page numbers, centred in the bottom margin of a booklet's inner pages:
/// neither cover, nor a blank page.
fn number_pages(shaper: &mut Shaper<'_>, doc: &mut Document, spec: &LayoutSpec) -> Result<()> {
    let n = doc.pages.len();
    let size = spec.footer.size;
    let style = TextStyle {
        family: &spec.body.font,
        code_family: &spec.body.code_font,
        size,
        bold: false,
        hyphenate: None,
        measure: spec.page.width,
        hang: false,
        indent: 0.0,
        expand_words: false,
        fallback: &spec.body.fallback,
        lang: None,
        dir: crate::script::Dir::Ltr,
    };
    for (i, page) in doc.pages.iter_mut().enumerate().take(n.saturating_sub(1)).skip(1) {
        if page.elements.is_empty() {
            continue;
        }
        let text = (i + 1).to_string();
        let p = shaper.paragraph(
            &[Inline::text(text.clone())],
            &style,
            &Location::file(Path::new("")),
        )?;
        let mut glyphs = Vec::new();
        let mut face = None;
        for piece in &p.pieces {
            if let Piece::Word(run) = piece {
                face = face.or(Some(run.face));
                glyphs.extend(run.glyphs.iter().cloned());
            }
        }
        let Some(face) = face else { continue };
        let width: f32 = glyphs.iter().map(|g| g.advance).sum();
        let y = page.height - spec.page.margin.bottom / 2.0 + size * 0.35;
        page.elements.push(Element::Text(TextRun {
            x: (page.width - width) / 2.0,
            y,
            face,
            size,
            glyphs,
            text: p.text.clone(),
            rtl: false,
            ink: Ink::Black,
            expand: 1.0,
            // A page number is pagination: not read.
            mark: None,
        }));
    }
    Ok(())
}
