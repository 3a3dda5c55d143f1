//! Stage 4: paragraph breaking over boxes, glue and penalties.
//!
//! The shaping stage turns a paragraph into [`Item`]s; this stage chooses the
//! breakpoints and reports, per line, where it ends and how much its glue was
//! stretched or shrunk. It knows nothing of glyphs or fonts.
//!
//! [`linebreak`] is the total-fit algorithm of Knuth and Plass, "Breaking
//! Paragraphs into Lines" (1981): every feasible breakpoint keeps the best
//! way to reach it, and the paragraph takes the sequence with the fewest
//! total demerits. Like TeX it runs up to three passes of growing tolerance,
//! the last with emergency stretch, and falls back to first-fit breaking only
//! if even that finds nothing (it can when the hyphen rule forbids every way
//! through).

/// Penalty at or above which a break is forbidden.
pub const INFINITY: f32 = 10_000.0;

/// One element of a paragraph, in the sense of Knuth and Plass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item {
    /// Unbreakable material of a fixed width (a word or word fragment).
    Box {
        /// Natural width.
        width: f32,
        /// How far its first glyph may hang into the left margin at a line
        /// start (hanging punctuation); 0 if none.
        hang_start: f32,
        /// How far its last glyph may hang into the right margin at a line end.
        hang_end: f32,
    },
    /// Space that may stretch or shrink, and where a line may break.
    Glue {
        /// Natural width.
        width: f32,
        /// Maximum comfortable stretch.
        stretch: f32,
        /// Maximum shrink.
        shrink: f32,
    },
    /// A possible break with a cost; `width` is material added only if the
    /// line breaks here (a hyphen).
    Penalty {
        /// Width added at a break here.
        width: f32,
        /// Cost of breaking here; `>= INFINITY` forbids, `<= -INFINITY` forces.
        penalty: f32,
        /// A flagged (hyphen) break: consecutive ones cost extra.
        flagged: bool,
        /// How far the added material (hyphen) may hang into the right margin.
        hang_end: f32,
    },
}

/// How lines are aligned, which changes how breaks are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Both edges flush: glue stretches and shrinks.
    Justify,
    /// Ragged right: glue keeps its natural width, lines should be even.
    Ragged,
}

/// Glue stretch at or above this counts as infinite (TeX's `fil`): a line
/// holding such glue (the paragraph's final fill) is never underfull.
pub const FIL: f32 = 1_000.0;

// Costs. Demerits follow the paper: (LINE_PENALTY + badness)² plus the
// break's penalty squared, plus the extras below.

/// Added to each line's badness before squaring; TeX's `\linepenalty`. Higher
/// values trade looser lines for fewer lines.
const LINE_PENALTY: f64 = 10.0;
/// Two flagged (hyphen) breaks in a row; TeX's `\doublehyphendemerits` is
/// 10 000, but with the hard limit below a milder cost suffices and leaves
/// room for a second hyphen when it saves a loose line.
const FLAGGED_DEMERITS: f64 = 3_000.0;
/// Not in the paper: a third hyphenated line in a row is infeasible, not
/// merely costly (a common house rule TeX cannot express).
const MAX_CONSECUTIVE_HYPHENS: u8 = 2;
/// A hyphen on the second-last line; TeX's `\finalhyphendemerits`.
const FINAL_HYPHEN_DEMERITS: f64 = 5_000.0;
/// Adjacent lines whose fitness classes differ by more than one (a tight line
/// next to a loose one); TeX's `\adjdemerits` is 10 000. On the five sample
/// statements at 15 to 26 em, values from 100 to 10 000 moved the mean ratio
/// by under 1% and the mean ratio change between neighbours by about 3%, in
/// opposite directions; this sits between.
const FITNESS_DEMERITS: f64 = 3_000.0;
/// Not in the paper: a line stretched beyond this ratio reads as loose
/// (its spaces about 1.6 times the page's typical space, where a reader
/// sees a gap) and costs [`Params::loose_demerits`] on top of its badness.
const LOOSE_RATIO: f64 = 1.0;
/// A value for [`Params::loose_demerits`] fit for hyphen penalties of about
/// 375 (demerits about 1.4 × 10⁵), tuned with them on the sample statements.
/// The plain breaking's, without [`Params::expansion`].
pub const LOOSE_DEMERITS: f32 = 100_000.0;
/// A value for [`Params::tight_demerits`], tuned with [`LOOSE_DEMERITS`]:
/// 120 000 and more gave back the hyphens the extra shrink saves.
pub const TIGHT_DEMERITS: f32 = 60_000.0;
// The even breaking (glyphs expand first, spaces judged alone), tuned
// together over every shipped justified layout × statement and the five
// reference seeds; see `with_even` for the figures.

/// Loose lines in the even breaking: dearer than [`LOOSE_DEMERITS`], as the
/// space costs below would otherwise buy even spaces with an open line.
pub const EVEN_LOOSE_DEMERITS: f32 = 800_000.0;
/// Tight lines in the even breaking: cheaper than [`TIGHT_DEMERITS`], as
/// [`SPACE_DEMERITS`] already charges spaces shrunk off natural.
pub const EVEN_TIGHT_DEMERITS: f32 = 40_000.0;
/// A value for [`Params::space_demerits`]: spaces a tenth off natural cost
/// 1 000, at 0.3 off 9 000 (about what badness adds at ratio 0.65).
pub const SPACE_DEMERITS: f32 = 100_000.0;
/// A value for [`Params::jump_demerits`]: half [`SPACE_DEMERITS`], so a
/// change between neighbours costs, but less than the spaces being off.
pub const JUMP_DEMERITS: f32 = 50_000.0;
/// A value for [`Params::hyphen_demerits`]: an inserted hyphen costs as a
/// penalty of 900 instead of the shaping stage's 375 (900² − 375²), as even
/// spaces would otherwise be bought with hyphens.
pub const HYPHEN_DEMERITS: f32 = 669_375.0;
/// Paragraphs shorter than this many lines (of natural width) pay up to
/// [`SHORT_PARAGRAPH_HYPHEN_DEMERITS`] more per hyphen with
/// [`Params::hyphen_demerits`] on: their hyphens weigh more in the share of
/// hyphenated lines, and a statement of short paragraphs took 15–18 %.
const SHORT_PARAGRAPH_LINES: f64 = 6.0;
/// See [`SHORT_PARAGRAPH_LINES`]; falls off linearly to 0 at that length.
const SHORT_PARAGRAPH_HYPHEN_DEMERITS: f64 = 300_000.0;
/// With [`Params::space_demerits`] on, the endings cost this much more than
/// [`PARAGRAPH_END_HYPHEN_DEMERITS`] and [`LONE_WORD_DEMERITS`], so that they
/// still weigh against the spaces' costs (2 × 10⁵ and 6 × 10⁴).
const EVEN_ENDING_FACTOR: f64 = 3.0;
/// Not in the paper (TeX's `\parfillskip` has no minimum): a last line ending
/// shorter than this share of the measure costs up to
/// [`SHORT_LAST_LINE_DEMERITS`], in proportion to the shortfall.
const SHORT_LAST_LINE_FRACTION: f64 = 0.2;
/// See [`SHORT_LAST_LINE_FRACTION`]; about the cost of loosening two lines
/// from ratio 0.3 to 0.8.
const SHORT_LAST_LINE_DEMERITS: f64 = 8_000.0;
// Paragraph endings: house rules a typesetter keeps that the paper leaves
// to `\finalhyphendemerits` alone. Kept apart from the costs above (see
// [`ending_demerits`]) so that each can be tuned on its own.

/// The last line of a paragraph holding only the second half of a
/// hyphenated word ("work-/ers."), on top of [`FINAL_HYPHEN_DEMERITS`]
/// (which any hyphen on the second-last line costs). Below a loose line
/// ([`LOOSE_DEMERITS`]): the texture of the whole paragraph comes first.
/// Tuned with [`LONE_WORD_DEMERITS`] on the five statements and the UDHR
/// fixtures: these halve the paragraphs ending so (1.25 % to 0.63 %)
/// within the loose-line and hyphen budgets of `tests/leaflets.rs`; twice
/// as much spends more hyphens than those allow.
const PARAGRAPH_END_HYPHEN_DEMERITS: f64 = 60_000.0;
/// The last line of a paragraph (or of a ragged title) holding one short
/// word alone: in justified text shorter than [`LONE_WORD_FRACTION`] of the
/// measure ("it."), ragged (a title: "…General / Strike!") shorter than
/// [`LONE_WORD_FRACTION_RAGGED`], where the lines above end unevenly anyway
/// and a long word alone reads as the rag. Milder than a word's end
/// alone: taking a short word up usually costs a hyphen above.
const LONE_WORD_DEMERITS: f64 = 20_000.0;
/// See [`LONE_WORD_DEMERITS`].
const LONE_WORD_FRACTION: f64 = 0.2;
/// See [`LONE_WORD_DEMERITS`].
const LONE_WORD_FRACTION_RAGGED: f64 = 0.4;

/// Tolerances (maximum stretch ratio) of the first two passes. The paper and
/// TeX state them as badness (TeX: `\pretolerance` 100, `\tolerance` 200); as
/// ratios 1.0 is badness 100 and 2.0 badness 800. Unlike TeX's first pass,
/// ours already considers hyphens: the items always hold them and the
/// demerits decide.
const TOLERANCES: [f64; 2] = [2.0, 3.0];
/// Badness is capped here so that very underfull lines in the last pass still
/// compare (TeX caps at 10 000, which makes all bad lines equal).
const MAX_BADNESS: f64 = 1.0e6;
/// Badness of a line that overflows because one box is wider than the
/// measure; such a line is unavoidable, so only its existence is charged.
const OVERFULL_BADNESS: f64 = 1.0e5;
/// Share of the measure used as emergency stretch by [`Params::new`].
const EMERGENCY_FRACTION: f32 = 0.1;
/// Share of the measure used as the ragged-right allowance by [`Params::new`].
const RAG_FRACTION: f32 = 0.2;
/// Lengths closer than this are equal (avoids rounding turning an exact fit
/// into an overflow).
const EPSILON: f64 = 1.0e-3;

