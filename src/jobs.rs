//! The job engine behind `handbill build`, `handbill preview` and
//! `handbill batch`: a [`Plan`] of statement × layout × event jobs, run on
//! all cores. A job writes a PDF, PNG pictures of its pages, or both
//! ([`Options`]).
//!
//! Everything shared is made once: the fonts (one [`FontBook`], borrowed by
//! every thread), each layout (loaded when the plan is made), each statement
//! (parsed by the first job that needs it). Each PDF is written as soon as it
//! is made and then dropped, so memory holds only the outputs in flight plus
//! one small [`JobReport`] per job.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::error::{Error, Location, Result, Warning};
use crate::fonts::{self, FontBook};
use crate::preview::{self, GrayImage};
use crate::shape::{ShapeCache, Shaper};
use crate::spec::LayoutSpec;
use crate::statement::{self, Statement};
use crate::Vars;

// Every worker thread borrows the one book; this fails to compile if a
// field of `FontBook` ever stops being shareable between threads.
const _: fn() = || {
    fn shared<T: Sync + Send>() {}
    shared::<FontBook>();
    shared::<Statement>();
    shared::<LayoutSpec>();
};

/// One layout of a plan: loaded once, or the error that stopped it.
#[derive(Debug)]
pub struct Layout {
    /// The name used in output file names (the layout's id, or what the
    /// user typed when it could not be loaded).
    pub id: String,
    /// The validated layout, or why it could not be loaded (every job using
    /// it then fails with this error).
    pub spec: Result<LayoutSpec, Arc<Error>>,
}

impl Layout {
    /// Loads a layout by name or path with `--set` style overrides; a
    /// failure is kept, not returned, so that only its jobs fail.
    pub fn load(name_or_path: &str, overrides: &[String]) -> Layout {
        match crate::spec::load(name_or_path, overrides) {
            Ok(spec) => Layout { id: spec.id.clone(), spec: Ok(spec) },
            Err(e) => {
                let id = Path::new(name_or_path)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| name_or_path.to_string());
                Layout { id, spec: Err(Arc::new(e)) }
            }
        }
    }
}

/// One local event: its id (used in output names) and the values of its
/// `{event.KEY}` placeholders (including `id`).
#[derive(Debug, Clone, Default)]
pub struct Event {
    /// Short, file-name-safe id, e.g. `minneapolis-jan-23`.
    pub id: String,
    /// Placeholder values, e.g. `name` → `Day of action`.
    pub vars: Vars,
}

/// One job: a statement (or, with a bilingual layout, a pair of them) in a
/// layout for an event, written to `output`.
#[derive(Debug, Clone)]
pub struct Job {
    /// Index into [`Plan::statements`].
    pub statement: usize,
    /// With a bilingual layout, the second statement of the pair (index
    /// into [`Plan::statements`]).
    pub second: Option<usize>,
    /// Index into [`Plan::layouts`].
    pub layout: usize,
    /// Index into [`Plan::events`]; `None` when the plan has no events.
    pub event: Option<usize>,
    /// The PDF to write.
    pub output: PathBuf,
}

/// The names an output pattern may use for one job.
#[derive(Debug, Clone, Copy)]
pub struct JobNames<'a> {
    /// The statement's short name (file stem); for a pair of statements,
    /// both joined by `+` (`en+es`).
    pub statement: &'a str,
    /// The layout's id.
    pub layout: &'a str,
    /// The event's id, if the plan has events.
    pub event: Option<&'a str>,
}

/// Everything to build: inputs and the jobs over them, in a fixed order
/// (statements sorted by path, then layouts as given, then events as given;
/// then the jobs of bilingual layouts: layouts as given, pairs of
/// statements in the order given, events as given).
#[derive(Debug)]
pub struct Plan {
    /// Statement files, sorted, without duplicates.
    pub statements: Vec<PathBuf>,
    /// Layouts, in the order given.
    pub layouts: Vec<Layout>,
    /// Events, in the order given; empty = one job per statement × layout.
    pub events: Vec<Event>,
    /// The jobs, in the deterministic order described above.
    pub jobs: Vec<Job>,
    /// Files no job may overwrite (statements, layouts, the campaign).
    pub inputs: Vec<PathBuf>,
    /// How many jobs the whole plan has before sharding.
    pub total_jobs: usize,
    /// The shard this plan was cut to, if any.
    pub shard: Option<Shard>,
    /// How to read every statement (`--format`); `None`: as each one's
    /// front matter says, or as detected.
    pub format: Option<statement::Format>,
}

