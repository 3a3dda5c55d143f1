//! The library's errors and warnings in words for someone who never opened
//! a TOML file: no `file:line:` prefix, no key names in backticks, each
//! with what to do. Where the problem sits (a line of the text, a field of
//! the form) is kept apart, for the page to offer as a link.

use std::path::Path;

use serde::{Deserialize, Serialize};

use handbill::{Error, Location, Warning};

/// One problem, as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// What is wrong, in a sentence.
    pub text: String,
    /// What to do about it, in a sentence.
    pub fix: String,
    /// The line of the statement it is about, if one.
    pub line: Option<usize>,
    /// The id of the form field it is about (`toml`: the TOML box), if one.
    pub field: Option<String>,
    /// The field's label, to name it in a link.
    pub label: Option<String>,
}

/// The form's fields: id, the layout key it sets, its label.
pub const FIELDS: &[(&str, &str, &str)] = &[
    ("kicker", "masthead.kicker", "Line above the title"),
    ("footer-text", "footer.text", "Footer text"),
    ("footer-link", "footer.link", "Footer link"),
    ("qr", "footer.qr", "QR code of the link"),
    ("paper", "page.size", "Paper"),
    ("columns", "page.columns", "Columns"),
    ("body-size", "body.size", "Text size"),
    ("fit-pages", "fit.pages", "Fit to pages"),
    ("color", "print.color", "Ink"),
    ("logo", "masthead.logo", "Logo"),
    ("logo-size", "masthead.logo-size", "Logo height"),
    ("logo-side", "masthead.logo-side", "Logo side"),
];

/// Keys without a field of their own, in words.
const NAMES: &[(&str, &str)] = &[
    ("fit.min-size", "the smallest text size (fit.min-size)"),
    ("fit.max-size", "the largest text size (fit.max-size)"),
    ("fit.pull-back", "fit.pull-back"),
    ("body.fallback", "the fallback fonts (body.fallback)"),
    ("masthead.background", "the masthead's colour (masthead.background)"),
    ("footer.on", "where the footer goes (footer.on)"),
];

/// The form label of a layout key, quoted, or the key in words.
fn key_words(key: &str) -> String {
    if let Some((_, _, label)) = FIELDS.iter().find(|(_, k, _)| *k == key) {
        return format!("“{label}”");
    }
    NAMES.iter().find(|(k, _)| *k == key).map_or_else(|| key.to_string(), |(_, w)| w.to_string())
}

/// An error that stopped the leaflet, in words.
pub fn error(e: &Error, statement: &Path) -> Problem {
    let mut p = words(&e.message, &e.hint);
    place(&mut p, &e.location, statement);
    p
}

/// A warning, in words.
pub fn warning(w: &Warning, statement: &Path) -> Problem {
    let mut p = words(&w.message, "");
    place(&mut p, &w.location, statement);
    p
}

/// A problem of the studio's own (not from the library).
pub fn plain(text: &str, fix: &str) -> Problem {
    Problem {
        text: sentence(&clean(text)),
        fix: sentence(&clean(fix)),
        line: None,
        field: None,
        label: None,
    }
}

/// Where a problem sits: a line of the statement, or the form field (or
/// TOML box) whose value the location names (`--set KEY=VALUE`).
fn place(p: &mut Problem, at: &Location, statement: &Path) {
    let file = at.file.as_deref().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    if at.file.as_deref() == Some(statement) {
        p.line = at.line;
    } else if let Some(set) = file.strip_prefix("--set ") {
        let key = set.split('=').next().unwrap_or("");
        match FIELDS.iter().find(|(_, k, _)| *k == key) {
            Some((id, _, label)) => {
                p.field = Some((*id).to_string());
                p.label = Some((*label).to_string());
            }
            None => {
                p.field = Some("toml".to_string());
                p.label = Some("Every other key, as TOML".to_string());
            }
        }
    }
    if p.fix.is_empty() {
        p.fix = match (&p.label, p.line) {
            (Some(label), _) => format!("Change “{label}”."),
            (None, Some(line)) => format!("Look at line {line} of the text."),
            (None, None) => "Check the leaflet on the right.".to_string(),
        };
    }
}

