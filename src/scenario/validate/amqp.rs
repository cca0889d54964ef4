//! Semantic checks of the RabbitMQ side: exchanges, queues and bindings that must exist,
//! names that must be unique, arguments in range (the `rabbitmq`, `publishers` and
//! `amqp_consumers` sections).

use super::limits;
use crate::scenario::error::ScenarioError;
use crate::scenario::schema::{RabbitSpec, Scenario};

/// Upper bounds on the RabbitMQ topology.
pub const MAX_QUEUES: usize = 64;
/// Exchanges.
pub const MAX_EXCHANGES: usize = 64;
/// Bindings.
pub const MAX_BINDINGS: usize = 1024;
/// A content header must fit one frame; RabbitMQ's default frame_max (R rabbit.app.src).
pub const FRAME_MAX: usize = 131_072;

/// Checks the RabbitMQ side. `err` places a message near the anchors.
pub fn check_amqp(sc: &Scenario, err: &dyn Fn(&[&str], String) -> ScenarioError) -> Result<(), ScenarioError> {
    let Some(r) = &sc.rabbitmq else {
        if let Some(p) = sc.publishers.first() {
            return Err(err(
                &["publishers"],
                format!("publisher \"{}\" needs a `rabbitmq` broker in the scenario", p.name),
            ));
        }
        if let Some(c) = sc.amqp_consumers.first() {
            return Err(err(
                &["amqp_consumers"],
                format!("consumer \"{}\" needs a `rabbitmq` broker in the scenario", c.name),
            ));
        }
        return Ok(());
    };
    if r.queues.len() > MAX_QUEUES || r.exchanges.len() > MAX_EXCHANGES || r.bindings.len() > MAX_BINDINGS {
        return Err(err(
            &["rabbitmq"],
            format!("at most {MAX_QUEUES} queues, {MAX_EXCHANGES} exchanges and {MAX_BINDINGS} bindings"),
        ));
    }
    if sc.publishers.len() + sc.amqp_consumers.len() > limits::CLIENTS {
        return Err(err(
            &["publishers"],
            format!("at most {} publishers and AMQP consumers together", limits::CLIENTS),
        ));
    }
    check_short_strings(sc, r, err)?;
    check_exchanges(r, err)?;
    check_queues(r, err)?;
    check_bindings(r, err)?;
    check_publishers(sc, r, err)?;
    check_consumers(sc, r, err)
}

/// Whether `r` declares the exchange `n`.
fn has_exchange(r: &RabbitSpec, n: &str) -> bool {
    r.exchanges.iter().any(|e| e.name == n)
}

/// Whether `r` declares the queue `n`.
fn has_queue(r: &RabbitSpec, n: &str) -> bool {
    r.queues.iter().any(|q| q.name == n)
}

/// The declared exchanges, for error messages.
fn exchange_names(r: &RabbitSpec) -> String {
    r.exchanges.iter().map(|e| e.name.as_str()).collect::<Vec<_>>().join(", ")
}

/// The declared queues, for error messages.
fn queue_names(r: &RabbitSpec) -> String {
    r.queues.iter().map(|q| q.name.as_str()).collect::<Vec<_>>().join(", ")
}

/// Exchanges: named, unique, their alternate exchange declared.
fn check_exchanges(r: &RabbitSpec, err: &dyn Fn(&[&str], String) -> ScenarioError) -> Result<(), ScenarioError> {
    for (i, e) in r.exchanges.iter().enumerate() {
        let at = format!("\"{}\"", e.name);
        if e.name.is_empty() || r.exchanges[..i].iter().any(|o| o.name == e.name) {
            return Err(err(
                &["exchanges", &at],
                format!("exchange \"{}\" is empty or defined twice (\"\" is the default exchange)", e.name),
            ));
        }
        if let Some(a) = &e.alternate
            && !has_exchange(r, a)
        {
            return Err(err(
                &["exchanges", &at],
                format!("exchange \"{}\": alternate exchange \"{a}\" is not defined", e.name),
            ));
        }
    }
    Ok(())
}

/// Queues: named, unique, their dead-letter exchange declared, able to hold something.
fn check_queues(r: &RabbitSpec, err: &dyn Fn(&[&str], String) -> ScenarioError) -> Result<(), ScenarioError> {
    for (i, q) in r.queues.iter().enumerate() {
        let at = format!("\"{}\"", q.name);
        if q.name.is_empty() || r.queues[..i].iter().any(|o| o.name == q.name) {
            return Err(err(&["queues", &at], format!("queue \"{}\" is empty or defined twice", q.name)));
        }
        if let Some(x) = &q.dead_letter_exchange
            && !x.is_empty()
            && !has_exchange(r, x)
        {
            return Err(err(
                &["queues", &at],
                format!(
                    "queue \"{}\": dead-letter exchange \"{x}\" is not defined (exchanges: {})",
                    q.name,
                    exchange_names(r)
                ),
            ));
        }
        if q.max_length == Some(0) && q.max_length_bytes == Some(0) {
            return Err(err(
                &["queues", &at],
                "a queue with max_length 0 and max_length_bytes 0 can hold nothing".into(),
            ));
        }
    }
    Ok(())
}

