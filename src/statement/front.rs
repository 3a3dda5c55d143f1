//! Optional TOML front matter between `+++` lines at the top of a statement.

use std::collections::BTreeMap;
use std::path::Path;

use toml::Spanned;

use crate::error::{Error, Location, Result, Warning};

use super::{Format, Meta, Quotes};

/// The keys front matter understands.
const KEYS: [&str; 10] = [
    "title",
    "subtitle",
    "author",
    "date",
    "lang",
    "dir",
    "quotes",
    "format",
    "contact",
    "contact-link",
];

/// What to do about a malformed front matter.
const TOML_HINT: &str =
    "front matter is TOML: one setting per line, text in double quotes, e.g. title = \"Stop the war!\"";

/// Splits off and reads the front matter. Returns the metadata and the byte
/// offset where the body starts (0 when there is no front matter).
pub(super) fn split(path: &Path, text: &str, warnings: &mut Vec<Warning>) -> Result<(Meta, usize)> {
    let mut lines = line_spans(text);
    let Some((start, end)) = lines.next() else { return Ok((Meta::default(), 0)) };
    if text.get(start..end).map(str::trim_end) != Some("+++") {
        return Ok((Meta::default(), 0));
    }
    let content_start = (end + 1).min(text.len());
    let mut close = None;
    for (s, e) in lines {
        if text.get(s..e).map(str::trim_end) == Some("+++") {
            close = Some((s, e));
            break;
        }
    }
    let Some((close_start, close_end)) = close else {
        return Err(Error::new(
            Location::at(path, 1, 1),
            "the front matter that starts with `+++` on line 1 is never closed",
            "add a line with only `+++` after the last setting",
        ));
    };
    let content = text.get(content_start..close_start).unwrap_or("");
    let meta = read(path, text, content, content_start, warnings)?;
    Ok((meta, (close_end + 1).min(text.len())))
}

/// Byte ranges of the lines of `text`, without the `\n`.
fn line_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut pos = 0;
    text.split('\n').map(move |l| {
        let span = (pos, pos + l.len());
        pos += l.len() + 1;
        span
    })
}

fn read(
    path: &Path,
    whole: &str,
    content: &str,
    offset: usize,
    warnings: &mut Vec<Warning>,
) -> Result<Meta> {
    let at = |span_start: usize| Location::from_offset(path, whole, offset + span_start);
    let table: BTreeMap<String, Spanned<toml::Value>> = toml::from_str(content).map_err(|e| {
        let loc = at(e.span().map_or(0, |s| s.start));
        let msg = e.message().lines().next().unwrap_or("invalid TOML").trim().to_owned();
        Error::new(loc, format!("front matter: {msg}"), TOML_HINT).with_source(e)
    })?;
    let mut meta = Meta::default();
    for (key, value) in &table {
        let loc = at(value.span().start);
        if !KEYS.contains(&key.as_str()) {
            let line = loc.line.unwrap_or(0);
            let mut msg = format!("unknown front matter key `{key}` on line {line} ignored");
            match suggest(key) {
                Some(s) => msg.push_str(&format!(" (did you mean `{s}`?)")),
                None => msg.push_str(&format!(" (known keys: {})", KEYS.join(", "))),
            }
            warnings.push(Warning::new(Location::line(path, line), msg));
            continue;
        }
        let text = match (key.as_str(), value.get_ref()) {
            (_, toml::Value::String(s)) => s.trim().to_owned(),
            // People write dates bare (`date = 2026-01-22`); TOML reads that
            // as a date, which is fine.
            ("date", toml::Value::Datetime(d)) => d.to_string(),
            (k, v) => {
                return Err(Error::new(
                    loc,
                    format!("front matter: `{k}` must be text, not {}", v.type_str()),
                    format!("put the value in double quotes: {k} = \"...\""),
                ));
            }
        };
        let value = (!text.is_empty()).then_some(text);
        match key.as_str() {
            "title" => meta.title = value,
            "subtitle" => meta.subtitle = value,
            "author" => meta.author = value,
            "date" => meta.date = value,
            "contact" => meta.contact = value,
            "contact-link" => meta.contact_link = value,
            "lang" => {
                if let Some(v) = &value {
                    if !is_language_tag(v) {
                        return Err(Error::new(
                            loc,
                            format!("front matter: `lang = \"{v}\"` is not a language code"),
                            "use a BCP 47 code such as \"en\", \"es\", \"de\", \"ar\" or \"pt-BR\"",
                        ));
                    }
                }
                meta.lang = value;
            }
            "quotes" => {
                let v = value.unwrap_or_default();
                meta.quotes = Some(Quotes::parse(&v).ok_or_else(|| {
                    Error::new(
                        loc,
                        format!("front matter: `quotes = \"{v}\"` is not a kind of quotes"),
                        "write quotes = \"guillemets\", \"curly\", \"low\" or \"auto\"",
                    )
                })?);
            }
            "format" => {
                let v = value.unwrap_or_default();
                meta.format = Some(v.parse::<Format>().map_err(|_| {
                    Error::new(
                        loc,
                        format!("front matter: `format = \"{v}\"` is not a statement format"),
                        "write format = \"markdown\" or format = \"text\" (text pasted from a \
                         web page, printed as written)",
                    )
                })?);
            }
            _ => {
                let dir = value.map(|d| d.to_ascii_lowercase());
                if let Some(d) = dir.as_deref().filter(|d| !matches!(*d, "ltr" | "rtl")) {
                    return Err(Error::new(
                        loc,
                        format!("front matter: `dir = \"{d}\"` is not a text direction"),
                        "write dir = \"rtl\" (right to left) or dir = \"ltr\" (left to right)",
                    ));
                }
                meta.dir = dir;
            }
        }
    }
    Ok(meta)
}

