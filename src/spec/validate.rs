//! The one fallible step from the merged raw layout to a [`LayoutSpec`]:
//! units resolved to points, choices to enums, and every value checked.

use super::raw::{
    RawBody, RawFit, RawFold, RawFooter, RawHeadings, RawImages, RawImprint, RawLen, RawMargin,
    RawMasthead, RawPage, RawPrint, RawShare, RawSides, RawStandard,
};
use super::source::{Loaded, Origins};
use super::words::{did_you_mean, list};
use super::*;
use crate::error::{Error, Location, Result, Warning};
use crate::script::Dir;
use crate::statement::Quotes;

/// The units a length may use, for hints.
const UNITS: &str = "pt, mm, cm, in, em";

/// Paper names and their portrait sizes in points.
pub(crate) const PAPERS: &[(&str, f32, f32)] = &[
    ("letter", 8.5 * PT_PER_IN, 11.0 * PT_PER_IN),
    ("legal", 8.5 * PT_PER_IN, 14.0 * PT_PER_IN),
    ("tabloid", 11.0 * PT_PER_IN, 17.0 * PT_PER_IN),
    ("half-letter", 5.5 * PT_PER_IN, 8.5 * PT_PER_IN),
    ("quarter-letter", 4.25 * PT_PER_IN, 5.5 * PT_PER_IN),
    ("a3", 297.0 * PT_PER_MM, 420.0 * PT_PER_MM),
    ("a4", 210.0 * PT_PER_MM, 297.0 * PT_PER_MM),
    ("a5", 148.0 * PT_PER_MM, 210.0 * PT_PER_MM),
    ("a6", 105.0 * PT_PER_MM, 148.0 * PT_PER_MM),
];

/// A parsed length before `em` is resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Len {
    /// Points.
    Abs(f32),
    /// Multiples of the body size.
    Em(f32),
}

/// Parses `"10pt"`, `"0.5in"`, `"12 mm"`, `"1.5em"`; the error is (message, hint).
pub(crate) fn parse_len(raw: &RawLen) -> std::result::Result<Len, (String, String)> {
    match raw {
        // Zero is zero in any unit, so a bare 0 is accepted.
        RawLen::Number(n) if *n == 0.0 => Ok(Len::Abs(0.0)),
        RawLen::Number(n) => Err((format!("{n} has no unit"), format!("write e.g. \"{n}pt\""))),
        RawLen::Text(s) => parse_len_str(s),
    }
}

fn parse_len_str(s: &str) -> std::result::Result<Len, (String, String)> {
    let t = s.trim();
    let (num, unit) = t.split_at(t.find(char::is_alphabetic).unwrap_or(t.len()));
    let num = num.trim();
    let unit = unit.trim().to_ascii_lowercase();
    let v = match num.parse::<f32>() {
        Ok(v) if v.is_finite() => v,
        _ => {
            return Err((
                format!("\"{s}\" is not a length"),
                format!("write a number and a unit, e.g. \"10pt\"; units: {UNITS}"),
            ))
        }
    };
    Ok(match unit.as_str() {
        "pt" => Len::Abs(v),
        "mm" => Len::Abs(v * PT_PER_MM),
        "cm" => Len::Abs(v * 10.0 * PT_PER_MM),
        "in" => Len::Abs(v * PT_PER_IN),
        "em" => Len::Em(v),
        "" if v == 0.0 => Len::Abs(0.0),
        "" => return Err((format!("\"{s}\" has no unit"), format!("write e.g. \"{num}pt\""))),
        // No "did you mean" by spelling here: `px` is near `pt` but means
        // something else. A unit written as a plural or in capitals is the
        // unit, though ("10 pts", "10 PT").
        _ => {
            let singular = unit.strip_suffix('s').unwrap_or(&unit).to_ascii_lowercase();
            let known = ["pt", "mm", "cm", "in", "em"];
            let hint = match known.iter().find(|k| **k == singular) {
                Some(k) => format!("write \"{num}{k}\""),
                None => format!("use one of the units {UNITS}"),
            };
            return Err((format!("unknown unit `{unit}` in \"{s}\""), hint));
        }
    })
}

/// `12.5pt`, for messages.
fn pt(v: f32) -> String {
    format!("{}pt", (v * 100.0).round() / 100.0)
}

/// Validation state: where keys came from, the em size, warnings so far.
struct Ctx<'a> {
    origins: &'a Origins,
    /// Used for values that were never written (defaults).
    fallback: Location,
    em: f32,
    warnings: Vec<Warning>,
}

