//! Filling columns: units go into a column until the next does not fit,
//! then the column backs up to the last unit before which it may end.

use super::place::Bands;
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
    /// The columns of a single statement's pages, `ncol` across, between
    /// the page's `bands`.
    pub(super) fn new(ncol: usize, bands: &Bands) -> Self {
        let reserve_every = if bands.every { bands.footer } else { 0.0 };
        Sheet {
            ncol,
            first_top: bands.first_top,
            top: bands.top,
            bottom: bands.bottom - reserve_every,
            // The footer on the last page only: room for it there.
            last_bottom: (!bands.every && bands.footer > 0.0)
                .then_some(bands.bottom - bands.footer),
        }
    }

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
            let end = fill_column(units, *i, height, ColumnRules::column(c + 1 == self.ncol));
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

/// What a column does when no break the rules allow fits in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stuck {
    /// The rules give way: the column takes what fits (at least one unit),
    /// so that the flow always moves on.
    Overfill,
    /// Nothing goes in: the caller moves on to another column.
    Empty,
}

/// How a column treats soft keeps (no column ending on a hyphen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Soft {
    /// Worth at most one line of white space at the column foot, as TeX's
    /// `\brokenpenalty` is a cost, not a rule.
    Cost,
    /// As firm as a hard keep: at a page's last column, where a split word
    /// would have the page turn (and the footer) in its middle.
    Hold,
    /// Not counted: balancing gives them up where that levels the columns.
    GiveWay,
}

/// The column rules a filler applies: what happens when they cannot be
/// kept, and how much a soft keep counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ColumnRules {
    pub(super) stuck: Stuck,
    pub(super) soft: Soft,
}

impl ColumnRules {
    /// A column of a page being filled: something must go in.
    pub(super) fn column(page_end: bool) -> Self {
        let soft = if page_end { Soft::Hold } else { Soft::Cost };
        ColumnRules { stuck: Stuck::Overfill, soft }
    }

    /// A try that may leave the column empty rather than break a rule
    /// (balancing, and a side-by-side section that may move on).
    pub(super) const TRY: Self = ColumnRules { stuck: Stuck::Empty, soft: Soft::Cost };

    /// The same rules with soft keeps counted as `soft` says.
    pub(super) fn with_soft(self, soft: Soft) -> Self {
        ColumnRules { soft, ..self }
    }
}

/// Returns the end of the units that fit in a column of `height`, starting
/// at `start`, ending only where the keep rules allow a break; `rules`
/// says what gives where they cannot be kept.
pub(super) fn fill_column(units: &[Unit], start: usize, height: f32, rules: ColumnRules) -> usize {
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
    let overfill = rules.stuck == Stuck::Overfill;
    if j >= units.len() || j == start {
        // Everything fits, or not even one unit does.
        return if j == start && overfill { (start + 1).min(units.len()) } else { j };
    }
    // Back up to a unit before which a column may end.
    let back = |soft_counts: bool| {
        let mut k = j;
        while k > start && units[k].keep.holds(soft_counts) {
            k -= 1;
        }
        k
    };
    let hard = back(false);
    let k = match rules.soft {
        Soft::GiveWay => hard,
        Soft::Hold => back(true),
        Soft::Cost => {
            let k = back(true);
            if hard > start && hard - k > 1 {
                hard
            } else {
                k
            }
        }
    };
    if k == start && overfill {
        j
    } else {
        k
    }
}
