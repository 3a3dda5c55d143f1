//! Stage 5, flow: paragraphs are broken into lines and the lines flowed
//! into columns and pages, with the masthead on page 1 and the footer below.
//!
//! Every block becomes a list of `Unit`s (a line, a rule, a table row) with
//! the space above it and whether a column may end before it. A column is
//! filled with units until the next does not fit, then backs up to the last
//! unit before which a break is allowed: that one rule gives keep-with-next
//! for headings and the widow and orphan limits.
//!
//! The stage, in the order a statement goes through it:
//! - this file: the entry points ([`flow_with`], [`flow_pair_with`],
//!   [`front_back`]) and `Flow`, one statement's state, whose `run` lays
//!   out a single statement;
//! - `blocks.rs`: blocks (paragraphs, headings, lists, code, tables) become
//!   units;
//! - `line.rs`: one line of a broken paragraph set at its measure (glyph
//!   positions, justification, text for PDF readers);
//! - `masthead.rs`: the masthead and footer units;
//! - `fill.rs`: filling columns under the keep rules, page by page;
//! - `feet.rs`: the columns of every page but the last made to end level;
//! - `balance.rs`: the last page's columns made to end level;
//! - `pair.rs`: two statements side by side;
//! - `place.rs`: units stacked on a page at their final positions;
//! - `reuse.rs`: paragraphs shaped and set by an earlier build, kept for
//!   the next (`handbill watch`);
//! - [`fit`]: the body size that fills a page count, found by flowing the
//!   text again at other sizes (the shaper's cache makes that cheap).

use std::collections::{BTreeSet, HashMap};

use crate::error::{Error, Location, Result, Warning};
use crate::fonts::FontBook;
use crate::pages::{
    BlockKind, BlockRole, Document, Element, LineInfo, Link, Page, Scope, Structure,
};
use crate::script::Dir;
use crate::shape::{Shaper, TextStyle};
use crate::spec::LayoutSpec;
use crate::statement::{plain_text, Block, Meta, Statement};
use crate::vars::Vars;

mod balance;
mod blocks;
mod feet;
mod fill;
pub mod fit;
mod line;
mod masthead;
mod pair;
mod place;
mod reuse;
#[cfg(test)]
mod sketch;
mod span;

use balance::{feather, Body};
use blocks::snap_to_grid;
use fill::Sheet;
use line::SetLine;
use pair::place_pair;
use place::{column_rules, stack, Bands, Spacing};
pub(crate) use reuse::SetParagraphs;

/// Tolerance for floating-point comparisons of vertical positions.
const EPS: f32 = 0.01;

/// Lays out a statement with a layout: the whole document, page by page.
pub fn flow(
    statement: &Statement,
    spec: &LayoutSpec,
    book: &FontBook,
    vars: &Vars,
) -> Result<(Document, Vec<Warning>)> {
    flow_with(&mut Shaper::new(book), statement, spec, vars)
}

/// Like [`flow`], with a shaper that may be reused across passes (its cache
/// of shaped words makes later passes at other sizes cheap).
pub fn flow_with<'b>(
    shaper: &mut Shaper<'b>,
    statement: &Statement,
    spec: &LayoutSpec,
    vars: &Vars,
) -> Result<(Document, Vec<Warning>)> {
    let run = |f: &mut Flow<'_, 'b>| {
        f.run()?;
        Ok((std::mem::take(&mut f.pages), f.structure()))
    };
    let (made, mut warnings) = with_flow(shaper, statement, spec, vars, Costs::even(), run);
    let (mut pages, mut structure) = made?;
    // The even breaking's budget: a document it sets with more loose or
    // hyphenated lines than the plain costs allow is set again with those,
    // then, where the plain costs would bring it within the budget with
    // fewer paragraphs, once more with those paragraphs alone set so (one
    // or two flows more, for the few documents over it).
    let justified = spec.body.align == crate::spec::Align::Justify;
    let budget = justified.then(|| line::Budget::of(&pages)).filter(line::Budget::over);
    if let Some(budget) = budget {
        let (made, again) = with_flow(shaper, statement, spec, vars, Costs::Plain, run);
        (pages, structure) = made?;
        warnings = again;
        let fewer = budget.plain_paragraphs(&line::Budget::of(&pages));
        if let Some(plain) = fewer {
            let (made, again) = with_flow(shaper, statement, spec, vars, Costs::Even(plain), run);
            let (mixed, s) = made?;
            if !line::Budget::of(&mixed).over() {
                (pages, structure, warnings) = (mixed, s, again);
            }
        }
    }
    let pages = in_ink_mode(pages, spec);
    let meta = statement.meta.clone();
    Ok((Document { pages, meta, body_size: spec.body.size, structure: vec![structure] }, warnings))
}

