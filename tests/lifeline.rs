//! Lifelines of shipped scenarios: one message's hops in time order between the right
//! nodes (Kafka: produce, replicate, ack, fetch, commit, dead-letter, re-drive; RabbitMQ:
//! publish, deliver, nack, dead-letter through the DLX), bounded in size, and the command
//! line that prints them or draws them as SVG.

use brokerlab::runner::lifeline::model::MAX_STEPS;
use brokerlab::runner::lifeline::{Hop, HopKind, Lifeline, MarkKind, svg, trace_message};
use brokerlab::scenario::load_file;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

fn scenario(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)
}

fn lifeline(file: &str, id: &str) -> Lifeline {
    let sc = Arc::new(load_file(&scenario(file)).unwrap_or_else(|e| panic!("{e}")));
    trace_message(sc.clone(), sc.seed, None, id).unwrap_or_else(|e| panic!("{e}"))
}

fn hops(l: &Lifeline, kind: HopKind) -> Vec<&Hop> {
    l.hops.iter().filter(|h| h.kind == kind).collect()
}

fn lane(l: &Lifeline, i: usize) -> &str {
    &l.lanes[i]
}

fn brokerlab(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_brokerlab")).args(args).output().expect("the binary runs")
}

#[test]
fn an_acks_all_record_is_produced_appended_replicated_then_acked() {
    let l = lifeline("04_failover_acks_all.ron", "checkout#5");
    assert_eq!(l.lanes, ["checkout", "broker-1", "broker-2", "broker-3", "billing"]);
    let produce = hops(&l, HopKind::Produce);
    assert_eq!(produce.len(), 1, "{}", l.to_text());
    let leader = produce[0].to_lane;
    assert_eq!(lane(&l, produce[0].from_lane), "checkout");
    let append = l.marks.iter().find(|m| m.kind == MarkKind::Append).expect("an append");
    assert_eq!((append.lane, append.at), (leader, produce[0].arrived), "the leader appends on arrival");
    let replicas = hops(&l, HopKind::Replicate);
    let mut followers: Vec<&str> = replicas.iter().map(|h| lane(&l, h.to_lane)).collect();
    followers.sort();
    let mut expected: Vec<&str> =
        ["broker-1", "broker-2", "broker-3"].into_iter().filter(|b| *b != lane(&l, leader)).collect();
    expected.sort();
    assert_eq!(followers, expected, "replicated from the leader to both followers");
    assert!(replicas.iter().all(|h| h.from_lane == leader && h.sent >= append.at && h.arrived > append.at));
    let hw = l.marks.iter().find(|m| m.kind == MarkKind::HwAdvance).expect("the HW passes it");
    assert!(replicas.iter().all(|h| h.arrived <= hw.at), "committed once both followers have it");
    let ack = hops(&l, HopKind::Ack);
    assert_eq!(ack.len(), 1);
    assert_eq!((ack[0].from_lane, lane(&l, ack[0].to_lane)), (leader, "checkout"));
    assert!(ack[0].sent_exact && ack[0].sent == hw.at, "acks=all: the response leaves when the HW passes it");
    assert!(ack[0].arrived > hw.at);
    let fetch = hops(&l, HopKind::Fetch);
    assert_eq!(fetch.len(), 1);
    assert_eq!(lane(&l, fetch[0].to_lane), "billing");
    assert!(fetch[0].sent >= hw.at, "consumers read below the HW only");
}

#[test]
fn a_record_produced_during_the_failover_goes_to_the_new_leader() {
    let l = lifeline("04_failover_acks_all.ron", "checkout#502");
    let errors = l.marks.iter().filter(|m| m.kind == MarkKind::ProduceError).count();
    assert!(errors >= 3, "the crashed leader refuses it several times:\n{}", l.to_text());
    let produce = hops(&l, HopKind::Produce);
    assert_eq!(produce.len(), 1);
    assert_eq!(lane(&l, produce[0].to_lane), "broker-2", "the next in-sync replica took over");
    let last_error = l.marks.iter().filter(|m| m.kind == MarkKind::ProduceError).map(|m| m.at).max();
    assert!(Some(produce[0].sent) >= last_error, "the successful attempt left after the last failure");
    assert_eq!(lane(&l, hops(&l, HopKind::Ack)[0].from_lane), "broker-2");
}

#[test]
fn an_unclean_election_shows_where_an_acknowledged_record_is_lost() {
    let l = lifeline("07_unclean_election.ron", "app#300");
    assert_eq!(hops(&l, HopKind::Ack).len(), 1, "it was acknowledged");
    let lost = l.marks.iter().find(|m| m.kind == MarkKind::Lost).expect("a loss mark");
    assert_eq!(lane(&l, lost.lane), "broker-2");
    assert!(lost.text.contains("unclean"), "{}", lost.text);
}

