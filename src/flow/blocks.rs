//! Blocks become units: each paragraph is shaped, broken into lines and
//! its lines set; headings, list markers, code, tables and quotes get their
//! own sizes, indents and keep rules.

use std::rc::Rc;

use crate::error::{Location, Result, Warning};
use crate::linebreak::{self, Item, Mode, Params};
use crate::pages::{
    BlockKind, BlockRole, Element, Ink, LineInfo, LineKind, Link, Mark, Part, Scope, ScopeKind,
    TextRun,
};
use crate::script::Dir;
use crate::shape::Paragraph;
use crate::spec::{Align, ImageSpan};
use crate::statement::{plain_text, Block, Inline};

use super::line::{set_line, set_line_as, LineSpan, SetLine};
use super::{Flow, Frame, Keep, LineMetrics, Unit, EPS};

/// The fewest lines of a block a column may end with (orphans) or start
/// with (widows).
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    pub(super) orphans: usize,
    pub(super) widows: usize,
}

impl Limits {
    /// No limit: any line may end a column (headings, masthead, footer).
    pub(super) const NONE: Limits = Limits { orphans: 1, widows: 1 };
    /// Code and tables: two lines (rows) at least on either side.
    const BLOCK: Limits = Limits { orphans: 2, widows: 2 };

    /// Returns the keep before line `i` of `n`. A break there leaves `i`
    /// lines behind and `n - i` ahead; a word split across columns is hard
    /// to read, so a column does not end on a hyphen either (if it can).
    pub(super) fn keep(self, i: usize, n: usize, after_hyphen: bool) -> Keep {
        if i > 0 && (i < self.orphans || n - i < self.widows) {
            Keep::Hard
        } else if i > 0 && after_hyphen {
            Keep::Soft
        } else {
            Keep::Free
        }
    }
}

/// How much narrower than its measure [`ragged_loose`] may break a
/// paragraph: a rag a little deeper than the usual 3 em on a 20 em
/// column, in one paragraph, is not seen.
const RAGGED_NARROWING: f32 = 0.1;

/// With `images.span = "auto"`, a picture spans the columns when it would
/// be set at least this much larger across the page than in a column.
const SPAN_GAIN: f32 = 1.5;

/// Breaks a ragged paragraph into a line more than [`linebreak::linebreak`]
/// does: ragged lines have no spacing to give, so the paragraph is broken
/// at a measure up to [`RAGGED_NARROWING`] narrower (its lines are still
/// set at the full one, the rag a little deeper). A line fewer would need
/// a wider measure: `None`, as when no narrower measure gives a line more.
fn ragged_loose(
    items: &[Item],
    params: &Params,
    looseness: i32,
    lines: impl FnOnce() -> usize,
) -> Option<Vec<linebreak::Break>> {
    if looseness != 1 {
        return None;
    }
    let n = lines();
    for step in 1..=5 {
        let k = 1.0 - RAGGED_NARROWING * step as f32 / 5.0;
        let narrower =
            Params { first_width: params.first_width * k, width: params.width * k, ..*params };
        let breaks = linebreak::linebreak(items, &narrower);
        if breaks.len() > n {
            return (breaks.len() == n + 1).then_some(breaks);
        }
    }
    None
}

/// The line breaker's parameters for `p` at these measures. Everything
/// [`Flow::set_paragraph_loose`] makes of a paragraph depends on the
/// paragraph, these and the looseness alone: paragraphs kept between builds
/// are found by them (`reuse.rs`).
/// With `even`, the even breaking ([`Params::with_even`]); without, the
/// plain costs a document over the even breaking's budget sets some
/// paragraphs or all with (see `flow_with`).
pub(super) fn break_params(
    p: &Paragraph,
    first_width: f32,
    width: f32,
    mode: Mode,
    even: bool,
) -> Params {
    let params = Params::new(first_width, width, mode)
        .with_em(p.max_size)
        .with_loose_demerits(linebreak::LOOSE_DEMERITS)
        .with_tight_demerits(linebreak::TIGHT_DEMERITS, crate::shape::TIGHT_RATIO)
        .with_endings();
    if even {
        params.with_even(crate::shape::WORD_STRETCH)
    } else {
        params
    }
}

