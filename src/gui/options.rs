//! What the app is opened with: the arguments of `brokerlab open` (also what bare
//! `brokerlab` means). The app owns them; the command line only parses them. Built with or
//! without the `gui` feature, so `open` parses the same either way.

use std::path::PathBuf;

/// Arguments of `open`.
#[derive(clap::Args, Debug, Clone)]
pub struct OpenArgs {
    /// Scenario file to load (otherwise the scenario picker).
    pub file: Option<PathBuf>,
    /// Save a PNG of the window after `--after` and exit.
    #[arg(long)]
    pub screenshot: Option<PathBuf>,
    /// Simulated-and-wall time to play before the screenshot, e.g. "5s".
    #[arg(long, default_value = "5s")]
    pub after: String,
    /// Seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// With --screenshot: answer each question with choice N (1 = the first); without it
    /// questions are skipped. Pause beats before --after are continued.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=8))]
    pub answer: Option<u32>,
    /// Open the lifeline window on this message ("checkout#5") or key ("key:order-3"):
    /// its life as a space-time diagram, synced with the timeline.
    #[arg(long, value_name = "ID")]
    pub lifeline: Option<String>,
    /// Ask when expectation N (1 = the scenario's first) became inevitable: its curve over
    /// the timeline bar (as `brokerlab why`, fewer runs).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub why: Option<u32>,
    /// Window size in pixels, e.g. "1280x720" (default: 1600x900, shrunk to fit the screen).
    #[arg(long, value_parser = parse_size)]
    pub window: Option<(u32, u32)>,
    /// Directory of scenarios for the picker (when "scenarios" is not in the current
    /// directory, the one shipped beside the sources).
    #[arg(long, default_value = "scenarios")]
    pub scenarios: PathBuf,
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("expected WIDTHxHEIGHT between 640x480 and 7680x4320, e.g. 1280x720, not \"{s}\"");
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(bad)?;
    let (w, h) = (w.trim().parse::<u32>().map_err(|_| bad())?, h.trim().parse::<u32>().map_err(|_| bad())?);
    if !(640..=7680).contains(&w) || !(480..=4320).contains(&h) {
        return Err(bad());
    }
    Ok((w, h))
}