impl Ctx<'_> {
    fn at(&self, path: &str) -> Location {
        self.origins.get(path).cloned().unwrap_or_else(|| self.fallback.clone())
    }

    /// The first of `paths` that was written somewhere.
    fn at_any(&self, paths: &[&str]) -> Location {
        paths
            .iter()
            .find_map(|p| self.origins.get(*p).cloned())
            .unwrap_or_else(|| self.fallback.clone())
    }

    fn err(&self, path: &str, message: String, hint: impl Into<String>) -> Error {
        Error::new(self.at(path), message, hint)
    }

    fn warn(&mut self, path: &str, message: String) {
        let at = self.at(path);
        self.warnings.push(Warning::new(at, message));
    }

    fn len(&self, path: &str, raw: Option<&RawLen>, default: f32) -> Result<f32> {
        let Some(raw) = raw else { return Ok(default) };
        match parse_len(raw) {
            Ok(Len::Abs(v)) => Ok(v),
            Ok(Len::Em(v)) => Ok(v * self.em),
            Err((m, h)) => Err(self.err(path, format!("`{path}`: {m}"), h)),
        }
    }

    /// A length for something that must have a size (type, pages).
    fn positive(&self, path: &str, raw: Option<&RawLen>, default: f32) -> Result<f32> {
        let v = self.len(path, raw, default)?;
        if v <= 0.0 {
            return Err(self.err(
                path,
                format!("`{path}` must be larger than zero (it is {})", pt(v)),
                "write a positive length, e.g. \"10pt\"",
            ));
        }
        Ok(v)
    }

    /// A length for a space, which may be zero.
    fn space(&self, path: &str, raw: Option<&RawLen>, default: f32) -> Result<f32> {
        let v = self.len(path, raw, default)?;
        if v < 0.0 {
            return Err(self.err(
                path,
                format!("`{path}` cannot be negative (it is {})", pt(v)),
                "write zero or a positive length, e.g. \"0pt\"",
            ));
        }
        Ok(v)
    }

    /// A length that must be absolute, like a paper size.
    fn abs_len(&self, path: &str, s: &str) -> Result<f32> {
        match parse_len_str(s) {
            Ok(Len::Abs(v)) => Ok(v),
            Ok(Len::Em(_)) => Err(self.err(
                path,
                format!("`{path}` cannot be in em: paper does not grow with the type"),
                "use pt, mm, cm or in",
            )),
            Err((m, h)) => Err(self.err(path, format!("`{path}`: {m}"), h)),
        }
    }

    /// A paper name or "W x H".
    fn paper(&self, path: &str, s: &str) -> Result<(f32, f32)> {
        let norm = s.trim().to_lowercase().replace([' ', '_'], "-");
        if let Some(p) = PAPERS.iter().find(|p| p.0 == norm) {
            return Ok((p.1, p.2));
        }
        let parts: Vec<&str> = s.split(['x', 'X', '×']).map(str::trim).collect();
        if let [w, h] = parts[..] {
            // "5.5 x 8.5in": the unit after the height serves both.
            let w = if w.parse::<f32>().is_ok() {
                format!("{w}{}", h.trim_start_matches(|c: char| !c.is_alphabetic()))
            } else {
                w.to_owned()
            };
            return Ok((self.abs_len(path, &w)?, self.abs_len(path, h)?));
        }
        let names: Vec<&str> = PAPERS.iter().map(|p| p.0).collect();
        Err(self.err(
            path,
            format!("unknown paper size \"{s}\""),
            format!(
                "{}use one of {}, or width x height such as \"140mm x 216mm\"",
                did_you_mean(&norm, &names),
                list(&names)
            ),
        ))
    }

    fn choice<T: Copy>(
        &self,
        path: &str,
        raw: Option<&String>,
        choices: &[(&str, T)],
        default: T,
    ) -> Result<T> {
        let Some(s) = raw else { return Ok(default) };
        let norm = s.trim().to_ascii_lowercase();
        if let Some((_, v)) = choices.iter().find(|(n, _)| *n == norm) {
            return Ok(*v);
        }
        let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
        Err(self.err(
            path,
            format!("`{path}` cannot be \"{s}\""),
            format!("{}choose one of: {}", did_you_mean(&norm, &names), list(&names)),
        ))
    }

    fn count(&self, path: &str, raw: Option<i64>, default: u32, max: u32) -> Result<u32> {
        let Some(v) = raw else { return Ok(default) };
        u32::try_from(v).ok().filter(|v| *v <= max).ok_or_else(|| {
            self.err(
                path,
                format!("`{path}` must be a whole number from 0 to {max} (it is {v})"),
                format!("write e.g. {} = {default}", path.rsplit('.').next().unwrap_or(path)),
            )
        })
    }

    fn font(&self, path: &str, raw: Option<String>, default: &str) -> Result<String> {
        let Some(s) = raw else { return Ok(default.to_owned()) };
        let s = s.trim().to_owned();
        if s.is_empty() {
            return Err(self.err(
                path,
                format!("`{path}` is empty"),
                format!("name a font family, e.g. \"{default}\""),
            ));
        }
        Ok(s)
    }
}

