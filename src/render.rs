//! Stage 6: laid-out pages become PDF bytes (krilla), and files are written
//! atomically.
//!
//! krilla stays behind this module: the layout types know nothing of it.

mod deflate;

use std::ops::Range;

use krilla::action::LinkAction;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::{cmyk, luma, rgb};
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, LineCap, Paint, Stroke};
use krilla::surface::Surface;
use krilla::text::GlyphId;
use krilla::{Document as PdfDocument, SerializeSettings};
use unicode_bidi::BidiClass;

use crate::error::{Error, Location, Result, Warning};
use crate::fonts::FontBook;
use crate::impose::{self, Area, SheetSide};
use crate::pages::{Document, Element, Ink, LineKind, Page, TextRun};
use crate::qr::Matrix;
use crate::shape::Glyph;
use crate::spec::{Band, ColorMode, LayoutSpec, QrCode, Rgb};

/// A glyph as krilla wants it; keeps krilla out of the layout types.
#[derive(Clone)]
struct PdfGlyph {
    id: u16,
    /// The characters it stands for in the text handed to krilla.
    text: Range<usize>,
    /// Advance at a font size of 1 pt: krilla asks for it at 1 pt and
    /// subtracts the font's advance, so an advance of whole thousandths of
    /// an em stored as such gives a whole adjustment (`7`, not
    /// `7.0000153`), which keeps the content stream short.
    unit: f32,
    /// Offsets, scaled to the run's font size.
    dx: f32,
    dy: f32,
    /// Font size, to turn absolute advances back into em.
    size: f32,
}

impl PdfGlyph {
    /// The glyph as laid out; .notdef is drawn as `notdef_as` (see
    /// [`draw_text`]).
    fn new(g: &Glyph, size: f32, notdef_as: u16) -> Self {
        let id = if g.id == 0 { notdef_as } else { g.id };
        PdfGlyph { id, text: g.text.clone(), unit: g.advance / size, dx: g.dx, dy: g.dy, size }
    }
}

impl krilla::text::Glyph for PdfGlyph {
    fn glyph_id(&self) -> GlyphId {
        GlyphId::new(u32::from(self.id))
    }
    fn text_range(&self) -> Range<usize> {
        self.text.clone()
    }
    fn x_advance(&self, size: f32) -> f32 {
        self.unit * size
    }
    fn x_offset(&self, size: f32) -> f32 {
        // Written into the same adjustments as the advance: whole
        // thousandths of an em too.
        (self.dx / self.size * 1000.0).round() / 1000.0 * size
    }
    fn y_offset(&self, size: f32) -> f32 {
        self.dy / self.size * size
    }
    fn y_advance(&self, _size: f32) -> f32 {
        0.0
    }
    fn location(&self) -> Option<krilla::surface::Location> {
        None
    }
}

/// Maps an ink to a paint for the layout's color mode.
fn paint(ink: Ink, mode: ColorMode) -> Paint {
    match (ink, mode) {
        (Ink::Black, ColorMode::Cmyk) => cmyk::Color::new(0, 0, 0, 255).into(),
        (Ink::Black, _) => luma::Color::black().into(),
        (Ink::Gray(v), ColorMode::Cmyk) => cmyk::Color::new(0, 0, 0, 255 - v).into(),
        (Ink::Gray(v), _) => luma::Color::new(v).into(),
        // Links and accents print black on a copier: a gray would be
        // dithered and read worse.
        (Ink::Accent(..), ColorMode::Gray) => luma::Color::black().into(),
        (Ink::Accent(r, g, b), ColorMode::Color) => rgb::Color::new(r, g, b).into(),
        (Ink::Accent(r, g, b), ColorMode::Cmyk) => to_cmyk(r, g, b).into(),
    }
}

/// A naive RGB to CMYK conversion (no profile): enough for accents.
fn to_cmyk(r: u8, g: u8, b: u8) -> cmyk::Color {
    let (r, g, b) = (f32::from(r) / 255.0, f32::from(g) / 255.0, f32::from(b) / 255.0);
    let k = 1.0 - r.max(g).max(b);
    let d = (1.0 - k).max(1e-6);
    let c = |v: f32| (((1.0 - v - k) / d) * 255.0).round().clamp(0.0, 255.0) as u8;
    cmyk::Color::new(c(r), c(g), c(b), (k * 255.0).round() as u8)
}

