//! The packet header: which fields it carries and how many bits each takes.

use serde::Deserialize;

use crate::error::ConfigError;

/// Width in bits of each header field; their sum is what links charge per packet
/// on top of 32 bits per payload word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HeaderLayout {
    /// Source node id.
    pub src: u32,
    /// Destination address (node and inbox).
    pub dst: u32,
    /// Reply-to address (node and inbox; all ones for none).
    pub reply_to: u32,
    /// Message type.
    pub msg_type: u32,
    /// Payload length in words; also bounds the payload to `2^length - 1` words.
    pub length: u32,
    /// Checksum (CRC) trailer.
    pub crc: u32,
    /// Any further framing (preamble, flags, sequence numbers).
    pub framing: u32,
    /// The MAC of authenticated packets: set from `[network.auth]`, not from this table.
    #[serde(skip)]
    pub mac: u32,
}

impl Default for HeaderLayout {
    fn default() -> Self {
        Self {
            src: 16,
            dst: 32,
            reply_to: 32,
            msg_type: 32,
            length: 16,
            crc: 32,
            framing: 0,
            mac: 0,
        }
    }
}

impl HeaderLayout {
    /// Total header size in bits.
    pub fn bits(&self) -> u64 {
        [
            self.src,
            self.dst,
            self.reply_to,
            self.msg_type,
            self.length,
            self.crc,
            self.framing,
            self.mac,
        ]
        .iter()
        .map(|&w| u64::from(w))
        .sum()
    }

    /// The largest payload, in words, the length field can describe.
    pub fn max_payload(&self) -> u64 {
        if self.length >= 64 {
            u64::MAX
        } else {
            (1u64 << self.length) - 1
        }
    }

    /// Size in bits of a packet carrying `payload_words` words.
    pub fn packet_bits(&self, payload_words: usize) -> u64 {
        with_payload(self.bits(), payload_words)
    }

    /// Checks that the layout describes a usable header.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.length == 0 {
            return Err(ConfigError::Header(
                "the length field needs at least 1 bit".into(),
            ));
        }
        if self.bits() > 1 << 20 {
            return Err(ConfigError::Header(format!(
                "a header of {} bits is implausibly large",
                self.bits()
            )));
        }
        Ok(())
    }
}

/// Size in bits of a packet of a `header_bits` header carrying `payload_words` words.
pub fn with_payload(header_bits: u64, payload_words: usize) -> u64 {
    header_bits + 32 * payload_words as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_header_is_160_bits() {
        // 16 + 32 + 32 + 32 + 16 + 32 = 160 bits, five words.
        assert_eq!(HeaderLayout::default().bits(), 160);
        assert_eq!(HeaderLayout::default().packet_bits(3), 160 + 96);
    }

    #[test]
    fn length_field_bounds_payload() {
        let layout = HeaderLayout {
            length: 4,
            ..HeaderLayout::default()
        };
        assert_eq!(layout.max_payload(), 15);
    }

    #[test]
    fn zero_width_length_is_rejected() {
        let layout = HeaderLayout {
            length: 0,
            ..HeaderLayout::default()
        };
        assert!(layout.validate().is_err());
    }
}
