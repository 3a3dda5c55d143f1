//! Random statements with random valid layouts: no panic, no lost word,
//! nothing outside the page. `PROPTEST_CASES` sets the number of cases
//! (default 64, a few seconds in CI).
//!
//! Also: the PNG preview agrees with the PDF as drawn by `pdftoppm`.

mod common;

use std::cell::Cell;
use std::path::Path;

use common::{book, read_pgm, require_tool};
use handbill::pages::{Document, Element, LineKind};
use handbill::spec::LayoutSpec;
use handbill::{spec, statement, Vars};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;

// ---- a grammar of Markdown ----------------------------------------------

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[a-z]{1,9}",
        2 => "[A-Z][a-z]{2,8}[,.;:!?]?",
        1 => "[a-z]{12,30}",
        1 => "https://[a-z]{3,10}\\.org/[a-z]{2,12}",
        1 => prop::sample::select(vec![
            "солидарность", "Εργάτες", "ενωθείτε", "Arbeiter", "grève", "huelga", "strajk",
            "1,200", "$15", "co-workers", "“quoted”", "it’s", "—", "50%",
        ])
        .prop_map(str::to_string),
    ]
}

fn words(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..max).prop_map(|w| w.join(" "))
}

/// Inline text with emphasis, strong, code and links around some words.
fn inline() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            6 => words(12),
            1 => words(4).prop_map(|w| format!("*{w}*")),
            1 => words(4).prop_map(|w| format!("**{w}**")),
            1 => "[a-z]{2,10}".prop_map(|w| format!("`{w}`")),
            1 => (words(4), "[a-z]{3,8}").prop_map(|(w, d)| format!("[{w}](https://{d}.org)")),
        ],
        1..6,
    )
    .prop_map(|parts| parts.join(" "))
}

fn list(depth: u32) -> BoxedStrategy<String> {
    let item = inline();
    if depth == 0 {
        return prop::collection::vec(item, 1..5)
            .prop_map(|items| items.iter().map(|i| format!("- {i}\n")).collect())
            .boxed();
    }
    (prop::collection::vec(item, 1..4), list(depth - 1), any::<bool>())
        .prop_map(|(items, sub, numbered)| {
            let mut s = String::new();
            for (n, i) in items.iter().enumerate() {
                let marker = if numbered { format!("{}.", n + 1) } else { "-".into() };
                let pad = " ".repeat(marker.len() + 1);
                s.push_str(&format!("{marker} {i}\n"));
                if n == 0 {
                    for l in sub.lines() {
                        s.push_str(&format!("{pad}{l}\n"));
                    }
                }
            }
            s
        })
        .boxed()
}

fn table() -> impl Strategy<Value = String> {
    (1usize..5, 1usize..4).prop_flat_map(|(cols, rows)| {
        prop::collection::vec(words(4), cols * (rows + 1)).prop_map(move |cells| {
            let row = |r: usize| {
                let cs: Vec<&str> =
                    cells[r * cols..(r + 1) * cols].iter().map(String::as_str).collect();
                format!("| {} |\n", cs.join(" | "))
            };
            let mut s = row(0);
            s.push_str(&format!("|{}\n", "---|".repeat(cols)));
            for r in 1..=rows {
                s.push_str(&row(r));
            }
            s
        })
    })
}

fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => inline(),
        2 => (2usize..4, words(6)).prop_map(|(l, w)| format!("{} {w}", "#".repeat(l))),
        2 => list(2),
        1 => inline().prop_map(|t| format!("> {t}")),
        1 => words(8).prop_map(|t| format!("```\n{t}\n```")),
        1 => table(),
        1 => Just("---".to_string()),
    ]
}

fn markdown() -> impl Strategy<Value = String> {
    prop::collection::vec(block(), 1..14).prop_map(|bs| bs.join("\n\n") + "\n")
}

// ---- random valid layouts, as --set overrides ------------------------------

fn overrides() -> impl Strategy<Value = Vec<String>> {
    (
        prop::sample::select(vec!["letter", "a4", "legal", "tabloid", "a5", "half-letter"]),
        1u32..4,
        8u32..13,
        18u32..55,
        8u32..25,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(size, cols, body, margin, gutter, justify, hyphenate)| {
            // Narrow pages get fewer columns, so every column holds ~12 em or more.
            let cols = match size {
                "a5" | "half-letter" => cols.min(2),
                _ => cols,
            };
            vec![
                format!("page.size={size}"),
                format!("page.columns={cols}"),
                format!("page.margin={margin}pt"),
                format!("page.gutter={gutter}pt"),
                format!("body.size={body}pt"),
                format!("body.leading={}pt", body as f32 * 1.25),
                format!("body.align={}", if justify { "justify" } else { "left" }),
                format!("body.hyphenate={hyphenate}"),
            ]
        })
}

