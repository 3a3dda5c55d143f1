//! Text pasted from web pages and e-mails: debris lines, telling plain text
//! from Markdown, and rewriting plain text into Markdown so that one parser
//! handles both.

use std::path::Path;

use crate::error::{Location, Warning};

/// One line of the body with its 1-based line number in the file.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct SrcLine {
    /// The text, without the line end.
    pub text: String,
    /// 1-based line in the statement file.
    pub line: usize,
}

/// Names that a web page's language menu leaves at the top of a paste.
const LANGUAGE_NAMES: &[&str] = &[
    "English",
    "Español",
    "Spanish",
    "Deutsch",
    "German",
    "Français",
    "French",
    "Italiano",
    "Italian",
    "Português",
    "Portuguese",
    "Русский",
    "Russian",
    "Türkçe",
    "Turkish",
    "中文",
    "Chinese",
    "日本語",
    "Japanese",
    "العربية",
    "Arabic",
    "Polski",
    "Polish",
    "Ελληνικά",
    "Greek",
    "Svenska",
    "Nederlands",
    "Українська",
    "Sinhala",
    "සිංහල",
    "Tamil",
    "தமிழ்",
    "हिन्दी",
    "Hindi",
    "Bahasa Indonesia",
    "Tiếng Việt",
    "한국어",
    "فارسی",
    "Farsi",
];

/// Lines a page's script leaves at the end of a paste.
const LOADING: &[&str] = &["Loading", "Loading...", "Loading…"];

/// Drops a lone language name at the top and a lone "Loading" at the end.
pub(super) fn drop_debris(path: &Path, lines: &mut [SrcLine], warnings: &mut Vec<Warning>) {
    let non_empty: Vec<usize> =
        (0..lines.len()).filter(|&i| !lines[i].text.trim().is_empty()).collect();
    let blank = |lines: &[SrcLine], i: Option<usize>| {
        i.and_then(|i| lines.get(i)).is_none_or(|l| l.text.trim().is_empty())
    };
    if let Some(&first) = non_empty.first() {
        let t = lines[first].text.trim().to_owned();
        if non_empty.len() > 1
            && LANGUAGE_NAMES.contains(&t.as_str())
            && blank(lines, Some(first + 1))
        {
            warnings.push(Warning::new(
                Location::line(path, lines[first].line),
                format!(
                    "dropped the line “{t}” at the top (left over from a web page's language menu)"
                ),
            ));
            lines[first].text.clear();
        }
    }
    if let Some(&last) = non_empty.last() {
        let t = lines[last].text.trim().to_owned();
        // Exactly "Loading" on the last line is never the end of a statement,
        // even right under the text.
        if non_empty.len() > 1 && LOADING.contains(&t.as_str()) {
            warnings.push(Warning::new(
                Location::line(path, lines[last].line),
                format!("dropped the line “{t}” at the end (left over from a web page)"),
            ));
            lines[last].text.clear();
        }
    }
}

/// Guesses whether the body is Markdown (true) or plain pasted text.
pub(super) fn looks_like_markdown(lines: &[SrcLine]) -> bool {
    lines.iter().any(|l| line_has_markdown(&l.text))
}

fn line_has_markdown(line: &str) -> bool {
    let t = line.trim_start();
    let hashes = t.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&hashes) && t[hashes..].chars().next().is_none_or(|c| c == ' ' || c == '\t')
    {
        return true;
    }
    if t.starts_with("```") || t.starts_with("~~~") || t.starts_with("> ") || t == ">" {
        return true;
    }
    if line.contains("**") || line.contains("](") || line.contains("![") {
        return true;
    }
    // A table's delimiter row: `|---|:--:|` or `--- | ---`.
    if t.contains('|') && t.contains("--") && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
    {
        return true;
    }
    // A footnote (`[^1]`) or an HTML tag is Markdown too: taking them as
    // plain text would print them literally.
    if line.contains("[^") || has_html_tag(line) {
        return true;
    }
    has_escape(line)
        || has_emphasis(line)
        || has_entity(line)
        || has_code_span(line)
        || has_autolink(line)
        || opens_html_block(t)
        || defines_link(t)
}

