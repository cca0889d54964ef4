//! What the scene shows, as plain data: `model` turns the simulation into boxes, replica
//! rows with their ISR, offsets and markers, consumer groups and messages on screen, which
//! tests compare with the engine and the painters (`kafka`, `clients`, `rabbit`) draw.

use super::layout::{SceneLayout, SceneShape, layout, replica_row, rows_that_fit};
use crate::gui::flights::{Flights, Look};
use crate::kafka::Role;
use crate::sim::NodeId;
use crate::trace::{BrokerId, GroupRef, Tp};
use crate::world::Simulation;
use bevy_egui::egui::{Pos2, Rect, Vec2, vec2};

/// Messages drawn one by one per path before they are binned into counted dots.
const LANE_SINGLE_MAX: usize = 4;
/// Bins along a busy path.
const LANE_BINS: usize = 5;

/// A message (or a bin of messages) on screen, ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Dot {
    /// Where it is now.
    pub pos: Pos2,
    /// The direction it travels (unit length).
    pub dir: Vec2,
    /// Its look.
    pub look: Look,
    /// Messages it stands for (1, or "×n" on a busy path).
    pub count: usize,
}

/// Where a node is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The ZooKeeper box.
    ZooKeeper,
    /// A broker box (index into the layout's boxes).
    Broker(usize),
    /// The RabbitMQ box (the last of the layout's boxes).
    Rabbit(usize),
    /// A client on the left (producers, then publishers).
    Producer(usize),
    /// A client on the right (consumers by group, then AMQP consumers).
    Consumer(usize),
}

/// A replica's role as drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowRole {
    /// Leader, with its epoch.
    Leader(u32),
    /// A follower in the ISR.
    InSync,
    /// A follower outside the ISR.
    OutOfSync,
    /// No role yet.
    NoRole,
    /// Its broker is down.
    Down,
}

/// One replica row of a broker box.
#[derive(Clone, Debug, PartialEq)]
pub struct RowView {
    /// The partition.
    pub tp: Tp,
    /// The broker holding this replica.
    pub broker: BrokerId,
    /// Its name ("orders-1", or "offsets-12 · group").
    pub label: String,
    /// Its role.
    pub role: RowRole,
    /// The partition has no leader at all: nobody can write or read it.
    pub offline: bool,
    /// The ISR this replica knows (the leader's is the partition's).
    pub isr: Vec<BrokerId>,
    /// Log start, high watermark and log end.
    pub start: u64,
    /// High watermark.
    pub hw: u64,
    /// Log end offset.
    pub leo: u64,
    /// Leader rows: each group's committed offset here.
    pub committed: Vec<(String, u64)>,
    /// Leader rows: each live member's position (next offset to process) here.
    pub positions: Vec<(String, u64)>,
}

/// A consumer group as drawn: its box on the right.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupView {
    /// Its name.
    pub name: String,
    /// Generation and state on its coordinator (None: no coordinator loaded it).
    pub coordinator: Option<(BrokerId, u32, String)>,
    /// Members in the right column (node ids).
    pub members: Vec<NodeId>,
}

/// Everything the scene shows, computed from the simulation.
pub struct SceneModel {
    /// Positions.
    pub layout: SceneLayout,
    /// Per box: the partitions it hosts, in row order (all of them).
    pub rows: Vec<Vec<RowView>>,
    /// Messages on screen.
    pub dots: Vec<Dot>,
    /// Where each node (by index) is drawn.
    pub slots: Vec<Slot>,
    /// Consumer groups, in scenario order (boxed in the right column).
    pub groups: Vec<GroupView>,
    /// The right column's nodes, top to bottom.
    pub right: Vec<NodeId>,
}

/// The right column: each group's members together, then consumers of no group, then AMQP
/// consumers.
fn right_column(sim: &Simulation) -> (Vec<GroupView>, Vec<NodeId>, Vec<(bool, usize)>) {
    let mut groups = Vec::new();
    let (mut order, mut entries) = (Vec::new(), Vec::new());
    for (g, name) in sim.names().groups.iter().enumerate() {
        let gref = GroupRef(g as u16);
        let members: Vec<NodeId> = sim
            .consumers()
            .filter(|(_, c)| c.cfg.group.as_ref().is_some_and(|x| x.group == gref))
            .map(|(id, _)| id)
            .collect();
        order.extend(&members);
        entries.push((true, members.len()));
        groups.push(GroupView { name: name.clone(), coordinator: coordinator_view(sim, gref), members });
    }
    for (id, _) in sim.consumers().filter(|(_, c)| c.cfg.group.is_none()) {
        order.push(id);
        entries.push((false, 1));
    }
    for (id, _) in sim.amqp_consumers() {
        order.push(id);
        entries.push((false, 1));
    }
    (groups, order, entries)
}

