//! Where words may break: hyphenation points and explicit breaks.
//!
//! The shaping stage asks, per word, where a hyphen may be inserted
//! ([`points`]) and where the word may break without one, after a hyphen,
//! dash or slash it already contains ([`explicit_breaks`]). It turns both into
//! penalties for [`linebreak`](crate::linebreak). Patterns come from
//! [`hypher`]; this module adds the typographic rules around them.

pub use hypher::Lang;

/// Fewest characters before a hyphenation point.
pub const LEFT_MIN: usize = 2;
/// Fewest characters after a hyphenation point.
pub const RIGHT_MIN: usize = 3;

/// Soft hyphen: marks the only places a word may be hyphenated.
const SOFT_HYPHEN: char = '\u{ad}';

/// Returns the byte offsets in `word` where a hyphen may be inserted.
///
/// At offset `i` the word breaks into `word[..i]` + hyphen and `word[i..]`.
/// Leading and trailing punctuation (quotes, brackets, commas) is ignored,
/// and parts joined by hyphens, dashes or slashes are hyphenated each on its
/// own. No points are returned for words with digits, URLs and e-mail
/// addresses, and acronyms (two or more letters, all capitals, as in "NATO"
/// or "NATO's"). A word holding soft hyphens (U+00AD) breaks only at them:
/// the offset is then just after the soft hyphen, which the shaper replaces
/// by a visible hyphen at a break and drops elsewhere.
///
/// At least [`LEFT_MIN`] characters stay before and [`RIGHT_MIN`] after each
/// point, more where the language asks for more.
///
/// # Example
/// ```
/// # use handbill::hyphenate::{points, Lang};
/// assert_eq!(points("“extensive,”", Lang::English), [5, 8]);
/// ```
pub fn points(word: &str, lang: Lang) -> Vec<usize> {
    if word.contains(SOFT_HYPHEN) {
        return word
            .match_indices(SOFT_HYPHEN)
            .map(|(i, s)| i + s.len())
            .filter(|&i| {
                i < word.len()
                    && word[..i - SOFT_HYPHEN.len_utf8()].chars().any(char::is_alphanumeric)
            })
            .collect();
    }
    let (offset, core) = core(word);
    if core.is_empty() || core.chars().any(char::is_numeric) || is_url(core) || is_acronym(core) {
        return Vec::new();
    }
    let (left, right) = lang.bounds();
    let (left, right) = (left.max(LEFT_MIN), right.max(RIGHT_MIN));
    let mut points = Vec::new();
    let mut part_start = 0;
    for (end, sep) in core.match_indices(is_break_char).chain([(core.len(), "")]) {
        let part = &core[part_start..end];
        let mut at = offset + part_start;
        // A part shorter than both margins together has no point: skip
        // the pattern search.
        let short = part.chars().nth(left + right - 1).is_none();
        if !short {
            let mut syllables = hypher::hyphenate_bounded(part, lang, left, right);
            if let Some(first) = syllables.next() {
                at += first.len();
                for syllable in syllables {
                    points.push(at);
                    at += syllable.len();
                }
            }
        }
        part_start = end + sep.len();
    }
    points
}

