//! Stage 3: inline content becomes shaped glyph runs and the boxes, glue and
//! penalties the paragraph breaker works on.
//!
//! Each word is shaped whole (so kerning and ligatures inside it survive) and
//! then split at hyphenation points where the shaper says a break is safe.

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

use harfrust::{Buffer, Direction, Language, Script, ShapeOptions, ShapePlan, ShaperFont};
use unicode_linebreak::BreakOpportunity;

use crate::error::{Location, Result, Warning};
use crate::fonts::{FaceId, FontBook};
use crate::linebreak::{Item, INFINITY};
use crate::script::{self, Chain, Dir};
use crate::statement::{Inline, Style};

/// Cost of breaking after an explicit hyphen or dash (TeX's \exhyphenpenalty).
const EXPLICIT_HYPHEN_PENALTY: f32 = 50.0;
/// Cost of an inserted hyphen (TeX's \hyphenpenalty is 50). Higher here
/// because glyph expansion and the extra shrink below give lines room that
/// TeX lacks; tuned on the statements at 26 em together with the breaker's
/// loose- and tight-line demerits (see [`SPACE_SHRINK`]).
const HYPHEN_PENALTY: f32 = 375.0;
/// Space stretch as a fraction of the font's space.
const SPACE_STRETCH: f32 = 0.6;
/// Space shrink as a fraction of the font's space: down to 55 % of it, more
/// than TeX's 1/3. Spaces below [`COMFORTABLE_SHRINK`] cost the breaker
/// extra demerits, so lines are drawn that tight only where it saves a
/// hyphen or a loose line. Searched on the five statements at 26 em (about
/// 160 points of shrink, hyphen penalty, loose and tight demerits): with
/// shrink 0.3 one statement could not be set with under 15 % hyphenated
/// lines and under 5 % loose ones by any choice of breaks (its best was 12
/// hyphenated lines at 3 loose); at 0.45 all five are, at hyphen penalties
/// 375 to 400 and tight demerits 20 000 to 60 000 alike. The cost: about 4 %
/// of the spaces come out under 0.15 em (0.04 % at 0.3).
const SPACE_SHRINK: f32 = 0.45;
/// The shrink a reader does not notice (70 % of the font's space); beyond
/// it a line pays [`crate::linebreak::TIGHT_DEMERITS`].
pub const COMFORTABLE_SHRINK: f32 = 0.3;
/// The adjustment ratio at which the spaces reach [`COMFORTABLE_SHRINK`].
pub const TIGHT_RATIO: f32 = -COMFORTABLE_SHRINK / SPACE_SHRINK;
/// How much a word may be expanded or compressed (its glyphs scaled
/// horizontally), as a share of its width, so that justification need not
/// come from the spaces alone.
pub const WORD_STRETCH: f32 = 0.02;
/// See [`WORD_STRETCH`].
pub const WORD_SHRINK: f32 = 0.02;

/// One glyph, positioned relative to the pen, in points.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// Glyph id in the face.
    pub id: u16,
    /// Horizontal advance.
    pub advance: f32,
    /// Horizontal offset from the pen.
    pub dx: f32,
    /// Vertical offset from the baseline (up is positive).
    pub dy: f32,
    /// The characters this glyph stands for (byte range in the paragraph text).
    pub text: Range<usize>,
}

/// Visual attributes a run carries to the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Decor {
    /// Index into [`Paragraph::links`].
    pub link: Option<usize>,
    /// Draw a line through the text.
    pub strike: bool,
}

/// Glyphs in one face and size.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The face.
    pub face: FaceId,
    /// Font size in points.
    pub size: f32,
    /// Link and strike-through.
    pub decor: Decor,
    /// Bidi embedding level: odd runs read right to left.
    pub level: u8,
    /// The glyphs in visual order.
    pub glyphs: Vec<Glyph>,
}

impl Run {
    /// Sums the advances.
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }
}

/// What an [`Item`] draws when its line is set.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// A word or word fragment (for a box).
    Word(Run),
    /// An inter-word space (for glue); its glyph is stretched with the glue.
    /// The glue also carries the expansion allowance of the word before
    /// it: `word_stretch` and `word_shrink` of its stretch and shrink.
    Space {
        /// The space glyph.
        run: Run,
        /// Part of the glue's stretch that belongs to the word's expansion.
        word_stretch: f32,
        /// Part of the glue's shrink that belongs to the word's expansion.
        word_shrink: f32,
    },
    /// A hyphen drawn only if the line breaks here (for a flagged penalty).
    Hyphen(Run),
    /// Nothing to draw.
    Empty,
}

/// A shaped paragraph: the text, the items to break, and what each draws.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Paragraph {
    /// The paragraph's characters.
    pub text: String,
    /// Boxes, glue and penalties, ending with a forced break.
    pub items: Vec<Item>,
    /// One piece per item.
    pub pieces: Vec<Piece>,
    /// Link targets referenced by [`Decor::link`].
    pub links: Vec<String>,
    /// Largest font size used (for line height).
    pub max_size: f32,
    /// The paragraph reads right to left (its base direction).
    pub rtl: bool,
}