fn is_url(s: &str) -> bool {
    let rest = ["https://", "http://", "mailto:", "tel:"].iter().find_map(|p| s.strip_prefix(p));
    rest.is_some_and(|r| !r.is_empty() && !r.contains(char::is_whitespace))
}

/// Turns the merged raw layout into a `LayoutSpec`, or the first problem found.
///
/// The tables are read in a fixed order (the body size first, since every
/// em depends on it), so a layout with several mistakes always reports the
/// same one.
pub(crate) fn validate(loaded: Loaded) -> Result<LayoutSpec> {
    let Loaded { raw, origins, top } = loaded;
    let d = LayoutSpec::default();
    let mut cx = Ctx {
        origins: &origins,
        fallback: Location::file(&top.label),
        em: d.body.size,
        warnings: Vec::new(),
    };
    let raw_page = raw.page.unwrap_or_default();
    let raw_body = raw.body.unwrap_or_default();

    let size = body_size(&mut cx, raw_body.size.as_ref(), d.body.size)?;
    cx.em = size;
    // Defaults that go with the type size follow it, so `--set body.size=14pt`
    // alone still gives matching leading, spacing and headings.
    let d = d.scaled_to(size);

    let mut page = page(&cx, &raw_page, &d.page, size)?;
    let body = body(&mut cx, raw_body, &d.body, size)?;
    let headings = headings(&cx, raw.headings.unwrap_or_default(), &d.headings)?;
    let masthead =
        masthead(&mut cx, raw.masthead.unwrap_or_default(), &d.masthead, &headings.font)?;
    let footer = footer(&mut cx, raw.footer.unwrap_or_default(), &d.footer)?;
    let fit = fit(&cx, raw.fit.unwrap_or_default(), &d.fit, size)?;
    let raw_print = raw.print.unwrap_or_default();
    let fold = fold(&cx, raw.fold.unwrap_or_default(), &raw_print, &d.fold, &mut page, size)?;
    fold_fit(&cx, &fold, &fit)?;
    let print = print(&cx, raw_print, &d.print, &page)?;
    let imprint = imprint(&cx, raw.imprint.unwrap_or_default(), &d.imprint)?;
    let share = share(&cx, raw.share.unwrap_or_default(), &d.share)?;
    let images = images(&cx, raw.images.unwrap_or_default(), &d.images)?;
    // Read last, as it always has been: see the order above.
    page.bilingual = cx.choice(
        "page.bilingual",
        raw_page.bilingual.as_ref(),
        &[
            ("no", Bilingual::No),
            ("side-by-side", Bilingual::SideBySide),
            ("front-back", Bilingual::FrontBack),
        ],
        d.page.bilingual,
    )?;
    if page.bilingual != Bilingual::No && fold.style != FoldStyle::None {
        return Err(cx.err(
            "fold.style",
            "a folded leaflet or booklet takes one statement, and this layout is bilingual".into(),
            "set `page.bilingual = \"no\"`, or `fold.style = \"none\"`",
        ));
    }

    let mut spec = LayoutSpec {
        name: raw.name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| top.id.clone()),
        description: raw.description.unwrap_or_default(),
        id: top.id,
        path: top.path,
        font_dirs: raw.font_dirs.unwrap_or_default().into_iter().map(PathBuf::from).collect(),
        page,
        body,
        headings,
        masthead,
        footer,
        fit,
        print,
        fold,
        imprint,
        share,
        images,
        warnings: cx.warnings,
        origins: super::KeyOrigins::new(origins.clone()),
    };
    spec.resolve();
    Ok(spec)
}

/// `body.size`: absolute, positive, and a warning when it is small.
fn body_size(cx: &mut Ctx, raw: Option<&RawLen>, default: f32) -> Result<f32> {
    let size = match raw.map(parse_len) {
        None => default,
        Some(Ok(Len::Abs(v))) => v,
        Some(Ok(Len::Em(_))) => {
            return Err(cx.err(
                "body.size",
                "`body.size` cannot be in em: em means the body size itself".into(),
                "write e.g. \"10pt\"",
            ))
        }
        Some(Err((m, h))) => return Err(cx.err("body.size", format!("`body.size`: {m}"), h)),
    };
    if size <= 0.0 {
        return Err(cx.err(
            "body.size",
            format!("`body.size` must be larger than zero (it is {})", pt(size)),
            "write e.g. \"10pt\"",
        ));
    }
    if size < 8.0 {
        cx.warn(
            "body.size",
            format!("body text of {} is hard to read on paper; 9pt or more is usual", pt(size)),
        );
    }
    Ok(size)
}

