//! Painting the clients: producers and publishers as cards on the left, consumers on the
//! right boxed by consumer group (the box says its generation, its state on the coordinator
//! and which broker coordinates it), AMQP consumers below them; then the messages on
//! screen, and the footer (time, messages on screen, acknowledged-but-lost records, dead
//! letters).

use super::labels::Labels;
use super::layout::LINE_H;
use super::model::{SceneModel, Slot};
use crate::gui::colors::*;
use crate::gui::flights::Mark;
use crate::gui::state::Selection;
use crate::sim::NodeId;
use crate::world::{Node, Simulation};
use bevy_egui::egui::{Align2, Color32, FontId, Pos2, Rect, Shape, Stroke, StrokeKind, pos2, vec2};

/// Paints group boxes and client cards.
pub fn draw(w: &mut Labels, sim: &Simulation, m: &SceneModel, sel: Selection) {
    let small = FontId::proportional(11.0);
    for (g, r) in m.groups.iter().zip(&m.layout.group_boxes) {
        w.painter.rect_filled(*r, 6.0, Color32::from_rgb(36, 34, 26));
        w.painter.rect_stroke(*r, 6.0, Stroke::new(1.0, COMMIT.gamma_multiply(0.6)), StrokeKind::Inside);
        let state = match &g.coordinator {
            Some((b, gen_, state)) => format!("gen {gen_} · {state} · coordinator broker-{}", b.0),
            None => "no coordinator right now".to_string(),
        };
        let font = FontId::proportional(12.0);
        w.text(
            r.left_top() + vec2(6.0, 3.0),
            Align2::LEFT_TOP,
            format!("group {}", g.name),
            &font,
            COMMIT,
            r.width() - 12.0,
        );
        w.text(r.left_top() + vec2(6.0, 17.0), Align2::LEFT_TOP, state, &small, COMMIT, r.width() - 12.0);
    }
    for (n, slot) in m.slots.iter().enumerate() {
        let c = match *slot {
            Slot::Producer(k) => m.layout.producers[k],
            Slot::Consumer(k) => m.layout.consumers[k],
            Slot::ZooKeeper | Slot::Broker(_) | Slot::Rabbit(_) => continue,
        };
        let id = NodeId(n as u32);
        let (color, square, lines) = card(sim, id);
        let r = m.layout.client_radius;
        let up = sim.is_up(id);
        let fill = if up { color } else { DIM };
        if square {
            w.painter.rect_filled(Rect::from_center_size(c, vec2(2.0 * r, 2.0 * r)), 3.0, fill);
        } else {
            w.painter.circle_filled(c, r, fill);
        }
        if busy(sim, id) {
            w.painter.circle_stroke(c, r + 3.0, Stroke::new(1.5, Color32::WHITE));
        }
        if sel == Selection::Client(id.0) {
            w.painter.circle_stroke(c, r + 6.0, Stroke::new(2.0, SELECTED));
        }
        let (at, width) = m.layout.card_text(c);
        let max = if matches!(slot, Slot::Producer(_)) { m.layout.left_lines } else { m.layout.right_lines };
        for (i, (text, col)) in lines.into_iter().take(max).enumerate() {
            let font = if i == 0 { FontId::proportional(12.5) } else { small.clone() };
            w.text(at + vec2(0.0, i as f32 * LINE_H), Align2::LEFT_TOP, text, &font, col, width);
        }
    }
}

fn busy(sim: &Simulation, id: NodeId) -> bool {
    sim.is_up(id)
        && match &sim.nodes()[id.0 as usize] {
            Node::Consumer(c) => c.processing.is_some(),
            Node::AmqpConsumer(c) => c.processing.is_some(),
            Node::Producer(_) | Node::Publisher(_) | Node::Rabbit(_) | Node::Broker(_) | Node::ZooKeeper(_) => false,
        }
}

