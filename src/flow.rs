//! Stage 5: paragraphs are broken into lines and the lines flowed into
//! columns and pages, with the masthead on page 1 and the footer below.
//!
//! Every block becomes a list of [`Unit`]s (a line, a rule, a table row) with
//! the space above it and whether a column may end before it. A column is
//! filled with units until the next does not fit, then backs up to the last
//! unit before which a break is allowed: that one rule gives keep-with-next
//! for headings and the widow and orphan limits.

use std::collections::HashMap;

use crate::error::{Error, Location, Result, Warning};
use crate::fonts::FontBook;
use crate::linebreak::{self, Item, Mode, Params};
use crate::pages::{Document, Element, Ink, LineInfo, LineKind, Link, Page, TextRun};
use crate::script::Dir;
use crate::shape::{Paragraph, Piece, Shaper, TextStyle};
use crate::spec::{Align, FooterOn, LayoutSpec};
use crate::statement::{plain_text, Block, Inline, Meta, Statement};
use crate::vars::{display_date_in, fill_placeholders, Vars};

/// Tolerance for floating-point comparisons of vertical positions.
const EPS: f32 = 0.01;
/// Color of links in color mode (a dark blue that stays readable).
const LINK_INK: Ink = Ink::Accent(0x1a, 0x4a, 0x8a);

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
    let sh = std::mem::replace(shaper, Shaper::new(shaper.book()));
    let mut f = match Flow::new(statement, spec, sh, vars) {
        Ok(f) => f,
        Err((e, sh)) => {
            *shaper = sh;
            return Err(e);
        }
    };
    let result = f.run();
    let mut all = std::mem::take(&mut f.warnings);
    all.append(&mut f.shaper.warnings);
    let pages = std::mem::take(&mut f.pages);
    *shaper = f.shaper;
    result?;
    Ok((Document { pages, meta: statement.meta.clone(), body_size: spec.body.size }, all))
}

/// Something stacked in a column: a line, a rule, a table row.
#[derive(Debug, Clone)]
struct Unit {
    /// Height taken in the column.
    height: f32,
    /// Space above, dropped at the top of a column.
    space_before: f32,
    /// A column may not end right before this unit.
    keep_with_prev: bool,
    /// The keep is only a preference (the line before ends with a hyphen):
    /// balancing may give it up.
    soft_keep: bool,
    /// What to draw, relative to the column's left edge and the unit's top.
    elements: Vec<Element>,
    /// Clickable areas, relative likewise.
    links: Vec<Link>,
    /// Line facts, relative likewise.
    lines: Vec<LineInfo>,
}

impl Unit {
    fn translate(
        &self,
        dx: f32,
        dy: f32,
        column: usize,
    ) -> (Vec<Element>, Vec<Link>, Vec<LineInfo>) {
        let els = self.elements.iter().map(|e| translate(e, dx, dy)).collect();
        let links =
            self.links.iter().map(|l| Link { x: l.x + dx, y: l.y + dy, ..l.clone() }).collect();
        let lines = self
            .lines
            .iter()
            .map(|l| LineInfo { x: l.x + dx, y: l.y + dy, column, ..l.clone() })
            .collect();
        (els, links, lines)
    }
}

fn translate(e: &Element, dx: f32, dy: f32) -> Element {
    match e {
        Element::Text(t) => Element::Text(TextRun { x: t.x + dx, y: t.y + dy, ..t.clone() }),
        Element::Rule { x0, y0, x1, y1, width, ink } => Element::Rule {
            x0: x0 + dx,
            y0: y0 + dy,
            x1: x1 + dx,
            y1: y1 + dy,
            width: *width,
            ink: *ink,
        },
        Element::Rect { x, y, w, h, ink } => {
            Element::Rect { x: x + dx, y: y + dy, w: *w, h: *h, ink: *ink }
        }
    }
}

/// A line set at its measure: runs relative to the measure's left edge and
/// the baseline.
#[derive(Clone)]
struct SetLine {
    runs: Vec<TextRun>,
    links: Vec<(f32, f32, String)>,
    strikes: Vec<(f32, f32, f32)>,
    ratio: f32,
    hyphen: bool,
    natural: f32,
    text: String,
}

/// How one masthead text is set.
#[derive(Debug, Clone, Copy)]
struct MastheadLine<'a> {
    size: f32,
    family: &'a str,
    bold: bool,
    leading: f32,
    gap: f32,
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
    quote_depth: usize,
}

/// A line set with a line more than its paragraph's best breaking may
/// stretch this far (glue ratio): beyond it the spaces look loose.
const MAX_LOOSENED_RATIO: f32 = 1.0;

/// The body as [`Flow::even_out`] needs it to set it again.
struct Body<'x> {
    blocks: &'x [Block],
    frame: Frame,
    /// Number of the body's first paragraph.
    first_paragraph: usize,
}

/// Where a single statement's columns are on its pages.
struct Sheet {
    ncol: usize,
    /// Top of the columns on page 1 (under the masthead) and on the others.
    first_top: f32,
    top: f32,
    /// Bottom of the columns, above a footer on every page.
    bottom: f32,
    /// Bottom of the last page's columns when the footer is on that page
    /// only.
    last_bottom: Option<f32>,
}

/// Each page's columns: the units each holds.
type PageColumns = Vec<Vec<std::ops::Range<usize>>>;

impl Sheet {
    fn ctop(&self, page: usize) -> f32 {
        if page == 0 {
            self.first_top
        } else {
            self.top
        }
    }

