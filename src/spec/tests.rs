use std::path::{Path, PathBuf};

use super::*;
use crate::error::Error;

fn ok(text: &str) -> LayoutSpec {
    load_str("t.toml", text, &[]).unwrap_or_else(|e| panic!("{e}"))
}

fn err(text: &str) -> String {
    load_str("t.toml", text, &[]).expect_err("should fail").to_string()
}

fn set(text: &str, sets: &[&str]) -> Result<LayoutSpec> {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    load_str("t.toml", text, &sets)
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() < 0.01
}

/// A scratch folder of layout files, removed afterwards.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let p = std::env::temp_dir().join(format!("handbill-spec-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
    fn write(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    }
    /// An error's text with this folder written as `DIR`.
    fn show(&self, e: Error) -> String {
        e.to_string().replace(&*self.0.to_string_lossy(), "DIR")
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn empty_file_is_the_default_layout() {
    let want = LayoutSpec { id: "t".into(), name: "t".into(), ..LayoutSpec::default() };
    assert_eq!(ok(""), want);
}

#[test]
fn every_unit() {
    for (text, want) in [
        ("10pt", 10.0),
        ("25.4mm", 72.0),
        ("2.54cm", 72.0),
        ("1in", 72.0),
        ("0.5em", 6.0),
        ("1.5 EM", 18.0),
        (" 3 mm ", 3.0 * PT_PER_MM),
        (".5in", 36.0),
        ("0", 0.0),
    ] {
        let s = ok(&format!("[body]\nsize = \"12pt\"\nparagraph-spacing = \"{text}\"\n"));
        assert!(close(s.body.paragraph_spacing, want), "{text}: {}", s.body.paragraph_spacing);
    }
    assert_eq!(ok("[body]\nparagraph-spacing = 0\n").body.paragraph_spacing, 0.0);
}

#[test]
fn em_follows_the_body_size_even_when_set_later() {
    let s = ok("[headings]\nsizes = [\"2em\", \"1.5em\"]\n[body]\nsize = \"11pt\"\n");
    assert_eq!(s.headings.sizes, vec![22.0, 16.5]);
}

#[test]
fn unset_sizes_follow_the_body_size() {
    let s = ok("[body]\nsize = \"12pt\"\n");
    assert!(close(s.body.leading, 15.0));
    assert!(s.headings.sizes.iter().zip([24.0, 16.8, 13.2]).all(|(a, b)| close(*a, b)));
    assert!(close(s.body.paragraph_spacing, 4.8));
}

#[test]
fn length_errors() {
    assert_eq!(
        err("[body]\nsize = 10\n"),
        "t.toml:2:1: `body.size`: 10 has no unit — write e.g. \"10pt\""
    );
    assert_eq!(
        err("[page]\ngutter = \"12\"\n"),
        "t.toml:2:1: `page.gutter`: \"12\" has no unit — write e.g. \"12pt\""
    );
    assert_eq!(
        err("[body]\n  leading = \"12px\"\n"),
        "t.toml:2:3: `body.leading`: unknown unit `px` in \"12px\" — use one of the units pt, mm, cm, in, em"
    );
    assert_eq!(
        err("[body]\nleading = \"twelve\"\n"),
        "t.toml:2:1: `body.leading`: \"twelve\" is not a length — write a number and a unit, e.g. \"10pt\"; units: pt, mm, cm, in, em"
    );
    assert_eq!(
        err("[body]\nsize = \"1em\"\n"),
        "t.toml:2:1: `body.size` cannot be in em: em means the body size itself — write e.g. \"10pt\""
    );
}

#[test]
fn paper_names() {
    for (name, w, h) in [
        ("letter", 612.0, 792.0),
        ("legal", 612.0, 1008.0),
        ("tabloid", 792.0, 1224.0),
        ("half-letter", 396.0, 612.0),
        ("Half Letter", 396.0, 612.0),
        ("quarter-letter", 306.0, 396.0),
        ("a3", 841.89, 1190.55),
        ("A4", 595.28, 841.89),
        ("a5", 419.53, 595.28),
        ("a6", 297.64, 419.53),
    ] {
        let s = ok(&format!("[page]\nsize = \"{name}\"\ncolumns = 1\n"));
        assert!(close(s.page.width, w) && close(s.page.height, h), "{name}: {:?}", s.page);
    }
}

#[test]
fn width_by_height_sizes() {
    for (text, w, h) in [
        ("140mm x 216mm", 140.0 * PT_PER_MM, 216.0 * PT_PER_MM),
        ("5.5in x 8.5in", 396.0, 612.0),
        ("5.5 x 8.5in", 396.0, 612.0),
        ("14cm×21.6cm", 140.0 * PT_PER_MM, 216.0 * PT_PER_MM),
    ] {
        let s = ok(&format!("[page]\nsize = \"{text}\"\ncolumns = 1\n"));
        assert!(close(s.page.width, w) && close(s.page.height, h), "{text}: {:?}", s.page);
    }
    assert_eq!(
        err("[page]\nsize = \"leter\"\n"),
        "t.toml:2:1: unknown paper size \"leter\" — did you mean `letter`? use one of letter, legal, tabloid, half-letter, quarter-letter, a3, a4, a5, a6, or width x height such as \"140mm x 216mm\""
    );
    assert_eq!(
        err("[page]\nsize = \"5.5 x 8.5\"\n"),
        "t.toml:2:1: `page.size`: \"5.5\" has no unit — write e.g. \"5.5pt\""
    );
}

#[test]
fn landscape_swaps_and_portrait_unswaps() {
    let s = ok("[page]\nsize = \"letter\"\norientation = \"landscape\"\n");
    assert_eq!((s.page.width, s.page.height), (792.0, 612.0));
    let s = ok("[page]\nsize = \"11in x 8.5in\"\n");
    assert_eq!((s.page.width, s.page.height), (792.0, 612.0));
    let s = ok("[page]\nsize = \"11in x 8.5in\"\norientation = \"portrait\"\n");
    assert_eq!((s.page.width, s.page.height), (612.0, 792.0));
}

#[test]
fn margins_one_to_four_lengths_or_a_table() {
    let m = |t: &str| ok(&format!("[page]\n{t}\n")).page.margin;
    assert_eq!(m("margin = \"1in\""), Sides { top: 72.0, right: 72.0, bottom: 72.0, left: 72.0 });
    assert_eq!(
        m("margin = \"1in 0.5in\""),
        Sides { top: 72.0, right: 36.0, bottom: 72.0, left: 36.0 }
    );
    assert_eq!(
        m("margin = \"1 in 2pt 3pt 4pt\""),
        Sides { top: 72.0, right: 2.0, bottom: 3.0, left: 4.0 }
    );
    assert_eq!(
        m("margin = { top = \"1in\", left = \"0\" }"),
        Sides { top: 72.0, right: 36.0, bottom: 36.0, left: 0.0 }
    );
    assert_eq!(
        err("[page]\nmargin = \"1pt 2pt 3pt 4pt 5pt\"\n"),
        "t.toml:2:1: `page.margin` has more than four lengths — give one length for all sides, or up to four (top right bottom left) separated by spaces"
    );
}

#[test]
fn syntax_error() {
    assert_eq!(
        err("[page]\nsize = letter\n"),
        "t.toml:2:8: this is not valid TOML: string values must be quoted, expected literal string — text values need double quotes (size = \"letter\"); tables are written [page] on a line of their own"
    );
}

#[test]
fn unknown_keys() {
    assert_eq!(
        err("[page]\ncolums = 2\n"),
        "t.toml:2:1: unknown key `colums` in [page] — did you mean `columns`? valid keys in [page]: size, orientation, margin, columns, gutter, column-rule, bleed, balance, bilingual"
    );
    assert_eq!(
        err("name = \"x\"\ncolumns = 2\n"),
        "t.toml:2:1: unknown key `columns` at the top level — `columns` belongs in [page]: move it below the [page] line; valid keys at the top level: name, description, extends, font-dirs, page, body, headings, masthead, footer, fit, print, fold, imprint, share, images"
    );
    assert_eq!(
        err("[page.margin]\ntop = \"1in\"\nlft = \"1in\"\n"),
        "t.toml:3:1: unknown key `lft` in [page.margin] — did you mean `left`? valid keys in [page.margin]: top, right, bottom, left"
    );
    assert!(err("[paper]\n")
        .starts_with("t.toml:1:2: unknown key `paper` at the top level — did you mean `page`?"));
}

#[test]
fn wrong_types() {
    assert_eq!(
        err("[page]\ncolumns = \"2\"\n"),
        "t.toml:2:1: `page.columns`: invalid type: string \"2\", expected a whole number — write a whole number without quotes, e.g. 2"
    );
    assert_eq!(
        err("[body]\n\nhyphenate = \"yes\"\n"),
        "t.toml:3:1: `body.hyphenate`: invalid type: string \"yes\", expected a boolean — write true or false, without quotes"
    );
    assert_eq!(
        err("page = \"letter\"\n"),
        "t.toml:1:1: `page` is a table of settings, not a single value — write [page] on a line of its own and its keys below it"
    );
    assert_eq!(
        err("[[page]]\nsize = \"a4\"\n"),
        "t.toml:1:3: `page` is a table of settings, not a single value — write [page] on a line of its own and its keys below it"
    );
}

#[test]
fn bad_choices() {
    assert_eq!(
        err("[body]\nalign = \"centre\"\n"),
        "t.toml:2:1: `body.align` cannot be \"centre\" — choose one of: justify, left"
    );
    assert_eq!(
        err("[footer]\non = \"last page\"\n"),
        "t.toml:2:1: `footer.on` cannot be \"last page\" — did you mean `last-page`? choose one of: every-page, last-page"
    );
    assert_eq!(
        err("[print]\ncolor = \"grey\"\n"),
        "t.toml:2:1: `print.color` cannot be \"grey\" — did you mean `gray`? choose one of: color, gray, cmyk"
    );
    assert!(ok("[print]\nduplex = \"Short-Edge\"\n").print.duplex == Duplex::ShortEdge);
}

#[test]
fn validation_errors() {
    assert_eq!(
        err("[footer]\nsize = \"0pt\"\n"),
        "t.toml:2:1: `footer.size` must be larger than zero (it is 0pt) — write a positive length, e.g. \"10pt\""
    );
    assert_eq!(
        err("[body]\nsize = \"-2pt\"\n"),
        "t.toml:2:1: `body.size` must be larger than zero (it is -2pt) — write e.g. \"10pt\""
    );
    assert_eq!(
        err("[body]\nsize = \"10pt\"\nleading = \"4pt\"\n"),
        "t.toml:3:1: `body.leading` (4pt) is less than half the type size (10pt) — leading is baseline to baseline; about 1.25 × the size is usual, e.g. \"12.5pt\""
    );
    assert_eq!(
        err("[page]\nsize = \"a6\"\nmargin = { left = \"2.1in\", right = \"2.1in\" }\n"),
        "t.toml:3:12: the left and right margins (151.2pt + 151.2pt) are as wide as the page (297.64pt) — make the margins smaller or the page larger"
    );
    assert_eq!(
        err("[page]\nmargin = \"6in\"\n"),
        "t.toml:2:1: the left and right margins (432pt + 432pt) are as wide as the page (612pt) — make the margins smaller or the page larger"
    );
    assert_eq!(
        err("[page]\ncolumns = 0\n"),
        "t.toml:2:1: `page.columns` must be from 1 to 12 (it is 0) — write e.g. columns = 2"
    );
    assert_eq!(
        err("[page]\ncolumns = 13\n"),
        "t.toml:2:1: `page.columns` must be from 1 to 12 (it is 13) — write e.g. columns = 2"
    );
    assert_eq!(
        err("[page]\ncolumns = 9\n"),
        "t.toml:2:1: columns would be 44pt wide, narrower than 5 em of 10pt body text (50pt) — use fewer columns or a smaller gutter"
    );
    assert_eq!(
        err("[page]\ngutter = \"9in\"\n"),
        "t.toml:2:1: `page.gutter` (648pt) is wider than the page (612pt) — the gutter is the space between columns; write e.g. \"0.25in\""
    );
    assert_eq!(
        err("[fit]\npages = 2\nmin-size = \"11pt\"\nmax-size = \"10pt\"\n"),
        "t.toml:3:1: `fit.min-size` (11pt) is larger than `fit.max-size` (10pt) — swap them, or make min-size smaller"
    );
    assert_eq!(
        err("[page]\nsize = \"letter\"\n[print]\nsheet = \"a6\"\n"),
        "t.toml:4:1: the sheet (297.64pt x 419.53pt) is smaller than the page (612pt x 792pt) — choose a larger sheet, or sheet = \"\" to print one page per sheet"
    );
    assert_eq!(
        err("[masthead]\nbackground = \"red\"\n"),
        "t.toml:2:1: `masthead.background` \"red\" is not a color — write a hex color such as \"#cc0000\", or \"\" for none"
    );
}

#[test]
fn warnings_do_not_stop_loading() {
    let s = ok("[body]\nsize = \"7pt\"\n[footer]\nlink = \"wsws.org/contact\"\n");
    let w: Vec<String> = s.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        w,
        [
            "t.toml:2:1: body text of 7pt is hard to read on paper; 9pt or more is usual",
            "t.toml:4:1: `footer.link` \"wsws.org/contact\" is not a URL, so it will not be clickable; write \"https://wsws.org/contact\"",
        ]
    );
    assert!(ok("[footer]\nlink = \"https://wsws.org\"\n").warnings.is_empty());
}

