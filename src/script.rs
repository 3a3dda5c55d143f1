//! Script itemization, font fallback and bidirectional levels: which face
//! sets which characters, in which direction.
//!
//! A word is cut into [`TextItem`]s where the script, the face or the bidi
//! level changes. Each character goes to the first face of a chain that
//! covers it: the style's family, the layout's `body.fallback`, then every
//! other family of the book, the one bundled for the character's script
//! first. Characters no face covers stay with the style's face (its .notdef
//! glyph, a visible box) and are reported.

use std::ops::Range;

use harfrust::Script;
use unicode_bidi::{BidiInfo, Level};

use crate::fonts::{FaceId, FontBook};

/// A run of characters set in one face, one script and one direction.
#[derive(Debug, Clone, PartialEq)]
pub struct TextItem {
    /// Byte range in the paragraph text.
    pub range: Range<usize>,
    /// The face that sets it.
    pub face: FaceId,
    /// Its script (common characters take their neighbours' script).
    pub script: Script,
    /// Bidi embedding level: odd is right to left.
    pub level: u8,
}

/// A paragraph's base direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dir {
    /// Left to right.
    #[default]
    Ltr,
    /// Right to left.
    Rtl,
    /// From the first strong character (Unicode rules P2–P3), left to right
    /// when there is none.
    Auto,
}

impl Dir {
    /// Reads a `dir` value (`ltr`, `rtl`, `auto`).
    pub fn parse(s: &str) -> Option<Dir> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ltr" => Some(Dir::Ltr),
            "rtl" => Some(Dir::Rtl),
            "auto" => Some(Dir::Auto),
            _ => None,
        }
    }

    /// Returns the direction a language is written in: right to left for
    /// Arabic, Hebrew, Persian, Urdu, Pashto, Sindhi, Kurdish (Sorani),
    /// Uyghur, Dhivehi and Yiddish, else left to right.
    ///
    /// # Example
    /// ```
    /// # use handbill::script::Dir;
    /// assert_eq!(Dir::for_language("ar-EG"), Dir::Rtl);
    /// assert_eq!(Dir::for_language("es"), Dir::Ltr);
    /// ```
    pub fn for_language(tag: &str) -> Dir {
        let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "ar" | "ara" | "arb" | "he" | "heb" | "fa" | "fas" | "per" | "ur" | "urd" | "ps"
            | "pus" | "sd" | "snd" | "ckb" | "ug" | "uig" | "dv" | "div" | "yi" | "yid" => Dir::Rtl,
            _ => Dir::Ltr,
        }
    }
}

/// Tells whether a character is a strong right-to-left letter or an
/// Arabic-script number (quick test before running the bidi algorithm).
pub fn is_rtl_char(c: char) -> bool {
    matches!(c as u32,
        0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
}

/// Whether `text` has a UTF-8 lead byte that characters of
/// [`is_rtl_char`] start with: a byte scan, faster than decoding, that rules
/// out right-to-left text in most paragraphs.
fn rtl_lead_byte(text: &str) -> bool {
    text.bytes().any(|b| matches!(b, 0xD6..=0xE0 | 0xEF | 0xF0))
}

/// Resolves the bidi embedding level of every byte of `text`, or `None`
/// when all of it is left to right (the common case, kept cheap).
pub fn levels(text: &str, dir: Dir) -> (bool, Option<Vec<u8>>) {
    let has_rtl = rtl_lead_byte(text) && text.chars().any(is_rtl_char);
    if !has_rtl && dir != Dir::Rtl {
        return (false, None);
    }
    let base = match dir {
        Dir::Ltr => Some(Level::ltr()),
        Dir::Rtl => Some(Level::rtl()),
        Dir::Auto => None,
    };
    let info = BidiInfo::new(text, base);
    let rtl = info.paragraphs.first().is_some_and(|p| p.level.is_rtl());
    if !has_rtl && !rtl {
        return (false, None);
    }
    let levels = info.levels.iter().map(|l| l.number()).collect();
    (rtl, Some(levels))
}

/// The family bundled with handbill for a script, if any.
pub fn bundled_family(script: Script) -> Option<&'static str> {
    match script {
        Script::ARABIC => Some("Noto Naskh Arabic"),
        Script::ETHIOPIC => Some("Noto Sans Ethiopic"),
        Script::DEVANAGARI => Some("Noto Sans Devanagari"),
        _ => None,
    }
}

