//! Bad input, through the real binary: every case ends with one plain
//! `error:` or `warning:` line, never a panic, the expected exit code, and
//! no output file when the job failed.
//!
//! Run with `--nocapture` to see each case's message (`CASE|…` lines).

mod common;

use std::path::Path;

use common::{book, pdfs, run, temp, write, Run};
use handbill::fonts::shipped_dir;
use handbill::{spec, statement, Vars};

const SAMPLE: &str = "# Stop the cuts\n\nThe city plans to cut forty bus routes.\n\nWe demand full funding for transit.\n";

/// Prints a row for the table of messages.
fn record(r: &Run, case: &str) {
    eprintln!("CASE|{case}|{}|{}", r.message().replace('|', "\\|"), r.code);
}

/// Builds `statement` (bytes) with the layout `layout` (a name, or TOML text
/// written to `layout.toml` when it contains `=`).
fn build(case: &str, statement: impl AsRef<[u8]>, layout: &str, extra: &[&str]) -> Run {
    let dir = temp();
    write(dir.path(), "statement.md", statement);
    let layout_arg = if layout.contains('=') {
        write(dir.path(), "layout.toml", layout);
        "layout.toml"
    } else {
        layout
    };
    let mut args = vec!["build", "statement.md", "--layout", layout_arg, "--out", "out"];
    args.extend_from_slice(extra);
    let r = run(dir.path(), &args);
    record(&r, case);
    let written = pdfs(dir.path());
    if r.code == 0 {
        assert_eq!(written.len(), 1, "{case}: expected one PDF, got {written:?}\n{}", r.stderr);
        let bytes = std::fs::read(&written[0]).expect("read pdf");
        let tail = &bytes[bytes.len().saturating_sub(32)..];
        assert!(bytes.starts_with(b"%PDF"), "{case}: not a PDF");
        assert!(tail.windows(5).any(|w| w == b"%%EOF"), "{case}: PDF cut short");
    } else {
        assert!(written.is_empty(), "{case}: failed but left {written:?}");
        assert!(!r.errors().is_empty(), "{case}: failed without an error line:\n{}", r.stderr);
    }
    r
}

/// Asserts success with no error line.
fn ok(r: &Run, case: &str) {
    assert_eq!(r.code, 0, "{case}: {}", r.stderr);
    assert!(r.errors().is_empty(), "{case}: {}", r.stderr);
}

/// Asserts a failed job (exit code 1) with an error line containing every
/// `needle`.
fn fails(r: &Run, case: &str, needles: &[&str]) {
    fails_with(r, 1, case, needles);
}

/// Asserts a refused command line (exit code 2: nothing was built) with an
/// error line containing every `needle`.
fn refused(r: &Run, case: &str, needles: &[&str]) {
    fails_with(r, 2, case, needles);
}

fn fails_with(r: &Run, code: i32, case: &str, needles: &[&str]) {
    assert_eq!(r.code, code, "{case} should exit with {code}:\n{}", r.stderr);
    let errs = r.errors();
    assert!(!errs.is_empty(), "{case}: no error line:\n{}", r.stderr);
    for n in needles {
        assert!(
            errs.iter().any(|e| e.to_lowercase().contains(&n.to_lowercase())),
            "{case}: no error mentions `{n}`:\n{}",
            r.stderr
        );
    }
}

/// Asserts a warning containing every needle.
fn warns(r: &Run, case: &str, needles: &[&str]) {
    let ws = r.warnings();
    assert!(
        ws.iter().any(|w| needles.iter().all(|n| w.to_lowercase().contains(&n.to_lowercase()))),
        "{case}: no warning mentions {needles:?}:\n{}",
        r.stderr
    );
}

/// The words of a statement file holding `bytes`, as the binary reads it.
fn words_in_file(bytes: &[u8]) -> Vec<String> {
    let dir = temp();
    let path = write(dir.path(), "statement.md", bytes);
    let st = statement::load(&path).expect("loads");
    handbill::flow::statement_words(&st)
}

/// The words of a statement given as text.
fn words_in_text(text: &str) -> Vec<String> {
    let st = statement::parse(Path::new("statement.md"), text).expect("parses");
    handbill::flow::statement_words(&st)
}

