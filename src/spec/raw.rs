//! The layout file as written: every key optional, lengths and choices still
//! text. [`super::validate`] turns this into a `LayoutSpec`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

/// A whole layout file.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawLayout {
    pub name: Option<String>,
    pub description: Option<String>,
    // Followed from the table before merging; declared so it is a known key
    // of the right type.
    #[allow(dead_code)]
    pub extends: Option<String>,
    pub font_dirs: Option<Vec<String>>,
    pub page: Option<RawPage>,
    pub body: Option<RawBody>,
    pub headings: Option<RawHeadings>,
    pub masthead: Option<RawMasthead>,
    pub footer: Option<RawFooter>,
    pub fit: Option<RawFit>,
    pub print: Option<RawPrint>,
    pub fold: Option<RawFold>,
    pub imprint: Option<RawImprint>,
    pub share: Option<RawShare>,
    pub images: Option<RawImages>,
}

/// `[page]`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawPage {
    pub size: Option<String>,
    pub orientation: Option<String>,
    pub margin: Option<RawMargin>,
    // Signed so that `columns = -1` gets our message, not serde's.
    pub columns: Option<i64>,
    pub gutter: Option<RawLen>,
    pub column_rule: Option<RawLen>,
    pub bleed: Option<RawLen>,
    pub balance: Option<bool>,
    pub bilingual: Option<String>,
}

/// `[page.margin]` as a table.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawSides {
    pub top: Option<RawLen>,
    pub right: Option<RawLen>,
    pub bottom: Option<RawLen>,
    pub left: Option<RawLen>,
}

/// `[body]`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawBody {
    pub font: Option<String>,
    pub size: Option<RawLen>,
    pub leading: Option<RawLen>,
    pub align: Option<String>,
    pub hyphenate: Option<bool>,
    pub language: Option<String>,
    pub paragraph_spacing: Option<RawLen>,
    pub first_line_indent: Option<RawLen>,
    pub widows: Option<i64>,
    pub orphans: Option<i64>,
    pub grid: Option<bool>,
    pub fallback: Option<Vec<String>>,
    pub dir: Option<String>,
    pub quotes: Option<String>,
    pub code_font: Option<String>,
}

/// `[headings]`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawHeadings {
    pub font: Option<String>,
    pub sizes: Option<Vec<RawLen>>,
    pub space_before: Option<RawLen>,
    pub space_after: Option<RawLen>,
}

/// `[masthead]`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawMasthead {
    pub show: Option<bool>,
    pub font: Option<String>,
    pub title_size: Option<RawLen>,
    pub meta_size: Option<RawLen>,
    pub kicker: Option<String>,
    pub background: Option<String>,
    pub logo: Option<String>,
    pub logo_size: Option<RawLen>,
    pub logo_side: Option<String>,
}

/// `[footer]`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawFooter {
    pub text: Option<String>,
    pub link: Option<String>,
    pub qr: Option<bool>,
    pub on: Option<String>,
    pub size: Option<RawLen>,
    pub logo: Option<String>,
    pub logo_size: Option<RawLen>,
}

/// `[fit]`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawFit {
    pub pages: Option<i64>,
    pub min_size: Option<RawLen>,
    pub max_size: Option<RawLen>,
    pub pull_back: Option<bool>,
    pub min_measure: Option<RawLen>,
}

/// `[print]`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawPrint {
    pub standard: Option<RawStandard>,
    pub color: Option<String>,
    pub crop_marks: Option<bool>,
    pub sheet: Option<String>,
    pub duplex: Option<String>,
}

/// `[fold]`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawFold {
    pub style: Option<String>,
    pub fold_in: Option<RawLen>,
    pub back: Option<String>,
    pub tumble: Option<bool>,
    pub creep: Option<RawLen>,
    pub page_numbers: Option<bool>,
}

/// `[imprint]`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawImprint {
    pub text: Option<String>,
    pub required: Option<bool>,
}

/// `[share]`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawShare {
    pub sizes: Option<Vec<String>>,
}

/// `print.standard`: one name or a list of them.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(untagged)]
pub(crate) enum RawStandard {
    One(String),
    Many(Vec<String>),
}

/// `[images]`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawImages {
    pub allow_outside: Option<bool>,
    pub upscale: Option<bool>,
    pub fit_scale: Option<f64>,
    pub span: Option<String>,
}

/// A length as written. Numbers are accepted here so that validation can
/// say "add a unit" at the right place instead of a generic type error.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawLen {
    Text(String),
    Number(f64),
}

impl<'de> Deserialize<'de> for RawLen {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawLen;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a length such as \"10pt\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawLen, E> {
                Ok(RawLen::Text(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawLen, E> {
                Ok(RawLen::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawLen, E> {
                Ok(RawLen::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawLen, E> {
                Ok(RawLen::Number(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// `margin`: one length for all sides, or a table of sides. Loading turns
/// the first form into the second before merging, so that a child layout
/// can override one side of its parent's margin.
#[derive(Debug, Clone)]
pub(crate) enum RawMargin {
    All(RawLen),
    Sides(RawSides),
}

impl<'de> Deserialize<'de> for RawMargin {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawMargin;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a length such as \"0.5in\" or a table { top = .., right = .., bottom = .., left = .. }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawMargin, E> {
                Ok(RawMargin::All(RawLen::Text(v.to_owned())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawMargin, E> {
                Ok(RawMargin::All(RawLen::Number(v as f64)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawMargin, E> {
                Ok(RawMargin::All(RawLen::Number(v as f64)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawMargin, E> {
                Ok(RawMargin::All(RawLen::Number(v)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawMargin, A::Error> {
                RawSides::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawMargin::Sides)
            }
        }
        d.deserialize_any(V)
    }
}

/// The valid keys of the table at dotted `path` ("" = top level), or `None`
/// if nothing at `path` is a table. Taken from the serde derives above so
/// the two can never disagree.
pub(crate) fn table_keys(path: &str) -> Option<&'static [&'static str]> {
    Some(match path {
        "" => fields_of::<RawLayout>(),
        "page" => fields_of::<RawPage>(),
        "page.margin" => fields_of::<RawSides>(),
        "body" => fields_of::<RawBody>(),
        "headings" => fields_of::<RawHeadings>(),
        "masthead" => fields_of::<RawMasthead>(),
        "footer" => fields_of::<RawFooter>(),
        "fit" => fields_of::<RawFit>(),
        "print" => fields_of::<RawPrint>(),
        "fold" => fields_of::<RawFold>(),
        "imprint" => fields_of::<RawImprint>(),
        "share" => fields_of::<RawShare>(),
        "images" => fields_of::<RawImages>(),
        _ => return None,
    })
}

/// The tables a top-level key may belong in, for "`columns` belongs in \[page\]".
pub(crate) const TABLES: [&str; 11] = [
    "page", "body", "headings", "masthead", "footer", "fit", "print", "fold", "imprint", "share",
    "images",
];

/// The field names a derived struct expects, read by asking it to
/// deserialize from a deserializer that only records what it is asked for.
fn fields_of<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    struct Capture(&'static [&'static str]);
    impl<'de> Deserializer<'de> for &mut Capture {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0 = fields;
            Err(de::Error::custom("captured"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut c = Capture(&[]);
    let _ = T::deserialize(&mut c);
    c.0
}
