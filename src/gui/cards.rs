//! The cards over the scene: the caption card (the latest beat of the story, wrapped in
//! full, "beat 3/7", Continue on a pause beat, Back) and the question card (the choices as
//! buttons; after the reveal ✓ or ✗ on each with what the run showed, then why). Buttons
//! become `Command`s; nothing here changes the simulation.

use super::controls::Asked;
use super::guide::Stop;
use super::playback::Command;
use super::state::{CatalogEntry, Loaded};
use bevy_egui::egui::{self, Color32, RichText};

const CARD: Color32 = Color32::from_rgb(40, 52, 78);
const OFF_SCRIPT: Color32 = Color32::from_rgb(62, 48, 40);
const RIGHT: Color32 = Color32::from_rgb(120, 220, 130);
const WRONG: Color32 = Color32::from_rgb(240, 120, 110);

/// Draws the caption card, then the question card when one is open, or at the end of a
/// chapter what it proved and the way to the next (`next`); at the top of `ui`.
pub fn cards(ui: &mut egui::Ui, l: &Loaded, next: Option<&CatalogEntry>, asked: &mut Asked) {
    caption(ui, l, asked);
    if let Some(q) = open_question(l) {
        question(ui, l, q, asked);
    } else if l.guide.finished
        && let Some(c) = &l.scenario.course
    {
        finished(ui, l, c.chapter, next, asked);
    }
}

/// The end of a chapter: how the checks and the learner's answers went, and Next chapter.
fn finished(ui: &mut egui::Ui, l: &Loaded, chapter: u32, next: Option<&CatalogEntry>, asked: &mut Asked) {
    let held = l.guide.outcomes.iter().flatten().filter(|o| o.passed).count();
    let checks = l.guide.outcomes.len();
    let right = l
        .guide
        .questions
        .iter()
        .filter(|a| a.answer.zip(a.verdicts.as_ref()).is_some_and(|(k, v)| v.get(k).is_some_and(|v| v.holds)))
        .count();
    let answered = l.guide.questions.iter().filter(|a| a.answer.is_some()).count();
    frame(Color32::from_rgb(36, 64, 48)).show(ui, |ui| {
        ui.set_width(ui.available_width());
        let mut text =
            format!("Chapter {chapter} finished. The run proved {held} of its {checks} claims (see Outcome)");
        if answered > 0 {
            text.push_str(&format!("; you predicted {right} of {answered} right"));
        }
        text.push('.');
        ui.add(egui::Label::new(RichText::new(text).size(14.0).color(Color32::WHITE)).wrap());
        ui.horizontal_wrapped(|ui| {
            match next {
                Some(n) => {
                    let go = ui.button(RichText::new(format!("Next: {} ▶", n.name)).strong());
                    if go.on_hover_text(n.course.as_ref().map_or(&n.about, |c| &c.1).as_str()).clicked() {
                        asked.open = Some(n.path.clone());
                    }
                }
                None => {
                    ui.label("That was the last chapter: the library in the picker has more to break.");
                }
            }
            ui.label(
                RichText::new("or change the seed and Restart: does every prediction still hold?")
                    .small()
                    .color(Color32::from_gray(190)),
            );
        });
    });
    ui.add_space(4.0);
}

fn frame(fill: Color32) -> egui::Frame {
    egui::Frame::new().fill(fill).corner_radius(6.0).inner_margin(egui::Margin::symmetric(10, 6))
}

/// The caption card: the latest beat as this run told it.
fn caption(ui: &mut egui::Ui, l: &Loaded, asked: &mut Asked) {
    let fired = l.sim.story().fired();
    let total = l.scenario.narration.len();
    let fill = if l.off_script.is_some() { OFF_SCRIPT } else { CARD };
    // The card keeps the tallest height it had in this run, so the scene and the timeline
    // bar below it do not jump (under the pointer) each time a caption is shorter.
    let tallest = ui.id().with(("caption height", &l.path));
    let min_h = ui.data(|d| d.get_temp::<f32>(tallest)).unwrap_or(0.0);
    frame(fill).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.set_min_height(min_h);
        let (text, stale, note) = super::scene::banner::caption(l);
        match (fired.last(), text) {
            (Some(&(i, t)), Some(text)) => {
                ui.horizontal_wrapped(|ui| {
                    let head = format!("beat {}/{total} · told at {t}", fired.len());
                    ui.label(RichText::new(head).small().color(Color32::from_gray(170)));
                    if l.guide.stop == Some(Stop::Beat(i)) {
                        ui.label(
                            RichText::new("paused: read, then Continue")
                                .small()
                                .color(Color32::from_rgb(255, 210, 120)),
                        );
                    }
                });
                let color = if stale { Color32::from_gray(170) } else { Color32::WHITE };
                ui.add(egui::Label::new(RichText::new(text).size(15.0).color(color)).wrap());
            }
            _ => {
                let about = format!("{} — {}", l.scenario.name, l.scenario.about);
                ui.add(egui::Label::new(RichText::new(about).size(14.0).color(Color32::from_gray(210))).wrap());
            }
        }
        if let Some(n) = note {
            ui.add(egui::Label::new(RichText::new(n).size(13.0).color(Color32::from_rgb(255, 190, 110))).wrap());
        }
        ui.horizontal(|ui| {
            let back = ui.add_enabled(fired.len() >= 2, egui::Button::new("◀ Back"));
            if back.on_hover_text("Start over and replay to the previous beat (B)").clicked() {
                asked.commands.push(Command::Back);
            }
            if matches!(l.guide.stop, Some(Stop::Beat(_) | Stop::Reveal(_)))
                && ui.button(RichText::new("Continue ▶").strong()).on_hover_text("Space").clicked()
            {
                asked.commands.push(Command::Continue);
            }
        });
        let h = ui.min_rect().height();
        if h > min_h {
            ui.data_mut(|d| d.insert_temp(tallest, h));
        }
    });
    ui.add_space(4.0);
}

