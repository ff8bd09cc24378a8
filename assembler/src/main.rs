//! `aether-asm`: assemble and link aether assembly into a program image, list
//! it, dump it as JSON, or disassemble an image.

use aether_asm::{Image, Options, assemble_with_listing};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit status when the source or image has errors.
const EXIT_ERRORS: u8 = 1;
/// Exit status for usage and I/O errors.
const EXIT_USAGE: u8 = 2;

/// aether assembler and linker.
///
/// Assembles the FILEs (linked, in order, into one image with one global
/// namespace) and writes the image to OUT. `.include` and `.import` files are
/// looked up next to the file naming them, then in each -L directory in order.
///
/// Exit status: 0 success; 1 errors in the source (diagnostics on stderr) or
/// an invalid image given to `disasm`; 2 usage or I/O errors (unreadable
/// input, unwritable output).
#[derive(Parser, Debug)]
#[command(name = "aether-asm", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Source files to assemble and link, in link order.
    #[arg(value_name = "FILE", required_unless_present = "disassemble")]
    files: Vec<PathBuf>,
    /// Add DIR to the library search path (repeatable; searched in order).
    #[arg(short = 'L', long = "lib", value_name = "DIR")]
    lib_dirs: Vec<PathBuf>,
    /// Write the image to OUT (without -o nothing is written unless asked for).
    #[arg(short, long, value_name = "OUT.img")]
    output: Option<PathBuf>,
    /// Print a listing: section and address, encoded words, file:line and source.
    #[arg(long)]
    listing: bool,
    /// Write the listing to this file instead of stdout (implies --listing).
    #[arg(long, value_name = "FILE")]
    listing_file: Option<PathBuf>,
    /// Print the assembled image in another form on stdout.
    #[arg(long, value_name = "FORMAT")]
    emit: Option<Emit>,
    /// Disassemble IMAGE instead of assembling (same as `aether-asm disasm IMAGE`).
    #[arg(long, value_name = "IMAGE", conflicts_with_all = ["files", "output", "listing", "listing_file", "emit"])]
    disassemble: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print source that re-assembles to the identical image.
    Disasm {
        /// The image file to disassemble.
        image: PathBuf,
    },
}

/// Extra output forms.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Emit {
    /// The image as JSON (shape in docs/image-format.md).
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match (&cli.command, &cli.disassemble) {
        (Some(Command::Disasm { image }), _) | (None, Some(image)) => disassemble(image),
        (None, None) => assemble(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

fn disassemble(path: &Path) -> Result<(), u8> {
    let bytes = std::fs::read(path).map_err(|e| {
        eprintln!("error: cannot read `{}`: {e}", path.display());
        EXIT_USAGE
    })?;
    let image = Image::from_bytes(&bytes).map_err(|e| {
        eprintln!("error: `{}` is not a valid image: {e}", path.display());
        EXIT_ERRORS
    })?;
    print(&aether_isa::disasm::disassemble(&image))
}

fn assemble(cli: &Cli) -> Result<(), u8> {
    for file in &cli.files {
        if let Some(why) = aether_asm::unusable_source(file) {
            eprintln!("error: cannot read `{}`: {why}", file.display());
            return Err(EXIT_USAGE);
        }
    }
    let opts = Options {
        lib_dirs: cli.lib_dirs.clone(),
    };
    let (image, listing) = assemble_with_listing(&cli.files, &opts).map_err(|d| {
        eprint!("{}", d.render());
        EXIT_ERRORS
    })?;
    if let Some(out) = &cli.output {
        std::fs::write(out, image.to_bytes()).map_err(|e| {
            eprintln!("error: cannot write `{}`: {e}", out.display());
            EXIT_USAGE
        })?;
    }
    if let Some(file) = &cli.listing_file {
        std::fs::write(file, listing.render()).map_err(|e| {
            eprintln!("error: cannot write `{}`: {e}", file.display());
            EXIT_USAGE
        })?;
    } else if cli.listing {
        print(&listing.render())?;
    }
    if let Some(Emit::Json) = cli.emit {
        print(&image.to_json())?;
        print("\n")?;
    }
    Ok(())
}

fn print(text: &str) -> Result<(), u8> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| {
            eprintln!("error: cannot write to stdout: {e}");
            EXIT_USAGE
        })
}
