//! "Why?" on the timeline: a menu of the scenario's outcomes to ask about, the curve over the
//! bar (how often the outcome still happened when the run was re-played from each moment
//! with fresh random choices), the moment it became inevitable, and a line that says so.

use super::controls::Asked;
use super::state::Loaded;
use super::why_view::{POINTS, RUNS, WhyView};
use crate::sim::SimTime;
use bevy_egui::egui::{self, Color32, Rect, RichText, Shape, Stroke, pos2};

/// The curve's colour.
const CURVE: Color32 = Color32::from_rgb(120, 235, 160);

/// The "Why?" menu: one entry per expectation of the scenario.
pub fn menu(ui: &mut egui::Ui, l: &Loaded, asked: &mut Asked) {
    let hover = "When did an outcome become inevitable? The run is re-played from 20 moments, 20 times each, with fresh random choices";
    ui.menu_button("Why?", |ui| {
        ui.set_max_width(420.0);
        ui.label(RichText::new(hover).small());
        if !l.scenario.questions.is_empty() && !l.guide.finished {
            ui.label("Finish the chapter first: asking now would give its answers away.");
            return;
        }
        if l.guide.words.is_empty() {
            ui.label("This scenario states no outcome to ask about (it has no expectations).");
        }
        for (i, w) in l.guide.words.iter().enumerate() {
            if ui.button(w).clicked() {
                asked.why = Some(Some(i));
                ui.close();
            }
        }
    })
    .response
    .on_hover_text(hover);
}

/// The curve over the bar: at each branch point the fraction of re-runs in which the
/// outcome happened (bottom 0, top all), held until the next point; the moment as a line.
pub fn curve(ui: &egui::Ui, l: &Loaded, rect: Rect, r: &egui::Response, w: &WhyView, stale: bool) {
    let Some(Ok(why)) = &w.answer else { return };
    let end = l.scenario.duration.0.max(1) as f32;
    let x_of = |t: SimTime| rect.left() + rect.width() * (t.0 as f32 / end).min(1.0);
    let y_of = |f: f32| rect.bottom() - 2.0 - f * (rect.height() - 4.0);
    let color = if stale { CURVE.gamma_multiply(0.35) } else { CURVE };
    let mut line = Vec::new();
    for (i, p) in why.points.iter().enumerate() {
        let f = p.happened as f32 / p.runs.max(1) as f32;
        let next = why.points.get(i + 1).map_or(why.end, |n| n.at);
        line.push(pos2(x_of(p.at), y_of(f)));
        line.push(pos2(x_of(next), y_of(f)));
    }
    let p = ui.painter_at(rect.expand(2.0));
    p.add(Shape::line(line, Stroke::new(1.8, color)));
    if let Some(t) = why.inevitable_from {
        let x = x_of(t);
        p.add(Shape::dashed_line(
            &[pos2(x, rect.top() - 2.0), pos2(x, rect.bottom() + 2.0)],
            Stroke::new(1.5, color),
            3.0,
            2.0,
        ));
    }
    let hovered = r.hover_pos().and_then(|pos| why.points.iter().rev().find(|p| x_of(p.at) <= pos.x));
    if let Some(pt) = hovered {
        r.clone().on_hover_text(format!(
            "re-played from {} with fresh random choices: \"{}\" happened in {} of {} runs",
            pt.at, w.outcome, pt.happened, pt.runs
        ));
    }
}

/// The line under the bar: what was asked and the answer (or the progress).
pub fn summary(ui: &mut egui::Ui, w: &WhyView, stale: bool, asked: &mut Asked) {
    ui.horizontal_wrapped(|ui| {
        if ui.small_button("✖").on_hover_text("Forget this answer").clicked() {
            asked.why = Some(None);
        }
        let text = match &w.answer {
            None => {
                ui.spinner();
                let (done, all) = w.progress();
                format!("Why \"{}\": re-playing with fresh random choices, {done} of {all} runs…", w.outcome)
            }
            Some(Err(e)) => format!("Why \"{}\": {e}", w.outcome),
            Some(Ok(why)) => answer(w, why),
        };
        let text = if stale { format!("{text} (asked before the run changed: ask again)") } else { text };
        ui.add(egui::Label::new(RichText::new(text).small().color(CURVE)).wrap());
    });
}

/// The answer in words.
fn answer(w: &WhyView, why: &crate::runner::why::Why) -> String {
    let before = why.context_from.and_then(|t| why.points.iter().find(|p| p.at == t));
    match (why.inevitable_from, before) {
        (None, _) => format!(
            "\"{}\" was never inevitable: even from {} some of {RUNS} re-runs avoided it (the green curve: how often it still happened)",
            w.outcome,
            why.points.last().map_or(SimTime::ZERO, |p| p.at)
        ),
        (Some(_), None) => format!(
            "\"{}\" was inevitable from the start: in all {RUNS} re-runs from each of {POINTS} moments it happened; the settings and the scheduled faults decide it, not chance",
            w.outcome
        ),
        (Some(t), Some(b)) => format!(
            "\"{}\" became inevitable between {} and {t} (dashed line): re-played from {t} on it happened every time, from {} only {} of {} times",
            w.outcome, b.at, b.at, b.happened, b.runs
        ),
    }
}
