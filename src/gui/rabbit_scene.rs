//! Drawing the RabbitMQ node in the scene: a box like a broker's, with a row per exchange
//! (its type and bindings) and a row per queue (ready messages as filled cells,
//! unacknowledged ones hollow, its limits and dead-letter exchange), plus the inspector
//! text for it and for AMQP clients. Helpers of the scene, not a plugin.

use crate::amqp::AmqpMsg;
use crate::amqp::broker::Rabbit;
use crate::amqp::exchange::{Dest, ExchangeKind};
use crate::gui::layout::{HEADER_H, ROW_H};
use crate::world::Simulation;
use bevy_egui::egui::{self, Align2, Color32, FontId, Rect, Stroke, StrokeKind, pos2, vec2};

const READY: Color32 = Color32::from_rgb(90, 160, 255);
const UNACKED: Color32 = Color32::from_rgb(255, 200, 80);
const LIMIT: Color32 = Color32::from_rgb(255, 80, 80);

/// Rows of the RabbitMQ box: exchanges first, then queues.
pub fn rows(r: &Rabbit) -> usize {
    r.cfg.exchanges.len() + r.cfg.queues.len()
}

/// The row a message is drawn going to or from (its exchange or its queue).
pub fn row_for(r: &Rabbit, m: &AmqpMsg) -> Option<usize> {
    let ex = |name: &str| r.cfg.exchanges.keys().position(|k| k == name);
    let q = |name: &str| r.cfg.queues.iter().position(|c| c.name == name).map(|i| i + r.cfg.exchanges.len());
    match m {
        AmqpMsg::Publish { msg, .. } if msg.exchange.is_empty() => q(&msg.routing_key),
        AmqpMsg::Publish { msg, .. } => ex(&msg.exchange),
        AmqpMsg::Deliver { queue, .. } | AmqpMsg::Consume { queue, .. } => q(queue),
        AmqpMsg::Confirm { .. }
        | AmqpMsg::Return { .. }
        | AmqpMsg::ConsumeOk { .. }
        | AmqpMsg::Ack { .. }
        | AmqpMsg::Nack { .. }
        | AmqpMsg::Close
        | AmqpMsg::Reset => None,
    }
}

/// The rectangle of row `i` in the box `b`.
pub fn row_rect(b: Rect, i: usize) -> Rect {
    Rect::from_min_size(
        pos2(b.left() + 8.0, b.top() + HEADER_H + ROW_H * i as f32),
        vec2(b.width() - 16.0, ROW_H - 4.0),
    )
}

fn kind(k: ExchangeKind) -> &'static str {
    match k {
        ExchangeKind::Direct => "direct",
        ExchangeKind::Fanout => "fanout",
        ExchangeKind::Topic => "topic",
        ExchangeKind::Headers => "headers",
    }
}

/// Paints the RabbitMQ box.
pub fn draw(p: &egui::Painter, up: bool, r: &Rabbit, b: Rect, font: &FontId, small: &FontId) {
    p.rect_filled(b, 8.0, if up { Color32::from_rgb(48, 36, 30) } else { Color32::from_rgb(45, 45, 48) });
    p.rect_stroke(
        b,
        8.0,
        Stroke::new(1.5, if up { Color32::from_rgb(255, 140, 60) } else { Color32::GRAY }),
        StrokeKind::Inside,
    );
    let title = if up { "RabbitMQ · rabbit" } else { "RabbitMQ · rabbit (down)" };
    p.text(b.left_top() + vec2(10.0, 8.0), Align2::LEFT_TOP, title, font.clone(), Color32::WHITE);
    for (i, (name, x)) in r.cfg.exchanges.iter().enumerate() {
        let row = row_rect(b, i);
        if row.bottom() > b.bottom() + 1.0 {
            return;
        }
        p.text(
            row.left_top(),
            Align2::LEFT_TOP,
            format!("exchange {name} ({})", kind(x.kind)),
            small.clone(),
            Color32::WHITE,
        );
        let binds: Vec<String> = x
            .bindings
            .iter()
            .map(|bd| {
                let to = match &bd.dest {
                    Dest::Queue(q) => q.clone(),
                    Dest::Exchange(e) => format!("exchange {e}"),
                };
                if bd.key.is_empty() { to } else { format!("{to} [{}]", bd.key) }
            })
            .collect();
        let mut line = format!("bound: {}", binds.join(", "));
        if let Some(a) = &x.alternate {
            line.push_str(&format!("  · unroutable: exchange {a}"));
        }
        p.text(row.left_top() + vec2(8.0, 16.0), Align2::LEFT_TOP, line, small.clone(), Color32::GRAY);
    }
    for (j, qc) in r.cfg.queues.iter().enumerate() {
        let row = row_rect(b, r.cfg.exchanges.len() + j);
        if row.bottom() > b.bottom() + 1.0 {
            p.text(row.left_top(), Align2::LEFT_TOP, "…", small.clone(), Color32::GRAY);
            return;
        }
        let Some(q) = r.queues.get(&qc.name) else { continue };
        let mut extra = Vec::new();
        if let Some(t) = qc.message_ttl {
            extra.push(format!("ttl {t}"));
        }
        if let Some(m) = qc.max_length {
            extra.push(format!("max {m}"));
        }
        if let Some(d) = &qc.dead_letter_exchange {
            extra.push(format!("DLX {d}"));
        }
        let head =
            format!("queue {}  ready {} · unacked {}  {}", qc.name, q.depth(), q.unacked.len(), extra.join(" · "));
        p.text(row.left_top(), Align2::LEFT_TOP, head, small.clone(), Color32::WHITE);
        let strip = Rect::from_min_max(pos2(row.left(), row.top() + 17.0), pos2(row.right(), row.bottom() - 2.0));
        let cells = ((strip.width() / 11.0) as usize).max(4);
        let (ready, unacked) = (q.depth(), q.unacked.len());
        for k in 0..cells.min(ready + unacked) {
            let cell =
                Rect::from_min_size(pos2(strip.left() + k as f32 * 11.0, strip.top()), vec2(9.0, strip.height()));
            if k < unacked {
                p.rect_stroke(cell, 1.0, Stroke::new(1.5, UNACKED), StrokeKind::Inside);
            } else {
                p.rect_filled(cell, 1.0, if up { READY } else { Color32::from_gray(70) });
            }
        }
        if let Some(m) = qc.max_length
            && (m as usize) < cells
        {
            let x = strip.left() + (m as usize + unacked) as f32 * 11.0 - 1.0;
            p.line_segment([pos2(x, strip.top() - 2.0), pos2(x, strip.bottom() + 2.0)], Stroke::new(2.0, LIMIT));
        }
    }
}

