//! Pacing the engine: each frame the simulation runs ahead by the frame's wall time times
//! the speed (0.1× to 1000×), capped in events so the UI stays responsive; Step runs to the
//! next event a learner can see; Next to the next cluster incident; restart with the same or
//! a new seed. Every action that changes the simulation goes through `command`; inputs are
//! validated, recorded by the engine for "save session as scenario", and mark where the run
//! left the scenario's script.

use super::guide::Stop;
use super::state::{Loaded, Session};
use crate::scenario::Action;
use crate::sim::SimTime;
use crate::trace::RecordKind;
use bevy::prelude::*;
use std::sync::Arc;

/// Most events the engine may run in one frame.
pub const MAX_EVENTS_PER_FRAME: u64 = 200_000;
/// Most events "next interesting" scans before giving up.
const MAX_EVENTS_PER_SEEK: u64 = 2_000_000;

/// Something the user asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Start playing.
    Play,
    /// Pause.
    Pause,
    /// Run to the next event a learner can see (with "data path too": fetches and
    /// replication count as well).
    Step,
    /// Run until a leader change, ISR change, session expiry, crash or truncation.
    StepToInteresting,
    /// Set the speed (simulated seconds per wall second).
    Speed(f64),
    /// Start over with this seed.
    Restart(u64),
    /// Apply a fault or other input now (recorded for replay).
    Inject(Action),
    /// Write the session (scenario + inputs so far, seed) to a file.
    Save(String),
    /// Go on after a pause beat or a reveal.
    Continue,
    /// Answer the open question with this choice (0-based): the run goes on to its reveal.
    Answer(usize),
    /// Skip the open question.
    SkipQuestion,
    /// Start over and replay to the beat before the latest one.
    Back,
    /// Show the run at this simulated time (back through a snapshot, or forward).
    Seek(SimTime),
    /// Undo the latest visible event.
    StepBack,
    /// Write the lifeline so far of a message or key ("checkout#5", "key:car-7") as an
    /// SVG file (a space-time diagram).
    SaveLifeline(String),
}

/// Runs the simulation up to `target`, at most `cap` events, sampling charts on the way,
/// stopping where the guide says (a pause beat, a question, a reveal). Returns the number
/// of events run.
pub fn run_to(l: &mut Loaded, target: SimTime, cap: u64) -> u64 {
    advance(l, target, cap, true)
}

/// Plays to `target` as a learner who reads every pause beat and answers each question with
/// `answer` (0-based; None skips): for screenshots and tests. Stops at `target`, where a
/// card that shows then stays up.
pub fn play_through(l: &mut Loaded, target: SimTime, answer: Option<usize>) {
    for _ in 0..10_000 {
        run_to(l, target, u64::MAX);
        match l.guide.stop {
            Some(Stop::Question(q)) => match answer.filter(|&a| a < l.scenario.questions[q].choices.len()) {
                Some(a) => l.guide.answer(q, a),
                None => l.guide.skip(q),
            },
            Some(Stop::Beat(_) | Stop::Reveal(_)) if l.sim.now() < target => l.guide.stop = None,
            Some(Stop::Beat(_) | Stop::Reveal(_)) | None => break,
        }
    }
    l.playing = false;
}

/// Runs to `target` without stopping for the guide (what a headless replay does); every
/// pause and question passed is marked done.
pub fn run_free(l: &mut Loaded, target: SimTime) -> u64 {
    advance(l, target, u64::MAX, false)
}

/// `run_to`; when not `stopping`, every pause and question passed is marked done and the run
/// goes on (Back replays this way).
fn advance(l: &mut Loaded, target: SimTime, cap: u64, stopping: bool) -> u64 {
    let end = SimTime(l.scenario.duration.0);
    let target = target.min(end);
    let mut n = 0;
    if stopping && l.guide.stop.is_some() {
        l.playing = false;
        return 0;
    }
    // Each checkpoint is consumed when reached, so this ends; the bound is a backstop.
    for _ in 0..100_000 {
        let cp = l.guide.next_checkpoint(&l.scenario, l.sim.now()).min(target);
        let (ran, stopped) = segment(l, cp, cap - n, stopping);
        n += ran;
        if stopped || n >= cap || l.sim.violation.is_some() {
            break;
        }
        if l.guide.arrive(&l.sim, stopping).is_some() {
            l.playing = false;
            break;
        }
        if cp >= target {
            break;
        }
    }
    if l.sim.now() >= end || l.sim.violation.is_some() {
        l.playing = false;
    }
    n
}