/// Families tried after the script's own, before the rest of the book
/// (alphabetically): broad Latin, Greek and Cyrillic coverage.
const GENERAL: [&str; 2] = ["Source Sans 3", "Source Serif 4 SmText"];

/// Fallback faces for one style (family, weight, slant).
#[derive(Debug, Clone)]
pub struct Chain {
    /// The style's face, then the layout's fallback families.
    first: Vec<FaceId>,
    /// Every other family's closest face, general ones first.
    rest: Vec<FaceId>,
    /// The style's face covers all of printable ASCII.
    ascii: bool,
}

impl Chain {
    /// Builds the chain for `primary` and the layout's fallback families
    /// (unknown ones are skipped: the layout stage reports them).
    pub fn new(book: &FontBook, primary: FaceId, fallback: &[String]) -> Chain {
        let face = book.face(primary);
        let (bold, italic) = (face.weight >= 600, face.italic);
        let mut first = vec![primary];
        for fam in fallback {
            if let Ok(id) = book.select(fam, bold, italic) {
                if !first.contains(&id) {
                    first.push(id);
                }
            }
        }
        let mut families: Vec<String> = book.families();
        families
            .sort_by_key(|f| GENERAL.iter().position(|g| g.eq_ignore_ascii_case(f)).unwrap_or(9));
        let mut rest = Vec::new();
        for fam in families {
            if let Ok(id) = book.select(&fam, bold, italic) {
                if !first.contains(&id) && !rest.contains(&id) {
                    rest.push(id);
                }
            }
        }
        let ascii = (' '..='~').all(|c| face.covers(c));
        Chain { first, rest, ascii }
    }

    /// The style's face.
    pub fn primary(&self) -> FaceId {
        self.first[0]
    }

    /// Returns the first face that covers `c`, or `None`.
    fn pick(&self, book: &FontBook, c: char, script: Script) -> Option<FaceId> {
        if let Some(&f) = self.first.iter().find(|&&f| book.face(f).covers(c)) {
            return Some(f);
        }
        if let Some(fam) = bundled_family(script) {
            if let Some(&f) = self
                .rest
                .iter()
                .find(|&&f| book.face(f).family.eq_ignore_ascii_case(fam) && book.face(f).covers(c))
            {
                return Some(f);
            }
        }
        self.rest.iter().copied().find(|&f| book.face(f).covers(c))
    }
}

/// Cuts `range` of `text` into items of one face, script and level, in
/// place of what `items` held: called for every word, it then needs no new
/// vector each time. Characters that no face covers are appended to
/// `missing`.
pub fn itemize(
    book: &FontBook,
    chain: &Chain,
    text: &str,
    range: Range<usize>,
    levels: Option<&[u8]>,
    missing: &mut Vec<char>,
    items: &mut Vec<TextItem>,
) {
    items.clear();
    let s = &text[range.clone()];
    let level_at = |i: usize| levels.and_then(|l| l.get(i).copied()).unwrap_or(0);
    // Plain ASCII in a face that has it all: one item (the English path).
    if chain.ascii && s.is_ascii() && levels.is_none() {
        items.push(TextItem { range, face: chain.primary(), script: Script::LATIN, level: 0 });
        return;
    }
    // The script of the run so far, for common characters that follow it;
    // at the start, the first real script ahead.
    let ahead = s
        .chars()
        .map(|c| harfrust::unicode::script(c as u32))
        .find(|&sc| sc != Script::COMMON && sc != Script::INHERITED)
        .unwrap_or(Script::LATIN);
    for (i, c) in s.char_indices() {
        let at = range.start + i;
        let raw = harfrust::unicode::script(c as u32);
        let level = level_at(at);
        let prev = items.last();
        let common = raw == Script::COMMON || raw == Script::INHERITED;
        let script = if common { prev.map_or(ahead, |p| p.script) } else { raw };
        let face = match prev {
            // Marks stay with their base; punctuation and spaces too where
            // the face has them.
            Some(p) if raw == Script::INHERITED => p.face,
            Some(p) if common && book.face(p.face).covers(c) => p.face,
            _ => match chain.pick(book, c, script) {
                Some(f) => f,
                None => {
                    if !c.is_whitespace() && !c.is_control() && !missing.contains(&c) {
                        missing.push(c);
                    }
                    prev.map_or(chain.primary(), |p| p.face)
                }
            },
        };
        match items.last_mut() {
            Some(p)
                if p.face == face
                    && p.level == level
                    && (p.script == script || common)
                    && p.range.end == at =>
            {
                p.range.end = at + c.len_utf8();
            }
            _ => items.push(TextItem { range: at..at + c.len_utf8(), face, script, level }),
        }
    }
}

