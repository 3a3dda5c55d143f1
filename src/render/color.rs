//! Paints: inks, bands and marks in the layout's color mode.

use krilla::color::{cmyk, luma, rgb};
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, FillRule, Paint};

use crate::pages::Ink;
use crate::spec::{ColorMode, Rgb};

/// Maps an ink to a paint for the layout's color mode.
pub(super) fn paint(ink: Ink, mode: ColorMode) -> Paint {
    match (ink, mode) {
        (Ink::Black, ColorMode::Cmyk) => cmyk::Color::new(0, 0, 0, 255).into(),
        (Ink::Black, _) => luma::Color::black().into(),
        (Ink::Gray(v), ColorMode::Cmyk) => cmyk::Color::new(0, 0, 0, 255 - v).into(),
        (Ink::Gray(v), _) => luma::Color::new(v).into(),
        // Links and accents print black on a copier: a gray would be
        // dithered and read worse.
        (Ink::Accent(..), ColorMode::Gray) => luma::Color::black().into(),
        (Ink::Accent(r, g, b), ColorMode::Color) => rgb::Color::new(r, g, b).into(),
        (Ink::Accent(r, g, b), ColorMode::Cmyk) => to_cmyk(r, g, b).into(),
    }
}

/// A naive RGB to CMYK conversion (no profile): enough for accents.
fn to_cmyk(r: u8, g: u8, b: u8) -> cmyk::Color {
    let (r, g, b) = (f32::from(r) / 255.0, f32::from(g) / 255.0, f32::from(b) / 255.0);
    let k = 1.0 - r.max(g).max(b);
    let d = (1.0 - k).max(1e-6);
    let c = |v: f32| (((1.0 - v - k) / d) * 255.0).round().clamp(0.0, 255.0) as u8;
    cmyk::Color::new(c(r), c(g), c(b), (k * 255.0).round() as u8)
}

/// The paint of a background band: in gray mode a gray of the same
/// lightness, so a red band stays a dark band on a copier.
pub(super) fn band_paint(c: Rgb, mode: ColorMode) -> Paint {
    match mode {
        ColorMode::Gray => luma::Color::new((c.luminance() * 255.0).round() as u8).into(),
        ColorMode::Color => rgb::Color::new(c.r, c.g, c.b).into(),
        ColorMode::Cmyk => to_cmyk(c.r, c.g, c.b).into(),
    }
}

/// Crop and cut marks: registration black (all inks, so they show on every
/// plate), or plain black in gray mode.
pub(super) fn mark_paint(mode: ColorMode) -> Paint {
    match mode {
        ColorMode::Gray => luma::Color::black().into(),
        _ => cmyk::Color::new(255, 255, 255, 255).into(),
    }
}

/// A fill of `ink`.
pub(super) fn fill(ink: Ink, mode: ColorMode) -> Fill {
    fill_with(paint(ink, mode))
}

/// A plain fill (non-zero winding, opaque).
pub(super) fn fill_with(paint: Paint) -> Fill {
    Fill { paint, opacity: NormalizedF32::ONE, rule: FillRule::NonZero }
}
