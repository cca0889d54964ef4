//! The window: shrink it to fit a smaller screen (a 1280×720 laptop gets the whole screen,
//! not a window cut at its edges), and redraw only when something moves. Playing, or with
//! messages still flying on screen, the app runs every frame; paused or finished it waits
//! for input (winit reactive mode), so an idle app costs next to no CPU.

use super::state::Session;
use bevy::prelude::*;
use bevy::window::{Monitor, PrimaryMonitor, PrimaryWindow, WindowPosition};
use bevy::winit::{UpdateMode, WinitSettings};
use std::time::Duration;

/// Fits the window and chooses the update mode.
pub struct FitPlugin {
    /// Shrink the window to the primary monitor when it is larger.
    pub fit_to_screen: bool,
    /// A screenshot run: always continuous (the picture must come).
    pub shooting: bool,
}

#[derive(Resource)]
struct Fit {
    pending: bool,
    shooting: bool,
}

impl Plugin for FitPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(Fit { pending: self.fit_to_screen, shooting: self.shooting })
            .insert_resource(WinitSettings::game())
            .add_systems(Update, (fit_window, update_mode))
            .add_systems(
                PreUpdate,
                quiet_modifiers
                    .after(bevy_egui::EguiPreUpdateSet::ProcessInput)
                    .before(bevy_egui::EguiPreUpdateSet::BeginPass),
            );
    }
}

fn fit_window(
    mut fit: ResMut<Fit>,
    mut session: ResMut<Session>,
    monitors: Query<&Monitor, With<PrimaryMonitor>>,
    mut windows: Query<&mut Window, With<PrimaryWindow>>,
) {
    if !fit.pending {
        return;
    }
    let (Ok(m), Ok(mut w)) = (monitors.single(), windows.single_mut()) else { return };
    fit.pending = false;
    let (mw, mh) = (m.physical_width, m.physical_height);
    let (ww, wh) = (w.resolution.physical_width(), w.resolution.physical_height());
    if mw > 0 && mh > 0 && (ww > mw || wh > mh) {
        w.resolution.set_physical_resolution(ww.min(mw), wh.min(mh));
        w.position = WindowPosition::At(m.physical_position);
        // The first frame saw the window before it shrank: fold the inspector on a narrow screen.
        session.view.right = w.resolution.width() >= 1400.0;
        session.view.fitted = true;
    }
}

/// Whether the app must draw every frame: the engine is running, or the scene still
/// animates messages that arrived a moment ago.
pub fn needs_frames(s: &Session) -> bool {
    s.loaded.as_ref().is_some_and(|l| l.playing || l.flights.animating())
}

fn update_mode(fit: Res<Fit>, session: Res<Session>, mut settings: ResMut<WinitSettings>) {
    let want = if fit.shooting || needs_frames(&session) {
        WinitSettings::game()
    } else {
        WinitSettings {
            focused_mode: UpdateMode::reactive(Duration::from_secs(2)),
            unfocused_mode: UpdateMode::reactive_low_power(Duration::from_secs(10)),
        }
    };
    if settings.focused_mode != want.focused_mode {
        *settings = want;
    }
}

/// bevy_egui reports the modifier keys to egui every frame, and egui answers any event
/// with a repaint request: the app would never go idle. Only a change is passed on.
fn quiet_modifiers(mut inputs: Query<&mut bevy_egui::EguiInput>, mut last: Local<Option<bevy_egui::egui::Modifiers>>) {
    for mut input in &mut inputs {
        input.0.events.retain(|e| match e {
            bevy_egui::egui::Event::ModifiersChanged(m) => {
                let changed = *last != Some(*m);
                *last = Some(*m);
                changed
            }
            _ => true,
        });
    }
}