/// Bindings: from a declared exchange to exactly one declared queue or exchange.
fn check_bindings(r: &RabbitSpec, err: &dyn Fn(&[&str], String) -> ScenarioError) -> Result<(), ScenarioError> {
    for b in &r.bindings {
        let at = format!("\"{}\"", b.exchange);
        if !has_exchange(r, &b.exchange) {
            return Err(err(
                &["bindings", &at],
                format!("binding from \"{}\": no such exchange (exchanges: {})", b.exchange, exchange_names(r)),
            ));
        }
        match (&b.queue, &b.to_exchange) {
            (Some(q), None) if has_queue(r, q) => {}
            (None, Some(x)) if has_exchange(r, x) => {}
            (Some(q), None) => {
                return Err(err(
                    &["bindings", &at],
                    format!("binding to queue \"{q}\": no such queue (queues: {})", queue_names(r)),
                ));
            }
            (None, Some(x)) => {
                return Err(err(&["bindings", &at], format!("binding to exchange \"{x}\": no such exchange")));
            }
            (Some(_), Some(_)) | (None, None) => {
                return Err(err(&["bindings", &at], "a binding names exactly one of `queue` or `to_exchange`".into()));
            }
        }
    }
    Ok(())
}

/// Publishers: a declared exchange, headers that fit a frame, at least one routing key.
fn check_publishers(
    sc: &Scenario,
    r: &RabbitSpec,
    err: &dyn Fn(&[&str], String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    for p in &sc.publishers {
        if !p.exchange.is_empty() && !has_exchange(r, &p.exchange) {
            return Err(err(
                &["publishers", &format!("\"{}\"", p.name)],
                format!("publisher \"{}\": exchange \"{}\" is not defined", p.name, p.exchange),
            ));
        }
        let header_bytes: usize = p.headers.iter().map(|(k, v)| k.len() + v.len()).sum();
        if header_bytes > FRAME_MAX {
            return Err(err(
                &["publishers", &format!("\"{}\"", p.name), "headers"],
                format!(
                    "publisher \"{}\": headers of {header_bytes} bytes do not fit one frame (frame_max {FRAME_MAX})",
                    p.name
                ),
            ));
        }
        if p.routing_keys.is_empty() {
            return Err(err(
                &["publishers", &format!("\"{}\"", p.name)],
                "`routing_keys` needs at least one key (\"\" is a key)".into(),
            ));
        }
    }
    Ok(())
}

/// AMQP consumers: a declared queue, a probability between 0 and 1.
fn check_consumers(
    sc: &Scenario,
    r: &RabbitSpec,
    err: &dyn Fn(&[&str], String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    for c in &sc.amqp_consumers {
        let at = format!("\"{}\"", c.name);
        if !has_queue(r, &c.queue) {
            return Err(err(
                &["amqp_consumers", &at],
                format!("consumer \"{}\": queue \"{}\" is not defined (queues: {})", c.name, c.queue, queue_names(r)),
            ));
        }
        if !(0.0..=1.0).contains(&c.transient_probability) {
            return Err(err(
                &["transient_probability"],
                format!("`transient_probability` is between 0 and 1, got {}", c.transient_probability),
            ));
        }
    }
    Ok(())
}

/// AMQP 0-9-1 short strings (exchange and queue names, routing and binding keys, header
/// names) are at most 255 bytes: the length is one octet on the wire.
pub const SHORT_STRING: usize = 255;

/// Rejects any short string longer than the wire format allows; the error points at it.
fn check_short_strings(
    sc: &Scenario,
    r: &RabbitSpec,
    err: &dyn Fn(&[&str], String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    let mut all: Vec<(&str, &str)> = Vec::new();
    for e in &r.exchanges {
        all.push(("exchange name", e.name.as_str()));
        all.extend(e.alternate.as_deref().map(|a| ("alternate exchange", a)));
    }
    for q in &r.queues {
        all.push(("queue name", q.name.as_str()));
        all.extend(q.dead_letter_exchange.as_deref().map(|x| ("dead-letter exchange", x)));
        all.extend(q.dead_letter_routing_key.as_deref().map(|k| ("dead-letter routing key", k)));
    }
    for b in &r.bindings {
        all.extend([("exchange name", b.exchange.as_str()), ("binding key", b.key.as_str())]);
        all.extend(b.queue.as_deref().map(|q| ("queue name", q)));
        all.extend(b.to_exchange.as_deref().map(|x| ("exchange name", x)));
        all.extend(b.args.iter().map(|(k, _)| ("header name", k.as_str())));
    }
    for p in &sc.publishers {
        all.push(("exchange name", p.exchange.as_str()));
        all.extend(p.routing_keys.iter().map(|k| ("routing key", k.as_str())));
        all.extend(p.headers.iter().map(|(k, _)| ("header name", k.as_str())));
    }
    for c in &sc.amqp_consumers {
        all.push(("queue name", c.queue.as_str()));
        all.extend(c.poison_keys.iter().map(|k| ("routing key", k.as_str())));
    }
    match all.into_iter().find(|(_, s)| s.len() > SHORT_STRING) {
        Some((what, s)) => {
            let start: String = s.chars().take(20).collect();
            // Point at the string itself: its first characters, up to any escape.
            let anchor: String = s.chars().take_while(|c| *c != '\\' && *c != '"').take(32).collect();
            Err(err(
                &[&anchor],
                format!(
                    "this {what} (\"{start}…\") is {} bytes; AMQP short strings are at most {SHORT_STRING}",
                    s.len()
                ),
            ))
        }
        None => Ok(()),
    }
}
