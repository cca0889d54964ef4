//! The lifeline of one message as a space-time diagram: lanes (nodes, and RabbitMQ's
//! queues), hops between them (each an arrow from a send to an arrival) and marks on one
//! lane (an append, the HW passing it, processing). The same model feeds the text lines,
//! the SVG and, later, the app.

use crate::sim::SimTime;

/// One message's life, gathered from a run's records.
#[derive(Clone, Debug, PartialEq)]
pub struct Lifeline {
    /// The scenario's name.
    pub scenario: String,
    /// The seed of the run.
    pub seed: u64,
    /// The message, as the trace names it ("checkout#5").
    pub message: String,
    /// Lane names, left to right: producers and publishers, Kafka brokers, the RabbitMQ
    /// node and its queues ("rabbit/parking"), consumers.
    pub lanes: Vec<String>,
    /// The arrows, in the order their records came.
    pub hops: Vec<Hop>,
    /// The dots, in the order their records came.
    pub marks: Vec<Mark>,
    /// Steps not kept once the lifeline reached its size cap (a message requeued forever).
    pub dropped: u64,
}

/// A message (or its request, response or commit) going from one lane to another.
#[derive(Clone, Debug, PartialEq)]
pub struct Hop {
    /// What went.
    pub kind: HopKind,
    /// Index into `lanes` of the sender.
    pub from_lane: usize,
    /// Index into `lanes` of the receiver.
    pub to_lane: usize,
    /// When it left. When `sent_exact` is false the trace does not record the send: this
    /// is the earliest time the trace allows, or `arrived` when it allows none.
    pub sent: SimTime,
    /// When it arrived. When `arrived_exact` is false the trace does not record the
    /// arrival: this is the earliest time the trace allows (at least `sent`).
    pub arrived: SimTime,
    /// The send is a recorded time (or follows from one by the model's rules).
    pub sent_exact: bool,
    /// The arrival is a recorded time.
    pub arrived_exact: bool,
    /// A few words after the kind's name ("orders-2@1", "via dead (rejected)").
    pub text: String,
}

/// Something that happened to the message on one lane.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// Index into `lanes`.
    pub lane: usize,
    /// When.
    pub at: SimTime,
    /// What.
    pub kind: MarkKind,
    /// A short label ("append orders-2@1", "HW 2: committed").
    pub text: String,
}

/// What a hop carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HopKind {
    /// A produce request from the producer to the partition leader.
    Produce,
    /// A follower's fetch response carrying the record from the leader.
    Replicate,
    /// The produce response (to the producer, or to a consumer that republished).
    Ack,
    /// A consumer's fetch response carrying the record.
    Fetch,
    /// An offset commit covering the record, stored by the group coordinator.
    Commit,
    /// A consumer republishing a failed record to a retry topic.
    Retry,
    /// A record or message dead-lettered (Kafka: to the dead-letter topic; RabbitMQ:
    /// through the dead-letter exchange into a queue).
    DeadLetter,
    /// The re-drive process sending a dead letter back to its partition.
    Redrive,
    /// A RabbitMQ publish, routed into a queue.
    Publish,
    /// A RabbitMQ push delivery to a consumer.
    Deliver,
    /// A RabbitMQ consumer's ack.
    ConsumerAck,
    /// A RabbitMQ consumer's nack or reject.
    Nack,
    /// A publisher confirm (only nacks are recorded).
    Confirm,
    /// An unroutable mandatory message returned to its publisher.
    Return,
}

impl HopKind {
    /// The label word.
    pub fn name(self) -> &'static str {
        match self {
            HopKind::Produce => "produce",
            HopKind::Replicate => "replicate",
            HopKind::Ack => "ack",
            HopKind::Fetch => "fetch",
            HopKind::Commit => "commit",
            HopKind::Retry => "retry",
            HopKind::DeadLetter => "dead-letter",
            HopKind::Redrive => "re-drive",
            HopKind::Publish => "publish",
            HopKind::Deliver => "deliver",
            HopKind::ConsumerAck => "ack",
            HopKind::Nack => "nack",
            HopKind::Confirm => "confirm",
            HopKind::Return => "return",
        }
    }
}

/// What a mark says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MarkKind {
    /// The producer created it.
    Created,
    /// A produce attempt failed.
    ProduceError,
    /// A leader appended it.
    Append,
    /// A retried produce was recognised and not appended twice.
    Duplicate,
    /// The leader's high watermark passed it: committed.
    HwAdvance,
    /// A broker became leader of a partition holding it.
    Leader,
    /// A replica's truncation removed it.
    Truncated,
    /// Retention deleted it.
    Deleted,
    /// Handed to the consumer's application.
    Deliver,
    /// Processed.
    Processed,
    /// Processing failed.
    Failed,
    /// The consumer gave up on it and skipped it.
    Skipped,
    /// A group's committed offset passed it (its coordinator not known).
    Committed,
    /// It entered a RabbitMQ queue.
    Enqueued,
    /// A full queue refused it.
    Refused,
    /// No queue took it.
    Unroutable,
    /// A nack put it back in its queue.
    Requeued,
    /// Its TTL ran out.
    Expired,
    /// Dead-lettered without a dead-letter exchange (or a cycle): gone.
    Dropped,
    /// Gone: a leader without it took over its partition, or a RabbitMQ restart lost the
    /// transient messages of the queue it was in.
    Lost,
    /// The lane's node went down.
    Down,
    /// The lane's node came (back) up.
    Up,
}

