//! Picks the title, author and date out of the body, mends paragraphs split
//! mid-sentence and tidies inline text.

use std::path::Path;

use crate::error::{Location, Warning};

use super::markdown::SOFT_BREAK;
use super::{Block, Inline, Meta};

/// A title taken from the first line of plain text must be shorter than this.
const MAX_TITLE_CHARS: usize = 200;
/// An author line must be shorter than this.
const MAX_AUTHOR_CHARS: usize = 60;

/// Takes the title (and the author and date lines under it) out of `blocks`.
///
/// Markdown: the first level-1 heading. Plain text: a short first line.
/// Nothing happens when the front matter gave a title.
pub(super) fn take_title(meta: &mut Meta, blocks: &mut Vec<Block>, plain: bool) {
    if meta.title.is_some() {
        return;
    }
    let found = blocks.iter().position(|b| matches!(b, Block::Heading { level: 1, .. }));
    let idx = match found {
        Some(i) => i,
        None if plain => match blocks.first().and_then(lines_of).as_deref() {
            Some([title]) if looks_like_title(title) => 0,
            // Title, author and date on consecutive lines, no blank between.
            Some([title, byline @ ..]) if looks_like_title(title) && byline.len() <= 2 => {
                let Some((author, date)) = read_byline(byline) else { return };
                if clashes(meta, &author, &date) {
                    return;
                }
                meta.title = Some(title.clone());
                fill(meta, author, date);
                blocks.remove(0);
                return;
            }
            _ => return,
        },
        None => return,
    };
    let title = match &blocks[idx] {
        Block::Heading { content, .. } | Block::Paragraph { content, .. } => one_line(content),
        _ => return,
    };
    if title.is_empty() {
        return;
    }
    meta.title = Some(title);
    blocks.remove(idx);
    take_byline(meta, blocks, idx);
}

fn looks_like_title(line: &str) -> bool {
    let n = line.chars().count();
    n < MAX_TITLE_CHARS
        && line.chars().any(char::is_alphabetic)
        && !line.ends_with(['.', ',', ':', ';'])
        && !line.ends_with("...")
}

/// Takes author and date lines at `blocks[idx]` (one paragraph of two
/// lines, two one-line paragraphs, or a date alone).
fn take_byline(meta: &mut Meta, blocks: &mut Vec<Block>, idx: usize) {
    let Some(mut lines) = blocks.get(idx).and_then(lines_of) else { return };
    let mut used = 1;
    if lines.len() == 1 && parse_date(&lines[0]).is_none() {
        // An author paragraph, then a date paragraph.
        match blocks.get(idx + 1).and_then(lines_of) {
            Some(next) if next.len() == 1 => lines.extend(next),
            _ => return,
        }
        used = 2;
    }
    let Some((author, date)) = read_byline(&lines) else { return };
    if clashes(meta, &author, &date) {
        return;
    }
    fill(meta, author, date);
    blocks.drain(idx..idx + used);
}

/// Reads `[date]` or `[author, date]` lines.
fn read_byline(lines: &[String]) -> Option<(Option<String>, String)> {
    match lines {
        [date] => parse_date(date).map(|_| (None, date.clone())),
        [author, date] => {
            parse_date(date)?;
            Some((Some(author_name(author)?), date.clone()))
        }
        _ => None,
    }
}

/// Tells whether found author or date lines differ from the front matter;
/// then they stay in the text.
fn clashes(meta: &Meta, author: &Option<String>, date: &str) -> bool {
    matches!((&meta.author, author), (Some(h), Some(f)) if h != f)
        || meta.date.as_deref().is_some_and(|d| d != date)
}

fn fill(meta: &mut Meta, author: Option<String>, date: String) {
    meta.author = meta.author.take().or(author);
    meta.date = meta.date.take().or(Some(date));
}

/// Cleans an author line: short, no final period, not a date; "By " dropped.
fn author_name(line: &str) -> Option<String> {
    let name = line.trim();
    let name =
        ["By ", "by ", "BY "].iter().find_map(|p| name.strip_prefix(p)).unwrap_or(name).trim();
    let ok = !name.is_empty()
        && name.chars().count() < MAX_AUTHOR_CHARS
        && !name.ends_with(['.', ',', ':', ';'])
        && name.chars().any(char::is_alphabetic)
        && parse_date(name).is_none();
    ok.then(|| name.to_owned())
}

/// The source lines of a one-style-agnostic paragraph, trimmed; `None` for
/// other blocks.
fn lines_of(block: &Block) -> Option<Vec<String>> {
    let Block::Paragraph { content, .. } = block else { return None };
    let mut lines = vec![String::new()];
    for i in content {
        match i {
            Inline::Text(s) => {
                let mut parts = s.text.split(SOFT_BREAK);
                if let (Some(first), Some(last)) = (parts.next(), lines.last_mut()) {
                    last.push_str(first);
                }
                lines.extend(parts.map(str::to_owned));
            }
            Inline::LineBreak => lines.push(String::new()),
        }
    }
    let lines: Vec<String> =
        lines.iter().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect();
    Some(lines)
}

/// Plain text of inline content on one line, white space collapsed.
fn one_line(content: &[Inline]) -> String {
    super::plain_text(content).split_whitespace().collect::<Vec<_>>().join(" ")
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const WEEKDAYS: [&str; 7] =
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    let i = MONTHS
        .iter()
        .position(|m| *m == w || (m.starts_with(&w) && (w.len() == 3 || w == "sept")))?;
    u32::try_from(i + 1).ok()
}

fn number(word: &str, range: std::ops::RangeInclusive<u32>) -> Option<u32> {
    let w = word.trim_end_matches(|c: char| c.is_ascii_alphabetic() && word.len() > 2);
    let w = w.trim_end_matches('.');
    if w.is_empty() || w.len() > 4 || !w.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    w.parse().ok().filter(|n| range.contains(n))
}