/// The group's coordinator (leader of its `__consumer_offsets` partition), generation, state.
fn coordinator_view(sim: &Simulation, g: GroupRef) -> Option<(BrokerId, u32, String)> {
    let b = sim.leader_of(sim.cluster().offsets_partition_for(g)?)?;
    let group = sim.broker(b).coordinator.groups.get(&g)?;
    Some((b, group.generation, format!("{:?}", group.state)))
}

fn slots(sim: &Simulation, right: &[NodeId]) -> Vec<Slot> {
    let n = sim.names().nodes.len();
    let mut out = vec![Slot::ZooKeeper; n];
    let brokers = sim.cluster().brokers as usize;
    for (b, slot) in out.iter_mut().enumerate().skip(1).take(brokers) {
        *slot = Slot::Broker(b - 1);
    }
    let left = sim.producers().map(|(id, _)| id).chain(sim.publishers().map(|(id, _)| id));
    for (k, id) in left.enumerate() {
        out[id.0 as usize] = Slot::Producer(k);
    }
    for (k, id) in right.iter().enumerate() {
        out[id.0 as usize] = Slot::Consumer(k);
    }
    if let Some((id, _)) = sim.rabbit() {
        out[id.0 as usize] = Slot::Rabbit(brokers);
    }
    out
}

fn row_view(sim: &Simulation, id: BrokerId, tp: Tp, groups: &[GroupView]) -> Option<RowView> {
    let rep = sim.replica(id, tp)?;
    let cfg = sim.cluster();
    let names = sim.names();
    let up = sim.is_up(NodeId(id.0));
    let label = match (0..cfg.groups.len() as u16).find(|g| cfg.offsets_partition_for(GroupRef(*g)) == Some(tp)) {
        Some(g) => format!("offsets-{} · {}", tp.partition, names.group(GroupRef(g))),
        None => names.tp(tp),
    };
    let role = match (&rep.role, up) {
        (_, false) => RowRole::Down,
        (Role::Leader(_), true) => RowRole::Leader(rep.state.leader_epoch),
        (Role::Follower(_), true) if rep.state.isr.contains(&id) => RowRole::InSync,
        (Role::Follower(_), true) => RowRole::OutOfSync,
        (Role::None, true) => RowRole::NoRole,
    };
    let leading = matches!(role, RowRole::Leader(_)) && sim.leader_of(tp) == Some(id);
    let mut committed = Vec::new();
    let mut positions = Vec::new();
    if leading {
        for (g, gv) in groups.iter().enumerate() {
            if let Some(&c) = sim.stats.groups.get(&GroupRef(g as u16)).and_then(|s| s.committed.get(&tp)) {
                committed.push((gv.name.clone(), c));
            }
        }
        for (cid, c) in sim.consumers().filter(|(cid, _)| sim.is_up(*cid)) {
            if let Some(k) = c.cursors.iter().find(|k| k.tp == tp && !k.awaiting_offset) {
                positions.push((names.node(cid.0).to_string(), k.processed));
            }
        }
    }
    Some(RowView {
        tp,
        broker: id,
        label,
        role,
        offline: sim.leader_of(tp).is_none(),
        isr: rep.state.isr.to_vec(),
        start: rep.log.start_offset(),
        hw: rep.hw,
        leo: rep.log.end_offset(),
        committed,
        positions,
    })
}

