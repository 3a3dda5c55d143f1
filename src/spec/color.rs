//! Colours as values: a layout's hex colours are parsed once, here, and
//! later stages read the channels and the measures below instead of text.

use std::fmt;

/// An sRGB colour, 8 bits a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
}

impl Rgb {
    /// Parses `#rrggbb` or `#rgb` (any case, spaces around ignored);
    /// `None` for anything else.
    pub fn parse(s: &str) -> Option<Rgb> {
        let hex = s.trim().strip_prefix('#')?;
        if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let digit = |i: usize| u8::from_str_radix(hex.get(i..=i)?, 16).ok();
        let channel = |i: usize| match hex.len() {
            // `#c00` is `#cc0000`: each digit stands for two.
            3 => digit(i).map(|d| d * 17),
            6 => Some(digit(2 * i)? * 16 + digit(2 * i + 1)?),
            _ => None,
        };
        Some(Rgb { r: channel(0)?, g: channel(1)?, b: channel(2)? })
    }

    /// Perceived lightness, 0 = black .. 1 = white (Rec. 709 weights on
    /// the encoded values, which is what a gray of "the same lightness" on
    /// a copier needs).
    pub fn luminance(self) -> f32 {
        (0.2126 * f32::from(self.r) + 0.7152 * f32::from(self.g) + 0.0722 * f32::from(self.b))
            / 255.0
    }

    /// Whether text set on this colour prints white rather than black.
    pub fn is_dark(self) -> bool {
        self.luminance() < 0.5
    }

    /// Contrast ratio (WCAG, 1..21) of text on a band of this colour: white
    /// text on a dark band, black on a light one, as render draws it.
    pub fn text_contrast(self) -> f32 {
        let lin = |c: u8| {
            let c = f32::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let l = 0.2126 * lin(self.r) + 0.7152 * lin(self.g) + 0.0722 * lin(self.b);
        if self.is_dark() {
            1.05 / (l + 0.05)
        } else {
            (l + 0.05) / 0.05
        }
    }
}

/// `#rrggbb`, lower case.
impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(s: &str) -> String {
        Rgb::parse(s).map_or_else(|| "none".to_string(), |c| c.to_string())
    }

    #[test]
    fn parses_six_and_three_digits_only() {
        assert_eq!(Rgb::parse("#cc0000"), Some(Rgb { r: 204, g: 0, b: 0 }));
        assert_eq!(show("#C00"), "#cc0000");
        assert_eq!(show(" #1a2B3c "), "#1a2b3c");
        assert_eq!(show("#fff"), "#ffffff");
        for bad in ["cc0000", "#cc000", "#cc00000", "#ggg", "red", "#", "", "#+1f", "#é0"] {
            assert_eq!(show(bad), "none", "{bad:?}");
        }
    }

    #[test]
    fn lightness_and_contrast() {
        let black = Rgb { r: 0, g: 0, b: 0 };
        let white = Rgb { r: 255, g: 255, b: 255 };
        let red = Rgb { r: 204, g: 0, b: 0 };
        let mid = Rgb { r: 127, g: 127, b: 127 };
        assert_eq!((black.luminance(), white.luminance()), (0.0, 1.0));
        assert_eq!((black.is_dark(), white.is_dark(), red.is_dark()), (true, false, true));
        // White text on black, black text on white: the full 21:1.
        assert_eq!(
            format!("{:.1} {:.1}", black.text_contrast(), white.text_contrast()),
            "21.0 21.0"
        );
        // White on the party red reads; either ink on mid gray does not.
        assert_eq!(format!("{:.1}", red.text_contrast()), "5.9");
        assert_eq!(format!("{:.1}", mid.text_contrast()), "4.0");
    }
}
