//! Pictures end to end, through the real binary: the sample leaflet's
//! pictures land in the PDF as they should (JPEG as DCT, gray pages with
//! gray pictures only), and every bad picture stops the job with one
//! `error:` line naming the statement's line, and no PDF.

mod common;

use std::path::Path;

use common::{copy, pdfs, require_tool, run, run_tool, temp, write, Run};

/// A PNG of `w` × `h` pixels, all of one RGBA colour.
fn png(w: u32, h: u32, rgba: [u8; 4]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut wr = enc.write_header().expect("png header");
    let px: Vec<u8> = (0..w * h).flat_map(|_| rgba).collect();
    wr.write_image_data(&px).expect("png data");
    wr.finish().expect("png end");
    out
}

/// Builds `statement.md` in `dir` with letter-2col (and `extra` flags).
fn build(dir: &Path, statement: &str, extra: &[&str]) -> Run {
    write(dir, "s/statement.md", statement);
    let mut args = vec!["build", "s/statement.md", "--layout", "letter-2col", "--out", "out"];
    args.extend_from_slice(extra);
    run(dir, &args)
}

/// Asserts the job failed with one error line carrying every needle, and
/// wrote nothing.
fn fails(dir: &Path, r: &Run, needles: &[&str]) {
    assert_eq!(r.code, 1, "{}", r.stderr);
    let errors = r.errors();
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    for n in needles {
        assert!(errors[0].contains(n), "`{n}` not in {}", errors[0]);
    }
    let out = dir.join("out");
    assert!(pdfs(&out).is_empty(), "a PDF was written: {:?}", pdfs(&out));
}

const TEXT: &str =
    "+++\ncontact = \"Tenants' union, 555-0134\"\n+++\n# Rally\n\nCome on Saturday.\n\n";

#[test]
fn a_missing_picture_stops_the_job() {
    let dir = temp();
    let r = build(dir.path(), &format!("{TEXT}![The crowd](crowd.jpg)\n"), &[]);
    fails(dir.path(), &r, &["statement.md:8", "picture `crowd.jpg` cannot be read"]);
}