/// Tells whether a line defines a link reference: `[label]: https://…`.
fn defines_link(t: &str) -> bool {
    t.strip_prefix('[').and_then(|r| r.find("]:").map(|e| (&r[..e], &r[e + 2..]))).is_some_and(
        |(label, dest)| {
            !label.trim().is_empty()
                && !label.starts_with('^')
                && dest.starts_with([' ', '\t'])
                && !dest.trim().is_empty()
                && !dest.trim().contains(' ')
        },
    )
}

/// Finds an HTML entity: `&amp;`, `&#35;`, `&#x23;`. A bare `&` (`AT&T`,
/// `R&D;`) is not one: a named entity has two or more letters.
fn has_entity(line: &str) -> bool {
    line.match_indices('&').any(|(i, _)| {
        let rest = &line[i + 1..];
        let Some(end) = rest.find(';') else { return false };
        let name = &rest[..end];
        if let Some(num) = name.strip_prefix('#') {
            let hex = num.strip_prefix(['x', 'X']);
            match hex {
                Some(h) => (1..=6).contains(&h.len()) && h.chars().all(|c| c.is_ascii_hexdigit()),
                None => (1..=7).contains(&num.len()) && num.chars().all(|c| c.is_ascii_digit()),
            }
        } else {
            (2..=32).contains(&name.len())
                && name.starts_with(|c: char| c.is_ascii_alphabetic())
                && name.chars().all(|c| c.is_ascii_alphanumeric())
        }
    })
}

/// Finds a code span: a run of backticks, some text, and a run of the same
/// length. Backticks used as apostrophes (`don`t`) sit inside words, so
/// the span must not start right after a letter nor end right before one.
fn has_code_span(line: &str) -> bool {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'`' {
            i += 1;
            continue;
        }
        let open = i;
        while i < b.len() && b[i] == b'`' {
            i += 1;
        }
        let n = i - open;
        let after_word = open > 0 && line[..open].ends_with(char::is_alphanumeric);
        // The closing run of exactly `n` backticks.
        let mut j = i;
        let close = loop {
            let Some(k) = line[j..].find('`').map(|k| j + k) else { break None };
            let mut e = k;
            while e < b.len() && b[e] == b'`' {
                e += 1;
            }
            if e - k == n {
                break Some((k, e));
            }
            j = e;
        };
        if let Some((k, e)) = close {
            let inner = &line[i..k];
            let before_word = line[e..].starts_with(char::is_alphanumeric);
            if !after_word && !before_word && !inner.trim().is_empty() {
                return true;
            }
        }
    }
    false
}

/// Finds an autolink: `<https://…>`, `<mailto:…>`.
fn has_autolink(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    ["<http://", "<https://", "<mailto:"].iter().any(|p| {
        lower.match_indices(p).any(|(i, _)| {
            lower[i..].find(['>', ' ']).is_some_and(|e| lower[i + e..].starts_with('>'))
        })
    })
}

/// Tags that open an HTML block in CommonMark when they start a line (a
/// few of the common ones; they never start a line of pasted prose).
const HTML_BLOCK_TAGS: &[&str] = &[
    "div",
    "p",
    "table",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "nav",
    "ul",
    "ol",
    "li",
    "blockquote",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "center",
    "details",
];

/// Tells whether a line (already without its indent) opens an HTML block:
/// `<div`, `<p>`, `<table class=…` and the like.
fn opens_html_block(t: &str) -> bool {
    let Some(rest) = t.strip_prefix('<') else { return false };
    let name: String = rest.chars().take_while(char::is_ascii_alphanumeric).collect();
    let after = &rest[name.len()..];
    HTML_BLOCK_TAGS.contains(&name.to_ascii_lowercase().as_str())
        && (after.is_empty() || after.starts_with([' ', '\t', '>', '/']))
}

