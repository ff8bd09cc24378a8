//! aether assembler and linker.
//!
//! Assembles aether assembly (see `docs/assembler.md`) into a program
//! [`Image`]: several files are linked into one image with one namespace,
//! and every error is reported with its file, line, column and a snippet.

pub mod ast;
pub mod diagnostics;
mod frontend;
mod items;
pub mod lexer;
mod link;
pub mod listing;
mod msgtypes;
pub mod parse;
mod source;

pub use aether_isa::Image;
pub use diagnostics::{Diagnostic, Diagnostics};
pub use listing::Listing;

use frontend::Frontend;
use source::{FsLoader, Loader, MemoryLoader};
use std::path::PathBuf;

/// Assembler settings.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Library directories searched, in order, for `.include` and `.import`
    /// files not found next to the file naming them.
    pub lib_dirs: Vec<PathBuf>,
}

/// Assembles and links the given files (in this order) into one image.
pub fn assemble_files(files: &[PathBuf], opts: &Options) -> Result<Image, Diagnostics> {
    assemble_with_listing(files, opts).map(|(image, _)| image)
}

/// Assembles and links the given files, also returning the listing.
pub fn assemble_with_listing(
    files: &[PathBuf],
    opts: &Options,
) -> Result<(Image, Listing), Diagnostics> {
    run(&FsLoader, files, opts)
}

/// Assembles source text named `name`; its includes and imports are looked up
/// on disk relative to `name`'s directory and the library directories.
pub fn assemble_str(name: &str, source: &str, opts: &Options) -> Result<Image, Diagnostics> {
    let loader = Overlay {
        name: PathBuf::from(name),
        text: source,
    };
    run(&loader, &[PathBuf::from(name)], opts).map(|(image, _)| image)
}

/// Assembles a set of in-memory files `(name, text)`, linking the first
/// `roots` of them; includes and imports only find files of the set.
pub fn assemble_in_memory(
    files: &[(&str, &str)],
    roots: usize,
    opts: &Options,
) -> Result<(Image, Listing), Diagnostics> {
    let loader = MemoryLoader::new(files);
    let inputs: Vec<PathBuf> = files
        .iter()
        .take(roots)
        .map(|(n, _)| PathBuf::from(n))
        .collect();
    run(&loader, &inputs, opts)
}

/// One in-memory file in front of the file system.
struct Overlay<'a> {
    name: PathBuf,
    text: &'a str,
}

impl Loader for Overlay<'_> {
    fn read(&self, path: &std::path::Path) -> std::io::Result<String> {
        if path == self.name {
            Ok(self.text.to_string())
        } else {
            FsLoader.read(path)
        }
    }

    fn identity(&self, path: &std::path::Path) -> Option<PathBuf> {
        if path == self.name {
            Some(self.name.clone())
        } else {
            FsLoader.identity(path)
        }
    }
}

fn run(
    loader: &dyn Loader,
    inputs: &[PathBuf],
    opts: &Options,
) -> Result<(Image, Listing), Diagnostics> {
    let mut front = Frontend::new(loader, &opts.lib_dirs);
    front.run(inputs);
    let mut problems = std::mem::take(&mut front.problems);
    match link::link(&front.items, &front.files) {
        Ok(out) if problems.is_empty() => return Ok(out),
        Ok(_) => {}
        Err(more) => problems.extend(more),
    }
    Err(Diagnostics::new(front.files, problems))
}
