//! Painting the Kafka side of the scene: faint connection lines, ZooKeeper with the
//! controller and broker sessions, broker boxes with a row per replica (role, ISR, offline
//! badge, a log strip solid below the high watermark, HW and LEO, the log start after
//! retention, each group's committed offset and each member's position as markers), and
//! network cuts and slow links with labels that stay readable over the boxes.

use super::labels::Labels;
use super::layout::{replica_row, rows_that_fit};
use super::model::{RowRole, RowView, SceneModel, anchor};
use crate::gui::colors::*;
use crate::gui::state::Selection;
use crate::sim::NodeId;
use crate::trace::{BrokerId, DownHow};
use crate::world::{Liveness, Simulation};
use bevy_egui::egui::{Align2, Color32, FontId, Pos2, Rect, Shape, Stroke, StrokeKind, pos2, vec2};

const CELL: f32 = 11.0;
const MEMBER: Color32 = Color32::from_rgb(235, 235, 235);

/// Paints links, ZooKeeper and the broker boxes.
pub fn draw(w: &mut Labels, sim: &Simulation, m: &SceneModel, sel: Selection) {
    let faint = Stroke::new(1.0, Color32::from_rgb(44, 48, 58));
    for b in &m.layout.brokers {
        if let Some(z) = m.layout.zookeeper {
            w.painter.line_segment([b.center_top(), z.center_bottom()], faint);
        }
        for c in &m.layout.producers {
            w.painter.line_segment([*c, b.left_center()], faint);
        }
        for c in &m.layout.consumers {
            w.painter.line_segment([*c, b.right_center()], faint);
        }
    }
    if let Some(z) = m.layout.zookeeper {
        zookeeper(w, sim, z, sel == Selection::ZooKeeper);
    }
    for (i, b) in sim.brokers().enumerate() {
        broker(w, sim, b.id, m.layout.brokers[i], &m.rows[i], sel);
    }
    if let Some((id, r)) = sim.rabbit() {
        let i = m.layout.brokers.len() - 1;
        super::rabbit::draw(w, sim.is_up(id), r, m.layout.brokers[i], sel == Selection::Client(id.0));
    }
}

fn zookeeper(w: &mut Labels, sim: &Simulation, r: Rect, selected: bool) {
    let up = sim.is_up(NodeId(0));
    w.painter.rect_filled(r, 8.0, if up { Color32::from_rgb(44, 38, 62) } else { Color32::from_rgb(50, 50, 50) });
    let stroke = if selected { Stroke::new(2.5, SELECTED) } else { Stroke::new(1.5, if up { CONTROL } else { DIM }) };
    w.painter.rect_stroke(r, 8.0, stroke, StrokeKind::Inside);
    let font = FontId::proportional(13.0);
    let small = FontId::proportional(11.0);
    let title = if up { "ZooKeeper" } else { "ZooKeeper (down)" };
    let t = w.text(r.left_top() + vec2(10.0, 6.0), Align2::LEFT_TOP, title, &font, Color32::WHITE, r.width() * 0.4);
    // What ZooKeeper holds: /controller stays with a crashed broker until its session
    // expires, and only then do the others race to recreate it.
    let zk = sim.zookeeper();
    let ctl = match (zk.controller, sim.controller()) {
        (Some(z), Some(b)) if z == b => format!("controller: broker-{} (epoch {})", b.0, zk.controller_epoch),
        (Some(z), _) if sim.is_up(NodeId(z.0)) => format!("controller: broker-{} (taking over)", z.0),
        (Some(z), _) => format!("/controller: broker-{} (down; its session has not expired)", z.0),
        (None, _) => "/controller: empty (brokers race to create it)".into(),
    };
    let free = r.right() - t.right() - 20.0;
    w.text(r.right_top() + vec2(-10.0, 7.0), Align2::RIGHT_TOP, ctl, &small, Color32::from_rgb(220, 200, 255), free);
    // Down, ZooKeeper answers nobody: the sessions it holds are frozen, not live.
    let label = if up { "sessions:" } else { "sessions (frozen):" };
    let s = w.text(pos2(r.left() + 10.0, r.bottom() - 6.0), Align2::LEFT_BOTTOM, label, &small, Color32::GRAY, 110.0);
    let mut x = s.right() + 10.0;
    for b in 1..=sim.cluster().brokers {
        if x + 30.0 > r.right() {
            break;
        }
        let live = sim.zookeeper().sessions.contains_key(&BrokerId(b));
        let c = match (up, live) {
            (false, _) => Color32::from_gray(120),
            (true, true) => ACK,
            (true, false) => Color32::from_rgb(255, 90, 90),
        };
        w.painter.circle_filled(pos2(x, r.bottom() - 12.0), 4.0, c);
        w.text(
            pos2(x + 7.0, r.bottom() - 6.0),
            Align2::LEFT_BOTTOM,
            format!("b{b}"),
            &small,
            Color32::LIGHT_GRAY,
            22.0,
        );
        x += 34.0;
    }
}

