//! The right panel: the inspector for what is selected (a broker, a replica's log, a
//! client, the RabbitMQ node, a message's whole life, ZooKeeper) and the narration so far.

use super::state::{Loaded, Selection};
use crate::amqp::broker::Rabbit;
use crate::kafka::Role;
use crate::sim::NodeId;
use crate::trace::text::describe;
use crate::trace::{BrokerId, MsgId, RecordKind, Tp};
use crate::world::{Node, Simulation};
use bevy_egui::egui::{self, Color32, RichText};

/// Draws the inspector for the current selection.
pub fn inspector(ui: &mut egui::Ui, l: &Loaded, asked: &mut super::controls::Asked) {
    ui.heading("Inspector");
    let sim = &l.sim;
    match l.selection {
        Selection::None => {
            ui.label(
                "Click a broker, a partition row, a producer, a consumer, ZooKeeper or a coloured dot (a message).",
            );
        }
        Selection::ZooKeeper => zookeeper(ui, sim),
        Selection::Broker(b) => broker(ui, sim, b),
        Selection::Replica(b, tp) => replica(ui, sim, b, tp),
        Selection::Client(n) => client(ui, sim, n),
        Selection::Message(m) => message(ui, sim, m, asked),
    }
}

fn zookeeper(ui: &mut egui::Ui, sim: &Simulation) {
    let zk = sim.zookeeper();
    ui.label(format!("ZooKeeper is {}", if sim.is_up(NodeId(0)) { "up" } else { "DOWN" }));
    ui.label(format!("session timeout {}", zk.session_timeout));
    ui.label(format!(
        "/controller: {}",
        zk.controller.map(|b| format!("broker-{}", b.0)).unwrap_or_else(|| "(none)".into())
    ));
    ui.label(format!("/controller_epoch: {}", zk.controller_epoch));
    for (b, s) in &zk.sessions {
        ui.label(format!("session {} of broker-{}: last heartbeat {}", s.id, b.0, s.last_heartbeat));
    }
}

fn broker(ui: &mut egui::Ui, sim: &Simulation, id: BrokerId) {
    let b = sim.broker(id);
    ui.label(RichText::new(format!("broker-{}", id.0)).strong());
    ui.label(format!("{:?}{}", sim.liveness(NodeId(id.0)), if b.is_controller() { " · controller" } else { "" }));
    egui::Grid::new("broker").striped(true).show(ui, |ui| {
        ui.label("partition");
        ui.label("role");
        ui.label("LEO");
        ui.label("HW");
        ui.label("ISR");
        ui.end_row();
        for r in b.rm.replicas.values() {
            ui.label(sim.names().tp(r.tp));
            ui.label(match &r.role {
                Role::Leader(_) => format!("leader e{}", r.state.leader_epoch),
                Role::Follower(f) => format!("follows {}", f.leader.0),
                Role::None => "—".into(),
            });
            ui.label(r.log.end_offset().to_string());
            ui.label(r.hw.to_string());
            ui.label(format!("{:?}", r.state.isr.iter().map(|b| b.0).collect::<Vec<_>>()));
            ui.end_row();
        }
    });
}

fn replica(ui: &mut egui::Ui, sim: &Simulation, b: BrokerId, tp: Tp) {
    let names = sim.names();
    let Some(r) = sim.replica(b, tp) else { return };
    ui.label(RichText::new(format!("{} on broker-{}", names.tp(tp), b.0)).strong());
    ui.label(format!(
        "leader epoch {} · ISR {:?} · replicas {:?}",
        r.state.leader_epoch,
        r.state.isr.iter().map(|b| b.0).collect::<Vec<_>>(),
        r.state.replicas.iter().map(|b| b.0).collect::<Vec<_>>()
    ));
    ui.label(format!(
        "log start {} · HW {} · LEO {} · flushed to {}",
        r.log.start_offset(),
        r.hw,
        r.log.end_offset(),
        r.log.recovery_point
    ));
    ui.label(format!("epoch cache {:?}", r.log.epochs.entries()));
    if let Some(ls) = r.leader_state() {
        for (f, st) in &ls.followers {
            let leo = st.leo.map(|o| o.to_string()).unwrap_or_else(|| "?".into());
            ui.label(format!("follower broker-{}: LEO {leo}, caught up at {}", f.0, st.last_caught_up));
        }
    }
    ui.label(RichText::new("last records (offset · epoch · message · key)").small());
    egui::ScrollArea::vertical().id_salt("log").max_height(180.0).show(ui, |ui| {
        for (off, e) in r.log.iter().rev().take(40) {
            let committed = off < r.hw;
            let key = e.key.map(|k| names.key(k).to_string()).unwrap_or_else(|| "—".into());
            let text = format!("{off:>6} · e{} · {} · {key}", e.epoch, names.msg(e.value));
            ui.label(RichText::new(text).monospace().color(if committed { Color32::WHITE } else { Color32::GRAY }));
            if off == r.hw && off > 0 {
                ui.label(RichText::new("—— high watermark ——").small().color(Color32::from_rgb(110, 230, 140)));
            }
        }
    });
}

