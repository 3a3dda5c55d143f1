//! Crop marks around a single page, cut marks on an imposed sheet, and
//! fold marks outside the trim of a folded sheet.

use krilla::geom::PathBuilder;
use krilla::paint::{LineCap, Stroke, StrokeDash};
use krilla::surface::Surface;

use super::color::mark_paint;
use crate::impose::{Area, SheetSide};
use crate::pages::{Document, Element, Page};
use crate::spec::ColorMode;

/// Width of crop and cut marks: a hairline that still prints.
pub const MARK_WIDTH: f32 = 0.25;
/// Room beyond the bleed for crop marks.
pub const MARK_ROOM: f32 = 18.0;
/// Gap between the bleed edge and a crop mark.
pub const MARK_OFFSET: f32 = 3.0;

/// A straight mark from (x0, y0) to (x1, y1).
pub type Mark = (f32, f32, f32, f32);

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
pub(super) fn cut_marks(doc: &Document, side: &SheetSide) -> Vec<Mark> {
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
            Element::Rect { x, y, w, h, .. } | Element::Image { x, y, w, h, .. } => {
                (*x, *y, x + w, y + h)
            }
        };
        m = m.min(l).min(t).min(page.width - r).min(page.height - b);
    }
    m.max(0.0)
}

/// Fold marks: each fold line of `side` carried on beyond the trim at both
/// ends, from `offset` outside the trim for `len`, where crop marks go.
pub fn fold_marks(side: &SheetSide, offset: f32, len: f32) -> Vec<Mark> {
    let len = len.max(3.0);
    let mut out = Vec::new();
    for &(x0, y0, x1, y1) in &side.folds {
        let l = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
        if l <= 0.0 {
            continue;
        }
        let (dx, dy) = ((x1 - x0) / l, (y1 - y0) / l);
        out.push((
            x0 - dx * offset,
            y0 - dy * offset,
            x0 - dx * (offset + len),
            y0 - dy * (offset + len),
        ));
        out.push((
            x1 + dx * offset,
            y1 + dy * offset,
            x1 + dx * (offset + len),
            y1 + dy * (offset + len),
        ));
    }
    out
}

/// Strokes fold marks dashed, as printers draw them, so they are not
/// taken for cut lines.
pub(super) fn stroke_fold_marks(s: &mut Surface, marks: &[Mark], mode: ColorMode) {
    stroke(s, marks, mode, Some(StrokeDash { array: vec![3.0, 2.0], offset: 0.0 }));
}

/// Strokes `marks` as hairlines in registration black.
pub(super) fn stroke_marks(s: &mut Surface, marks: &[Mark], mode: ColorMode) {
    stroke(s, marks, mode, None);
}

/// Strokes `marks` as hairlines in registration black, solid or `dash`ed.
fn stroke(s: &mut Surface, marks: &[Mark], mode: ColorMode, dash: Option<StrokeDash>) {
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
            dash,
            ..Stroke::default()
        }));
        s.draw_path(&path);
        s.set_stroke(None);
    }
}
