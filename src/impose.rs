//! Imposition, the last step of rendering: laid-out pages become sheet
//! sides with several identical copies each (step and repeat), so one cut
//! sheet gives N identical handouts.
//!
//! Sheet side `i` carries page `i` of the leaflet N times: sheet 1 front =
//! page 1 ×N, sheet 1 back = page 2 ×N, and so on. Backs are placed so that
//! every copy's back lies behind its front once the printer flips the sheet
//! on the chosen edge, and reads the right way up when the cut handout is
//! turned over like a book page.
//!
//! Folded leaflets and booklets (`fold.style`) are imposed here too: the
//! panels of a letter or z-fold on the two sides of one landscape sheet
//! ([`panel_slots`]), and the pages of a saddle-stitched booklet two a side
//! in the order the nested sheets read ([`booklet_pages`]).
//!
//! Plain geometry in points, sheet top-left origin, y down; `render` draws it.

use crate::spec::{Duplex, FoldStyle, LayoutSpec};

/// An affine map from page coordinates to sheet coordinates:
/// `x' = a·x + c·y + e`, `y' = b·x + d·y + f` (the PDF convention).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Affine {
    /// x' from x.
    pub a: f32,
    /// y' from x.
    pub b: f32,
    /// x' from y.
    pub c: f32,
    /// y' from y.
    pub d: f32,
    /// x' offset.
    pub e: f32,
    /// y' offset.
    pub f: f32,
}

impl Affine {
    /// A translation.
    pub fn translate(x: f32, y: f32) -> Affine {
        Affine { a: 1.0, b: 0.0, c: 0.0, d: 1.0, e: x, f: y }
    }

    /// Maps a point.
    pub fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        (self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f)
    }

    /// `self ∘ other`: first `other`, then `self`.
    pub fn then_after(&self, other: &Affine) -> Affine {
        let s = self;
        let o = other;
        Affine {
            a: s.a * o.a + s.c * o.b,
            b: s.b * o.a + s.d * o.b,
            c: s.a * o.c + s.c * o.d,
            d: s.b * o.c + s.d * o.d,
            e: s.a * o.e + s.c * o.f + s.e,
            f: s.b * o.e + s.d * o.f + s.f,
        }
    }

    /// The quarter turns (0..4, clockwise on the sheet, y down) of a map
    /// that is a rotation by a multiple of 90° plus a translation.
    pub fn quarter_turns(&self) -> u8 {
        match (self.a.round() as i32, self.b.round() as i32) {
            (1, 0) => 0,
            (0, 1) => 1,
            (-1, 0) => 2,
            _ => 3,
        }
    }
}

/// A rectangle on the sheet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    /// Left.
    pub x: f32,
    /// Top.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

impl Area {
    /// The center point.
    pub fn center(&self) -> (f32, f32) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// One copy of a page on a sheet side.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// Index of the leaflet page drawn.
    pub page: usize,
    /// Page coordinates (trim origin) to sheet coordinates.
    pub transform: Affine,
    /// The copy's trim on the sheet.
    pub trim: Area,
    /// The copy's trim plus the bleed that fits on the sheet; drawing is
    /// clipped to it so neighbours do not paint over each other.
    pub clip: Area,
}

/// One side of a sheet: one PDF page.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetSide {
    /// Sheet width.
    pub width: f32,
    /// Sheet height.
    pub height: f32,
    /// The copies.
    pub placements: Vec<Placement>,
    /// The lines to cut along: x positions of vertical cuts.
    pub cuts_x: Vec<f32>,
    /// y positions of horizontal cuts.
    pub cuts_y: Vec<f32>,
    /// Fold lines across the sheet, (x0, y0, x1, y1) from edge to edge;
    /// their marks go outside the trim, like crop marks.
    pub folds: Vec<(f32, f32, f32, f32)>,
    /// Room drawn around the sheet's trim on every side (bleed, and crop
    /// and fold marks): 0 for sheets cut n-up, whose trim is the paper.
    pub margin: f32,
}

/// How copies of a page fit on a sheet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    /// Copies across.
    pub cols: usize,
    /// Copies down.
    pub rows: usize,
    /// Pages are turned a quarter turn on the sheet.
    pub rotated: bool,
    /// Space between neighbouring copies' trims (twice the bleed, or 0).
    pub gap: f32,
}

impl Grid {
    /// Number of copies per sheet side.
    pub fn copies(&self) -> usize {
        self.cols * self.rows
    }
}

