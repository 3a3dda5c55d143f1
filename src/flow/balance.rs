//! Balancing the last page: the shortest column height that holds its
//! units; where the keep rules leave no level split, a paragraph set a
//! line tighter or looser (`Flow::even_out`), and failing that the shorter
//! columns' paragraph gaps opened up ([`feather`]).

use crate::error::Result;
use crate::pages::{LineInfo, LineKind};
use crate::statement::Block;

use super::blocks::snap_to_grid;
use super::feet::Looseness;
use super::fill::{fill_column, ColumnRules, PageColumns, Sheet, Soft};
use super::{Flow, Frame, Unit, EPS};

/// A line set with a line more than its paragraph's best breaking may
/// stretch this far (glue ratio): beyond it the spaces look loose.
pub(super) const MAX_LOOSENED_RATIO: f32 = 1.0;

/// The body as [`Flow::even_out`] needs it to set it again.
pub(super) struct Body<'x> {
    pub(super) blocks: &'x [Block],
    pub(super) frame: Frame,
    /// Number of the body's first paragraph.
    pub(super) first_paragraph: usize,
}

impl<'a, 'b> Flow<'a, 'b> {
    /// Balances the columns of the last page of `placed`: the shortest
    /// column height that holds its units; where that leaves them further
    /// apart than a line and a paragraph gap, a paragraph set a line
    /// tighter or looser ([`Flow::even_out`]). Returns the units (set
    /// again if a paragraph changed) and their columns.
    pub(super) fn balance_last_page(
        &mut self,
        body: &Body,
        units: Vec<Unit>,
        mut placed: PageColumns,
        sheet: &Sheet,
    ) -> Result<(Vec<Unit>, PageColumns)> {
        let lp = placed.len() - 1;
        let start = placed[lp].first().map_or(units.len(), |r| r.start);
        let height = sheet.last_page_bottom() - sheet.ctop(lp);
        let (lead, gap) = (self.spec.body.leading, self.spec.body.paragraph_spacing);
        let Some((spread, cols)) = balance(&units, start, sheet.ncol, height, lead) else {
            return Ok((units, placed));
        };
        placed[lp] = cols;
        if !even(spread, lead, gap) {
            if let Some(better) = self.even_out(body, &units, &placed, sheet, spread)? {
                return Ok(better);
            }
        }
        Ok((units, placed))
    }

