//! Rates and the message budget. Every source of messages (Kafka producers and AMQP
//! publishers alike) must space its messages at least 1us apart, and all of them together
//! stay under `limits::MESSAGES`, so no scenario can spin at one instant or exhaust memory.

use super::limits;
use crate::scenario::error::ScenarioError;
use crate::scenario::schema::{KeySpec, Rate, Scenario};
use crate::sim::Dur;

/// Largest rate, per second.
pub const MAX_PER_SECOND: u32 = 1_000_000;

/// Microseconds between messages of a source with `keys` keys, or why the rate is invalid.
/// `distinct` says whether the keys are `Distinct(…)` (the only ones PerKeyEvery accepts).
pub fn interval_us(rate: &Rate, keys: u64, distinct: bool) -> Result<u64, String> {
    let us = match rate {
        Rate::PerSecond(r) | Rate::Poisson(r) if *r == 0 || *r > MAX_PER_SECOND => {
            return Err(format!("rate must be between 1 and {MAX_PER_SECOND} per second"));
        }
        Rate::PerSecond(r) | Rate::Poisson(r) => 1_000_000 / *r as u64,
        Rate::Every(d) => d.0,
        Rate::PerKeyEvery(_) if !distinct => {
            return Err("PerKeyEvery needs `key: Distinct(prefix: …, count: …)` (a Kafka producer)".into());
        }
        Rate::PerKeyEvery(d) => d.0 / keys.max(1),
    };
    if us == 0 {
        return Err("messages would be less than 1us apart".into());
    }
    Ok(us)
}

/// How many messages a source creates in a run at most.
fn messages(sc: &Scenario, interval_us: u64, start: Dur, stop: Option<Dur>, max: Option<u64>) -> u64 {
    let active = stop.unwrap_or(sc.duration).min(sc.duration).0.saturating_sub(start.0);
    (active / interval_us + 1).min(max.unwrap_or(u64::MAX))
}

/// Keys of a producer, and whether they are `Distinct`.
pub fn producer_keys(key: &KeySpec) -> (u64, bool) {
    match key {
        KeySpec::None | KeySpec::Fixed(_) => (1, false),
        KeySpec::Random(l) | KeySpec::RoundRobin(l) => (l.len() as u64, false),
        KeySpec::Distinct { count, .. } => (*count as u64, true),
    }
}

/// Bytes of all keys a producer uses (each `Distinct` key is its prefix and a number).
pub fn key_bytes(key: &KeySpec) -> u64 {
    match key {
        KeySpec::None => 0,
        KeySpec::Fixed(k) => k.len() as u64,
        KeySpec::Random(l) | KeySpec::RoundRobin(l) => l.iter().map(|k| k.len() as u64).sum(),
        KeySpec::Distinct { prefix, count } => (prefix.len() as u64 + 10) * *count as u64,
    }
}

/// Checks every publisher's rate (as producers' are checked) and that producers and
/// publishers together stay within the budget. Rates of producers were checked before.
pub fn check_budget(sc: &Scenario, err: &dyn Fn(&[&str], String) -> ScenarioError) -> Result<(), ScenarioError> {
    let mut total = 0u64;
    for p in &sc.producers {
        let (keys, distinct) = producer_keys(&p.key);
        let Ok(us) = interval_us(&p.rate, keys, distinct) else { continue };
        total = total.saturating_add(messages(sc, us, p.start, p.stop, p.max_messages));
    }
    for p in &sc.publishers {
        let name = format!("\"{}\"", p.name);
        let us = interval_us(&p.rate, 1, false)
            .map_err(|m| err(&["publishers", &name, "rate"], format!("publisher \"{}\": {m}", p.name)))?;
        total = total.saturating_add(messages(sc, us, p.start, p.stop, p.max_messages));
    }
    if total > limits::MESSAGES {
        let at = if sc.producers.is_empty() { "publishers" } else { "producers" };
        return Err(err(
            &[at],
            format!(
                "the producers and publishers would create about {total} messages; the limit is {} per run \
                 (lower the rates or the duration)",
                limits::MESSAGES
            ),
        ));
    }
    Ok(())
}
