//! Simulated time in microseconds. The engine never reads a wall clock.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A point in simulated time, microseconds since the start of the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

/// A span of simulated time in microseconds; in scenario files a string like "66ms".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dur(pub u64);

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);
    /// Later of the two.
    pub fn max(self, o: SimTime) -> SimTime {
        if o.0 > self.0 { o } else { self }
    }
    /// Time elapsed since `earlier` (zero if `earlier` is later).
    pub fn since(self, earlier: SimTime) -> Dur {
        Dur(self.0.saturating_sub(earlier.0))
    }
    /// Seconds as a float, for display and charts only (never for decisions).
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e6
    }
}

impl std::ops::Add<Dur> for SimTime {
    type Output = SimTime;
    fn add(self, d: Dur) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl Dur {
    /// No time at all.
    pub const ZERO: Dur = Dur(0);
    /// Whole milliseconds.
    pub const fn ms(ms: u64) -> Dur {
        Dur(ms * 1000)
    }
    /// Whole seconds.
    pub const fn secs(s: u64) -> Dur {
        Dur(s * 1_000_000)
    }
    /// Microseconds.
    pub const fn us(us: u64) -> Dur {
        Dur(us)
    }
    /// An exponential backoff before try `attempt` (from 1): this, doubled for each try
    /// after the first, at most `max` (K ExponentialBackoff, KIP-580; jitter is the caller's).
    pub fn backoff(self, attempt: u32, max: Dur) -> Dur {
        let shift = attempt.saturating_sub(1).min(20);
        Dur(self.0.saturating_mul(1 << shift).min(max.0))
    }
    /// Parses "250us", "66ms", "6s", "1.5s", "2m", "1h"; a bare "0" is zero.
    pub fn parse(s: &str) -> Result<Dur, String> {
        let s = s.trim();
        if s == "0" {
            return Ok(Dur(0));
        }
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("duration \"{s}\" has no unit (expected e.g. \"66ms\", \"6s\", \"2m\")"))?;
        let (num, unit) = s.split_at(split);
        let mult: u64 = match unit {
            "us" | "µs" => 1,
            "ms" => 1_000,
            "s" => 1_000_000,
            "m" | "min" => 60_000_000,
            "h" => 3_600_000_000,
            _ => {
                return Err(format!("duration \"{s}\": unknown unit \"{unit}\" (expected us, ms, s, m or h)"));
            }
        };
        let (int, frac) = num.split_once('.').unwrap_or((num, ""));
        if int.is_empty() && frac.is_empty() {
            return Err(format!("duration \"{s}\" has no number"));
        }
        let int: u64 =
            if int.is_empty() { 0 } else { int.parse().map_err(|_| format!("duration \"{s}\": bad number"))? };
        // Decimal fractions are exact: "1.5s" = 1_500_000 µs, never a float.
        let mut frac_us = 0u64;
        let mut scale = mult;
        for c in frac.chars() {
            let d = c.to_digit(10).ok_or_else(|| format!("duration \"{s}\": bad number"))? as u64;
            scale /= 10;
            frac_us += d * scale;
        }
        int.checked_mul(mult)
            .and_then(|v| v.checked_add(frac_us))
            .map(Dur)
            .ok_or_else(|| format!("duration \"{s}\" is too large"))
    }
}

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let us = self.0;
        if us == 0 {
            write!(f, "0s")
        } else if us.is_multiple_of(1_000_000) {
            write!(f, "{}s", us / 1_000_000)
        } else if us.is_multiple_of(1_000) {
            write!(f, "{}ms", us / 1_000)
        } else {
            write!(f, "{}us", us)
        }
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}s", self.0 / 1_000_000, (self.0 / 1000) % 1000)
    }
}

impl Serialize for Dur {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Dur, D::Error> {
        let s = String::deserialize(d)?;
        Dur::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_exact_fractions() {
        assert_eq!(Dur::parse("66ms"), Ok(Dur(66_000)));
        assert_eq!(Dur::parse("1.5s"), Ok(Dur(1_500_000)));
        assert_eq!(Dur::parse("2m"), Ok(Dur(120_000_000)));
        assert_eq!(Dur::parse("250us"), Ok(Dur(250)));
        assert_eq!(Dur::parse("0"), Ok(Dur(0)));
        assert!(Dur::parse("5").unwrap_err().contains("no unit"));
        assert!(Dur::parse("5 parsecs").is_err());
        assert!(Dur::parse("99999999999999999h").unwrap_err().contains("too large"));
    }

    #[test]
    fn displays_in_the_largest_whole_unit() {
        assert_eq!(Dur::secs(6).to_string(), "6s");
        assert_eq!(Dur::ms(66).to_string(), "66ms");
        assert_eq!(SimTime(41_200_000).to_string(), "41.200s");
    }
}
