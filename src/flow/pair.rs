//! Two statements side by side (`page.bilingual = "side-by-side"`): each
//! side's units are cut into sections, and each pair of sections starts
//! level on both sides.

use std::collections::HashMap;

use crate::error::Result;
use crate::pages::Page;
use crate::spec::LayoutSpec;
use crate::statement::Block;

use super::blocks::snap_to_grid;
use super::fill::{fill_column, ColumnRules, Soft};
use super::place::{self, column_rules, stack, Bands, Spacing};
use super::{Flow, Frame, Unit, EPS};

impl<'a, 'b> Flow<'a, 'b> {
    /// Everything one statement brings to a side-by-side page: its units,
    /// cut into sections, its masthead at the side's width, and (used from
    /// the first statement only) the kicker and footer.
    pub(super) fn side(&mut self, side_width: f32, inner_w: f32, qr: f32) -> Result<Side> {
        let frame = Frame { indent: 0.0, width: self.column_width, quote_depth: 0 };
        let blocks = self.body_blocks();
        let mut units = Vec::new();
        let mut sections = Vec::new();
        for group in split_sections(&blocks) {
            sections.push(units.len());
            self.blocks(group, frame, &mut units)?;
        }
        if self.spec.body.grid {
            snap_to_grid(&mut units, self.spec.body.leading);
        }
        // The kicker first: blocks are numbered as they are made, and the
        // structure reads a statement's masthead in that order, so the
        // kicker above the titles is read before them.
        let kicker =
            if self.spec.masthead.show { self.masthead_kicker(inner_w)? } else { Vec::new() };
        let masthead =
            if self.spec.masthead.show { self.masthead_titles(side_width)? } else { Vec::new() };
        let footer = self.footer_units(inner_w, qr)?;
        let rule = self.masthead_rule(inner_w);
        Ok(Side { units, sections, masthead, kicker, footer, rule, rtl: self.rtl() })
    }
}

/// One statement's share of a side-by-side document.
pub(super) struct Side {
    /// The body, as in a single-statement flow.
    units: Vec<Unit>,
    /// Where each section starts in `units`; the first (text before the
    /// first section heading) may be empty.
    sections: Vec<usize>,
    /// Title, subtitle and byline, at the side's width.
    masthead: Vec<Unit>,
    /// The layout's kicker, across the page.
    kicker: Vec<Unit>,
    /// The footer, across the page.
    footer: Vec<Unit>,
    /// The rule under the masthead, across the page.
    rule: Unit,
    /// The statement reads right to left: its columns run from the right.
    rtl: bool,
}

/// Cuts blocks into sections at each heading of level 1 or 2. Level 3 and
/// below are subheads inside a section: translations do not always keep
/// them one for one, so they flow freely within it. The first section is
/// whatever comes before the first section heading (possibly nothing), so
/// that the two statements' openings pair up even when only one starts
/// with a heading.
pub(super) fn split_sections(blocks: &[Block]) -> Vec<&[Block]> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in blocks.iter().enumerate() {
        if matches!(b, Block::Heading { level, .. } if *level <= 2) {
            out.push(&blocks[start..i]);
            start = i;
        }
    }
    out.push(&blocks[start..]);
    out
}

/// Where a side's text has got to: a page, a column of that side, and
/// the bottom of what is placed in it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cursor {
    page: usize,
    col: usize,
    y: f32,
}

/// Page geometry of a side-by-side document.
pub(super) struct PairGeom {
    /// The masthead and footer bands.
    bands: Bands,
    /// Pages from this one on keep room for the footer.
    reserve_from: usize,
    per_side: usize,
    /// A page whose columns are cut short (balancing the last page).
    short: Option<ShortPage>,
}

/// A page whose columns are cut short to `height`, and, if not as
/// elsewhere, how soft keeps (no column ending on a hyphen) count there:
/// they may give way, as when a single statement's last page is balanced.
#[derive(Debug, Clone, Copy)]
struct ShortPage {
    page: usize,
    height: f32,
    soft: Option<Soft>,
}

impl PairGeom {
    fn ctop(&self, page: usize) -> f32 {
        self.bands.column_top(page)
    }

    fn cbottom(&self, page: usize) -> f32 {
        let full = self.bands.column_bottom(page >= self.reserve_from);
        match self.short {
            Some(s) if s.page == page => full.min(self.ctop(page) + s.height),
            _ => full,
        }
    }

