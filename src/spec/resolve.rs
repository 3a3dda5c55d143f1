//! What later stages would otherwise work out from several keys, worked out
//! once after validation: the masthead's band and the footer's QR code, with
//! where each goes on the page. Render draws these as they are.

use super::{Band, FooterSpec, LayoutSpec, PageSpec, QrCode, PT_PER_MM};
use crate::error::{Location, Warning};
use crate::qr::{Matrix, QUIET_ZONE};

impl LayoutSpec {
    /// Works out the resolved fields ([`MastheadSpec::band`](super::MastheadSpec::band),
    /// [`FooterSpec::qr_code`], [`FooterSpec::qr_warnings`]) from the keys.
    ///
    /// Loading a layout does this; call it again after changing a spec's
    /// page, masthead or footer by hand.
    pub fn resolve(&mut self) {
        self.masthead.band = self.masthead.background.map(|color| {
            let bleed = self.page.bleed;
            Band {
                color,
                // From the top of the bleed (or the trim edge without bleed),
                // full width plus bleed on both sides.
                x: -bleed,
                y: -bleed,
                width: self.page.width + 2.0 * bleed,
                // The masthead ends with a rule and a line of air; the band
                // stops a little below the rule, so the first line of text
                // stays clear of it.
                air: self.body.leading * 0.4,
                white_text: color.is_dark(),
            }
        });
        self.footer.qr_code = qr_code(&self.footer, &self.page);
        let at = self.location();
        self.footer.qr_warnings =
            qr_warnings(&self.footer, self.footer.qr_code.as_ref(), &self.page, at);
    }
}

/// The code the footer asks for; `None` when there is none (off, no link,
/// no footer text, or a link too long to encode).
fn qr_code(footer: &FooterSpec, page: &PageSpec) -> Option<QrCode> {
    if !footer.qr || footer.link.is_empty() || footer.text.trim().is_empty() {
        return None;
    }
    let matrix = Matrix::encode(&footer.link)?;
    let module = matrix.module();
    let side = matrix.width as f32 * module;
    let right = page.width - page.margin.right;
    let bottom = page.height - page.margin.bottom;
    Some(QrCode {
        x: right - side,
        y: bottom - side,
        side,
        right,
        bottom,
        quiet: QUIET_ZONE as f32 * module,
        room: (matrix.width + QUIET_ZONE) as f32 * module,
        module,
        matrix,
    })
}

