use bitvec::prelude::*;

use super::*;
use crate::qec::fixtures;

fn bits(text: &str) -> BitVec {
    text.chars().map(|c| c == '1').collect()
}

/// stim's docs/result_formats.md example: `M 0 0 0 0 1 1 1 1 0 0 1 1 0 1` is `f0 2c` in b8.
#[test]
fn stims_documented_example() {
    let shot = bits("00001111001101");
    assert_eq!(
        write_shots(std::slice::from_ref(&shot), ShotFormat::B8, 14),
        vec![0xf0, 0x2c]
    );
    assert_eq!(
        write_shots(std::slice::from_ref(&shot), ShotFormat::Zero1, 14),
        b"00001111001101\n"
    );
    assert_eq!(
        read_shots(&[0xf0, 0x2c], ShotFormat::B8, 14, "x").unwrap(),
        vec![shot]
    );
}

#[test]
fn stims_files_read_back_and_write_byte_for_byte() {
    let mut checked = 0;
    for case in fixtures::cases().iter().filter(|c| c.shots > 0) {
        for (kind, width) in [("dets", case.detectors), ("obs", case.observables)] {
            let name01 = format!("{}.{kind}.01", case.name);
            let nameb8 = format!("{}.{kind}.b8", case.name);
            let (text, packed) = (fixtures::read(&name01), fixtures::read(&nameb8));
            let a = read_shots(&text, ShotFormat::Zero1, width, &name01).unwrap();
            let b = read_shots(&packed, ShotFormat::B8, width, &nameb8).unwrap();
            assert_eq!(a.len(), case.shots);
            assert_eq!(a, b, "{name01} and {nameb8} hold the same shots");
            assert_eq!(write_shots(&a, ShotFormat::Zero1, width), text);
            assert_eq!(write_shots(&a, ShotFormat::B8, width), packed);
            checked += 1;
        }
    }
    assert!(checked >= 8);
}

#[test]
fn zero_bit_shots_and_empty_files() {
    assert_eq!(
        read_shots(b"\n\n", ShotFormat::Zero1, 0, "x")
            .unwrap()
            .len(),
        2
    );
    assert!(
        read_shots(b"", ShotFormat::Zero1, 3, "x")
            .unwrap()
            .is_empty()
    );
    assert!(read_shots(b"", ShotFormat::B8, 3, "x").unwrap().is_empty());
    assert_eq!(
        read_shots(b"101\r\n010", ShotFormat::Zero1, 3, "x").unwrap(),
        vec![bits("101"), bits("010")]
    );
}

#[test]
fn malformed_records_name_file_and_shot() {
    let err = |bytes: &[u8], format, width| {
        read_shots(bytes, format, width, "s.dat")
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err(b"0101\n011\n", ShotFormat::Zero1, 4),
        "s.dat: shot 2: line 2 has 3 bits, expected 4"
    );
    assert_eq!(
        err(b"0101\n01x1\n", ShotFormat::Zero1, 4),
        "s.dat: shot 2: line 2, column 3: stray character `x` (expected 0 or 1)"
    );
    assert_eq!(
        err(b"0101\n\n0101\n", ShotFormat::Zero1, 4),
        "s.dat: shot 2: line 2 has 0 bits, expected 4"
    );
    assert_eq!(
        err(&[1, 2, 3, 4, 5], ShotFormat::B8, 16),
        "s.dat: shot 3: the file ends after 1 of this shot's 2 bytes \
         (5 bytes is not a multiple of 2: 16 bits per shot)"
    );
    assert_eq!(
        err(&[0x10], ShotFormat::B8, 4),
        "s.dat: shot 1: padding bits after bit 4 are not zero (is the bit count right?)"
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    fn format() -> impl Strategy<Value = ShotFormat> {
        prop::sample::select(vec![ShotFormat::Zero1, ShotFormat::B8])
    }

    proptest! {
        #[test]
        fn written_shots_read_back(
            width in 0usize..40,
            seeds in prop::collection::vec(any::<u64>(), 0..20),
            format in format(),
        ) {
            let shots: Vec<BitVec> = seeds
                .iter()
                .map(|s| (0..width).map(|k| s >> (k % 64) & 1 == 1).collect())
                .collect();
            let bytes = write_shots(&shots, format, width);
            let back = read_shots(&bytes, format, width, "p").unwrap();
            // A file of 0-bit b8 shots is empty: it cannot say how many shots it held.
            if width == 0 && format == ShotFormat::B8 {
                prop_assert!(back.is_empty());
            } else {
                prop_assert_eq!(back, shots);
            }
        }

        #[test]
        fn reading_arbitrary_bytes_never_panics(
            bytes in prop::collection::vec(any::<u8>(), 0..200),
            width in 0usize..30,
            format in format(),
        ) {
            let _ = read_shots(&bytes, format, width, "fuzz");
        }
    }
}
