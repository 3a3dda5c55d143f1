//! The one check a layout needs the fonts for: are the families it names
//! in the font book? Fonts are loaded after the layout (which may name
//! font folders), so this is a step of its own, taken once a
//! [`FontBook`] exists.

use super::LayoutSpec;
use crate::error::{Error, Result};
use crate::fonts::FontBook;

/// Which of a layout's families [`LayoutSpec::check_fonts`] asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontCheck {
    /// The families text is set in (`body.font`, `headings.font`,
    /// `masthead.font`, `body.code-font`), without which nothing can be
    /// laid out. A missing fallback family only means fewer characters
    /// covered, which shaping reports where it matters.
    Text,
    /// Those and every `body.fallback` family, each error naming its key:
    /// what `handbill check` asks of a layout.
    All,
}

impl LayoutSpec {
    /// The font families the layout names, with their keys: the four text
    /// is set in, then `body.fallback`'s in order.
    pub fn families(&self) -> Vec<(&'static str, &str)> {
        let text = [
            ("body.font", self.body.font.as_str()),
            ("headings.font", self.headings.font.as_str()),
            ("masthead.font", self.masthead.font.as_str()),
            ("body.code-font", self.body.code_font.as_str()),
        ];
        let fallback = self.body.fallback.iter().map(|f| ("body.fallback", f.as_str()));
        text.into_iter().chain(fallback).collect()
    }

    /// Checks that `book` has the families `check` asks for; the error
    /// names the first one missing, points at the layout file and lists
    /// the families there are.
    pub fn check_fonts(&self, book: &FontBook, check: FontCheck) -> Result<()> {
        let wanted = self.families();
        let wanted = match check {
            FontCheck::Text => &wanted[..4],
            FontCheck::All => &wanted[..],
        };
        let Some(&(key, family)) =
            wanted.iter().find(|(_, family)| !family.is_empty() && !book.has_family(family))
        else {
            return Ok(());
        };
        // At the key that names the family, wherever in the `extends`
        // chain it was written; the same words for `build` as for `check`.
        let at = self.origins.get(key).cloned().unwrap_or_else(|| self.location());
        let available = book.families().join(", ");
        Err(Error::new(
            at,
            format!("`{key}` names the font family `{family}`, which is not installed"),
            format!(
                "use one of: {available} (see `handbill fonts`), or add its folder to \
                 `font-dirs`"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::FontCheck;
    use crate::error::Location;
    use crate::fonts::{shipped_dir, FontBook};
    use crate::spec::LayoutSpec;

    /// A book of two families: Oswald and Source Code Pro.
    fn book() -> FontBook {
        let mut book = FontBook::default();
        for file in ["oswald/Oswald_700Bold.ttf", "source-code-pro/SourceCodePro-Regular.ttf"] {
            book.add_file(&shipped_dir().join(file)).unwrap_or_else(|e| panic!("{e}"));
        }
        book
    }

    /// A layout in `dir/l.toml` set in Oswald, with these fallback families.
    fn layout(fallback: &[&str]) -> LayoutSpec {
        let mut s = LayoutSpec { path: Some(PathBuf::from("dir/l.toml")), ..LayoutSpec::default() };
        s.body.font = "oswald".into();
        s.body.fallback = fallback.iter().map(|f| f.to_string()).collect();
        s
    }

    fn check(s: &LayoutSpec, check: FontCheck) -> String {
        s.check_fonts(&book(), check).err().map_or_else(|| "ok".into(), |e| e.to_string())
    }

    #[test]
    fn families_with_their_keys() {
        assert_eq!(
            layout(&["Anton"]).families(),
            [
                ("body.font", "oswald"),
                ("headings.font", "Oswald"),
                ("masthead.font", "Oswald"),
                ("body.code-font", "Source Code Pro"),
                ("body.fallback", "Anton"),
            ]
        );
    }

    #[test]
    fn text_families_only_for_building() {
        assert_eq!(check(&layout(&["Anton", ""]), FontCheck::Text), "ok");
        let mut s = layout(&[]);
        s.headings.font = "Comic Sans MS".into();
        assert_eq!(
            check(&s, FontCheck::Text),
            "dir/l.toml: `headings.font` names the font family `Comic Sans MS`, which is not installed — use one of: Oswald, Source Code Pro (see `handbill fonts`), or add its folder to `font-dirs`"
        );
        assert_eq!(
            check(&s, FontCheck::All),
            "dir/l.toml: `headings.font` names the font family `Comic Sans MS`, which is not installed — use one of: Oswald, Source Code Pro (see `handbill fonts`), or add its folder to `font-dirs`"
        );
    }

    #[test]
    fn all_families_for_checking_a_layout() {
        assert_eq!(check(&layout(&["OSWALD", ""]), FontCheck::All), "ok");
        assert_eq!(
            check(&layout(&["Oswald", "Anton"]), FontCheck::All),
            "dir/l.toml: `body.fallback` names the font family `Anton`, which is not installed — use one of: Oswald, Source Code Pro (see `handbill fonts`), or add its folder to `font-dirs`"
        );
        // A layout from no file (a shipped one) is named.
        let mut s = layout(&[]);
        s.path = None;
        s.id = "letter-2col".into();
        s.masthead.font = "Anton".into();
        let e = s.check_fonts(&book(), FontCheck::Text).err().map(|e| e.location);
        assert_eq!(e, Some(Location::file("letter-2col (shipped layout)")));
    }
}
