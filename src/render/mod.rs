//! Stage 6: laid-out pages become PDF bytes (krilla).
//!
//! Render draws what earlier stages decided: the pages of a
//! [`Document`] and what the [`LayoutSpec`] resolved (colors, bleed, the
//! masthead band, the QR code); it checks nothing about the layout
//! (validation has already made sure of the page and sheet sizes that
//! krilla's page settings would refuse). krilla stays behind this module: the layout
//! types know nothing of it.
//!
//! - `mod.rs`: the PDF document, single pages and imposed sheets, links,
//!   the masthead band and the QR code;
//! - `text.rs`: glyph runs, including right-to-left text;
//! - `marks.rs`: crop and cut marks;
//! - `color.rs`: paints for the layout's color mode;
//! - `picture.rs`: pictures, converted to the color mode;
//! - `deflate.rs`: content streams compressed after krilla writes them;
//! - `tags.rs`: the structure tree (tagged PDF) and the outline;
//! - `standard.rs`: PDF/UA and PDF/A: krilla's validators, and their
//!   findings as errors pointing into the statement.

mod color;
mod deflate;
mod marks;
mod picture;
mod standard;
mod tags;
mod text;

use krilla::action::LinkAction;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{FillRule, LineCap, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{Artifact, ArtifactType, ContentTag, SpanTag};
use krilla::{Document as PdfDocument, SerializeSettings};

use crate::error::{Error, Result, Warning};
use crate::fonts::FontBook;
use crate::impose::{self, Affine, Area, SheetSide};
use crate::pages::{BlockKind, Document, Element, Ink, LineKind, Page, TextRun};
use crate::spec::{ColorMode, LayoutSpec, QrCode, Standard};
use color::{band_paint, fill, fill_with, paint};
pub use marks::{crop_marks, fold_marks, Mark, MARK_OFFSET, MARK_ROOM, MARK_WIDTH};
use marks::{cut_marks, stroke_fold_marks, stroke_marks};
use tags::Tagger;
use text::draw_text;

/// How to write the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Compress content streams (off only to read the PDF in tests).
    pub compress: bool,
    /// A creation date to record (from `SOURCE_DATE_EPOCH`); none by
    /// default, so reruns give the same bytes.
    pub creation_date: Option<CreationDate>,
    /// Write the structure tree (on by default). Off only to measure what
    /// tagging costs; a layout that asks for a standard is tagged anyway.
    pub tagged: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { compress: true, creation_date: None, tagged: true }
    }
}

/// A calendar date and time (UTC), as a PDF creation date needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreationDate {
    /// Year, e.g. 2026.
    pub year: u16,
    /// 1..=12.
    pub month: u8,
    /// 1..=31.
    pub day: u8,
    /// 0..=23.
    pub hour: u8,
    /// 0..=59.
    pub minute: u8,
    /// 0..=59.
    pub second: u8,
}

impl CreationDate {
    /// Converts Unix seconds to a UTC date (proleptic Gregorian calendar).
    pub fn from_unix(secs: u64) -> CreationDate {
        let days = (secs / 86_400) as i64;
        let rem = secs % 86_400;
        // Days to civil date (H. Hinnant's algorithm), exact for all u64 / 86400.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = yoe + era * 400 + i64::from(month <= 2);
        CreationDate {
            year: year.clamp(0, i64::from(u16::MAX)) as u16,
            month,
            day,
            hour: (rem / 3600) as u8,
            minute: (rem % 3600 / 60) as u8,
            second: (rem % 60) as u8,
        }
    }
}

/// Writes a laid-out document as PDF bytes.
///
/// See [`render_with`].
pub fn render(doc: &Document, spec: &LayoutSpec, book: &FontBook) -> Result<Vec<u8>> {
    render_with(doc, spec, book, &RenderOptions::default()).map(|(pdf, _)| pdf)
}

