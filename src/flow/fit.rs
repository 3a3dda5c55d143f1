//! Fitting: the largest body size at which a statement fills exactly the
//! layout's page count (`[fit] pages = N`).
//!
//! Shaped words are cached at 1 pt, so each candidate size costs a re-break
//! and re-flow, not a re-shape. Text area grows with the square of the size
//! (longer lines and more of them), which gives a good first guess; a few
//! bracketing steps then settle the size to 0.05 pt.

use crate::error::{Error, Location, Result, Warning};
use crate::flow;
use crate::pages::{Document, LineKind};
use crate::shape::Shaper;
use crate::spec::{Bilingual, LayoutSpec};
use crate::statement::Statement;
use crate::vars::Vars;

/// Sizes are chosen on this grid (points).
const STEP: f32 = 0.05;
/// At most this many layout passes after the first.
const MAX_PASSES: usize = 8;
/// Aim a little short of full, so the first guess usually fits.
const TARGET_SLACK: f32 = 0.04;
/// Leading factors tried when even `max-size` leaves the last page short.
const LEADING_STEPS: [f32; 4] = [1.05, 1.1, 1.15, 1.2];
/// Smaller sizes tried when the best one leaves the last page unbalanced.
const MAX_BALANCE_STEPS: usize = 4;

/// A finished fit.
#[derive(Debug)]
pub struct Fitted {
    /// The laid-out document at the chosen size.
    pub document: Document,
    /// Warnings of the chosen pass, plus fitting notes.
    pub warnings: Vec<Warning>,
    /// Where the fitting notes (pages left empty) start in `warnings`.
    pub notes_from: usize,
    /// Layout passes made.
    pub passes: usize,
}

/// How full a document is, in pages: whole pages before the last, plus the
/// share of the last page's column height that is used.
pub fn fill(doc: &Document) -> f32 {
    let Some(last) = doc.pages.last() else { return 0.0 };
    let height = (last.column_bottom - last.column_top).max(1.0);
    let bottom = last
        .lines
        .iter()
        .filter(|l| !matches!(l.kind, LineKind::Masthead | LineKind::Footer))
        .map(|l| l.y)
        .fold(last.column_top, f32::max);
    (doc.pages.len() - 1) as f32 + ((bottom - last.column_top) / height).clamp(0.0, 1.0)
}

/// Tells whether the columns of the last page end within `line` of each
/// other (a line plus a paragraph gap, as callers pass it).
pub fn balanced(doc: &Document, leading: f32) -> bool {
    let Some(last) = doc.pages.last() else { return true };
    let mut bottoms: Vec<f32> = Vec::new();
    for l in last.lines.iter().filter(|l| !matches!(l.kind, LineKind::Masthead | LineKind::Footer))
    {
        if bottoms.len() <= l.column {
            bottoms.resize(l.column + 1, f32::MIN);
        }
        bottoms[l.column] = bottoms[l.column].max(l.y);
    }
    let used: Vec<f32> = bottoms.into_iter().filter(|&b| b > f32::MIN).collect();
    let hi = used.iter().copied().fold(f32::MIN, f32::max);
    let lo = used.iter().copied().fold(f32::MAX, f32::min);
    used.len() < 2 || hi - lo <= leading + 0.5
}

/// What is fitted: one statement, or two on one bilingual leaflet.
#[derive(Clone, Copy)]
enum Subject<'s> {
    One(&'s Statement),
    /// Side by side: one document, the first statement in the first half
    /// of the columns.
    SideBySide(&'s Statement, &'s Statement),
    /// Front and back: two documents, each on its own `fit.pages` pages.
    FrontBack(&'s Statement, &'s Statement),
}