/// Reorders a line's pieces from logical to visual order by their bidi
/// levels (Unicode rule L2): from the highest level down to the lowest odd
/// one, every maximal sequence at that level or higher is reversed.
///
/// # Example
/// ```
/// # use handbill::script::visual_order;
/// // Two Arabic words (level 1) around a number (level 2).
/// assert_eq!(visual_order(&[1, 1, 2, 1]), [3, 2, 1, 0]);
/// assert_eq!(visual_order(&[0, 0, 1, 1, 0]), [0, 1, 3, 2, 4]);
/// ```
pub fn visual_order(levels: &[u8]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..levels.len()).collect();
    let Some(&max) = levels.iter().max() else { return order };
    let min_odd = levels.iter().copied().filter(|l| l % 2 == 1).min().unwrap_or(max + 1);
    let mut level = max;
    while level >= min_odd && level > 0 {
        let mut i = 0;
        while i < order.len() {
            if levels[order[i]] >= level {
                let start = i;
                while i < order.len() && levels[order[i]] >= level {
                    i += 1;
                }
                order[start..i].reverse();
            } else {
                i += 1;
            }
        }
        level -= 1;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::{shipped_dir, FontBook};

    #[test]
    fn every_rtl_character_has_an_rtl_lead_byte() {
        let rtl = (0..=0x10FFFF).filter_map(char::from_u32).filter(|&c| is_rtl_char(c));
        for c in rtl {
            assert!(rtl_lead_byte(c.encode_utf8(&mut [0; 4])), "U+{:04X}", c as u32);
        }
        assert!(!rtl_lead_byte("“Plain” text — with quotes, é and ß"));
    }

    fn items(text: &str, dir: Dir) -> (String, Vec<char>) {
        let book = FontBook::load(&[shipped_dir()]).unwrap();
        let primary = book.select("Source Serif 4 SmText", false, false).unwrap();
        let chain = Chain::new(&book, primary, &[]);
        let (_, lv) = levels(text, dir);
        let mut missing = Vec::new();
        let mut its = Vec::new();
        itemize(&book, &chain, text, 0..text.len(), lv.as_deref(), &mut missing, &mut its);
        let desc = its
            .iter()
            .map(|i| format!("{}:{}:{}", &text[i.range.clone()], book.face(i.face).family, i.level))
            .collect::<Vec<_>>()
            .join("|");
        (desc, missing)
    }

    #[test]
    fn ascii_is_one_item() {
        assert_eq!(items("word,", Dir::Ltr).0, "word,:Source Serif 4 SmText:0");
    }

    #[test]
    fn scripts_fall_back_to_bundled_faces() {
        let (d, m) = items("ሰው«سلام»नमस्ते", Dir::Ltr);
        assert_eq!(
            d,
            "ሰው«:Noto Sans Ethiopic:0|سلام:Noto Naskh Arabic:1|»:Noto Naskh Arabic:0|\
             नमस्ते:Noto Sans Devanagari:0"
        );
        assert!(m.is_empty());
    }

    #[test]
    fn vietnamese_greek_cyrillic_stay_in_the_body_face() {
        for w in ["Tuyên", "ngôn", "Όλοι", "Всеобщая"] {
            assert_eq!(items(w, Dir::Ltr).0, format!("{w}:Source Serif 4 SmText:0"));
        }
    }

    #[test]
    fn uncovered_characters_are_reported_once() {
        let (_, m) = items("漢字漢", Dir::Ltr);
        assert_eq!(m, ['漢', '字']);
    }

    #[test]
    fn numbers_in_arabic_get_an_even_level() {
        let (d, _) = items("في 1948", Dir::Rtl);
        assert_eq!(d, "في :Noto Naskh Arabic:1|1948:Noto Naskh Arabic:2");
    }

    #[test]
    fn language_directions() {
        assert_eq!(Dir::for_language("ar"), Dir::Rtl);
        assert_eq!(Dir::for_language("fa-IR"), Dir::Rtl);
        assert_eq!(Dir::for_language("en-US"), Dir::Ltr);
        assert_eq!(Dir::parse("RTL"), Some(Dir::Rtl));
    }
}