/// The text between `before` and `after` in `s`.
fn between<'a>(s: &'a str, before: &str, after: &str) -> Option<&'a str> {
    let start = s.find(before)? + before.len();
    let end = s[start..].find(after)? + start;
    Some(&s[start..end])
}

fn number_after(s: &str, before: &str) -> Option<usize> {
    let rest = &s[s.find(before)? + before.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The message and hint of the library, as (what is wrong, what to do).
fn words(message: &str, hint: &str) -> Problem {
    let (text, fix) = rewrite(message, hint);
    Problem { text: sentence(&text), fix: sentence(&fix), line: None, field: None, label: None }
}

fn rewrite(m: &str, hint: &str) -> (String, String) {
    if let (Some(what), Some(size)) =
        (between(m, "not fit on ", " even at"), between(m, "` (", ")"))
    {
        // "does not fit on 1 page even at `fit.min-size` (7pt): 290 more
        // lines (about 3631 words) would need page 2"
        let words = between(m, "(about ", " words)")
            .map(|w| format!(" — about {w} words too many"))
            .unwrap_or_default();
        let fix = match number_after(m, "not fit on ") {
            Some(n) if what.ends_with("page") || what.ends_with("pages") => {
                format!("Shorten it, or allow {} in “Fit to pages”", plural(n + 1, "page", "pages"))
            }
            _ => "Shorten it, or pick a layout with more room".to_string(),
        };
        return (format!("The text does not fit on {what} even at {size}{words}"), fix);
    }
    if let Some(got) = number_after(m, "only ").filter(|_| m.contains(" pages even at `fit.max")) {
        let n = between(m, " of ", " pages").unwrap_or("the");
        let size = between(m, "` (", ")").unwrap_or("the largest size");
        return (
            format!("The text fills only {got} of {n} pages even at {size}, the largest size"),
            format!(
                "Ask for {} in “Fit to pages”, or add text",
                plural(got.max(1), "page", "pages")
            ),
        );
    }
    if m.contains("would hold only") && m.contains(" instead of ") {
        let sizes = between(m, "set at ", " to end");
        let end = number_after(m, "to end on page ");
        if let (Some(sizes), Some(end)) = (sizes, end) {
            return (
                format!("The text is set a little smaller ({sizes}) so that it ends on page {end} instead of leaving a line or two alone on the next page"),
                "Nothing to do; to keep the size, shorten the text a little".to_string(),
            );
        }
    }
    if let (Some(page), Some(lines)) = (number_after(m, "page "), number_after(m, "holds only ")) {
        let fewer = page.saturating_sub(1).max(1);
        return (
            format!("The last page (page {page}) holds only {}", plural(lines, "line", "lines")),
            format!(
                "Shorten the text a little, or set “Fit to pages” to {fewer} so it is set a little smaller"
            ),
        );
    }
    if let Some(full) = between(m, "the last page is only ", " % full") {
        return (
            format!("The last page is only {full} % full"),
            "Ask for one page fewer in “Fit to pages”, or add text".to_string(),
        );
    }
    if let Some(chars) = between(m, "no font has ", ": they print as boxes") {
        return (
            format!("No font here has {}: they would print as empty boxes", strip_codes(chars)),
            "Replace them in the text, or put a font that has them in the fonts folder".to_string(),
        );
    }
    if m.contains("says nowhere how to reach you") {
        return (
            "The leaflet does not say how to reach your group".to_string(),
            "Fill in “Footer text” (and “Footer link” for a link and a QR code)".to_string(),
        );
    }
    if let Some(size) = between(m, "body text of ", " is hard to read") {
        return (
            format!("Text of {size} is hard to read on paper"),
            "Set “Text size” to 9pt or more".to_string(),
        );
    }
    if let (Some(key), Some(table)) = (between(m, "unknown key `", "`"), between(m, " in [", "]")) {
        let valid = hint.split_once(": ").map(|(_, list)| list).unwrap_or("");
        let fix = if valid.is_empty() {
            "Check its spelling in the TOML box".to_string()
        } else {
            format!("Check its spelling in the TOML box; [{table}] has: {valid}")
        };
        return (format!("There is no setting “{key}” in [{table}]"), fix);
    }
    if let Some(value) = between(m, ": \"", "\" is not a length") {
        let key = between(m, "`", "`").map(key_words).unwrap_or_else(|| "A size".to_string());
        return (
            format!("{key}: “{value}” is not a size"),
            "Write a number and a unit, e.g. 10pt (units: pt, mm, cm, in)".to_string(),
        );
    }
    if let Some(name) = between(m, "picture `", "` is not a file: pictures are never fetched") {
        return (
            format!(
                "The picture {name} is on the internet, and the studio never downloads anything"
            ),
            "Save the picture into the studio's folder and name the file instead".to_string(),
        );
    }
    if let Some(name) = between(m, "picture `", "` has no alt text") {
        return (
            format!("The picture {name} has no description for readers who cannot see it"),
            format!("Write what it shows between the brackets: ![a crowd at the rally]({name})"),
        );
    }
    if let Some((what, _)) = m.split_once(" at this size: it will print blurry") {
        // "small.png is 28 ppi at this size: it will print blurry — use a
        // larger file"
        let (name, ppi) = what.rsplit_once(" is ").unwrap_or((what, ""));
        return (
            format!(
                "The picture {} has too few pixels for its size on paper ({ppi}): it will print blurry",
                clean(name)
            ),
            "Use a larger picture file, or make the picture smaller".to_string(),
        );
    }
    if m.contains("the statement is empty") {
        return ("The text is empty".to_string(), "Paste or write the statement".to_string());
    }
    generic(m, hint)
}

/// Any other message: key names as the form calls them, advice split off.
fn generic(m: &str, hint: &str) -> (String, String) {
    let m = clean(m);
    if !hint.trim().is_empty() {
        return (m, clean(hint));
    }
    // Advice often follows a dash or a semicolon ("…; use a shorter link").
    const VERBS: &[&str] = &[
        "add", "use", "choose", "write", "set", "raise", "lower", "shorten", "check", "copy",
        "download", "remove", "widen", "give", "put", "make", "swap", "name", "allow", "try",
    ];
    for sep in [" — ", "; ", ": "] {
        if let Some((what, advice)) = m.rsplit_once(sep) {
            let first = advice.split_whitespace().next().unwrap_or("").to_lowercase();
            if VERBS.contains(&first.as_str()) {
                return (what.to_string(), advice.to_string());
            }
        }
    }
    (m, String::new())
}

/// Key names in backticks as the form calls them; no backticks, no code
/// points, no system error numbers.
fn clean(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(open) = rest.find('`') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('`') else {
            out.push_str(after);
            rest = "";
            break;
        };
        let inner = &after[..close];
        let looks_like_key = inner.contains('.')
            && !inner.contains(' ')
            && inner.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '-');
        if looks_like_key {
            out.push_str(&key_words(inner));
        } else {
            out.push_str(&format!("“{inner}”"));
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    let out = strip_codes(&out);
    let out = match out.find(" (os error") {
        Some(at) => {
            let end = out[at..].find(')').map_or(out.len(), |e| at + e + 1);
            format!("{}{}", &out[..at], &out[end..])
        }
        None => out,
    };
    out.replace("--set ", "")
}

/// Drops " (U+13000)" after characters named in a message.
fn strip_codes(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find(" (U+") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        rest = tail.find(')').map_or("", |e| &tail[e + 1..]);
    }
    out.push_str(rest);
    out
}

/// A capital first letter and a full stop.
fn sentence(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        return String::new();
    }
    let mut chars = s.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    let mut out = format!("{first}{}", chars.as_str());
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// What a problem must never show a non-programmer (for the tests).
#[cfg(test)]
pub fn looks_technical(s: &str) -> Option<&'static str> {
    let bad: &[(&str, &str)] = &[
        ("`", "a backtick"),
        ("::", "a Rust path"),
        (".md:", "a file:line prefix"),
        (".toml:", "a file:line prefix"),
        ("builtin:", "a shipped layout's label"),
        ("--set", "a command-line flag"),
        ("U+", "a code point"),
        ("os error", "a system error number"),
        ("(shipped layout)", "a layout's label"),
    ];
    bad.iter().find(|(b, _)| s.contains(b)).map(|(_, why)| *why)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn statement() -> PathBuf {
        PathBuf::from("/folder/statement.md")
    }

    fn check(p: &Problem) {
        for s in [&p.text, &p.fix] {
            assert!(looks_technical(s).is_none(), "{s}: {:?}", looks_technical(s));
            assert!(s.chars().next().is_some_and(|c| !c.is_lowercase()), "{s}");
            assert!(s.ends_with('.'), "{s}");
        }
        assert!(!p.fix.is_empty(), "{p:?}");
    }

    #[test]
    fn a_statement_error_names_its_line_apart() {
        // A real error from the statement reader: front matter never closed.
        let e = handbill::statement::parse(&statement(), "+++\ntitle = \"x\"\n").unwrap_err();
        let p = error(&e, &statement());
        check(&p);
        assert_eq!(p.line, Some(1));
        assert!(!p.text.contains("statement.md"), "{p:?}");
    }

    #[test]
    fn a_form_value_points_at_its_field() {
        let e =
            handbill::spec::load("letter-2col", &["body.size=\"abc\"".to_string()]).unwrap_err();
        let p = error(&e, &statement());
        check(&p);
        assert_eq!(p.field.as_deref(), Some("body-size"));
        assert!(p.text.contains("“Text size”") && p.text.contains("“abc” is not a size"), "{p:?}");
        let e = handbill::spec::load("letter-2col", &["masthead.colour=\"red\"".to_string()])
            .unwrap_err();
        let p = error(&e, &statement());
        check(&p);
        assert_eq!(p.field.as_deref(), Some("toml"));
        assert!(p.text.contains("no setting “colour”") && p.fix.contains("kicker"), "{p:?}");
    }

    #[test]
    fn a_small_body_says_what_size_to_use() {
        let l = handbill::spec::load("letter-2col", &["body.size=\"6pt\"".to_string()]).unwrap();
        let p = warning(&l.warnings[0], &statement());
        check(&p);
        assert_eq!(p.text, "Text of 6pt is hard to read on paper.");
        assert_eq!(p.field.as_deref(), Some("body-size"));
    }

    #[test]
    fn keys_read_as_the_form_calls_them() {
        let (text, fix) = generic(
            "`footer.link` is too long for a QR code, so there is none; use a shorter link",
            "",
        );
        assert_eq!(text, "“Footer link” is too long for a QR code, so there is none");
        assert_eq!(fix, "use a shorter link");
        assert_eq!(strip_codes("𓀀 (U+13000), ꙮ (U+A66E)"), "𓀀, ꙮ");
        assert_eq!(clean("cannot read x (os error 2)"), "cannot read x");
    }

    #[test]
    fn runts_blurry_pictures_and_low_contrast_say_what_to_do() {
        // As flow, picture and validate word them.
        let p = words(
            "page 3 holds only 2 lines: set `fit.pages = 2` (e.g. `--set fit.pages=2`) and a \
             smaller `fit.min-size` to fit the text on 2 pages, or shorten it",
            "",
        );
        assert_eq!(p.text, "The last page (page 3) holds only 2 lines.");
        assert!(p.fix.contains("“Fit to pages” to 2"), "{p:?}");
        let p =
            words("small.png is 28 ppi at this size: it will print blurry — use a larger file", "");
        assert_eq!(
            p.text,
            "The picture small.png has too few pixels for its size on paper (28 ppi): it will print blurry."
        );
        let p = words(
            "gray text on gray: the masthead text would have a contrast of only 3.1:1 on \
             `masthead.background`; choose a darker or lighter color",
            "",
        );
        assert_eq!(p.fix, "Choose a darker or lighter color.");
        check(&p);
    }
}