/// The paint of a background band: in gray mode a gray of the same
/// lightness, so a red band stays a dark band on a copier.
fn band_paint(c: Rgb, mode: ColorMode) -> Paint {
    match mode {
        ColorMode::Gray => luma::Color::new((c.luminance() * 255.0).round() as u8).into(),
        ColorMode::Color => rgb::Color::new(c.r, c.g, c.b).into(),
        ColorMode::Cmyk => to_cmyk(c.r, c.g, c.b).into(),
    }
}

/// Crop and cut marks: registration black (all inks, so they show on every
/// plate), or plain black in gray mode.
fn mark_paint(mode: ColorMode) -> Paint {
    match mode {
        ColorMode::Gray => luma::Color::black().into(),
        _ => cmyk::Color::new(255, 255, 255, 255).into(),
    }
}

fn fill(ink: Ink, mode: ColorMode) -> Fill {
    fill_with(paint(ink, mode))
}

fn fill_with(paint: Paint) -> Fill {
    Fill { paint, opacity: NormalizedF32::ONE, rule: FillRule::NonZero }
}

/// Width of crop and cut marks: a hairline that still prints.
pub const MARK_WIDTH: f32 = 0.25;
/// Room beyond the bleed for crop marks.
pub const MARK_ROOM: f32 = 18.0;
/// Gap between the bleed edge and a crop mark.
pub const MARK_OFFSET: f32 = 3.0;

/// How to write the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Compress content streams (off only to read the PDF in tests).
    pub compress: bool,
    /// A creation date to record (from `SOURCE_DATE_EPOCH`); none by
    /// default, so reruns give the same bytes.
    pub creation_date: Option<CreationDate>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { compress: true, creation_date: None }
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
/// No timestamps are written, so the same input gives the same bytes.
pub fn render_with(
    doc: &Document,
    spec: &LayoutSpec,
    book: &FontBook,
    opts: &RenderOptions,
) -> Result<(Vec<u8>, Vec<Warning>)> {
    let settings = SerializeSettings {
        xmp_metadata: false,
        // Deflated below, faster than krilla does it (see `deflate`).
        compress_content_streams: false,
        ..SerializeSettings::default()
    };
    let mut pdf = PdfDocument::new_with(settings);
    let mut warnings = spec.footer.qr_warnings.clone();
    if let Some(code) = &spec.footer.qr_code {
        warnings.extend(qr_overlaps(doc, spec, code));
    }
    let cx = Ctx { spec, book, mode: spec.print.color, qr: spec.footer.qr_code.as_ref() };
    let (pw, ph) =
        doc.pages.first().map_or((spec.page.width, spec.page.height), |p| (p.width, p.height));
    match impose::impose(doc.pages.len(), pw, ph, spec) {
        Some(sides) => {
            for side in &sides {
                render_side(&mut pdf, doc, side, &cx)?;
            }
        }
        None => {
            for (i, page) in doc.pages.iter().enumerate() {
                render_single(&mut pdf, page, i, &cx)?;
            }
        }
    }
    let mut meta = Metadata::new().creator("handbill".into());
    if let Some(t) = &doc.meta.title {
        meta = meta.title(t.clone());
    }
    if let Some(a) = &doc.meta.author {
        meta = meta.authors(vec![a.clone()]);
    }
    let lang = doc.meta.lang.clone().unwrap_or_else(|| spec.body.language.clone());
    meta = meta.language(lang);
    if let Some(d) = opts.creation_date {
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
    let bytes = pdf.finish().map_err(|e| {
        Error::file(
            "<pdf>",
            format!("could not write the PDF: {e:?}"),
            "this is a bug in handbill; please report it",
        )
    })?;
    let bytes = if opts.compress { deflate::deflate_streams(bytes, DEFLATE_LEVEL) } else { bytes };
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
    mode: ColorMode,
    qr: Option<&'a QrCode>,
}

fn size_error() -> Error {
    Error::file("<layout>", "page size must be greater than zero", "check `page.size`")
}

fn rect(a: &Area) -> Option<Rect> {
    Rect::from_xywh(a.x, a.y, a.w, a.h)
}

/// One leaflet page on its own PDF page, with bleed and crop marks.
fn render_single(pdf: &mut PdfDocument, page: &Page, index: usize, cx: &Ctx) -> Result<()> {
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
        s.push_transform(&Transform::from_translate(off, off));
        draw_page(&mut s, page, index, cx);
        s.pop();
        if cx.spec.print.crop_marks {
            let marks = crop_marks(&trim, bleed + MARK_OFFSET, room - MARK_OFFSET - 0.5);
            stroke_marks(&mut s, &marks, cx.mode);
        }
        s.finish();
    }
    for l in &page.links {
        let area = Area { x: l.x + off, y: l.y + off, w: l.w.max(0.1), h: l.h.max(0.1) };
        add_link(&mut p, &area, &l.url);
    }
    if let Some(area) = qr_area(page, index, cx) {
        let area = Area { x: area.x + off, y: area.y + off, ..area };
        add_link(&mut p, &area, &cx.spec.footer.link);
    }
    p.finish();
    Ok(())
}