/// A client's mark colour, shape (square: AMQP) and lines of words.
fn card(sim: &Simulation, id: NodeId) -> (Color32, bool, Vec<(String, Color32)>) {
    let name = (sim.names().node(id.0).to_string(), Color32::WHITE);
    let up = sim.is_up(id);
    let grey = |s: String| (s, Color32::GRAY);
    match &sim.nodes()[id.0 as usize] {
        Node::Producer(p) => {
            let acks = match p.cfg.acks {
                crate::kafka::Acks::Zero => "acks=0",
                crate::kafka::Acks::One => "acks=1",
                crate::kafka::Acks::All => "acks=all",
            };
            let rate = 1e6 / p.cfg.interval.0.max(1) as f64;
            // The sender does not wait: its records queue in its buffer until a broker acks them.
            let lines = if up {
                vec![name, grey(format!("{acks} · {rate:.0}/s")), grey(format!("{} not yet acked", p.pending()))]
            } else {
                vec![name, grey("crashed".into())]
            };
            (PALETTE[p.cfg.number as usize % PALETTE.len()], false, lines)
        }
        Node::Publisher(p) => {
            let to = if p.cfg.exchange.is_empty() {
                "default exchange".to_string()
            } else {
                format!("to {}", p.cfg.exchange)
            };
            let conf =
                if p.cfg.confirms { format!("{} unconfirmed", p.unconfirmed.len()) } else { "no confirms".into() };
            let lines = if up { vec![name, grey(to), grey(conf)] } else { vec![name, grey("crashed".into())] };
            (PALETTE[p.cfg.number as usize % PALETTE.len()], true, lines)
        }
        Node::Consumer(c) => (TO_CONSUMER, false, consumer_lines(sim, id, c, name)),
        Node::AmqpConsumer(c) => {
            // RabbitMQ applies basic.qos prefetch only to deliveries that wait for an ack.
            let pf = if c.cfg.auto_ack {
                "auto-ack, no prefetch limit".to_string()
            } else if c.cfg.prefetch == 0 {
                "prefetch unlimited".to_string()
            } else {
                format!("prefetch {}", c.cfg.prefetch)
            };
            let done = sim.stats.consumer_index(id.0).map_or(0, |i| sim.stats.consumers[i].consumed);
            let status =
                if up { format!("{} · done {done} · {pf}", c.cfg.queue) } else { format!("crashed · done {done}") };
            let held = c.buffer.len() + usize::from(c.processing.is_some());
            let mut lines = vec![name, grey(status)];
            // What arrived here; the queue's "unacked" also counts deliveries and acks
            // still on the wire, so it may be higher for a moment.
            if up {
                let text = if c.cfg.auto_ack {
                    format!("{held} delivered here (auto-ack: gone from the queue)")
                } else {
                    format!("{held} delivered here, not acked yet")
                };
                lines.push((text, Color32::from_rgb(255, 200, 80)));
            }
            (Color32::from_rgb(255, 200, 80), true, lines)
        }
        Node::Rabbit(_) | Node::Broker(_) | Node::ZooKeeper(_) => (DIM, false, vec![name]),
    }
}

/// A Kafka consumer's lines: name; lag and partitions (a member's with the group's committed
/// offset, the next index the group reads after a takeover); its membership.
fn consumer_lines(
    sim: &Simulation,
    id: NodeId,
    c: &crate::kafka::Consumer,
    name: (String, Color32),
) -> Vec<(String, Color32)> {
    let up = sim.is_up(id);
    // A group member's partitions each with the group's committed offset (the next
    // index the group will read after a takeover).
    let committed = c.cfg.group.as_ref().and_then(|g| sim.stats.groups.get(&g.group)).map(|s| &s.committed);
    let parts: Vec<String> = c
        .cursors
        .iter()
        .map(|k| match committed.and_then(|m| m.get(&k.tp)) {
            Some(o) => format!("{} committed {o}", sim.names().tp(k.tp)),
            None => sim.names().tp(k.tp),
        })
        .collect();
    let assigned = if parts.is_empty() { "no partitions".to_string() } else { parts.join(" · ") };
    let lag = sim.lag(id);
    // Short facts first: a crowded column keeps the first lines of a card.
    let (second, color) = match (&c.membership, up, c.paused) {
        (_, false, _) => ("down · crashed or not started".to_string(), DIM),
        (_, true, true) => (format!("lag {lag} · paused: stopped polling"), Color32::from_rgb(255, 150, 80)),
        (Some(ms), true, false) => {
            (format!("lag {lag} · gen {} · {:?}", ms.generation.max(0), ms.state).to_lowercase(), COMMIT)
        }
        (None, true, false) => (format!("lag {lag} · no group: assigned by hand"), Color32::GRAY),
    };
    if up { vec![name, (second, color), (assigned, Color32::GRAY)] } else { vec![name, (second, color)] }
}

