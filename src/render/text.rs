//! Glyph runs into PDF text: glyphs as krilla wants them, advances in whole
//! thousandths of an em, expanded lines in a scaled coordinate system, and
//! right-to-left clusters written so PDF readers get their text back in
//! logical order.

use std::collections::HashMap;
use std::ops::Range;

use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::paint::Stroke;
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, Tag};
use unicode_bidi::BidiClass;

use super::color::{fill, paint};
use crate::fonts::{FaceId, FontBook};
use crate::pages::{Ink, TextRun};
use crate::shape::Glyph;
use crate::spec::ColorMode;

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

/// Draws a run of glyphs in `ink`; a glyph no font has is outlined as a
/// box. `strict`: every glyph must map to a character (PDF/UA-1, PDF/A-2a).
pub(super) fn draw_text(
    s: &mut Surface,
    run: &TextRun,
    ink: Ink,
    book: &FontBook,
    mode: ColorMode,
    strict: bool,
    copies: &mut Copies,
) {
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
        rtl_glyphs(run_glyphs, &run.text, run.size, space, zwsp, strict)
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
    // Which copy of the font each glyph is written with (0: the face's
    // own): a glyph standing for other text than it does elsewhere.
    let copy: Vec<u32> = glyphs
        .iter()
        .map(|g| match text.get(g.text.clone()) {
            Some(SOFT_HYPHEN) => copies.copy(run.face, g.id, SOFT_HYPHEN),
            _ => 0,
        })
        .collect();
    if expanded {
        s.push_transform(&Transform::from_row(run.expand, 0.0, 0.0, 1.0, run.x, 0.0));
    }
    let mut x = if expanded { 0.0 } else { run.x };
    let mut start = 0;
    while start < glyphs.len() {
        let k = copy[start];
        let end = start + copy[start..].iter().take_while(|&&c| c == k).count();
        let font = copies.font(book, run.face, k);
        let part = &glyphs[start..end];
        s.draw_glyphs(Point::from_xy(x, run.y), part, font, &text, run.size, false);
        x += part.iter().map(|g| g.unit * run.size).sum::<f32>();
        start = end;
    }
    if expanded {
        s.pop();
    }
}

/// The text of a hyphen the line breaker adds (see `flow/line.rs`): a soft
/// hyphen, as Tagged PDF wants the incidental division of a word written
/// (ISO 32000-1, 14.8.2.2.3, "Incidental artifacts"), distinct from a hard
/// hyphen; readers drop it and join the word's halves.
const SOFT_HYPHEN: &str = "\u{AD}";

/// Further PDF fonts of a face, each with a ToUnicode map of its own, for
/// glyphs that must stand for other text than they do elsewhere (the
/// hyphen glyph as an added, soft hyphen). krilla gives a glyph one text
/// per font and marks any other use with an `/ActualText` span; poppler's
/// structure reader (`pdfinfo -struct-text`) reads no ActualText and loses
/// the rest of an element's text after such a span, so a glyph's other
/// meanings are written through a copy of the font instead.
#[derive(Default)]
pub(super) struct Copies {
    /// The texts each glyph of a face stands for in the copies, the first
    /// in copy 1.
    texts: HashMap<(FaceId, u16), Vec<String>>,
    /// The copies made, by face and number.
    fonts: HashMap<(FaceId, u32), Font>,
}

impl Copies {
    /// The copy (1, 2, …) in which glyph `id` of `face` stands for `text`.
    fn copy(&mut self, face: FaceId, id: u16, text: &str) -> u32 {
        let texts = self.texts.entry((face, id)).or_default();
        let k = match texts.iter().position(|t| t == text) {
            Some(k) => k,
            None => {
                texts.push(text.to_string());
                texts.len() - 1
            }
        };
        u32::try_from(k + 1).unwrap_or(u32::MAX)
    }

    /// The PDF font of copy `k` of `face` (0: the face's own). A copy is
    /// the same font file, told apart by a variation coordinate on an axis
    /// the font does not have, which changes nothing drawn.
    fn font(&mut self, book: &FontBook, face: FaceId, k: u32) -> Font {
        let f = book.face(face);
        if k == 0 {
            return f.pdf.clone();
        }
        self.fonts
            .entry((face, k))
            .or_insert_with(|| {
                Font::new_variable(f.data(), f.index(), &[(Tag::new(b"HBcp"), k as f32)])
                    .unwrap_or_else(|| f.pdf.clone())
            })
            .clone()
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
///
/// `strict` standards (PDF/UA-1, PDF/A-2a) want every glyph to map to a
/// character; there the dots and marks map to a zero width space
/// (U+200B) at the text's end, which readers and speech pass over.
fn rtl_glyphs(
    glyphs: &[Glyph],
    text: &str,
    size: f32,
    blank: u16,
    zwsp: u16,
    strict: bool,
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
    let mut end = text.len()..text.len();
    if strict {
        text.push('\u{200B}');
        end.end = text.len();
    }
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
        let (out, written) = rtl_glyphs(&glyphs, text, 10.0, 6, 7, false);
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
        let (out, _) = rtl_glyphs(&glyphs, "ن", 10.0, 9, 8, false);
        assert_eq!(out.iter().map(|g| g.id).collect::<Vec<_>>(), vec![3, 4, 9]);
        assert!(out[1..].iter().all(|g| g.text.is_empty() && g.text == out[2].text));
    }
}
