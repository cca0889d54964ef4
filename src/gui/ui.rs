//! The UI pass: one ordered egui frame — left controls, right inspector and charts, bottom
//! event log, the scene in the middle — then the commands it produced are applied.

use super::controls::{self, Asked};
use super::inspector;
use super::playback::command;
use super::scene;
use super::state::Session;
use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, RichText};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};
use egui_file_dialog::FileDialog;

/// The file dialog ("open file…"), pure egui.
#[derive(Resource)]
pub struct Dialog(pub FileDialog);

/// Draws the whole window each frame.
pub struct UiPlugin;

impl Plugin for UiPlugin {
    fn build(&self, app: &mut App) {
        let dialog = FileDialog::new()
            .add_file_filter_extensions("Scenarios (*.ron)", vec!["ron"])
            .default_file_filter("Scenarios (*.ron)");
        app.insert_resource(Dialog(dialog))
            .add_systems(Startup, setup_camera)
            .add_systems(EguiPrimaryContextPass, draw_ui);
    }
}

fn setup_camera(mut commands: Commands) {
    commands.spawn(Camera2d);
}

fn draw_ui(mut contexts: EguiContexts, mut session: ResMut<Session>, mut dialog: ResMut<Dialog>) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = egui::Ui::new(
        ctx.clone(),
        "root".into(),
        egui::UiBuilder::new().layer_id(egui::LayerId::background()).max_rect(ctx.viewport_rect()),
    );
    let mut asked = Asked::default();
    let s = &mut *session;
    egui::Panel::left("controls").default_size(270.0).resizable(true).show(&mut root, |ui| {
        egui::ScrollArea::vertical().id_salt("left").show(ui, |ui| {
            controls::picker(ui, s, &mut asked);
            if let Some(l) = s.loaded.as_mut() {
                controls::playback(ui, l, &mut asked);
                controls::inject(ui, l, &mut asked);
            }
            if let Some(st) = &s.status {
                ui.label(RichText::new(st).small().color(Color32::from_rgb(150, 220, 255)));
            }
        });
    });
    if let Some(l) = s.loaded.as_mut() {
        egui::Panel::right("inspector").default_size(330.0).resizable(true).show(&mut root, |ui| {
            egui::ScrollArea::vertical().id_salt("right").show(ui, |ui| {
                inspector::inspector(ui, l);
                ui.separator();
                super::charts::charts(ui, l);
                ui.separator();
                inspector::narration(ui, l);
            });
        });
        egui::Panel::bottom("log")
            .default_size(170.0)
            .resizable(true)
            .show(&mut root, |ui| super::event_log::event_log(ui, l));
    }
    egui::CentralPanel::no_frame().show(&mut root, |ui| match (s.loaded.as_mut(), &s.load_error) {
        (_, Some(err)) => {
            ui.add_space(20.0);
            ui.label(RichText::new("This scenario did not load:").heading().color(Color32::from_rgb(255, 120, 120)));
            ui.label(RichText::new(err).monospace());
            if s.loaded.is_some() {
                ui.label("The previous scenario is still loaded; pick it again to see it.");
            }
        }
        (Some(l), None) => scene::draw(ui, l),
        (None, None) => {
            ui.add_space(40.0);
            ui.heading("brokerlab");
            ui.label("Pick a scenario on the left, or open a file. Then press ▶.");
        }
    });
    dialog.0.update(ctx);
    if let Some(p) = dialog.0.take_picked() {
        asked.open = Some(p);
    }
    if asked.browse {
        dialog.0.pick_file();
    }
    if let Some(p) = asked.open {
        s.open(&p, None);
    }
    if let Some(l) = s.loaded.as_mut() {
        for c in asked.commands {
            if let Some(msg) = command(l, c) {
                s.status = Some(msg);
            }
        }
    }
    Ok(())
}
