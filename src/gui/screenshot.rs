//! `--screenshot FILE --after T`: play the scenario to simulated time T, render, save a
//! PNG and exit; exit with an error if the picture is blank (a renderer that drew nothing).

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};
use std::path::PathBuf;

/// What the screenshot run asked for.
#[derive(Resource, Clone, Debug)]
pub struct ShotRequest {
    /// Where to save.
    pub path: PathBuf,
    /// Frames rendered so far.
    pub frames: u32,
    /// Screenshot requested.
    pub requested: bool,
    /// Outcome: Some(true) saved and not blank.
    pub ok: Option<bool>,
}

/// Takes the screenshot and exits.
pub struct ScreenshotPlugin(pub PathBuf);

impl Plugin for ScreenshotPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(ShotRequest { path: self.0.clone(), frames: 0, requested: false, ok: None })
            .add_systems(Update, shoot);
    }
}

/// True when the image has fewer than three distinct colours among its sampled pixels.
pub fn is_blank(data: &[u8]) -> bool {
    let mut seen: Vec<[u8; 3]> = Vec::new();
    for px in data.chunks_exact(4).step_by(97) {
        let c = [px[0], px[1], px[2]];
        if !seen.contains(&c) {
            seen.push(c);
            if seen.len() >= 3 {
                return false;
            }
        }
    }
    true
}

fn shoot(mut commands: Commands, mut req: ResMut<ShotRequest>, mut exit: MessageWriter<AppExit>) {
    req.frames += 1;
    if let Some(ok) = req.ok {
        exit.write(if ok { AppExit::Success } else { AppExit::error() });
        return;
    }
    // Let egui lay out and the renderer settle for a few frames first.
    if req.requested || req.frames < 8 {
        if req.frames > 600 {
            eprintln!("error: no screenshot after 600 frames");
            exit.write(AppExit::error());
        }
        return;
    }
    req.requested = true;
    let path = req.path.clone();
    let mut save = save_to_disk(path.clone());
    commands.spawn(Screenshot::primary_window()).observe(
        move |ev: On<ScreenshotCaptured>, mut req: ResMut<ShotRequest>| {
            let blank = ev.image.data.as_deref().is_none_or(is_blank);
            if blank {
                eprintln!("error: the screenshot is blank");
            }
            save(ev);
            println!("screenshot saved to {}", path.display());
            req.ok = Some(!blank);
        },
    );
}

#[cfg(test)]
mod tests {
    use crate::gui::screenshot::*;

    #[test]
    fn blank_detection() {
        let flat: Vec<u8> = std::iter::repeat_n([10u8, 10, 10, 255], 10_000).flatten().collect();
        assert!(is_blank(&flat));
        let mut busy = flat.clone();
        for i in (0..busy.len()).step_by(4 * 97 * 3) {
            busy[i] = (i % 251) as u8;
        }
        assert!(!is_blank(&busy));
    }
}