/// Writes a laid-out document as PDF bytes, with the warnings of this stage
/// (a QR code without room).
///
/// Single pages: MediaBox = trim + bleed (+ room for crop marks when
/// `print.crop-marks` is on), TrimBox = the trim, BleedBox = trim + bleed.
///
/// With `print.sheet` the pages are imposed (see [`crate::impose`]): every
/// PDF page is one side of a sheet carrying identical copies of one leaflet
/// page, with cut marks. There MediaBox = TrimBox = the sheet, since the
/// sheet is what the printer prints; the copies are marked by cut marks.
///
/// The PDF is tagged (see `tags.rs`): a structure tree in reading order,
/// with everything that is not text to read marked as an artifact, and an
/// outline of the title and headings. With `print.standard`, krilla's
/// validators check the PDF as it is written, and what they find becomes
/// an error pointing into the statement; no PDF is returned then.
///
/// No timestamps are written, so the same input gives the same bytes; a
/// PDF/A file needs a date, taken from `SOURCE_DATE_EPOCH`, else from the
/// statement (see [`standard::archival_date`]).
pub fn render_with(
    doc: &Document,
    spec: &LayoutSpec,
    book: &FontBook,
    opts: &RenderOptions,
) -> Result<(Vec<u8>, Vec<Warning>)> {
    let standards = &spec.print.standards;
    standard::check_colors(spec)?;
    let tagged = opts.tagged || !standards.is_empty();
    let creation_date = match opts.creation_date {
        Some(d) => Some(d),
        None if standards.iter().any(|s| s.archival()) => Some(standard::archival_date(doc)?),
        None => None,
    };
    let settings = SerializeSettings {
        xmp_metadata: false,
        // Deflated below, faster than krilla does it (see `deflate`).
        compress_content_streams: false,
        enable_tagging: tagged,
        configuration: standard::configuration(standards),
        ..SerializeSettings::default()
    };
    let mut pdf = PdfDocument::new_with(settings);
    let mut warnings = spec.footer.qr_warnings.clone();
    if let Some(code) = &spec.footer.qr_code {
        warnings.extend(qr_overlaps(doc, spec, code));
    }
    let archival = standards.iter().any(|s| s.archival());
    let cx = Ctx {
        spec,
        book,
        doc,
        mode: spec.print.color,
        // Registration black is CMYK, which PDF/A would need a profile for:
        // marks are plain black there.
        mark_mode: if archival { ColorMode::Gray } else { spec.print.color },
        footer_page: doc
            .pages
            .iter()
            .rposition(|p| p.lines.iter().any(|l| l.kind == LineKind::Footer)),
        locate: !standards.is_empty(),
        strict: standards.iter().any(|s| matches!(s, Standard::Ua1 | Standard::A2a)),
        copies: Default::default(),
    };
    let mut tagger = tagged.then(Tagger::default);
    let (pw, ph) =
        doc.pages.first().map_or((spec.page.width, spec.page.height), |p| (p.width, p.height));
    match impose::impose(doc.pages.len(), pw, ph, spec) {
        Some(sides) => {
            for (i, side) in sides.iter().enumerate() {
                render_side(&mut pdf, side, i, &cx, tagger.as_mut())?;
            }
        }
        None => {
            for (i, page) in doc.pages.iter().enumerate() {
                render_single(&mut pdf, page, i, &cx, tagger.as_mut())?;
            }
        }
    }
    let lang = doc.meta.lang.clone().unwrap_or_else(|| spec.body.language.clone());
    if let Some(t) = &tagger {
        pdf.set_tag_tree(t.tree(doc, &lang, &spec.footer.link));
        pdf.set_outline(t.outline(doc));
    }
    let mut meta = Metadata::new().creator("handbill".into());
    if let Some(t) = &doc.meta.title {
        meta = meta.title(t.clone());
    }
    if let Some(a) = &doc.meta.author {
        meta = meta.authors(vec![a.clone()]);
    }
    meta = meta.language(lang);
    if let Some(d) = creation_date {
        meta = meta.creation_date(
            krilla::metadata::DateTime::new(d.year)
                .month(d.month)
                .day(d.day)
                .hour(d.hour)
                .minute(d.minute)
                .second(d.second),
        );
    }
    pdf.set_metadata(meta);
    let bytes = pdf.finish().map_err(|e| standard::pdf_error(e, doc, spec))?;
    let level = opts.compress.then_some(DEFLATE_LEVEL);
    let bytes = deflate::deflate_streams(bytes, level, doc.meta.title.is_some());
    Ok((bytes, warnings))
}