/// What the breaker needs to know besides the items.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Width of the first line.
    pub first_width: f32,
    /// Width of every other line.
    pub width: f32,
    /// Justified or ragged.
    pub mode: Mode,
    /// Stretch added to every line in the last pass, only to judge badness
    /// (TeX's `\emergencystretch`): spreads unavoidable looseness over the
    /// paragraph instead of leaving one very loose line.
    pub emergency_stretch: f32,
    /// Ragged mode only: how far short of the measure a line may end at
    /// ratio 1 (badness 100). Lines are judged by their unfilled space
    /// against this, so the rag is even rather than first-fit.
    pub rag: f32,
    /// Justified mode: demerits added to a line that reads as loose (ratio
    /// above 1), 0 in the paper. Badness grows smoothly, so alone it trades
    /// a loose line for a hyphen at the same rate as two merely wide lines;
    /// the step spends hyphens on the lines a reader would see as loose.
    pub loose_demerits: f32,
    /// Justified mode: demerits added to a line shrunk below
    /// [`Params::tight_ratio`], 0 in the paper. Glue may shrink further than
    /// a reader accepts everywhere; this keeps the extra for the lines where
    /// it saves a hyphen or a loose line.
    pub tight_demerits: f32,
    /// See [`Params::tight_demerits`]; -1 or below never applies.
    pub tight_ratio: f32,
    /// Charge a paragraph's last line for what a typesetter avoids where
    /// another break exists (see [`Params::with_endings`]); off in the
    /// paper.
    pub endings: bool,
    /// Justified mode: the share of a word's width that the glue after it
    /// carries, in its stretch and in its shrink, as glyph expansion (0 if
    /// the glue is all space). Every box of a line, and an added hyphen,
    /// may take that share, the last word's included (its glue is dropped
    /// at the break); the words take the adjustment first, as pdfTeX's font
    /// expansion does, and the line is judged by what is left for its
    /// spaces.
    pub expansion: f32,
    /// Justified mode: demerits per line, times the square of the relative
    /// change of its spaces (0.1 for spaces a tenth wider or narrower than
    /// natural), 0 in the paper. Badness charges little below ratio 1; this
    /// keeps the spaces near natural wherever the words' expansion and a
    /// hyphen now and then allow it, so that neighbouring lines look alike.
    pub space_demerits: f32,
    /// Justified mode: demerits per line, times the square of the change
    /// of its spaces' relative width from the line before (see
    /// [`Params::space_demerits`]), 0 in the paper: a finer
    /// `\adjdemerits`.
    pub jump_demerits: f32,
    /// Justified mode: demerits per inserted hyphen on top of its penalty
    /// (more in a short paragraph, see [`SHORT_PARAGRAPH_LINES`]), 0 in the
    /// paper.
    pub hyphen_demerits: f32,
}

impl Params {
    /// Creates parameters with emergency stretch and rag derived from the
    /// measure (a tenth and a fifth of `width`). Use [`Params::with_em`] when
    /// the font size is known.
    pub fn new(first_width: f32, width: f32, mode: Mode) -> Self {
        Self {
            first_width,
            width,
            mode,
            emergency_stretch: width * EMERGENCY_FRACTION,
            rag: width * RAG_FRACTION,
            loose_demerits: 0.0,
            tight_demerits: 0.0,
            tight_ratio: -1.0,
            endings: false,
            expansion: 0.0,
            space_demerits: 0.0,
            jump_demerits: 0.0,
            hyphen_demerits: 0.0,
        }
    }

    /// Tells the breaker which share of the glue is the words' expansion
    /// (see [`Params::expansion`]).
    pub fn with_expansion(self, expansion: f32) -> Self {
        Self { expansion, ..self }
    }

    /// Sets the demerits of a change of the spaces from one line to the
    /// next (see [`Params::jump_demerits`]).
    pub fn with_jump_demerits(self, jump_demerits: f32) -> Self {
        Self { jump_demerits, ..self }
    }

    /// Sets the demerits of an inserted hyphen (see
    /// [`Params::hyphen_demerits`]).
    pub fn with_hyphen_demerits(self, hyphen_demerits: f32) -> Self {
        Self { hyphen_demerits, ..self }
    }

    /// The even breaking, as LuaTeX with font expansion sets: the words
    /// take `expansion` of their width first, the spaces are judged alone
    /// and kept near natural and near their neighbours', paid for with
    /// dearer hyphens. Over every shipped justified layout × statement,
    /// against the plain costs: gap p95 0.367 → 0.347 em, tight lines 10.6
    /// → 4.3 %, line-to-line jump 0.072 → 0.048 em, hyphenated lines 7.0 →
    /// 6.8 %. [`linebreak`] falls back to the plain costs paragraph by
    /// paragraph where these give more loose lines or hyphens.
    /// Ragged lines keep the plain costs.
    pub fn with_even(self, expansion: f32) -> Self {
        if self.mode != Mode::Justify {
            return self;
        }
        Self {
            expansion,
            loose_demerits: EVEN_LOOSE_DEMERITS,
            tight_demerits: EVEN_TIGHT_DEMERITS,
            space_demerits: SPACE_DEMERITS,
            jump_demerits: JUMP_DEMERITS,
            hyphen_demerits: HYPHEN_DEMERITS,
            ..self
        }
    }

    /// The costs without the even breaking's (see [`Params::with_even`]).
    fn plain(self) -> Self {
        Self {
            expansion: 0.0,
            loose_demerits: LOOSE_DEMERITS,
            tight_demerits: TIGHT_DEMERITS,
            space_demerits: 0.0,
            jump_demerits: 0.0,
            hyphen_demerits: 0.0,
            ..self
        }
    }

    /// Sets the demerits of spaces off their natural width (see
    /// [`Params::space_demerits`]).
    pub fn with_space_demerits(self, space_demerits: f32) -> Self {
        Self { space_demerits, ..self }
    }

    /// Charges a paragraph's last line holding only the end of a hyphenated
    /// word or one short word alone (see `ending_demerits`).
    pub fn with_endings(self) -> Self {
        Self { endings: true, ..self }
    }

    /// Sets the demerits of a loose line (see [`Params::loose_demerits`]).
    pub fn with_loose_demerits(self, loose_demerits: f32) -> Self {
        Self { loose_demerits, ..self }
    }

    /// Sets the demerits of a line shrunk below `ratio` (see
    /// [`Params::tight_demerits`]).
    pub fn with_tight_demerits(self, tight_demerits: f32, ratio: f32) -> Self {
        Self { tight_demerits, tight_ratio: ratio, ..self }
    }

    /// Sets emergency stretch to 1.5 em and the rag to 3 em.
    pub fn with_em(self, em: f32) -> Self {
        Self { emergency_stretch: 1.5 * em, rag: 3.0 * em, ..self }
    }
}

/// One chosen line break.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    /// Index of the item the line ends at (a glue or penalty; the last item
    /// of the paragraph for the final line). The line's content is the items
    /// after the previous break (skipping leading glue/penalties) up to, not
    /// including, this one.
    pub index: usize,
    /// Adjustment ratio: > 0 stretched, < 0 shrunk, relative to available
    /// stretch/shrink, never below -1. 0 for ragged lines and for lines ending
    /// in a forced break, unless such a line must shrink to fit. The ratio
    /// counts the line's hanging punctuation as outside the measure: the
    /// flow stage places the line `hang_start` of its first box to the left.
    pub ratio: f32,
    /// The line ends with an inserted hyphen.
    pub hyphen: bool,
}

/// Chooses line breaks for a paragraph.
///
/// The items must end with a forced break (penalty `-INFINITY`). Never
/// returns a line wider than its measure unless a single box is wider; such
/// a box stands on a line of its own.
///
/// # Example
/// ```
/// # use handbill::linebreak::{linebreak, Item, Mode, Params, INFINITY};
/// let word = Item::Box { width: 4.0, hang_start: 0.0, hang_end: 0.0 };
/// let space = Item::Glue { width: 1.0, stretch: 0.5, shrink: 0.3 };
/// let items = [
///     word, space, word, space, word,
///     Item::Glue { width: 0.0, stretch: 1000.0, shrink: 0.0 },
///     Item::Penalty { width: 0.0, penalty: -INFINITY, flagged: false, hang_end: 0.0 },
/// ];
/// let breaks = linebreak(&items, &Params::new(9.0, 9.0, Mode::Justify));
/// assert_eq!(breaks.iter().map(|b| b.index).collect::<Vec<_>>(), [3, 6]);
/// ```
pub fn linebreak(items: &[Item], params: &Params) -> Vec<Break> {
    let ends_forced = matches!(
        items.last(),
        Some(Item::Penalty { penalty, .. }) if *penalty <= -INFINITY
    );
    if !ends_forced {
        #[cfg(debug_assertions)]
        if !items.is_empty() {
            panic!("paragraph items must end with a forced break");
        }
        return greedy(items, params);
    }
    let mut breaker = Breaker::new(items, params);
    let lines = breaker.width[items.len()] / f64::from(params.width.max(1.0));
    breaker.hyphen_demerits = hyphen_demerits(params, lines);
    let Some(best) = breaker.best() else { return greedy(items, params) };
    if params.mode != Mode::Justify || params.space_demerits <= 0.0 {
        return best;
    }
    // The guard: a paragraph the even costs set with a loose line or more
    // hyphens than a line in eight is set again with the plain costs, and
    // keeps the plain breaks where they have fewer loose lines, or fewer
    // hyphens at no more loose lines. Both judged as the lines are drawn
    // (words expand first). Costs a second search for those paragraphs.
    let (loose, hyphens) = breaker.judge(&best);
    if loose == 0 && hyphens * 8 <= best.len() {
        return best;
    }
    let plain = linebreak(items, &params.plain());
    let (plain_loose, plain_hyphens) = breaker.judge(&plain);
    if plain_loose < loose || (plain_loose == loose && plain_hyphens < hyphens) {
        return plain;
    }
    best
}

