//! Deflates the PDF's content streams after krilla has written them.
//!
//! krilla compresses content streams at zlib level 6 with no way to ask for
//! another. A two-page flyer has 105 KB of text operators: level 6 takes
//! 2.0 ms for them (a third of the whole build), level 2 0.3 ms for 20 KB
//! of streams instead of 13 KB, level 1 (fixed Huffman codes, no match
//! chains) about 40 % fewer instructions again for 27 KB. So krilla writes
//! them plain and this pass deflates every unfiltered stream, at the level
//! the caller asks, and writes a new cross-reference table.
//!
//! The same pass asks viewers to show the document's title in their
//! window (`/DisplayDocTitle`), which krilla writes only for PDF/UA, and
//! leaves out the catalog's `/Suspects false` (see [`SUSPECTS`]).
//!
//! It relies on the shape of krilla's output (pdf-writer's: objects in
//! order of offset, one classic cross-reference section, `/Length` as a
//! direct number) and hands back the input untouched when anything is
//! different, so the worst case is a correct, larger file.

use std::io::Write;

use flate2::Compression;

/// Deflates the unfiltered streams of `pdf` at zlib `level` (0–9), or
/// leaves them as they are (`None`); with `show_title`, asks viewers to
/// show the title rather than the file name.
pub(crate) fn deflate_streams(pdf: Vec<u8>, level: Option<u32>, show_title: bool) -> Vec<u8> {
    if level.is_none() && !show_title && find(&pdf, SUSPECTS).is_none() {
        return pdf;
    }
    match rewrite(&pdf, level, show_title) {
        Some(out) => out,
        None => pdf,
    }
}

/// The catalog's opening, as pdf-writer writes it (not pretty-printed).
const CATALOG: &[u8] = b"<</Type/Catalog";

/// What krilla writes in a tagged document's `/MarkInfo`. Valid, and the
/// default, but poppler up to 25.11 reports it on every file it opens as
/// "Syntax Error: Suspects object is wrong type (boolean)": left out, so
/// that `pdfinfo` or `pdftoppm` at a print shop says nothing of a good file.
const SUSPECTS: &[u8] = b"/Suspects false";

/// One in-use object of the cross-reference table.
struct Entry {
    /// Index in the table.
    index: usize,
    /// Byte offset of `N G obj`.
    offset: usize,
}