    /// Sets one paragraph with a line fewer or more, so that the last page's
    /// columns can end level where widow, orphan and keep rules leave no
    /// even split of the lines as they are: first one that starts on the
    /// last page (the pages before stay as they are), then one that starts
    /// on the page before, which moves a line onto or off the last page.
    /// Returns the new units and pages if that gets the last page's columns
    /// closer than `spread`, on as many pages.
    pub(super) fn even_out(
        &mut self,
        body: &Body,
        units: &[Unit],
        placed: &PageColumns,
        sheet: &Sheet,
        spread: f32,
    ) -> Result<Option<(Vec<Unit>, PageColumns)>> {
        let lead = self.spec.body.leading;
        let lp = placed.len() - 1;
        let first_unit =
            |pl: &PageColumns, page: usize| pl[page].first().map_or(units.len(), |r| r.start);
        let start = first_unit(placed, lp);
        let before = if lp > 0 { first_unit(placed, lp - 1) } else { start };
        let height = sheet.last_page_bottom() - sheet.ctop(lp);
        let starts = |from: usize, to: usize| -> Vec<usize> {
            units[from..to]
                .iter()
                .filter_map(|u| u.lines.first())
                .filter(|l| l.kind == LineKind::Body && l.index == 0 && l.count > 1)
                .map(|l| l.paragraph)
                .collect()
        };
        let on_last = starts(start, units.len());
        let candidates: Vec<(usize, bool)> = on_last
            .iter()
            .map(|&p| (p, true))
            .chain(starts(before, start).into_iter().map(|p| (p, false)))
            .collect();
        let marks = self.warning_marks();
        // The pages before the last stay as level as they are.
        let before_spread = (lp > 0).then(|| page_spread(units, &placed[lp - 1]));
        let mut best: Option<(f32, Vec<Unit>, PageColumns, Looseness)> = None;
        // A line fewer first: tighter lines read better than looser ones.
        'search: for &looseness in self.loosenesses() {
            for &(pno, last_page) in &candidates {
                // A paragraph already set otherwise, to level a page's
                // feet, stays as it is.
                if self.looseness.contains_key(&pno) {
                    continue;
                }
                let mut tried = self.looseness.clone();
                tried.insert(pno, looseness);
                let Some(u) = self.set_body_with(body, &marks, &tried, pno, units)? else {
                    continue;
                };
                // Pages before the last change only with a paragraph on them.
                let mut pl = if last_page { placed.clone() } else { sheet.place(&u) };
                if pl.len() != placed.len() {
                    continue;
                }
                if let Some(was) = before_spread {
                    if page_spread(&u, &pl[lp - 1]) > was.max(lead) + EPS {
                        continue;
                    }
                }
                let s = first_unit(&pl, lp);
                let Some((sp, cols)) = balance(&u, s, sheet.ncol, height, lead) else { continue };
                if sp + EPS < best.as_ref().map_or(spread, |b| b.0) {
                    pl[lp] = cols;
                    let done = sp <= lead + EPS;
                    best = Some((sp, u, pl, tried));
                    if done {
                        break 'search;
                    }
                }
            }
        }
        // The body is set whole with this looseness once the searches are
        // done (see `Flow::run`).
        Ok(best.map(|(_, u, pl, tried)| {
            self.looseness = tried;
            (u, pl)
        }))
    }

    /// How many warnings the flow and the shaper hold: setting the body
    /// again repeats the warnings of the first setting, which are cut back
    /// to these marks.
    pub(super) fn warning_marks(&self) -> (usize, usize) {
        (self.warnings.len(), self.shaper.warnings.len())
    }

    /// Sets the body again with `looseness`, in which paragraph `pno` is
    /// the one tried; `None` if that does not change its line count, or
    /// makes its lines looser than [`MAX_LOOSENED_RATIO`] and than they
    /// were in `units`.
    pub(super) fn set_body_with(
        &mut self,
        body: &Body,
        marks: &(usize, usize),
        looseness: &Looseness,
        pno: usize,
        units: &[Unit],
    ) -> Result<Option<Vec<Unit>>> {
        let settled = std::mem::replace(&mut self.looseness, looseness.clone());
        // Only measured: set hollow (see `Memo::hollow`).
        self.memo.get_or_insert_with(super::Memo::default).hollow = true;
        let u = self.set_body(body, marks);
        if let Some(m) = self.memo.as_mut() {
            m.hollow = false;
        }
        self.looseness = settled;
        let u = u?;
        let (lines, old) = (paragraph_lines(&u, pno), paragraph_lines(units, pno));
        // No line looser than the limit, or than the loosest before.
        let loosest = |ls: &[&LineInfo]| {
            ls.iter().filter(|l| l.index + 1 < l.count).map(|l| l.ratio).fold(0.0, f32::max)
        };
        if lines.len() == old.len() || loosest(&lines) > loosest(&old).max(MAX_LOOSENED_RATIO) {
            return Ok(None);
        }
        Ok(Some(u))
    }

    /// Sets the body again with the paragraphs' looseness as it stands.
    /// Paragraphs are kept as set (by number, measure and looseness) until
    /// the flow is done, since the searches set the body again and again.
    pub(super) fn set_body(&mut self, body: &Body, marks: &(usize, usize)) -> Result<Vec<Unit>> {
        self.memo.get_or_insert_with(super::Memo::default);
        self.paragraph_no = body.first_paragraph;
        let mut u = Vec::new();
        let made = self.blocks(body.blocks, body.frame, &mut u);
        // The same paragraphs again: their warnings are known.
        self.warnings.truncate(marks.0);
        self.shaper.warnings.truncate(marks.1);
        made?;
        if self.spec.body.grid {
            snap_to_grid(&mut u, self.spec.body.leading);
        }
        Ok(u)
    }
}

