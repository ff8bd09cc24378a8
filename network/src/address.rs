//! Network addresses: a node and one of its inboxes.

/// A destination on the network: inbox `inbox` of node `node`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address {
    /// The node id.
    pub node: u32,
    /// The inbox id on that node (0 is the public inbox).
    pub inbox: u16,
}

impl Address {
    /// Makes the address of `inbox` on `node`.
    pub fn new(node: u32, inbox: u16) -> Self {
        Self { node, inbox }
    }

    /// The firmware's address word: `(node << 16) | inbox`.
    pub fn to_word(self) -> u32 {
        (self.node << 16) | u32::from(self.inbox)
    }

    /// Reads a firmware address word `(node << 16) | inbox`.
    pub fn from_word(word: u32) -> Self {
        Self {
            node: word >> 16,
            inbox: (word & 0xffff) as u16,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_layout_is_node_high_inbox_low() {
        assert_eq!(Address::new(3, 7).to_word(), 0x0003_0007);
        assert_eq!(Address::from_word(0xffff_0001), Address::new(65535, 1));
    }

    #[test]
    fn word_round_trips() {
        for word in [0, 1, 0x1234_5678, u32::MAX] {
            assert_eq!(Address::from_word(word).to_word(), word);
        }
    }
}
