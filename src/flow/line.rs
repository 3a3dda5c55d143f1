//! One line of a broken paragraph, set at its measure: where each glyph
//! goes, how the line's slack is shared between word spaces and glyph
//! expansion, and the order in which a PDF reader meets right-to-left text.

use std::collections::BTreeSet;

use crate::linebreak::{Item, Mode};
use crate::pages::{Ink, TextRun};
use crate::shape::{Decor, Paragraph, Piece, Run, WORD_SHRINK, WORD_STRETCH};

/// Color of links in color mode (a dark blue that stays readable).
pub(super) const LINK_INK: Ink = Ink::Accent(0x1a, 0x4a, 0x8a);

/// A line set at its measure: runs relative to the measure's left edge and
/// the baseline.
#[derive(Clone)]
pub(super) struct SetLine {
    pub(super) runs: Vec<TextRun>,
    pub(super) links: Vec<(f32, f32, String)>,
    pub(super) strikes: Vec<(f32, f32, f32)>,
    pub(super) ratio: f32,
    pub(super) hyphen: bool,
    pub(super) natural: f32,
    pub(super) text: String,
}

/// Which items of a paragraph one line holds, and how it ends.
#[derive(Debug, Clone, Copy)]
pub(super) struct LineSpan {
    /// The first item after the previous break.
    pub(super) start: usize,
    /// The break item.
    pub(super) end: usize,
    /// The line ends with a hyphen the break adds.
    pub(super) hyphen: bool,
    /// The paragraph's last line (a justified one stays at its natural
    /// width unless it is too long).
    pub(super) last: bool,
}

/// Share of loose lines over which a document is set again with the plain
/// costs: below the 5 % that `tests/leaflets.rs` holds every document to.
const EVEN_LOOSE_BUDGET: f32 = 0.045;
/// Share of hyphenated lines likewise (the limit is 15 %).
const EVEN_HYPHEN_BUDGET: f32 = 0.145;

/// What the even breaking's budget counts of a document: its lines and
/// hyphenated lines, its measured lines (inner justified lines of three
/// words or more) and the loose ones among them (mean space above 1.6
/// times the median space, as `pdfmetrics.py` measures), and by paragraph
/// also the tight ones (mean space under 0.7 times the median).
#[derive(Debug, Default)]
pub(super) struct Budget {
    lines: usize,
    hyphens: usize,
    measured: usize,
    loose: usize,
    /// Hyphenated, loose and tight lines by paragraph number.
    paragraphs: std::collections::BTreeMap<usize, Counts>,
}

/// Hyphenated, loose and tight lines of one paragraph.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    hyphens: usize,
    loose: usize,
    tight: usize,
}

impl Budget {
    /// Counts the lines of `pages`.
    pub(super) fn of(pages: &[crate::pages::Page]) -> Self {
        use crate::pages::{Element, LineKind};
        let mut b = Budget::default();
        let mut gaps = Vec::new();
        let mut means = Vec::new();
        for page in pages {
            for l in page
                .lines
                .iter()
                .filter(|l| !matches!(l.kind, LineKind::Masthead | LineKind::Footer))
            {
                b.lines += 1;
                if l.hyphen {
                    b.hyphens += 1;
                    b.paragraphs.entry(l.paragraph).or_default().hyphens += 1;
                }
                if l.kind != LineKind::Body
                    || l.index + 1 >= l.count
                    || l.text.split(' ').count() < 3
                {
                    continue;
                }
                let mut g = Vec::new();
                for e in &page.elements {
                    let Element::Text(r) = e else { continue };
                    if (r.y - l.y).abs() >= 0.01 || r.x < l.x - 6.0 || r.x >= l.x + l.width {
                        continue;
                    }
                    let spaces =
                        r.glyphs.iter().filter(|gl| r.text.get(gl.text.clone()) == Some(" "));
                    g.extend(spaces.map(|gl| gl.advance / r.size));
                }
                if !g.is_empty() {
                    means.push((l.paragraph, g.iter().sum::<f32>() / g.len() as f32));
                    gaps.extend(g);
                }
            }
        }
        gaps.sort_by(f32::total_cmp);
        let median = gaps.get(gaps.len().saturating_sub(1) / 2).copied().unwrap_or(0.0);
        b.measured = means.len();
        for (paragraph, mean) in means {
            let c = b.paragraphs.entry(paragraph).or_default();
            if mean > 1.6 * median {
                b.loose += 1;
                c.loose += 1;
            } else if mean < 0.7 * median {
                c.tight += 1;
            }
        }
        b
    }