/// One side of an imposed sheet: every copy, then the cut marks.
fn render_side(pdf: &mut PdfDocument, doc: &Document, side: &SheetSide, cx: &Ctx) -> Result<()> {
    let sheet = Area { x: 0.0, y: 0.0, w: side.width, h: side.height };
    let settings = PageSettings::from_wh(side.width, side.height)
        .ok_or_else(size_error)?
        .with_trim_box(rect(&sheet));
    let mut p = pdf.start_page_with(settings);
    {
        let mut s = p.surface();
        for pl in &side.placements {
            let Some(page) = doc.pages.get(pl.page) else { continue };
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
            let t = pl.transform;
            s.push_transform(&Transform::from_row(t.a, t.b, t.c, t.d, t.e, t.f));
            draw_page(&mut s, page, pl.page, cx);
            s.pop();
            if clipped {
                s.pop();
            }
        }
        stroke_marks(&mut s, &cut_marks(doc, side), cx.mode);
        s.finish();
    }
    for pl in &side.placements {
        let Some(page) = doc.pages.get(pl.page) else { continue };
        for l in &page.links {
            let area = impose::bounds(&pl.transform, l.x, l.y, l.w.max(0.1), l.h.max(0.1));
            add_link(&mut p, &area, &l.url);
        }
        if let Some(a) = qr_area(page, pl.page, cx) {
            add_link(
                &mut p,
                &impose::bounds(&pl.transform, a.x, a.y, a.w, a.h),
                &cx.spec.footer.link,
            );
        }
    }
    p.finish();
    Ok(())
}

fn add_link(p: &mut krilla::page::Page, area: &Area, url: &str) {
    if url.is_empty() {
        return;
    }
    if let Some(r) = rect(area) {
        let target = Target::Action(LinkAction::new(url.to_owned()).into());
        p.add_annotation(Annotation::new_link(
            LinkAnnotation::new(r, target),
            Some(url.to_owned()),
        ));
    }
}

/// A straight mark from (x0, y0) to (x1, y1).
type Mark = (f32, f32, f32, f32);

/// Crop marks at the four corners of `trim`: two per corner, on the trim
/// lines' extensions, starting `offset` outside the trim and `len` long.
pub fn crop_marks(trim: &Area, offset: f32, len: f32) -> Vec<Mark> {
    let len = len.max(3.0);
    let (l, t, r, b) = (trim.x, trim.y, trim.x + trim.w, trim.y + trim.h);
    let mut out = Vec::new();
    for (x, sx) in [(l, -1.0), (r, 1.0)] {
        for (y, sy) in [(t, -1.0), (b, 1.0)] {
            // Horizontal mark on the line y, out to the side.
            out.push((x + sx * offset, y, x + sx * (offset + len), y));
            // Vertical mark on the line x, out above or below.
            out.push((x, y + sy * offset, x, y + sy * (offset + len)));
        }
    }
    out
}