impl<'s> Subject<'s> {
    /// Lays out the subject with `spec`: one document, or one per side of a
    /// front-and-back leaflet (each must fit on the page count).
    fn layout(
        self,
        shaper: &mut Shaper<'_>,
        spec: &LayoutSpec,
        vars: &Vars,
    ) -> Result<(Vec<Document>, Vec<Warning>)> {
        match self {
            Subject::One(st) => flow::flow_with(shaper, st, spec, vars).map(|(d, w)| (vec![d], w)),
            Subject::SideBySide(a, b) => {
                flow::flow_pair_with(shaper, a, b, spec, vars).map(|(d, w)| (vec![d], w))
            }
            Subject::FrontBack(a, b) => {
                let (front, mut warnings) = flow::flow_with(shaper, a, spec, vars)?;
                let (back, mut more) = flow::flow_with(shaper, b, spec, vars)?;
                warnings.append(&mut more);
                Ok((vec![front, back], warnings))
            }
        }
    }

    /// The statement a line of part `part` belongs to (0 or 1).
    fn statement_of(self, part: usize, column: usize, spec: &LayoutSpec) -> usize {
        match self {
            Subject::One(_) => 0,
            Subject::SideBySide(..) => usize::from(column >= (spec.page.columns / 2) as usize),
            Subject::FrontBack(..) => part.min(1),
        }
    }

    fn names(self) -> Vec<&'s str> {
        match self {
            Subject::One(a) => vec![&a.name],
            Subject::SideBySide(a, b) | Subject::FrontBack(a, b) => vec![&a.name, &b.name],
        }
    }

    /// How the subject is named in messages, with its verb's `-s` ending.
    fn noun(self) -> (&'static str, &'static str) {
        match self {
            Subject::One(_) => ("the statement", "s"),
            Subject::SideBySide(..) => ("the two statements side by side", ""),
            Subject::FrontBack(..) => ("the longer of the two statements", "s"),
        }
    }

    /// Puts the parts together into the finished document.
    fn join(self, mut parts: Vec<Document>) -> Document {
        match self {
            Subject::FrontBack(a, b) if parts.len() == 2 => {
                let back = parts.pop().unwrap_or_else(|| unreachable!("two parts"));
                let front = parts.pop().unwrap_or_else(|| unreachable!("two parts"));
                flow::front_back(front, back, a, b)
            }
            _ => parts.into_iter().next().unwrap_or_else(|| unreachable!("one part")),
        }
    }
}

/// Pages of the longest part.
fn pages(parts: &[Document]) -> usize {
    parts.iter().map(|d| d.pages.len()).max().unwrap_or(0)
}

/// Fill of the fullest part (see [`fill`]).
fn fill_most(parts: &[Document]) -> f32 {
    parts.iter().map(fill).fold(0.0, f32::max)
}

/// A last page with at most this many lines of text is a runt.
pub const RUNT_LINES: usize = 3;

/// How much smaller than the layout's body size [`pull_back`] may set the
/// text (4 %: 10 pt becomes 9.6 pt at the least), so the change stays below
/// what a reader notices.
pub const RUNT_SHRINK: f32 = 0.04;

/// A last page whose deepest column reaches at most this part of the
/// column's height is a runt too, however many columns share its lines: a
/// side-by-side pair's four and five lines, a small page's five.
pub const RUNT_FILL: f32 = 0.125;

/// The number of text lines on the last page of `doc`, if it has more than
/// one page and that page holds [`RUNT_LINES`] or fewer, or its text ends
/// within the top [`RUNT_FILL`] of the columns: paper and a turn of the
/// page for almost nothing.
pub fn runt(doc: &Document) -> Option<usize> {
    let last = doc.pages.last().filter(|_| doc.pages.len() > 1)?;
    let text = |l: &&crate::pages::LineInfo| {
        matches!(l.kind, LineKind::Body | LineKind::Heading | LineKind::Other)
    };
    let lines = last.lines.iter().filter(text).count();
    let depth = fill(doc) - (doc.pages.len() - 1) as f32;
    (lines <= RUNT_LINES || depth <= RUNT_FILL).then_some(lines)
}

