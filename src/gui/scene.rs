//! The central scene: ZooKeeper and the controller on top, producers left, brokers with
//! their replicas (leader crown and epoch, ISR membership, a log strip with HW and LEO),
//! consumers right, and every message in flight as a dot placed by interpolating between
//! its send and delivery times. `model` computes what to draw (measured by the frame
//! benchmark); `draw` paints it with egui and handles clicks.

use super::layout::{SceneLayout, layout, replica_row};
use super::state::{Loaded, Selection};
use crate::kafka::Msg;
use crate::kafka::partition::Role;
use crate::kafka::protocol::FetchResult;
use crate::sim::NodeId;
use crate::trace::{BrokerId, DownHow, MsgId, RecordKind, Tp};
use crate::world::{Liveness, Simulation};
use bevy_egui::egui::{self, Align2, Color32, FontId, Pos2, Rect, Sense, Shape, Stroke, StrokeKind, pos2, vec2};
use std::collections::BTreeSet;

/// Producer colours, by producer number.
pub const PALETTE: [Color32; 8] = [
    Color32::from_rgb(86, 156, 255),
    Color32::from_rgb(255, 170, 60),
    Color32::from_rgb(120, 220, 120),
    Color32::from_rgb(240, 100, 180),
    Color32::from_rgb(180, 140, 255),
    Color32::from_rgb(90, 220, 220),
    Color32::from_rgb(230, 230, 100),
    Color32::from_rgb(255, 120, 100),
];
const REPLICATION: Color32 = Color32::from_rgb(80, 200, 255);
const TO_CONSUMER: Color32 = Color32::from_rgb(255, 200, 80);
const ACK: Color32 = Color32::from_rgb(110, 230, 140);
const CONTROL: Color32 = Color32::from_rgb(190, 130, 255);
const ERROR: Color32 = Color32::from_rgb(255, 80, 80);
const DIM: Color32 = Color32::from_rgb(110, 110, 120);
const COMMIT: Color32 = Color32::from_rgb(255, 230, 120);

/// A message on the wire, ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Dot {
    /// Where it is now.
    pub pos: Pos2,
    /// Its colour (kind or producer).
    pub color: Color32,
    /// Its radius (records carried).
    pub radius: f32,
    /// The first record it carries, for the inspector.
    pub msg: Option<MsgId>,
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
    /// A client on the right (consumers, then AMQP consumers).
    Consumer(usize),
}

/// Everything the scene shows, computed from the simulation.
pub struct SceneModel {
    /// Positions.
    pub layout: SceneLayout,
    /// Per broker index: the partitions it hosts, in row order.
    pub rows: Vec<Vec<Tp>>,
    /// Messages in flight.
    pub dots: Vec<Dot>,
    /// Where each node (by index) is drawn.
    pub slots: Vec<Slot>,
}

/// Where every node goes: Kafka producers then AMQP publishers on the left, Kafka
/// consumers then AMQP consumers on the right.
fn slots(sim: &Simulation) -> Vec<Slot> {
    let n = sim.names().nodes.len();
    let mut out = vec![Slot::ZooKeeper; n];
    let brokers = sim.cluster().brokers as usize;
    for (b, slot) in out.iter_mut().enumerate().skip(1).take(brokers) {
        *slot = Slot::Broker(b - 1);
    }
    let left: Vec<NodeId> = sim.producers().map(|(id, _)| id).chain(sim.publishers().map(|(id, _)| id)).collect();
    for (k, id) in left.into_iter().enumerate() {
        out[id.0 as usize] = Slot::Producer(k);
    }
    let right: Vec<NodeId> = sim.consumers().map(|(id, _)| id).chain(sim.amqp_consumers().map(|(id, _)| id)).collect();
    for (k, id) in right.into_iter().enumerate() {
        out[id.0 as usize] = Slot::Consumer(k);
    }
    if let Some((id, _)) = sim.rabbit() {
        out[id.0 as usize] = Slot::Rabbit(brokers);
    }
    out
}

