//! The unsafe pack (scenarios/unsafe/): each file is the safe configuration with one knob
//! turned and the safe configuration's promise as its expectation. Random fault schedules
//! must break the promise within 100 seeds, and on the seed that breaks it, the same run
//! with the knob turned back must keep it: the checker catches the knob, not the faults.

use brokerlab::runner::sweep::{Verdict, run_seed_for};
use brokerlab::scenario::{CommitSpec, Scenario, load_file};
use std::path::PathBuf;
use std::sync::Arc;

fn pack(name: &str) -> (String, Scenario) {
    let f = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/unsafe").join(name);
    let sc = load_file(&f).unwrap_or_else(|e| panic!("{e}"));
    (f.display().to_string(), sc)
}

/// The first of seeds 1..=100 whose random faults break a promise of `sc`.
fn first_catch(file: &str, sc: &Scenario) -> (u64, String) {
    let sc = Arc::new(sc.clone());
    for seed in 1..=100 {
        let r = run_seed_for(&sc, file, seed, true, Verdict::Promises);
        if !r.ok {
            return (seed, r.failure.unwrap_or_default());
        }
    }
    panic!("{file}: 100 seeds of random faults kept every promise of an unsafe configuration");
}

fn caught_and_safe_twin_survives(name: &str, turn_back: impl Fn(&mut Scenario)) {
    let (file, sc) = pack(name);
    let (seed, failure) = first_catch(&file, &sc);
    let mut safe = sc.clone();
    turn_back(&mut safe);
    let r = run_seed_for(&Arc::new(safe), &file, seed, true, Verdict::Promises);
    assert!(r.ok, "{file}: seed {seed} broke the promise ({failure}), but the safe twin broke it too: {:?}", r.failure);
}

#[test]
fn acks_one_loses_acknowledged_writes_that_acks_all_keeps() {
    caught_and_safe_twin_survives("acks1.ron", |s| {
        s.producers[0].acks = brokerlab::kafka::Acks::All;
    });
}

#[test]
fn unclean_election_loses_committed_writes_that_clean_election_keeps() {
    caught_and_safe_twin_survives("unclean_election.ron", |s| s.topics[0].unclean_leader_election = false);
}

#[test]
fn commit_before_process_loses_records_that_commit_after_process_handles() {
    caught_and_safe_twin_survives("commit_before_process.ron", |s| s.consumer_groups[0].commit = CommitSpec::Sync);
}

#[test]
fn auto_ack_loses_messages_that_manual_ack_requeues() {
    caught_and_safe_twin_survives("rabbit_auto_ack.ron", |s| {
        for c in &mut s.amqp_consumers {
            c.auto_ack = false;
        }
    });
}
