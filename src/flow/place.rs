//! Placing: units stacked on a page at their final positions, the page's
//! bands (masthead above the columns, footer below) and column rules.
//! A single statement's flow and a side-by-side pair both place through
//! here.

use crate::error::{Error, Result};
use crate::pages::{Element, Ink, LineInfo, Link, Page, TextRun};
use crate::spec::{FooterOn, LayoutSpec};

use super::Unit;

/// How a stack spaces its units.
#[derive(Debug, Clone, Copy)]
pub(super) enum Spacing {
    /// Every unit below the space above it (masthead, footer).
    Full,
    /// A column: the first unit's space falls away at the column top, and
    /// every paragraph gap opens by `feather` (see `balance::feather`).
    Column { feather: f32 },
}

/// Stacks `units` downwards from `y` as `spacing` says, handing each to
/// `put` with its index and its top; returns the bottom of the last.
pub(super) fn stack<'u>(
    units: &'u [Unit],
    mut y: f32,
    spacing: Spacing,
    mut put: impl FnMut(usize, &'u Unit, f32),
) -> f32 {
    for (k, u) in units.iter().enumerate() {
        match spacing {
            Spacing::Full => y += u.space_before,
            Spacing::Column { feather } => {
                if k > 0 {
                    y += u.space_before;
                    if u.space_before > 0.0 {
                        y += feather;
                    }
                }
            }
        }
        put(k, u, y);
        y += u.height;
    }
    y
}

/// Height of units stacked with [`Spacing::Full`].
pub(super) fn height(units: &[Unit]) -> f32 {
    units.iter().map(|u| u.height + u.space_before).sum()
}

impl Unit {
    /// Puts the unit on `page` with its top left corner at `x`, `y`, its
    /// lines counted in `column`.
    pub(super) fn place(&self, page: &mut Page, x: f32, y: f32, column: usize) {
        page.elements.extend(self.elements.iter().map(|e| translate(e, x, y)));
        page.links.extend(self.links.iter().map(|l| Link { x: l.x + x, y: l.y + y, ..l.clone() }));
        page.lines.extend(self.lines.iter().map(|l| LineInfo {
            x: l.x + x,
            y: l.y + y,
            column,
            ..l.clone()
        }));
    }
}

/// Moves an element by `dx`, `dy`.
fn translate(e: &Element, dx: f32, dy: f32) -> Element {
    match e {
        Element::Text(t) => Element::Text(TextRun { x: t.x + dx, y: t.y + dy, ..t.clone() }),
        Element::Rule { x0, y0, x1, y1, width, ink } => Element::Rule {
            x0: x0 + dx,
            y0: y0 + dy,
            x1: x1 + dx,
            y1: y1 + dy,
            width: *width,
            ink: *ink,
        },
        Element::Rect { x, y, w, h, ink } => {
            Element::Rect { x: x + dx, y: y + dy, w: *w, h: *h, ink: *ink }
        }
        Element::Image { x, y, w, h, picture, alt, mark } => Element::Image {
            x: x + dx,
            y: y + dy,
            w: *w,
            h: *h,
            picture: picture.clone(),
            alt: alt.clone(),
            mark: *mark,
        },
    }
}

/// The bands of a page around its columns: the masthead on page 1, the
/// footer on every page or the last.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bands {
    /// Top margin: where the masthead, and the columns of later pages,
    /// start.
    pub(super) top: f32,
    /// Where page 1's columns start, under the masthead.
    pub(super) first_top: f32,
    /// Bottom margin: where the footer text ends.
    pub(super) bottom: f32,
    /// The masthead's height (0 without one).
    pub(super) masthead: f32,
    /// The footer band's height: its text, or the QR code if taller.
    pub(super) footer: f32,
    /// The footer text's height.
    pub(super) footer_text: f32,
    /// The footer is on every page, not only the last.
    pub(super) every: bool,
}

