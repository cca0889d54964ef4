//! Placeholders in narration: a caption may name the node that plays a role in this run
//! (`{controller}`, `{crashed}`, `{leader orders-1}`, `{isr orders-1}`, `{coordinator g}`),
//! filled in from the simulation when the caption's time comes, so a caption stays true
//! whichever broker won a race. `{{` and `}}` are literal braces; a `{` followed by
//! anything but a letter is literal too (`ISR {1, 3}` needs no escaping).

use super::schema::{Action, Scenario};

/// A role a placeholder names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// `{controller}`: the broker that is controller.
    Controller,
    /// `{crashed}`: the node a fault took down most recently.
    Crashed,
    /// `{leader T-P}`: the leader of partition P of topic T.
    Leader(String, u32),
    /// `{isr T-P}`: the in-sync replicas of partition P of topic T, as `{1, 3}`.
    Isr(String, u32),
    /// `{coordinator G}`: the broker coordinating group G.
    Coordinator(String),
}

/// A piece of a caption: literal text, or a role to fill in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Shown as is.
    Text(String),
    /// Filled in when the caption shows.
    Role(Role),
}

/// A placeholder that is not one: where it starts in the text, what it says, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadPlaceholder {
    /// Byte offset of its `{` in the caption text.
    pub offset: usize,
    /// The placeholder as written (up to its `}`, or a few characters if unclosed).
    pub written: String,
    /// What is wrong, and what was expected.
    pub msg: String,
}

/// The placeholders there are, for error messages and docs.
pub const EXPECTED: &str =
    "{controller}, {crashed}, {leader TOPIC-N}, {isr TOPIC-N} or {coordinator GROUP} (`{{` for a literal brace)";

/// Splits a caption into text and roles.
pub fn pieces(text: &str) -> Result<Vec<Piece>, BadPlaceholder> {
    Ok(scan(text)?.into_iter().map(|(_, p)| p).collect())
}

/// The pieces of a caption, each role with the byte offset of its `{`.
fn scan(text: &str) -> Result<Vec<(usize, Piece)>, BadPlaceholder> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let at = text.len() - rest.len();
        if rest.starts_with("{{") || rest.starts_with("}}") {
            lit.push(c);
            rest = &rest[2..];
        } else if c == '{' && rest[1..].starts_with(|n: char| n.is_ascii_alphabetic()) {
            let Some(end) = rest.find('}') else {
                let written: String = rest.chars().take(16).collect();
                return Err(BadPlaceholder { offset: at, written, msg: "this placeholder has no closing `}`".into() });
            };
            let written = &rest[..=end];
            let role =
                role(&rest[1..end]).map_err(|msg| BadPlaceholder { offset: at, written: written.to_string(), msg })?;
            if !lit.is_empty() {
                out.push((at, Piece::Text(std::mem::take(&mut lit))));
            }
            out.push((at, Piece::Role(role)));
            rest = &rest[end + 1..];
        } else {
            lit.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    if !lit.is_empty() {
        out.push((text.len(), Piece::Text(lit)));
    }
    Ok(out)
}

fn role(inner: &str) -> Result<Role, String> {
    let (word, arg) = match inner.split_once(' ') {
        Some((w, a)) => (w, Some(a.trim())),
        None => (inner, None),
    };
    let unknown = || format!("unknown placeholder `{{{inner}}}`; expected {EXPECTED}");
    match (word, arg) {
        ("controller", None) => Ok(Role::Controller),
        ("crashed", None) => Ok(Role::Crashed),
        ("leader" | "isr", Some(tp)) => {
            let (t, p) = tp
                .rsplit_once('-')
                .and_then(|(t, p)| p.parse::<u32>().ok().map(|p| (t.to_string(), p)))
                .filter(|(t, _)| !t.is_empty())
                .ok_or_else(|| {
                    format!(
                        "`{{{inner}}}` names no partition: expected `{{{word} TOPIC-N}}`, e.g. `{{{word} orders-0}}`"
                    )
                })?;
            Ok(if word == "leader" { Role::Leader(t, p) } else { Role::Isr(t, p) })
        }
        ("coordinator", Some(g)) if !g.is_empty() => Ok(Role::Coordinator(g.to_string())),
        ("controller" | "crashed", Some(_)) => {
            Err(format!("`{{{word}}}` takes nothing after its name; expected {EXPECTED}"))
        }
        _ => Err(unknown()),
    }
}