impl<'a, 'b> Flow<'a, 'b> {
    /// How a paragraph may be set to even out columns: a line fewer or
    /// more justified, ragged only a line more.
    pub(super) fn loosenesses(&self) -> &'static [i32] {
        if self.spec.body.align == Align::Justify {
            &[-1, 1]
        } else {
            &[1]
        }
    }

    /// The statement's blocks, with the layout's quotation marks unless
    /// the statement asked for its own.
    pub(super) fn body_blocks(&self) -> Vec<Block> {
        let spec = self.spec;
        let mut blocks = self.st.blocks.clone();
        if self.st.meta.quotes.is_none() && spec.body.quotes != crate::statement::Quotes::Auto {
            let lang = self.st.meta.lang.as_deref().unwrap_or(&spec.body.language);
            crate::statement::localize_quotes(&mut blocks, lang, spec.body.quotes);
        }
        blocks
    }

    /// Turns blocks into units.
    pub(super) fn blocks(
        &mut self,
        blocks: &[Block],
        frame: Frame,
        out: &mut Vec<Unit>,
    ) -> Result<()> {
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
                    let gap = if out.is_empty() { 0.0 } else { self.spec.headings.space_before };
                    self.heading(content, *line, *level, frame, out, gap)?;
                }
                Block::List { start, items, line } => {
                    self.list(*start, items, *line, frame, out, gap)?;
                }
                Block::Quote { blocks, .. } => self.quote(blocks, frame, out, gap)?,
                Block::Rule { .. } => out.push(self.rule(frame, gap)),
                Block::Code { text, line } => {
                    self.code(text, *line, frame, out, gap)?;
                }
                Block::Table { header, rows, line, .. } => {
                    self.table(header, rows, *line, frame, out, gap)?;
                }
                Block::Image { alt, caption, line, picture: Some(p), wide, .. } => {
                    let text = (alt.as_str(), caption.as_str(), *line);
                    self.picture(p, text, *wide, frame, out, gap)?;
                }
                // Not loaded (a statement laid out without the picture
                // stage): nothing to draw.
                Block::Image { picture: None, .. } => {}
            }
            if keep_next {
                if let Some(u) = out.get_mut(before) {
                    u.keep.tighten();
                }
            }
            // A picture set across the columns leaves no unit here: the
            // heading before it keeps with the text after it.
            keep_next = matches!(b, Block::Heading { .. }) || (keep_next && out.len() == before);
        }
        Ok(())
    }

    /// Opens a container (list, item, quote, table) at the next block;
    /// returns its number. The caller pops it from `scopes`.
    fn open_scope(&mut self, kind: ScopeKind) -> usize {
        let id = self.paragraph_no;
        self.scopes.push(Scope { kind, id });
        id
    }

    /// Records what block `pno` is, in the containers open now, and
    /// returns the mark of its text.
    pub(super) fn record(
        &mut self,
        pno: usize,
        kind: BlockKind,
        title: Option<String>,
        line: usize,
    ) -> Mark {
        if self.roles.len() <= pno {
            self.roles.resize(pno + 1, None);
        }
        self.roles[pno] = Some(BlockRole { kind, scopes: self.scopes.clone(), title, line });
        Mark { statement: self.statement, block: pno, part: Part::Text }
    }

    /// Breaks a shaped paragraph and sets its lines.
    pub(super) fn set_paragraph(
        &self,
        p: &Paragraph,
        first_width: f32,
        width: f32,
        mode: Mode,
    ) -> Vec<SetLine> {
        self.set_paragraph_loose(p, first_width, width, mode, 0)
    }

    /// Like [`Flow::set_paragraph`], with `looseness` lines more or fewer
    /// if the paragraph allows it (ragged, only more: see [`ragged_loose`]).
    pub(super) fn set_paragraph_loose(
        &self,
        p: &Paragraph,
        first_width: f32,
        width: f32,
        mode: Mode,
        looseness: i32,
    ) -> Vec<SetLine> {
        let params = break_params(p, first_width, width, mode, self.even());
        let normal = std::cell::OnceCell::new();
        let normal = || normal.get_or_init(|| linebreak::linebreak(&p.items, &params)).as_slice();
        self.set_paragraph_from(p, &params, looseness, normal, true)
    }

    /// [`Flow::set_paragraph_loose`] with the paragraph's breaking at
    /// `params` (looseness 0) given by `normal`, which is asked only when
    /// needed; with `draw` false only measured (see [`set_line_as`]).
    fn set_paragraph_from<'n>(
        &self,
        p: &Paragraph,
        params: &Params,
        looseness: i32,
        normal: impl Fn() -> &'n [linebreak::Break],
        draw: bool,
    ) -> Vec<SetLine> {
        let (first_width, width, mode) = (params.first_width, params.width, params.mode);
        let lines = || normal().len();
        let loosen = |looseness: i32| match mode {
            Mode::Justify => linebreak::linebreak_loose_from(&p.items, params, looseness, lines),
            Mode::Ragged => ragged_loose(&p.items, params, looseness, lines),
        };
        let breaks = loosen(looseness).unwrap_or_else(|| normal().to_vec());
        let set = |breaks: &[linebreak::Break]| {
            let mut lines = Vec::with_capacity(breaks.len());
            let mut start = 0;
            let n = breaks.len();
            for (k, b) in breaks.iter().enumerate() {
                let measure = if k == 0 { first_width } else { width };
                let last = k + 1 == n || linebreak::ends_filled(&p.items, b.index);
                let span = LineSpan { start, end: b.index, hyphen: b.hyphen, last };
                lines.push(set_line_as(p, span, measure, mode, params.expansion > 0.0, draw));
                start = b.index + 1;
            }
            lines
        };
        let lines = set(&breaks);
        if looseness != 0 || !dash_run(&lines) {
            return lines;
        }
        // Lines starting with an em dash one under another read as a list
        // that is not there: a line more or fewer usually moves them apart.
        for other in [1, -1] {
            if let Some(b) = loosen(other) {
                let tried = set(&b);
                if !dash_run(&tried) {
                    return tried;
                }
            }
        }
        lines
    }

    /// A body paragraph set with `looseness`, its breaking at looseness 0
    /// kept in the memo by `key` while the searches try it again and again.
    fn set_paragraph_kept(
        &mut self,
        key: (usize, u32),
        p: &Paragraph,
        width: f32,
        mode: Mode,
        looseness: i32,
    ) -> Vec<SetLine> {
        let params = break_params(p, width, width, mode, self.even());
        let Some(memo) = self.memo.as_mut() else {
            return self.set_paragraph_loose(p, width, width, mode, looseness);
        };
        let normal = Rc::clone(
            memo.breaks
                .entry(key)
                .or_insert_with(|| Rc::from(linebreak::linebreak(&p.items, &params))),
        );
        // A try of the searches only measures its lines (see `Memo::hollow`).
        let draw = !memo.hollow;
        self.set_paragraph_from(p, &params, looseness, || &normal, draw)
    }

    /// Paragraph `paragraph_no` shaped with `style`. A paragraph the
    /// searches try (see [`super::Memo`]) is kept shaped, so that trying it
    /// the other way only breaks it again; the first setting keeps none, as
    /// most would never be tried and they would only add to the peak memory.
    fn shaped(
        &mut self,
        content: &[Inline],
        style: &crate::shape::TextStyle,
        line: usize,
        width: f32,
    ) -> Result<Rc<Paragraph>> {
        let key = (self.paragraph_no, width.to_bits());
        if let Some(p) = self.memo.as_ref().and_then(|m| m.shaped.get(&key)) {
            return Ok(Rc::clone(p));
        }
        let src = self.source(line);
        let p = Rc::new(self.shaper.paragraph(content, style, &src)?);
        if let Some(m) = self.memo.as_mut().filter(|m| m.hollow) {
            m.shaped.insert(key, Rc::clone(&p));
        }
        Ok(p)
    }

    /// Lines kept under `key` while the searches set the body again and
    /// again (see [`super::Memo`]), as a setting pushes them.
    fn remembered(&mut self, key: (usize, u32, i32)) -> Option<Vec<SetLine>> {
        let m = self.memo.as_mut()?;
        if m.hollow {
            let lines = m.lines.get(&key).or_else(|| m.measured.get(&key))?;
            return Some(m.lines_for(lines));
        }
        if m.last {
            return m.lines.remove(&key).map(std::sync::Arc::unwrap_or_clone);
        }
        m.lines.get(&key).map(|lines| m.lines_for(lines))
    }

    /// Keeps `lines` under `key` when the flow keeps lines, and gives them
    /// as a setting pushes them: lines a try set (only measured, or drawn
    /// but asked for while measuring) are kept apart, for tries alone.
    fn remember(&mut self, key: (usize, u32, i32), lines: super::SharedLines) -> Vec<SetLine> {
        match self.memo.as_mut() {
            Some(m) if m.hollow => {
                let out = m.lines_for(&lines);
                m.measured.insert(key, lines);
                out
            }
            Some(m) if !m.last => {
                let out = m.lines_for(&lines);
                m.lines.insert(key, lines);
                out
            }
            _ => std::sync::Arc::unwrap_or_clone(lines),
        }
    }

    pub(super) fn paragraph(
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
        let lines = match self.remembered(key) {
            Some(lines) => lines,
            None => {
                let mode =
                    if spec.body.align == Align::Justify { Mode::Justify } else { Mode::Ragged };
                let w = frame.width;
                // A watch keeps paragraphs between builds (`reuse.rs`);
                // otherwise a paragraph the searches try is kept shaped.
                let lines = if self.shaper.set_paragraphs.on {
                    let src = self.source(line);
                    self.set_kept(content, &style, &src, w, w, mode, loose)?
                } else {
                    let p = self.shaped(content, &style, line, w)?;
                    let key = (self.paragraph_no, w.to_bits());
                    std::sync::Arc::new(self.set_paragraph_kept(key, &p, w, mode, loose))
                };
                self.remember(key, lines)
            }
        };
        let m = self.body_metrics();
        let limits =
            Limits { orphans: spec.body.orphans as usize, widows: spec.body.widows as usize };
        self.next_role = Some((BlockKind::Paragraph, None, line));
        self.push_lines(lines, m, frame, kind, out, gap, limits);
        Ok(())
    }

    /// Sets a heading of `level` in its size; no column ends inside it.
    pub(super) fn heading(
        &mut self,
        content: &[Inline],
        line: usize,
        level: u8,
        frame: Frame,
        out: &mut Vec<Unit>,
        gap: f32,
    ) -> Result<()> {
        let spec = self.spec;
        let sizes = &spec.headings.sizes;
        let size = sizes
            .get(usize::from(level).saturating_sub(1))
            .or(sizes.last())
            .copied()
            .unwrap_or(spec.body.size * 1.2);
        let style = self.text_style(size, &spec.headings.font, true, false, frame.width);
        // Headings are never set looser: one setting serves every pass.
        let key = (self.paragraph_no, frame.width.to_bits(), 0);
        let lines = match self.remembered(key) {
            Some(lines) => lines,
            None => {
                let src = self.source(line);
                let w = frame.width;
                let lines = self.set_kept(content, &style, &src, w, w, Mode::Ragged, 0)?;
                self.remember(key, lines)
            }
        };
        // Heading lines sit on a leading that is a whole multiple of
        // nothing in particular: 1.15 × size reads well for display type.
        let m =
            self.metrics_for(&spec.headings.font, size, (size * 1.15).max(spec.body.leading * 0.8));
        let n0 = out.len();
        self.next_role = Some((BlockKind::Heading(level), Some(plain_text(content)), line));
        self.push_lines(lines, m, frame, LineKind::Heading, out, gap, Limits::NONE);
        if out.len() > n0 {
            if let Some(u) = out.last_mut() {
                u.height += spec.headings.space_after;
            }
        }
        // No column break inside a heading.
        for u in out.iter_mut().skip(n0 + 1) {
            u.keep.tighten();
        }
        Ok(())
    }

    /// Sets a quotation's blocks indented, with a bar in the margin beside
    /// each of its units.
    fn quote(
        &mut self,
        blocks: &[Block],
        frame: Frame,
        out: &mut Vec<Unit>,
        gap: f32,
    ) -> Result<()> {
        let indent = self.spec.body.size;
        let inner = Frame {
            indent: frame.indent + indent,
            width: (frame.width - indent * 2.0).max(frame.width * 0.5),
            quote_depth: frame.quote_depth + 1,
        };
        let n0 = out.len();
        self.open_scope(ScopeKind::Quote);
        let made = self.blocks(blocks, inner, out);
        self.scopes.pop();
        made?;
        if let Some(u) = out.get_mut(n0) {
            u.space_before = u.space_before.max(gap);
        }
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
        Ok(())
    }

    /// A thematic break: a short rule centred in a line of its own.
    fn rule(&self, frame: Frame, gap: f32) -> Unit {
        let lead = self.spec.body.leading;
        let w = frame.width / 3.0;
        Unit {
            height: lead,
            space_before: gap,
            keep: Keep::Free,
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
        }
    }

    /// A picture as one unit (never split), at the column's width or its
    /// natural size if smaller, aspect kept, no taller than half the
    /// page's text area; its caption follows, kept with it. A picture that
    /// spans the columns (its `{.wide}` marker, or `images.span`) is set at
    /// the text width instead, with its caption, as a float placed between
    /// sections of columns.
    fn picture(
        &mut self,
        pic: &std::sync::Arc<crate::picture::Picture>,
        (alt, caption, line): (&str, &str, usize),
        wide: Option<bool>,
        frame: Frame,
        out: &mut Vec<Unit>,
        gap: f32,
    ) -> Result<()> {
        let spec = self.spec;
        let (nw, nh) = pic.natural_size();
        let page_text = spec.page.height - spec.page.margin.top - spec.page.margin.bottom;
        let most = if spec.images.upscale { f32::MAX } else { 1.0 };
        let fitted = |width: f32, most: f32| (width / nw).min(page_text * 0.5 / nh).min(most);
        let set_at = |width: f32| fitted(width, most) * self.picture_scale;
        let text_w = spec.page.width - spec.page.margin.left - spec.page.margin.right;
        // Only a picture of the text itself (not in a list or a quote).
        let top_level = self.may_span && frame.indent == 0.0 && frame.quote_depth == 0;
        let span = top_level
            && match wide.map_or(spec.images.span, |w| {
                if w {
                    ImageSpan::Page
                } else {
                    ImageSpan::Column
                }
            }) {
                ImageSpan::Column => false,
                ImageSpan::Page => true,
                // Across the page it would be half as large again: a
                // landscape photo or a wide map; a portrait or a small
                // picture gains nothing and keeps to its column.
                // (Sizes as the file gives them: enlarging a small picture
                // past its natural size is no reason to span.)
                ImageSpan::Auto => fitted(text_w, 1.0) >= fitted(frame.width, 1.0) * SPAN_GAIN,
            };
        let frame = if span { Frame { width: text_w, ..frame } } else { frame };
        let scale = set_at(frame.width);
        let (w, h) = (nw * scale, nh * scale);
        if let Some(ppi) = pic.ppi_at(w) {
            if ppi < crate::picture::NATURAL_PPI - 0.5 {
                self.warnings.push(Warning::new(
                    Location::line(&self.st.path, line),
                    format!(
                        "{} is {ppi:.0} ppi at this size: it will print blurry — use a larger file",
                        pic.name
                    ),
                ));
            }
        }
        let x = frame.indent + (frame.width - w) / 2.0;
        // A block of its own in the structure: a Figure read by its alt text.
        let pno = self.paragraph_no;
        self.paragraph_no += 1;
        let mark = self.record(pno, BlockKind::Figure, Some(alt.to_owned()), line);
        // A little air under the picture, before its caption or the text.
        let air = spec.body.leading * 0.4;
        let mut set = vec![Unit {
            height: h + air,
            space_before: if span { 0.0 } else { gap },
            keep: Keep::Free,
            elements: vec![Element::Image {
                x,
                y: 0.0,
                w,
                h,
                picture: pic.clone(),
                alt: alt.to_owned(),
                mark: Some(mark),
            }],
            links: Vec::new(),
            lines: Vec::new(),
        }];
        if !caption.is_empty() {
            let text = Inline::Text(crate::statement::Span {
                text: caption.to_owned(),
                style: crate::statement::Style { italic: true, ..Default::default() },
                link: None,
            });
            // Across the columns, the caption lines up with the picture
            // (at least a column wide).
            let under = if span {
                let width = w.max(self.column_width);
                Frame { indent: frame.indent + (frame.width - width) / 2.0, width, ..frame }
            } else {
                frame
            };
            self.paragraph(&[text], line, under, LineKind::Body, &mut set, 0.0)?;
            for u in &mut set[1..] {
                u.keep = Keep::Hard;
            }
        }
        if span {
            // Before a heading that would otherwise stand alone above it.
            let mut anchor = out.len();
            while anchor > 0
                && out[anchor - 1].lines.first().is_some_and(|l| l.kind == LineKind::Heading)
            {
                anchor -= 1;
            }
            self.floats.push(super::span::Float { anchor, units: set });
        } else {
            out.append(&mut set);
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn push_lines(
        &mut self,
        lines: Vec<SetLine>,
        m: LineMetrics,
        frame: Frame,
        kind: LineKind,
        out: &mut Vec<Unit>,
        gap: f32,
        limits: Limits,
    ) {
        let n = lines.len();
        let pno = self.paragraph_no;
        self.paragraph_no += 1;
        let (role, title, line) = self.next_role.take().unwrap_or((
            match kind {
                LineKind::Heading => BlockKind::Heading(1),
                LineKind::Masthead => BlockKind::Masthead,
                LineKind::Footer => BlockKind::Footer,
                LineKind::Body | LineKind::Other => BlockKind::Paragraph,
            },
            None,
            0,
        ));
        let mark = self.record(pno, role, title, line);
        let mut after_hyphen = false;
        for (i, l) in lines.into_iter().enumerate() {
            let keep = limits.keep(i, n, after_hyphen);
            after_hyphen = l.hyphen;
            let mut elements = Vec::with_capacity(l.runs.len() + l.strikes.len());
            for r in l.runs {
                let (x, y) = (r.x + frame.indent, m.baseline);
                elements.push(Element::Text(TextRun { x, y, mark: Some(mark), ..r }));
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
                    mark: Some(mark),
                })
                .collect();
            out.push(Unit {
                height: m.leading,
                space_before: if i == 0 { gap } else { 0.0 },
                keep,
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

    pub(super) fn list(
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
        self.open_scope(ScopeKind::List { numbered: start.is_some() });
        let made = self.list_items(start, items, inner, indent, family, out, gap);
        self.scopes.pop();
        made
    }

    /// Sets the items of a list, each marker hanging in the list's indent.
    #[allow(clippy::too_many_arguments)]
    fn list_items(
        &mut self,
        start: Option<u64>,
        items: &[Vec<Block>],
        inner: Frame,
        indent: f32,
        family: &'a str,
        out: &mut Vec<Unit>,
        gap: f32,
    ) -> Result<()> {
        let size = self.spec.body.size;
        for (k, item) in items.iter().enumerate() {
            let n0 = out.len();
            let depth = self.scopes.len();
            let item_no = self.open_scope(ScopeKind::Item);
            let made = self.blocks(item, inner, out);
            self.scopes.pop();
            made?;
            if out.len() == n0 {
                continue;
            }
            out[n0].space_before =
                if k == 0 { gap } else { self.spec.body.paragraph_spacing * 0.5 };
            // A hollow setting (see `Memo::hollow`) draws no marker.
            if self.memo.as_ref().is_some_and(|m| m.hollow) {
                continue;
            }
            // The marker hangs in the list's indent, ending a little before the text.
            let marker = match start {
                Some(s) => format!("{}.", s + k as u64),
                None => "\u{2022}".to_string(),
            };
            let style = self.text_style(size, family, false, false, indent);
            let src = Location::default();
            let p = self.shaper.paragraph(&[Inline::text(marker)], &style, &src)?;
            let span = LineSpan { start: 0, end: p.items.len() - 1, hyphen: false, last: true };
            let set = set_line(&p, span, indent, Mode::Ragged, false);
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
            let mark = Mark {
                statement: self.statement,
                block: item_no,
                part: Part::Label(u8::try_from(depth).unwrap_or(u8::MAX)),
            };
            for (k, r) in set.runs.into_iter().enumerate() {
                let (x, y) = (r.x + x, baseline);
                first.elements.insert(k, Element::Text(TextRun { x, y, mark: Some(mark), ..r }));
            }
        }
        Ok(())
    }

    pub(super) fn code(
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
        let mark = self.record(pno, BlockKind::Code, None, line);
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
                        mark: Some(mark),
                        ..r
                    }));
                }
                out.push(Unit {
                    height: m.leading,
                    space_before: if i == 0 && j == 0 { gap } else { 0.0 },
                    keep: Limits::BLOCK.keep(i, n, false),
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

    pub(super) fn table(
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
        let grid = TableGrid { frame, size, pad, cell_w, metrics: m, family };
        self.open_scope(ScopeKind::Table);
        let rows = all
            .into_iter()
            .map(|(is_header, cells)| self.table_row(cells, is_header, &grid, &src, line))
            .collect::<Result<Vec<Unit>>>();
        self.scopes.pop();
        for (ri, mut row) in rows?.into_iter().enumerate() {
            if ri == 0 {
                let (x0, x1) = (frame.indent, frame.indent + frame.width);
                let width = 0.8;
                row.elements.push(Element::Rule {
                    x0,
                    y0: 0.0,
                    x1,
                    y1: 0.0,
                    width,
                    ink: Ink::Black,
                });
            }
            row.space_before = if ri == 0 { gap } else { 0.0 };
            row.keep = Limits::BLOCK.keep(ri, n, false);
            out.push(row);
        }
        Ok(())
    }

    /// Sets one row of a table: its cells side by side, each broken to
    /// its width, and a rule under it (heavier under the header).
    fn table_row(
        &mut self,
        cells: &[Vec<Inline>],
        is_header: bool,
        grid: &TableGrid<'a>,
        src: &Location,
        line: usize,
    ) -> Result<Unit> {
        let TableGrid { frame, size, pad, cell_w, metrics: m, family } = *grid;
        let mut elements = Vec::new();
        let mut infos = Vec::new();
        let mut links = Vec::new();
        let mut row_lines = 1;
        let pno = self.paragraph_no;
        self.paragraph_no += 1;
        let row = self.record(pno, BlockKind::Row { header: is_header }, None, line);
        for (ci, cell) in cells.iter().enumerate() {
            let mark = Mark { part: Part::Cell(u16::try_from(ci).unwrap_or(u16::MAX)), ..row };
            let measure = (cell_w - 2.0 * pad).max(size);
            let style = self.text_style(size, family, is_header, true, measure);
            let p = self.shaper.paragraph(cell, &style, src)?;
            let set = self.set_paragraph(&p, measure, measure, Mode::Ragged);
            row_lines = row_lines.max(set.len());
            let x = frame.indent + ci as f32 * cell_w + pad;
            for (li, s) in set.into_iter().enumerate() {
                let y = pad + m.baseline + li as f32 * m.leading;
                for r in s.runs {
                    elements.push(Element::Text(TextRun { x: r.x + x, y, mark: Some(mark), ..r }));
                }
                for (x0, x1, url) in s.links {
                    links.push(Link {
                        x: x + x0,
                        y: pad + li as f32 * m.leading,
                        w: x1 - x0,
                        h: m.leading,
                        url,
                        mark: Some(mark),
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
        let (x0, x1) = (frame.indent, frame.indent + frame.width);
        let width = if is_header { 0.8 } else { 0.3 };
        elements.push(Element::Rule { x0, y0: h, x1, y1: h, width, ink: Ink::Black });
        Ok(Unit { height: h, space_before: 0.0, keep: Keep::Free, elements, links, lines: infos })
    }
}

/// How a table's cells are set: in `frame`, `cell_w` wide with `pad` inside,
/// in `family` at `size` with `metrics`.
#[derive(Debug, Clone, Copy)]
struct TableGrid<'a> {
    frame: Frame,
    size: f32,
    pad: f32,
    cell_w: f32,
    metrics: LineMetrics,
    family: &'a str,
}

/// Puts every body line on the grid of the body leading: spaces become
/// whole lines, and runs of other units (headings, code, tables) are padded
/// to a whole number of lines.
pub(super) fn snap_to_grid(units: &mut [Unit], lead: f32) {
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

/// Tells whether two lines in a row start with an em dash.
fn dash_run(lines: &[SetLine]) -> bool {
    lines.windows(2).any(|w| w.iter().all(|l| l.text.trim_start().starts_with('\u{2014}')))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::fonts::{shipped_dir, FontBook};
    use crate::shape::Shaper;
    use crate::spec::LayoutSpec;
    use crate::statement::parse;
    use crate::vars::Vars;

    /// Turns a Markdown statement's blocks into units with the default
    /// layout and writes each unit's keep (`.` free, `~` soft, `+` hard)
    /// and kind (`H` heading line, `a` other line).
    fn keeps(markdown: &str) -> String {
        let book = FontBook::load(&[shipped_dir()]).expect("shipped fonts");
        let st = parse(Path::new("t.md"), markdown).expect("parses");
        let spec = LayoutSpec::default();
        let vars = Vars::new();
        let Ok(mut flow) = Flow::new(&st, &spec, Shaper::new(&book), &vars) else {
            panic!("the default layout's fonts are shipped")
        };
        let frame = Frame { indent: 0.0, width: flow.column_width, quote_depth: 0 };
        let mut units = Vec::new();
        flow.blocks(&st.blocks, frame, &mut units).expect("sets");
        let sketch: Vec<String> = units
            .iter()
            .map(|u| {
                let keep = match u.keep {
                    Keep::Free => '.',
                    Keep::Soft => '~',
                    Keep::Hard => '+',
                };
                let kind = match u.lines.first().map(|l| l.kind) {
                    Some(LineKind::Heading) => 'H',
                    _ => 'a',
                };
                format!("{keep}{kind}")
            })
            .collect();
        sketch.join(" ")
    }

    #[test]
    fn headings_keep_with_what_follows() {
        let md = "## One\n\nText.\n\n## Two\n\n- First\n- Second\n";
        assert_eq!(keeps(md), ".H +a .H +a .a");
        // A heading of several lines holds together.
        let md =
            "Intro.\n\n## A heading long enough to take more than one line in a column\n\nText.\n";
        assert_eq!(keeps(md), ".a .H +H +a");
    }

    /// `n` words of width 4 with spaces of width 1 between, as a
    /// paragraph ends.
    fn words(n: usize) -> Vec<Item> {
        let word = Item::Box { width: 4.0, hang_start: 0.0, hang_end: 0.0 };
        let space = Item::Glue { width: 1.0, stretch: 0.5, shrink: 0.3 };
        let mut items = vec![word];
        for _ in 1..n {
            items.extend([space, word]);
        }
        items.push(Item::Glue { width: 0.0, stretch: linebreak::FIL, shrink: 0.0 });
        items.push(Item::Penalty {
            width: 0.0,
            penalty: -linebreak::INFINITY,
            flagged: false,
            hang_end: 0.0,
        });
        items
    }

    #[test]
    fn a_ragged_paragraph_is_set_a_line_longer_at_a_narrower_measure() {
        // Twelve words, four to a line of 20: three lines.
        let items = words(12);
        let params = Params::new(20.0, 20.0, Mode::Ragged);
        assert_eq!(linebreak::linebreak(&items, &params).len(), 3);
        // 10 % narrower takes a word off each line: four lines.
        let loose = |p: &Params, looseness| {
            ragged_loose(&items, p, looseness, || linebreak::linebreak(&items, p).len())
        };
        let longer = loose(&params, 1).expect("a line more");
        assert_eq!(longer.len(), 4);
        // A wider measure would overflow the column: no line fewer.
        assert_eq!(loose(&params, -1), None);
        // Where 10 % is not enough, nothing.
        let roomy = Params::new(23.0, 23.0, Mode::Ragged);
        assert_eq!(loose(&roomy, 1), None);
    }
}
