//! What the benchmark tools share.

// A function is at most 80 lines (clippy.toml), as in the library: longer
// ones are split into named steps, so each reads in one screen.
#![warn(clippy::too_many_lines)]

/// One step of SplitMix64 over `state`: the generators' random numbers, so
/// a corpus is a pure function of its seed.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