/// Chooses the grid with the most copies of a `pw` × `ph` page on a
/// `sw` × `sh` sheet, trying the page upright and turned. Keeps a gap of
/// twice the bleed between copies when that costs no copy.
pub fn grid(pw: f32, ph: f32, sw: f32, sh: f32, bleed: f32) -> Grid {
    // A hair of tolerance: paper sizes in mm do not convert exactly.
    let fit = |avail: f32, cell: f32, gap: f32| -> usize {
        if cell <= 0.0 {
            return 0;
        }
        (((avail + gap) + 0.5) / (cell + gap)).floor().max(0.0) as usize
    };
    let mut best = Grid { cols: 0, rows: 0, rotated: false, gap: 0.0 };
    for rotated in [false, true] {
        let (cw, ch) = if rotated { (ph, pw) } else { (pw, ph) };
        let plain = Grid { cols: fit(sw, cw, 0.0), rows: fit(sh, ch, 0.0), rotated, gap: 0.0 };
        let gap = 2.0 * bleed.max(0.0);
        let bled = Grid { cols: fit(sw, cw, gap), rows: fit(sh, ch, gap), rotated, gap };
        let g = if gap > 0.0 && bled.copies() == plain.copies() { bled } else { plain };
        if g.copies() > best.copies() {
            best = g;
        }
    }
    if best.copies() == 0 {
        best = Grid { cols: 1, rows: 1, rotated: false, gap: 0.0 };
    }
    best
}

/// Imposes `pages` leaflet pages of `pw` × `ph` on the layout's sheet.
/// Returns `None` when the layout has no `print.sheet`.
pub fn impose(pages: usize, pw: f32, ph: f32, spec: &LayoutSpec) -> Option<Vec<SheetSide>> {
    let (sw, sh) = spec.print.sheet?;
    match spec.fold.style {
        FoldStyle::Letter | FoldStyle::Z => return Some(impose_panels(pw, ph, spec, (sw, sh))),
        FoldStyle::Booklet => return Some(impose_booklet(pages, pw, ph, spec, (sw, sh))),
        FoldStyle::None => {}
    }
    let bleed = spec.page.bleed;
    let g = grid(pw, ph, sw, sh, bleed);
    let (cw, ch) = if g.rotated { (ph, pw) } else { (pw, ph) };
    let block_w = g.cols as f32 * cw + (g.cols.saturating_sub(1)) as f32 * g.gap;
    let block_h = g.rows as f32 * ch + (g.rows.saturating_sub(1)) as f32 * g.gap;
    // The block is centred, so the mirrored back grid covers the same cells.
    let x0 = (sw - block_w) / 2.0;
    let y0 = (sh - block_h) / 2.0;

    let mut fronts = Vec::new();
    for r in 0..g.rows {
        for c in 0..g.cols {
            let x = x0 + c as f32 * (cw + g.gap);
            let y = y0 + r as f32 * (ch + g.gap);
            let t = if g.rotated {
                // A quarter turn clockwise: the page's top faces the sheet's right.
                Affine { a: 0.0, b: 1.0, c: -1.0, d: 0.0, e: x + ph, f: y }
            } else {
                Affine::translate(x, y)
            };
            fronts.push(t);
        }
    }

    let mut cuts_x = Vec::new();
    let mut cuts_y = Vec::new();
    for c in 0..g.cols {
        let x = x0 + c as f32 * (cw + g.gap);
        push_cut(&mut cuts_x, x, sw);
        push_cut(&mut cuts_x, x + cw, sw);
    }
    for r in 0..g.rows {
        let y = y0 + r as f32 * (ch + g.gap);
        push_cut(&mut cuts_y, y, sh);
        push_cut(&mut cuts_y, y + ch, sh);
    }

    let mut sides = Vec::new();
    for page in 0..pages {
        let back = page % 2 == 1;
        let placements = fronts
            .iter()
            .map(|t| {
                let t = if back { back_transform(t, pw, sw, sh, spec.print.duplex) } else { *t };
                let trim = bounds(&t, 0.0, 0.0, pw, ph);
                let clip = clip_area(&trim, bleed.min(g.gap / 2.0), sw, sh);
                Placement { page, transform: t, trim, clip }
            })
            .collect();
        sides.push(SheetSide {
            width: sw,
            height: sh,
            placements,
            cuts_x: cuts_x.clone(),
            cuts_y: cuts_y.clone(),
            folds: Vec::new(),
            margin: 0.0,
        });
    }
    Some(sides)
}

/// One panel of a folded sheet: the page (in reading order, 0 = panel 1)
/// it carries, its left edge and width, in the coordinates of its side
/// seen from the front.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slot {
    /// Page index: panel number − 1.
    pub page: usize,
    /// Left edge.
    pub x: f32,
    /// Width.
    pub w: f32,
}

