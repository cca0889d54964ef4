//! Scenario fuzzing. Scenario files are untrusted input: every input must load, or be
//! rejected with a file:line:column error, never panic, and take well under a second.
//! Inputs are mutations of real scenario text (byte flips, truncations, swapped lines and
//! tokens, huge numbers, long strings, deep nesting) and generated well-typed scenarios.
//! All randomness comes from the seed, so a finding is reproduced by its input number.
// Each fuzz input's wall time is what the fuzzer bounds (1 s); it never feeds a run.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use crate::scenario::load::{ScenarioError, parse_bytes};
use crate::sim::{NodeRng, SimTime};
use crate::world::Simulation;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Longest an input may take (parse, validate, build, brief run).
pub const TIME_LIMIT: Duration = Duration::from_secs(1);
/// Events a loaded input runs for: enough to boot, elect and move some records.
pub const RUN_EVENTS: u64 = 3_000;
/// Longest error text an input may produce.
pub const MAX_ERROR_BYTES: usize = 2_000;

/// What one input did.
#[derive(Debug)]
pub enum Verdict {
    /// Loaded, and ran this many events.
    Loaded { events: u64 },
    /// Rejected with a well-formed error.
    Rejected,
    /// A finding: a panic, a malformed error, or too slow.
    Bad(String),
}

/// Loads `bytes` as scenario `file`, runs it briefly if it loads, and judges the outcome.
pub fn check(bytes: &[u8], file: &str) -> Verdict {
    let start = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| match parse_bytes(bytes, file) {
        Ok(sc) => {
            let mut sim = Simulation::new(Arc::new(sc), 1, 0);
            let end = SimTime(sim.now().0.saturating_add(5_000_000));
            while sim.events() < RUN_EVENTS && sim.next_event_time().is_some_and(|t| t <= end) {
                if start.elapsed() > TIME_LIMIT {
                    break;
                }
                sim.step();
            }
            Ok(sim.events())
        }
        Err(e) => Err(e),
    }));
    let took = start.elapsed();
    let verdict = match outcome {
        Err(p) => {
            let msg = p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()));
            Verdict::Bad(format!("panicked: {}", msg.unwrap_or_default()))
        }
        Ok(Ok(events)) => Verdict::Loaded { events },
        Ok(Err(e)) => judge_error(&e, bytes, file),
    };
    match verdict {
        Verdict::Loaded { .. } | Verdict::Rejected if took > TIME_LIMIT => Verdict::Bad(format!("took {took:?}")),
        v => v,
    }
}

/// A rejection must name the file and a real line and column, briefly.
fn judge_error(e: &ScenarioError, bytes: &[u8], file: &str) -> Verdict {
    let text = e.to_string();
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    if !text.starts_with(&format!("{file}:{}:{}: ", e.line, e.col)) {
        Verdict::Bad(format!("error does not start with file:line:column: {}", first_chars(&text)))
    } else if e.line == 0 || e.col == 0 || e.line > lines {
        Verdict::Bad(format!("error at {}:{} of a {lines}-line input: {}", e.line, e.col, first_chars(&text)))
    } else if text.len() > MAX_ERROR_BYTES {
        Verdict::Bad(format!("error is {} bytes long: {}", text.len(), first_chars(&text)))
    } else {
        Verdict::Rejected
    }
}

fn first_chars(s: &str) -> String {
    s.chars().take(300).collect()
}

/// Kinds of mutation, in the order `mutate` draws them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mutation {
    /// Replace random bytes with random bytes.
    FlipBytes,
    /// Cut the text at a random point.
    Truncate,
    /// Swap two lines.
    SwapLines,
    /// Swap two tokens (fields, values).
    SwapTokens,
    /// Replace a number with a huge, zero or negative one.
    HugeNumber,
    /// Grow a string literal to up to half a megabyte.
    LongString,
    /// Replace a value with deeply nested brackets.
    DeepNesting,
    /// Delete a span.
    DeleteSpan,
    /// Duplicate a span (repeated fields, list items).
    DuplicateSpan,
}

