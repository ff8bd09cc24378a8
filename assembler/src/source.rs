//! Where source files come from: the file system or a set of in-memory texts.

use std::collections::HashMap;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Reads source files for the assembler.
pub(crate) trait Loader {
    /// The text of the file at `path`.
    fn read(&self, path: &Path) -> io::Result<String>;
    /// A name identifying the file regardless of how its path is spelled,
    /// or `None` if it does not exist.
    fn identity(&self, path: &Path) -> Option<PathBuf>;
}

/// Files on disk.
pub(crate) struct FsLoader;

impl Loader for FsLoader {
    fn read(&self, path: &Path) -> io::Result<String> {
        if path.is_dir() {
            return Err(io::Error::other("is a directory"));
        }
        std::fs::read_to_string(path)
    }

    fn identity(&self, path: &Path) -> Option<PathBuf> {
        std::fs::canonicalize(path).ok().filter(|p| p.is_file())
    }
}

/// Texts held in memory, named by path.
pub(crate) struct MemoryLoader {
    files: HashMap<PathBuf, String>,
}

impl MemoryLoader {
    /// A loader holding `files` (name, text).
    pub fn new(files: &[(&str, &str)]) -> MemoryLoader {
        MemoryLoader {
            files: files
                .iter()
                .map(|(name, text)| (normalize(Path::new(name)), text.to_string()))
                .collect(),
        }
    }
}

impl Loader for MemoryLoader {
    fn read(&self, path: &Path) -> io::Result<String> {
        self.files
            .get(&normalize(path))
            .cloned()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }

    fn identity(&self, path: &Path) -> Option<PathBuf> {
        let key = normalize(path);
        self.files.contains_key(&key).then_some(key)
    }
}

/// Removes `.` and folds `dir/..` lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The candidate paths for `name` written in a file at `from`: the file's
/// own directory first, then each library directory in order.
pub(crate) fn candidates(name: &str, from: Option<&Path>, lib_dirs: &[PathBuf]) -> Vec<PathBuf> {
    let wanted = Path::new(name);
    if wanted.is_absolute() {
        return vec![wanted.to_path_buf()];
    }
    let own_dir = from
        .and_then(Path::parent)
        .map_or_else(PathBuf::new, Path::to_path_buf);
    std::iter::once(own_dir.join(wanted))
        .chain(lib_dirs.iter().map(|d| d.join(wanted)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_paths_are_normalized() {
        let l = MemoryLoader::new(&[("lib/a.s", "nop")]);
        assert_eq!(l.read(Path::new("./lib/x/../a.s")).unwrap(), "nop");
        assert!(l.identity(Path::new("lib/b.s")).is_none());
    }

    #[test]
    fn own_directory_comes_before_library_dirs() {
        let c = candidates(
            "m.s",
            Some(Path::new("src/main.s")),
            &[PathBuf::from("lib")],
        );
        assert_eq!(c, vec![PathBuf::from("src/m.s"), PathBuf::from("lib/m.s")]);
    }
}
