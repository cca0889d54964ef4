//! Focus rings: the latest beat of the story may name what it talks about (a node, a
//! partition row, a queue, a group); each gets a ring while the beat shows, so a learner
//! knows where to look.

use super::labels::Labels;
use super::layout::{replica_row, rows_that_fit};
use super::model::{SceneModel, Slot};
use crate::world::Simulation;
use bevy_egui::egui::{Color32, Rect, Stroke, StrokeKind, vec2};

/// The ring's colour.
pub const RING: Color32 = Color32::from_rgb(255, 225, 90);

/// Where each focused name of the latest beat is drawn.
pub fn rings(sim: &Simulation, m: &SceneModel) -> Vec<Rect> {
    let Some(&(beat, _)) = sim.story().fired().last() else { return Vec::new() };
    let mut out = Vec::new();
    for name in &sim.scenario.narration[beat].focus {
        out.extend(place(sim, m, name));
    }
    out
}

fn place(sim: &Simulation, m: &SceneModel, name: &str) -> Vec<Rect> {
    let l = &m.layout;
    if let Some(q) = name.strip_prefix("queue:") {
        let Some((id, r)) = sim.rabbit() else { return Vec::new() };
        let Some(Slot::Rabbit(i)) = m.slots.get(id.0 as usize).copied() else { return Vec::new() };
        let row = r.cfg.queues.iter().position(|c| c.name == q).map(|k| k + r.cfg.exchanges.len());
        return row
            .filter(|&k| k < rows_that_fit(l.brokers[i]))
            .map(|k| super::rabbit::row_rect(l.brokers[i], k))
            .into_iter()
            .collect();
    }
    if let Some(g) = name.strip_prefix("group:") {
        return m.groups.iter().zip(&l.group_boxes).filter(|(v, _)| v.name == g).map(|(_, r)| *r).collect();
    }
    if let Some(id) = sim.node_by_name(name) {
        let r = l.client_radius + 5.0;
        return match m.slots.get(id.0 as usize).copied() {
            Some(Slot::ZooKeeper) => l.zookeeper.into_iter().collect(),
            Some(Slot::Broker(i) | Slot::Rabbit(i)) => vec![l.brokers[i]],
            Some(Slot::Producer(k)) => {
                l.producers.get(k).map(|c| Rect::from_center_size(*c, vec2(2.0 * r, 2.0 * r))).into_iter().collect()
            }
            Some(Slot::Consumer(k)) => {
                l.consumers.get(k).map(|c| Rect::from_center_size(*c, vec2(2.0 * r, 2.0 * r))).into_iter().collect()
            }
            None => Vec::new(),
        };
    }
    // A partition: every replica row of it that is on screen.
    let names = sim.names();
    let mut out = Vec::new();
    for (i, rows) in m.rows.iter().enumerate() {
        let fit = rows_that_fit(l.brokers[i]);
        for (k, row) in rows.iter().enumerate().take(fit) {
            if names.tp(row.tp) == name {
                out.push(replica_row(l.brokers[i], k));
            }
        }
    }
    out
}

/// Rings each focused thing of the latest beat.
pub fn draw(w: &mut Labels, sim: &Simulation, m: &SceneModel) {
    let client = 2.0 * m.layout.client_radius + 14.5;
    for r in rings(sim, m) {
        if r.width() < client && r.height() < client {
            // A client's mark: a circle around it, clear of its words.
            w.painter.circle_stroke(r.center(), r.width() / 2.0, Stroke::new(2.5, RING));
        } else {
            w.painter.rect_stroke(r.expand(3.0), 6.0, Stroke::new(2.5, RING), StrokeKind::Outside);
        }
    }
}
