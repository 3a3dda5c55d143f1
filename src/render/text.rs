//! Glyph runs into PDF text: glyphs as krilla wants them, advances in whole
//! thousandths of an em, expanded lines in a scaled coordinate system, and
//! right-to-left clusters written so PDF readers get their text back in
//! logical order.

use std::collections::HashMap;
use std::ops::Range;

use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::paint::Stroke;
use krilla::surface::Surface;
use krilla::tagging::{Artifact, ArtifactType, ContentTag, Identifier, SpanTag};
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
    /// Written through the copy of the font in which it stands for its
    /// text (right-to-left glyphs, see [`rtl_glyphs`]).
    copy: bool,
}

impl PdfGlyph {
    /// The glyph as laid out; .notdef is drawn as `notdef_as` (see
    /// [`draw_text`]).
    fn new(g: &Glyph, size: f32, notdef_as: u16) -> Self {
        let id = if g.id == 0 { notdef_as } else { g.id };
        PdfGlyph {
            id,
            text: g.text.clone(),
            unit: g.advance / size,
            dx: g.dx,
            dy: g.dy,
            size,
            copy: false,
        }
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
/// `tag`: a right-to-left run's text is tagged glyph by glyph (see
/// [`rtl_glyphs`]); the marked content is returned in logical order.
#[allow(clippy::too_many_arguments)]
pub(super) fn draw_text(
    s: &mut Surface,
    run: &TextRun,
    ink: Ink,
    book: &FontBook,
    mode: ColorMode,
    strict: bool,
    copies: &mut Copies,
    tag: bool,
) -> Vec<Identifier> {
    if run.glyphs.is_empty() || run.size <= 0.0 {
        return Vec::new();
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
    if run.rtl {
        // A default-ignorable character's glyph: blank and of no width.
        let zwsp = face.font.charmap().map_unicode('\u{200B}').map_or(space, |g| g.to_u32() as u16);
        let (glyphs, text) = rtl_glyphs(run_glyphs, &run.text, run.size, space, zwsp, strict);
        return draw_rtl(s, run, &glyphs, &text, expanded, book, copies, tag);
    }
    let glyphs: Vec<PdfGlyph> = run_glyphs
        .iter()
        .zip(pdf_advances(run_glyphs, run.size))
        .map(|(g, em)| PdfGlyph { unit: em / 1000.0, ..PdfGlyph::new(g, run.size, space) })
        .collect();
    let text = run.text.clone();
    // Which copy of the font each glyph is written with (0: the face's
    // own): a glyph standing for other text than it does elsewhere.
    let copy: Vec<u32> = glyphs
        .iter()
        .map(|g| match text.get(g.text.clone()) {
            Some(t) if g.copy || t == SOFT_HYPHEN => copies.copy(run.face, g.id, t),
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
    Vec::new()
}

/// Draws a right-to-left run's glyphs from [`rtl_glyphs`], each glyph that
/// carries text on its own (tagged if `tag`), the ink after them (an
/// artifact if `tag`); returns the tagged content in logical order.
#[allow(clippy::too_many_arguments)]
fn draw_rtl(
    s: &mut Surface,
    run: &TextRun,
    glyphs: &[RtlGlyph],
    text: &str,
    expanded: bool,
    book: &FontBook,
    copies: &mut Copies,
    tag: bool,
) -> Vec<Identifier> {
    if expanded {
        s.push_transform(&Transform::from_row(run.expand, 0.0, 0.0, 1.0, run.x, 0.0));
    }
    let origin = if expanded { 0.0 } else { run.x };
    let mut ids = Vec::new();
    for g in glyphs.iter().filter(|g| g.order.is_some()) {
        let t = text.get(g.glyph.text.clone()).unwrap_or("");
        let k = if g.glyph.copy { copies.copy(run.face, g.glyph.id, t) } else { 0 };
        let font = copies.font(book, run.face, k);
        let id = tag.then(|| s.start_tagged(ContentTag::Span(SpanTag::empty())));
        let at = Point::from_xy(origin + g.x, run.y);
        s.draw_glyphs(at, std::slice::from_ref(&g.glyph), font, text, run.size, false);
        if let (Some(id), Some(order)) = (id, g.order) {
            s.end_tagged();
            ids.push((order, id));
        }
    }
    let ink: Vec<PdfGlyph> = glyphs
        .iter()
        .filter(|g| g.order.is_none())
        .map(|g| PdfGlyph { dx: g.x, unit: 0.0, ..g.glyph.clone() })
        .collect();
    if !ink.is_empty() {
        if tag {
            s.start_tagged(ContentTag::Artifact(Artifact::with_kind(ArtifactType::Other)));
        }
        let font = book.face(run.face).pdf.clone();
        s.draw_glyphs(Point::from_xy(origin, run.y), &ink, font, text, run.size, false);
        if tag {
            s.end_tagged();
        }
    }
    if expanded {
        s.pop();
    }
    ids.sort_by_key(|(order, _)| *order);
    ids.into_iter().map(|(_, id)| id).collect()
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
                let data = krilla::Data::from(f.bytes().to_vec());
                Font::new_variable(data, f.index(), &[(Tag::new(b"HBcp"), k as f32)])
                    .unwrap_or_else(|| f.pdf.clone())
            })
            .clone()
    }
}

/// A glyph of a right-to-left run as written to the PDF: drawn on its own
/// at `x` (from the run's start), with its place in the run's logical
/// order, `None` for ink that is no text.
struct RtlGlyph {
    glyph: PdfGlyph,
    x: f32,
    order: Option<(usize, usize)>,
}

/// The glyphs of a right-to-left run as written to the PDF, in stream
/// order, and the text they point into.
///
/// Two kinds of reader meet here. Page-text readers (poppler's pdftotext,
/// MuPDF) want the glyphs in visual order, left to right: they reverse
/// right-to-left lines. Structure readers (poppler's `pdfinfo
/// -struct-text`, which stands for what a screen reader gets from the tag
/// tree) read an element's marked content in the tree's order and each
/// piece's glyphs by their ToUnicode text alone: no `/ActualText`, and an
/// `/ActualText` span inside an element's marked content ends poppler's
/// reading of it. So each glyph carrying text is drawn on its own, tagged
/// on its own (see `draw_run`), and the tree takes the pieces in `order`:
/// the stream is visual, the structure logical.
///
/// One glyph per cluster carries the cluster's letters (Noto Naskh draws
/// the dots of ب ت ن ي and every vowel mark as glyphs of their own): the
/// widest, which spans the cluster. Each mark after the letters is given
/// to a blank glyph of no width (`zwsp`) just left of the letter, the
/// later marks further left, where a page-text reader, reversing the line,
/// reads it after the letter. The cluster's other glyphs are ink, not
/// text: drawn after the run in one span with empty text (in `strict`
/// standards, PDF/UA-1 and PDF/A-2a, which want every glyph to map to a
/// character, a zero width space, U+200B, which readers and speech pass
/// over). A glyph standing for several texts (Noto Naskh's dotless ب
/// stands for ب ت ث ن ي; the blank glyph for every mark) is written
/// through copies of the font (see [`Copies`]): `copy` is set.
fn rtl_glyphs(
    glyphs: &[Glyph],
    text: &str,
    size: f32,
    blank: u16,
    zwsp: u16,
    strict: bool,
) -> (Vec<RtlGlyph>, String) {
    // Where each glyph is drawn, from the run's start.
    let mut at = Vec::with_capacity(glyphs.len());
    let mut pen = 0.0;
    for g in glyphs {
        at.push(pen + g.dx);
        pen += g.advance;
    }
    let mut clusters: Vec<(Range<usize>, usize)> = Vec::new();
    let mut i = 0;
    while i < glyphs.len() {
        let range = glyphs[i].text.clone();
        let n = glyphs[i..].iter().take_while(|g| g.text == range).count().max(1);
        let base =
            (i..i + n).fold(i, |b, k| if glyphs[k].advance > glyphs[b].advance { k } else { b });
        clusters.push((i..i + n, base));
        i += n;
    }
    let count = clusters.len();
    let mut written = String::with_capacity(text.len() + 8);
    let mut out: Vec<RtlGlyph> = Vec::with_capacity(glyphs.len() + 4);
    let mut ink: Vec<RtlGlyph> = Vec::new();
    for (c, (members, base)) in clusters.into_iter().enumerate() {
        // Logical order: the rightmost cluster first.
        let rank = count - 1 - c;
        let g = &glyphs[base];
        let t = text.get(g.text.clone()).unwrap_or("");
        let split = t.char_indices().skip(1).find(|&(_, c)| is_mark(c)).map_or(t.len(), |(k, _)| k);
        let marks: Vec<char> = t[split..].chars().collect();
        // The marks, rightmost (first) last, then the letters.
        for (k, &m) in marks.iter().enumerate().rev() {
            let from = written.len();
            written.push(m);
            let mut z = PdfGlyph::new(g, size, blank);
            (z.id, z.text, z.unit, z.dx, z.dy, z.copy) =
                (zwsp, from..written.len(), 0.0, 0.0, 0.0, true);
            let x = at[base] - 0.01 * size * (k + 1) as f32;
            out.push(RtlGlyph { glyph: z, x, order: Some((rank, k + 1)) });
        }
        let from = written.len();
        written.push_str(&t[..split]);
        let mut pg = PdfGlyph::new(g, size, blank);
        (pg.text, pg.dx, pg.copy) = (from..written.len(), 0.0, true);
        let order = (!t.is_empty()).then_some((rank, 0));
        out.push(RtlGlyph { glyph: pg, x: at[base], order });
        for k in members.filter(|&k| k != base) {
            let mut pg = PdfGlyph::new(&glyphs[k], size, blank);
            pg.dx = 0.0;
            ink.push(RtlGlyph { glyph: pg, x: at[k], order: None });
        }
    }
    if !ink.is_empty() {
        // An empty span needs two glyphs (one alone would get a plain,
        // empty ToUnicode entry, which MuPDF reads as its glyph number): a
        // blank glyph of no width keeps it company.
        if ink.len() == 1 {
            let mut b = PdfGlyph::new(&glyphs[0], size, blank);
            (b.id, b.unit, b.dx, b.dy) = (blank, 0.0, 0.0, 0.0);
            ink.push(RtlGlyph { glyph: b, x: pen, order: None });
        }
        let mut end = written.len()..written.len();
        if strict {
            written.push('\u{200B}');
            end.end = written.len();
        }
        for mut g in ink {
            g.glyph.text = end.clone();
            out.push(g);
        }
    }
    (out, written)
}

/// Whether `c` is a combining mark (a vowel mark, shadda, tanween): read
/// after its letter.
fn is_mark(c: char) -> bool {
    matches!(unicode_bidi::bidi_class(c), BidiClass::NSM)
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

    #[test]
    fn rtl_glyphs_stay_in_place_and_are_read_in_logical_order() {
        // "بُ ن" shaped right to left: ن (base 3, dot 4), then a space (6),
        // then بُ (dot 2, base 1, damma 5), in visual order.
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
        // Every glyph of the run is drawn where the shaper put it.
        let mut pen = 0.0;
        for g in &glyphs {
            let drawn = out.iter().find(|o| o.glyph.id == g.id).expect("drawn");
            assert!((drawn.x - (pen + g.dx)).abs() < 1e-4, "{} moved", g.id);
            pen += g.advance;
        }
        // The stream is visual: ن, the space, the damma's blank just left
        // of ب, ب; then the dots and the damma as ink with no text.
        let ids: Vec<u16> = out.iter().map(|o| o.glyph.id).collect();
        assert_eq!(ids, vec![3, 6, 7, 1, 4, 2, 5]);
        let blank = &out[2];
        assert!(blank.x < out[3].x && blank.glyph.unit == 0.0);
        assert!(out[4..].iter().all(|o| o.order.is_none() && o.glyph.text.is_empty()));
        // Read in order, each glyph with its own text: ب, its damma, the
        // space, ن; the blank and the letters through copies of the font.
        let mut read: Vec<&RtlGlyph> = out.iter().filter(|o| o.order.is_some()).collect();
        read.sort_by_key(|o| o.order);
        let texts: Vec<&str> = read.iter().map(|o| &written[o.glyph.text.clone()]).collect();
        assert_eq!(texts, vec!["ب", "\u{64f}", " ", "ن"]);
        assert!(read.iter().all(|o| o.glyph.copy));
    }

    #[test]
    fn ink_of_strict_standards_maps_to_a_zero_width_space() {
        let glyphs = vec![glyph(3, 6.0, 0.0, 0..2), glyph(4, 0.0, -3.0, 0..2)];
        let (out, written) = rtl_glyphs(&glyphs, "ن", 10.0, 9, 8, true);
        // A lone ink glyph gets a blank companion: one glyph alone would
        // get a plain, empty ToUnicode entry.
        let ink: Vec<&RtlGlyph> = out.iter().filter(|o| o.order.is_none()).collect();
        assert_eq!(ink.iter().map(|o| o.glyph.id).collect::<Vec<_>>(), vec![4, 9]);
        assert!(ink.iter().all(|o| &written[o.glyph.text.clone()] == "\u{200B}"));
    }
}