#[test]
fn other_values() {
    let s = ok("[masthead]\nbackground = \"#C00\"\n[print]\nsheet = \"letter\"\n[page]\nsize = \"half-letter\"\ncolumns = 1\n");
    assert_eq!(s.masthead.background, Some(Rgb { r: 204, g: 0, b: 0 }));
    assert_eq!(s.print.sheet, Some((612.0, 792.0)));
    let s = ok("[headings]\nfont = \"Anton\"\n");
    assert_eq!(s.masthead.font, "Anton");
}

#[test]
fn extends_a_shipped_layout_by_name() {
    let s = ok("extends = \"letter-2col\"\n[page]\ncolumns = 3\n");
    assert_eq!(s.page.columns, 3);
    assert_eq!(s.page.gutter, 18.0);
    assert_eq!(s.footer.on, FooterOn::EveryPage);
    // Name and description belong to the file that says them.
    assert_eq!((s.name.as_str(), s.description.as_str()), ("t", ""));
    assert_eq!(
        err("extends = \"leter-2col\"\n"),
        "t.toml:1:1: no layout named `leter-2col` — did you mean `letter-2col`? shipped layouts: a4-1sheet, a4-2col, a6-4up, booklet-a5, booklet-half-letter, half-letter, half-letter-2up, letter-1sheet, letter-2col, letter-bilingual, tabloid-3col, trifold-a4, trifold-letter, zfold-letter; or give the path of a .toml file"
    );
}