/// Demerits per inserted hyphen on top of its penalty in a paragraph of
/// `lines` lines at natural width: [`Params::hyphen_demerits`], and where
/// that is on, more in a short paragraph (see [`SHORT_PARAGRAPH_LINES`]).
fn hyphen_demerits(params: &Params, lines: f64) -> f64 {
    if params.hyphen_demerits <= 0.0 {
        return 0.0;
    }
    let short = (1.0 - lines / SHORT_PARAGRAPH_LINES).clamp(0.0, 1.0);
    f64::from(params.hyphen_demerits) + SHORT_PARAGRAPH_HYPHEN_DEMERITS * short
}

/// Tells whether the line that ends at break `index` ends in fill glue:
/// a hard line break's or the paragraph's end (TeX's `\parfillskip`).
/// Such a line keeps its natural spacing, flush to the start, unless it
/// must shrink to fit; only the other lines are justified.
pub fn ends_filled(items: &[Item], index: usize) -> bool {
    let forced = matches!(
        items.get(index),
        Some(Item::Penalty { penalty, .. }) if *penalty <= -INFINITY
    );
    forced
        && items[..index]
            .iter()
            .rev()
            .take_while(|it| !matches!(it, Item::Box { .. }))
            .any(|it| matches!(it, Item::Glue { stretch, .. } if *stretch >= FIL))
}

/// Per-line demerits tried by [`linebreak_loose`], smallest first: the first
/// that changes the line count by the asked amount changes the paragraph
/// least. A line costs 100 demerits at best and about 10⁴ at tolerance.
const LOOSENESS_STEPS: [f64; 8] = [300.0, 1e3, 3e3, 1e4, 3e4, 1e5, 3e5, 1e6];

/// Breaks a paragraph into `looseness` lines more (or fewer, if negative)
/// than [`linebreak`] does, like TeX's `\looseness`: used to even out the
/// columns of a last page. Each line's cost is raised (or lowered) by a
/// growing constant until the best paragraph has the asked number of
/// lines. Only the tolerance passes count (no emergency stretch), so the
/// lines stay within tolerance; `None` if no such paragraph was found.
pub fn linebreak_loose(items: &[Item], params: &Params, looseness: i32) -> Option<Vec<Break>> {
    linebreak_loose_from(items, params, looseness, || linebreak(items, params).len())
}

/// [`linebreak_loose`] for a caller that knows how many lines
/// [`linebreak`] gives the paragraph (`lines`, asked only when needed):
/// the searches that try paragraph after paragraph a line tighter or
/// looser keep each paragraph's breaking instead of repeating it.
pub fn linebreak_loose_from(
    items: &[Item],
    params: &Params,
    looseness: i32,
    lines: impl FnOnce() -> usize,
) -> Option<Vec<Break>> {
    let ends_forced = matches!(
        items.last(),
        Some(Item::Penalty { penalty, .. }) if *penalty <= -INFINITY
    );
    if looseness == 0 || !ends_forced || params.mode != Mode::Justify {
        return None;
    }
    let target = lines() as i64 + i64::from(looseness);
    let plain = params.plain();
    let params = &plain;
    let mut breaker = Breaker::new(items, params);
    // Whether a tolerance finds a paragraph does not depend on the step:
    // the first search finds the tolerance, the others use it.
    let mut tolerance = None;
    let mut run = |step: f64| {
        breaker.line_demerits = if looseness > 0 { -step } else { step };
        match tolerance {
            Some(t) => breaker.run(Pass::Tolerance(t)),
            None => TOLERANCES.iter().find_map(|&t| {
                let breaks = breaker.run(Pass::Tolerance(t))?;
                tolerance = Some(t);
                Some(breaks)
            }),
        }
    };
    // A cost per line added to every line's demerits moves the best
    // paragraph's line count one way only as it grows (demerits + step ×
    // lines), so the smallest step that reaches the target or passes it
    // is found by halving: 3 searches instead of up to 8. Reaching it
    // there gives the paragraph; passing it, none (a larger step moves
    // further away).
    let reached = |n: i64| (n - target) * i64::from(looseness.signum()) >= 0;
    let (mut lo, mut hi) = (0, LOOSENESS_STEPS.len());
    let mut found: Option<Vec<Break>> = None;
    while lo < hi {
        let mid = (lo + hi) / 2;
        let breaks = run(LOOSENESS_STEPS[mid])?;
        if reached(breaks.len() as i64) {
            hi = mid;
            found = Some(breaks);
        } else {
            lo = mid + 1;
        }
    }
    found.filter(|b| b.len() as i64 == target)
}

/// How permissive one run of the total-fit search is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pass {
    /// Lines may stretch up to this ratio.
    Tolerance(f64),
    /// Any stretch, judged with emergency stretch added.
    Emergency,
}

/// A feasible breakpoint reached in one particular way.
#[derive(Debug, Clone, Copy)]
struct Node {
    /// Item index of the break (`usize::MAX` for the paragraph start).
    pos: usize,
    /// Node of the previous break.
    prev: u32,
    /// Total demerits from the paragraph start.
    demerits: f64,
    /// Ratio of the line ending here, as reported.
    ratio: f32,
    /// Relative change of the spaces of the line ending here.
    dev: f32,
    /// Fitness class of the line ending here.
    fitness: u8,
    /// Flagged breaks in a row ending here (0 if this break is unflagged).
    hyphens: u8,
    /// Whether the next line is the first one (measure `first_width`).
    first: bool,
    /// First item of the next line.
    start: usize,
    /// Running totals at `start`, less the hang of the box there.
    width: f64,
    stretch: f64,
    shrink: f64,
    fils: u32,
    letters: f64,
    glyphs: f64,
    space: f64,
    /// The breakpoint where a line from here must end even if overfull: the
    /// first one after `start`. (If the hyphen limit forbids it, this node
    /// leads nowhere; better a fallback than an overflow.)
    forced_end: usize,
}

/// A legal breakpoint with what the line ending there needs.
#[derive(Debug, Clone, Copy)]
struct Point {
    index: usize,
    penalty: f64,
    flagged: bool,
    /// A hyphen is added here (a flagged break with width).
    inserted: bool,
    forced: bool,
    /// Running totals up to the break, plus penalty width, less hang.
    width: f64,
    stretch: f64,
    shrink: f64,
    fils: u32,
    letters: f64,
    /// Expansion of the boxes up to the break, and of the added hyphen.
    glyphs: f64,
    space: f64,
}

/// The best way found to a breakpoint per (fitness class, hyphen run).
#[derive(Debug, Clone, Copy)]
struct Candidate {
    demerits: f64,
    prev: u32,
    ratio: f32,
    dev: f32,
}

const FITNESS_CLASSES: usize = 4;
const SLOTS: usize = FITNESS_CLASSES * (MAX_CONSECUTIVE_HYPHENS as usize + 1);
const NO_CANDIDATE: Candidate =
    Candidate { demerits: f64::INFINITY, prev: 0, ratio: 0.0, dev: 0.0 };

/// State of the total-fit search for one paragraph, reused across passes.
struct Breaker<'a> {
    items: &'a [Item],
    params: &'a Params,
    /// Prefix sums: entry `i` covers items `..i`.
    width: Vec<f64>,
    stretch: Vec<f64>,
    shrink: Vec<f64>,
    fils: Vec<u32>,
    /// The words' expansion the glue carries (see [`Params::expansion`]),
    /// the expansion of all boxes, and the natural width of the spaces.
    letters: Vec<f64>,
    glyphs: Vec<f64>,
    space: Vec<f64>,
    /// For each index, the first box or forced break at or after it.
    content: Vec<u32>,
    /// For each index, the first legal breakpoint at or after it.
    next_point: Vec<u32>,
    points: Vec<Point>,
    nodes: Vec<Node>,
    active: Vec<u32>,
    /// Demerits added per line: positive favours fewer lines, negative more
    /// (a Lagrangian stand-in for TeX's `\looseness`, see [`linebreak_loose`]).
    line_demerits: f64,
    /// Demerits added per inserted hyphen (see [`Params::hyphen_demerits`]).
    hyphen_demerits: f64,
}

impl<'a> Breaker<'a> {
    /// Runs the passes of growing tolerance; the first that finds a way
    /// through the paragraph gives its breaks.
    fn best(&mut self) -> Option<Vec<Break>> {
        [Pass::Tolerance(TOLERANCES[0]), Pass::Tolerance(TOLERANCES[1]), Pass::Emergency]
            .into_iter()
            .find_map(|pass| self.run(pass))
    }

