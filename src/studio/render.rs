//! The studio's renderer: one worker thread that keeps the fonts loaded and
//! always renders the newest edit. An edit that arrives while another is
//! being rendered replaces any edit still waiting, so typing fast never
//! queues stale renders; a render finished after a newer edit arrived is
//! dropped before its pictures are drawn.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use handbill::fonts::{self, FontBook};
use handbill::statement::{self, Format};
use handbill::{preview, spec, Vars};

/// Resolution of the on-screen preview: sharp enough to read on a laptop,
/// small enough to draw and send within the latency budget.
pub const PREVIEW_DPI: f32 = 72.0;
/// Resolution of the images to share.
pub const SHARE_DPI: f32 = 150.0;

/// One edit: the statement and the layout as the page has them.
#[derive(Debug, Clone)]
pub struct Edit {
    /// Number of the edit, increasing.
    pub generation: u64,
    /// The statement's text.
    pub statement: String,
    /// How to read it (None: as its front matter says or it looks).
    pub format: Option<Format>,
    /// The layout: a shipped id, or a `.toml` file inside the folder.
    pub base: Base,
    /// `KEY=VALUE` overrides, from the form and the TOML box.
    pub sets: Vec<String>,
}

/// The layout an edit starts from.
#[derive(Debug, Clone)]
pub enum Base {
    /// A layout built into the binary.
    Shipped(String),
    /// A layout file inside the folder (canonical path).
    Local(PathBuf),
}

/// A finished render, kept until a newer one replaces it.
pub struct Rendered {
    /// The edit's number.
    pub generation: u64,
    /// The PDF, when the edit could be built.
    pub pdf: Vec<u8>,
    /// PNGs of the pages.
    pub pages: Vec<Vec<u8>>,
    /// PNGs of the printed sheets (folded and bound layouts).
    pub sheets: Vec<Vec<u8>>,
    /// The laid-out pages, to draw the images to share from.
    pub document: Option<handbill::pages::Document>,
    /// Warnings in words.
    pub warnings: Vec<String>,
    /// The error that stopped the build, if one did.
    pub error: Option<String>,
    /// Milliseconds the render took.
    pub millis: u128,
}

impl Rendered {
    /// The event the page receives: what to show.
    pub fn event(&self) -> String {
        serde_json::json!({
            "generation": self.generation,
            "pages": self.pages.len(),
            "sheets": self.sheets.len(),
            "warnings": self.warnings,
            "error": self.error,
            "millis": self.millis as u64,
        })
        .to_string()
    }
}

/// What the worker and the server share.
#[derive(Default)]
pub struct Slot {
    /// The newest edit not yet taken by the worker.
    pub pending: Option<Edit>,
    /// The newest edit handed to `submit`.
    pub newest: u64,
    /// The edit being rendered and when it started.
    pub running: Option<(u64, Instant)>,
}

/// The render worker's handle.
pub struct Renderer {
    /// The waiting edit and the one being rendered.
    pub slot: Arc<(Mutex<Slot>, Condvar)>,
    /// Fonts, loaded once.
    pub book: Arc<FontBook>,
    /// Where the fonts came from (layouts' `font-dirs` add to them).
    pub font_dirs: Arc<fonts::FontSearch>,
}

impl Renderer {
    /// Queues `edit`, replacing any edit not yet started.
    pub fn submit(&self, edit: Edit) {
        let (lock, cv) = &*self.slot;
        let mut slot = lock.lock().unwrap_or_else(|e| e.into_inner());
        slot.newest = slot.newest.max(edit.generation);
        slot.pending = Some(edit);
        cv.notify_all();
    }

