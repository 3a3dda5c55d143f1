//! PNG previews of laid-out pages, drawn from the [`Document`] itself (not
//! the PDF), so a preview needs no PDF viewer and shows exactly what the
//! layout stage placed.
//!
//! Glyphs are rasterized with `fontdue` from the same font files the book
//! loaded; rules and rectangles are drawn directly. Images are 8-bit gray,
//! anti-aliased, white paper.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fonts::{FaceId, FontBook};
use crate::pages::{Document, Element, Ink, Page, TextRun};

/// Dots per inch used when none is given.
pub const DEFAULT_DPI: f32 = 100.0;

/// The largest preview side accepted, in pixels; a guard against a typo in
/// `--dpi` eating all memory.
pub const MAX_SIDE: u32 = 20_000;

/// An 8-bit gray image, row by row, 0 = black, 255 = white.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrayImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height` samples, top row first.
    pub pixels: Vec<u8>,
}

impl GrayImage {
    /// A white image.
    pub fn white(width: u32, height: u32) -> Self {
        Self { width, height, pixels: vec![255; width as usize * height as usize] }
    }

    /// The sample at (x, y); white outside the image.
    pub fn get(&self, x: u32, y: u32) -> u8 {
        if x < self.width && y < self.height {
            self.pixels[y as usize * self.width as usize + x as usize]
        } else {
            255
        }
    }

    /// Lays `ink` over the pixel at (x, y) with coverage `alpha` (0..=1).
    fn blend(&mut self, x: i64, y: i64, ink: u8, alpha: f32) {
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) {
            return;
        }
        let a = alpha.clamp(0.0, 1.0);
        if a <= 0.0 {
            return;
        }
        let i = y as usize * self.width as usize + x as usize;
        let old = f32::from(self.pixels[i]);
        self.pixels[i] = (old + (f32::from(ink) - old) * a).round().clamp(0.0, 255.0) as u8;
    }

    /// Encodes the image as PNG.
    pub fn to_png(&self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let fail = |e: png::EncodingError| {
            Error::file("<preview>", format!("could not encode the PNG: {e}"), "")
        };
        {
            let mut enc = png::Encoder::new(&mut out, self.width.max(1), self.height.max(1));
            enc.set_color(png::ColorType::Grayscale);
            enc.set_depth(png::BitDepth::Eight);
            let mut w = enc.write_header().map_err(fail)?;
            if self.width == 0 || self.height == 0 {
                w.write_image_data(&[255]).map_err(fail)?;
            } else {
                w.write_image_data(&self.pixels).map_err(fail)?;
            }
        }
        Ok(out)
    }

    /// Shrinks the image to `width` pixels wide (box filter), keeping the
    /// aspect ratio.
    pub fn thumbnail(&self, width: u32) -> GrayImage {
        if self.width == 0 || self.height == 0 || width == 0 {
            return GrayImage::white(width.max(1), 1);
        }
        let k = self.width as f32 / width as f32;
        let height = ((self.height as f32 / k).round() as u32).max(1);
        let mut t = GrayImage::white(width, height);
        for ty in 0..height {
            let y0 = (ty as f32 * k) as u32;
            let y1 = (((ty + 1) as f32 * k) as u32).clamp(y0 + 1, self.height);
            for tx in 0..width {
                let x0 = (tx as f32 * k) as u32;
                let x1 = (((tx + 1) as f32 * k) as u32).clamp(x0 + 1, self.width);
                let mut sum = 0u64;
                let mut n = 0u64;
                for y in y0..y1 {
                    for x in x0..x1 {
                        sum += u64::from(self.get(x, y));
                        n += 1;
                    }
                }
                t.pixels[(ty * width + tx) as usize] = (sum / n.max(1)) as u8;
            }
        }
        t
    }

    /// Copies `other` into this image with its top-left corner at (x, y).
    fn paste(&mut self, other: &GrayImage, x: u32, y: u32) {
        for oy in 0..other.height {
            for ox in 0..other.width {
                let (px, py) = (x + ox, y + oy);
                if px < self.width && py < self.height {
                    self.pixels[(py * self.width + px) as usize] = other.get(ox, oy);
                }
            }
        }
    }
}

