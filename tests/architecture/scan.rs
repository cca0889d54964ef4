//! Reads Rust source as text: strips comments and literals, finds the module paths a file
//! names (`crate::`, `super::`, `self::` and child-module paths, in `use` trees and
//! inline) and the functions it defines with their length. No parser crate: the source
//! follows rustfmt, and the few shapes it uses are enough.

/// Source with comments removed and string/char literals emptied; newlines kept so that
/// line numbers stay right.
pub fn strip(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &src[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            let mut depth = 0;
            while i < b.len() {
                if src[i..].starts_with("/*") {
                    depth += 1;
                    i += 2;
                } else if src[i..].starts_with("*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if b[i] == b'\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if let Some(len) = raw_string_len(src, i) {
            out.push_str("\"\"");
            out.extend(src[i..i + len].chars().filter(|&c| c == '\n'));
            i += len;
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            out.push_str("\"\"");
            out.extend(src[i..(j + 1).min(b.len())].chars().filter(|&c| c == '\n'));
            i = j + 1;
        } else if let Some(len) = char_literal_len(rest) {
            out.push_str("' '");
            i += len;
        } else {
            let c = rest.chars().next().expect("in bounds");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

fn raw_string_len(src: &str, i: usize) -> Option<usize> {
    let rest = &src[i..];
    let prev_ident = i > 0 && is_ident_byte(src.as_bytes()[i - 1]);
    if prev_ident || !(rest.starts_with("r\"") || rest.starts_with("r#")) {
        return None;
    }
    let hashes = rest[1..].bytes().take_while(|&c| c == b'#').count();
    if rest.as_bytes().get(1 + hashes) != Some(&b'"') {
        return None;
    }
    let close = format!("\"{}", "#".repeat(hashes));
    let body = 2 + hashes;
    rest[body..].find(&close).map(|e| body + e + close.len())
}

fn char_literal_len(rest: &str) -> Option<usize> {
    let b = rest.as_bytes();
    if b.first() != Some(&b'\'') {
        return None;
    }
    if b.get(1) == Some(&b'\\') {
        let end = rest[2..].find('\'')?;
        return Some(end + 3);
    }
    let c = rest[1..].chars().next()?;
    (rest.as_bytes().get(1 + c.len_utf8()) == Some(&b'\'')).then_some(2 + c.len_utf8())
}

pub fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn ident_at(s: &str, i: usize) -> Option<&str> {
    let b = s.as_bytes();
    if i >= b.len() || !(b[i].is_ascii_alphabetic() || b[i] == b'_') {
        return None;
    }
    let end = b[i..].iter().position(|&c| !is_ident_byte(c)).map_or(b.len(), |p| i + p);
    Some(&s[i..end])
}

fn skip_ws(s: &str, mut i: usize) -> usize {
    while i < s.len() && s.as_bytes()[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Parses a path (or `use` tree) starting at `i`; pushes every full path it names.
pub fn parse_tree(s: &str, mut i: usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let mut segs = prefix.to_vec();
    loop {
        i = skip_ws(s, i);
        if s[i..].starts_with('{') {
            i += 1;
            loop {
                while i < s.len() && (s.as_bytes()[i].is_ascii_whitespace() || s.as_bytes()[i] == b',') {
                    i += 1;
                }
                if i >= s.len() || s.as_bytes()[i] == b'}' {
                    return i + 1;
                }
                i = parse_tree(s, i, &segs, out);
            }
        }
        let Some(id) = ident_at(s, i) else {
            out.push(segs);
            return i;
        };
        segs.push(id.to_string());
        i = skip_ws(s, i + id.len());
        if s[i..].starts_with("::") {
            i += 2;
            continue;
        }
        out.push(segs);
        return i;
    }
}

/// A path as written, with the inline module it was written in.
pub struct PathUse {
    /// `crate`, `super`, `self` or a first segment that may be a child module.
    pub segs: Vec<String>,
    /// Inline modules (`mod tests { … }`) enclosing the use.
    pub inline: Vec<String>,
    /// Whether it is a `use` declaration (a bare first segment can name a child module
    /// only there).
    pub in_use: bool,
}

/// Every module path the stripped source names.
pub fn paths(s: &str) -> Vec<PathUse> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let at_word = i == 0 || !(is_ident_byte(b[i - 1]) || b[i - 1] == b'$' || b[i - 1] == b':');
        match b[i] {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d > depth) {
                    inline.pop();
                }
            }
            _ => {}
        }
        if at_word && let Some(id) = ident_at(s, i) {
            if id == "mod" {
                let j = skip_ws(s, i + 3);
                if let Some(name) = ident_at(s, j) {
                    let k = skip_ws(s, j + name.len());
                    if s[k..].starts_with('{') {
                        inline.push((name.to_string(), depth + 1));
                    }
                }
            }
            let names: Vec<String> = inline.iter().map(|(n, _)| n.clone()).collect();
            if id == "use" {
                let mut found = Vec::new();
                let end = parse_tree(s, i + 3, &[], &mut found);
                out.extend(found.into_iter().map(|segs| PathUse { segs, inline: names.clone(), in_use: true }));
                i = end;
                continue;
            }
            if matches!(id, "crate" | "super" | "self") && s[i + id.len()..].starts_with("::") {
                let mut found = Vec::new();
                let end = parse_tree(s, i, &[], &mut found);
                out.extend(found.into_iter().map(|segs| PathUse { segs, inline: names.clone(), in_use: false }));
                i = end;
                continue;
            }
            i += id.len();
            continue;
        }
        i += 1;
    }
    out
}

/// A function and its length in lines (signature to closing brace).
pub struct Function {
    pub name: String,
    pub line: usize,
    pub lines: usize,
    /// The body is one `match` whose arms are single expressions (no `;`, no `let`).
    pub dispatch_only: bool,
}

/// The functions (with bodies) in the stripped source.
pub fn functions(s: &str) -> Vec<Function> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = s[i..].find("fn ") {
        let start = i + p;
        i = start + 3;
        if start > 0 && is_ident_byte(b[start - 1]) {
            continue;
        }
        let Some(name) = ident_at(s, skip_ws(s, start + 3)) else { continue };
        let Some(open) = body_open(s, start) else { continue };
        let Some(close) = matching_brace(s, open) else { continue };
        let line = s[..start].matches('\n').count() + 1;
        let lines = s[start..close].matches('\n').count() + 1;
        let dispatch_only = is_dispatch(&s[open + 1..close]);
        out.push(Function { name: name.to_string(), line, lines, dispatch_only });
    }
    out
}

/// The `{` that opens a function body, or None for a declaration ending in `;`.
fn body_open(s: &str, from: usize) -> Option<usize> {
    let mut paren = 0i32;
    for (k, c) in s[from..].bytes().enumerate() {
        match c {
            b'(' | b'[' => paren += 1,
            b')' | b']' => paren -= 1,
            b';' if paren == 0 => return None,
            b'{' if paren == 0 => return Some(from + k),
            _ => {}
        }
    }
    None
}

pub fn matching_brace(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0;
    for (k, c) in s[open..].bytes().enumerate() {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + k);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether a body is a single `match` whose arms each hold one expression.
fn is_dispatch(body: &str) -> bool {
    let t = body.trim();
    let Some(rest) = t.strip_prefix("match ") else { return false };
    let Some(open) = rest.find('{') else { return false };
    let Some(close) = matching_brace(rest, open) else { return false };
    if !rest[close + 1..].trim().is_empty() {
        return false;
    }
    let arms = &rest[open + 1..close];
    !arms.contains(';') && !arms.contains("let ")
}