/// The panels of a letter or z-fold on a sheet `long` wide: the outside
/// (5 | 6 | 1) and the inside (2 | 3 | 4), each left to right as seen.
///
/// The letter fold's flap (5 outside, 4 behind it inside) is `fold_in`
/// narrower than the other two, so it lies inside them once folded: with
/// panels `w` wide, `w + w + (w − fold_in)` = `long`. Turned over left to
/// right, outside x lies behind inside `long − x`: 5 behind 4, 6 behind 3,
/// 1 behind 2.
pub fn panel_slots(style: FoldStyle, long: f32, fold_in: f32) -> [[Slot; 3]; 2] {
    let (w, flap) = match style {
        FoldStyle::Letter => {
            let w = (long + fold_in) / 3.0;
            (w, w - fold_in)
        }
        _ => (long / 3.0, long / 3.0),
    };
    let slot = |page, x, w| Slot { page, x, w };
    [
        [slot(4, 0.0, flap), slot(5, flap, w), slot(0, flap + w, w)],
        [slot(1, 0.0, w), slot(2, w, w), slot(3, 2.0 * w, flap)],
    ]
}

/// Room around a folded sheet: its bleed, and the crop and fold marks.
fn fold_margin(spec: &LayoutSpec) -> f32 {
    let marks = if spec.print.crop_marks { crate::render::MARK_ROOM } else { 0.0 };
    spec.page.bleed + marks
}

/// A half turn of a `w` × `h` sheet about its centre: how the back is
/// drawn with `fold.tumble` (head to head).
fn half_turn(w: f32, h: f32) -> Affine {
    Affine { a: -1.0, b: 0.0, c: 0.0, d: -1.0, e: w, f: h }
}

/// The two sides of a letter or z-fold: outside (with the cover) first.
/// Every panel's page (`pw` wide, the narrowest panel) is centred in its
/// panel and clipped to it, bleed only at the sheet's edges, so nothing
/// crosses a fold.
fn impose_panels(pw: f32, ph: f32, spec: &LayoutSpec, sheet: (f32, f32)) -> Vec<SheetSide> {
    let (long, short) = (sheet.0.max(sheet.1), sheet.0.min(sheet.1));
    let bleed = spec.page.bleed;
    let slots = panel_slots(spec.fold.style, long, spec.fold.fold_in);
    let mut sides = Vec::new();
    for (i, side) in slots.iter().enumerate() {
        // The inside is seen from the front once the sheet is turned
        // over; printed head to head, it is drawn half turned.
        let view = if i == 1 && spec.fold.tumble {
            half_turn(long, short)
        } else {
            Affine::translate(0.0, 0.0)
        };
        let placements = side
            .iter()
            .map(|s| {
                let t = Affine::translate(s.x + (s.w - pw) / 2.0, (short - ph) / 2.0);
                let left = if s.x < 0.5 { bleed } else { 0.0 };
                let right = if s.x + s.w > long - 0.5 { bleed } else { 0.0 };
                let clip = Area {
                    x: s.x - left,
                    y: -bleed,
                    w: s.w + left + right,
                    h: short + 2.0 * bleed,
                };
                Placement {
                    page: s.page,
                    transform: view.then_after(&t),
                    trim: bounds(&view.then_after(&t), 0.0, 0.0, pw, ph),
                    clip: bounds(&view, clip.x, clip.y, clip.w, clip.h),
                }
            })
            .collect();
        let folds = side
            .iter()
            .skip(1)
            .map(|s| {
                let (x0, y0) = view.apply(s.x, 0.0);
                let (x1, y1) = view.apply(s.x, short);
                (x0, y0, x1, y1)
            })
            .collect();
        sides.push(SheetSide {
            width: long,
            height: short,
            placements,
            cuts_x: Vec::new(),
            cuts_y: Vec::new(),
            folds,
            margin: fold_margin(spec),
        });
    }
    sides
}

/// The pages of a saddle-stitched booklet of `pages` pages (a multiple of
/// four), sheet by sheet from the outside: (front left, front right, back
/// left, back right) as the reader sees each side of the flat sheet, the
/// front being the side facing the cover. Sheet `k` of `n`: front
/// `pages − 2k` | `2k + 1`, back `2k + 2` | `pages − 2k − 1` (1-based),
/// given here 0-based.
pub fn booklet_pages(pages: usize) -> Vec<[usize; 4]> {
    let t = pages;
    (0..t / 4).map(|k| [t - 1 - 2 * k, 2 * k, 2 * k + 1, t - 2 - 2 * k]).collect()
}

