//! Painting the scene in the space the panels and cards leave: the Kafka
//! side, the clients, network cuts, messages and the footer; a click selects what it hits
//! (a client, a message, ZooKeeper, a replica row, a broker) for the inspector.

use super::labels::{Labels, Placed};
use super::layout::{replica_row, rows_that_fit};
use super::model::{SceneModel, Slot, model};
use super::{clients, explain, focus, kafka};
use crate::gui::state::{Loaded, Selection};
use crate::trace::BrokerId;
use bevy_egui::egui::{self, Color32, Pos2, Rect, Sense, vec2};

/// Paints the scene in the space left and handles clicks; returns the labels placed.
pub fn draw(ui: &mut egui::Ui, l: &mut Loaded) -> Vec<Placed> {
    let (resp, painter) = ui.allocate_painter(ui.available_size(), Sense::click());
    let full = resp.rect;
    painter.rect_filled(full, 0.0, Color32::from_rgb(22, 24, 30));
    let mut words = Labels::new(&painter);
    // The caption card above the scene tells the story; the scene starts at the top.
    let area = Rect::from_min_max(full.min + vec2(0.0, 8.0), full.max - vec2(0.0, 18.0));
    let m = model(&l.sim, area, &l.flights);
    let lost = l.acked_lost();
    kafka::draw(&mut words, &l.sim, &m, l.selection);
    clients::draw(&mut words, &l.sim, &m, l.selection);
    let links = kafka::draw_cuts(&mut words, &l.sim, &m);
    clients::draw_dots(&mut words, &m, l.selection);
    let on_screen = m.dots.iter().map(|d| d.count).sum();
    clients::draw_footer(&mut words, &l.sim, full, on_screen, lost, links);
    focus::draw(&mut words, &l.sim, &m);
    if resp.clicked()
        && let Some(p) = resp.interact_pointer_pos()
    {
        l.selection = pick(&m, p);
    }
    // Words for a row or a group box; not over a message or a client, which a click selects.
    let explained = |p: Pos2| !matches!(pick(&m, p), Selection::Message(_) | Selection::Client(_));
    let hover = resp.hover_pos().filter(|_| pointer_moved(ui));
    if let Some(text) = hover.filter(|&p| explained(p)).and_then(|p| explain::at(&m, p)) {
        resp.on_hover_text_at_pointer(text);
    }
    words.placed
}

/// Whether the pointer has moved since the app opened: one resting where the window
/// appeared (a screenshot under Xvfb) asks nothing, so no words cover the scene.
fn pointer_moved(ui: &egui::Ui) -> bool {
    let moved = ui.input(|i| i.pointer.delta() != egui::Vec2::ZERO);
    ui.ctx().data_mut(|d| {
        let seen = d.get_temp_mut_or(egui::Id::new("scene-pointer-moved"), false);
        *seen |= moved;
        *seen
    })
}

/// The client whose mark (left or right column) `hit` accepts, if any.
fn client_at(m: &SceneModel, hit: impl Fn(&Pos2) -> bool) -> Option<Selection> {
    let node = |want: Slot| m.slots.iter().position(|s| *s == want).map(|i| Selection::Client(i as u32));
    if let Some(i) = m.layout.producers.iter().position(&hit) {
        return Some(node(Slot::Producer(i)).unwrap_or(Selection::None));
    }
    m.layout.consumers.iter().position(&hit).map(|i| node(Slot::Consumer(i)).unwrap_or(Selection::None))
}

fn pick(m: &SceneModel, p: Pos2) -> Selection {
    // A click on a client's mark selects the client, even with a message flying over it.
    if let Some(s) = client_at(m, |c| c.distance(p) <= m.layout.client_radius + 2.0) {
        return s;
    }
    // The nearest message within a generous reach (dots are small and move); on a tie the
    // one drawn on top.
    let near = m.dots.iter().rev().filter(|d| d.look.msg.is_some() && d.pos.distance(p) <= d.look.radius + 10.0);
    if let Some(d) = near.min_by(|a, b| a.pos.distance(p).total_cmp(&b.pos.distance(p))) {
        return Selection::Message(d.look.msg.expect("filtered"));
    }
    if m.layout.zookeeper.is_some_and(|z| z.contains(p)) {
        return Selection::ZooKeeper;
    }
    for (i, b) in m.layout.brokers.iter().enumerate() {
        if !b.contains(p) {
            continue;
        }
        if let Some(n) = m.slots.iter().position(|s| *s == Slot::Rabbit(i)) {
            return Selection::Client(n as u32);
        }
        let id = BrokerId(i as u32 + 1);
        for (r, row) in m.rows[i].iter().enumerate().take(rows_that_fit(*b)) {
            if replica_row(*b, r).contains(p) {
                return Selection::Replica(id, row.tp);
            }
        }
        return Selection::Broker(id);
    }
    // Then anywhere on a client's card (its words too).
    let r = m.layout.client_radius + 4.0;
    client_at(m, |c| {
        let (at, w) = m.layout.card_text(*c);
        Rect::from_min_max(*c - vec2(r, r), at + vec2(w, 30.0)).contains(p)
    })
    .unwrap_or(Selection::None)
}
