//! The UI pass: one ordered egui frame — left controls, right inspector and charts, bottom
//! event log, the scene in the middle — then the commands it produced are applied.

use super::controls::{self, Asked};
use super::inspector;
use super::playback::{Command, command};
use super::state::{Loaded, Session};
use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, RichText};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};
use egui_file_dialog::FileDialog;

/// The file dialog ("open file…"), pure egui.
#[derive(Resource)]
pub struct Dialog(pub FileDialog);

/// Draws the whole window each frame.
pub struct UiPlugin;

impl Plugin for UiPlugin {
    fn build(&self, app: &mut App) {
        let dialog = FileDialog::new()
            .add_file_filter_extensions("Scenarios (*.ron)", vec!["ron"])
            .default_file_filter("Scenarios (*.ron)");
        app.insert_resource(Dialog(dialog))
            .add_systems(Startup, setup_camera)
            .add_systems(EguiPrimaryContextPass, draw_ui);
    }
}

fn setup_camera(mut commands: Commands) {
    commands.spawn(Camera2d);
}

/// The bar over everything: panel toggles, the legend, and the frame-time readout.
fn top_bar(root: &mut egui::Ui, s: &mut Session) {
    egui::Panel::top("bar").show(root, |ui| {
        ui.horizontal(|ui| {
            let v = &mut s.view;
            ui.toggle_value(&mut v.left, "☰ Controls").on_hover_text("Scenarios, playback, faults");
            ui.toggle_value(&mut v.right, "🔍 Inspector").on_hover_text("What you clicked, charts, the story");
            ui.toggle_value(&mut v.log, "📜 Log").on_hover_text("What just happened");
            ui.toggle_value(&mut v.legend, "? Legend").on_hover_text("What every colour and shape means; keys");
            if let Some(l) = &s.loaded {
                let state = if l.playing {
                    "playing"
                } else if l.sim.now().0 >= l.scenario.duration.0 {
                    "finished"
                } else {
                    "paused"
                };
                ui.separator();
                ui.label(
                    RichText::new(format!("{} · t = {} · {state} at {:.1}×", l.scenario.name, l.sim.now(), l.speed))
                        .strong(),
                );
            }
            frame_readout(ui, &s.view);
        });
    });
}

fn frame_readout(ui: &mut egui::Ui, v: &super::state::View) {
    if v.frame_times {
        let [e, sc, u, f] = v.ms;
        ui.separator();
        ui.label(
            RichText::new(format!(
                "frame {f:.1} ms: engine {e:.1} · scene {sc:.1} · UI {u:.1} · render+rest {:.1}",
                (f - e - u).max(0.0)
            ))
            .monospace()
            .small(),
        );
    }
}

fn draw_ui(mut contexts: EguiContexts, mut session: ResMut<Session>, mut dialog: ResMut<Dialog>) -> Result {
    let t0 = std::time::Instant::now();
    let ctx = contexts.ctx_mut()?;
    let mut root = egui::Ui::new(
        ctx.clone(),
        "root".into(),
        egui::UiBuilder::new().layer_id(egui::LayerId::background()).max_rect(ctx.viewport_rect()),
    );
    let mut asked = Asked::default();
    let s = &mut *session;
    super::keys::read(ctx, s, &mut asked);
    top_bar(&mut root, s);
    let wide = ctx.content_rect().width() >= 1400.0;
    if !s.view.fitted {
        // Narrow screens start with the inspector folded: the scene gets the room.
        s.view.right = wide;
        s.view.fitted = true;
    }
    left_panel(&mut root, s, wide, &mut asked);
    if let Some(l) = s.loaded.as_mut() {
        if s.view.right {
            // While two timelines show side by side, say which one this panel describes.
            let shows = s.timelines.compare.is_some().then(|| s.timelines.active.clone());
            right_panel(&mut root, l, wide, shows.as_deref(), &mut asked);
        }
        if s.view.log {
            let h = if ctx.content_rect().height() < 800.0 { 130.0 } else { 170.0 };
            egui::Panel::bottom("log")
                .default_size(h)
                .resizable(true)
                .show(&mut root, |ui| super::event_log::panel::event_log(ui, l));
        }
        if let Some(w) = s.why.as_mut() {
            w.poll();
        }
        let why = s.why.as_ref().map(|w| (w, w.run != l.run_key(&s.timelines.active)));
        egui::Panel::bottom("timeline").resizable(false).show(&mut root, |ui| {
            super::timeline::timeline(ui, l, &s.timelines, why, &mut asked);
        });
    }
    let scene_ms = central(&mut root, s, &mut asked);
    super::legend::legend(ctx, &mut s.view.legend);
    if let Some(l) = &s.loaded {
        if let Some(v) = s.lifeline.as_mut() {
            v.sync(&l.lifeline_run(&s.timelines.active));
        }
        super::lifeline_panel::window(ctx, &mut s.lifeline, l.sim.now(), &mut asked);
    }
    dialog.0.update(ctx);
    if let Some(p) = dialog.0.take_picked() {
        asked.open = Some(p);
    }
    if asked.browse {
        dialog.0.pick_file();
    }
    apply(s, asked);
    s.view.ms[1] = scene_ms;
    s.view.ms[2] = t0.elapsed().as_secs_f64() * 1e3;
    Ok(())
}