/// The sides of a saddle-stitched booklet: per sheet, front then back, two
/// pages a side on `print.sheet`, as the existing n-up places one page:
/// the spread (two pages side by side) turned a quarter turn when the
/// sheet is portrait, the back placed for `print.duplex` so that each page
/// lies behind the one it backs. Each sheet's pages move `fold.creep` × its
/// number from the outside towards the spine.
fn impose_booklet(
    pages: usize,
    pw: f32,
    ph: f32,
    spec: &LayoutSpec,
    (sw, sh): (f32, f32),
) -> Vec<SheetSide> {
    let spread_w = 2.0 * pw;
    let g = grid(spread_w, ph, sw, sh, 0.0);
    let (cw, ch) = if g.rotated { (ph, spread_w) } else { (spread_w, ph) };
    let (x, y) = ((sw - cw) / 2.0, (sh - ch) / 2.0);
    let front = if g.rotated {
        Affine { a: 0.0, b: 1.0, c: -1.0, d: 0.0, e: x + ph, f: y }
    } else {
        Affine::translate(x, y)
    };
    let duplex =
        if spec.print.duplex == Duplex::None { Duplex::LongEdge } else { spec.print.duplex };
    let mut back = back_transform(&front, spread_w, sw, sh, duplex);
    if spec.fold.tumble {
        back = half_turn(sw, sh).then_after(&back);
    }
    let spine = |t: &Affine| {
        let (x0, y0) = t.apply(pw, 0.0);
        let (x1, y1) = t.apply(pw, ph);
        if (x0 - x1).abs() < 0.01 {
            (x0, 0.0, x1, sh)
        } else {
            (0.0, y0, sw, y1)
        }
    };
    let mut sides = Vec::new();
    for (k, [fl, fr, bl, br]) in booklet_pages(pages).into_iter().enumerate() {
        let shift = spec.fold.creep * k as f32;
        for (spread, left, right) in [(front, fl, fr), (back, bl, br)] {
            let place = |page: usize, half: f32, dx: f32| {
                let t = spread.then_after(&Affine::translate(half + dx, 0.0));
                let clip = bounds(&spread, half, 0.0, pw, ph);
                Placement { page, transform: t, trim: bounds(&t, 0.0, 0.0, pw, ph), clip }
            };
            sides.push(SheetSide {
                width: sw,
                height: sh,
                placements: vec![place(left, 0.0, shift), place(right, pw, -shift)],
                cuts_x: Vec::new(),
                cuts_y: Vec::new(),
                folds: vec![spine(&spread)],
                margin: fold_margin(spec),
            });
        }
    }
    sides
}

/// A cut at `v` unless it is the sheet's own edge (nothing to cut there).
fn push_cut(cuts: &mut Vec<f32>, v: f32, edge: f32) {
    if v > 0.5 && v < edge - 0.5 && !cuts.iter().any(|c| (c - v).abs() < 0.01) {
        cuts.push(v);
    }
}

/// Where the back of a copy goes.
///
/// The printer flips the sheet: a point at front (x, y) is at back
/// (sw − x, y) after a long-edge flip of a portrait sheet and at
/// (x, sh − y) after a short-edge flip (the other way round on a landscape
/// sheet). The reader turns the cut handout over like a book page, about
/// its own vertical axis, so page point (u, v) on the front is behind page
/// point (pw − u, v) on the back. Hence back = flip ∘ front ∘ mirror(u).
pub fn back_transform(front: &Affine, pw: f32, sw: f32, sh: f32, duplex: Duplex) -> Affine {
    let Some(flip) = flip(sw, sh, duplex) else {
        return *front;
    };
    let mirror_u = Affine { a: -1.0, b: 0.0, c: 0.0, d: 1.0, e: pw, f: 0.0 };
    flip.then_after(&front.then_after(&mirror_u))
}

/// The map from front sheet coordinates to back sheet coordinates for a
/// duplex mode; `None` when printing one-sided.
pub fn flip(sw: f32, sh: f32, duplex: Duplex) -> Option<Affine> {
    let horizontal = Affine { a: -1.0, b: 0.0, c: 0.0, d: 1.0, e: sw, f: 0.0 };
    let vertical = Affine { a: 1.0, b: 0.0, c: 0.0, d: -1.0, e: 0.0, f: sh };
    let portrait = sh >= sw;
    match duplex {
        Duplex::None => None,
        // The long edges of a portrait sheet are vertical: flipping on them
        // mirrors left and right.
        Duplex::LongEdge => Some(if portrait { horizontal } else { vertical }),
        Duplex::ShortEdge => Some(if portrait { vertical } else { horizontal }),
    }
}

/// The sheet rectangle covered by the page rectangle (x, y, w, h).
pub fn bounds(t: &Affine, x: f32, y: f32, w: f32, h: f32) -> Area {
    let pts = [t.apply(x, y), t.apply(x + w, y), t.apply(x, y + h), t.apply(x + w, y + h)];
    let (mut l, mut tp, mut r, mut b) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for (px, py) in pts {
        l = l.min(px);
        r = r.max(px);
        tp = tp.min(py);
        b = b.max(py);
    }
    Area { x: l, y: tp, w: r - l, h: b - tp }
}