/// `[page]` but `bilingual`: paper, orientation, margins and columns, which
/// must leave columns at least 5 em of `size` wide.
fn page(cx: &Ctx, page: &RawPage, d: &PageSpec, size: f32) -> Result<PageSpec> {
    let (mut width, mut height) = match &page.size {
        Some(s) => cx.paper("page.size", s)?,
        None => (d.width, d.height),
    };
    if width <= 0.0 || height <= 0.0 {
        return Err(cx.err(
            "page.size",
            format!("`page.size` must be larger than zero (it is {} x {})", pt(width), pt(height)),
            "write e.g. \"5.5in x 8.5in\"",
        ));
    }
    let landscape = cx.choice(
        "page.orientation",
        page.orientation.as_ref(),
        &[("portrait", Some(false)), ("landscape", Some(true))],
        None,
    )?;
    if landscape == Some(width < height) {
        std::mem::swap(&mut width, &mut height);
    }
    let sides = match page.margin.clone() {
        Some(RawMargin::Sides(s)) => s,
        Some(RawMargin::All(l)) => RawSides {
            top: Some(l.clone()),
            right: Some(l.clone()),
            bottom: Some(l.clone()),
            left: Some(l),
        },
        None => RawSides::default(),
    };
    let margin = Sides {
        top: cx.space("page.margin.top", sides.top.as_ref(), d.margin.top)?,
        right: cx.space("page.margin.right", sides.right.as_ref(), d.margin.right)?,
        bottom: cx.space("page.margin.bottom", sides.bottom.as_ref(), d.margin.bottom)?,
        left: cx.space("page.margin.left", sides.left.as_ref(), d.margin.left)?,
    };
    if margin.left + margin.right >= width {
        return Err(Error::new(
            cx.at_any(&["page.margin.left", "page.margin.right", "page.size"]),
            format!(
                "the left and right margins ({} + {}) are as wide as the page ({})",
                pt(margin.left),
                pt(margin.right),
                pt(width)
            ),
            "make the margins smaller or the page larger",
        ));
    }
    if margin.top + margin.bottom >= height {
        return Err(Error::new(
            cx.at_any(&["page.margin.top", "page.margin.bottom", "page.size"]),
            format!(
                "the top and bottom margins ({} + {}) are as tall as the page ({})",
                pt(margin.top),
                pt(margin.bottom),
                pt(height)
            ),
            "make the margins smaller or the page larger",
        ));
    }
    let columns = match page.columns {
        Some(c) if !(1..=12).contains(&c) => {
            return Err(cx.err(
                "page.columns",
                format!("`page.columns` must be from 1 to 12 (it is {c})"),
                "write e.g. columns = 2",
            ))
        }
        Some(c) => c as u32,
        None => d.columns,
    };
    let gutter = cx.space("page.gutter", page.gutter.as_ref(), d.gutter)?;
    if gutter >= width {
        return Err(cx.err(
            "page.gutter",
            format!("`page.gutter` ({}) is wider than the page ({})", pt(gutter), pt(width)),
            "the gutter is the space between columns; write e.g. \"0.25in\"",
        ));
    }
    let column_rule = cx.space("page.column-rule", page.column_rule.as_ref(), d.column_rule)?;
    let bleed = cx.space("page.bleed", page.bleed.as_ref(), d.bleed)?;
    let col = (width - margin.left - margin.right - gutter * (columns - 1) as f32) / columns as f32;
    if col < 5.0 * size {
        return Err(Error::new(
            cx.at_any(&["page.columns", "page.gutter", "page.margin.left", "body.size"]),
            format!(
                "columns would be {} wide, narrower than 5 em of {} body text ({})",
                pt(col),
                pt(size),
                pt(5.0 * size)
            ),
            "use fewer columns or a smaller gutter",
        ));
    }
    Ok(PageSpec {
        width,
        height,
        margin,
        columns,
        gutter,
        column_rule,
        bleed,
        balance: page.balance.unwrap_or(d.balance),
        bilingual: d.bilingual,
    })
}

