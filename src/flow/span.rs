//! Pictures across all the columns (`images.span`): a page becomes a stack
//! of sections. The text before a wide picture is set in columns, balanced
//! so they read across before the picture; the picture (with its caption)
//! spans the text width; the text after it starts a new set of columns
//! below. A wide picture that does not fit in what is left of the page
//! goes to the top of the next page, and the text after it fills the
//! page meanwhile, as a newspaper's and LaTeX's `figure*` do.

use std::ops::Range;

use super::balance::{balance, column_height, feather};
use super::fill::{fill_column, ColumnRules, Sheet};
use super::place::{column_rules, stack, Bands, Spacing};
use super::{Flow, Unit, EPS};

impl Flow<'_, '_> {
    /// Lays out and places the body when pictures span the columns: the
    /// pages' sections (see [`Sections`]), the masthead on page 1, the
    /// footer as the layout says.
    pub(super) fn place_sections(
        &mut self,
        units: &[Unit],
        floats: &[Float],
        masthead: &[Unit],
        footer: &[Unit],
        bands: &Bands,
        sheet: &Sheet,
    ) {
        let spec = self.spec;
        let p = &spec.page;
        let ncol = sheet.ncol;
        let (lead, gap) = (spec.body.leading, spec.body.paragraph_spacing);
        let sections = Sections {
            units,
            floats,
            ncol,
            lead,
            gap,
            sep: float_space(spec),
            balance_end: p.balance,
            grid: spec.body.grid,
        };
        let pages = sections.place(sheet);
        let col_x: Vec<f32> = (0..ncol)
            .map(|c| if self.rtl() { ncol - 1 - c } else { c })
            .map(|c| p.margin.left + c as f32 * (self.column_width + p.gutter))
            .collect();
        let npages = pages.len();
        for (pi, secs) in pages.iter().enumerate() {
            let mut page = bands.page(spec, pi, npages);
            if pi == 0 {
                stack(masthead, bands.top, Spacing::Full, |_, u, y| {
                    u.place(&mut page, p.margin.left, y, 0)
                });
            }
            for s in secs {
                match s {
                    Section::Float { top, index } => {
                        stack(&floats[*index].units, *top, Spacing::Full, |_, u, y| {
                            u.place(&mut page, p.margin.left, y, 0)
                        });
                    }
                    Section::Columns { top, cols, level } => {
                        let feather = match level {
                            Some(level) if !spec.body.grid => {
                                feather(units, cols, lead, gap, *level)
                            }
                            _ => vec![0.0; cols.len()],
                        };
                        let mut max_y = *top;
                        for (c, range) in cols.iter().enumerate() {
                            let spacing = Spacing::Column { feather: feather[c] };
                            let end = stack(&units[range.clone()], *top, spacing, |_, u, y| {
                                u.place(&mut page, col_x[c], y, c)
                            });
                            max_y = max_y.max(end);
                        }
                        column_rules(spec, &mut page, ncol, *top, max_y);
                    }
                }
            }
            if bands.shows_footer(pi, npages) {
                bands.place_footer(spec, footer, &mut page);
            }
            self.pages.push(page);
        }
    }
}

/// White space above and below a picture across the columns: a paragraph
/// gap, and at least half a line.
pub(super) fn float_space(spec: &crate::spec::LayoutSpec) -> f32 {
    spec.body.paragraph_spacing.max(spec.body.leading * 0.5)
}

/// A picture set across all the columns, with its caption.
#[derive(Debug, Clone)]
pub(super) struct Float {
    /// The text unit it comes before (its place in the statement).
    pub(super) anchor: usize,
    /// The picture, then its caption's lines, relative to the left margin,
    /// stacked one under the other.
    pub(super) units: Vec<Unit>,
}

impl Float {
    /// Height of the picture and its caption.
    pub(super) fn height(&self) -> f32 {
        super::place::height(&self.units)
    }
}

/// A part of a page, top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Section {
    /// Columns of text from `top`: the units each holds; `level` is how
    /// close their feet should end (a line on a full section, a line and
    /// a paragraph gap on a balanced one, `None` when they may end
    /// anywhere).
    Columns { top: f32, cols: Vec<Range<usize>>, level: Option<f32> },
    /// Float number `index`, its top at `top`.
    Float { top: f32, index: usize },
}

/// How far the text and the floats have been laid out.
#[derive(Debug, Clone, Copy, Default)]
struct Cursor {
    /// The next text unit.
    unit: usize,
    /// The next float.
    float: usize,
}

