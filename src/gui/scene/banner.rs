//! The caption banner over the scene: the scenario's latest narration line as this run
//! tells it (placeholders filled in: `{controller}` names the broker that won the race in
//! this run), wrapped to the scene's width (never cut mid-sentence). Once the learner
//! injects a fault the run has left the script: the banner says where, and later captions
//! show as "the script said …", since they describe a run that is no longer this one.

use super::labels::{Labels, Placed};
use crate::gui::state::Loaded;
use bevy_egui::egui::text::{LayoutJob, TextWrapping};
use bevy_egui::egui::{Color32, FontId, Rect, pos2, vec2};

/// Lines a caption may take before it is cut.
const MAX_ROWS: usize = 4;

/// What the banner says now: (caption, whether it is only what the script said, the
/// off-script note).
pub fn caption(l: &Loaded) -> (Option<String>, bool, Option<String>) {
    let now = l.sim.now();
    let line = l.scenario.narration.iter().enumerate().rev().find(|(_, n)| n.at.0 <= now.0);
    let off = l.off_script.as_ref();
    let stale = match (line, off) {
        (Some((_, n)), Some((t, _))) => n.at.0 > t.0,
        _ => false,
    };
    // Placeholders name who plays the role in this run ({controller} → broker-2).
    let text = line.map(|(i, n)| {
        let words = l.sim.caption(i);
        if stale { format!("{}  The script said: {words}", n.at) } else { format!("{}  {words}", n.at) }
    });
    let more = match l.changes {
        0 | 1 => String::new(),
        n => format!(" and {} more change{}", n - 1, if n == 2 { "" } else { "s" }),
    };
    let note = off.map(|(t, what)| {
        format!("You changed this run at {t} ({what}){more}: from there on it may differ from the story.")
    });
    (text, stale, note)
}

/// Paints the banner at the top of `full`; returns the height it took.
pub fn draw(words: &mut Labels, full: Rect, l: &Loaded) -> f32 {
    let (text, stale, note) = caption(l);
    let width = full.width() - 40.0;
    let mut y = full.top() + 8.0;
    let mut parts: Vec<(String, Color32, f32)> = Vec::new();
    if let Some(t) = text {
        parts.push((t, if stale { Color32::from_gray(170) } else { Color32::WHITE }, 15.0));
    } else {
        parts.push((format!("{} — {}", l.scenario.name, l.scenario.about), Color32::from_gray(200), 14.0));
    }
    if let Some(n) = note {
        parts.push((n, Color32::from_rgb(255, 190, 110), 13.0));
    }
    let galleys: Vec<_> = parts
        .into_iter()
        .map(|(t, c, size)| {
            let mut job = LayoutJob::simple(t, FontId::proportional(size), c, width);
            job.wrap = TextWrapping {
                max_width: width,
                max_rows: MAX_ROWS,
                break_anywhere: false,
                overflow_character: Some('…'),
            };
            (words.painter.layout_job(job), c)
        })
        .collect();
    let h: f32 = galleys.iter().map(|(g, _)| g.size().y + 2.0).sum::<f32>() + 12.0;
    let rect = Rect::from_min_size(pos2(full.left() + 12.0, y), vec2(full.width() - 24.0, h));
    let fill = if l.off_script.is_some() { Color32::from_rgb(62, 48, 40) } else { Color32::from_rgb(40, 52, 78) };
    words.painter.rect_filled(rect, 6.0, fill);
    y += 6.0;
    for (g, c) in galleys {
        let size = g.size();
        let at = pos2(rect.left() + 8.0, y);
        words.placed.push(Placed { rect: Rect::from_min_size(at, size), text: g.text().to_string() });
        words.painter.galley(at, g, c);
        y += size.y + 2.0;
    }
    h + 14.0
}
