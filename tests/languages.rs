//! Every language a leaflet needs: the UDHR fixtures set with `letter-2col`
//! keep every word, in logical order, with no missing glyphs and hyphens
//! only where the language allows them; unknown scripts print as boxes;
//! Arabic reads right to left.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{book, layout, require_tool};
use handbill::pages::{Element, LineKind};
use handbill::statement::Statement;
use handbill::Vars;

const LANGS: [&str; 8] = ["es", "so", "vi", "ru", "el", "ar", "am", "hi"];

fn fixture(lang: &str) -> PathBuf {
    common::root(&format!("tests/fixtures/udhr/{lang}.md"))
}

fn build(st: &Statement, name: &str) -> handbill::Output {
    let spec = layout(name, &["masthead.show=false"]);
    handbill::build(st, &spec, book(), &Vars::new()).unwrap()
}

/// Reads a PDF's text with pdftotext, column by column (its own reading
/// order mixes columns up), or `None` when it is not installed (which fails
/// under CI: see [`require_tool`]).
fn pdftotext(out: &handbill::Output, name: &str) -> Option<String> {
    if !require_tool("pdftotext") {
        return None;
    }
    let dir = common::temp();
    let path = dir.path().join(format!("{name}.pdf"));
    std::fs::write(&path, &out.pdf).expect("write pdf");
    let mut text = String::new();
    for (pi, page) in out.document.pages.iter().enumerate() {
        let ncol = page.lines.iter().map(|l| l.column).max().unwrap_or(0) + 1;
        for c in 0..ncol {
            let col: Vec<_> = page.lines.iter().filter(|l| l.column == c).collect();
            let x0 = col.iter().map(|l| l.x).fold(f32::MAX, f32::min) - 8.0;
            let x1 = col.iter().map(|l| l.x + l.width).fold(f32::MIN, f32::max) + 8.0;
            let n = (pi + 1).to_string();
            let args = [
                "-enc".to_string(),
                "UTF-8".into(),
                "-f".into(),
                n.clone(),
                "-l".into(),
                n,
                "-x".into(),
                format!("{}", x0.max(0.0) as i32),
                "-y".into(),
                format!("{}", page.column_top as i32),
                "-W".into(),
                format!("{}", (x1 - x0) as i32),
                "-H".into(),
                format!("{}", (page.column_bottom - page.column_top) as i32),
            ];
            let o = Command::new("pdftotext")
                .args(&args)
                .arg(&path)
                .arg("-")
                .output()
                .expect("pdftotext runs");
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(o.status.success(), "{name}: pdftotext {args:?} failed: {err}");
            // A clean ToUnicode map: poppler complains of none of its
            // entries (an over-long text for one glyph is "Illegal entry in
            // bfchar block").
            assert!(!err.contains("Syntax"), "{name}: pdftotext says: {err}");
            text.push_str(&String::from_utf8_lossy(&o.stdout));
        }
    }
    Some(text)
}

/// Strips what extraction may change: hyphens, bidi marks, punctuation that
/// bidi moves to the other end of a run, and spaces.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric() || matches!(*c as u32, 0x0300..=0x036F | 0x064B..=0x065F | 0x0900..=0x097F | 0x1200..=0x137F))
        .collect()
}

#[test]
fn udhr_words_come_back_in_order_without_missing_glyphs() {
    for lang in LANGS {
        let st = handbill::statement::load(&fixture(lang)).unwrap();
        let out = build(&st, "letter-2col");
        let missing: Vec<_> =
            out.warnings.iter().filter(|w| w.to_string().contains("no font has")).collect();
        assert!(missing.is_empty(), "{lang}: {missing:?}");
        let Some(text) = pdftotext(&out, lang) else { continue };
        let hay = norm(&text);
        // Every word of the statement, in order, in the text layer.
        let mut at = 0;
        let mut lost = Vec::new();
        for w in handbill::flow::statement_words(&st) {
            let w = norm(&w);
            if w.is_empty() {
                continue;
            }
            match hay[at..].find(&w) {
                Some(k) => at += k + w.len(),
                None => lost.push(w),
            }
        }
        assert!(lost.is_empty(), "{lang}: words not found in order: {lost:?}");
    }
}

#[test]
fn udhr_hyphens_only_at_allowed_points() {
    for lang in LANGS {
        let st = handbill::statement::load(&fixture(lang)).unwrap();
        let out = build(&st, "letter-2col");
        let Some(hy) = handbill::hyphenate::lang_for(lang) else {
            let any = out.document.pages.iter().flat_map(|p| &p.lines).any(|l| l.hyphen);
            assert!(!any, "{lang} has no patterns but was hyphenated");
            continue;
        };
        for page in &out.document.pages {
            let lines = &page.lines;
            for (i, l) in lines.iter().enumerate() {
                if !l.hyphen {
                    continue;
                }
                let head = l.text.trim_end_matches('-').split(' ').next_back().unwrap_or("");
                let tail = lines
                    .iter()
                    .skip(i + 1)
                    .find(|n| n.paragraph == l.paragraph)
                    .and_then(|n| n.text.split(' ').next())
                    .unwrap_or("");
                let word = format!("{head}{tail}");
                let points = handbill::hyphenate::points(&word, hy);
                assert!(points.contains(&head.len()), "{lang}: {head}-{tail} at {points:?}");
            }
        }
    }
}

