//! Images of a leaflet to pass around on phones (`--share`): PNGs in the
//! sizes messaging apps and social media show without cropping, drawn in
//! colour from the laid-out pages at the resolution of the image itself
//! (never scaled from a smaller preview), so that the footer and the QR
//! code stay sharp.
//!
//! Sizes (the layout's `share.sizes`, see [`ShareSize`]): `portrait`
//! (1080 × 1350) and `story` (1080 × 1920) show each page whole, centred on
//! a light gray ground; `square` (1080 × 1080) shows the top of page 1 at
//! the width of the page: the masthead and the opening, large enough to read
//! in a feed.
//!
//! The page is drawn as the PDF prints it: the masthead band, white text on
//! a dark band, accent colours (links), rules, the footer's QR code. A
//! layout printed in gray (`print.color = "gray"`) is shared in gray.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fonts::FontBook;
use crate::pages::{Document, Element, Ink, LineKind, Page};
use crate::preview::{fill_rect, stroke_line, Canvas, Rasterizer};
use crate::spec::{ColorMode, LayoutSpec, QrCode, ShareSize};

/// The ground around a page that does not fill its image.
const GROUND: [u8; 3] = [228, 228, 228];
/// White paper.
const PAPER: [u8; 3] = [255, 255, 255];
/// Levels per colour channel in the PNG files (see [`RgbImage::to_png`]).
pub const LEVELS: u16 = 16;

/// An 8-bit RGB image, row by row, three samples a pixel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height * 3` samples, top row first.
    pub pixels: Vec<u8>,
}

impl RgbImage {
    /// An image of one colour.
    pub fn filled(width: u32, height: u32, rgb: [u8; 3]) -> RgbImage {
        let pixels = rgb.repeat(width as usize * height as usize);
        RgbImage { width, height, pixels }
    }

    /// The pixel at (x, y); white outside the image.
    pub fn get(&self, x: u32, y: u32) -> [u8; 3] {
        if x >= self.width || y >= self.height {
            return PAPER;
        }
        let i = 3 * (y as usize * self.width as usize + x as usize);
        [self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]]
    }

    /// The image in gray (luma), for comparing with gray renderings.
    pub fn luma(&self) -> Vec<u8> {
        self.pixels
            .chunks_exact(3)
            .map(|p| {
                let (r, g, b) = (f32::from(p[0]), f32::from(p[1]), f32::from(p[2]));
                (0.299 * r + 0.587 * g + 0.114 * b).round() as u8
            })
            .collect()
    }

    /// Encodes the image as PNG, small enough to send over a phone network:
    /// each channel is rounded to one of [`LEVELS`] levels (edges of
    /// anti-aliased text need no more), which leaves few enough colours for
    /// a palette, one byte a pixel instead of three.
    pub fn to_png(&self) -> Result<Vec<u8>> {
        let step = 255 / (LEVELS - 1);
        let round = |v: u8| ((u16::from(v) + step / 2) / step * step) as u8;
        let rounded: Vec<u8> = self.pixels.iter().map(|&v| round(v)).collect();
        let mut palette: Vec<[u8; 3]> = Vec::new();
        let mut index: rustc_hash::FxHashMap<[u8; 3], u8> = rustc_hash::FxHashMap::default();
        let mut indexed = Vec::with_capacity(rounded.len() / 3);
        // Most pixels repeat the one before (paper, the band).
        let mut last: Option<([u8; 3], u8)> = None;
        for px in rounded.chunks_exact(3) {
            let c = [px[0], px[1], px[2]];
            if let Some((lc, li)) = last {
                if lc == c {
                    indexed.push(li);
                    continue;
                }
            }
            let i = match index.get(&c) {
                Some(&i) => i,
                None if palette.len() < 256 => {
                    let i = palette.len() as u8;
                    palette.push(c);
                    index.insert(c, i);
                    i
                }
                // Too many colours (a photo-like band): plain RGB.
                None => return self.encode(&rounded, None),
            };
            last = Some((c, i));
            indexed.push(i);
        }
        self.encode(&indexed, Some(&palette))
    }

    fn encode(&self, data: &[u8], palette: Option<&[[u8; 3]]>) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let fail = |e: png::EncodingError| {
            Error::file("<share>", format!("could not encode the PNG: {e}"), "")
        };
        {
            let mut enc = png::Encoder::new(&mut out, self.width.max(1), self.height.max(1));
            match palette {
                Some(p) => {
                    enc.set_color(png::ColorType::Indexed);
                    enc.set_palette(p.concat());
                }
                None => enc.set_color(png::ColorType::Rgb),
            }
            enc.set_depth(png::BitDepth::Eight);
            enc.set_compression(png::Compression::Balanced);
            let mut w = enc.write_header().map_err(fail)?;
            if self.width == 0 || self.height == 0 {
                let blank: &[u8] = if palette.is_some() { &[0] } else { &PAPER };
                w.write_image_data(blank).map_err(fail)?;
            } else {
                w.write_image_data(data).map_err(fail)?;
            }
        }
        Ok(out)
    }
}