    /// Fills pages column by column with `units`.
    fn place(&self, units: &[Unit]) -> PageColumns {
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

    fn fill_page(&self, units: &[Unit], i: &mut usize, height: f32) -> Vec<std::ops::Range<usize>> {
        let mut cols = Vec::with_capacity(self.ncol);
        for c in 0..self.ncol {
            let end = fill_column(units, *i, height, c + 1 == self.ncol);
            cols.push(*i..end);
            *i = end;
        }
        cols
    }

    /// Bottom of the last page's columns.
    fn last_page_bottom(&self) -> f32 {
        self.last_bottom.unwrap_or(self.bottom)
    }
}

struct Flow<'a, 'b> {
    st: &'a Statement,
    spec: &'a LayoutSpec,
    shaper: Shaper<'b>,
    vars: &'a Vars,
    warnings: Vec<Warning>,
    pages: Vec<Page>,
    hyphenate: Option<hypher::Lang>,
    paragraph_no: usize,
    /// Paragraphs to set with more (or fewer) lines than their best
    /// breaking, by number: how the last page's columns are evened out.
    looseness: HashMap<usize, i32>,
    /// Body paragraphs already set, by number, measure and looseness, while
    /// [`Flow::even_out`] sets the body again and again (`None` otherwise).
    memo: Option<HashMap<(usize, u32, i32), Vec<SetLine>>>,
    column_width: f32,
    /// Direction of the statement: sets columns, alignment and list markers.
    dir: Dir,
}

impl<'a, 'b> Flow<'a, 'b> {
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
        for fam in [&spec.body.font, &spec.headings.font, &spec.masthead.font, &spec.body.code_font]
        {
            if !book.has_family(fam) {
                let loc = spec.path.as_ref().map(Location::file).unwrap_or_default();
                let e = Error::new(
                    loc,
                    format!("font family `{fam}` not found"),
                    format!("available: {}", book.families().join(", ")),
                );
                return Err((e, shaper));
            }
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
            memo: None,
            column_width: spec.column_width(),
            dir,
        })
    }

    fn source(&self, line: usize) -> Location {
        Location::line(&self.st.path, line)
    }

    fn body_metrics(&self) -> LineMetrics {
        let face = self.shaper.book().select(&self.spec.body.font, false, false).ok();
        let (asc, desc) = face
            .map(|f| (self.shaper.book().face(f).ascender, self.shaper.book().face(f).descender))
            .unwrap_or((0.8, 0.2));
        let size = self.spec.body.size;
        let leading = self.spec.body.leading;
        LineMetrics { leading, baseline: (leading - (asc + desc) * size) / 2.0 + asc * size }
    }

    fn metrics_for(&self, family: &str, size: f32, leading: f32) -> LineMetrics {
        let face = self.shaper.book().select(family, true, false).ok();
        let (asc, desc) = face
            .map(|f| (self.shaper.book().face(f).ascender, self.shaper.book().face(f).descender))
            .unwrap_or((0.8, 0.2));
        LineMetrics { leading, baseline: (leading - (asc + desc) * size) / 2.0 + asc * size }
    }

    fn run(&mut self) -> Result<()> {
        let spec = self.spec;
        let p = &spec.page;
        let inner_w = p.width - p.margin.left - p.margin.right;

        // Footer, masthead, then the body as a list of units.
        // A QR code sits at the footer's right end: the footer text gets
        // the rest of the width, and the footer is at least as tall as it.
        let qr = crate::qr::qr_size(spec);
        let footer = self.footer_units(inner_w, qr)?;
        let footer_text_h: f32 = footer.iter().map(|u| u.height + u.space_before).sum();
        let footer_h = if footer.is_empty() && qr == 0.0 { 0.0 } else { footer_text_h.max(qr) };
        let masthead = if spec.masthead.show { self.masthead_units(inner_w)? } else { Vec::new() };
        // (Adjusted below when the layout keeps text on a baseline grid.)
        let masthead_h: f32 = masthead.iter().map(|u| u.height + u.space_before).sum();

        let frame = Frame { indent: 0.0, width: self.column_width, quote_depth: 0 };
        let mut units = Vec::new();
        let blocks = self.body_blocks();
        let first_paragraph = self.paragraph_no;
        self.blocks(&blocks, frame, &mut units)?;
        let mut masthead = masthead;
        let mut masthead_h = masthead_h;
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

        let top = p.margin.top;
        let bottom_full = p.height - p.margin.bottom;
        let reserve_every = if spec.footer.on == FooterOn::EveryPage { footer_h } else { 0.0 };
        let first_top = top + masthead_h;
        if first_top >= bottom_full - reserve_every - self.spec.body.leading * 2.0 {
            return Err(Error::new(
                spec.path.as_ref().map(Location::file).unwrap_or_default(),
                "the masthead and footer leave no room for text on page 1",
                "use a smaller `masthead.title-size`, a shorter title or smaller margins",
            ));
        }

        // Fill pages.
        let ncol = p.columns.max(1) as usize;
        let last_bottom = bottom_full - footer_h;
        let sheet = Sheet {
            ncol,
            first_top,
            top,
            bottom: bottom_full - reserve_every,
            last_bottom: (spec.footer.on == FooterOn::LastPage && footer_h > 0.0)
                .then_some(last_bottom),
        };
        let mut placed = sheet.place(&units);

        // Balance the columns of the last page.
        if spec.page.balance && ncol > 1 {
            let lp = placed.len() - 1;
            let start = placed[lp].first().map_or(units.len(), |r| r.start);
            let height = sheet.last_page_bottom() - sheet.ctop(lp);
            let (lead, gap) = (self.spec.body.leading, self.spec.body.paragraph_spacing);
            if let Some((spread, cols)) = balance(&units, start, ncol, height, lead) {
                placed[lp] = cols;
                if !even(spread, lead, gap) {
                    let body = Body { blocks: &blocks, frame, first_paragraph };
                    if let Some((u, pl)) = self.even_out(&body, &units, &placed, &sheet, spread)? {
                        units = u;
                        placed = pl;
                    }
                }
            }
        }

        // Place everything.
        // Right to left, the first column is on the right.
        let col_x: Vec<f32> = (0..ncol)
            .map(|c| if self.rtl() { ncol - 1 - c } else { c })
            .map(|c| p.margin.left + c as f32 * (self.column_width + p.gutter))
            .collect();
        let npages = placed.len();
        for (pi, cols) in placed.iter().enumerate() {
            let ctop = if pi == 0 { first_top } else { top };
            let is_last = pi + 1 == npages;
            let show_footer = footer_h > 0.0 && (spec.footer.on == FooterOn::EveryPage || is_last);
            let cbottom = if show_footer { bottom_full - footer_h } else { bottom_full };
            let mut page = Page {
                width: p.width,
                height: p.height,
                elements: Vec::new(),
                links: Vec::new(),
                lines: Vec::new(),
                column_bottom: cbottom,
                column_top: ctop,
                masthead_bottom: if pi == 0 && masthead_h > 0.0 { top + masthead_h } else { 0.0 },
            };
            if pi == 0 {
                let mut y = top;
                for u in &masthead {
                    y += u.space_before;
                    let (e, l, li) = u.translate(p.margin.left, y, 0);
                    page.elements.extend(e);
                    page.links.extend(l);
                    page.lines.extend(li);
                    y += u.height;
                }
            }
            let mut max_y = ctop;
            let feather = if is_last && spec.page.balance && !spec.body.grid {
                feather(&units, cols, spec.body.leading, spec.body.paragraph_spacing)
            } else {
                vec![0.0; cols.len()]
            };
            for (c, range) in cols.iter().enumerate() {
                let mut y = ctop;
                for (k, u) in units[range.clone()].iter().enumerate() {
                    if k > 0 {
                        y += u.space_before;
                        if u.space_before > 0.0 {
                            y += feather[c];
                        }
                    }
                    let (e, l, li) = u.translate(col_x[c], y, c);
                    page.elements.extend(e);
                    page.links.extend(l);
                    page.lines.extend(li);
                    y += u.height;
                }
                max_y = max_y.max(y);
            }
            if p.column_rule > 0.0 {
                let mut xs = col_x.clone();
                xs.sort_by(f32::total_cmp);
                for cx in &xs[1..] {
                    let x = cx - p.gutter / 2.0;
                    page.elements.push(Element::Rule {
                        x0: x,
                        y0: ctop,
                        x1: x,
                        y1: max_y.max(ctop + 1.0),
                        width: p.column_rule,
                        ink: Ink::Black,
                    });
                }
            }
            if show_footer {
                // Bottom-aligned: the text ends on the bottom margin.
                let mut y = bottom_full - footer_text_h;
                for u in &footer {
                    y += u.space_before;
                    let (e, l, li) = u.translate(p.margin.left, y, 0);
                    page.elements.extend(e);
                    page.links.extend(l);
                    page.lines.extend(li);
                    y += u.height;
                }
            }
            self.pages.push(page);
        }
        Ok(())
    }

    /// Sets one paragraph with a line fewer or more, so that the last page's
    /// columns can end level where widow, orphan and keep rules leave no
    /// even split of the lines as they are: first one that starts on the
    /// last page (the pages before stay as they are), then one that starts
    /// on the page before, which moves a line onto or off the last page.
    /// Returns the new units and pages if that gets the last page's columns
    /// closer than `spread`, on as many pages.
    fn even_out(
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
        let warnings = (self.warnings.len(), self.shaper.warnings.len());
        let mut best: Option<(f32, Vec<Unit>, PageColumns)> = None;
        // A line fewer first: tighter lines read better than looser ones.
        // Each try sets the whole body again: keep what does not change.
        self.memo = Some(HashMap::new());
        'search: for looseness in [-1, 1] {
            for &(pno, last_page) in &candidates {
                self.looseness = HashMap::from([(pno, looseness)]);
                self.paragraph_no = body.first_paragraph;
                let mut u = Vec::new();
                let made = self.blocks(body.blocks, body.frame, &mut u);
                self.looseness.clear();
                // The same paragraphs again: their warnings are known.
                self.warnings.truncate(warnings.0);
                self.shaper.warnings.truncate(warnings.1);
                if made.is_err() {
                    self.memo = None;
                }
                made?;
                if self.spec.body.grid {
                    snap_to_grid(&mut u, lead);
                }
                let (lines, old) = (paragraph_lines(&u, pno), paragraph_lines(units, pno));
                // No line looser than the limit, or than the loosest before.
                let loosest = |ls: &[&LineInfo]| {
                    ls.iter().filter(|l| l.index + 1 < l.count).map(|l| l.ratio).fold(0.0, f32::max)
                };
                if lines.len() == old.len()
                    || loosest(&lines) > loosest(&old).max(MAX_LOOSENED_RATIO)
                {
                    continue;
                }
                // Pages before the last change only with a paragraph on them.
                let mut pl = if last_page { placed.clone() } else { sheet.place(&u) };
                if pl.len() != placed.len() {
                    continue;
                }
                let s = first_unit(&pl, lp);
                let Some((sp, cols)) = balance(&u, s, sheet.ncol, height, lead) else { continue };
                if sp + EPS < best.as_ref().map_or(spread, |b| b.0) {
                    pl[lp] = cols;
                    let done = sp <= lead + EPS;
                    best = Some((sp, u, pl));
                    if done {
                        break 'search;
                    }
                }
            }
        }
        self.memo = None;
        Ok(best.map(|(_, u, pl)| (u, pl)))
    }

    /// Everything one statement brings to a side-by-side page: its units,
    /// cut into sections, its masthead at the side's width, and (used from
    /// the first statement only) the kicker and footer.
    fn side(&mut self, side_width: f32, inner_w: f32, qr: f32) -> Result<Side> {
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
        let masthead =
            if self.spec.masthead.show { self.masthead_titles(side_width)? } else { Vec::new() };
        let kicker =
            if self.spec.masthead.show { self.masthead_kicker(inner_w)? } else { Vec::new() };
        let footer = self.footer_units(inner_w, qr)?;
        let rule = self.masthead_rule(inner_w);
        Ok(Side { units, sections, masthead, kicker, footer, rule, rtl: self.rtl() })
    }

    /// The statement's blocks, with the layout's quotation marks unless
    /// the statement asked for its own.
    fn body_blocks(&self) -> Vec<Block> {
        let spec = self.spec;
        let mut blocks = self.st.blocks.clone();
        if self.st.meta.quotes.is_none() && spec.body.quotes != crate::statement::Quotes::Auto {
            let lang = self.st.meta.lang.as_deref().unwrap_or(&spec.body.language);
            crate::statement::localize_quotes(&mut blocks, lang, spec.body.quotes);
        }
        blocks
    }

    /// Turns blocks into units.
    fn blocks(&mut self, blocks: &[Block], frame: Frame, out: &mut Vec<Unit>) -> Result<()> {
        let mut keep_next = false;
        for (bi, b) in blocks.iter().enumerate() {
            let before = out.len();
            let gap =
                if out.is_empty() || bi == 0 { 0.0 } else { self.spec.body.paragraph_spacing };
            match b {
                Block::Paragraph { content, line } => {
                    self.paragraph(content, *line, frame, LineKind::Body, out, gap)?;
                }
                Block::Heading { level, content, line } => {
                    let size = self
                        .spec
                        .headings
                        .sizes
                        .get(usize::from(*level).saturating_sub(1))
                        .or(self.spec.headings.sizes.last())
                        .copied()
                        .unwrap_or(self.spec.body.size * 1.2);
                    let gap = if out.is_empty() { 0.0 } else { self.spec.headings.space_before };
                    let n0 = out.len();
                    self.heading(content, *line, size, frame, out, gap)?;
                    // No column break inside a heading.
                    for u in &mut out[n0 + 1..] {
                        u.keep_with_prev = true;
                    }
                }
                Block::List { start, items, line } => {
                    self.list(*start, items, *line, frame, out, gap)?;
                }
                Block::Quote { blocks, .. } => {
                    let indent = self.spec.body.size;
                    let inner = Frame {
                        indent: frame.indent + indent,
                        width: (frame.width - indent * 2.0).max(frame.width * 0.5),
                        quote_depth: frame.quote_depth + 1,
                    };
                    let n0 = out.len();
                    self.blocks(blocks, inner, out)?;
                    if let Some(u) = out.get_mut(n0) {
                        u.space_before = u.space_before.max(gap);
                    }
                    // A bar in the margin of the quote, the height of each unit.
                    let x = if self.rtl() {
                        frame.indent + frame.width - indent * 0.35
                    } else {
                        frame.indent + indent * 0.35
                    };
                    for u in &mut out[n0..] {
                        u.elements.push(Element::Rule {
                            x0: x,
                            y0: 0.0,
                            x1: x,
                            y1: u.height,
                            width: 0.75,
                            ink: Ink::Gray(140),
                        });
                    }
                }
                Block::Rule { .. } => {
                    let lead = self.spec.body.leading;
                    let w = frame.width / 3.0;
                    out.push(Unit {
                        height: lead,
                        space_before: gap,
                        keep_with_prev: false,
                        soft_keep: false,
                        elements: vec![Element::Rule {
                            x0: frame.indent + (frame.width - w) / 2.0,
                            y0: lead / 2.0,
                            x1: frame.indent + (frame.width + w) / 2.0,
                            y1: lead / 2.0,
                            width: 0.5,
                            ink: Ink::Black,
                        }],
                        links: Vec::new(),
                        lines: Vec::new(),
                    });
                }
                Block::Code { text, line } => {
                    self.code(text, *line, frame, out, gap)?;
                }
                Block::Table { header, rows, line, .. } => {
                    self.table(header, rows, *line, frame, out, gap)?;
                }
            }
            if keep_next {
                if let Some(u) = out.get_mut(before) {
                    u.keep_with_prev = true;
                }
            }
            keep_next = matches!(b, Block::Heading { .. });
        }
        Ok(())
    }

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

    /// Breaks a shaped paragraph and sets its lines.
    fn set_paragraph(
        &self,
        p: &Paragraph,
        first_width: f32,
        width: f32,
        mode: Mode,
    ) -> Vec<SetLine> {
        self.set_paragraph_loose(p, first_width, width, mode, 0)
    }

    /// Like [`Flow::set_paragraph`], with `looseness` lines more or fewer
    /// if the paragraph allows it.
    fn set_paragraph_loose(
        &self,
        p: &Paragraph,
        first_width: f32,
        width: f32,
        mode: Mode,
        looseness: i32,
    ) -> Vec<SetLine> {
        let params = Params::new(first_width, width, mode)
            .with_em(p.max_size)
            .with_loose_demerits(linebreak::LOOSE_DEMERITS)
            .with_tight_demerits(linebreak::TIGHT_DEMERITS, crate::shape::TIGHT_RATIO);
        let breaks = linebreak::linebreak_loose(&p.items, &params, looseness)
            .unwrap_or_else(|| linebreak::linebreak(&p.items, &params));
        let mut lines = Vec::with_capacity(breaks.len());
        let mut start = 0;
        let n = breaks.len();
        for (k, b) in breaks.iter().enumerate() {
            let measure = if k == 0 { first_width } else { width };
            let last = k + 1 == n;
            lines.push(set_line(p, start, b.index, b.hyphen, measure, mode, last));
            start = b.index + 1;
        }
        lines
    }

    fn paragraph(
        &mut self,
        content: &[Inline],
        line: usize,
        frame: Frame,
        kind: LineKind,
        out: &mut Vec<Unit>,
        gap: f32,
    ) -> Result<()> {
        let spec = self.spec;
        let mut style = self.text_style(spec.body.size, &spec.body.font, false, true, frame.width);
        style.indent = spec.body.first_line_indent;
        let loose = self.looseness.get(&self.paragraph_no).copied().unwrap_or(0);
        let key = (self.paragraph_no, frame.width.to_bits(), loose);
        let lines = match self.memo.as_ref().and_then(|m| m.get(&key)) {
            Some(lines) => lines.clone(),
            None => {
                let src = self.source(line);
                let p = self.shaper.paragraph(content, &style, &src)?;
                let mode =
                    if spec.body.align == Align::Justify { Mode::Justify } else { Mode::Ragged };
                let lines = self.set_paragraph_loose(&p, frame.width, frame.width, mode, loose);
                if let Some(m) = self.memo.as_mut() {
                    m.insert(key, lines.clone());
                }
                lines
            }
        };
        let m = self.body_metrics();
        self.push_lines(lines, m, frame, kind, out, gap, spec.body.orphans, spec.body.widows);
        Ok(())
    }

    fn heading(
        &mut self,
        content: &[Inline],
        line: usize,
        size: f32,
        frame: Frame,
        out: &mut Vec<Unit>,
        gap: f32,
    ) -> Result<()> {
        let spec = self.spec;
        let style = self.text_style(size, &spec.headings.font, true, false, frame.width);
        let src = self.source(line);
        let p = self.shaper.paragraph(content, &style, &src)?;
        let lines = self.set_paragraph(&p, frame.width, frame.width, Mode::Ragged);
        // Heading lines sit on a leading that is a whole multiple of
        // nothing in particular: 1.15 × size reads well for display type.
        let m =
            self.metrics_for(&spec.headings.font, size, (size * 1.15).max(spec.body.leading * 0.8));
        let n0 = out.len();
        self.push_lines(lines, m, frame, LineKind::Heading, out, gap, 1, 1);
        if out.len() > n0 {
            if let Some(u) = out.last_mut() {
                u.height += spec.headings.space_after;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn push_lines(
        &mut self,
        lines: Vec<SetLine>,
        m: LineMetrics,
        frame: Frame,
        kind: LineKind,
        out: &mut Vec<Unit>,
        gap: f32,
        orphans: u32,
        widows: u32,
    ) {
        let n = lines.len();
        let pno = self.paragraph_no;
        self.paragraph_no += 1;
        let mut after_hyphen = false;
        for (i, l) in lines.into_iter().enumerate() {
            // A break before line i leaves i lines behind and n - i ahead; a
            // word split across columns is hard to read, so a column does
            // not end on a hyphen either.
            let hard = i > 0 && (i < orphans as usize || n - i < widows as usize);
            let keep = hard || (i > 0 && after_hyphen);
            let soft = keep && !hard;
            after_hyphen = l.hyphen;
            let mut elements = Vec::with_capacity(l.runs.len() + l.strikes.len());
            for r in l.runs {
                elements.push(Element::Text(TextRun { x: r.x + frame.indent, y: m.baseline, ..r }));
            }
            for (x0, x1, size) in l.strikes {
                let y = m.baseline - size * 0.28;
                elements.push(Element::Rule {
                    x0: x0 + frame.indent,
                    y0: y,
                    x1: x1 + frame.indent,
                    y1: y,
                    width: size * 0.05,
                    ink: Ink::Black,
                });
            }
            let links = l
                .links
                .into_iter()
                .map(|(x0, x1, url)| Link {
                    x: x0 + frame.indent,
                    y: 0.0,
                    w: x1 - x0,
                    h: m.leading,
                    url,
                })
                .collect();
            out.push(Unit {
                height: m.leading,
                space_before: if i == 0 { gap } else { 0.0 },
                keep_with_prev: keep,
                soft_keep: soft,
                elements,
                links,
                lines: vec![LineInfo {
                    paragraph: pno,
                    index: i,
                    count: n,
                    column: 0,
                    ratio: l.ratio,
                    hyphen: l.hyphen,
                    x: frame.indent,
                    y: m.baseline,
                    width: frame.width,
                    natural: l.natural,
                    kind,
                    text: l.text,
                }],
            });
        }
    }

    fn list(
        &mut self,
        start: Option<u64>,
        items: &[Vec<Block>],
        _line: usize,
        frame: Frame,
        out: &mut Vec<Unit>,
        gap: f32,
    ) -> Result<()> {
        let size = self.spec.body.size;
        let indent = if start.is_some() { size * 1.6 } else { size * 1.1 };
        let width = (frame.width - indent).max(frame.width * 0.5);
        // Right to left, the indent and the markers are on the right.
        let inner = Frame {
            indent: if self.rtl() { frame.indent } else { frame.indent + indent },
            width,
            quote_depth: frame.quote_depth,
        };
        let family: &'a str = &self.spec.body.font;
        for (k, item) in items.iter().enumerate() {
            let n0 = out.len();
            self.blocks(item, inner, out)?;
            if out.len() == n0 {
                continue;
            }
            out[n0].space_before =
                if k == 0 { gap } else { self.spec.body.paragraph_spacing * 0.5 };
            // The marker hangs in the list's indent, ending a little before the text.
            let marker = match start {
                Some(s) => format!("{}.", s + k as u64),
                None => "\u{2022}".to_string(),
            };
            let style = self.text_style(size, family, false, false, indent);
            let src = Location::default();
            let p = self.shaper.paragraph(&[Inline::text(marker)], &style, &src)?;
            let set = set_line(&p, 0, p.items.len() - 1, false, indent, Mode::Ragged, true);
            let first = &mut out[n0];
            let baseline = first.lines.first().map_or(self.body_metrics().baseline, |l| l.y);
            let gapw = size * 0.3;
            // The marker goes first so it reads before the item's text.
            let (x0, x1) = set
                .runs
                .iter()
                .fold((f32::MAX, f32::MIN), |(a, b), r| (a.min(r.x), b.max(r.x + r.width())));
            let x = if self.rtl() {
                inner.indent + inner.width + gapw - x0
            } else {
                inner.indent - gapw - x1
            };
            for (k, r) in set.runs.into_iter().enumerate() {
                first.elements.insert(k, Element::Text(TextRun { x: r.x + x, y: baseline, ..r }));
            }
        }
        Ok(())
    }

    fn code(
        &mut self,
        text: &str,
        line: usize,
        frame: Frame,
        out: &mut Vec<Unit>,
        gap: f32,
    ) -> Result<()> {
        let size = self.spec.body.size * 0.85;
        let family: &'a str = &self.spec.body.code_font;
        let m = self.metrics_for(family, size, size * 1.25);
        let src = self.source(line);
        let lines: Vec<&str> = text.trim_end_matches('\n').split('\n').collect();
        let n = lines.len();
        let pno = self.paragraph_no;
        self.paragraph_no += 1;
        for (i, l) in lines.iter().enumerate() {
            let mut style = self.text_style(size, family, false, false, frame.width);
            style.hang = false;
            style.dir = Dir::Auto;
            // Keep leading spaces visible: non-breaking spaces survive collapsing.
            let content = l.replace(' ', "\u{00A0}");
            let p = self.shaper.paragraph(&[Inline::text(content)], &style, &src)?;
            let set = self.set_paragraph(&p, frame.width, frame.width, Mode::Ragged);
            for (j, s) in set.into_iter().enumerate() {
                let mut elements = Vec::new();
                for r in s.runs {
                    elements.push(Element::Text(TextRun {
                        x: r.x + frame.indent,
                        y: m.baseline,
                        ..r
                    }));
                }
                out.push(Unit {
                    height: m.leading,
                    space_before: if i == 0 && j == 0 { gap } else { 0.0 },
                    keep_with_prev: i > 0 && (i < 2 || n - i < 2),
                    soft_keep: false,
                    elements,
                    links: Vec::new(),
                    lines: vec![LineInfo {
                        paragraph: pno,
                        index: i,
                        count: n,
                        column: 0,
                        ratio: 0.0,
                        hyphen: false,
                        x: frame.indent,
                        y: m.baseline,
                        width: frame.width,
                        natural: s.natural,
                        kind: LineKind::Other,
                        text: s.text,
                    }],
                });
            }
        }
        Ok(())
    }

    fn table(
        &mut self,
        header: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        line: usize,
        frame: Frame,
        out: &mut Vec<Unit>,
        gap: f32,
    ) -> Result<()> {
        let ncols = rows.iter().map(Vec::len).chain([header.len()]).max().unwrap_or(0);
        if ncols == 0 {
            return Ok(());
        }
        let size = self.spec.body.size * 0.9;
        let pad = size * 0.3;
        let cell_w = frame.width / ncols as f32;
        if cell_w < self.spec.body.size * 5.0 {
            self.warnings.push(Warning::new(
                self.source(line),
                format!(
                    "a table of {ncols} columns is squeezed into the column: its cells are \
                     {:.0}pt wide, words will break; use fewer table columns or a one-column layout",
                    cell_w
                ),
            ));
        }
        let family: &'a str = &self.spec.body.font;
        let m = self.metrics_for(family, size, size * 1.2);
        let src = self.source(line);
        let mut all: Vec<(bool, &[Vec<Inline>])> = Vec::new();
        if !header.is_empty() {
            all.push((true, header));
        }
        for r in rows {
            all.push((false, r));
        }
        let n = all.len();
        for (ri, (is_header, cells)) in all.into_iter().enumerate() {
            let mut elements = Vec::new();
            let mut infos = Vec::new();
            let mut links = Vec::new();
            let mut row_lines = 1;
            let pno = self.paragraph_no;
            self.paragraph_no += 1;
            for (ci, cell) in cells.iter().enumerate() {
                let measure = (cell_w - 2.0 * pad).max(size);
                let style = self.text_style(size, family, is_header, true, measure);
                let p = self.shaper.paragraph(cell, &style, &src)?;
                let set = self.set_paragraph(&p, measure, measure, Mode::Ragged);
                row_lines = row_lines.max(set.len());
                let x = frame.indent + ci as f32 * cell_w + pad;
                for (li, s) in set.into_iter().enumerate() {
                    let y = pad + m.baseline + li as f32 * m.leading;
                    for r in s.runs {
                        elements.push(Element::Text(TextRun { x: r.x + x, y, ..r }));
                    }
                    for (x0, x1, url) in s.links {
                        links.push(Link {
                            x: x + x0,
                            y: pad + li as f32 * m.leading,
                            w: x1 - x0,
                            h: m.leading,
                            url,
                        });
                    }
                    infos.push(LineInfo {
                        paragraph: pno,
                        index: li,
                        count: 1,
                        column: 0,
                        ratio: 0.0,
                        hyphen: s.hyphen,
                        x,
                        y,
                        width: measure,
                        natural: s.natural,
                        kind: LineKind::Other,
                        text: s.text,
                    });
                }
            }
            let h = row_lines as f32 * m.leading + 2.0 * pad;
            let x0 = frame.indent;
            let x1 = frame.indent + frame.width;
            elements.push(Element::Rule {
                x0,
                y0: h,
                x1,
                y1: h,
                width: if is_header { 0.8 } else { 0.3 },
                ink: Ink::Black,
            });
            if ri == 0 {
                elements.push(Element::Rule {
                    x0,
                    y0: 0.0,
                    x1,
                    y1: 0.0,
                    width: 0.8,
                    ink: Ink::Black,
                });
            }
            out.push(Unit {
                height: h,
                space_before: if ri == 0 { gap } else { 0.0 },
                keep_with_prev: ri > 0 && (ri < 2 || n - ri < 2),
                soft_keep: false,
                elements,
                links,
                lines: infos,
            });
        }
        Ok(())
    }

    fn masthead_units(&mut self, width: f32) -> Result<Vec<Unit>> {
        let mut out = self.masthead_kicker(width)?;
        out.extend(self.masthead_titles(width)?);
        if out.is_empty() {
            return Ok(out);
        }
        out.push(self.masthead_rule(width));
        Ok(out)
    }

    /// Sets one masthead text (kicker, title, subtitle, byline): across the
    /// frame, ragged, never hyphenated.
    fn masthead_line(
        &mut self,
        content: &[Inline],
        line: MastheadLine<'a>,
        frame: Frame,
        out: &mut Vec<Unit>,
    ) -> Result<()> {
        let width = frame.width;
        let style = self.text_style(line.size, line.family, line.bold, false, width);
        let p = self.shaper.paragraph(content, &style, &Location::default())?;
        let lines = self.set_paragraph(&p, width, width, Mode::Ragged);
        let m = self.metrics_for(line.family, line.size, line.leading);
        self.push_lines(lines, m, frame, LineKind::Masthead, out, line.gap, 1, 1);
        Ok(())
    }

    /// The layout's kicker line above the title, if any.
    fn masthead_kicker(&mut self, width: f32) -> Result<Vec<Unit>> {
        let spec = self.spec;
        let mut out = Vec::new();
        let frame = Frame { indent: 0.0, width, quote_depth: 0 };
        let kicker = fill_placeholders(&spec.masthead.kicker, &self.st.meta, self.vars, spec)?;
        if !kicker.is_empty() {
            let size = spec.masthead.meta_size * 1.1;
            let line = MastheadLine {
                size,
                family: &spec.headings.font,
                bold: true,
                leading: size * 1.3,
                gap: 0.0,
            };
            self.masthead_line(&[Inline::text(kicker)], line, frame, &mut out)?;
        }
        Ok(out)
    }

    /// The statement's title, subtitle and byline (author · date).
    fn masthead_titles(&mut self, width: f32) -> Result<Vec<Unit>> {
        let spec = self.spec;
        let meta = self.st.meta.clone();
        let mut out = Vec::new();
        let frame = Frame { indent: 0.0, width, quote_depth: 0 };
        if let Some(title) = meta.title.as_deref().filter(|t| !t.trim().is_empty()) {
            let size = spec.masthead.title_size;
            let line = MastheadLine {
                size,
                family: &spec.masthead.font,
                bold: true,
                leading: size * 1.08,
                gap: 0.0,
            };
            self.masthead_line(&[Inline::text(title)], line, frame, &mut out)?;
        }
        let msize = spec.masthead.meta_size;
        if let Some(sub) = meta.subtitle.as_deref().filter(|t| !t.trim().is_empty()) {
            let size = msize * 1.25;
            let content = [Inline::Text(crate::statement::Span {
                text: sub.to_string(),
                style: crate::statement::Style { italic: true, ..Default::default() },
                link: None,
            })];
            let line = MastheadLine {
                size,
                family: &spec.body.font,
                bold: false,
                leading: size * 1.3,
                gap: msize * 0.3,
            };
            self.masthead_line(&content, line, frame, &mut out)?;
        }
        let lang = meta.lang.as_deref().unwrap_or(&spec.body.language);
        let date = meta.date.as_deref().map(|d| display_date_in(d, lang));
        let byline: Vec<String> = [meta.author.clone(), date]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect();
        if !byline.is_empty() {
            let content = [Inline::Text(crate::statement::Span {
                text: byline.join(" \u{00B7} "),
                style: crate::statement::Style { bold: true, ..Default::default() },
                link: None,
            })];
            let line = MastheadLine {
                size: msize,
                family: &spec.body.font,
                bold: false,
                leading: msize * 1.35,
                gap: msize * 0.4,
            };
            self.masthead_line(&content, line, frame, &mut out)?;
        }
        Ok(out)
    }

    /// A rule under the masthead, then a line's worth of air.
    fn masthead_rule(&self, width: f32) -> Unit {
        let lead = self.spec.body.leading;
        Unit {
            height: lead,
            space_before: lead * 0.3,
            keep_with_prev: true,
            soft_keep: false,
            elements: vec![Element::Rule {
                x0: 0.0,
                y0: 0.0,
                x1: width,
                y1: 0.0,
                width: 1.2,
                ink: Ink::Black,
            }],
            links: Vec::new(),
            lines: Vec::new(),
        }
    }

    fn footer_units(&mut self, full_width: f32, qr: f32) -> Result<Vec<Unit>> {
        let gap = if qr > 0.0 { self.spec.footer.size } else { 0.0 };
        let width = (full_width - qr - gap).max(full_width * 0.3);
        let spec = self.spec;
        let text = fill_placeholders(&spec.footer.text, &self.st.meta, self.vars, spec)?;
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let size = spec.footer.size;
        let link =
            (!spec.footer.link.trim().is_empty()).then(|| spec.footer.link.trim().to_string());
        let content = [Inline::Text(crate::statement::Span {
            text,
            style: Default::default(),
            link: link.clone(),
        })];
        let mut style = self.text_style(size, &spec.body.font, false, false, width);
        // The footer comes from the layout: its own text sets its direction.
        style.dir = Dir::Auto;
        let p = self.shaper.paragraph(&content, &style, &Location::default())?;
        let lines = self.set_paragraph(&p, width, width, Mode::Ragged);
        let m = self.metrics_for(&spec.body.font, size, size * 1.3);
        let frame = Frame { indent: 0.0, width, quote_depth: 0 };
        let mut out = Vec::new();
        out.push(Unit {
            height: size * 0.6,
            space_before: size * 0.6,
            keep_with_prev: false,
            soft_keep: false,
            elements: vec![Element::Rule {
                x0: 0.0,
                y0: 0.0,
                x1: width,
                y1: 0.0,
                width: 0.5,
                ink: Ink::Black,
            }],
            links: Vec::new(),
            lines: Vec::new(),
        });
        self.push_lines(lines, m, frame, LineKind::Footer, &mut out, 0.0, 1, 1);
        Ok(out)
    }
}

/// One statement's share of a side-by-side document.
struct Side {
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
fn split_sections(blocks: &[Block]) -> Vec<&[Block]> {
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
    let loc = || spec.path.as_ref().map(Location::file).unwrap_or_default();
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
    let qr = crate::qr::qr_size(spec);

    // One statement at a time through the shaper (each flow owns it).
    let mut sh = std::mem::replace(shaper, Shaper::new(shaper.book()));
    let mut warnings = Vec::new();
    let mut sides = Vec::with_capacity(2);
    for st in [first, second] {
        let mut f = match Flow::new(st, spec, sh, vars) {
            Ok(f) => f,
            Err((e, back)) => {
                *shaper = back;
                return Err(e);
            }
        };
        let side = f.side(side_w, inner_w, qr);
        warnings.append(&mut f.warnings);
        warnings.append(&mut f.shaper.warnings);
        sh = f.shaper;
        match side {
            Ok(side) => sides.push(side),
            Err(e) => {
                *shaper = sh;
                return Err(e);
            }
        }
    }
    *shaper = sh;
    let pages = place_pair(spec, &sides, per_side)?;
    Ok((Document { pages, meta: pair_meta(first, second), body_size: spec.body.size }, warnings))
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
    front.pages.extend(back.pages);
    front.meta = pair_meta(first, second);
    front
}

/// Where a side's text has got to: a page, a column of that side, and
/// the bottom of what is placed in it.
#[derive(Debug, Clone, Copy)]
struct Cursor {
    page: usize,
    col: usize,
    y: f32,
}

/// Page geometry of a side-by-side document.
struct PairGeom {
    first_top: f32,
    top: f32,
    bottom_full: f32,
    footer_h: f32,
    /// Pages from this one on keep room for the footer.
    reserve_from: usize,
    per_side: usize,
    /// A page whose columns are cut short to this height (balancing the
    /// last page).
    short: Option<(usize, f32)>,
    /// On the short page, soft keeps (no column ending on a hyphen) give
    /// way, as they do when a single statement's last page is balanced.
    ignore_soft: bool,
}

impl PairGeom {
    fn ctop(&self, page: usize) -> f32 {
        if page == 0 {
            self.first_top
        } else {
            self.top
        }
    }

    fn cbottom(&self, page: usize) -> f32 {
        let full = if page >= self.reserve_from {
            self.bottom_full - self.footer_h
        } else {
            self.bottom_full
        };
        match self.short {
            Some((p, h)) if p == page => full.min(self.ctop(page) + h),
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
struct Placed {
    side: usize,
    page: usize,
    col: usize,
    unit: usize,
    y: f32,
}

/// Baseline of a unit's first line below its top (0 for a rule).
fn first_baseline(u: &Unit) -> f32 {
    u.lines.first().map_or(0.0, |l| l.y)
}

/// Places the two sides' sections on pages, keeping each pair of sections
/// level: a section starts where the longer of the previous pair ended,
/// with the first baselines at the same height on both sides.
fn place_sections(sides: &[Side], geom: &PairGeom) -> (Vec<Placed>, usize) {
    let n = sides.iter().map(|s| s.sections.len()).min().unwrap_or(0);
    // Sections past the shorter side's last one follow on freely: they
    // belong to the last pair.
    let range = |s: &Side, k: usize| {
        let start = s.sections[k];
        let end = if k + 1 < n { s.sections[k + 1] } else { s.units.len() };
        start..end
    };
    let mut cur = vec![Cursor { page: 0, col: 0, y: geom.first_top }; sides.len()];
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
                        fill_column_with(&sides[s].units[..r.end], r.start, avail, true) > r.start
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
fn fill_section(
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
        let relax = geom.ignore_soft && geom.short.is_some_and(|(p, _)| p == c.page);
        let j = if relax {
            fill_column_rules(units, i, avail, !at_top, true, false)
        } else if at_top {
            fill_column(units, i, avail, c.col + 1 == geom.per_side)
        } else {
            fill_column_with(units, i, avail, true)
        };
        if j == i {
            *cur = geom.next_column(c);
            continue;
        }
        let mut y = y0;
        for (k, u) in units.iter().enumerate().take(j).skip(i) {
            if k > i {
                y += u.space_before;
            }
            placed.push(Placed { side: s, page: c.page, col: c.col, unit: k, y });
            y += u.height;
        }
        cur.y = y;
        i = j;
        if i < r.end {
            *cur = geom.next_column(*cur);
        }
    }
}

/// Baselines of the last lines of each column of page `page` that has
/// text, by side and column of the side.
fn column_ends(sides: &[Side], placed: &[Placed], page: usize) -> Vec<f32> {
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
fn spread(ends: &[f32]) -> f32 {
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
fn balance_pair(
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
        geom.ignore_soft = relax;
        let to_beat = if relax { best_spread - lead } else { best_spread };
        let mut found: Option<(f32, Vec<Placed>)> = None;
        let mut tries_after_fit = 0;
        h = start_h;
        while h < full - EPS {
            geom.short = Some((lp, h));
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
    geom.ignore_soft = false;
    best
}

/// Puts the sides' masthead, sections and footer on pages.
fn place_pair(spec: &LayoutSpec, sides: &[Side], per_side: usize) -> Result<Vec<Page>> {
    let p = &spec.page;
    let a = &sides[0];
    let footer_text_h: f32 = a.footer.iter().map(|u| u.height + u.space_before).sum();
    let qr = crate::qr::qr_size(spec);
    let footer_h = if a.footer.is_empty() && qr == 0.0 { 0.0 } else { footer_text_h.max(qr) };
    let stack_h = |us: &[Unit]| us.iter().map(|u| u.height + u.space_before).sum::<f32>();
    let kicker_h = stack_h(&a.kicker);
    let titles_h = sides.iter().map(|s| stack_h(&s.masthead)).fold(0.0, f32::max);
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
    let top = p.margin.top;
    let bottom_full = p.height - p.margin.bottom;
    let every = spec.footer.on == FooterOn::EveryPage;
    let first_top = top + masthead_h;
    let reserve_every = if every { footer_h } else { 0.0 };
    if first_top >= bottom_full - reserve_every - spec.body.leading * 2.0 {
        return Err(Error::new(
            spec.path.as_ref().map(Location::file).unwrap_or_default(),
            "the masthead and footer leave no room for text on page 1",
            "use a smaller `masthead.title-size`, shorter titles or smaller margins",
        ));
    }
    let mut geom = PairGeom {
        first_top,
        top,
        bottom_full,
        footer_h,
        reserve_from: if every { 0 } else { usize::MAX },
        per_side,
        short: None,
        ignore_soft: false,
    };
    let (mut placed, mut npages) = place_sections(sides, &geom);
    if !every && footer_h > 0.0 {
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
    let mut pages: Vec<Page> = (0..npages)
        .map(|pi| {
            let show_footer = footer_h > 0.0 && (every || pi + 1 == npages);
            Page {
                width: p.width,
                height: p.height,
                elements: Vec::new(),
                links: Vec::new(),
                lines: Vec::new(),
                column_bottom: if show_footer { bottom_full - footer_h } else { bottom_full },
                column_top: geom.ctop(pi),
                masthead_bottom: if pi == 0 && masthead_h > 0.0 { top + masthead_h } else { 0.0 },
            }
        })
        .collect();
    let put = |page: &mut Page, u: &Unit, x: f32, y: f32, column: usize| {
        let (e, l, li) = u.translate(x, y, column);
        page.elements.extend(e);
        page.links.extend(l);
        page.lines.extend(li);
    };
    if has_masthead {
        let page = &mut pages[0];
        let mut y = top;
        for u in &a.kicker {
            y += u.space_before;
            put(page, u, p.margin.left, y, 0);
            y += u.height;
        }
        for (s, side) in sides.iter().enumerate() {
            let mut ys = y;
            for u in &side.masthead {
                ys += u.space_before;
                put(page, u, side_x(s), ys, s * per_side);
                ys += u.height;
            }
        }
        let rule = Unit { height: rule_h, ..a.rule.clone() };
        put(page, &rule, p.margin.left, y + titles_h + rule.space_before, 0);
    }
    let mut max_y = vec![0.0f32; npages];
    for pl in &placed {
        let u = &sides[pl.side].units[pl.unit];
        let page = &mut pages[pl.page];
        put(page, u, col_x(pl.side, pl.col), pl.y, pl.side * per_side + pl.col);
        max_y[pl.page] = max_y[pl.page].max(pl.y + u.height);
    }
    for (pi, page) in pages.iter_mut().enumerate() {
        let ctop = geom.ctop(pi);
        if p.column_rule > 0.0 {
            for c in 1..(2 * per_side) {
                let x = p.margin.left + c as f32 * (cw + p.gutter) - p.gutter / 2.0;
                page.elements.push(Element::Rule {
                    x0: x,
                    y0: ctop,
                    x1: x,
                    y1: max_y[pi].max(ctop + 1.0),
                    width: p.column_rule,
                    ink: Ink::Black,
                });
            }
        }
        let show_footer = footer_h > 0.0 && (every || pi + 1 == npages);
        if show_footer {
            let mut y = bottom_full - footer_text_h;
            for u in &a.footer {
                y += u.space_before;
                put(page, u, p.margin.left, y, 0);
                y += u.height;
            }
        }
    }
    Ok(pages)
}

/// Sets one line: items `start..end` of `p` (end is the break item).
fn set_line(
    p: &Paragraph,
    start: usize,
    end: usize,
    hyphen: bool,
    measure: f32,
    mode: Mode,
    last: bool,
) -> SetLine {
    // Skip glue and penalties a break leaves at the start of a line.
    let mut s = start;
    while s < end && !matches!(p.items[s], Item::Box { .. }) {
        s += 1;
    }
    let mut e = end;
    // Trailing glue before the break does not count.
    while e > s && matches!(p.items[e - 1], Item::Glue { .. } | Item::Penalty { .. }) {
        e -= 1;
    }
    let mut natural = 0.0;
    let mut stretch = 0.0;
    let mut shrink = 0.0;
    let mut word_stretch = 0.0;
    let mut word_shrink = 0.0;
    // Natural width of the line's words: their glyphs take the letter
    // part of the adjustment by being drawn wider or narrower.
    let mut words_w = 0.0;
    let mut glyphs = 0usize;
    for (it, piece) in p.items[s..e].iter().zip(&p.pieces[s..e]) {
        match *it {
            Item::Box { width, .. } => natural += width,
            Item::Glue { width, stretch: st, shrink: sh } => {
                natural += width;
                stretch += st;
                shrink += sh;
            }
            Item::Penalty { .. } => {}
        }
        match piece {
            Piece::Space { word_stretch: a, word_shrink: b, .. } => {
                word_stretch += a;
                word_shrink += b;
            }
            Piece::Word(run) => {
                glyphs += run.glyphs.len();
                words_w += run.glyphs.iter().map(|g| g.advance).sum::<f32>();
            }
            _ => {}
        }
    }
    let hyphen_piece = if hyphen {
        match (&p.items.get(end), &p.pieces.get(end)) {
            (Some(Item::Penalty { width, .. }), Some(Piece::Hyphen(run))) => {
                natural += width;
                Some(run)
            }
            _ => None,
        }
    } else {
        None
    };
    let hang_start = match p.items.get(s) {
        Some(Item::Box { hang_start, .. }) => *hang_start,
        _ => 0.0,
    };
    let hang_end = if hyphen {
        match p.items.get(end) {
            Some(Item::Penalty { hang_end, .. }) => *hang_end,
            _ => 0.0,
        }
    } else {
        match e.checked_sub(1).and_then(|k| p.items.get(k)) {
            Some(Item::Box { hang_end, .. }) => *hang_end,
            _ => 0.0,
        }
    };
    let target = measure + hang_start + if mode == Mode::Justify { hang_end } else { 0.0 };
    let ratio = match mode {
        Mode::Justify if !last || natural > target => {
            if natural < target && stretch > 0.0 {
                (target - natural) / stretch
            } else if natural > target && shrink > 0.0 {
                ((target - natural) / shrink).max(-1.0)
            } else {
                0.0
            }
        }
        _ => {
            if natural > target && shrink > 0.0 {
                ((target - natural) / shrink).max(-1.0)
            } else {
                0.0
            }
        }
    };
    // The adjustment is shared by the words (expanded or compressed, never
    // more than their allowance) and the spaces (per unit of their stretch
    // or shrink).
    let (letter, space_ratio) = if ratio >= 0.0 {
        let total = ratio * stretch;
        let letters = (ratio.min(1.0) * word_stretch).min(total);
        let space_st = stretch - word_stretch;
        (letters, if space_st > 0.0 { (total - letters) / space_st } else { 0.0 })
    } else {
        let total = ratio * shrink;
        let letters = (ratio.max(-1.0) * word_shrink).max(total);
        let space_sh = shrink - word_shrink;
        (letters, if space_sh > 0.0 { (total - letters) / space_sh } else { 0.0 })
    };
    // Glyph expansion, as pdfTeX's font expansion does it: the words'
    // glyphs (an added hyphen too) are scaled horizontally by one factor for
    // the line, within the allowance (±2 %). Letter-spacing would give the
    // same widths, but spaced lowercase reads worse, and every glyph would
    // need its own offset in the PDF.
    let hyphen_w: f32 = hyphen_piece.map_or(0.0, |h| h.glyphs.iter().map(|g| g.advance).sum());
    let expand = if words_w + hyphen_w > 0.0 { 1.0 + letter / (words_w + hyphen_w) } else { 1.0 };
    // The pieces in logical order with their bidi levels, then drawn in
    // visual order (the breaker works in logical order).
    let base_level = u8::from(p.rtl);
    let mut slots: Vec<(usize, u8)> = Vec::with_capacity(e - s + 1);
    let mut last_level = base_level;
    for k in s..e {
        let level = match &p.pieces[k] {
            Piece::Word(r) | Piece::Space { run: r, .. } => r.level,
            _ => last_level,
        };
        last_level = level;
        slots.push((k, level));
    }
    if hyphen_piece.is_some() {
        slots.push((usize::MAX, last_level));
    }
    let bidi = p.rtl || slots.iter().any(|&(_, l)| l > 0);
    let order: Vec<usize> = if bidi {
        let levels: Vec<u8> = slots.iter().map(|&(_, l)| l).collect();
        crate::script::visual_order(&levels)
    } else {
        (0..slots.len()).collect()
    };
    let mut runs: Vec<PendingRun> = Vec::new();
    let mut links: Vec<(f32, f32, String)> = Vec::new();
    let mut strikes: Vec<(f32, f32, f32)> = Vec::new();
    // Right-to-left lines are set from 0 and moved right at the end.
    let mut x = if p.rtl { 0.0 } else { -hang_start };
    // Room for every glyph of the line in its first run: most lines are one.
    let room = glyphs + (e - s) + 1;
    let mut push = |run: &crate::shape::Run,
                    decor: crate::shape::Decor,
                    glyph_adv: Option<f32>,
                    scale: f32,
                    x: &mut f32,
                    tag: Option<&'static str>| {
        let start_x = *x;
        let same = runs.last().is_some_and(|r: &PendingRun| {
            r.run.face == run.face && r.run.size == run.size && r.level == run.level
        });
        if !same {
            runs.push(PendingRun {
                run: TextRun {
                    x: *x,
                    y: 0.0,
                    face: run.face,
                    size: run.size,
                    glyphs: Vec::with_capacity(room),
                    text: String::new(),
                    rtl: run.level % 2 == 1,
                    ink: if decor.link.is_some() { LINK_INK } else { Ink::Black },
                    expand,
                },
                level: run.level,
                sources: Vec::with_capacity(room),
            });
        }
        let Some(r) = runs.last_mut() else { return };
        for g in &run.glyphs {
            let mut g2 = g.clone();
            r.sources.push(match tag {
                // A hyphen ends the line's text; a space sits where it was.
                Some(t) if g.text.start == usize::MAX => (usize::MAX, Source::Tag(t)),
                Some(t) => (g.text.start, Source::Tag(t)),
                None => (g.text.start, Source::Text(g.text.clone())),
            });
            if let Some(adv) = glyph_adv {
                g2.advance = adv;
            }
            g2.advance *= scale;
            g2.dx *= scale;
            *x += g2.advance;
            r.run.glyphs.push(g2);
        }
        if let Some(l) = decor.link {
            let url = p.links.get(l).map_or("", String::as_str);
            match links.last_mut() {
                Some(last) if last.2 == url && (last.1 - start_x).abs() < 0.01 => last.1 = *x,
                _ => links.push((start_x, *x, url.to_string())),
            }
        }
        if decor.strike {
            strikes.push((start_x, *x, run.size));
        }
    };
    for &slot in &order {
        let k = slots[slot].0;
        if k == usize::MAX {
            if let Some(h) = hyphen_piece {
                push(h, h.decor, None, expand, &mut x, Some("-"));
            }
            continue;
        }
        match (&p.items[k], &p.pieces[k]) {
            (Item::Box { .. }, Piece::Word(run)) => {
                push(run, run.decor, None, expand, &mut x, None)
            }
            (Item::Box { width, .. }, _) => x += width,
            (Item::Glue { width, stretch: st, shrink: sh }, piece) => {
                let (wst, wsh) = match piece {
                    Piece::Space { word_stretch, word_shrink, .. } => (*word_stretch, *word_shrink),
                    _ => (0.0, 0.0),
                };
                let w = if ratio >= 0.0 {
                    width + space_ratio * (st - wst)
                } else {
                    width + space_ratio * (sh - wsh)
                };
                match piece {
                    Piece::Space { run, .. } if run.glyphs.len() == 1 => {
                        // Links continue across the space only if both sides link.
                        let mut decor = run.decor;
                        if decor.link.is_some() {
                            let next_link = p.pieces[k + 1..e].iter().find_map(|pc| match pc {
                                Piece::Word(w) => Some(w.decor.link),
                                _ => None,
                            });
                            if next_link.flatten() != decor.link {
                                decor.link = None;
                            }
                        }
                        decor.strike = false;
                        push(run, decor, Some(w), 1.0, &mut x, Some(" "))
                    }
                    _ => x += w,
                }
            }
            _ => {}
        }
    }
    // Right to left: flush with the measure's right edge, where the
    // logical line start hangs out (mirrored hanging punctuation).
    let shift = if p.rtl { measure + hang_start - x } else { 0.0 };
    let mut runs: Vec<TextRun> = runs.into_iter().map(|r| r.finish(&p.text, shift)).collect();
    if p.rtl {
        runs = reading_order(runs);
    }
    for l in &mut links {
        l.0 += shift;
        l.1 += shift;
    }
    for st in &mut strikes {
        st.0 += shift;
        st.1 += shift;
    }
    // The line's text in logical order: about a byte per glyph and space
    // (sized once; ligatures and non-ASCII characters may grow it).
    let mut text = String::with_capacity(room + room / 8);
    for k in s..e {
        match &p.pieces[k] {
            Piece::Word(run) => {
                let valid = run.glyphs.iter().filter(|g| g.text.start < g.text.end);
                let a = valid.clone().map(|g| g.text.start).min();
                let b = valid.map(|g| g.text.end).max();
                if let (Some(a), Some(b)) = (a, b) {
                    text.push_str(p.text.get(a..b).unwrap_or(""));
                }
            }
            Piece::Space { run, .. } if run.glyphs.len() == 1 => text.push(' '),
            _ => {}
        }
    }
    if hyphen_piece.is_some() {
        text.push('-');
    }
    SetLine {
        runs,
        links,
        strikes,
        ratio,
        hyphen: hyphen && !last,
        natural: x - if mode == Mode::Justify { hang_end } else { 0.0 },
        text,
    }
}

/// Puts the runs of a right-to-left line (in visual order) in the order a
/// PDF reader needs to read it logically: readers reverse each stretch of
/// right-to-left characters they meet in the content stream, but keep the
/// stretches, and the left-to-right pieces (numbers, Latin words) between
/// them, in stream order. So the stretches of right-to-left runs and the
/// left-to-right runs between them are written from right to left, each
/// right-to-left stretch still in visual order. Positions do not change.
fn reading_order(runs: Vec<TextRun>) -> Vec<TextRun> {
    let mut groups: Vec<Vec<TextRun>> = Vec::new();
    for r in runs {
        match groups.last_mut() {
            Some(g) if g[0].rtl == r.rtl => g.push(r),
            _ => groups.push(vec![r]),
        }
    }
    groups.into_iter().rev().flatten().collect()
}

/// Where a glyph's characters come from while a line is set.
enum Source {
    /// A range of the paragraph text.
    Text(std::ops::Range<usize>),
    /// Fixed text (a space or an added hyphen).
    Tag(&'static str),
}

/// A text run being set: glyphs in visual order, each with its source and
/// logical position.
struct PendingRun {
    run: TextRun,
    level: u8,
    sources: Vec<(usize, Source)>,
}

impl PendingRun {
    /// Writes the run's text in logical order (right-to-left glyphs come
    /// reversed) and points each glyph at its characters in it.
    fn finish(mut self, para: &str, shift: f32) -> TextRun {
        // Shaping leaves the second and later glyphs of a cluster (Arabic
        // dots, marks) without text; they follow the glyph that has it. Give
        // them the cluster's text too: the PDF then writes the cluster as one
        // ActualText span, and no glyph reads back as something else.
        for i in 1..self.sources.len() {
            if let (Source::Text(pr), Source::Text(r)) =
                (&self.sources[i - 1].1, &self.sources[i].1)
            {
                if r.is_empty() && pr.end == r.start && pr.start < pr.end {
                    self.sources[i] = (self.sources[i - 1].0, Source::Text(pr.clone()));
                }
            }
        }
        // Logical order: right-to-left glyphs sorted by their text; others
        // are in it already.
        let order: Option<Vec<usize>> = (self.level % 2 == 1).then(|| {
            let mut order: Vec<usize> = (0..self.sources.len()).collect();
            order.sort_by_key(|&i| self.sources[i].0);
            order
        });
        let mut text = String::with_capacity(self.sources.len());
        let mut prev: Option<(std::ops::Range<usize>, std::ops::Range<usize>)> = None;
        for j in 0..self.sources.len() {
            let i = order.as_ref().map_or(j, |o| o[j]);
            // Glyphs of one cluster share its text.
            if let (Source::Text(r), Some((pr, out))) = (&self.sources[i].1, &prev) {
                if r == pr && r.start < r.end {
                    self.run.glyphs[i].text = out.clone();
                    continue;
                }
            }
            let a = text.len();
            match &self.sources[i].1 {
                Source::Tag(t) => text.push_str(t),
                Source::Text(r) if r.start < r.end => {
                    let t = para.get(r.clone()).unwrap_or("");
                    // No-break spaces share the space glyph, whose text in
                    // the PDF can be only one character: write them as
                    // spaces, which is what a reader copying text wants.
                    // (ASCII text, nearly all of it, has none: skip the search;
                    // a single byte, most glyphs, is pushed without a copy call.)
                    if let &[b] = t.as_bytes() {
                        text.push(char::from(b))
                    } else if !t.is_ascii() && t.contains(['\u{a0}', '\u{202f}', '\u{2007}']) {
                        text.push_str(&t.replace(['\u{a0}', '\u{202f}', '\u{2007}'], " "))
                    } else {
                        text.push_str(t)
                    }
                }
                Source::Text(_) => {}
            }
            self.run.glyphs[i].text = a..text.len();
            if let Source::Text(r) = &self.sources[i].1 {
                prev = Some((r.clone(), a..text.len()));
            }
        }
        self.run.text = text;
        self.run.x += shift;
        self.run
    }
}

/// Puts every body line on the grid of the body leading: spaces become
/// whole lines, and runs of other units (headings, code, tables) are padded
/// to a whole number of lines.
fn snap_to_grid(units: &mut [Unit], lead: f32) {
    if lead <= 0.0 {
        return;
    }
    let is_body = |u: &Unit| {
        u.lines.len() == 1 && u.lines[0].kind == LineKind::Body && (u.height - lead).abs() < EPS
    };
    let mut i = 0;
    while i < units.len() {
        units[i].space_before = (units[i].space_before / lead).round() * lead;
        if is_body(&units[i]) {
            i += 1;
            continue;
        }
        // A run of off-grid units: pad its last unit.
        let start = i;
        let mut total = units[i].height;
        i += 1;
        while i < units.len() && !is_body(&units[i]) {
            total += units[i].space_before + units[i].height;
            i += 1;
        }
        let pad = (total / lead - 1e-3).ceil() * lead - total;
        units[i - 1].height += pad.max(0.0);
        let _ = start;
    }
}

/// Returns the end of the units that fit in a column of `height`, starting
/// at `start`, ending only where a break is allowed. If no allowed break
/// fits, the rules give way (a column must end somewhere).
///
/// At a page's last column a word split by a hyphen would have the page
/// turn (and the footer) in the middle: there the soft keep holds.
fn fill_column(units: &[Unit], start: usize, height: f32, page_end: bool) -> usize {
    if page_end {
        fill_column_rules(units, start, height, false, false, true)
    } else {
        fill_column_with(units, start, height, false)
    }
}

/// Like [`fill_column`]; with `strict`, returns `start` (nothing placed)
/// rather than break a keep rule.
fn fill_column_with(units: &[Unit], start: usize, height: f32, strict: bool) -> usize {
    fill_column_rules(units, start, height, strict, false, false)
}

/// Like [`fill_column_with`]; with `ignore_soft`, soft keeps do not count.
fn fill_column_rules(
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

/// The lines of paragraph `pno` among `units`.
fn paragraph_lines(units: &[Unit], pno: usize) -> Vec<&LineInfo> {
    units.iter().flat_map(|u| &u.lines).filter(|l| l.paragraph == pno).collect()
}

/// Space to add to each paragraph gap of each of the last page's columns
/// so that they end within a line of the longest: where the keep rules
/// leave no split of whole lines that ends level (gaps between paragraphs
/// and list items fall differently in each column), the shorter columns'
/// gaps open up, by at most one paragraph gap each, as vertical
/// justification does. Nothing when the columns already end level.
fn feather(units: &[Unit], cols: &[std::ops::Range<usize>], lead: f32, gap: f32) -> Vec<f32> {
    let mut out = vec![0.0; cols.len()];
    // Each column's height and number of gaps.
    let shape: Vec<(f32, usize)> = cols
        .iter()
        .map(|r| {
            let us = &units[r.clone()];
            let h = us
                .iter()
                .enumerate()
                .map(|(k, u)| u.height + if k > 0 { u.space_before } else { 0.0 })
                .sum();
            (h, us.iter().skip(1).filter(|u| u.space_before > 0.0).count())
        })
        .collect();
    let filled = || shape.iter().zip(cols).filter(|(_, r)| !r.is_empty()).map(|(s, _)| s.0);
    let hi = filled().fold(0.0, f32::max);
    let lo = filled().fold(f32::MAX, f32::min);
    if cols.len() < 2 || even(hi - lo, lead, gap) {
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
fn even(spread: f32, lead: f32, gap: f32) -> bool {
    spread <= lead + gap + EPS
}

/// Finds the shortest column height at which the units from `start` fit in
/// `ncol` columns, so the last page's columns end level; returns the columns
/// and their spread (tallest minus shortest).
fn balance(
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
    let strict = balance_with(units, start, ncol, h, max_h, step, false);
    if strict.as_ref().is_some_and(|(spread, _)| *spread <= line + EPS) {
        return strict;
    }
    let relaxed = balance_with(units, start, ncol, h, max_h, step, true);
    match (strict, relaxed) {
        (Some(a), Some(b)) => Some(if b.0 + line < a.0 { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// Tries column heights from `h` up to `max_h`; returns the most even split
/// found and its spread (tallest minus shortest column).
fn balance_with(
    units: &[Unit],
    start: usize,
    ncol: usize,
    mut h: f32,
    max_h: f32,
    step: f32,
    ignore_soft: bool,
) -> Option<(f32, Vec<std::ops::Range<usize>>)> {
    let mut best: Option<(f32, Vec<std::ops::Range<usize>>)> = None;
    let mut tries_after_fit = 0;
    loop {
        let mut i = start;
        let mut cols = Vec::new();
        let mut heights = Vec::new();
        for _ in 0..ncol {
            let end = fill_column_rules(units, i, h, true, ignore_soft, false);
            let used: f32 = units[i..end]
                .iter()
                .enumerate()
                .map(|(k, u)| u.height + if k > 0 { u.space_before } else { 0.0 })
                .sum();
            heights.push(used);
            cols.push(i..end);
            i = end;
        }
        if i >= units.len() {
            let filled: Vec<f32> = heights.iter().copied().filter(|&x| x > 0.0).collect();
            let spread = filled.iter().copied().fold(0.0, f32::max)
                - filled.iter().copied().fold(f32::MAX, f32::min);
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

    fn unit(height: f32, space_before: f32) -> Unit {
        Unit {
            height,
            space_before,
            keep_with_prev: false,
            soft_keep: false,
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
        let f = feather(&units, &cols, lead, gap);
        assert_eq!(f[1], 0.0, "the longest column stays");
        assert!(f[0] > 0.0 && f[0] <= gap, "{f:?}");
        // Now within a line and a gap.
        let ends = [10.0 * lead + gap + f[0], 11.0 * lead + 3.0 * gap];
        assert!(ends[1] - ends[0] <= lead + gap + 0.01, "{ends:?}");

        // Level columns are left alone.
        let units = vec![unit(5.0 * lead, 0.0), unit(5.0 * lead, gap), unit(10.0 * lead, 0.0)];
        assert_eq!(feather(&units, &[0..2, 2..3], lead, gap), vec![0.0, 0.0]);
        // A column without gaps cannot open up.
        let units = vec![unit(8.0 * lead, 0.0), unit(10.0 * lead, 0.0)];
        assert_eq!(feather(&units, &[0..1, 1..2], lead, gap), vec![0.0, 0.0]);
    }
}
