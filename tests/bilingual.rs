//! Two statements on one leaflet (`page.bilingual`): every word of each in
//! its own columns and in order, sections level across the pair, no
//! heading at a column foot, right-to-left text flush right, front and
//! back, and the command line pairing statements and naming the PDF.

mod common;

use common::{book, copy, joined_text, load, pdf_names as pdfs, run, statement_tokens, tokens};
use handbill::pages::{Document, Element, LineInfo, LineKind};
use handbill::spec::LayoutSpec;
use handbill::statement::Statement;
use handbill::{build_pair, typeset, typeset_pair, Vars};

const ENGLISH: &str = "statements/2026-01-22-general-strike-against-ice.md";
const SPANISH: &str = "tests/fixtures/bilingual/general-strike-es.md";
const UDHR_EN: &str = "tests/fixtures/bilingual/udhr-en.md";
const UDHR_ES: &str = "tests/fixtures/udhr/es.md";
const UDHR_AR: &str = "tests/fixtures/udhr/ar.md";

fn layout(sets: &[&str]) -> LayoutSpec {
    common::layout("letter-bilingual", sets)
}

fn pair(a: &str, b: &str, spec: &LayoutSpec) -> Document {
    let (doc, _) = typeset_pair(&load(a), &load(b), spec, book(), &Vars::new())
        .unwrap_or_else(|e| panic!("{a} + {b}: {e}"));
    doc
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

fn assert_words_in_order(doc: &Document, cols: std::ops::Range<usize>, st: &Statement) {
    let want = statement_tokens(st);
    let got = tokens(&joined_text(side_lines(doc, cols.clone()).into_iter().map(|(_, l)| l)));
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

/// Lines stay inside a column of their side and above its foot. (A
/// right-to-left side numbers its columns from the right.)
fn assert_inside(doc: &Document, spec: &LayoutSpec) {
    let cw = spec.column_width();
    let per_side = spec.page.columns as usize / 2;
    for (pi, page) in doc.pages.iter().enumerate() {
        for l in
            page.lines.iter().filter(|l| !matches!(l.kind, LineKind::Masthead | LineKind::Footer))
        {
            let side = l.column / per_side;
            let inside = (side * per_side..(side + 1) * per_side).any(|c| {
                let left = spec.page.margin.left + c as f32 * (cw + spec.page.gutter);
                l.x >= left - 0.01 && l.x + l.width <= left + cw + 0.01
            });
            assert!(inside, "page {}: {l:?}", pi + 1);
            assert!(l.y <= page.column_bottom && l.y >= page.column_top, "page {}: {l:?}", pi + 1);
        }
    }
}

/// The flow rules of a single-statement leaflet, on each side of a
/// side-by-side one: no column of a side ends with a heading or with the
/// first line of a paragraph alone (orphan), none starts with the last
/// line alone (widow), except where that side's text ends.
fn assert_flow_rules(doc: &Document, spec: &LayoutSpec, case: &str) {
    let per_side = (spec.page.columns / 2) as usize;
    let (widows, orphans) = (spec.body.widows as usize, spec.body.orphans as usize);
    for side in 0..2 {
        let cols = side * per_side..(side + 1) * per_side;
        let all = side_lines(doc, cols.clone());
        let Some(&(end_page, end_line)) = all.last() else { continue };
        for pi in 0..doc.pages.len() {
            let page_cols = doc.columns(pi);
            for c in cols.clone() {
                let Some(col) = page_cols.get(c) else { continue };
                let (Some(first), Some(last)) = (col.first(), col.last()) else { continue };
                let at = format!("{case}, page {} column {}", pi + 1, c + 1);
                let side_ends_here = pi == end_page && std::ptr::eq(*last, end_line);
                if !side_ends_here {
                    assert_ne!(last.kind, LineKind::Heading, "{at}: ends with a heading");
                    if last.kind == LineKind::Body && last.count > 1 {
                        assert!(
                            last.index + 1 >= orphans || last.index + 1 == last.count,
                            "{at}: orphan: {}",
                            last.text
                        );
                    }
                }
                if first.kind == LineKind::Body && first.count > 1 && first.index > 0 {
                    assert!(first.count - first.index >= widows, "{at}: widow: {}", first.text);
                    assert!(first.index >= orphans, "{at}: orphan before: {}", first.text);
                }
            }
        }
    }
}

/// Baselines of the last lines of a side's columns on the last page (the
/// columns that have text), in lines below the column top.
fn last_page_ends(doc: &Document, spec: &LayoutSpec, side: usize) -> Vec<f32> {
    let per_side = (spec.page.columns / 2) as usize;
    let last = doc.pages.len() - 1;
    let lead = spec.body.leading * doc.body_size / spec.body.size;
    let top = doc.pages[last].column_top;
    doc.columns(last)
        .iter()
        .enumerate()
        .filter(|(c, _)| c / per_side == side)
        .filter_map(|(_, col)| col.last().map(|l| (l.y - top) / lead))
        .collect()
}

fn spread(ends: &[f32]) -> f32 {
    let hi = ends.iter().copied().fold(f32::MIN, f32::max);
    let lo = ends.iter().copied().fold(f32::MAX, f32::min);
    if ends.len() < 2 {
        0.0
    } else {
        hi - lo
    }
}

/// Sizes of the body text runs in the left and right half of a page.
fn body_run_sizes(doc: &Document, page: usize) -> (Vec<f32>, Vec<f32>) {
    let p = &doc.pages[page];
    let mid = p.width / 2.0;
    let mut halves = (Vec::new(), Vec::new());
    let bodies: Vec<&LineInfo> = p.lines.iter().filter(|l| l.kind == LineKind::Body).collect();
    for e in &p.elements {
        let Element::Text(t) = e else { continue };
        if !bodies.iter().any(|l| (l.y - t.y).abs() < 0.01) {
            continue;
        }
        let half = if t.x < mid { &mut halves.0 } else { &mut halves.1 };
        if !half.iter().any(|s: &f32| (s - t.size).abs() < 0.01) {
            half.push(t.size);
        }
    }
    halves
}

#[test]
fn flow_rules_hold_on_every_pair() {
    let pairs = [(ENGLISH, SPANISH), (UDHR_EN, UDHR_ES), (UDHR_EN, UDHR_AR), (UDHR_EN, SPANISH)];
    let configs: [&[&str]; 5] = [
        &[],
        &["page.columns=4", "page.orientation=landscape"],
        &["body.size=22pt", "body.leading=27pt", "masthead.show=false"],
        &["page.columns=4", "page.orientation=landscape", "body.size=16pt", "body.leading=19pt"],
        &["footer.on=last-page", "body.size=13pt", "body.leading=16pt"],
    ];
    for (a, b) in pairs {
        for sets in configs {
            let spec = layout(sets);
            let doc = pair(a, b, &spec);
            let case = format!("{a} + {b} {sets:?}");
            assert_flow_rules(&doc, &spec, &case);
            assert_words_in_order(&doc, 0..spec.page.columns as usize / 2, &load(a));
            assert_words_in_order(
                &doc,
                spec.page.columns as usize / 2..spec.page.columns as usize,
                &load(b),
            );
            assert_inside(&doc, &spec);
        }
    }
}

#[test]
fn last_page_columns_of_a_side_end_level() {
    let four = ["page.columns=4", "page.orientation=landscape"];
    // The English runs on alone over the last page: its two columns share
    // what is left, within a line (and a paragraph gap) of each other.
    let spec = layout(&four);
    let doc = pair(ENGLISH, SPANISH, &spec);
    let en = last_page_ends(&doc, &spec, 0);
    assert_eq!(en.len(), 2, "{en:?}");
    assert!(last_page_ends(&doc, &spec, 1).is_empty());
    let gap = spec.body.paragraph_spacing / spec.body.leading;
    assert!(spread(&en) <= 1.0 + gap + 0.01, "English columns end at {en:?} lines");
    assert_flow_rules(&doc, &spec, "4 columns");

    // Four short sections a side on one page: they spread over both
    // columns of each side rather than fill the first and leave the second
    // short; the sections stay level.
    let doc = pair(UDHR_EN, UDHR_ES, &spec);
    assert_eq!(doc.pages.len(), 1);
    let p = &doc.pages[0];
    let height = (p.column_bottom - p.column_top) / spec.body.leading;
    for side in 0..2 {
        let ends = last_page_ends(&doc, &spec, side);
        assert_eq!(ends.len(), 2, "side {side}: {ends:?}");
        assert!(spread(&ends) < height / 4.0, "side {side}: columns end at {ends:?} of {height}");
    }
    let a: Vec<_> = headings(&doc, 0..2).into_iter().map(|h| (h.0, h.1)).collect();
    let b: Vec<_> = headings(&doc, 2..4).into_iter().map(|h| (h.0, h.1)).collect();
    assert_eq!(a.len(), 4);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.0, y.0);
        assert!((x.1 - y.1).abs() < 0.01, "headings not level: {a:?} / {b:?}");
    }
    // Without balancing the first columns are filled.
    let unbalanced = layout(&[four[0], four[1], "page.balance=false"]);
    let doc = pair(UDHR_EN, UDHR_ES, &unbalanced);
    let ends = last_page_ends(&doc, &unbalanced, 0);
    assert!(spread(&ends) >= height / 4.0, "{ends:?}");
}

