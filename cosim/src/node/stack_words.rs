//! The words of a process's data or return stack.
//!
//! A stack reads as the slice of its live words, bottom first (`Deref` to `[u32]`), and
//! grows and shrinks with `push` and `truncate` as a vector would. Its buffer never
//! shrinks: the interpreter asks once for room up to the configured depth
//! ([`StackWords::room`]) and then works on the buffer with the depth in a local, so that
//! entering and leaving it costs no fill of the buffer and no change of its length.

use std::ops::Deref;

/// A stack's live words over a buffer that only grows.
#[derive(Clone, Default)]
pub struct StackWords {
    /// The buffer: the live words first, then words left over from deeper stacks.
    words: Vec<u32>,
    /// How many words are live.
    depth: usize,
}

impl StackWords {
    /// Pushes `value` on top.
    pub fn push(&mut self, value: u32) {
        if self.depth == self.words.len() {
            self.words.push(value);
        } else {
            self.words[self.depth] = value;
        }
        self.depth += 1;
    }

    /// Keeps the bottom `depth` words (all of them when there are fewer).
    pub fn truncate(&mut self, depth: usize) {
        self.depth = self.depth.min(depth);
    }

    /// The buffer of at least `max` words (never fewer than the live ones) and the depth,
    /// for the interpreter to work on; the buffer grows (zero-filled) only the first time.
    #[inline]
    pub fn room(&mut self, max: usize) -> (&mut [u32], &mut usize) {
        let len = max.max(self.depth);
        if self.words.len() < len {
            self.words.resize(len, 0);
        }
        (&mut self.words[..len], &mut self.depth)
    }
}

impl Deref for StackWords {
    type Target = [u32];

    fn deref(&self) -> &[u32] {
        &self.words[..self.depth]
    }
}

impl From<Vec<u32>> for StackWords {
    fn from(words: Vec<u32>) -> StackWords {
        StackWords {
            depth: words.len(),
            words,
        }
    }
}

impl std::fmt::Debug for StackWords {
    /// The live words, as a vector of them would print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.deref().fmt(f)
    }
}

impl PartialEq for StackWords {
    /// Whether the live words are the same (what is left in the buffers does not count).
    fn eq(&self, other: &StackWords) -> bool {
        self.deref() == other.deref()
    }
}

impl Eq for StackWords {}

impl PartialEq<Vec<u32>> for StackWords {
    /// Whether the live words are `words`.
    fn eq(&self, words: &Vec<u32>) -> bool {
        self.deref() == words.as_slice()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_words_only_are_seen_and_compared() {
        let mut s = StackWords::from(vec![1, 2, 3]);
        s.truncate(1);
        assert_eq!(s, vec![1]);
        assert_eq!(format!("{s:?}"), "[1]");
        // Room up to 4 words: the buffer keeps the words above the depth.
        let (buf, depth) = s.room(4);
        assert_eq!((buf.len(), *depth, &buf[..3]), (4, 1, &[1, 2, 3][..]));
        buf[1] = 7;
        *depth = 2;
        assert_eq!(s, vec![1, 7]);
        s.push(9);
        assert_eq!((s.len(), s.last()), (3, Some(&9)));
        assert_ne!(s, StackWords::from(vec![1, 7, 9, 0]));
        assert_eq!(s, StackWords::from(vec![1, 7, 9]));
        // Pushing past the buffer grows it; room never cuts the live words.
        for v in 0..3 {
            s.push(v);
        }
        assert_eq!(s, vec![1, 7, 9, 0, 1, 2]);
        assert_eq!(s.room(2).0.len(), 6);
        s.truncate(9);
        assert_eq!(s.len(), 6);
    }
}