/// Runs `job` on the flow of one statement, which owns `shaper` for the
/// while; gives the shaper back whatever happens, with the warnings of
/// the flow and of shaping taken out of it.
fn with_flow<'b, T>(
    shaper: &mut Shaper<'b>,
    statement: &Statement,
    spec: &LayoutSpec,
    vars: &Vars,
    costs: Costs,
    job: impl FnOnce(&mut Flow<'_, 'b>) -> Result<T>,
) -> (Result<T>, Vec<Warning>) {
    let sh = std::mem::replace(shaper, Shaper::new(shaper.book()));
    let mut f = match Flow::new(statement, spec, sh, vars) {
        Ok(f) => f,
        Err((e, sh)) => {
            *shaper = sh;
            return (Err(e), Vec::new());
        }
    };
    f.costs = costs;
    let result = job(&mut f);
    let mut warnings = std::mem::take(&mut f.warnings);
    warnings.append(&mut f.shaper.warnings);
    *shaper = f.shaper;
    (result, warnings)
}

/// How a flow breaks justified paragraphs.
#[derive(Debug, Clone)]
enum Costs {
    /// Evenly ([`crate::linebreak::Params::with_even`]), but for these
    /// paragraphs, by number, set with the plain costs.
    Even(BTreeSet<usize>),
    /// With the plain costs throughout.
    Plain,
}

impl Costs {
    /// Every paragraph evenly.
    fn even() -> Self {
        Costs::Even(BTreeSet::new())
    }
}

/// What one statement's flow keeps while it sets the body again and again
/// (column feet, the last page's balance): each try changes one paragraph,
/// so the others are not shaped, broken and set again.
#[derive(Default)]
struct Memo {
    /// Lines of body paragraphs and headings, by number, measure and
    /// looseness.
    lines: HashMap<(usize, u32, i32), SharedLines>,
    /// Shaped body paragraphs the searches tried, by number and measure: a
    /// paragraph tried a line tighter, then looser, is shaped once.
    shaped: HashMap<(usize, u32), std::rc::Rc<crate::shape::Paragraph>>,
    /// Body paragraphs' breaking at looseness 0, by number and measure: a
    /// try a line tighter or looser starts from its line count.
    breaks: HashMap<(usize, u32), std::rc::Rc<[crate::linebreak::Break]>>,
    /// Lines a try set while [`Memo::hollow`]: measured only, so never
    /// given to a setting that draws.
    measured: HashMap<(usize, u32, i32), SharedLines>,
    /// Set while the body is set only to be measured (a try of the
    /// searches): paragraphs and headings then give their units without
    /// what they draw, which the searches never read, and a paragraph
    /// set anew for a try is only measured; the body chosen is set whole
    /// once they are done.
    hollow: bool,
    /// Set for the first setting: lines are kept whole here and pushed
    /// hollow, as the body is set once more at the end, from what is kept.
    first: bool,
    /// Set for that last setting: the lines kept are handed over, not
    /// copied, as nothing sets the body after it.
    last: bool,
}

impl Memo {
    /// Lines to push for `lines` as kept: themselves, or while
    /// [`Memo::hollow`] or [`Memo::first`], their measures only.
    fn lines_for(&self, lines: &[SetLine]) -> Vec<SetLine> {
        if !self.hollow && !self.first {
            return lines.to_vec();
        }
        lines
            .iter()
            .map(|l| SetLine {
                runs: Vec::new(),
                links: Vec::new(),
                strikes: Vec::new(),
                ratio: l.ratio,
                hyphen: l.hyphen,
                natural: l.natural,
                text: String::new(),
            })
            .collect()
    }
}