fn broker(w: &mut Labels, sim: &Simulation, id: BrokerId, r: Rect, rows: &[RowView], sel: Selection) {
    let live = sim.liveness(NodeId(id.0));
    let up = live == Liveness::Up;
    let b = sim.broker(id);
    let ctl = b.is_controller() && up;
    w.painter.rect_filled(r, 8.0, if up { Color32::from_rgb(34, 40, 52) } else { Color32::from_rgb(45, 45, 48) });
    let border = match (sel == Selection::Broker(id), ctl, up) {
        (true, _, _) => Stroke::new(2.5, SELECTED),
        (false, true, _) => Stroke::new(2.5, CONTROL),
        (false, false, true) => Stroke::new(1.5, Color32::from_rgb(90, 110, 140)),
        (false, false, false) => Stroke::new(1.5, DIM),
    };
    w.painter.rect_stroke(r, 8.0, border, StrokeKind::Inside);
    let mut title = format!("broker-{}", id.0);
    if ctl {
        title.push_str("  ★ controller");
    }
    match live {
        Liveness::Up => {}
        Liveness::Down(DownHow::Crash) => title.push_str("  — crashed"),
        Liveness::Down(DownHow::PowerLoss) => title.push_str("  — powered off"),
        Liveness::Down(DownHow::Clean) => title.push_str("  — stopped"),
    }
    let color = if up { Color32::WHITE } else { Color32::GRAY };
    w.text(
        r.left_top() + vec2(10.0, 7.0),
        Align2::LEFT_TOP,
        title,
        &FontId::proportional(13.0),
        color,
        r.width() - 20.0,
    );
    let fit = rows_that_fit(r);
    for (i, row) in rows.iter().enumerate() {
        let rr = replica_row(r, i);
        if i >= fit || (i + 1 == fit && rows.len() > fit) {
            let more = format!("… {} more (click the broker)", rows.len() - i);
            w.text(rr.left_top(), Align2::LEFT_TOP, more, &FontId::proportional(11.0), Color32::GRAY, rr.width());
            break;
        }
        replica(w, sim, row, rr, up, sel == Selection::Replica(id, row.tp));
    }
}

fn badge(row: &RowView) -> (String, Color32) {
    let isr: Vec<String> = row.isr.iter().map(|b| b.0.to_string()).collect();
    match row.role {
        _ if row.offline => ("OFFLINE: no leader".into(), ERROR),
        RowRole::Down => ("down".into(), DIM),
        RowRole::Leader(e) => (format!("♛ leader e{e} · ISR {{{}}}", isr.join(",")), Color32::from_rgb(255, 210, 80)),
        RowRole::InSync => ("follower · in ISR".into(), ACK),
        RowRole::OutOfSync => ("follower · out of sync".into(), Color32::from_rgb(255, 150, 80)),
        RowRole::NoRole => ("no role".into(), DIM),
    }
}

