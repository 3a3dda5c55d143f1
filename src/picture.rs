//! Stage between statement and flow: the pictures a statement names are
//! found, checked and decoded, once, before anything is laid out.
//!
//! Every picture is read from the statement's folder (or below it) unless
//! the layout allows more (`images.allow-outside`), its dimensions are read
//! from the header before anything is decoded (a picture above
//! [`MAX_PIXELS`] is refused at once, so a small file claiming to be huge
//! costs nothing), and it is decoded whole, so that a broken file fails
//! here, with its line, rather than while the PDF is written. SVG pictures
//! are parsed with usvg: nothing is fetched, references to other files are
//! dropped with a warning, scripts are never run.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::error::{Error, Location, Result, Warning};
use crate::spec::LayoutSpec;
use crate::statement::{Block, Statement};

/// The most pixels a picture may have: 40 megapixels (a 7,000 × 5,700
/// photo), 160 MB decoded. More is no photo anyone prints on a leaflet.
pub const MAX_PIXELS: u64 = 40_000_000;

/// The largest picture file read: 50 MiB.
pub const MAX_BYTES: u64 = 50 * 1024 * 1024;

/// The resolution a picture is printed at by default: its natural size.
pub const NATURAL_PPI: f32 = 150.0;

/// How a picture's file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PNG.
    Png,
    /// JPEG: passed into the PDF as it is.
    Jpeg,
    /// GIF (first frame).
    Gif,
    /// WebP.
    Webp,
    /// SVG, drawn as vectors.
    Svg,
    /// A one-page PDF, embedded as vectors.
    Pdf,
}

/// A loaded picture.
#[derive(Clone)]
pub struct Picture {
    /// The file, as the statement or layout named it (for messages).
    pub name: String,
    /// How it is written.
    pub format: Format,
    /// Width in pixels (SVG: in CSS pixels, 96 an inch).
    pub width: u32,
    /// Height likewise.
    pub height: u32,
    /// The file's bytes (a JPEG is embedded as they are).
    pub bytes: Arc<Vec<u8>>,
    /// The decoded pixels, RGBA with straight alpha; empty for SVG, and
    /// for JPEG until [`Picture::pixels`] first asks (a JPEG printed in
    /// colour is embedded as it is and never needs them).
    rgba: Arc<std::sync::OnceLock<Vec<u8>>>,
    /// The parsed SVG.
    pub svg: Option<Arc<usvg::Tree>>,
    /// The parsed PDF.
    pub pdf: Option<Arc<PdfPicture>>,
    /// The picture as the PDF writer drew it, converted to gray or CMYK
    /// or rasterized, by what it was drawn as: a batch's jobs convert it
    /// once (see [`Picture::drawn`]).
    drawn: Arc<Mutex<Vec<(u64, krilla::image::Image)>>>,
}

/// A one-page PDF picture.
pub struct PdfPicture {
    /// The document, as krilla embeds it.
    pub doc: krilla::pdf::PdfDocument,
    /// The same, for rasterizing (previews, gray and CMYK pages).
    pdf: Arc<hayro::hayro_syntax::Pdf>,
    /// Its page's size in points, as viewers show it.
    pub size: (f32, f32),
    /// Whether it can be embedded as it is: PDF 1.7 or older, as the
    /// PDFs handbill writes (a PDF 2.0 page is drawn as pixels).
    pub embeddable: bool,
}

impl std::fmt::Debug for Picture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Picture({}, {:?}, {}×{})", self.name, self.format, self.width, self.height)
    }
}

impl PartialEq for Picture {
    fn eq(&self, other: &Picture) -> bool {
        self.format == other.format
            && self.width == other.width
            && self.height == other.height
            && (Arc::ptr_eq(&self.bytes, &other.bytes) || self.bytes == other.bytes)
    }
}

impl Picture {
    /// Size in points at its natural resolution: rasters at
    /// [`NATURAL_PPI`], SVG at its own size (96 CSS pixels an inch), a
    /// PDF at its page's size.
    pub fn natural_size(&self) -> (f32, f32) {
        if let Some(pdf) = &self.pdf {
            return pdf.size;
        }
        match self.format {
            Format::Svg => (self.width as f32 * 0.75, self.height as f32 * 0.75),
            _ => {
                let k = 72.0 / NATURAL_PPI;
                (self.width as f32 * k, self.height as f32 * k)
            }
        }
    }