#[test]
fn extends_by_path_and_errors_point_into_the_parent() {
    let d = Dir::new("extends");
    d.write(
        "base/base.toml",
        "[body]\nsize = \"10pt\"\nleading = \"6pt\"\n[page.margin]\ntop = \"1in\"\n",
    );
    let child =
        d.write("child.toml", "extends = \"base/base.toml\"\n[page.margin]\nleft = \"2in\"\n");
    let s = load(&child, &[]).unwrap();
    assert_eq!(s.page.margin, Sides { top: 72.0, right: 36.0, bottom: 36.0, left: 144.0 });
    assert_eq!(s.body.leading, 6.0);
    assert_eq!(s.id, "child");
    assert_eq!(s.path.as_deref(), Some(Path::new(&child)));
    let e = load(&child, &["body.size=14pt".into()]).unwrap_err();
    assert_eq!(
        d.show(e),
        "DIR/base/base.toml:3:1: `body.leading` (6pt) is less than half the type size (14pt) — leading is baseline to baseline; about 1.25 × the size is usual, e.g. \"17.5pt\""
    );
    let bad = d.write("bad.toml", "extends = \"nope.toml\"\n");
    assert_eq!(
        d.show(load(&bad, &[]).unwrap_err()),
        "DIR/bad.toml:1:1: `extends` names `nope.toml`, but there is no file DIR/nope.toml — paths in `extends` are relative to the folder of the file that says `extends`"
    );
}