/// Computes the scene for the simulation as it is now, in `area`, with `flights` on screen.
pub fn model(sim: &Simulation, area: Rect, flights: &Flights) -> SceneModel {
    let cfg = sim.cluster();
    // Of __consumer_offsets, only the partitions that hold a group (their leader coordinates it).
    let coord: Vec<Tp> = (0..cfg.groups.len() as u16).filter_map(|g| cfg.offsets_partition_for(GroupRef(g))).collect();
    let shown = |tp: &Tp| Some(tp.topic) != cfg.offsets_topic || coord.contains(tp);
    let (groups, right, entries) = right_column(sim);
    let mut rows: Vec<Vec<RowView>> = sim
        .brokers()
        .map(|b| {
            b.rm.replicas.keys().filter(|tp| shown(tp)).filter_map(|tp| row_view(sim, b.id, *tp, &groups)).collect()
        })
        .collect();
    let mut boxes: Vec<usize> = rows.iter().map(|r| r.len()).collect();
    if let Some((_, r)) = sim.rabbit() {
        boxes.push(super::rabbit::rows(r));
        rows.push(Vec::new());
    }
    let shape = SceneShape {
        zookeeper: cfg.brokers > 0,
        rabbit: sim.rabbit().is_some(),
        boxes,
        left: sim.producers().count() + sim.publishers().count(),
        left_lines: 3,
        right: entries,
        right_lines: 3,
    };
    let mut m =
        SceneModel { layout: layout(area, &shape), rows, dots: Vec::new(), slots: slots(sim, &right), groups, right };
    m.dots = dots(&m, flights);
    m
}

/// Where a message leaves or reaches node `n`: its replica row, its RabbitMQ row, its card.
pub fn anchor(m: &SceneModel, n: NodeId, tp: Option<Tp>, row: Option<usize>) -> Pos2 {
    let l = &m.layout;
    match m.slots.get(n.0 as usize).copied().unwrap_or(Slot::ZooKeeper) {
        Slot::ZooKeeper => l.zookeeper.map(|z| z.center_bottom()).unwrap_or(l.left_col.center_top()),
        Slot::Broker(i) => {
            let b = l.brokers[i];
            let visible = rows_that_fit(b);
            match tp.and_then(|tp| m.rows[i].binary_search_by(|r| r.tp.cmp(&tp)).ok()).filter(|r| *r < visible) {
                Some(r) => replica_row(b, r).left_center() + vec2(replica_row(b, r).width() * 0.3, 0.0),
                None => b.center(),
            }
        }
        Slot::Rabbit(i) => {
            let b = l.brokers[i];
            match row.filter(|r| *r < rows_that_fit(b)) {
                Some(r) => super::rabbit::row_rect(b, r).left_center() + vec2(40.0, 0.0),
                None => b.center(),
            }
        }
        Slot::Producer(k) => l.producers.get(k).copied().unwrap_or(l.left_col.center()),
        Slot::Consumer(k) => l.consumers.get(k).copied().unwrap_or(l.right_col.center()),
    }
}

/// The messages on one path (sender, receiver): where each is, its direction, look and progress.
type Lane = Vec<(Pos2, Vec2, Look, f32)>;

/// Messages placed on their paths; a busy path is binned into a few counted dots.
fn dots(m: &SceneModel, flights: &Flights) -> Vec<Dot> {
    let mut lanes: std::collections::BTreeMap<(u32, u32), Lane> = Default::default();
    for (f, p) in flights.iter() {
        let a = anchor(m, f.from, f.look.tp, f.look.row);
        let b = anchor(m, f.to, f.look.tp, f.look.row);
        let dir = (b - a).normalized();
        lanes.entry((f.from.0, f.to.0)).or_default().push((a + (b - a) * p, dir, f.look, p));
    }
    let mut out = Vec::new();
    for (_, lane) in lanes {
        if lane.len() <= LANE_SINGLE_MAX {
            out.extend(lane.into_iter().map(|(pos, dir, look, _)| Dot { pos, dir, look, count: 1 }));
            continue;
        }
        let mut bins: Vec<Option<Dot>> = vec![None; LANE_BINS];
        for (pos, dir, look, p) in lane {
            let i = ((p * LANE_BINS as f32) as usize).min(LANE_BINS - 1);
            match &mut bins[i] {
                Some(d) => {
                    d.count += 1;
                    d.pos = d.pos + (pos - d.pos) / d.count as f32;
                    if look.radius > d.look.radius {
                        d.look = Look { msg: d.look.msg.or(look.msg), ..look };
                    }
                }
                None => bins[i] = Some(Dot { pos, dir, look, count: 1 }),
            }
        }
        out.extend(bins.into_iter().flatten());
    }
    // Big dots under small ones; a stable order whatever the heap's.
    out.sort_by(|x, y| {
        y.look.radius.total_cmp(&x.look.radius).then(x.pos.x.total_cmp(&y.pos.x)).then(x.pos.y.total_cmp(&y.pos.y))
    });
    out
}