    /// Resolution in pixels per inch when printed `width` points wide;
    /// `None` for vectors.
    pub fn ppi_at(&self, width: f32) -> Option<f32> {
        (!self.is_vector() && width > 0.0).then(|| self.width as f32 * 72.0 / width)
    }

    /// Whether it is drawn as vectors (SVG, PDF): no resolution to warn
    /// about.
    pub fn is_vector(&self) -> bool {
        matches!(self.format, Format::Svg | Format::Pdf)
    }

    /// The picture as drawn for `key` (a colour mode and size), made by
    /// `make` the first time it is asked for; `None` if it cannot be.
    pub fn drawn(
        &self,
        key: u64,
        make: impl FnOnce() -> Option<krilla::image::Image>,
    ) -> Option<krilla::image::Image> {
        if let Some((_, img)) = self.drawn.lock().ok()?.iter().find(|(k, _)| *k == key) {
            return Some(img.clone());
        }
        let img = make()?;
        if let Ok(mut drawn) = self.drawn.lock() {
            // A few sizes at most (page, thumbnail); never grows unbounded.
            if drawn.len() >= 8 {
                drawn.remove(0);
            }
            drawn.push((key, img.clone()));
        }
        Some(img)
    }

    /// Whether the picture has an alpha channel with any pixel not opaque.
    pub fn has_transparency(&self) -> bool {
        self.pixels().chunks_exact(4).any(|p| p[3] != 255)
    }

    /// The pixels, RGBA with straight alpha (decoded on first use for a
    /// JPEG, which was checked whole when loaded); empty for SVG.
    pub fn pixels(&self) -> &[u8] {
        self.rgba.get_or_init(|| match self.format {
            // Checked when loaded; a failure now leaves the picture blank.
            Format::Jpeg => jpeg_rgba(&self.bytes).map(|(.., px)| px).unwrap_or_default(),
            _ => Vec::new(),
        })
    }
}

/// What may be read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Access {
    /// Files outside the folder of the statement (or layout) may be read.
    pub outside: bool,
}

/// Loads the picture `name`, relative to `base` (the folder of the file
/// naming it); `at` is where it is named, for messages.
pub fn load(
    name: &str,
    base: &Path,
    access: Access,
    at: &Location,
) -> Result<(Picture, Vec<Warning>)> {
    let err = |msg: String, hint: &str| Error::new(at.clone(), msg, hint);
    if name.contains("://") || name.starts_with("data:") {
        return Err(err(
            format!("picture `{name}` is not a file: pictures are never fetched"),
            "download it next to the statement and name the file",
        ));
    }
    let path = base.join(name);
    let full = path.canonicalize().map_err(|e| {
        err(
            format!("picture `{name}` cannot be read: {e}"),
            "check the file name; paths are relative to the file naming the picture",
        )
    })?;
    if !access.outside {
        let root = base.canonicalize().unwrap_or_else(|_| base.to_path_buf());
        if !full.starts_with(&root) {
            return Err(err(
                format!("picture `{name}` is outside the folder {}", root.display()),
                "copy it into that folder, or set `images.allow-outside = true` in the layout",
            ));
        }
    }
    let meta = std::fs::metadata(&full).ok();
    let len = meta.as_ref().map_or(0, |m| m.len());
    let key = FileKey {
        path: full.clone(),
        len,
        modified: meta.as_ref().and_then(|m| m.modified().ok()),
    };
    if let Some((mut p, messages)) = cache::get(&key) {
        p.name = name.to_owned();
        let warnings = messages.into_iter().map(|m| Warning::new(at.clone(), m)).collect();
        return Ok((p, warnings));
    }
    if len > MAX_BYTES {
        return Err(err(
            format!("picture `{name}` is {} MB, more than {} MB", len >> 20, MAX_BYTES >> 20),
            "use a smaller file (a leaflet photo needs 1–3 MB)",
        ));
    }
    let bytes = std::fs::read(&full)
        .map_err(|e| err(format!("picture `{name}` cannot be read: {e}"), "check the file"))?;
    let (p, warnings) = decode(name, bytes, at)?;
    cache::put(key, &p, &warnings);
    Ok((p, warnings))
}

/// A picture file as it was when read: a file changed since (saved again,
/// replaced) has another size or time, and is read again.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileKey {
    path: PathBuf,
    len: u64,
    modified: Option<std::time::SystemTime>,
}