fn words_laid_out(text: &str) -> (Vec<String>, Vec<String>) {
    let st = statement::parse(Path::new("s.md"), text).expect("parse");
    let sp = spec::load("letter-2col", &[]).expect("layout");
    let (doc, _) = handbill::typeset(&st, &sp, book(), &Vars::new()).expect("typeset");
    let mut got = Vec::new();
    for p in &doc.pages {
        for l in &p.lines {
            if matches!(
                l.kind,
                handbill::pages::LineKind::Body
                    | handbill::pages::LineKind::Heading
                    | handbill::pages::LineKind::Other
            ) {
                got.extend(l.text.split_whitespace().map(str::to_string));
            }
        }
    }
    (handbill::flow::statement_words(&st), got)
}

// ---- statements ----------------------------------------------------------

#[test]
fn utf16_with_bom() {
    let mut bytes = vec![0xFF, 0xFE];
    for u in SAMPLE.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let r = build("statement in UTF-16 with BOM", bytes.clone(), "letter-2col", &[]);
    // Converted, said so, and built (`build` checks the one PDF).
    ok(&r, "utf-16");
    warns(&r, "utf-16", &["statement.md:", "converted the statement from UTF-16 to UTF-8"]);
    // Besides the one that says the sample names no contact.
    let others = r.warnings().into_iter().filter(|w| !w.contains("how to reach you")).count();
    assert_eq!(others, 1, "{}", r.stderr);
    // Read as the same text.
    assert_eq!(words_in_file(&bytes), words_in_text(SAMPLE));
}

#[test]
fn windows_1252() {
    // “Smart quotes” and an é in Windows-1252.
    let bytes = b"\x93Stop the cuts!\x94 said Ren\xe9e.\n".to_vec();
    let r = build("statement in Windows-1252", bytes.clone(), "letter-2col", &[]);
    ok(&r, "cp1252");
    warns(&r, "cp1252", &["statement.md:1:", "not UTF-8", "read it as Windows-1252"]);
    assert_eq!(words_in_file(&bytes), words_in_text("“Stop the cuts!” said Renée.\n"));
}

#[test]
fn utf8_bom_builds() {
    let r = build("statement with UTF-8 BOM", format!("\u{feff}{SAMPLE}"), "letter-2col", &[]);
    ok(&r, "bom");
}

#[test]
fn utf8_bom_is_not_text() {
    let (want, got) = words_laid_out(&format!("\u{feff}{SAMPLE}"));
    assert!(!got.iter().any(|w| w.contains('\u{feff}')), "BOM laid out as text: {got:?}");
    assert!(!want.iter().any(|w| w.contains('\u{feff}')), "BOM kept in the statement: {want:?}");
}

#[test]
fn crlf_builds() {
    let r =
        build("statement with CRLF line ends", SAMPLE.replace('\n', "\r\n"), "letter-2col", &[]);
    ok(&r, "crlf");
}

#[test]
fn crlf_reads_like_lf() {
    let lf = statement::parse(Path::new("s.md"), SAMPLE).expect("lf");
    let crlf = statement::parse(Path::new("s.md"), &SAMPLE.replace('\n', "\r\n")).expect("crlf");
    assert_eq!(lf.blocks.len(), crlf.blocks.len(), "CRLF changes the paragraphs");
    assert_eq!(handbill::flow::statement_words(&lf), handbill::flow::statement_words(&crlf));
}

#[test]
fn empty_statement() {
    let r = build("empty statement", "", "letter-2col", &[]);
    fails(&r, "empty", &["statement.md: the statement is empty"]);
}

#[test]
fn whitespace_only_statement() {
    let r = build("whitespace-only statement", " \n\t\n  \r\n\n", "letter-2col", &[]);
    fails(&r, "blank", &["statement.md: the statement is empty"]);
}

#[test]
fn binary_statement() {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend((0..4000u32).map(|i| (i * 7919 % 251) as u8));
    let r = build("binary file as statement", bytes, "letter-2col", &[]);
    fails(&r, "binary", &["statement.md"]);
}