/// Paints the messages on screen; a counted dot says "×n".
pub fn draw_dots(w: &mut Labels, m: &SceneModel, sel: Selection) {
    let font = FontId::proportional(10.0);
    for d in &m.dots {
        let (p, r, c) = (d.pos, d.look.radius, d.look.color);
        let _ = match d.look.mark {
            Mark::Disc => w.painter.circle_filled(p, r, c),
            Mark::Ring => w.painter.circle_stroke(p, r, Stroke::new(1.5, c)),
            Mark::Square => w.painter.rect_filled(Rect::from_center_size(p, vec2(2.0 * r, 2.0 * r) * 0.9), 1.0, c),
            Mark::Arrow => {
                let (f, s) = (d.dir * r * 1.2, vec2(-d.dir.y, d.dir.x) * r * 0.9);
                w.painter.add(Shape::convex_polygon(vec![p + f, p - f * 0.6 + s, p - f * 0.6 - s], c, Stroke::NONE))
            }
        };
        if d.count > 1 {
            w.painter.text(
                p + vec2(r + 2.0, -r - 1.0),
                Align2::LEFT_BOTTOM,
                format!("×{}", d.count),
                font.clone(),
                Color32::LIGHT_GRAY,
            );
        }
        if d.look.msg.is_some() && sel == Selection::Message(d.look.msg.expect("checked")) {
            w.painter.circle_stroke(p, r + 4.0, Stroke::new(2.0, SELECTED));
        }
    }
}

/// The footer: losses, dead letters and links labelled nowhere else on the left, time and messages on screen on the right.
pub fn draw_footer(
    w: &mut Labels,
    sim: &Simulation,
    full: Rect,
    on_screen: usize,
    acked_lost: usize,
    links: Vec<(String, Color32)>,
) {
    let small = FontId::proportional(11.5);
    let y = full.bottom() - 4.0;
    let right = format!("t = {}   {on_screen} message{} on screen", sim.now(), if on_screen == 1 { "" } else { "s" });
    let rw = w.width(&right, &small);
    let r = w.text(pos2(full.right() - 10.0, y), Align2::RIGHT_BOTTOM, right, &small, Color32::GRAY, rw + 2.0);
    let mut x = full.left() + 10.0;
    let mut items: Vec<(String, Color32)> = Vec::new();
    if acked_lost > 0 {
        items.push((format!("⚠ acked but lost: {acked_lost}"), ERROR));
    }
    if sim.stats.amqp.auto_ack_lost > 0 {
        let n = sim.stats.amqp.auto_ack_lost;
        items.push((format!("⚠ auto-acked, lost in a crashed consumer: {n}"), ERROR));
    }
    for (t, n) in &sim.stats.dead_lettered {
        items.push((format!("☠ dead-letter topic {}: {n}", sim.names().topics[t.0 as usize]), ERROR));
    }
    if sim.stats.redriven > 0 {
        items.push((format!("{} re-driven", sim.stats.redriven), ACK));
    }
    items.extend(links);
    for (text, color) in items {
        let room = r.left() - x - 16.0;
        if room < 40.0 {
            break;
        }
        let p = w.text(Pos2::new(x, y), Align2::LEFT_BOTTOM, text, &small, color, room);
        x = p.right() + 16.0;
    }
}
