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
    assert!(pdfs(dir).is_empty(), "a PDF was written: {:?}", pdfs(dir));
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