#[test]
fn a_poison_record_is_dead_lettered_then_re_driven_and_processed() {
    let l = lifeline("13_poison_dlq_redrive.ron", "api#2");
    let fails = l.marks.iter().filter(|m| m.kind == MarkKind::Failed).count();
    assert_eq!(fails, 3, "three attempts in place");
    let dead = hops(&l, HopKind::DeadLetter);
    assert_eq!(dead.len(), 1, "{}", l.to_text());
    assert_eq!(lane(&l, dead[0].from_lane), "p1");
    assert!(dead[0].text.contains("payments.dlq-0"), "{}", dead[0].text);
    let redrive = hops(&l, HopKind::Redrive);
    assert_eq!(redrive.len(), 1);
    assert_eq!(lane(&l, redrive[0].from_lane), "redriver");
    assert!(redrive[0].arrived > dead[0].arrived);
    let processed = l.marks.iter().find(|m| m.kind == MarkKind::Processed).expect("processed in the end");
    assert!(processed.at > redrive[0].arrived && lane(&l, processed.lane) == "p1");
    let acks_to_consumers = hops(&l, HopKind::Ack).iter().filter(|h| lane(&l, h.to_lane) != "api").count();
    assert_eq!(acks_to_consumers, 2, "the dead letter and the re-drive are each acknowledged");
    let commit = hops(&l, HopKind::Commit);
    assert!(!commit.is_empty() && lane(&l, commit[0].to_lane) == "broker-3", "group payer's coordinator stores it");
}

#[test]
fn a_rejected_rabbitmq_message_is_dead_lettered_through_the_dlx() {
    let l = lifeline("24_rabbit_requeue_vs_dlx.ron", "api#9");
    assert_eq!(l.lanes, ["api", "rabbit/requeue-loop", "rabbit/with-dlx", "rabbit/parking", "dlx-worker"]);
    assert_eq!(hops(&l, HopKind::Publish).len(), 2, "the fanout routes it into both queues");
    let deliver = hops(&l, HopKind::Deliver);
    assert_eq!(deliver.len(), 1);
    assert!(deliver[0].arrived_exact && deliver[0].arrived > deliver[0].sent, "an idle consumer starts on arrival");
    let nack = hops(&l, HopKind::Nack);
    assert_eq!((nack.len(), lane(&l, nack[0].from_lane)), (1, "dlx-worker"));
    let dead = hops(&l, HopKind::DeadLetter);
    assert_eq!(dead.len(), 1);
    assert_eq!((lane(&l, dead[0].from_lane), lane(&l, dead[0].to_lane)), ("rabbit/with-dlx", "rabbit/parking"));
    assert_eq!(dead[0].sent, nack[0].arrived, "the reject dead-letters it at once");
    assert!(dead[0].text.contains("rejected"), "{}", dead[0].text);
}

#[test]
fn a_message_requeued_forever_stops_at_the_size_cap() {
    let l = lifeline("24_rabbit_requeue_vs_dlx.ron", "api#4");
    assert_eq!(l.hops.len() + l.marks.len(), MAX_STEPS);
    assert!(l.dropped > 0);
    assert!(hops(&l, HopKind::Nack).iter().any(|h| h.text.contains("requeue")));
    assert!(l.to_text().contains("later steps not kept"));
}

/// Every tag closed in order (self-closing ones aside); the text between tags has no raw `<`.
fn balanced(svg: &str) -> Result<(), String> {
    let mut open: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find('<') {
        let j = rest[i..].find('>').ok_or("a tag never ends")? + i;
        let tag = &rest[i + 1..j];
        if let Some(name) = tag.strip_prefix('/') {
            let top = open.pop().ok_or(format!("</{name}> closes nothing"))?;
            if top != name {
                return Err(format!("</{name}> closes <{top}>"));
            }
        } else if !tag.ends_with('/') && !tag.starts_with('?') {
            open.push(tag.split_whitespace().next().unwrap_or("").to_string());
        }
        rest = &rest[j + 1..];
    }
    if open.is_empty() { Ok(()) } else { Err(format!("never closed: {open:?}")) }
}

#[test]
fn the_svg_is_well_formed_and_names_every_lane() {
    for (file, id) in [("13_poison_dlq_redrive.ron", "api#2"), ("24_rabbit_requeue_vs_dlx.ron", "api#4")] {
        let l = lifeline(file, id);
        let s = svg::render(&l);
        assert!(s.starts_with("<svg ") && s.trim_end().ends_with("</svg>"));
        balanced(&s).unwrap_or_else(|e| panic!("{file}: {e}"));
        for name in &l.lanes {
            assert!(s.contains(&format!(">{name}</text>")), "{file}: lane {name} is not labelled");
        }
        assert!(s.contains(&format!("lifeline of {id}")), "the title names the message");
        assert!(s.contains(" ms</text>") || s.contains(" s</text>"), "the time axis has ticks");
    }
}

