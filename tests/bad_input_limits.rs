//! Inputs that used to hang, eat gigabytes or flood the terminal: each is now an error
//! with file:line:column (or, for a long Kafka key, simply fast).
// These tests bound how long a bad input may take, in wall time.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use brokerlab::runner::run_scenario;
use brokerlab::scenario::parse;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn err(src: &str) -> brokerlab::scenario::ScenarioError {
    let t = Instant::now();
    let e = parse(src, "bad.ron").expect_err("must be rejected");
    assert!(t.elapsed() < Duration::from_secs(1), "took {:?}", t.elapsed());
    e
}

const RABBIT: &str = r#"Scenario(
  name: "x",
  duration: "10s",
  cluster: (brokers: 0),
  rabbitmq: (queues: [(name: "q")], exchanges: [(name: "x", kind: Headers)],
             bindings: [(exchange: "x", queue: "q", args: [("format", Some("pdf"))])]),
  publishers: [(name: "p", exchange: "x", routing_keys: ["k"], headers: [("format", "pdf")],
                rate: PerSecond(1))],
)"#;

#[test]
fn publisher_rate_every_zero_is_rejected_at_the_rate() {
    parse(RABBIT, "ok.ron").expect("valid");
    let e = err(&RABBIT.replace("PerSecond(1)", "Every(\"0s\")"));
    assert_eq!((e.line, e.col), (8, 17), "{e}");
    assert!(e.msg.contains("publisher \"p\": messages would be less than 1us apart"), "{e}");
}

#[test]
fn publisher_rate_per_second_zero_is_rejected_like_a_producers() {
    let e = err(&RABBIT.replace("PerSecond(1)", "PerSecond(0)"));
    assert_eq!((e.line, e.col), (8, 17), "{e}");
    assert!(e.msg.contains("rate must be between 1 and 1000000 per second"), "{e}");
}

#[test]
fn publishers_count_against_the_message_budget() {
    let e = err(&RABBIT.replace("PerSecond(1)", "PerSecond(1000000)").replace("\"10s\"", "\"24h\""));
    assert!(e.msg.contains("limit is 20000000"), "{e}");
    assert_eq!(e.line, 7, "{e}");
}

#[test]
fn amqp_short_strings_over_255_bytes_are_rejected_where_they_are() {
    let long = "k".repeat(256);
    let e = err(&RABBIT.replace("[\"k\"]", &format!("[\"{long}\"]")));
    assert_eq!((e.line, e.col), (7, 59), "{e}");
    assert!(e.msg.contains("routing key") && e.msg.contains("256 bytes") && e.msg.contains("at most 255"), "{e}");
    parse(&RABBIT.replace("[\"k\"]", &format!("[\"{}\"]", "k".repeat(255))), "ok.ron").expect("255 bytes is fine");
    let e = err(&RABBIT
        .replace("(name: \"q\")", &format!("(name: \"{long}\")"))
        .replace("queue: \"q\"", &format!("queue: \"{long}\"")));
    assert!(e.msg.contains("queue name"), "{e}");
    assert_eq!(e.line, 5, "{e}");
    let e = err(&RABBIT.replace("(\"format\", \"pdf\")", &format!("(\"{long}\", \"pdf\")")));
    assert!(e.msg.contains("header name"), "{e}");
    assert_eq!(e.line, 7, "{e}");
}

#[test]
fn a_megabyte_routing_key_is_rejected_quickly() {
    let long = "r".repeat(1 << 19);
    let e = err(&RABBIT.replace("[\"k\"]", &format!("[\"{long}\"]")));
    assert!(e.msg.contains("at most 255"), "{e}");
    assert!(e.to_string().len() < 1000, "the error is {} bytes", e.to_string().len());
}

#[test]
fn a_utf8_byte_order_mark_is_accepted() {
    parse(&format!("\u{feff}{RABBIT}"), "bom.ron").expect("a BOM is not content");
    let e = err(&format!("\u{feff}{}", RABBIT.replace("PerSecond(1)", "PerSecond(0)")));
    assert_eq!((e.line, e.col), (8, 17), "{e}");
}

#[test]
fn errors_echo_at_most_about_200_characters_of_a_long_line() {
    let nested = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    let long_line =
        RABBIT.replace("routing_keys: [\"k\"]", &format!("routing_keys: [\"k\"], {}bogus: 1", " ".repeat(200_000)));
    for src in [RABBIT.replace("PerSecond(1)", &format!("PerSecond({nested})")), long_line] {
        let e = err(&src);
        let shown = e.to_string();
        assert!(shown.len() < 1200, "{} bytes shown:\n{}", shown.len(), &shown[..2000.min(shown.len())]);
        let caret_line = shown.lines().last().unwrap();
        let src_line = shown.lines().nth(shown.lines().count() - 2).unwrap();
        let caret = caret_line.chars().count() - 1;
        assert!(src_line.chars().count() > caret, "caret past the echo:\n{shown}");
    }
}

#[test]
fn a_long_fixed_kafka_key_is_hashed_once_not_per_record() {
    let key = "K".repeat(900_000);
    let src = format!(
        r#"Scenario(name: "k", duration: "10s",
  topics: [(name: "t", partitions: 3, replication_factor: 1)],
  producers: [(name: "p", topic: "t", rate: PerSecond(1000), key: Fixed("{key}"))],
  expect: [])"#
    );
    let sc = Arc::new(parse(&src, "key.ron").expect("a long key is valid"));
    let t = Instant::now();
    let r = run_scenario(sc.clone(), 1, None, None);
    assert!(!r.outcomes.iter().any(|o| !o.passed));
    // Hashing 900 kB for each of 10,000 records took several seconds.
    assert!(t.elapsed() < Duration::from_secs(3), "took {:?}", t.elapsed());
}

#[test]
fn distinct_keys_with_a_long_prefix_are_bounded_in_all() {
    // 500 keys of a 500 kB prefix built 250 MB of keys (found by the scenario fuzzer).
    let prefix = "é".repeat(250_000);
    let src = format!(
        r#"Scenario(name: "k", duration: "10s",
  topics: [(name: "t", partitions: 3, replication_factor: 1)],
  producers: [(name: "p", topic: "t", rate: PerSecond(10), key: Distinct(prefix: "{prefix}", count: 500))])"#
    );
    let e = err(&src);
    assert_eq!(e.line, 3, "{e}");
    assert!(e.msg.contains("the limit is 16777216 in all"), "{e}");
}