/// Runs to `target` (at most `cap` events); true in the second place when a pause beat fired
/// on the way and playback stopped there.
fn segment(l: &mut Loaded, target: SimTime, cap: u64, stopping: bool) -> (u64, bool) {
    let mut n = 0;
    while n < cap && l.sim.violation.is_none() {
        match l.sim.next_event_time() {
            Some(t) if t <= target => {
                l.step_event();
                n += 1;
                if stopping && l.guide.beat_fired(&l.sim) && l.guide.arrive(&l.sim, true).is_some() {
                    l.playing = false;
                    return (n, true);
                }
            }
            // The clock to `target`, unless an input of this timeline came on the way and
            // queued events before it: those run first.
            Some(_) | None => {
                l.clock(target);
                if l.sim.next_event_time().is_none_or(|e| e > target) {
                    break;
                }
            }
        }
    }
    (n, false)
}

fn notable_for_seek(k: &RecordKind) -> bool {
    matches!(
        k,
        RecordKind::Leader { .. }
            | RecordKind::Isr { .. }
            | RecordKind::SessionExpired { .. }
            | RecordKind::ControllerElected { .. }
            | RecordKind::BrokerDown { .. }
            | RecordKind::BrokerUp { .. }
            | RecordKind::ClientState { .. }
            | RecordKind::Truncate { .. }
            | RecordKind::OffsetReset { .. }
            | RecordKind::Group(
                crate::trace::GroupEvent::Rebalance { .. }
                    | crate::trace::GroupEvent::DeadLetter { .. }
                    | crate::trace::GroupEvent::MemberRemoved { .. }
                    | crate::trace::GroupEvent::Coordinator { .. }
            )
    ) || matches!(k, RecordKind::Amqp(a) if a.is_notable())
}

pub use super::rewind::visible_to_step;

/// Runs events until one leaves a record `stop` accepts (sampling charts on the way);
/// a status line when it stopped for another reason.
fn seek(l: &mut Loaded, stop: impl Fn(&RecordKind) -> bool, beats: bool, what: &str) -> Option<String> {
    l.playing = false;
    if let Some(why) = waiting(l) {
        return Some(why);
    }
    let end = SimTime(l.scenario.duration.0);
    let mut seen = l.sim.trace.count();
    // The next question, timed beat or expectation: it moves only when one is reached.
    let mut cp = l.guide.next_checkpoint(&l.scenario, l.sim.now());
    for _ in 0..MAX_EVENTS_PER_SEEK {
        match l.sim.next_event_time() {
            Some(t) if t <= end => {
                if cp < t {
                    advance(l, cp, u64::MAX, true);
                    if l.guide.stop.is_some() {
                        return None;
                    }
                    cp = l.guide.next_checkpoint(&l.scenario, l.sim.now());
                }
            }
            Some(_) | None => return Some(format!("no further {what} before the end")),
        }
        if !l.step_event() {
            return Some("the run stopped where an invariant broke".into());
        }
        let new = (l.sim.trace.count() - seen) as usize;
        seen = l.sim.trace.count();
        // A pause beat stops both; Next stops at every beat of the story.
        if l.guide.beat_fired(&l.sim) && (l.guide.arrive(&l.sim, true).is_some() || beats) {
            return None;
        }
        if l.sim.trace.recent().iter().rev().take(new).any(|r| stop(&r.kind)) {
            return None;
        }
    }
    Some(format!("no {what} in the next 2 million events"))
}

/// Answers the open question with `choice` (None: skips it); the run goes on to its reveal.
fn reply(l: &mut Loaded, choice: Option<usize>) -> Option<String> {
    let Some(Stop::Question(q)) = l.guide.stop else { return Some("no question is open".into()) };
    match choice {
        Some(k) if k < l.scenario.questions[q].choices.len() => l.guide.answer(q, k),
        Some(k) => return Some(format!("question {} has no choice {}", q + 1, k + 1)),
        None => l.guide.skip(q),
    }
    l.playing = true;
    None
}

/// Why playback cannot go on now (a question waits for its answer), or None.
fn waiting(l: &Loaded) -> Option<String> {
    match l.guide.stop {
        Some(Stop::Question(_)) => Some("answer the question first (or skip it)".into()),
        Some(Stop::Beat(_) | Stop::Reveal(_)) | None => None,
    }
}

/// Goes back to the beat before the latest one shown: the run just after it was told
/// (through a snapshot; the future stays on the timeline).
fn back(l: &mut Loaded) -> Option<String> {
    let fired = l.sim.story().fired();
    let Some(&(beat, at)) = fired.len().checked_sub(2).and_then(|k| fired.get(k)) else {
        return Some("no earlier beat to go back to".into());
    };
    super::travel::to_beat(l, beat, at);
    None
}