    /// Hyphenated and loose lines over the budget (negative: how many
    /// more it allows).
    fn excess(&self) -> (i64, i64) {
        let hyphens = (EVEN_HYPHEN_BUDGET * self.lines as f32).floor() as i64;
        let loose = (EVEN_LOOSE_BUDGET * self.measured as f32).floor() as i64;
        (self.hyphens as i64 - hyphens, self.loose as i64 - loose)
    }

    /// Tells whether the document exceeds the budget.
    pub(super) fn over(&self) -> bool {
        let (hyphens, loose) = self.excess();
        hyphens > 0 || loose > 0
    }

    /// The paragraphs to set with the plain costs, the rest evenly, so
    /// that a document these counts (set evenly) put over the budget comes
    /// within it, judged by `plain`, the counts of the document set with
    /// the plain costs throughout: each time the paragraph that takes the
    /// most hyphenated or loose lines off the excess without adding to
    /// either beyond the budget, and of those, the one the plain costs set
    /// with the fewest tight lines more. None if they cannot bring it
    /// within the budget.
    pub(super) fn plain_paragraphs(&self, plain: &Budget) -> Option<BTreeSet<usize>> {
        let (mut hyphens, mut loose) = self.excess();
        let mut chosen = BTreeSet::new();
        while hyphens > 0 || loose > 0 {
            // (paragraph, lines taken off the excess, tight lines added,
            // change of hyphenated and of loose lines)
            let mut best: Option<(usize, i64, usize, i64, i64)> = None;
            for (&n, even) in &self.paragraphs {
                if chosen.contains(&n) {
                    continue;
                }
                let p = plain.paragraphs.get(&n).copied().unwrap_or_default();
                let dh = p.hyphens as i64 - even.hyphens as i64;
                let dl = p.loose as i64 - even.loose as i64;
                let (h, l) = (hyphens + dh, loose + dl);
                // Nothing may grow past the budget, or further over it.
                if (dh > 0 && h > 0) || (dl > 0 && l > 0) {
                    continue;
                }
                let taken = (hyphens.max(0) - h.max(0)) + (loose.max(0) - l.max(0));
                let tight = p.tight.saturating_sub(even.tight);
                let better = match best {
                    None => taken > 0,
                    Some((_, t, added, ..)) => taken > t || (taken == t && tight < added),
                };
                if better {
                    best = Some((n, taken, tight, dh, dl));
                }
            }
            let (n, _, _, dh, dl) = best?;
            hyphens += dh;
            loose += dl;
            chosen.insert(n);
        }
        Some(chosen)
    }
}

/// Sets one line of `p` at `measure`: trims what the breaks leave at its
/// ends, measures it, shares its slack (or excess) between word spaces and
/// glyph expansion, then draws its pieces in visual order. With `even`
/// (the breaker judged the line so, see `Params::with_even`) every glyph
/// expands and the words take the adjustment first.
pub(super) fn set_line(
    p: &Paragraph,
    span: LineSpan,
    measure: f32,
    mode: Mode,
    even: bool,
) -> SetLine {
    set_line_as(p, span, measure, mode, even, true)
}

