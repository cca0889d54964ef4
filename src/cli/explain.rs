//! `brokerlab explain`: the engine's own partitioner, answering "where does this key go?".

use crate::kafka::partitioner::{murmur2, to_positive};
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub(super) enum Explain {
    /// Which partition each key goes to: murmur2 of its UTF-8 bytes, & 0x7fffffff, mod N.
    Partition {
        /// Number of partitions of the topic.
        #[arg(long)]
        partitions: u32,
        /// Print JSON (one array) for scripts.
        #[arg(long)]
        json: bool,
        /// Keys.
        #[arg(required = true)]
        keys: Vec<String>,
    },
}

pub(super) fn explain(e: Explain) -> ExitCode {
    match e {
        Explain::Partition { partitions, json, keys } => {
            if partitions == 0 {
                eprintln!("error: --partitions must be at least 1");
                return ExitCode::from(2);
            }
            let rows: Vec<(String, i32, u32, u32)> = keys
                .into_iter()
                .map(|k| {
                    let h = murmur2(k.as_bytes());
                    let pos = to_positive(h);
                    (k, h, pos, pos % partitions)
                })
                .collect();
            if json {
                let v: Vec<serde_json::Value> = rows
                    .iter()
                    .map(|(k, h, pos, p)| serde_json::json!({"key": k, "murmur2": h, "positive": pos, "partition": p}))
                    .collect();
                crate::outln!("{}", serde_json::Value::Array(v));
            } else {
                crate::outln!("{:<24} {:>12} {:>12}  partition (of {partitions})", "key", "murmur2", "& 0x7fffffff");
                for (k, h, pos, p) in rows {
                    crate::outln!("{k:<24} {h:>12} {pos:>12}  {p}");
                }
                crate::outln!(
                    "\npartition = (murmur2(key bytes) & 0x7fffffff) % {partitions}, as Kafka's Java client computes it"
                );
            }
            ExitCode::SUCCESS
        }
    }
}