fn anchor(_sim: &Simulation, m: &SceneModel, n: NodeId, tp: Option<Tp>, row: Option<usize>) -> Pos2 {
    match m.slots.get(n.0 as usize).copied().unwrap_or(Slot::ZooKeeper) {
        Slot::ZooKeeper => m.layout.zookeeper.center_bottom(),
        Slot::Broker(i) => {
            let b = &m.layout.brokers[i];
            // Rows come from a BTreeMap, so they are sorted: binary search per dot.
            match tp.and_then(|tp| m.rows[i].binary_search(&tp).ok()) {
                Some(r) => replica_row(*b, r).left_center() + vec2(replica_row(*b, r).width() * 0.25, 0.0),
                None => b.center(),
            }
        }
        Slot::Rabbit(i) => {
            let b = m.layout.brokers[i];
            match row {
                Some(r) => super::rabbit_scene::row_rect(b, r).left_center() + vec2(40.0, 0.0),
                None => b.center(),
            }
        }
        Slot::Producer(k) => m.layout.producers.get(k).copied().unwrap_or(m.layout.banner.center()),
        Slot::Consumer(k) => m.layout.consumers.get(k).copied().unwrap_or(m.layout.banner.center()),
    }
}

fn dot_style(sim: &Simulation, to: NodeId, msg: &Msg) -> (Color32, f32, Option<MsgId>, Option<Tp>) {
    let brokers = sim.cluster().brokers;
    let to_broker = to.0 >= 1 && to.0 <= brokers;
    match msg {
        Msg::Produce(p) => {
            let first = p.records.first().map(|r| r.value);
            let color = match p.records.first().map(|r| r.meta) {
                // Republished by an error handler (retry topic, DLQ) flies red; re-driven, green.
                Some(crate::kafka::log::Meta::Origin { fixed: false, .. }) => ERROR,
                Some(crate::kafka::log::Meta::Origin { fixed: true, .. }) => ACK,
                _ => first.map(|v| PALETTE[v.producer() as usize % PALETTE.len()]).unwrap_or(DIM),
            };
            (color, 3.5 + (p.records.len() as f32).sqrt().min(4.0), first, Some(p.tp))
        }
        Msg::FetchResp(r) => match &r.result {
            FetchResult::Records { records, .. } if !records.is_empty() => {
                let color = if to_broker { REPLICATION } else { TO_CONSUMER };
                (color, 3.0 + (records.len() as f32).sqrt().min(4.0), records.first().map(|e| e.value), Some(r.tp))
            }
            FetchResult::Records { .. } => (DIM, 1.5, None, Some(r.tp)),
            FetchResult::Diverging { .. } | FetchResult::Error(_) => (ERROR, 2.5, None, Some(r.tp)),
        },
        Msg::ProduceResp { tp, result, .. } => (if result.is_ok() { ACK } else { ERROR }, 2.5, None, Some(*tp)),
        Msg::Fetch(f) => (DIM, 1.5, None, Some(f.tp)),
        Msg::Unreachable { .. } => (ERROR, 2.5, None, None),
        Msg::Group(
            crate::kafka::protocol::GroupMsg::Commit { .. } | crate::kafka::protocol::GroupMsg::CommitResp { .. },
        ) => (COMMIT, 2.5, None, None),
        Msg::Group(_) => (CONTROL, 2.0, None, None),
        Msg::Amqp(a) => amqp_dot(a),
        Msg::MetadataReq { .. } | Msg::MetadataResp { .. } => (DIM, 2.0, None, None),
        Msg::ZkHeartbeat { .. } => (Color32::from_rgb(150, 120, 200), 1.5, None, None),
        Msg::AlterPartition { tp, .. } | Msg::AlterPartitionResp { tp, .. } => (CONTROL, 3.0, None, Some(*tp)),
        Msg::ZkClose { .. }
        | Msg::ZkTryController { .. }
        | Msg::ZkController { .. }
        | Msg::ZkBrokersChanged { .. }
        | Msg::ZkControllerGone
        | Msg::ZkPartitionsAdded { .. }
        | Msg::ZkWrite { .. }
        | Msg::ZkWriteResult { .. }
        | Msg::LeaderAndIsr { .. } => (CONTROL, 3.0, None, None),
    }
}

