//! Reading a scenario file: RON syntax and type errors come with ron's line and column;
//! semantic errors (unknown names, out-of-range sizes) are located by searching the text
//! for the offending entry. Every error names the file, line and column.

pub use super::error::ScenarioError;
use super::schema::{Expectation, Scenario};
use super::validate::{check_expectation, validate};
use std::path::{Path, PathBuf};

/// Largest scenario file accepted.
pub const MAX_FILE_BYTES: usize = 1 << 20;

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
    validate(&sc, src, file)?;
    Ok(sc)
}

/// Parses one expectation written as in a scenario's `expect` list, e.g.
/// `AckedLoss(at_least: 1)`, and checks it against `sc` (its groups, topics, times). Errors
/// name `label` (such as "--outcome") and the line and column in `text`.
pub fn parse_expectation(sc: &Scenario, text: &str, label: &str) -> Result<Expectation, ScenarioError> {
    if text.trim().is_empty() {
        let msg =
            "empty: expected an expectation as a scenario's `expect` list has them, e.g. `AckedLoss(at_least: 1)`";
        return Err(ScenarioError::at(label, text, 1, 1, msg));
    }
    let opts = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let e: Expectation = opts.from_str(text).map_err(|e| {
        let msg = explain_ron(&e.code.to_string());
        ScenarioError::at(label, text, e.span.start.line, e.span.start.col, msg)
    })?;
    // The validators place errors by searching for the section, then the name: here the
    // text is the one expectation, so only the name is searched.
    let err = |anchors: &[&str], msg: String| {
        let within: Vec<&str> = anchors.iter().copied().filter(|a| *a != "expect").collect();
        ScenarioError::near(label, text, &within, msg)
    };
    check_expectation(sc, &e, &err)?;
    Ok(e)
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
    fn one_expectation_parses_and_is_checked_against_the_scenario() {
        let sc = parse("Scenario(name: \"x\", duration: \"10s\", topics: [(name: \"t\")])", "s.ron").unwrap();
        assert_eq!(
            parse_expectation(&sc, "AckedLoss(at_least: 2)", "o").unwrap(),
            Expectation::AckedLoss { at_least: 2 }
        );
        let e = parse_expectation(&sc, "Rebalances(group: \"g\", min: 1)", "o").unwrap_err();
        assert!(e.msg.contains("group \"g\""), "{e}");
        assert_eq!((e.line, e.col), (1, 19), "{e}");
        let e = parse_expectation(&sc, "AckedLoss(at_least: x)", "o").unwrap_err();
        assert_eq!((e.file.as_str(), e.line, e.col), ("o", 1, 20), "{e}");
    }

    #[test]
    fn unclosed_and_empty_files_are_errors_with_positions() {
        let e = parse("Scenario(\n  name: \"unclosed\",\n", "u.ron").unwrap_err();
        assert_eq!((e.line, e.col), (2, 20), "{e}");
        assert!(e.msg.contains("ends too early"), "{e}");
        let e = parse("", "e.ron").unwrap_err();
        assert_eq!((e.line, e.col), (1, 1));
    }
}