/// The left panel: the picker, then playback and faults for the loaded scenario.
fn left_panel(root: &mut egui::Ui, s: &mut Session, wide: bool, asked: &mut Asked) {
    let nothing = s.loaded.is_none();
    if !(s.view.left || nothing) {
        return;
    }
    // Its own panel id while nothing is loaded, so the wide picker does not stay wide.
    let (id, w) = if nothing {
        ("picker-full", 420.0)
    } else if wide {
        ("controls", 290.0)
    } else {
        ("controls", 250.0)
    };
    egui::Panel::left(id).default_size(w).resizable(true).show(root, |ui| {
        egui::ScrollArea::vertical().id_salt("left").show(ui, |ui| {
            super::picker::picker(ui, s, asked);
            if let Some(l) = s.loaded.as_mut() {
                controls::playback(ui, l, asked);
                controls::inject(ui, l, asked);
            }
            if let Some(st) = &s.status {
                ui.add(egui::Label::new(RichText::new(st).small().color(Color32::from_rgb(150, 220, 255))).wrap());
            }
        });
    });
}

/// The right panel: the inspector, the charts and the story.
fn right_panel(root: &mut egui::Ui, l: &mut Loaded, wide: bool, shows: Option<&str>, asked: &mut Asked) {
    let w = if wide { 340.0 } else { 280.0 };
    egui::Panel::right("inspector").default_size(w).resizable(true).show(root, |ui| {
        egui::ScrollArea::vertical().id_salt("right").show(ui, |ui| {
            if let Some(a) = shows {
                ui.label(RichText::new(format!("Below: A, {a} (the left scene)")).strong());
            }
            super::cards::outcomes(ui, l);
            inspector::inspector(ui, l, asked);
            ui.separator();
            super::charts::charts(ui, l);
            ui.separator();
            inspector::narration(ui, l);
        });
    });
}