fn replica(w: &mut Labels, sim: &Simulation, row: &RowView, rr: Rect, up: bool, selected: bool) {
    let small = FontId::proportional(11.0);
    if row.offline {
        w.painter.rect_filled(rr.expand(2.0), 4.0, Color32::from_rgba_unmultiplied(255, 60, 60, 40));
    }
    if selected {
        w.painter.rect_stroke(rr.expand(2.0), 4.0, Stroke::new(2.0, SELECTED), StrokeKind::Outside);
    }
    // Line 1: the partition and, always, its HW and LEO; line 2: role, ISR or OFFLINE;
    // line 3: the log strip.
    let name_color = if up { Color32::WHITE } else { Color32::GRAY };
    let marks = [
        format!("log start {} · HW {} · LEO {}", row.start, row.hw, row.leo),
        format!("HW {} · LEO {}", row.hw, row.leo),
        format!("{}/{}", row.hw, row.leo),
    ];
    let skip = usize::from(row.start == 0);
    let name_w = w.width(&row.label, &small) + 8.0;
    let mark = marks[skip..].iter().find(|t| w.width(t, &small) + name_w <= rr.width()).unwrap_or(&marks[2]).clone();
    let mw = w.width(&mark, &small);
    let mr = w.text(rr.right_top(), Align2::RIGHT_TOP, mark, &small, Color32::LIGHT_GRAY, mw + 1.0);
    w.text(rr.left_top(), Align2::LEFT_TOP, row.label.clone(), &small, name_color, mr.left() - rr.left() - 6.0);
    let (text, color) = badge(row);
    w.text(rr.left_top() + vec2(0.0, 13.0), Align2::LEFT_TOP, text, &small, color, rr.width());
    let strip = Rect::from_min_max(pos2(rr.left(), rr.top() + 31.0), pos2(rr.right(), rr.bottom() - 6.0));
    strip_cells(w, sim, row, strip, up);
}

/// The log strip: the last offsets up to the LEO, solid below the HW (committed), hollow
/// above; under it, each group's committed offset (yellow) and each member's position (white).
fn strip_cells(w: &mut Labels, sim: &Simulation, row: &RowView, strip: Rect, up: bool) {
    let cells = ((strip.width() / CELL) as u64).max(2);
    let first = row.leo.saturating_sub(cells).max(row.start);
    let rep = sim.replica(row.broker, row.tp);
    for (k, off) in (first..row.leo).enumerate() {
        let cell =
            Rect::from_min_size(pos2(strip.left() + k as f32 * CELL, strip.top()), vec2(CELL - 2.0, strip.height()));
        let pc = rep.map(|r| cell_color(r, off)).unwrap_or(DIM);
        if !up {
            w.painter.rect_filled(cell, 1.0, Color32::from_gray(70));
        } else if off < row.hw {
            w.painter.rect_filled(cell, 1.0, pc);
        } else {
            w.painter.rect_stroke(cell, 1.0, Stroke::new(1.0, pc), StrokeKind::Inside);
        }
    }
    if row.start > 0 && first == row.start {
        // The log starts here: older records were removed by retention.
        w.painter.line_segment(
            [strip.left_top() - vec2(2.0, 2.0), strip.left_bottom() - vec2(2.0, -2.0)],
            Stroke::new(2.0, Color32::WHITE),
        );
    }
    let x_of = |off: u64| strip.left() + (off.clamp(first, row.leo) - first) as f32 * CELL - 1.0;
    for (_, c) in &row.committed {
        marker(w, pos2(x_of(*c), strip.bottom() + 1.0), COMMIT, true, (*c < first).then_some(*c));
    }
    for (_, p) in &row.positions {
        marker(w, pos2(x_of(*p), strip.top() - 1.0), MEMBER, false, (*p < first).then_some(*p));
    }
}