#[test]
fn fit_pages_sizes_the_pair_as_one() {
    // A footer of the layout's own: the UDHR has no contact.
    let spec = layout(&["fit.pages=1", "footer.text=wsws.org/contact"]);
    let (doc, warnings) =
        typeset_pair(&load(UDHR_EN), &load(UDHR_ES), &spec, book(), &Vars::new()).expect("fits");
    assert_eq!(doc.pages.len(), 1);
    let size = doc.body_size;
    assert!(size > spec.body.size && size <= spec.fit.max_size, "{size}");
    assert!(warnings.is_empty(), "{warnings:?}");
    // Both sides at that size.
    let (left, right) = body_run_sizes(&doc, 0);
    assert_eq!(left, [size], "{left:?}");
    assert_eq!(right, [size], "{right:?}");
    // The last page is full on the longer side, and one step larger
    // needs another page.
    assert!(handbill::fit::fill(&doc) > 0.85, "{}", handbill::fit::fill(&doc));
    if size + 0.05 <= spec.fit.max_size {
        let mut bigger = spec.scaled_to(size + 0.05);
        bigger.fit.pages = 0;
        // As set, not pulled back onto one page again.
        bigger.fit.pull_back = false;
        let more = pair(UDHR_EN, UDHR_ES, &bigger);
        assert!(more.pages.len() > 1, "{size} was not the largest size");
    }
    assert_flow_rules(&doc, &spec, "fitted");
    assert_level(&doc, 4);
    assert_words_in_order(&doc, 0..1, &load(UDHR_EN));
    assert_words_in_order(&doc, 1..2, &load(UDHR_ES));

    // Four columns, fitted: sections level, rules hold.
    let spec = layout(&["fit.pages=1", "page.columns=4", "page.orientation=landscape"]);
    let doc = pair(UDHR_EN, UDHR_ES, &spec);
    assert_eq!(doc.pages.len(), 1);
    assert!(doc.body_size > spec.body.size, "{}", doc.body_size);
    assert_flow_rules(&doc, &spec, "fitted, four columns");

    // A long statement on three pages.
    let spec = layout(&["fit.pages=3"]);
    let doc = pair(ENGLISH, SPANISH, &spec);
    assert_eq!(doc.pages.len(), 3);
    assert!(doc.body_size >= spec.fit.min_size && doc.body_size < spec.body.size);
    assert_flow_rules(&doc, &spec, "fitted to 3 pages");
    assert_words_in_order(&doc, 0..1, &load(ENGLISH));
}

