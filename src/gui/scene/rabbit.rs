//! Drawing the RabbitMQ node in the scene: a box like a broker's, with a row per exchange
//! (its type and bindings) and a row per queue (ready messages as filled cells,
//! unacknowledged ones hollow, its limits and dead-letter exchange), and the row a message
//! flies to or from.

use super::labels::Labels;
use super::layout::{HEADER_H, ROW_H, rows_that_fit};
use crate::amqp::AmqpMsg;
use crate::amqp::broker::Rabbit;
use crate::amqp::exchange::{Dest, ExchangeKind};
use crate::gui::colors::SELECTED;
use bevy_egui::egui::{Align2, Color32, FontId, Rect, Stroke, StrokeKind, pos2, vec2};

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
        | AmqpMsg::Reset
        | AmqpMsg::Unreachable { .. } => None,
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

/// Paints the RabbitMQ box: a row per exchange (type and bindings), a row per queue (ready
/// messages filled, unacknowledged ones hollow, limits and dead-letter exchange).
pub fn draw(w: &mut Labels, up: bool, r: &Rabbit, b: Rect, selected: bool) {
    let small = FontId::proportional(11.0);
    w.painter.rect_filled(b, 8.0, if up { Color32::from_rgb(48, 36, 30) } else { Color32::from_rgb(45, 45, 48) });
    let stroke = match (selected, up) {
        (true, _) => Stroke::new(2.5, SELECTED),
        (false, true) => Stroke::new(1.5, Color32::from_rgb(255, 140, 60)),
        (false, false) => Stroke::new(1.5, Color32::GRAY),
    };
    w.painter.rect_stroke(b, 8.0, stroke, StrokeKind::Inside);
    let title = if up { "RabbitMQ · rabbit" } else { "RabbitMQ · rabbit — crashed" };
    w.text(
        b.left_top() + vec2(10.0, 7.0),
        Align2::LEFT_TOP,
        title,
        &FontId::proportional(13.0),
        Color32::WHITE,
        b.width() - 20.0,
    );
    let fit = rows_that_fit(b);
    let total = rows(r);
    let cut_at = |i: usize| i >= fit || (i + 1 == fit && total > fit);
    let more = |w: &mut Labels, i: usize| {
        let text = format!("… {} more rows (click the box)", total - i);
        w.text(row_rect(b, i).left_top(), Align2::LEFT_TOP, text, &small, Color32::GRAY, row_rect(b, i).width());
    };
    for (i, (name, x)) in r.cfg.exchanges.iter().enumerate() {
        let row = row_rect(b, i);
        if cut_at(i) {
            return more(w, i);
        }
        exchange_row(w, name, x, row);
    }
    for (j, qc) in r.cfg.queues.iter().enumerate() {
        let i = r.cfg.exchanges.len() + j;
        let row = row_rect(b, i);
        if cut_at(i) {
            return more(w, i);
        }
        let Some(q) = r.queues.get(&qc.name) else { continue };
        queue_row(w, qc, q, row, up);
    }
}

/// An exchange's row: its name and type, then where it routes. In a narrow box the type
/// moves to the second line so the name is never cut.
fn exchange_row(w: &mut Labels, name: &str, x: &crate::amqp::exchange::Exchange, row: Rect) {
    let small = FontId::proportional(11.0);
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
    let wide = format!("exchange {name} ({})", kind(x.kind));
    let mut to = binds.join(", ");
    if let Some(a) = &x.alternate {
        to.push_str(&format!("  · unroutable: exchange {a}"));
    }
    let line = format!("bound: {to}");
    if w.width(&wide, &small) <= row.width() && w.width(&line, &small) <= row.width() - 8.0 {
        w.text(row.left_top(), Align2::LEFT_TOP, wide, &small, Color32::WHITE, row.width());
        w.text(row.left_top() + vec2(8.0, 16.0), Align2::LEFT_TOP, line, &small, Color32::GRAY, row.width() - 8.0);
    } else {
        // Narrow: the name, its type, then where it routes on a line of its own.
        let head = format!("exchange {name}");
        w.text(row.left_top(), Align2::LEFT_TOP, head, &small, Color32::WHITE, row.width());
        let kind_line = format!("{} exchange, bound to:", kind(x.kind));
        w.text(row.left_top() + vec2(8.0, 13.0), Align2::LEFT_TOP, kind_line, &small, Color32::GRAY, row.width() - 8.0);
        w.text(row.left_top() + vec2(8.0, 26.0), Align2::LEFT_TOP, to, &small, Color32::LIGHT_GRAY, row.width() - 8.0);
    }
}

/// A queue's row: name, ready and unacknowledged counts, limits, then the messages as cells.
/// In a narrow box the counts take the second line (the limits stay in the inspector unless
/// set) so the queue's name is never cut.
fn queue_row(w: &mut Labels, qc: &crate::amqp::queue::QueueCfg, q: &crate::amqp::queue::Queue, row: Rect, up: bool) {
    let small = FontId::proportional(11.0);
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
    let counts = format!("ready {} · unacked {}", q.depth(), q.unacked.len());
    let name = format!("queue {}", qc.name);
    let cw = w.width(&counts, &small);
    let limits = if extra.is_empty() {
        "no TTL, no length limit, no dead-letter exchange".to_string()
    } else {
        extra.join(" · ")
    };
    if w.width(&name, &small) + cw + 6.0 <= row.width() {
        let c = w.text(row.right_top(), Align2::RIGHT_TOP, counts, &small, Color32::LIGHT_GRAY, cw + 1.0);
        w.text(row.left_top(), Align2::LEFT_TOP, name, &small, Color32::WHITE, c.left() - row.left() - 6.0);
        w.text(row.left_top() + vec2(0.0, 13.0), Align2::LEFT_TOP, limits, &small, Color32::GRAY, row.width());
    } else {
        w.text(row.left_top(), Align2::LEFT_TOP, name, &small, Color32::WHITE, row.width());
        let second = if extra.is_empty() { counts } else { format!("{counts} · {}", extra.join(" · ")) };
        w.text(row.left_top() + vec2(0.0, 13.0), Align2::LEFT_TOP, second, &small, Color32::LIGHT_GRAY, row.width());
    }
    let strip = Rect::from_min_max(pos2(row.left(), row.top() + 31.0), pos2(row.right(), row.bottom() - 6.0));
    let cells = ((strip.width() / 11.0) as usize).max(4);
    let (ready, unacked) = (q.depth(), q.unacked.len());
    for k in 0..cells.min(ready + unacked) {
        let cell = Rect::from_min_size(pos2(strip.left() + k as f32 * 11.0, strip.top()), vec2(9.0, strip.height()));
        if k < unacked {
            w.painter.rect_stroke(cell, 1.0, Stroke::new(1.5, UNACKED), StrokeKind::Inside);
        } else {
            w.painter.rect_filled(cell, 1.0, if up { READY } else { Color32::from_gray(70) });
        }
    }
    if let Some(m) = qc.max_length
        && (m as usize + unacked) < cells
    {
        let x = strip.left() + (m as usize + unacked) as f32 * 11.0 - 1.0;
        w.painter.line_segment([pos2(x, strip.top() - 2.0), pos2(x, strip.bottom() + 2.0)], Stroke::new(2.0, LIMIT));
    }
}