fn amqp_dot(a: &crate::amqp::AmqpMsg) -> (Color32, f32, Option<MsgId>, Option<Tp>) {
    use crate::amqp::AmqpMsg as A;
    match a {
        A::Publish { msg, .. } if !msg.deaths.is_empty() => (ERROR, 3.5, Some(msg.value), None),
        A::Publish { msg, .. } => (PALETTE[msg.value.producer() as usize % PALETTE.len()], 3.5, Some(msg.value), None),
        A::Deliver { msg, redelivered, .. } => {
            (if *redelivered { Color32::from_rgb(255, 140, 60) } else { TO_CONSUMER }, 3.5, Some(msg.value), None)
        }
        A::Ack { .. } | A::Confirm { ack: true, .. } => (ACK, 2.0, None, None),
        A::Nack { .. } | A::Confirm { ack: false, .. } | A::Return { .. } => (ERROR, 2.5, None, None),
        A::Consume { .. } | A::ConsumeOk { .. } | A::Close | A::Reset => (CONTROL, 2.5, None, None),
    }
}

/// Computes the scene for the simulation as it is now, in `area`.
pub fn model(sim: &Simulation, area: Rect) -> SceneModel {
    // Of __consumer_offsets, only the partitions that hold a group (their leader coordinates it).
    let cfg = sim.cluster();
    let coord: Vec<Tp> =
        (0..cfg.groups.len() as u16).filter_map(|g| cfg.offsets_partition_for(crate::trace::GroupRef(g))).collect();
    let shown = |tp: &Tp| Some(tp.topic) != cfg.offsets_topic || coord.contains(tp);
    let rows: Vec<Vec<Tp>> =
        sim.brokers().map(|b| b.rm.replicas.keys().copied().filter(|tp| shown(tp)).collect()).collect();
    let mut per: Vec<usize> = rows.iter().map(|r| r.len()).collect();
    let rabbit = sim.rabbit().map(|(_, r)| r);
    if let Some(r) = rabbit {
        per.push(super::rabbit_scene::rows(r));
    }
    let left = sim.producers().count() + sim.publishers().count();
    let right = sim.consumers().count() + sim.amqp_consumers().count();
    let lay = layout(area, &per, left, right);
    let mut m = SceneModel { layout: lay, rows, dots: Vec::new(), slots: slots(sim) };
    let now = sim.now();
    let mut dots = Vec::new();
    for f in sim.in_flight() {
        let (color, radius, msg, tp) = dot_style(sim, f.to, f.msg);
        let row = match (f.msg, rabbit) {
            (Msg::Amqp(a), Some(r)) => super::rabbit_scene::row_for(r, a),
            _ => None,
        };
        let a = anchor(sim, &m, f.from, tp, row);
        let b = anchor(sim, &m, f.to, tp, row);
        let span = f.deliver_at.0.saturating_sub(f.sent_at.0).max(1) as f32;
        let t = (now.0.saturating_sub(f.sent_at.0) as f32 / span).clamp(0.0, 1.0);
        dots.push(Dot { pos: a + (b - a) * t, color, radius, msg });
    }
    // Big dots under small ones; a stable order whatever the heap's.
    dots.sort_by(|x, y| {
        y.radius.total_cmp(&x.radius).then(x.pos.x.total_cmp(&y.pos.x)).then(x.pos.y.total_cmp(&y.pos.y))
    });
    m.dots = dots;
    m
}

/// Partitions whose HW moved, and leaders elected, in the last moments (for flashes).
fn recent_flashes(sim: &Simulation) -> (BTreeSet<(BrokerId, Tp)>, BTreeSet<Tp>) {
    let now = sim.now().0;
    let mut hw = BTreeSet::new();
    let mut leaders = BTreeSet::new();
    for r in sim.trace.recent().iter().rev().take(super::state::SCAN_PER_FRAME) {
        let age = now.saturating_sub(r.t_us);
        if age > 2_000_000 {
            break;
        }
        match &r.kind {
            RecordKind::Hw { broker, tp, .. } if age < 120_000 => {
                hw.insert((*broker, *tp));
            }
            RecordKind::Leader { tp, .. } => {
                leaders.insert(*tp);
            }
            _ => {}
        }
    }
    (hw, leaders)
}