/// Something stacked in a column: a line, a rule, a table row.
#[derive(Debug, Clone)]
struct Unit {
    /// Height taken in the column.
    height: f32,
    /// Space above, dropped at the top of a column.
    space_before: f32,
    /// Whether a column may end right before this unit.
    keep: Keep,
    /// What to draw, relative to the column's left edge and the unit's top.
    elements: Vec<Element>,
    /// Clickable areas, relative likewise.
    links: Vec<Link>,
    /// Line facts, relative likewise.
    lines: Vec<LineInfo>,
}

/// Whether a column may end right before a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// It may.
    Free,
    /// Preferably not: the line before ends with a hyphen. Worth a line of
    /// white space at most, and balancing may give it up.
    Soft,
    /// It may not: a heading stays with what follows, and the widow and
    /// orphan limits hold.
    Hard,
}

impl Keep {
    /// Tells whether the keep stops a column ending here, soft keeps
    /// counting only if `soft_counts`.
    fn holds(self, soft_counts: bool) -> bool {
        match self {
            Keep::Free => false,
            Keep::Soft => soft_counts,
            Keep::Hard => true,
        }
    }

    /// Makes a free break a hard keep; a soft keep stays soft.
    fn tighten(&mut self) {
        if *self == Keep::Free {
            *self = Keep::Hard;
        }
    }
}

/// Vertical metrics of a kind of line.
#[derive(Debug, Clone, Copy)]
struct LineMetrics {
    /// Line height (baseline to baseline).
    leading: f32,
    /// Baseline below the line's top.
    baseline: f32,
}

/// Context for a block: its indent from the column edge and its measure.
#[derive(Debug, Clone, Copy)]
struct Frame {
    indent: f32,
    width: f32,
    /// Quotations it is nested in.
    quote_depth: usize,
}

/// A paragraph's lines, shared by the memo below and the paragraphs kept
/// between builds (`reuse.rs`).
type SharedLines = std::sync::Arc<Vec<SetLine>>;

/// One statement being laid out: what it is set with, and what it has
/// made so far. The shaper is its own for the while (see [`with_flow`]).
struct Flow<'a, 'b> {
    st: &'a Statement,
    spec: &'a LayoutSpec,
    shaper: Shaper<'b>,
    /// Values for `{event.KEY}` in the kicker and footer.
    vars: &'a Vars,
    warnings: Vec<Warning>,
    /// The finished pages ([`Flow::run`]).
    pages: Vec<Page>,
    /// The hyphenation language, if the layout hyphenates.
    hyphenate: Option<hypher::Lang>,
    /// Number of the next paragraph (every text block, masthead and footer
    /// line counts): what [`LineInfo::paragraph`] says.
    paragraph_no: usize,
    /// Paragraphs to set with more (or fewer) lines than their best
    /// breaking, by number: how the last page's columns are evened out.
    looseness: feet::Looseness,
    /// Body paragraphs already shaped and set while levelling and balancing
    /// set the body again and again (`None` otherwise).
    memo: Option<Memo>,
    column_width: f32,
    /// Pictures are set at this share of their size (1 but when fitting).
    picture_scale: f32,
    /// Pictures may span the columns (`images.span`): a single
    /// statement's flow in more than one column.
    may_span: bool,
    /// How justified paragraphs are broken: evenly (`Params::with_even`),
    /// or where a document is over that budget, with the plain costs in
    /// some paragraphs or all (see [`flow_with`]).
    costs: Costs,
    /// The pictures set across the columns, in order, each with the text
    /// unit it comes before.
    floats: Vec<span::Float>,
    /// Direction of the statement: sets columns, alignment and list markers.
    dir: Dir,
    /// Which statement of the leaflet this is (1 for the second of a
    /// bilingual pair): what its text's marks say.
    statement: u8,
    /// The containers (lists, items, quotes, tables) open at the block
    /// being set.
    scopes: Vec<Scope>,
    /// What each numbered block is ([`Structure::blocks`]).
    roles: Vec<Option<BlockRole>>,
    /// What the next lines set by `push_lines` are (kind, title, source
    /// line), when the caller knows better than their line kind.
    next_role: Option<(BlockKind, Option<String>, usize)>,
}