/// Pictures already loaded by this process, so that the jobs of a batch
/// (or a watch's rebuilds) read and decode each file once.
mod cache {
    use std::collections::VecDeque;
    use std::sync::{Mutex, OnceLock};

    use super::{FileKey, Picture};
    use crate::error::Warning;

    /// The most file bytes and decoded pixels kept: a dozen large photos
    /// (a watch or the studio runs for hours).
    const MAX_BYTES: usize = 256 << 20;

    #[derive(Default)]
    struct Cache {
        entries: VecDeque<(FileKey, Picture, Vec<String>, usize)>,
        bytes: usize,
    }

    fn cache() -> &'static Mutex<Cache> {
        static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
        CACHE.get_or_init(Mutex::default)
    }

    /// The picture loaded from `key`, with its warnings' messages.
    pub(super) fn get(key: &FileKey) -> Option<(Picture, Vec<String>)> {
        let c = cache().lock().ok()?;
        let (_, p, w, _) = c.entries.iter().find(|(k, ..)| k == key)?;
        Some((p.clone(), w.clone()))
    }

    /// Keeps `p`, loaded from `key`; the oldest go when the pixels kept
    /// pass [`MAX_BYTES`].
    pub(super) fn put(key: FileKey, p: &Picture, warnings: &[Warning]) {
        let Ok(mut c) = cache().lock() else { return };
        let size = p.bytes.len() + p.width as usize * p.height as usize * 4;
        // The file as it was before, if it changed since.
        c.entries.retain(|(k, ..)| k.path != key.path);
        c.bytes = c.entries.iter().map(|e| e.3).sum();
        while c.bytes + size > MAX_BYTES {
            let Some((.., gone)) = c.entries.pop_front() else { break };
            c.bytes -= gone;
        }
        c.bytes += size;
        let messages = warnings.iter().map(|w| w.message.clone()).collect();
        c.entries.push_back((key, p.clone(), messages, size));
    }
}

/// Tells the format from the first bytes (never from the file name).
fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(Format::Gif)
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(Format::Webp)
    } else if bytes.starts_with(b"%PDF-") {
        Some(Format::Pdf)
    } else {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]);
        let head = head.trim_start_matches('\u{feff}').trim_start();
        (head.starts_with('<') && head.contains("<svg")).then_some(Format::Svg)
    }
}

/// Checks and decodes a picture's bytes.
pub fn decode(name: &str, bytes: Vec<u8>, at: &Location) -> Result<(Picture, Vec<Warning>)> {
    let err = |msg: String, hint: &str| Error::new(at.clone(), msg, hint);
    let Some(format) = sniff(&bytes) else {
        return Err(err(
            format!("`{name}` is not a picture handbill reads"),
            "use a PNG, JPEG, GIF, WebP, SVG or PDF file",
        ));
    };
    if format == Format::Svg {
        return svg(name, bytes, at);
    }
    if format == Format::Pdf {
        return pdf(name, bytes, at);
    }
    let broken = |e: String| {
        err(
            format!("picture `{name}` is damaged or cut short ({e})"),
            "export or download it again",
        )
    };
    // The header's dimensions first: a bomb is refused before any pixel is
    // decoded.
    let size = imagesize::blob_size(&bytes).map_err(|e| broken(e.to_string()))?;
    let (w, h) = (size.width as u64, size.height as u64);
    if w == 0 || h == 0 {
        return Err(broken("no pixels".into()));
    }
    if w * h > MAX_PIXELS {
        return Err(err(
            format!(
                "picture `{name}` is {w} × {h} pixels, more than {} megapixels",
                MAX_PIXELS / 1_000_000
            ),
            "scale it down (3,000 pixels across is plenty for a leaflet)",
        ));
    }
    let (width, height, rgba) = match format {
        Format::Png => png_rgba(&bytes),
        // Header and structure only: the pixels are decoded if needed.
        Format::Jpeg => jpeg_check(&bytes),
        Format::Gif => gif_rgba(&bytes),
        _ => webp_rgba(&bytes),
    }
    .map_err(broken)?;
    let lazy = format == Format::Jpeg;
    if u64::from(width) * u64::from(height) > MAX_PIXELS
        || (!lazy && rgba.len() != width as usize * height as usize * 4)
    {
        return Err(broken("its frames do not match its header".into()));
    }
    let pic = Picture {
        name: name.to_owned(),
        format,
        width,
        height,
        bytes: Arc::new(bytes),
        rgba: Arc::new(if lazy {
            std::sync::OnceLock::new()
        } else {
            std::sync::OnceLock::from(rgba)
        }),
        svg: None,
        pdf: None,
        drawn: Arc::default(),
    };
    Ok((pic, Vec::new()))
}

