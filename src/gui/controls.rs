//! The left panel's controls: playback (with its keys), fault injection and "save session
//! as scenario". Buttons produce `Command`s; nothing here touches the simulation. Only
//! nodes that exist are offered, and an action that makes no sense now (crash a crashed
//! broker, heal a link that is not cut) is disabled with a hover text that says why.

use super::playback::Command;
use super::state::{InjectForm, Loaded};
use crate::scenario::Action;
use crate::sim::{Dur, NodeId, SimTime};
use crate::world::{Node, Simulation};
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
    /// Show this timeline instead.
    pub switch_to: Option<String>,
    /// Compare with this timeline (Some(None): stop comparing).
    pub compare: Option<Option<String>>,
    /// Open the lifeline window on this message or key ("checkout#5", "key:car-7").
    pub lifeline: Option<String>,
    /// Ask when expectation N (index) became inevitable (Some(None): forget the answer).
    pub why: Option<Option<usize>>,
}

/// A button that is enabled only when `why_not` is None; disabled, it says why on hover.
fn act(ui: &mut egui::Ui, label: &str, hover: &str, why_not: Option<String>) -> bool {
    let r = ui.add_enabled(why_not.is_none(), egui::Button::new(label)).on_hover_text(hover);
    let r = match why_not {
        Some(w) => r.on_disabled_hover_text(w),
        None => r,
    };
    r.clicked()
}

/// Why `a` makes no sense right now (crash what is down, restart what runs, heal what is
/// not cut), or None. The buttons are disabled with this as their hover text.
pub fn refusal(sim: &Simulation, a: &Action) -> Option<String> {
    let node_up = |name: &str| sim.node_by_name(name).map(|id| sim.is_up(id));
    let down = |name: &str| (node_up(name) == Some(false)).then(|| format!("{name} is already down"));
    let running = |name: &str| (node_up(name) == Some(true)).then(|| format!("{name} is running"));
    let paused = |name: &str| {
        sim.node_by_name(name).is_some_and(|id| matches!(&sim.nodes()[id.0 as usize], Node::Consumer(c) if c.paused))
    };
    match a {
        Action::CrashBroker(b) | Action::PowerOffBroker(b) | Action::StopBroker(b) => down(&format!("broker-{b}")),
        Action::RestartBroker(b) => running(&format!("broker-{b}")),
        Action::CrashController => sim.controller().is_none().then(|| "no broker is controller right now".into()),
        Action::CrashZooKeeper => down("zookeeper").map(|_| "ZooKeeper is already down".into()),
        Action::RestartZooKeeper => running("zookeeper").map(|_| "ZooKeeper is running".into()),
        Action::CrashRabbit => down("rabbit").map(|_| "RabbitMQ is already down".into()),
        Action::RestartRabbit => running("rabbit").map(|_| "RabbitMQ is running".into()),
        Action::CrashClient(n) => down(n),
        Action::RestartClient(n) => running(n),
        Action::PauseConsumer(n) => down(n).or_else(|| paused(n).then(|| format!("{n} is already stalled"))),
        Action::ResumeConsumer(n) => (!paused(n)).then(|| format!("{n} is not stalled")),
        Action::Cut(a, b) if a == b => Some("choose two different nodes".into()),
        Action::Cut(a, b) => (a.len() == 1 && b.len() == 1 && cut_between(sim, &a[0], &b[0]))
            .then(|| format!("{} and {} are already cut", a[0], b[0])),
        Action::Heal(a, b) => (a.len() == 1 && b.len() == 1 && !cut_between(sim, &a[0], &b[0]))
            .then(|| format!("no cut between {} and {}", a[0], b[0])),
        Action::HealAll => sim.cuts().is_empty().then(|| "nothing is cut".into()),
        Action::RestartCrashed => {
            sim.crashed_still_down().is_none().then(|| "nothing a fault took down is down".into())
        }
        Action::CrashLeader { .. }
        | Action::SlowLink(..)
        | Action::PoisonMessage(_)
        | Action::AddConsumer { .. }
        | Action::CrashCoordinator(_)
        | Action::AddPartitions { .. } => None,
    }
}