/// Something glyphs, rules and rectangles can be drawn on: the gray
/// previews here, the colour images to share (`crate::share`).
pub(crate) trait Canvas {
    /// What one pixel is inked with.
    type Ink: Copy;
    /// Width in pixels.
    fn width(&self) -> u32;
    /// Height in pixels.
    fn height(&self) -> u32;
    /// Lays `ink` over the pixel at (x, y) with coverage `alpha` (0..=1);
    /// pixels outside the image are left alone.
    fn blend(&mut self, x: i64, y: i64, ink: Self::Ink, alpha: f32);
}

impl Canvas for GrayImage {
    type Ink = u8;

    fn width(&self) -> u32 {
        self.width
    }

    fn height(&self) -> u32 {
        self.height
    }

    fn blend(&mut self, x: i64, y: i64, ink: u8, alpha: f32) {
        GrayImage::blend(self, x, y, ink, alpha);
    }
}

/// Rasterizes glyphs, loading each font file once and keeping every glyph
/// bitmap it has drawn.
pub(crate) struct Rasterizer<'a> {
    book: &'a FontBook,
    fonts: HashMap<FaceId, fontdue::Font>,
    glyphs: HashMap<(FaceId, u16, u32), (fontdue::Metrics, Vec<u8>)>,
}

impl<'a> Rasterizer<'a> {
    pub(crate) fn new(book: &'a FontBook) -> Self {
        Self { book, fonts: HashMap::new(), glyphs: HashMap::new() }
    }

    fn font(&mut self, id: FaceId) -> Result<&fontdue::Font> {
        if !self.fonts.contains_key(&id) {
            if id >= self.book.len() {
                return Err(Error::file(
                    "<preview>",
                    format!("the page uses font number {id}, which is not loaded"),
                    "this is a bug in handbill; please report it",
                ));
            }
            let face = self.book.face(id);
            let settings =
                fontdue::FontSettings { collection_index: face.index(), ..Default::default() };
            let font = fontdue::Font::from_bytes(face.bytes(), settings).map_err(|e| {
                Error::file(&face.path, format!("cannot draw this font in a preview: {e}"), "")
            })?;
            self.fonts.insert(id, font);
        }
        match self.fonts.get(&id) {
            Some(f) => Ok(f),
            None => Err(Error::file("<preview>", "font cache lost a font", "")),
        }
    }

    /// Draws a run of glyphs in `ink`, `scale` pixels to the point.
    pub(crate) fn draw_run<C: Canvas>(
        &mut self,
        img: &mut C,
        run: &TextRun,
        scale: f32,
        ink: C::Ink,
    ) -> Result<()> {
        // Also rejects NaN sizes, which compare false to everything.
        if run.glyphs.is_empty() || !(run.size.is_finite() && run.size > 0.0) {
            return Ok(());
        }
        let px = run.size * scale;
        // Glyphs below a tenth of a pixel or above the image size draw nothing useful.
        if !(0.1..=f32::from(u16::MAX)).contains(&px) {
            return Ok(());
        }
        // Glyphs of an expanded line (`run.expand`, at most 2 % wider) are
        // drawn as designed, at their places: a difference below a pixel.
        let mut pen = run.x;
        for g in &run.glyphs {
            let key = (run.face, g.id, px.to_bits());
            if !self.glyphs.contains_key(&key) {
                let raster = self.font(run.face)?.rasterize_indexed(g.id, px);
                self.glyphs.insert(key, raster);
            }
            if let Some((m, bitmap)) = self.glyphs.get(&key) {
                // fontdue draws at whole pixels; the fraction of the pen position is
                // spread over neighbouring pixels (bilinear), so glyphs sit where the
                // PDF puts them instead of up to half a pixel off.
                let fx = (pen + g.dx) * scale;
                // fontdue's rows sit half a pixel below the grid PDF renderers use
                // (measured against pdftoppm), hence the half-pixel lift.
                let fy = (run.y - g.dy) * scale - 0.5;
                let (ox, oy) = (fx - fx.floor(), fy - fy.floor());
                // fontdue puts the bitmap's bottom edge `ymin` pixels above the baseline.
                let left = fx.floor() as i64 + i64::from(m.xmin);
                let top = fy.floor() as i64 - i64::from(m.ymin) - m.height as i64;
                let (w, h) = (m.width + 1, m.height + 1);
                let mut acc = vec![0f32; w * h];
                for by in 0..m.height {
                    for bx in 0..m.width {
                        let c = f32::from(bitmap[by * m.width + bx]) / 255.0;
                        if c > 0.0 {
                            acc[by * w + bx] += c * (1.0 - ox) * (1.0 - oy);
                            acc[by * w + bx + 1] += c * ox * (1.0 - oy);
                            acc[(by + 1) * w + bx] += c * (1.0 - ox) * oy;
                            acc[(by + 1) * w + bx + 1] += c * ox * oy;
                        }
                    }
                }
                for (i, &a) in acc.iter().enumerate() {
                    if a > 0.0 {
                        img.blend(left + (i % w) as i64, top + (i / w) as i64, ink, a);
                    }
                }
            }
            pen += g.advance;
        }
        Ok(())
    }
}