    /// The top of the side's next column, on the next page after its last.
    fn next_column(&self, c: Cursor) -> Cursor {
        if c.col + 1 < self.per_side {
            Cursor { page: c.page, col: c.col + 1, y: self.ctop(c.page) }
        } else {
            Cursor { page: c.page + 1, col: 0, y: self.ctop(c.page + 1) }
        }
    }
}

/// A unit placed on a page: which side, page, column of the side, and the
/// top of the unit.
pub(super) struct Placed {
    side: usize,
    page: usize,
    col: usize,
    unit: usize,
    y: f32,
}

/// Baseline of a unit's first line below its top (0 for a rule).
pub(super) fn first_baseline(u: &Unit) -> f32 {
    u.lines.first().map_or(0.0, |l| l.y)
}

/// Places the two sides' sections on pages, keeping each pair of sections
/// level: a section starts where the longer of the previous pair ended,
/// with the first baselines at the same height on both sides.
pub(super) fn place_sections(sides: &[Side], geom: &PairGeom) -> (Vec<Placed>, usize) {
    let n = sides.iter().map(|s| s.sections.len()).min().unwrap_or(0);
    // Sections past the shorter side's last one follow on freely: they
    // belong to the last pair.
    let range = |s: &Side, k: usize| {
        let start = s.sections[k];
        let end = if k + 1 < n { s.sections[k + 1] } else { s.units.len() };
        start..end
    };
    let mut cur = vec![Cursor { page: 0, col: 0, y: geom.bands.first_top }; sides.len()];
    let mut placed = Vec::new();
    for k in 0..n {
        let ranges: Vec<std::ops::Range<usize>> = sides.iter().map(|s| range(s, k)).collect();
        // Find the height both sides can start at: the lower of the two
        // ends, moved on a column while a side's section opening (a
        // heading and what must stay with it) does not fit there.
        let tops: Vec<f32> = loop {
            let page = cur.iter().map(|c| c.page).max().unwrap_or(0);
            for c in cur.iter_mut().filter(|c| c.page < page) {
                *c = Cursor { page, col: 0, y: geom.ctop(page) };
            }
            let y = cur.iter().map(|c| c.y).fold(geom.ctop(page), f32::max);
            for c in &mut cur {
                c.y = y;
            }
            let at_top = y <= geom.ctop(page) + EPS;
            let lead = |s: usize| {
                let r = &ranges[s];
                if r.is_empty() {
                    return 0.0;
                }
                let u = &sides[s].units[r.start];
                first_baseline(u) + if at_top { 0.0 } else { u.space_before }
            };
            let to_baseline = (0..sides.len()).map(lead).fold(0.0, f32::max);
            let tops: Vec<f32> = (0..sides.len())
                .map(|s| {
                    let r = &ranges[s];
                    if r.is_empty() {
                        y
                    } else {
                        y + to_baseline - first_baseline(&sides[s].units[r.start])
                    }
                })
                .collect();
            let fits = at_top
                || (0..sides.len()).all(|s| {
                    let r = &ranges[s];
                    r.is_empty() || {
                        let avail = geom.cbottom(page) - tops[s];
                        fill_column(&sides[s].units[..r.end], r.start, avail, ColumnRules::TRY)
                            > r.start
                    }
                });
            if fits {
                break tops;
            }
            for c in &mut cur {
                *c = geom.next_column(*c);
            }
        };
        for (s, side) in sides.iter().enumerate() {
            let r = ranges[s].clone();
            fill_section(side, s, r, tops[s], &mut cur[s], geom, &mut placed);
        }
    }
    // Reading order in the PDF: on each page the first statement's text,
    // then the second's.
    placed.sort_by_key(|p| (p.page, p.side));
    let pages = placed.iter().map(|p| p.page + 1).max().unwrap_or(1);
    (placed, pages)
}

