//! Build script: puts the bundled fonts and their licenses inside the
//! binary, records the git commit for `handbill --version`, and, where the
//! system and linker allow, packs the program's relocations and links the
//! functions a build runs side by side.
//!
//! The fonts are joined into `$OUT_DIR/fonts.bin`, included whole, and
//! listed with their names in `$OUT_DIR/bundled_fonts.rs`, so an installed
//! or copied `handbill` needs nothing next to it; `fonts/` stays the
//! source, with the licenses.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    bundle_fonts(&root.join("fonts"), &out.join("bundled_fonts.rs"));
    commit(&root);
    pack_relocations();
    order_functions(&root.join("scripts/hot-functions.txt"));
}

/// Links the functions a leaflet's build runs side by side, first in the
/// program, in the order `scripts/hot-functions.sh` found them (the
/// functions 26 builds ran under callgrind, dearest first). Strewn through
/// 11 MiB of code, the 2.4 MiB a build runs kept 7-8 MiB of the program in
/// memory, since the system maps a program's pages in blocks around each
/// one used; side by side they keep about as much as they are.
///
/// Only with the linker Rust brings along on x86-64 Linux since 1.90
/// (`rust-lld`; the GNU linker has no such option) and no other linker
/// set. The list names functions as this Cargo.lock and compiler name
/// them; a name the build does not have is passed over, so a stale list
/// costs memory, never a failed build.
fn order_functions(list: &Path) {
    println!("cargo:rerun-if-changed={}", list.display());
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    // `-Wl,` would split a path at its commas.
    if std::env::var("TARGET").as_deref() != Ok("x86_64-unknown-linux-gnu")
        || std::env::var_os("RUSTC_LINKER").is_some()
        || !list.exists()
        || list.to_string_lossy().contains(',')
    {
        return;
    }
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    if flags.contains("linker") || flags.contains("fuse-ld") {
        return;
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let Ok(out) = Command::new(rustc).arg("--version").output() else { return };
    let version = String::from_utf8_lossy(&out.stdout);
    // "rustc 1.95.0 (…)": the minor version.
    let minor = version.split_whitespace().nth(1).and_then(|v| v.split('.').nth(1));
    if minor.and_then(|m| m.parse::<u32>().ok()).is_none_or(|m| m < 90) {
        return;
    }
    println!("cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}", list.display());
    println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
}

/// Links the program with its relocations packed (`DT_RELR`) where the C
/// library and linker know them (glibc 2.36, binutils 2.38 and later): a
/// position-independent program lists every pointer the loader must fix
/// at start, and unpacked that list was 0.8 MiB, all of it read into the
/// memory of every run. Elsewhere the program is linked as before: on an
/// older glibc the packed program would not start.
fn pack_relocations() {
    let (Ok(target), Ok(host)) = (std::env::var("TARGET"), std::env::var("HOST")) else { return };
    if target != host || !target.ends_with("-linux-gnu") {
        return;
    }
    let cc = |args: &[&str]| -> Option<Vec<u8>> {
        let out = Command::new("cc").args(args).output().ok()?;
        out.status.success().then_some(out.stdout)
    };
    let Some(libc) = cc(&["-print-file-name=libc.so.6"]) else { return };
    let libc = String::from_utf8_lossy(&libc).trim().to_string();
    let marker = b"GLIBC_ABI_DT_RELR";
    let glibc = std::fs::read(&libc).is_ok_and(|b| b.windows(marker.len()).any(|w| w == marker));
    let ld = cc(&["-Wl,--help"])
        .is_some_and(|h| String::from_utf8_lossy(&h).contains("pack-relative-relocs"));
    if glibc && ld {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// Lists every font and license file under `dir`, sorted by path. The
/// fonts go into one file, `$OUT_DIR/fonts.bin`, included whole: in the
/// program they lie together, so that reading the faces a leaflet uses
/// does not also map in pieces of the others (the system maps a file's
/// pages in blocks of 64 KiB around each one read, and 18 fonts strewn
/// among the program's other data cost a run 1 MiB of memory that way).
/// The families leaflets use most come first, side by side.
fn bundle_fonts(dir: &Path, dest: &Path) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    let mut blob: Vec<u8> = Vec::new();
    let mut fonts = String::new();
    let mut licenses = String::new();
    let mut font_files = Vec::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file.strip_prefix(dir).expect("under the folder");
        // Forward slashes on every platform: the name is shown to people.
        let rel: Vec<String> =
            rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let rel = rel.join("/");
        let name = file.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        let abs = file.display().to_string();
        if name.ends_with(".ttf") || name.ends_with(".otf") {
            font_files.push((rel, file));
        } else if name.starts_with("license") || name.starts_with("ofl") {
            let _ = writeln!(licenses, "    ({rel:?}, include_str!({abs:?})),");
        }
    }
    let first = |rel: &str| FIRST.iter().position(|f| rel.starts_with(f)).unwrap_or(FIRST.len());
    let mut in_blob: Vec<usize> = (0..font_files.len()).collect();
    in_blob.sort_by_key(|&i| first(&font_files[i].0));
    let mut at = vec![(0, 0); font_files.len()];
    for &i in &in_blob {
        let data = std::fs::read(font_files[i].1).expect("read a bundled font");
        at[i] = (blob.len(), data.len());
        blob.extend_from_slice(&data);
    }
    for (i, (rel, file)) in font_files.iter().enumerate() {
        let (start, len) = at[i];
        let data = &blob[start..start + len];
        let (family, style, weight, italic) = face_names(data)
            .unwrap_or_else(|| panic!("{}: no family name in its `name` table", file.display()));
        let _ = writeln!(
            fonts,
            "    Bundled {{ path: {rel:?}, start: {start}, len: {len}, family: {family:?}, \
             style: {style:?}, weight: {weight}, italic: {italic} }},"
        );
    }
    let bin = dest.with_file_name("fonts.bin");
    if std::fs::read(&bin).ok().as_deref() != Some(blob.as_slice()) {
        std::fs::write(&bin, &blob).expect("write the fonts");
    }
    let code = format!(
        "/// The bundled font files, one after another.\n\
         static BLOB: &[u8] = include_bytes!({bin:?});\n\
         /// The bundled fonts, with their names read here.\n\
         pub static FONTS: &[Bundled] = &[\n{fonts}];\n\
         /// The bundled fonts' license files: path under `fonts/`, text.\n\
         pub static LICENSES: &[(&str, &str)] = &[\n{licenses}];\n",
        bin = bin.display().to_string()
    );
    if std::fs::read_to_string(dest).ok().as_deref() != Some(code.as_str()) {
        std::fs::write(dest, code).expect("write the font list");
    }
}

/// Folders under `fonts/` whose faces go first in the program, in this
/// order: the shipped layouts' text and heading families.
const FIRST: [&str; 5] =
    ["source-serif-4/", "oswald/", "source-sans-3/", "anton/", "source-code-pro/"];

/// A font's family, style, weight and slant, read from its `name` and
/// `OS/2` tables as the program reads a font file (typographic names
/// first, English names first): the program then knows the bundled
/// families without touching their bytes, which would map some 1.3 MiB of
/// fonts a leaflet never uses into its memory. The test
/// `bundled_names_are_those_of_the_files` holds the two readings together.
fn face_names(font: &[u8]) -> Option<(String, String, u16, bool)> {
    let be16 = |b: &[u8], at: usize| Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?));
    let be32 = |b: &[u8], at: usize| Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?));
    let count = usize::from(be16(font, 4)?);
    let table = |tag: &[u8]| -> Option<&[u8]> {
        let r = (0..count).map(|i| 12 + 16 * i).find(|&r| font.get(r..r + 4) == Some(tag))?;
        let (at, len) = (be32(font, r + 8)? as usize, be32(font, r + 12)? as usize);
        font.get(at..at + len)
    };
    let name = table(b"name")?;
    let (n, strings) = (usize::from(be16(name, 2)?), usize::from(be16(name, 4)?));
    let get = |id: u16| -> Option<String> {
        let records = (0..n).map(|i| 6 + 12 * i).filter(|&r| be16(name, r + 6) == Some(id));
        let english = |&r: &usize| {
            matches!(
                (be16(name, r), be16(name, r + 4)),
                (Some(3), Some(0x409)) | (Some(1), Some(0)) | (Some(0), _)
            )
        };
        let r = records.clone().find(english).or_else(|| records.clone().next())?;
        let (len, at) = (usize::from(be16(name, r + 8)?), usize::from(be16(name, r + 10)?));
        let bytes = name.get(strings + at..strings + at + len)?;
        let s: String = if be16(name, r) == Some(1) {
            bytes.iter().map(|&b| char::from(b)).collect()
        } else {
            let units: Vec<u16> =
                bytes.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16_lossy(&units)
        };
        (!s.trim().is_empty()).then(|| s.trim().to_string())
    };
    let family = get(16).or_else(|| get(1))?;
    let style = get(17).or_else(|| get(2)).unwrap_or_else(|| "Regular".into());
    let os2 = table(b"OS/2");
    let weight = os2.and_then(|t| be16(t, 4)).unwrap_or(400).clamp(1, 1000);
    // fsSelection: ITALIC (bit 0) or OBLIQUE (bit 9).
    let italic = os2.and_then(|t| be16(t, 62)).is_some_and(|f| f & 0x201 != 0);
    Some((family, style, weight, italic))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Sets `HANDBILL_VERSION` to the crate's version and, when built from a
/// git checkout, the short commit (not from a crates.io or tarball build).
fn commit(root: &Path) {
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git").args(args).current_dir(root).output().ok()?;
        let s = String::from_utf8(out.stdout).ok()?;
        (out.status.success() && !s.trim().is_empty()).then(|| s.trim().to_string())
    };
    // Rebuild the version string when HEAD moves (a worktree's HEAD lives
    // in its own git folder; the branch ref in the common one).
    if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
        let dir = root.join(dir);
        println!("cargo:rerun-if-changed={}", dir.join("HEAD").display());
        if let Some(head) = git(&["symbolic-ref", "-q", "HEAD"]) {
            if let Some(common) = git(&["rev-parse", "--git-common-dir"]) {
                println!("cargo:rerun-if-changed={}", root.join(common).join(head).display());
            }
        }
    }
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let version = match git(&["rev-parse", "--short=10", "HEAD"]) {
        Some(hash) => format!("{version} (commit {hash})"),
        None => version,
    };
    println!("cargo:rustc-env=HANDBILL_VERSION={version}");
}