/// [`set_line`], or with `draw` false only measured: the line's facts
/// (ratio, natural width, hyphen, text) the same, no runs, links or
/// strikes. The searches' tries read no more, and most are thrown away.
pub(super) fn set_line_as(
    p: &Paragraph,
    span: LineSpan,
    measure: f32,
    mode: Mode,
    even: bool,
    draw: bool,
) -> SetLine {
    let (s, e) = trim(p, span.start, span.end);
    let mut widths = Widths::of(p, s, e);
    let hyphen = added_hyphen(p, span);
    if let Some((width, _)) = hyphen {
        widths.natural += width;
    }
    let hyphen = hyphen.map(|(_, run)| run);
    if even {
        widths.expand_every_glyph(hyphen);
    }
    let (hang_start, hang_end) = hangs(p, s, e, span);
    let target = measure + hang_start + if mode == Mode::Justify { hang_end } else { 0.0 };
    let ratio = widths.ratio(target, mode, span.last);
    let adjust = Adjust::share(&widths, ratio, hyphen, even);

    let mut pen = Pen::new(p, adjust.expand, widths.glyphs + (e - s) + 1);
    pen.measure_only = !draw;
    // Right-to-left lines are set from 0 and moved right at the end.
    pen.x = if p.rtl { 0.0 } else { -hang_start };
    for slot in visual_order(p, s, e, hyphen.is_some()) {
        let Some(k) = slot else {
            if let Some(h) = hyphen {
                // A soft hyphen: readers of the PDF drop it and join the word.
                pen.draw(h, h.decor, None, adjust.expand, Some("\u{AD}"));
            }
            continue;
        };
        match (&p.items[k], &p.pieces[k]) {
            (Item::Box { .. }, Piece::Word(run)) => {
                pen.draw(run, run.decor, None, adjust.expand, None)
            }
            (Item::Box { width, .. }, _) => pen.x += width,
            (glue @ Item::Glue { .. }, piece) => pen.space(k, e, glue, piece, &adjust),
            _ => {}
        }
    }
    let natural = pen.x - if mode == Mode::Justify { hang_end } else { 0.0 };
    // Right to left: flush with the measure's right edge, where the
    // logical line start hangs out (mirrored hanging punctuation).
    let shift = if p.rtl { measure + hang_start - pen.x } else { 0.0 };
    let room = pen.room;
    let drawn = pen.finish(shift);
    SetLine {
        runs: drawn.runs,
        links: drawn.links,
        strikes: drawn.strikes,
        ratio,
        hyphen: span.hyphen && !span.last,
        natural,
        text: line_text(p, s, e, hyphen.is_some(), room),
    }
}

/// Returns the items `s..e` a line draws: the glue and penalties a break
/// leaves at its start are skipped, and the trailing ones before the break
/// do not count.
fn trim(p: &Paragraph, start: usize, end: usize) -> (usize, usize) {
    let mut s = start;
    while s < end && !matches!(p.items[s], Item::Box { .. }) {
        s += 1;
    }
    let mut e = end;
    while e > s && matches!(p.items[e - 1], Item::Glue { .. } | Item::Penalty { .. }) {
        e -= 1;
    }
    (s, e)
}

/// What a line is made of, measured.
#[derive(Debug, Default)]
struct Widths {
    natural: f32,
    stretch: f32,
    shrink: f32,
    /// Parts of the stretch and shrink that belong to the words'
    /// expansion allowance.
    word_stretch: f32,
    word_shrink: f32,
    /// Natural width of the line's words: their glyphs take the letter
    /// part of the adjustment by being drawn wider or narrower.
    words: f32,
    glyphs: usize,
    /// The line has a word space.
    spaced: bool,
}

impl Widths {
    /// Measures items `s..e` of `p`.
    fn of(p: &Paragraph, s: usize, e: usize) -> Self {
        let mut w = Widths::default();
        for (it, piece) in p.items[s..e].iter().zip(&p.pieces[s..e]) {
            match *it {
                Item::Box { width, .. } => w.natural += width,
                Item::Glue { width, stretch, shrink } => {
                    w.natural += width;
                    w.stretch += stretch;
                    w.shrink += shrink;
                }
                Item::Penalty { .. } => {}
            }
            match piece {
                Piece::Space { word_stretch, word_shrink, .. } => {
                    w.word_stretch += word_stretch;
                    w.word_shrink += word_shrink;
                    w.spaced = true;
                }
                Piece::Word(run) => {
                    w.glyphs += run.glyphs.len();
                    w.words += run.glyphs.iter().map(|g| g.advance).sum::<f32>();
                }
                _ => {}
            }
        }
        w
    }

    /// Gives every glyph of a line with spaces its share of the expansion,
    /// the last word's and an added `hyphen`'s too (the glue that carries
    /// the last word's allowance is dropped at the break), as the breaker
    /// counts it. Only where the words expand at all (their glue carries
    /// an allowance); a line without spaces keeps its glyphs natural.
    fn expand_every_glyph(&mut self, hyphen: Option<&Run>) {
        if !self.spaced || self.word_stretch <= 0.0 {
            return;
        }
        let hyphen_w: f32 = hyphen.map_or(0.0, |h| h.glyphs.iter().map(|g| g.advance).sum());
        let words = self.words + hyphen_w;
        let (st, sh) = (WORD_STRETCH * words, WORD_SHRINK * words);
        self.stretch += st - self.word_stretch;
        self.shrink += sh - self.word_shrink;
        self.word_stretch = st;
        self.word_shrink = sh;
    }