/// Checks a PDF picture: readable, not encrypted, one page.
fn pdf(name: &str, bytes: Vec<u8>, at: &Location) -> Result<(Picture, Vec<Warning>)> {
    use hayro::hayro_syntax::{LoadPdfError, Pdf, PdfVersion};
    let err = |msg: String, hint: &str| Error::new(at.clone(), msg, hint);
    let encrypted = || {
        err(
            format!("picture `{name}` is an encrypted PDF"),
            "save it again without a password or restrictions (\"print to PDF\" does)",
        )
    };
    // An encrypted PDF may open without a password, but its objects cannot
    // be copied into another PDF as they are.
    if bytes.windows(8).any(|w| w == b"/Encrypt") {
        return Err(encrypted());
    }
    let damaged = || {
        err(
            format!("picture `{name}` is a damaged PDF or cut short"),
            "export or download it again",
        )
    };
    // A PDF ends with `%%EOF`: one cut short does not (the reader would
    // patch it up and draw what it finds).
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(damaged());
    }
    let bytes = Arc::new(bytes);
    let doc = Pdf::new(bytes.clone()).map_err(|e| match e {
        LoadPdfError::Decryption(_) => encrypted(),
        LoadPdfError::Invalid => damaged(),
    })?;
    let pages = doc.pages().len();
    if pages != 1 {
        return Err(err(
            format!("picture `{name}` has {pages} pages, and a picture is one page"),
            &format!("save the page you want as a PDF of its own, e.g. `qpdf {name} --pages . 1 -- page-1.pdf`"),
        ));
    }
    let (w, h) = doc.pages()[0].render_dimensions();
    if !(w >= 1.0 && h >= 1.0 && w < 20_000.0 && h < 20_000.0) {
        return Err(err(
            format!("picture `{name}` has a page of {w} × {h} pt"),
            "export it again with a page the size of the drawing",
        ));
    }
    let embeddable = doc.version() != PdfVersion::Pdf20;
    let doc = Arc::new(doc);
    let pic = Picture {
        name: name.to_owned(),
        format: Format::Pdf,
        width: w.ceil() as u32,
        height: h.ceil() as u32,
        bytes,
        rgba: Arc::new(std::sync::OnceLock::from(Vec::new())),
        svg: None,
        drawn: Arc::default(),
        pdf: Some(Arc::new(PdfPicture {
            doc: krilla::pdf::PdfDocument::new(doc.clone()),
            pdf: doc,
            size: (w, h),
            embeddable,
        })),
    };
    Ok((pic, Vec::new()))
}

type Decoded = std::result::Result<(u32, u32, Vec<u8>), String>;

fn png_rgba(bytes: &[u8]) -> Decoded {
    let mut decoder = png::Decoder::new_with_limits(
        std::io::Cursor::new(bytes),
        png::Limits { bytes: (MAX_PIXELS * 8) as usize },
    );
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let mut buf = vec![0; reader.output_buffer_size().ok_or("too large")?];
    let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    let (w, h) = (info.width, info.height);
    let px = &buf[..info.buffer_size()];
    let rgba = match info.color_type {
        png::ColorType::Rgba => px.to_vec(),
        png::ColorType::Rgb => px.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
        png::ColorType::GrayscaleAlpha => {
            px.chunks_exact(2).flat_map(|p| [p[0], p[0], p[0], p[1]]).collect()
        }
        png::ColorType::Grayscale => px.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        png::ColorType::Indexed => return Err("palette not expanded".into()),
    };
    Ok((w, h, rgba))
}

fn jpeg_rgba(bytes: &[u8]) -> Decoded {
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    use zune_jpeg::zune_core::options::DecoderOptions;
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::RGBA)
        .set_max_width(1 << 16)
        .set_max_height(1 << 16)
        .set_strict_mode(true);
    let mut decoder =
        zune_jpeg::JpegDecoder::new_with_options(std::io::Cursor::new(bytes), options);
    let px = decoder.decode().map_err(|e| e.to_string().to_ascii_lowercase())?;
    let (w, h) = decoder.dimensions().ok_or("no dimensions")?;
    Ok((w as u32, h as u32, px))
}

