//! Untrusted scenario files: every mistake is an error naming file, line and column and
//! saying what was expected — never a panic.

use brokerlab::scenario::parse;

fn err(src: &str) -> brokerlab::scenario::ScenarioError {
    parse(src, "bad.ron").expect_err("must be rejected")
}

const BASE: &str = r#"Scenario(
  name: "x",
  duration: "10s",
  topics: [(name: "t", partitions: 2, replication_factor: 1)],
  producers: [(name: "p", topic: "t", rate: PerSecond(10))],
)"#;

#[test]
fn the_base_scenario_is_valid() {
    parse(BASE, "ok.ron").expect("valid");
}

#[test]
fn unknown_topic_in_a_producer_points_at_the_topic_field() {
    let e = err(&BASE.replace(r#"topic: "t", rate"#, r#"topic: "nope", rate"#));
    assert_eq!((e.line, e.col), (5, 27), "{e}");
    assert!(e.msg.contains("\"nope\" is not defined (topics: t)"), "{e}");
}

#[test]
fn wrong_type_names_the_position_and_the_expected_type() {
    let e = err(&BASE.replace("partitions: 2", "partitions: \"two\""));
    assert_eq!(e.line, 4, "{e}");
    assert!(e.msg.to_lowercase().contains("expected"), "{e}");
}

#[test]
fn bad_duration_says_which_units_exist() {
    let e = err(&BASE.replace("\"10s\"", "\"10 parsecs\""));
    assert_eq!(e.line, 3, "{e}");
    assert!(e.msg.contains("unknown unit"), "{e}");
}

#[test]
fn unknown_enum_variant_lists_the_valid_ones() {
    let e = err(&BASE.replace("PerSecond(10)", "Sometimes(10)"));
    assert_eq!(e.line, 5, "{e}");
    assert!(e.msg.contains("PerSecond"), "{e}");
}

#[test]
fn sizes_are_bounded_with_a_clear_message() {
    let e = err(&BASE.replace("partitions: 2", "partitions: 100000"));
    assert!(e.msg.contains("between 1 and 1024"), "{e}");
    let e = err(&BASE.replace("PerSecond(10)", "PerSecond(1000000)").replace("\"10s\"", "\"1h\""));
    assert!(e.msg.contains("limit is 20000000"), "{e}");
    let e = err(&BASE.replace("name: \"x\",", "name: \"x\", cluster: (brokers: 500),"));
    assert!(e.msg.contains("`brokers` must be between 1 and 32"), "{e}");
}

#[test]
fn replication_factor_above_broker_count_is_rejected() {
    let e = err(&BASE.replace("replication_factor: 1", "replication_factor: 5"));
    assert_eq!(e.line, 4);
    assert!(e.msg.contains("number of brokers (3)"), "{e}");
}

#[test]
fn faults_naming_missing_nodes_are_rejected() {
    let src = format!("{}  faults: [(at: \"1s\", action: CrashBroker(9))],\n)", &BASE[..BASE.len() - 1]);
    let e = err(&src);
    assert_eq!(e.line, 6, "{e}");
    assert!(e.msg.contains("broker 9 does not exist"), "{e}");
}

#[test]
fn garbage_never_panics() {
    for src in [
        "",
        "(",
        "Scenario(",
        "Scenario(name: 1)",
        "[1,2,3]",
        "Scenario(name: \"x\", duration: \"1s\", seed: -1)",
        "\u{0}\u{1}",
        "Scenario(name: \"x\", duration: \"1s\", topics: [(name: \"\")])",
    ] {
        let e = err(src);
        assert!(e.line >= 1 && e.col >= 1);
        assert!(e.to_string().starts_with("bad.ron:"), "{e}");
    }
}

const GROUP: &str = r#"Scenario(
  name: "x",
  duration: "10s",
  topics: [(name: "t", partitions: 2, replication_factor: 1)],
  consumer_groups: [(name: "g", topics: ["t"],
    members: [(name: "a", process_time: "5ms")])],
)"#;

#[test]
fn a_group_on_an_unknown_topic_points_at_the_group() {
    parse(GROUP, "ok.ron").expect("valid");
    let e = err(&GROUP.replace(r#"topics: ["t"]"#, r#"topics: ["nope"]"#));
    assert_eq!(e.line, 5, "{e}");
    assert!(e.msg.contains("group \"g\": topic \"nope\" is not defined"), "{e}");
}

#[test]
fn a_probability_above_one_is_rejected_with_its_range() {
    let e = err(&GROUP.replace("members:", "failures: (poison_probability: 1.5), members:"));
    assert_eq!((e.line, e.col), (6, 16), "{e}");
    assert!(e.msg.contains("between 0 and 1"), "{e}");
}

#[test]
fn an_unknown_assignor_lists_the_four_that_exist() {
    let e = err(&GROUP.replace("members:", "assignor: Uniform, members:"));
    assert_eq!((e.line, e.col), (6, 15), "{e}");
    assert!(e.msg.contains("CooperativeSticky"), "{e}");
}

#[test]
fn adding_a_consumer_to_an_unknown_group_names_the_fault() {
    let e = err(&GROUP.replace(")],\n)", ")],\n  faults: [(at: \"1s\", action: AddConsumer(group: \"h\"))],\n)"));
    assert!(e.msg.contains("no consumer group is called \"h\""), "{e}");
    assert_eq!(e.line, 7, "{e}");
}

const RABBIT: &str = r#"Scenario(
  name: "x",
  duration: "10s",
  cluster: (brokers: 0),
  rabbitmq: (queues: [(name: "q")], exchanges: [(name: "x", kind: Topic)],
             bindings: [(exchange: "x", queue: "q", key: "a.*")]),
  publishers: [(name: "p", exchange: "x", rate: PerSecond(1))],
)"#;

#[test]
fn a_binding_to_an_unknown_queue_names_the_queues_that_exist() {
    parse(RABBIT, "ok.ron").expect("valid");
    let e = err(&RABBIT.replace(r#"queue: "q", key"#, r#"queue: "nope", key"#));
    assert_eq!(e.line, 6, "{e}");
    assert!(e.msg.contains("binding to queue \"nope\": no such queue (queues: q)"), "{e}");
}

#[test]
fn an_unknown_exchange_kind_lists_the_four_kinds() {
    let e = err(&RABBIT.replace("kind: Topic", "kind: Broadcast"));
    assert_eq!(e.line, 5, "{e}");
    assert!(e.msg.contains("Fanout") && e.msg.contains("Headers"), "{e}");
}

#[test]
fn kafka_topics_need_brokers() {
    let e = err(&RABBIT.replace(
        r#"  publishers:"#,
        r#"  topics: [(name: "t")],
  publishers:"#,
    ));
    assert!(e.msg.contains("`brokers` must be between 1"), "{e}");
}

#[test]
fn auto_ack_lost_in_a_kafka_only_scenario_points_at_the_expectation() {
    let src = BASE.replace(
        "producers: [(name: \"p\", topic: \"t\", rate: PerSecond(10))],",
        "producers: [(name: \"p\", topic: \"t\", rate: PerSecond(10))],\n  expect: [AutoAckLost(max: 0)],",
    );
    let e = err(&src);
    assert_eq!(e.line, 6, "{e}");
    assert!(e.msg.contains("`AutoAckLost` is about RabbitMQ"), "{e}");
}

#[test]
fn retention_settings_out_of_range_point_at_the_field() {
    let with = |r: &str| BASE.replace("replication_factor: 1)", &format!("replication_factor: 1, retention: ({r}))"));
    let e = err(&with("retention_bytes: 1000, segment_bytes: 0"));
    assert_eq!((e.line, e.col), (4, 97), "{e}");
    assert!(e.msg.contains("`segment_bytes` must be at least 1"), "{e}");
    let e = err(&with("segment_ms: \"0s\""));
    assert!(e.msg.contains("`segment_ms` must be at least 1ms"), "{e}");
    let e = err(&with("segment_bytes: 50"));
    assert_eq!((e.line, e.col), (5, 22), "{e}");
    assert!(e.msg.contains("`record_bytes` (100) is larger than topic \"t\"'s `segment_bytes` (50)"), "{e}");
    let e = err(&with("max_messages: 0"));
    assert!(e.msg.contains("`max_messages` must be at least 1"), "{e}");
}

#[test]
fn old_retention_fields_still_load() {
    let old = BASE
        .replace("replication_factor: 1)", "replication_factor: 1, retention: (max_messages: 300, max_age: \"10m\"))");
    let sc = parse(&old, "old.ron").expect("max_messages and max_age are still accepted");
    assert_eq!(sc.topics[0].retention.retention_ms, Some(brokerlab::sim::Dur::secs(600)));
    assert_eq!(sc.topics[0].retention.max_messages, Some(300));
}