/// Maps an ink to a gray level the way a gray photocopy would (luma).
fn gray(ink: Ink) -> u8 {
    match ink {
        Ink::Black => 0,
        Ink::Gray(g) => g,
        Ink::Accent(r, g, b) => {
            (0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b)).round() as u8
        }
    }
}

/// Fills an axis-aligned rectangle (pixel units) with exact-area anti-aliasing.
pub(crate) fn fill_rect<C: Canvas>(img: &mut C, x0: f32, y0: f32, x1: f32, y1: f32, ink: C::Ink) {
    let (x0, x1) = (x0.min(x1).max(0.0), x0.max(x1).min(img.width() as f32));
    let (y0, y1) = (y0.min(y1).max(0.0), y0.max(y1).min(img.height() as f32));
    if !(x1 > x0 && y1 > y0) {
        return;
    }
    for py in y0.floor() as i64..y1.ceil() as i64 {
        let cy = (y1.min(py as f32 + 1.0) - y0.max(py as f32)).max(0.0);
        for px in x0.floor() as i64..x1.ceil() as i64 {
            let cx = (x1.min(px as f32 + 1.0) - x0.max(px as f32)).max(0.0);
            img.blend(px, py, ink, cx * cy);
        }
    }
}

/// Draws a picture into the box at (`x`, `y`), `w` × `h` pixels, in gray
/// (luma of its colours), over what is there by its alpha.
fn draw_picture(
    img: &mut GrayImage,
    pic: &crate::picture::Picture,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
) {
    paint_picture(img, pic, (x, y, w, h), |[r, g, b]| crate::picture::luma(r, g, b));
}

/// Paints a picture into the box `(x, y, w, h)` (pixel units) of any
/// canvas, each pixel's colour made an ink by `ink`, its alpha kept. A box
/// too large to rasterize is left empty, as the preview's size limit says.
pub(crate) fn paint_picture<C: Canvas>(
    img: &mut C,
    pic: &crate::picture::Picture,
    (x, y, w, h): (f32, f32, f32, f32),
    ink: impl Fn([u8; 3]) -> C::Ink,
) {
    let (pw, ph) = (w.round().max(1.0) as u32, h.round().max(1.0) as u32);
    if u64::from(pw) * u64::from(ph) > crate::picture::MAX_PIXELS {
        return;
    }
    let px = crate::picture::raster(pic, pw, ph);
    let (x0, y0) = (x.round() as i64, y.round() as i64);
    for (i, p) in px.chunks_exact(4).enumerate() {
        let (dx, dy) = ((i % pw as usize) as i64, (i / pw as usize) as i64);
        img.blend(x0 + dx, y0 + dy, ink([p[0], p[1], p[2]]), f32::from(p[3]) / 255.0);
    }
}

