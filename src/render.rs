//! Stage 6: laid-out pages become PDF bytes (krilla), and files are written
//! atomically.
//!
//! krilla stays behind this module: the layout types know nothing of it.

use std::ops::Range;
use std::path::Path;

use krilla::action::LinkAction;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::{cmyk, luma, rgb};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, LineCap, Paint, Stroke};
use krilla::text::GlyphId;
use krilla::{Document as PdfDocument, SerializeSettings};

use crate::error::{Error, Result};
use crate::fonts::FontBook;
use crate::pages::{Document, Element, Ink, TextRun};
use crate::shape::Glyph;
use crate::spec::{ColorMode, LayoutSpec};

/// A glyph as krilla wants it; keeps krilla out of the layout types.
struct PdfGlyph<'a> {
    glyph: &'a Glyph,
    /// Font size, to turn absolute advances back into em.
    size: f32,
}

impl krilla::text::Glyph for PdfGlyph<'_> {
    fn glyph_id(&self) -> GlyphId {
        GlyphId::new(u32::from(self.glyph.id))
    }
    fn text_range(&self) -> Range<usize> {
        self.glyph.text.clone()
    }
    fn x_advance(&self, size: f32) -> f32 {
        self.glyph.advance / self.size * size
    }
    fn x_offset(&self, size: f32) -> f32 {
        self.glyph.dx / self.size * size
    }
    fn y_offset(&self, size: f32) -> f32 {
        self.glyph.dy / self.size * size
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
        (Ink::Accent(..), ColorMode::Gray) => luma::Color::black().into(),
        (Ink::Accent(r, g, b), ColorMode::Color) => rgb::Color::new(r, g, b).into(),
        (Ink::Accent(r, g, b), ColorMode::Cmyk) => {
            let (r, g, b) = (f32::from(r) / 255.0, f32::from(g) / 255.0, f32::from(b) / 255.0);
            let k = 1.0 - r.max(g).max(b);
            let d = (1.0 - k).max(1e-6);
            let c = |v: f32| (((1.0 - v - k) / d) * 255.0).round().clamp(0.0, 255.0) as u8;
            cmyk::Color::new(c(r), c(g), c(b), (k * 255.0).round() as u8).into()
        }
    }
}

fn fill(ink: Ink, mode: ColorMode) -> Fill {
    Fill { paint: paint(ink, mode), opacity: NormalizedF32::ONE, rule: FillRule::NonZero }
}

/// Writes a laid-out document as PDF bytes.
///
/// Pages get MediaBox = trim size plus bleed, with TrimBox and BleedBox set.
/// No timestamps are written, so the same input gives the same bytes.
pub fn render(doc: &Document, spec: &LayoutSpec, book: &FontBook) -> Result<Vec<u8>> {
    let settings = SerializeSettings { xmp_metadata: false, ..SerializeSettings::default() };
    let mut pdf = PdfDocument::new_with(settings);
    let mode = spec.print.color;
    let bleed = spec.page.bleed.max(0.0);
    for page in &doc.pages {
        let (w, h) = (page.width + 2.0 * bleed, page.height + 2.0 * bleed);
        let trim = Rect::from_xywh(bleed, bleed, page.width, page.height);
        let Some(settings) = PageSettings::from_wh(w, h) else {
            return Err(Error::file(
                "<layout>",
                "page size must be greater than zero",
                "check `page.size`",
            ));
        };
        let settings = settings.with_trim_box(trim).with_bleed_box(Rect::from_xywh(0.0, 0.0, w, h));
        let mut p = pdf.start_page_with(settings);
        {
            let mut s = p.surface();
            s.push_transform(&krilla::geom::Transform::from_translate(bleed, bleed));
            for el in &page.elements {
                match el {
                    Element::Text(run) => draw_text(&mut s, run, book, mode),
                    Element::Rule { x0, y0, x1, y1, width, ink } => {
                        let mut pb = PathBuilder::new();
                        pb.move_to(*x0, *y0);
                        pb.line_to(*x1, *y1);
                        if let Some(path) = pb.finish() {
                            s.set_fill(None);
                            s.set_stroke(Some(Stroke {
                                paint: paint(*ink, mode),
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
                            s.set_fill(Some(fill(*ink, mode)));
                            s.draw_path(&path);
                        }
                    }
                }
            }
            s.pop();
            s.finish();
        }
        for l in &page.links {
            if let Some(rect) =
                Rect::from_xywh(l.x + bleed, l.y + bleed, l.w.max(0.1), l.h.max(0.1))
            {
                let target = Target::Action(LinkAction::new(l.url.clone()).into());
                p.add_annotation(Annotation::new_link(
                    LinkAnnotation::new(rect, target),
                    Some(l.url.clone()),
                ));
            }
        }
        p.finish();
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
    pdf.set_metadata(meta);
    pdf.finish().map_err(|e| {
        Error::file(
            "<pdf>",
            format!("could not write the PDF: {e:?}"),
            "this is a bug in handbill; please report it",
        )
    })
}

fn draw_text(s: &mut krilla::surface::Surface, run: &TextRun, book: &FontBook, mode: ColorMode) {
    if run.glyphs.is_empty() || run.size <= 0.0 {
        return;
    }
    let face = book.face(run.face);
    s.set_stroke(None);
    s.set_fill(Some(fill(run.ink, mode)));
    let glyphs: Vec<PdfGlyph> =
        run.glyphs.iter().map(|g| PdfGlyph { glyph: g, size: run.size }).collect();
    s.draw_glyphs(
        Point::from_xy(run.x, run.y),
        &glyphs,
        face.pdf.clone(),
        &run.text,
        run.size,
        false,
    );
}

/// Writes `bytes` to `path` through a temporary file in the same folder, so
/// that a failed or interrupted write never leaves a half file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e, "create the output folder"))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out.pdf".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e, "write the PDF"));
    }
    Ok(())
}
