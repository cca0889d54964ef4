//! The desktop app (bevy + bevy_egui): a thin layer that paces the engine and draws its
//! state and trace. Read top-down: `options` (what it is opened with) and `app` (the bevy
//! app); its plugins `PlaybackPlugin` (pacing, `playback`), `UiPlugin` (the window's panels
//! and scene, `ui`), `FitPlugin` (fits the window to the screen, redraws only when needed,
//! `window`), `ScreenshotPlugin` (headless pictures for CI and docs, `screenshot`); the
//! panels (`picker`, `controls`, `keys`, `inspector`, `charts`, `event_log`, `legend`,
//! `timeline` with the `why_view` curve, the `lifeline_panel` window); the
//! central `scene`; and below them the session they share (`state`, with its chart
//! `sample`s, the `flights` on screen and the event log's lines) and the `colors`.
// The app paces the engine by the wall clock and measures frames; the engine it draws does not.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

pub mod options;
pub use options::OpenArgs;

// The app itself needs bevy (the `gui` feature); the options above parse without it.
#[cfg(feature = "gui")]
mod app;
#[cfg(feature = "gui")]
pub mod cards;
#[cfg(feature = "gui")]
pub mod charts;
#[cfg(feature = "gui")]
pub mod colors;
#[cfg(feature = "gui")]
pub mod controls;
#[cfg(feature = "gui")]
pub mod event_log;
#[cfg(feature = "gui")]
pub mod flights;
#[cfg(feature = "gui")]
pub mod forks;
#[cfg(feature = "gui")]
pub mod frame_bench;
#[cfg(feature = "gui")]
pub mod guide;
#[cfg(feature = "gui")]
pub mod inspector;
#[cfg(feature = "gui")]
pub mod keys;
#[cfg(feature = "gui")]
pub mod legend;
#[cfg(feature = "gui")]
pub mod lifeline_panel;
#[cfg(feature = "gui")]
pub mod lifeline_view;
#[cfg(feature = "gui")]
pub mod picker;
#[cfg(feature = "gui")]
pub mod playback;
#[cfg(feature = "gui")]
pub mod progress;
#[cfg(feature = "gui")]
pub mod rewind;
#[cfg(feature = "gui")]
pub mod sample;
#[cfg(feature = "gui")]
pub mod scene;
#[cfg(feature = "gui")]
pub mod screenshot;
#[cfg(feature = "gui")]
pub mod scrub_bench;
#[cfg(feature = "gui")]
pub mod snapshot;
#[cfg(feature = "gui")]
pub mod state;
#[cfg(feature = "gui")]
pub mod timeline;
#[cfg(feature = "gui")]
pub mod timelines;
#[cfg(feature = "gui")]
pub mod travel;
#[cfg(feature = "gui")]
pub mod ui;
#[cfg(feature = "gui")]
pub mod why_curve;
#[cfg(feature = "gui")]
pub mod why_view;
#[cfg(feature = "gui")]
pub mod window;
#[cfg(feature = "gui")]
pub use app::{open, prepare};