#[test]
fn extends_a_chain_by_name_next_to_the_file() {
    let d = Dir::new("chain");
    d.write("a.toml", "extends = \"b\"\n[body]\nsize = \"9pt\"\n");
    d.write("b.toml", "extends = \"tabloid-3col\"\n[page]\ncolumns = 2\n");
    let s = load(&d.0.join("a.toml").to_string_lossy(), &[]).unwrap();
    assert_eq!((s.body.size, s.page.columns, s.masthead.title_size), (9.0, 2, 48.0));
    // A local file may extend the shipped layout of the same name.
    let own =
        d.write("letter-2col.toml", "extends = \"letter-2col\"\n[footer]\ntext = \"Call 555\"\n");
    let s = load(&own, &[]).unwrap();
    assert_eq!((s.footer.text.as_str(), s.page.columns), ("Call 555", 2));
}

#[test]
fn extends_cycle_is_named() {
    let d = Dir::new("cycle");
    let a = d.write("a.toml", "extends = \"b\"\n");
    d.write("b.toml", "name = \"B\"\nextends = \"a.toml\"\n");
    assert_eq!(
        d.show(load(&a, &[]).unwrap_err()),
        "DIR/b.toml:2:1: layouts extend each other in a circle: a → b → a — remove `extends` from one of them"
    );
}