/// Text units and the floats among them, laid out page by page in
/// sections.
pub(super) struct Sections<'x> {
    pub(super) units: &'x [Unit],
    pub(super) floats: &'x [Float],
    pub(super) ncol: usize,
    /// Line height: the balancing step and what level feet are within.
    pub(super) lead: f32,
    /// Paragraph gap: balanced columns are level within a line and a gap.
    pub(super) gap: f32,
    /// White space above and below a float between sections.
    pub(super) sep: f32,
    /// The last page's columns are balanced (`page.balance`).
    pub(super) balance_end: bool,
    /// Sections after a float start on the baseline grid (`body.grid`).
    pub(super) grid: bool,
}

impl Sections<'_> {
    /// Lays out the pages between `sheet`'s bands: each page's sections.
    pub(super) fn place(&self, sheet: &Sheet) -> Vec<Vec<Section>> {
        let mut pages = Vec::new();
        let mut starts = Vec::new();
        let mut at = Cursor::default();
        while !self.done(at) || pages.is_empty() {
            starts.push(at);
            let p = pages.len();
            pages.push(self.page(&mut at, sheet.ctop(p), sheet.bottom, p == 0));
            if pages.len() > 10_000 {
                break;
            }
        }
        // The footer on the last page only: make room for it there.
        if let Some(last_bottom) = sheet.last_bottom {
            let lp = pages.len() - 1;
            at = starts[lp];
            pages[lp] = self.page(&mut at, sheet.ctop(lp), last_bottom, lp == 0);
            while !self.done(at) && pages.len() <= 10_000 {
                pages.push(self.page(&mut at, sheet.top, last_bottom, false));
            }
        }
        pages
    }

    fn done(&self, at: Cursor) -> bool {
        at.unit >= self.units.len() && at.float >= self.floats.len()
    }

    /// Whether float `f` fits at `y` on a page ending at `bottom`; on a
    /// page with nothing on it yet, but the first (whose masthead may
    /// leave too little room), it goes in regardless, so the flow moves on.
    fn fits(&self, f: usize, y: f32, bottom: f32, empty: bool, first: bool) -> bool {
        let above = if empty { 0.0 } else { self.sep };
        y + above + self.floats[f].height() <= bottom + EPS || (empty && !first)
    }

    /// Fills one page from `top` to `bottom` with sections, moving `at`.
    fn page(&self, at: &mut Cursor, top: f32, bottom: f32, first: bool) -> Vec<Section> {
        let (units, floats) = (self.units, self.floats);
        let mut secs = Vec::new();
        let mut y = top;
        // A float that did not fit waits for the next page; the text after
        // it fills this one meanwhile.
        let mut holding = false;
        loop {
            while !holding && at.float < floats.len() && floats[at.float].anchor <= at.unit {
                if self.fits(at.float, y, bottom, secs.is_empty(), first) {
                    let ftop = if secs.is_empty() { y } else { y + self.sep };
                    secs.push(Section::Float { top: ftop, index: at.float });
                    y = self.snap(top, ftop + floats[at.float].height() + self.sep);
                    at.float += 1;
                } else {
                    holding = true;
                }
            }
            if self.done(*at) {
                break;
            }
            // The text up to the next float (while one is held, up to the
            // one after it: floats keep their order).
            let next = at.float + usize::from(holding);
            let end = floats.get(next).map_or(units.len(), |f| f.anchor.max(at.unit));
            if end <= at.unit {
                break;
            }
            let height = bottom - y;
            let text = &units[..end];
            let mut cols = Vec::with_capacity(self.ncol);
            let mut i = at.unit;
            for c in 0..self.ncol {
                // On an empty page something must go in; below a section,
                // a column may stay empty (the page is then full).
                let rules = if secs.is_empty() {
                    ColumnRules::column(c + 1 == self.ncol)
                } else {
                    ColumnRules::TRY
                };
                let e = fill_column(text, i, height, rules);
                cols.push(i..e);
                i = e;
            }
            if i == at.unit {
                // Not a line fits under what is on the page.
                break;
            }
            if i < end {
                // The page is full.
                secs.push(Section::Columns { top: y, cols, level: Some(self.lead) });
                at.unit = i;
                break;
            }
            // All of it fits: balanced, so that it reads across before
            // what follows, unless it ends the text and the layout leaves
            // the last columns unbalanced.
            let float_next = !holding && at.float < floats.len();
            let balanced = (float_next || self.balance_end || holding)
                .then(|| balance(text, at.unit, self.ncol, height, self.lead))
                .flatten();
            let (cols, level) = match balanced {
                Some((_, cols)) => (cols, Some(self.lead + self.gap)),
                None => (cols, None),
            };
            let h = cols.iter().map(|r| column_height(&units[r.clone()])).fold(0.0, f32::max);
            if float_next && !self.fits(at.float, y + h, bottom, false, first) {
                // The float after this text goes to the next page: the
                // text after it fills this page, in the same columns.
                holding = true;
                continue;
            }
            secs.push(Section::Columns { top: y, cols, level });
            y += h;
            at.unit = end;
            if holding {
                break;
            }
        }
        secs
    }

    /// `y` moved down onto the baseline grid from `top`, with `grid`.
    fn snap(&self, top: f32, y: f32) -> f32 {
        if self.grid && self.lead > 0.0 {
            top + ((y - top) / self.lead - EPS).ceil() * self.lead
        } else {
            y
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::sketch::{columns, units, LEAD};

    /// Lays out `sketch` (see `flow::sketch`) with floats `lines` lines
    /// high before the units `anchor`, on pages of `ncol` columns `page`
    /// lines high: each page's sections, `/` between them (a float is
    /// `[n]`, its number), `||` between pages.
    fn laid_out(sketch: &str, floats: &[(usize, f32)], ncol: usize, page: f32) -> String {
        let units = units(sketch, 0.0);
        let floats: Vec<Float> = floats
            .iter()
            .map(|&(anchor, lines)| Float {
                anchor,
                units: vec![Unit {
                    height: lines * LEAD,
                    space_before: 0.0,
                    keep: super::super::Keep::Free,
                    elements: Vec::new(),
                    links: Vec::new(),
                    lines: Vec::new(),
                }],
            })
            .collect();
        let sections = Sections {
            units: &units,
            floats: &floats,
            ncol,
            lead: LEAD,
            gap: 0.0,
            sep: LEAD,
            balance_end: true,
            grid: false,
        };
        let sheet =
            Sheet { ncol, first_top: 0.0, top: 0.0, bottom: page * LEAD, last_bottom: None };
        let pages = sections.place(&sheet);
        // Nothing overlaps, nothing runs past the foot.
        for secs in &pages {
            let mut y = 0.0;
            for s in secs {
                let (t, h) = match s {
                    Section::Float { top, index } => (*top, floats[*index].height()),
                    Section::Columns { top, cols, .. } => (
                        *top,
                        cols.iter().map(|r| column_height(&units[r.clone()])).fold(0.0, f32::max),
                    ),
                };
                assert!(t + EPS >= y && t + h <= page * LEAD + EPS, "{secs:?}");
                y = t + h;
            }
        }
        pages
            .iter()
            .map(|secs| {
                secs.iter()
                    .map(|s| match s {
                        Section::Float { index, .. } => format!("[{index}]"),
                        Section::Columns { cols, .. } => columns(&units, cols),
                    })
                    .collect::<Vec<_>>()
                    .join(" / ")
            })
            .collect::<Vec<_>>()
            .join(" || ")
    }

    #[test]
    fn the_text_before_a_wide_picture_is_balanced_above_it() {
        // Eight lines, then the picture, then eight more, on a page of 20.
        assert_eq!(
            laid_out("aaaaaaaa bbbbbbbb", &[(8, 3.0)], 2, 20.0),
            "aaaa|aaaa / [0] / bbbb|bbbb"
        );
        // A picture first and last.
        assert_eq!(laid_out("aaaaaaaa", &[(0, 3.0), (8, 2.0)], 2, 20.0), "[0] / aaaa|aaaa / [1]");
    }

    #[test]
    fn a_picture_that_does_not_fit_goes_to_the_next_page_top() {
        // Room for the text above (3 lines), not for the picture (7 + a
        // line of space): the text after it fills the page.
        assert_eq!(
            laid_out("aaaaaa bbbbbbbbbbbbbbbb", &[(6, 7.0)], 2, 10.0),
            "aaaaaa bbbb|bbbbbbbbbb || [0] / bb|"
        );
        // Two pictures keep their order, each after its text.
        assert_eq!(
            laid_out("aaaa bbbb cccc", &[(4, 7.0), (8, 7.0)], 2, 10.0),
            "aa|aa / [0] || bb|bb / [1] || cc|cc"
        );
    }

    #[test]
    fn a_long_text_fills_whole_pages_around_the_picture() {
        // The picture's anchor is on page 2: page 1 is all columns.
        assert_eq!(
            laid_out("aaaaaaaaaaaaaaaaaaaaaaaa bbbb", &[(24, 2.0)], 2, 10.0),
            "aaaaaaaaaa|aaaaaaaaaa || aa|aa / [0] / bb|bb"
        );
    }
}
