//! Assembled programs shared by a sweep's runs: each distinct program (its sources and
//! library folders) is assembled once, however many runs load it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use aether_isa::Image;

/// A program's sources and library folders, as a scenario names them.
type Program = (Vec<PathBuf>, Vec<PathBuf>);

/// An assembler (as [`crate::scenario::Assembler`]) that remembers each program's image (or
/// its error).
pub struct Images<F> {
    assemble: F,
    done: Mutex<HashMap<Program, Result<Image, String>>>,
}

impl<F: Fn(&[PathBuf], &[PathBuf]) -> Result<Image, String>> Images<F> {
    /// Remembers what `assemble` answers.
    pub fn new(assemble: F) -> Images<F> {
        Images {
            assemble,
            done: Mutex::new(HashMap::new()),
        }
    }

    /// The image of `sources` with `libs`, assembled on the first request. Two runs that
    /// ask at once may both assemble it; the answers are equal.
    pub fn assemble(&self, sources: &[PathBuf], libs: &[PathBuf]) -> Result<Image, String> {
        let key = (sources.to_vec(), libs.to_vec());
        if let Some(done) = self.lock().get(&key) {
            return done.clone();
        }
        let result = (self.assemble)(sources, libs);
        self.lock().insert(key, result.clone());
        result
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Program, Result<Image, String>>> {
        self.done
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_program_is_assembled_once() {
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let assemble = |sources: &[PathBuf], _: &[PathBuf]| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if sources.is_empty() {
                return Err("no sources".to_string());
            }
            Ok(Image {
                code: vec![sources.len() as u32],
                ..Image::default()
            })
        };
        let images = Images::new(assemble);
        let (a, b) = (
            vec![PathBuf::from("a.s")],
            vec![PathBuf::from("a.s"), PathBuf::from("b.s")],
        );
        let first = images.assemble(&a, &[]).expect("image");
        assert_eq!(first.code, [1]);
        for _ in 0..2 {
            assert_eq!(images.assemble(&a, &[]).expect("image"), first);
        }
        assert_eq!(images.assemble(&b, &[]).expect("image").code, [2]);
        assert_eq!(
            images
                .assemble(&b, &[PathBuf::from("lib")])
                .expect("image")
                .code,
            [2]
        );
        assert_eq!(images.assemble(&[], &[]), Err("no sources".to_string()));
        assert_eq!(images.assemble(&[], &[]), Err("no sources".to_string()));
        assert_eq!(calls.into_inner(), 4, "a, b, b with a library, the error");
    }
}