/// How a paragraph is to be set.
#[derive(Debug, Clone)]
pub struct TextStyle<'a> {
    /// Family of running text.
    pub family: &'a str,
    /// Family for code spans.
    pub code_family: &'a str,
    /// Size in points.
    pub size: f32,
    /// Set everything bold (headings).
    pub bold: bool,
    /// Hyphenation language, or `None` not to hyphenate.
    pub hyphenate: Option<hypher::Lang>,
    /// Width of the column (longer words are split).
    pub measure: f32,
    /// Let punctuation hang into the margins.
    pub hang: bool,
    /// Indent of the first line.
    pub indent: f32,
    /// Let words take part of the justification by glyph expansion.
    pub expand_words: bool,
    /// Families tried, in order, for characters the style's family lacks.
    pub fallback: &'a [String],
    /// Language (BCP 47) for shaping rules, e.g. `ar`.
    pub lang: Option<&'a str>,
    /// Base direction of the paragraph.
    pub dir: Dir,
}

/// Shapes paragraphs, caching shaping plans per face.
pub struct Shaper<'a> {
    book: &'a FontBook,
    plans: HashMap<PlanKey, ShapePlan>,
    buffer: Option<Buffer>,
    /// Shaped words at 1 pt, by face, text and how they are shaped.
    cache: Vec<(PlanKey, HashMap<String, Vec<Glyph>>)>,
    /// A too-wide word was reported for this paragraph.
    warned_wide: bool,
    /// Hyphenation points of words, by language.
    hyphens: HashMap<hypher::Lang, HashMap<String, Vec<usize>>>,
    /// Faces chosen so far, by family, bold and italic.
    faces: Vec<(String, bool, bool, FaceId)>,
    /// Fallback chains by style face, for the fallback families below.
    chains: HashMap<FaceId, Chain>,
    chain_fallback: Vec<String>,
    /// Bidi levels of the paragraph being shaped (`None`: all left to right).
    levels: Option<Vec<u8>>,
    /// Characters of the paragraph no font has.
    missing: Vec<char>,
    /// Language of the paragraph being shaped.
    lang: Option<Language>,
    /// Scratch lists of a word's runs, fragments, script items,
    /// hyphenation points and cluster starts, kept to not allocate them per
    /// word.
    runs: Vec<Run>,
    fragments: Vec<(Run, Cut)>,
    items: Vec<script::TextItem>,
    points: Vec<usize>,
    starts: Vec<usize>,
    /// Whether a face has a character, for the few asked about per word
    /// (space, hyphen): a character map lookup each time costs more.
    covered: Vec<(FaceId, char, bool)>,
    /// The paragraph's shaped inter-word spaces at 1 pt, by face, character
    /// and level: nearly every word is followed by one.
    spaces: Vec<(FaceId, char, u8, Vec<Glyph>)>,
    /// Problems found (missing glyphs), with the line they came from.
    pub warnings: Vec<Warning>,
    /// Whole paragraphs shaped and set by earlier builds, kept by the flow
    /// (`flow/reuse.rs`); carried here, as the shaper goes with a job
    /// through every pass and from build to build. Off but in a watch.
    pub(crate) set_paragraphs: crate::flow::SetParagraphs,
}

/// What a [`Shaper`] learns that outlives a build: shaping plans, words
/// shaped at 1 pt and hyphenation points. `handbill watch` keeps it between
/// rebuilds, so that after a one-word edit only that word is shaped again.
///
/// Face ids are the book's, so a cache is only good with the book it was
/// filled from: [`Shaper::with_cache`] checks the book's font files and
/// starts empty when they differ.
#[derive(Default)]
pub struct ShapeCache {
    /// The font files of the book the cache was filled from, in face order.
    faces: Vec<std::path::PathBuf>,
    plans: HashMap<PlanKey, ShapePlan>,
    words: Vec<(PlanKey, HashMap<String, Vec<Glyph>>)>,
    hyphens: HashMap<hypher::Lang, HashMap<String, Vec<usize>>>,
    set_paragraphs: crate::flow::SetParagraphs,
}

impl ShapeCache {
    /// How many shaped words the cache holds, over all faces and scripts.
    pub fn words(&self) -> usize {
        self.words.iter().map(|(_, w)| w.len()).sum()
    }

    /// How many paragraphs the build that filled the cache set from it, as
    /// an earlier build had shaped and broken them (`flow/reuse.rs`).
    pub fn paragraphs_reused(&self) -> usize {
        self.set_paragraphs.reused()
    }

    /// Whether the cache was filled from `book` (the same font files, in
    /// the same order, so the same face ids).
    fn fits(&self, book: &FontBook) -> bool {
        self.faces.len() == book.len()
            && self.faces.iter().enumerate().all(|(i, p)| *p == book.info(i).path)
    }
}

impl std::fmt::Debug for ShapeCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShapeCache")
            .field("faces", &self.faces.len())
            .field("plans", &self.plans.len())
            .field("words", &self.words())
            .field("paragraphs", &self.set_paragraphs.len())
            .finish()
    }
}

