//! The legend (`?`): every colour, shape and marker of the scene in one window, and the
//! keyboard shortcuts.

use super::colors::*;
use bevy_egui::egui::{self, Color32, Pos2, Rect, Sense, Shape, Stroke, StrokeKind, vec2};

fn disc(c: Color32) -> impl Fn(&egui::Painter, Pos2) {
    move |p, at| {
        p.circle_filled(at, 5.0, c);
    }
}

/// Records in a fetch response, as the scene draws them.
fn batch(c: Color32) -> impl Fn(&egui::Painter, Pos2) {
    move |p, at| {
        p.rect_filled(Rect::from_center_size(at, vec2(9.0, 9.0)), 1.0, c);
    }
}

/// A message RabbitMQ pushes, as the scene draws it.
fn push(c: Color32) -> impl Fn(&egui::Painter, Pos2) {
    move |p, at| {
        let pts = vec![at + vec2(6.0, 0.0), at + vec2(-4.0, 5.0), at + vec2(-4.0, -5.0)];
        p.add(Shape::convex_polygon(pts, c, Stroke::NONE));
    }
}

/// A committed-offset (`up`) or position marker, as drawn under or over a log strip;
/// `hollow` for an offset older than the records shown.
fn marker(c: Color32, up: bool, hollow: bool) -> impl Fn(&egui::Painter, Pos2) {
    let s = if up { 1.0 } else { -1.0 };
    let (fill, stroke) = if hollow { (Color32::TRANSPARENT, Stroke::new(1.0, c)) } else { (c, Stroke::NONE) };
    move |p, at| {
        let pts = vec![at + vec2(0.0, -4.0 * s), at + vec2(-4.0, 3.0 * s), at + vec2(4.0, 3.0 * s)];
        p.add(Shape::convex_polygon(pts, fill, stroke));
    }
}

fn row<R>(ui: &mut egui::Ui, icon: impl Fn(&egui::Painter, Pos2) -> R, text: &str) {
    ui.horizontal(|ui| {
        let (r, _) = ui.allocate_exact_size(vec2(26.0, 16.0), Sense::hover());
        icon(ui.painter(), r.center());
        ui.add(egui::Label::new(text).wrap());
    });
}

/// Draws the legend window when open. On a screen too short for one column (a laptop's
/// 720 or 900 px) the sections stand in two columns, so nothing hides below a scroll bar.
pub fn legend(ctx: &egui::Context, open: &mut bool) {
    let screen = ctx.content_rect();
    let two = screen.height() < 1000.0 && screen.width() >= 1100.0;
    egui::Window::new("Legend (?)")
        .open(open)
        .default_width(if two { (screen.width() - 300.0).min(900.0) } else { 360.0 })
        .anchor(egui::Align2::RIGHT_TOP, vec2(-10.0, 40.0))
        .show(ctx, |ui| {
            if two {
                ui.columns(2, |c| {
                    messages(&mut c[0]);
                    c[0].separator();
                    clients(&mut c[0]);
                    partitions(&mut c[1]);
                    c[1].separator();
                    keys(&mut c[1]);
                });
                return;
            }
            egui::ScrollArea::vertical().max_height(ui.ctx().content_rect().height() - 120.0).show(ui, |ui| {
                messages(ui);
                ui.separator();
                partitions(ui);
                ui.separator();
                clients(ui);
                ui.separator();
                keys(ui);
            });
        });
}

fn messages(ui: &mut egui::Ui) {
    ui.strong("Messages (they fly from sender to receiver)");
    row(ui, disc(PALETTE[0]), "a record being produced / published (one colour per producer)");
    row(
        ui,
        |p: &egui::Painter, at: Pos2| p.circle_stroke(at, 4.0, Stroke::new(1.5, TO_CONSUMER)),
        "a fetch request: a consumer or follower asks (Kafka pulls)",
    );
    row(ui, batch(TO_CONSUMER), "records coming back to a consumer (a pulled batch)");
    row(ui, batch(REPLICATION), "records a follower fetched (replication)");
    row(ui, push(TO_CONSUMER), "RabbitMQ pushes a message to a consumer (within its prefetch)");
    row(ui, push(REDELIVERED), "a redelivered message");
    row(ui, disc(ACK), "an acknowledgement");
    row(ui, disc(COMMIT), "an offset commit");
    row(ui, disc(CONTROL), "controller, ZooKeeper and group-protocol traffic");
    row(ui, disc(ERROR), "an error, a retry / dead-letter republish, a poison message");
    row(
        ui,
        |p: &egui::Painter, at: Pos2| {
            p.circle_filled(at, 5.0, TO_CONSUMER);
            p.text(
                at + vec2(6.0, -3.0),
                egui::Align2::LEFT_BOTTOM,
                "×12",
                egui::FontId::proportional(9.0),
                Color32::LIGHT_GRAY,
            );
        },
        "many messages on one path, counted",
    );
}

