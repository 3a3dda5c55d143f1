//! What a new organizer meets: their own statement about a school closure,
//! their own event layout, a Spanish version, a three-event campaign. Each
//! test is one thing that went wrong for them.

mod common;

use std::path::Path;

use common::{book, layout, load, run, statements, temp, write};
use handbill::pages::{Document, Element, Ink, LineKind};
use handbill::statement::{parse, Statement};
use handbill::{typeset, typeset_pair, Vars};

const CLOSURE: &str = "+++
title = \"Keep Lincoln Elementary Open!\"
author = \"Lincoln Parents and Teachers Committee\"
date = \"2026-03-02\"
lang = \"en-US\"
+++

The school board voted last week to close Lincoln Elementary at the end of the year. Four
hundred children would be bused across the city, and forty teachers would lose their jobs.
Read more at [keeplincolnopen.org](https://keeplincolnopen.org) and sign the petition.
";

const EVENT_LAYOUT: &str = "extends = \"letter-2col\"

[masthead]
kicker = \"{event.name}\"

[footer]
text = \"Rally at {event.place} · {event.contact}\"
link = \"https://{event.contact}\"
qr = true
";

const CAMPAIGN: &str = "statements = [\"closure.md\"]
layouts = [\"event.toml\"]
output = \"out/{event}/{statement}.pdf\"

[[event]]
id = \"city-hall\"
name = \"Rally to keep Lincoln open\"
place = \"City Hall steps\"
contact = \"keeplincolnopen.org\"

[[event]]
id = \"board\"
name = \"Pack the board meeting\"
place = \"School Board, 100 Main St\"
contact = \"lincolnparents.org\"
";

fn closure() -> Statement {
    parse(Path::new("closure.md"), CLOSURE).expect("parses")
}

fn footer_text(doc: &Document) -> String {
    let lines = doc.pages.iter().flat_map(|p| &p.lines);
    lines
        .filter(|l| l.kind == LineKind::Footer)
        .map(|l| l.text.clone())
        .collect::<Vec<_>>()
        .join(" ")
}

fn vars(pairs: &[(&str, &str)]) -> Vars {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// A folder with the organizer's statement, event layout and campaign.
fn organizer() -> tempfile::TempDir {
    let dir = temp();
    write(dir.path(), "closure.md", CLOSURE);
    write(dir.path(), "event.toml", EVENT_LAYOUT);
    write(dir.path(), "campaign.toml", CAMPAIGN);
    dir
}

// 1. The contact belongs to the statement.

#[test]
fn shipped_layouts_print_no_groups_contact() {
    for sp in common::shipped_layouts() {
        let (doc, warnings) = typeset(&closure(), &sp, book(), &Vars::new()).expect("typesets");
        assert_eq!(footer_text(&doc), "", "{}", sp.id);
        assert!(doc.pages.iter().all(|p| p.qr.is_none()), "{}", sp.id);
        let told = warnings.iter().any(|w| w.message.contains("add `contact = "));
        assert!(told, "{}: {warnings:?}", sp.id);
    }
}

#[test]
fn the_statements_contact_fills_footer_and_qr_code() {
    let text = CLOSURE.replacen(
        "lang = \"en-US\"\n",
        "lang = \"en-US\"\ncontact = \"Write to us: keeplincolnopen.org\"\ncontact-link = \"https://keeplincolnopen.org\"\n",
        1,
    );
    let st = parse(Path::new("closure.md"), &text).expect("parses");
    let sp = layout("letter-1sheet", &[]);
    let (doc, warnings) = typeset(&st, &sp, book(), &Vars::new()).expect("typesets");
    assert_eq!(footer_text(&doc), "Write to us: keeplincolnopen.org");
    assert!(!warnings.iter().any(|w| w.message.contains("contact")), "{warnings:?}");
    let qr = doc.pages.iter().find_map(|p| p.qr.clone()).expect("a QR code");
    assert_eq!(Some(qr.matrix), handbill::qr::Matrix::encode("https://keeplincolnopen.org"));
    // A layout's own footer still wins.
    let own = layout("letter-2col", &["footer.text=Our own footer"]);
    let (doc, _) = typeset(&st, &own, book(), &Vars::new()).expect("typesets");
    assert_eq!(footer_text(&doc), "Our own footer");
    // The five statements carry theirs.
    for path in statements() {
        let (doc, _) = typeset(&load(&path), &layout("letter-2col", &[]), book(), &Vars::new())
            .expect("typesets");
        assert!(footer_text(&doc).contains("wsws.org/contact"), "{}", path.display());
    }
}

// 2. Placeholders in every text key.

#[test]
fn placeholders_fill_the_link_and_qr_code_and_an_unfilled_one_is_an_error() {
    let sp = handbill::spec::load_str("event.toml", EVENT_LAYOUT, &[]).expect("loads");
    let v = vars(&[("name", "Rally"), ("place", "City Hall"), ("contact", "keeplincolnopen.org")]);
    let (doc, _) = typeset(&closure(), &sp, book(), &v).expect("typesets");
    let urls: Vec<&str> = doc.pages.iter().flat_map(|p| &p.links).map(|l| l.url.as_str()).collect();
    assert!(urls.contains(&"https://keeplincolnopen.org"), "{urls:?}");
    assert!(!urls.iter().any(|u| u.contains('{')), "{urls:?}");
    let qr = doc.pages.iter().find_map(|p| p.qr.clone()).expect("a QR code");
    assert_eq!(Some(qr.matrix), handbill::qr::Matrix::encode("https://keeplincolnopen.org"));
    // Only the link lacks its value: still an error, naming the key.
    let sp = handbill::spec::load_str(
        "l.toml",
        "[footer]\ntext = \"Rally\"\nlink = \"https://{event.site}\"\n",
        &[],
    )
    .expect("loads");
    let e = typeset(&closure(), &sp, book(), &v).expect_err("unfilled");
    assert!(e.to_string().contains("`footer.link`: unknown placeholder `{event.site}`"), "{e}");
}

// 3. Event layouts outside a campaign.

#[test]
fn build_takes_an_events_values_and_says_how() {
    let dir = organizer();
    let r = run(dir.path(), &["build", "closure.md", "--layout", "event.toml", "--out", "a.pdf"]);
    assert_ne!(r.code, 0);
    let e = r.message();
    assert!(e.contains("--event CAMPAIGN.toml:ID") && e.contains("--var name="), "{e}");
    let r = run(
        dir.path(),
        &[
            "build",
            "closure.md",
            "--layout",
            "event.toml",
            "--event",
            "campaign.toml:board",
            "--out",
            "b.pdf",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(
        dir.path(),
        &[
            "build",
            "closure.md",
            "--layout",
            "event.toml",
            "--event",
            "campaign.toml:board",
            "--var",
            "place=City Hall",
            "--out",
            "c.pdf",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // `--var` wins over the event's value.
    if common::require_tool("pdftotext") {
        let pdf = dir.path().join("c.pdf");
        let text = common::run_tool("pdftotext", &[&pdf.to_string_lossy(), "-"]);
        assert!(text.contains("Rally at City Hall"), "{text}");
    }
    let r = run(
        dir.path(),
        &["build", "closure.md", "--layout", "event.toml", "--event", "campaign.toml:nope"],
    );
    assert!(r.message().contains("its events: city-hall, board"), "{}", r.message());
}

// 4. `check` on a campaign file.

#[test]
fn check_checks_a_campaign_whole() {
    let dir = organizer();
    let r = run(dir.path(), &["check", "campaign.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("ok: campaign.toml (campaign)"), "{}", r.stderr);
    // An event without the value a layout needs, a statement not there.
    let bad = CAMPAIGN.replace("contact = \"lincolnparents.org\"\n", "");
    write(dir.path(), "campaign.toml", bad);
    let r = run(dir.path(), &["check", "campaign.toml"]);
    assert_ne!(r.code, 0);
    assert!(
        r.message().contains("event `board`: `footer.text`: unknown placeholder `{event.contact}`"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("unknown key `statements`"), "{}", r.stderr);
}

// 5. Advice that works.

#[test]
fn out_may_be_a_pattern_as_the_advice_says() {
    let dir = organizer();
    let second = CLOSURE.replace("Keep Lincoln", "Save Lincoln");
    write(dir.path(), "second.md", second);
    let r = run(
        dir.path(),
        &["build", "closure.md", "second.md", "--layout", "letter-2col", "--out", "both.pdf"],
    );
    assert!(r.message().contains("{statement}"), "{}", r.message());
    let r = run(
        dir.path(),
        &[
            "build",
            "closure.md",
            "second.md",
            "--layout",
            "letter-2col",
            "--out",
            "out5/{statement}.pdf",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(common::pdf_names(&dir.path().join("out5")), ["closure.pdf", "second.pdf"]);
    let r = run(
        dir.path(),
        &[
            "build",
            "closure.md",
            "--layout",
            "letter-2col",
            "--layout",
            "half-letter",
            "--out",
            "o/{statement}.pdf",
        ],
    );
    let m = r.message();
    assert!(m.contains("unique with {statement} and {layout}") && !m.contains("{event}"), "{m}");
}

// 6. Previews draw what the PDF draws.

#[test]
fn previews_draw_the_qr_code_and_black_links_in_black_ink_mode() {
    let text = CLOSURE.replacen(
        "lang = \"en-US\"\n",
        "lang = \"en-US\"\ncontact = \"keeplincolnopen.org\"\ncontact-link = \"https://keeplincolnopen.org\"\n",
        1,
    );
    let st = parse(Path::new("closure.md"), &text).expect("parses");
    let sp = layout("letter-1sheet", &[]);
    let (doc, _) = typeset(&st, &sp, book(), &Vars::new()).expect("typesets");
    let page = doc.pages.last().expect("a page");
    let qr = page.qr.clone().expect("the code on the page with the footer");
    let img =
        handbill::preview::render_page(&doc, doc.pages.len() - 1, book(), 72.0).expect("draws");
    // The code's area is mostly dark modules and quiet white: count dark
    // pixels in it.
    let (x0, y0) = (qr.x.ceil() as u32, qr.y.ceil() as u32);
    let side = qr.side.floor() as u32;
    let dark = (y0..y0 + side)
        .flat_map(|y| (x0..x0 + side).map(move |x| (x, y)))
        .filter(|&(x, y)| img.pixels[(y * img.width + x) as usize] < 128)
        .count();
    assert!(dark * 4 > (side * side) as usize, "{dark} dark of {}", side * side);
    // Links print black in gray mode, and the document says so.
    let inks: Vec<Ink> = doc
        .pages
        .iter()
        .flat_map(|p| &p.elements)
        .filter_map(|e| match e {
            Element::Text(r) => Some(r.ink),
            _ => None,
        })
        .collect();
    assert!(!inks.iter().any(|i| matches!(i, Ink::Accent(..))), "{inks:?}");
}

// 7. A nearly empty last page on every layout kind.

#[test]
fn a_nearly_empty_last_page_is_pulled_back_or_told_on_a_side_by_side_pair() {
    let para_en = "The school board voted to close Lincoln Elementary. Four hundred children would be bused across the city, and forty teachers would lose their jobs.";
    let para_es = "La junta escolar votó cerrar la escuela Lincoln. Cuatrocientos niños serían llevados en autobús por la ciudad y cuarenta maestros perderían su empleo.";
    let sp = layout("letter-bilingual", &[]);
    let mut seen = 0;
    for k in 14..24 {
        let en = format!(
            "+++\ntitle = \"Keep Lincoln Open!\"\nlang = \"en\"\n+++\n\n{}\n",
            vec![para_en; k].join("\n\n")
        );
        let es = format!(
            "+++\ntitle = \"¡Lincoln abierta!\"\nlang = \"es\"\n+++\n\n{}\n",
            vec![para_es; k].join("\n\n")
        );
        let en = parse(Path::new("en.md"), &en).expect("parses");
        let es = parse(Path::new("es.md"), &es).expect("parses");
        let (doc, warnings) = typeset_pair(&en, &es, &sp, book(), &Vars::new()).expect("typesets");
        let told = warnings
            .iter()
            .any(|w| w.message.contains("would hold only") || w.message.contains("holds only"));
        if let Some(lines) = handbill::fit::runt(&doc) {
            assert!(told, "k={k}: a runt of {lines} lines, not told: {warnings:?}");
            seen += 1;
        } else if told {
            seen += 1;
        }
    }
    assert!(seen > 0, "no text length made a nearly empty last page");
}

#[test]
fn an_n_up_layouts_nearly_empty_back_is_pulled_back_or_told() {
    let para = "The school board voted to close Lincoln Elementary. Four hundred children would be bused across the city, and forty teachers would lose their jobs.";
    let sp = layout("half-letter-2up", &[]);
    let mut seen = 0;
    for k in 6..20 {
        let text =
            format!("+++\ntitle = \"Keep Lincoln Open!\"\n+++\n\n{}\n", vec![para; k].join("\n\n"));
        let st = parse(Path::new("s.md"), &text).expect("parses");
        let (doc, warnings) = typeset(&st, &sp, book(), &Vars::new()).expect("typesets");
        let told = warnings.iter().any(|w| w.message.contains("only"));
        assert!(handbill::fit::runt(&doc).is_none() || told, "k={k}: {warnings:?}");
        seen += usize::from(told);
    }
    assert!(seen > 0, "no text length made a nearly empty back");
}

// 8. Link colour.

#[test]
fn a_link_has_the_link_colour_wherever_it_sits_on_its_line() {
    for lname in ["letter-2col", "half-letter"] {
        let (doc, _) =
            typeset(&closure(), &layout(lname, &[]), book(), &Vars::new()).expect("typesets");
        for el in doc.pages.iter().flat_map(|p| &p.elements) {
            let Element::Text(run) = el else { continue };
            let is_link = run.text.trim() == "keeplincolnopen.org";
            let has_link = run.text.contains("keeplincolnopen.org");
            assert!(!has_link || is_link, "{lname}: the link shares a run: {:?}", run.text);
            if is_link {
                assert!(matches!(run.ink, Ink::Accent(..)), "{lname}: {:?}", run.ink);
            } else {
                assert!(
                    !matches!(run.ink, Ink::Accent(..)),
                    "{lname}: {:?} {:?}",
                    run.text,
                    run.ink
                );
            }
        }
    }
}

// 9. A short statement on a fitted layout.

#[test]
fn a_fitted_body_set_larger_takes_the_masthead_with_it() {
    let sp = layout("letter-1sheet", &[]);
    let (doc, _) = typeset(&closure(), &sp, book(), &Vars::new()).expect("typesets");
    assert!(doc.body_size > sp.body.size * 1.2, "{}", doc.body_size);
    let title_size = doc.pages[0]
        .elements
        .iter()
        .filter_map(|e| match e {
            Element::Text(r) if r.text.contains("Lincoln Elementary Open") => Some(r.size),
            _ => None,
        })
        .fold(0.0, f32::max);
    let k = doc.body_size / sp.body.size;
    assert!(
        (title_size - sp.masthead.title_size * k).abs() < 0.5,
        "{title_size} at body {}",
        doc.body_size
    );
    assert!(sp.description.contains("one side"), "{}", sp.description);
}

// 11. Dates by language and region.

#[test]
fn the_byline_date_follows_language_and_region() {
    for (lang, want) in
        [("en-US", "March 2, 2026"), ("en-GB", "2 March 2026"), ("es", "2 de marzo de 2026")]
    {
        let text = CLOSURE.replace("lang = \"en-US\"", &format!("lang = \"{lang}\""));
        let st = parse(Path::new("closure.md"), &text).expect("parses");
        let (doc, _) =
            typeset(&st, &layout("letter-2col", &[]), book(), &Vars::new()).expect("typesets");
        let mast: String = doc.pages[0]
            .lines
            .iter()
            .filter(|l| l.kind == LineKind::Masthead)
            .map(|l| l.text.replace('\u{a0}', " "))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(mast.contains(want), "{lang}: {mast}");
    }
}

// 12. Messages that lead somewhere.

#[test]
fn messages_suggest_what_was_meant() {
    let dir = organizer();
    write(dir.path(), "lincoln.toml", EVENT_LAYOUT);
    // A family no machine has (Lato, used before, comes with TeX Live).
    write(
        dir.path(),
        "bad-font.toml",
        "extends = \"letter-2col\"\n\n[body]\nfont = \"Nonesuch Serif\"\n",
    );
    let cases: [(&[&str], &str); 5] = [
        (&["build", "closure.md", "--layout", "letter-2column"], "did you mean `letter-2col`?"),
        (&["build", "closure.md", "--layout", "lincon.toml"], "did you mean lincoln.toml?"),
        (&["build", "closre.md", "--layout", "letter-2col"], "there is no such file — did you mean closure.md?"),
        (&["build", "closure.md", "--layout", "letter-2col", "--set", "body.size=10 pts"], "write \"10pt\""),
        (
            &["build", "closure.md", "--layout", "bad-font.toml"],
            "bad-font.toml:4:1: `body.font` names the font family `Nonesuch Serif`, which is not installed — use one of:",
        ),
    ];
    for (args, want) in cases {
        let r = run(dir.path(), args);
        assert_ne!(r.code, 0, "{args:?}");
        assert!(r.message().contains(want), "{args:?}: {}", r.message());
        assert!(!r.stderr.contains("os error"), "{args:?}: {}", r.stderr);
    }
    // `check` says the same about the font.
    let r = run(dir.path(), &["check", "bad-font.toml"]);
    assert!(r.message().contains("bad-font.toml:4:1: `body.font`"), "{}", r.message());
}
