//! A node's data memory: `size` words that read as zero until written.
//!
//! Only the prefix up to the highest word written so far (or loaded from the
//! image) is allocated, rounded up to a page of [`PAGE`] words, so memory a
//! program never touches costs nothing: a million nodes with a large `memory`
//! fit on one machine. Reads past the allocated prefix (but inside `size`)
//! give zero, exactly as a zeroed memory would. Growth asks the host
//! fallibly: a host that cannot give the words yields [`HostMemory`], never an
//! abort.

use aether_network::{INLINE_WORDS, Payload};

use super::fault::FaultKind;

/// Words by which the allocated prefix grows (4 KiB).
pub const PAGE: usize = 1024;

/// Word-addressed data memory of a fixed size, allocated as it is written.
#[derive(Clone, Debug, Default)]
pub struct Memory {
    words: Vec<u32>,
    size: u32,
}

static ZERO: u32 = 0;

/// The host refused the words a node's memory had to grow to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "the host could not allocate {words} words ({mib} MiB) of node memory; \
     give nodes less `memory`, use fewer nodes, or run on a host with more memory",
    mib = words.div_ceil(1 << 18)
)]
pub struct HostMemory {
    /// The words the memory needed to hold.
    pub words: usize,
}

impl Memory {
    /// A memory of `size` words holding `data` from address 0 (which must fit).
    pub fn new(size: u32, data: &[u32]) -> Result<Memory, HostMemory> {
        debug_assert!(data.len() <= size as usize);
        let mut words = Vec::new();
        words
            .try_reserve_exact(data.len())
            .map_err(|_| HostMemory { words: data.len() })?;
        words.extend_from_slice(data);
        Ok(Memory { words, size })
    }

    /// Size in words.
    pub fn size(&self) -> u32 {
        self.size
    }

    /// Words allocated so far (the prefix written or loaded).
    pub fn resident(&self) -> usize {
        self.words.len()
    }

    /// The word at `addr`, or `None` outside the memory.
    #[inline]
    pub fn load(&self, addr: u32) -> Option<u32> {
        match self.words.get(addr as usize) {
            Some(&v) => Some(v),
            None => (addr < self.size).then_some(0),
        }
    }

    /// The word at `addr` for writing: a memory-range fault outside the memory,
    /// a host-memory fault when the host cannot hold it.
    #[inline]
    pub fn slot(&mut self, addr: u32) -> Result<&mut u32, FaultKind> {
        if addr as usize >= self.words.len() {
            if addr >= self.size {
                return Err(FaultKind::MemoryRange(addr));
            }
            self.grow_to(addr as usize + 1)
                .map_err(FaultKind::HostMemory)?;
        }
        Ok(&mut self.words[addr as usize])
    }

    /// Words `start..start + len` (which must lie inside the memory) as a payload: inline
    /// when they fit ([`INLINE_WORDS`]), else in `heap()`, an empty heap payload to reuse.
    #[inline(always)]
    pub fn payload(&self, start: u32, len: u32, heap: impl FnOnce() -> Payload) -> Payload {
        let (start, end) = (start as usize, start as usize + len as usize);
        match self.words.get(start..end) {
            Some(words) if words.len() <= INLINE_WORDS => {
                Payload::from_buf_and_len(self.inline_words(start, words), words.len())
            }
            Some(words) => {
                let mut out = heap();
                out.extend_from_slice(words);
                out
            }
            None => {
                let mut out = heap();
                self.read_past_prefix(start, end, &mut out);
                out
            }
        }
    }

    /// The [`INLINE_WORDS`] words from `start`, of which `words` (held from `start`) are the
    /// first and whatever follows them the rest (zero past the allocated prefix). Copied
    /// whole, an inline payload is written with one wide store, from which the wide loads
    /// that move the message on are forwarded; its words alone would be narrower stores,
    /// which a wider load cannot be forwarded from and waits for.
    #[inline(always)]
    fn inline_words(&self, start: usize, words: &[u32]) -> [u32; INLINE_WORDS] {
        let whole = self.words.get(start..start + INLINE_WORDS);
        match whole.and_then(|chunk| <[u32; INLINE_WORDS]>::try_from(chunk).ok()) {
            Some(chunk) => chunk,
            None => {
                let mut chunk = [0; INLINE_WORDS];
                chunk[..words.len()].copy_from_slice(words);
                chunk
            }
        }
    }

    /// [`Memory::payload`] of words `start..end` that end past the allocated prefix.
    #[cold]
    fn read_past_prefix(&self, start: usize, end: usize, out: &mut Payload) {
        debug_assert!(end <= self.size as usize);
        let held = end.min(self.words.len()).max(start);
        out.extend_from_slice(self.words.get(start..held).unwrap_or_default());
        out.resize(out.len() + (end - held), 0);
    }

    /// Words `start..start + len` (which must lie inside the memory), for writing.
    #[inline(always)]
    pub fn slice_mut(&mut self, start: u32, len: u32) -> Result<&mut [u32], HostMemory> {
        let (start, end) = (start as usize, start as usize + len as usize);
        debug_assert!(end <= self.size as usize);
        if end > self.words.len() {
            self.grow_to(end)?;
        }
        Ok(&mut self.words[start..end])
    }