/// Sets a side-by-side pair whose last page would be a runt one page
/// shorter, as [`pull_back`] does a single statement: both sides at one
/// body size at most [`RUNT_SHRINK`] smaller. `None` for other layouts, or
/// where no such size fits. `runt` is the pair as laid out with `spec`.
pub fn pull_back_pair(
    shaper: &mut Shaper<'_>,
    first: &Statement,
    second: &Statement,
    spec: &LayoutSpec,
    vars: &Vars,
    runt: &Document,
) -> Option<Fitted> {
    let pages = runt.pages.len();
    if spec.page.bilingual != Bilingual::SideBySide
        || spec.fit.pages > 0
        || !spec.fit.pull_back
        || pages < 2
    {
        return None;
    }
    let mut s = spec.clone();
    s.fit.pages = (pages - 1) as u32;
    s.fit.max_size = spec.body.size;
    s.fit.min_size = spec.body.size * (1.0 - RUNT_SHRINK);
    let subject = Subject::SideBySide(first, second);
    let mut f = fit_subject(shaper, subject, &s, vars, Some(Overflow::of(runt))).ok()?;
    f.warnings.truncate(f.notes_from);
    (f.document.pages.len() < pages).then_some(f)
}

/// Sets a statement whose last page would be a runt (see [`runt`]) one
/// page shorter, as a typesetter copyfits: at the largest body size, at
/// most [`RUNT_SHRINK`] smaller than the layout's, at which it fits. `None`
/// if no such size fits, or the layout asks for a page count (`fit.pages`)
/// or says `fit.pull-back = false`. `runt` is the statement as laid out
/// with `spec`: the search starts from how full it is.
pub fn pull_back(
    shaper: &mut Shaper<'_>,
    statement: &Statement,
    spec: &LayoutSpec,
    vars: &Vars,
    runt: &Document,
) -> Option<Fitted> {
    let pages = runt.pages.len();
    if spec.fit.pages > 0 || !spec.fit.pull_back || pages < 2 {
        return None;
    }
    let mut s = spec.clone();
    s.fit.pages = (pages - 1) as u32;
    s.fit.max_size = spec.body.size;
    s.fit.min_size = spec.body.size * (1.0 - RUNT_SHRINK);
    let subject = Subject::One(statement);
    let mut f = fit_subject(shaper, subject, &s, vars, Some(Overflow::of(runt))).ok()?;
    // How full the new last page is was never the point.
    f.warnings.truncate(f.notes_from);
    (f.document.pages.len() < pages).then_some(f)
}

/// Finds the largest body size in `[fit.min-size, fit.max-size]` at which
/// the statement fits on `fit.pages` pages, and lays it out at that size.
///
/// Fails, saying how much does not fit, when even the smallest size needs
/// more pages.
pub fn fit(
    shaper: &mut Shaper<'_>,
    statement: &Statement,
    spec: &LayoutSpec,
    vars: &Vars,
) -> Result<Fitted> {
    fit_subject(shaper, Subject::One(statement), spec, vars, None)
}

/// Fits two statements on a bilingual layout (`page.bilingual`), both at
/// one body size, so that the pair reads as one leaflet:
///
/// - side by side, the pair fills `fit.pages` pages: the longer side (with
///   the sections kept level) decides the size;
/// - front and back, each statement gets `fit.pages` pages of its own (the
///   second starting on a new page): the longer decides the size, and the
///   document has twice `fit.pages` pages, or fewer if the shorter needs
///   fewer.
///
/// Fails, naming the statement that does not fit, when even `fit.min-size`
/// needs more pages. A layout for one statement is fitted as the first.
pub fn fit_pair(
    shaper: &mut Shaper<'_>,
    first: &Statement,
    second: &Statement,
    spec: &LayoutSpec,
    vars: &Vars,
) -> Result<Fitted> {
    let subject = match spec.page.bilingual {
        Bilingual::SideBySide => Subject::SideBySide(first, second),
        Bilingual::FrontBack => Subject::FrontBack(first, second),
        Bilingual::No => Subject::One(first),
    };
    fit_subject(shaper, subject, spec, vars, None)
}