/// `[body]`, its size already read by [`body_size`].
fn body(cx: &mut Ctx, body: RawBody, d: &BodySpec, size: f32) -> Result<BodySpec> {
    let leading = cx.positive("body.leading", body.leading.as_ref(), d.leading)?;
    if leading < 0.5 * size {
        return Err(cx.err(
            "body.leading",
            format!(
                "`body.leading` ({}) is less than half the type size ({})",
                pt(leading),
                pt(size)
            ),
            format!(
                "leading is baseline to baseline; about 1.25 × the size is usual, e.g. \"{}\"",
                pt(size * 1.25)
            ),
        ));
    }
    if leading < size {
        cx.warn(
            "body.leading",
            format!(
                "leading {} is smaller than the type size {}: lines will touch",
                pt(leading),
                pt(size)
            ),
        );
    }
    let language = match body.language {
        Some(l) if l.trim().is_empty() => {
            return Err(cx.err(
                "body.language",
                "`body.language` is empty".into(),
                "write a language code such as \"en\"",
            ))
        }
        Some(l) => l.trim().to_owned(),
        None => d.language.clone(),
    };
    Ok(BodySpec {
        font: cx.font("body.font", body.font, &d.font)?,
        size,
        leading,
        align: cx.choice(
            "body.align",
            body.align.as_ref(),
            &[("justify", Align::Justify), ("left", Align::Left)],
            d.align,
        )?,
        hyphenate: body.hyphenate.unwrap_or(d.hyphenate),
        language,
        paragraph_spacing: cx.space(
            "body.paragraph-spacing",
            body.paragraph_spacing.as_ref(),
            d.paragraph_spacing,
        )?,
        first_line_indent: cx.space(
            "body.first-line-indent",
            body.first_line_indent.as_ref(),
            d.first_line_indent,
        )?,
        widows: cx.count("body.widows", body.widows, d.widows, 10)?,
        orphans: cx.count("body.orphans", body.orphans, d.orphans, 10)?,
        grid: body.grid.unwrap_or(d.grid),
        fallback: body.fallback.unwrap_or_else(|| d.fallback.clone()),
        dir: cx.choice(
            "body.dir",
            body.dir.as_ref(),
            &[("auto", Dir::Auto), ("ltr", Dir::Ltr), ("rtl", Dir::Rtl)],
            d.dir,
        )?,
        quotes: cx.choice(
            "body.quotes",
            body.quotes.as_ref(),
            &[
                ("auto", Quotes::Auto),
                ("curly", Quotes::Curly),
                ("guillemets", Quotes::Guillemets),
                ("low", Quotes::Low),
            ],
            d.quotes,
        )?,
        code_font: cx.font("body.code-font", body.code_font, &d.code_font)?,
    })
}

/// `[headings]`.
fn headings(cx: &Ctx, headings: RawHeadings, d: &HeadingSpec) -> Result<HeadingSpec> {
    let sizes = match &headings.sizes {
        None => d.sizes.clone(),
        Some(list) if list.is_empty() => {
            return Err(cx.err(
                "headings.sizes",
                "`headings.sizes` is empty".into(),
                "give one size per heading level, e.g. [\"20pt\", \"14pt\", \"11pt\"]",
            ))
        }
        Some(list) => list
            .iter()
            .map(|l| cx.positive("headings.sizes", Some(l), 0.0))
            .collect::<Result<_>>()?,
    };
    Ok(HeadingSpec {
        font: cx.font("headings.font", headings.font, &d.font)?,
        sizes,
        space_before: cx.space(
            "headings.space-before",
            headings.space_before.as_ref(),
            d.space_before,
        )?,
        space_after: cx.space(
            "headings.space-after",
            headings.space_after.as_ref(),
            d.space_after,
        )?,
    })
}

