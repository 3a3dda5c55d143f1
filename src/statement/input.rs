//! Bytes to clean text: size limit, encodings (UTF-8, UTF-16, Windows-1252),
//! binary files, line ends and stray control characters.

use std::path::Path;

use crate::error::{Error, Location, Result, Warning};

use super::MAX_STATEMENT_BYTES;

/// What to tell people who handed us something that is not text.
const BINARY_HINT: &str = "save the statement as plain text (.txt) or Markdown (.md); \
     in a word processor use “Save as → Plain Text (UTF-8)”";

/// Turns the bytes of a statement file into text, or explains why not.
pub(super) fn decode(path: &Path, bytes: &[u8], warnings: &mut Vec<Warning>) -> Result<String> {
    check_size(path, bytes.len() as u64)?;
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        // A UTF-8 byte order mark carries no information; drop it quietly.
        return utf8_or_legacy(path, rest, warnings);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(path, rest, false, warnings);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(path, rest, true, warnings);
    }
    if bytes.contains(&0) {
        return Err(Error::file(
            path,
            "this is not a text file (it contains binary data)",
            BINARY_HINT,
        ));
    }
    utf8_or_legacy(path, bytes, warnings)
}

/// Refuses files over [`MAX_STATEMENT_BYTES`].
pub(super) fn check_size(path: &Path, len: u64) -> Result<()> {
    if len > MAX_STATEMENT_BYTES {
        let mib = len as f64 / (1024.0 * 1024.0);
        return Err(Error::file(
            path,
            format!(
                "the statement is {mib:.1} MiB, over the limit of {} MiB",
                MAX_STATEMENT_BYTES / (1024 * 1024)
            ),
            "a leaflet holds a few pages of text: check that this is the right file, \
             or split it into several statements",
        ));
    }
    Ok(())
}

fn utf8_or_legacy(path: &Path, bytes: &[u8], warnings: &mut Vec<Warning>) -> Result<String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(e) => {
            let bad = e.valid_up_to();
            let line =
                bytes.get(..bad).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count()) + 1;
            let location = Location::line(path, line);
            // Mostly good UTF-8 with a few broken bytes: keep the UTF-8
            // reading, or every other accented letter would be garbled.
            let (mut good, mut broken) = (0usize, 0usize);
            for chunk in bytes.utf8_chunks() {
                good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
                broken += chunk.invalid().len();
            }
            if good > broken {
                warnings.push(Warning::new(
                    location,
                    "the statement contains bytes that are not valid UTF-8; replaced them with �",
                ));
                String::from_utf8_lossy(bytes).into_owned()
            } else {
                warnings.push(Warning::new(
                    location,
                    "the statement is not UTF-8; read it as Windows-1252 (Western European) — \
                     check accented letters and quotes, and save the file as UTF-8 to be sure",
                ));
                bytes.iter().map(|&b| cp1252(b)).collect()
            }
        }
    };
    check_text(path, &text)?;
    Ok(text)
}

fn utf16(
    path: &Path,
    bytes: &[u8],
    big_endian: bool,
    warnings: &mut Vec<Warning>,
) -> Result<String> {
    let units = bytes.chunks(2).map(|c| match (c, big_endian) {
        ([a, b], false) => u16::from_le_bytes([*a, *b]),
        ([a, b], true) => u16::from_be_bytes([*a, *b]),
        // An odd trailing byte cannot be a character.
        _ => 0xFFFD,
    });
    let mut broken = false;
    let text: String = char::decode_utf16(units)
        .map(|r| {
            r.unwrap_or_else(|_| {
                broken = true;
                char::REPLACEMENT_CHARACTER
            })
        })
        .collect();
    let mut note = String::from("converted the statement from UTF-16 to UTF-8");
    if broken {
        note.push_str("; some characters were damaged and show as �");
    }
    warnings.push(Warning::new(Location::file(path), note));
    check_text(path, &text)?;
    Ok(text)
}

/// Refuses text that is mostly control characters: a binary file that
/// happened to decode.
fn check_text(path: &Path, text: &str) -> Result<()> {
    let mut total = 0usize;
    let mut odd = 0usize;
    for c in text.chars() {
        total += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0C') {
            odd += 1;
        }
    }
    if odd > 0 && (c_ratio(odd, total) > 0.02 || text.contains('\0')) {
        return Err(Error::file(
            path,
            "this is not a text file (it contains binary data)",
            BINARY_HINT,
        ));
    }
    Ok(())
}

fn c_ratio(part: usize, whole: usize) -> f64 {
    part as f64 / whole.max(1) as f64
}

