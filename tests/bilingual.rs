//! Two statements on one leaflet (`page.bilingual`): every word of each in
//! its own columns and in order, sections level across the pair, no
//! heading at a column foot, right-to-left text flush right, front and
//! back, and the command line pairing statements and naming the PDF.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use handbill::fonts::{default_dirs, FontBook};
use handbill::pages::{Document, Element, LineInfo, LineKind};
use handbill::spec::{self, LayoutSpec};
use handbill::statement::{self, Statement};
use handbill::{build_pair, typeset, typeset_pair, Vars};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const BIN: &str = env!("CARGO_BIN_EXE_handbill");
const ENGLISH: &str = "statements/2026-01-22-general-strike-against-ice.md";
const SPANISH: &str = "tests/fixtures/bilingual/general-strike-es.md";
const UDHR_EN: &str = "tests/fixtures/bilingual/udhr-en.md";
const UDHR_ES: &str = "tests/fixtures/udhr/es.md";
const UDHR_AR: &str = "tests/fixtures/udhr/ar.md";

fn book() -> &'static FontBook {
    static BOOK: OnceLock<FontBook> = OnceLock::new();
    BOOK.get_or_init(|| FontBook::load(&default_dirs()).expect("fonts load"))
}

fn load(rel: &str) -> Statement {
    statement::load(&Path::new(ROOT).join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn layout(sets: &[&str]) -> LayoutSpec {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    spec::load("letter-bilingual", &sets).expect("letter-bilingual loads")
}

fn pair(a: &str, b: &str, spec: &LayoutSpec) -> Document {
    let (doc, _) = typeset_pair(&load(a), &load(b), spec, book(), &Vars::new())
        .unwrap_or_else(|e| panic!("{a} + {b}: {e}"));
    doc
}

/// Lower-cased runs of letters and digits, as a reader sees words.
fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The body lines (not masthead or footer) of columns `cols`, page by
/// page in placement order, with the page index.
fn side_lines(doc: &Document, cols: std::ops::Range<usize>) -> Vec<(usize, &LineInfo)> {
    doc.pages
        .iter()
        .enumerate()
        .flat_map(|(pi, p)| p.lines.iter().map(move |l| (pi, l)))
        .filter(|(_, l)| !matches!(l.kind, LineKind::Masthead | LineKind::Footer))
        .filter(|(_, l)| cols.contains(&l.column))
        .collect()
}

/// The words of lines read in order, a word split by an inserted hyphen
/// joined again.
fn line_tokens(lines: &[(usize, &LineInfo)]) -> Vec<String> {
    let mut text = String::new();
    for (_, l) in lines {
        if l.hyphen {
            text.push_str(l.text.trim_end().trim_end_matches('-'));
        } else {
            text.push_str(&l.text);
            text.push(' ');
        }
    }
    tokens(&text)
}

fn assert_words_in_order(doc: &Document, cols: std::ops::Range<usize>, st: &Statement) {
    let want = tokens(&handbill::flow::statement_words(st).join(" "));
    let got = line_tokens(&side_lines(doc, cols.clone()));
    if got != want {
        let at =
            got.iter().zip(&want).position(|(a, b)| a != b).unwrap_or(got.len().min(want.len()));
        panic!(
            "{}: columns {cols:?} differ at word {at}: got {:?}, want {:?} ({} vs {} words)",
            st.path.display(),
            &got[at.saturating_sub(3)..(at + 3).min(got.len())],
            &want[at.saturating_sub(3)..(at + 3).min(want.len())],
            got.len(),
            want.len()
        );
    }
}

/// Page and baseline of the first line of each heading of a side.
fn headings(doc: &Document, cols: std::ops::Range<usize>) -> Vec<(usize, f32, String)> {
    side_lines(doc, cols)
        .into_iter()
        .filter(|(_, l)| l.kind == LineKind::Heading && l.index == 0)
        .map(|(pi, l)| (pi, l.y, l.text.clone()))
        .collect()
}

/// The first `n` headings of the two sides: same page, same baseline.
fn assert_level(doc: &Document, n: usize) {
    let a = headings(doc, 0..1);
    let b = headings(doc, 1..2);
    assert!(a.len() >= n && b.len() >= n, "headings: {a:?} / {b:?}");
    for k in 0..n {
        assert_eq!(a[k].0, b[k].0, "heading {k} on different pages: {:?} / {:?}", a[k], b[k]);
        assert!(
            (a[k].1 - b[k].1).abs() < 0.01,
            "heading {k} baselines differ: {:?} / {:?}",
            a[k],
            b[k]
        );
    }
}

/// The last line of every column is not a heading.
fn assert_no_heading_at_foot(doc: &Document) {
    for (pi, page) in doc.pages.iter().enumerate() {
        for col in 0..2 {
            let last = page
                .lines
                .iter()
                .filter(|l| {
                    l.column == col && !matches!(l.kind, LineKind::Masthead | LineKind::Footer)
                })
                .max_by(|a, b| a.y.total_cmp(&b.y));
            if let Some(l) = last {
                assert_ne!(
                    l.kind,
                    LineKind::Heading,
                    "page {}, column {col} ends on `{}`",
                    pi + 1,
                    l.text
                );
            }
        }
    }
}

/// Lines stay inside their column and above its foot.
fn assert_inside(doc: &Document, spec: &LayoutSpec) {
    let cw = spec.column_width();
    for (pi, page) in doc.pages.iter().enumerate() {
        for l in
            page.lines.iter().filter(|l| !matches!(l.kind, LineKind::Masthead | LineKind::Footer))
        {
            let left = spec.page.margin.left + l.column as f32 * (cw + spec.page.gutter);
            assert!(
                l.x >= left - 0.01 && l.x + l.width <= left + cw + 0.01,
                "page {}: {l:?}",
                pi + 1
            );
            assert!(l.y <= page.column_bottom && l.y >= page.column_top, "page {}: {l:?}", pi + 1);
        }
    }
}

#[test]
fn english_and_spanish_side_by_side() {
    let spec = layout(&[]);
    let (en, es) = (load(ENGLISH), load(SPANISH));
    let out = build_pair(&en, &es, &spec, book(), &Vars::new()).expect("builds");
    assert!(out.pdf.starts_with(b"%PDF"), "one PDF");
    let doc = &out.document;
    assert_words_in_order(doc, 0..1, &en);
    assert_words_in_order(doc, 1..2, &es);
    assert_level(doc, 1);
    assert_no_heading_at_foot(doc);
    assert_inside(doc, &spec);
    // The English opening is the longer: the Spanish section heading waits
    // for it on the next page, leaving white space under the Spanish text.
    let (a, b) = (headings(doc, 0..1), headings(doc, 1..2));
    assert_eq!((a[0].0, b[0].0), (1, 1), "{a:?} / {b:?}");
    let spanish_page2_before_heading =
        side_lines(doc, 1..2).iter().filter(|(pi, l)| *pi == 1 && l.y < b[0].1).count();
    let english_page2_before_heading =
        side_lines(doc, 0..1).iter().filter(|(pi, l)| *pi == 1 && l.y < a[0].1).count();
    assert!(spanish_page2_before_heading < english_page2_before_heading);
    // The masthead: each title over its own column, the byline under it.
    let mast: Vec<&LineInfo> =
        doc.pages[0].lines.iter().filter(|l| l.kind == LineKind::Masthead).collect();
    let mid = spec.page.width / 2.0;
    let left: String =
        mast.iter().filter(|l| l.x < mid).map(|l| l.text.as_str()).collect::<Vec<_>>().join(" ");
    let right: String =
        mast.iter().filter(|l| l.x > mid).map(|l| l.text.as_str()).collect::<Vec<_>>().join(" ");
    assert!(
        left.starts_with("For a general strike") && left.contains("Socialist Equality Party"),
        "{left}"
    );
    assert!(
        right.starts_with("¡Por una huelga general") && right.contains("Partido Socialista"),
        "{right}"
    );
    // The byline's date in the statement's language.
    assert!(left.contains("22 January 2026"), "{left}");
    assert!(right.contains("22 de enero de 2026"), "{right}");
    // The footer on every page.
    for p in &doc.pages {
        assert!(p.lines.iter().any(|l| l.kind == LineKind::Footer));
    }
}

#[test]
fn sections_stay_level_page_after_page() {
    let spec = layout(&[]);
    let doc = pair(UDHR_EN, UDHR_ES, &spec);
    assert_words_in_order(&doc, 0..1, &load(UDHR_EN));
    assert_words_in_order(&doc, 1..2, &load(UDHR_ES));
    assert_level(&doc, 4);
    assert_no_heading_at_foot(&doc);

    // Bigger type spreads the sections over several pages: still level,
    // a section running over a page carries the other side with it.
    let big = layout(&["body.size=22pt", "body.leading=27pt", "masthead.show=false"]);
    let doc = pair(UDHR_EN, UDHR_ES, &big);
    assert!(doc.pages.len() >= 3, "{} pages", doc.pages.len());
    assert_words_in_order(&doc, 0..1, &load(UDHR_EN));
    assert_words_in_order(&doc, 1..2, &load(UDHR_ES));
    assert_level(&doc, 4);
    assert_no_heading_at_foot(&doc);
    assert_inside(&doc, &big);
}

#[test]
fn unequal_sections_pair_in_order_and_the_rest_follow() {
    let spec = layout(&[]);
    // Four sections against one: the first pair level, the rest follow.
    let doc = pair(UDHR_EN, SPANISH, &spec);
    assert_words_in_order(&doc, 0..1, &load(UDHR_EN));
    assert_words_in_order(&doc, 1..2, &load(SPANISH));
    assert_level(&doc, 1);
    assert_no_heading_at_foot(&doc);
}

#[test]
fn arabic_side_is_right_aligned_in_its_column() {
    let spec = layout(&[]);
    let doc = pair(UDHR_EN, UDHR_AR, &spec);
    assert_words_in_order(&doc, 0..1, &load(UDHR_EN));
    assert_words_in_order(&doc, 1..2, &load(UDHR_AR));
    assert_level(&doc, 4);
    // Short last lines of the Arabic paragraphs sit flush right in the
    // right-hand column, ragged on the left.
    let cw = spec.column_width();
    let col_left = spec.page.margin.left + cw + spec.page.gutter;
    let col_right = col_left + cw;
    let mut checked = 0;
    for page in &doc.pages {
        for l in page.lines.iter().filter(|l| l.column == 1 && l.kind == LineKind::Body) {
            if l.index + 1 != l.count || l.natural > cw * 0.8 {
                continue;
            }
            let runs = page.elements.iter().filter_map(|e| match e {
                Element::Text(t) if (t.y - (l.y)).abs() < 0.01 && t.x >= col_left - 5.0 => Some(t),
                _ => None,
            });
            let (x0, x1) =
                runs.fold((f32::MAX, f32::MIN), |(a, b), t| (a.min(t.x), b.max(t.x + t.width())));
            assert!(
                (x1 - col_right).abs() < 3.0,
                "`{}` ends at {x1}, column at {col_right}",
                l.text
            );
            assert!(x0 > col_left + 10.0, "`{}` starts at {x0}", l.text);
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} short Arabic lines");
    // The English masthead on the left, the Arabic on the right.
    let mast: Vec<&LineInfo> =
        doc.pages[0].lines.iter().filter(|l| l.kind == LineKind::Masthead).collect();
    assert!(mast.iter().any(|l| l.x < col_left && l.text.contains("Universal")));
    assert!(mast.iter().any(|l| l.x >= col_left - 1.0 && l.text.contains("الإعلان")));
}

#[test]
fn front_and_back() {
    let spec = layout(&["page.bilingual=front-back"]);
    let (en, es) = (load(ENGLISH), load(SPANISH));
    let doc = pair(ENGLISH, SPANISH, &spec);
    let (front, _) = typeset(&en, &spec, book(), &Vars::new()).expect("front");
    let (back, _) = typeset(&es, &spec, book(), &Vars::new()).expect("back");
    assert_eq!(doc.pages.len(), front.pages.len() + back.pages.len());
    let title = |p: usize| -> String {
        doc.pages[p]
            .lines
            .iter()
            .filter(|l| l.kind == LineKind::Masthead)
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(title(0).starts_with("For a general strike"), "{}", title(0));
    assert!(
        title(front.pages.len()).starts_with("¡Por una huelga"),
        "{}",
        title(front.pages.len())
    );
}

#[test]
fn side_by_side_needs_an_even_number_of_columns() {
    let spec = layout(&["page.columns=3"]);
    let e = typeset_pair(&load(UDHR_EN), &load(UDHR_ES), &spec, book(), &Vars::new())
        .expect_err("three columns cannot be split in two");
    assert!(e.to_string().contains("needs an even number of columns"), "{e}");
    // A layout for one statement is not one for two.
    let single = spec::load("letter-2col", &[]).expect("loads");
    let e = typeset_pair(&load(UDHR_EN), &load(UDHR_ES), &single, book(), &Vars::new())
        .expect_err("not bilingual");
    assert!(e.to_string().contains("is for one statement"), "{e}");
}

fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run handbill");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap_or(-1), stderr)
}

fn copy(dir: &Path, rel: &str, name: &str) -> PathBuf {
    let to = dir.join(name);
    std::fs::copy(Path::new(ROOT).join(rel), &to).expect("copy");
    to
}

fn pdfs(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pdf"))
        .collect();
    v.sort();
    v
}

#[test]
fn cli_pairs_statements_in_the_order_given() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path();
    copy(d, ENGLISH, "strike-en.md");
    copy(d, SPANISH, "strike-es.md");
    copy(d, UDHR_EN, "udhr-en.md");
    copy(d, UDHR_AR, "udhr-ar.md");
    // Given out of alphabetical order: the pairs follow the command line.
    let (code, stderr) = run(
        d,
        &[
            "build",
            "strike-en.md",
            "strike-es.md",
            "udhr-ar.md",
            "udhr-en.md",
            "--layout",
            "letter-bilingual",
            "--layout",
            "letter-2col",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        pdfs(d),
        [
            "strike-en+strike-es-letter-bilingual.pdf",
            "strike-en-letter-2col.pdf",
            "strike-es-letter-2col.pdf",
            "udhr-ar+udhr-en-letter-bilingual.pdf",
            "udhr-ar-letter-2col.pdf",
            "udhr-en-letter-2col.pdf",
        ]
    );
    // One pair and a file name: the PDF goes there.
    let (code, stderr) = run(
        d,
        &[
            "build",
            "strike-en.md",
            "strike-es.md",
            "--layout",
            "letter-bilingual",
            "--out",
            "one.pdf",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(d.join("one.pdf").is_file());
}

#[test]
fn cli_odd_number_of_statements_is_an_error() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path();
    copy(d, ENGLISH, "a.md");
    copy(d, SPANISH, "b.md");
    copy(d, UDHR_EN, "c.md");
    let (code, stderr) = run(d, &["build", "a.md", "b.md", "c.md", "--layout", "letter-bilingual"]);
    assert_eq!(code, 2, "{stderr}");
    let line = stderr.lines().find(|l| l.starts_with("error:")).unwrap_or_default();
    assert!(line.starts_with("error: c.md: no statement to pair c.md with"), "{stderr}");
    assert!(pdfs(d).is_empty(), "{:?}", pdfs(d));
    // An odd column count in a side-by-side layout fails its jobs, plainly.
    let (code, stderr) = run(
        d,
        &["build", "a.md", "b.md", "--layout", "letter-bilingual", "--set", "page.columns=3"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("needs an even number of columns"), "{stderr}");
}

#[test]
fn campaign_pairs_its_statements_as_listed() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path();
    std::fs::create_dir(d.join("st")).expect("mkdir");
    copy(d, ENGLISH, "st/strike-en.md");
    copy(d, SPANISH, "st/strike-es.md");
    std::fs::write(
        d.join("c.toml"),
        "statements = [\"st/strike-*.md\"]\nlayouts = [\"letter-bilingual\", \"letter-2col\"]\n\
         output = \"out/{event}/{statement}-{layout}.pdf\"\n\n\
         [[event]]\nid = \"mpls\"\n\n[[event]]\nid = \"chi\"\n",
    )
    .expect("write");
    let (code, stderr) = run(d, &["batch", "c.toml"]);
    assert_eq!(code, 0, "{stderr}");
    for ev in ["mpls", "chi"] {
        assert_eq!(
            pdfs(&d.join("out").join(ev)),
            [
                "strike-en+strike-es-letter-bilingual.pdf",
                "strike-en-letter-2col.pdf",
                "strike-es-letter-2col.pdf"
            ]
        );
    }
}
