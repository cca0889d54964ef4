//! AMQP 0-9-1 routing as RabbitMQ does it (SEMANTICS §2.1–2.2): the default exchange,
//! direct, fanout, topic and headers exchanges, exchange-to-exchange bindings (each
//! exchange visited once), alternate exchanges, and a de-duplicated set of queues.
//! Pure functions: the broker node and `brokerlab explain route` share them.

use std::collections::{BTreeMap, BTreeSet};

/// An exchange type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ExchangeKind {
    /// The routing key equals the binding key.
    Direct,
    /// Every bound queue.
    Fanout,
    /// Dot-separated words; `*` is one word, `#` zero or more.
    Topic,
    /// Binding arguments against message headers (`x-match`).
    Headers,
}

/// A binding's destination.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dest {
    /// A queue.
    Queue(String),
    /// Another exchange (exchange-to-exchange binding).
    Exchange(String),
}

/// A binding from an exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// Where matching messages go.
    pub dest: Dest,
    /// Binding key (direct, topic).
    pub key: String,
    /// Binding arguments (headers exchange: `x-match` and the values to compare).
    pub args: Vec<(String, Option<String>)>,
}

/// An exchange with its bindings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// Type.
    pub kind: ExchangeKind,
    /// Bindings in declaration order.
    pub bindings: Vec<Binding>,
    /// alternate-exchange: where unroutable messages go instead.
    pub alternate: Option<String>,
}

/// Splits a routing or binding key on every '.'; "" is zero words, empty words count.
pub fn words(key: &str) -> Vec<&str> {
    if key.is_empty() { Vec::new() } else { key.split('.').collect() }
}

/// RabbitMQ's topic match (R rabbit_db_topic_exchange trie_match): `*` is exactly one
/// word, `#` zero or more, only as whole words. Dynamic programming over (filter, words),
/// so `#.#.#…` never explodes.
pub fn topic_matches(binding: &str, routing_key: &str) -> bool {
    let f = words(binding);
    let w = words(routing_key);
    // ok[i][j]: filter[i..] matches words[j..].
    let mut ok = vec![vec![false; w.len() + 1]; f.len() + 1];
    ok[f.len()][w.len()] = true;
    for i in (0..f.len()).rev() {
        for j in (0..=w.len()).rev() {
            ok[i][j] = match f[i] {
                "#" => ok[i + 1][j] || (j < w.len() && ok[i][j + 1]),
                "*" => j < w.len() && ok[i + 1][j + 1],
                lit => j < w.len() && w[j] == lit && ok[i + 1][j + 1],
            };
        }
    }
    ok[0][0]
}

/// RabbitMQ's headers match (R rabbit_exchange_type_headers): `x-match` all (default),
/// any, all-with-x, any-with-x; a `None` argument value (AMQP void) matches on presence.
pub fn headers_match(args: &[(String, Option<String>)], headers: &[(String, String)]) -> bool {
    let mode = args.iter().find(|(k, _)| k == "x-match").and_then(|(_, v)| v.clone()).unwrap_or_else(|| "all".into());
    let with_x = mode.ends_with("-with-x");
    let compared = args.iter().filter(|(k, _)| k != "x-match" && (with_x || !k.starts_with("x-")));
    let visible = |k: &str| with_x || !k.starts_with("x-");
    let one = |(k, v): &(String, Option<String>)| {
        headers.iter().any(|(hk, hv)| hk == k && visible(hk) && v.as_ref().is_none_or(|v| v == hv))
    };
    let results: Vec<bool> = compared.map(one).collect();
    if mode.starts_with("any") { results.iter().any(|&b| b) } else { results.iter().all(|&b| b) }
}

fn binding_matches(kind: ExchangeKind, b: &Binding, key: &str, headers: &[(String, String)]) -> bool {
    match kind {
        ExchangeKind::Direct => b.key == key,
        ExchangeKind::Fanout => true,
        ExchangeKind::Topic => topic_matches(&b.key, key),
        ExchangeKind::Headers => headers_match(&b.args, headers),
    }
}

/// What routing decided.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Routed {
    /// Destination queues, each once, in name order.
    pub queues: BTreeSet<String>,
    /// An alternate exchange was used.
    pub via_alternate: bool,
}

/// Routes a message published to `exchange` with `key` and `headers`. The default
/// exchange "" routes to the queue named by the key when it exists (`queue_exists`).
pub fn route(
    exchanges: &BTreeMap<String, Exchange>,
    queue_exists: &dyn Fn(&str) -> bool,
    exchange: &str,
    key: &str,
    headers: &[(String, String)],
) -> Routed {
    let mut out = Routed::default();
    if exchange.is_empty() {
        if queue_exists(key) {
            out.queues.insert(key.to_string());
        }
        return out;
    }
    let mut visited = BTreeSet::new();
    let mut todo = vec![exchange.to_string()];
    while let Some(x) = todo.pop() {
        if !visited.insert(x.clone()) {
            continue;
        }
        let Some(ex) = exchanges.get(&x) else { continue };
        let mut matched = false;
        for b in ex.bindings.iter().filter(|b| binding_matches(ex.kind, b, key, headers)) {
            match &b.dest {
                // A deleted queue's bindings went with it: this one matches nothing.
                Dest::Queue(q) if !queue_exists(q) => continue,
                Dest::Queue(q) => {
                    out.queues.insert(q.clone());
                }
                Dest::Exchange(e) => todo.push(e.clone()),
            }
            matched = true;
        }
        // R rabbit_exchange process_alternate: an exchange whose bindings matched nothing
        // hands the message to its alternate exchange (each exchange still visited once).
        if !matched && let Some(alt) = &ex.alternate {
            out.via_alternate = true;
            todo.push(alt.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_edge_cases_from_semantics() {
        for (b, k, want) in [
            ("#", "", true),
            ("#.#", "", true),
            ("", "", true),
            ("*", "", false),
            ("*.#", "", false),
            ("#.b", "a.b", true),
            ("a.#.b", "a.b", true),
            ("a.#.b", "a.b.b", true),
            ("a.#.b", "a.b.c", false),
            ("#.c", "c", true),
            ("a.#", "a", true),
            ("a.*", "a.", true),
            ("a.*", "a", false),
            ("a#b", "a#b", true),
            ("a#b", "axb", false),
        ] {
            assert_eq!(topic_matches(b, k), want, "binding {b:?} routing key {k:?}");
        }
    }
}
