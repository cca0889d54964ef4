//! Per-node random streams. Every node owns one ChaCha8 stream derived from
//! (seed, node id), so adding a node never shifts the randomness of the others.
//! Decisions use integer arithmetic or IEEE basic operations only (no libm), so the
//! same seed gives the same numbers on every machine.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

/// A deterministic random stream owned by one node.
#[derive(Clone, Debug)]
pub struct NodeRng(ChaCha8Rng);

impl NodeRng {
    /// The stream for `stream_id` under `seed`: the ChaCha key comes from the seed, the
    /// ChaCha stream number from the id.
    pub fn new(seed: u64, stream_id: u64) -> NodeRng {
        let mut r = ChaCha8Rng::seed_from_u64(seed);
        r.set_stream(stream_id);
        NodeRng(r)
    }

    /// 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `0..n` without modulo bias (Lemire's method); `n` must be > 0.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below(0)");
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = (self.next_u64() as u128) * (n as u128);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }

    /// True with probability `ppm` per million.
    pub fn chance_ppm(&mut self, ppm: u32) -> bool {
        ppm > 0 && self.below(1_000_000) < ppm as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn uniform(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo { lo } else { lo + self.below(hi - lo + 1) }
    }

    /// Approximately normal (Irwin–Hall: sum of 12 uniforms), integer-only, clipped
    /// to `min..=max`.
    pub fn normal(&mut self, mean: u64, sd: u64, min: u64, max: u64) -> u64 {
        let mut sum: i128 = 0;
        for _ in 0..12 {
            sum += self.below(1_000_000) as i128;
        }
        let z = sum - 6_000_000; // standard normal × 1e6
        let v = mean as i128 + z * sd as i128 / 1_000_000;
        v.clamp(min as i128, max.max(min) as i128) as u64
    }

    /// Exponentially distributed with the given mean (Poisson inter-arrival times).
    pub fn exponential(&mut self, mean: u64) -> u64 {
        // u in (0, 1]; -ln(u) computed with basic IEEE operations only.
        let u = ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64;
        let v = -ln(u) * mean as f64;
        if v >= 1.0e18 { 1_000_000_000_000_000_000 } else { v as u64 }
    }
}

/// Natural logarithm for x in (0, 1], from + − × ÷ only, so it rounds identically on
/// every IEEE-754 machine: x = m·2^e with m in [1, 2), ln m = 2·atanh((m−1)/(m+1)).
fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    let z = (m - 1.0) / (m + 1.0);
    let z2 = z * z;
    let mut term = z;
    let mut sum = 0.0;
    let mut k = 1.0;
    while k < 60.0 {
        sum += term / k;
        term *= z2;
        k += 2.0;
    }
    2.0 * sum + exp as f64 * std::f64::consts::LN_2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_and_stream_repeat_and_streams_differ() {
        let mut a = NodeRng::new(7, 3);
        let mut b = NodeRng::new(7, 3);
        let mut c = NodeRng::new(7, 4);
        let va: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let vb: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        let vc: Vec<u64> = (0..8).map(|_| c.next_u64()).collect();
        assert_eq!(va, vb);
        assert_ne!(va, vc);
    }

    #[test]
    fn ln_matches_the_library_closely() {
        for &x in &[1.0, 0.5, 0.1, 1e-9, 0.999_999, 0.3333] {
            assert!((ln(x) - x.ln()).abs() < 1e-12, "ln({x})");
        }
    }

    #[test]
    fn exponential_mean_is_close() {
        let mut r = NodeRng::new(1, 1);
        let n = 20_000;
        let total: u64 = (0..n).map(|_| r.exponential(1000)).sum();
        let mean = total / n;
        assert!((950..1050).contains(&mean), "mean {mean}");
    }

    #[test]
    fn normal_is_clipped() {
        let mut r = NodeRng::new(1, 2);
        for _ in 0..1000 {
            let v = r.normal(1000, 500, 800, 1200);
            assert!((800..=1200).contains(&v));
        }
    }
}