impl<'a> Shaper<'a> {
    /// Creates a shaper over a font book.
    pub fn new(book: &'a FontBook) -> Self {
        Shaper {
            book,
            plans: HashMap::default(),
            buffer: Some(Buffer::new()),
            cache: Vec::new(),
            hyphens: HashMap::default(),
            warned_wide: false,
            faces: Vec::new(),
            chains: HashMap::default(),
            chain_fallback: Vec::new(),
            levels: None,
            missing: Vec::new(),
            lang: None,
            runs: Vec::new(),
            fragments: Vec::new(),
            items: Vec::new(),
            points: Vec::new(),
            starts: Vec::new(),
            covered: Vec::new(),
            spaces: Vec::new(),
            warnings: Vec::new(),
            set_paragraphs: crate::flow::SetParagraphs::default(),
        }
    }

    /// Creates a shaper that starts from what an earlier one learnt (see
    /// [`ShapeCache`]); a cache filled from another book is dropped.
    pub fn with_cache(book: &'a FontBook, cache: ShapeCache) -> Self {
        let mut shaper = Shaper::new(book);
        shaper.set_paragraphs = crate::flow::SetParagraphs::kept();
        if cache.fits(book) {
            shaper.plans = cache.plans;
            shaper.cache = cache.words;
            shaper.hyphens = cache.hyphens;
            shaper.set_paragraphs = cache.set_paragraphs;
        }
        shaper
    }

    /// Ends the shaper, keeping what it learnt for the next one (see
    /// [`Shaper::with_cache`]).
    pub fn into_cache(mut self) -> ShapeCache {
        self.set_paragraphs.sweep();
        ShapeCache {
            faces: (0..self.book.len()).map(|i| self.book.info(i).path.clone()).collect(),
            plans: self.plans,
            words: self.cache,
            hyphens: self.hyphens,
            set_paragraphs: self.set_paragraphs,
        }
    }