/// `[masthead]`; without a font of its own it takes `heading_font`.
fn masthead(
    cx: &mut Ctx,
    masthead: RawMasthead,
    d: &MastheadSpec,
    heading_font: &str,
) -> Result<MastheadSpec> {
    let background = match masthead.background.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(Rgb::parse(s).ok_or_else(|| {
            cx.err(
                "masthead.background",
                format!("`masthead.background` \"{s}\" is not a color"),
                "write a hex color such as \"#cc0000\", or \"\" for none",
            )
        })?),
    };
    if let Some(bg) = background {
        // The render stage sets masthead text white on a dark band, black on
        // a light one; in between neither reads well (WCAG asks 4.5:1).
        let contrast = bg.text_contrast();
        if contrast < 4.5 {
            cx.warn(
                "masthead.background",
                format!(
                    "gray text on gray: the masthead text would have a contrast of only \
                     {contrast:.1}:1 on `masthead.background`; choose a darker or lighter color"
                ),
            );
        }
    }
    Ok(MastheadSpec {
        show: masthead.show.unwrap_or(d.show),
        font: cx.font("masthead.font", masthead.font, heading_font)?,
        title_size: cx.positive(
            "masthead.title-size",
            masthead.title_size.as_ref(),
            d.title_size,
        )?,
        meta_size: cx.positive("masthead.meta-size", masthead.meta_size.as_ref(), d.meta_size)?,
        kicker: masthead.kicker.unwrap_or_else(|| d.kicker.clone()),
        background,
        band: None,
        logo: masthead.logo.map(|l| l.trim().to_owned()).unwrap_or_else(|| d.logo.clone()),
        logo_size: cx.space("masthead.logo-size", masthead.logo_size.as_ref(), d.logo_size)?,
        logo_side: cx.choice(
            "masthead.logo-side",
            masthead.logo_side.as_ref(),
            &[("left", crate::spec::LogoSide::Left), ("right", crate::spec::LogoSide::Right)],
            d.logo_side,
        )?,
        logo_picture: None,
    })
}

/// `[footer]`, with warnings for a link that is not a URL and a QR code
/// without a link.
fn footer(cx: &mut Ctx, footer: RawFooter, d: &FooterSpec) -> Result<FooterSpec> {
    let footer = FooterSpec {
        text: footer.text.unwrap_or_else(|| d.text.clone()),
        link: footer.link.map(|l| l.trim().to_owned()).unwrap_or_else(|| d.link.clone()),
        qr: footer.qr.unwrap_or(d.qr),
        on: cx.choice(
            "footer.on",
            footer.on.as_ref(),
            &[("every-page", FooterOn::EveryPage), ("last-page", FooterOn::LastPage)],
            d.on,
        )?,
        size: cx.positive("footer.size", footer.size.as_ref(), d.size)?,
        logo: footer.logo.map(|l| l.trim().to_owned()).unwrap_or_else(|| d.logo.clone()),
        logo_size: cx.space("footer.logo-size", footer.logo_size.as_ref(), d.logo_size)?,
        logo_picture: None,
        qr_code: None,
        qr_warnings: Vec::new(),
    };
    if !footer.link.is_empty() && !is_url(&footer.link) {
        let fix = if footer.link.contains("://") {
            String::new()
        } else if footer.link.contains(char::is_whitespace) {
            "; write a web address such as \"https://example.org/contact\"".to_string()
        } else {
            format!("; write \"https://{}\"", footer.link)
        };
        cx.warn(
            "footer.link",
            format!(
                "`footer.link` \"{}\" is not a URL, so it will not be clickable{fix}",
                footer.link
            ),
        );
    }
    // Without text of its own the footer prints the statement's contact,
    // whose link the code then shows (see `vars::for_job`).
    if footer.qr && footer.link.is_empty() && !footer.text.trim().is_empty() {
        cx.warn(
            "footer.qr",
            "`footer.qr` is on but `footer.link` is empty, so there is no QR code".into(),
        );
    }
    Ok(footer)
}

/// `[fit]`.
/// `size` is the body size, which `fit.min-measure` in em is read against.
fn fit(cx: &Ctx, fit: RawFit, d: &FitSpec, size: f32) -> Result<FitSpec> {
    let fit = FitSpec {
        pages: cx.count("fit.pages", fit.pages, d.pages, 1000)?,
        min_size: cx.positive("fit.min-size", fit.min_size.as_ref(), d.min_size)?,
        max_size: cx.positive("fit.max-size", fit.max_size.as_ref(), d.max_size)?,
        pull_back: fit.pull_back.unwrap_or(d.pull_back),
        // Written in em ("24em") and kept in em: it follows the fitted size.
        min_measure: cx.space("fit.min-measure", fit.min_measure.as_ref(), 0.0)? / size,
    };
    if fit.min_size > fit.max_size {
        return Err(Error::new(
            cx.at_any(&["fit.min-size", "fit.max-size"]),
            format!(
                "`fit.min-size` ({}) is larger than `fit.max-size` ({})",
                pt(fit.min_size),
                pt(fit.max_size)
            ),
            "swap them, or make min-size smaller",
        ));
    }
    Ok(fit)
}