/// Flows one side's section from `cur`, its first unit's top at `top`,
/// column after column; leaves `cur` at the end of what it placed.
pub(super) fn fill_section(
    side: &Side,
    s: usize,
    r: std::ops::Range<usize>,
    top: f32,
    cur: &mut Cursor,
    geom: &PairGeom,
    placed: &mut Vec<Placed>,
) {
    let units = &side.units[..r.end];
    let mut i = r.start;
    let mut first = true;
    while i < r.end {
        let c = *cur;
        let at_top = c.y <= geom.ctop(c.page) + EPS;
        let y0 = if first {
            top
        } else if at_top {
            c.y
        } else {
            c.y + units[i].space_before
        };
        first = false;
        let avail = geom.cbottom(c.page) - y0;
        // Mid-column, keep rules hold or the text moves on: a heading
        // never ends a column. At a column's top something must go in;
        // a hyphen may end it only where the page does not turn.
        let rules =
            if at_top { ColumnRules::column(c.col + 1 == geom.per_side) } else { ColumnRules::TRY };
        let rules = match geom.short {
            Some(ShortPage { page, soft: Some(soft), .. }) if page == c.page => {
                rules.with_soft(soft)
            }
            _ => rules,
        };
        let j = fill_column(units, i, avail, rules);
        if j == i {
            *cur = geom.next_column(c);
            continue;
        }
        let spacing = Spacing::Column { feather: 0.0 };
        cur.y = stack(&units[i..j], y0, spacing, |k, _, y| {
            placed.push(Placed { side: s, page: c.page, col: c.col, unit: i + k, y })
        });
        i = j;
        if i < r.end {
            *cur = geom.next_column(*cur);
        }
    }
}

/// Baselines of the last lines of each column of page `page` that has
/// text, by side and column of the side.
pub(super) fn column_ends(sides: &[Side], placed: &[Placed], page: usize) -> Vec<f32> {
    let mut ends: HashMap<(usize, usize), f32> = HashMap::new();
    for pl in placed.iter().filter(|pl| pl.page == page) {
        let u = &sides[pl.side].units[pl.unit];
        let end = pl.y + u.lines.last().map_or(u.height, |l| l.y);
        let e = ends.entry((pl.side, pl.col)).or_insert(end);
        *e = e.max(end);
    }
    ends.into_values().collect()
}

/// Tallest minus shortest of column ends.
pub(super) fn spread(ends: &[f32]) -> f32 {
    let hi = ends.iter().copied().fold(f32::MIN, f32::max);
    let lo = ends.iter().copied().fold(f32::MAX, f32::min);
    if ends.len() < 2 {
        0.0
    } else {
        hi - lo
    }
}

/// Balances the last page of a side-by-side document: tries shorter
/// columns there, from an even share of each side's text upwards, and
/// keeps the placement whose columns (of both sides) end most nearly
/// level without needing another page. Sections stay level across the
/// pair, so where one side's last section is longer, its columns end
/// lower: only what the heading sync leaves free moves. Earlier pages
/// stay as they are, as in a single-statement flow. Returns `None` when
/// nothing better is found.
pub(super) fn balance_pair(
    sides: &[Side],
    geom: &mut PairGeom,
    placed: &[Placed],
    npages: usize,
    lead: f32,
) -> Option<Vec<Placed>> {
    let lp = npages.checked_sub(1)?;
    let ctop = geom.ctop(lp);
    let full = geom.cbottom(lp) - ctop;
    let mut best_spread = spread(&column_ends(sides, placed, lp));
    let step = (lead / 4.0).max(0.5);
    // One column a side: each side's text on the page is fixed, shorter
    // columns would only push it onto another page.
    if best_spread <= step || geom.per_side < 2 {
        return None;
    }
    // No side's text fits in columns shorter than an even share of it.
    let mut h = (0..sides.len())
        .map(|s| {
            placed
                .iter()
                .filter(|pl| pl.page == lp && pl.side == s)
                .map(|pl| {
                    let u = &sides[s].units[pl.unit];
                    u.height + u.space_before
                })
                .sum::<f32>()
                / geom.per_side as f32
        })
        .fold(lead, f32::max)
        .min(full);
    let mut best = None;
    // As in `balance`: soft keeps give way only if that levels the columns
    // by more than a line.
    let start_h = h;
    for relax in [false, true] {
        if relax && best_spread <= lead + EPS {
            break;
        }
        let to_beat = if relax { best_spread - lead } else { best_spread };
        let mut found: Option<(f32, Vec<Placed>)> = None;
        let mut tries_after_fit = 0;
        h = start_h;
        while h < full - EPS {
            let soft = relax.then_some(Soft::GiveWay);
            geom.short = Some(ShortPage { page: lp, height: h, soft });
            let (cand, n) = place_sections(sides, geom);
            if n == npages {
                let sp = spread(&column_ends(sides, &cand, lp));
                if sp < found.as_ref().map_or(to_beat, |f| f.0) - EPS {
                    found = Some((sp, cand));
                }
                tries_after_fit += 1;
                if found.as_ref().is_some_and(|f| f.0 <= step) || tries_after_fit > 40 {
                    break;
                }
            }
            h += step;
        }
        if let Some((sp, cand)) = found {
            best_spread = sp;
            best = Some(cand);
        }
    }
    geom.short = None;
    best
}

