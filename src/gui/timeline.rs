//! The timeline under the scene: the run from 0 to its end, the part reached so far shaded,
//! a marker at now, and the notable moments as ticks (colour by kind; hovering says what,
//! clicking goes there). Click or drag anywhere on the bar to see the run at that time;
//! ⏪ undoes the latest visible event (←). Buttons become `Command`s.

use super::controls::Asked;
use super::playback::Command;
use super::rewind::TickKind;
use super::state::Loaded;
use super::timelines::Timelines;
use super::why_view::WhyView;
use crate::sim::SimTime;
use bevy_egui::egui::{self, Color32, CornerRadius, Pos2, Rect, RichText, Sense, Stroke, pos2, vec2};

/// Height of the bar.
const BAR_H: f32 = 22.0;

/// A tick's colour, by what it marks.
pub fn tick_color(k: TickKind) -> Color32 {
    match k {
        TickKind::Crash => Color32::from_rgb(255, 90, 80),
        TickKind::Election => Color32::from_rgb(255, 210, 90),
        TickKind::Isr => Color32::from_rgb(120, 200, 255),
        TickKind::Rebalance => Color32::from_rgb(190, 150, 255),
        TickKind::DeadLetter => Color32::from_rgb(255, 150, 60),
        TickKind::Loss => Color32::from_rgb(255, 60, 160),
    }
}

/// Draws the timeline in `ui`: step back, the bar (with the "why" curve when asked; the
/// flag says it was asked of the run before it changed), the time and the "Why?" menu;
/// then the answer, the timelines (when the run was forked) and the comparison.
pub fn timeline(
    ui: &mut egui::Ui,
    l: &Loaded,
    tl: &Timelines<Loaded>,
    why: Option<(&WhyView, bool)>,
    asked: &mut Asked,
) {
    let parted = tl.compare.as_ref().and_then(|c| c.parted_at);
    ui.horizontal(|ui| {
        let back = ui
            .button("⏪")
            .on_hover_text("Step back: undo the latest visible event (Left arrow key; Shift+Left: a second back)");
        if back.clicked() {
            asked.commands.push(Command::StepBack);
        }
        let label_w = 210.0;
        let w = (ui.available_width() - label_w).max(80.0);
        let (rect, r) = ui.allocate_exact_size(vec2(w, BAR_H), Sense::click_and_drag());
        bar(ui, l, rect, &r, parted, asked);
        if let Some((w, stale)) = why {
            super::why_curve::curve(ui, l, rect, &r, w, stale);
        }
        ui.label(RichText::new(format!("{} / {}", l.sim.now(), l.scenario.duration)).monospace().small());
        super::why_curve::menu(ui, l, asked);
    });
    if let Some((w, stale)) = why {
        super::why_curve::summary(ui, w, stale, asked);
    }
    if !tl.others.is_empty() {
        forks(ui, tl, asked);
    }
}

