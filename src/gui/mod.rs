//! The desktop app (bevy + bevy_egui): a thin layer that paces the engine and draws its
//! state and trace. Plugins: `PlaybackPlugin` (pacing), `UiPlugin` (the window's panels and
//! scene), `ScreenshotPlugin` (headless pictures for CI and docs).

pub mod charts;
pub mod controls;
pub mod event_log;
pub mod frame_bench;
pub mod inspector;
pub mod layout;
pub mod playback;
pub mod rabbit_scene;
pub mod scene;
pub mod screenshot;
pub mod state;
pub mod ui;

use crate::cli::OpenArgs;
use crate::sim::{Dur, SimTime};
use bevy::prelude::*;
use bevy::window::WindowResolution;
use bevy_egui::EguiPlugin;
use state::Session;
use std::process::ExitCode;

/// Opens the app (blocks until the window closes).
pub fn open(args: OpenArgs) -> ExitCode {
    let mut session = Session::default();
    session.scan(&args.scenarios);
    let after = match Dur::parse(&args.after) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: --after: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(f) = &args.file {
        session.open(f, args.seed);
        if let Some(e) = &session.load_error {
            eprintln!("error: {e}");
        }
    }
    if args.screenshot.is_some()
        && let Some(l) = session.loaded.as_mut()
    {
        playback::run_to(l, SimTime(after.0), u64::MAX);
    } else if let Some(l) = session.loaded.as_mut() {
        l.playing = true;
    }
    let mut app = App::new();
    let window =
        Window { title: "brokerlab".into(), resolution: WindowResolution::from((1600u32, 900u32)), ..default() };
    app.add_plugins(DefaultPlugins.set(WindowPlugin { primary_window: Some(window), ..default() }))
        .add_plugins(EguiPlugin::default())
        .insert_resource(ClearColor(Color::srgb(0.09, 0.1, 0.12)))
        .insert_resource(session)
        .add_plugins((playback::PlaybackPlugin, ui::UiPlugin));
    if let Some(p) = args.screenshot {
        app.add_plugins(screenshot::ScreenshotPlugin(p));
    }
    match app.run() {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(code) => ExitCode::from(code.get()),
    }
}
