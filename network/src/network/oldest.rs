//! An inbox's oldest message read in place and then taken, where [`Network::recv_settled`]
//! allows it: one look-up of the inbox for the check, the read and the take.

use std::collections::VecDeque;

use super::{Network, keep_spare};
use crate::message::{Message, Payload};
use crate::time::Time;

/// The oldest message of an inbox, lent by [`Network::settled_oldest`]: read it in place,
/// then take it ([`Oldest::take`]) or leave it.
pub struct Oldest<'a> {
    /// The inbox (not empty).
    queue: &'a mut VecDeque<Message>,
    /// The network's spare payload vectors.
    spare: &'a mut Vec<Payload>,
}

impl Oldest<'_> {
    /// The message.
    #[inline]
    pub fn message(&self) -> &Message {
        &self.queue[0]
    }

    /// Takes the message out of its inbox, its heap payload kept for reuse.
    #[inline]
    pub fn take(self) {
        if let Some(msg) = self.queue.pop_front() {
            keep_spare(self.spare, msg.payload);
        }
    }
}

impl Network {
    /// The oldest message of `inbox` on `node`, when [`Network::recv_settled`] allows taking
    /// it at `now` instead of at `at`.
    #[inline]
    pub fn settled_oldest(
        &mut self,
        node: u32,
        inbox: u16,
        now: Time,
        at: Time,
    ) -> Option<Oldest<'_>> {
        if !self.recv_settled(node, inbox, now, at) {
            return None;
        }
        let queue = self.nics.get_mut(node as usize)?.inbox_mut(inbox).ok()?;
        Some(Oldest {
            queue,
            spare: &mut self.spare,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{config, msg};
    use crate::{INLINE_WORDS, Network};

    /// A settled take reads the oldest message in place, then takes it (its heap payload
    /// kept for reuse) and leaves the next one; where `recv_settled` does not allow it,
    /// nothing is lent.
    #[test]
    fn the_oldest_message_is_read_in_place_then_taken() {
        let mut net = Network::new(&config(), 3, 1).expect("valid");
        let long = INLINE_WORDS + 2;
        assert!(net.settled_oldest(1, 0, 0, 0).is_none(), "an empty inbox");
        net.place(0, msg(0, 1, 0, None, long)).expect("room");
        net.place(0, msg(2, 1, 0, None, 1)).expect("room");
        assert!(
            net.settled_oldest(1, 0, 10, 9).is_none(),
            "a time before now"
        );
        assert!(
            net.settled_oldest(1, 1, 0, 0).is_none(),
            "an inbox never opened"
        );
        let oldest = net.settled_oldest(1, 0, 0, 0).expect("settled");
        let at = oldest.message().payload.as_ptr();
        assert_eq!(
            (oldest.message().src, oldest.message().payload.len()),
            (0, long)
        );
        oldest.take();
        assert_eq!(net.peek(1, 0).map(|m| m.map(|m| m.src)), Ok(Some(2)));
        assert_eq!(
            net.payload_buffer(long).as_ptr(),
            at,
            "the heap payload is kept"
        );
    }
}
