//! Column feet: on every page but the last, the columns end level, as a
//! newspaper's do. Filling stops a column early where the keep rules allow
//! no break lower down (a heading with the lines it keeps, a widow); a
//! typesetter then sets a paragraph of that page a line tighter or looser,
//! which moves the breaks by a line. What whole lines cannot level, the
//! shorter columns' paragraph gaps take up (`balance::feather`).

use std::collections::HashMap;

use crate::error::Result;
use crate::pages::{LineInfo, LineKind};

use super::balance::{page_spread, paragraph_lines, Body};
use super::fill::{PageColumns, Sheet};
use super::{Flow, Unit, EPS};

/// Paragraphs set a line tighter or looser for one page, at most: one
/// usually levels it, a second sometimes finishes what the first began.
const MAX_CHANGES_PER_PAGE: usize = 2;

/// Paragraphs set with a line fewer (-1) or more (1) than their best
/// breaking, by number.
pub(super) type Looseness = HashMap<usize, i32>;

/// A paragraph set with a line more or fewer, and what that gives.
struct Change {
    paragraph: usize,
    looseness: i32,
    /// How far apart the page's columns then end.
    spread: f32,
    /// How much worse its lines read (see [`cost`]).
    cost: f32,
    units: Vec<Unit>,
    placed: PageColumns,
}

impl<'a, 'b> Flow<'a, 'b> {
    /// Levels the column feet of every page but the last (see
    /// [`level_pages`]), setting the body again as each try asks.
    pub(super) fn level_pages(
        &mut self,
        body: &Body,
        units: Vec<Unit>,
        placed: PageColumns,
        sheet: &Sheet,
    ) -> Result<(Vec<Unit>, PageColumns)> {
        if sheet.ncol < 2 {
            return Ok((units, placed));
        }
        let lead = self.spec.body.leading;
        let marks = self.warning_marks();
        let ways = self.loosenesses();
        let (units, placed, looseness) =
            level_pages(units, placed, sheet, lead, ways, |loose, pno, old| {
                self.set_body_with(body, &marks, loose, pno, old)
            })?;
        self.looseness = looseness;
        Ok((units, placed))
    }
}

/// Levels the column feet of every page but the last, page by page: where
/// a page's columns end more than `lead` apart, the paragraph that starts
/// on that page and levels them best (its lines reading least worse for
/// it) is set a line tighter or looser, as `ways` allows. `set` sets the
/// body with the looseness asked (the paragraph tried among them) and
/// returns its units, or `None` if that paragraph cannot be set so. The
/// pages before stay as they are, and the page count does not change.
/// Returns the units, their pages and the looseness that made them.
pub(super) fn level_pages(
    mut units: Vec<Unit>,
    mut placed: PageColumns,
    sheet: &Sheet,
    lead: f32,
    ways: &[i32],
    mut set: impl FnMut(&Looseness, usize, &[Unit]) -> Result<Option<Vec<Unit>>>,
) -> Result<(Vec<Unit>, PageColumns, Looseness)> {
    let mut looseness = Looseness::new();
    let mut page = 0;
    while page + 1 < placed.len() {
        for _ in 0..MAX_CHANGES_PER_PAGE {
            if page_spread(&units, &placed[page]) <= lead + EPS {
                break;
            }
            let tries = Tries { units: &units, placed: &placed, sheet, lead, page };
            let Some(c) = tries.best(ways, &mut looseness, &mut set)? else { break };
            looseness.insert(c.paragraph, c.looseness);
            (units, placed) = (c.units, c.placed);
        }
        page += 1;
    }
    Ok((units, placed, looseness))
}

/// The changes tried for one page's feet.
struct Tries<'x> {
    units: &'x [Unit],
    placed: &'x PageColumns,
    sheet: &'x Sheet,
    lead: f32,
    page: usize,
}

impl Tries<'_> {
    /// The best change of one paragraph starting on the page: one that
    /// levels its feet (within a line) at the least cost, else the one
    /// that brings them closest; `None` if none brings them closer.
    fn best(
        &self,
        ways: &[i32],
        looseness: &mut Looseness,
        set: &mut impl FnMut(&Looseness, usize, &[Unit]) -> Result<Option<Vec<Unit>>>,
    ) -> Result<Option<Change>> {
        let (units, page) = (self.units, self.page);
        let cols = &self.placed[page];
        let spread = page_spread(units, cols);
        let (from, to) = (cols[0].start, cols[cols.len() - 1].end);
        let candidates: Vec<usize> = units[from..to]
            .iter()
            .filter_map(|u| u.lines.first())
            .filter(|l| l.kind == LineKind::Body && l.index == 0 && l.count > 1)
            .map(|l| l.paragraph)
            .filter(|p| !looseness.contains_key(p))
            .collect();
        let mut best: Option<Change> = None;
        for &way in ways {
            for &pno in &candidates {
                looseness.insert(pno, way);
                let u = set(looseness, pno, units);
                looseness.remove(&pno);
                let Some(u) = u? else { continue };
                let pl = self.sheet.place(&u);
                if pl.len() != self.placed.len() {
                    continue;
                }
                let sp = page_spread(&u, &pl[page]);
                if sp + EPS >= spread {
                    continue;
                }
                let cost = cost(&paragraph_lines(units, pno), &paragraph_lines(&u, pno));
                let c = Change {
                    paragraph: pno,
                    looseness: way,
                    spread: sp,
                    cost,
                    units: u,
                    placed: pl,
                };
                if best.as_ref().is_none_or(|b| better(&c, b, self.lead)) {
                    best = Some(c);
                }
            }
        }
        Ok(best)
    }
}