/// Paints the scene and handles clicks on it.
pub fn draw(ui: &mut egui::Ui, l: &mut Loaded) {
    let (resp, painter) = ui.allocate_painter(ui.available_size(), Sense::click());
    let area = resp.rect;
    painter.rect_filled(area, 0.0, Color32::from_rgb(22, 24, 30));
    let sim = &l.sim;
    let m = model(sim, area);
    let font = FontId::proportional(13.0);
    let small = FontId::proportional(11.0);
    let (hw_flash, leader_flash) = recent_flashes(sim);

    // Narration banner: the latest line whose time has come.
    let now = sim.now();
    if let Some(n) = l.scenario.narration.iter().rev().find(|n| n.at.0 <= now.0) {
        painter.rect_filled(m.layout.banner, 6.0, Color32::from_rgb(40, 52, 78));
        painter.text(
            m.layout.banner.left_center() + vec2(12.0, 0.0),
            Align2::LEFT_CENTER,
            format!("{}   {}", n.at, n.text),
            FontId::proportional(15.0),
            Color32::WHITE,
        );
    }
    let kafka = sim.cluster().brokers > 0;
    draw_links(&painter, &m, kafka);
    if kafka {
        draw_zookeeper(&painter, sim, m.layout.zookeeper, &font, &small);
    }
    draw_cuts(&painter, sim, &m);
    for (i, b) in sim.brokers().enumerate() {
        draw_broker(&painter, sim, b.id, m.layout.brokers[i], &m.rows[i], &hw_flash, &leader_flash, &font, &small);
    }
    if let Some((id, r)) = sim.rabbit()
        && let Some(Slot::Rabbit(i)) = m.slots.get(id.0 as usize).copied()
    {
        super::rabbit_scene::draw(&painter, sim.is_up(id), r, m.layout.brokers[i], &font, &small);
    }
    draw_clients(&painter, sim, &m, &font, &small);
    super::rabbit_scene::draw_clients(&painter, sim, &m, &font, &small);
    for d in &m.dots {
        painter.circle_filled(d.pos, d.radius, d.color);
    }
    painter.text(
        area.right_bottom() + vec2(-10.0, -8.0),
        Align2::RIGHT_BOTTOM,
        format!("t = {}   {} in flight", now, m.dots.len()),
        small.clone(),
        Color32::GRAY,
    );

    if resp.clicked()
        && let Some(p) = resp.interact_pointer_pos()
    {
        l.selection = pick(&l.sim, &m, p);
    }
}

fn pick(sim: &Simulation, m: &SceneModel, p: Pos2) -> Selection {
    if let Some(d) = m.dots.iter().rev().find(|d| d.msg.is_some() && d.pos.distance(p) <= d.radius + 4.0) {
        return Selection::Message(d.msg.expect("filtered"));
    }
    if sim.cluster().brokers > 0 && m.layout.zookeeper.contains(p) {
        return Selection::ZooKeeper;
    }
    let slot_node = |want: Slot| m.slots.iter().position(|s| *s == want).map(|i| i as u32);
    for (i, b) in m.layout.brokers.iter().enumerate() {
        if b.contains(p)
            && let Some(n) = slot_node(Slot::Rabbit(i))
        {
            return Selection::Client(n);
        }
        if b.contains(p) {
            let id = BrokerId(i as u32 + 1);
            for (r, tp) in m.rows[i].iter().enumerate() {
                if replica_row(*b, r).contains(p) {
                    return Selection::Replica(id, *tp);
                }
            }
            return Selection::Broker(id);
        }
    }
    let r = m.layout.client_radius + 6.0;
    if let Some(i) = m.layout.producers.iter().position(|c| c.distance(p) <= r) {
        return slot_node(Slot::Producer(i)).map(Selection::Client).unwrap_or(Selection::None);
    }
    if let Some(i) = m.layout.consumers.iter().position(|c| c.distance(p) <= r) {
        return slot_node(Slot::Consumer(i)).map(Selection::Client).unwrap_or(Selection::None);
    }
    Selection::None
}

/// Faint lines for the connections messages travel: clients to brokers, brokers to
/// ZooKeeper.
fn draw_links(p: &egui::Painter, m: &SceneModel, kafka: bool) {
    let faint = Stroke::new(1.0, Color32::from_rgb(44, 48, 58));
    for b in &m.layout.brokers {
        if kafka {
            p.line_segment([b.center_top(), m.layout.zookeeper.center_bottom()], faint);
        }
        for c in &m.layout.producers {
            p.line_segment([*c, b.left_center()], faint);
        }
        for c in &m.layout.consumers {
            p.line_segment([*c, b.right_center()], faint);
        }
    }
}