#[test]
fn text_with_nul_bytes() {
    // Valid UTF-8, but a NUL says it is not a text file.
    let r = build("UTF-8 with NUL bytes", "Stop\0the\0cuts\0\0\0", "letter-2col", &[]);
    fails(&r, "nul", &["statement.md: this is not a text file"]);
}

#[test]
fn huge_statement() {
    // 20 MB: refused with the documented limit (2 MiB), quickly and
    // without reading it all into memory first.
    let para = "Workers of the world, unite! You have nothing to lose but your chains. ";
    let mut text = String::with_capacity(20_000_000);
    while text.len() < 20_000_000 {
        text.push_str(para);
        if text.len() % 2_000 < para.len() {
            text.push_str("\n\n");
        }
    }
    let started = std::time::Instant::now();
    let r = build("20 MB statement", text, "letter-2col", &[]);
    fails(&r, "huge", &["statement.md: the statement is 19.1 MiB, over the limit of 2 MiB"]);
    assert!(started.elapsed().as_secs() < 60, "20 MB took {:?}", started.elapsed());
    eprintln!("20 MB statement took {:?}", started.elapsed());
}

#[test]
fn line_of_100k_chars() {
    let line = "solidarity ".repeat(100_000 / 11);
    let r = build("100,000-character line", &line, "letter-2col", &[]);
    ok(&r, "long line");
}

#[test]
fn word_longer_than_column() {
    let word = "x".repeat(400);
    let url = format!("https://example.org/{}", "very-long-path-segment/".repeat(20));
    let r = build(
        "word longer than the column",
        format!("Before {word} after.\n\nSee {url} now.\n"),
        "letter-2col",
        &[],
    );
    ok(&r, "long word");
    warns(&r, "long word", &["wider than the column"]);
    let (want, got) = words_laid_out(&format!("Before {word} after.\n"));
    assert_eq!(got.concat(), want.concat(), "letters lost");
}

#[test]
fn deep_nesting() {
    let mut lists = String::new();
    for d in 0..200 {
        lists.push_str(&"  ".repeat(d));
        lists.push_str(&format!("- level {d}\n"));
    }
    let quotes: String = (1..=200).map(|d| format!("{} quoted {d}\n", ">".repeat(d))).collect();
    let r = build(
        "200-deep nested lists and quotes",
        format!("{lists}\n\n{quotes}"),
        "letter-2col",
        &[],
    );
    ok(&r, "nesting");
}

#[test]
fn many_headings() {
    let text: String = (0..3000).map(|i| format!("## Heading {i}\n\n")).collect();
    let r = build("3,000 headings in a row", text, "letter-2col", &[]);
    ok(&r, "headings");
}

#[test]
fn wide_table() {
    let cols = 40;
    let head: String = (0..cols).map(|i| format!("| column{i} ")).collect::<String>() + "|\n";
    let rule = "|---".repeat(cols) + "|\n";
    let row: String = (0..cols).map(|i| format!("| value-{i}-long ")).collect::<String>() + "|\n";
    let r =
        build("table wider than the page", format!("{head}{rule}{row}{row}"), "letter-2col", &[]);
    ok(&r, "wide table");
    warns(&r, "wide table", &["table", "squeezed"]);
}

#[test]
fn raw_html() {
    let text = "<div class=\"x\">Stop the <b>cuts</b></div>\n\n<script>alert(1)</script>\n\nAfter the HTML.\n";
    let r = build("raw HTML", text, "letter-2col", &[]);
    ok(&r, "html");
    warns(&r, "html", &["raw HTML skipped"]);
}

#[test]
fn images() {
    let r = build(
        "images",
        "Before.\n\n![A crowd at city hall](crowd.jpg)\n\nAfter.\n",
        "letter-2col",
        &[],
    );
    // A picture that is not there stops the job (tests/pictures.rs has
    // the other bad pictures).
    fails(&r, "images", &["statement.md:3", "picture `crowd.jpg` cannot be read"]);
}

#[test]
fn footnotes() {
    let r = build(
        "footnotes",
        "The cuts hit forty routes.[^1]\n\n[^1]: City budget, page 12.\n",
        "letter-2col",
        &[],
    );
    ok(&r, "footnotes");
    warns(&r, "footnotes", &["footnote"]);
}

