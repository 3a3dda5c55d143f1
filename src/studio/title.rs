//! The studio's title field: the leaflet's title written into the
//! statement's text, where the statement keeps its title, so that the
//! preview, the saved file and `handbill build` of it all show the same.

use std::path::Path;

use handbill::statement;

/// `text` with its title replaced by `title` (nothing changes for an
/// empty one), and the title the text had. The title goes where the text
/// keeps it: the front matter's `title`, else its `# Title` line (or a
/// plain text's first line), else new front matter. Each rewrite is read
/// back; one that would change anything but the title is not used.
pub fn with_title(path: &Path, text: &str, title: &str) -> (String, Option<String>) {
    let parsed = statement::parse(path, text).ok();
    let own = parsed.as_ref().and_then(|s| s.meta.title.clone());
    let title = title.trim();
    if title.is_empty() || own.as_deref() == Some(title) {
        return (text.to_string(), own);
    }
    let quoted = toml::Value::String(title.to_string()).to_string();
    let gives_title =
        |t: &str| statement::parse(path, t).ok().filter(|s| s.meta.title.as_deref() == Some(title));
    let lines: Vec<&str> = text.split('\n').collect();
    if lines.first().map(|l| l.trim_end()) == Some("+++") {
        let close = lines.iter().skip(1).position(|l| l.trim_end() == "+++").map(|i| i + 1);
        if let Some(close) = close {
            let mut out: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
            let at = (1..close)
                .find(|&i| lines[i].split_once('=').is_some_and(|(k, _)| k.trim() == "title"));
            match at {
                Some(i) => out[i] = format!("title = {quoted}"),
                None => out.insert(1, format!("title = {quoted}")),
            }
            let joined = out.join("\n");
            if gives_title(&joined).is_some() {
                return (joined, own);
            }
        }
    }
    let front = format!("+++\ntitle = {quoted}\n+++\n");
    let Some(parsed) = parsed.filter(|_| own.is_some()) else {
        return (format!("{front}{text}"), own);
    };
    // The title came from the text: the first level-1 heading, or a plain
    // text's first line. Replace that line in place (the byline under it
    // stays the byline).
    let markdown = parsed.meta.format == Some(statement::Format::Markdown);
    let found = if markdown {
        lines.iter().position(|l| l.trim_start().starts_with("# "))
    } else {
        lines.iter().position(|l| !l.trim().is_empty())
    };
    if let Some(i) = found {
        let mut out: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
        out[i] = if markdown { format!("# {}", escape(title)) } else { title.to_string() };
        let joined = out.join("\n");
        if gives_title(&joined).is_some_and(|s| s.blocks == parsed.blocks) {
            return (joined, own);
        }
        // Else: the title in front matter, the old title line gone.
        out.remove(i);
        let moved = format!("{front}{}", out.join("\n"));
        if gives_title(&moved).is_some() {
            return (moved, own);
        }
    }
    (format!("{front}{text}"), own)
}

/// Markdown's punctuation escaped, so that a title reads as it is typed.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '&' | '|' | '~')
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title_of(text: &str) -> Option<String> {
        statement::parse(Path::new("s.md"), text).unwrap().meta.title
    }

    #[test]
    fn the_title_goes_where_the_text_keeps_it() {
        let p = Path::new("s.md");
        let (t, own) =
            with_title(p, "# Old title\n\nSocialist Equality Party\n\nBody text.", "New *title*");
        assert_eq!(own.as_deref(), Some("Old title"));
        assert!(t.starts_with("# New \\*title\\*\n"), "{t}");
        assert_eq!(title_of(&t).as_deref(), Some("New *title*"));

        let (t, _) =
            with_title(p, "+++\nauthor = \"A\"\ntitle = \"Old\"\n+++\n# Heading\n\nText.", "New");
        assert!(t.contains("title = \"New\"") && t.contains("# Heading"), "{t}");
        assert_eq!(title_of(&t).as_deref(), Some("New"));

        let (t, own) = with_title(p, "Just a paragraph of text, with no title at all.", "Added");
        assert_eq!(own, None);
        assert_eq!(title_of(&t).as_deref(), Some("Added"));
        assert!(t.ends_with("with no title at all."), "{t}");

        let same = "# Kept\n\nText.";
        assert_eq!(with_title(p, same, "").0, same);
        assert_eq!(with_title(p, same, "Kept").0, same);
    }
}
