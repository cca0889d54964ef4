//! The error a bad scenario gives: file, line, column and message, shown with the
//! offending source line and a caret. Loading and every validator build it.

use std::fmt;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_finds_anchors_in_order() {
        let src = "a\n  producers: [\n    (name: \"s1\", topic: \"x\"),\n";
        let e = ScenarioError::near("f", src, &["producers", "\"s1\"", "topic"], "bad");
        assert_eq!((e.line, e.col), (3, 18));
    }
}
