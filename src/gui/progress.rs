//! Course progress: the chapters a learner finished, one file name per line in a small
//! local file (`$BROKERLAB_PROGRESS`, else `$XDG_DATA_HOME/brokerlab/course-progress.txt`,
//! else `~/.local/share/brokerlab/course-progress.txt`). Losing it loses only the ticks.

use std::collections::BTreeSet;
use std::path::PathBuf;

/// Where progress is kept (None: no home directory to keep it in).
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("BROKERLAB_PROGRESS") {
        return Some(PathBuf::from(p));
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(data.join("brokerlab/course-progress.txt"))
}

/// The chapters finished so far (nothing, if the file is missing or unreadable).
pub fn load() -> BTreeSet<String> {
    let text = path().and_then(|p| std::fs::read_to_string(p).ok()).unwrap_or_default();
    // Bounded: a damaged file cannot make the picker slow.
    text.lines().take(1000).map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
}

/// Saves the chapters finished; an error says why (shown as the status line).
pub fn save(done: &BTreeSet<String>) -> Result<(), String> {
    let p = path().ok_or("no home directory to keep course progress in")?;
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let text: String = done.iter().map(|d| format!("{d}\n")).collect();
    std::fs::write(&p, text).map_err(|e| format!("cannot save course progress to {}: {e}", p.display()))
}

/// The key a chapter is remembered by: its file name.
pub fn key(file: &std::path::Path) -> String {
    file.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default()
}