impl Plan {
    /// Makes the jobs for every statement × layout × event, naming each
    /// output with `output`. A bilingual layout (`page.bilingual`) takes the
    /// statements two by two in the order given (`en.md es.md fr.md
    /// ar.md` → `en+es`, `fr+ar`), so their number must be even.
    ///
    /// Fails when two jobs would write the same file; `output_origin` is
    /// where that error points (the campaign's `output` key, or `--out`).
    pub fn new(
        mut statements: Vec<PathBuf>,
        layouts: Vec<Layout>,
        events: Vec<Event>,
        output_origin: Location,
        output: impl Fn(&JobNames<'_>) -> PathBuf,
    ) -> Result<Plan> {
        // Pairs follow the order given (and may repeat a statement: one
        // English text with each of its translations).
        let given = statements.clone();
        statements.sort();
        statements.dedup();
        // Every given path is in the sorted list.
        let index = |p: &PathBuf| statements.binary_search(p).unwrap_or_else(|i| i);
        let names: Vec<String> = statements.iter().map(|p| statement_name(p)).collect();
        let bilingual = |l: &Layout| {
            l.spec.as_ref().is_ok_and(|s| s.page.bilingual != crate::spec::Bilingual::No)
        };
        let mut units: Vec<(usize, Option<usize>, usize)> = Vec::new();
        for si in 0..statements.len() {
            for (li, _) in layouts.iter().enumerate().filter(|(_, l)| !bilingual(l)) {
                units.push((si, None, li));
            }
        }
        for (li, layout) in layouts.iter().enumerate().filter(|(_, l)| bilingual(l)) {
            if !given.len().is_multiple_of(2) {
                let leftover = &given[given.len() - 1];
                return Err(Error::file(
                    leftover,
                    format!(
                        "no statement to pair {} with: layout `{}` takes statements two by two",
                        leftover.display(),
                        layout.id
                    ),
                    "give an even number of statements, each followed by its translation (e.g. en.md es.md)",
                ));
            }
            for pair in given.chunks(2) {
                units.push((index(&pair[0]), Some(index(&pair[1])), li));
            }
        }
        let evs: Vec<Option<usize>> =
            if events.is_empty() { vec![None] } else { (0..events.len()).map(Some).collect() };
        let mut jobs = Vec::with_capacity(units.len() * evs.len());
        let mut seen: HashMap<PathBuf, usize> = HashMap::new();
        let describe = |s: usize, second: Option<usize>| match second {
            Some(t) => format!("{} + {}", statements[s].display(), statements[t].display()),
            None => statements[s].display().to_string(),
        };
        for (si, second, li) in units {
            let layout = &layouts[li];
            let sname = match second {
                Some(t) => format!("{}+{}", names[si], names[t]),
                None => names[si].clone(),
            };
            for &ei in &evs {
                let job_names = JobNames {
                    statement: &sname,
                    layout: &layout.id,
                    event: ei.map(|i| events[i].id.as_str()),
                };
                let out = output(&job_names);
                if let Some(&other) = seen.get(&out) {
                    let o: &Job = &jobs[other];
                    return Err(Error::new(
                        output_origin,
                        format!(
                            "two jobs would write {}: {} with {} and {} with {}",
                            out.display(),
                            describe(o.statement, o.second),
                            layouts[o.layout].id,
                            describe(si, second),
                            layout.id
                        ),
                        if events.is_empty() {
                            "make the output name unique with {statement} and {layout}"
                        } else {
                            "make the output name unique with {statement}, {layout} and {event}"
                        },
                    ));
                }
                seen.insert(out.clone(), jobs.len());
                jobs.push(Job { statement: si, second, layout: li, event: ei, output: out });
            }
        }
        let mut inputs = statements.clone();
        inputs.extend(layouts.iter().filter_map(|l| l.spec.as_ref().ok()?.path.clone()));
        let total_jobs = jobs.len();
        Ok(Plan {
            statements,
            layouts,
            events,
            jobs,
            inputs,
            total_jobs,
            shard: None,
            format: None,
        })
    }

    /// Plans `handbill build` and `handbill preview`: every statement with
    /// every layout, written into the folder `out` as
    /// `{statement}-{layout}.pdf` (pictures as `{statement}-{layout}-1.png`,
    /// …). When the jobs write PDFs (`pdf`), `out` may instead name the one
    /// `.pdf` file of a single job.
    pub fn for_folder(
        statements: Vec<PathBuf>,
        layouts: Vec<Layout>,
        out: &Path,
        pdf: bool,
    ) -> Result<Plan> {
        let names = |ext: &str| out.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext));
        if !pdf && (names("pdf") || names("png")) {
            return Err(Error::file(
                out,
                "--out must be a folder for previews",
                "e.g. --out preview/",
            ));
        }
        // A pattern (`out/{statement}.pdf`): each job's name filled in, as
        // a campaign's `output` is.
        let pattern = out.to_string_lossy();
        if crate::vars::placeholders(&pattern).next().is_some() {
            for ph in crate::vars::placeholders(&pattern) {
                if !matches!(ph.key(), "statement" | "layout") {
                    return Err(Error::file(
                        out,
                        format!("unknown placeholder `{{{}}}` in --out", ph.key()),
                        "use {statement} and {layout}, e.g. --out 'out/{statement}-{layout}.pdf'",
                    ));
                }
            }
            // Each job names its PDF (previews: `NAME-1.png`, … beside it).
            let ext = if names("pdf") { "" } else { ".pdf" };
            return Plan::new(statements, layouts, Vec::new(), Location::file(out), |n| {
                PathBuf::from(format!("{}{ext}", crate::campaign::fill_output(&pattern, n)))
            });
        }
        // Named as in a folder first: jobs writing one file would otherwise
        // stop the plan as a clash before they could be counted.
        let file = names("pdf");
        let folder = if file { Path::new("") } else { out };
        let mut plan = Plan::new(statements, layouts, Vec::new(), Location::file(out), |n| {
            crate::output_path(folder, n.statement, n.layout)
        })?;
        match plan.jobs.as_mut_slice() {
            [job] if file => job.output = out.to_path_buf(),
            // Counted on the plan: a bilingual layout makes one job per pair.
            jobs if file => {
                return Err(Error::file(
                    out,
                    format!("--out names one file but there are {} jobs", jobs.len()),
                    "give a folder instead, or a name with {statement} and {layout} in it, \
                     e.g. --out 'out/{statement}-{layout}.pdf'",
                ))
            }
            _ => {}
        }
        Ok(plan)
    }

    /// Keeps only the jobs of one shard: every `count`-th job starting at
    /// `index` (1-based), so `1/N` … `N/N` together are every job once.
    pub fn shard(&mut self, shard: Shard) {
        let k = shard.index - 1;
        let mut i = 0;
        self.jobs.retain(|_| {
            let keep = i % shard.count == k;
            i += 1;
            keep
        });
        self.shard = Some(shard);
    }
}

