//! A short scenario-fuzzing run (5,000 inputs; the long one is
//! `examples/fuzz_scenarios.rs`): every mutated or generated input loads or is rejected
//! with file:line:column; none panics, none takes a second.

use brokerlab::runner::fuzz;

#[test]
fn mutated_and_generated_scenarios_load_or_fail_with_a_position() {
    std::panic::set_hook(Box::new(|_| {}));
    let corpus = fuzz::shipped(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"));
    assert!(corpus.len() >= 29, "the shipped scenarios are missing");
    let report = fuzz::run(&corpus, 12, 5_000, &mut |_| {});
    let bad: Vec<String> = report.bad.iter().map(|(i, how, what)| format!("input {i} ({how}): {what}")).collect();
    assert!(bad.is_empty(), "{} findings:\n{}", bad.len(), bad.join("\n"));
    assert!(report.loaded > 50 && report.rejected > 500, "{report:?}");
}

#[test]
fn earlier_fuzz_findings_stay_fixed() {
    let corpus = fuzz::shipped(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"));
    // Seed 7: Distinct keys with a 500 kB prefix built hundreds of megabytes of keys.
    for i in [7177, 53122, 60013] {
        let (how, bytes) = fuzz::input(&corpus, 7, i);
        match fuzz::check(&bytes, "fuzz.ron") {
            fuzz::Verdict::Bad(what) => panic!("input {i} ({how}): {what}"),
            fuzz::Verdict::Loaded { .. } | fuzz::Verdict::Rejected => {}
        }
    }
}

#[test]
fn huge_retention_and_retry_counts_do_not_overflow() {
    let corpus = fuzz::shipped(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"));
    // Seed 1: `max_messages: 18446744073709551615` overflowed the retention check;
    // a consumer's `retries: 4294967295` overflowed its attempt count.
    for i in [117649, 150458, 156442, 186872, 221178, 252662, 326068, 377477, 638086, 649918, 758888, 799518, 870340] {
        let (how, bytes) = fuzz::input(&corpus, 1, i);
        match fuzz::check(&bytes, "fuzz.ron") {
            fuzz::Verdict::Bad(what) => panic!("input {i} ({how}): {what}"),
            fuzz::Verdict::Loaded { .. } | fuzz::Verdict::Rejected => {}
        }
    }
}