/// Cut marks of an imposed sheet: short ticks on every cut line, at the
/// sheet edges, outside the copies' trims where the sheet leaves room, and
/// otherwise inside the copies' margins, where there is no content.
fn cut_marks(doc: &Document, side: &SheetSide) -> Vec<Mark> {
    const LEN: f32 = 12.0;
    const OFFSET: f32 = 3.0;
    let (sw, sh) = (side.width, side.height);
    let trims: Vec<Area> = side.placements.iter().map(|p| p.trim).collect();
    // The copies as a block.
    let top = trims.iter().map(|a| a.y).fold(sh, f32::min);
    let bottom = trims.iter().map(|a| a.y + a.h).fold(0.0, f32::max);
    let left = trims.iter().map(|a| a.x).fold(sw, f32::min);
    let right = trims.iter().map(|a| a.x + a.w).fold(0.0, f32::max);
    // How far a tick may reach into a copy without touching content: the
    // smallest white space between the trim and what is drawn.
    let inset = doc.pages.iter().map(page_white_margin).fold(f32::MAX, f32::min);
    let inside = (inset * 0.6).min(LEN);
    let mut out = Vec::new();
    for &x in &side.cuts_x {
        out.push(edge_tick(x, top, 0.0, true, inside, LEN, OFFSET));
        out.push(edge_tick(x, bottom, sh, true, inside, LEN, OFFSET));
    }
    for &y in &side.cuts_y {
        out.push(edge_tick(y, left, 0.0, false, inside, LEN, OFFSET));
        out.push(edge_tick(y, right, sw, false, inside, LEN, OFFSET));
    }
    out.into_iter().flatten().collect()
}

/// A tick on the cut line at `pos` (x when `vertical`), between the block's
/// edge `block` and the sheet's edge `edge`: in the free strip if there is
/// one, else reaching `inside` into the copies from the sheet edge.
fn edge_tick(
    pos: f32,
    block: f32,
    edge: f32,
    vertical: bool,
    inside: f32,
    len: f32,
    offset: f32,
) -> Option<Mark> {
    let free = (block - edge).abs();
    let dir = if edge > block { 1.0 } else { -1.0 };
    let (a, b) = if free >= offset + 4.0 {
        (block + dir * offset, block + dir * (offset + len).min(free))
    } else if inside >= 2.0 {
        (edge - dir * inside, edge)
    } else {
        return None;
    };
    Some(if vertical { (pos, a, pos, b) } else { (a, pos, b, pos) })
}

/// The white space between a page's trim and its nearest mark.
fn page_white_margin(page: &Page) -> f32 {
    let mut m = f32::MAX;
    for e in &page.elements {
        let (l, t, r, b) = match e {
            Element::Text(run) => {
                (run.x, run.y - run.size, run.x + run.width(), run.y + run.size * 0.3)
            }
            Element::Rule { x0, y0, x1, y1, .. } => {
                (x0.min(*x1), y0.min(*y1), x0.max(*x1), y0.max(*y1))
            }
            Element::Rect { x, y, w, h, .. } => (*x, *y, x + w, y + h),
        };
        m = m.min(l).min(t).min(page.width - r).min(page.height - b);
    }
    m.max(0.0)
}

fn stroke_marks(s: &mut Surface, marks: &[Mark], mode: ColorMode) {
    let mut pb = PathBuilder::new();
    for &(x0, y0, x1, y1) in marks {
        pb.move_to(x0, y0);
        pb.line_to(x1, y1);
    }
    if let Some(path) = pb.finish() {
        s.set_fill(None);
        s.set_stroke(Some(Stroke {
            paint: mark_paint(mode),
            width: MARK_WIDTH,
            line_cap: LineCap::Butt,
            ..Stroke::default()
        }));
        s.draw_path(&path);
        s.set_stroke(None);
    }
}