/// zlib level of content streams. A flyer's 105 KB of text operators
/// deflate to 27 KB at level 1, 20 KB at level 2 (0.3 ms), 13 KB at level 6
/// (krilla's, 2.0 ms). Level 1 takes 40 % fewer instructions than level 2,
/// about 5 % of a flyer's CPU time; the file grows by 7 KB (47 KB to
/// 54 KB), which no printer or mail server notices.
const DEFLATE_LEVEL: u32 = 1;

/// What every page drawing needs.
struct Ctx<'a> {
    spec: &'a LayoutSpec,
    book: &'a FontBook,
    doc: &'a Document,
    mode: ColorMode,
    /// The color mode of crop and cut marks.
    mark_mode: ColorMode,
    /// The page whose footer is read: the last that has one. The others'
    /// are running footers, artifacts.
    footer_page: Option<usize>,
    /// Tell krilla which block each run belongs to, so that what a
    /// validator finds points into the statement.
    locate: bool,
    /// Every glyph must map to a character (PDF/UA-1, PDF/A-2a).
    strict: bool,
    /// Copies of fonts for glyphs that stand for other text (see `text.rs`).
    copies: std::cell::RefCell<text::Copies>,
}

/// How one copy of a page is tagged.
enum PageTags<'t> {
    /// Untagged: no marked content at all.
    Off,
    /// The whole copy is inside an artifact (an extra copy on a sheet).
    Artifact,
    /// Text is content, filed in the tagger.
    On {
        tagger: &'t mut Tagger,
        /// The PDF page drawn on.
        pdf_page: usize,
        /// Page coordinates to PDF page coordinates.
        to_pdf: Affine,
    },
}

impl PageTags<'_> {
    /// Draws `f` as an artifact of `kind` (or plainly where nothing is
    /// tagged, or the whole copy is an artifact already).
    fn artifact(&self, s: &mut Surface, kind: ArtifactType, f: impl FnOnce(&mut Surface)) {
        if let PageTags::On { .. } = self {
            s.start_tagged(ContentTag::Artifact(Artifact::with_kind(kind)));
            f(s);
            s.end_tagged();
        } else {
            f(s);
        }
    }
}

fn size_error() -> Error {
    Error::file("<layout>", "page size must be greater than zero", "check `page.size`")
}

fn rect(a: &Area) -> Option<Rect> {
    Rect::from_xywh(a.x, a.y, a.w, a.h)
}

/// One leaflet page on its own PDF page, with bleed and crop marks.
fn render_single(
    pdf: &mut PdfDocument,
    page: &Page,
    index: usize,
    cx: &Ctx,
    mut tagger: Option<&mut Tagger>,
) -> Result<()> {
    let bleed = cx.spec.page.bleed;
    let room = if cx.spec.print.crop_marks { MARK_ROOM } else { 0.0 };
    let off = bleed + room;
    let (w, h) = (page.width + 2.0 * off, page.height + 2.0 * off);
    let trim = Area { x: off, y: off, w: page.width, h: page.height };
    let bleed_area =
        Area { x: room, y: room, w: page.width + 2.0 * bleed, h: page.height + 2.0 * bleed };
    let settings = PageSettings::from_wh(w, h)
        .ok_or_else(size_error)?
        .with_trim_box(rect(&trim))
        .with_bleed_box(rect(&bleed_area));
    let mut p = pdf.start_page_with(settings);
    {
        let mut s = p.surface();
        let mut tags = match tagger.as_deref_mut() {
            Some(tagger) => {
                PageTags::On { tagger, pdf_page: index, to_pdf: Affine::translate(off, off) }
            }
            None => PageTags::Off,
        };
        s.push_transform(&Transform::from_translate(off, off));
        draw_page(&mut s, page, index, cx, &mut tags);
        s.pop();
        if cx.spec.print.crop_marks {
            let marks = crop_marks(&trim, bleed + MARK_OFFSET, room - MARK_OFFSET - 0.5);
            tags.artifact(&mut s, ArtifactType::Page, |s| stroke_marks(s, &marks, cx.mark_mode));
        }
        s.finish();
    }
    for (li, l) in page.links.iter().enumerate() {
        let area = Area { x: l.x + off, y: l.y + off, w: l.w.max(0.1), h: l.h.max(0.1) };
        add_link(&mut p, &area, &l.url, tagger.as_deref_mut(), l.mark, Some((index, li)));
    }
    if let Some(code) = qr_on(page, cx.spec) {
        let area = Area { x: code.x + off, y: code.y + off, w: code.side, h: code.side };
        add_link(&mut p, &area, &cx.spec.footer.link, tagger, None, None);
    }
    p.finish();
    Ok(())
}

