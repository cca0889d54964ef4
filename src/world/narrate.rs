//! Captions as this run tells them: when the simulation passes a narration line's time
//! (every event at that time applied), its placeholders are filled in from the state then
//! (`{controller}` → `broker-2`) and the caption is kept, so `brokerlab run` and the app
//! show the same words for the same seed, and they stay true whichever broker won a race.

use super::{Simulation, Story};
use crate::scenario::Trigger;
use crate::scenario::narration::{Role, fill, in_words};
use crate::sim::{NodeId, SimTime};
use crate::trace::{BrokerId, GroupEvent, Names, RecordKind};

impl Simulation {
    /// Whether a caption's time comes before `t` (or at `t`, when `inclusive`).
    pub(super) fn caption_due(&self, t: SimTime, inclusive: bool) -> bool {
        self.story.order.get(self.story.next).is_some_and(|&i| {
            let at = self.scenario.narration[i].at.0;
            at < t.0 || (inclusive && at == t.0)
        })
    }

    /// Tells every caption due before `t` (or at `t`, when `inclusive`).
    pub(super) fn tell(&mut self, t: SimTime, inclusive: bool) {
        while self.caption_due(t, inclusive) {
            let i = self.story.order[self.story.next];
            let at = SimTime(self.scenario.narration[i].at.0);
            let words = self.words_now(i);
            self.story.fire(i, at, words);
            self.story.next += 1;
        }
    }

    fn words_now(&self, i: usize) -> String {
        let sc = self.scenario.clone();
        fill(&sc.narration[i].text, &mut |r| self.role_now(r))
    }

    /// Fires each waiting beat whose time has come and whose `on` names this record.
    pub(super) fn watch_story(&mut self, r: &RecordKind) {
        let now = self.now;
        let mut k = 0;
        while let Some(&i) = self.story.waiting.get(k) {
            let beat = &self.scenario.narration[i];
            if beat.at.0 > now.0 {
                break; // waiting beats are in time order: the rest are later still
            }
            if beat.on.as_ref().is_some_and(|t| triggered(&self.names, t, r)) {
                let words = self.words_now(i);
                self.story.fire(i, now, words);
                self.story.waiting.remove(k);
            } else {
                k += 1;
            }
        }
    }

    /// The story so far.
    pub fn story(&self) -> &Story {
        &self.story
    }

    /// Narration line `i` as this run tells it: filled in once its time has passed, the
    /// roles in words before (or when the run stopped first).
    pub fn caption(&self, i: usize) -> String {
        match self.story.told.get(i).cloned().flatten() {
            Some(words) => words,
            None => self.scenario.narration.get(i).map(|n| in_words(&n.text)).unwrap_or_default(),
        }
    }

    /// Narration line `i`, if this run has told it already.
    pub fn told(&self, i: usize) -> Option<&str> {
        self.story.told.get(i).and_then(|t| t.as_deref())
    }

    fn broker_name(&self, b: BrokerId) -> String {
        self.names().node(b.0).to_string()
    }

    /// Who plays `role` now, by name.
    fn role_now(&self, role: &Role) -> String {
        match role {
            Role::Controller => self.controller().map(|b| self.broker_name(b)).unwrap_or_else(|| "no broker".into()),
            Role::Crashed => match self.last_crashed() {
                Some(NodeId(n)) => self.names().node(n).to_string(),
                None => "nothing".into(),
            },
            // The leader as elected (in ZooKeeper's partition state): a beat that fires on the
            // election names the new leader before it has taken up the role.
            Role::Leader(t, p) => {
                let elected = self.tp(t, *p).and_then(|tp| self.zookeeper().states.get(&tp)).map(|s| s.leader);
                let leader = elected.unwrap_or_else(|| self.leader_of_name(t, *p));
                leader.map(|b| self.broker_name(b)).unwrap_or_else(|| "no broker".into())
            }
            Role::Isr(t, p) => {
                let isr = self.tp(t, *p).and_then(|tp| self.zookeeper().states.get(&tp)).map(|s| s.isr.clone());
                let ids: Vec<String> = isr.unwrap_or_default().iter().map(|b| b.0.to_string()).collect();
                format!("{{{}}}", ids.join(", "))
            }
            Role::Coordinator(g) => {
                self.coordinator_of(g).map(|b| self.broker_name(b)).unwrap_or_else(|| "no broker".into())
            }
        }
    }
}

/// Whether record `r` is the event trigger `t` waits for.
fn triggered(names: &Names, t: &Trigger, r: &RecordKind) -> bool {
    use crate::trace::AmqpEvent as A;
    match (t, r) {
        (Trigger::LeaderChange(topic, p), RecordKind::Leader { tp, .. }) => {
            tp.partition == *p && names.topics[tp.topic.0 as usize] == *topic
        }
        (Trigger::Rebalance(g), RecordKind::Group(GroupEvent::Rebalance { group, .. }))
        | (Trigger::MemberRemoved(g), RecordKind::Group(GroupEvent::MemberRemoved { group, .. }))
        | (Trigger::Commit(g), RecordKind::Group(GroupEvent::Commit { group, .. })) => names.group(*group) == g,
        (Trigger::DeadLetter, RecordKind::Group(GroupEvent::DeadLetter { .. }))
        | (Trigger::DeadLetter, RecordKind::Amqp(A::DeadLetter { .. })) => true,
        (Trigger::Expire(q), RecordKind::Amqp(A::Expire { queue, .. })) => names.queue(*queue) == q,
        (
            Trigger::LeaderChange(..)
            | Trigger::Rebalance(_)
            | Trigger::MemberRemoved(_)
            | Trigger::Commit(_)
            | Trigger::DeadLetter
            | Trigger::Expire(_),
            _,
        ) => false,
    }
}