fn client(ui: &mut egui::Ui, sim: &Simulation, n: u32) {
    let name = sim.names().node(n).to_string();
    ui.label(RichText::new(&name).strong());
    ui.label(if sim.is_up(NodeId(n)) { "running" } else { "crashed" });
    match &sim.nodes()[n as usize] {
        Node::Producer(p) => {
            let c = &p.cfg;
            ui.label(format!("acks {:?} · idempotent {} · {} not yet acked", c.acks, c.idempotent, p.pending()));
            ui.label(format!(
                "retries {} · backoff {} · request timeout {}",
                c.retries, c.retry_backoff, c.request_timeout
            ));
            let leaders: Vec<String> = p
                .leaders
                .iter()
                .enumerate()
                .map(|(i, l)| format!("p{i}->{}", l.map(|b| b.0.to_string()).unwrap_or_else(|| "?".into())))
                .collect();
            ui.label(format!("leaders known: {}", leaders.join(" ")));
        }
        Node::Consumer(c) => {
            ui.label(format!("process time {} · max.poll.records {}", c.cfg.process_time, c.cfg.max_poll_records));
            let group = c.cfg.group.as_ref().and_then(|g| sim.stats.groups.get(&g.group));
            for (i, k) in c.cursors.iter().enumerate() {
                let hw = sim.high_watermark(k.tp);
                let committed = group
                    .and_then(|g| g.committed.get(&k.tp))
                    .map(|o| format!(", group committed {o}"))
                    .unwrap_or_default();
                ui.label(format!(
                    "{}: next to process {}, fetch at {}, HW {hw}, lag {}{committed}",
                    sim.names().tp(k.tp),
                    k.processed,
                    k.fetch_offset.map(|o| o.to_string()).unwrap_or_else(|| "?".into()),
                    c.lag(i, hw)
                ));
            }
        }
        Node::Rabbit(r) => rabbit(ui, r),
        Node::Publisher(p) => {
            ui.label(format!(
                "exchange \"{}\" · keys {:?} · persistent {} · confirms {} ({} unconfirmed)",
                p.cfg.exchange,
                p.cfg.routing_keys,
                p.cfg.persistent,
                p.cfg.confirms,
                p.unconfirmed.len()
            ));
        }
        Node::AmqpConsumer(c) => {
            ui.label(format!(
                "queue {} · prefetch {} · auto-ack {} · on failure {:?}",
                c.cfg.queue, c.cfg.prefetch, c.cfg.auto_ack, c.cfg.on_failure
            ));
            ui.label(format!(
                "{} delivered and waiting, {} processing",
                c.buffer.len(),
                usize::from(c.processing.is_some())
            ));
        }
        Node::Broker(_) | Node::ZooKeeper(_) => {}
    }
}

/// The RabbitMQ node: its queues and their consumers.
fn rabbit(ui: &mut egui::Ui, r: &Rabbit) {
    for (name, q) in &r.queues {
        ui.label(format!(
            "queue {name}: {} ready, {} unacked, {} consumer(s){}",
            q.depth(),
            q.unacked.len(),
            q.consumers.len(),
            if q.cfg.durable { ", durable" } else { "" }
        ));
        for c in &q.consumers {
            ui.label(format!("   consumer node {}: prefetch {}, {} in flight", c.node.0, c.prefetch, c.unacked));
        }
    }
}