/// One side of an imposed sheet: every copy, then the cut marks; on a
/// folded sheet (`side.margin` > 0) the sheet's trim sits inside its
/// bleed and marks, with crop marks at its corners and fold marks on the
/// folds' lines, all outside the trim. The first copy of each page is
/// read; the others, and every mark, are artifacts.
fn render_side(
    pdf: &mut PdfDocument,
    side: &SheetSide,
    index: usize,
    cx: &Ctx,
    mut tagger: Option<&mut Tagger>,
) -> Result<()> {
    let doc = cx.doc;
    let m = side.margin;
    let sheet = Area { x: m, y: m, w: side.width, h: side.height };
    let mut settings = PageSettings::from_wh(side.width + 2.0 * m, side.height + 2.0 * m)
        .ok_or_else(size_error)?
        .with_trim_box(rect(&sheet));
    if m > 0.0 {
        let b = cx.spec.page.bleed;
        let bleed = Area { x: m - b, y: m - b, w: side.width + 2.0 * b, h: side.height + 2.0 * b };
        settings = settings.with_bleed_box(rect(&bleed));
    }
    let mut p = pdf.start_page_with(settings);
    {
        let mut s = p.surface();
        if m > 0.0 {
            s.push_transform(&Transform::from_translate(m, m));
        }
        for pl in &side.placements {
            let Some(page) = doc.pages.get(pl.page) else { continue };
            let t = pl.transform;
            // Tags point into the PDF page, which the margin shifts.
            let to_pdf = Affine { e: t.e + m, f: t.f + m, ..t };
            let first = tagger.as_deref_mut().is_some_and(|tg| tg.first_copy(pl.page));
            let mut tags = match tagger.as_deref_mut() {
                Some(tagger) if first => PageTags::On { tagger, pdf_page: index, to_pdf },
                Some(_) => {
                    s.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                        ArtifactType::PaginationOther,
                    )));
                    PageTags::Artifact
                }
                None => PageTags::Off,
            };
            let clip = rect(&pl.clip).map(|r| {
                let mut pb = PathBuilder::new();
                pb.push_rect(r);
                pb.finish()
            });
            let clipped = if let Some(Some(path)) = clip {
                s.push_clip_path(&path, &FillRule::NonZero);
                true
            } else {
                false
            };
            s.push_transform(&Transform::from_row(t.a, t.b, t.c, t.d, t.e, t.f));
            draw_page(&mut s, page, pl.page, cx, &mut tags);
            s.pop();
            if clipped {
                s.pop();
            }
            if let PageTags::Artifact = tags {
                s.end_tagged();
            }
        }
        if tagger.is_some() {
            s.start_tagged(ContentTag::Artifact(Artifact::with_kind(ArtifactType::Page)));
        }
        stroke_marks(&mut s, &cut_marks(doc, side), cx.mark_mode);
        if m > 0.0 && cx.spec.print.crop_marks {
            let trim = Area { x: 0.0, y: 0.0, w: side.width, h: side.height };
            let (offset, len) = (cx.spec.page.bleed + MARK_OFFSET, MARK_ROOM - MARK_OFFSET - 0.5);
            stroke_marks(&mut s, &crop_marks(&trim, offset, len), cx.mark_mode);
            stroke_fold_marks(&mut s, &fold_marks(side, offset, len), cx.mark_mode);
        }
        if tagger.is_some() {
            s.end_tagged();
        }
        if m > 0.0 {
            s.pop();
        }
        s.finish();
    }
    for pl in &side.placements {
        let Some(page) = doc.pages.get(pl.page) else { continue };
        let shift = |a: Area| Area { x: a.x + m, y: a.y + m, ..a };
        for (li, l) in page.links.iter().enumerate() {
            let area = impose::bounds(&pl.transform, l.x, l.y, l.w.max(0.1), l.h.max(0.1));
            let key = Some((pl.page, li));
            add_link(&mut p, &shift(area), &l.url, tagger.as_deref_mut(), l.mark, key);
        }
        if let Some(code) = qr_on(page, cx.spec) {
            let area = impose::bounds(&pl.transform, code.x, code.y, code.side, code.side);
            let link = &cx.spec.footer.link;
            add_link(&mut p, &shift(area), link, tagger.as_deref_mut(), None, None);
        }
    }
    p.finish();
    Ok(())
}