fn partitions(ui: &mut egui::Ui) {
    ui.strong("Partitions (a row per replica in each broker)");
    ui.label(egui::RichText::new("Rest the pointer on a row for its HW, LEO and ISR in words.").small());
    ui.label(egui::RichText::new("One square is one record; a row shows its newest records.").small());
    let cell = |at: Pos2| Rect::from_center_size(at, vec2(8.0, 14.0));
    row(
        ui,
        |p: &egui::Painter, at: Pos2| p.rect_filled(cell(at), 1.0, PALETTE[0]),
        "below the high watermark (HW): on every in-sync replica, readable (Kafka: committed)",
    );
    row(
        ui,
        |p: &egui::Painter, at: Pos2| p.rect_stroke(cell(at), 1.0, Stroke::new(1.0, PALETTE[0]), StrokeKind::Inside),
        "from the HW to the LEO (log end): not yet on every in-sync replica",
    );
    row(ui, marker(COMMIT, true, false), "a group's committed offset: where it resumes (under the log)");
    row(
        ui,
        marker(Color32::from_gray(235), false, false),
        "a member's position: the next record it processes (over the log)",
    );
    row(
        ui,
        marker(COMMIT, true, true),
        "hollow: an offset older than the records shown (a committed one with its number, ◀24)",
    );
    row(
        ui,
        |p: &egui::Painter, at: Pos2| {
            p.line_segment([at - vec2(0.0, 8.0), at + vec2(0.0, 8.0)], Stroke::new(2.0, Color32::WHITE))
        },
        "the log starts here: older records removed by retention",
    );
    row(
        ui,
        |p: &egui::Painter, at: Pos2| {
            let font = egui::FontId::proportional(13.0);
            p.text(at, egui::Align2::CENTER_CENTER, "♛", font, Color32::from_rgb(255, 210, 80));
        },
        "leader (with its epoch and the ISR: in-sync replicas)",
    );
    row(
        ui,
        |p: &egui::Painter, at: Pos2| {
            let red = Color32::from_rgba_unmultiplied(255, 60, 60, 90);
            p.rect_filled(Rect::from_center_size(at, vec2(22.0, 12.0)), 2.0, red)
        },
        "OFFLINE: the partition has no leader; nobody can write or read it",
    );
    row(
        ui,
        |p: &egui::Painter, at: Pos2| {
            let r = Rect::from_center_size(at, vec2(22.0, 14.0));
            p.rect_stroke(r, 3.0, Stroke::new(2.5, CONTROL), StrokeKind::Inside)
        },
        "the controller broker (purple border)",
    );
}

fn clients(ui: &mut egui::Ui) {
    ui.strong("Clients");
    row(
        ui,
        |p: &egui::Painter, at: Pos2| p.circle_filled(at, 6.0, PALETTE[1]),
        "Kafka producer (left) / consumer (right, boxed by consumer group)",
    );
    row(
        ui,
        |p: &egui::Painter, at: Pos2| p.rect_filled(Rect::from_center_size(at, vec2(12.0, 12.0)), 2.0, PALETTE[1]),
        "RabbitMQ publisher / consumer",
    );
    row(
        ui,
        |p: &egui::Painter, at: Pos2| p.circle_stroke(at, 7.0, Stroke::new(1.5, Color32::WHITE)),
        "busy processing a message",
    );
    row(ui, |p: &egui::Painter, at: Pos2| p.circle_filled(at, 6.0, DIM), "crashed, stopped or not started");
    row(
        ui,
        |p: &egui::Painter, at: Pos2| {
            let line = [at - vec2(11.0, 0.0), at + vec2(11.0, 0.0)];
            p.extend(Shape::dashed_line(&line, Stroke::new(2.0, ERROR), 4.0, 3.0))
        },
        "a network cut (messages dropped); yellow dots: a slow link",
    );
}

fn keys(ui: &mut egui::Ui) {
    ui.strong("Keys");
    egui::Grid::new("keys").show(ui, |ui| {
        for (k, what) in super::keys::HELP {
            ui.monospace(k);
            ui.label(what);
            ui.end_row();
        }
    });
}