/// The masthead band on page 1 and its bottom edge, if the layout has one:
/// `air` below the masthead's rule, within the masthead.
fn band<'a>(page: &Page, index: usize, spec: &'a LayoutSpec) -> Option<(&'a Band, f32)> {
    if index != 0 || page.masthead_bottom <= 0.0 {
        return None;
    }
    let band = spec.masthead.band.as_ref()?;
    let rule = page
        .elements
        .iter()
        .filter_map(|e| match e {
            Element::Rule { y0, y1, .. } if y0.max(*y1) < page.masthead_bottom => Some(y0.max(*y1)),
            _ => None,
        })
        .fold(None, |m: Option<f32>, y| Some(m.map_or(y, |m| m.max(y))));
    let bottom = rule.map_or(page.masthead_bottom, |y| (y + band.air).min(page.masthead_bottom));
    Some((band, bottom))
}

/// Draws one leaflet page in its own coordinates (trim top-left origin):
/// background band, elements, QR code.
fn draw_page(s: &mut Surface, page: &Page, index: usize, cx: &Ctx) {
    let mut on_band = None;
    if let Some((band, bottom)) = band(page, index, cx.spec) {
        if let Some(rect) = Rect::from_xywh(band.x, band.y, band.width, bottom - band.y) {
            let mut pb = PathBuilder::new();
            pb.push_rect(rect);
            if let Some(path) = pb.finish() {
                s.set_stroke(None);
                s.set_fill(Some(fill_with(band_paint(band.color, cx.mode))));
                s.draw_path(&path);
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
    let qr_square = qr_area(page, index, cx).zip(cx.qr).map(|(a, code)| {
        let quiet = code.quiet;
        Area { x: a.x - quiet, y: a.y - quiet, w: a.w + quiet, h: a.h + quiet }
    });
    for el in &page.elements {
        match el {
            Element::Text(run) => {
                let ink = ink_at(run.ink, run.y);
                draw_text(s, run, ink, cx.book, cx.mode);
            }
            Element::Rule { x0, y0, x1, y1, width, ink } => {
                let (x0, x1) = clear_of_qr(*x0, *y0, *x1, *y1, qr_square);
                let mut pb = PathBuilder::new();
                pb.move_to(x0, *y0);
                pb.line_to(x1, *y1);
                if let Some(path) = pb.finish() {
                    s.set_fill(None);
                    s.set_stroke(Some(Stroke {
                        paint: paint(ink_at(*ink, y0.max(*y1)), cx.mode),
                        width: *width,
                        line_cap: LineCap::Butt,
                        ..Stroke::default()
                    }));
                    s.draw_path(&path);
                    s.set_stroke(None);
                }
            }
            Element::Rect { x, y, w, h, ink } => {
                let mut pb = PathBuilder::new();
                if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                    pb.push_rect(r);
                }
                if let Some(path) = pb.finish() {
                    s.set_stroke(None);
                    s.set_fill(Some(fill(ink_at(*ink, *y), cx.mode)));
                    s.draw_path(&path);
                }
            }
        }
    }
    if let (Some(code), Some(area)) = (cx.qr, qr_area(page, index, cx)) {
        draw_qr(s, &code.matrix, code.module, area.x, area.y, cx.mode);
    }
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

/// Where the dark modules of the QR code go on a page (page coordinates),
/// or `None` where the page has no footer or the layout no code.
fn qr_area(page: &Page, _index: usize, cx: &Ctx) -> Option<Area> {
    let code = cx.qr?;
    if !page.lines.iter().any(|l| l.kind == LineKind::Footer) {
        return None;
    }
    Some(Area { x: code.x, y: code.y, w: code.side, h: code.side })
}

/// The dark modules as filled rectangles, one per horizontal run, in one
/// path: small files, and no hairline gaps between modules.
fn draw_qr(s: &mut Surface, m: &Matrix, module: f32, x: f32, y: f32, mode: ColorMode) {
    let mut pb = PathBuilder::new();
    for (row, col, n) in m.runs() {
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
    let at = spec.path.as_ref().map(Location::file).unwrap_or_default();
    vec![Warning::new(
        at,
        format!(
            "the footer's QR code covers text on page {}; the footer needs {:.0} mm of room for it — use `footer.on = \"last-page\"` or larger margins",
            bad.join(", "),
            code.room / crate::spec::PT_PER_MM
        ),
    )]
}

fn draw_text(s: &mut Surface, run: &TextRun, ink: Ink, book: &FontBook, mode: ColorMode) {
    if run.glyphs.is_empty() || run.size <= 0.0 {
        return;
    }
    let face = book.face(run.face);
    s.set_stroke(None);
    s.set_fill(Some(fill(ink, mode)));
    // A character no font has: the PDF's ToUnicode map leaves out glyph 0,
    // so its text would be lost. Draw the (blank) space glyph, which carries
    // the character as text, and outline a box where .notdef would stand.
    let space = face.font.charmap().map_unicode(' ').map_or(0, |g| g.to_u32() as u16);
    // An expanded line is drawn in a coordinate system scaled horizontally
    // about the run's start, where the glyphs keep their designed advances
    // (so the PDF needs offsets only for kerning and spaces).
    let expanded = (run.expand - 1.0).abs() > 1e-5 && run.expand > 0.0;
    let unscaled: Vec<Glyph>;
    let run_glyphs: &[Glyph] = if expanded {
        unscaled = run
            .glyphs
            .iter()
            .map(|g| Glyph { advance: g.advance / run.expand, dx: g.dx / run.expand, ..g.clone() })
            .collect();
        &unscaled
    } else {
        &run.glyphs
    };
    let (glyphs, text) = if run.rtl {
        // A default-ignorable character's glyph: blank and of no width.
        let zwsp = face.font.charmap().map_unicode('\u{200B}').map_or(space, |g| g.to_u32() as u16);
        rtl_glyphs(run_glyphs, &run.text, run.size, space, zwsp)
    } else {
        let glyphs = run_glyphs
            .iter()
            .zip(pdf_advances(run_glyphs, run.size))
            .map(|(g, em)| PdfGlyph { unit: em / 1000.0, ..PdfGlyph::new(g, run.size, space) })
            .collect();
        (glyphs, run.text.clone())
    };
    if space != 0 && run.glyphs.iter().any(|g| g.id == 0) {
        let mut x = run.x;
        let (h, w_share) = (face.cap_height.max(0.5) * run.size, 0.8);
        for g in &run.glyphs {
            if g.id == 0 {
                let w = g.advance * w_share;
                let x0 = x + g.dx + (g.advance - w) / 2.0;
                if let Some(r) = Rect::from_xywh(x0, run.y - g.dy - h, w.max(0.5), h) {
                    let mut pb = PathBuilder::new();
                    pb.push_rect(r);
                    if let Some(path) = pb.finish() {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            paint: paint(ink, mode),
                            width: (run.size * 0.05).max(0.3),
                            ..Stroke::default()
                        }));
                        s.draw_path(&path);
                        s.set_stroke(None);
                        s.set_fill(Some(fill(ink, mode)));
                    }
                }
            }
            x += g.advance;
        }
    }
    if expanded {
        s.push_transform(&Transform::from_row(run.expand, 0.0, 0.0, 1.0, run.x, 0.0));
        s.draw_glyphs(
            Point::from_xy(0.0, run.y),
            &glyphs,
            face.pdf.clone(),
            &text,
            run.size,
            false,
        );
        s.pop();
    } else {
        s.draw_glyphs(
            Point::from_xy(run.x, run.y),
            &glyphs,
            face.pdf.clone(),
            &text,
            run.size,
            false,
        );
    }
}

/// The glyphs of a right-to-left run as written to the PDF, and the text
/// they point into.
///
/// Glyphs stay in visual order, left to right, which is the order poppler
/// needs (it sorts characters by position and then reverses right-to-left
/// lines); MuPDF sees the pen move forward over right-to-left characters
/// and reverses them too. What both need is one glyph per cluster that
/// carries all of the cluster's text and covers its whole width: readers
/// place ActualText at a span's first glyph (MuPDF) or across the span
/// from its first glyph's origin to its last glyph's end (poppler), and a
/// dot or vowel mark drawn first or last, at an offset and with no width,
/// would put the text off the baseline or leave a gap read as a space.
/// So the widest glyph of each cluster stands for it and takes its whole
/// advance, and the cluster's other glyphs (Noto Naskh draws the dots of
/// ب ت ن ي as glyphs of their own, and every vowel mark) are drawn after
/// the run, at their places, in one span with empty ActualText: they are
/// ink, not text.
///
/// Both readers reverse a right-to-left line character by character, marks
/// included, so the text of a cluster of several characters in which not
/// all are strong right-to-left (a letter and its vowel mark) is written
/// reversed; poppler keeps a cluster of right-to-left letters only (a
/// ligature) in its own order, so that is left alone. Such a reversed
/// cluster also gets `zwsp`, a blank glyph of no width, after its base, in
/// its span: MuPDF matches a span's text against its glyphs' own codes at
/// both ends, and a last glyph whose code (the letter) ends the text would
/// make it drop the rest (the mark). Poppler spreads the text from the
/// base's start to the blank glyph's end, as before.
fn rtl_glyphs(
    glyphs: &[Glyph],
    text: &str,
    size: f32,
    blank: u16,
    zwsp: u16,
) -> (Vec<PdfGlyph>, String) {
    let mut out = Vec::with_capacity(glyphs.len());
    let mut ink: Vec<PdfGlyph> = Vec::new();
    let mut text = text.to_string();
    let mut pen = 0.0;
    let mut i = 0;
    while i < glyphs.len() {
        let range = glyphs[i].text.clone();
        let n = glyphs[i..].iter().take_while(|g| g.text == range).count().max(1);
        let cluster = &glyphs[i..i + n];
        i += n;
        if n == 1 || range.is_empty() {
            out.push(PdfGlyph::new(&cluster[0], size, blank));
            pen += cluster[0].advance;
            continue;
        }
        let base =
            (0..n).fold(0, |b, k| if cluster[k].advance > cluster[b].advance { k } else { b });
        let strong = |c: char| matches!(unicode_bidi::bidi_class(c), BidiClass::R | BidiClass::AL);
        let reversed = text
            .get(range.clone())
            .is_some_and(|t| t.chars().nth(1).is_some() && !t.chars().all(strong));
        let mut at = pen;
        for (k, g) in cluster.iter().enumerate() {
            let mut pg = PdfGlyph::new(g, size, blank);
            // Offsets from the pen where this glyph is written: the base at
            // the cluster's start, the others after the run's end.
            pg.dx = at + g.dx;
            if k == base {
                pg.dx -= pen;
                pg.unit = cluster.iter().map(|g| g.advance).sum::<f32>() / size;
                let text = pg.text.clone();
                out.push(pg);
                if reversed {
                    let mut z = PdfGlyph::new(g, size, blank);
                    (z.id, z.text, z.unit, z.dx, z.dy) = (zwsp, text, 0.0, 0.0, 0.0);
                    out.push(z);
                }
            } else {
                pg.unit = 0.0;
                ink.push(pg);
            }
            at += g.advance;
        }
        pen = at;
        if reversed {
            let rev: String = text[range.clone()].chars().rev().collect();
            text.replace_range(range, &rev);
        }
    }
    if ink.is_empty() {
        return (out, text);
    }
    // An empty span needs two glyphs (one alone would get a plain, empty
    // ToUnicode entry, which MuPDF reads as its glyph number): a blank glyph
    // of no width keeps it company.
    if ink.len() == 1 {
        let mut b = PdfGlyph::new(&glyphs[0], size, blank);
        (b.id, b.unit, b.dx, b.dy) = (blank, 0.0, pen, 0.0);
        ink.push(b);
    }
    let end = text.len()..text.len();
    for mut g in ink {
        g.dx -= pen;
        g.text = end.clone();
        out.push(g);
    }
    (out, text)
}

/// Glyph advances in whole thousandths of an em, the unit of a PDF text
/// adjustment. Letter-spacing and kerning make most glyphs differ from the
/// font's advance, and each difference is written as a number: exact ones
/// print as `-7.3926697`, rounded ones as `-7`, which halves the content
/// stream and the time spent compressing it. Each glyph ends where the
/// rounded sum of the advances before it ends, so the error never adds up
/// along a line: a glyph moves by at most half a thousandth of an em.
fn pdf_advances(glyphs: &[Glyph], size: f32) -> impl Iterator<Item = f32> + '_ {
    let (mut exact, mut placed) = (0.0_f64, 0.0_f64);
    glyphs.iter().map(move |g| {
        exact += f64::from(g.advance) / f64::from(size) * 1000.0;
        let end = exact.round();
        let advance = end - placed;
        placed = end;
        advance as f32
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(id: u16, advance: f32, dx: f32, text: Range<usize>) -> Glyph {
        Glyph { id, advance, dx, dy: 0.0, text }
    }

    /// Where each glyph id is drawn, as krilla places it: at the pen plus
    /// its offset, the pen moving by the advances.
    fn drawn(glyphs: &[PdfGlyph]) -> Vec<(u16, f32)> {
        let mut pen = 0.0;
        let mut out: Vec<(u16, f32)> = glyphs
            .iter()
            .map(|g| {
                let x = pen + g.dx;
                pen += g.unit * g.size;
                (g.id, x)
            })
            .collect();
        out.sort_by_key(|g| g.0);
        out
    }

    #[test]
    fn rtl_clusters_have_one_glyph_with_their_text_and_width() {
        // "بُن" shaped right to left: ن (base 3, dot 4), then بُ (base 1,
        // dot 2, damma 5), in visual order; a space (6) between.
        let text = "بُ ن";
        let glyphs = vec![
            glyph(3, 6.0, 0.0, 5..7),
            glyph(4, 0.0, -3.0, 5..7),
            glyph(6, 2.0, 0.0, 4..5),
            glyph(2, 0.0, 2.0, 0..4),
            glyph(1, 5.0, 0.0, 0..4),
            glyph(5, 0.0, -2.5, 0..4),
        ];
        let (out, written) = rtl_glyphs(&glyphs, text, 10.0, 6, 7);
        // Nothing moves on the page.
        let before: Vec<PdfGlyph> = glyphs.iter().map(|g| PdfGlyph::new(g, 10.0, 6)).collect();
        let ink: Vec<PdfGlyph> = out.iter().filter(|g| g.id != 7).map(PdfGlyph::clone).collect();
        let (want, got) = (drawn(&before), drawn(&ink));
        assert_eq!(want.len(), got.len());
        for (w, g) in want.iter().zip(&got) {
            assert!(w.0 == g.0 && (w.1 - g.1).abs() < 1e-4, "{w:?} moved to {g:?}");
        }
        // The bases come first, in visual order, each with its cluster's
        // text and whole width; the letter with its mark is written
        // reversed (readers reverse it back) and its span ends with a
        // blank glyph (7) of no width at the cluster's end; dots and marks
        // follow with no text.
        let with_text: Vec<(u16, &str, f32, f32)> = out
            .iter()
            .filter(|g| !g.text.is_empty())
            .map(|g| (g.id, &written[g.text.clone()], g.unit * g.size, g.dx))
            .collect();
        let bu = "\u{64f}ب";
        let want =
            vec![(3, "ن", 6.0, 0.0), (6, " ", 2.0, 0.0), (1, bu, 5.0, 0.0), (7, bu, 0.0, 0.0)];
        assert_eq!(with_text, want);
        assert!(out[4..].iter().all(|g| g.text.is_empty() && g.unit == 0.0));
        assert_eq!(out[4..].iter().map(|g| g.id).collect::<Vec<_>>(), vec![4, 2, 5]);
    }

    #[test]
    fn a_lone_mark_gets_a_blank_companion() {
        // One empty-text glyph alone would get a plain, empty ToUnicode
        // entry; two make an ActualText span.
        let glyphs = vec![glyph(3, 6.0, 0.0, 0..2), glyph(4, 0.0, -3.0, 0..2)];
        let (out, _) = rtl_glyphs(&glyphs, "ن", 10.0, 9, 8);
        assert_eq!(out.iter().map(|g| g.id).collect::<Vec<_>>(), vec![3, 4, 9]);
        assert!(out[1..].iter().all(|g| g.text.is_empty() && g.text == out[2].text));
    }
}