/// A link annotation over `area`, its URL as its description; filed in
/// the tagger (under the block `mark` and link `key`, or as the QR code's)
/// if tagging.
fn add_link(
    p: &mut krilla::page::Page,
    area: &Area,
    url: &str,
    tagger: Option<&mut Tagger>,
    mark: Option<crate::pages::Mark>,
    key: Option<tags::LinkKey>,
) {
    if url.is_empty() {
        return;
    }
    if let Some(r) = rect(area) {
        let target = Target::Action(LinkAction::new(url.to_owned()).into());
        let annotation = Annotation::new_link(LinkAnnotation::new(r, target), Some(url.to_owned()));
        match tagger {
            Some(t) => {
                let id = p.add_tagged_annotation(annotation);
                t.link(mark, key, url, id);
            }
            None => p.add_annotation(annotation),
        }
    }
}

/// Draws one leaflet page in its own coordinates (trim top-left origin):
/// background band, elements, QR code; text as content, the rest as
/// artifacts, as `tags` says.
fn draw_page(s: &mut Surface, page: &Page, index: usize, cx: &Ctx, tags: &mut PageTags) {
    let mut on_band = None;
    if let Some((band, bottom)) = page.masthead_band(index, cx.spec) {
        if let Some(rect) = Rect::from_xywh(band.x, band.y, band.width, bottom - band.y) {
            let mut pb = PathBuilder::new();
            pb.push_rect(rect);
            if let Some(path) = pb.finish() {
                tags.artifact(s, ArtifactType::Layout, |s| {
                    s.set_stroke(None);
                    s.set_fill(Some(fill_with(band_paint(band.color, cx.mode))));
                    s.draw_path(&path);
                });
            }
        }
        if band.white_text {
            on_band = Some(bottom);
        }
    }
    // Text and rules on a dark band turn white.
    let ink_at = |ink: Ink, y: f32| match on_band {
        Some(bottom) if y < bottom => Ink::Gray(255),
        _ => ink,
    };
    let qr = qr_on(page, cx.spec);
    // The code's square with its quiet zone towards the text.
    let qr_square = qr.map(|code| Area {
        x: code.x - code.quiet,
        y: code.y - code.quiet,
        w: code.side + code.quiet,
        h: code.side + code.quiet,
    });
    for el in &page.elements {
        match el {
            Element::Text(run) => {
                let ink = ink_at(run.ink, run.y);
                draw_run(s, run, ink, index, cx, tags);
            }
            Element::Rule { x0, y0, x1, y1, width, ink } => {
                let (x0, x1) = clear_of_qr(*x0, *y0, *x1, *y1, qr_square);
                let mut pb = PathBuilder::new();
                pb.move_to(x0, *y0);
                pb.line_to(x1, *y1);
                if let Some(path) = pb.finish() {
                    tags.artifact(s, ArtifactType::Layout, |s| {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            paint: paint(ink_at(*ink, y0.max(*y1)), cx.mode),
                            width: *width,
                            line_cap: LineCap::Butt,
                            ..Stroke::default()
                        }));
                        s.draw_path(&path);
                        s.set_stroke(None);
                    });
                }
            }
            Element::Rect { x, y, w, h, ink } => {
                let mut pb = PathBuilder::new();
                if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                    pb.push_rect(r);
                }
                if let Some(path) = pb.finish() {
                    tags.artifact(s, ArtifactType::Layout, |s| {
                        s.set_stroke(None);
                        s.set_fill(Some(fill(ink_at(*ink, *y), cx.mode)));
                        s.draw_path(&path);
                    });
                }
            }
            Element::Image { x, y, w, h, picture, mark, .. } => {
                let bx = (*x, *y, *w, *h);
                match (&mut *tags, mark) {
                    // A picture of the text is a Figure, read by its alt
                    // text; a logo is not read.
                    (PageTags::On { tagger, pdf_page, to_pdf }, Some(m)) => {
                        let id = s.start_tagged(ContentTag::Other);
                        picture::draw_picture(s, picture, bx, cx.mode, !cx.locate);
                        s.end_tagged();
                        let (px, py) = to_pdf.apply(*x, *y);
                        tagger.content(*m, index, *pdf_page, Point::from_xy(px, py), id, None);
                    }
                    _ => tags.artifact(s, ArtifactType::Layout, |s| {
                        picture::draw_picture(s, picture, bx, cx.mode, !cx.locate)
                    }),
                }
            }
        }
    }
    if let Some(code) = qr {
        match tags {
            // The code on the page whose footer is read is a figure.
            PageTags::On { tagger, .. } if cx.footer_page == Some(index) => {
                let id = s.start_tagged(ContentTag::Other);
                draw_qr(s, code, cx.mode);
                s.end_tagged();
                tagger.figure(id);
            }
            _ => tags.artifact(s, ArtifactType::Footer, |s| draw_qr(s, code, cx.mode)),
        }
    }
}

