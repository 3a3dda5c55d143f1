//! The footer's QR code: the matrix of `footer.link` and where it goes.
//!
//! The code sits at the right end of the footer area, its dark modules flush
//! with the right and bottom margins; the quiet zone on those two sides lies
//! in the page margins, and on the two sides facing the text it is part of
//! the square [`qr_size`] reserves.

use qrcode::{Color, EcLevel, QrCode};

use crate::error::{Location, Warning};
use crate::spec::{LayoutSpec, PT_PER_MM};

/// Modules of clear space around the code, as the QR standard asks.
pub const QUIET_ZONE: usize = 4;

/// The smallest module a phone camera reads reliably from a copier print.
pub const MIN_MODULE: f32 = 0.5 * PT_PER_MM;

/// The smallest side of the dark area; smaller codes are grown to this, since
/// a code that is hard to find on the page is not scanned.
pub const MIN_SIDE: f32 = 15.0 * PT_PER_MM;

/// A QR code as a square matrix of modules.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    /// Modules per side (quiet zone not included).
    pub width: usize,
    /// Row-major, `true` = dark.
    pub dark: Vec<bool>,
}

impl Matrix {
    /// Encodes `text` with error correction level M; `None` if it is too
    /// long for any QR version.
    pub fn encode(text: &str) -> Option<Matrix> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
        let width = code.width();
        let dark = code.to_colors().into_iter().map(|c| c == Color::Dark).collect();
        Some(Matrix { width, dark })
    }

    /// Whether the module at column `x`, row `y` is dark.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }

    /// The dark modules as horizontal runs `(row, first column, length)`:
    /// one rectangle per run keeps the PDF small.
    pub fn runs(&self) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < self.width && self.is_dark(x, y) {
                        x += 1;
                    }
                    out.push((y, start, x - start));
                } else {
                    x += 1;
                }
            }
        }
        out
    }
}

/// The code a layout asks for, with its module size; `None` when the layout
/// has no QR code (off, no link, or a link too long to encode).
pub fn code(spec: &LayoutSpec) -> Option<(Matrix, f32)> {
    let link = spec.footer.link.trim();
    if !spec.footer.qr || link.is_empty() || spec.footer.text.trim().is_empty() {
        return None;
    }
    let m = Matrix::encode(link)?;
    let module = MIN_MODULE.max(MIN_SIDE / m.width.max(1) as f32);
    Some((m, module))
}

/// The side of the square the QR code takes at the right end of the footer
/// area, bottom at the bottom margin: the code plus its quiet zone towards
/// the text. 0 when the layout has no code.
///
/// Flow shortens the footer's measure by this much and makes the footer at
/// least this tall, so text never runs into the code.
pub fn qr_size(spec: &LayoutSpec) -> f32 {
    code(spec).map_or(0.0, |(m, module)| (m.width + QUIET_ZONE) as f32 * module)
}

/// Problems with the code that do not stop the build: a link too long to
/// encode, a code too wide for the footer, margins too narrow for the quiet
/// zone.
pub fn warnings(spec: &LayoutSpec) -> Vec<Warning> {
    let mut out = Vec::new();
    let at = spec.path.as_ref().map(Location::file).unwrap_or_default();
    let link = spec.footer.link.trim();
    if !spec.footer.qr || link.is_empty() {
        return out;
    }
    let Some((m, module)) = code(spec) else {
        if !spec.footer.text.trim().is_empty() {
            out.push(Warning::new(
                at,
                "`footer.link` is too long for a QR code, so there is none; use a shorter link",
            ));
        }
        return out;
    };
    let p = &spec.page;
    let inner = p.width - p.margin.left - p.margin.right;
    let size = (m.width + QUIET_ZONE) as f32 * module;
    if size > inner / 2.0 {
        out.push(Warning::new(
            at.clone(),
            format!(
                "the QR code of `footer.link` is {:.0} mm wide, more than half the footer; use a shorter link",
                size / PT_PER_MM
            ),
        ));
    }
    let quiet = QUIET_ZONE as f32 * module;
    if p.margin.right < quiet - 0.01 || p.margin.bottom < quiet - 0.01 {
        out.push(Warning::new(
            at,
            format!(
                "the right and bottom margins are narrower than the QR code's quiet zone ({:.1} mm), so it may not scan; widen them",
                quiet / PT_PER_MM
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_exactly_the_dark_modules() {
        let m = Matrix::encode("https://wsws.org/contact")
            .unwrap_or(Matrix { width: 0, dark: Vec::new() });
        assert_eq!(m.width, 25, "version 2 at level M");
        let mut grid = vec![false; m.width * m.width];
        for (y, x, n) in m.runs() {
            for k in x..x + n {
                assert!(!grid[y * m.width + k]);
                grid[y * m.width + k] = true;
            }
        }
        assert_eq!(grid, m.dark);
    }

    #[test]
    fn size_is_zero_when_off_and_modules_are_never_below_half_a_mm() {
        let mut s = LayoutSpec::default();
        assert_eq!(qr_size(&s), 0.0);
        s.footer.qr = true;
        s.footer.link = "https://wsws.org/contact".into();
        assert_eq!(qr_size(&s), 0.0, "no footer text, no footer, no code");
        s.footer.text = "wsws.org/contact".into();
        let size = qr_size(&s);
        assert!(size > MIN_SIDE, "{size}");
        s.footer.link = format!("https://wsws.org/{}", "a".repeat(1000));
        s.page.width = 105.0 * PT_PER_MM;
        let (m, module) = code(&s).unwrap_or((Matrix { width: 0, dark: Vec::new() }, 0.0));
        assert!(m.width > 50);
        assert!(module >= MIN_MODULE);
        assert!(!warnings(&s).is_empty(), "a long link makes a code too wide");
    }
}