// ---- the properties -----------------------------------------------------

/// Characters a layout may add between words: list markers, numbers, and
/// hyphens it inserted when breaking.
fn may_be_added(c: char) -> bool {
    matches!(c, '•' | '◦' | '▪' | '‣' | '–' | '-' | '‐' | '\u{ad}' | '.' | ')')
        || c.is_ascii_digit()
}

/// Checks that every non-space character of the statement appears in the
/// laid-out lines, in order, with nothing but list markers and hyphens in
/// between.
fn check_words(st: &statement::Statement, doc: &Document) -> Result<(), String> {
    let want: Vec<char> = handbill::flow::statement_words(st).concat().chars().collect();
    let mut got = Vec::new();
    for p in &doc.pages {
        for l in &p.lines {
            if matches!(l.kind, LineKind::Body | LineKind::Heading | LineKind::Other) {
                got.extend(l.text.chars().filter(|c| !c.is_whitespace()));
            }
        }
    }
    let mut i = 0;
    for (j, &c) in got.iter().enumerate() {
        if i < want.len() && c == want[i] {
            i += 1;
        } else if !may_be_added(c) {
            let ctx = |v: &[char], k: usize| {
                v[k.saturating_sub(20)..(k + 20).min(v.len())].iter().collect::<String>()
            };
            return Err(format!(
                "laid out `{c}` where the statement has `{}`\n  statement: …{}…\n  pages:     …{}…",
                want.get(i).copied().unwrap_or(' '),
                ctx(&want, i),
                ctx(&got, j)
            ));
        }
    }
    if i < want.len() {
        let lost: String = want[i..].iter().take(40).collect();
        return Err(format!("lost text from `{lost}` on ({} of {} characters set)", i, want.len()));
    }
    Ok(())
}

