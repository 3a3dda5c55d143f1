//! Placeholders in layout texts and how dates read.
//!
//! A layout's kicker and footer may say `{title}`, `{subtitle}`,
//! `{author}`, `{date}` and `{event.KEY}` (a campaign event's values); a
//! campaign's output pattern says `{event}`, `{statement}` and `{layout}`.
//! [`placeholders`] is the one reading of where a placeholder is, shared by
//! filling ([`fill_placeholders`]), `handbill check` (sample event values)
//! and the campaign's output pattern check.

use std::collections::HashMap;
use std::ops::Range;

use crate::error::{Error, Location, Result, Warning};
use crate::spec::LayoutSpec;
use crate::statement::{Meta, Statement};

/// Values for `{event.KEY}` placeholders, e.g. `name` → `Day of action`.
pub type Vars = HashMap<String, String>;

/// A placeholder found in a text: `{` to the first `}` after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder<'t> {
    /// Where it is in the text, braces included.
    pub span: Range<usize>,
    /// The text between the braces, as written.
    pub inner: &'t str,
}

impl<'t> Placeholder<'t> {
    /// Returns the name it asks for: the text between the braces, trimmed
    /// (`{ event.city }` asks for `event.city`).
    pub fn key(&self) -> &'t str {
        self.inner.trim()
    }
}

/// Finds the placeholders in `text`, in order: each `{` with the first `}`
/// after it. A `{` without a `}` after it ends the search; text outside
/// placeholders is left to the caller.
///
/// # Example
/// ```
/// let keys: Vec<&str> =
///     handbill::vars::placeholders("{title} · { event.city }").map(|p| p.key()).collect();
/// assert_eq!(keys, ["title", "event.city"]);
/// ```
pub fn placeholders(text: &str) -> impl Iterator<Item = Placeholder<'_>> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let open = from + text.get(from..)?.find('{')?;
        let close = open + 1 + text[open + 1..].find('}')?;
        from = close + 1;
        Some(Placeholder { span: open..close + 1, inner: &text[open + 1..close] })
    })
}

/// Replaces `{title}`, `{subtitle}`, `{date}`, `{author}` and
/// `{event.KEY}` in `text`.
///
/// # Errors
/// An unknown placeholder, with the layout's file and the placeholders
/// known there.
pub fn fill_placeholders(
    text: &str,
    meta: &Meta,
    vars: &Vars,
    spec: &LayoutSpec,
) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for ph in placeholders(text) {
        out.push_str(&text[done..ph.span.start]);
        let key = ph.key();
        let value = match key {
            "title" => meta.title.clone().unwrap_or_default(),
            "subtitle" => meta.subtitle.clone().unwrap_or_default(),
            "author" => meta.author.clone().unwrap_or_default(),
            "date" => {
                let lang = meta.lang.as_deref().unwrap_or(&spec.body.language);
                meta.date.as_deref().map(|d| display_date_in(d, lang)).unwrap_or_default()
            }
            k => match k.strip_prefix("event.").and_then(|ev| vars.get(ev)) {
                Some(v) => v.clone(),
                None => return Err(unknown(key, vars, spec)),
            },
        };
        out.push_str(&value);
        done = ph.span.end;
    }
    out.push_str(&text[done..]);
    Ok(out)
}