/// The question to show: the one waiting for an answer, answered and waiting for its reveal,
/// or revealed at the stop.
fn open_question(l: &Loaded) -> Option<usize> {
    match l.guide.stop {
        Some(Stop::Question(q) | Stop::Reveal(q)) => Some(q),
        Some(Stop::Beat(_)) | None => {
            l.guide.questions.iter().position(|a| a.asked && a.answer.is_some() && a.verdicts.is_none())
        }
    }
}

fn question(ui: &mut egui::Ui, l: &Loaded, q: usize, asked: &mut Asked) {
    let spec = &l.scenario.questions[q];
    let state = &l.guide.questions[q];
    frame(Color32::from_rgb(52, 44, 70)).show(ui, |ui| {
        ui.set_width(ui.available_width());
        let head = format!(
            "Predict · question {}/{} · at {}",
            q + 1,
            l.scenario.questions.len(),
            crate::sim::SimTime(spec.at.0)
        );
        ui.label(RichText::new(head).small().color(Color32::from_gray(180)));
        ui.add(egui::Label::new(RichText::new(&spec.ask).size(15.0).strong()).wrap());
        match (&state.verdicts, state.answer) {
            (None, None) => {
                ui.horizontal_wrapped(|ui| {
                    for (k, c) in spec.choices.iter().enumerate() {
                        if ui.button(format!("{}. {}", k + 1, c.text)).on_hover_text(format!("key {}", k + 1)).clicked()
                        {
                            asked.commands.push(Command::Answer(k));
                        }
                    }
                    if ui.small_button("skip").clicked() {
                        asked.commands.push(Command::SkipQuestion);
                    }
                });
            }
            (None, Some(k)) => {
                let wait =
                    format!("You chose \"{}\". The run goes on to {} to see.", spec.choices[k].text, spec.reveal);
                ui.label(RichText::new(wait).italics());
            }
            (Some(v), answer) => {
                for (k, (c, v)) in spec.choices.iter().zip(v).enumerate() {
                    let (mark, color) = if v.holds { ("✔", RIGHT) } else { ("✖", WRONG) };
                    let yours = if answer == Some(k) { "   ⬅ your answer" } else { "" };
                    let line = format!("{mark} {}{yours}", c.text);
                    ui.add(egui::Label::new(RichText::new(line).color(color).strong()).wrap());
                    let seen = format!("    observed: {}", v.observed);
                    ui.add(egui::Label::new(RichText::new(seen).small().color(Color32::from_gray(190))).wrap());
                }
                if !spec.explain.is_empty() {
                    ui.add(egui::Label::new(RichText::new(&spec.explain).color(Color32::from_gray(230))).wrap());
                }
            }
        }
    });
    ui.add_space(4.0);
}

/// The Outcome panel: each expectation pending, ✓ or ✗ as the run reaches it.
pub fn outcomes(ui: &mut egui::Ui, l: &Loaded) {
    if l.scenario.expect.is_empty() {
        return;
    }
    egui::CollapsingHeader::new(RichText::new("Outcome").heading()).id_salt("outcome").default_open(true).show(
        ui,
        |ui| {
            for (k, (e, o)) in l.scenario.expect.iter().zip(&l.guide.outcomes).enumerate() {
                match o {
                    Some(o) => {
                        let (mark, color) = if o.passed { ("✔", RIGHT) } else { ("✖", WRONG) };
                        let text = format!("{mark} {} (observed {})", o.what, o.observed);
                        ui.add(egui::Label::new(RichText::new(text).small().color(color)).wrap());
                    }
                    None => {
                        let when = e.at().map_or("at the end".to_string(), |at| format!("at {at}"));
                        // A chapter that asks for predictions does not print its claims early.
                        let what = if l.scenario.questions.is_empty() {
                            l.guide.words.get(k).cloned().unwrap_or_default()
                        } else {
                            format!("claim {}", k + 1)
                        };
                        let text = format!("… {what} — judged {when}");
                        ui.add(egui::Label::new(RichText::new(text).small().color(Color32::from_gray(160))).wrap());
                    }
                }
            }
        },
    );
}
