//! Filling columns: units go into a column until the next does not fit,
//! then the column backs up to the last unit before which it may end.

use super::{Unit, EPS};

/// Where a single statement's columns are on its pages.
pub(super) struct Sheet {
    pub(super) ncol: usize,
    /// Top of the columns on page 1 (under the masthead) and on the others.
    pub(super) first_top: f32,
    pub(super) top: f32,
    /// Bottom of the columns, above a footer on every page.
    pub(super) bottom: f32,
    /// Bottom of the last page's columns when the footer is on that page
    /// only.
    pub(super) last_bottom: Option<f32>,
}

/// Each page's columns: the units each holds.
pub(super) type PageColumns = Vec<Vec<std::ops::Range<usize>>>;

impl Sheet {
    pub(super) fn ctop(&self, page: usize) -> f32 {
        if page == 0 {
            self.first_top
        } else {
            self.top
        }
    }

    /// Fills pages column by column with `units`.
    pub(super) fn place(&self, units: &[Unit]) -> PageColumns {
        let mut placed: PageColumns = Vec::new();
        let mut i = 0;
        while i < units.len() || placed.is_empty() {
            let ctop = self.ctop(placed.len());
            placed.push(self.fill_page(units, &mut i, self.bottom - ctop));
            if placed.len() > 10_000 {
                break;
            }
        }
        // The footer on the last page only: make room for it there.
        if let Some(last_bottom) = self.last_bottom {
            let lp = placed.len() - 1;
            let mut i = placed[lp].first().map_or(units.len(), |r| r.start);
            placed[lp] = self.fill_page(units, &mut i, last_bottom - self.ctop(lp));
            while i < units.len() {
                placed.push(self.fill_page(units, &mut i, last_bottom - self.top));
            }
        }
        placed
    }

    pub(super) fn fill_page(
        &self,
        units: &[Unit],
        i: &mut usize,
        height: f32,
    ) -> Vec<std::ops::Range<usize>> {
        let mut cols = Vec::with_capacity(self.ncol);
        for c in 0..self.ncol {
            let end = fill_column(units, *i, height, c + 1 == self.ncol);
            cols.push(*i..end);
            *i = end;
        }
        cols
    }

    /// Bottom of the last page's columns.
    pub(super) fn last_page_bottom(&self) -> f32 {
        self.last_bottom.unwrap_or(self.bottom)
    }
}

/// Returns the end of the units that fit in a column of `height`, starting
/// at `start`, ending only where a break is allowed. If no allowed break
/// fits, the rules give way (a column must end somewhere).
///
/// At a page's last column a word split by a hyphen would have the page
/// turn (and the footer) in the middle: there the soft keep holds.
pub(super) fn fill_column(units: &[Unit], start: usize, height: f32, page_end: bool) -> usize {
    if page_end {
        fill_column_rules(units, start, height, false, false, true)
    } else {
        fill_column_with(units, start, height, false)
    }
}

/// Like [`fill_column`]; with `strict`, returns `start` (nothing placed)
/// rather than break a keep rule.
pub(super) fn fill_column_with(units: &[Unit], start: usize, height: f32, strict: bool) -> usize {
    fill_column_rules(units, start, height, strict, false, false)
}

/// Like [`fill_column_with`]; with `ignore_soft`, soft keeps do not count.
pub(super) fn fill_column_rules(
    units: &[Unit],
    start: usize,
    height: f32,
    strict: bool,
    ignore_soft: bool,
    soft_is_hard: bool,
) -> usize {
    let mut y = 0.0;
    let mut j = start;
    while j < units.len() {
        let u = &units[j];
        let h = if j == start { 0.0 } else { u.space_before } + u.height;
        if y + h > height + EPS {
            break;
        }
        y += h;
        j += 1;
    }
    if j >= units.len() || j == start {
        // Everything fits, or not even one unit does: take one so the flow
        // always moves on.
        return if j == start && !strict { (start + 1).min(units.len()) } else { j };
    }
    // Back up to a unit before which a column may end.
    let back = |soft_counts: bool| {
        let mut k = j;
        while k > start && units[k].keep_with_prev && (soft_counts || !units[k].soft_keep) {
            k -= 1;
        }
        k
    };
    let hard = back(false);
    let mut k = if ignore_soft { hard } else { back(true) };
    // A soft keep (no column ending on a hyphen) is worth at most one
    // line of white space at the column foot, as TeX's \brokenpenalty is
    // a cost, not a rule.
    if !soft_is_hard && hard > start && hard - k > 1 {
        k = hard;
    }
    if k == start && !strict {
        j
    } else {
        k
    }
}