/// Problems with the code that do not stop the build: a link too long to
/// encode, a code too wide for the footer, margins too narrow for the quiet
/// zone.
fn qr_warnings(
    footer: &FooterSpec,
    code: Option<&QrCode>,
    page: &PageSpec,
    at: Location,
) -> Vec<Warning> {
    let mut out = Vec::new();
    if !footer.qr || footer.link.is_empty() {
        return out;
    }
    let Some(code) = code else {
        if !footer.text.trim().is_empty() {
            out.push(Warning::new(
                at,
                "`footer.link` is too long for a QR code, so there is none; use a shorter link",
            ));
        }
        return out;
    };
    let inner = page.width - page.margin.left - page.margin.right;
    if code.room > inner / 2.0 {
        out.push(Warning::new(
            at.clone(),
            format!(
                "the QR code of `footer.link` is {:.0} mm wide, more than half the footer; use a shorter link",
                code.room / PT_PER_MM
            ),
        ));
    }
    if page.margin.right < code.quiet - 0.01 || page.margin.bottom < code.quiet - 0.01 {
        out.push(Warning::new(
            at,
            format!(
                "the right and bottom margins are narrower than the QR code's quiet zone ({:.1} mm), so it may not scan; widen them",
                code.quiet / PT_PER_MM
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::qr::{MIN_MODULE, MIN_SIDE};
    use crate::spec::{load_str, Band, LayoutSpec, Rgb, PT_PER_MM};

    fn layout(text: &str) -> LayoutSpec {
        load_str("t.toml", text, &[]).unwrap_or_else(|e| panic!("{e}"))
    }

    fn messages(s: &LayoutSpec) -> Vec<String> {
        s.footer.qr_warnings.iter().map(|w| w.message.clone()).collect()
    }

    const QR: &str =
        "[footer]\ntext = \"wsws.org/contact\"\nlink = \" https://wsws.org/contact \"\nqr = true\n";

    #[test]
    fn the_code_sits_on_the_right_and_bottom_margins() {
        // Letter, 0.5in margins: the margins' corner is at (576, 756).
        let s = layout(QR);
        let Some(q) = &s.footer.qr_code else { panic!("no code") };
        assert_eq!(s.footer.link, "https://wsws.org/contact");
        // Version 2: 25 modules, grown to the 15 mm smallest side.
        assert_eq!(q.matrix.width, 25);
        assert_eq!(q.module, MIN_SIDE / 25.0);
        assert!(q.module > MIN_MODULE);
        assert_eq!((q.right, q.bottom), (576.0, 756.0));
        assert!((q.side - MIN_SIDE).abs() < 1e-4, "{}", q.side);
        assert_eq!((q.x, q.y), (576.0 - q.side, 756.0 - q.side));
        assert_eq!(q.quiet, 4.0 * q.module);
        assert_eq!(q.room, 29.0 * q.module);
        assert_eq!(s.footer.qr_room(), q.room);
        assert!(s.footer.qr_warnings.is_empty());
    }

    #[test]
    fn no_code_without_qr_link_or_footer_text() {
        for text in [
            "",
            "[footer]\ntext = \"x\"\nlink = \"https://x.org\"\n",
            "[footer]\nlink = \"https://x.org\"\nqr = true\n",
            "[footer]\ntext = \" \"\nlink = \"https://x.org\"\nqr = true\n",
            "[footer]\ntext = \"x\"\nqr = true\n",
        ] {
            let s = layout(text);
            assert_eq!((s.footer.qr_code.is_none(), s.footer.qr_room()), (true, 0.0), "{text}");
            assert!(s.footer.qr_warnings.is_empty(), "{text}");
        }
    }

    #[test]
    fn warnings_for_a_long_link_and_narrow_margins() {
        let long = format!(
            "[page]\nsize = \"a6\"\nmargin = \"1mm\"\n[footer]\ntext = \"x\"\nlink = \"https://x.org/{}\"\nqr = true\n",
            "a".repeat(1000)
        );
        let s = layout(&long);
        let Some(q) = &s.footer.qr_code else { panic!("no code") };
        assert!(q.matrix.width > 50 && q.module == MIN_MODULE);
        assert_eq!(
            messages(&s),
            [
                format!(
                    "the QR code of `footer.link` is {:.0} mm wide, more than half the footer; use a shorter link",
                    q.room / PT_PER_MM
                ),
                "the right and bottom margins are narrower than the QR code's quiet zone (2.0 mm), so it may not scan; widen them".to_string(),
            ]
        );
        let too_long = format!(
            "[footer]\ntext = \"x\"\nlink = \"https://x.org/{}\"\nqr = true\n",
            "a".repeat(5000)
        );
        let s = layout(&too_long);
        assert!(s.footer.qr_code.is_none());
        assert_eq!(
            messages(&s),
            ["`footer.link` is too long for a QR code, so there is none; use a shorter link"]
        );
    }

    #[test]
    fn the_band_covers_the_bleed_and_knows_its_ink() {
        let s = layout(
            "[page]\nbleed = \"9pt\"\n[body]\nleading = \"12.5pt\"\n[masthead]\nbackground = \"#c00\"\n",
        );
        let red = Rgb { r: 204, g: 0, b: 0 };
        let want = Band { color: red, x: -9.0, y: -9.0, width: 630.0, air: 5.0, white_text: true };
        assert_eq!(s.masthead.band, Some(want));
        let s = layout("[masthead]\nbackground = \"#ffee00\"\n");
        let band = s.masthead.band.unwrap_or_else(|| panic!("no band"));
        assert_eq!((band.x, band.width, band.white_text), (0.0, 612.0, false));
        assert_eq!(layout("[masthead]\nbackground = \"\"\n").masthead.band, None);
    }

    #[test]
    fn the_default_layout_is_resolved() {
        let d = LayoutSpec::default();
        let mut r = d.clone();
        r.resolve();
        assert_eq!(r, d);
    }
}