/// Returns where `word` may break without an added hyphen: after each hyphen,
/// en or em dash, or slash that it contains. Each entry is the byte offset
/// just after that character and whether the line then ends in a hyphen or
/// dash (a flagged break, which counts toward hyphens in a row) rather than a
/// slash.
///
/// There are none in URLs, after a leading dash ("-5", "—and"), at the end of
/// the word, in a slash between digits ("1/2"), or where fewer than two
/// characters would stand on either side.
///
/// # Example
/// ```
/// # use handbill::hyphenate::explicit_breaks;
/// assert_eq!(explicit_breaks("rank-and-file"), [(5, true), (9, true)]);
/// assert_eq!(explicit_breaks("and/or"), [(4, false)]);
/// ```
pub fn explicit_breaks(word: &str) -> Vec<(usize, bool)> {
    let (offset, core) = core(word);
    if is_url(core) {
        return Vec::new();
    }
    let mut breaks = Vec::new();
    for (i, c) in core.char_indices().filter(|&(_, c)| is_break_char(c)) {
        let after = i + c.len_utf8();
        let before = &core[..i];
        let rest = &core[after..];
        let enough = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).count() >= 2;
        if !enough(before) || !enough(rest) {
            continue;
        }
        // A break right after another break char ("--") would strand it.
        if rest.starts_with(is_break_char) {
            continue;
        }
        let digit_before = before.chars().next_back().is_some_and(|c| c.is_ascii_digit());
        let digit_after = rest.chars().next().is_some_and(|c| c.is_ascii_digit());
        if c == '/' && digit_before && digit_after {
            continue;
        }
        breaks.push((offset + after, c != '/'));
    }
    breaks
}

/// Maps a BCP 47 language tag to hypher's language, if it has patterns for
/// it: the primary subtag decides (`en-US` → English, `pt-BR` →
/// Portuguese), three-letter codes of the same languages are understood too,
/// and Norwegian Bokmål and Nynorsk share one set of patterns.
///
/// # Example
/// ```
/// # use handbill::hyphenate::{lang_for, Lang};
/// assert_eq!(lang_for("de-CH"), Some(Lang::German));
/// assert_eq!(lang_for("so"), None);
/// ```
pub fn lang_for(tag: &str) -> Option<Lang> {
    let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
    let two = match primary.as_str() {
        // ISO 639-2/3 codes a tag may carry instead of the 639-1 code.
        "afr" => "af",
        "sqi" | "alb" => "sq",
        "asm" => "as",
        "bel" => "be",
        "ben" => "bn",
        "bul" => "bg",
        "cat" => "ca",
        "hrv" => "hr",
        "ces" | "cze" => "cs",
        "dan" => "da",
        "nld" | "dut" => "nl",
        "eng" => "en",
        "est" => "et",
        "fin" => "fi",
        "fra" | "fre" => "fr",
        "glg" => "gl",
        "kat" | "geo" => "ka",
        "deu" | "ger" => "de",
        "ell" | "gre" => "el",
        "guj" => "gu",
        "hin" => "hi",
        "hun" => "hu",
        "isl" | "ice" => "is",
        "ita" => "it",
        "kan" => "kn",
        "kmr" => "ku",
        "lat" => "la",
        "lit" => "lt",
        "mal" => "ml",
        "mar" => "mr",
        "mon" => "mn",
        "nor" | "nob" | "nno" => "no",
        "ori" | "ory" => "or",
        "pan" => "pa",
        "pol" => "pl",
        "por" => "pt",
        "rus" => "ru",
        "san" => "sa",
        "srp" => "sr",
        "slk" | "slo" => "sk",
        "slv" => "sl",
        "spa" => "es",
        "swe" => "sv",
        "tam" => "ta",
        "tel" => "te",
        "tur" => "tr",
        "tuk" => "tk",
        "ukr" => "uk",
        other => other,
    };
    let code: [u8; 2] = two.as_bytes().try_into().ok()?;
    Lang::from_iso(code)
}

/// Characters after which a word may break without an added hyphen.
fn is_break_char(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2013}' | '\u{2014}' | '/')
}

/// Splits off leading and trailing punctuation; returns the byte offset of
/// what is left and the rest.
/// Returns the part of `word` its [`points`] depend on and where it starts:
/// `points(word)` is `points(key)` moved by that offset. Callers caching
/// points by this key look up "workers," and "workers" once.
pub fn points_key(word: &str) -> (usize, &str) {
    // Asked for every word: ASCII words (no soft hyphen) are trimmed bytewise.
    if word.is_ascii() {
        let b = word.as_bytes();
        let start = b.iter().position(u8::is_ascii_alphanumeric).unwrap_or(b.len());
        let end = b.iter().rposition(u8::is_ascii_alphanumeric).map_or(start, |i| i + 1);
        return (start, &word[start..end.max(start)]);
    }
    if word.contains(SOFT_HYPHEN) {
        return (0, word);
    }
    core(word)
}