    /// Returns the adjustment ratio that brings the line to `target`: a
    /// justified line stretches or shrinks (its last line only shrinks, if
    /// it is too long); a ragged one only shrinks, if too long.
    fn ratio(&self, target: f32, mode: Mode, last: bool) -> f32 {
        let shrink = || {
            if self.natural > target && self.shrink > 0.0 {
                ((target - self.natural) / self.shrink).max(-1.0)
            } else {
                0.0
            }
        };
        match mode {
            Mode::Justify if !last || self.natural > target => {
                if self.natural < target && self.stretch > 0.0 {
                    (target - self.natural) / self.stretch
                } else {
                    shrink()
                }
            }
            _ => shrink(),
        }
    }
}

/// The break's added hyphen, if the line ends with one: its width and
/// glyphs.
fn added_hyphen(p: &Paragraph, span: LineSpan) -> Option<(f32, &Run)> {
    if !span.hyphen {
        return None;
    }
    match (p.items.get(span.end), p.pieces.get(span.end)) {
        (Some(Item::Penalty { width, .. }), Some(Piece::Hyphen(run))) => Some((*width, run)),
        _ => None,
    }
}

/// How far the line's first and last characters hang into the margins
/// (hanging punctuation).
fn hangs(p: &Paragraph, s: usize, e: usize, span: LineSpan) -> (f32, f32) {
    let start = match p.items.get(s) {
        Some(Item::Box { hang_start, .. }) => *hang_start,
        _ => 0.0,
    };
    let end = if span.hyphen {
        match p.items.get(span.end) {
            Some(Item::Penalty { hang_end, .. }) => *hang_end,
            _ => 0.0,
        }
    } else {
        match e.checked_sub(1).and_then(|k| p.items.get(k)) {
            Some(Item::Box { hang_end, .. }) => *hang_end,
            _ => 0.0,
        }
    };
    (start, end)
}

/// A line's adjustment, shared by the words (expanded or compressed, never
/// more than their allowance), which take it first, as pdfTeX's font
/// expansion does and as the breaker judges lines, and the spaces, which
/// take the rest (per unit of their stretch or shrink).
#[derive(Debug, Clone, Copy)]
struct Adjust {
    ratio: f32,
    /// Ratio for the spaces' own stretch or shrink.
    space_ratio: f32,
    /// Horizontal scale of the words' glyphs.
    expand: f32,
}

impl Adjust {
    /// Shares `ratio` of the line measured as `w`, with its added `hyphen`.
    ///
    /// Glyph expansion, as pdfTeX's font expansion does it: the words'
    /// glyphs (an added hyphen too) are scaled horizontally by one factor
    /// for the line, within the allowance (±2 %). Letter-spacing would give
    /// the same widths, but spaced lowercase reads worse, and every glyph
    /// would need its own offset in the PDF.
    fn share(w: &Widths, ratio: f32, hyphen: Option<&Run>, even: bool) -> Self {
        // Without `even`, the words take their part of the ratio alone.
        let (letter, space_ratio) = if ratio >= 0.0 {
            let total = ratio * w.stretch;
            let letters = if even {
                total.min(w.word_stretch)
            } else {
                (ratio.min(1.0) * w.word_stretch).min(total)
            };
            let space_st = w.stretch - w.word_stretch;
            (letters, if space_st > 0.0 { (total - letters) / space_st } else { 0.0 })
        } else {
            let total = ratio * w.shrink;
            let letters = if even {
                total.max(-w.word_shrink)
            } else {
                (ratio.max(-1.0) * w.word_shrink).max(total)
            };
            let space_sh = w.shrink - w.word_shrink;
            (letters, if space_sh > 0.0 { (total - letters) / space_sh } else { 0.0 })
        };
        let hyphen_w: f32 = hyphen.map_or(0.0, |h| h.glyphs.iter().map(|g| g.advance).sum());
        let words = w.words + hyphen_w;
        let expand = if words > 0.0 { 1.0 + letter / words } else { 1.0 };
        Adjust { ratio, space_ratio, expand }
    }

    /// Width of a space: the glue's natural width, adjusted by its own
    /// stretch or shrink (less the words' part of it).
    fn space(&self, glue: &Item, piece: &Piece) -> f32 {
        let Item::Glue { width, stretch, shrink } = *glue else { return 0.0 };
        let (wst, wsh) = match piece {
            Piece::Space { word_stretch, word_shrink, .. } => (*word_stretch, *word_shrink),
            _ => (0.0, 0.0),
        };
        if self.ratio >= 0.0 {
            width + self.space_ratio * (stretch - wst)
        } else {
            width + self.space_ratio * (shrink - wsh)
        }
    }
}

