//! Writing finished files: whole or not at all.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::{Error, Result};

/// Writes `bytes` to `path` through a temporary file in the same folder, so
/// that a failed or interrupted write never leaves a half file. `what` names
/// the file in an error ("the PDF", "the preview").
pub fn write_atomic(path: &Path, bytes: &[u8], what: &str) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e, "create the output folder"))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let name = name.unwrap_or_else(|| "out".into());
    // Unique to this process and write: two handbill processes (or two
    // jobs) writing the same file each fill their own temporary file, and
    // the last rename wins whole.
    static WRITES: AtomicUsize = AtomicUsize::new(0);
    let n = WRITES.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        if is_full(&e) {
            return Err(Error::file(
                path,
                format!("cannot write {what}: no space left on {}", dir.display()),
                "free some space",
            )
            .with_source(e));
        }
        return Err(Error::io(path, e, &format!("write {what}")));
    }
    Ok(())
}

/// Whether a write failed for want of room: a full disk, a quota, or a
/// file size limit (`ulimit -f`).
fn is_full(e: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(e.kind(), ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/a.pdf");
        write_atomic(&path, b"%PDF", "the PDF").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1, "only the file itself is left");
    }

    #[test]
    fn full_disks_and_size_limits_say_free_some_space() {
        use std::io::{Error as IoError, ErrorKind};
        for kind in [ErrorKind::StorageFull, ErrorKind::FileTooLarge, ErrorKind::QuotaExceeded] {
            assert!(is_full(&IoError::from(kind)), "{kind:?}");
        }
        assert!(!is_full(&IoError::from(ErrorKind::PermissionDenied)));
    }

    #[test]
    fn a_failed_write_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should go: the rename fails.
        let path = dir.path().join("taken");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("x"), b"").unwrap();
        let err = write_atomic(&path, b"%PDF", "the PDF").unwrap_err().to_string();
        assert!(err.contains("taken"), "{err}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left");
    }
}
