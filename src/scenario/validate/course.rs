//! Checks of the guided-course fields: the chapter's concepts are known ids, each question
//! offers at least two choices judged at a time within the run, every expectation in a
//! choice names what exists (timed kinds timed at the reveal), and each beat's `focus` and
//! `on` name a node, partition, queue or group of the scenario.

use super::expect::check_all;
use super::names::{grown_partitions, is_node_name};
use crate::scenario::error::ScenarioError;
use crate::scenario::schema::{CONCEPTS, Narration, Question, Scenario, Trigger};

/// Choices one question may offer.
pub const CHOICES: usize = 8;

/// Checks `course`, `questions` and the beats' `focus` and `on`.
pub fn check_course(sc: &Scenario, err: &dyn Fn(&[&str], String) -> ScenarioError) -> Result<(), ScenarioError> {
    if let Some(c) = &sc.course {
        if c.chapter == 0 {
            return Err(err(&["course", "chapter"], "`chapter` counts from 1".into()));
        }
        if let Some(bad) = c.concepts.iter().find(|k| !CONCEPTS.contains(&k.as_str())) {
            let msg = format!("unknown concept \"{bad}\"; expected one of: {}", CONCEPTS.join(", "));
            return Err(err(&["course", &format!("\"{bad}\"")], msg));
        }
    }
    if sc.questions.len() > super::limits::ITEMS {
        return Err(err(&["questions"], format!("at most {} questions", super::limits::ITEMS)));
    }
    for (i, q) in sc.questions.iter().enumerate() {
        check_question(sc, i, q, err)?;
    }
    for n in &sc.narration {
        check_beat(sc, n, err)?;
    }
    Ok(())
}

fn check_question(
    sc: &Scenario,
    i: usize,
    q: &Question,
    err: &dyn Fn(&[&str], String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    let ask = format!("\"{}", q.ask.chars().take(30).collect::<String>());
    let anchors = ["questions", ask.as_str()];
    let here = |msg: String| err(&anchors, format!("question {} (at {}): {msg}", i + 1, q.at));
    if q.choices.len() < 2 || q.choices.len() > CHOICES {
        return Err(here(format!("offers {} choices; expected 2 to {CHOICES}", q.choices.len())));
    }
    if q.reveal < q.at || q.reveal > sc.duration {
        return Err(here(format!(
            "`reveal` is {}; expected between `at` ({}) and the end of the run ({})",
            q.reveal, q.at, sc.duration
        )));
    }
    for (j, c) in q.choices.iter().enumerate() {
        let choice = |msg: String| here(format!("choice {} (\"{}\"): {msg}", j + 1, c.text));
        if c.holds.is_empty() {
            return Err(choice("`holds` is empty; expected what must be true for this answer to be right".into()));
        }
        check_all(sc, &c.holds, &|_, msg| choice(msg))?;
        for e in &c.holds {
            if let Some(at) = e.at()
                && at != q.reveal
            {
                return Err(choice(format!(
                    "an expectation timed at {at}; in a choice it must be timed at `reveal` ({})",
                    q.reveal
                )));
            }
        }
    }
    Ok(())
}

/// Whether `name` is something a beat can ring.
fn focusable(sc: &Scenario, name: &str) -> bool {
    if let Some(q) = name.strip_prefix("queue:") {
        return sc.rabbitmq.as_ref().is_some_and(|r| r.queues.iter().any(|x| x.name == q));
    }
    if let Some(g) = name.strip_prefix("group:") {
        return sc.consumer_groups.iter().any(|x| x.name == g);
    }
    let partition = name.rsplit_once('-').and_then(|(t, p)| Some((t, p.parse::<u32>().ok()?)));
    is_node_name(sc, name) || partition.is_some_and(|(t, p)| grown_partitions(sc, t).is_some_and(|n| p < n))
}

fn check_beat(
    sc: &Scenario,
    n: &Narration,
    err: &dyn Fn(&[&str], String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    if let Some(bad) = n.focus.iter().find(|f| !focusable(sc, f)) {
        return Err(err(
            &["narration", &format!("\"{bad}\"")],
            format!(
                "narration at {}: `focus` names \"{bad}\"; expected a node (\"consumer-1\", \"broker-2\", \
                 \"zookeeper\"), a partition (\"TOPIC-A-0\"), \"queue:NAME\" or \"group:NAME\" of this scenario",
                n.at
            ),
        ));
    }
    let group = |g: &String| sc.consumer_groups.iter().any(|x| &x.name == g);
    let missing = match &n.on {
        None | Some(Trigger::DeadLetter) => None,
        Some(Trigger::LeaderChange(t, p)) => match grown_partitions(sc, t) {
            Some(k) if *p < k => None,
            _ => Some(format!("partition {t}-{p}")),
        },
        Some(Trigger::Rebalance(g) | Trigger::MemberRemoved(g) | Trigger::Commit(g)) => {
            (!group(g)).then(|| format!("group \"{g}\""))
        }
        Some(Trigger::Expire(q)) => {
            let ok = sc.rabbitmq.as_ref().is_some_and(|r| r.queues.iter().any(|x| &x.name == q));
            (!ok).then(|| format!("queue \"{q}\""))
        }
    };
    match missing {
        Some(what) => Err(err(
            &["narration", "on:"],
            format!("narration at {}: `on` waits for {what}, which this scenario does not have", n.at),
        )),
        None => Ok(()),
    }
}