/// `[fold]`. A letter or z-fold makes the page one panel of
/// `print.sheet` turned landscape, as tall as the sheet and as wide as the
/// narrowest panel (the text measure is the same on every panel; a wider
/// panel centres it); a booklet's sheet must take two pages side by side.
fn fold(
    cx: &Ctx,
    fold: RawFold,
    print: &RawPrint,
    d: &FoldSpec,
    page: &mut PageSpec,
    size: f32,
) -> Result<FoldSpec> {
    let style = cx.choice(
        "fold.style",
        fold.style.as_ref(),
        &[
            ("none", FoldStyle::None),
            ("letter", FoldStyle::Letter),
            ("z", FoldStyle::Z),
            ("booklet", FoldStyle::Booklet),
        ],
        d.style,
    )?;
    let spec = FoldSpec {
        style,
        fold_in: cx.space("fold.fold-in", fold.fold_in.as_ref(), d.fold_in)?,
        back: cx.choice(
            "fold.back",
            fold.back.as_ref(),
            &[("contact", Back::Contact), ("text", Back::Text)],
            d.back,
        )?,
        tumble: fold.tumble.unwrap_or(d.tumble),
        creep: cx.space("fold.creep", fold.creep.as_ref(), d.creep)?,
        page_numbers: fold.page_numbers.unwrap_or(d.page_numbers),
    };
    if style == FoldStyle::None {
        return Ok(spec);
    }
    let what = match style {
        FoldStyle::Letter => "a letter fold",
        FoldStyle::Z => "a z-fold",
        _ => "a booklet",
    };
    let sheet = match print.sheet.as_deref().map(str::trim) {
        None | Some("") => {
            return Err(cx.err(
                "fold.style",
                format!("{what} needs the sheet it is printed on"),
                "set `print.sheet`, e.g. sheet = \"letter\"",
            ))
        }
        Some(s) => cx.paper("print.sheet", s)?,
    };
    if print.duplex.as_deref().map(str::trim) == Some("none") {
        return Err(cx.err(
            "print.duplex",
            format!("{what} is printed on both sides of the sheet"),
            "set `print.duplex` to \"long-edge\" or \"short-edge\"",
        ));
    }
    let (long, short) = (sheet.0.max(sheet.1), sheet.0.min(sheet.1));
    match style {
        FoldStyle::Letter | FoldStyle::Z => {
            let panel = if style == FoldStyle::Letter {
                let wide = (long + spec.fold_in) / 3.0;
                if spec.fold_in >= wide / 4.0 {
                    return Err(cx.err(
                        "fold.fold-in",
                        format!(
                            "`fold.fold-in` ({}) would leave the flap too narrow to fold in",
                            pt(spec.fold_in)
                        ),
                        "1/16 in (\"0.0625in\") to 1/8 in is usual",
                    ));
                }
                wide - spec.fold_in
            } else {
                long / 3.0
            };
            page.width = panel;
            page.height = short;
            let m = page.margin;
            let col = (panel - m.left - m.right - page.gutter * (page.columns - 1) as f32)
                / page.columns as f32;
            if col < 5.0 * size {
                return Err(Error::new(
                    cx.at_any(&["page.columns", "page.margin.left", "fold.style"]),
                    format!(
                        "the panels of {what} are {} wide: columns would be {}, narrower than 5 em of {} body text",
                        pt(panel),
                        pt(col),
                        pt(size)
                    ),
                    "use one column, smaller margins or a larger sheet",
                ));
            }
        }
        _ => {
            let (w, h) = (page.width, page.height);
            if 2.0 * w > long + 0.01 || h > short + 0.01 {
                return Err(cx.err(
                    "print.sheet",
                    format!(
                        "a booklet sheet takes two pages side by side, but two pages of {} x {} are larger than the sheet ({} x {})",
                        pt(w),
                        pt(h),
                        pt(short),
                        pt(long)
                    ),
                    "choose a sheet twice the page, e.g. page.size = \"half-letter\" on sheet = \"letter\"",
                ));
            }
        }
    }
    Ok(spec)
}

/// `fit.pages` as a folded leaflet counts it: sheets of a letter or
/// z-fold (one), pages of a booklet (a multiple of four).
fn fold_fit(cx: &Ctx, fold: &FoldSpec, fit: &FitSpec) -> Result<()> {
    if fold.panels() && fit.pages > 1 {
        return Err(cx.err(
            "fit.pages",
            format!(
                "a folded leaflet is one sheet, so `fit.pages` can only be 1 (it is {})",
                fit.pages
            ),
            "write fit.pages = 1 to fit the text to the panels of one sheet",
        ));
    }
    if fold.style == FoldStyle::Booklet && !fit.pages.is_multiple_of(4) {
        return Err(cx.err(
            "fit.pages",
            format!("a booklet has a multiple of four pages, and `fit.pages` is {}", fit.pages),
            format!("write fit.pages = {}", fit.pages.div_ceil(4).max(1) * 4),
        ));
    }
    Ok(())
}

