//! Every word on the scene fits: at 1280×720, 1600×900 and 1920×1080 (the scene's share of
//! each window with all panels open), for every shipped scenario halfway through and at its
//! end, no two labels overlap and none leaves the scene. Drawn with egui, windowless.
#![cfg(feature = "gui")]

use bevy_egui::egui::{self, Pos2, Rect, vec2};
use brokerlab::gui::playback::{loaded_from, run_to};
use brokerlab::gui::scene;
use brokerlab::gui::scene::labels::{Placed, overlaps};
use brokerlab::gui::state::Loaded;
use brokerlab::sim::SimTime;
use std::path::PathBuf;

/// The scene's size in each window: the window less the left (controls), right (inspector),
/// top (bar) and bottom (log) panels at their default sizes; at 1280×720 also with the
/// inspector open (it starts folded there).
const SCENES: [(&str, f32, f32); 4] = [
    ("1280x720", 1030.0, 560.0),
    ("1280x720 with inspector", 750.0, 560.0),
    ("1600x900", 970.0, 700.0),
    ("1920x1080", 1290.0, 880.0),
];

fn draw(l: &mut Loaded, w: f32, h: f32) -> (Rect, Vec<Placed>) {
    let ctx = egui::Context::default();
    let input = egui::RawInput { screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(w, h))), ..Default::default() };
    let mut out = (Rect::NOTHING, Vec::new());
    for _ in 0..2 {
        let o = ctx.run_ui(input.clone(), |root| {
            egui::CentralPanel::no_frame().show(root, |ui| {
                let r = ui.max_rect();
                out = (r, scene::draw(ui, l));
            });
        });
        o.drop_without_applying_deltas();
    }
    out
}

fn scenarios() -> Vec<PathBuf> {
    brokerlab::scenario::scenario_files(&[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios")])
}

#[test]
fn labels_never_overlap_or_leave_the_scene_at_laptop_and_desktop_sizes() {
    let mut bad = Vec::new();
    for path in scenarios() {
        let mut l = loaded_from(&std::fs::read_to_string(&path).unwrap(), None).unwrap();
        let end = l.scenario.duration.0;
        for t in [end / 2, end] {
            run_to(&mut l, SimTime(t), u64::MAX);
            for (size, w, h) in SCENES {
                let (area, placed) = draw(&mut l, w, h);
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                assert!(
                    placed.len() >= 8 && placed.iter().any(|p| p.rect.width() > 40.0),
                    "{name}: the scene has words"
                );
                for (a, b) in overlaps(&placed) {
                    bad.push(format!("{name} at {} in {size}: {a} overlaps {b}", SimTime(t)));
                }
                for p in placed.iter().filter(|p| !area.expand(0.5).contains_rect(p.rect)) {
                    bad.push(format!(
                        "{name} at {} in {size}: {:?} at {:?} leaves the scene {area:?}",
                        SimTime(t),
                        p.text,
                        p.rect
                    ));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{} problems:\n{}", bad.len(), bad.iter().take(40).cloned().collect::<Vec<_>>().join("\n"));
}

#[test]
fn the_overlap_check_sees_an_overlap() {
    let at = |x: f32, y: f32| Placed { rect: Rect::from_min_size(Pos2::new(x, y), vec2(50.0, 12.0)), text: "x".into() };
    assert_eq!(overlaps(&[at(0.0, 0.0), at(60.0, 0.0), at(0.0, 13.0)]).len(), 0);
    assert_eq!(overlaps(&[at(0.0, 0.0), at(40.0, 5.0)]).len(), 1);
}