#[test]
fn characters_no_font_has() {
    let r = build(
        "CJK characters no bundled font has",
        "Solidarity.\n\n工人团结起来\n",
        "letter-2col",
        &[],
    );
    ok(&r, "cjk");
    warns(&r, "cjk", &["statement.md", "工"]);
}

#[test]
fn missing_glyph_warning_names_the_line() {
    let r = build("CJK characters: line", "Solidarity.\n\n工人团结起来\n", "letter-2col", &[]);
    warns(&r, "cjk line", &["statement.md:3", "工"]);
}

#[test]
fn missing_statement_file() {
    let dir = temp();
    let r = run(dir.path(), &["build", "nothere.md", "--layout", "letter-2col", "--out", "out"]);
    record(&r, "missing statement file");
    fails(&r, "missing statement", &["nothere.md"]);
    assert!(pdfs(dir.path()).is_empty());
}

// ---- layouts -------------------------------------------------------------

#[test]
fn unknown_layout_name() {
    let r = build("unknown layout name", SAMPLE, "letter-3col", &[]);
    fails(&r, "unknown layout", &["letter-3col"]);
}

#[test]
fn toml_syntax_error() {
    let r = build("TOML syntax error", SAMPLE, "[page\ncolumns = 2\n", &[]);
    fails(&r, "toml syntax", &["layout.toml:1"]);
}

#[test]
fn unknown_key() {
    let r = build("unknown key", SAMPLE, "[page]\ncolums = 2\n", &[]);
    // A misspelt key is an error, not a warning: the layout would silently
    // fall back to the default for it.
    fails(
        &r,
        "unknown key",
        &["layout.toml:2:1: unknown key `colums` in [page]", "did you mean `columns`?"],
    );
}

#[test]
fn wrong_type() {
    let r = build("wrong type", SAMPLE, "[page]\ncolumns = \"two\"\n", &[]);
    fails(&r, "wrong type", &["layout.toml:2", "columns"]);
}

#[test]
fn negative_size() {
    let r = build(
        "negative size",
        SAMPLE,
        "extends = \"letter-2col\"\n[body]\nsize = \"-10pt\"\n",
        &[],
    );
    fails(&r, "negative size", &["layout.toml", "size"]);
}

#[test]
fn zero_size() {
    let r = build("zero size", SAMPLE, "extends = \"letter-2col\"\n[body]\nsize = \"0pt\"\n", &[]);
    fails(&r, "zero size", &["layout.toml", "size"]);
}

#[test]
fn margins_larger_than_page() {
    let r = build("margins larger than the page", SAMPLE, "[page]\nmargin = \"6in\"\n", &[]);
    fails(&r, "margins", &["layout.toml", "margin"]);
}

#[test]
fn columns_narrower_than_5em() {
    // Ten columns on Letter: 37.8pt each, under 4 em of 10pt type.
    let r = build("columns narrower than 5 em", SAMPLE, "[page]\ncolumns = 10\n", &[]);
    fails(
        &r,
        "narrow columns",
        &["layout.toml:2:1: columns would be 37.8pt wide, narrower than 5 em", "fewer columns"],
    );
}

#[test]
fn gutter_larger_than_page() {
    let r = build("gutter larger than the page", SAMPLE, "[page]\ngutter = \"12in\"\n", &[]);
    fails(&r, "gutter", &["layout.toml", "gutter"]);
}

#[test]
fn extends_cycle() {
    let dir = temp();
    write(dir.path(), "statement.md", SAMPLE);
    write(dir.path(), "a.toml", "extends = \"b.toml\"\n");
    write(dir.path(), "b.toml", "extends = \"a.toml\"\n");
    let r = run(dir.path(), &["build", "statement.md", "--layout", "a.toml", "--out", "out"]);
    record(&r, "`extends` cycle");
    fails(&r, "cycle", &["extends"]);
    assert!(pdfs(dir.path()).is_empty());
}

#[test]
fn missing_font_family() {
    let r = build("missing font family", SAMPLE, "[body]\nfont = \"Comic Sans MS\"\n", &[]);
    fails(&r, "missing font", &["Comic Sans MS"]);
}