#[test]
fn font_dirs_are_relative_to_the_layout_file() {
    let d = Dir::new("fonts");
    let p = d.write("sub/x.toml", "font-dirs = [\"myfonts\", \"/abs\"]\n");
    let s = load(&p, &[]).unwrap();
    assert_eq!(s.font_dirs, vec![d.0.join("sub").join("myfonts"), PathBuf::from("/abs")]);
}

#[test]
fn set_overrides() {
    let s = set(
        "[page]\nmargin = \"1in\"\n",
        &[
            "body.size=11pt",
            "page.columns=3",
            "footer.text=\"Call 555\"",
            "footer.link=https://x.org",
            "page.margin.top=2in",
            "print.crop-marks=true",
            "body.fallback=[\"Anton\"]",
            "masthead.kicker=Friday, January 23",
        ],
    )
    .unwrap();
    assert_eq!(s.body.size, 11.0);
    assert_eq!(s.page.columns, 3);
    assert_eq!(s.footer.text, "Call 555");
    assert_eq!(s.footer.link, "https://x.org");
    assert_eq!(s.page.margin, Sides { top: 144.0, right: 72.0, bottom: 72.0, left: 72.0 });
    assert!(s.print.crop_marks);
    assert_eq!(s.body.fallback, ["Anton"]);
    assert_eq!(s.masthead.kicker, "Friday, January 23");
    let s = set("", &["page.margin=0.25in"]).unwrap();
    assert_eq!(s.page.margin.left, 18.0);
}