impl<'a, 'b> Flow<'a, 'b> {
    /// Starts a statement's flow; gives the shaper back with the error
    /// when a font family the layout names is missing.
    #[allow(clippy::result_large_err)]
    fn new(
        st: &'a Statement,
        spec: &'a LayoutSpec,
        shaper: Shaper<'b>,
        vars: &'a Vars,
    ) -> std::result::Result<Self, (Error, Shaper<'b>)> {
        let book = shaper.book();
        let lang = st.meta.lang.clone().unwrap_or_else(|| spec.body.language.clone());
        let hyphenate = if spec.body.hyphenate { hyphenation_lang(&lang) } else { None };
        let dir = direction(st, spec, &lang);
        if let Err(e) = spec.check_fonts(book, crate::spec::FontCheck::Text) {
            return Err((e, shaper));
        }
        Ok(Flow {
            st,
            spec,
            shaper,
            vars,
            warnings: Vec::new(),
            pages: Vec::new(),
            hyphenate,
            paragraph_no: 0,
            looseness: HashMap::new(),
            picture_scale: spec.images.scale,
            may_span: false,
            costs: Costs::even(),
            floats: Vec::new(),
            memo: None,
            column_width: spec.column_width(),
            dir,
            statement: 0,
            scopes: Vec::new(),
            roles: Vec::new(),
            next_role: None,
        })
    }

    /// Whether the paragraph being set is broken evenly.
    fn even(&self) -> bool {
        match &self.costs {
            Costs::Even(plain) => !plain.contains(&self.paragraph_no),
            Costs::Plain => false,
        }
    }

    /// The statement's structure as set so far.
    fn structure(&self) -> Structure {
        let lang = self.st.meta.lang.clone().unwrap_or_else(|| self.spec.body.language.clone());
        Structure { source: self.st.path.clone(), lang, blocks: self.roles.clone() }
    }

    /// Where line `line` of the statement is, for messages.
    fn source(&self, line: usize) -> Location {
        Location::line(&self.st.path, line)
    }

    /// Metrics of a body line.
    fn body_metrics(&self) -> LineMetrics {
        let body = &self.spec.body;
        self.metrics(&body.font, false, body.size, body.leading)
    }

    /// Metrics of a line of bold `family` at `size` on `leading`.
    fn metrics_for(&self, family: &str, size: f32, leading: f32) -> LineMetrics {
        self.metrics(family, true, size, leading)
    }

    /// Metrics of a line of `family` at `size` on `leading`: the baseline
    /// centres the face's ascender and descender in the leading.
    fn metrics(&self, family: &str, bold: bool, size: f32, leading: f32) -> LineMetrics {
        let book = self.shaper.book();
        let face = book.select(family, bold, false).ok();
        let (asc, desc) =
            face.map(|f| (book.face(f).ascender, book.face(f).descender)).unwrap_or((0.8, 0.2));
        LineMetrics { leading, baseline: (leading - (asc + desc) * size) / 2.0 + asc * size }
    }

    /// The body as the first setting and the searches left it (their
    /// units hollow, see [`Memo`]), set once more, whole, on the same
    /// heights, from the lines they kept; `units` as they are without
    /// them (one column).
    fn set_last(&mut self, body: &Body, units: Vec<Unit>) -> Result<Vec<Unit>> {
        let Some(m) = self.memo.as_mut() else { return Ok(units) };
        m.last = true;
        let marks = self.warning_marks();
        let units = self.set_body(body, &marks);
        self.memo = None;
        units
    }

