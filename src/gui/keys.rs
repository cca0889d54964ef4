//! Keyboard shortcuts: Space play/pause (and Continue), → step, ← step back, Shift+← / Shift+→
//! a simulated second back / on, N next incident, + / −
//! speed, R restart, B back a beat, 1–8 answer a question, ? legend, F frame times, Esc
//! clears the selection. Ignored while a text field has the
//! keyboard (typing a seed or a file name).

use super::controls::Asked;
use super::playback::Command;
use super::state::{Selection, Session};
use bevy_egui::egui::{self, Key};

/// The shortcuts, for the legend and the README.
pub const HELP: [(&str, &str); 12] = [
    ("Space", "play / pause; Continue after a pause beat"),
    ("1–8", "answer the open question"),
    ("B", "back to the previous beat (restart and replay)"),
    ("Right arrow", "step to the next visible event"),
    ("Left arrow", "step back: undo the latest visible event"),
    ("Shift+Left / Right", "one simulated second back / on"),
    ("N", "next incident (election, crash, rebalance…)"),
    ("+ / −", "faster / slower"),
    ("R", "restart with the same seed"),
    ("?", "this legend"),
    ("F", "frame times (engine, scene, UI, frame)"),
    ("Esc", "clear the selection"),
];

/// Turns this frame's key presses into commands and view changes.
pub fn read(ctx: &egui::Context, s: &mut Session, asked: &mut Asked) {
    if ctx.egui_wants_keyboard_input() {
        return;
    }
    // Consumed before any widget runs, so a focused button does not also take Space.
    let (texts, space, right, left, jump, n, r, f, esc) = ctx.input_mut(|i| {
        let texts: Vec<String> = i
            .events
            .iter()
            .filter_map(|e| match e {
                egui::Event::Text(t) => Some(t.clone()),
                _ => None,
            })
            .collect();
        let none = egui::Modifiers::NONE;
        let jump = shift_arrow(i);
        (
            texts,
            i.consume_key(none, Key::Space),
            i.consume_key(none, Key::ArrowRight),
            i.consume_key(none, Key::ArrowLeft),
            jump,
            i.consume_key(none, Key::N),
            i.consume_key(none, Key::R),
            i.consume_key(none, Key::F),
            i.consume_key(none, Key::Escape),
        )
    });
    typed(s, asked, &texts);
    if f {
        s.view.frame_times = !s.view.frame_times;
    }
    let Some(l) = s.loaded.as_mut() else { return };
    if space {
        asked.commands.push(if l.playing { Command::Pause } else { Command::Play });
    }
    if right {
        asked.commands.push(Command::Step);
    }
    if left {
        asked.commands.push(Command::StepBack);
    }
    if let Some(on) = jump {
        let now = l.sim.now().0;
        let to =
            if on { now.saturating_add(1_000_000).min(l.scenario.duration.0) } else { now.saturating_sub(1_000_000) };
        asked.commands.push(Command::Seek(crate::sim::SimTime(to)));
    }
    if n {
        asked.commands.push(Command::StepToInteresting);
    }
    if r {
        asked.commands.push(Command::Restart(l.sim.seed));
    }
    if esc {
        l.selection = Selection::None;
    }
}

/// Typed characters: a question's answer (1–8), the legend, speed, back a beat.
fn typed(s: &mut Session, asked: &mut Asked, texts: &[String]) {
    for t in texts {
        if let Some(l) = s.loaded.as_ref()
            && let Some(super::guide::Stop::Question(_)) = l.guide.stop
            && let Ok(k @ 1..=8) = t.parse::<usize>()
        {
            asked.commands.push(Command::Answer(k - 1));
        }
        match t.as_str() {
            "?" => s.view.legend = !s.view.legend,
            "+" | "=" => speed(s, asked, true),
            "-" | "_" => speed(s, asked, false),
            "b" | "B" if s.loaded.is_some() => asked.commands.push(Command::Back),
            _ => {}
        }
    }
}

/// Shift+Left (Some(false): a second back) or Shift+Right (Some(true): a second on), consumed
/// before the plain arrows take them.
fn shift_arrow(i: &mut egui::InputState) -> Option<bool> {
    let shift = egui::Modifiers::SHIFT;
    if i.consume_key(shift, Key::ArrowLeft) {
        Some(false)
    } else if i.consume_key(shift, Key::ArrowRight) {
        Some(true)
    } else {
        None
    }
}

/// Speeds + and − step through: round numbers, so 1× is always one press away.
pub const SPEEDS: [f64; 13] = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0];

/// The next speed up (`faster`) or down from `now` on the ladder.
pub fn next_speed(now: f64, faster: bool) -> f64 {
    if faster {
        SPEEDS.iter().copied().find(|&v| v > now * 1.001).unwrap_or(1000.0)
    } else {
        SPEEDS.iter().rev().copied().find(|&v| v < now * 0.999).unwrap_or(0.1)
    }
}

fn speed(s: &Session, asked: &mut Asked, faster: bool) {
    if let Some(l) = &s.loaded {
        asked.commands.push(Command::Speed(next_speed(l.speed, faster)));
    }
}