/// Reads a date such as `24 January 2026`, `January 24, 2026`,
/// `Friday, 24 Jan. 2026` or `2026-01-24` as (year, month, day).
pub(super) fn parse_date(line: &str) -> Option<(u32, u32, u32)> {
    let line = line.trim();
    if let [y, m, d] = line.split('-').collect::<Vec<_>>().as_slice() {
        if y.len() == 4 && m.len() == 2 && d.len() == 2 {
            return Some((number(y, 1000..=2999)?, number(m, 1..=12)?, number(d, 1..=31)?));
        }
        return None;
    }
    let mut words: Vec<&str> = line.split([' ', ',', '\u{A0}']).filter(|w| !w.is_empty()).collect();
    if words.first().is_some_and(|w| WEEKDAYS.contains(&w.to_lowercase().as_str())) {
        words.remove(0);
    }
    let year_range = 1000..=2999;
    match words.as_slice() {
        [d, m, y] if month(m).is_some() => {
            let day = number(d, 1..=31)?;
            Some((number(y, year_range)?, month(m)?, day))
        }
        [m, d, y] => Some((number(y, year_range)?, month(m)?, number(d, 1..=31)?)),
        _ => None,
    }
}

/// Joins a paragraph that ends mid-sentence with the next one when that
/// starts in lower case: a stray blank line from copying a web page.
pub(super) fn join_split_paragraphs(
    path: &Path,
    blocks: &mut Vec<Block>,
    warnings: &mut Vec<Warning>,
) {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    for block in blocks.drain(..) {
        if let (Some(Block::Paragraph { content: a, .. }), Block::Paragraph { content: b, line }) =
            (out.last_mut(), &block)
        {
            let end = match a.last() {
                Some(Inline::Text(s)) => s.text.trim_end().chars().last(),
                _ => None,
            };
            let start = match b.first() {
                Some(Inline::Text(s)) => s.text.trim_start().chars().next(),
                _ => None,
            };
            if end.is_some_and(char::is_alphanumeric) && start.is_some_and(char::is_lowercase) {
                warnings.push(Warning::new(
                    Location::line(path, *line),
                    "joined a paragraph that was split mid-sentence by a blank line",
                ));
                a.push(Inline::text(" "));
                a.extend(b.iter().cloned());
                continue;
            }
        }
        out.push(block);
    }
    *blocks = out;
}

/// Turns soft breaks into spaces, merges runs of equal style and trims the
/// white space at both ends of each paragraph, heading and cell.
pub(super) fn tidy(blocks: &mut [Block]) {
    // An explicit work list instead of recursion: nesting depth is bounded,
    // but this keeps it obviously so.
    let mut work: Vec<&mut Block> = blocks.iter_mut().collect();
    while let Some(block) = work.pop() {
        match block {
            Block::Heading { content, .. } | Block::Paragraph { content, .. } => {
                tidy_inlines(content)
            }
            Block::List { items, .. } => work.extend(items.iter_mut().flatten()),
            Block::Quote { blocks, .. } => work.extend(blocks.iter_mut()),
            Block::Table { header, rows, .. } => {
                header.iter_mut().chain(rows.iter_mut().flatten()).for_each(tidy_inlines)
            }
            Block::Rule { .. } | Block::Code { .. } | Block::Image { .. } => {}
        }
    }
}

fn tidy_inlines(content: &mut Vec<Inline>) {
    let mut out: Vec<Inline> = Vec::with_capacity(content.len());
    for mut i in content.drain(..) {
        if let Inline::Text(s) = &mut i {
            if s.text.contains(SOFT_BREAK) {
                s.text = s.text.replace(SOFT_BREAK, " ");
            }
            if let Some(Inline::Text(last)) = out.last_mut() {
                if last.style == s.style && last.link == s.link {
                    last.text.push_str(&s.text);
                    continue;
                }
            }
        }
        out.push(i);
    }
    // Trim around the ends and around line breaks.
    let n = out.len();
    for k in 0..n {
        let at_start = k == 0 || matches!(out[k - 1], Inline::LineBreak);
        let at_end = k + 1 == n || matches!(out[k + 1], Inline::LineBreak);
        if let Inline::Text(s) = &mut out[k] {
            if at_start {
                s.text = s.text.trim_start().to_owned();
            }
            if at_end {
                s.text = s.text.trim_end().to_owned();
            }
        }
    }
    out.retain(|i| !matches!(i, Inline::Text(s) if s.text.is_empty()));
    while matches!(out.last(), Some(Inline::LineBreak)) {
        out.pop();
    }
    *content = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        for (s, ymd) in [
            ("24 January 2026", (2026, 1, 24)),
            ("January 24, 2026", (2026, 1, 24)),
            ("2026-01-24", (2026, 1, 24)),
            ("22 Jan. 2026", (2026, 1, 22)),
            ("Friday, January 23, 2026", (2026, 1, 23)),
            ("Sept 3 2025", (2025, 9, 3)),
            ("3rd March 2025", (2025, 3, 3)),
        ] {
            assert_eq!(parse_date(s), Some(ymd), "{s}");
        }
        for s in [
            "David North",
            "24 Janvier 2026",
            "2026-13-01",
            "January 2026",
            "May the force 2026",
            "32 May 2026",
            "1 2 3",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn authors() {
        assert_eq!(
            author_name("Socialist Equality Party (US)").as_deref(),
            Some("Socialist Equality Party (US)")
        );
        assert_eq!(author_name("By David North").as_deref(), Some("David North"));
        assert_eq!(author_name("This is a sentence."), None);
        assert_eq!(author_name(&"x".repeat(60)), None);
    }
}