    /// Returns the font book.
    pub fn book(&self) -> &'a FontBook {
        self.book
    }

    /// Shapes inline content into a breakable paragraph.
    pub fn paragraph(
        &mut self,
        content: &[Inline],
        style: &TextStyle,
        source: &Location,
    ) -> Result<Paragraph> {
        let (text, spans, links) = flatten(content);
        let (rtl, levels) = script::levels(&text, style.dir);
        self.levels = levels;
        self.missing.clear();
        self.warned_wide = false;
        self.lang = style.lang.and_then(|l| l.parse::<Language>().ok());
        // Spaces are shaped with the paragraph's language.
        self.spaces.clear();
        if self.chain_fallback.as_slice() != style.fallback {
            self.chains.clear();
            self.chain_fallback = style.fallback.to_vec();
        }
        let mut p = Paragraph { text, links, max_size: style.size, rtl, ..Paragraph::default() };
        // About a box and a glue per word of five or six characters, more
        // with hyphenation points: sized once rather than grown.
        p.items.reserve(p.text.len() / 2);
        p.pieces.reserve(p.text.len() / 2);
        if style.indent > 0.0 {
            p.items.push(Item::Box { width: style.indent, hang_start: 0.0, hang_end: 0.0 });
            p.pieces.push(Piece::Empty);
        }
        let text = p.text.clone();
        let mut seg_start = 0;
        for (pos, opp) in unicode_linebreak::linebreaks(&text) {
            let seg = &text[seg_start..pos];
            // Only breakable spaces end a word; a no-break space belongs to it.
            let word_len = seg.trim_end_matches([' ', '\n']).len();
            let word = seg_start..seg_start + word_len;
            if !word.is_empty() {
                self.word(&mut p, &text, word.clone(), &spans, style, source)?;
            }
            let ws = &text[seg_start + word_len..pos];
            let at_end = pos >= text.len();
            if at_end {
                break;
            }
            let hard = opp == BreakOpportunity::Mandatory;
            if hard {
                // A hard line break: end the line here, unjustified.
                end_line(&mut p);
            } else if !ws.is_empty() {
                let at = seg_start + word_len;
                let span = span_at(&spans, at.saturating_sub(1));
                let len = ws.chars().next().map_or(1, char::len_utf8);
                let run = self.space(&p, &text, at..at + len, span, style, source)?;
                let width = run.width();
                // The word before the space: its boxes since the last glue.
                let word_w: f32 = if style.expand_words {
                    p.items
                        .iter()
                        .rev()
                        .take_while(|it| !matches!(it, Item::Glue { .. }))
                        .map(|it| match it {
                            Item::Box { width, .. } => *width,
                            _ => 0.0,
                        })
                        .sum()
                } else {
                    0.0
                };
                let (ws, wsh) = (word_w * WORD_STRETCH, word_w * WORD_SHRINK);
                p.items.push(Item::Glue {
                    width,
                    stretch: width * SPACE_STRETCH + ws,
                    shrink: width * SPACE_SHRINK + wsh,
                });
                p.pieces.push(Piece::Space { run, word_stretch: ws, word_shrink: wsh });
            } else if !word.is_empty() {
                // Break after an explicit hyphen or dash: no hyphen added.
                let flagged = text[word].ends_with(['-', '\u{2010}']);
                p.items.push(Item::Penalty {
                    width: 0.0,
                    penalty: EXPLICIT_HYPHEN_PENALTY,
                    flagged,
                    hang_end: 0.0,
                });
                p.pieces.push(Piece::Empty);
            }
            seg_start = pos;
        }
        // The paragraph's end: fill the last line, then force a break.
        end_line(&mut p);
        if !self.missing.is_empty() {
            let list: Vec<String> =
                self.missing.iter().map(|c| format!("{c} (U+{:04X})", *c as u32)).collect();
            self.warnings.push(Warning::new(
                source.clone(),
                format!(
                    "no font has {}: they print as boxes — add a font that has them to the \
                     font folder or to `body.fallback`",
                    list.join(", ")
                ),
            ));
        }
        Ok(p)
    }

    /// Shapes an inter-word space, in the face of the word before it when
    /// that face has the space (so a line in one script stays one run).
    fn space(
        &mut self,
        p: &Paragraph,
        text: &str,
        range: Range<usize>,
        span: SpanInfo,
        style: &TextStyle,
        source: &Location,
    ) -> Result<Run> {
        let c = text[range.clone()].chars().next().unwrap_or(' ');
        let before = p.pieces.iter().rev().find_map(|pc| match pc {
            Piece::Word(r) => Some(r),
            _ => None,
        });
        if let Some(w) = before.filter(|w| covers(&mut self.covered, self.book, w.face, c)) {
            let (at, level) = (range.start, self.level_at(range.start));
            let (face, size, decor) = (w.face, w.size, w.decor);
            let known =
                self.spaces.iter().find(|(f, k, l, _)| *f == face && *k == c && *l == level);
            let glyphs = match known {
                Some((_, _, _, unit)) => scale(unit, size, at),
                None => {
                    let unit = self.shape_raw(face, &text[range], 0, 1.0, Script::COMMON, level)?;
                    let glyphs = scale(&unit, size, at);
                    self.spaces.push((face, c, level, unit));
                    glyphs
                }
            };
            return Ok(Run { face, size, decor, level, glyphs });
        }
        let mut runs = self.shape(text, range, span, style, source)?;
        let first = runs.remove(0);
        Ok(first)
    }

    fn level_at(&self, at: usize) -> u8 {
        self.levels.as_ref().and_then(|l| l.get(at).copied()).unwrap_or(0)
    }

    /// Shapes one word (no spaces inside), splitting it at hyphenation points.
    #[allow(clippy::too_many_arguments)]
    fn word(
        &mut self,
        p: &mut Paragraph,
        text: &str,
        word: Range<usize>,
        spans: &[SpanInfo],
        style: &TextStyle,
        source: &Location,
    ) -> Result<()> {
        let wtext = &text[word.clone()];
        // Line-break opportunities split an address after its slashes; the
        // whole space-delimited token decides whether this is one.
        let token_start = text[..word.start]
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let token_end =
            text[word.end..].find(char::is_whitespace).map_or(text.len(), |i| word.end + i);
        let in_url = crate::hyphenate::is_url(&text[token_start..token_end]);
        let mut points = std::mem::take(&mut self.points);
        points.clear();
        match style.hyphenate {
            Some(_) if in_url => {}
            Some(lang) => {
                // Words recur, and every fitting pass asks again: cache them,
                // without the punctuation around them.
                let (offset, key) = crate::hyphenate::points_key(wtext);
                let cache = self.hyphens.entry(lang).or_default();
                let pts = match cache.get(key) {
                    Some(p) => p,
                    None => cache
                        .entry(key.to_string())
                        .or_insert_with(|| crate::hyphenate::points(key, lang)),
                };
                let at = word.start + offset;
                points.extend(pts.iter().map(|o| at + o));
            }
            None => {}
        }
        // Each style span inside the word is shaped on its own. The run and
        // fragment lists are kept between words, to not allocate per word.
        let mut runs = std::mem::take(&mut self.runs);
        runs.clear();
        for s in spans {
            let a = s.range.start.max(word.start);
            let b = s.range.end.min(word.end);
            if a < b {
                self.shape_into(text, a..b, s.clone(), style, source, &mut runs)?;
            }
        }
        let mut hyphen_run: Option<Run> = None;
        let n = runs.len();
        // Width since the last place the word may break: runs of different
        // scripts or styles each fit, but together may not.
        let mut unbroken = 0.0;
        let mut fragments = std::mem::take(&mut self.fragments);
        for (k, run) in runs.drain(..).enumerate() {
            let range = frag_range(&run);
            p.max_size = p.max_size.max(run.size);
            // Split the run at hyphenation points that fall inside it.
            fragments.clear();
            split_run(run, &points, range, &mut fragments);
            // A fragment wider than the column is cut at glyph boundaries.
            let before = fragments.len();
            if fragments.iter().any(|(r, _)| is_wide(r, style.measure)) {
                fragments = fragments
                    .into_iter()
                    .flat_map(|(r, hy)| split_wide(r, style.measure, hy))
                    .collect();
            }
            if fragments.len() > before && !self.warned_wide {
                // Once per paragraph: the reader should know a word broke.
                self.warned_wide = true;
                let w: String = wtext.chars().take(40).collect();
                self.warnings.push(Warning::new(
                    source.clone(),
                    format!("`{w}` is wider than the column and is broken across lines"),
                ));
            }
            let nf = fragments.len();
            for (j, (frag, hyphen_after)) in fragments.drain(..).enumerate() {
                let chars = &text[frag_range(&frag)];
                let hang_end = if style.hang {
                    chars
                        .chars()
                        .next_back()
                        .map_or(0.0, |c| hang_right(c) * logical_last_adv(&frag))
                } else {
                    0.0
                };
                let hang_start = if style.hang {
                    chars.chars().next().map_or(0.0, |c| hang_left(c) * logical_first_adv(&frag))
                } else {
                    0.0
                };
                let width = frag.width();
                if unbroken > 0.0 && unbroken + width > style.measure {
                    plain_break(p);
                    unbroken = 0.0;
                }
                unbroken += width;
                if hyphen_after != Cut::None {
                    unbroken = 0.0;
                }
                let is_last = k + 1 == n && j + 1 == nf;
                // The hyphen is shaped from the fragment, which then moves
                // into its piece without a copy.
                let hyphen = match hyphen_after {
                    Cut::Hyphen if !is_last => {
                        if hyphen_run.is_none() {
                            hyphen_run = Some(self.hyphen(&frag, style)?);
                        }
                        Some(hyphen_run.clone().unwrap_or_else(|| frag.clone()))
                    }
                    _ => None,
                };
                p.items.push(Item::Box { width, hang_start, hang_end });
                p.pieces.push(Piece::Word(frag));
                if is_last {
                    continue;
                }
                match hyphen_after {
                    Cut::Hyphen => {
                        let Some(h) = hyphen else { continue };
                        let w = h.width();
                        let hang = if style.hang { 0.7 * w } else { 0.0 };
                        p.items.push(Item::Penalty {
                            width: w,
                            penalty: HYPHEN_PENALTY,
                            flagged: true,
                            hang_end: hang,
                        });
                        p.pieces.push(Piece::Hyphen(h));
                    }
                    Cut::Plain => plain_break(p),
                    Cut::None => {}
                }
            }
        }
        self.runs = runs;
        self.fragments = fragments;
        self.points = points;
        Ok(())
    }

    /// Shapes a hyphen for a fragment, in its face if it has one.
    fn hyphen(&mut self, frag: &Run, style: &TextStyle) -> Result<Run> {
        let text = "-";
        let (size, decor, level) = (frag.size, frag.decor, frag.level);
        let face = if covers(&mut self.covered, self.book, frag.face, '-') {
            frag.face
        } else {
            self.book.select(style.family, style.bold, false)?
        };
        let glyphs = self.shape_raw(face, text, 0, size, Script::LATIN, level)?;
        Ok(Run {
            face,
            size,
            decor,
            level,
            glyphs: glyphs
                .into_iter()
                .map(|mut g| {
                    g.text = usize::MAX..usize::MAX;
                    g
                })
                .collect(),
        })
    }

    /// Shapes `range` of `text` in the face chosen by `span`'s style, with
    /// fallback faces where it lacks characters: one run per item.
    fn shape(
        &mut self,
        text: &str,
        range: Range<usize>,
        span: SpanInfo,
        style: &TextStyle,
        source: &Location,
    ) -> Result<Vec<Run>> {
        let mut runs = Vec::new();
        self.shape_into(text, range, span, style, source, &mut runs)?;
        Ok(runs)
    }

    /// Like [`Shaper::shape`], appending the runs to `runs`.
    fn shape_into(
        &mut self,
        text: &str,
        range: Range<usize>,
        span: SpanInfo,
        style: &TextStyle,
        source: &Location,
        runs: &mut Vec<Run>,
    ) -> Result<()> {
        let family = if span.style.code { style.code_family } else { style.family };
        let bold = span.style.bold || style.bold;
        let italic = span.style.italic;
        // Asked for every word, with few distinct styles: remember them
        // (a font book lookup lowercases the family name).
        let known =
            self.faces.iter().find(|(f, b, i, _)| f == family && *b == bold && *i == italic);
        let face = match known {
            Some(&(_, _, _, face)) => face,
            None => {
                let face = self.book.select(family, bold, italic).map_err(|mut e| {
                    e.location = source.clone();
                    e
                })?;
                self.faces.push((family.to_string(), bold, italic, face));
                face
            }
        };
        // Code is set slightly smaller so it sits with the body's x-height.
        let size = if span.style.code { style.size * 0.9 } else { style.size };
        let book = self.book;
        let chain =
            self.chains.entry(face).or_insert_with(|| Chain::new(book, face, style.fallback));
        let mut items = std::mem::take(&mut self.items);
        let levels = self.levels.as_deref();
        script::itemize(book, chain, text, range, levels, &mut self.missing, &mut items);
        let decor = Decor { link: span.link, strike: span.style.strike };
        runs.reserve(items.len());
        for it in items.drain(..) {
            let glyphs = self.shape_raw(
                it.face,
                &text[it.range.clone()],
                it.range.start,
                size,
                it.script,
                it.level,
            )?;
            let mut glyphs = glyphs;
            // Boxes for characters no font has: all glyphs one cluster, so
            // the characters go to the text layer as one ActualText span
            // (readers drop what the .notdef glyph itself maps to).
            if glyphs.iter().any(|g| g.id == 0) {
                let r = it.range.clone();
                for g in glyphs.iter_mut() {
                    g.text = r.clone();
                }
            }
            runs.push(Run { face: it.face, size, decor, level: it.level, glyphs });
        }
        self.items = items;
        Ok(())
    }

    /// Shapes a string with one face; glyph text ranges are offset by `base`.
    fn shape_raw(
        &mut self,
        face: FaceId,
        s: &str,
        base: usize,
        size: f32,
        script: Script,
        level: u8,
    ) -> Result<Vec<Glyph>> {
        // Shaping scales linearly with size: shape each word once at 1 pt,
        // then scale. Fitting re-breaks at many sizes and gains the most.
        let dir = if level % 2 == 1 { Direction::RightToLeft } else { Direction::LeftToRight };
        // Few plans are in use at once (faces × scripts): find this one by
        // comparison, then look the word up without allocating.
        let lang = self.lang.as_ref();
        let slot = match self.cache.iter().position(|(k, _)| {
            k.face == face && k.script == script && k.dir == dir && k.lang.as_ref() == lang
        }) {
            Some(i) => i,
            None => {
                let pk = PlanKey { face, script, dir, lang: self.lang.clone() };
                self.cache.push((pk, HashMap::default()));
                self.cache.len() - 1
            }
        };
        let scaled = |unit: &[Glyph]| scale(unit, size, base);
        // Most words are found: one lookup, no key allocated.
        if let Some(unit) = self.cache[slot].1.get(s) {
            return Ok(scaled(unit));
        }
        let key = self.cache[slot].0.clone();
        let unit = self.shape_unit(&key, s)?;
        let glyphs = scaled(&unit);
        self.cache[slot].1.insert(s.to_string(), unit);
        Ok(glyphs)
    }

    /// Shapes a string at 1 pt with text ranges relative to its start.
    fn shape_unit(&mut self, key: &PlanKey, s: &str) -> Result<Vec<Glyph>> {
        let (base, size) = (0, 1.0);
        let f = self.book.face(key.face);
        let shaper = ShaperFont::new(&f.font);
        let mut buffer = self.buffer.take().unwrap_or_default();
        buffer.clear();
        buffer.push_str(s);
        buffer.set_direction(key.dir);
        buffer.set_script(Some(key.script));
        buffer.set_language(key.lang.clone());
        buffer.guess_segment_properties();
        let plan = self.plans.entry(key.clone()).or_insert_with(|| {
            ShapePlan::new(&f.font, key.dir, Some(key.script), key.lang.as_ref(), &[])
        });
        let opts = ShapeOptions::new().plan(Some(plan));
        let shaped = harfrust::shape(&shaper, &mut buffer, opts);
        if shaped.is_err() {
            self.buffer = Some(Buffer::new());
            return Ok(Vec::new());
        }
        let scale = size / f.upem;
        let infos = buffer.glyph_infos();
        let pos = buffer.glyph_positions();
        let mut out = Vec::with_capacity(infos.len());
        // A cluster ends where the next cluster in the text starts (glyphs
        // of right-to-left text come in decreasing cluster order).
        let mut starts = std::mem::take(&mut self.starts);
        starts.clear();
        starts.extend(infos.iter().map(|g| g.cluster as usize));
        starts.sort_unstable();
        starts.dedup();
        for (info, p) in infos.iter().zip(pos) {
            let start = info.cluster as usize;
            let end = match starts.binary_search(&start) {
                Ok(k) => starts.get(k + 1).copied().unwrap_or(s.len()),
                Err(_) => s.len(),
            };
            out.push(Glyph {
                id: u16::try_from(info.glyph_id).unwrap_or(0),
                advance: p.x_advance as f32 * scale,
                dx: p.x_offset as f32 * scale,
                dy: p.y_offset as f32 * scale,
                text: base + start..base + end,
            });
        }
        // Glyphs of one cluster share its text; only the first keeps it.
        for i in (1..out.len()).rev() {
            if out[i].text == out[i - 1].text {
                out[i].text = out[i].text.end..out[i].text.end;
            }
        }
        buffer.clear();
        self.buffer = Some(buffer);
        self.starts = starts;
        Ok(out)
    }
}