/// Finds HTML: a closing tag (`</b>`, `</div>`) or a void element (`<br>`,
/// `<br/>`, `<hr>`, `<img …>`). A lone `<b>` in pasted text stays text.
fn has_html_tag(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    let closing = lower.match_indices("</").any(|(i, _)| {
        let name: String =
            lower[i + 2..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        !name.is_empty() && lower[i + 2 + name.len()..].starts_with('>')
    });
    closing
        || ["<br>", "<br/>", "<br />", "<hr>", "<hr/>", "<img "].iter().any(|t| lower.contains(t))
}

/// Finds a backslash escape such as `\$` or `\*`.
fn has_escape(line: &str) -> bool {
    let b = line.as_bytes();
    b.windows(2).any(|w| w[0] == b'\\' && w[1].is_ascii_punctuation() && w[1] != b'\\')
}

/// Finds `*emphasis*` or `_emphasis_`: an opener before a non-space and a
/// closer after one.
fn has_emphasis(line: &str) -> bool {
    let chars: Vec<char> = line.chars().collect();
    for mark in ['*', '_'] {
        let mut open = false;
        for (i, &c) in chars.iter().enumerate() {
            if c != mark {
                continue;
            }
            let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
            let after = chars.get(i + 1).copied();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
            let space = |c: Option<char>| c.is_none_or(|c| c.is_whitespace());
            // `*` opens and closes inside a word too (`5*6*78`); `_` does
            // not (`snake_case_name`).
            let intraword = mark == '*';
            if !open && (intraword || !word(before)) && !space(after) && after != Some(mark) {
                open = true;
            } else if open && !space(before) && (intraword || !word(after)) {
                return true;
            }
        }
    }
    false
}

/// Characters that start a list item in pasted text (followed by a space).
const BULLETS: &[char] = &['•', '-', '*', '–', '◦', '▪', '·', '●', '‣', '⁃', '○', '■'];

/// Splits a line into a list marker and the item text.
fn list_item(line: &str, plain: bool) -> Option<(String, &str)> {
    let indent = line.len() - line.trim_start().len();
    let t = line.trim();
    let first = t.chars().next()?;
    // Markdown already knows `-`, `*`, `+` and `1.`; only rewrite other
    // glyphs there, and not inside indented code.
    if !plain && (indent >= 4 || matches!(first, '-' | '*' | '+') || first.is_ascii_digit()) {
        return None;
    }
    if BULLETS.contains(&first) {
        let rest = &t[first.len_utf8()..];
        let spaced = rest.starts_with(char::is_whitespace);
        let rest = rest.trim_start();
        // `•Item` is a bullet; `-5 degrees` and `*note` are not.
        if !rest.is_empty() && (spaced || first == '•') {
            return Some(("- ".to_owned(), rest));
        }
        return None;
    }
    if plain {
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        let rest = &t[digits..];
        if (1..=3).contains(&digits) && (rest.starts_with(". ") || rest.starts_with(") ")) {
            let item = rest[2..].trim_start();
            if !item.is_empty() {
                return Some((format!("{}. ", &t[..digits]), item));
            }
        }
    }
    None
}

/// Tells whether a line is a Markdown list item (`- `, `* `, `+ `, `1. `).
fn native_item(line: &str) -> bool {
    let t = line.trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    let rest = &t[digits..];
    if digits > 0 {
        return rest.starts_with(". ") || rest.starts_with(") ");
    }
    rest.starts_with("- ") || rest.starts_with("* ") || rest.starts_with("+ ")
}

/// Escapes the Markdown meaning of plain text so it comes out verbatim.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.char_indices() {
        let line_start = i == 0 && matches!(c, '#' | '>' | '+' | '-' | '=' | ':');
        if line_start || matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '&' | '~' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes `12.` / `12)` at the start of a plain line that is not a list.
fn escape_number(text: &str) -> String {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    match text[digits..].chars().next() {
        Some(p @ ('.' | ')')) if digits > 0 => {
            format!("{}\\{p}{}", &text[..digits], &text[digits + 1..])
        }
        _ => text.to_owned(),
    }
}

/// Rewrites the body for the Markdown parser: bullet glyph lines become
/// `- ` items (each line an item, the run one list) and, for plain text,
/// everything else is escaped and unindented. Line numbers are kept.
pub(super) fn prepare(lines: Vec<SrcLine>, plain: bool) -> Vec<SrcLine> {
    let mut out: Vec<SrcLine> = Vec::with_capacity(lines.len() + 8);
    let mut prev_item = false;
    let mut prev_any = false;
    let mut prev_blank = true;
    let mut fence = false;
    for l in lines {
        let t = l.text.trim_start();
        if !plain && (t.starts_with("```") || t.starts_with("~~~")) {
            fence = !fence;
        }
        let item = if fence { None } else { list_item(&l.text, plain) };
        let blank = l.text.trim().is_empty();
        let text = match &item {
            Some((marker, rest)) => {
                let rest = if plain { escape(rest.trim_end()) } else { rest.to_string() };
                format!("{marker}{rest}")
            }
            None if blank => String::new(),
            None if plain => escape_number(&escape(l.text.trim())),
            None => l.text.clone(),
        };
        // A rewritten list must not run on into the paragraph around it.
        let is_item = item.is_some();
        let any_item = is_item || (!plain && !fence && native_item(&l.text));
        if !blank && !prev_blank && ((is_item && !prev_any) || (prev_item && !any_item)) {
            out.push(SrcLine { text: String::new(), line: l.line });
        }
        prev_item = is_item;
        prev_any = any_item;
        prev_blank = blank;
        out.push(SrcLine { text, line: l.line });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Vec<SrcLine> {
        text.split('\n')
            .enumerate()
            .map(|(i, t)| SrcLine { text: t.to_owned(), line: i + 1 })
            .collect()
    }

    fn prep(text: &str, plain: bool) -> String {
        prepare(src(text), plain).iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn html_and_footnotes_are_markdown() {
        assert!(line_has_markdown("Hello <b>bold</b> world."));
        assert!(line_has_markdown("<div>block</div>"));
        assert!(line_has_markdown("a line<br/>break"));
        assert!(line_has_markdown("Text with a note[^1]."));
        assert!(!line_has_markdown("wages < prices and 3 > 2"));
        assert!(!line_has_markdown("x <- y"));
    }

    #[test]
    fn detects_markdown() {
        for md in [
            "# Title",
            "text **bold**",
            "see [here](http://x)",
            "*The following statement*",
            "costs \\$5",
            "> quoted",
            "a | b\n--|--",
            "```",
            "Fish &amp; chips",
            "&#35; and &#X41;",
            "`code`",
            "run ``a ` b`` now",
            "5*6*78",
            "<https://wsws.org>",
            "<div id=\"x\"",
            "<p>",
            "[w]: https://wsws.org",
        ] {
            assert!(looks_like_markdown(&src(md)), "{md}");
        }
        for plain in [
            "Stop ICE murders!",
            "  • The immediate arrest",
            "- The removal of ICE",
            "#hashtag and 5 * 3 = 15",
            "I’m pro [general strike] … anyone",
            "snake_case_name",
            "AT&T, R&D; Q&A",
            "&#;  &#x; &a;",
            "don`t and can`t",
            "a ` lone backtick",
            "5* and 6*",
            "<https://wsws.org and more",
            "<divide> and <p5>",
            "[1]: see page 3",
        ] {
            assert!(!looks_like_markdown(&src(plain)), "{plain}");
        }
    }

    #[test]
    fn plain_bullets_become_one_list() {
        assert_eq!(
            prep("Demands:\n  • one\n  • two *x*\n- three\nAfter", true),
            "Demands:\n\n- one\n- two \\*x\\*\n- three\n\nAfter"
        );
    }

    #[test]
    fn plain_text_is_escaped() {
        assert_eq!(
            prep("    # not a heading <b> & [x]\n2026. A year\n---\n1. item", true),
            "\\# not a heading \\<b> \\& \\[x\\]\n2026\\. A year\n\\---\n\n1. item"
        );
    }

    #[test]
    fn markdown_only_rewrites_glyph_bullets() {
        assert_eq!(prep("Text\n• a\n• b\n- c\nx", false), "Text\n\n- a\n- b\n- c\nx");
        assert_eq!(prep("```\n• a\n```", false), "```\n• a\n```");
    }

    #[test]
    fn debris_lines_are_dropped() {
        let mut lines = src("English\n\nTitle\n\nText\n\nLoading");
        let mut w = Vec::new();
        drop_debris(Path::new("s.txt"), &mut lines, &mut w);
        assert_eq!(lines[0].text, "");
        assert_eq!(lines[6].text, "");
        let w: Vec<String> = w.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            w,
            [
                "s.txt:1: dropped the line “English” at the top (left over from a web page's language menu)",
                "s.txt:7: dropped the line “Loading” at the end (left over from a web page)",
            ]
        );
        // Not alone on its line: kept.
        let mut lines = src("English\nis spoken here\n\nLoading docks");
        drop_debris(Path::new("s.txt"), &mut lines, &mut Vec::new());
        assert_eq!(lines[0].text, "English");
        assert_eq!(lines[3].text, "Loading docks");
    }
}
