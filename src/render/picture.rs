//! Pictures on the page, in the layout's color mode: in colour a JPEG is
//! embedded as it is (no re-encoding), an SVG drawn as vectors and a PDF
//! page embedded as vectors; in gray every picture becomes DeviceGray
//! pixels and in CMYK DeviceCMYK, so that a copier or a press gets only
//! the inks the layout promised (an embedded PDF page would keep its own
//! colours, so there it is drawn as pixels too).

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use krilla::geom::{Size, Transform};
use krilla::image::{BitsPerComponent, CustomImage, Image, ImageColorspace};
use krilla::surface::Surface;
use krilla_svg::{SurfaceExt, SvgSettings};

use crate::picture::{self, Format, Picture};
use crate::spec::ColorMode;

/// The resolution an SVG or PDF is rasterized at for gray and CMYK pages.
const SVG_RASTER_PPI: f32 = 300.0;

/// Converted pixels, hashed by the picture's file and the conversion (so
/// the same picture on several pages is written once).
#[derive(Clone)]
struct Converted {
    key: u64,
    size: (u32, u32),
    space: ImageColorspace,
    color: Arc<Vec<u8>>,
    alpha: Option<Arc<Vec<u8>>>,
}

impl Hash for Converted {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
        self.size.hash(state);
    }
}

impl CustomImage for Converted {
    fn color_channel(&self) -> &[u8] {
        &self.color
    }
    fn alpha_channel(&self) -> Option<&[u8]> {
        self.alpha.as_deref().map(Vec::as_slice)
    }
    fn bits_per_component(&self) -> BitsPerComponent {
        BitsPerComponent::Eight
    }
    fn size(&self) -> (u32, u32) {
        self.size
    }
    fn icc_profile(&self) -> Option<&[u8]> {
        None
    }
    fn color_space(&self) -> ImageColorspace {
        self.space
    }
}

/// Converts RGBA pixels to gray or CMYK (naive, no profile).
fn convert(pic: &Picture, rgba: &[u8], size: (u32, u32), mode: ColorMode) -> Option<Image> {
    // krilla insists on the exact length (a JPEG that failed to decode
    // after all is left out rather than written wrong).
    if rgba.len() != size.0 as usize * size.1 as usize * 4 {
        return None;
    }
    let mut h = rustc_hash::FxHasher::default();
    pic.bytes.hash(&mut h);
    (mode as u8).hash(&mut h);
    let (space, color): (ImageColorspace, Vec<u8>) = match mode {
        ColorMode::Cmyk => (
            ImageColorspace::Cmyk,
            rgba.chunks_exact(4)
                .flat_map(|p| {
                    let (r, g, b) = (f32::from(p[0]), f32::from(p[1]), f32::from(p[2]));
                    let k = 255.0 - r.max(g).max(b);
                    let d = (255.0 - k).max(1e-3);
                    let c = |v: f32| ((255.0 - v - k) / d * 255.0).round().clamp(0.0, 255.0) as u8;
                    [c(r), c(g), c(b), k.round() as u8]
                })
                .collect(),
        ),
        _ => (
            ImageColorspace::Luma,
            rgba.chunks_exact(4).map(|p| picture::luma(p[0], p[1], p[2])).collect(),
        ),
    };
    let alpha = rgba
        .chunks_exact(4)
        .any(|p| p[3] != 255)
        .then(|| Arc::new(rgba.chunks_exact(4).map(|p| p[3]).collect::<Vec<u8>>()));
    let img = Converted { key: h.finish(), size, space, color: Arc::new(color), alpha };
    // No /Interpolate: PDF/A forbids it, and at print resolution (150 ppi
    // and up) nothing needs smoothing.
    Image::from_custom(img, false).ok()
}

/// Draws `pic` into the box at (`x`, `y`), `w` × `h` points. A PDF page
/// is embedded as it is only where `embed_pdf` (PDF/A and PDF/UA forbid
/// other PDFs inside, as krilla cannot vouch for them).
pub(super) fn draw_picture(
    s: &mut Surface,
    pic: &Picture,
    (x, y, w, h): (f32, f32, f32, f32),
    mode: ColorMode,
    embed_pdf: bool,
) {
    let Some(size) = Size::from_wh(w, h) else { return };
    s.push_transform(&Transform::from_translate(x, y));
    let raster_at = |k: f32| ((w * k).ceil().max(1.0) as u32, (h * k).ceil().max(1.0) as u32);
    // Each conversion is made once per picture and size, and kept with the
    // picture: a batch's jobs (and a picture used twice) reuse it.
    let key = |size: (u32, u32)| {
        let mut k = rustc_hash::FxHasher::default();
        (mode as u8, size).hash(&mut k);
        k.finish()
    };
    let img = match (pic.format, mode) {
        (Format::Pdf, ColorMode::Color) => match &pic.pdf {
            Some(pdf) if embed_pdf && pdf.embeddable => {
                s.draw_pdf_page(&pdf.doc, size, 0);
                None
            }
            _ => {
                let (pw, ph) = raster_at(SVG_RASTER_PPI / 72.0);
                pic.drawn(key((pw, ph)), || {
                    let px = picture::raster(pic, pw, ph);
                    (px.len() == pw as usize * ph as usize * 4)
                        .then(|| Image::from_rgba8(px, pw, ph))
                })
            }
        },
        (Format::Svg, ColorMode::Color) => {
            if let Some(tree) = &pic.svg {
                s.draw_svg(tree, size, SvgSettings::default());
            }
            None
        }
        (Format::Svg | Format::Pdf, _) => {
            let (pw, ph) = raster_at(SVG_RASTER_PPI / 72.0);
            pic.drawn(key((pw, ph)), || convert(pic, &picture::raster(pic, pw, ph), (pw, ph), mode))
        }
        (Format::Jpeg, ColorMode::Color) => pic.drawn(key((0, 0)), || {
            let data: Arc<dyn AsRef<[u8]> + Send + Sync> = pic.bytes.clone();
            Image::from_jpeg(data.into(), false).ok()
        }),
        (_, ColorMode::Color) => pic.drawn(key((0, 0)), || {
            Some(Image::from_rgba8(pic.pixels().to_vec(), pic.width, pic.height))
        }),
        _ => pic.drawn(key((0, 0)), || convert(pic, pic.pixels(), (pic.width, pic.height), mode)),
    };
    if let Some(img) = img {
        s.draw_image(img, size);
    }
    s.pop();
}