/// Scales glyphs shaped at 1 pt to `size`, moving their text ranges by `base`.
fn scale(unit: &[Glyph], size: f32, base: usize) -> Vec<Glyph> {
    unit.iter()
        .map(|g| Glyph {
            id: g.id,
            advance: g.advance * size,
            dx: g.dx * size,
            dy: g.dy * size,
            text: g.text.start + base..g.text.end + base,
        })
        .collect()
}

/// Tells whether `face` has `c`, remembering the answer in `known`.
fn covers(known: &mut Vec<(FaceId, char, bool)>, book: &FontBook, face: FaceId, c: char) -> bool {
    if let Some(&(_, _, yes)) = known.iter().find(|(f, k, _)| *f == face && *k == c) {
        return yes;
    }
    let yes = book.face(face).covers(c);
    known.push((face, c, yes));
    yes
}

/// Ends a line unjustified: glue that fills it, then a forced break (a
/// hard line break, or the paragraph's end).
fn end_line(p: &mut Paragraph) {
    p.items.push(Item::Glue { width: 0.0, stretch: 1e5, shrink: 0.0 });
    p.pieces.push(Piece::Empty);
    p.items.push(Item::Penalty { width: 0.0, penalty: -INFINITY, flagged: false, hang_end: 0.0 });
    p.pieces.push(Piece::Empty);
}