/// The layout as one job prints it: the statement's contact in the footer
/// where the layout has no `footer.text` of its own, the footer's link
/// filled from the statement and the event (its QR code resolved again),
/// and every other text key checked for placeholders no value is known
/// for. With two statements (a bilingual leaflet), the first one's contact,
/// else the second's. The warnings say what the leaflet lacks: a contact.
///
/// Flow fills `masthead.kicker` and `footer.text` itself (see
/// [`fill_placeholders`]), so that each text is filled exactly once.
///
/// # Errors
/// A placeholder in any text key that neither the statement nor the event
/// has a value for.
pub fn for_job(
    spec: &LayoutSpec,
    statements: &[&Statement],
    vars: &Vars,
) -> Result<(LayoutSpec, Vec<Warning>)> {
    let mut job = spec.clone();
    let mut warnings = Vec::new();
    let meta = statements.first().map(|s| s.meta.clone()).unwrap_or_default();
    let from_statement = job.footer.text.trim().is_empty();
    if from_statement {
        let with_contact = statements.iter().find(|s| s.meta.contact.is_some());
        match with_contact {
            Some(st) => {
                job.footer.text = st.meta.contact.clone().unwrap_or_default();
                if let Some(link) = &st.meta.contact_link {
                    job.footer.link = link.clone();
                }
            }
            None => {
                let at = statements.first().map(|s| Location::file(&s.path)).unwrap_or_default();
                warnings.push(Warning::new(
                    at,
                    "the leaflet says nowhere how to reach you: add `contact = \"...\"` (and \
                     `contact-link = \"https://...\"` for a link and QR code) to the statement's \
                     front matter, or `footer.text` to the layout",
                ));
            }
        }
    }
    // Filled here only to find unknown placeholders early, whichever key
    // they are in: flow fills these two when it sets them.
    fn in_key(key: &'static str) -> impl Fn(Error) -> Error {
        move |mut e| {
            e.message = format!("`{key}`: {}", e.message);
            e
        }
    }
    fill_placeholders(&job.masthead.kicker, &meta, vars, spec)
        .map_err(in_key("masthead.kicker"))?;
    fill_placeholders(&job.footer.text, &meta, vars, spec).map_err(in_key("footer.text"))?;
    let link =
        fill_placeholders(&job.footer.link, &meta, vars, spec).map_err(in_key("footer.link"))?;
    job.footer.link = link.trim().to_string();
    // (A layout's own footer without a link is told when it is loaded.)
    if from_statement && job.footer.qr && job.footer.link.is_empty() && !job.footer.text.is_empty()
    {
        let at = statements.first().map(|s| Location::file(&s.path)).unwrap_or_default();
        warnings.push(Warning::new(
            at,
            "the layout asks for a QR code of the contact link, and there is none: add \
             `contact-link = \"https://...\"` to the statement's front matter",
        ));
    }
    job.resolve();
    Ok((job, warnings))
}

/// The error for a placeholder no value is known for: the values known
/// here, and for an event's value where it can come from.
fn unknown(key: &str, vars: &Vars, spec: &LayoutSpec) -> Error {
    let loc = spec.location();
    let mut keys: Vec<&String> = vars.keys().collect();
    keys.sort();
    let known: Vec<String> = ["title", "subtitle", "author", "date"]
        .iter()
        .map(|s| format!("{{{s}}}"))
        .chain(keys.into_iter().map(|k| format!("{{event.{k}}}")))
        .collect();
    let hint = match key.strip_prefix("event.") {
        Some(name) if vars.is_empty() => format!(
            "the layout is for an event, and this build has none: give its values with \
             `--event CAMPAIGN.toml:ID` or `--var {name}=\"...\"`, or build the campaign with \
             `handbill batch CAMPAIGN.toml`"
        ),
        Some(name) => format!(
            "add `{name} = \"...\"` to the event (or `--var {name}=\"...\"`); known here: {}",
            known.join(" ")
        ),
        None => format!("known here: {}", known.join(" ")),
    };
    Error::new(loc, format!("unknown placeholder `{{{key}}}`"), hint)
}

/// The months in English.
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Shows an ISO date (`2026-01-22`) as `22 January 2026`; other text as is.
pub fn display_date(date: &str) -> String {
    let parts: Vec<&str> = date.trim().split('-').collect();
    if let [y, m, d] = parts[..] {
        if let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<usize>(), d.parse::<u32>()) {
            if (1..=12).contains(&m) && (1..=31).contains(&d) {
                return format!("{d} {} {y}", MONTHS[m - 1]);
            }
        }
    }
    date.to_string()
}