    /// Counts the loose lines (their spaces stretched beyond
    /// [`LOOSE_RATIO`] once the words have taken their expansion, as the
    /// lines are drawn) and the inserted hyphens of `breaks`. Only
    /// meaningful for a breaker told the words' expansion.
    fn judge(&self, breaks: &[Break]) -> (usize, usize) {
        let mut loose = 0;
        let mut start = self.content[0] as usize;
        for (i, b) in breaks.iter().enumerate() {
            let Ok(at) = self.points.binary_search_by_key(&b.index, |p| p.index) else {
                continue;
            };
            let point = &self.points[at];
            let measure =
                f64::from(if i == 0 { self.params.first_width } else { self.params.width });
            let hang = match self.items.get(start) {
                Some(Item::Box { hang_start, .. }) => f64::from(*hang_start),
                _ => 0.0,
            };
            let short = measure - (point.width - self.width[start] - hang);
            let filled = point.fils > self.fils[start];
            let carried = point.letters - self.letters[start];
            let spaces = point.space - self.space[start];
            let space_stretch = point.stretch - self.stretch[start] - carried;
            let letters = (point.glyphs - self.glyphs[start]).max(0.0);
            if !filled && spaces > 0.0 && space_stretch > 0.0 {
                loose += usize::from((short - letters) / space_stretch > LOOSE_RATIO);
            }
            start = self.content[(b.index + 1).min(self.items.len())] as usize;
        }
        (loose, breaks.iter().filter(|b| b.hyphen).count())
    }

    /// Precomputes running totals and the breakpoints.
    fn new(items: &'a [Item], params: &'a Params) -> Self {
        let n = items.len();
        let mut width = Vec::with_capacity(n + 1);
        let mut stretch = Vec::with_capacity(n + 1);
        let mut shrink = Vec::with_capacity(n + 1);
        let mut fils = Vec::with_capacity(n + 1);
        let mut letters = Vec::with_capacity(n + 1);
        let mut glyphs = Vec::with_capacity(n + 1);
        let mut space = Vec::with_capacity(n + 1);
        let (mut w, mut y, mut z, mut f) = (0.0f64, 0.0f64, 0.0f64, 0u32);
        let (mut l, mut g, mut s) = (0.0f64, 0.0f64, 0.0f64);
        // Width of the boxes since the last glue: the word whose expansion
        // the next glue carries, as the shaping stage reckons it.
        let mut word = 0.0f32;
        let share = if params.mode == Mode::Justify { params.expansion.max(0.0) } else { 0.0 };
        for item in items {
            width.push(w);
            stretch.push(y);
            shrink.push(z);
            fils.push(f);
            letters.push(l);
            glyphs.push(g);
            space.push(s);
            match *item {
                Item::Box { width, .. } => {
                    w += f64::from(width);
                    g += f64::from(share * width);
                    word += width;
                }
                Item::Glue { width, stretch, shrink } => {
                    w += f64::from(width);
                    z += f64::from(shrink);
                    // Fill glue must not enter the finite sum: it would swamp
                    // the stretch of the lines around it in f64 rounding.
                    if stretch >= FIL {
                        f += 1;
                    } else {
                        y += f64::from(stretch);
                        l += f64::from((share * word).min(stretch).min(shrink));
                        s += f64::from(width);
                    }
                    word = 0.0;
                }
                Item::Penalty { .. } => {}
            }
        }
        width.push(w);
        stretch.push(y);
        shrink.push(z);
        fils.push(f);
        letters.push(l);
        glyphs.push(g);
        space.push(s);

        let mut content = vec![n as u32; n + 1];
        for i in (0..n).rev() {
            content[i] = match items[i] {
                Item::Box { .. } => i as u32,
                Item::Penalty { penalty, .. } if penalty <= -INFINITY => i as u32,
                _ => content[i + 1],
            };
        }

        // Glue and penalties, about half the items, are the break points.
        let mut points = Vec::with_capacity(n / 2 + 1);
        let mut next_point = vec![n as u32; n + 1];
        for (i, item) in items.iter().enumerate() {
            let prev_hang = match i.checked_sub(1).map(|j| items[j]) {
                Some(Item::Box { hang_end, .. }) => f64::from(hang_end),
                _ => 0.0,
            };
            let (penalty, flagged, extra, hang) = match *item {
                // The paper's rule: glue breaks only after a box. Not in the
                // paper: fill glue is no breakpoint, so the final fill cannot
                // be split from the end and leave an empty last line.
                Item::Glue { stretch, .. }
                    if stretch < FIL && i > 0 && matches!(items[i - 1], Item::Box { .. }) =>
                {
                    (0.0, false, 0.0, prev_hang)
                }
                Item::Penalty { width, penalty, flagged, hang_end } if penalty < INFINITY => {
                    // Material added at the break hangs by its own amount; a
                    // break with nothing added ends with the box before it.
                    let hang = if width > 0.0 { f64::from(hang_end) } else { prev_hang };
                    (f64::from(penalty), flagged, f64::from(width), hang)
                }
                _ => continue,
            };
            points.push(Point {
                index: i,
                penalty,
                flagged,
                inserted: flagged && extra > 0.0,
                forced: penalty <= -f64::from(INFINITY),
                width: width[i] + extra - hang,
                stretch: stretch[i],
                shrink: shrink[i],
                fils: fils[i],
                letters: letters[i],
                glyphs: glyphs[i] + f64::from(share) * extra,
                space: space[i],
            });
        }
        let mut next = n as u32;
        let mut k = points.len();
        for j in (0..n).rev() {
            while k > 0 && points[k - 1].index >= j {
                k -= 1;
                next = points[k].index as u32;
            }
            next_point[j] = next;
        }

        Self {
            items,
            params,
            width,
            stretch,
            shrink,
            fils,
            letters,
            glyphs,
            space,
            content,
            next_point,
            points,
            nodes: Vec::new(),
            active: Vec::new(),
            line_demerits: 0.0,
            hyphen_demerits: 0.0,
        }
    }

    /// Builds a node for a break at `pos` (or the paragraph start), with the
    /// totals the next line starts from.
    fn node(&self, pos: Option<usize>, prev: u32, c: Candidate, fitness: u8, hyphens: u8) -> Node {
        let start = self.content[pos.map_or(0, |p| p + 1)] as usize;
        let hang = match self.items.get(start) {
            Some(Item::Box { hang_start, .. }) => f64::from(*hang_start),
            _ => 0.0,
        };
        let forced_end = self.next_point[start];
        Node {
            pos: pos.unwrap_or(usize::MAX),
            prev,
            demerits: c.demerits,
            ratio: c.ratio,
            dev: c.dev,
            fitness,
            hyphens,
            first: pos.is_none(),
            start,
            width: self.width[start] + hang,
            stretch: self.stretch[start],
            shrink: self.shrink[start],
            fils: self.fils[start],
            letters: self.letters[start],
            glyphs: self.glyphs[start],
            space: self.space[start],
            forced_end: forced_end as usize,
        }
    }