/// Checks a JPEG without decoding its pixels: its header, and that it
/// runs to its end marker (a file cut short does not).
fn jpeg_check(bytes: &[u8]) -> Decoded {
    let mut decoder = zune_jpeg::JpegDecoder::new(std::io::Cursor::new(bytes));
    decoder.decode_headers().map_err(|e| e.to_string().to_ascii_lowercase())?;
    let (w, h) = decoder.dimensions().ok_or("no dimensions")?;
    decoder.input_colorspace().ok_or("no colour space")?;
    let end = bytes.iter().rposition(|&b| b != 0 && !b.is_ascii_whitespace()).unwrap_or(0);
    if end < 1 || bytes[end - 1..=end] != [0xFF, 0xD9] {
        return Err("no end marker".into());
    }
    Ok((w as u32, h as u32, Vec::new()))
}

fn gif_rgba(bytes: &[u8]) -> Decoded {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(bytes).map_err(|e| e.to_string())?;
    let (w, h) = (u32::from(decoder.width()), u32::from(decoder.height()));
    let frame = decoder.read_next_frame().map_err(|e| e.to_string())?.ok_or("no frame")?;
    // The first frame on the logical screen, transparent around it.
    let mut rgba = vec![0u8; w as usize * h as usize * 4];
    let (fw, fl, ft) = (frame.width as usize, frame.left as usize, frame.top as usize);
    for (y, row) in frame.buffer.chunks_exact(fw * 4).enumerate() {
        let (ty, take) = (ft + y, fw.min((w as usize).saturating_sub(fl)));
        if ty >= h as usize || take == 0 {
            continue;
        }
        let at = (ty * w as usize + fl) * 4;
        rgba[at..at + take * 4].copy_from_slice(&row[..take * 4]);
    }
    Ok((w, h, rgba))
}

fn webp_rgba(bytes: &[u8]) -> Decoded {
    let mut decoder =
        image_webp::WebPDecoder::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let (w, h) = decoder.dimensions();
    let mut buf = vec![0; decoder.output_buffer_size().ok_or("too large")?];
    decoder.read_image(&mut buf).map_err(|e| e.to_string())?;
    let rgba = if decoder.has_alpha() {
        buf
    } else {
        buf.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect()
    };
    Ok((w, h, rgba))
}

/// The shipped fonts, for text in SVG pictures (never the system's: the
/// PDF must not depend on the machine it is made on).
fn svg_fonts() -> Arc<usvg::fontdb::Database> {
    static DB: std::sync::OnceLock<Arc<usvg::fontdb::Database>> = std::sync::OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_fonts_dir(crate::fonts::shipped_dir());
        let serif = db
            .faces()
            .find(|f| f.families.iter().any(|(n, _)| n.contains("Serif")))
            .map(|f| f.families[0].0.clone());
        if let Some(name) = serif {
            db.set_serif_family(name);
        }
        let sans = db
            .faces()
            .find(|f| f.families.iter().any(|(n, _)| n == "Source Sans 3"))
            .map(|f| f.families[0].0.clone());
        if let Some(name) = sans {
            db.set_sans_serif_family(name);
        }
        Arc::new(db)
    })
    .clone()
}