fn rewrite(pdf: &[u8], level: Option<u32>, show_title: bool) -> Option<Vec<u8>> {
    let sx = rfind(pdf, b"startxref")?;
    let after = &pdf[sx + b"startxref".len()..];
    let digits_at = after.iter().position(u8::is_ascii_digit)?;
    let digits_len = after[digits_at..].iter().take_while(|b| b.is_ascii_digit()).count();
    let xref: usize =
        std::str::from_utf8(&after[digits_at..digits_at + digits_len]).ok()?.parse().ok()?;
    let tail = &after[digits_at + digits_len..];

    // "xref\n0 N\n" then N entries of 20 bytes.
    let table = pdf.get(xref..sx)?;
    let rest = table.strip_prefix(b"xref\n")?;
    let line_end = rest.iter().position(|&b| b == b'\n')?;
    let head = std::str::from_utf8(&rest[..line_end]).ok()?;
    let mut parts = head.split(' ');
    let (first, count): (usize, usize) = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
    if first != 0 || parts.next().is_some() {
        return None;
    }
    let entries_at = line_end + 1;
    let entries = rest.get(entries_at..entries_at + 20 * count)?;
    let trailer = &rest[entries_at + 20 * count..];
    if !trailer.starts_with(b"trailer") {
        return None;
    }
    let mut used = Vec::new();
    for (index, e) in entries.chunks_exact(20).enumerate() {
        match e[17] {
            b'n' => {
                let offset: usize = std::str::from_utf8(&e[..10]).ok()?.parse().ok()?;
                used.push(Entry { index, offset });
            }
            b'f' => {}
            _ => return None,
        }
    }
    used.sort_by_key(|e| e.offset);
    let start = used.first()?.offset;
    if used.last()?.offset >= xref {
        return None;
    }

    let mut out = Vec::with_capacity(pdf.len() / 2);
    out.extend_from_slice(&pdf[..start]);
    let mut offsets = vec![None; count];
    let mut encoder = Encoder::new(level.unwrap_or(0));
    for (k, e) in used.iter().enumerate() {
        let end = used.get(k + 1).map_or(xref, |n| n.offset);
        let object = &pdf[e.offset..end];
        if !object.starts_with(format!("{} ", e.index).as_bytes()) {
            return None;
        }
        offsets[e.index] = Some(out.len());
        let head = object.iter().position(|&b| b == b'\n').map_or(0, |n| n + 1);
        if object[head..].starts_with(CATALOG) {
            let mut catalog = object.to_vec();
            if let Some(at) = find(&catalog, SUSPECTS) {
                catalog.drain(at..at + SUSPECTS.len());
            }
            if show_title && find(&catalog, b"/ViewerPreferences").is_none() {
                let at = head + CATALOG.len();
                catalog
                    .splice(at..at, b"/ViewerPreferences<</DisplayDocTitle true>>".iter().copied());
            }
            out.extend_from_slice(&catalog);
            continue;
        }
        match plain_stream(object).filter(|_| level.is_some()) {
            Some(s) => {
                let packed = encoder.deflate(&object[s.data.clone()]);
                if packed.len() < s.data.len() {
                    out.extend_from_slice(&object[..s.length.start]);
                    write!(out, "{}/Filter/FlateDecode", packed.len()).ok()?;
                    out.extend_from_slice(&object[s.length.end..s.data.start]);
                    out.extend_from_slice(&packed);
                    out.extend_from_slice(&object[s.data.end..]);
                } else {
                    out.extend_from_slice(object);
                }
            }
            None => out.extend_from_slice(object),
        }
    }

    let new_xref = out.len();
    write!(out, "xref\n0 {count}\n").ok()?;
    for (index, e) in entries.chunks_exact(20).enumerate() {
        match offsets[index] {
            Some(o) => write!(out, "{o:010} {}", std::str::from_utf8(&e[11..]).ok()?).ok()?,
            None => out.extend_from_slice(e),
        }
    }
    out.extend_from_slice(trailer);
    write!(out, "startxref\n{new_xref}").ok()?;
    out.extend_from_slice(tail);
    Some(out)
}

/// Where a stream object without a filter keeps its length number and its
/// data.
struct PlainStream {
    /// The digits after `/Length `.
    length: std::ops::Range<usize>,
    /// The stream's bytes.
    data: std::ops::Range<usize>,
}

fn plain_stream(object: &[u8]) -> Option<PlainStream> {
    // The dictionary is text, so the first `>>\nstream\n` ends it.
    const MARK: &[u8] = b">>\nstream\n";
    let dict_end = find(object, MARK)?;
    let dict = &object[..dict_end];
    if find(dict, b"/Filter").is_some() || find(dict, b"/Metadata").is_some() {
        return None;
    }
    let key = find(dict, b"/Length ")? + b"/Length ".len();
    let digits = dict[key..].iter().take_while(|b| b.is_ascii_digit()).count();
    // An indirect length (`/Length 7 0 R`) is not krilla's way: leave it.
    if digits == 0 || !matches!(object.get(key + digits), Some(b'/' | b'>')) {
        return None;
    }
    let len: usize = std::str::from_utf8(&dict[key..key + digits]).ok()?.parse().ok()?;
    let start = dict_end + MARK.len();
    let end = start + len;
    if !object.get(end..)?.starts_with(b"\nendstream") {
        return None;
    }
    Some(PlainStream { length: key..key + digits, data: start..end })
}