    /// Runs one pass; `None` if no way through the paragraph was found.
    fn run(&mut self, pass: Pass) -> Option<Vec<Break>> {
        let (tolerance, extra_stretch) = match pass {
            Pass::Tolerance(t) => (t, 0.0),
            Pass::Emergency => (f64::INFINITY, f64::from(self.params.emergency_stretch)),
        };
        let max_badness =
            if tolerance.is_finite() { 100.0 * tolerance.powi(3) } else { MAX_BADNESS };
        let ragged = self.params.mode == Mode::Ragged;
        let rag = f64::from(self.params.rag.max(0.0));
        let loose_demerits = f64::from(self.params.loose_demerits.max(0.0));
        let tight_demerits = f64::from(self.params.tight_demerits.max(0.0));
        let tight_ratio = f64::from(self.params.tight_ratio);
        let space_demerits = f64::from(self.params.space_demerits.max(0.0));
        let jump_demerits = f64::from(self.params.jump_demerits.max(0.0));
        let last = self.items.len() - 1;

        let mut nodes = std::mem::take(&mut self.nodes);
        let mut active = std::mem::take(&mut self.active);
        nodes.clear();
        active.clear();
        // A pass adds nodes at feasible break points: start with room for
        // one per point rather than growing from empty.
        nodes.reserve(self.points.len() + 1);
        nodes.push(self.node(None, u32::MAX, Candidate { demerits: 0.0, ..NO_CANDIDATE }, 2, 0));
        active.push(0);

        for point in &self.points {
            let mut slots = [NO_CANDIDATE; SLOTS];
            let mut any = false;
            let mut keep = 0;
            for k in 0..active.len() {
                let a = active[k];
                let node = &nodes[a as usize];
                if point.index < node.start {
                    // A breakpoint among the discardables right after the node.
                    active[keep] = a;
                    keep += 1;
                    continue;
                }
                let measure =
                    f64::from(if node.first { self.params.first_width } else { self.params.width });
                let natural = point.width - node.width;
                let filled = point.fils > node.fils;
                // The words' expansion: the glue carries it for every word
                // but the last, yet every glyph of a line with spaces takes
                // its share (0 in ragged mode; a line without spaces, as in
                // scripts written without them, keeps its glyphs natural).
                // Taken first, it leaves the spaces natural.
                let carried = point.letters - node.letters;
                let spaces = point.space - node.space;
                let letters =
                    if spaces > 0.0 { (point.glyphs - node.glyphs).max(0.0) } else { carried };
                let (stretch, shrink) = if ragged {
                    (rag + extra_stretch, 0.0)
                } else {
                    (
                        point.stretch - node.stretch - carried + letters + extra_stretch,
                        point.shrink - node.shrink - carried + letters,
                    )
                };
                let real_stretch =
                    if ragged { 0.0 } else { point.stretch - node.stretch - carried + letters };

                let overfull = natural - shrink > measure + EPSILON;
                // `space_ratio` is the spaces' own adjustment ratio, `dev`
                // their relative change in width.
                let (badness, ratio, space_ratio, dev) = if overfull {
                    if point.index != node.forced_end {
                        if point.index < node.forced_end {
                            active[keep] = a;
                            keep += 1;
                        }
                        continue;
                    }
                    let r = if shrink > 0.0 { -1.0 } else { 0.0 };
                    (OVERFULL_BADNESS, r, r, 0.0)
                } else if natural > measure {
                    let r = (measure - natural) / shrink;
                    let rest = (natural - measure - letters).max(0.0);
                    let sr = if rest > 0.0 { -rest / (shrink - letters) } else { 0.0 };
                    let dev = if spaces > 0.0 { -rest / spaces } else { 0.0 };
                    if ragged {
                        (badness(r), 0.0, 0.0, 0.0)
                    } else {
                        (badness(sr), r.max(-1.0), sr.max(-1.0), dev)
                    }
                } else if filled {
                    (0.0, 0.0, 0.0, 0.0)
                } else {
                    let short = measure - natural;
                    let rest = (short - letters).max(0.0);
                    let b = if rest <= EPSILON {
                        0.0
                    } else if stretch > letters {
                        badness(rest / (stretch - letters))
                    } else {
                        MAX_BADNESS
                    };
                    let (r, sr, dev) = if ragged || real_stretch <= 0.0 || point.forced {
                        (0.0, 0.0, 0.0)
                    } else {
                        let sr = if real_stretch > letters {
                            rest / (real_stretch - letters)
                        } else {
                            0.0
                        };
                        (short / real_stretch, sr, if spaces > 0.0 { rest / spaces } else { 0.0 })
                    };
                    (b, r, sr, dev)
                };

                // Longer lines from this node can only get wider, so it stays
                // active unless this line overflows (or the break is forced).
                if !overfull && !point.forced {
                    active[keep] = a;
                    keep += 1;
                }
                if badness > max_badness && !overfull {
                    continue;
                }
                if point.flagged && node.hyphens >= MAX_CONSECUTIVE_HYPHENS {
                    continue;
                }

                let mut d = (LINE_PENALTY + badness).powi(2) + self.line_demerits;
                if point.penalty >= 0.0 {
                    d += point.penalty * point.penalty;
                } else if !point.forced {
                    d -= point.penalty * point.penalty;
                }
                if point.inserted {
                    d += self.hyphen_demerits;
                }
                if point.flagged && node.hyphens > 0 {
                    d += FLAGGED_DEMERITS;
                }
                if space_ratio > LOOSE_RATIO {
                    d += loose_demerits;
                }
                if space_ratio < tight_ratio {
                    d += tight_demerits;
                }
                let fitness = fitness(badness, natural > measure);
                if fitness.abs_diff(node.fitness) > 1 {
                    d += FITNESS_DEMERITS;
                }
                d += space_demerits * dev * dev;
                if !node.first && !filled {
                    let j = dev - f64::from(node.dev);
                    d += jump_demerits * j * j;
                }
                if point.index == last && node.hyphens > 0 {
                    d += FINAL_HYPHEN_DEMERITS;
                }
                if self.params.endings && point.forced && filled && !node.first {
                    let ending = Ending {
                        after_hyphen: node.hyphens > 0,
                        one_word: one_word(self.items, node.start, point.index),
                        natural,
                        measure,
                        ragged,
                    };
                    let factor =
                        if self.params.space_demerits > 0.0 { EVEN_ENDING_FACTOR } else { 1.0 };
                    d += factor * ending_demerits(&ending);
                }
                if point.forced && filled {
                    let min = SHORT_LAST_LINE_FRACTION * measure;
                    if natural < min {
                        d += SHORT_LAST_LINE_DEMERITS * (min - natural) / min;
                    }
                }
                let hyphens = if point.flagged { node.hyphens + 1 } else { 0 };
                let slot = &mut slots[usize::from(fitness) * 3 + usize::from(hyphens)];
                let total = node.demerits + d;
                if total < slot.demerits {
                    *slot = Candidate {
                        demerits: total,
                        prev: a,
                        ratio: ratio as f32,
                        dev: if filled { 0.0 } else { dev as f32 },
                    };
                    any = true;
                }
            }
            active.truncate(keep);

            if any {
                prune(&mut slots);
                for (s, c) in slots.iter().enumerate() {
                    if c.demerits.is_finite() {
                        let fitness = (s / 3) as u8;
                        let hyphens = (s % 3) as u8;
                        active.push(nodes.len() as u32);
                        nodes.push(self.node(Some(point.index), c.prev, *c, fitness, hyphens));
                    }
                }
            }
            if active.is_empty() {
                break;
            }
        }

        let best = nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.pos == last)
            .min_by(|(_, a), (_, b)| a.demerits.total_cmp(&b.demerits))
            .map(|(i, _)| i as u32);
        let result = best.map(|mut i| {
            let mut breaks = Vec::new();
            while i != 0 {
                let node = &nodes[i as usize];
                let hyphen = matches!(
                    self.items[node.pos],
                    Item::Penalty { flagged: true, width, .. } if width > 0.0
                );
                breaks.push(Break { index: node.pos, ratio: node.ratio, hyphen });
                i = node.prev;
            }
            breaks.reverse();
            breaks
        });
        self.nodes = nodes;
        self.active = active;
        result
    }
}

/// The last line of a paragraph (or of the text before a hard break), as
/// [`ending_demerits`] judges it.
#[derive(Debug, Clone, Copy)]
struct Ending {
    /// The line before ends with a hyphen: this one holds a word's end.
    after_hyphen: bool,
    /// The line holds a single word.
    one_word: bool,
    /// Its natural width.
    natural: f64,
    /// The measure.
    measure: f64,
    /// Ragged right (a title, a ragged column).
    ragged: bool,
}

/// Demerits of a paragraph's last line that a typesetter would avoid
/// where another break exists: the end of a hyphenated word alone after
/// the break, alone ([`PARAGRAPH_END_HYPHEN_DEMERITS`]), one word alone
/// ([`LONE_WORD_DEMERITS`]). Only for a paragraph of more than one line.
fn ending_demerits(e: &Ending) -> f64 {
    let mut d = 0.0;
    if e.after_hyphen && e.one_word {
        d += PARAGRAPH_END_HYPHEN_DEMERITS;
    }
    let short = if e.ragged { LONE_WORD_FRACTION_RAGGED } else { LONE_WORD_FRACTION };
    if e.one_word && e.natural < short * e.measure {
        d += LONE_WORD_DEMERITS;
    }
    d
}

/// Tells whether items `start..end` hold one word: no space between boxes
/// (hyphenation points and kerns are inside a word; the final fill is not
/// a space).
fn one_word(items: &[Item], start: usize, end: usize) -> bool {
    !items[start.min(end)..end]
        .iter()
        .any(|i| matches!(i, Item::Glue { stretch, .. } if *stretch < FIL))
}

/// The paper's badness, 100·|r|³, capped.
fn badness(ratio: f64) -> f64 {
    (100.0 * ratio.abs().powi(3)).min(MAX_BADNESS)
}

/// The paper's fitness classes: 0 very loose, 1 loose, 2 decent, 3 tight.
fn fitness(badness: f64, shrunk: bool) -> u8 {
    if shrunk {
        if badness > 12.0 {
            3
        } else {
            2
        }
    } else if badness > 99.0 {
        0
    } else if badness > 12.0 {
        1
    } else {
        2
    }
}

/// Drops candidates that another one dominates: no more hyphens in a row and
/// fewer demerits even after paying for any fitness jump ahead. Such a
/// candidate can never end the best paragraph, and fewer nodes keep the
/// active list short.
fn prune(slots: &mut [Candidate; SLOTS]) {
    for s in 0..SLOTS {
        if !slots[s].demerits.is_finite() {
            continue;
        }
        let (fs, hs) = (s / 3, s % 3);
        let dominated = (0..SLOTS).any(|t| {
            let (ft, ht) = (t / 3, t % 3);
            let margin = if ft == fs { 0.0 } else { FITNESS_DEMERITS };
            t != s && ht <= hs && slots[t].demerits + margin < slots[s].demerits
        });
        if dominated {
            slots[s].demerits = f64::INFINITY;
        }
    }
}

