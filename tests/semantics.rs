//! Oracle tests: the engine's partitioner, leader-epoch cache and replica placement
//! against test vectors taken from Kafka's own test suites (tests/vectors/, see
//! SEMANTICS.md §5 of the project's reference).

use brokerlab::kafka::EpochCache;
use brokerlab::kafka::assign_replicas;
use brokerlab::kafka::{murmur2, partition_for_key};
use brokerlab::trace::BrokerId;
use serde_json::Value;

fn vector(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("vector file")).expect("json")
}

fn hex_bytes(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

#[test]
fn murmur2_matches_kafka_and_librdkafka_vectors() {
    let v = vector("kafka_murmur2.json");
    let cases = v["murmur2_int32"].as_array().expect("cases");
    assert!(cases.len() >= 17);
    for c in cases {
        let key = c["key_utf8"].as_str().expect("key");
        let want = c["expected"].as_i64().expect("expected") as i32;
        assert_eq!(murmur2(key.as_bytes()), want, "murmur2({key:?})");
    }
}

#[test]
fn key_partitions_match_the_java_client() {
    let v = vector("kafka_murmur2.json");
    for c in v["key_partition"].as_array().expect("cases") {
        let key = hex_bytes(c["key_bytes_hex"].as_str().expect("hex"));
        let n = c["num_partitions"].as_u64().expect("n") as u32;
        let want = c["expected_partition"].as_u64().expect("p") as u32;
        assert_eq!(partition_for_key(&key, n), want, "key {key:?}");
    }
}

fn opt_epoch(v: &Value) -> Option<u32> {
    v.as_i64().filter(|&e| e >= 0).map(|e| e as u32)
}

#[test]
fn leader_epoch_cache_matches_kafka_leader_epoch_file_cache_test() {
    let v = vector("kafka_leader_epoch_cache.json");
    let cases = v["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 31);
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let mut cache = EpochCache::default();
        for op in case["ops"].as_array().expect("ops") {
            let op = op.as_array().expect("op");
            let n = |i: usize| op[i].as_i64().expect("number");
            match op[0].as_str().expect("op name") {
                "assign" => cache.assign(n(1) as u32, n(2) as u64),
                // Kafka ignores an undefined (-1) offset; offsets are unsigned here.
                "truncateFromEnd" if n(1) < 0 => {}
                "truncateFromStart" if n(1) < 0 => {}
                "truncateFromEnd" => cache.truncate_from_end(n(1) as u64),
                "truncateFromStart" => cache.truncate_from_start(n(1) as u64),
                "latestEpoch" => assert_eq!(cache.latest_epoch(), opt_epoch(&op[1]), "{name}: latestEpoch"),
                "previousEpoch" => assert_eq!(cache.previous_epoch(), opt_epoch(&op[1]), "{name}: previousEpoch"),
                "entries" => {
                    let want: Vec<(u32, u64)> = op[1]
                        .as_array()
                        .expect("entries")
                        .iter()
                        .map(|e| (e[0].as_u64().unwrap() as u32, e[1].as_u64().unwrap()))
                        .collect();
                    assert_eq!(cache.entries(), &want[..], "{name}: entries");
                }
                "endOffsetFor" => {
                    let got = if n(1) < 0 { None } else { cache.end_offset_for(n(1) as u32, n(2) as u64) };
                    let want = if n(3) < 0 { None } else { Some((n(3) as u32, n(4) as u64)) };
                    assert_eq!(got, want, "{name}: endOffsetFor({}, {})", n(1), n(2));
                }
                other => panic!("unknown op {other}"),
            }
        }
    }
}

#[test]
fn replica_placement_matches_kafka_admin_utils() {
    let v = vector("kafka_replica_assignment.json");
    for c in v["cases"].as_array().expect("cases") {
        let brokers: Vec<BrokerId> =
            c["brokers"].as_array().unwrap().iter().map(|b| BrokerId(b.as_u64().unwrap() as u32)).collect();
        let parts = c["num_partitions"].as_u64().unwrap() as u32;
        let rf = c["replication_factor"].as_u64().unwrap() as u32;
        let got = assign_replicas(&brokers, parts, rf, 0, 0);
        if c.get("expected_error").is_some() {
            assert!(got.is_err(), "rf {rf} must be rejected");
            continue;
        }
        let got = got.expect("placement");
        for (p, want) in c["expected"].as_object().unwrap() {
            let want: Vec<u32> = want.as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as u32).collect();
            let p: usize = p.parse().unwrap();
            assert_eq!(got[p].iter().map(|b| b.0).collect::<Vec<_>>(), want, "partition {p}");
        }
    }
}
