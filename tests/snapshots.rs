//! The laid-out document as text, compared with `tests/snapshots/`: a
//! change to line breaking, hyphenation or page flow shows up as a
//! readable diff of lines, not as a changed md5.
//!
//! One row per set line: page, column, kind, paragraph.line, adjustment
//! ratio, hyphen flag, the line's text. When a layout change is intended,
//! `HANDBILL_ACCEPT=1 cargo test --test snapshots` rewrites the files; the
//! diff is then reviewed and committed with the change.
//!
//! Also here: the checks of the test helpers themselves.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::{book, layout, load, statements};
use handbill::pages::{Document, LineKind};
use handbill::{typeset, typeset_pair, Vars};

const ENGLISH: &str = "statements/2026-01-22-general-strike-against-ice.md";
const SPANISH: &str = "tests/fixtures/bilingual/general-strike-es.md";
const ARABIC: &str = "tests/fixtures/udhr/ar.md";

/// One statement with layouts other than letter-2col.
const OTHER_LAYOUTS: [&str; 4] = ["half-letter-2up", "a6-4up", "tabloid-3col", "letter-1sheet"];

/// The document as text, one row per line.
fn document_text(title: &str, doc: &Document) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# {title}: {} page{}, body {:.2}pt",
        doc.pages.len(),
        if doc.pages.len() == 1 { "" } else { "s" },
        doc.body_size
    );
    let _ = writeln!(s, "# page column kind paragraph.line ratio hyphen | text");
    for (pi, page) in doc.pages.iter().enumerate() {
        for l in &page.lines {
            let kind = match l.kind {
                LineKind::Body => "body",
                LineKind::Heading => "head",
                LineKind::Masthead => "mast",
                LineKind::Footer => "foot",
                LineKind::Other => "othr",
            };
            // Two decimals; -0.00 and +0.00 are the same ratio.
            let mut ratio = format!("{:+.2}", l.ratio);
            if ratio == "-0.00" {
                ratio = "+0.00".into();
            }
            let _ = writeln!(
                s,
                "{:>2} {} {kind} {:>4}.{:<2} {ratio:>6} {} | {}",
                pi + 1,
                l.column,
                l.paragraph,
                l.index,
                if l.hyphen { "h" } else { "." },
                l.text
            );
        }
    }
    s
}

fn snapshot_dir() -> PathBuf {
    common::root("tests/snapshots")
}

fn accepting() -> bool {
    let on = std::env::var("HANDBILL_ACCEPT").is_ok_and(|v| !v.is_empty() && v != "0");
    // Accepting under CI would make every snapshot test pass.
    assert!(!(on && common::under_ci()), "HANDBILL_ACCEPT is set under CI: unset it");
    on
}

/// Compares `actual` with `tests/snapshots/{name}.txt`, or writes it there
/// when accepting. Returns the problem, if any, so one test can report
/// every changed snapshot at once.
fn check(name: &str, actual: &str) -> Option<String> {
    let file = snapshot_dir().join(format!("{name}.txt"));
    if accepting() {
        std::fs::create_dir_all(snapshot_dir()).expect("mkdir tests/snapshots");
        std::fs::write(&file, actual).expect("write snapshot");
        eprintln!("accepted {}", file.display());
        return None;
    }
    let shown = format!("tests/snapshots/{name}.txt");
    let run = "`HANDBILL_ACCEPT=1 cargo test --test snapshots`";
    let Ok(expected) = std::fs::read_to_string(&file) else {
        return Some(format!("{shown}: no snapshot yet; run {run} to write it, and commit it"));
    };
    // A checkout that turned line ends into CRLF changes no layout.
    let expected = expected.replace('\r', "");
    if expected == actual {
        return None;
    }
    let new = Path::new(env!("CARGO_TARGET_TMPDIR")).join("snapshots").join(format!("{name}.txt"));
    let _ = std::fs::create_dir_all(new.parent().expect("a folder"));
    let _ = std::fs::write(&new, actual);
    Some(format!(
        "{shown} differs from the laid-out document:\n{}\nthe new version is in {} \
         (diff -u the two); if the change is intended, run {run}, review the diff and \
         commit the files",
        diff(&expected, actual),
        new.display()
    ))
}