const MUTATIONS: [Mutation; 9] = [
    Mutation::FlipBytes,
    Mutation::Truncate,
    Mutation::SwapLines,
    Mutation::SwapTokens,
    Mutation::HugeNumber,
    Mutation::LongString,
    Mutation::DeepNesting,
    Mutation::DeleteSpan,
    Mutation::DuplicateSpan,
];

/// One to three mutations of `src`.
pub fn mutate(src: &[u8], rng: &mut NodeRng) -> Vec<u8> {
    let mut out = src.to_vec();
    for _ in 0..rng.uniform(1, 3) {
        let m = MUTATIONS[rng.below(MUTATIONS.len() as u64) as usize];
        out = apply(m, out, rng);
    }
    out
}

fn pick(rng: &mut NodeRng, n: usize) -> usize {
    if n == 0 { 0 } else { rng.below(n as u64) as usize }
}

/// Applies one mutation.
pub fn apply(m: Mutation, mut s: Vec<u8>, rng: &mut NodeRng) -> Vec<u8> {
    match m {
        Mutation::FlipBytes => {
            for _ in 0..rng.uniform(1, 8) {
                let i = pick(rng, s.len());
                if let Some(b) = s.get_mut(i) {
                    *b = rng.below(256) as u8;
                }
            }
            s
        }
        Mutation::Truncate => {
            s.truncate(pick(rng, s.len() + 1));
            s
        }
        Mutation::SwapLines => {
            let mut lines: Vec<Vec<u8>> = s.split(|&b| b == b'\n').map(|l| l.to_vec()).collect();
            let (a, b) = (pick(rng, lines.len()), pick(rng, lines.len()));
            lines.swap(a, b);
            lines.join(&b'\n')
        }
        Mutation::SwapTokens => swap_tokens(s, rng),
        Mutation::HugeNumber => huge_number(s, rng),
        Mutation::LongString => long_string(s, rng),
        Mutation::DeepNesting => {
            let depth = [10, 100, 1_000, 100_000][pick(rng, 4)];
            let (open, close) = [(b'[', b']'), (b'(', b')'), (b'{', b'}')][pick(rng, 3)];
            let at = value_start(&s, rng);
            let mut nest = vec![open; depth];
            nest.push(b'1');
            nest.extend(std::iter::repeat_n(close, depth / (1 + pick(rng, 2))));
            s.splice(at..at, nest);
            s
        }
        Mutation::DeleteSpan => {
            let a = pick(rng, s.len() + 1);
            let b = (a + rng.uniform(1, 200) as usize).min(s.len());
            s.drain(a..b);
            s
        }
        Mutation::DuplicateSpan => {
            let a = pick(rng, s.len() + 1);
            let b = (a + rng.uniform(1, 400) as usize).min(s.len());
            let span = s[a..b].repeat(rng.uniform(1, 50) as usize);
            s.splice(b..b, span);
            s
        }
    }
}

