//! Print production: sheet sizes and boxes read back from the PDF, n-up
//! imposition, crop marks, copier-safe gray, and the QR code.

mod common;

use std::process::Command;

use common::{book, layout, load, read_pgm, require_tool, statements};
use handbill::impose::{self, Area};
use handbill::qr::{self, Matrix};
use handbill::render::{self, RenderOptions};

const STATEMENT: &str = "statements/2026-01-22-general-strike-against-ice.md";

struct Built {
    pdf: Vec<u8>,
    document: handbill::pages::Document,
    spec: handbill::spec::LayoutSpec,
    warnings: Vec<handbill::Warning>,
}

/// Builds the statement with a layout; the PDF is written uncompressed so
/// the test can read its content.
fn build(name: &str, set: &[&str]) -> Built {
    let st = load(STATEMENT);
    let spec = layout(name, set);
    let out = handbill::build(&st, &spec, book(), &handbill::Vars::new()).expect("builds");
    let (pdf, _) = render::render_with(
        &out.document,
        &spec,
        book(),
        &RenderOptions { compress: false, ..RenderOptions::default() },
    )
    .expect("renders");
    Built { pdf, document: out.document, spec, warnings: out.warnings }
}

/// Every `/NAME [a b c d]` in the file, in order (one per page).
fn boxes(pdf: &[u8], name: &str) -> Vec<[f32; 4]> {
    let text = String::from_utf8_lossy(pdf);
    let key = format!("/{name}");
    let mut out = Vec::new();
    let mut rest = &text[..];
    while let Some(i) = rest.find(&key) {
        rest = rest[i + key.len()..].trim_start().trim_start_matches('[');
        let end = rest.find(']').unwrap_or(0);
        let v: Vec<f32> = rest[..end].split_whitespace().filter_map(|n| n.parse().ok()).collect();
        assert_eq!(v.len(), 4, "{name}: {}", &rest[..end]);
        out.push([v[0], v[1], v[2], v[3]]);
    }
    out
}

fn close(a: [f32; 4], b: [f32; 4]) -> bool {
    a.iter().zip(b).all(|(x, y)| (x - y).abs() < 0.02)
}

#[test]
fn half_letter_two_up_fills_letter_sheets() {
    let b = build("half-letter-2up", &[]);
    let n = b.document.pages.len();
    assert!(n >= 2);
    let media = boxes(&b.pdf, "MediaBox");
    let trim = boxes(&b.pdf, "TrimBox");
    // One sheet side per leaflet page, each the size of the sheet.
    assert_eq!(media.len(), n);
    assert_eq!(trim.len(), n);
    for (m, t) in media.iter().zip(&trim) {
        assert!(close(*m, [0.0, 0.0, 612.0, 792.0]), "{m:?}");
        assert!(close(*t, *m), "TrimBox is the sheet: {t:?}");
    }
    let sides = impose::impose(n, b.spec.page.width, b.spec.page.height, &b.spec).expect("imposed");
    for (i, side) in sides.iter().enumerate() {
        assert_eq!(side.placements.len(), 2);
        assert!(side.placements.iter().all(|p| p.page == i), "step and repeat");
    }
}

#[test]
fn a6_four_up_on_a4() {
    let b = build("a6-4up", &[]);
    let media = boxes(&b.pdf, "MediaBox");
    assert_eq!(media.len(), b.document.pages.len());
    let a4 = [0.0, 0.0, 210.0 * 72.0 / 25.4, 297.0 * 72.0 / 25.4];
    assert!(media.iter().all(|m| close(*m, a4)), "{media:?}");
    let sides = impose::impose(media.len(), b.spec.page.width, b.spec.page.height, &b.spec)
        .expect("imposed");
    assert!(sides.iter().all(|s| s.placements.len() == 4));
}

#[test]
fn bleed_and_crop_marks_grow_the_media_box() {
    let b = build("letter-2col", &["page.bleed=\"9pt\"", "print.crop-marks=true"]);
    let n = b.document.pages.len();
    let off = 9.0 + render::MARK_ROOM;
    let media = boxes(&b.pdf, "MediaBox");
    let trim = boxes(&b.pdf, "TrimBox");
    let bleed = boxes(&b.pdf, "BleedBox");
    assert_eq!((media.len(), trim.len(), bleed.len()), (n, n, n));
    let r = render::MARK_ROOM;
    for i in 0..n {
        let (w, h) = (612.0 + 2.0 * off, 792.0 + 2.0 * off);
        assert!(close(media[i], [0.0, 0.0, w, h]), "{:?}", media[i]);
        assert!(close(trim[i], [off, off, 612.0 + off, 792.0 + off]), "{:?}", trim[i]);
        assert!(close(bleed[i], [r, r, w - r, h - r]), "{:?}", bleed[i]);
    }
    // Crop marks sit outside the bleed and inside the media box.
    let t = Area { x: off, y: off, w: 612.0, h: 792.0 };
    let marks = render::crop_marks(&t, 9.0 + render::MARK_OFFSET, r - render::MARK_OFFSET - 0.5);
    assert_eq!(marks.len(), 8);
    let (bl, bt, br, bb) = (t.x - 9.0, t.y - 9.0, t.x + t.w + 9.0, t.y + t.h + 9.0);
    for (x0, y0, x1, y1) in marks {
        let outside = |x: f32, y: f32| x < bl || x > br || y < bt || y > bb;
        assert!(outside(x0, y0) && outside(x1, y1), "mark in the bleed");
        // On a trim line's extension.
        assert!(x0 == x1 || y0 == y1);
        for (x, y) in [(x0, y0), (x1, y1)] {
            assert!(x >= 0.0 && y >= 0.0 && x <= 612.0 + 2.0 * off && y <= 792.0 + 2.0 * off);
        }
    }
    // Hairlines in the content.
    assert!(String::from_utf8_lossy(&b.pdf).contains("0.25 w"));
}