impl Hop {
    /// The kind's name and the few words: "produce orders-2", "ack".
    pub fn label(&self) -> String {
        if self.text.is_empty() { self.kind.name().to_string() } else { format!("{} {}", self.kind.name(), self.text) }
    }
}

impl Lifeline {
    /// Its steps as text lines in time order: marks with a dot, hops with an arrow (at
    /// their arrival), times the trace does not record as "≥ t" or "not recorded".
    pub fn to_text(&self) -> String {
        let mut out = format!("lifeline of {} in \"{}\" (seed {})\n", self.message, self.scenario, self.seed);
        out.push_str(&format!("lanes: {}\n", self.lanes.join(" | ")));
        let mut steps: Vec<(SimTime, usize, String)> = Vec::new();
        for (i, m) in self.marks.iter().enumerate() {
            steps.push((m.at, 2 * i, format!("•  {}: {}", self.lanes[m.lane], m.text)));
        }
        for (i, h) in self.hops.iter().enumerate() {
            let line = format!(
                "→  {} → {}: {} (sent {}{})",
                self.lanes[h.from_lane],
                self.lanes[h.to_lane],
                h.label(),
                end_text(h.sent, h.sent_exact, h.arrived),
                if h.arrived_exact { String::new() } else { ", arrival not recorded".to_string() }
            );
            steps.push((h.arrived, 2 * i + 1, line));
        }
        steps.sort_by_key(|s| (s.0, s.1 % 2 == 0, s.1));
        for (at, _, line) in steps {
            out.push_str(&format!("{:>13}  {line}\n", fmt_time(at)));
        }
        if self.dropped > 0 {
            out.push_str(&format!("… and {} later steps not kept (the lifeline keeps {})\n", self.dropped, MAX_STEPS));
        }
        out
    }
}

/// How many hops and marks a lifeline keeps; a message requeued forever stops here.
pub const MAX_STEPS: usize = 1500;

/// A hop's send time in words.
fn end_text(sent: SimTime, exact: bool, arrived: SimTime) -> String {
    match (exact, sent == arrived) {
        (true, _) => fmt_time(sent),
        (false, true) => "not recorded".into(),
        (false, false) => format!("≥ {}", fmt_time(sent)),
    }
}

/// "101.016 ms" below a second, "3.313336 s" above (trailing zeros trimmed): exact to the
/// microsecond, as the trace is.
pub fn fmt_time(t: SimTime) -> String {
    let us = t.0;
    if us < 1_000_000 {
        format!("{}.{:03} ms", us / 1000, us % 1000)
    } else {
        let frac = format!("{:06}", us % 1_000_000);
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() { format!("{} s", us / 1_000_000) } else { format!("{}.{frac} s", us / 1_000_000) }
    }
}

/// A duration in the unit that reads best: "850 µs", "2.1 ms", "4.88 s".
pub fn fmt_dur(us: u64) -> String {
    if us < 1000 {
        format!("{us} µs")
    } else if us < 1_000_000 {
        let ms = us as f64 / 1000.0;
        if ms < 10.0 { format!("{ms:.1} ms") } else { format!("{ms:.0} ms") }
    } else {
        format!("{:.2} s", us as f64 / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_in_ms_below_a_second_and_s_above() {
        assert_eq!(fmt_time(SimTime(101_016)), "101.016 ms");
        assert_eq!(fmt_time(SimTime(3_313_336)), "3.313336 s");
        assert_eq!(fmt_time(SimTime(40_000_000)), "40 s");
        assert_eq!(fmt_time(SimTime(5_030_000)), "5.03 s");
        assert_eq!(fmt_dur(850), "850 µs");
        assert_eq!(fmt_dur(2_100), "2.1 ms");
        assert_eq!(fmt_dur(4_880_000), "4.88 s");
    }

    #[test]
    fn text_lists_steps_in_time_order_and_says_what_is_not_recorded() {
        let l = Lifeline {
            scenario: "s".into(),
            seed: 1,
            message: "p#0".into(),
            lanes: vec!["p".into(), "broker-1".into()],
            hops: vec![Hop {
                kind: HopKind::Produce,
                from_lane: 0,
                to_lane: 1,
                sent: SimTime(1000),
                arrived: SimTime(3000),
                sent_exact: false,
                arrived_exact: true,
                text: "t-0".into(),
            }],
            marks: vec![
                Mark { lane: 1, at: SimTime(3000), kind: MarkKind::Append, text: "append t-0@0".into() },
                Mark { lane: 0, at: SimTime(1000), kind: MarkKind::Created, text: "created".into() },
            ],
            dropped: 0,
        };
        let t = l.to_text();
        let created = t.find("created").expect("created listed");
        let produce = t.find("p → broker-1: produce t-0").expect("hop listed");
        let append = t.find("append t-0@0").expect("append listed");
        assert!(created < produce && produce < append, "{t}");
        assert!(t.contains("sent ≥ 1.000 ms"), "{t}");
    }
}