#[test]
fn a_pair_that_cannot_fit_says_whose_text_overflows() {
    let spec = layout(&["fit.pages=2"]);
    let e = typeset_pair(&load(ENGLISH), &load(SPANISH), &spec, book(), &Vars::new())
        .expect_err("too long for two pages");
    let msg = e.to_string();
    assert!(msg.contains("do not fit on 2 pages even at `fit.min-size` (8pt)"), "{msg}");
    // Only the English runs over: the Spanish is a part of it.
    assert!(msg.contains("of `2026-01-22-general-strike-against-ice`"), "{msg}");
    assert!(!msg.contains("general-strike-es"), "{msg}");
    assert!(msg.contains("would need page 3"), "{msg}");

    let spec = layout(&["fit.pages=1", "page.bilingual=front-back"]);
    let e = typeset_pair(&load(ENGLISH), &load(SPANISH), &spec, book(), &Vars::new())
        .expect_err("too long for one page a side");
    let msg = e.to_string();
    assert!(msg.contains("front and back, 1 page for each statement are too few"), "{msg}");
    assert!(msg.contains("would need page 2 of its side"), "{msg}");
}

#[test]
fn front_and_back_fitted_share_one_size() {
    // A large enough `max-size` that the text decides the size.
    let spec = layout(&["fit.pages=1", "page.bilingual=front-back", "fit.max-size=20pt"]);
    let (en, ar) = (load(UDHR_EN), load(UDHR_AR));
    let doc = pair(UDHR_EN, UDHR_AR, &spec);
    assert_eq!(doc.pages.len(), 2, "one page a side");
    let size = doc.body_size;
    for p in 0..2 {
        let (left, right) = body_run_sizes(&doc, p);
        for s in left.iter().chain(&right) {
            assert!((s - size).abs() < 0.01, "page {}: {left:?} {right:?} at {size}", p + 1);
        }
    }
    assert!(size > spec.body.size && size < spec.fit.max_size, "{size}");
    // A little larger (past the steps fitting may go down to balance the
    // columns), one of the two needs a second page.
    let mut bigger = spec.scaled_to(size + 0.25);
    bigger.fit.pages = 0;
    // The plain flow: a short second page stays.
    bigger.fit.pull_back = false;
    let pages = |st: &Statement| typeset(st, &bigger, book(), &Vars::new()).expect("lays out").0;
    assert!(
        pages(&en).pages.len() > 1 || pages(&ar).pages.len() > 1,
        "{size} was not the largest size"
    );
    // The titles: the English on the front, the Arabic on the back.
    let masthead = |p: usize| {
        doc.pages[p]
            .lines
            .iter()
            .filter(|l| l.kind == LineKind::Masthead)
            .map(|l| l.text.clone())
            .collect::<String>()
    };
    assert!(masthead(0).contains("Universal"), "{}", masthead(0));
    assert!(masthead(1).contains("الإعلان"), "{}", masthead(1));
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
    // The byline's date in the statement's language, never broken.
    assert!(left.contains("22\u{a0}January\u{a0}2026"), "{left}");
    assert!(right.contains("22\u{a0}de\u{a0}enero\u{a0}de\u{a0}2026"), "{right}");
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
    let single = common::layout("letter-2col", &[]);
    let e = typeset_pair(&load(UDHR_EN), &load(UDHR_ES), &single, book(), &Vars::new())
        .expect_err("not bilingual");
    assert!(e.to_string().contains("is for one statement"), "{e}");
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
    let r = run(
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
    assert_eq!(r.code, 0, "{}", r.stderr);
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
    let r = run(
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
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(d.join("one.pdf").is_file());
}

#[test]
fn cli_odd_number_of_statements_is_an_error() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path();
    copy(d, ENGLISH, "a.md");
    copy(d, SPANISH, "b.md");
    copy(d, UDHR_EN, "c.md");
    let r = run(d, &["build", "a.md", "b.md", "c.md", "--layout", "letter-bilingual"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let line = r.stderr.lines().find(|l| l.starts_with("error:")).unwrap_or_default();
    assert!(line.starts_with("error: c.md: no statement to pair c.md with"), "{}", r.stderr);
    assert!(pdfs(d).is_empty(), "{:?}", pdfs(d));
    // An odd column count in a side-by-side layout fails its jobs, plainly.
    let r = run(
        d,
        &["build", "a.md", "b.md", "--layout", "letter-bilingual", "--set", "page.columns=3"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("needs an even number of columns"), "{}", r.stderr);
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
    let r = run(d, &["batch", "c.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
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

#[test]
fn cli_fits_a_pair_or_says_why_not() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path();
    copy(d, ENGLISH, "en.md");
    copy(d, SPANISH, "es.md");
    let build = |pages: &str| {
        run(d, &["build", "en.md", "es.md", "--layout", "letter-bilingual", "--set", pages])
    };
    let r = build("fit.pages=1");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("do not fit on 1 page even at `fit.min-size`"), "{}", r.stderr);
    assert!(r.stderr.contains("more lines of `en`"), "{}", r.stderr);
    assert!(pdfs(d).is_empty(), "{:?}", pdfs(d));
    let r = build("fit.pages=3");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("letter-bilingual.pdf (3 pages)"), "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    assert_eq!(pdfs(d), ["en+es-letter-bilingual.pdf"]);
}
