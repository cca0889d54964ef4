//! Opening the app: the session it starts with (from `OpenArgs`) and the bevy app with its
//! plugins. Blocks until the window closes.

use super::options::OpenArgs;
use super::state::Session;
use super::{playback, screenshot, ui, window};
use crate::sim::{Dur, SimTime};
use bevy::prelude::*;
use bevy::window::WindowResolution;
use bevy_egui::EguiPlugin;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The session `open` starts with: the picker's catalogue, and the scenario (playing, or
/// run to the screenshot time). A file that does not load, or a bad `--after`, is an error
/// to print with exit code 2, window or not.
pub fn prepare(args: &OpenArgs) -> Result<Session, String> {
    let after = Dur::parse(&args.after).map_err(|e| format!("--after: {e}"))?;
    let mut session = Session::default();
    session.scan(&scenarios_dir(&args.scenarios));
    if let Some(f) = &args.file {
        session.open(f, args.seed);
        if let Some(e) = session.load_error.take() {
            return Err(e);
        }
    }
    if let Some(l) = session.loaded.as_mut() {
        session.view.picker_open = Some(false);
        if args.screenshot.is_some() {
            playback::play_through(l, SimTime(after.0), args.answer.map(|n| n as usize - 1));
        } else {
            l.playing = true;
        }
        if let Some(id) = &args.lifeline {
            crate::runner::lifeline::Follow::new(&l.scenario, l.sim.seed, id)
                .map_err(|e| format!("--lifeline: {e}"))?;
            let run = l.lifeline_run(&session.timelines.active);
            let mut v = super::lifeline_view::LifelineView::new(id.clone(), &run);
            if args.screenshot.is_some() {
                v.wait(&run);
            }
            session.lifeline = Some(v);
        }
        if let Some(n) = args.why {
            let mut w = super::ui::ask_why(l, &session.timelines.active, n as usize - 1)
                .ok_or_else(|| format!("--why {n}: the scenario has {} expectations", l.scenario.expect.len()))?;
            if args.screenshot.is_some() {
                w.wait();
            }
            session.why = Some(w);
        }
    }
    Ok(session)
}

/// The picker's folder: as asked; for the default "scenarios" outside the project folder,
/// the one shipped beside the sources, so `cargo run` from anywhere shows a full picker.
fn scenarios_dir(asked: &Path) -> PathBuf {
    if asked.is_dir() || asked != Path::new("scenarios") {
        return asked.to_path_buf();
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// Opens the app (blocks until the window closes).
pub fn open(args: OpenArgs) -> ExitCode {
    let session = match prepare(&args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let (w, h) = args.window.unwrap_or((1600, 900));
    let mut app = App::new();
    let window = Window { title: "brokerlab".into(), resolution: WindowResolution::from((w, h)), ..default() };
    app.add_plugins(DefaultPlugins.set(bevy::window::WindowPlugin { primary_window: Some(window), ..default() }))
        .add_plugins(EguiPlugin::default())
        .insert_resource(ClearColor(Color::srgb(0.09, 0.1, 0.12)))
        .insert_resource(session)
        .add_plugins((playback::PlaybackPlugin, ui::UiPlugin))
        .add_plugins(window::FitPlugin { fit_to_screen: args.window.is_none(), shooting: args.screenshot.is_some() });
    if let Some(p) = args.screenshot {
        app.add_plugins(screenshot::ScreenshotPlugin(p));
    }
    match app.run() {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(code) => ExitCode::from(code.get()),
    }
}
