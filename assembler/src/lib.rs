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

/// Why `path` cannot be an input file (a directory, a device or pipe, or
/// nothing there), or `None` for a file.
pub fn unusable_source(path: &std::path::Path) -> Option<&'static str> {
    if path.is_file() {
        None
    } else if path.is_dir() {
        Some("is a directory; give the `.s` files in it")
    } else if path.exists() {
        Some("is not a regular file")
    } else {
        Some("no such file")
    }
}

/// Assembles and links the given files (in this order) into one image.
pub fn assemble_files(files: &[PathBuf], opts: &Options) -> Result<Image, Diagnostics> {
    run(&FsLoader, files, opts, false).map(|(image, _)| image)
}

/// Assembles and links the given files, also returning the listing.
pub fn assemble_with_listing(
    files: &[PathBuf],
    opts: &Options,
) -> Result<(Image, Listing), Diagnostics> {
    run(&FsLoader, files, opts, true)
}

/// Assembles source text named `name`; its includes and imports are looked up
/// on disk relative to `name`'s directory and the library directories.
pub fn assemble_str(name: &str, source: &str, opts: &Options) -> Result<Image, Diagnostics> {
    let loader = Overlay {
        name: PathBuf::from(name),
        text: source,
    };
    run(&loader, &[PathBuf::from(name)], opts, false).map(|(image, _)| image)
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
    run(&loader, &inputs, opts, true)
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

/// Assembles and links `inputs`, recording the listing only when `listing` is set.
fn run(
    loader: &dyn Loader,
    inputs: &[PathBuf],
    opts: &Options,
    listing: bool,
) -> Result<(Image, Listing), Diagnostics> {
    let mut front = Frontend::new(loader, &opts.lib_dirs);
    front.run(inputs);
    let mut problems = std::mem::take(&mut front.problems);
    match link::link(&front.items, &front.files, !problems.is_empty(), listing) {
        Ok(out) if problems.is_empty() => return Ok(out),
        Ok(_) => {}
        Err(more) => problems.extend(more),
    }
    Err(Diagnostics::new(front.files, problems))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aether_isa::{SourceLoc, SymbolKind};

    fn mem(files: &[(&str, &str)], roots: usize) -> Result<Image, Diagnostics> {
        assemble_in_memory(files, roots, &Options::default()).map(|(i, _)| i)
    }

    fn loc(addr: u32, file: u32, line: u32, col: u32) -> SourceLoc {
        SourceLoc {
            addr,
            file,
            line,
            col,
        }
    }

    #[test]
    fn source_map_records_each_instruction_and_macro_invocation_sites() {
        let src = ".macro two\n    nop\n    nop\n.endm\nmain: push 1\n    two\n  halt\n";
        let image = mem(&[("a.s", src)], 1).unwrap();
        assert_eq!(image.source_map.files, vec!["a.s".to_string()]);
        // push at 5:7; both words of `two` at its invocation 6:5; halt at 7:3.
        assert_eq!(
            image.source_map.locs,
            vec![loc(0, 0, 5, 7), loc(1, 0, 6, 5), loc(3, 0, 7, 3)]
        );
    }

    #[test]
    fn loc_directives_set_the_source_map_exactly() {
        let src = "main:\n.loc \"x.s\" 9 2\n nop\n nop\n.loc \"x.s\" 9 2\n nop\n.loc \"y.s\" 1 1\n halt\n";
        let image = mem(&[("a.s", src)], 1).unwrap();
        assert_eq!(
            image.source_map.files,
            vec!["x.s".to_string(), "y.s".to_string()]
        );
        assert_eq!(
            image.source_map.locs,
            vec![loc(0, 0, 9, 2), loc(2, 0, 9, 2), loc(3, 1, 1, 1)]
        );
    }

    #[test]
    fn loc_ends_with_its_file() {
        let inc = ".loc \"gen.s\" 4 4\n nop\n";
        let src = "main:\n.include \"inc.s\"\n halt\n";
        let image = mem(&[("a.s", src), ("inc.s", inc)], 1).unwrap();
        assert_eq!(
            image.source_map.locs,
            vec![loc(0, 0, 4, 4), loc(1, 1, 3, 2)]
        );
        assert_eq!(
            image.source_map.files,
            vec!["gen.s".to_string(), "a.s".to_string()]
        );
    }

    #[test]
    fn imports_are_linked_once() {
        let lib = "f:\n ret\n";
        let a = ".import \"lib.s\"\nmain:\n call f\n halt\n";
        let b = ".import \"lib.s\"\ng:\n call f\n ret\n";
        let image = mem(&[("a.s", a), ("b.s", b), ("lib.s", lib)], 3).unwrap();
        // a.s (2 words), b.s (2 words), lib.s (1 word): f is at 4.
        assert_eq!(image.code.len(), 5);
        assert_eq!(image.symbol("f").map(|s| s.value), Some(4));
    }

    #[test]
    fn symbols_hold_labels_and_constants_sorted_by_name() {
        let src = ".msg M\n.const K = -1\nmain: nop\n.l: halt\n.data\nd: .word 1\n";
        let image = mem(&[("a.s", src)], 1).unwrap();
        let got: Vec<(&str, SymbolKind, u32)> = image
            .symbols
            .iter()
            .map(|s| (s.name.as_str(), s.kind, s.value))
            .collect();
        assert_eq!(
            got,
            vec![
                ("K", SymbolKind::Const, 0xFFFF_FFFF),
                ("d", SymbolKind::Data, 0),
                ("main", SymbolKind::Code, 0),
                ("main.l", SymbolKind::Code, 1),
            ]
        );
        assert_eq!(image.msg_type_name(0), Some("M"));
    }

    #[test]
    fn entries_default_to_main_and_keep_declaration_order() {
        let image = mem(&[("a.s", "nop\nmain: halt\n")], 1).unwrap();
        assert_eq!(image.entry("main"), Some(1));
        let two = ".entry server\n.entry client\nclient: halt\nserver: halt\nmain: halt\n";
        let image = mem(&[("a.s", two)], 1).unwrap();
        let names: Vec<&str> = image.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, vec!["server", "client"]);
        assert_eq!(image.entry("server"), Some(1));
        let none = mem(&[("a.s", "start: halt\n")], 1).unwrap();
        assert!(none.entries.is_empty());
    }

    #[test]
    fn diagnostics_carry_file_line_column_and_a_snippet() {
        let err = mem(&[("a.s", "main:\n  nope 1\n  halt\n")], 1).unwrap_err();
        let d: Vec<&Diagnostic> = err.iter().collect();
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].file.as_str(), d[0].line, d[0].col), ("a.s", 2, 3));
        let text = err.render();
        assert!(text.contains("┌─ a.s:2:3"), "{text}");
        assert!(text.contains("2 │   nope 1"), "{text}");
    }

    /// Source for one instruction with operand `value`, and its encoding by the ISA crate.
    fn instruction_case(info: &aether_isa::InstrInfo, value: i64) -> (String, Vec<u32>) {
        let instr = aether_isa::Instruction::new(info.opcode, value).unwrap();
        let text = if info.operand.takes_operand() {
            format!("    {} {value}\n", info.mnemonic)
        } else {
            format!("    {}\n", info.mnemonic)
        };
        (text, instr.encode())
    }

    #[test]
    fn every_instruction_of_the_table_assembles_like_the_isa_encodes_it() {
        for info in aether_isa::INSTRUCTIONS {
            let (min, max) = aether_isa::encoding::operand_range(info.operand);
            for value in [min, max] {
                let (text, words) = instruction_case(info, value);
                let image = mem(&[("a.s", &format!("main:\n{text}"))], 1)
                    .unwrap_or_else(|d| panic!("{text}: {d}"));
                assert_eq!(image.code, words, "{text}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn random_programs_survive_disassembly(
            picks in proptest::collection::vec((0..aether_isa::INSTRUCTIONS.len(), proptest::prelude::any::<u32>(), proptest::prelude::any::<bool>()), 1..40),
            data in proptest::collection::vec(proptest::prelude::any::<u32>(), 0..10),
        ) {
            let mut src = String::from(".msg T\n.const K = 0x12345678\nmain:\n");
            for (i, (idx, raw, label)) in picks.iter().enumerate() {
                let info = &aether_isa::INSTRUCTIONS[*idx];
                let (min, max) = aether_isa::encoding::operand_range(info.operand);
                let value = min + (u64::from(*raw) % ((max - min) as u64 + 1)) as i64;
                if *label {
                    src.push_str(&format!(".l{i}:\n"));
                }
                src.push_str(&instruction_case(info, value).0);
            }
            src.push_str(".data\nd:\n");
            for w in &data {
                src.push_str(&format!("    .word {w}\n"));
            }
            let image = mem(&[("a.s", &src)], 1).unwrap_or_else(|d| panic!("{src}\n{d}"));
            let text = aether_isa::disasm::disassemble(&image);
            let again = mem(&[("b.s", &text)], 1).unwrap_or_else(|d| panic!("{text}\n{d}"));
            proptest::prop_assert_eq!(again.to_bytes(), image.to_bytes());
        }
    }

    #[test]
    fn an_unreadable_input_is_named() {
        let err =
            assemble_files(&[PathBuf::from("/no/such/x.s")], &Options::default()).unwrap_err();
        let d: Vec<&Diagnostic> = err.iter().collect();
        assert_eq!((d[0].file.as_str(), d[0].line), ("/no/such/x.s", 0));
        assert!(d[0].message.contains("file not found"), "{}", d[0].message);
    }

    #[test]
    fn duplicate_definitions_across_files_name_both_places() {
        let err = mem(&[("a.s", "x: nop\n"), ("b.s", "nop\nx: halt\n")], 2).unwrap_err();
        let text = err.render();
        assert!(text.contains("b.s:2:1"), "{text}");
        assert!(text.contains("first defined here"), "{text}");
        assert!(text.contains("a.s:1:1"), "{text}");
    }

    #[test]
    fn assemble_str_finds_includes_next_to_its_name_on_disk() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("k.s"), ".const K = 5\n").unwrap();
        let name = dir.join("main.s");
        let image = assemble_str(
            name.to_str().unwrap(),
            ".include \"k.s\"\nmain: push K\n halt\n",
            &Options::default(),
        );
        assert_eq!(image.unwrap().code[0], 0x1000_0005);
    }
}
