//! Folded leaflets and booklets end to end: what goes on which panel or
//! page, the marks outside the trim, nothing across a fold, fitting, the
//! imprint, and one clear error for each bad input. (The folding itself
//! is checked in `impose`'s unit tests, which fold the imposed sheets in
//! code; `leaflets.rs` reads every statement back panel by panel.)

mod common;

use std::path::Path;

use common::{book, layout, load, require_tool, run, run_tool, statements, temp, write};
use handbill::impose::{self, SheetSide};
use handbill::pages::{Document, Element, LineKind};
use handbill::render::{fold_marks, MARK_OFFSET, MARK_ROOM};
use handbill::spec::LayoutSpec;
use handbill::{build, typeset, Vars};

const FOLDED: [&str; 3] = ["trifold-letter", "trifold-a4", "zfold-letter"];
const BOOKLETS: [&str; 2] = ["booklet-half-letter", "booklet-a5"];

fn sides(doc: &Document, sp: &LayoutSpec) -> Vec<SheetSide> {
    let (pw, ph) = (doc.pages[0].width, doc.pages[0].height);
    impose::impose(doc.pages.len(), pw, ph, sp).expect("a folded layout has a sheet")
}

fn has(page: &handbill::pages::Page, kind: LineKind) -> bool {
    page.lines.iter().any(|l| l.kind == kind)
}

/// The extent of an element across its page: (left, right).
fn across(e: &Element) -> (f32, f32) {
    match e {
        Element::Text(run) => (run.x, run.x + run.width()),
        Element::Rule { x0, x1, .. } => (x0.min(*x1), x0.max(*x1)),
        Element::Rect { x, w, .. } | Element::Image { x, w, .. } => (*x, x + w),
    }
}

#[test]
fn panels_carry_the_cover_the_text_and_the_contact() {
    for id in FOLDED {
        let sp = layout(id, &["imprint.text=Printed and published by the committee"]);
        for path in statements() {
            let st = load(&path);
            let case = format!("{} × {id}", st.name);
            let (doc, warnings) = typeset(&st, &sp, book(), &Vars::new()).expect(&case);
            assert_eq!(doc.pages.len(), 6, "{case}: six panels");
            assert!(has(&doc.pages[0], LineKind::Masthead), "{case}: no masthead on the cover");
            // Text from panel 1 on (fitted to the sheet); a text too short
            // to fill them at `fit.max-size` leaves the last ones blank,
            // and says so.
            let filled = doc.pages[..5].iter().take_while(|p| has(p, LineKind::Body)).count();
            assert!(filled >= 2, "{case}: {filled} panels of text");
            for p in &doc.pages[filled..5] {
                assert!(p.elements.is_empty(), "{case}: text after a blank panel");
            }
            if filled < 5 {
                let said = warnings
                    .iter()
                    .any(|w| w.message.contains(&format!("{filled} of 5 text panels")));
                assert!(said, "{case}: blank panels not reported: {warnings:?}");
            }
            let back = &doc.pages[5];
            assert!(!has(back, LineKind::Masthead), "{case}: a masthead on the back");
            assert!(has(back, LineKind::Footer), "{case}: no contact block on panel 6");
            // No text but the imprint, just above the contact block.
            let imprint: Vec<&handbill::pages::LineInfo> =
                back.lines.iter().filter(|l| l.kind == LineKind::Body).collect();
            let words: Vec<&str> = imprint.iter().map(|l| l.text.as_str()).collect();
            assert_eq!(words.join(" "), "Printed and published by the committee", "{case}");
            // The contact block (its text, or the QR code if taller)
            // starts at the column's foot.
            let foot = back.column_bottom;
            let last = imprint.last().map_or(0.0, |l| l.y);
            let near = last < foot && last > foot - 2.0 * sp.footer.size;
            assert!(near, "{case}: imprint at {last}, contact from {foot}");
            for p in &doc.pages[..5] {
                assert!(!has(p, LineKind::Footer), "{case}: contact block on a text panel");
            }
        }
    }
}

#[test]
fn booklets_pad_before_the_back_cover_and_number_the_inner_pages() {
    let st = load(&statements()[2]);
    for id in BOOKLETS {
        let sp = layout(id, &[]);
        let (doc, _) = typeset(&st, &sp, book(), &Vars::new()).expect(id);
        let n = doc.pages.len();
        assert_eq!(n % 4, 0, "{id}: {n} pages");
        let text: Vec<bool> = doc.pages.iter().map(|p| has(p, LineKind::Body)).collect();
        let last_text = text.iter().rposition(|t| *t).unwrap_or(0);
        // Text pages first, without a gap; then blanks; then the back.
        assert!(text[..=last_text].iter().all(|t| *t), "{id}: a blank page within the text");
        for p in &doc.pages[last_text + 1..n - 1] {
            assert!(p.elements.is_empty(), "{id}: padding is not blank");
        }
        assert!(has(&doc.pages[n - 1], LineKind::Footer), "{id}: no contact on the back cover");
        // Page numbers on the inner pages with text: the last text run,
        // centred, in the bottom margin.
        for (i, p) in doc.pages.iter().enumerate().take(last_text + 1).skip(1) {
            let Some(Element::Text(num)) = p.elements.last() else { panic!("{id}: no number") };
            assert_eq!(num.text, (i + 1).to_string(), "{id}: page {}", i + 1);
            assert!(num.y > p.height - sp.page.margin.bottom, "{id}: number not in the margin");
            assert!((num.x + num.width() / 2.0 - p.width / 2.0).abs() < 0.5);
        }
        let cover_numbered = doc.pages[0].elements.iter().any(
            |e| matches!(e, Element::Text(r) if r.y > doc.pages[0].height - sp.page.margin.bottom),
        );
        assert!(!cover_numbered, "{id}: the cover is numbered");
    }
}

