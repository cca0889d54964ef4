//! Forking, switching and comparing the loaded run's timelines (see `timelines.rs`).

use super::state::Loaded;
use super::timelines::{Compared, MAX_TIMELINES, Timelines};
use super::travel;
use crate::runner::diff::compare;
use crate::scenario::Action;
use std::sync::Arc;

/// A timeline's name from the input that started it.
fn name_of(l: &Loaded, a: &Action) -> String {
    format!("{} at {}", crate::world::describe_input(a), l.sim.now())
}

impl Timelines<Loaded> {
    /// Before `a` is applied to `l`: when it changes a past already seen, the run as it was
    /// stays as a timeline and `l` goes on as a new one. A status line when it forked (or
    /// why the oldest fork had to go).
    pub fn before_input(&mut self, l: &Loaded, a: &Action) -> Option<String> {
        if !l.rewind.has_future(&l.sim) {
            return None;
        }
        let mut note = String::new();
        if self.others.len() + 1 >= MAX_TIMELINES {
            let (gone, _) = self.others.remove(0);
            note = format!(" (at most {MAX_TIMELINES} timelines: \"{gone}\" was dropped)");
        }
        let old = std::mem::replace(&mut self.active, name_of(l, a));
        self.others.push((old.clone(), l.clone()));
        Some(format!("new timeline \"{}\"; \"{old}\" is kept (switch under the timeline){note}", self.active))
    }

    /// Shows timeline `name` instead of `l`'s, which is kept; false when there is none. When
    /// `name` was the one compared with, the comparison goes on with the sides swapped.
    pub fn switch(&mut self, l: &mut Loaded, name: &str) -> bool {
        let Some(i) = self.others.iter().position(|o| o.0 == name) else { return false };
        let (name, mut other) = self.others.remove(i);
        other.selection = l.selection;
        std::mem::swap(l, &mut other);
        let was = std::mem::replace(&mut self.active, name);
        self.others.insert(i, (was, other));
        if let Some(c) = self.compare.as_mut().filter(|c| c.with == self.active) {
            // The two compared swap sides: still the same pair, A now the one shown.
            c.with = self.others[i].0.clone();
            c.result.swap_sides();
        }
        true
    }

    /// Compares `l` with timeline `with` (None: stops comparing); a status line when not.
    pub fn compare_with(&mut self, l: &Loaded, with: Option<&str>) -> Option<String> {
        let Some(with) = with else {
            self.compare = None;
            return None;
        };
        let Some((_, b)) = self.others.iter().find(|o| o.0 == with) else {
            return Some(format!("no timeline \"{with}\""));
        };
        let scenario = |x: &Loaded| Arc::new(x.session_scenario());
        let result = compare(scenario(l), l.sim.seed, scenario(b), b.sim.seed);
        let parted_at = result
            .divergence
            .as_ref()
            .and_then(|d| [d.a.as_ref(), d.b.as_ref()].into_iter().flatten().map(|x| x.at).min());
        self.compare = Some(Compared { with: with.to_string(), result, parted_at });
        None
    }

    /// The compared timeline, following `l`'s simulated time.
    pub fn sync(&mut self, l: &Loaded) -> Option<&mut Loaded> {
        let with = self.compare.as_ref()?.with.clone();
        let (_, b) = self.others.iter_mut().find(|o| o.0 == with)?;
        if b.sim.now() != l.sim.now() {
            travel::seek(b, l.sim.now());
        }
        Some(b)
    }
}