/// A layout of the subject at the layout's own body size, already made,
/// that needs more than the pages to fit: a pull-back's first pass would
/// make it again.
#[derive(Clone, Copy)]
struct Overflow {
    size: f32,
    fill: f32,
}

impl Overflow {
    fn of(doc: &Document) -> Overflow {
        Overflow { size: doc.body_size, fill: fill(doc) }
    }
}

/// Fits `subject`: finds the size, then writes what the reader should know.
/// `known`, if given, is the subject laid out with `spec` as it is, which
/// overflows `fit.pages`.
fn fit_subject(
    shaper: &mut Shaper<'_>,
    subject: Subject<'_>,
    spec: &LayoutSpec,
    vars: &Vars,
    known: Option<Overflow>,
) -> Result<Fitted> {
    let (lo, hi) = (spec.fit.min_size, spec.fit.max_size.max(spec.fit.min_size));
    let n = spec.fit.pages as usize;
    let mut fitter = Fitter { shaper, subject, spec, vars, n, lo, hi, passes: 0, known: None };
    let scaled;
    if let Some(k) = fitter.picture_scale()? {
        let mut s = spec.clone();
        s.images.scale = k;
        scaled = s;
        fitter.spec = &scaled;
    } else {
        // A pass at the layout's size lays it out as it was laid out only
        // if scaling to that size and the columns' least measure change
        // nothing.
        let mut same = spec.scaled_to(spec.body.size);
        fewer_columns(&mut same);
        let size = fitter.snap(spec.body.size);
        let unchanged = same.page.columns == spec.page.columns;
        fitter.known =
            known.filter(|k| unchanged && k.size == spec.body.size && size == spec.body.size);
    }
    match fitter.search()? {
        Some(found) => {
            let found = fitter.balance_last_page(found)?;
            let found = fitter.open_leading(found)?;
            Ok(fitter.finish(found))
        }
        None => Err(fitter.overflow()?),
    }
}

/// The largest size found to fit, with its layout and warnings.
type Found = (f32, Vec<Document>, Vec<Warning>);

/// One subject being fitted: its layout passes and their count.
struct Fitter<'a, 's, 'b> {
    shaper: &'a mut Shaper<'b>,
    subject: Subject<'s>,
    spec: &'a LayoutSpec,
    vars: &'a Vars,
    /// The page count to fill (`fit.pages`).
    n: usize,
    /// `fit.min-size` and `fit.max-size`.
    lo: f32,
    hi: f32,
    passes: usize,
    /// The subject as laid out at the layout's size, overflowing (see
    /// [`Overflow`]); used by the search's first pass instead of laying
    /// it out again.
    known: Option<Overflow>,
}

