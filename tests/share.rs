//! Images to share (`--share`): their sizes in pixels and bytes, colour,
//! a QR code that still scans, and text as sharp as poppler draws the PDF
//! at the same scale.

mod common;

use std::process::Command;

use common::{book, read_pgm, require_tool, BIN};
use handbill::pages::LineKind;
use handbill::share::{self, RgbImage};
use handbill::spec::ShareSize;
use handbill::{spec, statement, Vars};

/// A colour layout with a masthead band and a footer with a QR code.
const LAYOUT: &str = r##"extends = "letter-2col"
[masthead]
background = "#b71c1c"
[footer]
text = "Contact us: wsws.org/contact"
link = "https://wsws.org/contact"
qr = true
"##;

/// The most bytes an image to share may take: sent over a phone network.
const MAX_BYTES: usize = 400_000;

fn png_size(bytes: &[u8]) -> (u32, u32) {
    // IHDR: width and height, big-endian, after the signature and chunk head.
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (be(16), be(20))
}

#[test]
fn build_share_writes_each_size_next_to_the_pdf() {
    let dir = tempfile::tempdir().expect("temp");
    let layout = dir.path().join("red.toml");
    std::fs::write(&layout, LAYOUT).expect("layout");
    let statement = common::root("statements/2026-01-22-general-strike-against-ice.md");
    let out = dir.path().join("out");
    let o = Command::new(BIN)
        .arg("build")
        .arg(&statement)
        .arg("--layout")
        .arg(&layout)
        .arg("--out")
        .arg(&out)
        .arg("--share")
        .output()
        .expect("handbill runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let name = "2026-01-22-general-strike-against-ice-red";
    let mut sizes = Vec::new();
    for (file, want) in [
        (format!("{name}-share-1.png"), (1080, 1350)),
        (format!("{name}-share-2.png"), (1080, 1350)),
        (format!("{name}-share-square.png"), (1080, 1080)),
    ] {
        let bytes = std::fs::read(out.join(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(png_size(&bytes), want, "{file}");
        assert!(bytes.len() < MAX_BYTES, "{file} takes {} bytes", bytes.len());
        sizes.push(format!("{file}: {} bytes", bytes.len()));
    }
    eprintln!("{}", sizes.join("\n"));
    // Two pages: no third portrait image, and only the sizes asked for.
    assert!(!out.join(format!("{name}-share-3.png")).exists());
    let o = Command::new(BIN)
        .arg("build")
        .arg(&statement)
        .args(["--layout", "letter-2col", "--set", "share.sizes=[\"story\"]", "--share", "--out"])
        .arg(&out)
        .output()
        .expect("handbill runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let story = std::fs::read(
        out.join("2026-01-22-general-strike-against-ice-letter-2col-share-story-1.png"),
    )
    .expect("story");
    assert_eq!(png_size(&story), (1080, 1920));
    assert!(!out.join("2026-01-22-general-strike-against-ice-letter-2col-share-1.png").exists());
}

/// Page 1 of the flyer in the colour layout, laid out and drawn at `size`.
fn page_one(size: ShareSize) -> (handbill::Output, spec::LayoutSpec, RgbImage) {
    let st = statement::load(&common::root("statements/2026-01-22-general-strike-against-ice.md"))
        .expect("statement");
    let sp = spec::load_str("red.toml", LAYOUT, &[]).expect("layout");
    let out = handbill::build(&st, &sp, book(), &Vars::new()).expect("build");
    let img = share::draw_image(&out.document, 0, &sp, book(), size).expect("draw");
    (out, sp, img)
}

#[test]
fn colours_and_the_qr_code_are_kept() {
    let (_, sp, img) = page_one(ShareSize::Portrait);
    let at = share::placement(ShareSize::Portrait, 612.0, 792.0);
    // The band is red, the ground around the page gray, the page white.
    assert_eq!(img.get(at.x as u32 + 5, 5), [0xb7, 0x1c, 0x1c]);
    assert_eq!(img.get(2, 700), [228, 228, 228]);
    // The code scans from the image, as a phone would read it off a screen.
    let code = sp.footer.qr_code.as_ref().expect("the layout has a QR code");
    // What a phone sees of it: the code with its quiet zone, enlarged.
    let luma = img.luma();
    let module = share::qr_module_pixels(code, at);
    let right = (at.x + (code.x + code.side) * at.scale) as usize;
    let bottom = (at.y + (code.y + code.side) * at.scale) as usize;
    let side = (module as usize) * (code.matrix.width + 8);
    let (x0, y0) = (right + 4 * module as usize - side, bottom + 4 * module as usize - side);
    let zoom = 4;
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(side * zoom, side * zoom, |x, y| {
            luma[(y0 + y / zoom) * img.width as usize + x0 + x / zoom]
        });
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    let (_, text) = grids[0].decode().expect("the QR code decodes");
    assert_eq!(text, sp.footer.link);
    // Its modules are whole pixels, at least two across.
    assert!(module >= 2.0, "{module} px");
}

/// Compares a text line of the image with poppler's drawing of the PDF at
/// the same scale: the same pixels, give or take anti-aliasing.
#[test]
fn text_lines_are_as_sharp_as_pdftoppm_draws_them() {
    let (out, _, img) = page_one(ShareSize::Portrait);
    if !require_tool("pdftoppm") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp");
    let pdf = dir.path().join("s.pdf");
    std::fs::write(&pdf, &out.pdf).expect("write pdf");
    let at = share::placement(ShareSize::Portrait, 612.0, 792.0);
    let dpi = at.scale * 72.0;
    let status = Command::new("pdftoppm")
        .args(["-r", &format!("{dpi}"), "-gray", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(dir.path().join("ref"))
        .status()
        .expect("pdftoppm runs");
    assert!(status.success());
    let pgm = std::fs::read(dir.path().join("ref.pgm")).expect("pgm");
    let (rw, rh, reference) = read_pgm(&pgm).expect("pgm");
    let luma = img.luma();
    let page = &out.document.pages[0];
    let footer = page.lines.iter().find(|l| l.kind == LineKind::Footer).expect("a footer");
    let body = page.lines.iter().find(|l| l.kind == LineKind::Body).expect("a body line");
    for line in [footer, body] {
        // The line's box: from a cap height above the baseline to below
        // the descenders.
        let s = at.scale;
        let (x0, x1) = ((line.x * s) as usize, ((line.x + line.natural) * s) as usize);
        let (y0, y1) = (((line.y - 9.0) * s) as usize, ((line.y + 3.0) * s) as usize);
        let (mut sum, mut close, mut n, mut ink) = (0u64, 0usize, 0usize, 0usize);
        for y in y0..y1.min(rh) {
            for x in x0..x1.min(rw) {
                let ours = luma[y * img.width as usize + x + at.x as usize];
                let theirs = reference[y * rw + x];
                let d = i32::from(ours).abs_diff(i32::from(theirs));
                sum += u64::from(d);
                close += usize::from(d <= 64);
                ink += usize::from(ours < 128);
                n += 1;
            }
        }
        let mean = sum as f64 / n as f64;
        let share = close as f64 / n as f64;
        eprintln!(
            "{:?} line {:?}: mean difference {mean:.2}/255, {:.1} % within 64",
            line.kind,
            line.text,
            share * 100.0
        );
        assert!(ink > n / 50, "the line has ink: {ink} of {n}");
        assert!(mean < 16.0, "{:?}: mean difference {mean:.2}", line.text);
        assert!(share > 0.95, "{:?}: only {:.1} % within 64 levels", line.text, share * 100.0);
    }
}