impl Role {
    /// The role in words, for a caption whose time has not come.
    pub fn words(&self) -> String {
        match self {
            Role::Controller => "the controller".into(),
            Role::Crashed => "the node that crashed".into(),
            Role::Leader(t, p) => format!("the leader of {t}-{p}"),
            Role::Isr(t, p) => format!("the ISR of {t}-{p}"),
            Role::Coordinator(g) => format!("the coordinator of {g}"),
        }
    }

    /// Whether the scenario has what the role names (topic, partition, group); why not.
    pub fn check(&self, sc: &Scenario) -> Result<(), String> {
        match self {
            Role::Controller | Role::Crashed => {
                if sc.cluster.brokers == 0 {
                    return Err("the scenario has no Kafka brokers".into());
                }
                Ok(())
            }
            Role::Leader(t, p) | Role::Isr(t, p) => match partitions(sc, t) {
                None => Err(format!("topic \"{t}\" is not defined")),
                Some(n) if *p >= n => Err(format!("\"{t}\" has no partition {p} (it has {n})")),
                Some(_) => Ok(()),
            },
            Role::Coordinator(g) => match sc.consumer_groups.iter().any(|x| &x.name == g) {
                true => Ok(()),
                false => Err(format!("no consumer group is called \"{g}\"")),
            },
        }
    }
}

/// Partitions of a topic (declared or implied), once every AddPartitions input ran.
fn partitions(sc: &Scenario, name: &str) -> Option<u32> {
    let n = super::derive::all_topics(sc).into_iter().find(|t| t.name == name)?.partitions;
    let grown = sc.faults.iter().filter_map(|f| match &f.action {
        Action::AddPartitions { topic, count } if topic == name => Some(*count),
        _ => None,
    });
    Some(grown.fold(n, u32::max))
}

/// Checks every placeholder of a caption against the scenario.
pub fn check(sc: &Scenario, text: &str) -> Result<(), BadPlaceholder> {
    for (offset, p) in scan(text)? {
        if let Piece::Role(r) = p {
            let end = text[offset..].find('}').map_or(text.len(), |i| offset + i + 1);
            let written = text[offset..end].to_string();
            let msg = |m: String| format!("`{written}`: {m}");
            r.check(sc).map_err(|m| BadPlaceholder { offset, msg: msg(m), written: written.clone() })?;
        }
    }
    Ok(())
}

/// A caption with each role in words (before its time, or when nothing resolves it).
pub fn in_words(text: &str) -> String {
    fill(text, &mut |r| r.words())
}

/// A caption with each role filled in by `resolve`; text that does not parse (it cannot
/// have loaded) is shown as written.
pub fn fill(text: &str, resolve: &mut dyn FnMut(&Role) -> String) -> String {
    match pieces(text) {
        Ok(ps) => ps
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.clone(),
                Piece::Role(r) => resolve(r),
            })
            .collect(),
        Err(_) => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_before_digits_and_doubled_braces_are_literal() {
        assert_eq!(in_words("ISR {1, 3}, not {{controller}}"), "ISR {1, 3}, not {controller}");
    }

    #[test]
    fn roles_parse_with_topics_that_contain_dashes() {
        let ps = pieces("{leader car-locations-2} and {controller}").unwrap();
        assert_eq!(ps[0], Piece::Role(Role::Leader("car-locations".into(), 2)));
        assert_eq!(ps[2], Piece::Role(Role::Controller));
        assert_eq!(in_words("{isr orders-0}"), "the ISR of orders-0");
    }

    #[test]
    fn unknown_and_unclosed_placeholders_say_where_and_what_is_expected() {
        let e = pieces("The {ctrl} crashes").unwrap_err();
        assert_eq!((e.offset, e.written.as_str()), (4, "{ctrl}"));
        assert!(e.msg.contains("{controller}"), "{}", e.msg);
        let e = pieces("ok {leader orders}").unwrap_err();
        assert!(e.msg.contains("TOPIC-N"), "{}", e.msg);
        let e = pieces("x {controller").unwrap_err();
        assert_eq!(e.offset, 2);
        assert!(e.msg.contains("closing"), "{}", e.msg);
    }
}