impl Fitter<'_, '_, '_> {
    /// One layout pass at `size`, with the leading (and paragraph
    /// spacing) opened by `loose`.
    fn layout(&mut self, size: f32, loose: f32) -> Result<(Vec<Document>, Vec<Warning>)> {
        self.passes += 1;
        let mut s = self.spec.scaled_to(size);
        fewer_columns(&mut s);
        s.body.leading *= loose;
        s.body.paragraph_spacing *= loose;
        self.subject.layout(self.shaper, &s, self.vars)
    }

    /// Pictures first: when the text with its pictures overflows the page
    /// count at the layout's size, the largest share of their size (down
    /// to `images.fit-scale`, in tenths) at which it fits, or the smallest
    /// allowed; `None` when the pictures can keep their size.
    fn picture_scale(&mut self) -> Result<Option<f32>> {
        let least = self.spec.images.fit_scale;
        let has = |st: &Statement| crate::picture::has_pictures(&st.blocks);
        let any = match self.subject {
            Subject::One(a) => has(a),
            Subject::SideBySide(a, b) | Subject::FrontBack(a, b) => has(a) || has(b),
        };
        if !any || least >= 1.0 {
            return Ok(None);
        }
        let size = self.snap(self.spec.body.size);
        let at = |f: &mut Self, k: f32| -> Result<bool> {
            let mut s = f.spec.scaled_to(size);
            fewer_columns(&mut s);
            s.images.scale = k;
            f.passes += 1;
            let (parts, _) = f.subject.layout(f.shaper, &s, f.vars)?;
            Ok(pages(&parts) <= f.n)
        };
        if at(self, 1.0)? {
            return Ok(None);
        }
        let mut k = 0.9;
        while k > least + 1e-3 {
            if at(self, k)? {
                return Ok(Some(k));
            }
            k -= 0.1;
        }
        Ok(Some(least))
    }

    /// Rounds a size to the grid of [`STEP`], within the allowed sizes.
    fn snap(&self, s: f32) -> f32 {
        ((s / STEP).round() * STEP).clamp(self.lo, self.hi)
    }

    /// Tells whether every part's last page is balanced at size `s`.
    fn all_balanced(&self, parts: &[Document], s: f32) -> bool {
        let spec = self.spec;
        let line = (spec.body.leading + spec.body.paragraph_spacing) * s / spec.body.size;
        parts.iter().all(|d| balanced(d, line))
    }

    /// Brackets the size between the largest that fits on the page count
    /// and the smallest that overflows, guessing from the area each fills;
    /// returns the largest that fits, if any.
    fn search(&mut self) -> Result<Option<Found>> {
        let (n, lo, hi) = (self.n, self.lo, self.hi);
        let mut fits: Option<Found> = None;
        let mut over: Option<f32> = None;
        let mut size = self.snap(self.spec.body.size);
        for _ in 0..=MAX_PASSES {
            let (f, ok) = match self.known.take().filter(|k| k.size == size) {
                // It overflows: only how full it is matters.
                Some(k) => (k.fill, false),
                None => {
                    let (parts, warnings) = self.layout(size, 1.0)?;
                    let f = fill_most(&parts);
                    let ok = pages(&parts) <= n;
                    if ok && fits.as_ref().is_none_or(|(s, ..)| size > *s) {
                        fits = Some((size, parts, warnings));
                    }
                    (f, ok)
                }
            };
            if !ok && over.is_none_or(|o| size < o) {
                over = Some(size);
            }
            let low = fits.as_ref().map_or(lo, |(s, ..)| *s);
            let high = over.unwrap_or(hi + STEP);
            if high - low <= STEP + 1e-3 || (ok && size >= hi) || (!ok && size <= lo) {
                break;
            }
            // Area ∝ size²: from an overflowing size aim just short of n
            // pages, from a fitting one at n full pages; then stay strictly
            // inside the bracket, a grid step from its ends at least.
            let target = if ok { n as f32 } else { n as f32 - TARGET_SLACK };
            let mut guess = self.snap(size * (target / f.max(0.01)).sqrt());
            // Near a full page the guess creeps a step at a time towards
            // the end it came from; once both ends are known, a guess
            // outside the bracket's middle half is replaced by its midpoint.
            if fits.is_some() && over.is_some() {
                let quarter = (high - low) / 4.0;
                if guess < low + quarter || guess > high - quarter {
                    guess = self.snap((low + high) / 2.0);
                }
            }
            // A bracket narrower than two steps (a pull-back's few
            // hundredths of a point) has no inside: the test below ends it.
            let (inside_lo, inside_hi) = (self.snap(low + STEP), self.snap(high - STEP));
            let next =
                if inside_lo <= inside_hi { guess.clamp(inside_lo, inside_hi) } else { inside_lo };
            if next <= low + 1e-3 || next >= high - 1e-3 || (next - size).abs() < 1e-3 {
                // The bracket is as tight as the grid allows.
                if fits.is_some() || size <= lo {
                    break;
                }
                size = lo;
                continue;
            }
            size = next;
        }
        Ok(fits)
    }

    /// At the largest fitting size the last page is often full, and keep
    /// rules may then leave its columns two lines apart; a step or two
    /// smaller breaks the text differently and usually balances.
    fn balance_last_page(&mut self, found: Found) -> Result<Found> {
        let spec = self.spec;
        let (size, parts, _) = &found;
        if !spec.page.balance || spec.page.columns <= 1 || self.all_balanced(parts, *size) {
            return Ok(found);
        }
        let mut s = *size;
        for _ in 0..MAX_BALANCE_STEPS {
            s = self.snap(s - STEP);
            if s <= self.lo - 1e-3 || (s - self.lo).abs() < 1e-3 && s >= *size {
                break;
            }
            let (d, w) = self.layout(s, 1.0)?;
            if pages(&d) == self.n && self.all_balanced(&d, s) {
                return Ok((s, d, w));
            }
        }
        Ok(found)
    }

    /// At `max-size` a short text may leave the last page nearly empty:
    /// opens the leading (and paragraph spacing) a little to fill it.
    fn open_leading(&mut self, mut found: Found) -> Result<Found> {
        let n = self.n;
        let (size, parts, _) = &found;
        let short = pages(parts) == n && fill_most(parts) - (n as f32 - 1.0) < 0.6;
        if *size < self.hi - 1e-3 || !short {
            return Ok(found);
        }
        let size = *size;
        for k in LEADING_STEPS {
            let (d, w) = self.layout(size, k)?;
            if pages(&d) > n {
                break;
            }
            let done = fill_most(&d) - (n as f32 - 1.0) >= 0.6;
            found = (size, d, w);
            if done {
                break;
            }
        }
        Ok(found)
    }

    /// Joins the parts found, with a note where the pages are not filled.
    fn finish(self, (size, parts, mut warnings): Found) -> Fitted {
        let (n, hi, spec) = (self.n, self.hi, self.spec);
        let (noun, verb_s) = self.subject.noun();
        let notes_from = warnings.len();
        let got = pages(&parts);
        if got < n && size >= hi - 1e-3 {
            warnings.push(Warning::new(
                spec_location(spec),
                format!(
                    "{noun} fill{verb_s} only {got} of {n} pages even at `fit.max-size` ({})",
                    pt(hi)
                ),
            ));
        }
        let last = fill_most(&parts) - (got - 1) as f32;
        if got == n && last < 0.6 {
            let why = if size >= hi - 1e-3 {
                format!(" even at `fit.max-size` ({}); raise it, or set fewer pages", pt(hi))
            } else {
                String::new()
            };
            warnings.push(Warning::new(
                spec_location(spec),
                format!("the last page is only {:.0} % full{why}", last * 100.0),
            ));
        }
        Fitted { document: self.subject.join(parts), warnings, notes_from, passes: self.passes }
    }

    /// Even the smallest size overflows: says by how much, and whose text
    /// it is when there are two.
    fn overflow(&mut self) -> Result<Error> {
        let (n, lo, spec, subject) = (self.n, self.lo, self.spec, self.subject);
        let (noun, verb_s) = subject.noun();
        let (parts, _) = self.layout(lo, 1.0)?;
        let names = subject.names();
        let mut extra = vec![(0usize, 0usize); names.len()];
        for (pi, doc) in parts.iter().enumerate() {
            for l in doc
                .pages
                .iter()
                .skip(n)
                .flat_map(|p| &p.lines)
                .filter(|l| !matches!(l.kind, LineKind::Masthead | LineKind::Footer))
            {
                let e = &mut extra[subject.statement_of(pi, l.column, spec)];
                e.0 += 1;
                e.1 += l.text.split_whitespace().count();
            }
        }
        let lines = |k: usize| if k == 1 { "line" } else { "lines" };
        let pages_s = if n == 1 { "" } else { "s" };
        let what = if names.len() == 1 {
            let (k, words) = extra[0];
            format!("{k} more {} (about {words} words)", lines(k))
        } else {
            let parts: Vec<String> = extra
                .iter()
                .zip(&names)
                .filter(|((k, _), _)| *k > 0)
                .map(|((k, words), name)| {
                    format!("{k} more {} of `{name}` (about {words} words)", lines(*k))
                })
                .collect();
            parts.join(" and ")
        };
        let head = match subject {
            Subject::FrontBack(..) => format!(
                "front and back, {n} page{pages_s} for each statement are too few even at \
                 `fit.min-size` ({})",
                pt(lo)
            ),
            _ => format!(
                "{noun} do{} not fit on {n} page{pages_s} even at `fit.min-size` ({})",
                if verb_s.is_empty() { "" } else { "es" },
                pt(lo)
            ),
        };
        let side = if matches!(subject, Subject::FrontBack(..)) { " of its side" } else { "" };
        Ok(Error::new(
            spec_location(spec),
            format!("{head}: {what} would need page {}{side}", n + 1),
            "shorten the statement, allow more pages (`fit.pages`), or lower `fit.min-size`",
        ))
    }
}