/// Applies a command to the loaded simulation; returns a status line when there is one.
pub fn command(l: &mut Loaded, c: Command) -> Option<String> {
    match c {
        Command::Play | Command::Continue => {
            if let Some(why) = waiting(l) {
                return Some(why);
            }
            l.guide.stop = None;
            l.playing = l.sim.now().0 < l.scenario.duration.0;
            l.stepped_from = u64::MAX;
        }
        Command::Answer(choice) => return reply(l, Some(choice)),
        Command::SkipQuestion => return reply(l, None),
        Command::Back => return back(l),
        Command::Pause => l.playing = false,
        Command::Step => {
            let dp = l.show_data_path;
            // The log shows every record since stepping began, not only notable ones.
            l.stepped_from = l.stepped_from.min(l.sim.trace.count());
            return seek(l, |k| visible_to_step(k, dp), false, "visible event");
        }
        Command::StepToInteresting => return seek(l, notable_for_seek, true, "incident"),
        // `clamp` passes NaN through, and a NaN speed freezes playback (every frame's target
        // is "now") and shows as "NaN×": refused, the speed stays as it was.
        Command::Speed(s) if s.is_nan() => return Some("not done: the speed must be a number".into()),
        Command::Speed(s) => l.speed = s.clamp(0.1, 1000.0),
        Command::Restart(seed) => {
            let (path, sc) = (l.path.clone(), l.scenario.clone());
            let (speed, save, form) = (l.speed, l.save_path.clone(), l.inject.clone());
            *l = Loaded::new(path, sc, seed);
            l.speed = speed;
            l.save_path = save;
            l.inject = form; // what the learner chose in "Break things" stays chosen
        }
        Command::Inject(a) => return inject(l, a),
        Command::Seek(t) => {
            super::travel::seek(l, t);
        }
        Command::StepBack => return super::travel::step_back(l),
        Command::SaveLifeline(m) => return Some(save_lifeline(l, m)),
        Command::Save(path) => {
            let text = crate::runner::observed::session_test_ron(&l.sim);
            let header = format!(
                "// Session saved from the brokerlab app at {} (seed {}).\n// Replay: brokerlab run {path}\n",
                l.sim.now(),
                l.sim.seed
            );
            // Say where it went in full: a bare name lands in the app's working directory.
            let full = std::path::absolute(&path).map(|p| p.display().to_string()).unwrap_or_else(|_| path.clone());
            return Some(match std::fs::write(&path, header + &text) {
                Ok(()) => format!("saved {full}: {} inputs; `brokerlab run {full}` replays it", l.sim.injected.len()),
                Err(e) => format!("could not write {path}: {e}"),
            });
        }
    }
    None
}

/// Applies a learner's input now; a new input after going back replaces the future that was.
fn inject(l: &mut Loaded, a: Action) -> Option<String> {
    let mut rewind = std::mem::take(&mut l.rewind);
    rewind.cut_future(&l.sim);
    let applied = l.apply_input(a.clone());
    if applied.is_ok() {
        rewind.note_input(&l.sim, a);
    }
    l.rewind = rewind;
    applied.err().map(|e| format!("not done: {e}"))
}

/// Re-runs this timeline headless up to now, collecting message `m`'s hops, and writes the
/// diagram beside the session file; says where (or why not).
fn save_lifeline(l: &Loaded, id: String) -> String {
    let sc = Arc::new(l.sim.session_scenario());
    let until = Some(crate::sim::Dur(l.sim.now().0));
    match crate::runner::lifeline::trace_message(sc, l.sim.seed, until, &id) {
        Ok(life) => {
            let safe: String = id.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
            let path = std::path::Path::new(&l.save_path).with_extension(format!("lifeline-{safe}.svg"));
            let full = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
            match std::fs::write(&path, crate::runner::lifeline::svg::render(&life)) {
                Ok(()) => {
                    format!("lifeline of {id} up to {} saved to {} (open it in a browser)", l.sim.now(), full.display())
                }
                Err(e) => format!("could not write {}: {e}", path.display()),
            }
        }
        Err(e) => format!("no lifeline for {id}: {e}"),
    }
}

/// Advances the engine each frame while playing.
pub struct PlaybackPlugin;

impl Plugin for PlaybackPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Session>().add_systems(Update, pace);
    }
}

fn pace(time: Res<Time<Real>>, mut session: ResMut<Session>) {
    let s = &mut *session;
    let Some(l) = s.loaded.as_mut() else { return };
    let t0 = std::time::Instant::now();
    if l.playing {
        let dt = time.delta_secs_f64().min(0.25);
        let target = SimTime(l.sim.now().0 + (dt * l.speed * 1e6) as u64);
        run_to(l, target, MAX_EVENTS_PER_FRAME);
    }
    l.flights.update(&l.sim, time.elapsed_secs_f64(), l.playing);
    s.view.ms[0] = t0.elapsed().as_secs_f64() * 1e3;
    s.view.ms[3] = time.delta_secs_f64() * 1e3;
}

/// Builds a loaded session from scenario text (tests).
pub fn loaded_from(src: &str, seed: Option<u64>) -> Result<Loaded, crate::scenario::ScenarioError> {
    let sc = Arc::new(crate::scenario::parse(src, "<memory>")?);
    let seed = seed.unwrap_or(sc.seed);
    Ok(Loaded::new("memory.ron".into(), sc, seed))
}
