//! Following a key ("key:car-7"): the lifelines of the Kafka records produced with that key,
//! merged into one diagram whose steps name their message. A key's records share a
//! partition (murmur2 of the key), so the diagram shows them queue up behind each other.
//! One collector follows the cluster's state for records not produced yet; when a record
//! with the key is produced it is cloned to follow that record, so every follower knows
//! the leaders and coordinators of the moment.

use super::model::{Lifeline, MarkKind};
use super::state::Collector;
use crate::sim::SimTime;
use crate::trace::{MsgId, Names, Record, RecordKind};

/// Records of one key followed at most; later ones are counted, not drawn.
pub const MAX_KEY_MESSAGES: usize = 20;

/// What the lifeline follows: one message, or every record produced with one key.
#[derive(Clone, Debug)]
pub enum Follow {
    /// One message ("checkout#5").
    Message(Collector),
    /// Every Kafka record with a key ("key:car-7").
    Key(KeyCollector),
}

/// Follows the records produced with one key.
#[derive(Clone, Debug)]
pub struct KeyCollector {
    key: String,
    /// Follows no message, only the cluster's state: the template for new followers.
    base: Collector,
    parts: Vec<Collector>,
    /// Records with the key produced after `MAX_KEY_MESSAGES` were followed.
    more: u64,
}

impl Follow {
    /// Follows what `id` names in a run of `sc` with `seed`: "key:K" for a key, else a
    /// message id.
    pub fn new(sc: &crate::scenario::Scenario, seed: u64, id: &str) -> Result<Follow, String> {
        let Some(key) = id.strip_prefix("key:") else {
            return Collector::new(sc, seed, id).map(Follow::Message);
        };
        if key.is_empty() {
            return Err("expected a key after \"key:\" (as in \"key:car-7\")".into());
        }
        if sc.producers.is_empty() {
            return Err("\"key:\" follows Kafka records by key, and this scenario has no Kafka producer".into());
        }
        let mut base = Collector::new(sc, seed, &format!("{}#0", sc.producers[0].name))?;
        base.target = MsgId(u64::MAX); // no record has this id: the base follows none
        base.message = id.to_string();
        Ok(Follow::Key(KeyCollector { key: key.to_string(), base, parts: Vec::new(), more: 0 }))
    }

    /// Takes in records, in trace order.
    pub fn observe<'a>(&mut self, records: impl IntoIterator<Item = &'a Record>, names: &Names) {
        match self {
            Follow::Message(c) => c.observe(records, names),
            Follow::Key(k) => k.observe(records, names),
        }
    }

    /// Steps collected so far (hops, marks, node downs and ups): the lifeline changed when
    /// this did.
    pub fn steps(&self) -> usize {
        match self {
            Follow::Message(c) => c.steps(),
            Follow::Key(k) => k.parts.iter().map(Collector::steps).sum(),
        }
    }

    /// The lifeline so far, or why there is none.
    pub fn lifeline(&self) -> Result<Lifeline, String> {
        match self {
            Follow::Message(c) => c.clone().into_lifeline(),
            Follow::Key(k) => k.lifeline(),
        }
    }

    /// The lifeline, or why there is none.
    pub fn into_lifeline(self) -> Result<Lifeline, String> {
        match self {
            Follow::Message(c) => c.into_lifeline(),
            Follow::Key(k) => k.lifeline(),
        }
    }
}

impl KeyCollector {
    fn observe<'a>(&mut self, records: impl IntoIterator<Item = &'a Record>, names: &Names) {
        self.base.note_starts(names);
        for p in &mut self.parts {
            p.note_starts(names);
        }
        for r in records {
            if let RecordKind::Produce { value, key: Some(k), .. } = &r.kind
                && names.key(*k) == self.key
                && !self.parts.iter().any(|p| p.target == *value)
            {
                self.start(*value, names);
            }
            let t = SimTime(r.t_us);
            self.base.record(t, &r.kind, names);
            for p in &mut self.parts {
                p.record(t, &r.kind, names);
            }
        }
    }

    /// A record with the key was produced: follow it from here with what the base knows.
    fn start(&mut self, value: MsgId, names: &Names) {
        if self.parts.len() == MAX_KEY_MESSAGES {
            self.more += 1;
            return;
        }
        let mut c = self.base.clone();
        c.target = value;
        c.message = names.msg(value);
        self.parts.push(c);
    }

    /// All followed records in one diagram: lanes of all, each step prefixed with its
    /// message, in time order.
    fn lifeline(&self) -> Result<Lifeline, String> {
        if self.parts.iter().all(Collector::is_empty) {
            return Err(format!("no record with key \"{}\" was produced in this run", self.key));
        }
        let mut m = self.base.clone();
        m.message = match self.more {
            0 => format!("key {} ({} records)", self.key, self.parts.len()),
            n => format!("key {} (first {} records; {n} later ones not followed)", self.key, self.parts.len()),
        };
        for p in &self.parts {
            m.lanes.extend(p.lanes.iter().map(|(k, v)| (*k, v.clone())));
            m.hops.extend(p.hops.iter().map(|(h, f, t)| {
                let mut h = h.clone();
                h.text = format!("{} {}", p.message, h.text).trim_end().to_string();
                (h, *f, *t)
            }));
            for (mk, l) in &p.marks {
                // A leader change is one event, however many of the key's records it holds.
                if mk.kind == MarkKind::Leader {
                    if !m.marks.iter().any(|(o, ol)| ol == l && o.at == mk.at && o.kind == mk.kind && o.text == mk.text)
                    {
                        m.marks.push((mk.clone(), *l));
                    }
                    continue;
                }
                let mut mk = mk.clone();
                mk.text = format!("{}: {}", p.message, mk.text);
                m.marks.push((mk, *l));
            }
            let new: Vec<_> = p.context.iter().filter(|c| !m.context.contains(c)).cloned().collect();
            m.context.extend(new);
            m.dropped += p.dropped;
        }
        m.hops.sort_by_key(|(h, _, _)| (h.sent, h.arrived));
        m.marks.sort_by_key(|(mk, _)| mk.at);
        Ok(m.finish())
    }
}