/// The inspector for the RabbitMQ node.
pub fn inspect(ui: &mut egui::Ui, r: &Rabbit) {
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

/// Paints AMQP publishers (left) and consumers (right) at their places.
pub fn draw_clients(p: &egui::Painter, sim: &Simulation, m: &super::scene::SceneModel, font: &FontId, small: &FontId) {
    use super::scene::Slot;
    let rad = m.layout.client_radius;
    let at = |id: crate::sim::NodeId| m.slots.get(id.0 as usize).copied();
    for (id, pubr) in sim.publishers() {
        let Some(Slot::Producer(k)) = at(id) else { continue };
        let c = m.layout.producers[k];
        let up = sim.is_up(id);
        let color = if up { super::scene::PALETTE[pubr.cfg.number as usize % 8] } else { Color32::GRAY };
        p.rect_filled(Rect::from_center_size(c, vec2(rad * 2.0, rad * 2.0)), 4.0, color);
        p.text(c + vec2(0.0, rad + 4.0), Align2::CENTER_TOP, sim.names().node(id.0), font.clone(), Color32::WHITE);
        let x = if pubr.cfg.exchange.is_empty() {
            "default exchange".to_string()
        } else {
            format!("to {}", pubr.cfg.exchange)
        };
        let status = if up {
            format!(
                "{x} · {}",
                if pubr.cfg.confirms {
                    format!("{} unconfirmed", pubr.unconfirmed.len())
                } else {
                    "no confirms".into()
                }
            )
        } else {
            "crashed".into()
        };
        p.text(c + vec2(0.0, rad + 20.0), Align2::CENTER_TOP, status, small.clone(), Color32::GRAY);
    }
    for (id, cons) in sim.amqp_consumers() {
        let Some(Slot::Consumer(k)) = at(id) else { continue };
        let c = m.layout.consumers[k];
        let up = sim.is_up(id);
        p.rect_filled(
            Rect::from_center_size(c, vec2(rad * 2.0, rad * 2.0)),
            4.0,
            if up { UNACKED } else { Color32::GRAY },
        );
        if cons.processing.is_some() && up {
            p.rect_stroke(
                Rect::from_center_size(c, vec2(rad * 2.0 + 8.0, rad * 2.0 + 8.0)),
                5.0,
                Stroke::new(2.0, Color32::WHITE),
                StrokeKind::Outside,
            );
        }
        p.text(c + vec2(0.0, rad + 4.0), Align2::CENTER_TOP, sim.names().node(id.0), font.clone(), Color32::WHITE);
        let pf = if cons.cfg.prefetch == 0 { "unlimited".to_string() } else { cons.cfg.prefetch.to_string() };
        let status = if up { format!("{} · prefetch {pf}", cons.cfg.queue) } else { "crashed".into() };
        p.text(c + vec2(-rad, rad + 20.0), Align2::LEFT_TOP, status, small.clone(), Color32::GRAY);
        let held = cons.buffer.len() + usize::from(cons.processing.is_some());
        if up && held > 0 {
            p.text(c + vec2(-rad, rad + 34.0), Align2::LEFT_TOP, format!("{held} in hand"), small.clone(), UNACKED);
        }
    }
}
