//! Messages as firmware sends and receives them.

use smallvec::SmallVec;

use crate::address::Address;

/// Payload words a message holds in itself; a longer payload lives on the heap.
pub const INLINE_WORDS: usize = 4;

/// A message's payload words: up to [`INLINE_WORDS`] of them inside the message (no heap
/// buffer written by the sender that the receiver finds out of cache), more on the heap.
pub type Payload = SmallVec<[u32; INLINE_WORDS]>;

/// Bit set in the type of a message returned to its sender.
pub const RETURNED: u32 = 0x8000_0000;

/// A message: what a NIC takes from a send and places in an inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The node that sent it (for a returned message: the node that bounced it).
    pub src: u32,
    /// Where it goes.
    pub dst: Address,
    /// Where a reply (or the returned message) goes, if anywhere.
    pub reply_to: Option<Address>,
    /// The message type (bit 31 set: returned to sender).
    pub msg_type: u32,
    /// The payload words.
    pub payload: Payload,
}

impl Message {
    /// True when this is a returned-to-sender message.
    pub fn is_returned(&self) -> bool {
        self.msg_type & RETURNED != 0
    }

    /// The message `bouncer` sends back to `reply_to`, or `None` without a reply-to.
    pub fn returned(self, bouncer: u32) -> Option<Message> {
        let reply_to = self.reply_to?;
        Some(Message {
            src: bouncer,
            dst: reply_to,
            reply_to: None,
            msg_type: self.msg_type | RETURNED,
            payload: self.payload,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returned_message_swaps_address_and_marks_type() {
        let msg = Message {
            src: 1,
            dst: Address::new(2, 5),
            reply_to: Some(Address::new(1, 3)),
            msg_type: 7,
            payload: Payload::from_slice(&[9, 8]),
        };
        let back = msg.returned(2).expect("has reply-to");
        assert_eq!(back.src, 2);
        assert_eq!(back.dst, Address::new(1, 3));
        assert_eq!(back.reply_to, None);
        assert_eq!(back.msg_type, 7 | RETURNED);
        assert!(back.is_returned());
        assert_eq!(back.payload[..], [9, 8]);
        assert_eq!(back.returned(1), None);
    }

    #[test]
    fn a_message_with_a_short_payload_is_no_larger_than_with_a_heap_vector() {
        assert_eq!(size_of::<Payload>(), size_of::<Vec<u32>>());
        assert_eq!(size_of::<Message>(), 56);
    }
}