/// Maps one Windows-1252 byte to a character (Latin-1 plus 0x80–0x9F).
pub(super) fn cp1252(b: u8) -> char {
    // 0x80..=0x9F; the five unassigned bytes map to the C1 control of the
    // same number, as browsers do.
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Normalizes line ends to `\n` and removes stray control characters.
pub(super) fn normalize(path: &Path, text: &str, warnings: &mut Vec<Warning>) -> String {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut lone_cr = false;
    let mut removed = 0usize;
    let mut first_removed_line = 0usize;
    let mut line = 1usize;
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                } else {
                    lone_cr = true;
                }
                out.push('\n');
                line += 1;
            }
            '\n' => {
                out.push('\n');
                line += 1;
            }
            // Form feeds and line/paragraph separators end a line.
            '\x0C' | '\u{2028}' | '\u{2029}' => {
                out.push('\n');
                line += 1;
            }
            '\t' => out.push(c),
            c if c.is_control() => {
                if removed == 0 {
                    first_removed_line = line;
                }
                removed += 1;
            }
            c => out.push(c),
        }
    }
    if lone_cr {
        warnings.push(Warning::new(
            Location::file(path),
            "the statement uses old Mac line ends (CR); converted them to normal line ends",
        ));
    }
    if removed > 0 {
        warnings.push(Warning::new(
            Location::line(path, first_removed_line),
            format!("removed {removed} invisible control character(s)"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(bytes: &[u8]) -> (Result<String>, Vec<String>) {
        let mut w = Vec::new();
        let r = decode(Path::new("s.txt"), bytes, &mut w);
        (r, w.into_iter().map(|w| w.to_string()).collect())
    }

    #[test]
    fn utf8_with_bom_is_stripped_quietly() {
        let (r, w) = dec("\u{FEFF}Héllo".as_bytes());
        assert_eq!(r.ok().as_deref(), Some("Héllo"));
        assert!(w.is_empty());
    }

    #[test]
    fn utf16_both_byte_orders() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in "Grève “now”".encode_utf16() {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        for bytes in [le, be] {
            let (r, w) = dec(&bytes);
            assert_eq!(r.ok().as_deref(), Some("Grève “now”"));
            assert_eq!(w, ["s.txt: converted the statement from UTF-16 to UTF-8"]);
        }
    }

    #[test]
    fn windows_1252_is_converted_with_a_warning() {
        let (r, w) = dec(b"line one\n\x93Ren\xe9e\x94 \x96 \x80 5\x85");
        assert_eq!(r.ok().as_deref(), Some("line one\n“Renée” – € 5…"));
        assert_eq!(w.len(), 1);
        assert!(w[0].starts_with("s.txt:2: the statement is not UTF-8; read it as Windows-1252"));
    }

    #[test]
    fn mostly_utf8_keeps_utf8() {
        let (r, w) = dec(b"Ren\xc3\xa9e \xc3\xa9t\xc3\xa9 \xff");
        assert_eq!(r.ok().as_deref(), Some("Renée été \u{FFFD}"));
        assert_eq!(w, ["s.txt:1: the statement contains bytes that are not valid UTF-8; replaced them with �"]);
    }

    #[test]
    fn binary_is_refused() {
        let (r, _) = dec(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        let e = r.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("s.txt: this is not a text file (it contains binary data) — save"));
        let noise: Vec<u8> = (0..2000u32).map(|i| (i * 7 % 32) as u8 + 1).collect();
        assert!(dec(&noise).0.is_err());
    }

    #[test]
    fn oversize_is_refused_with_the_limit() {
        let e = check_size(Path::new("big.md"), MAX_STATEMENT_BYTES + 1).err();
        let e = e.map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("big.md: the statement is 2.0 MiB, over the limit of 2 MiB"), "{e}");
        assert!(check_size(Path::new("ok.md"), MAX_STATEMENT_BYTES).is_ok());
    }

    #[test]
    fn line_ends_and_controls_are_normalized() {
        let mut w = Vec::new();
        let p = Path::new("s.txt");
        assert_eq!(normalize(p, "a\r\nb\r\n", &mut w), "a\nb\n");
        assert!(w.is_empty());
        assert_eq!(normalize(p, "a\rb\x07c", &mut w), "a\nbc");
        let w: Vec<String> = w.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            w,
            [
                "s.txt: the statement uses old Mac line ends (CR); converted them to normal line ends",
                "s.txt:2: removed 1 invisible control character(s)"
            ]
        );
    }

    #[test]
    fn cp1252_table_edges() {
        assert_eq!(cp1252(0x41), 'A');
        assert_eq!(cp1252(0x80), '€');
        assert_eq!(cp1252(0x9F), 'Ÿ');
        assert_eq!(cp1252(0xA0), '\u{A0}');
        assert_eq!(cp1252(0xFF), 'ÿ');
    }
}
