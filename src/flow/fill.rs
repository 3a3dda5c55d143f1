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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::sketch::{columns, units, LEAD};

    /// Fills columns `lines` lines high with `sketch` under `rules`, one
    /// after another, and writes them back; an empty column stops it.
    fn fill(sketch: &str, lines: f32, rules: ColumnRules) -> String {
        let units = units(sketch, 0.0);
        let mut cols = Vec::new();
        let mut i = 0;
        while i < units.len() {
            let end = fill_column(&units, i, lines * LEAD, rules);
            cols.push(i..end);
            if end == i {
                break;
            }
            i = end;
        }
        columns(&units, &cols)
    }

    /// Fills pages of `ncol` columns `lines` lines high; pages are split
    /// by `||`.
    fn pages(sketch: &str, ncol: usize, lines: f32) -> String {
        let units = units(sketch, 0.0);
        let sheet =
            Sheet { ncol, first_top: 0.0, top: 0.0, bottom: lines * LEAD, last_bottom: None };
        let placed = sheet.place(&units);
        placed.iter().map(|cols| columns(&units, cols)).collect::<Vec<_>>().join("||")
    }

    const FLOW: ColumnRules = ColumnRules { stuck: Stuck::Overfill, soft: Soft::Cost };

    #[test]
    fn widows_and_orphans_move_lines_on() {
        // Seven lines in threes would leave one alone at the end: the
        // second column gives up a line.
        assert_eq!(fill("aaaaaaa", 3.0, FLOW), "aaa|aa|aa");
        // A paragraph's first line alone at a column foot moves on.
        assert_eq!(fill("aaa bbbb", 4.0, FLOW), "aaa|bbbb");
        assert_eq!(fill("aaa bbbb", 5.0, FLOW), "aaa bb|bb");
    }

    #[test]
    fn a_heading_stays_with_what_follows() {
        assert_eq!(fill("aa H bbbb", 3.0, FLOW), "aa|H bb|bb");
        // A heading's lines hold together too.
        assert_eq!(fill("aa HH bbbb", 4.0, FLOW), "aa|HH bb|bb");
        // Where no break the rules allow fits, they give way: a column
        // must end somewhere.
        assert_eq!(fill("HHHH aa", 2.0, FLOW), "HH|HH|aa");
    }

    #[test]
    fn a_column_ends_on_a_hyphen_only_to_save_white_space() {
        // Not ending on the hyphen costs a line of white: worth it.
        assert_eq!(fill("aaaa-aaaa", 4.0, FLOW), "aaa|a-aa|aa");
        // Two lines: not worth it.
        assert_eq!(fill("aaa-a-aaaa", 4.0, FLOW), "aaa-a-|aaaa");
        // Where the page turns, the soft keep holds at any cost.
        let hold = FLOW.with_soft(Soft::Hold);
        assert_eq!(fill("aaa-a-aaaa", 4.0, hold), "aa|a-a-aa|aa");
        // Giving way, it does not count at all.
        let give_way = FLOW.with_soft(Soft::GiveWay);
        assert_eq!(fill("aaaa-aaaa", 4.0, give_way), "aaaa-|aaaa");
    }

    #[test]
    fn a_try_may_leave_a_column_empty() {
        // One line of room, and no line may stand alone.
        assert_eq!(fill("aaaa", 1.0, FLOW), "a|a|a|a");
        assert_eq!(fill("aaaa", 1.0, ColumnRules::TRY), "");
        // Less than a line of room.
        assert_eq!(fill("aa", 0.5, FLOW), "a|a");
        assert_eq!(fill("aa", 0.5, ColumnRules::TRY), "");
    }

    #[test]
    fn pages_fill_column_by_column_and_hold_hyphens_at_the_turn() {
        // (`b` does not start at the foot of the first page.)
        assert_eq!(pages("aaaaa bbbbb", 2, 3.0), "aaa|aa||bbb|bb");
        // One column a page: each column ends a page, so it does not end
        // on a hyphen; two a page, the first column may.
        assert_eq!(pages("aaa-a-aaaa", 1, 4.0), "aa||a-a-aa||aa");
        assert_eq!(pages("aaa-a-aaaa", 2, 4.0), "aaa-a-|aaaa");
    }
}
