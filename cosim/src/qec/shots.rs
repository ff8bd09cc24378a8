//! Shot files in stim's `01` and `b8` result formats (detection events or
//! observable flips, one record per shot, the reader told the bit count).

use std::str::FromStr;

use bitvec::vec::BitVec;

use super::QecError;

/// A stim result format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShotFormat {
    /// One line of `0`/`1` characters per shot, ended by `\n`.
    Zero1,
    /// `ceil(bits / 8)` bytes per shot, bit `k` in byte `k / 8` at value `1 << (k % 8)`, zero padding.
    B8,
}

impl FromStr for ShotFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<ShotFormat, String> {
        match s {
            "01" => Ok(ShotFormat::Zero1),
            "b8" => Ok(ShotFormat::B8),
            other => Err(format!("unknown shot format `{other}` (known: 01, b8)")),
        }
    }
}

fn shot_error(file: &str, shot: usize, message: String) -> QecError {
    QecError::Shots {
        file: file.to_string(),
        shot,
        message,
    }
}

/// Reads every shot of a file holding `bits` bits per shot; `file` names it in errors.
pub fn read_shots(
    bytes: &[u8],
    format: ShotFormat,
    bits: usize,
    file: &str,
) -> Result<Vec<BitVec>, QecError> {
    match format {
        ShotFormat::Zero1 => read_01(bytes, bits, file),
        ShotFormat::B8 => read_b8(bytes, bits, file),
    }
}

fn read_01(bytes: &[u8], bits: usize, file: &str) -> Result<Vec<BitVec>, QecError> {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    if bytes.is_empty() {
        return Ok(Vec::new());
    }
    body.split(|&b| b == b'\n')
        .enumerate()
        .map(|(index, line)| {
            let shot = index + 1;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if let Some(column) = line.iter().position(|&c| c != b'0' && c != b'1') {
                let shown = match line[column] {
                    c if c.is_ascii_graphic() => format!("`{}`", char::from(c)),
                    c => format!("byte 0x{c:02x}"),
                };
                return Err(shot_error(
                    file,
                    shot,
                    format!(
                        "line {shot}, column {}: stray character {shown} (expected 0 or 1)",
                        column + 1
                    ),
                ));
            }
            if line.len() != bits {
                return Err(shot_error(
                    file,
                    shot,
                    format!("line {shot} has {} bits, expected {bits}", line.len()),
                ));
            }
            Ok(line.iter().map(|&c| c == b'1').collect())
        })
        .collect()
}

fn read_b8(bytes: &[u8], bits: usize, file: &str) -> Result<Vec<BitVec>, QecError> {
    let width = bits.div_ceil(8);
    if width == 0 {
        return match bytes.len() {
            0 => Ok(Vec::new()),
            n => Err(shot_error(
                file,
                1,
                format!("{n} bytes in a file of 0-bit shots"),
            )),
        };
    }
    let shots = bytes.len().div_ceil(width);
    (0..shots)
        .map(|index| {
            let shot = index + 1;
            let record = &bytes[index * width..bytes.len().min((index + 1) * width)];
            if record.len() < width {
                return Err(shot_error(
                    file,
                    shot,
                    format!(
                        "the file ends after {} of this shot's {width} bytes ({} bytes is not a multiple of {width}: {bits} bits per shot)",
                        record.len(),
                        bytes.len()
                    ),
                ));
            }
            let shot_bits: BitVec = (0..width * 8)
                .map(|k| record[k / 8] >> (k % 8) & 1 == 1)
                .collect();
            if shot_bits[bits..].any() {
                return Err(shot_error(
                    file,
                    shot,
                    format!(
                        "padding bits after bit {bits} are not zero (is the bit count right?)"
                    ),
                ));
            }
            Ok(shot_bits[..bits].to_bitvec())
        })
        .collect()
}

/// Writes shots of `bits` bits each in `format`, byte for byte as stim writes them.
pub fn write_shots(shots: &[BitVec], format: ShotFormat, bits: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for shot in shots {
        assert_eq!(shot.len(), bits, "every shot written has `bits` bits");
        match format {
            ShotFormat::Zero1 => {
                out.extend(shot.iter().map(|b| if *b { b'1' } else { b'0' }));
                out.push(b'\n');
            }
            ShotFormat::B8 => {
                let start = out.len();
                out.resize(start + bits.div_ceil(8), 0);
                for k in shot.iter_ones() {
                    out[start + k / 8] |= 1 << (k % 8);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
