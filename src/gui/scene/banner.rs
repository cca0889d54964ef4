//! What the caption card says: the latest beat of the story as this run told it
//! (placeholders filled in: `{controller}` names the broker that won the race in this run).
//! Once the learner injects a fault the run has left the script: the note says where, and
//! beats told after that show as "the script said …", since they describe a run that is no
//! longer this one. The card (gui/cards.rs) draws it.

use crate::gui::state::Loaded;

/// What the caption says now: (the latest beat's words, whether it is only what the script
/// said, the off-script note).
pub fn caption(l: &Loaded) -> (Option<String>, bool, Option<String>) {
    let latest = l.sim.story().fired().last().copied();
    let off = l.off_script.as_ref();
    let stale = match (latest, off) {
        (Some((_, told)), Some((t, _))) => told.0 > t.0,
        _ => false,
    };
    let text = latest.map(|(i, _)| {
        let words = l.sim.caption(i);
        if stale { format!("The script said: {words}") } else { words }
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
