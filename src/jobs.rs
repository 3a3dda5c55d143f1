//! The job engine behind `handbill build` and `handbill batch`: a [`Plan`]
//! of statement × layout × event jobs, run on all cores.
//!
//! Everything shared is made once: the fonts (one [`FontBook`], borrowed by
//! every thread), each layout (loaded when the plan is made), each statement
//! (parsed by the first job that needs it). Each PDF is written as soon as it
//! is made and then dropped, so memory holds only the outputs in flight plus
//! one small [`JobReport`] per job.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::error::{Error, Location, Result, Warning};
use crate::fonts::FontBook;
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
                        "make the output name unique with {statement}, {layout} and {event}",
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

/// How to run a plan.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Worker threads; `None` = one per core.
    pub threads: Option<usize>,
    /// Font folders to start from for layouts that add `font-dirs` (their
    /// book is loaded once per such layout); the default book is used as
    /// is for every other layout.
    pub font_dirs: Vec<PathBuf>,
    /// PDF creation date as Unix seconds (from `SOURCE_DATE_EPOCH`). The
    /// PDFs currently carry no date at all, so they are reproducible either
    /// way; this is the value to stamp once the render stage writes one.
    pub creation_date: Option<u64>,
    /// Write PNG previews of every page next to each PDF, at this DPI.
    pub preview_dpi: Option<f32>,
    /// Keep small pictures of every page for a contact sheet.
    pub thumbnails: bool,
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
                        Location::default(),
                        format!("SOURCE_DATE_EPOCH is `{v}`, not a number of seconds"),
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
    /// Pages in the PDF.
    pub pages: usize,
    /// Size of the PDF file in bytes.
    pub bytes: usize,
    /// The body size used (differs from the layout's when `[fit]` scaled it).
    pub body_size: f32,
    /// Whether the body size is news: the layout fits to a page count, or
    /// a last page of a few lines was pulled back.
    pub fitted: bool,
    /// Warnings about this output (statement, layout and layout-run ones).
    pub warnings: usize,
    /// Small pictures of the pages, when a contact sheet was asked for.
    pub thumbnails: Vec<crate::preview::GrayImage>,
}

/// The summary row of one job; small on purpose, one is kept per job.
#[derive(Debug, Clone)]
pub struct JobReport {
    /// Position in the plan's (sharded) job list.
    pub index: usize,
    /// The PDF written (or that would have been).
    pub output: PathBuf,
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

/// The result of a run: one row per job, in plan order.
#[derive(Debug)]
pub struct Summary {
    /// One row per job.
    pub reports: Vec<JobReport>,
    /// Wall time of the run.
    pub elapsed: Duration,
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
    let books: Vec<Option<Result<FontBook, Arc<Error>>>> = plan
        .layouts
        .iter()
        .map(|l| match &l.spec {
            Ok(spec) if !spec.font_dirs.is_empty() => Some(
                FontBook::load(&options.font_dirs)
                    .and_then(|mut b| b.add_dirs(&spec.font_dirs).map(|()| b))
                    .map_err(Arc::new),
            ),
            _ => None,
        })
        .collect();
    let statements: Vec<StatementSlot> = plan.statements.iter().map(|_| OnceLock::new()).collect();
    let inputs: HashSet<PathBuf> =
        plan.inputs.iter().filter_map(|p| p.canonicalize().ok()).collect();
    let done = AtomicUsize::new(0);
    let total = plan.jobs.len();
    let ctx = Ctx {
        plan,
        book,
        books: &books,
        statements: &statements,
        inputs: &inputs,
        progress,
        creation_date: options.creation_date.map(CreationDate::from_unix),
        preview_dpi: options.preview_dpi,
        thumbnails: options.thumbnails,
    };

    let work = || -> Vec<JobReport> {
        plan.jobs
            .par_iter()
            .enumerate()
            .map(|(index, job)| {
                progress(Progress::Started { output: &job.output });
                let result = isolated(&job.output, || ctx.run_job(job)).map_err(|e| match e {
                    JobError::Own(e) => Arc::new(e),
                    JobError::Shared(e) => e,
                });
                let report = JobReport { index, output: job.output.clone(), result };
                let done = done.fetch_add(1, Ordering::SeqCst) + 1;
                progress(Progress::Finished { done, total, report: &report });
                report
            })
            .collect()
    };
    let pool = options
        .threads
        .and_then(|n| rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build().ok());
    let reports = match &pool {
        Some(pool) => pool.install(work),
        None => work(),
    };
    Summary { reports, elapsed: start.elapsed() }
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
    book: &'a FontBook,
    books: &'a [Option<Result<FontBook, Arc<Error>>>],
    statements: &'a [StatementSlot],
    inputs: &'a HashSet<PathBuf>,
    progress: &'a (dyn Fn(Progress<'_>) + Sync),
    creation_date: Option<CreationDate>,
    preview_dpi: Option<f32>,
    thumbnails: bool,
}

impl Ctx<'_> {
    fn run_job(&self, job: &Job) -> Result<Built, JobError> {
        let layout = &self.plan.layouts[job.layout];
        let spec = layout.spec.as_ref().map_err(|e| JobError::Shared(e.clone()))?;
        let book = match &self.books[job.layout] {
            Some(Ok(b)) => b,
            Some(Err(e)) => return Err(JobError::Shared(e.clone())),
            None => self.book,
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
        if self.would_overwrite_input(&job.output) {
            return Err(Error::file(
                &job.output,
                "the output would overwrite an input file",
                "choose another output folder or pattern",
            )
            .into());
        }
        let empty = Vars::new();
        let vars = job.event.map_or(&empty, |i| &self.plan.events[i].vars);
        let (document, warnings) = match second {
            Some(st2) => crate::typeset_pair(st, st2, spec, book, vars)?,
            None => crate::typeset(st, spec, book, vars)?,
        };
        let opts =
            crate::render::RenderOptions { compress: true, creation_date: self.creation_date };
        let (pdf, printing) = crate::render::render_with(&document, spec, book, &opts)?;
        let warnings: Vec<Warning> = warnings.into_iter().chain(printing).collect();
        for w in &warnings {
            (self.progress)(Progress::Warning { warning: w, output: Some(&job.output) });
        }
        crate::output::write_atomic(&job.output, &pdf, "the PDF")?;
        if let Some(dpi) = self.preview_dpi {
            crate::preview::write_previews(&document, book, &job.output, dpi)?;
        }
        let thumbnails = if self.thumbnails {
            crate::preview::render_pages(&document, book, THUMBNAIL_DPI)?
        } else {
            Vec::new()
        };
        Ok(Built {
            thumbnails,
            pages: document.pages.len(),
            bytes: pdf.len(),
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
