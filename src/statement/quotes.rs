//! Quotation marks per language: smart punctuation gives English “ ” and
//! ‘ ’; French, German, Russian and Greek statements get their own marks.

use super::{Block, Inline};

/// Which quotation marks smart quotes become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quotes {
    /// The marks of the statement's language.
    #[default]
    Auto,
    /// “English” ‘quotes’: left as they are.
    Curly,
    /// « Guillemets » (with no-break spaces inside in French).
    Guillemets,
    /// „German“ ‚quotes‘.
    Low,
}

impl Quotes {
    /// Reads a `quotes` value: `auto`, `curly`, `guillemets` or `low`.
    pub fn parse(s: &str) -> Option<Quotes> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(Quotes::Auto),
            "curly" => Some(Quotes::Curly),
            "guillemets" => Some(Quotes::Guillemets),
            "low" => Some(Quotes::Low),
            _ => None,
        }
    }
}

/// The marks to use: opening and closing double, opening and closing
/// single, and the space inside the doubles.
struct Marks {
    double: (&'static str, &'static str),
    single: (&'static str, &'static str),
    space: &'static str,
}

fn marks(lang: &str, quotes: Quotes) -> Option<Marks> {
    let primary = lang.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    let french = primary == "fr";
    let kind = match quotes {
        Quotes::Auto => match primary.as_str() {
            "fr" | "ru" | "el" => Quotes::Guillemets,
            "de" => Quotes::Low,
            _ => Quotes::Curly,
        },
        q => q,
    };
    match kind {
        Quotes::Guillemets => Some(Marks {
            double: ("«", "»"),
            single: if primary == "ru" { ("„", "“") } else { ("“", "”") },
            space: if french { "\u{a0}" } else { "" },
        }),
        Quotes::Low => Some(Marks { double: ("„", "“"), single: ("‚", "‘"), space: "" }),
        Quotes::Curly | Quotes::Auto => None,
    }
}

/// Replaces the smart quotes of `blocks` with the marks of `lang` (or the
/// kind asked for); code is left alone.
pub fn localize_quotes(blocks: &mut [Block], lang: &str, quotes: Quotes) {
    let Some(m) = marks(lang, quotes) else { return };
    for b in blocks {
        match b {
            Block::Paragraph { content, .. } | Block::Heading { content, .. } => {
                inlines(content, &m)
            }
            Block::List { items, .. } => {
                for it in items {
                    localize_quotes(it, lang, quotes);
                }
            }
            Block::Quote { blocks, .. } => localize_quotes(blocks, lang, quotes),
            Block::Table { header, rows, .. } => {
                for c in header.iter_mut().chain(rows.iter_mut().flatten()) {
                    inlines(c, &m);
                }
            }
            Block::Code { .. } | Block::Rule { .. } | Block::Image { .. } => {}
        }
    }
}

fn inlines(content: &mut [Inline], m: &Marks) {
    for i in content {
        if let Inline::Text(span) = i {
            if !span.style.code {
                span.text = replace(&span.text, m);
            }
        }
    }
}

/// Maps one string. A ’ between letters is an apostrophe and stays; other
/// ’ close a ‘ opened before them.
fn replace(s: &str, m: &Marks) -> String {
    if !s.contains(['“', '”', '‘', '’']) {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    let mut open_single = false;
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|k| chars.get(k)).copied();
        let next = chars.get(i + 1).copied();
        match c {
            '“' => {
                out.push_str(m.double.0);
                if next.is_some_and(|n| !n.is_whitespace()) {
                    out.push_str(m.space);
                }
            }
            '”' => {
                if prev.is_some_and(|p| !p.is_whitespace()) && !out.ends_with(m.space) {
                    out.push_str(m.space);
                }
                out.push_str(m.double.1);
            }
            '‘' => {
                open_single = true;
                out.push_str(m.single.0);
            }
            '’' if open_single && !next.is_some_and(char::is_alphabetic) => {
                open_single = false;
                out.push_str(m.single.1);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(lang: &str, quotes: Quotes, s: &str) -> String {
        match marks(lang, quotes) {
            Some(m) => replace(s, &m),
            None => s.to_string(),
        }
    }

    #[test]
    fn french_guillemets_with_no_break_spaces() {
        assert_eq!(
            q("fr", Quotes::Auto, "il dit “non” et ‘oui’"),
            "il dit «\u{a0}non\u{a0}» et “oui”"
        );
    }

    #[test]
    fn german_low_quotes_keep_apostrophes() {
        assert_eq!(q("de-AT", Quotes::Auto, "“Nein” und ‘ja’, geht’s"), "„Nein“ und ‚ja‘, geht’s");
    }

    #[test]
    fn spanish_only_when_asked() {
        assert_eq!(q("es", Quotes::Auto, "“huelga”"), "“huelga”");
        assert_eq!(q("es", Quotes::Guillemets, "“huelga”"), "«huelga»");
    }

    #[test]
    fn russian_and_greek() {
        assert_eq!(q("ru", Quotes::Auto, "“забастовка” ‘да’"), "«забастовка» „да“");
        assert_eq!(q("el", Quotes::Auto, "“απεργία”"), "«απεργία»");
    }

    #[test]
    fn english_unchanged() {
        assert_eq!(q("en", Quotes::Auto, "“strike” it’s ‘now’"), "“strike” it’s ‘now’");
    }

    #[test]
    fn parses_names() {
        assert_eq!(Quotes::parse("Guillemets"), Some(Quotes::Guillemets));
        assert_eq!(Quotes::parse("x"), None);
    }
}