/// Strokes a straight line with butt caps (pixel units).
pub(crate) fn stroke_line<C: Canvas>(
    img: &mut C,
    a: (f32, f32),
    b: (f32, f32),
    width: f32,
    ink: C::Ink,
) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt();
    let half = width.max(0.0) / 2.0;
    let usable = len.is_finite() && half.is_finite() && len > 0.0 && half > 0.0;
    if !usable {
        return;
    }
    if dx == 0.0 || dy == 0.0 {
        // Horizontal and vertical rules are rectangles: draw them exactly.
        let (nx, ny) = if dx == 0.0 { (half, 0.0) } else { (0.0, half) };
        fill_rect(
            img,
            a.0.min(b.0) - nx,
            a.1.min(b.1) - ny,
            a.0.max(b.0) + nx,
            a.1.max(b.1) + ny,
            ink,
        );
        return;
    }
    let (ux, uy) = (dx / len, dy / len);
    let pad = half + 1.0;
    let xs =
        (a.0.min(b.0) - pad).max(0.0) as i64..=(a.0.max(b.0) + pad).min(img.width() as f32) as i64;
    let ys =
        (a.1.min(b.1) - pad).max(0.0) as i64..=(a.1.max(b.1) + pad).min(img.height() as f32) as i64;
    for py in ys {
        for px in xs.clone() {
            let (cx, cy) = (px as f32 + 0.5 - a.0, py as f32 + 0.5 - a.1);
            let along = cx * ux + cy * uy;
            let across = (cx * -uy + cy * ux).abs();
            let cov_w = (half + 0.5 - across).clamp(0.0, 1.0);
            let cov_l = (along + 0.5).clamp(0.0, 1.0).min((len - along + 0.5).clamp(0.0, 1.0));
            img.blend(px, py, ink, cov_w * cov_l);
        }
    }
}

/// The resolutions previews can be drawn at, in dots per inch.
pub const DPI_RANGE: std::ops::RangeInclusive<f32> = 1.0..=2400.0;

/// Reads a resolution as given on the command line (`--dpi 150`): a number
/// in [`DPI_RANGE`], or a message saying what to give.
pub fn parse_dpi(s: &str) -> std::result::Result<f32, String> {
    match s.trim().parse::<f32>() {
        Ok(v) if DPI_RANGE.contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a usable resolution: give dots per inch from 1 to 2400")),
    }
}

fn check_dpi(dpi: f32) -> Result<()> {
    if !DPI_RANGE.contains(&dpi) {
        return Err(Error::file(
            "<preview>",
            format!("a preview resolution of {dpi} dpi is not usable"),
            "use --dpi between 1 and 2400 (100 is a good screen preview)",
        ));
    }
    Ok(())
}

fn draw_page(r: &mut Rasterizer<'_>, page: &Page, dpi: f32) -> Result<GrayImage> {
    check_dpi(dpi)?;
    let scale = dpi / 72.0;
    let side = |pt: f32| -> Result<u32> {
        let px = (pt * scale).ceil();
        if !(px.is_finite() && px >= 1.0 && px <= MAX_SIDE as f32) {
            return Err(Error::file(
                "<preview>",
                format!("a page of {pt} pt at {dpi} dpi makes an image too large or too small"),
                "use a lower --dpi",
            ));
        }
        Ok(px as u32)
    };
    let mut img = GrayImage::white(side(page.width)?, side(page.height)?);
    for el in &page.elements {
        match el {
            Element::Text(run) => r.draw_run(&mut img, run, scale, gray(run.ink))?,
            Element::Rule { x0, y0, x1, y1, width, ink } => stroke_line(
                &mut img,
                (x0 * scale, y0 * scale),
                (x1 * scale, y1 * scale),
                width * scale,
                gray(*ink),
            ),
            Element::Rect { x, y, w, h, ink } => fill_rect(
                &mut img,
                x * scale,
                y * scale,
                (x + w) * scale,
                (y + h) * scale,
                gray(*ink),
            ),
            Element::Image { x, y, w, h, picture, .. } => {
                draw_picture(&mut img, picture, x * scale, y * scale, w * scale, h * scale)
            }
        }
    }
    // The footer's QR code, module by module, as the PDF draws it.
    if let Some(code) = &page.qr {
        let m = code.module;
        for (row, col, n) in code.matrix.runs() {
            let (x, y) = (code.x + col as f32 * m, code.y + row as f32 * m);
            fill_rect(
                &mut img,
                x * scale,
                y * scale,
                (x + n as f32 * m) * scale,
                (y + m) * scale,
                0,
            );
        }
    }
    Ok(img)
}

/// Draws page `page` (0-based) of `doc` at `dpi` dots per inch.
pub fn render_page(doc: &Document, page: usize, book: &FontBook, dpi: f32) -> Result<GrayImage> {
    let Some(p) = doc.pages.get(page) else {
        return Err(Error::file(
            "<preview>",
            format!("there is no page {} (the document has {})", page + 1, doc.pages.len()),
            "",
        ));
    };
    draw_page(&mut Rasterizer::new(book), p, dpi)
}

