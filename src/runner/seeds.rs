//! More seeds for a scenario: `brokerlab check --seeds N` runs each scenario on its own seed
//! and on N seeds derived from it, so a bound tuned to one seed's luck shows up. The seeds
//! come from a SplitMix64 sequence started at the scenario's seed, kept below 1,000,000 so
//! the reproducer commands stay short; the same scenario seed always gives the same list.

/// Largest derived seed, exclusive.
pub const BELOW: u64 = 1_000_000;

/// One SplitMix64 step: advances `state` and returns the next output.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `n` distinct seeds derived from `seed`, none equal to it.
pub fn derived(seed: u64, n: usize) -> Vec<u64> {
    let mut state = seed;
    let mut out: Vec<u64> = Vec::with_capacity(n);
    while out.len() < n {
        let s = splitmix64(&mut state) % BELOW;
        if s != seed && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// The scenario's seed, then `n` derived ones.
pub fn with_derived(seed: u64, n: usize) -> Vec<u64> {
    std::iter::once(seed).chain(derived(seed, n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_seeds_repeat_differ_from_the_seed_and_from_each_other() {
        let a = derived(21, 50);
        assert_eq!(a, derived(21, 50), "the same scenario seed gives the same list");
        assert_eq!(&derived(21, 5)[..], &a[..5], "a longer list extends a shorter one");
        assert!(!a.contains(&21) && a.iter().all(|&s| s < BELOW));
        let mut sorted = a.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 50);
        assert_ne!(derived(22, 5), derived(21, 5), "another scenario seed, other seeds");
        assert_eq!(with_derived(7, 3)[0], 7);
    }
}