/// Allows a break inside a word without adding a hyphen (an over-long
/// word cut to fit the column).
fn plain_break(p: &mut Paragraph) {
    p.items.push(Item::Penalty { width: 0.0, penalty: 0.0, flagged: false, hang_end: 0.0 });
    p.pieces.push(Piece::Empty);
}

/// How a fragment ends.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cut {
    /// At a hyphenation point: a hyphen is added if the line breaks here.
    Hyphen,
    /// A plain break (an over-long word cut to fit).
    Plain,
    /// No break after it.
    None,
}

fn frag_range(r: &Run) -> Range<usize> {
    // One pass over the glyphs: asked for every run and fragment.
    let mut found: Option<Range<usize>> = None;
    for g in &r.glyphs {
        if g.text.start != usize::MAX && g.text.end > g.text.start {
            found = Some(match found {
                Some(f) => f.start.min(g.text.start)..f.end.max(g.text.end),
                None => g.text.clone(),
            });
        }
    }
    found.unwrap_or(0..0)
}

/// Advance of the glyph of the run's last character in logical order
/// (the leftmost glyph of right-to-left text).
fn logical_last_adv(r: &Run) -> f32 {
    let g = if r.level % 2 == 1 { r.glyphs.first() } else { r.glyphs.last() };
    g.map_or(0.0, |g| g.advance)
}