#[test]
fn fitting_fills_one_sheet_or_eight_pages() {
    // A statement of 1,500 words, set as large as fills the five panels.
    let st = load(&statements()[2]);
    let sp = layout("trifold-letter", &[]);
    let (doc, _) = typeset(&st, &sp, book(), &Vars::new()).expect("fits");
    assert!(has(&doc.pages[4], LineKind::Body), "panel 5 empty: the fit left panels over");
    // One step of fitting (0.05 pt) larger, the text runs off panel 5.
    let mut sp_over = sp.scaled_to(doc.body_size + 0.05);
    sp_over.fit.pages = 0;
    let over = typeset(&st, &sp_over, book(), &Vars::new());
    assert!(over.is_err(), "{}pt was not the largest size that fits", doc.body_size);
    // Booklets: one statement on four pages, three statements on eight,
    // the back cover's page included.
    let three: Vec<String> =
        statements()[..3].iter().map(|p| std::fs::read_to_string(p).unwrap_or_default()).collect();
    let long =
        handbill::statement::parse(Path::new("three.md"), &three.join("\n\n")).expect("parses");
    for (st, pages) in [(load(&statements()[0]), 4), (long, 8)] {
        let sp =
            layout("booklet-half-letter", &[&format!("fit.pages={pages}"), "fit.min-size=6pt"]);
        let (doc, _) = typeset(&st, &sp, book(), &Vars::new()).expect("fits");
        assert_eq!(doc.pages.len(), pages);
        assert!(has(&doc.pages[pages - 2], LineKind::Body), "{pages}: the last text page is empty");
    }
}

/// Crop and fold marks lie outside the trim; the PDF's trim box is the
/// sheet; no word the PDF holds sits across a fold, and nothing any panel
/// or page draws reaches beyond its own part of the sheet.
#[test]
fn marks_outside_the_trim_and_nothing_across_a_fold() {
    let st = load(&statements()[2]);
    let dir = temp();
    for id in FOLDED.iter().chain(&BOOKLETS) {
        let sp = layout(id, &["print.crop-marks=true"]);
        let out = build(&st, &sp, book(), &Vars::new()).expect(id);
        let sides = sides(&out.document, &sp);
        for side in &sides {
            assert!(!side.folds.is_empty(), "{id}: no folds");
            let offset = sp.page.bleed + MARK_OFFSET;
            let marks = fold_marks(side, offset, MARK_ROOM - MARK_OFFSET - 0.5);
            assert_eq!(marks.len(), 2 * side.folds.len());
            for (x0, y0, x1, y1) in marks {
                for (x, y) in [(x0, y0), (x1, y1)] {
                    let inside =
                        x > -0.01 && x < side.width + 0.01 && y > -0.01 && y < side.height + 0.01;
                    assert!(!inside, "{id}: fold mark at ({x}, {y}) inside the trim");
                    assert!(x >= -side.margin && y >= -side.margin, "{id}: mark off the page");
                }
            }
        }
        // Everything a page draws stays on it, so clipped to its panel.
        for (i, p) in out.document.pages.iter().enumerate() {
            for e in &p.elements {
                let (l, r) = across(e);
                assert!(l >= -0.01 && r <= p.width + 0.6, "{id}: page {} draws at {l}..{r}", i + 1);
            }
        }
        if !require_tool("pdftotext") {
            continue;
        }
        let file = dir.path().join(format!("{id}.pdf"));
        std::fs::write(&file, &out.pdf).expect("write");
        let info = run_tool("pdfinfo", &["-box", file.to_str().unwrap_or_default()]);
        let trim = info.lines().find(|l| l.starts_with("TrimBox")).unwrap_or_default();
        let v: Vec<f32> = trim.split_whitespace().skip(1).filter_map(|x| x.parse().ok()).collect();
        let m = sides[0].margin;
        assert!(m > 0.0, "{id}: no room for the marks");
        assert!(
            (v[0] - m).abs() < 0.5 && (v[2] - v[0] - sides[0].width).abs() < 0.5,
            "{id}: {trim}"
        );
        // Words of each side, in sheet coordinates, against its folds.
        for (k, side) in sides.iter().enumerate() {
            let n = (k + 1).to_string();
            let html = run_tool(
                "pdftotext",
                &["-bbox", "-f", &n, "-l", &n, file.to_str().unwrap_or_default(), "-"],
            );
            for w in html.lines().filter(|l| l.contains("<word ")) {
                let num = |key: &str| -> f32 {
                    let s = w.split(&format!("{key}=\"")).nth(1).unwrap_or("0");
                    s.split('"').next().unwrap_or("0").parse::<f32>().unwrap_or(0.0) - m
                };
                let (x0, y0, x1, y1) = (num("xMin"), num("yMin"), num("xMax"), num("yMax"));
                for &(fx0, fy0, fx1, _) in &side.folds {
                    let crosses = if (fx0 - fx1).abs() < 0.01 {
                        x0 < fx0 - 0.1 && x1 > fx0 + 0.1
                    } else {
                        y0 < fy0 - 0.1 && y1 > fy0 + 0.1
                    };
                    assert!(!crosses, "{id} side {}: a word across the fold: {w}", k + 1);
                }
            }
        }
    }
}