fn clip_area(trim: &Area, bleed: f32, sw: f32, sh: f32) -> Area {
    let l = (trim.x - bleed).max(0.0);
    let t = (trim.y - bleed).max(0.0);
    let r = (trim.x + trim.w + bleed).min(sw);
    let b = (trim.y + trim.h + bleed).min(sh);
    Area { x: l, y: t, w: r - l, h: b - t }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{PT_PER_IN, PT_PER_MM};

    fn paper(name: &str) -> (f32, f32) {
        crate::spec::papers()
            .iter()
            .find(|p| p.0 == name)
            .map(|p| (p.1, p.2))
            .unwrap_or_else(|| panic!("no paper {name}"))
    }

    fn spec(page: &str, sheet: &str, duplex: Duplex) -> LayoutSpec {
        let mut s = LayoutSpec::default();
        let (w, h) = paper(page);
        s.page.width = w;
        s.page.height = h;
        s.print.sheet = Some(paper(sheet));
        s.print.duplex = duplex;
        s
    }

    #[test]
    fn grids_for_the_usual_cases() {
        let cases = [
            ("half-letter", "letter", 2, true),
            ("a6", "a4", 4, false),
            ("a5", "a4", 2, true),
            ("quarter-letter", "letter", 4, false),
            ("letter", "letter", 1, false),
        ];
        for (page, sheet, n, rotated) in cases {
            let (pw, ph) = paper(page);
            let (sw, sh) = paper(sheet);
            let g = grid(pw, ph, sw, sh, 0.0);
            assert_eq!((g.copies(), g.rotated), (n, rotated), "{page} on {sheet}");
        }
    }

    #[test]
    fn a_gap_for_the_bleed_only_when_it_costs_no_copy() {
        let (sw, sh) = (210.0 * PT_PER_MM, 297.0 * PT_PER_MM);
        let g = grid(100.0 * PT_PER_MM, 140.0 * PT_PER_MM, sw, sh, 8.5);
        assert_eq!((g.copies(), g.gap), (4, 17.0));
        // With a gap, 90 × 50 mm cards fit 10 instead of 12 turned: no gap.
        let g = grid(90.0 * PT_PER_MM, 50.0 * PT_PER_MM, sw, sh, 9.0);
        assert_eq!((g.copies(), g.rotated, g.gap), (12, true, 0.0));
        let (pw, ph) = paper("half-letter");
        let g = grid(pw, ph, 8.5 * PT_PER_IN, 11.0 * PT_PER_IN, 9.0);
        assert_eq!((g.copies(), g.gap), (2, 0.0));
    }

    #[test]
    fn step_and_repeat_one_page_per_side() {
        let s = spec("half-letter", "letter", Duplex::LongEdge);
        let sides = impose(3, s.page.width, s.page.height, &s).unwrap_or_default();
        assert_eq!(sides.len(), 3);
        for (i, side) in sides.iter().enumerate() {
            assert_eq!(side.placements.len(), 2);
            assert!(side.placements.iter().all(|p| p.page == i));
        }
        // One cut across the middle of the sheet.
        assert_eq!(sides[0].cuts_y, vec![396.0]);
        assert!(sides[0].cuts_x.is_empty());
    }

    /// For every copy, the front's trim center lands on the back's after the
    /// flip, and the page's top-left corner lands behind the back page's
    /// top-right corner (the handout turns over like a book page).
    #[test]
    fn duplex_fronts_and_backs_line_up() {
        let cases = ["half-letter/letter", "a6/a4", "a5/a4", "quarter-letter/letter", "a6/a3"];
        for case in cases {
            let (page, sheet) = case.split_once('/').unwrap_or_default();
            for duplex in [Duplex::LongEdge, Duplex::ShortEdge] {
                let s = spec(page, sheet, duplex);
                let (pw, ph) = (s.page.width, s.page.height);
                let sides = impose(2, pw, ph, &s).unwrap_or_default();
                let (sw, sh) = (sides[0].width, sides[0].height);
                let f = flip(sw, sh, duplex).unwrap_or(Affine::translate(0.0, 0.0));
                let fronts = &sides[0].placements;
                let backs = &sides[1].placements;
                assert_eq!(fronts.len(), backs.len());
                for (fr, bk) in fronts.iter().zip(backs) {
                    let (cx, cy) = fr.trim.center();
                    let (fx, fy) = f.apply(cx, cy);
                    let (bx, by) = bk.trim.center();
                    assert!(
                        (fx - bx).abs() < 0.01 && (fy - by).abs() < 0.01,
                        "{case} {duplex:?}: front center ({cx},{cy}) flips to ({fx},{fy}), back center ({bx},{by})"
                    );
                    let (x, y) = fr.transform.apply(0.0, 0.0);
                    let behind = f.apply(x, y);
                    let back_corner = bk.transform.apply(pw, 0.0);
                    assert!(
                        (behind.0 - back_corner.0).abs() < 0.01
                            && (behind.1 - back_corner.1).abs() < 0.01,
                        "{case} {duplex:?}: back is turned the wrong way"
                    );
                    // Backs lie inside the sheet.
                    assert!(bk.trim.x >= -0.01 && bk.trim.x + bk.trim.w <= sw + 0.01);
                    assert!(bk.trim.y >= -0.01 && bk.trim.y + bk.trim.h <= sh + 0.01);
                }
            }
        }
    }

    #[test]
    fn one_sided_backs_sit_like_fronts() {
        let s = spec("a5", "a4", Duplex::None);
        let sides = impose(2, s.page.width, s.page.height, &s).unwrap_or_default();
        let t0: Vec<_> = sides[0].placements.iter().map(|p| p.transform).collect();
        let t1: Vec<_> = sides[1].placements.iter().map(|p| p.transform).collect();
        assert_eq!(t0, t1);
    }

    /// A panel of paper lying on the table, in code: where it lies across
    /// (`x0..x1`), its layer (higher is nearer the eye) and the page on
    /// its upper and lower face.
    #[derive(Debug, Clone, Copy)]
    struct Leaf {
        x0: f32,
        x1: f32,
        z: i32,
        up: usize,
        down: usize,
    }

    /// Folds every leaf on one side of `crease` (the right side if
    /// `right`) over onto the other: on top of the stack, or under it.
    /// Folding mirrors the leaves about the crease, turns them face down
    /// and reverses their order.
    fn fold(leaves: &mut [Leaf], crease: f32, right: bool, on_top: bool) {
        let top = leaves.iter().map(|l| l.z).max().unwrap_or(0);
        let bottom = leaves.iter().map(|l| l.z).min().unwrap_or(0);
        for l in leaves.iter_mut() {
            let c = (l.x0 + l.x1) / 2.0;
            if (c > crease) != right {
                continue;
            }
            (l.x0, l.x1) = (2.0 * crease - l.x1, 2.0 * crease - l.x0);
            std::mem::swap(&mut l.up, &mut l.down);
            l.z = if on_top { top + (top - l.z) + 1 } else { bottom - (l.z - bottom) - 1 };
        }
    }

    /// The sheet of a letter or z-fold as the printer gives it back, lying
    /// inside up: every panel with the page printed on each face, read from
    /// the imposed sides. The outside (side 0) is what the table sees; the
    /// printer turned the sheet over its side edge (over its top edge,
    /// head to head, with `fold.tumble`).
    fn printed_sheet(style: FoldStyle, tumble: bool) -> (Vec<Leaf>, f32) {
        let mut s = spec("letter", "letter", Duplex::ShortEdge);
        s.fold.style = style;
        s.fold.tumble = tumble;
        let (long, short) = (11.0 * PT_PER_IN, 8.5 * PT_PER_IN);
        let pw = panel_slots(style, long, s.fold.fold_in)[0]
            .iter()
            .map(|p| p.w)
            .fold(f32::MAX, f32::min);
        let sides = impose(6, pw, short, &s).unwrap_or_default();
        assert_eq!(sides.len(), 2);
        // x across the table, seen from above: the inside is up, so the
        // outside's x runs the other way.
        let mut leaves = Vec::new();
        for out in &sides[0].placements {
            // Upright on the outside.
            assert_eq!(out.transform.quarter_turns(), 0);
            let (l, r) = (long - (out.trim.x + out.trim.w), long - out.trim.x);
            let clip = (long - (out.clip.x + out.clip.w).min(long), long - out.clip.x.max(0.0));
            leaves.push(Leaf { x0: clip.0, x1: clip.1, z: 0, up: usize::MAX, down: out.page });
            assert!(l >= clip.0 - 0.01 && r <= clip.1 + 0.01, "page outside its panel");
        }
        for ins in &sides[1].placements {
            // Turned over the side edge, inside x is table x; over the top
            // edge, the inside is drawn half turned, head to head.
            let (x0, x1, turns) = if tumble {
                (long - (ins.trim.x + ins.trim.w), long - ins.trim.x, 2)
            } else {
                (ins.trim.x, ins.trim.x + ins.trim.w, 0)
            };
            assert_eq!(ins.transform.quarter_turns(), turns, "the inside reads upside down");
            let c = (x0 + x1) / 2.0;
            let leaf = leaves.iter_mut().find(|l| c > l.x0 && c < l.x1);
            let leaf = leaf.unwrap_or_else(|| panic!("page {} backs no panel", ins.page));
            assert_eq!(leaf.up, usize::MAX, "two pages behind one panel");
            leaf.up = ins.page;
        }
        leaves.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        (leaves, long)
    }

    /// Reads a folded leaflet as a reader does: the cover (the top face),
    /// the inside opened out left to right, then the outside turned over,
    /// left to right, but for the cover.
    fn reading_order(flat: &[Leaf], folded: &[Leaf]) -> Vec<usize> {
        let top = folded.iter().max_by_key(|l| l.z).map(|l| l.up).unwrap_or(usize::MAX);
        let mut order = vec![top];
        order.extend(flat.iter().map(|l| l.up));
        // Turned over like a book page, the right end comes to the left.
        order.extend(flat.iter().rev().map(|l| l.down).filter(|&p| p != top));
        order
    }

    #[test]
    fn a_letter_fold_folds_into_reading_order() {
        for tumble in [false, true] {
            let (flat, long) = printed_sheet(FoldStyle::Letter, tumble);
            let widths: Vec<f32> = flat.iter().map(|l| l.x1 - l.x0).collect();
            assert!((widths.iter().sum::<f32>() - long).abs() < 0.05, "{widths:?}");
            // The flap is the narrow panel, at the right end seen inside
            // up: folded in first, under the cover.
            assert!(widths[2] < widths[0] - 4.0 && (widths[0] - widths[1]).abs() < 0.01);
            let mut folded = flat.clone();
            fold(&mut folded, flat[2].x0, true, true);
            // The flap lies inside the middle panel, clear of the creases.
            assert!(folded[2].x0 > flat[1].x0 + 4.0 && folded[2].x1 <= flat[1].x1 + 0.01);
            fold(&mut folded, flat[0].x1, false, true);
            assert_eq!(reading_order(&flat, &folded), vec![0, 1, 2, 3, 4, 5]);
            // Panel 6 is the back; opening the cover shows the flap (5)
            // beside panel 2.
            let back = folded.iter().min_by_key(|l| l.z).map(|l| l.down);
            assert_eq!(back, Some(5));
            let mut opened = flat.clone();
            fold(&mut opened, flat[2].x0, true, true);
            let seen: Vec<usize> = {
                let mut v: Vec<&Leaf> = opened.iter().collect();
                v.sort_by_key(|l| -l.z);
                vec![opened[0].up, v[0].up]
            };
            assert_eq!(seen, vec![1, 4]);
        }
    }

    #[test]
    fn a_z_fold_folds_into_reading_order() {
        let (flat, long) = printed_sheet(FoldStyle::Z, false);
        for l in &flat {
            assert!((l.x1 - l.x0 - long / 3.0).abs() < 0.01, "unequal panels");
        }
        let mut folded = flat.clone();
        // An accordion: one end over, the other under.
        fold(&mut folded, flat[2].x0, true, false);
        fold(&mut folded, flat[0].x1, false, true);
        assert_eq!(reading_order(&flat, &folded), vec![0, 1, 2, 3, 4, 5]);
        // Folded, the back shows panel 4; 5 and 6 face each other inside.
        let back = folded.iter().min_by_key(|l| l.z).map(|l| l.down);
        assert_eq!(back, Some(3));
    }

    /// A booklet of `pages` pages printed duplex, read back: for each
    /// sheet, the page on each half of each face, found from where the
    /// printer puts them (the back turned over the sheet's edge for the
    /// duplex mode), and each face's halves named as the reader sees them.
    /// Returns per sheet [outside left, outside right, inside left, inside
    /// right].
    fn printed_booklet(pages: usize, duplex: Duplex, tumble: bool, creep: f32) -> Vec<[usize; 4]> {
        let mut s = spec("half-letter", "letter", duplex);
        s.fold.style = FoldStyle::Booklet;
        s.fold.tumble = tumble;
        s.fold.creep = creep;
        let (pw, ph) = (s.page.width, s.page.height);
        let sides = impose(pages, pw, ph, &s).unwrap_or_default();
        assert_eq!(sides.len(), pages / 2);
        let (sw, sh) = (sides[0].width, sides[0].height);
        let mut turn = flip(sw, sh, duplex).unwrap_or(Affine::translate(0.0, 0.0));
        if tumble {
            turn = half_turn(sw, sh).then_after(&turn);
        }
        let mut out = Vec::new();
        for sheet in sides.chunks(2) {
            let (front, back) = (&sheet[0], &sheet[1]);
            // The reader's right on the outside: the pages' x axis.
            let t = front.placements[0].transform;
            let right = (t.a, t.b);
            let down = (t.c, t.d);
            let along = |p: (f32, f32)| p.0 * right.0 + p.1 * right.1;
            let mut outside: Vec<&Placement> = front.placements.iter().collect();
            outside.sort_by(|a, b| along(a.clip.center()).total_cmp(&along(b.clip.center())));
            for p in &outside {
                assert_eq!((p.transform.a, p.transform.b), right, "outside pages turned apart");
                // Nothing crosses the spine.
                let (x0, y0, x1, y1) = front.folds[0];
                let c = p.clip.center();
                let spine = if (x0 - x1).abs() < 0.01 {
                    (c.0 - x0, p.clip.w / 2.0)
                } else {
                    (c.1 - y0, p.clip.h / 2.0)
                };
                assert!(spine.0.abs() >= spine.1 - 0.01, "a page crosses the spine");
                let _ = y1;
            }
            // Each back page lies behind an outside page, upright with it,
            // its x axis the other way (the reader sees it from behind).
            let mut behind = [usize::MAX; 2];
            for p in &back.placements {
                let c = turn.apply(p.clip.center().0, p.clip.center().1);
                let bt = turn.then_after(&p.transform);
                assert!(
                    (bt.c - down.0).abs() < 0.01 && (bt.d - down.1).abs() < 0.01,
                    "back page upside down"
                );
                assert!(
                    (bt.a + right.0).abs() < 0.01 && (bt.b + right.1).abs() < 0.01,
                    "back page mirrored"
                );
                let i = outside.iter().position(|o| {
                    let oc = o.clip.center();
                    (oc.0 - c.0).abs() < 0.5 && (oc.1 - c.1).abs() < 0.5
                });
                let i = i.unwrap_or_else(|| panic!("page {} is behind no page", p.page));
                behind[i] = p.page;
            }
            // Seen from the inside, what backs the outside's right is left.
            out.push([outside[0].page, outside[1].page, behind[1], behind[0]]);
        }
        out
    }

    /// The pages of nested, folded sheets in the order they read: the
    /// outside right of every sheet, then its inside left, outermost first;
    /// then, from the centre out, each inside right and outside left.
    fn booklet_order(sheets: &[[usize; 4]]) -> Vec<usize> {
        let mut order = Vec::new();
        for s in sheets {
            order.extend([s[1], s[2]]);
        }
        for s in sheets.iter().rev() {
            order.extend([s[3], s[0]]);
        }
        order
    }

    #[test]
    fn a_twelve_page_booklet_nests_into_reading_order() {
        for (duplex, tumble) in
            [(Duplex::LongEdge, false), (Duplex::ShortEdge, false), (Duplex::LongEdge, true)]
        {
            let sheets = printed_booklet(12, duplex, tumble, 0.0);
            // 1-based: sheet 1 outside 12 | 1, inside 2 | 11; sheet 2
            // 10 | 3, 4 | 9; sheet 3 8 | 5, 6 | 7.
            assert_eq!(sheets, vec![[11, 0, 1, 10], [9, 2, 3, 8], [7, 4, 5, 6]], "{duplex:?}");
            assert_eq!(booklet_order(&sheets), (0..12).collect::<Vec<_>>());
        }
        for n in [4, 8, 16, 40] {
            let sheets = printed_booklet(n, Duplex::LongEdge, false, 0.0);
            assert_eq!(booklet_order(&sheets), (0..n).collect::<Vec<_>>(), "{n} pages");
        }
    }

    #[test]
    fn creep_moves_inner_sheets_towards_the_spine() {
        let mut s = spec("half-letter", "letter", Duplex::LongEdge);
        s.fold.style = FoldStyle::Booklet;
        s.fold.creep = 0.5;
        let sides = impose(12, s.page.width, s.page.height, &s).unwrap_or_default();
        // The gap between each page's trim and the spine, per side.
        let gaps: Vec<f32> = sides
            .iter()
            .map(|side| {
                let (x0, _, x1, _) = side.folds[0];
                let vertical = (x0 - x1).abs() < 0.01;
                let spine = if vertical { x0 } else { side.folds[0].1 };
                let p = &side.placements[0];
                let (lo, hi) = if vertical {
                    (p.trim.x, p.trim.x + p.trim.w)
                } else {
                    (p.trim.y, p.trim.y + p.trim.h)
                };
                (spine - lo).abs().min((hi - spine).abs())
            })
            .collect();
        for (i, g) in gaps.iter().enumerate() {
            let k = (i / 2) as f32;
            assert!((g - 0.5 * k).abs() < 0.01, "side {i}: {g} from the spine");
        }
    }
}