/// Advance of the glyph of the run's first character in logical order.
fn logical_first_adv(r: &Run) -> f32 {
    let g = if r.level % 2 == 1 { r.glyphs.last() } else { r.glyphs.first() };
    g.map_or(0.0, |g| g.advance)
}

/// How a run is shaped: face, script, direction and language.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PlanKey {
    face: FaceId,
    script: Script,
    dir: Direction,
    lang: Option<Language>,
}

/// Splits a run at the hyphenation points inside `range`, where the glyph
/// boundary coincides with the point (not inside a ligature); the pieces
/// are appended to `out`.
fn split_run(run: Run, points: &[usize], range: Range<usize>, out: &mut Vec<(Run, Cut)>) {
    let inside = |p: usize| p > range.start && p < range.end;
    if !points.iter().any(|&p| inside(p)) {
        out.push((run, Cut::None));
        return;
    }
    let Run { face, size, decor, level, mut glyphs } = run;
    // Each fragment's glyphs are moved out at once, into a vector of their
    // exact size; the last fragment keeps the run's own vector.
    loop {
        let cut = glyphs.iter().enumerate().skip(1).find_map(|(k, g)| {
            let at = g.text.start;
            (at != g.text.end && inside(at) && points.contains(&at)).then_some(k)
        });
        let Some(k) = cut else { break };
        let head: Vec<Glyph> = glyphs.drain(..k).collect();
        out.push((Run { face, size, decor, level, glyphs: head }, Cut::Hyphen));
    }
    out.push((Run { face, size, decor, level, glyphs }, Cut::None));
}

/// Whether [`split_wide`] has to cut the run.
fn is_wide(run: &Run, measure: f32) -> bool {
    !(run.width() <= measure || run.glyphs.len() < 2 || measure <= 0.0)
}

/// Cuts a fragment wider than `measure` into pieces that fit.
fn split_wide(run: Run, measure: f32, cut: Cut) -> Vec<(Run, Cut)> {
    if !is_wide(&run, measure) {
        return vec![(run, cut)];
    }
    let Run { face, size, decor, level, glyphs } = run;
    let empty = || Run { face, size, decor, level, glyphs: Vec::new() };
    let mut out = Vec::new();
    let mut cur = empty();
    let mut w = 0.0;
    for g in glyphs {
        if !cur.glyphs.is_empty() && w + g.advance > measure && g.text.start != g.text.end {
            let done = std::mem::replace(&mut cur, empty());
            out.push((done, Cut::Plain));
            w = 0.0;
        }
        w += g.advance;
        cur.glyphs.push(g);
    }
    out.push((cur, cut));
    out
}