    /// Lays out the statement: units for the footer, masthead and body,
    /// filled into columns page by page, the last page balanced, then
    /// everything placed on the pages.
    fn run(&mut self) -> Result<()> {
        let spec = self.spec;
        let p = &spec.page;
        let inner_w = p.width - p.margin.left - p.margin.right;

        // Footer, masthead, then the body as a list of units.
        // A QR code sits at the footer's right end: the footer text gets
        // the rest of the width, and the footer is at least as tall as it.
        let qr = spec.footer.qr_room();
        let footer = self.footer_units(inner_w, qr)?;
        let mut masthead =
            if spec.masthead.show { self.masthead_units(inner_w)? } else { Vec::new() };
        let frame = Frame { indent: 0.0, width: self.column_width, quote_depth: 0 };
        let blocks = self.body_blocks();
        let body = Body { blocks: &blocks, frame, first_paragraph: self.paragraph_no };
        let mut units = Vec::new();
        // With columns to level or balance, the body is set again: what
        // this first setting shapes and sets is kept for that, and its
        // units are hollow (only measured) until the last setting.
        if p.columns > 1 {
            self.memo.get_or_insert_with(Memo::default).first = true;
        }
        self.may_span = p.columns > 1;
        self.floats.clear();
        self.blocks(&blocks, frame, &mut units)?;
        if let Some(m) = self.memo.as_mut() {
            m.first = false;
        }
        let mut masthead_h = place::height(&masthead);
        if spec.body.grid {
            let lead = spec.body.leading;
            snap_to_grid(&mut units, lead);
            // The columns of page 1 start on the grid too.
            let extra = (masthead_h / lead).ceil() * lead - masthead_h;
            if let Some(u) = masthead.last_mut() {
                u.height += extra;
                masthead_h += extra;
            }
        }
        let bands = Bands::new(spec, masthead_h, &footer, "a shorter title")?;

        // Fill pages, then balance the columns of the last page.
        let ncol = p.columns.max(1) as usize;
        let sheet = Sheet::new(ncol, &bands);
        if !self.floats.is_empty() {
            // The last setting meets the same pictures again, and sets
            // their captions whole.
            self.floats.clear();
            let units = self.set_last(&body, units)?;
            let floats = std::mem::take(&mut self.floats);
            self.place_sections(&units, &floats, &masthead, &footer, &bands, &sheet);
            return Ok(());
        }
        let mut placed = sheet.place(&units);
        (units, placed) = self.level_pages(&body, units, placed, &sheet)?;
        if spec.page.balance && ncol > 1 {
            (units, placed) = self.balance_last_page(&body, units, placed, &sheet)?;
        }
        let units = self.set_last(&body, units)?;

        // Place everything.
        // Right to left, the first column is on the right.
        let col_x: Vec<f32> = (0..ncol)
            .map(|c| if self.rtl() { ncol - 1 - c } else { c })
            .map(|c| p.margin.left + c as f32 * (self.column_width + p.gutter))
            .collect();
        let npages = placed.len();
        for (pi, cols) in placed.iter().enumerate() {
            let mut page = bands.page(spec, pi, npages);
            if pi == 0 {
                stack(&masthead, bands.top, Spacing::Full, |_, u, y| {
                    u.place(&mut page, p.margin.left, y, 0)
                });
            }
            let ctop = bands.column_top(pi);
            // The shorter columns' gaps open where whole lines leave them
            // further apart than a line (on the last page, balanced, a line
            // and a gap: its columns may end short of the foot).
            let (lead, gap) = (spec.body.leading, spec.body.paragraph_spacing);
            let level =
                if pi + 1 < npages { Some(lead) } else { spec.page.balance.then_some(lead + gap) };
            let feather = match level {
                Some(level) if !spec.body.grid => feather(&units, cols, lead, gap, level),
                _ => vec![0.0; cols.len()],
            };
            let mut max_y = ctop;
            for (c, range) in cols.iter().enumerate() {
                let spacing = Spacing::Column { feather: feather[c] };
                let end = stack(&units[range.clone()], ctop, spacing, |_, u, y| {
                    u.place(&mut page, col_x[c], y, c)
                });
                max_y = max_y.max(end);
            }
            column_rules(spec, &mut page, ncol, ctop, max_y);
            if bands.shows_footer(pi, npages) {
                bands.place_footer(spec, &footer, &mut page);
            }
            self.pages.push(page);
        }
        Ok(())
    }