/// Checks the shape of a BCP 47 tag: a 2–3 letter language, then
/// subtags of 1–8 letters or digits.
fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split(['-', '_']);
    let first_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Suggests the known key a misspelt one probably meant.
fn suggest(key: &str) -> Option<&'static str> {
    let key = key.to_ascii_lowercase();
    match key.as_str() {
        "language" => return Some("lang"),
        "direction" => return Some("dir"),
        "headline" => return Some("title"),
        "by" | "authors" | "organization" | "organisation" => return Some("author"),
        "link" | "url" | "website" | "contact-url" | "contact_link" => return Some("contact-link"),
        "email" | "e-mail" | "phone" => return Some("contact"),
        _ => {}
    }
    KEYS.iter().copied().find(|k| edit_distance(k, &key) <= 2)
}

/// Levenshtein distance, for short keys only.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (std::result::Result<(Meta, usize), String>, Vec<String>) {
        let mut w = Vec::new();
        let r = split(Path::new("s.md"), text, &mut w).map_err(|e| e.to_string());
        (r, w.iter().map(|w| w.to_string()).collect())
    }

    #[test]
    fn reads_all_keys_and_body_offset() {
        let text = "+++\ntitle = \"T\"\nsubtitle = \"S\"\nauthor = \"A\"\ndate = 2026-01-22\n\
                    lang = \"en\"\ndir = \"LTR\"\n+++\nBody";
        let (r, w) = run(text);
        let (meta, off) = r.unwrap_or_default();
        assert_eq!(&text[off..], "Body");
        assert_eq!(meta.title.as_deref(), Some("T"));
        assert_eq!(meta.subtitle.as_deref(), Some("S"));
        assert_eq!(meta.author.as_deref(), Some("A"));
        assert_eq!(meta.date.as_deref(), Some("2026-01-22"));
        assert_eq!(meta.lang.as_deref(), Some("en"));
        assert_eq!(meta.dir.as_deref(), Some("ltr"));
        assert_eq!(meta.format, None);
        assert!(w.is_empty());
        for (v, format) in [("markdown", Format::Markdown), ("Text", Format::Text)] {
            let (r, _) = run(&format!("+++\nformat = \"{v}\"\n+++\nBody"));
            assert_eq!(r.map(|(m, _)| m.format), Ok(Some(format)), "{v}");
        }
    }

    #[test]
    fn no_front_matter() {
        assert_eq!(run("# Title\n+++\n").0, Ok((Meta::default(), 0)));
    }

    #[test]
    fn contact_and_its_link() {
        let text =
            "+++\ncontact = \" Write to us: x.org \"\ncontact-link = \"https://x.org\"\n+++\n";
        let (r, w) = run(text);
        let meta = r.map(|(m, _)| m).unwrap_or_default();
        assert_eq!(meta.contact.as_deref(), Some("Write to us: x.org"));
        assert_eq!(meta.contact_link.as_deref(), Some("https://x.org"));
        assert!(w.is_empty(), "{w:?}");
        let (_, w) = run("+++\nwebsite = \"https://x.org\"\n+++\n");
        assert!(w[0].ends_with("(did you mean `contact-link`?)"), "{w:?}");
    }

    #[test]
    fn unknown_key_warns_with_line() {
        let (r, w) = run("+++\ntitle = \"T\"\ncolour = \"red\"\nlanguage = \"en\"\n+++\n");
        assert!(r.is_ok());
        assert_eq!(
            w,
            [
                "s.md:3: unknown front matter key `colour` on line 3 ignored \
                 (known keys: title, subtitle, author, date, lang, dir, quotes, format, contact, \
                 contact-link)",
                "s.md:4: unknown front matter key `language` on line 4 ignored (did you mean `lang`?)",
            ]
        );
    }

    #[test]
    fn wrong_type_is_an_error_at_the_value() {
        let (r, _) = run("+++\n\ntitle = 5\n+++\n");
        assert_eq!(
            r.err().as_deref(),
            Some("s.md:3:9: front matter: `title` must be text, not integer — put the value in double quotes: title = \"...\"")
        );
    }

    #[test]
    fn syntax_error_points_into_the_whole_file() {
        let (r, _) = run("+++\ntitle = \"ok\"\nauthor = Socialist Equality Party\n+++\n");
        let e = r.err().unwrap_or_default();
        assert!(e.starts_with("s.md:3:"), "{e}");
        assert!(e.contains("front matter:") && e.ends_with(TOML_HINT), "{e}");
    }

    #[test]
    fn unclosed_and_bad_values() {
        assert_eq!(
            run("+++\ntitle = \"x\"\n").0.err().as_deref(),
            Some("s.md:1:1: the front matter that starts with `+++` on line 1 is never closed — add a line with only `+++` after the last setting")
        );
        assert!(run("+++\nlang = \"English\"\n+++\n")
            .0
            .err()
            .unwrap_or_default()
            .starts_with("s.md:2:8: front matter: `lang = \"English\"` is not a language code"));
        assert!(run("+++\ndir = \"up\"\n+++\n")
            .0
            .err()
            .unwrap_or_default()
            .starts_with("s.md:2:7: front matter: `dir = \"up\"`"));
        assert!(run("+++\nlang = \"pt-BR\"\n+++\n").0.is_ok());
        assert_eq!(
            run("+++\nformat = \"html\"\n+++\n").0.err().as_deref(),
            Some(
                "s.md:2:10: front matter: `format = \"html\"` is not a statement format — \
                  write format = \"markdown\" or format = \"text\" (text pasted from a web page, \
                  printed as written)"
            )
        );
    }
}