/// The changed lines, as `-` (snapshot) and `+` (now) rows with their
/// line numbers, from a longest common subsequence of the two (a few
/// hundred lines each); the first 24 are shown.
fn diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    // lcs[i][j]: length of a longest common subsequence of e[i..] and a[j..].
    let mut lcs = vec![vec![0u32; a.len() + 1]; e.len() + 1];
    for i in (0..e.len()).rev() {
        for j in (0..a.len()).rev() {
            lcs[i][j] =
                if e[i] == a[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let mut rows = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < e.len() || j < a.len() {
        if i < e.len() && j < a.len() && e[i] == a[j] {
            (i, j) = (i + 1, j + 1);
        } else if i < e.len() && (j == a.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            rows.push(format!("  - {:>4}: {}", i + 1, e[i]));
            i += 1;
        } else {
            rows.push(format!("  + {:>4}: {}", j + 1, a[j]));
            j += 1;
        }
    }
    let n = rows.len();
    let mut out: Vec<String> = rows.into_iter().take(24).collect();
    if n > 24 {
        out.push(format!("  … {} more changed lines", n - 24));
    }
    out.join("\n")
}

/// Lays out one statement and checks it against `{label}--{id}.txt`.
fn single(path: &Path, label: &str, id: &str) -> Option<String> {
    let st = load(path);
    let spec = layout(id, &[]);
    let (doc, _) =
        typeset(&st, &spec, book(), &Vars::new()).unwrap_or_else(|e| panic!("{label} × {id}: {e}"));
    check(&format!("{label}--{id}"), &document_text(&format!("{label} × {id}"), &doc))
}

fn stem(path: &Path) -> String {
    path.file_stem().expect("a file name").to_string_lossy().into_owned()
}

fn assert_all(results: Vec<Option<String>>) {
    let problems: Vec<String> = results.into_iter().flatten().collect();
    assert!(problems.is_empty(), "layout changed:\n\n{}", problems.join("\n\n"));
}

/// Every snapshot name the tests below check.
fn names() -> Vec<String> {
    let mut v: Vec<String> =
        statements().iter().map(|p| format!("{}--letter-2col", stem(p))).collect();
    v.extend(OTHER_LAYOUTS.iter().map(|id| format!("{}--{id}", stem(Path::new(ENGLISH)))));
    v.push("udhr-ar--letter-2col".into());
    v.push(format!("{}+{}--letter-bilingual", stem(Path::new(ENGLISH)), stem(Path::new(SPANISH))));
    v
}

#[test]
fn every_statement_with_letter_2col() {
    assert_all(statements().iter().map(|p| single(p, &stem(p), "letter-2col")).collect());
}

#[test]
fn one_statement_with_other_layouts() {
    assert_all(
        OTHER_LAYOUTS
            .iter()
            .map(|id| single(Path::new(ENGLISH), &stem(Path::new(ENGLISH)), id))
            .collect(),
    );
}

#[test]
fn right_to_left_and_a_bilingual_pair() {
    let rtl = single(Path::new(ARABIC), "udhr-ar", "letter-2col");
    let (en, es) = (load(ENGLISH), load(SPANISH));
    let spec = layout("letter-bilingual", &[]);
    let (doc, _) = typeset_pair(&en, &es, &spec, book(), &Vars::new()).expect("pair lays out");
    let title = format!("{} + {} × letter-bilingual", en.name, es.name);
    let pair =
        check(&format!("{}+{}--letter-bilingual", en.name, es.name), &document_text(&title, &doc));
    assert_all(vec![rtl, pair]);
}

/// No snapshot is left behind by a case that was renamed or removed.
#[test]
fn snapshot_folder_holds_exactly_the_cases() {
    let mut want: Vec<String> = names().into_iter().map(|n| format!("{n}.txt")).collect();
    want.sort();
    let mut have: Vec<String> = std::fs::read_dir(snapshot_dir())
        .expect("tests/snapshots")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    have.sort();
    if accepting() {
        // The other tests are writing theirs meanwhile: only remove the
        // files no case writes.
        for stale in have.iter().filter(|f| !want.contains(f)) {
            std::fs::remove_file(snapshot_dir().join(stale)).expect("remove a stale snapshot");
            eprintln!("removed tests/snapshots/{stale}: no case writes it");
        }
        return;
    }
    assert_eq!(have, want, "files in tests/snapshots vs cases of tests/snapshots.rs");
}

#[test]
fn the_snapshot_format_shows_what_it_promises() {
    let st = load(&statements()[1]);
    let (doc, _) =
        typeset(&st, &layout("letter-2col", &[]), book(), &Vars::new()).expect("lays out");
    let text = document_text("t", &doc);
    let rows: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    // A row per line, and the hyphenated ones marked.
    assert_eq!(rows.len(), doc.pages.iter().map(|p| p.lines.len()).sum::<usize>());
    let hyphens = doc.pages.iter().flat_map(|p| &p.lines).filter(|l| l.hyphen).count();
    assert!(hyphens > 0);
    assert_eq!(rows.iter().filter(|r| r.contains(" h | ")).count(), hyphens);
    assert!(rows.iter().any(|r| r.starts_with(&format!("{:>2} 1 body", doc.pages.len()))));
}

#[test]
fn a_changed_line_is_shown_by_number() {
    let d = diff("a\nb\nc\nd\n", "a\nB\nc\nd\ne\n");
    assert_eq!(d, "  -    2: b\n  +    2: B\n  +    5: e", "{d}");
    // A removed line is one row, not a shift of every line after it.
    assert_eq!(diff("a\nb\nc\n", "a\nc\n"), "  -    2: b");
}

// ---- the test helpers ------------------------------------------------------

#[test]
#[should_panic(expected = "is not installed: install")]
fn a_missing_tool_fails_under_ci() {
    common::tool_check("handbill-no-such-tool", true);
}

#[test]
fn a_missing_tool_is_skipped_off_ci() {
    assert!(!common::tool_check("handbill-no-such-tool", false));
    assert!(common::tool_check(common::BIN, true));
}