/// `[imprint]`: refused while empty if required.
fn imprint(cx: &Ctx, imprint: RawImprint, d: &ImprintSpec) -> Result<ImprintSpec> {
    let spec = ImprintSpec {
        text: imprint.text.map(|t| t.trim().to_owned()).unwrap_or_else(|| d.text.clone()),
        required: imprint.required.unwrap_or(d.required),
    };
    if spec.required && spec.text.is_empty() {
        return Err(cx.err(
            "imprint.required",
            "`imprint.required` is on but `imprint.text` is empty: this leaflet must say who printed and published it".into(),
            "write e.g. [imprint] text = \"Printed and published by …\", or --set imprint.text=\"…\"",
        ));
    }
    Ok(spec)
}

/// `[print]`; the sheet must take at least one `page`.
/// `[share]`: each size one of the names, repeats dropped.
fn share(cx: &Ctx, share: RawShare, d: &ShareSpec) -> Result<ShareSpec> {
    let Some(raw) = share.sizes else { return Ok(d.clone()) };
    let choices = [ShareSize::Portrait, ShareSize::Square, ShareSize::Story].map(|s| (s.name(), s));
    let mut sizes = Vec::new();
    for name in &raw {
        let size = cx.choice("share.sizes", Some(name), &choices, ShareSize::Portrait)?;
        if !sizes.contains(&size) {
            sizes.push(size);
        }
    }
    Ok(ShareSpec { sizes })
}

fn print(cx: &Ctx, print: RawPrint, d: &PrintSpec, page: &PageSpec) -> Result<PrintSpec> {
    let (width, height) = (page.width, page.height);
    let sheet = match print.sheet.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => {
            let (sw, sh) = cx.paper("print.sheet", s)?;
            let fits = |a: f32, b: f32| width <= a + 0.01 && height <= b + 0.01;
            if !fits(sw, sh) && !fits(sh, sw) {
                return Err(cx.err(
                    "print.sheet",
                    format!(
                        "the sheet ({} x {}) is smaller than the page ({} x {})",
                        pt(sw),
                        pt(sh),
                        pt(width),
                        pt(height)
                    ),
                    "choose a larger sheet, or sheet = \"\" to print one page per sheet",
                ));
            }
            Some((sw, sh))
        }
    };
    let names = match print.standard {
        None => None,
        Some(RawStandard::One(s)) => Some(vec![s]),
        Some(RawStandard::Many(v)) => Some(v),
    };
    let standards = match names {
        None => d.standards.clone(),
        Some(names) => Standard::parse_list(&names).map_err(|m| {
            cx.err(
                "print.standard",
                m,
                "e.g. standard = \"pdf/ua-1\" or [\"pdf/ua-1\", \"pdf/a-2b\"]",
            )
        })?,
    };
    Ok(PrintSpec {
        standards,
        color: cx.choice(
            "print.color",
            print.color.as_ref(),
            &[("color", ColorMode::Color), ("gray", ColorMode::Gray), ("cmyk", ColorMode::Cmyk)],
            d.color,
        )?,
        crop_marks: print.crop_marks.unwrap_or(d.crop_marks),
        sheet,
        duplex: cx.choice(
            "print.duplex",
            print.duplex.as_ref(),
            &[
                ("long-edge", Duplex::LongEdge),
                ("short-edge", Duplex::ShortEdge),
                ("none", Duplex::None),
            ],
            d.duplex,
        )?,
    })
}

/// `[images]`.
fn images(
    cx: &Ctx,
    raw: RawImages,
    d: &crate::spec::ImagesSpec,
) -> Result<crate::spec::ImagesSpec> {
    let fit_scale = match raw.fit_scale {
        None => d.fit_scale,
        Some(k) if (0.2..=1.0).contains(&k) => k as f32,
        Some(k) => {
            return Err(cx.err(
                "images.fit-scale",
                format!("`images.fit-scale = {k}` is not between 0.2 and 1"),
                "write e.g. 0.7 (pictures down to 70 % of their size), or 1 to keep them whole",
            ))
        }
    };
    Ok(crate::spec::ImagesSpec {
        allow_outside: raw.allow_outside.unwrap_or(d.allow_outside),
        upscale: raw.upscale.unwrap_or(d.upscale),
        fit_scale,
        scale: 1.0,
        span: cx.choice(
            "images.span",
            raw.span.as_ref(),
            &[("auto", ImageSpan::Auto), ("column", ImageSpan::Column), ("page", ImageSpan::Page)],
            d.span,
        )?,
    })
}