fn draw_zookeeper(p: &egui::Painter, sim: &Simulation, r: Rect, font: &FontId, small: &FontId) {
    let up = sim.is_up(NodeId(0));
    p.rect_filled(r, 8.0, if up { Color32::from_rgb(44, 38, 62) } else { Color32::from_rgb(50, 50, 50) });
    p.rect_stroke(r, 8.0, Stroke::new(1.5, if up { CONTROL } else { DIM }), StrokeKind::Inside);
    let zk = sim.zookeeper();
    let title = if up { "ZooKeeper".to_string() } else { "ZooKeeper (down)".to_string() };
    p.text(r.left_top() + vec2(10.0, 8.0), Align2::LEFT_TOP, title, font.clone(), Color32::WHITE);
    let ctl = match sim.controller() {
        Some(b) => format!("controller: broker-{}  (epoch {})", b.0, zk.controller_epoch),
        None => "controller: none".into(),
    };
    p.text(r.right_top() + vec2(-10.0, 8.0), Align2::RIGHT_TOP, ctl, small.clone(), Color32::from_rgb(220, 200, 255));
    let mut x = r.left() + 10.0;
    p.text(pos2(x, r.bottom() - 10.0), Align2::LEFT_BOTTOM, "sessions:", small.clone(), Color32::GRAY);
    x += 62.0;
    for b in 1..=sim.cluster().brokers {
        let live = zk.sessions.contains_key(&BrokerId(b));
        let c = if live { Color32::from_rgb(110, 230, 140) } else { Color32::from_rgb(255, 90, 90) };
        p.circle_filled(pos2(x, r.bottom() - 17.0), 4.0, c);
        p.text(
            pos2(x + 7.0, r.bottom() - 10.0),
            Align2::LEFT_BOTTOM,
            format!("b{b}"),
            small.clone(),
            Color32::LIGHT_GRAY,
        );
        x += 36.0;
    }
}