/// A zlib compressor reused across streams: setting one up costs about as
/// much as deflating a small stream.
struct Encoder {
    inner: flate2::Compress,
}

impl Encoder {
    fn new(level: u32) -> Self {
        Encoder { inner: flate2::Compress::new(Compression::new(level), true) }
    }

    fn deflate(&mut self, data: &[u8]) -> Vec<u8> {
        self.inner.reset();
        let mut out = Vec::with_capacity(data.len() / 3 + 64);
        loop {
            let consumed = self.inner.total_in() as usize;
            let status = self.inner.compress_vec(
                &data[consumed.min(data.len())..],
                &mut out,
                flate2::FlushCompress::Finish,
            );
            match status {
                Ok(flate2::Status::StreamEnd) => return out,
                Ok(_) => out.reserve(out.capacity().max(64)),
                // Cannot happen with a growing buffer; keep the stream plain.
                Err(_) => return data.to_vec(),
            }
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// A PDF in pdf-writer's shape, with a correct cross-reference table.
    fn pdf(objects: &[&[u8]]) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n%\x80\x80\x80\x80\n\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(format!("xref\n0 {}\n", objects.len() + 1).as_bytes());
        out.extend_from_slice(b"0000000000 65535 f\r\n");
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
        }
        out.extend_from_slice(b"trailer\n<</Size 3/Root 1 0 R>>\n");
        out.extend_from_slice(format!("startxref\n{xref}\n%%EOF").as_bytes());
        out
    }

    fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
        let mut v = format!("<<{dict}>>\nstream\n").into_bytes();
        v.extend_from_slice(data);
        v.extend_from_slice(b"\nendstream");
        v
    }

    /// Every cross-reference entry points at its object.
    fn check_xref(pdf: &[u8]) {
        let sx = rfind(pdf, b"startxref").unwrap();
        let xref: usize = std::str::from_utf8(&pdf[sx + 10..])
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(pdf[xref..].starts_with(b"xref\n0 "));
        let entries = pdf[xref..].split(|&b| b == b'\n').skip(2);
        for (i, e) in entries.take_while(|e| e.len() == 19).enumerate().skip(1) {
            let off: usize = std::str::from_utf8(&e[..10]).unwrap().parse().unwrap();
            assert!(pdf[off..].starts_with(format!("{i} 0 obj\n").as_bytes()), "object {i}");
        }
    }

    fn stream_data(pdf: &[u8], n: usize) -> (String, Vec<u8>) {
        let at = find(pdf, format!("\n{n} 0 obj\n").as_bytes()).unwrap() + 1;
        plain_or_any(&pdf[at..])
    }

    /// The dictionary and the data of a stream object, filtered or not.
    fn plain_or_any(object: &[u8]) -> (String, Vec<u8>) {
        let dict_end = find(object, b">>\nstream\n").unwrap();
        let dict = String::from_utf8_lossy(&object[..dict_end]).to_string();
        let key = dict.find("/Length ").unwrap() + 8;
        let len: usize = dict[key..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap();
        let start = dict_end + 10;
        (dict, object[start..start + len].to_vec())
    }

    #[test]
    fn plain_streams_are_deflated_and_the_table_follows() {
        let content = b"BT /f0 10 Tf 36 700 Td [(\\000\\001)2(\\000\\002)]TJ ET\n".repeat(200);
        let input = pdf(&[
            b"<</Type/Catalog/Pages 2 0 R>>",
            &stream("/Length 5", b"short"),
            &stream(&format!("/Length {}", content.len()), &content),
            &stream("/Length 4/Filter/FlateDecode", b"\x78\x9c\x03\x00"),
        ]);
        let out = deflate_streams(input.clone(), Some(2), false);
        assert!(out.len() < input.len() / 4, "{} of {}", out.len(), input.len());
        check_xref(&out);
        // The long stream is deflated and inflates back to itself.
        let (dict, data) = stream_data(&out, 3);
        assert!(dict.ends_with("/Filter/FlateDecode"), "{dict}");
        let mut back = Vec::new();
        flate2::read::ZlibDecoder::new(&data[..]).read_to_end(&mut back).unwrap();
        assert_eq!(back, content);
        // A stream that would grow stays plain; a filtered one is untouched.
        assert_eq!(stream_data(&out, 2), ("2 0 obj\n<</Length 5".into(), b"short".to_vec()));
        assert_eq!(stream_data(&out, 4).1, b"\x78\x9c\x03\x00");
        assert!(out.ends_with(b"\n%%EOF"));
        assert!(find(&out, b"trailer\n<</Size 3/Root 1 0 R>>\nstartxref\n").is_some());
    }

    #[test]
    fn anything_unexpected_is_left_as_it_is() {
        let content = b"0 0 m 10 10 l S\n".repeat(100);
        let good = pdf(&[&stream(&format!("/Length {}", content.len()), &content)]);
        assert_ne!(deflate_streams(good.clone(), Some(2), false), good);
        // A second cross-reference subsection, an offset past the table, a
        // cut-off file: written as they came.
        let two_sections = String::from_utf8_lossy(&good).replace("xref\n0 2\n", "xref\n1 1\n");
        let broken = [
            two_sections.into_bytes(),
            String::from_utf8_lossy(&good).replace("0000000016", "0000099999").into_bytes(),
            good[..good.len() - 30].to_vec(),
            Vec::new(),
        ];
        for b in broken {
            assert_eq!(deflate_streams(b.clone(), Some(2), false), b);
        }
        // An indirect length or a wrong length leaves that stream plain.
        for dict in ["/Length 3 0 R", "/Length 7"] {
            let odd = pdf(&[&stream(dict, &content)]);
            assert_eq!(deflate_streams(odd.clone(), Some(2), false), odd);
        }
    }

    #[test]
    fn the_catalog_asks_to_show_the_title_once() {
        let content = b"0 0 m 10 10 l S\n".repeat(100);
        let input = pdf(&[
            b"<</Type/Catalog/Pages 2 0 R>>",
            &stream(&format!("/Length {}", content.len()), &content),
        ]);
        for level in [None, Some(1)] {
            let out = deflate_streams(input.clone(), level, true);
            check_xref(&out);
            let want = b"1 0 obj\n<</Type/Catalog/ViewerPreferences<</DisplayDocTitle true>>/Pages";
            assert!(find(&out, want).is_some(), "{}", String::from_utf8_lossy(&out));
            // Its streams are deflated only when asked.
            assert_eq!(stream_data(&out, 2).1 == content, level.is_none());
        }
        // A catalog with viewer preferences of its own keeps them.
        let own = pdf(&[b"<</Type/Catalog/ViewerPreferences<</Direction/R2L>>>>"]);
        assert_eq!(deflate_streams(own.clone(), None, true), own);
        assert_eq!(deflate_streams(input.clone(), None, false), input);
    }

    #[test]
    fn the_catalog_leaves_out_suspects_false() {
        let tagged = pdf(&[b"<</Type/Catalog/MarkInfo<</Marked true/Suspects false>>/Lang(en)>>"]);
        for (level, title) in [(None, false), (None, true), (Some(2), false)] {
            let out = deflate_streams(tagged.clone(), level, title);
            check_xref(&out);
            assert!(find(&out, b"/MarkInfo<</Marked true>>/Lang(en)>>").is_some());
            assert!(find(&out, SUSPECTS).is_none(), "{}", String::from_utf8_lossy(&out));
        }
        // Only the catalog's: the same words elsewhere stay.
        let content = b"(/Suspects false) Tj\n";
        let text = stream(&format!("/Length {}", content.len()), content);
        let input = pdf(&[b"<</Type/Catalog/Pages 2 0 R>>", &text]);
        assert_eq!(stream_data(&deflate_streams(input, None, false), 2).1, content);
    }
}