impl Bands {
    /// Measures the bands, and checks that page 1 keeps room for two
    /// lines of text between them (`titles` names what to shorten).
    pub(super) fn new(
        spec: &LayoutSpec,
        masthead: f32,
        footer: &[Unit],
        titles: &str,
    ) -> Result<Self> {
        let p = &spec.page;
        let qr = spec.footer.qr_room();
        let footer_text = height(footer);
        let footer_h = if footer.is_empty() && qr == 0.0 { 0.0 } else { footer_text.max(qr) };
        let every = spec.footer.on == FooterOn::EveryPage;
        let bands = Bands {
            top: p.margin.top,
            first_top: p.margin.top + masthead,
            bottom: p.height - p.margin.bottom,
            masthead,
            footer: footer_h,
            footer_text,
            every,
        };
        let reserve_every = if every { footer_h } else { 0.0 };
        if bands.first_top >= bands.bottom - reserve_every - spec.body.leading * 2.0 {
            return Err(Error::new(
                spec.location(),
                "the masthead and footer leave no room for text on page 1",
                format!("use a smaller `masthead.title-size`, {titles} or smaller margins"),
            ));
        }
        Ok(bands)
    }

    /// Top of the columns on `page`.
    pub(super) fn column_top(&self, page: usize) -> f32 {
        if page == 0 {
            self.first_top
        } else {
            self.top
        }
    }

    /// Tells whether page `page` of `pages` shows the footer.
    pub(super) fn shows_footer(&self, page: usize, pages: usize) -> bool {
        self.footer > 0.0 && (self.every || page + 1 == pages)
    }

    /// Bottom of the columns on a page with or without the footer.
    pub(super) fn column_bottom(&self, footer: bool) -> f32 {
        if footer {
            self.bottom - self.footer
        } else {
            self.bottom
        }
    }

    /// Starts page `page` of `pages`: empty, with its bands' measures.
    pub(super) fn page(&self, spec: &LayoutSpec, page: usize, pages: usize) -> Page {
        Page {
            width: spec.page.width,
            height: spec.page.height,
            elements: Vec::new(),
            links: Vec::new(),
            lines: Vec::new(),
            column_bottom: self.column_bottom(self.shows_footer(page, pages)),
            column_top: self.column_top(page),
            masthead_bottom: if page == 0 && self.masthead > 0.0 {
                self.top + self.masthead
            } else {
                0.0
            },
            qr: spec.footer.qr_code.clone().filter(|_| self.shows_footer(page, pages)),
        }
    }

    /// Puts the footer's units on `page`, bottom-aligned: the text ends on
    /// the bottom margin.
    pub(super) fn place_footer(&self, spec: &LayoutSpec, footer: &[Unit], page: &mut Page) {
        let x = spec.page.margin.left;
        stack(footer, self.bottom - self.footer_text, Spacing::Full, |_, u, y| {
            u.place(page, x, y, 0)
        });
    }
}

/// Draws the rules between `columns` columns of `page`, from the columns'
/// top down to `bottom` (the lowest text).
pub(super) fn column_rules(
    spec: &LayoutSpec,
    page: &mut Page,
    columns: usize,
    top: f32,
    bottom: f32,
) {
    let p = &spec.page;
    if p.column_rule <= 0.0 {
        return;
    }
    let cw = spec.column_width();
    for c in 1..columns {
        let x = p.margin.left + c as f32 * (cw + p.gutter) - p.gutter / 2.0;
        page.elements.push(Element::Rule {
            x0: x,
            y0: top,
            x1: x,
            y1: bottom.max(top + 1.0),
            width: p.column_rule,
            ink: Ink::Black,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::sketch::units;

    /// Stacks `sketch` (see `flow::sketch`, paragraph gaps 4 pt) from 0
    /// and writes each unit's top, then the bottom.
    fn tops(sketch: &str, spacing: Spacing) -> String {
        let units = units(sketch, 4.0);
        let mut out = Vec::new();
        let bottom = stack(&units, 0.0, spacing, |_, _, y| out.push(y.to_string()));
        format!("{} / {bottom}", out.join(" "))
    }

    #[test]
    fn stacks_keep_or_drop_the_space_above_and_open_the_gaps() {
        assert_eq!(tops("aa bb", Spacing::Full), "0 10 24 34 / 44");
        assert_eq!(tops("aa bb cc", Spacing::Column { feather: 0.0 }), "0 10 24 34 48 58 / 68");
        assert_eq!(tops("aa bb cc", Spacing::Column { feather: 3.0 }), "0 10 27 37 54 64 / 74");
        // A column drops the space above its first unit; the masthead and
        // footer keep it.
        let units = units("aa bb", 4.0);
        let at = |spacing| stack(&units[2..], 0.0, spacing, |_, _, _| {});
        assert_eq!((at(Spacing::Full), at(Spacing::Column { feather: 0.0 })), (24.0, 20.0));
    }
}