/// How far a character at a line end may hang into the margin, as a share
/// of its advance (values after microtype's defaults).
fn hang_right(c: char) -> f32 {
    match c {
        '.' | ',' => 0.7,
        '-' | '\u{2010}' | '\u{00AD}' => 0.7,
        '\u{2013}' => 0.4,
        '\u{2014}' => 0.2,
        '\u{2019}' | '\u{201D}' | '\'' | '"' => 0.7,
        ':' | ';' => 0.5,
        '!' | '?' => 0.2,
        _ => 0.0,
    }
}

/// How far a character at a line start may hang into the left margin.
fn hang_left(c: char) -> f32 {
    match c {
        '\u{2018}' | '\u{201C}' | '\'' | '"' => 0.7,
        '(' | '[' => 0.1,
        _ => 0.0,
    }
}

/// A style span of the flattened paragraph text.
#[derive(Debug, Clone, PartialEq)]
struct SpanInfo {
    range: Range<usize>,
    style: Style,
    link: Option<usize>,
}

fn span_at(spans: &[SpanInfo], at: usize) -> SpanInfo {
    spans.iter().find(|s| s.range.contains(&at)).or(spans.last()).cloned().unwrap_or(SpanInfo {
        range: 0..0,
        style: Style::default(),
        link: None,
    })
}

/// Joins inline content into one string with style spans; line breaks become `\n`.
fn flatten(content: &[Inline]) -> (String, Vec<SpanInfo>, Vec<String>) {
    let mut text = String::new();
    let mut spans: Vec<SpanInfo> = Vec::new();
    let mut links: Vec<String> = Vec::new();
    for i in content {
        let (s, style, link) = match i {
            Inline::Text(span) => {
                let link = span.link.as_ref().map(|l| match links.iter().position(|x| x == l) {
                    Some(k) => k,
                    None => {
                        links.push(l.clone());
                        links.len() - 1
                    }
                });
                (span.text.as_str(), span.style, link)
            }
            Inline::LineBreak => ("\n", Style::default(), None),
        };
        let start = text.len();
        // Collapse runs of white space as the Markdown source would render.
        for c in s.chars() {
            let c = if c == '\t' || c == '\r' { ' ' } else { c };
            if c == ' ' && (text.is_empty() || text.ends_with([' ', '\n'])) {
                continue;
            }
            text.push(c);
        }
        if text.len() > start {
            match spans.last_mut() {
                Some(last)
                    if last.style == style && last.link == link && last.range.end == start =>
                {
                    last.range.end = text.len()
                }
                _ => spans.push(SpanInfo { range: start..text.len(), style, link }),
            }
        }
    }
    while text.ends_with([' ', '\n']) {
        text.pop();
    }
    for s in &mut spans {
        s.range.end = s.range.end.min(text.len());
    }
    spans.retain(|s| s.range.start < s.range.end);
    (text, spans, links)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::shipped_dir;

    #[test]
    fn addresses_are_not_hyphenated() {
        let book = FontBook::load(&[shipped_dir()]).unwrap();
        let mut shaper = Shaper::new(&book);
        let style = TextStyle {
            family: "Source Serif 4 SmText",
            code_family: "Source Code Pro",
            size: 10.0,
            bold: false,
            hyphenate: crate::hyphenate::lang_for("en"),
            measure: 100.0,
            hang: true,
            indent: 0.0,
            expand_words: true,
            fallback: &[],
            lang: Some("en"),
            dir: Default::default(),
        };
        let content = [Inline::text("visit wsws.org/contact or organization")];
        let p = shaper.paragraph(&content, &style, &Location::default()).unwrap();
        let hyphens: Vec<&str> = p
            .items
            .iter()
            .zip(&p.pieces)
            .enumerate()
            .filter(|(_, (it, _))| matches!(it, Item::Penalty { flagged: true, width, .. } if *width > 0.0))
            .map(|(i, _)| match &p.pieces[i - 1] {
                Piece::Word(r) => &p.text[r.glyphs.last().map_or(0..0, |g| g.text.clone())],
                _ => "",
            })
            .collect();
        // "organization" may be hyphenated; nothing inside the address.
        assert!(!hyphens.is_empty(), "no hyphenation point at all");
        assert!(p.text.contains("wsws.org/contact"));
        let url_start = p.text.find("wsws").unwrap();
        let url_end = url_start + "wsws.org/contact".len();
        for (i, it) in p.items.iter().enumerate() {
            if let Item::Penalty { flagged: true, width, .. } = it {
                if *width > 0.0 {
                    if let Piece::Word(r) = &p.pieces[i - 1] {
                        let end = r.glyphs.iter().map(|g| g.text.end).max().unwrap_or(0);
                        assert!(!(url_start..url_end).contains(&end), "hyphen inside the address");
                    }
                }
            }
        }
    }
}