impl Canvas for RgbImage {
    type Ink = [u8; 3];

    fn width(&self) -> u32 {
        self.width
    }

    fn height(&self) -> u32 {
        self.height
    }

    fn blend(&mut self, x: i64, y: i64, ink: [u8; 3], alpha: f32) {
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) {
            return;
        }
        let a = alpha.clamp(0.0, 1.0);
        if a <= 0.0 {
            return;
        }
        let i = 3 * (y as usize * self.width as usize + x as usize);
        for (c, &v) in ink.iter().enumerate() {
            let old = f32::from(self.pixels[i + c]);
            self.pixels[i + c] = (old + (f32::from(v) - old) * a).round().clamp(0.0, 255.0) as u8;
        }
    }
}

/// Where a page sits in an image: pixels per point, and the pixel position
/// of the page's top-left corner (trim).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// Pixels per point.
    pub scale: f32,
    /// Left edge of the page, in pixels.
    pub x: f32,
    /// Top edge of the page, in pixels.
    pub y: f32,
}

/// Places a page of `width` × `height` points in an image of `size`: whole
/// and centred (`portrait`, `story`), or across the full width from the top
/// (`square`; centred too when the page is shorter than the square).
pub fn placement(size: ShareSize, width: f32, height: f32) -> Placement {
    let (w, h) = size.pixels();
    let (w, h) = (w as f32, h as f32);
    let scale = match size {
        ShareSize::Square => (w / width).min(f32::MAX),
        ShareSize::Portrait | ShareSize::Story => (w / width).min(h / height),
    };
    let (pw, ph) = (width * scale, height * scale);
    // Whole pixels: text and QR modules line up with the grid the same way
    // on every page.
    Placement { scale, x: ((w - pw) / 2.0).max(0.0).round(), y: ((h - ph) / 2.0).max(0.0).round() }
}

/// One image to share, drawn and encoded.
#[derive(Debug, Clone)]
pub struct Shared {
    /// Where it goes: next to the PDF (see [`share_path`]).
    pub path: PathBuf,
    /// Its size.
    pub size: ShareSize,
    /// The page shown (0-based).
    pub page: usize,
    /// The PNG file's bytes.
    pub png: Vec<u8>,
}

/// Names the image of `page` (0-based) in `size` next to a PDF:
/// `NAME-share-1.png` (portrait), `NAME-share-square.png`,
/// `NAME-share-story-1.png`.
pub fn share_path(pdf: &Path, size: ShareSize, page: usize) -> PathBuf {
    let stem = pdf.file_stem().map(|s| s.to_string_lossy().into_owned());
    let stem = stem.filter(|s| !s.is_empty()).unwrap_or_else(|| "leaflet".into());
    let n = page + 1;
    let name = match size {
        ShareSize::Portrait => format!("{stem}-share-{n}.png"),
        ShareSize::Square => format!("{stem}-share-square.png"),
        ShareSize::Story => format!("{stem}-share-story-{n}.png"),
    };
    pdf.with_file_name(name)
}

/// Draws every image the layout's `share.sizes` asks for, named after the
/// PDF at `pdf`: each page in `portrait` and `story`, page 1 in `square`.
pub fn draw(doc: &Document, spec: &LayoutSpec, book: &FontBook, pdf: &Path) -> Result<Vec<Shared>> {
    let mut r = Rasterizer::new(book);
    let mut out = Vec::new();
    for &size in &spec.share.sizes {
        let pages = match size {
            ShareSize::Square => doc.pages.len().min(1),
            ShareSize::Portrait | ShareSize::Story => doc.pages.len(),
        };
        for page in 0..pages {
            let img = draw_with(&mut r, doc, page, spec, size)?;
            out.push(Shared { path: share_path(pdf, size, page), size, page, png: img.to_png()? });
        }
    }
    Ok(out)
}