/// Returns the line's items `s..e` in visual order (the breaker works in
/// logical order), `None` standing for the added hyphen.
fn visual_order(p: &Paragraph, s: usize, e: usize, hyphen: bool) -> Vec<Option<usize>> {
    // The pieces in logical order with their bidi levels.
    let mut slots: Vec<(Option<usize>, u8)> = Vec::with_capacity(e - s + 1);
    let mut last_level = u8::from(p.rtl);
    for k in s..e {
        let level = match &p.pieces[k] {
            Piece::Word(r) | Piece::Space { run: r, .. } => r.level,
            _ => last_level,
        };
        last_level = level;
        slots.push((Some(k), level));
    }
    if hyphen {
        slots.push((None, last_level));
    }
    if p.rtl || slots.iter().any(|&(_, l)| l > 0) {
        let levels: Vec<u8> = slots.iter().map(|&(_, l)| l).collect();
        crate::script::visual_order(&levels).into_iter().map(|i| slots[i].0).collect()
    } else {
        slots.into_iter().map(|(k, _)| k).collect()
    }
}

/// Draws a line's glyphs left to right into runs (one per face, size and
/// bidi level in a row), with the extents of its links and struck text.
struct Pen<'p> {
    p: &'p Paragraph,
    /// Where the next glyph goes.
    x: f32,
    /// Horizontal scale of the words' glyphs.
    expand: f32,
    /// Room for every glyph of the line in its first run: most lines are
    /// one.
    room: usize,
    runs: Vec<PendingRun>,
    links: Vec<(f32, f32, String)>,
    strikes: Vec<(f32, f32, f32)>,
    /// Only moves on by what it would draw, to the same position.
    measure_only: bool,
}

impl<'p> Pen<'p> {
    fn new(p: &'p Paragraph, expand: f32, room: usize) -> Self {
        Pen {
            p,
            x: 0.0,
            expand,
            room,
            runs: Vec::new(),
            links: Vec::new(),
            strikes: Vec::new(),
            measure_only: false,
        }
    }

    /// Draws `run`'s glyphs, each `glyph_adv` wide if given, scaled by
    /// `scale`; a `tag` stands for their text (a space, an added hyphen).
    fn draw(
        &mut self,
        run: &Run,
        decor: Decor,
        glyph_adv: Option<f32>,
        scale: f32,
        tag: Option<&'static str>,
    ) {
        if self.measure_only {
            // The same steps as below, so that the line ends where
            // drawing it would end it, to the last bit.
            for g in &run.glyphs {
                let mut advance = glyph_adv.unwrap_or(g.advance);
                advance *= scale;
                self.x += advance;
            }
            return;
        }
        let start_x = self.x;
        let ink = if decor.link.is_some() { LINK_INK } else { Ink::Black };
        // A link's words are a run of their own: in one run with the words
        // before or after, they would take those words' ink, or give them
        // theirs.
        let same = self.runs.last().is_some_and(|r: &PendingRun| {
            r.run.face == run.face
                && r.run.size == run.size
                && r.level == run.level
                && r.run.ink == ink
        });
        if !same {
            self.runs.push(PendingRun {
                run: TextRun {
                    x: self.x,
                    y: 0.0,
                    face: run.face,
                    size: run.size,
                    glyphs: Vec::with_capacity(self.room),
                    text: String::new(),
                    rtl: run.level % 2 == 1,
                    ink,
                    expand: self.expand,
                    mark: None,
                },
                level: run.level,
                sources: Vec::with_capacity(self.room),
            });
        }
        let Some(r) = self.runs.last_mut() else { return };
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
            self.x += g2.advance;
            r.run.glyphs.push(g2);
        }
        if let Some(l) = decor.link {
            let url = self.p.links.get(l).map_or("", String::as_str);
            match self.links.last_mut() {
                Some(last) if last.2 == url && (last.1 - start_x).abs() < 0.01 => last.1 = self.x,
                _ => self.links.push((start_x, self.x, url.to_string())),
            }
        }
        if decor.strike {
            self.strikes.push((start_x, self.x, run.size));
        }
    }

    /// Draws the space of glue item `k` (of a line ending at `e`) at its
    /// adjusted width, or moves on by it if it draws nothing.
    fn space(&mut self, k: usize, e: usize, glue: &Item, piece: &Piece, adjust: &Adjust) {
        let w = adjust.space(glue, piece);
        match piece {
            Piece::Space { run, .. } if run.glyphs.len() == 1 => {
                // Links continue across the space only if both sides link.
                let mut decor = run.decor;
                if decor.link.is_some() {
                    let next_link = self.p.pieces[k + 1..e].iter().find_map(|pc| match pc {
                        Piece::Word(w) => Some(w.decor.link),
                        _ => None,
                    });
                    if next_link.flatten() != decor.link {
                        decor.link = None;
                    }
                }
                decor.strike = false;
                self.draw(run, decor, Some(w), 1.0, Some(" "))
            }
            _ => self.x += w,
        }
    }

    /// Moves everything drawn right by `shift` and returns it, a
    /// right-to-left line's runs in the order PDF readers need.
    fn finish(self, shift: f32) -> Drawn {
        let Pen { p, mut links, mut strikes, runs, .. } = self;
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
        Drawn { runs, links, strikes }
    }
}