#[test]
fn bad_sets() {
    let e = |sets: &[&str]| set("", sets).unwrap_err().to_string();
    assert_eq!(
        e(&["page.colums=3"]),
        "--set page.colums=3: unknown key `colums` in [page] — did you mean `columns`? valid keys in [page]: size, orientation, margin, columns, gutter, column-rule, bleed, balance, bilingual"
    );
    assert_eq!(
        e(&["page.columns=three"]),
        "--set page.columns=three: `page.columns`: invalid type: string \"three\", expected a whole number — write a whole number without quotes, e.g. 2"
    );
    assert_eq!(
        e(&["body.size=11px"]),
        "--set body.size=11px: `body.size`: unknown unit `px` in \"11px\" — use one of the units pt, mm, cm, in, em"
    );
    assert_eq!(
        e(&["body.size"]),
        "--set body.size: --set needs KEY=VALUE — write e.g. --set body.size=11pt"
    );
    assert_eq!(
        e(&["page.size.width=3in"]),
        "--set page.size.width=3in: `page.size` is a single value, not a table — write --set page.size=VALUE"
    );
    assert!(e(&["page={ colums = 2 }"])
        .starts_with("--set page={ colums = 2 }: unknown key `colums` in [page]"));
}

#[test]
fn finding_layouts() {
    assert_eq!(
        load("leter-2col", &[]).unwrap_err().to_string(),
        "leter-2col: no layout named `leter-2col` — did you mean `letter-2col`? shipped layouts: a4-1sheet, a4-2col, a6-4up, booklet-a5, booklet-half-letter, half-letter, half-letter-2up, letter-1sheet, letter-2col, letter-bilingual, tabloid-3col, trifold-a4, trifold-letter, zfold-letter; or give the path of a .toml file"
    );
    let e = load("no/such/file.toml", &[]).unwrap_err().to_string();
    assert!(e.starts_with("no/such/file.toml: cannot read the layout file"), "{e}");
}

#[test]
fn every_shipped_layout_loads_and_validates() {
    let all = list().unwrap();
    assert_eq!(all.len(), shipped().len());
    for (spec, (id, text)) in all.iter().zip(shipped()) {
        assert_eq!(spec.id, id);
        assert!(spec.warnings.is_empty(), "{id}: {:?}", spec.warnings);
        assert!(!spec.description.is_empty() && spec.name != id, "{id}");
        assert!(text.contains("name = "), "{id}");
        // The same by name through `load`, as the command line does.
        let by_name = load(id, &[]).unwrap();
        assert_eq!(by_name.page, spec.page, "{id}");
        assert_eq!(by_name.body, spec.body, "{id}");
    }
}

#[test]
fn shipped_layouts_say_what_they_promise() {
    let l = load("letter-2col", &[]).unwrap();
    assert_eq!((l.page.width, l.page.height), (612.0, 792.0));
    assert_eq!(l.page.margin, Sides { top: 36.0, right: 36.0, bottom: 36.0, left: 36.0 });
    assert_eq!((l.page.columns, l.page.gutter), (2, 18.0));
    assert_eq!(
        (l.body.font.as_str(), l.body.size, l.body.leading),
        ("Source Serif 4 SmText", 10.0, 12.5)
    );
    assert_eq!((l.body.align, l.body.hyphenate), (Align::Justify, true));
    assert_eq!(l.headings.font, "Oswald");
    // No group's contact: the statement brings its own (`contact`).
    assert_eq!(
        (l.footer.text.as_str(), l.footer.link.as_str(), l.footer.on),
        ("", "", FooterOn::EveryPage)
    );

    let a4 = load("a4-2col", &[]).unwrap();
    assert!(close(a4.page.width, 595.28) && close(a4.page.margin.left, 12.0 * PT_PER_MM));
    assert_eq!(
        (a4.body.clone(), a4.headings.clone(), a4.footer.clone()),
        (l.body.clone(), l.headings.clone(), l.footer.clone())
    );

    let h = load("half-letter", &[]).unwrap();
    assert_eq!((h.page.width, h.page.height, h.page.columns), (396.0, 612.0, 1));
    assert!(close(h.page.margin.top, 28.8));
    assert_eq!((h.body.size, h.body.leading), (9.5, 12.0));
    assert_eq!(load("half-letter-2up", &[]).unwrap().print.sheet, Some((612.0, 792.0)));

    let t = load("tabloid-3col", &[]).unwrap();
    assert_eq!((t.page.width, t.page.height, t.page.columns), (792.0, 1224.0, 3));
    assert!(close(t.page.margin.left, 43.2));
    assert_eq!((t.body.size, t.body.leading, t.masthead.title_size), (10.5, 13.0, 48.0));
    assert_eq!((t.masthead.font.as_str(), t.headings.font.as_str()), ("Anton", "Anton"));
}