/// Draws page `page` (0-based) of `doc` as an image of `size`.
pub fn draw_image(
    doc: &Document,
    page: usize,
    spec: &LayoutSpec,
    book: &FontBook,
    size: ShareSize,
) -> Result<RgbImage> {
    draw_with(&mut Rasterizer::new(book), doc, page, spec, size)
}

fn draw_with(
    r: &mut Rasterizer<'_>,
    doc: &Document,
    index: usize,
    spec: &LayoutSpec,
    size: ShareSize,
) -> Result<RgbImage> {
    let Some(page) = doc.pages.get(index) else {
        return Err(Error::file(
            "<share>",
            format!("there is no page {} (the document has {})", index + 1, doc.pages.len()),
            "",
        ));
    };
    if !(page.width > 0.0 && page.height > 0.0) {
        return Err(Error::file("<share>", "the page has no size", "check page.size"));
    }
    let (w, h) = size.pixels();
    let at = placement(size, page.width, page.height);
    let mut img = RgbImage::filled(w, h, GROUND);
    let (s, ox, oy) = (at.scale, at.x, at.y);
    let px = |x: f32, y: f32| (ox + x * s, oy + y * s);
    // The page itself, clipped to the image (the square shows its top).
    let (x0, y0) = px(0.0, 0.0);
    let (x1, y1) = px(page.width, page.height);
    fill_rect(&mut img, x0, y0, x1, y1, PAPER);
    let mode = spec.print.color;
    let mut on_band = None;
    if let Some((band, bottom)) = page.masthead_band(index, spec) {
        // The band runs into the bleed, which an image does not show.
        let (bx0, by0) = px(band.x.max(0.0), band.y.max(0.0));
        let (bx1, by1) = px((band.x + band.width).min(page.width), bottom);
        fill_rect(&mut img, bx0, by0, bx1, by1, band_rgb(band.color, mode));
        if band.white_text {
            on_band = Some(bottom);
        }
    }
    // Text and rules on a dark band turn white, as in the PDF.
    let ink_at = |ink: Ink, y: f32| match on_band {
        Some(bottom) if y < bottom => PAPER,
        _ => rgb(ink, mode),
    };
    let qr = qr_on(page, spec);
    // Drawn in page coordinates moved to the page's place in the image.
    let shift = |run: &crate::pages::TextRun| {
        let mut moved = run.clone();
        moved.x += ox / s;
        moved.y += oy / s;
        moved
    };
    for el in &page.elements {
        match el {
            Element::Text(run) => r.draw_run(&mut img, &shift(run), s, ink_at(run.ink, run.y))?,
            Element::Rule { x0, y0, x1, y1, width, ink } => {
                let (x0, x1) = clear_of_qr(*x0, *y0, *x1, *y1, qr);
                stroke_line(
                    &mut img,
                    px(x0, *y0),
                    px(x1, *y1),
                    width * s,
                    ink_at(*ink, y0.max(*y1)),
                )
            }
            Element::Rect { x, y, w, h, ink } => {
                let (a, b) = (px(*x, *y), px(x + w, y + h));
                fill_rect(&mut img, a.0, a.1, b.0, b.1, ink_at(*ink, *y));
            }
            Element::Image { x, y, w, h, picture, .. } => {
                let (a, b) = (px(*x, *y), px(x + w, y + h));
                // A gray leaflet's pictures are gray, as the PDF prints them.
                let gray = mode == ColorMode::Gray;
                crate::preview::paint_picture(
                    &mut img,
                    picture,
                    (a.0, a.1, b.0 - a.0, b.1 - a.1),
                    |c| {
                        if gray {
                            let l = crate::picture::luma(c[0], c[1], c[2]);
                            [l, l, l]
                        } else {
                            c
                        }
                    },
                );
            }
        }
    }
    if let Some(code) = qr {
        draw_qr(&mut img, code, at);
    }
    Ok(img)
}

/// Maps an ink to a colour the way the PDF paints it in the layout's mode.
fn rgb(ink: Ink, mode: ColorMode) -> [u8; 3] {
    match (ink, mode) {
        (Ink::Black, _) => [0, 0, 0],
        (Ink::Gray(v), _) => [v, v, v],
        // A gray print has black links and accents.
        (Ink::Accent(..), ColorMode::Gray) => [0, 0, 0],
        (Ink::Accent(r, g, b), _) => [r, g, b],
    }
}