#[test]
fn missing_font_family_names_the_layout_file() {
    let r = build("missing font family: file", SAMPLE, "[body]\nfont = \"Comic Sans MS\"\n", &[]);
    fails(&r, "missing font file", &["layout.toml", "Comic Sans MS"]);
}

#[test]
fn fake_font_file() {
    let dir = temp();
    write(dir.path(), "statement.md", SAMPLE);
    write(dir.path(), "myfonts/Fancy-Regular.ttf", "<html>404 Not Found</html>");
    write(dir.path(), "layout.toml", "font-dirs = [\"myfonts\"]\n");
    let r = run(dir.path(), &["build", "statement.md", "--layout", "layout.toml", "--out", "out"]);
    record(&r, "font file that is not a font");
    fails(&r, "fake font", &["Fancy-Regular.ttf", "not a font"]);
    assert!(pdfs(dir.path()).is_empty());
}

// ---- output --------------------------------------------------------------

#[test]
fn output_folder_is_created() {
    let dir = temp();
    write(dir.path(), "statement.md", SAMPLE);
    let r = run(
        dir.path(),
        &["build", "statement.md", "--layout", "letter-2col", "--out", "new/deeper"],
    );
    record(&r, "output folder that does not exist");
    ok(&r, "new folder");
    assert!(dir.path().join("new/deeper/statement-letter-2col.pdf").is_file());
}

#[test]
fn output_folder_not_writable() {
    let dir = temp();
    write(dir.path(), "statement.md", SAMPLE);
    // A folder below a file: nobody, root included, can make it.
    write(dir.path(), "notes.txt", "x");
    let r = run(
        dir.path(),
        &["build", "statement.md", "--layout", "letter-2col", "--out", "notes.txt/pdfs"],
    );
    record(&r, "output folder below a file");
    fails(&r, "below a file", &["notes.txt/pdfs: cannot create the output folder"]);
    assert!(pdfs(dir.path()).is_empty());
    // A folder without write permission, for users it binds.
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).expect("mkdir");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    }
    // Root (and some file systems) can write anywhere: probe first.
    if std::fs::write(locked.join("probe"), b"x").is_ok() {
        eprintln!("read-only folder not checked: this user can write to it (root?)");
        return;
    }
    let r =
        run(dir.path(), &["build", "statement.md", "--layout", "letter-2col", "--out", "locked"]);
    record(&r, "output folder not writable");
    fails(&r, "not writable", &["locked"]);
    assert!(pdfs(dir.path()).is_empty());
}

#[test]
fn output_equal_to_input() {
    let dir = temp();
    // A statement that happens to be named .pdf, and --out pointing at it.
    write(dir.path(), "statement.pdf", SAMPLE);
    let r = run(
        dir.path(),
        &["build", "statement.pdf", "--layout", "letter-2col", "--out", "statement.pdf"],
    );
    record(&r, "output path equal to the input");
    fails(&r, "out = in", &["statement.pdf"]);
    assert_eq!(std::fs::read_to_string(dir.path().join("statement.pdf")).expect("read"), SAMPLE);
}

#[test]
fn output_named_like_the_statement() {
    let dir = temp();
    write(dir.path(), "statement.md", SAMPLE);
    let r = run(
        dir.path(),
        &["build", "statement.md", "--layout", "letter-2col", "--out", "statement.md"],
    );
    record(&r, "--out naming the statement file");
    assert_ne!(r.code, 0);
    assert!(!r.errors().is_empty(), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(dir.path().join("statement.md")).expect("read"), SAMPLE);
}

// ---- messages ------------------------------------------------------------

#[test]
fn overflow_of_a_fixed_page_count() {
    let long = "Workers of the world, unite! You have nothing to lose but your chains. ".repeat(40);
    let text: String = (0..40).map(|_| format!("{long}\n\n")).collect();
    // Too long for one page even at fit.min-size: no PDF, and the message
    // says how much does not fit.
    let r = build("text overflowing a fixed page count", text, "[fit]\npages = 1\n", &[]);
    fails(&r, "overflow", &["does not fit on 1 page", "lines", "fit.min-size"]);
}