/// Byte ranges of tokens: identifiers, numbers and string literals.
fn tokens(s: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let start = i;
        if s[i] == b'"' {
            i += 1;
            while i < s.len() && s[i] != b'"' {
                i += if s[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(s.len());
            out.push((start, i));
        } else if s[i].is_ascii_alphanumeric() || s[i] == b'_' {
            while i < s.len() && (s[i].is_ascii_alphanumeric() || s[i] == b'_' || s[i] == b'.') {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

fn swap_tokens(s: Vec<u8>, rng: &mut NodeRng) -> Vec<u8> {
    let t = tokens(&s);
    if t.len() < 2 {
        return s;
    }
    let (mut a, mut b) = (t[pick(rng, t.len())], t[pick(rng, t.len())]);
    if a.0 > b.0 {
        std::mem::swap(&mut a, &mut b);
    }
    if a.1 > b.0 {
        return s;
    }
    [&s[..a.0], &s[b.0..b.1], &s[a.1..b.0], &s[a.0..a.1], &s[b.1..]].concat()
}

fn huge_number(s: Vec<u8>, rng: &mut NodeRng) -> Vec<u8> {
    // Digit runs anywhere, durations inside strings ("66ms") included.
    let mut nums = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let start = i;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        if i > start {
            nums.push((start, i));
        }
        i += 1;
    }
    let Some(&(a, b)) = nums.get(pick(rng, nums.len())) else { return s };
    const HUGE: [&str; 9] = [
        "0",
        "-1",
        "4294967295",
        "4294967296",
        "18446744073709551615",
        "99999999999999999999999999",
        "1e308",
        "NaN",
        "2147483648",
    ];
    let with = HUGE[pick(rng, HUGE.len())].as_bytes();
    [&s[..a], with, &s[b..]].concat()
}

fn long_string(s: Vec<u8>, rng: &mut NodeRng) -> Vec<u8> {
    let strs: Vec<(usize, usize)> = tokens(&s).into_iter().filter(|&(a, b)| s[a] == b'"' && b - a >= 2).collect();
    let Some(&(_, b)) = strs.get(pick(rng, strs.len())) else { return s };
    let len = [256, 4_096, 100_000, 500_000][pick(rng, 4)];
    let fill = [b"x".as_slice(), b"a.b.#".as_slice(), b"\\u{e9}".as_slice(), "é".as_bytes()][pick(rng, 4)];
    let grown = fill.repeat(len / fill.len());
    [&s[..b - 1], &grown, &s[b - 1..]].concat()
}

/// A place just after a `:` (a field's value), or anywhere.
fn value_start(s: &[u8], rng: &mut NodeRng) -> usize {
    let colons: Vec<usize> = s.iter().enumerate().filter(|(_, b)| **b == b':').map(|(i, _)| i + 1).collect();
    colons.get(pick(rng, colons.len())).copied().unwrap_or_else(|| pick(rng, s.len() + 1))
}

/// What a fuzzing run found.
#[derive(Debug, Default)]
pub struct FuzzReport {
    /// Inputs tried.
    pub inputs: u64,
    /// Inputs that loaded (and ran briefly).
    pub loaded: u64,
    /// Inputs rejected with a proper error.
    pub rejected: u64,
    /// Findings: (input number, how it was made, what went wrong).
    pub bad: Vec<(u64, String, String)>,
    /// Slowest input.
    pub slowest: Duration,
}

/// Tries `inputs` inputs under `seed`: mutations of each of `corpus` (name, text) in turn,
/// and every fourth input a generated scenario. Input `i` depends only on (seed, i).
pub fn run(corpus: &[(String, Vec<u8>)], seed: u64, inputs: u64, progress: &mut dyn FnMut(u64)) -> FuzzReport {
    let mut report = FuzzReport::default();
    for i in 0..inputs {
        let (how, bytes) = input(corpus, seed, i);
        let t = Instant::now();
        let verdict = check(&bytes, "fuzz.ron");
        report.slowest = report.slowest.max(t.elapsed());
        report.inputs += 1;
        match verdict {
            Verdict::Loaded { .. } => report.loaded += 1,
            Verdict::Rejected => report.rejected += 1,
            Verdict::Bad(what) => report.bad.push((i, how, what)),
        }
        progress(i);
    }
    report
}

/// Input `i` under `seed`: (how it was made, its bytes). Every fourth input is a
/// generated scenario; the others mutate the corpus in turn (now and then a generated one).
pub fn input(corpus: &[(String, Vec<u8>)], seed: u64, i: u64) -> (String, Vec<u8>) {
    let mut rng = NodeRng::new(seed, i);
    if i % 4 == 3 || corpus.is_empty() {
        return ("generated".to_string(), super::fuzz_gen::generate(&mut rng).into_bytes());
    }
    let (name, src) = &corpus[(i as usize) % corpus.len()];
    let src = if rng.below(8) == 0 { super::fuzz_gen::generate(&mut rng).into_bytes() } else { src.clone() };
    (format!("mutated {name}"), mutate(&src, &mut rng))
}

/// Every shipped scenario under `dir` (recursively), as (path, bytes), sorted.
pub fn shipped(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = crate::scenario::scenario_files(&[dir.to_path_buf()])
        .into_iter()
        .filter_map(|p| std::fs::read(&p).ok().map(|b| (p.display().to_string(), b)))
        .collect();
    out.sort();
    out
}
