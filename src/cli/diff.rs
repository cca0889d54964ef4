//! `brokerlab diff`: two scenarios run side by side, where their traces first part, and a
//! table of their totals. The comparison itself is `runner::diff`; this prints it.

use super::run::load;
use crate::runner::diff::{Comparison, Line, Run, compare};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
#[command(after_help = "Exit status: 0 when the traces are identical, 1 when they differ, 2 on bad input \
(a file that cannot be read or is not a valid scenario, or a bad flag).\n\nExample:\n  brokerlab diff \
scenarios/compare/acks1_leader_crash.ron scenarios/compare/acks_all_leader_crash.ron")]
pub(super) struct DiffArgs {
    /// Scenario A (RON).
    a: PathBuf,
    /// Scenario B (RON).
    b: PathBuf,
    /// Run both with this seed (default: each scenario's own `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Print the comparison as one JSON object.
    #[arg(long)]
    json: bool,
}

fn print_line(side: &str, l: Option<&Line>) {
    match l {
        Some(l) => crate::outln!("  {side} #{:<7} {}", l.index, l.shown()),
        None => crate::outln!("  {side}          (end of trace)"),
    }
}

/// "A: name (seed N)", with the expectations that failed if any did.
fn print_run(side: &str, r: &Run) {
    let failed = match r.failed_expectations {
        0 => String::new(),
        n => format!("; {n} of its expectations failed"),
    };
    crate::outln!("{side}: {} (seed {}{failed})", r.name, r.seed);
}

fn print(c: &Comparison) {
    print_run("A", &c.a);
    print_run("B", &c.b);
    match &c.divergence {
        None => crate::outln!("identical traces ({} records, digest {:016x})", c.a.records, c.a.digest),
        Some(d) => {
            crate::outln!("first divergence at record {}:", d.index);
            for l in &d.context {
                print_line(" ", Some(l));
            }
            print_line("A", d.a.as_ref());
            print_line("B", d.b.as_ref());
        }
    }
    let width = c.rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let row = |name: &str, a: String, b: String| {
        let mark = if a == b { "" } else { "  *" };
        crate::outln!("  {name:<width$}  {a:>16}  {b:>16}{mark}");
    };
    crate::outln!();
    crate::outln!("  {:<width$}  {:>16}  {:>16}", "", "A", "B");
    for r in &c.rows {
        row(r.name, r.a.to_string(), r.b.to_string());
    }
    row("records", c.a.records.to_string(), c.b.records.to_string());
    row("digest", format!("{:016x}", c.a.digest), format!("{:016x}", c.b.digest));
}

pub(super) fn diff(a: DiffArgs) -> ExitCode {
    let (sa, sb) = match (load(&a.a), load(&a.b)) {
        (Ok(x), Ok(y)) => (x, y),
        (x, y) => {
            // Both files' errors at once (one, when it is the same file twice).
            let mut errors: Vec<String> = [x.err(), y.err()].into_iter().flatten().map(|e| e.to_string()).collect();
            errors.dedup();
            for e in errors {
                eprintln!("error: {e}");
            }
            return ExitCode::from(2);
        }
    };
    let (seed_a, seed_b) = (a.seed.unwrap_or(sa.seed), a.seed.unwrap_or(sb.seed));
    let c = compare(sa, seed_a, sb, seed_b);
    if a.json {
        crate::outln!("{}", c.to_json());
    } else {
        print(&c);
    }
    if c.identical() { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