    /// Every word of the memory, unwritten ones as zero.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let rest = self.size as usize - self.words.len();
        self.words
            .iter()
            .copied()
            .chain(std::iter::repeat_n(0, rest))
    }

    /// Allocates at least the first `len` words (a whole number of pages, within the size).
    fn grow_to(&mut self, len: usize) -> Result<(), HostMemory> {
        let len = len.next_multiple_of(PAGE).min(self.size as usize);
        self.words
            .try_reserve_exact(len - self.words.len())
            .map_err(|_| HostMemory { words: len })?;
        self.words.resize(len, 0);
        Ok(())
    }
}

/// Copies `from` into `to` (of the same length); one word, what most messages carry, with
/// no call to `memcpy`.
#[inline]
pub fn copy_words(to: &mut [u32], from: &[u32]) {
    match (to, from) {
        ([to], [from]) => *to = *from,
        (to, from) => to.copy_from_slice(from),
    }
}

impl std::ops::Index<usize> for Memory {
    type Output = u32;

    /// The word at `addr`; panics outside the memory, as a slice would.
    fn index(&self, addr: usize) -> &u32 {
        assert!(
            addr < self.size as usize,
            "address {addr} outside a memory of {} words",
            self.size
        );
        self.words.get(addr).unwrap_or(&ZERO)
    }
}

impl PartialEq<Vec<u32>> for Memory {
    /// Whether the memory holds exactly `words` (its size included).
    fn eq(&self, words: &Vec<u32>) -> bool {
        self.size as usize == words.len() && self.iter().eq(words.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwritten_words_read_as_zero_and_cost_nothing() {
        let mut m = Memory::new(1 << 20, &[7, 8]).expect("host memory");
        assert_eq!(m.resident(), 2);
        assert_eq!(
            (m.load(1), m.load(5000), m.load(1 << 20)),
            (Some(8), Some(0), None)
        );
        *m.slot(5000).expect("inside") = 3;
        assert_eq!(m.resident(), 5 * PAGE);
        assert_eq!((m.load(5000), m[5000], m[4999]), (Some(3), 3, 0));
        assert_eq!(m.slot(1 << 20), Err(FaultKind::MemoryRange(1 << 20)));
        assert_eq!(m.payload(4998, 3, Payload::new)[..], [0, 0, 3]);
        assert_eq!(m.payload(4999, 1, Payload::new)[..], [0]);
        let edge = 5 * PAGE as u32 - 1;
        *m.slot(edge - 1).expect("inside") = 4;
        assert_eq!(m.payload(edge - 1, 3, Payload::new)[..], [4, 0, 0]);
        let past = m.payload((1 << 20) - 6, 6, Payload::new);
        assert_eq!((&past[..], past.spilled()), (&[0; 6][..], true));
        m.slice_mut((1 << 20) - 1, 1).expect("host memory")[0] = 9;
        assert_eq!(m.resident(), 1 << 20);
        assert_eq!(m.iter().count(), 1 << 20);
        assert_eq!(m.iter().filter(|&w| w != 0).count(), 5);
    }

    #[test]
    fn growth_stops_at_the_size() {
        let mut m = Memory::new(PAGE as u32 + 5, &[]).expect("host memory");
        *m.slot(PAGE as u32).expect("inside") = 1;
        assert_eq!(m.resident(), PAGE + 5);
        assert_eq!(m.iter().sum::<u32>(), 1);
    }

    /// Words inside the allocated prefix are written in place: only a write past it grows
    /// the memory (to a whole page).
    #[test]
    fn writes_inside_the_prefix_allocate_nothing() {
        let mut m = Memory::new(1 << 20, &[7, 8]).expect("host memory");
        m.slice_mut(0, 2).expect("host memory")[1] = 9;
        *m.slot(1).expect("inside") += 1;
        assert_eq!((m.resident(), m.load(1)), (2, Some(10)));
        m.slice_mut(1, 2).expect("host memory")[1] = 5;
        assert_eq!((m.resident(), m.load(2)), (PAGE, Some(5)));
    }

    /// Memory a program never touches costs nothing (the module's documentation): growth
    /// allocates the pages up to the word written and no more, however long the prefix
    /// already is. (`Vec::try_reserve_exact` gets exactly what it asks for from std's
    /// allocator.)
    #[test]
    fn growth_allocates_only_the_pages_up_to_the_word_written() {
        let mut m = Memory::new(1 << 20, &[7; 3 * PAGE]).expect("host memory");
        assert_eq!((m.resident(), m.words.capacity()), (3 * PAGE, 3 * PAGE));
        *m.slot(4 * PAGE as u32).expect("inside") = 1;
        assert_eq!((m.resident(), m.words.capacity()), (5 * PAGE, 5 * PAGE));
        m.slice_mut(6 * PAGE as u32, 2).expect("host memory")[1] = 2;
        assert_eq!((m.resident(), m.words.capacity()), (7 * PAGE, 7 * PAGE));
        assert_eq!(m.iter().sum::<u32>(), 7 * 3 * PAGE as u32 + 1 + 2);
    }

    /// A memory equals exactly the words it holds, its size included and unwritten words
    /// as zero (what `isa_oracle` compares with its reference machine's memory).
    #[test]
    fn a_memory_equals_its_words_up_to_its_size() {
        let m = Memory::new(4, &[1, 2]).expect("host memory");
        assert!(m == vec![1, 2, 0, 0]);
        assert!(m != vec![1, 2, 0, 7], "same length, one word differs");
        assert!(m != vec![1, 2, 0], "one word short");
        assert!(m != vec![1, 2, 0, 0, 0], "one word long");
    }
}
