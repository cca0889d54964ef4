//! Reading a scenario file: RON syntax and type errors come with ron's line and column;
//! semantic errors (unknown names, out-of-range sizes) are located by searching the text
//! for the offending entry. Every error names the file, line and column.

use super::Scenario;
use std::fmt;
use std::path::Path;

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

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.col, self.msg)?;
        if let Some(src) = &self.source_line {
            let gutter = self.line.to_string();
            write!(
                f,
                "\n {gutter} | {src}\n {} | {}^",
                " ".repeat(gutter.len()),
                " ".repeat(self.col.saturating_sub(1))
            )?;
        }
        Ok(())
    }
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
    let src =
        String::from_utf8(bytes).map_err(|e| ScenarioError::at(&file, "", 1, 1, format!("not UTF-8 text: {e}")))?;
    parse(&src, &file)
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
