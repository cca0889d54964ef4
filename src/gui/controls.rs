//! The left panel: the scenario picker (with "open file…"), playback controls, fault
//! injection and "save session as scenario". Buttons produce `Command`s; nothing here
//! touches the simulation directly.

use super::playback::Command;
use super::state::{Loaded, Session};
use crate::scenario::Action;
use crate::sim::{Dur, SimTime};
use bevy_egui::egui::{self, Color32, RichText};
use std::path::PathBuf;

/// What the panel asked for this frame.
#[derive(Default)]
pub struct Asked {
    /// Open this scenario file.
    pub open: Option<PathBuf>,
    /// Show the file dialog.
    pub browse: bool,
    /// Commands for the loaded simulation, in order.
    pub commands: Vec<Command>,
}

/// Draws the picker part.
pub fn picker(ui: &mut egui::Ui, s: &Session, asked: &mut Asked) {
    ui.heading("Scenarios");
    egui::ScrollArea::vertical().id_salt("picker").max_height(300.0).show(ui, |ui| {
        for e in &s.catalog {
            let current = s.loaded.as_ref().is_some_and(|l| l.path == e.path);
            let label = if e.ok {
                RichText::new(&e.name).strong()
            } else {
                RichText::new(&e.name).color(Color32::from_rgb(255, 110, 110))
            };
            let r = ui.selectable_label(current, label).on_hover_text(e.path.display().to_string());
            // The one-line description (or the load error) under the name.
            let about = if e.about.chars().count() > 110 {
                format!("{}…", e.about.chars().take(110).collect::<String>())
            } else {
                e.about.clone()
            };
            ui.label(RichText::new(about).small().color(if e.ok {
                Color32::GRAY
            } else {
                Color32::from_rgb(220, 120, 120)
            }));
            ui.add_space(3.0);
            if r.clicked() {
                asked.open = Some(e.path.clone());
            }
        }
        if s.catalog.is_empty() {
            ui.label("No scenarios found in the scenarios folder.");
        }
    });
    if ui.button("📂 Open file…").clicked() {
        asked.browse = true;
    }
}

/// Draws the playback part.
pub fn playback(ui: &mut egui::Ui, l: &mut Loaded, asked: &mut Asked) {
    ui.separator();
    ui.heading("Playback");
    ui.label(RichText::new(format!("t = {}  of {}", l.sim.now(), l.scenario.duration)).monospace());
    if let Some(v) = &l.sim.violation {
        // The UI font has no arrow glyph.
        let detail = v.detail.replace('→', "->");
        let text = format!("⚠ Invariant {} broke at {}: {detail}. The run stopped here.", v.invariant, SimTime(v.t_us));
        ui.label(RichText::new(text).color(Color32::from_rgb(230, 80, 70)).strong());
        let repro = format!("brokerlab run {} --seed {}", l.path.display(), l.sim.seed);
        ui.label(RichText::new(repro).monospace().small());
    }
    ui.horizontal(|ui| {
        let (label, cmd) = if l.playing { ("⏸ Pause", Command::Pause) } else { ("▶ Play", Command::Play) };
        if ui.button(label).clicked() {
            asked.commands.push(cmd);
        }
        if ui.button("⏭ Step").on_hover_text("Run exactly one event").clicked() {
            asked.commands.push(Command::Step);
        }
        if ui
            .button("⚡ Next")
            .on_hover_text("Run to the next leader change, ISR change, session expiry, crash or truncation")
            .clicked()
        {
            asked.commands.push(Command::StepToInteresting);
        }
    });
    let mut speed = l.speed;
    let r = ui.add(egui::Slider::new(&mut speed, 0.1..=1000.0).logarithmic(true).text("× speed"));
    if r.changed() {
        asked.commands.push(Command::Speed(speed));
    }
    ui.horizontal(|ui| {
        ui.label("seed");
        ui.add(egui::TextEdit::singleline(&mut l.seed_text).desired_width(90.0));
        if ui.button("⟲ Restart").on_hover_text("Start over with this seed").clicked() {
            match l.seed_text.trim().parse::<u64>() {
                Ok(seed) => asked.commands.push(Command::Restart(seed)),
                Err(_) => l.seed_text = l.sim.seed.to_string(),
            }
        }
        if ui.button("🎲").on_hover_text("Start over with the next seed").clicked() {
            asked.commands.push(Command::Restart(l.sim.seed.wrapping_add(1)));
        }
    });
}

