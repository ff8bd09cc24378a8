//! Network addresses: a node and one of its inboxes. How firmware packs one into a word
//! is the ISA's business (`aether_isa::Addressing`); the network never sees the word.

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
}