/// Shows an ISO date in the words and order of a language and region the
/// byline may be in (`es` → `22 de enero de 2026`, `en-US` → `January 22,
/// 2026`, `en-GB` and `en` → `22 January 2026`); other languages and other
/// text as [`display_date`] does.
pub fn display_date_in(date: &str, lang: &str) -> String {
    const ES: [&str; 12] = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ];
    const PT: [&str; 12] = [
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ];
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const DE: [&str; 12] = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ];
    let parts: Vec<&str> = date.trim().split('-').collect();
    let ymd = match parts[..] {
        [y, m, d] => match (y.parse::<u32>(), m.parse::<usize>(), d.parse::<u32>()) {
            (Ok(y), Ok(m), Ok(d)) if (1..=12).contains(&m) && (1..=31).contains(&d) => {
                Some((y, m, d))
            }
            _ => None,
        },
        _ => None,
    };
    let mut subtags = lang.split(['-', '_']);
    let primary = subtags.next().unwrap_or("").to_ascii_lowercase();
    // The region, if the tag has one (`en-US`, `es-419`; not a script such
    // as `Latn`).
    let region =
        subtags.find(|t| t.len() == 2 || t.len() == 3 && t.chars().all(|c| c.is_ascii_digit()));
    let region = region.map(str::to_ascii_uppercase);
    match (ymd, primary.as_str()) {
        // The United States and the Philippines put the month first.
        (Some((y, m, d)), "en") if matches!(region.as_deref(), Some("US" | "PH")) => {
            format!("{} {d}, {y}", MONTHS[m - 1])
        }
        (Some((y, m, d)), "es") => format!("{d} de {} de {y}", ES[m - 1]),
        (Some((y, m, d)), "pt") => format!("{d} de {} de {y}", PT[m - 1]),
        (Some((y, m, d)), "fr") => {
            format!("{}{} {} {y}", d, if d == 1 { "er" } else { "" }, FR[m - 1])
        }
        (Some((y, m, d)), "de") => format!("{d}. {} {y}", DE[m - 1]),
        _ => display_date(date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes each placeholder found as `[inner]`, the rest as is.
    fn marked(text: &str) -> String {
        let mut out = String::new();
        let mut done = 0;
        for ph in placeholders(text) {
            out.push_str(&text[done..ph.span.start]);
            out.push_str(&format!("[{}]", ph.inner));
            done = ph.span.end;
        }
        out + &text[done..]
    }

    #[test]
    fn finds_each_brace_pair_in_order() {
        assert_eq!(marked("{title} on {date}"), "[title] on [date]");
        assert_eq!(marked("{ event.city }!"), "[ event.city ]!");
        assert_eq!(marked("a {b"), "a {b", "an open brace alone is text");
        assert_eq!(marked("{{event.x}}"), "[{event.x]}", "the first close ends it");
        assert_eq!(marked("x}{}y"), "x}[]y");
        assert_eq!(marked("{é}ü{ß}"), "[é]ü[ß]");
    }

    #[test]
    fn fills_known_placeholders_and_names_the_unknown() {
        let meta = Meta {
            title: Some("Strike".into()),
            date: Some("2026-01-22".into()),
            ..Default::default()
        };
        let spec = crate::spec::load("letter-2col", &[]).expect("a shipped layout");
        let vars = Vars::from([("city".to_string(), "Chicago".to_string())]);
        let filled = fill_placeholders("{title}, { event.city }, {date} {", &meta, &vars, &spec);
        assert_eq!(filled.expect("fills"), "Strike, Chicago, 22 January 2026 {");
        let e = fill_placeholders("{event.town}", &meta, &vars, &spec).expect_err("unknown");
        assert!(e.to_string().contains("{event.town}"), "{e}");
        assert!(e.to_string().contains("{event.city}"), "{e}");
    }

    #[test]
    fn dates_read_in_the_byline_language() {
        assert_eq!(display_date("2026-01-22"), "22 January 2026");
        assert_eq!(display_date("soon"), "soon");
        assert_eq!(display_date_in("2026-03-01", "fr-CA"), "1er mars 2026");
        assert_eq!(display_date_in("2026-01-22", "es"), "22 de enero de 2026");
        assert_eq!(display_date_in("2026-13-22", "de"), "2026-13-22");
        assert_eq!(display_date_in("2026-03-02", "en-US"), "March 2, 2026");
        assert_eq!(display_date_in("2026-03-02", "en_us"), "March 2, 2026");
        assert_eq!(display_date_in("2026-03-02", "en-GB"), "2 March 2026");
        assert_eq!(display_date_in("2026-03-02", "en"), "2 March 2026");
        assert_eq!(display_date_in("2026-03-02", "en-Latn-US"), "March 2, 2026");
        assert_eq!(display_date_in("2026-03-02", "es"), "2 de marzo de 2026");
        assert_eq!(display_date_in("2026-03-02", "es-MX"), "2 de marzo de 2026");
    }
}
