//! JUnit XML for `check --junit FILE`, the report format CI systems (GitLab, Jenkins,
//! GitHub test-report actions) display: one test suite per scenario file, one test case
//! per expectation (plus one for a broken invariant), and a scenario that does not load
//! as a suite with one erroring case. Failures carry the observed value and the
//! reproducer command.

use crate::runner::RunReport;
use std::fmt::Write as _;
use std::path::Path;

/// One scenario file's result.
pub(super) struct FileResult<'a> {
    /// The file.
    pub file: &'a Path,
    /// The seed, when it is not the scenario's own (`check --seeds`): named in the suite.
    pub seed: Option<u64>,
    /// Wall time spent, seconds.
    pub secs: f64,
    /// The run, or why the file did not load.
    pub result: Result<RunReport, String>,
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 has no way to write other control characters.
            c if c.is_control() && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn suite(out: &mut String, f: &FileResult) {
    let name = match f.seed {
        Some(s) => esc(&format!("{} --seed {s}", f.file.display())),
        None => esc(&f.file.display().to_string()),
    };
    match &f.result {
        Err(e) => {
            let _ =
                writeln!(out, r#"  <testsuite name="{name}" tests="1" failures="0" errors="1" time="{:.3}">"#, f.secs);
            let _ = writeln!(out, r#"    <testcase classname="{name}" name="scenario loads" time="{:.3}">"#, f.secs);
            let _ = writeln!(
                out,
                r#"      <error message="the scenario does not load" type="scenario">{}</error>"#,
                esc(e)
            );
            let _ = writeln!(out, "    </testcase>\n  </testsuite>");
        }
        Ok(r) => {
            let failures = r.outcomes.iter().filter(|o| !o.passed).count();
            let _ = writeln!(
                out,
                r#"  <testsuite name="{name}" tests="{}" failures="{failures}" errors="0" time="{:.3}">"#,
                r.outcomes.len(),
                f.secs
            );
            let _ = writeln!(
                out,
                r#"    <properties><property name="seed" value="{}"/><property name="digest" value="{:016x}"/></properties>"#,
                r.seed, r.digest
            );
            let each = f.secs / r.outcomes.len().max(1) as f64;
            for o in &r.outcomes {
                let _ = write!(out, r#"    <testcase classname="{name}" name="{}" time="{each:.3}""#, esc(&o.what));
                if o.passed {
                    let _ = writeln!(out, "/>");
                } else {
                    let repro = format!("brokerlab run {} --seed {}", f.file.display(), r.seed);
                    let _ = writeln!(out, ">");
                    let _ = writeln!(
                        out,
                        r#"      <failure message="observed {}" type="expectation">expected {}; observed {}&#10;reproduce: {}</failure>"#,
                        esc(&o.observed),
                        esc(&o.what),
                        esc(&o.observed),
                        esc(&repro)
                    );
                    let _ = writeln!(out, "    </testcase>");
                }
            }
            let _ = writeln!(out, "    <system-out>{}</system-out>", esc(&r.summary));
            let _ = writeln!(out, "  </testsuite>");
        }
    }
}

/// The whole report.
pub(super) fn report(results: &[FileResult]) -> String {
    let tests: usize = results.iter().map(|f| f.result.as_ref().map(|r| r.outcomes.len()).unwrap_or(1)).sum();
    let failures: usize = results
        .iter()
        .filter_map(|f| f.result.as_ref().ok())
        .map(|r| r.outcomes.iter().filter(|o| !o.passed).count())
        .sum();
    let errors = results.iter().filter(|f| f.result.is_err()).count();
    let secs: f64 = results.iter().map(|f| f.secs).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        r#"<testsuites name="brokerlab check" tests="{tests}" failures="{failures}" errors="{errors}" time="{secs:.3}">"#
    );
    for f in results {
        suite(&mut out, f);
    }
    out.push_str("</testsuites>\n");
    out
}
