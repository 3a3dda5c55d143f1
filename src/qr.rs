//! QR codes: a text becomes a matrix of modules, and the size a module
//! must have to scan from a copier print.
//!
//! Where the footer's code goes on the page is the layout's business: see
//! [`crate::spec::QrCode`].

use qrcode::{Color, EcLevel, QrCode};

use crate::spec::PT_PER_MM;

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

    /// The side of one module: at least [`MIN_MODULE`], and more for a
    /// small code, so that the dark area is at least [`MIN_SIDE`].
    pub fn module(&self) -> f32 {
        MIN_MODULE.max(MIN_SIDE / self.width.max(1) as f32)
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
    fn small_codes_grow_and_large_ones_keep_half_a_mm_modules() {
        let small = Matrix { width: 25, dark: Vec::new() };
        assert_eq!(small.module(), MIN_SIDE / 25.0);
        let large = Matrix { width: 45, dark: Vec::new() };
        assert_eq!(large.module(), MIN_MODULE);
    }
}