#[test]
fn a_picture_outside_the_folder_is_not_read_unless_allowed() {
    let dir = temp();
    write(dir.path(), "secret.png", png(4, 4, [0, 0, 0, 255]));
    let r = build(dir.path(), &format!("{TEXT}![x](../secret.png)\n"), &[]);
    fails(dir.path(), &r, &["statement.md:8", "outside the folder", "images.allow-outside"]);
    let r = build(dir.path(), &format!("{TEXT}![x](../../../../../../etc/passwd)\n"), &[]);
    fails(dir.path(), &r, &["statement.md:8", "outside the folder"]);
    let r = build(
        dir.path(),
        &format!("{TEXT}![x](../secret.png)\n"),
        &["--set", "images.allow-outside=true"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn not_a_picture_and_a_truncated_one_stop_the_job() {
    let dir = temp();
    write(dir.path(), "s/notes.png", "just some text");
    let r = build(dir.path(), &format!("{TEXT}![x](notes.png)\n"), &[]);
    fails(dir.path(), &r, &["statement.md:8", "is not a picture", "PNG, JPEG"]);
    let jpg = std::fs::read(common::root("docs/sample/rally.jpg")).expect("sample photo");
    write(dir.path(), "s/cut.jpg", &jpg[..jpg.len() / 3]);
    let r = build(dir.path(), &format!("{TEXT}![x](cut.jpg)\n"), &[]);
    fails(dir.path(), &r, &["statement.md:8", "damaged or cut short"]);
}

#[test]
fn a_decompression_bomb_fails_fast() {
    let dir = temp();
    // 100,000 × 100,000 pixels claimed by a file of 70 bytes.
    let mut bomb = png(1, 1, [0, 0, 0, 255]);
    bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    write(dir.path(), "s/bomb.png", bomb);
    let t = std::time::Instant::now();
    let r = build(dir.path(), &format!("{TEXT}![x](bomb.png)\n"), &[]);
    assert!(t.elapsed().as_secs() < 10, "{:?}", t.elapsed());
    fails(dir.path(), &r, &["statement.md:8", "100000 × 100000 pixels", "scale it down"]);
}

#[test]
fn svg_references_are_dropped_scripts_ignored_and_alt_text_asked_for() {
    let dir = temp();
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30">
        <script>fetch("https://example.org")</script>
        <image href="../../etc/passwd.png" width="5" height="5"/>
        <rect width="60" height="30" fill="#c4161c"/></svg>"##;
    write(dir.path(), "s/logo.svg", svg);
    let r = build(dir.path(), &format!("{TEXT}![](logo.svg)\n"), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let w = r.warnings().join("\n");
    assert!(w.contains("statement.md:8: picture `logo.svg`: its script is ignored"), "{w}");
    assert!(w.contains("`../../etc/passwd.png` is dropped (nothing is fetched)"), "{w}");
    assert!(w.contains("statement.md:8: picture `logo.svg` has no alt text"), "{w}");
}

#[test]
fn a_small_picture_set_large_is_warned_about() {
    let dir = temp();
    // 100 pixels is 48 pt at 150 ppi: set at its natural size, no warning.
    write(dir.path(), "s/small.png", png(100, 50, [200, 0, 0, 255]));
    let r = build(dir.path(), &format!("{TEXT}![A red bar](small.png)\n"), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.warnings().is_empty(), "{}", r.stderr);
    // Enlarged to the column (246 pt): 28 ppi.
    let r = build(
        dir.path(),
        &format!("{TEXT}![A red bar](small.png)\n"),
        &["--set", "images.upscale=true"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let w = r.warnings().join("\n");
    assert!(
        w.contains("statement.md:8: small.png is 28 ppi at this size: it will print blurry — use a larger file"),
        "{w}"
    );
}

/// The sample leaflet: its photo is stored as DCT (the JPEG as it is), and
/// in gray every picture is gray and the page has no C, M or Y.
#[test]
fn the_sample_keeps_its_jpeg_and_prints_gray_on_a_copier() {
    if !require_tool("pdfimages") || !require_tool("gs") {
        return;
    }
    let dir = temp();
    for f in ["rent-strike.md", "logo.svg", "rally.jpg", "badge.png"] {
        copy(dir.path(), &format!("docs/sample/{f}"), f);
    }
    let r =
        run(dir.path(), &["build", "rent-strike.md", "--layout", "letter-2col", "--out", "c.pdf"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = dir.path().join("c.pdf");
    let list = run_tool("pdfimages", &["-list", c.to_str().expect("path")]);
    let jpeg = list.lines().find(|l| l.contains(" jpeg ")).expect("a DCT image");
    let cols: Vec<&str> = jpeg.split_whitespace().collect();
    assert_eq!((cols[3], cols[4], cols[5]), ("900", "600", "rgb"), "{list}");
    // The very bytes of the file are in the PDF.
    let pdf = std::fs::read(&c).expect("pdf");
    let photo = std::fs::read(common::root("docs/sample/rally.jpg")).expect("photo");
    assert!(pdf.windows(photo.len()).any(|w| w == photo), "JPEG re-encoded");

    let r = run(
        dir.path(),
        &[
            "build",
            "rent-strike.md",
            "--layout",
            "letter-2col",
            "--set",
            "print.color=gray",
            "--out",
            "g.pdf",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let g = dir.path().join("g.pdf");
    let list = run_tool("pdfimages", &["-list", g.to_str().expect("path")]);
    let rows: Vec<&str> = list.lines().skip(2).collect();
    assert!(rows.len() >= 3, "{list}");
    assert!(rows.iter().all(|l| l.split_whitespace().nth(5) == Some("gray")), "{list}");
    let ink = run_tool("gs", &["-q", "-o", "-", "-sDEVICE=inkcov", g.to_str().expect("path")]);
    for line in ink.lines() {
        let v: Vec<f32> = line.split_whitespace().take(4).filter_map(|x| x.parse().ok()).collect();
        assert_eq!(v.len(), 4, "{ink}");
        assert_eq!(&v[..3], &[0.0, 0.0, 0.0], "{ink}");
        assert!(v[3] > 0.0, "{ink}");
    }
}

/// The masthead logo comes from the layout's folder, and a campaign
/// event's `logo` names each local group's own.
#[test]
fn the_masthead_logo_is_the_layouts_or_the_events() {
    use handbill::pages::Element;
    let dir = temp();
    write(
        dir.path(),
        "layouts/logo.svg",
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="90" height="30"><rect width="90" height="30" fill="#c4161c"/></svg>"##,
    );
    write(dir.path(), "layouts/east.png", png(300, 100, [0, 90, 160, 255]));
    let layout = write(
        dir.path(),
        "layouts/flyer.toml",
        "extends = \"letter-2col\"\n[masthead]\nlogo = \"{event.logo}\"\nlogo-size = \"0.5in\"\nlogo-side = \"right\"\n\
         [footer]\ntext = \"Call us\"\nlogo = \"east.png\"\nlogo-size = \"20pt\"\n",
    );
    let st = handbill::statement::parse(Path::new("s.md"), "# Rally\n\nCome on Saturday.\n")
        .expect("statement");
    let spec = handbill::spec::load(layout.to_str().expect("path"), &[]).expect("layout");
    let logo_of = |logo: &str| {
        let mut vars = handbill::Vars::new();
        vars.insert("logo".into(), logo.into());
        let (doc, _) = handbill::typeset(&st, &spec, common::book(), &vars).expect("typeset");
        doc.pages[0]
            .elements
            .iter()
            .find_map(|e| match e {
                Element::Image { x, w, h, picture, .. } => {
                    Some((picture.name.clone(), *x + *w, *h))
                }
                _ => None,
            })
            .expect("a logo on page 1")
    };
    let (name, right, h) = logo_of("logo.svg");
    assert_eq!(name, "logo.svg");
    assert!((h - 36.0).abs() < 0.01, "{h}");
    // On the right: it ends at the right margin (letter, 0.5 in margins).
    assert!((right - (612.0 - 36.0)).abs() < 1.0, "{right}");
    assert_eq!(logo_of("east.png").0, "east.png");
    // The footer's logo, at its left, 20 pt high, below the text area.
    let mut vars = handbill::Vars::new();
    vars.insert("logo".into(), "logo.svg".into());
    let (doc, _) = handbill::typeset(&st, &spec, common::book(), &vars).expect("typeset");
    let page = &doc.pages[0];
    let foot = page.elements.iter().find_map(|e| match e {
        Element::Image { x, y, h, picture, .. } if picture.name == "east.png" => Some((*x, *y, *h)),
        _ => None,
    });
    let (x, y, h) = foot.expect("the footer logo");
    assert!((x - 36.0).abs() < 0.01 && (h - 20.0).abs() < 0.01, "{x} {h}");
    assert!(y > page.column_bottom, "{y} {}", page.column_bottom);
    // An event without a logo file: an error naming the layout.
    let mut vars = handbill::Vars::new();
    vars.insert("logo".into(), "west.png".into());
    let e = handbill::typeset(&st, &spec, common::book(), &vars).unwrap_err().to_string();
    assert!(e.contains("flyer.toml") && e.contains("picture `west.png` cannot be read"), "{e}");
}

/// Fitting to a page count makes pictures smaller (down to
/// `images.fit-scale`) before it makes the type smaller.
#[test]
fn fit_scales_pictures_before_the_type() {
    use handbill::pages::Element;
    let dir = temp();
    write(dir.path(), "photo.png", png(600, 600, [40, 40, 40, 255]));
    let para = "Tenants of the avenue meet on Saturday to hand over their demands together.\n\n";
    let layout = |fit_scale: &str| {
        let sets: Vec<String> = [
            "fit.pages=1",
            "fit.min-size=10pt",
            "fit.max-size=10pt",
            "body.size=10pt",
            &format!("images.fit-scale={fit_scale}"),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        handbill::spec::load("letter-2col", &sets).expect("layout")
    };
    let (whole, shrinkable) = (layout("1"), layout("0.7"));
    let mut checked = false;
    for n in 1..120 {
        let text = format!("# Rally\n\n![Tenants](photo.png)\n\n{}", para.repeat(n));
        let st = handbill::statement::parse(&dir.path().join("s.md"), &text).expect("statement");
        let vars = handbill::Vars::new();
        if handbill::typeset(&st, &whole, common::book(), &vars).is_ok() {
            continue;
        }
        // The first length that overflows with the picture at its size
        // fits with the picture smaller, at the same type size.
        let (doc, _) = handbill::typeset(&st, &shrinkable, common::book(), &vars).expect("fits");
        assert_eq!(doc.pages.len(), 1);
        assert!((doc.body_size - 10.0).abs() < 0.01, "{}", doc.body_size);
        let w = doc.pages[0]
            .elements
            .iter()
            .find_map(|e| match e {
                Element::Image { w, .. } => Some(*w),
                _ => None,
            })
            .expect("the picture");
        // At its size the picture is the column's width (600 px at 150 ppi
        // is 288 pt, wider than the column).
        assert!(w < 0.95 * whole.column_width(), "{w}");
        checked = true;
        break;
    }
    assert!(checked, "no length overflowed");
}

/// Previews draw pictures (in gray), where the page has them.
#[test]
fn previews_draw_pictures() {
    use handbill::pages::Element;
    let dir = temp();
    write(dir.path(), "dark.png", png(300, 200, [20, 30, 40, 255]));
    let st = handbill::statement::parse(
        &dir.path().join("s.md"),
        "# Rally\n\nCome on Saturday.\n\n![A dark square](dark.png)\n",
    )
    .expect("statement");
    let spec = handbill::spec::load("letter-2col", &[]).expect("layout");
    let (doc, _) =
        handbill::typeset(&st, &spec, common::book(), &handbill::Vars::new()).expect("typeset");
    let (x, y, w, h) = doc.pages[0]
        .elements
        .iter()
        .find_map(|e| match e {
            Element::Image { x, y, w, h, .. } => Some((*x, *y, *w, *h)),
            _ => None,
        })
        .expect("the picture");
    let dpi = 36.0;
    let img = handbill::preview::render_page(&doc, 0, common::book(), dpi).expect("preview");
    let k = dpi / 72.0;
    let centre = img.get(((x + w / 2.0) * k) as u32, ((y + h / 2.0) * k) as u32);
    // Luma of (20, 30, 40).
    assert!(centre.abs_diff(29) <= 2, "{centre}");
    // Beside it, the paper.
    assert_eq!(img.get(((x + w + 2.0) * k) as u32, ((y + h / 2.0) * k) as u32), 255);
}

/// In CMYK every picture is DeviceCMYK.
#[test]
fn cmyk_pictures_are_cmyk() {
    if !require_tool("pdfimages") {
        return;
    }
    let dir = temp();
    for f in ["rent-strike.md", "logo.svg", "rally.jpg", "badge.png", "rent-strike.toml"] {
        copy(dir.path(), &format!("docs/sample/{f}"), f);
    }
    let args = ["build", "rent-strike.md", "--layout", "rent-strike.toml"];
    let r =
        run(dir.path(), &[&args[..], &["--set", "print.color=cmyk", "--out", "k.pdf"]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let k = dir.path().join("k.pdf");
    let list = run_tool("pdfimages", &["-list", k.to_str().expect("path")]);
    let rows: Vec<Vec<&str>> =
        list.lines().skip(2).map(|l| l.split_whitespace().collect()).collect();
    // Photo, badge (twice on the page, once in the file), logo, and masks.
    assert!(rows.iter().filter(|r| r[2] == "image").count() >= 3, "{list}");
    for r in rows {
        let expected = if r[2] == "smask" { "gray" } else { "cmyk" };
        assert_eq!(r[5], expected, "{list}");
    }
}

#[test]
fn a_picture_is_a_figure_and_passes_the_standards() {
    let dir = temp();
    write(dir.path(), "s/bar.png", png(300, 150, [200, 0, 0, 128]));
    let text = format!("{TEXT}![A red bar](bar.png)\n\nMore text after the picture.\n");
    for standard in ["pdf/ua-1", "pdf/a-2b", "pdf/a-2a"] {
        let r = build(dir.path(), &text, &["--standard", standard]);
        assert_eq!(r.code, 0, "{standard}: {}", r.stderr);
    }
    if !require_tool("pdfinfo") {
        return;
    }
    let pdf = pdfs(dir.path()).pop().expect("a PDF");
    let tree = run_tool("pdfinfo", &["-struct-text", &pdf.to_string_lossy()]);
    let figure = tree.find("Figure").expect("a Figure in the structure");
    let after = tree.find("More text after the picture.").expect("the text after it");
    assert!(figure < after, "the Figure is read in its place:\n{tree}");
}

/// A PDF of `pages` pages, 200 × 100 pt each, drawn in red and blue: a
/// small map as a drawing program exports it.
fn map_pdf(pages: usize) -> Vec<u8> {
    let content = "1 0 0 rg 10 10 180 80 re f 0 0 1 RG 4 w 20 20 m 180 80 l S";
    let mut objs = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            (0..pages).map(|i| format!("{} 0 R", 3 + 2 * i)).collect::<Vec<_>>().join(" ")
        ),
    ];
    for i in 0..pages {
        objs.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents {} 0 R >>",
            4 + 2 * i
        ));
        objs.push(format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()));
    }
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (k, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{o}\nendobj\n", k + 1));
    }
    let xref = out.len();
    out.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1));
    for o in offsets {
        out.push_str(&format!("{o:010} 00000 n \n"));
    }
    out.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objs.len() + 1
    ));
    out.into_bytes()
}

/// The paragraphs of a statement around one picture.
fn around(before: usize, picture: &str, after: usize) -> String {
    let para = "Tenants of the avenue meet on Saturday in front of the office to hand over their demands together, with their neighbours.\n\n";
    format!("{TEXT}{}{picture}\n\n{}", para.repeat(before), para.repeat(after))
}

/// The picture on page `page` of a laid-out document: its box.
fn picture_box(doc: &handbill::pages::Document, page: usize) -> Option<(f32, f32, f32, f32)> {
    doc.pages[page].elements.iter().find_map(|e| match e {
        handbill::pages::Element::Image { x, y, w, h, mark: Some(_), .. } => Some((*x, *y, *w, *h)),
        _ => None,
    })
}

/// Lays out `text` (in `dir`, as `s.md`) with letter-2col and `sets`.
fn typeset(dir: &Path, text: &str, sets: &[&str]) -> handbill::pages::Document {
    let st = handbill::statement::parse(&dir.join("s.md"), text).expect("statement");
    let spec = common::layout("letter-2col", sets);
    handbill::typeset(&st, &spec, common::book(), &handbill::Vars::new()).expect("typeset").0
}

/// Every word is there once, and no line overlaps a picture or runs past
/// its column's foot.
fn nothing_lost_or_overlapping(doc: &handbill::pages::Document, text: &str) {
    let st = handbill::statement::parse(Path::new("s.md"), text).expect("statement");
    // Every word once (a picture moved on is read after the text that
    // filled its page: compared as sets of words).
    let mut want = common::statement_tokens(&st);
    let mut got = common::tokens(&common::joined_text(common::text_lines(doc)));
    want.sort();
    got.sort();
    assert_eq!(got, want);
    for (pi, page) in doc.pages.iter().enumerate() {
        for l in page.lines.iter().filter(|l| common::is_text(l)) {
            assert!(l.y <= page.column_bottom + 0.5, "page {pi}: `{}` below the foot", l.text);
            // (A line's baseline; its top is a body size above.)
            if let Some((x, y, w, h)) = picture_box(doc, pi) {
                let beside = l.x >= x + w || l.x + l.width <= x;
                let clear = l.y < y || l.y - 10.0 > y + h;
                assert!(beside || clear, "page {pi}: `{}` on the picture", l.text);
            }
        }
    }
}

/// `images.span = "auto"`: a landscape photo spans the text width, the
/// text before it balanced in the columns above, the text after it in
/// columns below; a portrait photo keeps to its column; `column` and
/// `page` say so for every picture.
#[test]
fn a_wide_picture_spans_the_columns_between_sections() {
    let dir = temp();
    write(dir.path(), "wide.png", png(1500, 900, [30, 60, 90, 255]));
    write(dir.path(), "tall.png", png(600, 900, [30, 60, 90, 255]));
    let text = around(4, "![A wide photo](wide.png \"The avenue.\")", 6);
    let doc = typeset(dir.path(), &text, &[]);
    nothing_lost_or_overlapping(&doc, &text);
    let page = &doc.pages[0];
    let (x, y, w, h) = picture_box(&doc, 0).expect("the picture on page 1");
    // 1500 px at 150 ppi is 720 pt: set at the text width, 540 pt.
    assert!((x - 36.0).abs() < 0.5 && (w - 540.0).abs() < 0.5, "{x} {w}");
    assert!((h - 540.0 * 0.6).abs() < 0.5, "{h}");
    // Text in both columns above it and below it.
    let lines: Vec<_> =
        page.lines.iter().filter(|l| l.kind == handbill::pages::LineKind::Body).collect();
    for column in [0, 1] {
        assert!(lines.iter().any(|l| l.column == column && l.y < y), "column {column} above");
        assert!(lines.iter().any(|l| l.column == column && l.y > y + h), "column {column} below");
    }
    // The caption spans too: under the picture, lined up with it.
    let caption = page.lines.iter().find(|l| l.text.contains("The avenue.")).expect("caption");
    assert!(caption.y > y + h && (caption.x - 36.0).abs() < 0.5, "{caption:?}");
    // The text above reads across: the first paragraphs, balanced.
    let above = |c: usize| lines.iter().filter(|l| l.column == c && l.y < y).count() as i32;
    assert!((above(0) - above(1)).abs() <= 1, "{} {}", above(0), above(1));

    // A portrait photo gains nothing across the page: its column.
    let tall = around(4, "![A tall photo](tall.png)", 6);
    let (_, _, w, _) = picture_box(&typeset(dir.path(), &tall, &[]), 0).expect("picture");
    assert!(w <= common::layout("letter-2col", &[]).column_width() + 0.5, "{w}");
    // Told to, it spans; told not to, the wide one keeps to its column.
    let doc = typeset(dir.path(), &tall, &["images.span=page"]);
    let (x, _, w, _) = picture_box(&doc, 0).expect("picture");
    assert!((x + w / 2.0 - 306.0).abs() < 0.5, "centred on the page: {x} {w}");
    nothing_lost_or_overlapping(&doc, &tall);
    let doc = typeset(dir.path(), &text, &["images.span=column"]);
    let (_, _, w, _) = picture_box(&doc, 0).expect("picture");
    assert!(w <= common::layout("letter-2col", &[]).column_width() + 0.5, "{w}");
}

/// A wide picture that does not fit under the text on its page goes to
/// the top of the next; nothing is lost or overlaps, on any page, and
/// fitting to one page makes it smaller first.
#[test]
fn a_wide_picture_moves_to_the_next_page_and_fits() {
    let dir = temp();
    write(dir.path(), "wide.png", png(1500, 900, [30, 60, 90, 255]));
    let text = around(20, "![A wide photo](wide.png)", 12);
    let doc = typeset(dir.path(), &text, &[]);
    nothing_lost_or_overlapping(&doc, &text);
    assert!(picture_box(&doc, 0).is_none(), "no room for it on page 1");
    let (_, y, _, _) = picture_box(&doc, 1).expect("at the top of page 2");
    assert!((y - doc.pages[1].column_top).abs() < 0.5, "{y}");
    // One page: the picture is made smaller before the type is.
    let short = around(6, "![A wide photo](wide.png)", 6);
    let doc = typeset(dir.path(), &short, &["fit.pages=1", "fit.min-size=10pt"]);
    assert_eq!(doc.pages.len(), 1);
    nothing_lost_or_overlapping(&doc, &short);
}

/// Read back from the PDF: the spanning picture is stored once at its
/// pixel size, printed 540 pt wide (200 ppi), and the text lies above
/// and below it, in both columns.
#[test]
fn a_spanning_picture_in_the_pdf() {
    if !require_tool("pdfimages") || !require_tool("pdftotext") {
        return;
    }
    let dir = temp();
    write(dir.path(), "s/wide.png", png(1500, 900, [30, 60, 90, 255]));
    let r = build(dir.path(), &around(4, "![A wide photo](wide.png)", 6), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = pdfs(dir.path()).pop().expect("a PDF");
    let list = run_tool("pdfimages", &["-list", pdf.to_str().expect("path")]);
    let row: Vec<&str> = list.lines().nth(2).expect("an image").split_whitespace().collect();
    assert_eq!((row[3], row[4], row[12], row[13]), ("1500", "900", "200", "200"), "{list}");
    // The picture spans 36..576 pt across, its top below page 1's first
    // lines: words in both halves above and below it.
    let bbox = run_tool("pdftotext", &["-bbox", pdf.to_str().expect("path"), "-"]);
    let words: Vec<(f32, f32)> = bbox
        .lines()
        .filter(|l| l.contains("<word"))
        .filter_map(|l| {
            let num = |k: &str| -> Option<f32> {
                let at = l.find(k)? + k.len() + 2;
                l[at..].split('"').next()?.parse().ok()
            };
            Some((num("xMin")?, num("yMin")?))
        })
        .collect();
    let doc = typeset(&dir.path().join("s"), &around(4, "![A wide photo](wide.png)", 6), &[]);
    let (_, y, _, h) = picture_box(&doc, 0).expect("picture");
    for (left, right) in [(0.0, 306.0), (306.0, 612.0)] {
        let half = |x: f32| x >= left && x < right;
        assert!(words.iter().any(|&(x, wy)| half(x) && wy < y), "above, {left}");
        assert!(words.iter().any(|&(x, wy)| half(x) && wy > y + h), "below, {left}");
    }
    assert!(!words.iter().any(|&(_, wy)| wy > y && wy < y + h - 1.0), "a word on the picture");
}

/// A one-page PDF is drawn as vectors in colour; in gray it becomes gray
/// pixels, and the page has no C, M or Y; in the masthead too.
#[test]
fn a_pdf_picture_is_vectors_in_colour_and_gray_on_a_copier() {
    if !require_tool("pdfimages") || !require_tool("gs") || !require_tool("pdftoppm") {
        return;
    }
    let dir = temp();
    write(dir.path(), "s/map.pdf", map_pdf(1));
    write(
        dir.path(),
        "s/flyer.toml",
        "extends = \"letter-2col\"\n[masthead]\nlogo = \"map.pdf\"\nlogo-size = \"0.5in\"\n",
    );
    let text = format!("{TEXT}![A map of the square](map.pdf \"The route\")\n");
    write(dir.path(), "s/statement.md", &text);
    let flyer = ["build", "s/statement.md", "--layout", "s/flyer.toml"];
    let r = run(dir.path(), &[&flyer[..], &["--out", "c.pdf"]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = dir.path().join("c.pdf");
    let list = run_tool("pdfimages", &["-list", c.to_str().expect("path")]);
    assert_eq!(list.lines().count(), 2, "no pixels in colour:\n{list}");
    // Drawn: red in the middle of the map, 200 × 100 pt at its natural size.
    let doc = typeset(&dir.path().join("s"), &text, &[]);
    let (x, y, w, h) = picture_box(&doc, 0).expect("the map");
    assert!((w - 200.0).abs() < 0.5 && (h - 100.0).abs() < 0.5, "{w} {h}");
    let ppm = std::process::Command::new("pdftoppm")
        .args(["-r", "72", "-x", &format!("{}", (x + w / 2.0) as u32)])
        .args(["-y", &format!("{}", (y + h / 3.0) as u32), "-W", "1", "-H", "1"])
        .arg(&c)
        .output()
        .expect("pdftoppm");
    let px = &ppm.stdout[ppm.stdout.len() - 3..];
    assert!(px[0] > 200 && px[1] < 60 && px[2] < 60, "{px:?}");

    let r =
        run(dir.path(), &[&flyer[..], &["--set", "print.color=gray", "--out", "g.pdf"]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let g = dir.path().join("g.pdf");
    let list = run_tool("pdfimages", &["-list", g.to_str().expect("path")]);
    let rows: Vec<&str> = list.lines().skip(2).collect();
    // The map and the logo, each with its mask.
    assert!(rows.len() >= 2, "{list}");
    assert!(rows.iter().all(|l| l.split_whitespace().nth(5) == Some("gray")), "{list}");
    let ink = run_tool("gs", &["-q", "-o", "-", "-sDEVICE=inkcov", g.to_str().expect("path")]);
    let v: Vec<f32> = ink.split_whitespace().take(4).filter_map(|x| x.parse().ok()).collect();
    assert_eq!(&v[..3], &[0.0, 0.0, 0.0], "{ink}");
    // PDF/A forbids other PDFs inside: drawn as pixels, and it passes.
    let r = run(dir.path(), &[&flyer[..], &["--standard", "pdf/a-2b", "--out", "a.pdf"]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// A PDF of two pages, an encrypted one and a broken one each stop the
/// job with one line saying what to do.
#[test]
fn a_pdf_picture_must_be_one_readable_page() {
    let dir = temp();
    write(dir.path(), "s/two.pdf", map_pdf(2));
    let r = build(dir.path(), &format!("{TEXT}![A map](two.pdf)\n"), &[]);
    fails(dir.path(), &r, &["statement.md:8", "has 2 pages", "save the page you want"]);
    let pdf = map_pdf(1);
    write(dir.path(), "s/cut.pdf", &pdf[..pdf.len() / 2]);
    let r = build(dir.path(), &format!("{TEXT}![A map](cut.pdf)\n"), &[]);
    fails(dir.path(), &r, &["statement.md:8", "damaged PDF or cut short", "export"]);
    if !require_tool("qpdf") {
        return;
    }
    write(dir.path(), "s/map.pdf", map_pdf(1));
    let s = dir.path().join("s");
    let status = std::process::Command::new("qpdf")
        .current_dir(&s)
        .args(["--encrypt", "", "owner", "256", "--", "map.pdf", "locked.pdf"])
        .status()
        .expect("qpdf");
    assert!(status.success());
    let r = build(dir.path(), &format!("{TEXT}![A map](locked.pdf)\n"), &[]);
    fails(dir.path(), &r, &["statement.md:8", "encrypted", "without a password"]);
}

/// A picture's own marker wins over `images.span`: `{.wide}` after it
/// spans the columns, `{.column}` keeps it to one; the marker is not
/// printed.
#[test]
fn a_marker_after_a_picture_says_whether_it_spans() {
    let dir = temp();
    write(dir.path(), "wide.png", png(1500, 900, [30, 60, 90, 255]));
    write(dir.path(), "tall.png", png(600, 900, [30, 60, 90, 255]));
    // Where the picture's middle is: the page's (306 pt) when it spans,
    // a column's when not.
    let middle = |picture: &str, sets: &[&str]| {
        let text = around(3, picture, 3);
        let doc = typeset(dir.path(), &text, sets);
        let words = common::joined_text(common::text_lines(&doc));
        assert!(!words.contains('{') && !words.contains(".wide"), "{words}");
        nothing_lost_or_overlapping(&doc, &text);
        let (x, _, w, _) = picture_box(&doc, 0).expect("picture");
        (x + w / 2.0).round()
    };
    let spec = common::layout("letter-2col", &[]);
    let (left, cw) = (spec.page.margin.left, spec.column_width());
    let columns = [left + cw / 2.0, left + cw * 1.5 + spec.page.gutter].map(f32::round);
    assert_eq!(middle("![A tall photo](tall.png){.wide}", &["images.span=column"]), 306.0);
    let m = middle("![A wide photo](wide.png){.column}", &[]);
    assert!(columns.contains(&m), "{m} {columns:?}");
    let captioned = "![A wide photo](wide.png \"The avenue\"){.column}";
    let m = middle(captioned, &["images.span=page"]);
    assert!(columns.contains(&m), "{m} {columns:?}");
}

/// Previews draw a PDF picture too (rasterized): the map's red, in gray.
#[test]
fn previews_draw_pdf_pictures() {
    let dir = temp();
    write(dir.path(), "map.pdf", map_pdf(1));
    let text = format!("{TEXT}![A map of the square](map.pdf)\n");
    let doc = typeset(dir.path(), &text, &[]);
    let (x, y, w, h) = picture_box(&doc, 0).expect("the map");
    let dpi = 36.0;
    let img = handbill::preview::render_page(&doc, 0, common::book(), dpi).expect("preview");
    let k = dpi / 72.0;
    // Luma of pure red, a third of the way down (above the blue line).
    let red = img.get(((x + w / 4.0) * k) as u32, ((y + h / 4.0) * k) as u32);
    assert!(red.abs_diff(54) <= 3, "{red}");
}