fn draw_cuts(p: &egui::Painter, sim: &Simulation, m: &SceneModel) {
    for c in sim.cuts() {
        for &a in &c.a {
            for &b in &c.b {
                let (pa, pb) = (anchor(sim, m, a, None, None), anchor(sim, m, b, None, None));
                p.extend(Shape::dashed_line(&[pa, pb], Stroke::new(2.0, ERROR), 8.0, 6.0));
                p.text(pa + (pb - pa) * 0.5, Align2::CENTER_CENTER, "✂ cut", FontId::proportional(13.0), ERROR);
            }
        }
    }
    for (a, b, d) in sim.slow_links() {
        let (pa, pb) = (anchor(sim, m, a, None, None), anchor(sim, m, b, None, None));
        p.extend(Shape::dashed_line(&[pa, pb], Stroke::new(1.5, Color32::from_rgb(230, 200, 80)), 3.0, 5.0));
        p.text(
            pa + (pb - pa) * 0.5,
            Align2::CENTER_CENTER,
            format!("slow +{d}"),
            FontId::proportional(12.0),
            Color32::from_rgb(230, 200, 80),
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_broker(
    p: &egui::Painter,
    sim: &Simulation,
    id: BrokerId,
    r: Rect,
    rows: &[Tp],
    hw_flash: &BTreeSet<(BrokerId, Tp)>,
    leader_flash: &BTreeSet<Tp>,
    font: &FontId,
    small: &FontId,
) {
    let live = sim.liveness(NodeId(id.0));
    let up = live == Liveness::Up;
    p.rect_filled(r, 8.0, if up { Color32::from_rgb(34, 40, 52) } else { Color32::from_rgb(45, 45, 48) });
    let b = sim.broker(id);
    let border = if b.is_controller() && up {
        CONTROL
    } else if up {
        Color32::from_rgb(90, 110, 140)
    } else {
        DIM
    };
    p.rect_stroke(r, 8.0, Stroke::new(if b.is_controller() { 2.5 } else { 1.5 }, border), StrokeKind::Inside);
    let mut title = format!("broker-{}", id.0);
    if b.is_controller() && up {
        title.push_str("  ★ controller");
    }
    match live {
        Liveness::Up => {}
        Liveness::Down(DownHow::Crash) => title.push_str("  — crashed"),
        Liveness::Down(DownHow::PowerLoss) => title.push_str("  — powered off"),
        Liveness::Down(DownHow::Clean) => title.push_str("  — stopped"),
    }
    p.text(
        r.left_top() + vec2(10.0, 6.0),
        Align2::LEFT_TOP,
        title,
        font.clone(),
        if up { Color32::WHITE } else { Color32::GRAY },
    );
    for (i, tp) in rows.iter().enumerate() {
        let row = replica_row(r, i);
        if row.bottom() > r.bottom() + 1.0 {
            p.text(
                row.left_top(),
                Align2::LEFT_TOP,
                format!("… {} more", rows.len() - i),
                small.clone(),
                Color32::GRAY,
            );
            break;
        }
        let Some(rep) = b.rm.replicas.get(tp) else { continue };
        draw_replica(p, sim, id, rep, row, up, hw_flash.contains(&(id, *tp)), leader_flash.contains(tp), small);
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_replica(
    p: &egui::Painter,
    sim: &Simulation,
    id: BrokerId,
    rep: &crate::kafka::partition::Replica,
    row: Rect,
    up: bool,
    hw_flash: bool,
    leader_flash: bool,
    small: &FontId,
) {
    let names = sim.names();
    let in_isr = rep.state.isr.contains(&id);
    let (badge, color) = match (&rep.role, up) {
        (_, false) => ("down".to_string(), DIM),
        (Role::Leader(_), true) => (format!("♛ leader e{}", rep.state.leader_epoch), Color32::from_rgb(255, 210, 80)),
        (Role::Follower(_), true) if in_isr => ("in ISR".into(), Color32::from_rgb(110, 230, 140)),
        (Role::Follower(_), true) => ("out of sync".into(), Color32::from_rgb(255, 150, 80)),
        (Role::None, true) => ("no role".into(), DIM),
    };
    if hw_flash && up {
        p.rect_filled(row.expand(2.0), 4.0, Color32::from_rgba_unmultiplied(110, 230, 140, 40));
    }
    if leader_flash && rep.is_leader() && up {
        p.rect_stroke(row.expand(2.0), 4.0, Stroke::new(2.0, Color32::from_rgb(255, 210, 80)), StrokeKind::Outside);
    }
    let cfg = sim.cluster();
    let label = match (0..cfg.groups.len() as u16)
        .find(|g| cfg.offsets_partition_for(crate::trace::GroupRef(*g)) == Some(rep.tp))
    {
        Some(g) => format!("offsets-{} · {}", rep.tp.partition, names.group(crate::trace::GroupRef(g))),
        None => names.tp(rep.tp),
    };
    let name =
        p.text(row.left_top(), Align2::LEFT_TOP, label, small.clone(), if up { Color32::WHITE } else { Color32::GRAY });
    let badge_rect = p.text(name.right_top() + vec2(8.0, 0.0), Align2::LEFT_TOP, badge, small.clone(), color);
    // Log strip: the last cells up to the LEO; solid below the HW (committed), hollow above.
    let strip = Rect::from_min_max(pos2(row.left(), row.top() + 17.0), pos2(row.right(), row.bottom() - 2.0));
    let cells = ((strip.width() / 11.0) as u64).max(4);
    let (leo, hw, start) = (rep.log.end_offset(), rep.hw, rep.log.start_offset());
    let first = leo.saturating_sub(cells).max(start);
    for (k, off) in (first..leo).enumerate() {
        let cell = Rect::from_min_size(pos2(strip.left() + k as f32 * 11.0, strip.top()), vec2(9.0, strip.height()));
        let pc = rep
            .log
            .get(off)
            .map(|e| match e.meta {
                crate::kafka::log::Meta::Commit { .. } | crate::kafka::log::Meta::GroupMetadata { .. } => COMMIT,
                crate::kafka::log::Meta::Origin { fixed: true, .. } => ACK,
                crate::kafka::log::Meta::Origin { fixed: false, .. } => ERROR,
                crate::kafka::log::Meta::None if e.poison => ERROR,
                crate::kafka::log::Meta::None => PALETTE[e.value.producer() as usize % PALETTE.len()],
            })
            .unwrap_or(DIM);
        if !up {
            p.rect_filled(cell, 1.0, Color32::from_gray(70));
        } else if off < hw {
            p.rect_filled(cell, 1.0, pc);
        } else {
            p.rect_stroke(cell, 1.0, Stroke::new(1.0, pc), StrokeKind::Inside);
        }
    }
    // The offsets on the title line, as long as they fit beside the name and badge.
    let free = row.right() - badge_rect.right() - 8.0;
    let marks = [format!("HW {hw} · LEO {leo}"), format!("HW {hw}/{leo}"), format!("{hw}/{leo}")];
    let font = FontId::proportional(11.0);
    if let Some(text) =
        marks.into_iter().find(|t| p.layout_no_wrap(t.clone(), font.clone(), Color32::LIGHT_GRAY).size().x <= free)
    {
        p.text(row.right_top(), Align2::RIGHT_TOP, text, font, Color32::LIGHT_GRAY);
    }
}

fn draw_clients(p: &egui::Painter, sim: &Simulation, m: &SceneModel, font: &FontId, small: &FontId) {
    let rad = m.layout.client_radius;
    for (i, (id, prod)) in sim.producers().enumerate() {
        let c = m.layout.producers[i];
        let up = sim.is_up(id);
        let color = if up { PALETTE[prod.cfg.number as usize % PALETTE.len()] } else { DIM };
        p.circle_filled(c, rad, color);
        p.text(c + vec2(0.0, rad + 4.0), Align2::CENTER_TOP, sim.names().node(id.0), font.clone(), Color32::WHITE);
        let acks = match prod.cfg.acks {
            crate::kafka::Acks::Zero => "acks=0",
            crate::kafka::Acks::One => "acks=1",
            crate::kafka::Acks::All => "acks=all",
        };
        let rate = 1e6 / prod.cfg.interval.0.max(1) as f64;
        let status = if up { format!("{acks} · {rate:.0}/s · {} waiting", prod.pending()) } else { "crashed".into() };
        p.text(c + vec2(0.0, rad + 20.0), Align2::CENTER_TOP, status, small.clone(), Color32::GRAY);
    }
    for (i, (id, cons)) in sim.consumers().enumerate() {
        let c = m.layout.consumers[i];
        let up = sim.is_up(id);
        p.circle_filled(c, rad, if up { TO_CONSUMER } else { DIM });
        if cons.processing.is_some() && up {
            p.circle_stroke(c, rad + 4.0, Stroke::new(2.0, Color32::WHITE));
        }
        p.text(c + vec2(0.0, rad + 4.0), Align2::CENTER_TOP, sim.names().node(id.0), font.clone(), Color32::WHITE);
        let parts: Vec<String> = cons.cursors.iter().map(|k| sim.names().tp(k.tp)).collect();
        let status = if up { format!("lag {} · {}", sim.lag(id), parts.join(" ")) } else { "crashed".into() };
        // Left-aligned from the circle's edge: the column to the right is theirs.
        p.text(c + vec2(-rad, rad + 20.0), Align2::LEFT_TOP, status, small.clone(), Color32::GRAY);
        if let (Some(g), Some(ms)) = (&cons.cfg.group, &cons.membership) {
            let state = if cons.paused { "paused".to_string() } else { format!("{:?}", ms.state).to_lowercase() };
            let line = format!("group {} · gen {} · {state}", sim.names().group(g.group), ms.generation.max(0));
            p.text(c + vec2(-rad, rad + 34.0), Align2::LEFT_TOP, line, small.clone(), COMMIT);
        }
    }
    // Dead-letter topics, below the consumers: what ended up there.
    let mut y = m.layout.consumers.last().map(|c| c.y + rad + 56.0).unwrap_or(m.layout.banner.bottom() + 20.0);
    for (t, n) in &sim.stats.dead_lettered {
        let x = m.layout.consumers.last().map(|c| c.x - rad).unwrap_or(m.layout.banner.left());
        let text = format!("☠ DLQ {}: {n}", sim.names().topics[t.0 as usize]);
        p.text(egui::pos2(x, y), Align2::LEFT_TOP, text, font.clone(), ERROR);
        y += 18.0;
    }
    if sim.stats.redriven > 0 {
        let x = m.layout.consumers.last().map(|c| c.x - rad).unwrap_or(m.layout.banner.left());
        p.text(egui::pos2(x, y), Align2::LEFT_TOP, format!("{} re-driven", sim.stats.redriven), small.clone(), ACK);
    }
}