/// Draws every page of `doc`, sharing loaded fonts and glyphs between pages.
pub fn render_pages(doc: &Document, book: &FontBook, dpi: f32) -> Result<Vec<GrayImage>> {
    let mut r = Rasterizer::new(book);
    doc.pages.iter().map(|p| draw_page(&mut r, p, dpi)).collect()
}

/// Draws the sides of the sheets a folded or bound layout prints (see
/// [`crate::impose`]), as the printer puts them out: each panel or page
/// drawn at `dpi`, turned and clipped to its part of the sheet, the sheet's
/// trim only (no marks). Empty for a layout that is not folded.
pub fn render_sheets(
    doc: &Document,
    spec: &crate::spec::LayoutSpec,
    book: &FontBook,
    dpi: f32,
) -> Result<Vec<GrayImage>> {
    if spec.fold.style == crate::spec::FoldStyle::None {
        return Ok(Vec::new());
    }
    let Some(first) = doc.pages.first() else { return Ok(Vec::new()) };
    let Some(sides) = crate::impose::impose(doc.pages.len(), first.width, first.height, spec)
    else {
        return Ok(Vec::new());
    };
    let pages = render_pages(doc, book, dpi)?;
    let scale = dpi / 72.0;
    let mut out = Vec::with_capacity(sides.len());
    for side in &sides {
        let mut img = GrayImage::white(
            ((side.width * scale).ceil() as u32).clamp(1, MAX_SIDE),
            ((side.height * scale).ceil() as u32).clamp(1, MAX_SIDE),
        );
        for pl in &side.placements {
            let Some(src) = pages.get(pl.page) else { continue };
            // Sheet to page: the transform is a turn (and shift), so its
            // inverse turns back by the transposed matrix.
            let t = pl.transform;
            let area = crate::impose::Area {
                x: pl.clip.x.max(pl.trim.x),
                y: pl.clip.y.max(pl.trim.y),
                w: (pl.clip.x + pl.clip.w).min(pl.trim.x + pl.trim.w) - pl.clip.x.max(pl.trim.x),
                h: (pl.clip.y + pl.clip.h).min(pl.trim.y + pl.trim.h) - pl.clip.y.max(pl.trim.y),
            };
            let (x0, y0) = ((area.x * scale).max(0.0) as u32, (area.y * scale).max(0.0) as u32);
            let x1 = (((area.x + area.w) * scale).ceil() as u32).min(img.width);
            let y1 = (((area.y + area.h) * scale).ceil() as u32).min(img.height);
            for py in y0..y1 {
                for px in x0..x1 {
                    let (sx, sy) =
                        ((px as f32 + 0.5) / scale - t.e, (py as f32 + 0.5) / scale - t.f);
                    let (u, v) = (t.a * sx + t.b * sy, t.c * sx + t.d * sy);
                    if u < 0.0 || v < 0.0 {
                        continue;
                    }
                    let g = src.get((u * scale) as u32, (v * scale) as u32);
                    img.pixels[(py * img.width + px) as usize] = g;
                }
            }
        }
        out.push(img);
    }
    Ok(out)
}

/// The preview file names of a PDF: `DIR/NAME-1.png`, `DIR/NAME-2.png`, …
pub fn preview_paths(pdf_path: &Path, pages: usize) -> Vec<PathBuf> {
    let stem = pdf_path.file_stem().map(|s| s.to_string_lossy().into_owned());
    let stem = stem.filter(|s| !s.is_empty()).unwrap_or_else(|| "preview".into());
    (1..=pages).map(|n| pdf_path.with_file_name(format!("{stem}-{n}.png"))).collect()
}

/// Names all the preview files of a PDF at once, for messages:
/// `DIR/NAME-*.png`.
pub fn preview_pattern(pdf_path: &Path) -> PathBuf {
    let stem = pdf_path.file_stem().map(|s| s.to_string_lossy().into_owned());
    let stem = stem.filter(|s| !s.is_empty()).unwrap_or_else(|| "preview".into());
    pdf_path.with_file_name(format!("{stem}-*.png"))
}

/// Writes one image as a PNG file, atomically (temporary file, then rename).
pub fn write_png(img: &GrayImage, path: &Path) -> Result<()> {
    crate::output::write_atomic(path, &img.to_png()?, "the preview")
}