fn svg(name: &str, bytes: Vec<u8>, at: &Location) -> Result<(Picture, Vec<Warning>)> {
    let mut warnings = Vec::new();
    let text = String::from_utf8_lossy(&bytes);
    if text.contains("<script") {
        warnings.push(Warning::new(at.clone(), format!("picture `{name}`: its script is ignored")));
    }
    let dropped: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = dropped.clone();
    let mut options =
        usvg::Options { resources_dir: None, fontdb: svg_fonts(), ..usvg::Options::default() };
    // Nothing outside the file is read or fetched: `<image href="…">` to
    // a file or URL is dropped (embedded `data:` pictures are kept).
    options.image_href_resolver.resolve_string = Box::new(move |href: &str, _| {
        if let Ok(mut v) = seen.lock() {
            v.push(href.to_owned());
        }
        None
    });
    let tree = usvg::Tree::from_data(&bytes, &options).map_err(|e| {
        Error::new(
            at.clone(),
            format!("picture `{name}` is not a valid SVG ({e})"),
            "export it again from the drawing program",
        )
    })?;
    for href in dropped.lock().map(|v| v.clone()).unwrap_or_default() {
        warnings.push(Warning::new(
            at.clone(),
            format!("picture `{name}`: its reference to `{href}` is dropped (nothing is fetched)"),
        ));
    }
    let size = tree.size();
    let pic = Picture {
        name: name.to_owned(),
        format: Format::Svg,
        width: size.width().ceil().max(1.0) as u32,
        height: size.height().ceil().max(1.0) as u32,
        bytes: Arc::new(bytes),
        rgba: Arc::new(std::sync::OnceLock::from(Vec::new())),
        svg: Some(Arc::new(tree)),
        pdf: None,
        drawn: Arc::default(),
    };
    Ok((pic, warnings))
}

/// The gray of a colour (Rec. 709 luma), as a copier would see it.
pub fn luma(r: u8, g: u8, b: u8) -> u8 {
    (0.2126 * f32::from(r) + 0.7152 * f32::from(g) + 0.0722 * f32::from(b)).round() as u8
}

/// Rasterizes a picture to RGBA (straight alpha) `w` × `h` pixels: SVG and
/// PDF drawn at that size, rasters scaled (nearest pixel). For previews and
/// for converting SVG to gray or CMYK.
pub fn raster(pic: &Picture, w: u32, h: u32) -> Vec<u8> {
    let (w, h) = (w.clamp(1, u16::MAX.into()), h.clamp(1, u16::MAX.into()));
    if let Some(pdf) = &pic.pdf {
        let settings = hayro::RenderSettings {
            x_scale: w as f32 / pdf.size.0,
            y_scale: h as f32 / pdf.size.1,
            width: Some(w as u16),
            height: Some(h as u16),
            ..hayro::RenderSettings::default()
        };
        let page = &pdf.pdf.pages()[0];
        let cache = hayro::RenderCache::new();
        let pixmap = hayro::render(
            page,
            &cache,
            &hayro::hayro_interpret::InterpreterSettings::default(),
            &settings,
        );
        return pixmap.take_unpremultiplied().iter().flat_map(|p| [p.r, p.g, p.b, p.a]).collect();
    }
    if let Some(tree) = &pic.svg {
        let Some(mut pixmap) = resvg::tiny_skia::Pixmap::new(w, h) else { return Vec::new() };
        let size = tree.size();
        let t = resvg::tiny_skia::Transform::from_scale(
            w as f32 / size.width(),
            h as f32 / size.height(),
        );
        resvg::render(tree, t, &mut pixmap.as_mut());
        return pixmap
            .pixels()
            .iter()
            .flat_map(|p| {
                let c = p.demultiply();
                [c.red(), c.green(), c.blue(), c.alpha()]
            })
            .collect();
    }
    let (sw, sh) = (pic.width as usize, pic.height as usize);
    let px = pic.pixels();
    let mut out = Vec::with_capacity(w as usize * h as usize * 4);
    for y in 0..h as usize {
        let sy = (y * sh / h as usize).min(sh - 1);
        for x in 0..w as usize {
            let sx = (x * sw / w as usize).min(sw - 1);
            let i = (sy * sw + sx) * 4;
            out.extend_from_slice(px.get(i..i + 4).unwrap_or(&[0, 0, 0, 0]));
        }
    }
    out
}

/// Loads every picture the statement names, relative to its folder:
/// each image block gets its picture, or the first failure stops the job.
pub fn attach(statement: &Statement, access: Access) -> Result<(Statement, Vec<Warning>)> {
    let base = statement.path.parent().map(Path::to_path_buf).unwrap_or_default();
    let base = if base.as_os_str().is_empty() { PathBuf::from(".") } else { base };
    let mut st = statement.clone();
    let mut warnings = Vec::new();
    let mut cache: Vec<(String, Picture)> = Vec::new();
    visit(&mut st.blocks, &mut |b| {
        let Block::Image { src, alt, line, picture, .. } = b else { return Ok(()) };
        let at = Location::line(&statement.path, *line);
        if alt.trim().is_empty() {
            warnings.push(Warning::new(
                at.clone(),
                format!("picture `{src}` has no alt text: write what it shows in `![…]({src})`, for readers who cannot see it"),
            ));
        }
        if let Some((_, p)) = cache.iter().find(|(s, _)| s == src) {
            *picture = Some(Arc::new(p.clone()));
            return Ok(());
        }
        let (p, mut w) = load(src, &base, access, &at)?;
        warnings.append(&mut w);
        cache.push((src.clone(), p.clone()));
        *picture = Some(Arc::new(p));
        Ok(())
    })?;
    Ok((st, warnings))
}

