//! `brokerlab bench`: the pace-matching workload prints messages per second for the time
//! asked, the scale table prints one row per size with its memory, the allocation line is
//! a figure in a `count-allocs` build and a how-to otherwise, and bad flags exit 2.

use std::process::{Command, Output};

fn brokerlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brokerlab")).args(args).output().expect("the binary runs")
}

/// The number after `label` on the line that has it.
fn figure(out: &str, label: &str) -> f64 {
    let line = out.lines().find(|l| l.contains(label)).unwrap_or_else(|| panic!("no `{label}` in:\n{out}"));
    let rest = &line[line.find(label).unwrap() + label.len()..];
    let num: String = rest.trim_start().chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    num.parse().unwrap_or_else(|_| panic!("no number after `{label}` in `{line}`"))
}

#[test]
fn bench_pace_runs_scenario_01_for_the_duration_asked_and_prints_messages_per_second() {
    let out = brokerlab(&["bench", "--pace", "--duration", "10s"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("Pace matching") && text.contains("10s simulated"), "{text}");
    // 10, 20 and 30 msg/s for 10 s, each producer also sending at 0 s.
    let produced = figure(&text, "messages produced");
    assert!((600.0..=606.0).contains(&produced), "{produced} messages in 10 s:\n{text}");
    assert!(figure(&text, "messages per second") > 0.0, "{text}");
    assert!(figure(&text, "bare BinaryHeap push+pop:") > 0.0, "the reference is printed:\n{text}");
    assert!(text.contains("python3 bench/simpy_pace.py --duration 10"), "{text}");
    if cfg!(feature = "count-allocs") {
        assert!(figure(&text, "allocations per event") >= 0.0, "{text}");
    } else {
        assert!(text.contains("allocations per event    not counted") && text.contains("count-allocs"), "{text}");
    }
}

#[test]
fn bench_scale_prints_a_row_per_size_up_to_the_largest_asked_with_its_own_peak_memory() {
    let out = brokerlab(&["bench", "--scale", "--max-messages", "10000"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|w| w.first().is_some_and(|c| c.parse::<u64>().is_ok()))
        .collect();
    assert_eq!(rows.len(), 1, "only the 10 k size:\n{text}");
    let num = |i: usize| rows[0][i].trim_end_matches('x').parse::<f64>().unwrap();
    assert!((10_000.0..=10_001.0).contains(&num(0)), "messages:\n{text}");
    assert!(num(1) > num(0), "more events than messages:\n{text}");
    assert!(num(7) > 1.0, "peak MiB of the child:\n{text}");
    assert!(num(8) >= 3.0 * 9_990.0, "three replica copies per message:\n{text}");
}

#[test]
fn bench_refuses_bad_flags_with_exit_2_and_says_what_was_expected() {
    let out = brokerlab(&["bench", "--pace", "--duration", "5 parsecs"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--duration"), "{out:?}");
    let out = brokerlab(&["bench", "--scale", "--max-messages", "5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("smallest size is 10000"), "{out:?}");
    let out = brokerlab(&["bench", "--pace", "--cars", "5"]);
    assert_eq!(out.status.code(), Some(2), "--cars is the fleet's: {out:?}");
}
