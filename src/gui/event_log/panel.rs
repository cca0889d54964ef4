//! The log panel ("What just happened"): the notable lines of the whole run; with "data
//! path too" every recent record; after Step, every record since stepping began.

use super::lines::{LogLine, line_of, push_folded};
use crate::gui::state::{Loaded, SCAN_PER_FRAME};
use crate::trace::RecordKind;
use crate::trace::text::describe;
use crate::world::Simulation;
use bevy_egui::egui::{self, Color32, RichText};
use std::collections::{BTreeMap, VecDeque};

/// Every recent record from trace position `from` on (data path too), folded.
fn all_lines(sim: &Simulation, from: u64) -> VecDeque<LogLine> {
    let recent = sim.trace.recent();
    let names = sim.names();
    let mut isr = BTreeMap::new();
    let mut lines = VecDeque::new();
    for r in recent.range(recent.len().saturating_sub(SCAN_PER_FRAME)..).filter(|r| r.seq >= from) {
        let shrank = match &r.kind {
            RecordKind::Isr { tp, isr: now, .. } => isr.insert(*tp, now.len()).is_some_and(|b| now.len() < b),
            _ => false,
        };
        push_folded(&mut lines, line_of(r, describe(r, names), shrank), 400);
    }
    lines
}

/// The lines the panel shows, oldest first, at most `max` matching `filter`: the notable
/// ones; with "data path too" every recent record; after Step, every record since
/// stepping began (so the log says what each step did).
pub fn view(l: &Loaded, filter: &str, max: usize) -> Vec<LogLine> {
    let filter = filter.to_lowercase();
    let keep = |x: &&LogLine| filter.is_empty() || x.text.to_lowercase().contains(&filter);
    let (old, new) = if l.show_data_path {
        (VecDeque::new(), all_lines(&l.sim, 0))
    } else if l.stepped_from != u64::MAX {
        let old = l.log.lines().iter().filter(|x| x.seq < l.stepped_from).cloned().collect();
        (old, all_lines(&l.sim, l.stepped_from))
    } else {
        (VecDeque::new(), VecDeque::new())
    };
    let notable = if l.show_data_path || l.stepped_from != u64::MAX { &old } else { l.log.lines() };
    let mut out: Vec<LogLine> = new.iter().rev().chain(notable.iter().rev()).filter(keep).take(max).cloned().collect();
    out.reverse();
    out
}

/// The log panel: filter, "data path too", then the lines, newest at the bottom.
pub fn event_log(ui: &mut egui::Ui, l: &mut Loaded) {
    l.log.feed(&l.sim);
    ui.horizontal(|ui| {
        ui.heading("What just happened");
        ui.add(egui::TextEdit::singleline(&mut l.log_filter).hint_text("filter…").desired_width(160.0));
        ui.checkbox(&mut l.show_data_path, "data path too");
    });
    let shown = view(l, &l.log_filter, 500);
    egui::ScrollArea::vertical().id_salt("events").stick_to_bottom(true).auto_shrink([false, false]).show(ui, |ui| {
        if shown.is_empty() {
            ui.label(RichText::new("Nothing notable yet.").italics().color(Color32::GRAY));
        }
        for x in &shown {
            ui.label(RichText::new(x.shown()).monospace().color(x.severity.color()));
        }
    });
}