    /// Starts a worker thread that renders edits and hands each result to
    /// `publish`. `alive` tells the worker to stop once it is no longer the
    /// current one (after a render ran too long and a new worker took over).
    pub fn spawn_worker(
        &self,
        alive: Arc<dyn Fn() -> bool + Send + Sync>,
        publish: Arc<dyn Fn(Rendered) + Send + Sync>,
    ) {
        let slot = Arc::clone(&self.slot);
        let book = Arc::clone(&self.book);
        let dirs = Arc::clone(&self.font_dirs);
        std::thread::spawn(move || loop {
            let edit = {
                let (lock, cv) = &*slot;
                let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
                loop {
                    if !alive() {
                        return;
                    }
                    if let Some(e) = s.pending.take() {
                        s.running = Some((e.generation, Instant::now()));
                        break e;
                    }
                    s = cv
                        .wait_timeout(s, Duration::from_millis(500))
                        .map(|r| r.0)
                        .unwrap_or_else(|e| e.into_inner().0);
                }
            };
            let superseded = || {
                let s = slot.0.lock().unwrap_or_else(|e| e.into_inner());
                s.newest > edit.generation
            };
            let result = render(&edit, &book, &dirs, &superseded);
            if !alive() {
                return;
            }
            slot.0.lock().unwrap_or_else(|e| e.into_inner()).running = None;
            if let Some(r) = result {
                publish(r);
            }
        });
    }
}

/// Builds one edit. None when a newer edit arrived before the pictures
/// were drawn.
pub fn render(
    edit: &Edit,
    book: &FontBook,
    dirs: &fonts::FontSearch,
    superseded: &dyn Fn() -> bool,
) -> Option<Rendered> {
    let start = Instant::now();
    let mut out = Rendered {
        generation: edit.generation,
        pdf: Vec::new(),
        pages: Vec::new(),
        sheets: Vec::new(),
        document: None,
        warnings: Vec::new(),
        error: None,
        millis: 0,
    };
    match build(edit, book, dirs, superseded) {
        Ok(Some(b)) => {
            out.pdf = b.0;
            out.pages = b.1;
            out.sheets = b.2;
            out.document = Some(b.3);
            out.warnings = b.4;
        }
        Ok(None) => return None,
        Err(e) => out.error = Some(e.to_string()),
    }
    out.millis = start.elapsed().as_millis();
    Some(out)
}

type Built = (Vec<u8>, Vec<Vec<u8>>, Vec<Vec<u8>>, handbill::pages::Document, Vec<String>);

fn build(
    edit: &Edit,
    book: &FontBook,
    dirs: &fonts::FontSearch,
    superseded: &dyn Fn() -> bool,
) -> handbill::Result<Option<Built>> {
    let st = statement::parse_as(Path::new("statement.md"), &edit.statement, edit.format)?;
    let layout = load_layout(&edit.base, &edit.sets)?;
    let families: Vec<&str> = layout.families().into_iter().map(|(_, f)| f).collect();
    let book = fonts::for_layout(book, dirs, &families, &layout.font_dirs)?;
    let book: &FontBook = &book;
    let mut warnings: Vec<String> = layout.warnings.iter().map(ToString::to_string).collect();
    let built = handbill::build(&st, &layout, book, &Vars::new())?;
    if superseded() {
        return Ok(None);
    }
    warnings.extend(built.warnings.iter().map(ToString::to_string));
    let pages = preview::render_pages(&built.document, book, PREVIEW_DPI)?
        .iter()
        .map(preview::GrayImage::to_png)
        .collect::<handbill::Result<Vec<_>>>()?;
    let sheets = preview::render_sheets(&built.document, &layout, book, PREVIEW_DPI)?
        .iter()
        .map(preview::GrayImage::to_png)
        .collect::<handbill::Result<Vec<_>>>()?;
    Ok(Some((built.pdf, pages, sheets, built.document, warnings)))
}

/// The layout of an edit: its base with the overrides.
pub fn load_layout(base: &Base, sets: &[String]) -> handbill::Result<spec::LayoutSpec> {
    match base {
        Base::Shipped(id) => spec::load_str(id, &format!("extends = {:?}", id), sets),
        Base::Local(path) => spec::load(&path.to_string_lossy(), sets),
    }
}