/// What a [`Pen`] drew, as [`SetLine`] holds it.
struct Drawn {
    runs: Vec<TextRun>,
    links: Vec<(f32, f32, String)>,
    strikes: Vec<(f32, f32, f32)>,
}

/// The text of items `s..e` in logical order, with the added hyphen.
fn line_text(p: &Paragraph, s: usize, e: usize, hyphen: bool, room: usize) -> String {
    // About a byte per glyph and space (sized once; ligatures and
    // non-ASCII characters may grow it).
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
    if hyphen {
        text.push('-');
    }
    text
}

/// Puts the runs of a right-to-left line (in visual order) in the order a
/// PDF reader needs to read it logically: readers reverse each stretch of
/// right-to-left characters they meet in the content stream, but keep the
/// stretches, and the left-to-right pieces (numbers, Latin words) between
/// them, in stream order. So the stretches of right-to-left runs and the
/// left-to-right runs between them are written from right to left, each
/// right-to-left stretch still in visual order. Positions do not change.
pub(super) fn reading_order(runs: Vec<TextRun>) -> Vec<TextRun> {
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
pub(super) enum Source {
    /// A range of the paragraph text.
    Text(std::ops::Range<usize>),
    /// Fixed text (a space or an added hyphen).
    Tag(&'static str),
}

/// A text run being set: glyphs in visual order, each with its source and
/// logical position.
pub(super) struct PendingRun {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::Glyph;

    /// Width of a sketched letter, and of a space's glue: natural,
    /// stretch, shrink.
    const LETTER: f32 = 10.0;
    const SPACE: (f32, f32, f32) = (5.0, 3.0, 2.0);
    /// Width of an added hyphen.
    const HYPHEN: f32 = 4.0;

    /// Counts of a document of `lines` lines, all measured, with its
    /// paragraphs' (hyphenated, loose, tight) lines.
    fn budget(lines: usize, paragraphs: &[(usize, (usize, usize, usize))]) -> Budget {
        let paragraphs: std::collections::BTreeMap<_, _> = paragraphs
            .iter()
            .map(|&(n, (hyphens, loose, tight))| (n, Counts { hyphens, loose, tight }))
            .collect();
        Budget {
            lines,
            hyphens: paragraphs.values().map(|c| c.hyphens).sum(),
            measured: lines,
            loose: paragraphs.values().map(|c| c.loose).sum(),
            paragraphs,
        }
    }

    #[test]
    fn a_document_over_the_budget_sets_the_fewest_paragraphs_plainly() {
        // 100 lines allow 14 hyphenated and 4 loose: 17 are 3 too many.
        let even = budget(100, &[(1, (3, 0, 0)), (2, (2, 0, 0)), (3, (2, 0, 0)), (4, (10, 0, 0))]);
        assert!(even.over());
        // Plainly, 1 and 2 each save two hyphens, 1 with two tight lines
        // more; 3 saves one; 4 saves one but adds five loose lines.
        let plain = budget(100, &[(1, (1, 0, 2)), (2, (0, 0, 0)), (3, (1, 0, 0)), (4, (9, 5, 0))]);
        assert_eq!(even.plain_paragraphs(&plain), Some([2, 3].into()));
        // Within the budget: nothing to set plainly.
        let within = budget(100, &[(1, (14, 4, 0))]);
        assert!(!within.over());
        assert_eq!(within.plain_paragraphs(&plain), Some(BTreeSet::new()));
        // Loose lines over, and a paragraph that would take them off but
        // put the hyphens over instead: not taken.
        let loose = budget(100, &[(1, (14, 3, 0)), (2, (0, 3, 0))]);
        let trade = budget(100, &[(1, (14, 0, 0)), (2, (2, 0, 0))]);
        assert_eq!(loose.plain_paragraphs(&trade), Some([1].into()));
        let worse = budget(100, &[(1, (15, 0, 0)), (2, (2, 0, 0))]);
        assert_eq!(loose.plain_paragraphs(&worse), None);
    }

    fn run(glyphs: Vec<Glyph>) -> Run {
        Run { face: 0, size: 10.0, decor: Decor::default(), level: 0, glyphs }
    }

    fn glyph(advance: f32, text: std::ops::Range<usize>) -> Glyph {
        Glyph { id: 1, advance, dx: 0.0, dy: 0.0, text }
    }

    /// A paragraph sketched as text: each letter a glyph [`LETTER`] wide,
    /// each space glue as [`SPACE`] says (with `expand`, 1 pt of its
    /// stretch and 0.5 of its shrink are the word's glyph expansion, and
    /// a line with a space gives every glyph its 2 %), and
    /// `~` in a word a place to hyphenate.
    fn paragraph(sketch: &str, expand: bool) -> Paragraph {
        let mut p = Paragraph { max_size: 10.0, ..Default::default() };
        for (w, word) in sketch.split(' ').enumerate() {
            if w > 0 {
                let at = p.text.len();
                p.text.push(' ');
                let (width, stretch, shrink) = SPACE;
                p.items.push(Item::Glue { width, stretch, shrink });
                let (word_stretch, word_shrink) = if expand { (1.0, 0.5) } else { (0.0, 0.0) };
                let space = run(vec![glyph(width, at..at + 1)]);
                p.pieces.push(Piece::Space { run: space, word_stretch, word_shrink });
            }
            for (f, fragment) in word.split('~').enumerate() {
                if f > 0 {
                    let hyphen = run(vec![glyph(HYPHEN, usize::MAX..usize::MAX)]);
                    p.items.push(Item::Penalty {
                        width: HYPHEN,
                        penalty: 50.0,
                        flagged: true,
                        hang_end: 0.0,
                    });
                    p.pieces.push(Piece::Hyphen(hyphen));
                }
                let glyphs = fragment
                    .chars()
                    .map(|c| {
                        let at = p.text.len();
                        p.text.push(c);
                        glyph(LETTER, at..at + c.len_utf8())
                    })
                    .collect::<Vec<_>>();
                let width = LETTER * glyphs.len() as f32;
                p.items.push(Item::Box { width, hang_start: 0.0, hang_end: 0.0 });
                p.pieces.push(Piece::Word(run(glyphs)));
            }
        }
        p.items.push(Item::Glue { width: 0.0, stretch: 1e5, shrink: 0.0 });
        p.pieces.push(Piece::Empty);
        p.items.push(Item::Penalty {
            width: 0.0,
            penalty: -f32::INFINITY,
            flagged: false,
            hang_end: 0.0,
        });
        p.pieces.push(Piece::Empty);
        p
    }

    /// Sets the whole of `sketch` as one line (or, with `~`, the part
    /// before the first hyphenation point, hyphenated) and writes where each
    /// glyph goes: its character (`_` for a space) and its left edge.
    fn set(sketch: &str, measure: f32, mode: Mode, last: bool, expand: bool) -> String {
        let p = paragraph(sketch, expand);
        let hyphen = p.items.iter().position(|i| matches!(i, Item::Penalty { flagged: true, .. }));
        let span = LineSpan {
            start: 0,
            end: hyphen.unwrap_or(p.items.len() - 1),
            hyphen: hyphen.is_some(),
            last,
        };
        let line = set_line(&p, span, measure, mode, true);
        let mut out = Vec::new();
        for r in &line.runs {
            let mut x = r.x;
            for g in &r.glyphs {
                let c = r.text.get(g.text.clone()).unwrap_or("?").replace(' ', "_");
                out.push(format!("{c}{}", (x * 100.0).round() / 100.0));
                x += g.advance;
            }
        }
        format!("{} [{}]", out.join(" "), line.text)
    }

    #[test]
    fn a_ragged_line_is_set_at_its_natural_width() {
        let ragged = |measure| set("ab cd", measure, Mode::Ragged, false, false);
        assert_eq!(ragged(100.0), "a0 b10 _20 c25 d35 [ab cd]");
        // Too long, it shrinks its spaces (by 2 pt at most).
        assert_eq!(ragged(44.0), "a0 b10 _20 c24 d34 [ab cd]");
        assert_eq!(ragged(40.0), "a0 b10 _20 c23 d33 [ab cd]");
    }

    #[test]
    fn a_justified_line_fills_its_measure() {
        // The space takes the 4 pt the line is short.
        assert_eq!(set("ab cd", 49.0, Mode::Justify, false, false), "a0 b10 _20 c29 d39 [ab cd]");
        // With glyph expansion the words take their allowance first (every
        // glyph 2 % wider, 0.8 pt in all, though the space carries 1 pt:
        // the last word expands too), the space the rest.
        assert_eq!(
            set("ab cd", 49.0, Mode::Justify, false, true),
            "a0 b10.2 _20.4 c28.6 d38.8 [ab cd]"
        );
        // Shrunk, the same: the glyphs 2 % narrower, the space the rest.
        assert_eq!(
            set("ab cd", 44.0, Mode::Justify, false, true),
            "a0 b9.8 _19.6 c24.4 d34.2 [ab cd]"
        );
        // A paragraph's last line stays at its natural width.
        assert_eq!(set("ab cd", 49.0, Mode::Justify, true, false), "a0 b10 _20 c25 d35 [ab cd]");
    }

    #[test]
    fn a_hyphenated_line_ends_with_the_added_hyphen() {
        // The hyphen's text in the run is a soft hyphen (U+00AD): no part
        // of the word for a reader of the PDF.
        let line = set("ab cd~ef", 100.0, Mode::Ragged, false, false);
        assert_eq!(line, "a0 b10 _20 c25 d35 \u{ad}45 [ab cd-]");
        // The hyphen counts in the width the space makes up to the measure.
        let line = set("ab cd~ef", 53.0, Mode::Justify, false, false);
        assert_eq!(line, "a0 b10 _20 c29 d39 \u{ad}49 [ab cd-]");
        let p = paragraph("ab cd~ef", false);
        let span = LineSpan { start: 0, end: 3, hyphen: true, last: false };
        let set = set_line(&p, span, 100.0, Mode::Ragged, false);
        assert_eq!((set.natural, set.hyphen), (49.0, true));
    }

    #[test]
    fn a_line_only_measured_has_the_facts_of_the_line_drawn() {
        // Odd widths and an expanded, hyphenated line: the natural width
        // must come out the same to the bit, not only nearly.
        let p = paragraph("abc de fgh~ij kl", true);
        let hyphen = p.items.iter().position(|i| matches!(i, Item::Penalty { flagged: true, .. }));
        let span = LineSpan { start: 0, end: hyphen.unwrap(), hyphen: true, last: false };
        for (measure, mode) in [(83.7, Mode::Justify), (79.1, Mode::Justify), (90.3, Mode::Ragged)]
        {
            let drawn = set_line_as(&p, span, measure, mode, true, true);
            let measured = set_line_as(&p, span, measure, mode, true, false);
            assert!(!drawn.runs.is_empty() && measured.runs.is_empty());
            assert_eq!(measured.natural.to_bits(), drawn.natural.to_bits(), "{measure} {mode:?}");
            assert_eq!(measured.ratio.to_bits(), drawn.ratio.to_bits());
            assert_eq!((measured.hyphen, &measured.text), (drawn.hyphen, &drawn.text));
        }
    }

    #[test]
    fn right_to_left_stretches_are_written_from_the_right() {
        let labelled = |label: &str| TextRun {
            x: 0.0,
            y: 0.0,
            face: 0,
            size: 10.0,
            glyphs: Vec::new(),
            text: label.to_string(),
            rtl: label.starts_with('r'),
            ink: Ink::Black,
            expand: 1.0,
            mark: None,
        };
        let read = |visual: &str| {
            let runs = visual.split(' ').map(labelled).collect();
            reading_order(runs).iter().map(|r| r.text.clone()).collect::<Vec<_>>().join(" ")
        };
        // Runs in visual order, left to right; `r` runs read right to left.
        assert_eq!(read("r1 r2 L3 r4"), "r4 L3 r1 r2");
        assert_eq!(read("r1 L2 L3"), "L2 L3 r1");
        assert_eq!(read("r1"), "r1");
    }
}