/// The lines of paragraph `pno` among `units`.
pub(super) fn paragraph_lines(units: &[Unit], pno: usize) -> Vec<&LineInfo> {
    units.iter().flat_map(|u| &u.lines).filter(|l| l.paragraph == pno).collect()
}

/// Height of a column holding `units` (the space above the first falls
/// away at the column top).
pub(super) fn column_height(units: &[Unit]) -> f32 {
    units.iter().enumerate().map(|(k, u)| u.height + if k > 0 { u.space_before } else { 0.0 }).sum()
}

/// How far apart a page's columns end: the tallest minus the shortest,
/// an empty column counting as ending at the top.
pub(super) fn page_spread(units: &[Unit], cols: &[std::ops::Range<usize>]) -> f32 {
    let heights = || cols.iter().map(|r| column_height(&units[r.clone()]));
    heights().fold(0.0, f32::max) - heights().fold(f32::MAX, f32::min)
}

/// Space to add to each paragraph gap of each of a page's columns so that
/// they end within a line of the longest: where the keep rules leave no
/// split of whole lines that ends level (gaps between paragraphs and list
/// items fall differently in each column), the shorter columns' gaps open
/// up, by at most one paragraph gap each, as vertical justification does.
/// Nothing when the columns already end within `level` of each other.
pub(super) fn feather(
    units: &[Unit],
    cols: &[std::ops::Range<usize>],
    lead: f32,
    gap: f32,
    level: f32,
) -> Vec<f32> {
    let mut out = vec![0.0; cols.len()];
    // Each column's height and number of gaps.
    let shape: Vec<(f32, usize)> = cols
        .iter()
        .map(|r| {
            let us = &units[r.clone()];
            (column_height(us), us.iter().skip(1).filter(|u| u.space_before > 0.0).count())
        })
        .collect();
    let filled = || shape.iter().zip(cols).filter(|(_, r)| !r.is_empty()).map(|(s, _)| s.0);
    let hi = filled().fold(0.0, f32::max);
    let lo = filled().fold(f32::MAX, f32::min);
    if cols.len() < 2 || hi - lo <= level + EPS {
        return out;
    }
    for (c, &(h, gaps)) in shape.iter().enumerate() {
        if gaps > 0 && !cols[c].is_empty() {
            let need = (hi - lead - h).max(0.0);
            out[c] = (need / gaps as f32).min(gap);
        }
    }
    out
}

/// Tells whether the last page's columns end level enough: within one
/// line plus a paragraph gap (gaps fall away at a column top, so whole
/// lines cannot always level them).
pub(super) fn even(spread: f32, lead: f32, gap: f32) -> bool {
    spread <= lead + gap + EPS
}