/// The short name of a statement file, as used in output names.
pub fn statement_name(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// A slice of a plan for one machine: `K/N` runs every N-th job from K.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based, 1 ≤ index ≤ count.
    pub index: usize,
    /// How many shards the plan is split into, ≥ 1.
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Shard, String> {
        let bad = || format!("`{s}` is not a shard: write K/N with 1 ≤ K ≤ N, e.g. 2/4");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = k.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// How to run a plan, and what each job writes.
#[derive(Debug, Clone)]
pub struct Options {
    /// Worker threads; `None` = one per core.
    pub threads: Option<usize>,
    /// Where the shared book was loaded from: layouts that add `font-dirs`
    /// or name a family only the system has start from it (see
    /// [`fonts::for_layout`]); every other layout uses the shared book as
    /// is.
    pub fonts: fonts::FontSearch,
    /// PDF creation date as Unix seconds (from `SOURCE_DATE_EPOCH`). The
    /// PDFs currently carry no date at all, so they are reproducible either
    /// way; this is the value to stamp once the render stage writes one.
    pub creation_date: Option<u64>,
    /// Write each job's PDF (the default). Off for `handbill preview`,
    /// which only draws the pages.
    pub pdf: bool,
    /// Write a PNG of every page next to where the PDF goes (`NAME-1.png`,
    /// …), at this DPI.
    pub preview_dpi: Option<f32>,
    /// Keep small pictures of every page for a contact sheet (see
    /// [`Summary::thumbnails`]).
    pub thumbnails: bool,
    /// Write the images to share next to each PDF (`--share`), in the
    /// sizes the layout's `share.sizes` names (see [`crate::share`]).
    pub share: bool,
    /// Shaping caches kept from run to run of the same plan (`handbill
    /// watch`); `None`: every job starts cold.
    pub warm: Option<Arc<Warm>>,
    /// Standards every PDF is checked against, in place of the layouts'
    /// `print.standard` (`--standard`); empty: as the layouts say.
    pub standards: Vec<crate::spec::Standard>,
}

/// What jobs keep between runs of the same plan: each output's shaped
/// words (see [`ShapeCache`]), so that a rebuild after an edit shapes only
/// what changed.
#[derive(Debug, Default)]
pub struct Warm {
    caches: Mutex<HashMap<PathBuf, ShapeCache>>,
}

impl Warm {
    /// Takes the cache of the job writing `output` (empty the first time).
    fn take(&self, output: &Path) -> ShapeCache {
        self.caches.lock().ok().and_then(|mut c| c.remove(output)).unwrap_or_default()
    }

    /// Keeps the cache of the job writing `output` for the next run.
    fn keep(&self, output: &Path, cache: ShapeCache) {
        if let Ok(mut c) = self.caches.lock() {
            c.insert(output.to_path_buf(), cache);
        }
    }

    /// Forgets every cache (the fonts changed).
    pub fn clear(&self) {
        if let Ok(mut c) = self.caches.lock() {
            c.clear();
        }
    }

    /// How many shaped words the caches hold in all.
    pub fn words(&self) -> usize {
        self.caches.lock().map_or(0, |c| c.values().map(ShapeCache::words).sum())
    }

    /// How many paragraphs the last run of the jobs set as an earlier run
    /// had shaped and broken them, in all.
    pub fn paragraphs_reused(&self) -> usize {
        self.caches.lock().map_or(0, |c| c.values().map(ShapeCache::paragraphs_reused).sum())
    }
}

impl Default for Options {
    fn default() -> Options {
        Options {
            threads: None,
            fonts: fonts::FontSearch::default(),
            creation_date: None,
            pdf: true,
            preview_dpi: None,
            thumbnails: false,
            share: false,
            warm: None,
            standards: Vec::new(),
        }
    }
}

/// Resolution of contact-sheet thumbnails (dots per inch).
pub const THUMBNAIL_DPI: f32 = 24.0;

impl Options {
    /// Reads `SOURCE_DATE_EPOCH` into [`Options::creation_date`]; a value
    /// that is not a whole number of seconds is an error naming it.
    pub fn source_date_epoch_from_env(&mut self) -> Result<()> {
        match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(v) if !v.trim().is_empty() => {
                let secs = v.trim().parse::<u64>().map_err(|_| {
                    Error::new(
                        // Not a file: the setting is named where the file would be.
                        Location::file("$SOURCE_DATE_EPOCH"),
                        format!("`{v}` is not a number of seconds"),
                        "set it to Unix seconds, e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)",
                    )
                })?;
                self.creation_date = Some(secs);
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

pub use crate::render::CreationDate;

/// What one finished job produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    /// Pages laid out.
    pub pages: usize,
    /// Size of the PDF file in bytes (0 when no PDF was written).
    pub bytes: usize,
    /// The files written: the PDF, if one, then the page pictures.
    pub files: Vec<PathBuf>,
    /// The body size used (differs from the layout's when `[fit]` scaled it).
    pub body_size: f32,
    /// Whether the body size is news: the layout fits to a page count, or
    /// a last page of a few lines was pulled back.
    pub fitted: bool,
    /// Warnings about this output (statement, layout and layout-run ones).
    pub warnings: usize,
    /// Small pictures of the pages ([`preview::THUMBNAIL_WIDTH`] wide),
    /// when a contact sheet was asked for.
    pub thumbnails: Vec<GrayImage>,
    /// The font files the pages are set in (what `handbill watch` watches
    /// besides the statement and the layout).
    pub fonts: Vec<PathBuf>,
    /// The picture files the job read: the statements' pictures and the
    /// layout's logos (`handbill watch` watches them too).
    pub pictures: Vec<PathBuf>,
}

/// The summary row of one job; small on purpose, one is kept per job.
#[derive(Debug, Clone)]
pub struct JobReport {
    /// Position in the plan's (sharded) job list.
    pub index: usize,
    /// The PDF written (or that would have been); previews are named after
    /// it.
    pub output: PathBuf,
    /// What the job writes, as shown to people: the PDF, or for a job that
    /// only draws pictures, those (`out/a-1.png … out/a-3.png`, or
    /// `out/a-*.png` when it failed before drawing them).
    pub label: String,
    /// What it produced, or why it failed.
    pub result: Result<Built, Arc<Error>>,
}

/// Something the engine tells while it runs.
#[derive(Debug)]
pub enum Progress<'a> {
    /// A job started writing `output`.
    Started {
        /// The output file.
        output: &'a Path,
    },
    /// A warning. `output` is the file it concerns, or `None` when it
    /// concerns an input shared by several jobs (told once).
    Warning {
        /// The warning.
        warning: &'a Warning,
        /// The output it concerns, if one.
        output: Option<&'a Path>,
    },
    /// A job finished (written or failed).
    Finished {
        /// Jobs finished so far, this one included.
        done: usize,
        /// Jobs in the run.
        total: usize,
        /// Its summary row.
        report: &'a JobReport,
    },
}

/// The signal that asked the run to stop (0: none). Set from a signal
/// handler, so nothing but an atomic store happens there.
static STOP: AtomicI32 = AtomicI32::new(0);

/// Asks every run to stop starting jobs: the ones under way finish and are
/// written whole, the rest are skipped and the summary says so. `signal` is
/// the signal's number (`SIGINT` = 2, `SIGTERM` = 15). Safe to call from a
/// signal handler: it only stores a number.
pub fn stop(signal: i32) {
    STOP.store(signal, Ordering::SeqCst);
}

/// The signal that stopped the run, if one did.
pub fn stopped() -> Option<i32> {
    match STOP.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

/// The result of a run: one row per job, in plan order.
#[derive(Debug)]
pub struct Summary {
    /// One row per job that ran (all of them unless the run was stopped).
    pub reports: Vec<JobReport>,
    /// The signal that stopped the run before every job had started
    /// (`SIGINT` = 2, `SIGTERM` = 15), if one did.
    pub interrupted: Option<i32>,
    /// How many jobs the run had to do (the plan's, after sharding).
    pub planned: usize,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// The plan's shard, if it was cut to one.
    pub shard: Option<Shard>,
    /// How many jobs the whole plan has before sharding.
    pub total_jobs: usize,
}

impl Summary {
    /// How many jobs failed.
    pub fn failed(&self) -> usize {
        self.reports.iter().filter(|r| r.result.is_err()).count()
    }

    /// Pages written in all.
    pub fn pages(&self) -> usize {
        self.reports.iter().filter_map(|r| r.result.as_ref().ok()).map(|b| b.pages).sum()
    }

    /// Lays out the summary as a table: one row per output (pages, the
    /// body size when some output was fitted, warnings, or why it failed),
    /// then the totals.
    pub fn table(&self) -> String {
        use std::fmt::Write as _;
        let mut o = String::new();
        let fitted = self.reports.iter().any(|r| r.result.as_ref().is_ok_and(|b| b.fitted));
        let w = self.reports.iter().map(|r| r.label.chars().count()).max().unwrap_or(0);
        let w = w.max("output".len());
        let _ = write!(o, "{:<w$}  {:>5}", "output", "pages");
        if fitted {
            let _ = write!(o, "  {:>7}", "body");
        }
        let _ = writeln!(o, "  {:>8}", "warnings");
        for r in &self.reports {
            let out = &r.label;
            match &r.result {
                Ok(b) => {
                    let _ = write!(o, "{out:<w$}  {:>5}", b.pages);
                    if fitted {
                        let body =
                            if b.fitted { format!("{:.1}pt", b.body_size) } else { "-".into() };
                        let _ = write!(o, "  {body:>7}");
                    }
                    let _ = writeln!(o, "  {:>8}", b.warnings);
                }
                Err(e) => {
                    let _ = writeln!(o, "{out:<w$}  FAILED: {}", e.message);
                }
            }
        }
        let n = self.reports.len();
        let shard = match self.shard {
            Some(s) => format!(" (shard {s} of {} jobs)", self.total_jobs),
            None => String::new(),
        };
        let pages = self.pages();
        if let Some(sig) = self.interrupted {
            let name = match sig {
                2 => "SIGINT".to_string(),
                15 => "SIGTERM".to_string(),
                s => format!("signal {s}"),
            };
            let _ = writeln!(
                o,
                "interrupted by {name}: {n} of {} jobs done, the others not started",
                self.planned
            );
        }
        let _ = writeln!(
            o,
            "{n} {}{shard}, {} failed, {pages} {}, {:.2} s",
            if n == 1 { "job" } else { "jobs" },
            self.failed(),
            if pages == 1 { "page" } else { "pages" },
            self.elapsed.as_secs_f64()
        );
        o
    }

    /// The thumbnails of every job that made some, each labelled with its
    /// output's name (`a-letter-2col`), in plan order: what
    /// [`preview::contact_sheet`] takes.
    pub fn thumbnails(&self) -> Vec<(String, GrayImage)> {
        let mut pages = Vec::new();
        for r in &self.reports {
            let Ok(built) = &r.result else { continue };
            let name = statement_name(&r.output);
            pages.extend(built.thumbnails.iter().map(|t| (name.clone(), t.clone())));
        }
        pages
    }
}

/// Names a job's output for people (see [`JobReport::label`]).
fn label(output: &Path, pdf: bool, result: &Result<Built, Arc<Error>>) -> String {
    if pdf {
        return output.display().to_string();
    }
    let files = result.as_ref().map(|b| b.files.as_slice()).unwrap_or_default();
    match files {
        [] => preview::preview_pattern(output),
        [one] => one.clone(),
        [first, .., last] => return format!("{} … {}", first.display(), last.display()),
    }
    .display()
    .to_string()
}

/// The font files a document's text is set in, sorted.
/// The picture files a job reads, as the picture stage finds them: each
/// statement's pictures relative to its folder, the layout's logos
/// relative to its file. URLs (never fetched) are left out.
fn pictures_read(statements: &[&Statement], spec: &LayoutSpec) -> Vec<PathBuf> {
    fn folder(file: Option<&Path>) -> PathBuf {
        let dir = file.and_then(Path::parent).filter(|d| !d.as_os_str().is_empty());
        dir.map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    }
    fn images(blocks: &[crate::statement::Block], base: &Path, out: &mut Vec<PathBuf>) {
        use crate::statement::Block;
        for b in blocks {
            match b {
                Block::Quote { blocks, .. } => images(blocks, base, out),
                Block::List { items, .. } => items.iter().for_each(|i| images(i, base, out)),
                Block::Image { src, .. } if !src.contains("://") && !src.starts_with("data:") => {
                    out.push(base.join(src));
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for st in statements {
        images(&st.blocks, &folder(Some(&st.path)), &mut out);
    }
    let base = folder(spec.path.as_deref());
    for logo in [&spec.masthead.logo, &spec.footer.logo] {
        // A logo named by an event's placeholder is filled per job later.
        if !logo.trim().is_empty() && !logo.contains('{') {
            out.push(base.join(logo.trim()));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn fonts_used(doc: &crate::pages::Document, book: &FontBook) -> Vec<PathBuf> {
    let mut faces: Vec<fonts::FaceId> = doc
        .pages
        .iter()
        .flat_map(|p| &p.elements)
        .filter_map(|e| match e {
            crate::pages::Element::Text(run) => Some(run.face),
            _ => None,
        })
        .collect();
    faces.sort_unstable();
    faces.dedup();
    let mut paths: Vec<PathBuf> = faces
        .into_iter()
        // Fonts inside the program never change under a watch.
        .filter(|&f| f < book.len() && book.info(f).origin != fonts::Origin::Bundled)
        .map(|f| book.info(f).path.clone())
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// A statement parsed on first use, then shared.
type StatementSlot = OnceLock<Result<(Statement, usize), Arc<Error>>>;

/// Runs every job of `plan`, writing each PDF as soon as it is made.
///
/// A failing job never stops the others; its error is in its row. `progress`
/// is called from worker threads as jobs start and finish.
pub fn run(
    plan: &Plan,
    book: &FontBook,
    options: &Options,
    progress: &(dyn Fn(Progress<'_>) + Sync),
) -> Summary {
    let start = Instant::now();
    // Layout warnings concern every job with that layout: tell them once.
    for l in &plan.layouts {
        if let Ok(spec) = &l.spec {
            for w in &spec.warnings {
                progress(Progress::Warning { warning: w, output: None });
            }
        }
    }
    // A layout that could not be loaded needs no fonts: its jobs fail on
    // its own error.
    let books: Vec<Result<fonts::LayoutBook<'_>, Arc<Error>>> = plan
        .layouts
        .iter()
        .map(|l| match &l.spec {
            Ok(spec) => {
                let families: Vec<&str> = spec.families().into_iter().map(|(_, f)| f).collect();
                fonts::for_layout(book, &options.fonts, &families, &spec.font_dirs)
                    .map_err(|e| Arc::new(name_layout(e, spec)))
            }
            Err(_) => Ok(fonts::LayoutBook::Shared(book)),
        })
        .collect();
    let statements: Vec<StatementSlot> = plan.statements.iter().map(|_| OnceLock::new()).collect();
    let inputs: HashSet<PathBuf> =
        plan.inputs.iter().filter_map(|p| p.canonicalize().ok()).collect();
    let done = AtomicUsize::new(0);
    let total = plan.jobs.len();
    let ctx = Ctx {
        plan,
        books: &books,
        statements: &statements,
        inputs: &inputs,
        progress,
        creation_date: options.creation_date.map(CreationDate::from_unix),
        pdf: options.pdf,
        preview_dpi: options.preview_dpi,
        thumbnails: options.thumbnails,
        share: options.share,
        warm: options.warm.as_deref(),
        standards: &options.standards,
    };

    let one = |(index, job): (usize, &Job)| -> Option<JobReport> {
        // Stopped: jobs under way finish, no new one starts.
        if stopped().is_some() {
            return None;
        }
        // Messages name what the job writes: the PDF, or the pictures.
        let shown = if options.pdf {
            Cow::Borrowed(job.output.as_path())
        } else {
            Cow::Owned(preview::preview_pattern(&job.output))
        };
        progress(Progress::Started { output: &shown });
        let result = isolated(&shown, || ctx.run_job(job, &shown)).map_err(|e| match e {
            JobError::Own(e) => Arc::new(name_file(e, &shown)),
            JobError::Shared(e) => e,
        });
        let label = label(&job.output, options.pdf, &result);
        let report = JobReport { index, output: job.output.clone(), label, result };
        let done = done.fetch_add(1, Ordering::SeqCst) + 1;
        progress(Progress::Finished { done, total, report: &report });
        Some(report)
    };
    let reports: Vec<JobReport> = if total <= 1 || options.threads == Some(1) {
        // One job (a flyer) or one thread: no pool to start (its threads
        // cost more than the job saves), the job runs on this thread.
        plan.jobs.iter().enumerate().filter_map(one).collect()
    } else {
        let work = || plan.jobs.par_iter().enumerate().filter_map(one).collect();
        let pool = options
            .threads
            .and_then(|n| rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build().ok());
        match &pool {
            Some(pool) => pool.install(work),
            None => work(),
        }
    };
    Summary {
        interrupted: if reports.len() < total { stopped() } else { None },
        planned: total,
        reports,
        elapsed: start.elapsed(),
        shard: plan.shard,
        total_jobs: plan.total_jobs,
    }
}

/// Gives an error that names no file (or only a stand-in such as
/// `<preview>`) the file it is about: for a job, its output, whose name
/// says both the statement and the layout. Every message names its file.
pub fn name_file(mut e: Error, output: &Path) -> Error {
    let stand_in = |f: &Path| {
        let s = f.to_string_lossy();
        s.starts_with('<') && s.ends_with('>')
    };
    if e.location.file.as_deref().is_none_or(stand_in) {
        e.location = Location::file(output);
    }
    e
}

/// Names the layout in an error about its fonts that names no file.
fn name_layout(mut e: Error, spec: &LayoutSpec) -> Error {
    if e.location.file.is_none() {
        e.location = spec.location();
    }
    e
}

/// Runs one job so that a bug which panics in it fails that job alone: the
/// others still finish, the summary names it and the exit code says so.
/// Nothing half-written is left, as files are only ever renamed into place
/// whole.
fn isolated<T>(output: &Path, job: impl FnOnce() -> Result<T, JobError>) -> Result<T, JobError> {
    // The job's state is its own and dropped with it; the shared state
    // (parsed statements, fonts) is only read or set once, whole.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        Err(JobError::Own(Error::file(
            output,
            format!("handbill stopped on an internal error while building this leaflet: {what}"),
            "this is a bug in handbill; please report it with the statement and layout",
        )))
    })
}

/// A job's error: its own, or one shared with other jobs (a statement or
/// layout that could not be read).
enum JobError {
    Own(Error),
    Shared(Arc<Error>),
}

impl From<Error> for JobError {
    fn from(e: Error) -> Self {
        JobError::Own(e)
    }
}

struct Ctx<'a> {
    plan: &'a Plan,
    books: &'a [Result<fonts::LayoutBook<'a>, Arc<Error>>],
    statements: &'a [StatementSlot],
    inputs: &'a HashSet<PathBuf>,
    progress: &'a (dyn Fn(Progress<'_>) + Sync),
    creation_date: Option<CreationDate>,
    pdf: bool,
    preview_dpi: Option<f32>,
    thumbnails: bool,
    share: bool,
    warm: Option<&'a Warm>,
    standards: &'a [crate::spec::Standard],
}

impl Ctx<'_> {
    /// Runs one job; `shown` is the output named in its warnings.
    fn run_job(&self, job: &Job, shown: &Path) -> Result<Built, JobError> {
        let layout = &self.plan.layouts[job.layout];
        let spec = layout.spec.as_ref().map_err(|e| JobError::Shared(e.clone()))?;
        // `--standard` in place of the layout's `print.standard`.
        let with_standards;
        let spec = if self.standards.is_empty() {
            spec
        } else {
            with_standards = LayoutSpec {
                print: crate::spec::PrintSpec {
                    standards: self.standards.to_vec(),
                    ..spec.print.clone()
                },
                ..spec.clone()
            };
            &with_standards
        };
        let book: &FontBook = match &self.books[job.layout] {
            Ok(b) => b,
            Err(e) => return Err(JobError::Shared(e.clone())),
        };
        let (st, mut st_warnings) = self.statement(job.statement)?;
        let second = match job.second {
            Some(i) => {
                let (st2, n) = self.statement(i)?;
                st_warnings += n;
                Some(st2)
            }
            None => None,
        };
        if self.pdf && self.would_overwrite_input(&job.output) {
            return Err(Error::file(
                &job.output,
                "the output would overwrite an input file",
                "choose another output folder or pattern",
            )
            .into());
        }
        let empty = Vars::new();
        let vars = job.event.map_or(&empty, |i| &self.plan.events[i].vars);
        // The layout as this job prints it: the statement's contact, the
        // event's values in every text key.
        let both: Vec<&Statement> = [Some(st), second].into_iter().flatten().collect();
        let (spec, mut warnings) = crate::vars::for_job(spec, &both, vars)?;
        let spec = &spec;
        let pictures_read = pictures_read(&both, spec);
        let mut shaper = match self.warm {
            Some(warm) => Shaper::with_cache(book, warm.take(&job.output)),
            None => Shaper::new(book),
        };
        let typeset = match second {
            Some(st2) => crate::typeset_pair_job(&mut shaper, st, st2, spec, vars),
            None => crate::typeset_job(&mut shaper, st, spec, vars),
        };
        if let Some(warm) = self.warm {
            warm.keep(&job.output, shaper.into_cache());
        }
        let (document, more) = typeset?;
        warnings.extend(more);
        let pdf = if self.pdf {
            let opts = crate::render::RenderOptions {
                compress: true,
                creation_date: self.creation_date,
                ..Default::default()
            };
            let (pdf, printing) = crate::render::render_with(&document, spec, book, &opts)?;
            warnings.extend(printing);
            Some(pdf)
        } else {
            None
        };
        for w in &warnings {
            (self.progress)(Progress::Warning { warning: w, output: Some(shown) });
        }
        // Every picture is drawn before anything is written, so that a page
        // too large to draw fails the job without leaving a PDF behind.
        let pictures = match self.preview_dpi {
            Some(dpi) => {
                // A folded leaflet: its panels in reading order, then the
                // sides of the sheet as printed.
                let mut pictures = preview::render_pages(&document, book, dpi)?;
                pictures.extend(preview::render_sheets(&document, spec, book, dpi)?);
                pictures
            }
            None => Vec::new(),
        };
        let mut picture_paths = preview::preview_paths(&job.output, pictures.len());
        let shared = match self.share {
            true => crate::share::draw(&document, spec, book, &job.output)?,
            false => Vec::new(),
        };
        picture_paths.extend(shared.iter().map(|s| s.path.clone()));
        if let Some(p) = picture_paths.iter().find(|p| self.would_overwrite_input(p)) {
            return Err(Error::file(
                p,
                "the preview would overwrite an input file",
                "choose another output folder or pattern",
            )
            .into());
        }
        let mut files = Vec::with_capacity(1 + pictures.len());
        if let Some(pdf) = &pdf {
            crate::output::write_atomic(&job.output, pdf, "the PDF")?;
            files.push(job.output.clone());
        }
        for (img, path) in pictures.iter().zip(&picture_paths) {
            preview::write_png(img, path)?;
            files.push(path.clone());
        }
        for s in &shared {
            crate::output::write_atomic(&s.path, &s.png, "the image to share")?;
            files.push(s.path.clone());
        }
        let thumbnails = if !self.thumbnails {
            Vec::new()
        } else if pictures.is_empty() {
            let small = preview::render_pages(&document, book, THUMBNAIL_DPI)?;
            small.iter().map(|p| p.thumbnail(preview::THUMBNAIL_WIDTH)).collect()
        } else {
            pictures.iter().map(|p| p.thumbnail(preview::THUMBNAIL_WIDTH)).collect()
        };
        Ok(Built {
            thumbnails,
            fonts: fonts_used(&document, book),
            pictures: pictures_read,
            files,
            pages: document.pages.len(),
            bytes: pdf.as_ref().map_or(0, Vec::len),
            body_size: document.body_size,
            // Fitted to a page count, or pulled back from a short last page.
            fitted: spec.fit.pages > 0 || (document.body_size - spec.body.size).abs() > 1e-3,
            warnings: warnings.len() + st_warnings + spec.warnings.len(),
        })
    }

    /// The statement, parsed by whichever job needs it first; its warnings
    /// are told once, then only counted.
    fn statement(&self, i: usize) -> Result<(&Statement, usize), JobError> {
        let slot = self.statements[i].get_or_init(|| {
            let st =
                statement::load_as(&self.plan.statements[i], self.plan.format).map_err(Arc::new)?;
            for w in &st.warnings {
                (self.progress)(Progress::Warning { warning: w, output: None });
            }
            let n = st.warnings.len();
            Ok((st, n))
        });
        match slot {
            Ok((st, n)) => Ok((st, *n)),
            Err(e) => Err(JobError::Shared(e.clone())),
        }
    }

    fn would_overwrite_input(&self, output: &Path) -> bool {
        if self.inputs.is_empty() {
            return false;
        }
        // The output usually does not exist yet: compare through its folder.
        let dir = output.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        match (dir.canonicalize(), output.file_name()) {
            (Ok(d), Some(name)) => self.inputs.contains(&d.join(name)),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_that_panics_fails_alone() {
        let out = Path::new("out/leaflet.pdf");
        let ok = isolated(out, || Ok::<_, JobError>(7));
        assert!(matches!(ok, Ok(7)));
        // (The test harness keeps the panic's report out of its output.)
        let failed = isolated(out, || -> Result<(), JobError> { panic!("index out of range") });
        match failed {
            Err(JobError::Own(e)) => {
                assert!(e.message.contains("internal error"), "{}", e.message);
                assert!(e.message.contains("index out of range"), "{}", e.message);
                assert_eq!(e.location.file.as_deref(), Some(out));
            }
            _ => panic!("the panic was not turned into the job's error"),
        }
    }

    fn plan(statements: &[&str], layouts: &[&str], events: &[&str]) -> Plan {
        let layouts = layouts
            .iter()
            .map(|id| Layout { id: id.to_string(), spec: Ok(LayoutSpec::default()) })
            .collect();
        let events =
            events.iter().map(|id| Event { id: id.to_string(), vars: Vars::new() }).collect();
        Plan::new(
            statements.iter().map(PathBuf::from).collect(),
            layouts,
            events,
            Location::default(),
            |n| {
                PathBuf::from(format!(
                    "{}/{}-{}.pdf",
                    n.event.unwrap_or("-"),
                    n.statement,
                    n.layout
                ))
            },
        )
        .unwrap()
    }

    #[test]
    fn jobs_ordered_statements_layouts_events() {
        let p = plan(&["b.md", "a.md", "a.md"], &["x", "y"], &["e1", "e2"]);
        let outs: Vec<String> = p.jobs.iter().map(|j| j.output.display().to_string()).collect();
        assert_eq!(outs.len(), 8);
        assert_eq!(outs[0], "e1/a-x.pdf");
        assert_eq!(outs[1], "e2/a-x.pdf");
        assert_eq!(outs[2], "e1/a-y.pdf");
        assert_eq!(outs[7], "e2/b-y.pdf");
    }

    #[test]
    fn shards_partition_the_jobs() {
        let all = plan(&["a.md", "b.md", "c.md"], &["x", "y"], &["e1", "e2", "e3", "e4"]);
        let mut seen = Vec::new();
        for k in 1..=3 {
            let mut p = plan(&["a.md", "b.md", "c.md"], &["x", "y"], &["e1", "e2", "e3", "e4"]);
            p.shard(Shard { index: k, count: 3 });
            assert_eq!(p.total_jobs, all.jobs.len());
            seen.extend(p.jobs.into_iter().map(|j| j.output));
        }
        seen.sort();
        let mut want: Vec<PathBuf> = all.jobs.into_iter().map(|j| j.output).collect();
        want.sort();
        assert_eq!(seen, want);
    }

    #[test]
    fn same_output_twice_is_an_error() {
        let e = Plan::new(
            vec!["a.md".into(), "b.md".into()],
            vec![Layout { id: "x".into(), spec: Ok(LayoutSpec::default()) }],
            Vec::new(),
            Location::file("c.toml"),
            |n| PathBuf::from(format!("{}.pdf", n.layout)),
        )
        .unwrap_err();
        assert!(e.to_string().contains("two jobs would write x.pdf"), "{e}");
    }

    fn bilingual(id: &str) -> Layout {
        let mut spec = LayoutSpec::default();
        spec.page.bilingual = crate::spec::Bilingual::SideBySide;
        Layout { id: id.to_string(), spec: Ok(spec) }
    }

    #[test]
    fn bilingual_layouts_pair_statements_in_the_order_given() {
        let layouts =
            vec![bilingual("bi"), Layout { id: "x".into(), spec: Ok(LayoutSpec::default()) }];
        let p = Plan::new(
            ["en.md", "es.md", "en.md", "ar.md"].iter().map(PathBuf::from).collect(),
            layouts,
            Vec::new(),
            Location::default(),
            |n| PathBuf::from(format!("{}-{}.pdf", n.statement, n.layout)),
        )
        .unwrap();
        let outs: Vec<String> = p.jobs.iter().map(|j| j.output.display().to_string()).collect();
        assert_eq!(outs, ["ar-x.pdf", "en-x.pdf", "es-x.pdf", "en+es-bi.pdf", "en+ar-bi.pdf"]);
        let pair = &p.jobs[4];
        assert_eq!(p.statements[pair.statement], PathBuf::from("en.md"));
        assert_eq!(pair.second.map(|i| p.statements[i].clone()), Some(PathBuf::from("ar.md")));
    }

    #[test]
    fn bilingual_layout_with_odd_statements_names_the_leftover() {
        let e = Plan::new(
            ["b.md", "a.md", "c.md"].iter().map(PathBuf::from).collect(),
            vec![bilingual("bi")],
            Vec::new(),
            Location::default(),
            |n| PathBuf::from(format!("{}-{}.pdf", n.statement, n.layout)),
        )
        .unwrap_err();
        assert_eq!(e.location, Location::file("c.md"));
        assert!(e.to_string().contains("no statement to pair c.md with"), "{e}");
    }

    fn paths(plan: &Plan) -> Vec<String> {
        plan.jobs.iter().map(|j| j.output.display().to_string()).collect()
    }

    fn layouts(ids: &[&str]) -> Vec<Layout> {
        ids.iter()
            .map(|id| Layout { id: id.to_string(), spec: Ok(LayoutSpec::default()) })
            .collect()
    }

    #[test]
    fn a_folder_plan_names_outputs_statement_layout() {
        let statements = vec![PathBuf::from("b.md"), PathBuf::from("a.md")];
        let p = Plan::for_folder(statements.clone(), layouts(&["x", "y"]), Path::new("out"), true);
        assert_eq!(
            paths(&p.unwrap()),
            ["out/a-x.pdf", "out/a-y.pdf", "out/b-x.pdf", "out/b-y.pdf"]
        );
        // The same names for pictures only: they are named after the PDF.
        let p = Plan::for_folder(statements, layouts(&["x"]), Path::new("out"), false);
        assert_eq!(paths(&p.unwrap()), ["out/a-x.pdf", "out/b-x.pdf"]);
    }

    #[test]
    fn out_may_name_the_one_pdf_of_a_single_job() {
        let one = vec![PathBuf::from("a.md")];
        let p = Plan::for_folder(one.clone(), layouts(&["x"]), Path::new("flyer.PDF"), true);
        assert_eq!(paths(&p.unwrap()), ["flyer.PDF"]);
        let two = vec![PathBuf::from("a.md"), PathBuf::from("b.md")];
        let e = Plan::for_folder(two, layouts(&["x"]), Path::new("flyer.pdf"), true).unwrap_err();
        assert_eq!(e.location, Location::file("flyer.pdf"));
        assert!(e.message.contains("--out names one file but there are 2 jobs"), "{e}");
        for file in ["flyer.pdf", "page.png"] {
            let e =
                Plan::for_folder(one.clone(), layouts(&["x"]), Path::new(file), false).unwrap_err();
            assert!(e.message.contains("--out must be a folder for previews"), "{e}");
        }
    }

    #[test]
    fn labels_name_the_pdf_or_the_pictures() {
        let out = Path::new("out/a-x.pdf");
        let built = |files: &[&str]| {
            Ok(Built {
                pages: files.len(),
                bytes: 0,
                files: files.iter().map(PathBuf::from).collect(),
                body_size: 10.0,
                fitted: false,
                warnings: 0,
                thumbnails: Vec::new(),
                fonts: Vec::new(),
                pictures: Vec::new(),
            })
        };
        let failed = Err(Arc::new(Error::file("a.md", "unreadable", "")));
        assert_eq!(label(out, true, &built(&["out/a-x.pdf", "out/a-x-1.png"])), "out/a-x.pdf");
        assert_eq!(label(out, true, &failed), "out/a-x.pdf");
        assert_eq!(label(out, false, &built(&["out/a-x-1.png"])), "out/a-x-1.png");
        assert_eq!(
            label(out, false, &built(&["out/a-x-1.png", "out/a-x-2.png", "out/a-x-3.png"])),
            "out/a-x-1.png … out/a-x-3.png"
        );
        assert_eq!(label(out, false, &failed), "out/a-x-*.png");
    }

    /// Two short statements, English and Spanish, in `dir`.
    fn pair(dir: &Path) -> Vec<PathBuf> {
        let texts = [
            ("en.md", "+++\nlang = \"en\"\n+++\n# Stop the cuts\n\nNo layoffs, no cuts.\n"),
            (
                "es.md",
                "+++\nlang = \"es\"\n+++\n# Alto a los recortes\n\nNi despidos ni recortes.\n",
            ),
        ];
        texts
            .iter()
            .map(|(name, text)| {
                let path = dir.join(name);
                std::fs::write(&path, text).unwrap();
                path
            })
            .collect()
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_preview_of_a_bilingual_layout_draws_the_pair_build_makes() {
        let dir = tempfile::tempdir().unwrap();
        let statements = pair(dir.path());
        let out = dir.path().join("out");
        let layout = Layout::load("letter-bilingual", &[]);
        let plan = Plan::for_folder(statements.clone(), vec![layout], &out, false).unwrap();
        let book = FontBook::load(&[crate::fonts::shipped_dir()]).unwrap();
        let options =
            Options { pdf: false, preview_dpi: Some(20.0), thumbnails: true, ..Options::default() };
        let summary = run(&plan, &book, &options, &|_| {});
        assert_eq!(summary.failed(), 0, "{:?}", summary.reports);
        // Pictures only, named after the pair's PDF.
        assert_eq!(names(&out), ["en+es-letter-bilingual-1.png"]);
        let r = &summary.reports[0];
        assert_eq!(r.label, out.join("en+es-letter-bilingual-1.png").display().to_string());
        // The very page `build` lays out: both statements, side by side.
        let en = statement::load(&statements[0]).unwrap();
        let es = statement::load(&statements[1]).unwrap();
        let spec = crate::spec::load("letter-bilingual", &[]).unwrap();
        let (doc, _) = crate::typeset_pair(&en, &es, &spec, &book, &Vars::new()).unwrap();
        let want = preview::render_pages(&doc, &book, 20.0).unwrap();
        let got = std::fs::read(out.join("en+es-letter-bilingual-1.png")).unwrap();
        assert_eq!(got, want[0].to_png().unwrap());
        let sheet = summary.thumbnails();
        assert_eq!(sheet.len(), 1);
        assert_eq!(sheet[0].0, "en+es-letter-bilingual");
        assert_eq!(sheet[0].1.width, preview::THUMBNAIL_WIDTH);
    }

    #[test]
    fn a_preview_never_overwrites_an_input() {
        let dir = tempfile::tempdir().unwrap();
        let statements = pair(dir.path());
        let layout = Layout::load("letter-2col", &[]);
        let mut plan = Plan::for_folder(statements, vec![layout], dir.path(), true).unwrap();
        // An input named like the first page of the first job's preview.
        let taken = dir.path().join("en-letter-2col-1.png");
        std::fs::write(&taken, b"mine").unwrap();
        plan.inputs.push(taken.clone());
        let book = FontBook::load(&[crate::fonts::shipped_dir()]).unwrap();
        let options = Options { preview_dpi: Some(10.0), ..Options::default() };
        let summary = run(&plan, &book, &options, &|_| {});
        let e = summary.reports[0].result.as_ref().unwrap_err();
        assert!(e.message.contains("the preview would overwrite an input file"), "{e}");
        assert_eq!(std::fs::read(&taken).unwrap(), b"mine");
        // Nothing of the failed job is written, not even its PDF.
        assert!(!dir.path().join("en-letter-2col.pdf").exists());
        assert!(summary.reports[1].result.is_ok());
        assert!(dir.path().join("es-letter-2col.pdf").exists());
        assert!(dir.path().join("es-letter-2col-1.png").exists());
    }

    #[test]
    fn summary_table() {
        let row = |label: &str, pages: usize, body: Option<f32>, warnings: usize| JobReport {
            index: 0,
            output: PathBuf::from(label),
            label: label.into(),
            result: Ok(Built {
                pages,
                bytes: 1,
                files: Vec::new(),
                body_size: body.unwrap_or(10.0),
                fitted: body.is_some(),
                warnings,
                thumbnails: Vec::new(),
                fonts: Vec::new(),
                pictures: Vec::new(),
            }),
        };
        let failed = JobReport {
            index: 2,
            output: PathBuf::from("out/c-x.pdf"),
            label: "out/c-x.pdf".into(),
            result: Err(Arc::new(Error::file("c.md", "cannot read the statement", ""))),
        };
        let mut summary = Summary {
            reports: vec![row("out/a-x.pdf", 2, None, 0), row("out/b-x.pdf", 1, Some(9.25), 3)],
            elapsed: Duration::from_millis(1250),
            shard: None,
            total_jobs: 2,
            interrupted: None,
            planned: 2,
        };
        assert_eq!(
            summary.table(),
            "output       pages     body  warnings\n\
             out/a-x.pdf      2        -         0\n\
             out/b-x.pdf      1    9.2pt         3\n\
             2 jobs, 0 failed, 3 pages, 1.25 s\n"
        );
        summary.reports = vec![row("a-x-1.png", 1, None, 0), failed];
        summary.shard = Some(Shard { index: 1, count: 3 });
        summary.total_jobs = 5;
        assert_eq!(
            summary.table(),
            "output       pages  warnings\n\
             a-x-1.png        1         0\n\
             out/c-x.pdf  FAILED: cannot read the statement\n\
             2 jobs (shard 1/3 of 5 jobs), 1 failed, 1 page, 1.25 s\n"
        );
        // Stopped by Ctrl-C after two of six jobs.
        summary.shard = None;
        summary.interrupted = Some(2);
        summary.planned = 6;
        assert!(
            summary
                .table()
                .contains("interrupted by SIGINT: 2 of 6 jobs done, the others not started\n"),
            "{}",
            summary.table()
        );
    }

    #[test]
    fn errors_without_a_file_get_the_output() {
        let out = Path::new("out/a-letter.pdf");
        let e = name_file(Error::new(Location::default(), "does not fit", ""), out);
        assert_eq!(e.location, Location::file(out));
        let e = name_file(Error::file("<preview>", "could not encode", ""), out);
        assert_eq!(e.location, Location::file(out));
        let e = name_file(Error::file("a.md", "unreadable", ""), out);
        assert_eq!(e.location, Location::file("a.md"));
    }

    #[test]
    fn shard_syntax() {
        assert_eq!("2/5".parse::<Shard>(), Ok(Shard { index: 2, count: 5 }));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn unix_seconds_to_date() {
        let d = CreationDate::from_unix(1_769_040_000); // 2026-01-22T00:00:00Z
        assert_eq!((d.year, d.month, d.day, d.hour), (2026, 1, 22, 0));
        let d = CreationDate::from_unix(951_782_400 + 3661); // 2000-02-29T01:01:01Z
        assert_eq!((d.year, d.month, d.day, d.hour, d.minute, d.second), (2000, 2, 29, 1, 1, 1));
    }
}