#[test]
fn body_text_below_8pt() {
    let r =
        build("body text below 8 pt", SAMPLE, "[body]\nsize = \"6pt\"\nleading = \"7pt\"\n", &[]);
    ok(&r, "small text");
    warns(&r, "small text", &["6"]);
}

#[test]
fn gray_text_on_gray() {
    let r = build("gray text on gray", SAMPLE, "[masthead]\nbackground = \"#777777\"\n", &[]);
    ok(&r, "gray on gray");
    warns(&r, "gray on gray", &["background"]);
}

#[test]
fn footer_link_not_a_url() {
    let r = build(
        "footer link that is not a URL",
        SAMPLE,
        "[footer]\nlink = \"see our website\"\n",
        &[],
    );
    ok(&r, "bad link");
    warns(&r, "bad link", &["footer.link", "URL"]);
}

// ---- commands ------------------------------------------------------------

#[test]
fn every_command_has_help_with_an_example() {
    let dir = temp();
    for cmd in ["build", "check", "layouts", "fonts", "init", "preview"] {
        let r = run(dir.path(), &[cmd, "--help"]);
        assert_eq!(r.code, 0, "{cmd} --help");
        assert!(r.stdout.contains("Example:"), "{cmd} --help has no example:\n{}", r.stdout);
    }
}

#[test]
fn layouts_lists_shipped_layouts() {
    let dir = temp();
    let r = run(dir.path(), &["layouts"]);
    ok(&r, "layouts");
    for id in spec::shipped().iter().map(|(id, _)| *id) {
        assert!(r.stdout.contains(id), "{id} missing:\n{}", r.stdout);
    }
    assert!(
        r.stdout.contains("Letter 8.5×11 in") && r.stdout.contains("A4 210×297 mm"),
        "{}",
        r.stdout
    );
}

#[test]
fn layouts_lists_local_layouts() {
    let dir = temp();
    write(dir.path(), "layouts/rally.toml", "name = \"Rally flyer\"\nextends = \"letter-2col\"\n");
    write(dir.path(), "layouts/broken.toml", "[page\n");
    let r = run(dir.path(), &["layouts"]);
    ok(&r, "local layouts");
    assert!(r.stdout.contains("Rally flyer"), "{}", r.stdout);
    assert!(r.stderr.contains("broken.toml"), "{}", r.stderr);
}

#[test]
fn fonts_lists_scripts() {
    let dir = temp();
    let r = run(dir.path(), &["fonts"]);
    ok(&r, "fonts");
    assert!(r.stdout.contains("Noto Naskh Arabic") && r.stdout.contains("Arabic"), "{}", r.stdout);
    assert!(r.stdout.contains("Ethiopic") && r.stdout.contains("Devanagari"), "{}", r.stdout);
    assert!(r.stdout.contains("No font here covers") && r.stdout.contains("CJK"), "{}", r.stdout);
}

#[test]
fn check_writes_nothing_and_lays_out() {
    let dir = temp();
    write(dir.path(), "s.md", "Solidarity.\n\n工人团结起来\n");
    write(
        dir.path(),
        "l.toml",
        "extends = \"letter-2col\"\n[masthead]\nkicker = \"{event.name}\"\n",
    );
    let r = run(dir.path(), &["check", "s.md", "l.toml"]);
    ok(&r, "check");
    warns(&r, "check shows glyph warnings", &["工"]);
    let files: Vec<_> = std::fs::read_dir(dir.path()).expect("ls").flatten().collect();
    assert_eq!(files.len(), 2, "check wrote files");
}

#[test]
fn check_fails_on_bad_files() {
    let dir = temp();
    write(dir.path(), "l.toml", "[body]\nfont = \"Comic Sans MS\"\n");
    write(dir.path(), "bad.md", [0x89, b'P', b'N', b'G', 0, 0, 0, 0x0d, 0, 0, 1, 0]);
    let r = run(dir.path(), &["check", "l.toml", "bad.md", "missing.md"]);
    record(&r, "check: bad layout, bad statement, missing file");
    assert_eq!(r.code, 1);
    assert_eq!(r.errors().len(), 3, "{}", r.stderr);
    assert!(r.stderr.contains("Comic Sans MS") && r.stderr.contains("body.font"), "{}", r.stderr);
}