    /// The style of text at `size` in `family`, `measure` wide, hyphenated
    /// (if the layout hyphenates) where `hyphenate` says.
    fn text_style(
        &self,
        size: f32,
        family: &'a str,
        bold: bool,
        hyphenate: bool,
        measure: f32,
    ) -> TextStyle<'a> {
        TextStyle {
            family,
            code_family: &self.spec.body.code_font,
            size,
            bold,
            hyphenate: if hyphenate { self.hyphenate } else { None },
            measure,
            hang: true,
            indent: 0.0,
            expand_words: true,
            fallback: &self.spec.body.fallback,
            lang: Some(self.st.meta.lang.as_deref().unwrap_or(&self.spec.body.language)),
            dir: self.dir,
        }
    }

    /// Tells whether the statement reads right to left.
    fn rtl(&self) -> bool {
        self.dir == Dir::Rtl
    }
}

/// Lays out two statements side by side, as `page.bilingual =
/// "side-by-side"` asks: the first half of the columns carry the first
/// statement, the second half the second, and each pair of sections
/// starts level on both sides (the longer sets the pace). Text flows from
/// column to column and page to page within each side.
pub fn flow_pair_with<'b>(
    shaper: &mut Shaper<'b>,
    first: &Statement,
    second: &Statement,
    spec: &LayoutSpec,
    vars: &Vars,
) -> Result<(Document, Vec<Warning>)> {
    let p = &spec.page;
    let loc = || spec.location();
    if p.columns < 2 || !p.columns.is_multiple_of(2) {
        return Err(Error::new(
            loc(),
            format!(
                "`page.bilingual = \"side-by-side\"` needs an even number of columns, and this layout has {}",
                p.columns
            ),
            "set `page.columns` to 2 or 4: the first half of the columns take the first statement, the second half the second",
        ));
    }
    let per_side = (p.columns / 2) as usize;
    let cw = spec.column_width();
    let side_w = per_side as f32 * cw + (per_side - 1) as f32 * p.gutter;
    let inner_w = p.width - p.margin.left - p.margin.right;
    let qr = spec.footer.qr_room();

    let mut warnings = Vec::new();
    let mut sides = Vec::with_capacity(2);
    let mut structure = Vec::with_capacity(2);
    for (i, st) in [first, second].into_iter().enumerate() {
        let (side, mut more) = with_flow(shaper, st, spec, vars, Costs::even(), |f| {
            f.statement = i as u8;
            Ok((f.side(side_w, inner_w, qr)?, f.structure()))
        });
        warnings.append(&mut more);
        let (side, s) = side?;
        sides.push(side);
        structure.push(s);
    }
    let pages = in_ink_mode(place_pair(spec, &sides, per_side)?, spec);
    let meta = pair_meta(first, second);
    Ok((Document { pages, meta, body_size: spec.body.size, structure }, warnings))
}

/// Text in the ink it prints in: in black-ink mode (`print.color =
/// "gray"`) links print black, so the document says so, and previews drawn
/// from it show what the PDF shows.
fn in_ink_mode(mut pages: Vec<Page>, spec: &LayoutSpec) -> Vec<Page> {
    if spec.print.color != crate::spec::ColorMode::Gray {
        return pages;
    }
    for el in pages.iter_mut().flat_map(|p| &mut p.elements) {
        if let Element::Text(run) = el {
            if matches!(run.ink, crate::pages::Ink::Accent(..)) {
                run.ink = crate::pages::Ink::Black;
            }
        }
    }
    pages
}

/// The PDF metadata of two statements on one leaflet: the first's, with
/// both titles.
fn pair_meta(first: &Statement, second: &Statement) -> Meta {
    let mut meta = first.meta.clone();
    meta.title = match (&first.meta.title, &second.meta.title) {
        (Some(a), Some(b)) => Some(format!("{a} / {b}")),
        (a, b) => a.clone().or_else(|| b.clone()),
    };
    meta
}

/// Puts two laid-out statements front and back (`page.bilingual =
/// "front-back"`): the second's pages after the first's.
pub fn front_back(
    mut front: Document,
    back: Document,
    first: &Statement,
    second: &Statement,
) -> Document {
    let mut back = back;
    // The back's text is the second statement's.
    for page in &mut back.pages {
        for e in &mut page.elements {
            if let Element::Text(crate::pages::TextRun { mark: Some(m), .. }) = e {
                m.statement = 1;
            }
        }
        for l in &mut page.links {
            if let Some(m) = &mut l.mark {
                m.statement = 1;
            }
        }
    }
    front.pages.extend(back.pages);
    front.structure.extend(back.structure);
    front.meta = pair_meta(first, second);
    front
}

