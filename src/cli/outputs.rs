//! The files `run` writes records to as they are made: the JSON Lines trace and the
//! Chrome trace (Perfetto). Write errors are kept and reported once, at the end.

use crate::trace::chrome::ChromeWriter;
use crate::trace::{Names, Record, jsonl};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Open output files.
pub(super) struct Outputs {
    jsonl: Option<(PathBuf, BufWriter<File>)>,
    chrome: Option<(PathBuf, ChromeWriter<BufWriter<File>>)>,
    error: Option<String>,
}

fn create(p: &Path) -> Result<BufWriter<File>, String> {
    File::create(p).map(BufWriter::new).map_err(|e| format!("cannot write {}: {e}", p.display()))
}

impl Outputs {
    /// Creates the files asked for.
    pub(super) fn open(trace: Option<&Path>, chrome: Option<&Path>) -> Result<Outputs, String> {
        let jsonl = trace.map(|p| create(p).map(|w| (p.to_path_buf(), w))).transpose()?;
        let chrome = chrome.map(|p| create(p).map(|w| (p.to_path_buf(), ChromeWriter::new(w)))).transpose()?;
        Ok(Outputs { jsonl, chrome, error: None })
    }

    /// True when some file wants the records.
    pub(super) fn any(&self) -> bool {
        self.jsonl.is_some() || self.chrome.is_some()
    }

    /// Writes a batch of records to every file.
    pub(super) fn write(&mut self, recs: &[Record], names: &Names) {
        if self.error.is_some() {
            return;
        }
        if let Some((p, w)) = self.jsonl.as_mut()
            && let Err(e) = jsonl::write_all(w, recs, names)
        {
            self.error = Some(format!("writing {}: {e}", p.display()));
        }
        if let Some((p, w)) = self.chrome.as_mut()
            && let Err(e) = w.write(recs, names)
        {
            self.error = Some(format!("writing {}: {e}", p.display()));
        }
    }

    /// Flushes and closes the files; the first error, if any.
    pub(super) fn finish(self) -> Result<(), String> {
        if let Some(e) = self.error {
            return Err(e);
        }
        if let Some((p, mut w)) = self.jsonl {
            w.flush().map_err(|e| format!("writing {}: {e}", p.display()))?;
        }
        if let Some((p, w)) = self.chrome {
            let mut w = w.finish().map_err(|e| format!("writing {}: {e}", p.display()))?;
            w.flush().map_err(|e| format!("writing {}: {e}", p.display()))?;
        }
        Ok(())
    }
}