/// Loads the layout's logos (`masthead.logo`, `footer.logo`, their
/// placeholders filled), relative to the layout file: the layout with the
/// logos in it, or `None` when it names none. The layout is the user's
/// own, so its pictures may come from anywhere on the machine.
pub fn attach_logo(
    spec: &LayoutSpec,
    meta: &crate::statement::Meta,
    vars: &crate::vars::Vars,
) -> Result<Option<(LayoutSpec, Vec<Warning>)>> {
    let wanted = |name: &str, loaded: bool| !name.is_empty() && !loaded;
    let (m, f) = (&spec.masthead, &spec.footer);
    if !wanted(&m.logo, m.logo_picture.is_some()) && !wanted(&f.logo, f.logo_picture.is_some()) {
        return Ok(None);
    }
    let base = spec.path.as_deref().and_then(Path::parent).map(Path::to_path_buf);
    let base = base.filter(|b| !b.as_os_str().is_empty()).unwrap_or_else(|| PathBuf::from("."));
    let mut warnings = Vec::new();
    let mut one = |logo: &str| -> Result<Option<Arc<Picture>>> {
        let name = crate::vars::fill_placeholders(logo, meta, vars, spec)?;
        if name.trim().is_empty() {
            // `{event.logo}` of an event without one: no logo.
            return Ok(None);
        }
        let (p, mut w) = load(name.trim(), &base, Access { outside: true }, &spec.location())?;
        warnings.append(&mut w);
        Ok(Some(Arc::new(p)))
    };
    let mut out = spec.clone();
    if wanted(&m.logo, m.logo_picture.is_some()) {
        out.masthead.logo_picture = one(&m.logo)?;
    }
    if wanted(&f.logo, f.logo_picture.is_some()) {
        out.footer.logo_picture = one(&f.logo)?;
    }
    Ok(Some((out, warnings)))
}

/// Whether the statement has any picture.
pub fn has_pictures(blocks: &[Block]) -> bool {
    blocks.iter().any(|b| match b {
        Block::Image { .. } => true,
        Block::Quote { blocks, .. } => has_pictures(blocks),
        Block::List { items, .. } => items.iter().any(|i| has_pictures(i)),
        _ => false,
    })
}