fn cell_color(rep: &crate::kafka::Partition, off: u64) -> Color32 {
    use crate::kafka::Meta;
    rep.log
        .get(off)
        .map(|e| match e.meta {
            Meta::Commit { .. } | Meta::GroupMetadata { .. } => COMMIT,
            Meta::Origin { fixed: true, .. } => ACK,
            Meta::Origin { fixed: false, .. } => ERROR,
            Meta::None if e.poison => ERROR,
            Meta::None => PALETTE[e.value.producer() as usize % PALETTE.len()],
        })
        .unwrap_or(DIM)
}

/// A small triangle with its tip at `at`, pointing `up` or down at the strip: a committed-offset (`up`, under the strip) or position marker. `older`: the offset lies
/// before the first record shown: a hollow marker at the strip's left end; a committed
/// offset's number stands beside it (under the strip there is room; over it the row's role
/// line is), so it does not read as offset 0.
fn marker(w: &mut Labels, at: Pos2, color: Color32, up: bool, older: Option<u64>) {
    let (tip, base) = if up { (at, at + vec2(0.0, 6.0)) } else { (at, at - vec2(0.0, 6.0)) };
    let pts = vec![tip, base + vec2(-4.0, 0.0), base + vec2(4.0, 0.0)];
    match older {
        Some(off) => {
            w.painter.add(Shape::convex_polygon(pts, Color32::TRANSPARENT, Stroke::new(1.0, color)));
            if !up {
                return;
            }
            let mid = (tip.y + base.y) * 0.5;
            let font = FontId::proportional(9.0);
            w.painter.text(pos2(at.x + 6.0, mid), Align2::LEFT_CENTER, format!("◀{off}"), font, color);
        }
        None => {
            w.painter.add(Shape::convex_polygon(pts, color, Stroke::NONE));
        }
    }
}

/// Network cuts (red dashes) and slow links (yellow dots), labelled where no box is. A link
/// whose whole length runs over boxes (between neighbouring brokers) is labelled in the
/// footer instead: the labels it returns, with the link's ends named.
pub fn draw_cuts(w: &mut Labels, sim: &Simulation, m: &SceneModel) -> Vec<(String, Color32)> {
    let font = FontId::proportional(12.0);
    let name = |n: crate::sim::NodeId| sim.names().node(n.0).to_string();
    let mut lines: Vec<(Pos2, Pos2, String, String, Color32, bool)> = Vec::new();
    for c in sim.cuts() {
        for &a in &c.a {
            for &b in &c.b {
                let ends = format!("{}↔{}", name(a), name(b));
                lines.push((anchor(m, a, None, None), anchor(m, b, None, None), "✂ cut".into(), ends, ERROR, true));
            }
        }
    }
    for (a, b, d) in sim.slow_links() {
        let ends = format!("{}↔{}", name(a), name(b));
        let yellow = Color32::from_rgb(230, 200, 80);
        lines.push((anchor(m, a, None, None), anchor(m, b, None, None), format!("slow +{d}"), ends, yellow, false));
    }
    let mut unplaced = Vec::new();
    for (pa, pb, text, ends, color, cut) in lines {
        let stroke = Stroke::new(if cut { 2.0 } else { 1.5 }, color);
        w.painter.extend(Shape::dashed_line(
            &[pa, pb],
            stroke,
            if cut { 8.0 } else { 3.0 },
            if cut { 6.0 } else { 5.0 },
        ));
        let at = [0.5f32, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.15, 0.85]
            .into_iter()
            .map(|t| pa + (pb - pa) * t)
            .find(|p| !m.layout.brokers.iter().any(|b| b.expand(12.0).contains(*p)));
        match at {
            Some(at) => {
                w.pill(at, Align2::CENTER_CENTER, text, &font, color, 120.0);
            }
            None => unplaced.push((format!("{text} {ends}"), color)),
        }
    }
    unplaced
}
