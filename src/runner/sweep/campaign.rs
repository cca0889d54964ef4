//! What a sweep of many seeds does around the single seeds: the seed range and shard a
//! command asks for, results as JSON Lines (written per shard, merged back), and failing
//! schedules shrunk and saved as scenario files that replay them.

use super::faults::{random_faults, with_faults};
use super::seed::SeedResult;
use super::shrink::shrink;
use crate::scenario::{Scenario, to_ron};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Runs a failing schedule may take while it is shrunk.
pub const SHRINK_BUDGET: usize = 60;

/// Parses a seed range `A..B` (inclusive, at most 10,000,000 seeds).
pub fn parse_range(s: &str) -> Result<(u64, u64), String> {
    let (a, b) = s.split_once("..").ok_or_else(|| format!("--seeds {s}: expected A..B"))?;
    let a: u64 = a.parse().map_err(|_| format!("--seeds {s}: \"{a}\" is not a number"))?;
    let b: u64 = b.parse().map_err(|_| format!("--seeds {s}: \"{b}\" is not a number"))?;
    if b < a || b - a >= 10_000_000 {
        return Err(format!("--seeds {s}: at most 10,000,000 seeds, A ≤ B"));
    }
    Ok((a, b))
}

/// Parses a shard `I/N` (every N-th seed from the I-th, from 0).
pub fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let (i, n) = s.split_once('/').ok_or_else(|| format!("--shard {s}: expected I/N"))?;
    let (i, n): (u64, u64) = (i.parse().map_err(|_| "bad shard index")?, n.parse().map_err(|_| "bad shard count")?);
    if n == 0 || i >= n {
        return Err(format!("--shard {s}: need 0 ≤ I < N"));
    }
    Ok((i, n))
}

/// The seeds of `range` (`A..B`) this shard (`I/N`, if any) runs.
pub fn seeds(range: &str, shard: Option<&str>) -> Result<Vec<u64>, String> {
    let (lo, hi) = parse_range(range)?;
    let shard = shard.map(parse_shard).transpose()?;
    Ok((lo..=hi).filter(|s| shard.is_none_or(|(i, n)| (s - lo) % n == i)).collect())
}

/// Reads shards' JSON Lines files back: every seed once, in seed order.
pub fn merge(files: &[PathBuf]) -> Result<Vec<SeedResult>, String> {
    let mut all = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).map_err(|_| format!("cannot read {}", f.display()))?;
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let r = serde_json::from_str::<SeedResult>(line)
                .map_err(|e| format!("{}:{}: not a sweep result: {e}", f.display(), i + 1))?;
            all.push(r);
        }
    }
    all.sort_by_key(|r| r.seed);
    all.dedup_by_key(|r| r.seed);
    Ok(all)
}

/// Writes one JSON line per seed to `path`.
pub fn write_json(path: &Path, results: &[SeedResult]) -> Result<(), String> {
    let write = || -> std::io::Result<()> {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        for r in results {
            writeln!(f, "{}", serde_json::to_string(r).expect("serialisable"))?;
        }
        f.flush()
    };
    write().map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A failing seed's schedule shrunk and saved in `out` as `<stem>-seed-<seed>.ron`.
pub struct Shrunk {
    /// Where it was written.
    pub path: PathBuf,
    /// Faults left after shrinking.
    pub faults: usize,
}

/// Shrinks the failing `seed` of `sc` (read from `file`) and writes the result to `out`;
/// `None` when the file cannot be written.
pub fn save_shrunk(sc: &Scenario, file: &Path, seed: u64, random: bool, out: &Path) -> Option<Shrunk> {
    let small = shrink(sc, seed, if random { random_faults(sc, seed) } else { Vec::new() }, SHRINK_BUDGET);
    let stem = file.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| "scenario".into());
    let path = out.join(format!("{stem}-seed-{seed}.ron"));
    let mut s = with_faults(sc, seed, &small);
    s.name = format!("{} (sweep seed {seed}, {} faults after shrinking)", sc.name, small.len());
    std::fs::create_dir_all(out).and_then(|_| std::fs::write(&path, to_ron(&s))).ok()?;
    Some(Shrunk { path, faults: small.len() })
}