fn visit(blocks: &mut [Block], f: &mut impl FnMut(&mut Block) -> Result<()>) -> Result<()> {
    for b in blocks {
        match b {
            Block::Quote { blocks, .. } => visit(blocks, f)?,
            Block::List { items, .. } => {
                for i in items {
                    visit(i, f)?;
                }
            }
            _ => f(b)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> Location {
        Location::line("s.md", 3)
    }

    /// A PNG whose header claims `w` × `h` pixels, with a few bytes of
    /// (deflated) data.
    pub(crate) fn png_bytes(w: u32, h: u32, rgba: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut wr = enc.write_header().unwrap();
        wr.write_image_data(rgba).unwrap();
        wr.finish().unwrap();
        out
    }

    #[test]
    fn a_png_is_decoded_with_its_transparency() {
        let px = [255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 128, 9, 9, 9, 255];
        let (p, w) = decode("a.png", png_bytes(2, 2, &px), &at()).unwrap();
        assert!(w.is_empty());
        assert_eq!((p.format, p.width, p.height), (Format::Png, 2, 2));
        assert_eq!(p.pixels(), &px[..]);
        assert!(p.has_transparency());
        assert_eq!(p.natural_size(), (2.0 * 72.0 / 150.0, 2.0 * 72.0 / 150.0));
    }

    #[test]
    fn a_bomb_is_refused_from_its_header() {
        // 100,000 × 100,000 pixels claimed in a file of a few bytes: the
        // header is enough to refuse it, nothing is decoded.
        let mut png = png_bytes(1, 1, &[0, 0, 0, 255]);
        png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let t = std::time::Instant::now();
        let e = decode("bomb.png", png, &at()).unwrap_err();
        assert!(t.elapsed().as_millis() < 500);
        let s = e.to_string();
        assert!(s.starts_with("s.md:3: picture `bomb.png` is 100000 × 100000 pixels"), "{s}");
    }

    #[test]
    fn not_a_picture_and_a_truncated_one_are_errors() {
        let e = decode("notes.png", b"hello, this is text".to_vec(), &at()).unwrap_err();
        assert!(e.to_string().contains("is not a picture"), "{e}");
        let png = png_bytes(64, 64, &[200; 64 * 64 * 4]);
        let e = decode("cut.png", png[..png.len() / 2].to_vec(), &at()).unwrap_err();
        assert!(e.to_string().contains("damaged or cut short"), "{e}");
    }

    #[test]
    fn paths_outside_the_folder_and_urls_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("statements");
        std::fs::create_dir(&inner).unwrap();
        std::fs::write(dir.path().join("secret.png"), png_bytes(1, 1, &[0, 0, 0, 255])).unwrap();
        let e = load("../secret.png", &inner, Access::default(), &at()).unwrap_err();
        assert!(e.to_string().contains("outside the folder"), "{e}");
        assert!(e.to_string().contains("images.allow-outside"), "{e}");
        let e = load("../../../../../../etc/passwd", &inner, Access::default(), &at()).unwrap_err();
        assert!(e.to_string().contains("outside the folder"), "{e}");
        assert!(load("../secret.png", &inner, Access { outside: true }, &at()).is_ok());
        let e = load("https://example.org/a.png", &inner, Access::default(), &at()).unwrap_err();
        assert!(e.to_string().contains("never fetched"), "{e}");
        let e = load("gone.png", &inner, Access::default(), &at()).unwrap_err();
        assert!(e.to_string().starts_with("s.md:3: picture `gone.png` cannot be read"), "{e}");
    }

    #[test]
    fn a_file_is_decoded_once_until_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.png"), png_bytes(2, 1, &[9; 8])).unwrap();
        let (a, _) = load("a.png", dir.path(), Access::default(), &at()).unwrap();
        let (b, _) = load("./a.png", dir.path(), Access::default(), &at()).unwrap();
        // The same decoded picture, under the name this statement gives it.
        assert!(Arc::ptr_eq(&a.bytes, &b.bytes) && Arc::ptr_eq(&a.rgba, &b.rgba));
        assert_eq!((a.name.as_str(), b.name.as_str()), ("a.png", "./a.png"));
        // Saved again, larger: read again.
        std::fs::write(dir.path().join("a.png"), png_bytes(3, 1, &[7; 12])).unwrap();
        let (c, _) = load("a.png", dir.path(), Access::default(), &at()).unwrap();
        assert_eq!(c.width, 3);
        // A warning of the file comes with every use, at its own line.
        std::fs::write(
            dir.path().join("s.svg"),
            br#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><script/></svg>"#,
        )
        .unwrap();
        for line in [3, 9] {
            let here = Location::line("s.md", line);
            let (_, w) = load("s.svg", dir.path(), Access::default(), &here).unwrap();
            assert_eq!(w.len(), 1);
            assert!(w[0].to_string().starts_with(&format!("s.md:{line}:")), "{}", w[0]);
        }
    }

    #[test]
    fn svg_references_are_dropped_and_scripts_ignored() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">
            <script>alert(1)</script>
            <image href="file:///etc/passwd" width="10" height="10"/>
            <image xlink:href="https://example.org/x.png" width="10" height="10"/>
            <rect width="40" height="20" fill="red"/></svg>"#;
        let (p, w) = decode("logo.svg", svg.to_vec(), &at()).unwrap();
        assert_eq!((p.format, p.width, p.height), (Format::Svg, 40, 20));
        let w: Vec<String> = w.iter().map(|w| w.to_string()).collect();
        assert!(w.iter().any(|w| w.contains("script is ignored")), "{w:?}");
        assert!(w.iter().any(|w| w.contains("`file:///etc/passwd` is dropped")), "{w:?}");
        assert!(w.iter().any(|w| w.contains("`https://example.org/x.png` is dropped")), "{w:?}");
        // Drawn: red where the rectangle is.
        let px = raster(&p, 4, 2);
        assert_eq!(&px[..4], &[255, 0, 0, 255]);
    }
}