/// Checks that every glyph box is on the page and every line within its
/// measure (plus hanging punctuation).
fn check_bounds(sp: &LayoutSpec, doc: &Document, measures: bool) -> Result<(), String> {
    let eps = 0.5;
    for (n, p) in doc.pages.iter().enumerate() {
        for el in &p.elements {
            let Element::Text(run) = el else { continue };
            let face = book().face(run.face);
            let mut pen = run.x;
            for g in &run.glyphs {
                let x0 = pen + g.dx;
                let x1 = x0 + g.advance;
                let top = run.y - g.dy - face.ascender * run.size;
                let bottom = run.y - g.dy + face.descender * run.size;
                if x0 < -eps || x1 > p.width + eps || top < -eps || bottom > p.height + eps {
                    return Err(format!(
                        "page {}: glyph of `{}` at x {x0:.1}..{x1:.1}, y {top:.1}..{bottom:.1} is off the {:.0}×{:.0} page",
                        n + 1,
                        run.text,
                        p.width,
                        p.height
                    ));
                }
                pen += g.advance;
            }
        }
        let m = &sp.page.margin;
        for l in p.lines.iter().filter(|_| measures) {
            let size = match l.kind {
                LineKind::Heading => sp.headings.sizes.iter().copied().fold(sp.body.size, f32::max),
                LineKind::Masthead => continue,
                _ => sp.body.size,
            };
            let hang = 0.6 * size + eps;
            let right = l.x + l.natural;
            if l.x < m.left - hang || right > p.width - m.right + hang {
                return Err(format!(
                    "page {}: line `{}` spans x {:.1}..{right:.1}, margins are {:.1}..{:.1}",
                    n + 1,
                    l.text,
                    l.x,
                    m.left,
                    p.width - m.right
                ));
            }
            if l.kind != LineKind::Footer && (l.y < m.top - eps || l.y > p.height - m.bottom + eps)
            {
                return Err(format!(
                    "page {}: line `{}` has its baseline at y {:.1}, outside the margins",
                    n + 1,
                    l.text,
                    l.y
                ));
            }
        }
    }
    Ok(())
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64);
    // A fixed seed keeps the suite deterministic (the same cases on every
    // run and in CI); `PROPTEST_SEED=N` explores other cases.
    let seed =
        std::env::var("PROPTEST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20_261_121);
    ProptestConfig {
        cases,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(seed),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_statements_lay_out_fully_on_the_page(md in markdown(), sets in overrides()) {
        let st = statement::parse(Path::new("random.md"), &md).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let sp = match spec::load("letter-2col", &sets) {
            Ok(sp) => sp,
            // A combination the layout rules refuse is fine: it said so.
            Err(e) => return Err(TestCaseError::reject(e.to_string())),
        };
        let (doc, _) = handbill::typeset(&st, &sp, book(), &Vars::new())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{sets:?}")))?;
        check_words(&st, &doc).map_err(|e| TestCaseError::fail(format!("{e}\n{sets:?}")))?;
        check_bounds(&sp, &doc, false).map_err(|e| TestCaseError::fail(format!("{e}\n{sets:?}")))?;
    }

    #[test]
    fn random_statements_stay_within_the_measure(md in markdown(), sets in overrides()) {
        let st = statement::parse(Path::new("random.md"), &md).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let sp = match spec::load("letter-2col", &sets) {
            Ok(sp) => sp,
            Err(e) => return Err(TestCaseError::reject(e.to_string())),
        };
        let (doc, _) = handbill::typeset(&st, &sp, book(), &Vars::new())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{sets:?}")))?;
        check_bounds(&sp, &doc, true).map_err(|e| TestCaseError::fail(format!("{e}\n{sets:?}")))?;
    }

    #[test]
    fn random_layout_text_never_panics(layout in ".{0,200}") {
        // Almost never a valid layout: this is about the errors.
        let _ = spec::load_str("random", &layout, &[]);
    }
}

/// A shipped layout with random `--set` overrides, each within the range
/// the layout rules accept on every shipped page size, so that nearly
/// every case reaches typesetting.
fn shipped_with_overrides() -> impl Strategy<Value = (String, Vec<String>)> {
    let ids: Vec<String> = spec::shipped().iter().map(|(id, _)| id.to_string()).collect();
    (
        prop::sample::select(ids),
        prop::option::of(1u32..4),
        prop::option::of(7u32..13),
        prop::option::of(prop::sample::select(vec!["justify", "left"])),
        prop::option::of(any::<bool>()),
        prop::option::of(0u32..3),
        prop::option::of(any::<bool>()),
        prop::option::of(prop::sample::select(vec!["every-page", "last-page"])),
    )
        .prop_map(|(id, cols, size, align, hyphenate, pages, grid, footer)| {
            let mut sets = Vec::new();
            // A folded sheet's panels take two columns at most; it is one
            // sheet (`fit.pages` 0 or 1), and a booklet has a multiple of
            // four pages.
            let panels = id.starts_with("trifold") || id.starts_with("zfold");
            let booklet = id.starts_with("booklet");
            let cols = if panels { cols.map(|c| c.min(2)) } else { cols };
            let pages = match pages {
                Some(p) if panels => Some(p.min(1)),
                Some(p) if booklet => Some(4 * p),
                p => p,
            };
            if let Some(c) = cols {
                sets.push(format!("page.columns={c}"));
            }
            if let Some(s) = size {
                sets.push(format!("body.size={s}pt"));
                sets.push(format!("body.leading={}pt", s as f32 * 1.25));
            }
            if let Some(a) = align {
                sets.push(format!("body.align={a}"));
            }
            if let Some(h) = hyphenate {
                sets.push(format!("body.hyphenate={h}"));
            }
            if let Some(p) = pages {
                sets.push(format!("fit.pages={p}"));
            }
            if let Some(g) = grid {
                sets.push(format!("body.grid={g}"));
            }
            if let Some(f) = footer {
                sets.push(format!("footer.on={f}"));
            }
            (id, sets)
        })
}

/// Random bytes as a statement, laid out with a shipped layout and random
/// valid overrides: no panic, whatever the text. Errors are fine (a text
/// too long for `fit.pages` says so); most cases must get as far as
/// typesetting, or the test would only exercise the parsers.
#[test]
fn random_bytes_never_panic() {
    let config = config();
    let cases = config.cases;
    let mut runner = TestRunner::new(config);
    let (tried, typeset) = (Cell::new(0u32), Cell::new(0u32));
    let strategy = (prop::collection::vec(any::<u8>(), 0..600), shipped_with_overrides());
    runner
        .run(&strategy, |(bytes, (id, sets))| {
            tried.set(tried.get() + 1);
            let text = String::from_utf8_lossy(&bytes);
            let Ok(st) = statement::parse(Path::new("random.md"), &text) else { return Ok(()) };
            let sp = spec::load(&id, &sets)
                .map_err(|e| TestCaseError::fail(format!("{id} {sets:?} was meant valid: {e}")))?;
            typeset.set(typeset.get() + 1);
            let _ = handbill::typeset(&st, &sp, book(), &Vars::new());
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let (tried, typeset) = (tried.get(), typeset.get());
    eprintln!("random bytes: {typeset} of {tried} cases reached typesetting");
    assert_eq!(tried, cases, "every case runs once when none fails");
    assert!(typeset * 10 >= tried * 9, "only {typeset} of {tried} cases reached typesetting");
}

// ---- preview against the PDF -------------------------------------------

#[test]
fn preview_matches_pdftoppm() {
    let dir = tempfile::tempdir().expect("temp");
    let text = "+++\ntitle = \"Stop the cuts\"\n+++\n\n".to_string()
        + &"Workers of the world, unite! You have nothing to lose but your chains. ".repeat(30)
        + "\n\n## What we demand\n\n"
        + &"Full funding for transit, paid for by taxing the banks. ".repeat(30)
        + "\n";
    let st = statement::parse(Path::new("s.md"), &text).expect("parse");
    let sp = spec::load("letter-2col", &[]).expect("layout");
    let out = handbill::build(&st, &sp, book(), &Vars::new()).expect("build");
    let pdf = dir.path().join("s.pdf");
    std::fs::write(&pdf, &out.pdf).expect("write pdf");
    if !require_tool("pdftoppm") {
        return;
    }
    let status = std::process::Command::new("pdftoppm")
        .args(["-r", "100", "-gray", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(dir.path().join("ref"))
        .status()
        .expect("pdftoppm runs");
    assert!(status.success(), "pdftoppm failed");
    let pgm = std::fs::read(dir.path().join("ref.pgm")).expect("pgm");
    let (rw, rh, reference) = read_pgm(&pgm).expect("parse pgm");
    let img = handbill::preview::render_page(&out.document, 0, book(), 100.0).expect("preview");
    let (w, h) = (rw.min(img.width as usize), rh.min(img.height as usize));
    assert!(
        w + 2 >= rw && h + 2 >= rh,
        "sizes differ: pdftoppm {rw}×{rh}, preview {}×{}",
        img.width,
        img.height
    );
    let (mut sum, mut close) = (0u64, 0usize);
    for y in 0..h {
        for x in 0..w {
            let d = (i32::from(reference[y * rw + x])
                - i32::from(img.pixels[y * img.width as usize + x]))
            .unsigned_abs();
            sum += u64::from(d);
            close += usize::from(d <= 64);
        }
    }
    let mean = sum as f64 / (w * h) as f64;
    let share = close as f64 / (w * h) as f64;
    eprintln!(
        "preview vs pdftoppm: mean difference {mean:.2}/255, {:.2} % within 64 levels",
        share * 100.0
    );
    assert!(mean < 8.0, "mean difference {mean:.2}");
    assert!(share > 0.97, "only {:.2} % of pixels within 64 levels", share * 100.0);
}

// ---- cases found by the properties above ------------------------------------

/// Lays out `md` with `sets` on letter-2col and runs both checks.
fn lay_out_and_check(md: &str, sets: &[&str]) -> Result<(), String> {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let st = statement::parse(Path::new("case.md"), md).map_err(|e| e.to_string())?;
    let sp = spec::load("letter-2col", &sets).map_err(|e| e.to_string())?;
    let (doc, _) = handbill::typeset(&st, &sp, book(), &Vars::new()).map_err(|e| e.to_string())?;
    check_words(&st, &doc)?;
    check_bounds(&sp, &doc, true)
}

#[test]
fn overfull_ragged_line() {
    let md = "a\n\naaaaaaaawhvk\n\n*ufrtczbd ddnc* [vyfbmf xnvvi](https://redsex.org) \
              iddvkxtphkcbqqhqxfaoyqbv mfdjxfu https://umt.org/wigawtyqvayv wcpyhyaouvaynlv \
              Yij afgwp pb afkp kcii “quoted” Gsmfzcbf. “quoted” Gsyppq: Arbeiter znajwa y \
              ecsgfba djwxagceg солидарность\n\n| Vbidwyw | vwu ngnkyfp dfbsekur |\n|---|---|\n\
              | yzitd | uuuhjsci |\n| u yu h | sxlqvygt |\n\n";
    let sets = [
        "page.columns=2",
        "page.margin=26pt",
        "page.gutter=11pt",
        "body.align=left",
        "body.hyphenate=true",
    ];
    lay_out_and_check(md, &sets).unwrap();
}

#[test]
fn code_line_of_two_scripts_wider_than_the_column() {
    // Runs in two scripts, joined by no-break spaces, each narrower than the
    // column but wider together: the word must still break.
    let md = "1. a\n   1. a\n      - akb mmaaaaaaa **am https://waa.org/aaaaakam** \
              https://maaaaaaa.org/akaaaaakaa aaaaaaaaaaaaaa bkma aaka\n\n\n```\n\
              солидарность aaaa aaaa aaaaaaaaaaaaaaaaaaaaaaa\n```\n";
    let sets = [
        "page.size=legal",
        "page.columns=3",
        "page.margin=31pt",
        "page.gutter=24pt",
        "body.size=10pt",
        "body.leading=12.5pt",
        "body.align=justify",
        "body.hyphenate=false",
    ];
    lay_out_and_check(md, &sets).unwrap();
}