fn core(word: &str) -> (usize, &str) {
    let trimmed = word.trim_start_matches(|c: char| !c.is_alphanumeric());
    let offset = word.len() - trimmed.len();
    (offset, trimmed.trim_end_matches(|c: char| !c.is_alphanumeric()))
}

/// Whether a word looks like a URL, domain or e-mail address.
/// Tells whether a word is a web or e-mail address (never hyphenated).
pub fn is_url(word: &str) -> bool {
    // Every address has a dot, a colon or an at sign; most words have none.
    if !word.bytes().any(|b| matches!(b, b'.' | b':' | b'@')) {
        return false;
    }
    let www = word.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("www."));
    if www || word.contains("://") || word.contains('@') {
        return true;
    }
    // A dot between letters: "wsws.org", but not "end." (trimmed already).
    // Asked for every word, so without collecting the characters.
    let mut it = word.chars();
    let (mut a, mut b) = (it.next(), it.next());
    for c in it {
        if b == Some('.') && a.is_some_and(char::is_alphabetic) && c.is_alphabetic() {
            return true;
        }
        (a, b) = (b, Some(c));
    }
    false
}

/// Whether a word is an acronym: two or more letters, all capitals, perhaps
/// with a possessive ("ICE's").
fn is_acronym(word: &str) -> bool {
    let stem = word.strip_suffix("'s").or_else(|| word.strip_suffix("\u{2019}s")).unwrap_or(word);
    let mut letters = stem.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some()
        && stem.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && letters.all(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks `points` against a word written with `-` at each point
    /// (as in hypher's tests); `=` marks a hyphen that is part of the word.
    fn test(lang: Lang, hyphenated: &str) {
        let word = hyphenated.replace('-', "").replace('=', "-");
        let mut expected = Vec::new();
        let mut at = 0;
        for c in hyphenated.chars() {
            match c {
                '-' => expected.push(at),
                c => at += if c == '=' { 1 } else { c.len_utf8() },
            }
        }
        assert_eq!(points(&word, lang), expected, "{hyphenated}");
    }

    #[test]
    fn english() {
        test(Lang::English, "ex-ten-sive");
        test(Lang::English, "rev-o-lu-tion-ary");
        test(Lang::English, "work-ers");
        test(Lang::English, "strike");
        test(Lang::English, "Min-neapo-lis");
    }

    #[test]
    fn spanish() {
        test(Lang::Spanish, "tra-ba-ja-do-res");
        test(Lang::Spanish, "huelga");
        test(Lang::Spanish, "ma-ni-fes-ta-ción");
        test(Lang::Spanish, "in-ter-na-cio-nal");
    }

    #[test]
    fn german() {
        test(Lang::German, "Ar-bei-ter-klasse");
        test(Lang::German, "Ge-ne-ral-streik");
        test(Lang::German, "Mün-chen");
    }

    #[test]
    fn minimum_fragments() {
        // hypher's English bounds allow "a-", ours never leave one letter.
        test(Lang::English, "about");
        test(Lang::English, "again");
        // Right minimum 3 even where the language allows 2.
        test(Lang::German, "Zei-tung");
        test(Lang::German, "Leh-rer");
        assert!(points("ab", Lang::English).is_empty());
        assert!(points("", Lang::English).is_empty());
    }

    #[test]
    fn no_points_in_acronyms_numbers_urls() {
        for word in ["ICE", "NATO", "NATO's", "ICE’s", "AFL-CIO", "2026", "COVID19", "3rd"] {
            assert_eq!(points(word, Lang::English), [], "{word}");
        }
        for word in [
            "https://wsws.org/contact",
            "www.wsws.org",
            "wsws.org/contact",
            "editor@wsws.org",
            "(wsws.org).",
        ] {
            assert_eq!(points(word, Lang::English), [], "{word}");
            assert_eq!(explicit_breaks(word), [], "{word}");
        }
    }

    #[test]
    fn soft_hyphens_only() {
        // The patterns would give "ex-ten-sive"; the author's choice wins.
        let word = "exten\u{ad}sive";
        assert_eq!(points(word, Lang::English), [7]);
        assert_eq!(&word[7..], "sive");
        // None at the edges, and they win even over the digit rule.
        assert_eq!(points("\u{ad}word\u{ad}", Lang::English), []);
        assert_eq!(points("G7\u{ad}summit", Lang::English), [4]);
    }

    #[test]
    fn punctuation_maps_back() {
        test(Lang::English, "“ex-ten-sive,”");
        test(Lang::English, "(rev-o-lu-tion-ary).");
        test(Lang::English, "ex-ten-sive...");
        test(Lang::English, "¿ex-ten-sive?");
    }

    #[test]
    fn compounds_hyphenate_per_part() {
        test(Lang::English, "rank=and=file");
        test(Lang::English, "counter=rev-o-lu-tion-ary");
        test(Lang::English, "work-ers/stu-dents");
        test(Lang::English, "ex-ten-sive—un-lim-ited");
    }

    #[test]
    fn explicit() {
        assert_eq!(explicit_breaks("city-wide"), [(5, true)]);
        assert_eq!(explicit_breaks("strike—and"), [(9, true)]);
        assert_eq!(explicit_breaks("1917–1923"), [(7, true)]);
        assert_eq!(explicit_breaks("workers/students,"), [(8, false)]);
        // Not after a leading dash, at the end, or next to a short fragment.
        assert_eq!(explicit_breaks("-5"), []);
        assert_eq!(explicit_breaks("—and"), []);
        assert_eq!(explicit_breaks("well-"), []);
        assert_eq!(explicit_breaks("x-ray"), []);
        assert_eq!(explicit_breaks("e-mail"), []);
        assert_eq!(explicit_breaks("1/2/2026"), []);
        assert_eq!(explicit_breaks("strike--and"), [(8, true)]);
        assert_eq!(explicit_breaks("“city-wide”"), [(8, true)]);
    }

    #[test]
    fn languages() {
        assert_eq!(lang_for("en"), Some(Lang::English));
        assert_eq!(lang_for("en-US"), Some(Lang::English));
        assert_eq!(lang_for("EN_gb"), Some(Lang::English));
        assert_eq!(lang_for("es-419"), Some(Lang::Spanish));
        assert_eq!(lang_for("pt-BR"), Some(Lang::Portuguese));
        assert_eq!(lang_for("de-CH"), Some(Lang::German));
        assert_eq!(lang_for("nb"), Some(Lang::Norwegian));
        assert_eq!(lang_for("nno"), Some(Lang::Norwegian));
        assert_eq!(lang_for("tr"), Some(Lang::Turkish));
        assert_eq!(lang_for("uk"), Some(Lang::Ukrainian));
        assert_eq!(lang_for("deu"), Some(Lang::German));
        for tag in ["so", "ar", "zh-Hans", "", "x", "english"] {
            assert_eq!(lang_for(tag), None, "{tag}");
        }
    }

    #[test]
    fn points_follow_from_their_key() {
        for w in [
            "“extensive,”",
            "(organization)",
            "workers,",
            "NATO's.",
            "rank-and-file;",
            "com\u{ad}pli\u{ad}cated,",
            "“wsws.org/contact”",
            "...",
            "1990s,",
        ] {
            let (offset, key) = points_key(w);
            let moved: Vec<usize> = points(key, Lang::English).iter().map(|p| p + offset).collect();
            assert_eq!(points(w, Lang::English), moved, "{w}");
        }
    }
}