/// Puts the sides' masthead, sections and footer on pages.
pub(super) fn place_pair(spec: &LayoutSpec, sides: &[Side], per_side: usize) -> Result<Vec<Page>> {
    let p = &spec.page;
    let a = &sides[0];
    let kicker_h = place::height(&a.kicker);
    let titles_h = sides.iter().map(|s| place::height(&s.masthead)).fold(0.0, f32::max);
    let has_masthead = !a.kicker.is_empty() || sides.iter().any(|s| !s.masthead.is_empty());
    let mut masthead_h =
        if has_masthead { kicker_h + titles_h + a.rule.space_before + a.rule.height } else { 0.0 };
    let mut rule_h = a.rule.height;
    if spec.body.grid && has_masthead {
        let lead = spec.body.leading;
        let extra = (masthead_h / lead).ceil() * lead - masthead_h;
        rule_h += extra;
        masthead_h += extra;
    }
    let bands = Bands::new(spec, masthead_h, &a.footer, "shorter titles")?;
    let mut geom = PairGeom {
        bands,
        reserve_from: if bands.every { 0 } else { usize::MAX },
        per_side,
        short: None,
    };
    let (mut placed, mut npages) = place_sections(sides, &geom);
    if !bands.every && bands.footer > 0.0 {
        // The footer on the last page only: make room there. If that
        // pushes text onto a new page, that page is the last and has room.
        geom.reserve_from = npages - 1;
        (placed, npages) = place_sections(sides, &geom);
    }
    if p.balance {
        if let Some(b) = balance_pair(sides, &mut geom, &placed, npages, spec.body.leading) {
            placed = b;
        }
    }

    let cw = spec.column_width();
    // Columns left to right: the first statement's, then the second's;
    // within a right-to-left side its first column is on the right.
    let col_x = |s: usize, c: usize| {
        let phys = if sides[s].rtl { per_side - 1 - c } else { c };
        p.margin.left + (s * per_side + phys) as f32 * (cw + p.gutter)
    };
    let side_x = |s: usize| p.margin.left + s as f32 * (per_side as f32 * (cw + p.gutter));
    let mut pages: Vec<Page> = (0..npages).map(|pi| bands.page(spec, pi, npages)).collect();
    if has_masthead {
        // The kicker across the page, each side's titles under it at the
        // side's width, the rule under the taller.
        let page = &mut pages[0];
        let y = stack(&a.kicker, bands.top, Spacing::Full, |_, u, y| {
            u.place(page, p.margin.left, y, 0)
        });
        for (s, side) in sides.iter().enumerate() {
            stack(&side.masthead, y, Spacing::Full, |_, u, y| {
                u.place(page, side_x(s), y, s * per_side)
            });
        }
        let rule = Unit { height: rule_h, ..a.rule.clone() };
        rule.place(page, p.margin.left, y + titles_h + rule.space_before, 0);
    }
    let mut max_y = vec![0.0f32; npages];
    for pl in &placed {
        let u = &sides[pl.side].units[pl.unit];
        u.place(&mut pages[pl.page], col_x(pl.side, pl.col), pl.y, pl.side * per_side + pl.col);
        max_y[pl.page] = max_y[pl.page].max(pl.y + u.height);
    }
    for (pi, page) in pages.iter_mut().enumerate() {
        column_rules(spec, page, 2 * per_side, bands.column_top(pi), max_y[pi]);
        if bands.shows_footer(pi, npages) {
            bands.place_footer(spec, &a.footer, page);
        }
    }
    Ok(pages)
}