#[test]
fn the_balance_check_catches_a_broken_document() {
    assert!(balanced("<svg><g></svg>").is_err());
    assert!(balanced("<svg><line/></svg>").is_ok());
}

#[test]
fn run_prints_the_lifeline_or_writes_the_svg() {
    let file = scenario("04_failover_acks_all.ron");
    let f = file.to_str().expect("utf-8 path");
    let out = brokerlab(&["run", f, "--lifeline", "checkout#5"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("checkout → broker-3: produce orders-2"), "{text}");
    let dir = std::env::temp_dir().join(format!("brokerlab-lifeline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let svg = dir.join("out.svg");
    let out = brokerlab(&["run", f, "--lifeline", "checkout#5", "--svg", svg.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = std::fs::read_to_string(&svg).expect("the SVG was written");
    balanced(&s).expect("well-formed");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_message_is_a_clear_error_with_exit_2() {
    let file = scenario("04_failover_acks_all.ron");
    let f = file.to_str().expect("utf-8 path");
    for (id, says) in [
        ("nobody#1", "no producer or publisher named \"nobody\""),
        ("checkout", "expected a message id like \"checkout#0\""),
        ("checkout#x", "is not a message number"),
        ("checkout#999999", "does not appear in this run"),
    ] {
        let out = brokerlab(&["run", f, "--lifeline", id]);
        assert_eq!(out.status.code(), Some(2), "{id}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{id}: {err}");
    }
    let out = brokerlab(&["run", f, "--svg", "x.svg"]);
    assert_eq!(out.status.code(), Some(2), "--svg needs --lifeline");
}

#[test]
fn a_key_follows_every_record_with_it_in_order_on_one_partition() {
    let l = lifeline("02_car_locations.ron", "key:car-7");
    let produce = hops(&l, HopKind::Produce);
    assert!(produce.len() >= 5, "one produce per 10 s report: {}", l.to_text());
    let messages: Vec<&str> = produce.iter().map(|h| h.text.split(' ').next().unwrap_or("")).collect();
    let mut unique = messages.clone();
    unique.dedup();
    assert_eq!(unique.len(), messages.len(), "each record produced once: {messages:?}");
    assert!(produce.windows(2).all(|w| w[0].sent <= w[1].sent), "in time order");
    let parts: std::collections::BTreeSet<&str> =
        produce.iter().map(|h| h.text.split(' ').nth(1).unwrap_or("")).collect();
    assert_eq!(parts.len(), 1, "a key always lands in one partition: {parts:?}");
    let created = l.marks.iter().filter(|m| m.kind == MarkKind::Created && m.text.contains("(key car-7)")).count();
    assert_eq!(created, produce.len(), "every followed record was created with the key");
}

#[test]
fn a_key_no_record_has_is_a_clear_error() {
    let out = brokerlab(&["run", scenario("02_car_locations.ron").to_str().expect("utf-8"), "--lifeline", "key:bus-1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no record with key \"bus-1\""), "{err}");
}

#[test]
fn an_acks1_record_shows_the_crash_of_its_only_holder_and_its_truncation() {
    let l = lifeline("05_acks1_leader_crash.ron", "web#970");
    let on = |lane_name: &str, kind: MarkKind| l.marks.iter().any(|m| m.kind == kind && l.lanes[m.lane] == lane_name);
    assert!(on("broker-1", MarkKind::Down), "the crash of the only broker holding it: {}", l.to_text());
    assert!(on("broker-2", MarkKind::Lost), "the new leader lacks it: {}", l.to_text());
    assert!(on("broker-1", MarkKind::Truncated), "the old leader truncates it on its return: {}", l.to_text());
}

#[test]
fn a_record_is_marked_committed_once_even_when_a_new_leader_takes_over() {
    // car-16's partition loses its leader at 30 s; records committed before stay committed.
    let l = lifeline("02_car_locations.ron", "key:car-16");
    assert!(l.marks.iter().any(|m| m.kind == MarkKind::Leader), "a new leader takes over: {}", l.to_text());
    let mut per_record = std::collections::BTreeMap::new();
    for m in l.marks.iter().filter(|m| m.kind == MarkKind::HwAdvance) {
        *per_record.entry(m.text.split(':').next().unwrap_or("").to_string()).or_insert(0) += 1;
    }
    assert!(per_record.len() >= 4, "{per_record:?}");
    assert!(per_record.values().all(|n| *n == 1), "{per_record:?}\n{}", l.to_text());
}
