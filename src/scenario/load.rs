//! Reading a scenario file: RON syntax and type errors come with ron's line and column;
//! semantic errors (unknown names, out-of-range sizes) are located by searching the text
//! for the offending entry. Every error names the file, line and column.

use super::Scenario;
use std::fmt;
use std::path::{Path, PathBuf};

/// Largest scenario file accepted.
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// A bad scenario: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file as given.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// What is wrong and what was expected.
    pub msg: String,
    /// The offending source line, if there is one.
    pub source_line: Option<String>,
}

/// Most characters of a source line (or of a message) an error shows: a 200 kB line or
/// a deeply nested one stays readable, and the output small.
pub const ECHO_CHARS: usize = 200;

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.col, clip(&self.msg))?;
        if let Some(src) = &self.source_line {
            let gutter = self.line.to_string();
            let (shown, caret) = window(src, self.col);
            write!(f, "\n {gutter} | {shown}\n {} | {}^", " ".repeat(gutter.len()), " ".repeat(caret - 1))?;
        }
        Ok(())
    }
}

/// At most `ECHO_CHARS` characters of `line` around 1-based column `col`, and the caret's
/// column in what is shown.
fn window(line: &str, col: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= ECHO_CHARS {
        return (line.to_string(), col.max(1));
    }
    let at = col.max(1).min(chars.len() + 1) - 1;
    let start = at.saturating_sub(ECHO_CHARS / 2).min(chars.len() - ECHO_CHARS);
    let end = start + ECHO_CHARS;
    let mut shown: String = if start > 0 { "…".into() } else { String::new() };
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, at - start + 1 + usize::from(start > 0))
}

/// A message of at most about `ECHO_CHARS` characters (names quoted in it can be long).
fn clip(msg: &str) -> String {
    let n = msg.chars().count();
    if n <= ECHO_CHARS + 100 {
        return msg.to_string();
    }
    let head: String = msg.chars().take(ECHO_CHARS).collect();
    let tail: String = msg.chars().skip(n - 80).collect();
    format!("{head} … ({} characters left out) … {tail}", n - ECHO_CHARS - 80)
}

impl std::error::Error for ScenarioError {}

impl ScenarioError {
    /// An error at a 1-based line and column of `src`.
    pub fn at(file: &str, src: &str, line: usize, col: usize, msg: impl Into<String>) -> ScenarioError {
        let source_line = src.lines().nth(line.saturating_sub(1)).map(|l| l.to_string());
        ScenarioError { file: file.to_string(), line: line.max(1), col: col.max(1), msg: msg.into(), source_line }
    }

    /// An error at the first place where `anchors` occur in order (each searched after the
    /// previous one); at the last anchor found, or line 1 if none is.
    pub fn near(file: &str, src: &str, anchors: &[&str], msg: impl Into<String>) -> ScenarioError {
        let mut pos = None;
        let mut from = 0;
        for a in anchors {
            match src[from..].find(a) {
                Some(i) => {
                    pos = Some(from + i);
                    from += i + a.len();
                }
                None => break,
            }
        }
        let (line, col) = match pos {
            Some(p) => {
                let before = &src[..p];
                let line = before.matches('\n').count() + 1;
                let col = p - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
                (line, col)
            }
            None => (1, 1),
        };
        ScenarioError::at(file, src, line, col, msg)
    }
}

/// Parses and validates scenario text; `file` names it in errors.
pub fn parse(src: &str, file: &str) -> Result<Scenario, ScenarioError> {
    // Editors on Windows may start UTF-8 files with a byte-order mark; it is not content.
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    if src.len() > MAX_FILE_BYTES {
        return Err(ScenarioError::at(
            file,
            "",
            1,
            1,
            format!("file is {} bytes; scenarios are limited to {} bytes", src.len(), MAX_FILE_BYTES),
        ));
    }
    if src.trim().is_empty() {
        return Err(ScenarioError::at(
            file,
            src,
            1,
            1,
            "the file is empty: expected `Scenario(name: \"…\", duration: \"60s\", …)`",
        ));
    }
    let opts = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let sc: Scenario = opts.from_str(src).map_err(|e| {
        let msg = explain_ron(&e.code.to_string());
        ScenarioError::at(file, src, e.span.start.line, e.span.start.col, msg)
    })?;
    super::validate::validate(&sc, src, file)?;
    Ok(sc)
}

/// Reads, parses and validates a scenario file.
pub fn load_file(path: &Path) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| ScenarioError::at(&file, "", 1, 1, format!("cannot read: {e}")))?;
    if meta.len() as usize > MAX_FILE_BYTES {
        return Err(ScenarioError::at(
            &file,
            "",
            1,
            1,
            format!("file is {} bytes; scenarios are limited to {} bytes", meta.len(), MAX_FILE_BYTES),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| ScenarioError::at(&file, "", 1, 1, format!("cannot read: {e}")))?;
    parse_bytes(&bytes, &file)
}

/// Parses and validates scenario bytes, which must be UTF-8; `file` names them in errors.
pub fn parse_bytes(bytes: &[u8], file: &str) -> Result<Scenario, ScenarioError> {
    let src = std::str::from_utf8(bytes).map_err(|e| {
        // Point at the first bad byte.
        let before = &bytes[..e.valid_up_to()];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = before.len() - before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        ScenarioError::at(file, "", line, col, format!("not UTF-8 text: {e}"))
    })?;
    parse(src, file)
}

/// Makes ron's messages friendlier where they are terse.
fn explain_ron(msg: &str) -> String {
    if msg.contains("Unexpected end of RON") {
        format!("{msg}: the file ends too early (an unclosed `(` or `[`?)")
    } else if msg.contains("Unexpected missing field") || msg.contains("missing field") {
        format!("{msg} (required; see docs/scenarios.md)")
    } else {
        msg.to_string()
    }
}

/// Every *.ron under the given paths, sorted.
pub fn scenario_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    fn walk(p: &Path, out: &mut Vec<PathBuf>) {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> =
                std::fs::read_dir(p).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
            entries.sort();
            for e in entries {
                walk(&e, out);
            }
        } else if p.extension().is_some_and(|e| e == "ron") {
            out.push(p.to_path_buf());
        }
    }
    for p in paths {
        if p.is_file() {
            out.push(p.clone());
        } else {
            walk(p, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_names_line_column_and_valid_names() {
        let src = "Scenario(\n  name: \"x\",\n  seed: 1,\n  no_such_field: 3,\n)\n";
        let e = parse(src, "t.ron").unwrap_err();
        assert_eq!((e.line, e.col), (4, 3), "{e}");
        assert!(e.msg.contains("no_such_field") && e.msg.contains("duration"), "{e}");
    }

    #[test]
    fn unclosed_and_empty_files_are_errors_with_positions() {
        let e = parse("Scenario(\n  name: \"unclosed\",\n", "u.ron").unwrap_err();
        assert_eq!((e.line, e.col), (2, 20), "{e}");
        assert!(e.msg.contains("ends too early"), "{e}");
        let e = parse("", "e.ron").unwrap_err();
        assert_eq!((e.line, e.col), (1, 1));
    }

    #[test]
    fn near_finds_anchors_in_order() {
        let src = "a\n  producers: [\n    (name: \"s1\", topic: \"x\"),\n";
        let e = ScenarioError::near("f", src, &["producers", "\"s1\"", "topic"], "bad");
        assert_eq!((e.line, e.col), (3, 18));
    }
}