/// Draws a run of text: as content filed under its mark, or as an
/// artifact when it is not read (a running footer, layout text with no
/// place in the structure).
fn draw_run(s: &mut Surface, run: &TextRun, ink: Ink, index: usize, cx: &Ctx, tags: &mut PageTags) {
    let PageTags::On { tagger, pdf_page, to_pdf } = tags else {
        draw_text(s, run, ink, cx.book, cx.mode, cx.strict, &mut cx.copies.borrow_mut());
        return;
    };
    let role = run.mark.and_then(|m| {
        let st = cx.doc.structure.get(usize::from(m.statement))?;
        st.blocks.get(m.block)?.as_ref().map(|r| (m, r.kind))
    });
    let mark = match role {
        Some((_, BlockKind::Footer)) if cx.footer_page != Some(index) => None,
        Some((m, _)) => Some(m),
        None => None,
    };
    let Some(mark) = mark else {
        let kind = if role.is_some() { ArtifactType::Footer } else { ArtifactType::Other };
        tags.artifact(s, kind, |s| {
            draw_text(s, run, ink, cx.book, cx.mode, cx.strict, &mut cx.copies.borrow_mut())
        });
        return;
    };
    if let Some(loc) = cx.locate.then(|| tags::pdf_location(mark)).flatten() {
        s.set_location(loc);
    }
    // No ActualText over a right-to-left run: it would hide the
    // per-cluster spans `text.rs` writes for readers' bidi, and page text
    // would come back garbled.
    let id = s.start_tagged(ContentTag::Span(SpanTag::empty()));
    draw_text(s, run, ink, cx.book, cx.mode, cx.strict, &mut cx.copies.borrow_mut());
    s.end_tagged();
    if cx.locate {
        s.reset_location();
    }
    let (x, y) = to_pdf.apply(run.x, run.y - run.size);
    tagger.content(mark, index, *pdf_page, Point::from_xy(x, y), id, link_of(cx, index, run, mark));
}