/// Decides the statement's direction: its `dir`, else the layout's
/// `body.dir`, else the direction its language is written in.
fn direction(st: &Statement, spec: &LayoutSpec, lang: &str) -> Dir {
    st.meta
        .dir
        .as_deref()
        .and_then(Dir::parse)
        .filter(|d| *d != Dir::Auto)
        .or(Some(spec.body.dir))
        .filter(|d| *d != Dir::Auto)
        .unwrap_or_else(|| Dir::for_language(lang))
}

/// Maps a BCP 47 tag to a hyphenation language.
fn hyphenation_lang(tag: &str) -> Option<hypher::Lang> {
    crate::hyphenate::lang_for(tag)
}

/// Plain text of a statement's blocks, in reading order (for tests).
pub fn statement_words(st: &Statement) -> Vec<String> {
    fn walk(blocks: &[Block], out: &mut String) {
        for b in blocks {
            match b {
                Block::Paragraph { content, .. } | Block::Heading { content, .. } => {
                    out.push_str(&plain_text(content));
                    out.push(' ');
                }
                Block::List { items, .. } => {
                    for it in items {
                        walk(it, out);
                    }
                }
                Block::Quote { blocks, .. } => walk(blocks, out),
                Block::Code { text, .. } => {
                    out.push_str(text);
                    out.push(' ');
                }
                Block::Table { header, rows, .. } => {
                    for c in header {
                        out.push_str(&plain_text(c));
                        out.push(' ');
                    }
                    for r in rows {
                        for c in r {
                            out.push_str(&plain_text(c));
                            out.push(' ');
                        }
                    }
                }
                Block::Rule { .. } => {}
                Block::Image { caption, .. } => {
                    out.push_str(caption);
                    out.push(' ');
                }
            }
        }
    }
    let mut s = String::new();
    walk(&st.blocks, &mut s);
    s.split_whitespace().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::{LineKind, Page};

    /// How many body lines of `a` are also lines of `b`, word for word.
    fn shared_lines(a: &[Page], b: &[Page]) -> usize {
        let lines = |pages: &[Page]| -> Vec<String> {
            let all = pages.iter().flat_map(|p| &p.lines);
            all.filter(|l| l.kind == LineKind::Body).map(|l| l.text.clone()).collect()
        };
        let b: std::collections::HashSet<String> = lines(b).into_iter().collect();
        lines(a).iter().filter(|l| b.contains(*l)).count()
    }

    #[test]
    fn a_document_over_the_even_budget_keeps_the_rest_of_its_paragraphs_even() {
        let book = FontBook::load(&[crate::fonts::shipped_dir()]).unwrap();
        let spec = crate::spec::load("a4-2col", &[]).unwrap();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("statements/2026-01-24-stop-ice-murders-and-repression.md");
        let text = std::fs::read_to_string(&path).unwrap();
        let st = crate::statement::parse(&path, &text).unwrap();
        let vars = Vars::new();
        let mut shaper = Shaper::new(&book);
        let mut pages = |costs: Costs| {
            let run = |f: &mut Flow| {
                f.run()?;
                Ok(std::mem::take(&mut f.pages))
            };
            with_flow(&mut shaper, &st, &spec, &vars, costs, run).0.unwrap()
        };
        // Set evenly throughout, it has too many hyphens.
        let even = pages(Costs::even());
        assert!(line::Budget::of(&even).over(), "pick a statement over the budget");
        let plain = pages(Costs::Plain);
        let (doc, _) = flow_with(&mut shaper, &st, &spec, &vars).unwrap();
        assert!(!line::Budget::of(&doc.pages).over());
        // Within it, with more of the even lines than the plain costs keep.
        let (kept, plainly) = (shared_lines(&doc.pages, &even), shared_lines(&plain, &even));
        assert!(kept > plainly, "{kept} lines as set evenly, {plainly} plainly");
    }
}