/// First-fit breaking: takes as many items as fit on each line.
fn greedy(items: &[Item], params: &Params) -> Vec<Break> {
    let mut breaks = Vec::new();
    let mut start = 0;
    let mut line = 0usize;
    while start < items.len() {
        let measure = if line == 0 { params.first_width } else { params.width };
        let mut width = 0.0;
        let mut shrink = 0.0;
        let mut stretch = 0.0;
        let mut last_fit: Option<(usize, f32, f32, f32)> = None;
        let mut i = start;
        let mut chosen = None;
        while i < items.len() {
            match items[i] {
                Item::Box { width: w, .. } => width += w,
                Item::Glue { width: w, stretch: st, shrink: sh } => {
                    if i > start && matches!(items[i - 1], Item::Box { .. }) {
                        if width - shrink <= measure {
                            last_fit = Some((i, width, stretch, shrink));
                        } else {
                            break;
                        }
                    }
                    width += w;
                    stretch += st;
                    shrink += sh;
                }
                Item::Penalty { width: w, penalty, .. } => {
                    if penalty <= -INFINITY {
                        if width - shrink <= measure || last_fit.is_none() {
                            chosen = Some((i, width, stretch, shrink, false));
                        }
                        break;
                    }
                    if penalty < INFINITY {
                        if width + w - shrink <= measure {
                            last_fit = Some((i, width + w, stretch, shrink));
                        } else {
                            break;
                        }
                    }
                }
            }
            i += 1;
        }
        let (end, w, st, sh, last) = match chosen {
            Some((e, w, st, sh, _)) => (e, w, st, sh, true),
            None => match last_fit {
                Some((e, w, st, sh)) => (e, w, st, sh, false),
                // A single box wider than the measure: break after it.
                None => {
                    let e = (start + 1..items.len())
                        .find(|&j| !matches!(items[j], Item::Box { .. }))
                        .unwrap_or(items.len() - 1);
                    (e, measure, 0.0, 0.0, false)
                }
            },
        };
        let hyphen = matches!(items[end], Item::Penalty { flagged: true, width, .. } if width > 0.0)
            && !last;
        let ratio = if last || params.mode == Mode::Ragged {
            0.0
        } else if w < measure {
            if st > 0.0 {
                ((measure - w) / st).min(10.0)
            } else {
                0.0
            }
        } else if w > measure && sh > 0.0 {
            ((measure - w) / sh).max(-1.0)
        } else {
            0.0
        };
        breaks.push(Break { index: end, ratio, hyphen });
        // A forced break inside the paragraph (a hard line break) ends a
        // line, not the paragraph.
        if end + 1 >= items.len() {
            break;
        }
        start = end + 1;
        // Discardable items after a break vanish.
        while start < items.len() && !matches!(items[start], Item::Box { .. }) {
            if matches!(items[start], Item::Penalty { penalty, .. } if penalty <= -INFINITY) {
                break;
            }
            start += 1;
        }
        line += 1;
    }
    breaks
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A paragraph built from text in a fixed-width "font": every char is 1
    /// wide, a space is glue 1/+0.5/−0.33, `-` inside a word marks a
    /// hyphenation point (penalty 50, hyphen 1 wide), `\n` forces a break.
    /// With `hang`, a trailing `,` or `.` and an inserted hyphen may hang
    /// fully into the margin.
    struct Para {
        items: Vec<Item>,
        text: Vec<String>,
    }

    fn para(s: &str, hang: bool) -> Para {
        let mut p = Para { items: vec![], text: vec![] };
        for (l, line) in s.split('\n').enumerate() {
            if l > 0 {
                p.end();
            }
            for (w, word) in line.split(' ').filter(|w| !w.is_empty()).enumerate() {
                if w > 0 {
                    p.push(Item::Glue { width: 1.0, stretch: 0.5, shrink: 0.33 }, " ");
                }
                for (f, frag) in word.split('-').enumerate() {
                    if f > 0 {
                        let hang_end = if hang { 1.0 } else { 0.0 };
                        p.push(
                            Item::Penalty { width: 1.0, penalty: 50.0, flagged: true, hang_end },
                            "",
                        );
                    }
                    let punct = hang && (frag.ends_with(',') || frag.ends_with('.'));
                    let hang_end = if punct { 1.0 } else { 0.0 };
                    let width = frag.chars().count() as f32;
                    p.push(Item::Box { width, hang_start: 0.0, hang_end }, frag);
                }
            }
        }
        p.end();
        p
    }

    impl Para {
        fn push(&mut self, item: Item, text: &str) {
            self.items.push(item);
            self.text.push(text.into());
        }

        fn end(&mut self) {
            self.push(Item::Glue { width: 0.0, stretch: 1000.0, shrink: 0.0 }, "");
            let forced =
                Item::Penalty { width: 0.0, penalty: -INFINITY, flagged: false, hang_end: 0.0 };
            self.push(forced, "");
        }

        /// Renders the lines as `one|two`, with `-` after hyphenated lines.
        fn render(&self, breaks: &[Break]) -> String {
            let mut lines = vec![];
            let mut start = 0;
            for b in breaks {
                let mut line: String = self.text[start..b.index].concat().trim().into();
                if b.hyphen {
                    line.push('-');
                }
                lines.push(line);
                start = b.index + 1;
            }
            lines.join("|")
        }

        fn lines(&self, breaks: &[Break]) -> Vec<String> {
            self.render(breaks).split('|').map(String::from).collect()
        }
    }

    fn justify(w: f32) -> Params {
        Params::new(w, w, Mode::Justify)
    }

    fn test(text: &str, measure: f32, expected: &str) {
        let p = para(text, false);
        assert_eq!(p.render(&linebreak(&p.items, &justify(measure))), expected);
    }

    /// Checks that no line is wider than the measure when fully shrunk.
    fn assert_fits(p: &Para, breaks: &[Break], measure: f32) {
        for line in p.lines(breaks) {
            let words = line.split(' ').count() as f32;
            let natural = line.chars().count() as f32;
            assert!(natural - 0.33 * (words - 1.0) <= measure + 1e-3, "{line:?} overflows");
        }
    }

    const TEXT: &str = "The workers of the world are connected by the global character of \
        pro-duc-tion itself. The strug-gle against war, against in-e-qual-i-ty and against \
        the at-tack on dem-o-crat-ic rights is an in-ter-na-tion-al strug-gle that unites \
        work-ers across every bor-der.";

    #[test]
    fn breaks_within_measure() {
        let mut items = vec![];
        for _ in 0..10 {
            items.push(Item::Box { width: 3.0, hang_start: 0.0, hang_end: 0.0 });
            items.push(Item::Glue { width: 1.0, stretch: 0.5, shrink: 0.33 });
        }
        items.pop();
        items.extend(para("", false).items);
        let breaks = linebreak(&items, &justify(10.0));
        assert!(breaks.len() >= 3);
        assert_eq!(breaks.last().unwrap().index, items.len() - 1);
    }

    #[test]
    fn empty_paragraph() {
        test("", 10.0, "");
        assert_eq!(linebreak(&[], &justify(10.0)), []);
    }

    #[test]
    fn total_fit_beats_first_fit() {
        // First fit takes "of" onto line two and ends "bor-|der."; total
        // fit keeps the paragraph even and the last word whole.
        let p = para(TEXT, false);
        let params = justify(36.0);
        let first_fit = p.render(&greedy(&p.items, &params));
        assert!(first_fit.ends_with("every bor-|der."), "{first_fit}");
        test(
            TEXT,
            36.0,
            "The workers of the world are|connected by the global character|\
             of production itself. The struggle|against war, against inequality and|\
             against the attack on democratic|rights is an international struggle|\
             that unites workers across every|border.",
        );
        // Balancing: no line is as loose as first fit's loosest.
        let p = para(TEXT, false);
        let max = |b: &[Break]| b.iter().map(|b| b.ratio).fold(0.0, f32::max);
        for m in [20.0, 27.0, 33.0, 39.0] {
            let kp = linebreak(&p.items, &justify(m));
            assert!(max(&kp) <= max(&greedy(&p.items, &justify(m))), "{m}");
            assert_fits(&p, &kp, m);
        }
    }

    #[test]
    fn at_most_two_hyphens_in_a_row() {
        let text = "ex-ten-sive in-ter-na-tion-al rev-o-lu-tion-ary ex-ten-sive \
            in-ter-na-tion-al rev-o-lu-tion-ary con-stit-u-tion-al ex-ten-sive";
        let p = para(text, false);
        for m in 8..30 {
            let m = m as f32;
            let breaks = linebreak(&p.items, &justify(m));
            let rendered = p.render(&breaks);
            for w in breaks.windows(3) {
                assert!(!w.iter().all(|b| b.hyphen), "{m}: {rendered}");
            }
            assert_fits(&p, &breaks, m);
        }
        test(
            text,
            20.0,
            "extensive interna-|tional revolutionary|extensive interna-|\
             tional revolutionary|constitutional ex-|tensive",
        );
    }

    #[test]
    fn endings_a_typesetter_avoids_cost_where_another_break_exists() {
        // Words of four letters and stretchy spaces, ending in "it.": at
        // some measures the paper's costs leave "it." alone on the last
        // line where a word could come down with it at little cost; with
        // the ending costs it does.
        let mut items = Vec::new();
        for k in 0..24 {
            if k > 0 {
                items.push(Item::Glue { width: 1.0, stretch: 1.0, shrink: 0.3 });
            }
            items.push(Item::Box { width: 4.0, hang_start: 0.0, hang_end: 0.0 });
        }
        items.push(Item::Glue { width: 1.0, stretch: 1.0, shrink: 0.3 });
        items.push(Item::Box { width: 3.0, hang_start: 0.0, hang_end: 0.0 });
        items.push(Item::Glue { width: 0.0, stretch: FIL, shrink: 0.0 });
        items.push(Item::Penalty { width: 0.0, penalty: -INFINITY, flagged: false, hang_end: 0.0 });
        let lone = |b: &[Break]| {
            let n = b.len();
            // The last line starts after the box before "it.".
            n > 2 && b[n - 2].index == items.len() - 4
        };
        let (mut plain, mut costed) = (0, 0);
        for w in 18..60 {
            let params = justify(w as f32);
            plain += usize::from(lone(&linebreak(&items, &params)));
            costed += usize::from(lone(&linebreak(&items, &params.with_endings())));
        }
        // Not at every measure: where the other way is a loose line, the
        // ending costs less.
        assert!(costed < plain, "{plain} without the costs, {costed} with");
        let e = |after_hyphen, one_word, natural| Ending {
            after_hyphen,
            one_word,
            natural,
            measure: 100.0,
            ragged: false,
        };
        assert_eq!(ending_demerits(&e(false, false, 10.0)), 0.0);
        assert_eq!(ending_demerits(&e(false, true, 50.0)), 0.0, "a long word alone");
        assert_eq!(ending_demerits(&e(false, true, 10.0)), LONE_WORD_DEMERITS);
        assert_eq!(ending_demerits(&e(true, true, 50.0)), PARAGRAPH_END_HYPHEN_DEMERITS);
        assert!(ending_demerits(&Ending { ragged: true, ..e(false, true, 30.0) }) > 0.0);
    }

    #[test]
    fn final_line_not_too_short() {
        let text = format!("{TEXT} We fight it.");
        let p = para(&text, false);
        let first_fit = p.render(&greedy(&p.items, &justify(30.0)));
        assert!(first_fit.ends_with("We fight|it."), "{first_fit}");
        test(
            &text,
            30.0,
            "The workers of the world|are connected by the global|character of production|\
             itself. The struggle against|war, against inequality and|\
             against the attack on demo-|cratic rights is an interna-|\
             tional struggle that unites|workers across every border.|We fight it.",
        );
    }

    #[test]
    fn looseness_changes_the_line_count_by_one() {
        let p = para(TEXT, false);
        let (mut more, mut fewer) = (0, 0);
        for m in 20..45 {
            let m = m as f32;
            let params = justify(m);
            let n = linebreak(&p.items, &params).len();
            assert_eq!(linebreak_loose(&p.items, &params, 0), None);
            for (looseness, count) in [(1, &mut more), (-1, &mut fewer)] {
                if let Some(b) = linebreak_loose(&p.items, &params, looseness) {
                    assert_eq!(b.len() as i32, n as i32 + looseness, "{m}: {}", p.render(&b));
                    assert_fits(&p, &b, m);
                    assert!(b.iter().all(|b| b.ratio <= TOLERANCES[1] as f32), "{m}");
                    *count += 1;
                }
            }
        }
        // Fixed-width words shrink too little to lose a line; a line more
        // is often within tolerance.
        assert!(more > 0, "{more} {fewer}");
    }

    /// The smallest step that reaches the line count, tried in order, as
    /// `linebreak_loose_from` finds it by halving.
    fn loose_step_by_step(items: &[Item], params: &Params, looseness: i32) -> Option<Vec<Break>> {
        let target = linebreak(items, params).len() as i64 + i64::from(looseness);
        let plain = params.plain();
        let mut breaker = Breaker::new(items, &plain);
        for step in LOOSENESS_STEPS {
            breaker.line_demerits = if looseness > 0 { -step } else { step };
            let breaks = TOLERANCES.iter().find_map(|&t| breaker.run(Pass::Tolerance(t)))?;
            let n = breaks.len() as i64;
            if n == target {
                return Some(breaks);
            }
            if (n - target) * i64::from(looseness.signum()) > 0 {
                return None;
            }
        }
        None
    }

    #[test]
    fn halving_the_steps_finds_what_trying_each_finds() {
        let (p, q) = (para(TEXT, false), para_expanding(TEXT, 0.02));
        let mut found = 0;
        for m in 16..60 {
            let m = m as f32;
            for (p, params) in [(&p, justify(m)), (&q, justify(m).with_even(0.02))] {
                for looseness in [1, -1] {
                    let got = linebreak_loose(&p.items, &params, looseness);
                    assert_eq!(got, loose_step_by_step(&p.items, &params, looseness), "{m}");
                    found += usize::from(got.is_some());
                }
            }
        }
        assert!(found > 10, "{found}");
    }

    #[test]
    fn loose_demerits_trade_loose_lines_for_hyphens() {
        let p = para(TEXT, false);
        let loose = |b: &[Break]| b[..b.len() - 1].iter().filter(|b| b.ratio > 1.0).count();
        let hyphens = |b: &[Break]| b.iter().filter(|b| b.hyphen).count();
        let (mut fewer, mut more) = (0, 0);
        for m in 20..45 {
            let params = justify(m as f32);
            let plain = linebreak(&p.items, &params);
            let stepped = linebreak(&p.items, &params.with_loose_demerits(LOOSE_DEMERITS));
            assert_fits(&p, &stepped, m as f32);
            assert!(loose(&stepped) <= loose(&plain), "{m}: {}", p.render(&stepped));
            if loose(&stepped) < loose(&plain) {
                fewer += 1;
                // Paid for with hyphens, the only other freedom.
                more += usize::from(hyphens(&stepped) > hyphens(&plain));
            }
        }
        assert!(fewer > 0 && more > 0, "{fewer} {more}");
    }

    #[test]
    fn tight_demerits_keep_lines_from_shrinking_past_the_ratio() {
        let p = para(TEXT, false);
        let tight = |b: &[Break]| b.iter().filter(|b| b.ratio < -0.6).count();
        let (mut fewer, mut total_plain, mut total_costed) = (0, 0, 0);
        for m in 20..45 {
            let params = justify(m as f32);
            let plain = linebreak(&p.items, &params);
            let costed = linebreak(&p.items, &params.with_tight_demerits(TIGHT_DEMERITS, -0.6));
            assert_fits(&p, &costed, m as f32);
            total_plain += tight(&plain);
            total_costed += tight(&costed);
            fewer += usize::from(tight(&costed) < tight(&plain));
        }
        // Some measures have no other way; over all, fewer tight lines.
        assert!(fewer > 0 && total_costed < total_plain, "{fewer} {total_costed} {total_plain}");
        // At -1 (the default) nothing changes: a ratio is never below it.
        let params = justify(30.0);
        assert_eq!(
            linebreak(&p.items, &params),
            linebreak(&p.items, &params.with_tight_demerits(TIGHT_DEMERITS, -1.0))
        );
    }

    /// Like [`para`], with each space carrying `share` of the word before
    /// it as expansion, in its stretch and shrink, as the shaping stage does.
    fn para_expanding(text: &str, share: f32) -> Para {
        let mut p = para(text, false);
        let mut word = 0.0;
        for item in &mut p.items {
            match item {
                Item::Box { width, .. } => word += *width,
                Item::Glue { stretch, shrink, .. } if *stretch < FIL => {
                    *stretch += share * word;
                    *shrink += share * word;
                    word = 0.0;
                }
                _ => {}
            }
        }
        p
    }

    /// Per line but the last: how far its spaces are off natural, relative
    /// to their width, once the words (`share` of their width, an added
    /// hyphen's too) have taken what they can. Spaces here shrink by a
    /// third at most.
    fn space_changes(p: &Para, breaks: &[Break], measure: f32, share: f32) -> Vec<f32> {
        let mut out = vec![];
        let mut start = 0;
        for b in &breaks[..breaks.len() - 1] {
            let (mut natural, mut spaces, mut words) = (0.0, 0.0, 0.0);
            // Glue before the break does not count.
            let last_box = (start..b.index)
                .rev()
                .find(|&i| matches!(p.items[i], Item::Box { .. }))
                .unwrap_or(start);
            for item in &p.items[start..=last_box] {
                match *item {
                    Item::Box { width, .. } => words += width,
                    Item::Glue { width, .. } => spaces += width,
                    Item::Penalty { .. } => {}
                }
            }
            if let Item::Penalty { width, .. } = p.items[b.index] {
                words += width;
            }
            natural += words + spaces;
            let adjust = measure - natural;
            let rest = adjust.signum() * (adjust.abs() - share * words).max(0.0);
            out.push(if spaces > 0.0 { rest / spaces } else { 0.0 });
            start = b.index + 1;
            while start < p.items.len() && !matches!(p.items[start], Item::Box { .. }) {
                start += 1;
            }
        }
        out
    }

    #[test]
    fn expansion_is_taken_before_the_spaces() {
        // Words may give a twentieth of their width. Told so, the breaker
        // sees that they shrink "by the global character of production"
        // alone, its spaces staying at the tight ratio, and needs no hyphen;
        // judged by the glue as a whole the line looks too tight.
        let share = 0.05;
        let p = para_expanding(TEXT, share);
        let params = justify(35.0).with_tight_demerits(TIGHT_DEMERITS, -0.6);
        assert_eq!(
            p.render(&linebreak(&p.items, &params)),
            "The workers of the world are connected|by the global character of produc-|\
             tion itself. The struggle against|war, against inequality and against|\
             the attack on democratic rights is an|international struggle that unites|\
             workers across every border."
        );
        let told = linebreak(&p.items, &params.with_expansion(share));
        assert_eq!(
            p.render(&told),
            "The workers of the world are connected|by the global character of production|\
             itself. The struggle against war,|against inequality and against the|\
             attack on democratic rights is an|international struggle that unites|\
             workers across every border."
        );
        let changes = space_changes(&p, &told, 35.0, share);
        assert!(changes[1] < 0.0 && changes[1] >= -0.6 * 0.33, "{changes:?}");
        assert!(changes.iter().all(|&d| d >= -0.331), "{changes:?}");
        // A share of 0 (the default) is the plain judgement.
        assert_eq!(linebreak(&p.items, &params), linebreak(&p.items, &params.with_expansion(0.0)));
    }

    #[test]
    fn space_demerits_keep_spaces_near_natural() {
        let share = 0.02;
        let p = para_expanding(TEXT, share);
        let squares = |c: Vec<f32>| c.iter().map(|d| d * d).sum::<f32>();
        let hyphens = |b: &[Break]| b.iter().filter(|b| b.hyphen).count();
        let (mut plain_sq, mut costed_sq, mut plain_h, mut costed_h) = (0.0, 0.0, 0, 0);
        let mut evener = 0;
        for m in 20..45 {
            let m = m as f32;
            let params = justify(m).with_expansion(share);
            let plain = linebreak(&p.items, &params);
            let costed = linebreak(&p.items, &params.with_space_demerits(SPACE_DEMERITS));
            let changes = space_changes(&p, &costed, m, share);
            assert!(changes.iter().all(|&d| d >= -0.331), "{m}: {}", p.render(&costed));
            let (a, b) = (squares(space_changes(&p, &plain, m, share)), squares(changes));
            evener += usize::from(b < a - 1e-4);
            plain_sq += a;
            costed_sq += b;
            plain_h += hyphens(&plain);
            costed_h += hyphens(&costed);
        }
        // Evener spaces, paid for with hyphens.
        assert!(evener > 0 && costed_sq < plain_sq, "{evener} {costed_sq} {plain_sq}");
        assert!(costed_h >= plain_h, "{costed_h} {plain_h}");
    }

    #[test]
    fn jump_demerits_keep_neighbouring_lines_alike() {
        let share = 0.02;
        let p = para_expanding(TEXT, share);
        let jumps = |c: Vec<f32>| c.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum::<f32>();
        let (mut plain, mut costed, mut changed) = (0.0, 0.0, 0);
        for m in 20..45 {
            let m = m as f32;
            let params = justify(m).with_expansion(share).with_space_demerits(SPACE_DEMERITS);
            let a = linebreak(&p.items, &params);
            let b = linebreak(&p.items, &params.with_jump_demerits(JUMP_DEMERITS));
            changed += usize::from(a != b);
            plain += jumps(space_changes(&p, &a, m, share));
            costed += jumps(space_changes(&p, &b, m, share));
        }
        // Some breakings change, and the spaces change less from line to
        // line over all of them.
        assert!(changed > 0 && costed < plain, "{changed} {costed} {plain}");
    }

    #[test]
    fn hyphens_cost_more_in_short_paragraphs() {
        let even = justify(30.0).with_even(0.02);
        let base = f64::from(HYPHEN_DEMERITS);
        assert_eq!(hyphen_demerits(&justify(30.0), 1.0), 0.0, "off in the paper");
        assert_eq!(hyphen_demerits(&even, 0.0), base + SHORT_PARAGRAPH_HYPHEN_DEMERITS);
        assert_eq!(hyphen_demerits(&even, 3.0), base + SHORT_PARAGRAPH_HYPHEN_DEMERITS / 2.0);
        assert_eq!(hyphen_demerits(&even, SHORT_PARAGRAPH_LINES), base);
        assert_eq!(hyphen_demerits(&even, 40.0), base);
        // Ragged lines keep the plain costs.
        let ragged = Params::new(30.0, 30.0, Mode::Ragged).with_even(0.02);
        assert_eq!(hyphen_demerits(&ragged, 1.0), 0.0);
    }

    #[test]
    fn the_guard_counts_loose_lines_as_drawn() {
        let share = 0.02;
        let p = para_expanding(TEXT, share);
        let mut seen = 0;
        for m in 15..45 {
            let m = m as f32;
            let params = justify(m).with_even(share);
            let breaker = Breaker::new(&p.items, &params);
            let plain = linebreak(&p.items, &params.plain());
            // Spaces stretch by half their width at ratio 1.
            let loose = space_changes(&p, &plain, m, share).iter().filter(|&&d| d > 0.5).count();
            assert_eq!(breaker.judge(&plain).0, loose, "{m}: {}", p.render(&plain));
            seen += loose;
            // Whatever the guard keeps has no more loose lines.
            let kept = linebreak(&p.items, &params);
            assert!(breaker.judge(&kept).0 <= breaker.judge(&plain).0, "{m}");
        }
        assert!(seen > 0, "no loose line to count");
    }

    #[test]
    fn too_long_word_stands_alone() {
        let text = "a supercalifragilistic b c";
        test(text, 8.0, "a|supercalifragilistic|b c");
        test("supercalifragilistic", 8.0, "supercalifragilistic");
        test("supercalifragilistic a b", 8.0, "supercalifragilistic|a b");
    }

    #[test]
    fn forced_breaks() {
        test("one two\nthree four", 20.0, "one two|three four");
        test("one\n\ntwo", 20.0, "one||two");
        test("aaa bbb ccc\nddd", 8.0, "aaa bbb|ccc|ddd");
    }

    /// Renders the lines as [`Para::render`] does, with `¶` after each line
    /// that ends filled (set at its natural width); checks that those
    /// lines report no stretch.
    fn render_filled(p: &Para, breaks: &[Break]) -> String {
        let lines = p.lines(breaks);
        let marked: Vec<String> = lines
            .iter()
            .zip(breaks)
            .map(|(line, b)| {
                if ends_filled(&p.items, b.index) {
                    assert!(b.ratio <= 0.0, "{line:?} stretched by {}", b.ratio);
                    format!("{line}¶")
                } else {
                    line.clone()
                }
            })
            .collect();
        marked.join("|")
    }

    #[test]
    fn hard_breaks_end_filled_lines() {
        let cases = [
            ("one two\nthree four", 20.0, "one two¶|three four¶"),
            ("one\n\ntwo", 20.0, "one¶|¶|two¶"),
            ("aaa bbb ccc\nddd", 8.0, "aaa bbb|ccc¶|ddd¶"),
            // The seed's address: the line before the hard break is far
            // short of the measure and stays so.
            (
                "and fight for socialism. To contact the WSWS and the\nSocialist Equality \
                 Party visit:",
                40.0,
                "and fight for socialism. To contact the|WSWS and the¶|Socialist Equality Party \
                 visit:¶",
            ),
        ];
        for (text, measure, expected) in cases {
            let p = para(text, false);
            let params = justify(measure);
            assert_eq!(render_filled(&p, &linebreak(&p.items, &params)), expected, "{text:?}");
            // First fit, the last fallback, breaks the same way here and
            // goes on after a hard break.
            assert_eq!(render_filled(&p, &greedy(&p.items, &params)), expected, "{text:?}");
        }
        // An ordinary break never ends filled, nor does a position that is
        // no break at all.
        let p = para("aaa bbb ccc", false);
        assert!(!ends_filled(&p.items, 1));
        assert!(!ends_filled(&p.items, 0));
        assert!(!ends_filled(&p.items, p.items.len()));
        assert!(ends_filled(&p.items, p.items.len() - 1));
    }

    #[test]
    fn ragged_is_even() {
        let p = para(TEXT, false);
        let spread = |breaks: &[Break], m: f32| {
            let lines = p.lines(breaks);
            let lens: Vec<f32> =
                lines[..lines.len() - 1].iter().map(|l| m - l.chars().count() as f32).collect();
            let mean = lens.iter().sum::<f32>() / lens.len() as f32;
            lens.iter().map(|l| (l - mean).powi(2)).sum::<f32>() / lens.len() as f32
        };
        for m in [20.0, 25.0, 30.0] {
            let params = Params::new(m, m, Mode::Ragged).with_em(2.0);
            let kp = linebreak(&p.items, &params);
            let gr = greedy(&p.items, &params);
            assert!(spread(&kp, m) < spread(&gr, m), "{m}");
            assert!(kp.iter().all(|b| b.ratio == 0.0));
            for line in p.lines(&kp) {
                assert!(line.chars().count() as f32 <= m, "{line}");
            }
        }
    }

    #[test]
    fn hanging_punctuation() {
        // "bbbbb," is 11 wide even shrunk to 10.67; the comma hangs.
        let text = "aaaa bbbbb, cc";
        let measure = 10.0;
        let p = para(text, false);
        assert_eq!(p.render(&linebreak(&p.items, &justify(measure))), "aaaa|bbbbb, cc");
        let p = para(text, true);
        assert_eq!(p.render(&linebreak(&p.items, &justify(measure))), "aaaa bbbbb,|cc");
        // Likewise an inserted hyphen.
        let text = "aaaa bbbbb-ccc";
        let p = para(text, false);
        assert_eq!(p.render(&linebreak(&p.items, &justify(measure))), "aaaa|bbbbbccc");
        let p = para(text, true);
        assert_eq!(p.render(&linebreak(&p.items, &justify(measure))), "aaaa bbbbb-|ccc");
    }

    #[test]
    fn first_line_measure() {
        let p = para("aaa bbb ccc ddd eee", false);
        let params = Params::new(7.0, 11.0, Mode::Justify);
        assert_eq!(p.render(&linebreak(&p.items, &params)), "aaa bbb|ccc ddd eee");
    }

    #[test]
    fn infeasible_falls_back_without_overflow() {
        // No glue to stretch: only the emergency pass accepts these lines.
        test("aaaaaaa bbbbbbb", 10.0, "aaaaaaa|bbbbbbb");
        // Only hyphens break this word, three in a row: no total-fit
        // solution keeps the hyphen limit, first fit still fits.
        let p = para("ab-cd-ef-gh", false);
        let breaks = linebreak(&p.items, &justify(3.0));
        assert_eq!(p.render(&breaks), "ab-|cd-|ef-|gh");
        assert_fits(&p, &breaks, 3.0);
    }

    #[test]
    fn ratios() {
        let p = para("aaa bbb ccc ddd", false);
        let breaks = linebreak(&p.items, &justify(8.0));
        assert_eq!(p.render(&breaks), "aaa bbb|ccc ddd");
        assert_eq!(breaks[0].ratio, 2.0);
        assert_eq!(breaks[1].ratio, 0.0);
        // A last line that must shrink reports it.
        let breaks = linebreak(&p.items, &justify(14.7));
        assert_eq!(p.render(&breaks), "aaa bbb ccc ddd");
        assert!((breaks[0].ratio + 0.303).abs() < 0.01, "{}", breaks[0].ratio);
    }

    /// Prints the time to break about 10 000 words in paragraphs of 100
    /// words at three measures; run with `cargo test --release -- --ignored`.
    #[test]
    #[ignore]
    fn timing() {
        let words: Vec<&str> = TEXT.split(' ').collect();
        let mut paras = vec![];
        for k in 0..100 {
            let text: Vec<&str> = (0..100).map(|i| words[(i * 7 + k) % words.len()]).collect();
            paras.push(para(&text.join(" "), true));
        }
        for m in [25.0, 35.0, 60.0] {
            let params = justify(m);
            let start = std::time::Instant::now();
            let mut lines = 0;
            for p in &paras {
                lines += linebreak(&p.items, &params).len();
            }
            println!("measure {m}: 10 000 words, {lines} lines in {:?}", start.elapsed());
        }
    }
}