/// Tells whether change `a` is better than `b`: levelling the page beats
/// not levelling it; between two that level it, the cheaper; between two
/// that do not, the one that comes closer.
fn better(a: &Change, b: &Change, lead: f32) -> bool {
    let level = |c: &Change| c.spread <= lead + EPS;
    match (level(a), level(b)) {
        (true, false) => true,
        (false, true) => false,
        (true, true) => a.cost + EPS < b.cost,
        (false, false) => a.spread + EPS < b.spread,
    }
}

/// How much worse a paragraph reads set as `new` than as `old`: the sum of
/// its lines' cubed adjustment ratios (TeX's badness, less its scale) and,
/// for ragged lines (ratio 0), of their squared shortfall from the measure
/// as a share of it; the paragraph's last line left out.
fn cost(old: &[&LineInfo], new: &[&LineInfo]) -> f32 {
    let badness = |ls: &[&LineInfo]| {
        ls.iter()
            .filter(|l| l.index + 1 < l.count)
            .map(|l| {
                let short = if l.ratio == 0.0 && l.width > 0.0 {
                    ((l.width - l.natural) / l.width).max(0.0).powi(2)
                } else {
                    0.0
                };
                l.ratio.abs().powi(3) + short
            })
            .sum::<f32>()
    };
    badness(new) - badness(old)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::sketch::{columns, units, LEAD};

    /// Fills pages of `ncol` columns `lines` lines high with `sketch`,
    /// levels their feet with paragraphs set a line shorter or longer as
    /// `ways` allows (a sketched paragraph of `n` lines then has `n - 1` or
    /// `n + 1`; one of two lines does not change), and writes the pages
    /// back, split by `||`, with the paragraphs changed (by number).
    fn levelled(sketch: &str, ncol: usize, lines: f32, ways: &[i32]) -> String {
        let gap = 0.0;
        let words: Vec<&str> = sketch.split_whitespace().collect();
        let sheet =
            Sheet { ncol, first_top: 0.0, top: 0.0, bottom: lines * LEAD, last_bottom: None };
        let u = units(sketch, gap);
        let placed = sheet.place(&u);
        let (u, placed, loose) = level_pages(u, placed, &sheet, LEAD, ways, |loose, pno, _| {
            if words[pno].len() < 3 {
                return Ok(None);
            }
            let changed: Vec<String> = words
                .iter()
                .enumerate()
                .map(|(k, w)| {
                    let n = w.len() as i32 + loose.get(&k).copied().unwrap_or(0);
                    w[..1].repeat(n as usize)
                })
                .collect();
            Ok(Some(units(&changed.join(" "), gap)))
        })
        .expect("sketches set");
        let pages = placed.iter().map(|cols| columns(&u, cols)).collect::<Vec<_>>().join("||");
        let mut changed: Vec<_> = loose.into_iter().collect();
        changed.sort();
        format!("{pages} {changed:?}")
    }

    #[test]
    fn a_page_whose_next_heading_misses_is_set_a_line_tighter() {
        // Page 1 as filled: the heading and the two lines it keeps do not
        // fit under `b`, so the second column ends two lines short.
        let sketch = "aaaa bbbbbb H cccc dddd";
        assert_eq!(levelled(sketch, 2, 6.0, &[]), "aaaa bb|bbbb||H cccc|dddd []");
        // A line fewer in `a` makes room for them.
        assert_eq!(levelled(sketch, 2, 6.0, &[-1, 1]), "aaa bbb|bbb H cc||cc dddd| [(0, -1)]");
    }

    #[test]
    fn a_page_is_set_a_line_looser_where_tighter_is_not_allowed() {
        // Ragged lines can only be set a line longer: `a` takes a line
        // into the second column, which then ends a line from the first.
        let sketch = "aaaaaa bbbb H cccc";
        assert_eq!(levelled(sketch, 2, 6.0, &[]), "aaaaaa|bbbb||H cccc| []");
        assert_eq!(levelled(sketch, 2, 6.0, &[1]), "aaaaa|aa bbbb||H cccc| [(0, 1)]");
        // A heading moving on leaves a column two lines short: `a` set a
        // line longer keeps it.
        assert_eq!(levelled("aaaa H bbbbbbbb", 2, 6.0, &[1]), "aaaaa|H bbbbb||bbb| [(0, 1)]");
    }

    #[test]
    fn level_pages_and_the_last_page_are_left_alone() {
        let sketch = "aaaaaa bbbbbb cccc";
        assert_eq!(levelled(sketch, 2, 6.0, &[-1, 1]), "aaaaaa|bbbbbb||cccc| []");
        // Within a line is level.
        assert_eq!(levelled("aaaaaa bbbbb cccc", 2, 6.0, &[-1, 1]), "aaaaaa|bbbbb||cccc| []");
        // Nothing that levels them: the page stays as filled.
        assert_eq!(levelled("aaaa H bbbbbbbb", 2, 6.0, &[]), "aaaa|H bbbbb||bbb| []");
    }
}