/// The middle: the load error, the scene, or the welcome; returns the scene's milliseconds.
fn central(root: &mut egui::Ui, s: &mut Session, asked: &mut Asked) -> f64 {
    let mut scene_ms = 0.0;
    let next = s.loaded.as_ref().and_then(|l| super::picker::next_chapter(&s.catalog, &l.path)).cloned();
    egui::CentralPanel::no_frame().show(root, |ui| match (s.loaded.as_mut(), &s.load_error) {
        (_, Some(err)) => {
            ui.add_space(20.0);
            ui.label(RichText::new("This scenario did not load:").heading().color(Color32::from_rgb(255, 120, 120)));
            ui.add(egui::Label::new(RichText::new(err).monospace()).wrap());
            if s.loaded.is_some() {
                ui.label("The previous scenario is still loaded; pick it again to see it.");
            }
        }
        (Some(l), None) => {
            let t = std::time::Instant::now();
            let before = l.selection;
            super::cards::cards(ui, l, next.as_ref(), asked);
            let names = (s.timelines.active.clone(), s.timelines.compare.as_ref().map(|c| c.with.clone()));
            match s.timelines.sync(l) {
                // Two timelines side by side at the same simulated time.
                Some(other) => {
                    ui.columns(2, |cols| {
                        cols[0].label(RichText::new(format!("A: {}", names.0)).strong());
                        super::scene::paint::draw(&mut cols[0], l);
                        let b = names.1.unwrap_or_default();
                        cols[1].label(RichText::new(format!("B: {b}")).strong().color(Color32::from_rgb(150, 220, 255)));
                        super::scene::paint::draw(&mut cols[1], other);
                    });
                }
                None => {
                    super::scene::paint::draw(ui, l);
                }
            }
            if l.selection != before && l.selection != super::state::Selection::None {
                s.view.right = true;
            }
            scene_ms = t.elapsed().as_secs_f64() * 1e3;
        }
        (None, None) => {
            ui.add_space(40.0);
            ui.heading("brokerlab");
            ui.label("Watch messages flow through a simulated Kafka cluster and a RabbitMQ broker; crash things and see what survives.");
            ui.label("Pick a scenario on the left (\"Start here\" is the gentlest) — it starts playing at once. Press ? for the legend and keys.");
        }
    });
    scene_ms
}

/// Applies what the frame asked for: open a file (and play it), then the commands in order.
fn apply(s: &mut Session, asked: Asked) {
    if let Some(p) = asked.open {
        (s.lifeline, s.why) = (None, None);
        s.open(&p, None);
        if let Some(l) = s.loaded.as_mut()
            && s.load_error.is_none()
        {
            l.playing = true;
            s.view.picker_open = Some(false);
        }
    }
    if let Some(l) = s.loaded.as_mut() {
        for c in asked.commands {
            // Changing a past already seen forks the run; the old one stays a timeline.
            let (mut forked, mut paused) = (None, None);
            if let Command::Inject(a) = &c {
                forked = s.timelines.before_input(l, a);
                // Queued at now, it runs with the next event: said, or the click seems lost.
                paused = (!l.playing).then(|| {
                    let what = crate::world::describe_input(a);
                    format!("{what} at {}: it happens as the run moves on (Play, Space or Step)", l.sim.now())
                });
            }
            let settles = matches!(c, Command::Answer(_) | Command::SkipQuestion | Command::Continue);
            // A refused input says why; an applied one while paused says when it happens.
            match (forked, command(l, c).or(paused)) {
                (Some(f), Some(msg)) => s.status = Some(format!("{f}\n{msg}")),
                (Some(msg), None) | (None, Some(msg)) => s.status = Some(msg),
                // "Answer the question first" and the like are settled now.
                (None, None) if settles => s.status = None,
                (None, None) => {}
            }
        }
        if let Some(name) = asked.switch_to
            && !s.timelines.switch(l, &name)
        {
            s.status = Some(format!("no timeline \"{name}\""));
        }
        match asked.why {
            Some(Some(i)) => s.why = ask_why(l, &s.timelines.active, i),
            Some(None) => s.why = None,
            None => {}
        }
        if let Some(id) = asked.lifeline {
            s.lifeline = Some(super::lifeline_view::LifelineView::new(id, &l.lifeline_run(&s.timelines.active)));
        }
        if let Some(with) = asked.compare
            && let Some(msg) = s.timelines.compare_with(l, with.as_deref())
        {
            s.status = Some(msg);
        }
        // A course chapter played to its end is ticked in the picker, for good.
        if l.guide.finished
            && l.scenario.course.is_some()
            && s.finished.insert(super::progress::key(&l.path))
            && let Err(e) = super::progress::save(&s.finished)
        {
            s.status = Some(e);
        }
    }
}

/// Starts branching the timeline shown for the scenario's expectation `i` (None: it has no such).
pub fn ask_why(l: &Loaded, timeline: &str, i: usize) -> Option<super::why_view::WhyView> {
    let outcome = l.scenario.expect.get(i)?.clone();
    let words = l.guide.words.get(i).cloned().unwrap_or_else(|| format!("expectation {}", i + 1));
    Some(super::why_view::WhyView::start(l.session_scenario(), l.sim.seed, outcome, words, l.run_key(timeline)))
}