/// The timelines row: which is shown, which it is compared with, and how they differ.
fn forks(ui: &mut egui::Ui, tl: &Timelines<Loaded>, asked: &mut Asked) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Timeline");
        egui::ComboBox::from_id_salt("timeline-pick").selected_text(&tl.active).width(220.0).show_ui(ui, |ui| {
            for (name, _) in &tl.others {
                if ui.selectable_label(false, name).clicked() {
                    asked.switch_to = Some(name.clone());
                }
            }
        });
        let with = tl.compare.as_ref().map_or("nothing".to_string(), |c| c.with.clone());
        ui.label("compared with");
        egui::ComboBox::from_id_salt("timeline-compare").selected_text(with).width(220.0).show_ui(ui, |ui| {
            if ui.selectable_label(tl.compare.is_none(), "nothing").clicked() {
                asked.compare = Some(None);
            }
            for (name, _) in &tl.others {
                if ui.selectable_label(false, name).clicked() {
                    asked.compare = Some(Some(name.clone()));
                }
            }
        });
        ui.label(RichText::new("Save session saves the timeline shown").small().color(Color32::GRAY));
    });
    if let Some(c) = &tl.compare {
        let r = &c.result;
        let head = match (&r.divergence, c.parted_at) {
            (Some(d), Some(at)) => format!("A and B part at {at} (trace record #{}). At their ends, A / B:", d.index),
            _ => "A and B are the same run. At their ends, A / B:".to_string(),
        };
        // What differs first and readable; what is the same after it, quieter.
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(head).color(Color32::from_rgb(150, 220, 255)));
            for row in r.rows.iter().filter(|row| row.a != row.b) {
                let text = format!("{} {} / {}", row.name, row.a, row.b);
                ui.label(RichText::new(text).strong().color(Color32::from_rgb(255, 210, 80)));
            }
            let same: Vec<String> =
                r.rows.iter().filter(|row| row.a == row.b).map(|row| format!("{} {}", row.name, row.a)).collect();
            if !same.is_empty() {
                ui.label(RichText::new(format!("same: {}", same.join(" · "))).small().color(Color32::GRAY));
            }
        });
    }
}

fn bar(ui: &egui::Ui, l: &Loaded, rect: Rect, r: &egui::Response, parted: Option<SimTime>, asked: &mut Asked) {
    let end = l.scenario.duration.0.max(1) as f32;
    let x_of = |t: SimTime| rect.left() + rect.width() * (t.0 as f32 / end).min(1.0);
    let t_of = |x: f32| SimTime((((x - rect.left()) / rect.width()).clamp(0.0, 1.0) * end) as u64);
    let p = ui.painter_at(rect.expand(2.0));
    p.rect_filled(rect, CornerRadius::same(3), Color32::from_gray(38));
    let reached = Rect::from_min_max(rect.min, pos2(x_of(l.rewind.furthest), rect.max.y));
    p.rect_filled(reached, CornerRadius::same(3), Color32::from_gray(62));
    let ticks = &l.rewind.ticks;
    for t in ticks {
        let x = x_of(t.at);
        p.line_segment([pos2(x, rect.top() + 3.0), pos2(x, rect.bottom() - 3.0)], Stroke::new(2.0, tick_color(t.kind)));
    }
    if let Some(at) = parted {
        // Where the compared timelines part.
        let x = x_of(at);
        let c = Color32::from_rgb(150, 220, 255);
        p.line_segment([pos2(x, rect.top() - 2.0), pos2(x, rect.bottom() + 2.0)], Stroke::new(1.5, c));
        p.circle_filled(pos2(x, rect.top() + 3.0), 3.5, c);
    }
    let now = x_of(l.sim.now());
    p.line_segment([pos2(now, rect.top() - 2.0), pos2(now, rect.bottom() + 2.0)], Stroke::new(2.5, Color32::WHITE));
    let near = |pos: Pos2| {
        ticks
            .iter()
            .filter(|t| (x_of(t.at) - pos.x).abs() <= 4.0)
            .min_by(|a, b| (x_of(a.at) - pos.x).abs().total_cmp(&(x_of(b.at) - pos.x).abs()))
    };
    let hover = r.hover_pos().and_then(near).map(|t| (t.at, t.text.clone()));
    let text = match hover {
        Some((at, text)) => format!("{at}: {text}\nclick to go there"),
        None => r.hover_pos().map_or(String::new(), |pos| format!("go to {} (click or drag)", t_of(pos.x))),
    };
    if !text.is_empty() {
        r.clone().on_hover_text(text);
    }
    if r.clicked()
        && let Some(pos) = r.interact_pointer_pos()
    {
        let to = near(pos).map_or_else(|| t_of(pos.x), |t| t.at);
        asked.commands.push(Command::Seek(to));
    } else if r.dragged()
        && let Some(pos) = r.interact_pointer_pos()
    {
        let to = t_of(pos.x);
        if to != l.sim.now() {
            asked.commands.push(Command::Seek(to));
        }
    }
}