#[test]
fn gray_mode_uses_black_ink_only() {
    if !require_tool("gs") {
        return;
    }
    let b = build(
        "letter-1sheet",
        &["masthead.background=\"#cc0000\"", "print.crop-marks=true", "page.bleed=\"9pt\""],
    );
    let dir = common::temp();
    let file = dir.path().join("gray.pdf");
    std::fs::write(&file, &b.pdf).expect("write");
    let out = Command::new("gs")
        .args(["-q", "-o", "-", "-sDEVICE=inkcov"])
        .arg(&file)
        .output()
        .expect("gs runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("CMYK")).collect();
    assert_eq!(lines.len(), b.document.pages.len(), "{text}");
    for l in &lines {
        let v: Vec<&str> = l.split_whitespace().collect();
        assert_eq!(&v[..3], ["0.00000", "0.00000", "0.00000"], "colored ink: {l}");
    }
    // The band is there: page 1 takes clearly more black than page 2.
    let k = |l: &str| l.split_whitespace().nth(3).and_then(|v| v.parse::<f32>().ok());
    assert!(k(lines[0]) > k(lines[1]), "{text}");
}

/// Renders a matrix with its quiet zone to a grayscale bitmap and decodes it.
fn decode(m: &Matrix, scale: usize) -> Option<String> {
    let q = qr::QUIET_ZONE;
    let side = (m.width + 2 * q) * scale;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
        let (mx, my) = ((x / scale) as isize - q as isize, (y / scale) as isize - q as isize);
        let dark = mx >= 0 && my >= 0 && m.is_dark(mx as usize, my as usize);
        if dark {
            0
        } else {
            255
        }
    });
    let grids = img.detect_grids();
    grids.first()?.decode().ok().map(|(_, s)| s)
}

#[test]
fn qr_code_decodes_back_to_the_link() {
    for url in
        ["https://wsws.org/contact", "https://www.wsws.org/en/special/pages/sep/us/home.html"]
    {
        let m = Matrix::encode(url).expect("encodes");
        assert_eq!(decode(&m, 4).as_deref(), Some(url));
    }
}

/// The code as drawn in the PDF decodes too, for every statement on both
/// one-sheet flyers (needs poppler's pdftoppm).
#[test]
fn qr_code_in_the_pdf_decodes() {
    if !require_tool("pdftoppm") {
        return;
    }
    let tmp = common::temp();
    let dir = tmp.path();
    for path in statements() {
        let st = load(&path);
        for id in ["letter-1sheet", "a4-1sheet"] {
            // The layout as this statement prints it: its contact's code.
            let (spec, _) =
                handbill::vars::for_job(&layout(id, &[]), &[&st], &handbill::Vars::new())
                    .expect("the contact fills the footer");
            assert!(spec.footer.qr_room() > 0.0);
            let out = handbill::build(&st, &spec, book(), &handbill::Vars::new()).expect("builds");
            let file = dir.join("qr.pdf");
            std::fs::write(&file, &out.pdf).expect("write");
            let last = out.document.pages.len().to_string();
            let status = Command::new("pdftoppm")
                .args(["-r", "150", "-gray", "-f", &last, "-l", &last, "-singlefile"])
                .arg(&file)
                .arg(dir.join("p"))
                .status()
                .expect("pdftoppm runs");
            assert!(status.success());
            let pgm = std::fs::read(dir.join("p.pgm")).expect("image");
            let (w, h, pixels) = read_pgm(&pgm).expect("a P5 image");
            // The bottom right corner of the page, where the code is: the
            // detector wants the code, not a page of text.
            let (x0, y0) = (w * 3 / 4, h * 4 / 5);
            let mut img = rqrr::PreparedImage::prepare_from_greyscale(w - x0, h - y0, |x, y| {
                pixels[(y + y0) * w + x + x0]
            });
            let found: Vec<String> =
                img.detect_grids().iter().filter_map(|g| g.decode().ok().map(|(_, s)| s)).collect();
            assert_eq!(found, vec![spec.footer.link.clone()], "{} × {id}", st.name);
        }
    }
}

#[test]
fn a_qr_code_without_room_is_a_warning() {
    // Footer on every page of full pages of text: the code covers text
    // unless the footer makes room for it.
    let b = build(
        "letter-2col",
        &["footer.qr=true", "footer.text=wsws.org/contact", "footer.link=https://wsws.org/contact"],
    );
    let size = b.spec.footer.qr_room();
    assert!(size >= 29.0 * 0.5 * 72.0 / 25.4);
    let room = b
        .document
        .pages
        .iter()
        .all(|p| p.height - b.spec.page.margin.bottom - p.column_bottom >= size - 0.5);
    let warned = b.warnings.iter().any(|w| w.message.contains("QR code covers text"));
    assert!(room || warned, "{:?}", b.warnings);
}