/// The link whose text `run` is: a link of its block on leaflet page
/// `index` whose box holds the run (flow gives a link's words runs of
/// their own).
fn link_of(
    cx: &Ctx,
    index: usize,
    run: &TextRun,
    mark: crate::pages::Mark,
) -> Option<tags::LinkKey> {
    let page = cx.doc.pages.get(index)?;
    let (x0, x1) = (run.x, run.x + run.width());
    page.links
        .iter()
        .position(|l| {
            l.mark == Some(mark)
                && x0 >= l.x - 0.5
                && x1 <= l.x + l.w + 0.5
                && run.y >= l.y
                && run.y <= l.y + l.h
        })
        .map(|li| (index, li))
}

/// A horizontal rule (the footer's) that runs into the QR code's square
/// stops at its quiet zone, so the code still scans.
fn clear_of_qr(x0: f32, y0: f32, x1: f32, y1: f32, square: Option<Area>) -> (f32, f32) {
    let Some(q) = square else { return (x0, x1) };
    let level = (y0 - y1).abs() < 0.01;
    let across = y0 >= q.y && y0 <= q.y + q.h;
    if level && across && x0.max(x1) > q.x {
        if x0 <= x1 {
            (x0, x1.min(q.x))
        } else {
            (x0.min(q.x), x1)
        }
    } else {
        (x0, x1)
    }
}

/// The layout's QR code if this page shows it: pages with a footer.
fn qr_on<'a>(page: &Page, spec: &'a LayoutSpec) -> Option<&'a QrCode> {
    let code = spec.footer.qr_code.as_ref()?;
    page.lines.iter().any(|l| l.kind == LineKind::Footer).then_some(code)
}

/// The dark modules as filled rectangles, one per horizontal run, in one
/// path: small files, and no hairline gaps between modules.
fn draw_qr(s: &mut Surface, code: &QrCode, mode: ColorMode) {
    let (x, y, module) = (code.x, code.y, code.module);
    let mut pb = PathBuilder::new();
    for (row, col, n) in code.matrix.runs() {
        if let Some(r) = Rect::from_xywh(
            x + col as f32 * module,
            y + row as f32 * module,
            n as f32 * module,
            module,
        ) {
            pb.push_rect(r);
        }
    }
    if let Some(path) = pb.finish() {
        s.set_stroke(None);
        s.set_fill(Some(fill(Ink::Black, mode)));
        s.draw_path(&path);
    }
}

/// Warns when the QR code (with its quiet zone) covers text: the footer
/// has not made room for it.
fn qr_overlaps(doc: &Document, spec: &LayoutSpec, code: &QrCode) -> Vec<Warning> {
    // The code's square with its quiet zone towards the text.
    let (l, t, r, b) = (code.x - code.quiet, code.y - code.quiet, code.right, code.bottom);
    let mut bad = Vec::new();
    for (i, page) in doc.pages.iter().enumerate() {
        if !page.lines.iter().any(|l| l.kind == LineKind::Footer) {
            continue;
        }
        let hit = page.elements.iter().any(|e| match e {
            Element::Text(run) => {
                let (x0, x1) = (run.x, run.x + run.width());
                let (y0, y1) = (run.y - run.size * 0.75, run.y + run.size * 0.25);
                x1 > l && x0 < r && y1 > t && y0 < b
            }
            _ => false,
        });
        if hit {
            bad.push((i + 1).to_string());
        }
    }
    if bad.is_empty() {
        return Vec::new();
    }
    let at = spec.location();
    vec![Warning::new(
        at,
        format!(
            "the footer's QR code covers text on page {}; the footer needs {:.0} mm of room for it — use `footer.on = \"last-page\"` or larger margins",
            bad.join(", "),
            code.room / crate::spec::PT_PER_MM
        ),
    )]
}