/// Finds the shortest column height at which the units from `start` fit in
/// `ncol` columns, so the last page's columns end level; returns the columns
/// and their spread (tallest minus shortest).
pub(super) fn balance(
    units: &[Unit],
    start: usize,
    ncol: usize,
    max_h: f32,
    step: f32,
) -> Option<(f32, Vec<std::ops::Range<usize>>)> {
    if start >= units.len() {
        return None;
    }
    let total: f32 = units[start..].iter().map(|u| u.height + u.space_before).sum();
    let h = (total / ncol as f32).min(max_h);
    let line = step;
    let step = (step / 4.0).max(0.5);
    // The first height at which everything fits may leave the last column
    // longer (keep rules stop the first ones early): keep trying taller
    // columns for a while and take the most even split. Soft keeps (no
    // column ending on a hyphen) give way only if that is what it takes to
    // end within a line.
    let strict = balance_with(units, start, ncol, h, max_h, step, Soft::Cost);
    if strict.as_ref().is_some_and(|(spread, _)| *spread <= line + EPS) {
        return strict;
    }
    let relaxed = balance_with(units, start, ncol, h, max_h, step, Soft::GiveWay);
    match (strict, relaxed) {
        (Some(a), Some(b)) => Some(if b.0 + line < a.0 { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// Tries column heights from `h` up to `max_h`; returns the most even split
/// found and its spread (tallest minus shortest column).
pub(super) fn balance_with(
    units: &[Unit],
    start: usize,
    ncol: usize,
    mut h: f32,
    max_h: f32,
    step: f32,
    soft: Soft,
) -> Option<(f32, Vec<std::ops::Range<usize>>)> {
    let mut best: Option<(f32, Vec<std::ops::Range<usize>>)> = None;
    let mut tries_after_fit = 0;
    loop {
        let mut i = start;
        let mut cols = Vec::new();
        for _ in 0..ncol {
            let end = fill_column(units, i, h, ColumnRules::TRY.with_soft(soft));
            cols.push(i..end);
            i = end;
        }
        if i >= units.len() {
            // An empty column counts: nine lines in two columns are not
            // level as nine and none.
            let spread = page_spread(units, &cols);
            if best.as_ref().is_none_or(|(b, _)| spread < *b - EPS) {
                best = Some((spread, cols));
            }
            tries_after_fit += 1;
            if spread <= step || tries_after_fit > 40 {
                break;
            }
        }
        if h >= max_h {
            break;
        }
        h = (h + step).min(max_h);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::sketch::{columns, units, LEAD};
    use crate::flow::Keep;

    fn unit(height: f32, space_before: f32) -> Unit {
        Unit {
            height,
            space_before,
            keep: Keep::Free,
            elements: Vec::new(),
            links: Vec::new(),
            lines: Vec::new(),
        }
    }

    #[test]
    fn feathering_opens_the_gaps_of_a_short_column_by_at_most_a_gap() {
        let (lead, gap) = (13.0, 4.0);
        // Column 1: ten lines in two paragraphs (134 pt); column 2: eleven
        // lines in three, the last after a wider gap (155 pt).
        let mut units = vec![unit(5.0 * lead, 0.0), unit(5.0 * lead, gap)];
        units.extend([unit(3.0 * lead, 0.0), unit(3.0 * lead, gap), unit(5.0 * lead, gap * 2.0)]);
        let cols = vec![0..2, 2..5];
        // 21 pt apart: more than a line and a gap.
        let f = feather(&units, &cols, lead, gap, lead + gap);
        assert_eq!(f[1], 0.0, "the longest column stays");
        assert!(f[0] > 0.0 && f[0] <= gap, "{f:?}");
        // Now within a line and a gap.
        let ends = [10.0 * lead + gap + f[0], 11.0 * lead + 3.0 * gap];
        assert!(ends[1] - ends[0] <= lead + gap + 0.01, "{ends:?}");

        // Level columns are left alone.
        let units = vec![unit(5.0 * lead, 0.0), unit(5.0 * lead, gap), unit(10.0 * lead, 0.0)];
        assert_eq!(feather(&units, &[0..2, 2..3], lead, gap, lead + gap), vec![0.0, 0.0]);
        // A column without gaps cannot open up.
        let units = vec![unit(8.0 * lead, 0.0), unit(10.0 * lead, 0.0)];
        assert_eq!(feather(&units, &[0..1, 1..2], lead, gap, lead + gap), vec![0.0, 0.0]);
    }

    /// Balances `sketch` as a last page of `ncol` columns at most `max`
    /// lines high: the columns, and how far apart they end in lines.
    fn balanced(sketch: &str, ncol: usize, max: f32) -> String {
        let u = units(sketch, 0.0);
        let start = u.iter().position(|u| u.lines[0].text != "x").unwrap_or(u.len());
        match balance(&u, start, ncol, max * LEAD, LEAD) {
            Some((spread, cols)) => format!("{} ({})", columns(&u, &cols), spread / LEAD),
            None => "-".to_string(),
        }
    }

    /// The space added to each paragraph gap of each column of a last
    /// page (columns split by `|`), with paragraph gaps `gap` high.
    fn feathered(sketch: &str, gap: f32) -> String {
        feathered_within(sketch, gap, LEAD + gap)
    }

    /// Like `feathered`, for columns that count as level within `level`.
    fn feathered_within(sketch: &str, gap: f32, level: f32) -> String {
        let u = units(&sketch.replace('|', " "), gap);
        let mut cols = Vec::new();
        let mut start = 0;
        for part in sketch.split('|') {
            let end = start + part.chars().filter(|c| c.is_alphabetic()).count();
            cols.push(start..end);
            start = end;
        }
        let f = feather(&u, &cols, LEAD, gap, level);
        f.iter().map(|x| x.to_string()).collect::<Vec<_>>().join("|")
    }

    #[test]
    fn the_last_page_ends_level() {
        assert_eq!(balanced("aaaaaaaaa", 2, 6.0), "aaaaa|aaaa (1)");
        assert_eq!(balanced("aaaa H bbb", 2, 6.0), "aaaa|H bbb (0)");
        // Only the last page's units (from the first not marked `x`).
        assert_eq!(balanced("xxxxxx aaaaaaa", 2, 6.0), "aaaa|aaa (1)");
        // The keep rules can leave them further apart: a heading moves on
        // with the lines it keeps.
        assert_eq!(balanced("aaa H bbbb", 2, 6.0), "aaa|H bbbb (2)");
        // Nothing to balance.
        assert_eq!(balanced("xxx", 2, 6.0), "-");
        // A column left empty is as far from level as it can be: nine
        // lines in two columns do not end as nine and none, however tall
        // the page.
        assert_eq!(balanced("aaaaaaaaa", 2, 20.0), "aaaaa|aaaa (1)");
        assert_eq!(balanced("aaaa bbbbb", 3, 20.0), "aaaa|bbb|bb (2)");
        // Unless there is no other way.
        assert_eq!(balanced("aaa", 2, 20.0), "aaa| (3)");
    }

    #[test]
    fn a_soft_keep_gives_way_only_to_end_level() {
        // Keeping it leaves the columns two lines apart; ending on the
        // hyphen levels them.
        assert_eq!(balanced("aaa-aaa", 2, 4.0), "aaa-|aaa (0)");
        // Kept, it costs a line: it holds.
        assert_eq!(balanced("aaaaa-aaaa", 2, 6.0), "aaaa|a-aaaa (1)");
    }

    #[test]
    fn level_enough_is_within_a_line_and_a_gap() {
        assert!(even(LEAD + 4.0, LEAD, 4.0));
        assert!(!even(LEAD + 4.5, LEAD, 4.0));
    }

    #[test]
    fn feathering_opens_the_short_columns_gaps() {
        // 12.6 and 15 lines: within a line, each gap opens by 7 pt.
        assert_eq!(feathered("aaa bbb ccccc|ddddddddddddddd", 8.0), "7|0");
        // At most by a gap.
        assert_eq!(feathered("aaaaa bbbbb|ccc ddd eeeeee", 4.0), "4|0");
        // Level enough already.
        assert_eq!(feathered("aaaaa bbbbb|ccc ddd eeee", 4.0), "0|0");
        // 1.4 lines apart: level enough for a last page, whose columns
        // may end short; on a page before it, within a line.
        assert_eq!(feathered("aaaaa bbbbb|ccc ddd eeeee", 4.0), "0|0");
        assert_eq!(feathered_within("aaaaa bbbbb|ccc ddd eeeee", 4.0, LEAD), "4|0");
    }
}