/// Sets one column fewer while the columns are narrower than
/// `fit.min-measure` ems of the body: a short statement blown up to fill
/// its pages reads better in one wide column of large type than in two
/// narrow ones with gaping spaces.
fn fewer_columns(s: &mut LayoutSpec) {
    let min = s.fit.min_measure * s.body.size;
    // Side by side, each statement keeps its half of the columns.
    if s.page.bilingual != Bilingual::No {
        return;
    }
    while s.page.columns > 1 && s.column_width() < min - 1e-3 {
        s.page.columns -= 1;
    }
}

fn spec_location(spec: &LayoutSpec) -> Location {
    spec.location()
}

/// A size as the messages write it: `9.6pt`.
pub fn pt(v: f32) -> String {
    let s = format!("{v:.2}");
    format!("{}pt", s.trim_end_matches('0').trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::{shipped_dir, FontBook};
    use crate::statement::parse;
    use std::path::Path;

    fn text(paragraphs: usize) -> String {
        let p = "Workers and young people are taking to the streets across the country \
                 to oppose the occupation of their cities and the attack on democratic rights. ";
        (0..paragraphs).map(|_| p.repeat(3)).collect::<Vec<_>>().join("\n\n")
    }

    fn spec(pages: u32) -> LayoutSpec {
        let mut s = LayoutSpec::default();
        s.fit.pages = pages;
        s
    }

    #[test]
    fn fills_the_page_count_with_the_largest_size() {
        let book = FontBook::load(&[shipped_dir()]).unwrap();
        let st = parse(Path::new("t.md"), &text(12)).unwrap();
        let sp = spec(1);
        let mut shaper = Shaper::new(&book);
        let f = fit(&mut shaper, &st, &sp, &Vars::new()).unwrap();
        assert_eq!(f.document.pages.len(), 1);
        let size = f.document.body_size;
        assert!(size >= sp.fit.min_size && size <= sp.fit.max_size, "{size}");
        // One step larger no longer fits.
        if size + STEP <= sp.fit.max_size {
            let (bigger, _) =
                flow::flow_with(&mut shaper, &st, &sp.scaled_to(size + STEP), &Vars::new())
                    .unwrap();
            assert!(bigger.pages.len() > 1, "{size} was not the largest");
        }
        assert!(f.passes <= MAX_PASSES + 1);
    }

    #[test]
    fn a_pull_back_from_the_runt_as_laid_out_skips_one_pass_and_changes_nothing() {
        // 2026-01-29 with letter-2col leaves nine lines on page 3.
        let book = FontBook::load(&[shipped_dir()]).unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let st = crate::statement::load(
            &root.join("statements/2026-01-29-stop-ice-murders-and-dictatorship.md"),
        )
        .unwrap();
        let vars = Vars::new();
        let sp = crate::spec::load("letter-2col", &[]).unwrap();
        // The layout as the job prints it (the statement's contact in the footer).
        let (sp, _) = crate::vars::for_job(&sp, &[&st], &vars).unwrap();
        let mut shaper = Shaper::new(&book);
        let (laid, _) = flow::flow_with(&mut shaper, &st, &sp, &vars).unwrap();
        assert!(runt(&laid).is_some(), "no runt to pull back");
        let pulled = pull_back(&mut shaper, &st, &sp, &vars, &laid).expect("pulled back");
        // The same search from scratch.
        let mut s = sp.clone();
        s.fit.pages = (laid.pages.len() - 1) as u32;
        s.fit.max_size = sp.body.size;
        s.fit.min_size = sp.body.size * (1.0 - RUNT_SHRINK);
        let fresh = fit(&mut shaper, &st, &s, &vars).unwrap();
        assert_eq!(pulled.passes + 1, fresh.passes);
        assert_eq!(pulled.document.body_size, fresh.document.body_size);
        assert_eq!(pulled.document.pages.len(), laid.pages.len() - 1);
        let lines = |d: &Document| {
            d.pages
                .iter()
                .flat_map(|p| &p.lines)
                .map(|l| (l.text.clone(), l.column, l.y.to_bits()))
                .collect::<Vec<_>>()
        };
        assert_eq!(lines(&pulled.document), lines(&fresh.document));
    }

    #[test]
    fn too_long_says_how_much_overflows() {
        let book = FontBook::load(&[shipped_dir()]).unwrap();
        let st = parse(Path::new("t.md"), &text(200)).unwrap();
        let e = fit(&mut Shaper::new(&book), &st, &spec(1), &Vars::new()).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("does not fit on 1 page") && msg.contains("lines"), "{msg}");
        assert!(msg.contains("fit.min-size"), "{msg}");
    }

    #[test]
    fn short_text_uses_max_size_and_warns() {
        let book = FontBook::load(&[shipped_dir()]).unwrap();
        let st = parse(Path::new("t.md"), &text(2)).unwrap();
        let f = fit(&mut Shaper::new(&book), &st, &spec(2), &Vars::new()).unwrap();
        assert_eq!(f.document.body_size, 12.0);
        assert!(f.warnings.iter().any(|w| w.message.contains("fills only 1 of 2")));
    }

    #[test]
    fn large_type_goes_into_fewer_columns_below_the_min_measure() {
        let book = FontBook::load(&[shipped_dir()]).unwrap();
        let st = parse(Path::new("t.md"), &text(6)).unwrap();
        let columns = |min_measure: f32| {
            let mut sp = spec(2);
            sp.fit.max_size = 15.0;
            sp.fit.min_measure = min_measure;
            let f = fit(&mut Shaper::new(&book), &st, &sp, &Vars::new()).unwrap();
            let used = f.document.pages.iter().flat_map(|p| &p.lines).map(|l| l.column).max();
            (f.document.body_size, used.map_or(0, |c| c + 1))
        };
        // Two columns of 261pt: under 20 em above 13pt.
        let (size, n) = columns(0.0);
        assert!(size > 13.5, "{size}");
        assert_eq!(n, 2);
        let (size, n) = columns(20.0);
        assert!(size > 13.5, "{size}");
        assert_eq!(n, 1, "at {size}pt two columns would be {} em", 261.0 / size);
        // A small size keeps its columns.
        let mut s = LayoutSpec::default();
        s.fit.min_measure = 20.0;
        fewer_columns(&mut s);
        assert_eq!(s.page.columns, 2);
    }
}
