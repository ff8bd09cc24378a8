//! How a firmware address word splits into a node and an inbox (docs/isa.md,
//! "Addresses and inboxes").
//!
//! An address word is `(node << shift) | inbox`. Each addressing is one row of
//! data, its shift; the inbox mask, the widest inbox and the most nodes follow
//! from it, so the assembler's predefined constants, the image flag, the
//! co-simulator and the docs all read the same numbers.

use std::fmt;

/// The address layout of a program image and of the run that loads it.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Addressing {
    /// 16-bit node, 16-bit inbox: nodes 0 ..= 65,535, inboxes 0 ..= 65,535.
    #[default]
    Narrow,
    /// 24-bit node, 8-bit inbox: nodes 0 ..= 16,777,215, inboxes 0 ..= 255.
    Wide,
}

impl Addressing {
    /// Every addressing, narrow first.
    pub const ALL: [Addressing; 2] = [Addressing::Narrow, Addressing::Wide];

    /// The name the `.addressing` directive and the docs use.
    pub const fn name(self) -> &'static str {
        match self {
            Addressing::Narrow => "narrow",
            Addressing::Wide => "wide",
        }
    }

    /// The addressing called `name`, if any.
    pub fn from_name(name: &str) -> Option<Addressing> {
        Addressing::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Whether this is the narrow (16 + 16 bit) addressing, the default.
    pub fn is_narrow(&self) -> bool {
        *self == Addressing::Narrow
    }

    /// Bits the node id is shifted left by in an address word (the inbox field's width).
    pub const fn shift(self) -> u32 {
        match self {
            Addressing::Narrow => 16,
            Addressing::Wide => 8,
        }
    }

    /// The mask of the inbox field, also the largest inbox id.
    pub const fn inbox_mask(self) -> u32 {
        (1 << self.shift()) - 1
    }

    /// How many nodes an address word can name: ids `0 .. max_nodes()`.
    pub const fn max_nodes(self) -> u64 {
        1 << (32 - self.shift())
    }

    /// The address word of `inbox` on `node`, if both fit in their fields.
    pub fn word(self, node: u32, inbox: u32) -> Option<u32> {
        (u64::from(node) < self.max_nodes() && inbox <= self.inbox_mask())
            .then(|| (node << self.shift()) | inbox)
    }

    /// The node and the inbox an address word names.
    pub const fn split(self, word: u32) -> (u32, u32) {
        (word >> self.shift(), word & self.inbox_mask())
    }
}

impl fmt::Display for Addressing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fields_are_the_documented_widths() {
        // docs/isa.md: narrow is 16 + 16 bits, wide 24 + 8 bits.
        assert_eq!(
            (
                Addressing::Narrow.inbox_mask(),
                Addressing::Narrow.max_nodes()
            ),
            (0xFFFF, 65_536)
        );
        assert_eq!(
            (Addressing::Wide.inbox_mask(), Addressing::Wide.max_nodes()),
            (0xFF, 16_777_216)
        );
    }

    #[test]
    fn words_join_and_split_by_the_shift() {
        // 69,999 = 0x1116F: wide puts it in bits 8..32, inbox 3 in bits 0..8.
        assert_eq!(Addressing::Wide.word(69_999, 3), Some(0x0111_6F03));
        assert_eq!(Addressing::Wide.split(0x0111_6F03), (69_999, 3));
        assert_eq!(Addressing::Narrow.word(3, 7), Some(0x0003_0007));
        assert_eq!(Addressing::Narrow.split(0xFFFF_0001), (65_535, 1));
        assert_eq!(Addressing::Narrow.word(65_536, 0), None);
        assert_eq!(Addressing::Wide.word(5, 256), None);
        assert_eq!(Addressing::Wide.word(16_777_215, 255), Some(u32::MAX));
    }

    #[test]
    fn names_round_trip() {
        for a in Addressing::ALL {
            assert_eq!(Addressing::from_name(a.name()), Some(a));
        }
        assert_eq!(Addressing::from_name("medium"), None);
    }
}
