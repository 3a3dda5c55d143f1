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
//! Plain geometry in points, sheet top-left origin, y down; `render` draws it.

use crate::spec::{Duplex, LayoutSpec};

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
        });
    }
    Some(sides)
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
}
