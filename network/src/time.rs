//! Simulated time and the serialization formula.

/// Simulated time in femtoseconds.
pub type Time = u64;

/// Femtoseconds in one second.
pub const FS_PER_SECOND: u128 = 1_000_000_000_000_000;

/// Time to clock `bits` onto a link of `bandwidth` bits per second:
/// `ceil(bits * 1e15 / bandwidth)` femtoseconds, saturating at `Time::MAX`.
///
/// `bandwidth` must be non-zero (configuration validation guarantees it).
pub fn serialization_time(bits: u64, bandwidth: u64) -> Time {
    const FS: u64 = FS_PER_SECOND as u64;
    if let Some(product) = bits.checked_mul(FS) {
        return product.div_ceil(bandwidth.max(1));
    }
    let fs = (u128::from(bits) * FS_PER_SECOND).div_ceil(u128::from(bandwidth.max(1)));
    Time::try_from(fs).unwrap_or(Time::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bit_at_one_gigabit_is_one_nanosecond() {
        assert_eq!(serialization_time(1, 1_000_000_000), 1_000_000);
    }

    #[test]
    fn non_dividing_bandwidth_rounds_up() {
        // 1 bit at 3 bit/s = 333_333_333_333_333.33.. fs -> rounded up.
        assert_eq!(serialization_time(1, 3), 333_333_333_333_334);
        assert_eq!(serialization_time(3, 3), 1_000_000_000_000_000);
    }

    #[test]
    fn wide_and_narrow_paths_agree() {
        // 18_446 bits is the last size whose product with 1e15 fits in 64 bits.
        for bits in [18_446, 18_447, 1 << 20] {
            let exact = (u128::from(bits) * FS_PER_SECOND).div_ceil(7_000_000_007);
            assert_eq!(u128::from(serialization_time(bits, 7_000_000_007)), exact);
        }
    }

    #[test]
    fn huge_values_saturate() {
        assert_eq!(serialization_time(u64::MAX, 1), Time::MAX);
    }
}