#[test]
fn windows_files_with_bom_and_crlf() {
    let s = ok("\u{feff}name = \"x\"\r\n[page]\r\ncolumns = 1\r\n");
    assert_eq!((s.name.as_str(), s.page.columns), ("x", 1));
    assert_eq!(
        err("\u{feff}[page]\r\ncolums = 1\r\n").split(" —").next().unwrap(),
        "t.toml:2:1: unknown key `colums` in [page]"
    );
}

#[test]
fn every_layout_file_is_shipped() {
    // The binary embeds layouts/ by hand; this fails when the two drift apart.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/layouts");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let embedded: Vec<String> = shipped().iter().map(|(id, _)| id.to_string()).collect();
    assert_eq!(on_disk, embedded);
    for (id, text) in shipped() {
        let disk = std::fs::read_to_string(format!("{dir}/{id}.toml")).unwrap();
        assert_eq!(disk, *text, "{id} is stale");
    }
}

#[test]
fn min_measure_is_kept_in_em() {
    assert_eq!(ok("").fit.min_measure, 0.0);
    let sp = ok("[body]\nsize = \"12pt\"\n[fit]\nmin-measure = \"20em\"\n");
    assert_eq!(sp.fit.min_measure, 20.0);
    // In points, it is read at the layout's body size.
    assert_eq!(ok("[fit]\nmin-measure = \"200pt\"\n").fit.min_measure, 20.0);
    assert!(err("[fit]\nmin-measure = \"-1em\"\n").starts_with("t.toml:2:"));
}

#[test]
fn pull_back_is_on_unless_switched_off() {
    assert!(ok("").fit.pull_back);
    assert!(!ok("[fit]\npull-back = false\n").fit.pull_back);
    assert!(!set("", &["fit.pull-back=false"]).expect("set").fit.pull_back);
    assert!(err("[fit]\npull-back = \"no\"\n").starts_with("t.toml:2:"));
}

#[test]
fn several_mistakes_report_the_same_one_first() {
    // Tables in order (body size, page, body, headings, masthead, footer,
    // fit, print), `page.bilingual` last of all.
    let text = "[page]\nbilingual = \"yes\"\n[print]\ncolor = \"blue\"\n[fit]\npages = -1\n";
    assert!(err(text).starts_with("t.toml:6:1: `fit.pages`"), "{}", err(text));
    let text = "[page]\nbilingual = \"yes\"\n[print]\ncolor = \"blue\"\n";
    assert!(err(text).starts_with("t.toml:4:1: `print.color`"), "{}", err(text));
    assert!(err("[page]\nbilingual = \"yes\"\n").starts_with("t.toml:2:1: `page.bilingual`"));
    let text = "[footer]\nsize = \"0pt\"\n[body]\nsize = \"10px\"\n";
    assert!(err(text).starts_with("t.toml:4:1: `body.size`"), "{}", err(text));
}