/// Draws the fault-injection and save part.
pub fn inject(ui: &mut egui::Ui, l: &mut Loaded, asked: &mut Asked) {
    ui.separator();
    ui.heading("Break things");
    let brokers = l.scenario.cluster.brokers;
    let f = &mut l.inject;
    if brokers > 0 {
        broker_actions(ui, f, brokers, asked);
    }
    if l.scenario.rabbitmq.is_some() {
        ui.horizontal(|ui| {
            if ui.button("crash RabbitMQ").on_hover_text("Transient messages and non-durable queues are lost").clicked()
            {
                asked.commands.push(Command::Inject(Action::CrashRabbit));
            }
            if ui.button("restart RabbitMQ").clicked() {
                asked.commands.push(Command::Inject(Action::RestartRabbit));
            }
        });
    }
    let names = l.sim.names().clone();
    let clients: Vec<String> = l
        .sim
        .producers()
        .map(|(id, _)| id)
        .chain(l.sim.consumers().map(|(id, _)| id))
        .map(|id| names.node(id.0).to_string())
        .collect();
    if !clients.is_empty() {
        f.client = f.client.min(clients.len() - 1);
        ui.horizontal(|ui| {
            egui::ComboBox::from_id_salt("client").width(90.0).selected_text(clients[f.client].clone()).show_ui(
                ui,
                |ui| {
                    for (i, c) in clients.iter().enumerate() {
                        ui.selectable_value(&mut f.client, i, c);
                    }
                },
            );
            let c = clients[f.client].clone();
            if ui.button("crash").clicked() {
                asked.commands.push(Command::Inject(Action::CrashClient(c.clone())));
            }
            if ui.button("restart").clicked() {
                asked.commands.push(Command::Inject(Action::RestartClient(c.clone())));
            }
            if ui
                .button("⏸")
                .on_hover_text("The consumer's application stops polling (max.poll.interval notices)")
                .clicked()
            {
                asked.commands.push(Command::Inject(Action::PauseConsumer(c.clone())));
            }
            if ui.button("▶").on_hover_text("The paused application carries on").clicked() {
                asked.commands.push(Command::Inject(Action::ResumeConsumer(c.clone())));
            }
        });
        ui.horizontal(|ui| {
            ui.add(egui::DragValue::new(&mut f.slow_ms).range(0..=10_000).suffix(" ms"));
            let c = clients[f.client].clone();
            if ui
                .button("slow client")
                .on_hover_text("Add latency between this client and every broker (0 ms heals)")
                .clicked()
            {
                for b in 1..=brokers {
                    asked.commands.push(Command::Inject(Action::SlowLink(
                        c.clone(),
                        format!("broker-{b}"),
                        Dur::ms(f.slow_ms as u64),
                    )));
                }
            }
        });
    }
    let groups: Vec<String> = l.scenario.consumer_groups.iter().map(|g| g.name.clone()).collect();
    if !groups.is_empty() {
        f.group = f.group.min(groups.len() - 1);
        ui.horizontal(|ui| {
            egui::ComboBox::from_id_salt("group").width(90.0).selected_text(groups[f.group].clone()).show_ui(
                ui,
                |ui| {
                    for (i, g) in groups.iter().enumerate() {
                        ui.selectable_value(&mut f.group, i, g);
                    }
                },
            );
            let g = groups[f.group].clone();
            if ui
                .button("➕ add consumer")
                .on_hover_text("A new member joins this group: watch the rebalance")
                .clicked()
            {
                let name = Some(l.sim.next_member_name(&g));
                asked.commands.push(Command::Inject(Action::AddConsumer { group: g, name, process_time: None }));
            }
        });
    }
    let nodes: Vec<String> = l.sim.names().nodes.clone();
    ui.horizontal(|ui| {
        for (salt, v) in [("link_a", &mut f.link_a), ("link_b", &mut f.link_b)] {
            egui::ComboBox::from_id_salt(salt).width(80.0).selected_text(v.clone()).show_ui(ui, |ui| {
                for n in &nodes {
                    ui.selectable_value(v, n.clone(), n);
                }
            });
        }
    });
    ui.horizontal(|ui| {
        let (a, b) = (f.link_a.clone(), f.link_b.clone());
        if ui.button("✂ cut link").clicked() && a != b {
            asked.commands.push(Command::Inject(Action::Cut(vec![a.clone()], vec![b.clone()])));
        }
        if ui.button("heal").clicked() {
            asked.commands.push(Command::Inject(Action::Heal(vec![a], vec![b])));
        }
        if ui.button("heal all").clicked() {
            asked.commands.push(Command::Inject(Action::HealAll));
        }
    });
    let producer = l.scenario.producers.get(f.client).map(|p| p.name.clone());
    let poison = ui.add_enabled(producer.is_some(), egui::Button::new("☠ poison next message"));
    let poison = poison
        .on_hover_text("The chosen producer's next record always fails processing")
        .on_disabled_hover_text("Choose a producer in the client list above");
    if poison.clicked()
        && let Some(p) = producer
    {
        asked.commands.push(Command::Inject(Action::PoisonMessage(p)));
    }
    ui.label(RichText::new(format!("{} inputs recorded", l.sim.injected.len())).small().color(Color32::GRAY));
    ui.separator();
    ui.horizontal(|ui| {
        ui.add(egui::TextEdit::singleline(&mut l.save_path).desired_width(130.0));
        if ui
            .button("💾 Save session")
            .on_hover_text("Write the scenario with the seed and every input so far; `brokerlab run FILE` replays it")
            .clicked()
        {
            asked.commands.push(Command::Save(l.save_path.clone()));
        }
    });
}

fn broker_actions(ui: &mut egui::Ui, f: &mut super::state::InjectForm, brokers: u32, asked: &mut Asked) {
    ui.horizontal(|ui| {
        egui::ComboBox::from_id_salt("broker").width(90.0).selected_text(format!("broker-{}", f.broker)).show_ui(
            ui,
            |ui| {
                for b in 1..=brokers {
                    ui.selectable_value(&mut f.broker, b, format!("broker-{b}"));
                }
            },
        );
        let b = f.broker;
        if ui.button("crash").on_hover_text("Process crash: the log on disk survives").clicked() {
            asked.commands.push(Command::Inject(Action::CrashBroker(b)));
        }
        if ui.button("restart").clicked() {
            asked.commands.push(Command::Inject(Action::RestartBroker(b)));
        }
    });
    ui.horizontal(|ui| {
        let b = f.broker;
        if ui.button("power off").on_hover_text("Machine crash: unflushed records are lost").clicked() {
            asked.commands.push(Command::Inject(Action::PowerOffBroker(b)));
        }
        if ui.button("stop cleanly").clicked() {
            asked.commands.push(Command::Inject(Action::StopBroker(b)));
        }
        if ui.button("crash controller").clicked() {
            asked.commands.push(Command::Inject(Action::CrashController));
        }
    });
}