/// The band's colour; in gray mode a gray of the same lightness.
fn band_rgb(c: crate::spec::Rgb, mode: ColorMode) -> [u8; 3] {
    match mode {
        ColorMode::Gray => {
            let v = (c.luminance() * 255.0).round() as u8;
            [v, v, v]
        }
        _ => [c.r, c.g, c.b],
    }
}

/// The layout's QR code if this page shows it: pages with a footer.
fn qr_on<'a>(page: &Page, spec: &'a LayoutSpec) -> Option<&'a QrCode> {
    let code = spec.footer.qr_code.as_ref()?;
    page.lines.iter().any(|l| l.kind == LineKind::Footer).then_some(code)
}

/// A level rule (the footer's) that runs into the QR code's square stops at
/// its quiet zone, as in the PDF.
fn clear_of_qr(x0: f32, y0: f32, x1: f32, y1: f32, qr: Option<&QrCode>) -> (f32, f32) {
    let Some(q) = qr else { return (x0, x1) };
    let (left, top) = (q.x - q.quiet, q.y - q.quiet);
    let level = (y0 - y1).abs() < 0.01;
    let across = y0 >= top && y0 <= q.y + q.side;
    match (level && across && x0.max(x1) > left, x0 <= x1) {
        (false, _) => (x0, x1),
        (true, true) => (x0, x1.min(left)),
        (true, false) => (x0.min(left), x1),
    }
}

/// Draws the code's dark modules as squares of whole pixels, all the same
/// size, flush with the right and bottom margins as in the PDF: modules of
/// 2 and 3 pixels mixed, or blurred edges between them, make a code harder
/// to scan off a screen. Rounding down keeps the code inside its quiet zone.
fn draw_qr(img: &mut RgbImage, code: &QrCode, at: Placement) {
    let px = qr_module_pixels(code, at);
    let side = px * code.matrix.width as f32;
    let right = (at.x + (code.x + code.side) * at.scale).round();
    let bottom = (at.y + (code.y + code.side) * at.scale).round();
    let (left, top) = (right - side, bottom - side);
    for (row, col, n) in code.matrix.runs() {
        let (x, y) = (left + col as f32 * px, top + row as f32 * px);
        fill_rect(img, x, y, x + n as f32 * px, y + px, [0, 0, 0]);
    }
}

/// The side of one QR module in an image placed at `at`, in pixels.
pub fn qr_module_pixels(code: &QrCode, at: Placement) -> f32 {
    (code.module * at.scale).floor().max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_placed_whole_or_across_the_width() {
        // Letter: 612 × 792 pt.
        let p = placement(ShareSize::Portrait, 612.0, 792.0);
        assert!((p.scale - 1350.0 / 792.0).abs() < 1e-4, "{p:?}");
        assert_eq!((p.x, p.y), (18.0, 0.0));
        let q = placement(ShareSize::Square, 612.0, 792.0);
        assert!((q.scale - 1080.0 / 612.0).abs() < 1e-4, "{q:?}");
        assert_eq!((q.x, q.y), (0.0, 0.0));
        // A page wider than tall fits the width of a story.
        let s = placement(ShareSize::Story, 792.0, 612.0);
        assert!((s.scale - 1080.0 / 792.0).abs() < 1e-4, "{s:?}");
        assert_eq!(s.x, 0.0);
    }

    #[test]
    fn names_follow_the_pdf() {
        let pdf = Path::new("out/a-letter-2col.pdf");
        assert_eq!(
            share_path(pdf, ShareSize::Portrait, 0),
            Path::new("out/a-letter-2col-share-1.png")
        );
        assert_eq!(
            share_path(pdf, ShareSize::Square, 0),
            Path::new("out/a-letter-2col-share-square.png")
        );
        assert_eq!(
            share_path(pdf, ShareSize::Story, 1),
            Path::new("out/a-letter-2col-share-story-2.png")
        );
    }

    #[test]
    fn colour_blends_per_channel() {
        let mut img = RgbImage::filled(2, 1, PAPER);
        img.blend(0, 0, [200, 0, 0], 0.5);
        img.blend(5, 0, [0, 0, 0], 1.0);
        assert_eq!(img.get(0, 0), [228, 128, 128]);
        assert_eq!(img.get(1, 0), PAPER);
        assert_eq!(&img.to_png().unwrap()[1..4], b"PNG");
    }
}