#[test]
fn init_builds_end_to_end() {
    let dir = temp();
    let r = run(dir.path(), &["init", "leaflet"]);
    ok(&r, "init");
    let starter = dir.path().join("leaflet");
    for f in ["statement.md", "layout.toml", "event.toml", "campaign.toml", "README.md"] {
        assert!(starter.join(f).is_file(), "{f} missing");
    }
    let r = run(&starter, &["build", "statement.md", "--layout", "layout.toml"]);
    ok(&r, "starter build");
    assert!(starter.join("statement-layout.pdf").is_file());
    let r = run(&starter, &["check", "statement.md", "layout.toml", "event.toml"]);
    ok(&r, "starter check");
    assert!(r.warnings().is_empty(), "the starter has warnings:\n{}", r.stderr);
}

#[test]
fn init_refuses_to_overwrite() {
    let dir = temp();
    write(dir.path(), "leaflet/statement.md", "mine");
    let r = run(dir.path(), &["init", "leaflet"]);
    record(&r, "init into a folder with a statement.md");
    fails(&r, "init overwrite", &["statement.md", "overwrite"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("leaflet/statement.md")).expect("read"),
        "mine"
    );
    assert!(!dir.path().join("leaflet/layout.toml").exists(), "wrote some files before refusing");
}

#[test]
fn preview_writes_pngs_and_contact_sheet() {
    let dir = temp();
    let long = "Workers of the world, unite! ".repeat(400);
    write(dir.path(), "s.md", format!("# Title\n\n{long}\n\n{long}\n"));
    let r = run(
        dir.path(),
        &[
            "preview",
            "s.md",
            "--layout",
            "half-letter",
            "--out",
            "p",
            "--dpi",
            "30",
            "--contact-sheet",
            "sheet.png",
        ],
    );
    ok(&r, "preview");
    let first = dir.path().join("p/s-half-letter-1.png");
    let bytes = std::fs::read(&first).expect("first page png");
    assert!(bytes.starts_with(b"\x89PNG"));
    assert!(dir.path().join("p/s-half-letter-2.png").is_file(), "{}", r.stderr);
    assert!(std::fs::read(dir.path().join("sheet.png")).expect("sheet").starts_with(b"\x89PNG"));
}

#[test]
fn preview_bad_dpi() {
    let dir = temp();
    write(dir.path(), "s.md", SAMPLE);
    let r = run(dir.path(), &["preview", "s.md", "--layout", "letter-2col", "--dpi", "0"]);
    record(&r, "preview --dpi 0");
    refused(&r, "dpi", &["resolution"]);
}

#[test]
fn build_writes_previews_and_a_contact_sheet() {
    let dir = temp();
    write(dir.path(), "s.md", SAMPLE);
    let r = run(
        dir.path(),
        &[
            "build",
            "s.md",
            "--layout",
            "letter-2col",
            "--preview",
            "--dpi",
            "30",
            "--contact-sheet",
            "sheet.png",
            "--out",
            "out",
        ],
    );
    ok(&r, "build --preview");
    let out = dir.path().join("out");
    let pdf = out.join("s-letter-2col.pdf");
    assert!(pdf.exists(), "{}", r.stderr);
    let png = out.join("s-letter-2col-1.png");
    let bytes = std::fs::read(&png).unwrap_or_default();
    assert!(bytes.starts_with(b"\x89PNG"), "no preview {}: {}", png.display(), r.stderr);
    let sheet = std::fs::read(dir.path().join("sheet.png")).unwrap_or_default();
    assert!(sheet.starts_with(b"\x89PNG"), "no contact sheet: {}", r.stderr);
    let bad =
        run(dir.path(), &["build", "s.md", "--layout", "letter-2col", "--preview", "--dpi", "0"]);
    assert_ne!(bad.code, 0);
    assert!(bad.stderr.contains("resolution"), "{}", bad.stderr);
}

