//! Files of the studio's folder: every path a request names is checked to
//! stay inside it (no `..`, no absolute paths, no symbolic links out).

use std::path::{Component, Path, PathBuf};

/// Why a path was refused, in words for the page.
pub type Refusal = String;

/// Decodes `%XX` escapes and `+` (a form's space) in a query value.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The value of `key` in the query string of `url`, decoded.
pub fn query(url: &str, key: &str) -> Option<String> {
    let (_, q) = url.split_once('?')?;
    q.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == key).then(|| percent_decode(v)).flatten()
    })
}

/// Resolves `rel` (a path relative to `root`, as the page names files) to
/// an existing file inside `root`. `root` must be canonical.
pub fn existing(root: &Path, rel: &str) -> Result<PathBuf, Refusal> {
    let joined = root.join(relative(rel)?);
    let real = joined.canonicalize().map_err(|_| format!("there is no file {rel}"))?;
    if !real.starts_with(root) {
        return Err(format!("{rel} is outside the studio's folder"));
    }
    if !real.is_file() {
        return Err(format!("{rel} is not a file"));
    }
    Ok(real)
}

/// Resolves where to write `rel` inside `root`: its folder must exist
/// inside `root` (after following links) and the file itself must not be
/// a symbolic link.
pub fn writable(root: &Path, rel: &str) -> Result<PathBuf, Refusal> {
    let rel_path = relative(rel)?;
    let joined = root.join(&rel_path);
    let (Some(parent), Some(name)) = (joined.parent(), joined.file_name()) else {
        return Err(format!("{rel} is not a file name"));
    };
    let parent =
        parent.canonicalize().map_err(|_| format!("the folder of {rel} does not exist"))?;
    if !parent.starts_with(root) {
        return Err(format!("{rel} is outside the studio's folder"));
    }
    let target = parent.join(name);
    if target.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(format!("{rel} is a symbolic link; the studio writes only plain files"));
    }
    Ok(target)
}

/// A relative path with only plain parts: no `..`, no root, no drive.
fn relative(rel: &str) -> Result<PathBuf, Refusal> {
    if rel.is_empty() || rel.contains('\0') {
        return Err("no file named".to_string());
    }
    let p = Path::new(rel);
    if !p.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir)) {
        return Err(format!("{rel} is not a path inside the studio's folder"));
    }
    Ok(p.to_path_buf())
}

/// A name for a saved file: letters, digits, `-`, `_` and `.`, not
/// starting with a dot.
pub fn plain_name(name: &str) -> Result<&str, Refusal> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(name)
    } else {
        Err(format!("`{name}` cannot be a file name: use letters, digits, - and _"))
    }
}

/// What the folder offers the page, as paths relative to it.
#[derive(Debug, Default)]
pub struct Listing {
    /// Statements (`.md`, `.txt`) in the folder and `statements/`.
    pub statements: Vec<String>,
    /// Layouts (`.toml`) in the folder and `layouts/`.
    pub layouts: Vec<String>,
    /// Pictures a logo may be, in the folder, `images/` and `layouts/`.
    pub images: Vec<String>,
}

/// The statements, layouts and pictures in `root` and its `statements/`,
/// `layouts/` and `images/` folders.
pub fn listing(root: &Path) -> Listing {
    let mut out = Listing::default();
    for sub in ["", "statements", "layouts", "images"] {
        let Ok(entries) = std::fs::read_dir(root.join(sub)) else { continue };
        for e in entries.flatten() {
            let path = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            // Links out of the folder are not offered (and not opened);
            // nor are hidden files (the preview's layout among them).
            let inside = path.canonicalize().is_ok_and(|p| p.starts_with(root) && p.is_file());
            if !inside || name.starts_with('.') {
                continue;
            }
            let rel = if sub.is_empty() { name } else { format!("{sub}/{name}") };
            let ext = path.extension().and_then(|x| x.to_str()).unwrap_or("").to_lowercase();
            match ext.as_str() {
                "md" | "txt" if sub != "images" => out.statements.push(rel),
                "toml" if sub != "statements" && sub != "images" => out.layouts.push(rel),
                "png" | "jpg" | "jpeg" | "gif" | "webp" | "svg" => out.images.push(rel),
                _ => {}
            }
        }
    }
    out.statements.sort();
    out.layouts.sort();
    out.images.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_and_queries() {
        assert_eq!(percent_decode("%2e%2e%2Fetc").as_deref(), Some("../etc"));
        assert_eq!(percent_decode("a+b").as_deref(), Some("a b"));
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(query("/api/file?x=1&path=a%2Fb.md", "path").as_deref(), Some("a/b.md"));
        assert_eq!(query("/api/file", "path"), None);
    }

    #[test]
    fn paths_stay_inside() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("a.md"), "# A").unwrap();
        assert!(existing(&root, "a.md").is_ok());
        assert!(existing(&root, "../a.md").is_err());
        assert!(existing(&root, "/etc/passwd").is_err());
        assert!(writable(&root, "../x.md").is_err());
        assert!(writable(&root, "b.md").is_ok());
        assert!(plain_name("../x").is_err());
        assert!(plain_name("my-leaflet").is_ok());
    }
}