/// A button for an input: enabled when it makes sense now, pushed as a command when clicked.
fn input(ui: &mut egui::Ui, sim: &Simulation, label: &str, hover: &str, a: Action, asked: &mut Asked) {
    if act(ui, label, hover, refusal(sim, &a)) {
        asked.commands.push(Command::Inject(a));
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
    ui.horizontal_wrapped(|ui| {
        let (label, cmd) = if l.playing { ("⏸ Pause", Command::Pause) } else { ("▶ Play", Command::Play) };
        if ui.button(label).on_hover_text("Space").clicked() {
            asked.commands.push(cmd);
        }
        let step = "Run to the next event you can see: a record produced, acked, delivered or processed, or a cluster \
                    event; the log says what happened (→). With \"data path too\" (in the log), fetches and replication count.";
        if ui.button("⏭ Step").on_hover_text(step).clicked() {
            asked.commands.push(Command::Step);
        }
        let next = "Run to the next incident: a leader or ISR change, a crash, a rebalance, a dead letter (N)";
        if ui.button("⚡ Next").on_hover_text(next).clicked() {
            asked.commands.push(Command::StepToInteresting);
        }
    });
    let mut speed = l.speed;
    let r =
        ui.add(egui::Slider::new(&mut speed, 0.1..=1000.0).logarithmic(true).text("× speed")).on_hover_text("+ / −");
    if r.changed() {
        asked.commands.push(Command::Speed(speed));
    }
    ui.horizontal(|ui| {
        ui.label("seed");
        ui.add(egui::TextEdit::singleline(&mut l.seed_text).desired_width(80.0));
        if ui.button("⟲ Restart").on_hover_text("Start over with this seed (R)").clicked() {
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

/// The nodes a link can join: ZooKeeper (Kafka), brokers, the RabbitMQ node, clients.
pub fn linkable(sim: &Simulation) -> Vec<String> {
    let names = sim.names();
    let kafka = sim.cluster().brokers > 0;
    (0..names.nodes.len()).filter(|&i| i > 0 || kafka).map(|i| names.nodes[i].clone()).collect()
}

/// Whether a cut separates `a` and `b` now.
pub fn cut_between(sim: &Simulation, a: &str, b: &str) -> bool {
    let (Some(x), Some(y)) = (sim.node_by_name(a), sim.node_by_name(b)) else { return false };
    sim.cuts().iter().any(|c| (c.a.contains(&x) && c.b.contains(&y)) || (c.a.contains(&y) && c.b.contains(&x)))
}

/// Draws the fault-injection and save part.
pub fn inject(ui: &mut egui::Ui, l: &mut Loaded, asked: &mut Asked) {
    ui.separator();
    ui.heading("Break things");
    let brokers = l.scenario.cluster.brokers;
    if brokers > 0 {
        broker_actions(ui, &l.sim, &mut l.inject, brokers, asked);
    }
    if l.sim.rabbit().is_some() {
        ui.horizontal(|ui| {
            let hover = "Transient messages and non-durable queues are lost";
            input(ui, &l.sim, "crash RabbitMQ", hover, Action::CrashRabbit, asked);
            input(ui, &l.sim, "restart RabbitMQ", "Start the node again", Action::RestartRabbit, asked);
        });
    }
    client_actions(ui, l, asked);
    link_actions(ui, l, asked);
    let n = l.sim.injected.len();
    let text = format!("{n} input{} recorded", if n == 1 { "" } else { "s" });
    ui.label(RichText::new(text).small().color(Color32::GRAY));
    ui.separator();
    ui.horizontal(|ui| {
        ui.add(egui::TextEdit::singleline(&mut l.save_path).desired_width(130.0));
        let hover = "Write the scenario with the seed and every input so far, and what happened as its expectations; \
                     `brokerlab run FILE` replays it";
        if ui.button("💾 Save session").on_hover_text(hover).clicked() {
            asked.commands.push(Command::Save(l.save_path.clone()));
        }
    });
}

fn broker_actions(ui: &mut egui::Ui, sim: &Simulation, f: &mut InjectForm, brokers: u32, asked: &mut Asked) {
    f.broker = f.broker.clamp(1, brokers);
    let b = f.broker;
    ui.horizontal_wrapped(|ui| {
        egui::ComboBox::from_id_salt("broker").width(80.0).selected_text(format!("broker-{b}")).show_ui(ui, |ui| {
            for x in 1..=brokers {
                ui.selectable_value(&mut f.broker, x, format!("broker-{x}"));
            }
        });
        input(ui, sim, "crash", "Process crash: the log on disk survives", Action::CrashBroker(b), asked);
        input(ui, sim, "restart", "Start it again: it rejoins and catches up", Action::RestartBroker(b), asked);
        input(ui, sim, "power off", "Machine crash: unflushed records are lost", Action::PowerOffBroker(b), asked);
        input(
            ui,
            sim,
            "stop cleanly",
            "Controlled shutdown: flushes, leaves ZooKeeper at once",
            Action::StopBroker(b),
            asked,
        );
    });
    ui.horizontal_wrapped(|ui| {
        input(ui, sim, "crash controller", "Crash whichever broker is the controller", Action::CrashController, asked);
        input(
            ui,
            sim,
            "crash ZooKeeper",
            "Brokers keep serving; no elections until it returns",
            Action::CrashZooKeeper,
            asked,
        );
        input(ui, sim, "restart ZooKeeper", "ZooKeeper comes back", Action::RestartZooKeeper, asked);
    });
}

/// Every client: Kafka producers and consumers, AMQP publishers and consumers.
fn clients(sim: &Simulation) -> Vec<(NodeId, String)> {
    let names = sim.names();
    let mut v: Vec<NodeId> = sim.producers().map(|(id, _)| id).collect();
    v.extend(sim.publishers().map(|(id, _)| id));
    v.extend(sim.consumers().map(|(id, _)| id));
    v.extend(sim.amqp_consumers().map(|(id, _)| id));
    v.into_iter().map(|id| (id, names.node(id.0).to_string())).collect()
}

fn client_actions(ui: &mut egui::Ui, l: &mut Loaded, asked: &mut Asked) {
    let list = clients(&l.sim);
    if list.is_empty() {
        return;
    }
    let f = &mut l.inject;
    f.client = f.client.min(list.len() - 1);
    let (id, name) = list[f.client].clone();
    let sim = &l.sim;
    let node = &sim.nodes()[id.0 as usize];
    let kafka_consumer = matches!(node, Node::Consumer(_));
    let source = matches!(node, Node::Producer(_) | Node::Publisher(_));
    ui.horizontal_wrapped(|ui| {
        egui::ComboBox::from_id_salt("client").width(100.0).selected_text(name.clone()).show_ui(ui, |ui| {
            for (i, (_, c)) in list.iter().enumerate() {
                ui.selectable_value(&mut f.client, i, c);
            }
        });
        input(ui, sim, "crash", "The client process dies", Action::CrashClient(name.clone()), asked);
        input(ui, sim, "restart", "Start it again", Action::RestartClient(name.clone()), asked);
        if kafka_consumer {
            let stall = "The application stops polling; heartbeats go on, so only max.poll.interval notices";
            input(ui, sim, "⏸ stall", stall, Action::PauseConsumer(name.clone()), asked);
            input(
                ui,
                sim,
                "▶ carry on",
                "The stalled application carries on",
                Action::ResumeConsumer(name.clone()),
                asked,
            );
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.add(egui::DragValue::new(&mut f.slow_ms).range(0..=10_000).suffix(" ms"));
        if act(ui, "slow client", "Add latency between this client and every server (0 ms heals)", None) {
            let servers: Vec<String> = (1..=sim.cluster().brokers)
                .map(|b| format!("broker-{b}"))
                .chain(sim.rabbit().map(|_| "rabbit".to_string()))
                .collect();
            for s in servers {
                asked.commands.push(Command::Inject(Action::SlowLink(name.clone(), s, Dur::ms(f.slow_ms as u64))));
            }
        }
        let why = (!source).then(|| "choose a producer or publisher in the client list".to_string());
        if act(ui, "☠ poison next", "This client's next message always fails processing", why) {
            asked.commands.push(Command::Inject(Action::PoisonMessage(name.clone())));
        }
    });
    let groups: Vec<String> = l.scenario.consumer_groups.iter().map(|g| g.name.clone()).collect();
    if !groups.is_empty() {
        f.group = f.group.min(groups.len() - 1);
        ui.horizontal(|ui| {
            egui::ComboBox::from_id_salt("group").width(100.0).selected_text(groups[f.group].clone()).show_ui(
                ui,
                |ui| {
                    for (i, g) in groups.iter().enumerate() {
                        ui.selectable_value(&mut f.group, i, g);
                    }
                },
            );
            let g = groups[f.group].clone();
            if act(ui, "➕ add consumer", "A new member joins this group: watch the rebalance", None) {
                let name = Some(sim.next_member_name(&g));
                asked.commands.push(Command::Inject(Action::AddConsumer { group: g, name, process_time: None }));
            }
        });
    }
}

fn link_actions(ui: &mut egui::Ui, l: &mut Loaded, asked: &mut Asked) {
    let nodes = linkable(&l.sim);
    let f = &mut l.inject;
    for v in [&mut f.link_a, &mut f.link_b] {
        if !nodes.contains(v) {
            v.clone_from(&nodes[0]);
        }
    }
    ui.horizontal(|ui| {
        ui.label("link");
        for (salt, v) in [("link_a", &mut f.link_a), ("link_b", &mut f.link_b)] {
            egui::ComboBox::from_id_salt(salt).width(80.0).selected_text(v.clone()).show_ui(ui, |ui| {
                for n in &nodes {
                    ui.selectable_value(v, n.clone(), n);
                }
            });
        }
    });
    let (a, b) = (f.link_a.clone(), f.link_b.clone());
    let sim = &l.sim;
    ui.horizontal_wrapped(|ui| {
        input(
            ui,
            sim,
            "✂ cut link",
            "Messages between the two are dropped",
            Action::Cut(vec![a.clone()], vec![b.clone()]),
            asked,
        );
        input(ui, sim, "heal", "Reconnect the two", Action::Heal(vec![a], vec![b]), asked);
        input(ui, sim, "heal all", "Reconnect everything", Action::HealAll, asked);
    });
}