#[test]
fn a_flat_leaflet_ends_with_the_imprint() {
    let st = load(&statements()[3]);
    let sp = layout("letter-2col", &["imprint.text=Printed and published by {author}"]);
    let (doc, _) = typeset(&st, &sp, book(), &Vars::new()).expect("lays out");
    let last = doc.pages.last().expect("a page");
    let body: Vec<&str> =
        last.lines.iter().filter(|l| l.kind == LineKind::Body).map(|l| l.text.as_str()).collect();
    let tail = body.join(" ");
    let author = st.meta.author.clone().unwrap_or_default();
    assert!(tail.contains(&format!("Printed and published by {author}")), "{tail}");
}

#[test]
fn bad_input_gets_one_clear_error() {
    let dir = temp();
    let d = dir.path();
    let long: String = statements()
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n\n");
    write(d, "long.md", long.repeat(2));
    write(d, "title.md", "# Only a title\n");
    write(d, "short.md", "# A title\n\nSome text.\n");
    let cases: [(&[&str], &str); 5] = [
        (&["build", "long.md", "--layout", "trifold-letter"], "does not fit on one folded sheet"),
        (&["build", "title.md", "--layout", "booklet-a5"], "the booklet would have no pages"),
        (
            &["build", "short.md", "--layout", "letter-2col", "--set", "imprint.required=true"],
            "`imprint.text` is empty",
        ),
        (
            &["build", "short.md", "--layout", "booklet-a5", "--set", "fit.pages=6"],
            "multiple of four",
        ),
        (&["build", "short.md", "--layout", "trifold-a4", "--set", "fit.pages=2"], "one sheet"),
    ];
    for (args, want) in cases {
        let r = run(d, args);
        assert_ne!(r.code, 0, "{args:?} succeeded");
        let errors = r.errors();
        assert_eq!(errors.len(), 1, "{args:?}: {}", r.stderr);
        assert!(errors[0].contains(want) && errors[0].contains(" — "), "{args:?}: {}", errors[0]);
        assert!(!Path::new(&d.join("long-trifold-letter.pdf")).exists());
    }
}

/// Dark pixels of `img` in columns `x0..x1`, rows `y0..y1`.
fn ink(img: &handbill::preview::GrayImage, (x0, x1): (u32, u32), (y0, y1): (u32, u32)) -> usize {
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| img.get(x, y) < 128)
        .count()
}

#[test]
fn previews_show_the_panels_then_the_sheet_as_printed() {
    let st = load(&statements()[2]);
    let sp = layout("trifold-letter", &[]);
    let (doc, _) = typeset(&st, &sp, book(), &Vars::new()).expect("lays out");
    let dpi = 36.0;
    let pages = handbill::preview::render_pages(&doc, book(), dpi).expect("pages");
    let sheets = handbill::preview::render_sheets(&doc, &sp, book(), dpi).expect("sheets");
    assert_eq!(sheets.len(), 2, "outside and inside");
    let s = dpi / 72.0;
    // Each side's panels carry their pages' ink where the imposition puts
    // them: the cover at the right of the outside, 2 at the left inside.
    let side = sides(&doc, &sp);
    for (k, img) in sheets.iter().enumerate() {
        for pl in &side[k].placements {
            let page = &pages[pl.page];
            let want = ink(page, (0, page.width), (0, page.height));
            let x = ((pl.trim.x * s) as u32, ((pl.trim.x + pl.trim.w) * s) as u32 + 1);
            let have = ink(img, x, (0, img.height));
            let off = want.abs_diff(have) as f32 / want.max(1) as f32;
            assert!(
                off < 0.05,
                "side {k} page {}: {have} dark pixels, the page has {want}",
                pl.page + 1
            );
        }
    }
    let flat = layout("letter-2col", &[]);
    assert!(handbill::preview::render_sheets(&doc, &flat, book(), dpi).expect("none").is_empty());
}
