//! Behaviour pins: the trace digest of every shipped scenario on its own seed, and of two
//! short runs of the benchmark fleet, must equal `tests/digests.txt`. A refactor keeps them;
//! a commit that moves one says which model change moved it. After such a change, rerun
//! with `BROKERLAB_BLESS_DIGESTS=1 cargo test --test digests` to rewrite the file, and
//! review its diff.

use brokerlab::runner::run_scenario;
use brokerlab::scenario::{load_file, parse, scenario_files};
use std::path::PathBuf;
use std::sync::Arc;

/// "name seed digest" lines for everything pinned.
fn current() -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut lines = Vec::new();
    for f in scenario_files(&[root.join("scenarios")]) {
        let sc = Arc::new(load_file(&f).unwrap_or_else(|e| panic!("{e}")));
        let r = run_scenario(sc.clone(), sc.seed, None, None);
        let name = f.strip_prefix(&root).expect("under the root").display().to_string();
        lines.push(format!("{name} {} {:016x}", sc.seed, r.digest));
    }
    for (label, group) in [("bench-fleet-20s", false), ("bench-fleet-20s-group", true)] {
        let text = brokerlab::cli::fleet_scenario(10_000, "20s", 12, group);
        let sc = Arc::new(parse(&text, label).unwrap_or_else(|e| panic!("{e}")));
        let r = run_scenario(sc.clone(), sc.seed, None, None);
        lines.push(format!("{label} {} {:016x}", sc.seed, r.digest));
    }
    lines
}

#[test]
fn shipped_scenarios_and_the_bench_keep_their_trace_digests() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/digests.txt");
    let now = current();
    if std::env::var_os("BROKERLAB_BLESS_DIGESTS").is_some() {
        std::fs::write(&path, now.join("\n") + "\n").expect("write tests/digests.txt");
        return;
    }
    let pinned: Vec<String> = std::fs::read_to_string(&path)
        .expect("tests/digests.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let moved: Vec<String> = now
        .iter()
        .filter(|l| !pinned.contains(l))
        .map(|l| {
            let name = l.split(' ').next().unwrap_or("");
            let was = pinned.iter().find(|p| p.split(' ').next() == Some(name));
            format!("{l}   (pinned: {})", was.map(String::as_str).unwrap_or("nothing"))
        })
        .collect();
    let gone: Vec<&String> =
        pinned.iter().filter(|p| !now.iter().any(|l| l.split(' ').next() == p.split(' ').next())).collect();
    assert!(
        moved.is_empty() && gone.is_empty(),
        "trace digests moved (say which model change moved them, then bless):\n{}\npinned but gone: {gone:?}",
        moved.join("\n")
    );
}