#[test]
fn unknown_script_warns_and_prints_boxes() {
    let st = handbill::statement::parse(Path::new("cjk.md"), "Workers 漢字 unite.\n").unwrap();
    let out = build(&st, "letter-2col");
    let w: Vec<String> = out.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        w.iter()
            .any(|w| w.contains("no font has 漢 (U+6F22), 字 (U+5B57)") && w.contains("cjk.md:1")),
        "{w:?}"
    );
    // The characters are laid out (as .notdef boxes) and in the text layer.
    let runs: Vec<_> = out.document.pages[0]
        .elements
        .iter()
        .filter_map(|e| match e {
            Element::Text(t) if t.text.contains('漢') => Some(t),
            _ => None,
        })
        .collect();
    assert!(!runs.is_empty());
    let notdef = runs.iter().flat_map(|r| &r.glyphs).filter(|g| g.id == 0).count();
    assert_eq!(notdef, 2);
    assert!(runs.iter().flat_map(|r| &r.glyphs).filter(|g| g.id == 0).all(|g| g.advance > 1.0));
    // The run's text (what the PDF's ActualText is made from) has them.
    assert!(runs.iter().any(|r| r.text.contains("漢字")));
    if let Some(text) = pdftotext(&out, "cjk") {
        // The boxes carry their characters into the text layer: none lost.
        let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(squeezed.contains("Workers漢字unite."), "{text}");
    }
}

#[test]
fn arabic_reads_right_to_left() {
    let st = handbill::statement::load(&fixture("ar")).unwrap();
    let spec = layout("letter-2col", &[]);
    let out = handbill::build(&st, &spec, book(), &Vars::new()).unwrap();
    let page = &out.document.pages[0];
    let body: Vec<_> = page.lines.iter().filter(|l| l.kind == LineKind::Body).collect();
    let x0 = body.iter().find(|l| l.column == 0).map(|l| l.x).unwrap();
    let x1 = body.iter().find(|l| l.column == 1).map(|l| l.x).unwrap();
    assert!(x0 > x1, "first column at {x0} should be right of the second at {x1}");
    // Every line ends at its measure's right edge (hanging punctuation aside).
    for l in &body {
        let right = page
            .elements
            .iter()
            .filter_map(|e| match e {
                Element::Text(t)
                    if (t.y - l.y).abs() < 0.01 && t.x >= l.x - 1.0 && t.x < l.x + l.width =>
                {
                    Some(t.x + t.width())
                }
                _ => None,
            })
            .fold(f32::MIN, f32::max);
        assert!(
            (right - (l.x + l.width)).abs() < 6.0,
            "line `{}` ends at {right}, measure at {}",
            l.text,
            l.x + l.width
        );
    }
}

/// poppler reads every Arabic word whole, not in pieces: the glyph that
/// carries a cluster's text spans the cluster, so no gap reads as a space.
#[test]
fn arabic_words_come_back_whole() {
    let st = handbill::statement::load(&fixture("ar")).unwrap();
    let out = build(&st, "letter-2col");
    let Some(text) = pdftotext(&out, "ar-words") else { return };
    // poppler wraps numbers in embedding marks, with the space outside.
    let got: Vec<String> = text
        .split(|c: char| c.is_whitespace() || ('\u{202a}'..='\u{202e}').contains(&c))
        .map(norm)
        .filter(|w| !w.is_empty())
        .collect();
    let mut at = 0;
    let mut lost = Vec::new();
    for w in handbill::flow::statement_words(&st) {
        let w = norm(&w);
        // Where a number goes in right-to-left text is poppler's own bidi
        // (the in-order test above covers numbers).
        if w.is_empty() || w.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        match got[at..].iter().position(|g| *g == w) {
            Some(k) => at += k + 1,
            None => lost.push(w),
        }
    }
    assert!(lost.is_empty(), "words not read whole, in order: {lost:?}");
}

/// PDF readers reverse each stretch of right-to-left characters in the
/// content stream but keep the stretches in stream order, so a right-to-left
/// line with a number in it is written from its right end: each stretch of
/// Arabic runs, then the number on its left, and so on.
#[test]
fn arabic_lines_with_numbers_are_written_from_the_right() {
    let st = handbill::statement::load(&fixture("ar")).unwrap();
    let out = build(&st, "letter-2col");
    let mut mixed = 0;
    for page in &out.document.pages {
        for l in &page.lines {
            let runs: Vec<_> = page
                .elements
                .iter()
                .filter_map(|e| match e {
                    Element::Text(t)
                        if (t.y - l.y).abs() < 0.01 && t.x >= l.x - 1.0 && t.x < l.x + l.width =>
                    {
                        Some(t)
                    }
                    _ => None,
                })
                .collect();
            // Stretches of runs of one direction, in stream order.
            let mut stretches: Vec<(bool, f32)> = Vec::new();
            for t in &runs {
                match stretches.last_mut() {
                    Some(s) if s.0 == t.rtl => s.1 = s.1.max(t.x),
                    _ => stretches.push((t.rtl, t.x)),
                }
            }
            if stretches.len() < 2 {
                continue;
            }
            mixed += 1;
            assert!(
                stretches.windows(2).all(|w| w[0].1 > w[1].1),
                "line `{}`: stretches written left to right: {stretches:?}",
                l.text
            );
        }
    }
    assert!(mixed >= 3, "the fixture has lines with numbers in them, found {mixed}");
}