/// Width of one thumbnail on a contact sheet, in pixels.
pub const THUMBNAIL_WIDTH: u32 = 170;
/// Space around thumbnails, in pixels.
const PAD: u32 = 12;
/// Thumbnails per row at most.
const PER_ROW: usize = 6;

/// Writes a contact sheet: every page as a thumbnail, one row (or more) per
/// output, in the order given. `pages` pairs a label (e.g. the PDF name) with
/// each page image; consecutive pages with the same label form one group.
pub fn contact_sheet(pages: &[(String, GrayImage)], out: &Path) -> Result<()> {
    if pages.is_empty() {
        return Err(Error::file(
            out,
            "there are no pages for a contact sheet",
            "build something first",
        ));
    }
    // Group consecutive pages by label, then wrap each group at PER_ROW.
    let mut rows: Vec<Vec<GrayImage>> = Vec::new();
    let mut last: Option<&str> = None;
    for (label, img) in pages {
        let thumb = img.thumbnail(THUMBNAIL_WIDTH);
        match rows.last_mut() {
            Some(row) if last == Some(label.as_str()) && row.len() < PER_ROW => row.push(thumb),
            _ => rows.push(vec![thumb]),
        }
        last = Some(label.as_str());
    }
    let row_h: Vec<u32> =
        rows.iter().map(|r| r.iter().map(|t| t.height).max().unwrap_or(1)).collect();
    let cols = rows.iter().map(Vec::len).max().unwrap_or(1) as u32;
    let width = PAD + cols * (THUMBNAIL_WIDTH + PAD);
    let height = PAD + row_h.iter().map(|h| h + PAD).sum::<u32>();
    if width > MAX_SIDE || height > MAX_SIDE * 4 {
        return Err(Error::file(
            out,
            "too many pages for one contact sheet",
            "preview fewer files",
        ));
    }
    // Light gray ground so white pages stand out.
    let mut sheet =
        GrayImage { width, height, pixels: vec![200; width as usize * height as usize] };
    let mut y = PAD;
    for (row, h) in rows.iter().zip(&row_h) {
        let mut x = PAD;
        for t in row {
            // A one-pixel dark frame around each page.
            fill_rect(
                &mut sheet,
                x as f32 - 1.0,
                y as f32 - 1.0,
                (x + t.width + 1) as f32,
                (y + t.height + 1) as f32,
                90,
            );
            sheet.paste(t, x, y);
            x += THUMBNAIL_WIDTH + PAD;
        }
        y += h + PAD;
    }
    crate::output::write_atomic(out, &sheet.to_png()?, "the contact sheet")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rect_coverage_is_exact() {
        let mut img = GrayImage::white(4, 4);
        fill_rect(&mut img, 1.0, 1.0, 2.5, 2.0, 0);
        assert_eq!(img.get(1, 1), 0);
        assert_eq!(img.get(2, 1), 128);
        assert_eq!(img.get(0, 0), 255);
    }

    #[test]
    fn png_roundtrip_header() {
        let png = GrayImage::white(3, 2).to_png().unwrap();
        assert_eq!(&png[1..4], b"PNG");
    }

    #[test]
    fn preview_names_follow_the_pdf() {
        let p = preview_paths(Path::new("out/a-letter.pdf"), 2);
        assert_eq!(p, [PathBuf::from("out/a-letter-1.png"), PathBuf::from("out/a-letter-2.png")]);
        assert_eq!(preview_pattern(Path::new("out/a-letter.pdf")), Path::new("out/a-letter-*.png"));
    }

    #[test]
    fn dpi_from_the_command_line() {
        assert_eq!(parse_dpi("150"), Ok(150.0));
        assert_eq!(parse_dpi("2400"), Ok(2400.0));
        for bad in ["0", "2401", "-3", "NaN", "inf", "ten", ""] {
            let e = parse_dpi(bad).unwrap_err();
            assert!(e.contains("dots per inch from 1 to 2400"), "{bad}: {e}");
        }
    }

    #[test]
    fn silly_dpi_is_an_error_not_a_crash() {
        for dpi in [0.0, -5.0, f32::NAN, f32::INFINITY, 1e9] {
            assert!(check_dpi(dpi).is_err());
        }
    }
}
