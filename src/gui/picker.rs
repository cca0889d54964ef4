//! The scenario picker: the course's chapters in order (✓ when finished), then the
//! library grouped as the chapter teaches it (Kafka basics, failures, consumer groups,
//! RabbitMQ, Kafka vs RabbitMQ, Jepsen, unsafe), "Start here" on top, and "open file…". Nothing loaded, it fills the left panel; picking plays.

use super::controls::Asked;
use super::state::{CatalogEntry, Session};
use bevy_egui::egui::{self, Color32, RichText};
use std::path::Path;

/// The scenario a newcomer should open first.
pub const START_HERE: &str = "01-why-queues.ron";

/// The course chapter after the one at `current`, in course order (8 before 8b).
pub fn next_chapter<'a>(catalog: &'a [CatalogEntry], current: &Path) -> Option<&'a CatalogEntry> {
    let mut chapters: Vec<&CatalogEntry> = catalog.iter().filter(|e| e.ok && e.course.is_some()).collect();
    chapters.sort_by_key(|e| (e.course.as_ref().map(|c| c.0), e.path.clone()));
    let at = chapters.iter().position(|e| e.path == current)?;
    chapters.get(at + 1).copied()
}

/// The section a scenario file belongs to, from its folder and number.
pub fn section(e: &CatalogEntry) -> &'static str {
    let file = e.path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let in_dir = |d: &str| e.path.parent().and_then(|p| p.file_name()).is_some_and(|p| p == d);
    if in_dir("jepsen") {
        return "Jepsen: what breaks safety";
    }
    if in_dir("unsafe") {
        return "Unsafe on purpose: break it yourself";
    }
    if in_dir("course") {
        return "Course";
    }
    if in_dir("compare") {
        return "Two futures: compare with brokerlab diff";
    }
    let n: u32 = file.chars().take_while(|c| c.is_ascii_digit()).collect::<String>().parse().unwrap_or(0);
    match n {
        1..=3 => "Kafka basics",
        4..=9 => "Kafka failures",
        10..=19 => "Consumer groups",
        27 => "Kafka vs RabbitMQ",
        20..=29 => "RabbitMQ",
        _ => "Other",
    }
}

/// The sections in teaching order.
pub const SECTIONS: [&str; 10] = [
    "Course",
    "Kafka basics",
    "Kafka failures",
    "Consumer groups",
    "RabbitMQ",
    "Kafka vs RabbitMQ",
    "Jepsen: what breaks safety",
    "Unsafe on purpose: break it yourself",
    "Two futures: compare with brokerlab diff",
    "Other",
];

fn entry(ui: &mut egui::Ui, s: &Session, e: &CatalogEntry, asked: &mut Asked) {
    let current = s.loaded.as_ref().is_some_and(|l| l.path == e.path);
    let done = e.course.is_some() && s.finished.contains(&super::progress::key(&e.path));
    let name = if done { format!("✔ {}", e.name) } else { e.name.clone() };
    let label = if e.ok {
        RichText::new(name).strong()
    } else {
        RichText::new(&e.name).color(Color32::from_rgb(255, 110, 110))
    };
    let r = ui.selectable_label(current, label).on_hover_text(format!("{}\n{}", e.path.display(), e.about));
    // A chapter shows its goal; the library its one-line description.
    let about = match &e.course {
        Some((_, goal)) => {
            let mut c = goal.chars();
            let first = c.next().map(|f| f.to_lowercase().to_string()).unwrap_or_default();
            format!("Goal: {first}{}", c.as_str())
        }
        None => e.about.clone(),
    };
    let about = if about.chars().count() > 120 {
        format!("{}…", about.chars().take(120).collect::<String>())
    } else {
        about.clone()
    };
    let color = if e.ok { Color32::GRAY } else { Color32::from_rgb(220, 120, 120) };
    ui.add(egui::Label::new(RichText::new(about).small().color(color)).wrap());
    ui.add_space(3.0);
    if r.clicked() {
        asked.open = Some(e.path.clone());
    }
}

/// Draws the picker; `full` when nothing is loaded (then it takes the whole panel).
pub fn picker(ui: &mut egui::Ui, s: &mut Session, asked: &mut Asked) {
    let loaded = s.loaded.is_some();
    let title = format!("📚 Scenarios ({})", s.catalog.len());
    let open = if loaded { s.view.picker_open.take() } else { Some(true) };
    egui::CollapsingHeader::new(RichText::new(title).heading())
        .id_salt("picker")
        .open(open)
        .default_open(!loaded)
        .show(ui, |ui| {
            if let Some(e) = s.catalog.iter().find(|e| e.path.file_name().is_some_and(|f| f == START_HERE)) {
                let start = egui::Button::new(
                    RichText::new("▶ Start here: chapter 1").color(Color32::from_rgb(150, 220, 255)).strong(),
                );
                if ui
                    .add(start)
                    .on_hover_text("Open the course's first chapter: it pauses, explains and asks")
                    .clicked()
                {
                    asked.open = Some(e.path.clone());
                }
            }
            for sec in SECTIONS {
                let mut items: Vec<&CatalogEntry> = s.catalog.iter().filter(|e| section(e) == sec).collect();
                // Chapters in course order (8 before 8b).
                items.sort_by_key(|e| (e.course.as_ref().map(|c| c.0), e.path.clone()));
                if items.is_empty() {
                    continue;
                }
                let title = match sec {
                    "Course" => {
                        // Part B of a chapter shares its number.
                        let n: std::collections::BTreeSet<_> =
                            items.iter().filter_map(|e| e.course.as_ref()).map(|c| c.0).collect();
                        format!("🎓 Course: the chapter, step by step ({} chapters)", n.len())
                    }
                    _ => format!("{sec} ({})", items.len()),
                };
                let open =
                    !loaded || (sec == "Course" && s.loaded.as_ref().is_some_and(|l| l.scenario.course.is_some()));
                egui::CollapsingHeader::new(title).id_salt(sec).default_open(open).show(ui, |ui| {
                    for e in items {
                        entry(ui, s, e, asked);
                    }
                });
            }
            if s.catalog.is_empty() {
                ui.label("No scenarios found in the scenarios folder (brokerlab open --scenarios DIR).");
            }
            if ui.button("📂 Open file…").clicked() {
                asked.browse = true;
            }
        });
}