#[test]
fn bilingual_preview_pairs_the_statements_as_build_does() {
    let dir = temp();
    write(dir.path(), "en.md", "+++\nlang = \"en\"\n+++\n# Stop the cuts\n\nNo layoffs.\n");
    write(dir.path(), "es.md", "+++\nlang = \"es\"\n+++\n# Alto a los recortes\n\nNi despidos.\n");
    let args = ["en.md", "es.md", "--layout", "letter-bilingual", "--dpi", "20", "--jobs", "1"];
    let r = run(dir.path(), &[&["preview"], &args[..], &["--out", "p"]].concat());
    ok(&r, "bilingual preview");
    let mut written: Vec<String> = std::fs::read_dir(dir.path().join("p"))
        .expect("preview folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["en+es-letter-bilingual-1.png"], "{}", r.stderr);
    assert!(r.stdout.contains("1 job, 0 failed"), "{}", r.stdout);
    // The build of the same pair has as many pages, under the same name.
    let b = run(dir.path(), &[&["build"], &args[..], &["--out", "b"]].concat());
    ok(&b, "bilingual build");
    assert!(dir.path().join("b/en+es-letter-bilingual.pdf").is_file(), "{}", b.stderr);
    assert!(b.stdout.contains("1 job, 0 failed, 1 page,"), "{}", b.stdout);
}

#[test]
fn bilingual_preview_of_an_odd_number_of_statements() {
    let dir = temp();
    for name in ["a.md", "b.md", "c.md"] {
        write(dir.path(), name, SAMPLE);
    }
    let r = run(dir.path(), &["preview", "a.md", "b.md", "c.md", "--layout", "letter-bilingual"]);
    record(&r, "preview: bilingual layout, three statements");
    refused(&r, "odd preview", &["c.md", "no statement to pair"]);
}

#[test]
fn one_pdf_file_for_several_jobs() {
    let dir = temp();
    write(dir.path(), "a.md", SAMPLE);
    write(dir.path(), "b.md", SAMPLE);
    let r =
        run(dir.path(), &["build", "a.md", "b.md", "--layout", "letter-2col", "--out", "x.pdf"]);
    record(&r, "build: two statements, --out x.pdf");
    refused(&r, "one file", &["x.pdf", "--out names one file but there are 2 jobs", "folder"]);
    assert!(pdfs(dir.path()).is_empty());
}

#[test]
fn font_path_is_searched_first() {
    let dir = temp();
    let anton = shipped_dir().join("anton/Anton_400Regular.ttf");
    write(dir.path(), "extra/Anton.ttf", std::fs::read(anton).expect("shipped Anton"));
    let r = run(dir.path(), &["fonts", "--font-path", "extra"]);
    ok(&r, "fonts --font-path");
    let listing = format!("\n{}", r.stdout);
    let from = listing
        .split("\nAnton\n")
        .nth(1)
        .and_then(|rest| rest.lines().find(|l| l.trim_start().starts_with("from:")))
        .unwrap_or_default();
    // The folder it is taken from comes first; the bundled copy after it.
    assert!(
        from.contains("from:    --font-path (") && from.contains("extra); also bundled"),
        "Anton not from --font-path:\n{}",
        r.stdout
    );
    let r = run(dir.path(), &["fonts", "--font-path", "missing"]);
    ok(&r, "fonts --font-path to a missing folder");
}

#[test]
fn format_flag_says_how_to_read_the_statement() {
    let dir = temp();
    // Read as Markdown, a lone unclosed tag is an HTML block with no text.
    write(dir.path(), "tag.md", "<div id=\"x\">\n");
    let r = run(dir.path(), &["check", "tag.md"]);
    record(&r, "format: detected");
    fails(&r, "format detected", &["tag.md", "empty"]);
    let r = run(dir.path(), &["check", "tag.md", "--format", "markdown"]);
    fails(&r, "format markdown", &["tag.md", "empty"]);
    let r = run(dir.path(), &["check", "tag.md", "--format", "text"]);
    ok(&r, "format text");
    let r = build("format: text", "<div id=\"x\">\n", "letter-2col", &["--format", "text"]);
    ok(&r, "build format text");
    let r = run(dir.path(), &["preview", "tag.md", "-l", "letter-2col", "--format", "text"]);
    ok(&r, "preview format text");
    let r = build("format: bad value", SAMPLE, "letter-2col", &["--format", "html"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("`html` is not a statement format"), "{}", r.stderr);
}