fn message(ui: &mut egui::Ui, sim: &Simulation, m: MsgId, asked: &mut super::controls::Asked) {
    let id = sim.names().msg(m);
    ui.label(RichText::new(format!("message {id}")).strong());
    ui.horizontal_wrapped(|ui| {
        let hover = "Its whole life as a space-time diagram: nodes as vertical lines, time downwards, each hop an arrow; synced with the timeline";
        if ui.button("Show its lifeline").on_hover_text(hover).clicked() {
            asked.lifeline = Some(id.clone());
        }
        if let Some(key) = key_of(sim, m) {
            let hover = format!("Every record produced with key {key} (the first 20) in one diagram: they share a partition");
            if ui.button(format!("Lifeline of key {key}")).on_hover_text(hover).clicked() {
                asked.lifeline = Some(format!("key:{key}"));
            }
        }
    });
    let lines = message_life(sim, m);
    if lines.is_empty() {
        ui.label("Its records are older than the recent ones the app keeps here; its lifeline re-runs the timeline to find them.");
    }
    egui::ScrollArea::vertical().id_salt("life").max_height(260.0).show(ui, |ui| {
        for l in lines {
            ui.label(RichText::new(l).small());
        }
    });
}

/// The key a Kafka record was produced with, when its produce is still in memory.
fn key_of(sim: &Simulation, m: MsgId) -> Option<String> {
    sim.trace.recent().iter().find_map(|r| match &r.kind {
        RecordKind::Produce { value, key: Some(k), .. } if *value == m => Some(sim.names().key(*k).to_string()),
        _ => None,
    })
}

/// A message's life from the records the app keeps: produced or published, appended and
/// replicated (committed at the HW), routed and queued, delivered, processed, acked,
/// retried, dead-lettered.
pub fn message_life(sim: &Simulation, m: MsgId) -> Vec<String> {
    let names = sim.names();
    let mut at: Option<(Tp, u64)> = None;
    let mut committed = false;
    let mut replicated = std::collections::BTreeSet::new();
    let mut lines = Vec::new();
    for r in sim.trace.recent() {
        let past = |tp: &Tp, off: u64| at.is_some_and(|(t, o)| t == *tp && off > o);
        let mine = match &r.kind {
            RecordKind::Produce { value, .. }
            | RecordKind::Ack { value, .. }
            | RecordKind::ProduceError { value, .. }
            | RecordKind::DuplicateBatch { value, .. }
            | RecordKind::Deliver { value, .. }
            | RecordKind::ProcessOk { value, .. }
            | RecordKind::ProcessFail { value, .. }
            | RecordKind::ProcessSkip { value, .. } => *value == m,
            RecordKind::Amqp(a) => a.value() == Some(m),
            RecordKind::Group(
                crate::trace::GroupEvent::DeadLetter { value, .. } | crate::trace::GroupEvent::Redrive { value, .. },
            ) => *value == m,
            RecordKind::Append { value, tp, offset, .. } if *value == m => {
                at = Some((*tp, *offset));
                committed = false;
                replicated.clear();
                true
            }
            RecordKind::Replicate { follower, tp, to_offset } => past(tp, *to_offset) && replicated.insert(*follower),
            RecordKind::Hw { tp, high_watermark, .. } if !committed && past(tp, *high_watermark) => {
                committed = true;
                true
            }
            RecordKind::Truncate { tp, to_offset, .. } => at.is_some_and(|(t, o)| t == *tp && *to_offset <= o),
            _ => false,
        };
        if mine {
            lines.push(format!("{:>9}  {}", crate::sim::SimTime(r.t_us).to_string(), describe(r, names)));
        }
    }
    lines
}

/// The beats shown so far, in the order they fired (later ones stay hidden: no spoilers).
pub fn narration(ui: &mut egui::Ui, l: &Loaded) {
    ui.heading("Story");
    let fired = l.sim.story().fired();
    if fired.is_empty() {
        ui.label(RichText::new("Nothing told yet.").color(Color32::from_gray(140)));
    }
    for (i, t) in fired {
        ui.add(egui::Label::new(format!("{t}  {}", l.sim.caption(i))).wrap());
    }
}
