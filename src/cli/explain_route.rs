//! `brokerlab explain route`: which queues a message reaches, with the routing code the
//! RabbitMQ model uses (direct, fanout, topic, headers).

use crate::amqp::exchange::{Binding, Dest, Exchange, ExchangeKind, route};
use std::collections::BTreeMap;
use std::process::ExitCode;

/// The route request, from the command line.
#[derive(clap::Args, Debug)]
pub(super) struct RouteArgs {
    /// direct | fanout | topic | headers
    #[arg(long)]
    exchange: String,
    /// A binding, QUEUE=KEY (direct, topic, fanout) or QUEUE=name=value,name=value (headers:
    /// x-match=all|any|all-with-x|any-with-x; a name without =value matches on presence). Repeat.
    #[arg(long = "bind", required = true)]
    binds: Vec<String>,
    /// Message headers for a headers exchange, name=value,name=value (one per routing key, in order).
    #[arg(long = "headers")]
    headers: Vec<String>,
    /// Print JSON for scripts.
    #[arg(long)]
    json: bool,
    /// Routing keys (for headers: labels for the --headers lists).
    #[arg(required = true)]
    keys: Vec<String>,
}

fn pairs(s: &str) -> Vec<(String, Option<String>)> {
    s.split(',')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (p.to_string(), None),
        })
        .collect()
}

fn parse(a: &RouteArgs) -> Result<(ExchangeKind, Vec<Binding>), String> {
    let kind = match a.exchange.as_str() {
        "direct" => ExchangeKind::Direct,
        "fanout" => ExchangeKind::Fanout,
        "topic" => ExchangeKind::Topic,
        "headers" => ExchangeKind::Headers,
        other => return Err(format!("unknown exchange type \"{other}\": expected direct, fanout, topic or headers")),
    };
    let mut out = Vec::new();
    for b in &a.binds {
        let (q, rest) = b.split_once('=').unwrap_or((b.as_str(), ""));
        if q.is_empty() {
            return Err(format!("--bind {b}: expected QUEUE=KEY"));
        }
        let (key, args) = match kind {
            ExchangeKind::Headers => (String::new(), pairs(rest)),
            ExchangeKind::Direct | ExchangeKind::Fanout | ExchangeKind::Topic => (rest.to_string(), Vec::new()),
        };
        out.push(Binding { dest: Dest::Queue(q.to_string()), key, args });
    }
    Ok((kind, out))
}

pub(super) fn explain_route(a: RouteArgs) -> ExitCode {
    let (kind, bindings) = match parse(&a) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let queues: Vec<String> = bindings
        .iter()
        .filter_map(|b| match &b.dest {
            Dest::Queue(q) => Some(q.clone()),
            Dest::Exchange(_) => None,
        })
        .collect();
    let exchanges: BTreeMap<String, Exchange> =
        [("x".to_string(), Exchange { kind, bindings, alternate: None })].into();
    let exists = |q: &str| queues.iter().any(|x| x == q);
    let mut rows = Vec::new();
    for (i, k) in a.keys.iter().enumerate() {
        let headers: Vec<(String, String)> = a
            .headers
            .get(i)
            .map(|h| pairs(h).into_iter().map(|(k, v)| (k, v.unwrap_or_default())).collect())
            .unwrap_or_default();
        let r = route(&exchanges, &exists, "x", k, &headers);
        rows.push((k.clone(), r.queues.into_iter().collect::<Vec<_>>()));
    }
    if a.json {
        let v: Vec<serde_json::Value> =
            rows.iter().map(|(k, q)| serde_json::json!({"routing_key": k, "queues": q})).collect();
        crate::outln!("{}", serde_json::Value::Array(v));
    } else {
        crate::outln!("{} exchange:", a.exchange);
        for (k, q) in rows {
            let to = if q.is_empty() { "(no queue: dropped, or returned if mandatory)".into() } else { q.join(", ") };
            crate::outln!("  {:<24} → {to}", format!("\"{k}\""));
        }
    }
    ExitCode::SUCCESS
}
