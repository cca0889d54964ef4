//! What a newcomer meets in the first minutes, without a window: the bare start, files that
//! do not load, RabbitMQ-only scenarios' controls, inputs refused when they name nothing,
//! Step, captions after the run left the script, the drawn state (offline badges, ISR,
//! committed-offset markers), messages that stay on screen, and redrawing only when needed.
#![cfg(feature = "gui")]

use bevy_egui::egui::{Rect, pos2, vec2};
use brokerlab::cli::open_args;
use brokerlab::gui::controls::{linkable, refusal};
use brokerlab::gui::flights::Flights;
use brokerlab::gui::playback::{Command, command, loaded_from, run_to};
use brokerlab::gui::scene::banner;
use brokerlab::gui::scene::{RowRole, model};
use brokerlab::gui::state::Loaded;
use brokerlab::gui::{inspector, prepare, window};
use brokerlab::runner::run_scenario;
use brokerlab::scenario::{Action, load_file};
use brokerlab::sim::{Dur, SimTime};
use brokerlab::trace::RecordKind;
use std::path::PathBuf;
use std::sync::Arc;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn load(name: &str, seed: Option<u64>) -> Loaded {
    loaded_from(&std::fs::read_to_string(dir().join(name)).unwrap(), seed).unwrap()
}

fn area() -> Rect {
    Rect::from_min_size(pos2(0.0, 0.0), vec2(900.0, 560.0))
}

fn scene(l: &Loaded) -> brokerlab::gui::scene::SceneModel {
    let mut f = Flights::default();
    f.update(&l.sim, 0.0, false);
    model(&l.sim, area(), &f)
}

#[test]
fn bare_start_opens_the_app_with_clap_defaults_and_a_full_picker() {
    let a = open_args(&["brokerlab"]).expect("bare brokerlab is `open`");
    assert_eq!(a.after, "5s");
    assert!(a.file.is_none() && a.screenshot.is_none());
    let s = prepare(&a).expect("the bare start prepares without error");
    assert!(s.loaded.is_none() && s.load_error.is_none());
    assert!(s.catalog.len() >= 29, "the picker is full: {}", s.catalog.len());
    assert!(s.catalog.iter().all(|e| e.ok), "every shipped scenario loads in the picker");
}

#[test]
fn a_file_that_does_not_load_is_an_error_window_or_not() {
    for argv in
        [vec!["brokerlab", "open", "missing.ron", "--screenshot", "x.png"], vec!["brokerlab", "open", "missing.ron"]]
    {
        let a = open_args(&argv).unwrap();
        let e = prepare(&a).err().expect("a missing file is an error");
        assert!(e.contains("missing.ron"), "{e}");
    }
    let a = open_args(&["brokerlab", "open", "--after", "soon"]).unwrap();
    assert!(prepare(&a).is_err());
}

fn rabbit_only() -> Vec<&'static str> {
    vec![
        "20_rabbit_point_to_point.ron",
        "21_rabbit_pub_sub.ron",
        "22_rabbit_topic_routing.ron",
        "23_rabbit_prefetch.ron",
        "24_rabbit_requeue_vs_dlx.ron",
        "25_rabbit_ttl_dlx.ron",
        "26_rabbit_max_length.ron",
        "28_rabbit_broker_restart.ron",
        "29_rabbit_dead_letter_cycles.ron",
    ]
}

#[test]
fn rabbitmq_only_controls_offer_existing_nodes_and_saved_sessions_replay() {
    for name in rabbit_only() {
        let mut l = load(name, None);
        let nodes = linkable(&l.sim);
        assert!(!nodes.iter().any(|n| n.starts_with("broker-") || n == "zookeeper"), "{name}: {nodes:?}");
        assert!(nodes.contains(&l.inject.link_a) && nodes.contains(&l.inject.link_b), "{name}: pickers on real nodes");
        assert_ne!(l.inject.link_a, l.inject.link_b);
        run_to(&mut l, SimTime(2_000_000), u64::MAX);
        let publisher = l.sim.publishers().next().map(|(id, _)| l.sim.names().node(id.0).to_string()).unwrap();
        let consumer = l.sim.amqp_consumers().next().map(|(id, _)| l.sim.names().node(id.0).to_string()).unwrap();
        let (a, b) = (l.inject.link_a.clone(), l.inject.link_b.clone());
        let refused = command(&mut l, Command::Inject(Action::Cut(vec!["broker-1".into()], vec![b.clone()])));
        assert!(
            refused.is_some_and(|m| m.contains("broker-1")),
            "{name}: cutting a node that does not exist is refused"
        );
        for act in [
            Action::Cut(vec![a.clone()], vec![b.clone()]),
            Action::CrashClient(publisher.clone()),
            Action::CrashClient(consumer.clone()),
            Action::PoisonMessage(publisher.clone()),
            Action::SlowLink(consumer.clone(), "rabbit".into(), Dur::ms(50)),
        ] {
            assert_eq!(command(&mut l, Command::Inject(act.clone())), None, "{name}: {act:?}");
        }
        run_to(&mut l, SimTime(3_000_000), u64::MAX);
        for act in [Action::HealAll, Action::RestartClient(publisher), Action::RestartClient(consumer)] {
            assert_eq!(command(&mut l, Command::Inject(act.clone())), None, "{name}: {act:?}");
        }
        let t = SimTime(l.scenario.duration.0.min(8_000_000));
        run_to(&mut l, t, u64::MAX);
        let path = std::env::temp_dir().join(format!("brokerlab-{}-{name}", std::process::id()));
        command(&mut l, Command::Save(path.display().to_string()));
        let saved = Arc::new(load_file(&path).unwrap_or_else(|e| panic!("{name}: saved session does not load: {e}")));
        std::fs::remove_file(&path).ok();
        let mut live = l.sim.clone();
        live.run_until(SimTime(saved.duration.0));
        let r = run_scenario(saved.clone(), saved.seed, None, None);
        assert_eq!(r.digest, live.trace.digest(), "{name}: the saved session replays to the digest seen live");
    }
}

#[test]
fn rabbitmq_messages_have_a_life_in_the_inspector() {
    let mut l = load("24_rabbit_requeue_vs_dlx.ron", None);
    run_to(&mut l, SimTime(5_000_000), u64::MAX);
    let m = l
        .sim
        .trace
        .recent()
        .iter()
        .find_map(|r| match &r.kind {
            RecordKind::Amqp(a) => a.value(),
            _ => None,
        })
        .expect("a RabbitMQ message");
    let life = inspector::message_life(&l.sim, m);
    assert!(life.len() >= 2, "routed, queued, delivered…: {life:?}");
}

#[test]
fn inputs_that_name_nothing_are_refused_when_injected() {
    let mut l = load("04_failover_acks_all.ron", None);
    for bad in [
        Action::CrashBroker(9),
        Action::CrashClient("nobody".into()),
        Action::CrashRabbit,
        Action::CrashClient("broker-1".into()),
    ] {
        let msg = command(&mut l, Command::Inject(bad.clone()));
        assert!(msg.is_some_and(|m| m.starts_with("not done")), "{bad:?}");
    }
    assert!(l.sim.injected.is_empty());
    assert!(l.off_script.is_none(), "a refused input does not leave the script");
}

#[test]
fn senseless_actions_are_disabled_with_a_reason() {
    let mut l = load("04_failover_acks_all.ron", None);
    run_to(&mut l, SimTime(1_000_000), u64::MAX);
    assert_eq!(refusal(&l.sim, &Action::CrashBroker(2)), None);
    assert!(refusal(&l.sim, &Action::RestartBroker(2)).is_some_and(|w| w.contains("running")));
    assert!(
        refusal(&l.sim, &Action::Heal(vec!["broker-1".into()], vec!["broker-2".into()]))
            .is_some_and(|w| w.contains("no cut"))
    );
    assert!(refusal(&l.sim, &Action::HealAll).is_some());
    command(&mut l, Command::Inject(Action::CrashBroker(2)));
    command(&mut l, Command::Inject(Action::Cut(vec!["broker-1".into()], vec!["broker-3".into()])));
    run_to(&mut l, SimTime(1_100_000), u64::MAX);
    assert!(refusal(&l.sim, &Action::CrashBroker(2)).is_some_and(|w| w.contains("already down")));
    assert_eq!(refusal(&l.sim, &Action::RestartBroker(2)), None);
    assert_eq!(refusal(&l.sim, &Action::Heal(vec!["broker-3".into()], vec!["broker-1".into()])), None);
    assert!(refusal(&l.sim, &Action::Cut(vec!["broker-1".into()], vec!["broker-3".into()])).is_some());
}

#[test]
fn step_moves_to_the_next_visible_event_and_data_path_adds_fetches() {
    let steps = |data_path: bool| {
        let mut l = load("01_pace_matching.ron", None);
        l.show_data_path = data_path;
        for _ in 0..25 {
            let before = l.sim.trace.count();
            assert_eq!(command(&mut l, Command::Step), None);
            let new = (l.sim.trace.count() - before) as usize;
            let shown = l
                .sim
                .trace
                .recent()
                .iter()
                .rev()
                .take(new)
                .any(|r| brokerlab::gui::playback::visible_to_step(&r.kind, data_path));
            assert!(shown, "each step ends at a record the log shows");
            assert!(
                l.sim.trace.recent().iter().rev().take(new).all(|r| r.seq >= l.stepped_from),
                "and the log shows it"
            );
        }
        (l.sim.now(), l.sim.events(), l.samples.len())
    };
    let (t, plain, samples) = steps(false);
    assert!(t > SimTime::ZERO, "25 steps move time: {t}");
    assert!(samples > 1 || t < SimTime(250_000), "charts sample while stepping");
    let (_, detailed, _) = steps(true);
    assert!(
        detailed < plain,
        "with data path, Step also stops at fetches and replication: {detailed} vs {plain} events"
    );
}

#[test]
fn after_a_fault_later_captions_are_what_the_script_said() {
    let mut l = load("04_failover_acks_all.ron", None);
    run_to(&mut l, SimTime(5_000_000), u64::MAX);
    let (text, stale, note) = banner::caption(&l);
    assert!(text.is_some() && !stale && note.is_none());
    command(&mut l, Command::Inject(Action::CrashBroker(3)));
    run_to(&mut l, SimTime(5_500_000), u64::MAX);
    let (_, stale, note) = banner::caption(&l);
    assert!(!stale, "the caption shown before the change is still this run's");
    assert!(note.is_some_and(|n| n.contains("5.000 s") || n.contains("5s") || n.contains("crash broker-3")));
    run_to(&mut l, SimTime(11_000_000), u64::MAX);
    let (text, stale, _) = banner::caption(&l);
    assert!(stale && text.is_some_and(|t| t.contains("The script said")));
}

#[test]
fn the_banner_names_the_broker_that_plays_the_role_in_this_run() {
    // On seed 404 broker-2 wins the first controller race (on the scenario's seed, broker-1).
    let mut l = load("08_controller_failover.ron", Some(404));
    run_to(&mut l, SimTime(9_000_000), u64::MAX);
    let (text, _, _) = banner::caption(&l);
    assert!(text.is_some_and(|t| t.contains("The controller, broker-2, crashes.")));
    let mut l = load("08_controller_failover.ron", None);
    run_to(&mut l, SimTime(9_000_000), u64::MAX);
    let (text, _, _) = banner::caption(&l);
    assert!(text.is_some_and(|t| t.contains("The controller, broker-1, crashes.")));
}

#[test]
fn a_partition_without_leader_is_drawn_offline() {
    let src = r#"Scenario(name: "offline", seed: 1, duration: "30s",
      cluster: (brokers: 2, controller: ZooKeeper(session_timeout: "2s")),
      topics: [(name: "t", partitions: 2, replication_factor: 1)],
      producers: [(name: "p", topic: "t", rate: PerSecond(20), acks: One)])"#;
    let mut l = loaded_from(src, None).unwrap();
    run_to(&mut l, SimTime(3_000_000), u64::MAX);
    assert!(scene(&l).rows.iter().flatten().all(|r| !r.offline));
    command(&mut l, Command::Inject(Action::CrashBroker(1)));
    run_to(&mut l, SimTime(10_000_000), u64::MAX);
    let m = scene(&l);
    for row in m.rows.iter().flatten() {
        assert_eq!(row.offline, l.sim.leader_of(row.tp).is_none(), "{}", row.label);
    }
    assert!(m.rows.iter().flatten().any(|r| r.offline), "broker-1's partition has no leader");
}

#[test]
fn the_drawn_isr_and_offsets_are_the_engines() {
    let mut l = load("04_failover_acks_all.ron", None);
    run_to(&mut l, SimTime(13_000_000), u64::MAX);
    let m = scene(&l);
    let mut leaders = 0;
    for row in m.rows.iter().flatten() {
        let rep = l.sim.replica(row.broker, row.tp).unwrap();
        assert_eq!(row.isr, rep.state.isr.to_vec());
        assert_eq!((row.hw, row.leo, row.start), (rep.hw, rep.log.end_offset(), rep.log.start_offset()));
        if let RowRole::Leader(e) = row.role {
            assert_eq!(e, rep.state.leader_epoch);
            leaders += 1;
        }
    }
    assert!(leaders > 0);
}

#[test]
fn committed_offset_markers_are_the_groups_committed_offsets() {
    let mut l = load("11_group_consumer_crash.ron", None);
    run_to(&mut l, SimTime(20_000_000), u64::MAX);
    let m = scene(&l);
    let mut marks = 0;
    for row in m.rows.iter().flatten().filter(|r| matches!(r.role, RowRole::Leader(_))) {
        for (g, off) in &row.committed {
            let gi = l.sim.names().groups.iter().position(|x| x == g).unwrap();
            let want = l.sim.stats.groups[&brokerlab::trace::GroupRef(gi as u16)].committed[&row.tp];
            assert_eq!(*off, want, "{} {g}", row.label);
            marks += 1;
        }
        for (member, pos) in &row.positions {
            let id = l.sim.node_by_name(member).unwrap();
            let c = l.sim.consumer_at(id).unwrap();
            assert_eq!(Some(*pos), c.cursors.iter().find(|k| k.tp == row.tp).map(|k| k.processed));
        }
    }
    assert!(marks >= 4, "every partition of orders has its group's committed offset drawn: {marks}");
    assert_eq!(m.groups.len(), 1);
    assert!(m.groups[0].coordinator.as_ref().is_some_and(|(_, g, st)| *g >= 1 && st == "Stable"), "{:?}", m.groups[0]);
}

#[test]
fn a_message_flies_for_a_moment_of_wall_time_even_when_delivered_at_once() {
    let mut l = load("01_pace_matching.ron", None);
    run_to(&mut l, SimTime(2_000_000), u64::MAX);
    let mut f = Flights::default();
    f.update(&l.sim, 10.0, true);
    let first = f.len();
    assert!(first > 0);
    run_to(&mut l, SimTime(2_100_000), u64::MAX); // every one of them is delivered by now
    f.update(&l.sim, 10.1, true);
    assert!(f.animating(), "delivered messages finish their flight");
    assert!(f.len() >= first);
    f.update(&l.sim, 10.5, true);
    assert!(!f.animating(), "after the minimum flight they are gone");
    f.update(&l.sim, 10.6, false);
    assert!(f.iter().all(|(fl, _)| fl.deliver_at >= l.sim.now()), "paused: only what the engine has in flight");
}

#[test]
fn a_paused_or_finished_app_does_not_redraw_every_frame() {
    let mut s = brokerlab::gui::state::Session::default();
    assert!(!window::needs_frames(&s));
    let mut l = load("01_pace_matching.ron", None);
    command(&mut l, Command::Play);
    s.loaded = Some(l);
    assert!(window::needs_frames(&s));
    command(s.loaded.as_mut().unwrap(), Command::Pause);
    assert!(!window::needs_frames(&s));
}

#[test]
fn an_input_after_the_end_is_refused_and_restart_keeps_the_chosen_targets() {
    let mut l = load("24_rabbit_requeue_vs_dlx.ron", None);
    l.inject.client = 2;
    let end = SimTime(l.scenario.duration.0);
    run_to(&mut l, end, u64::MAX);
    let msg = command(&mut l, Command::Inject(Action::CrashRabbit));
    assert!(msg.is_some_and(|m| m.contains("ended")), "nothing can happen after the run's end");
    let seed = l.sim.seed;
    command(&mut l, Command::Restart(seed));
    assert_eq!(l.inject.client, 2, "Restart keeps what the learner chose to break");
}

#[test]
fn acked_but_lost_is_counted_on_the_scene_after_an_unclean_election() {
    let mut l = load("07_unclean_election.ron", None);
    run_to(&mut l, SimTime(19_000_000), u64::MAX);
    assert_eq!(l.acked_lost(), 0, "nothing lost before the unclean election");
    run_to(&mut l, SimTime(22_000_000), u64::MAX);
    assert!(
        l.acked_lost() >= 100,
        "the stale leader lacks acknowledged records as soon as it leads: {}",
        l.acked_lost()
    );
    run_to(&mut l, SimTime(45_000_000), u64::MAX);
    let lost = l.acked_lost();
    assert_eq!(lost, brokerlab::world::checks::loss::acked_lost(&l.sim).len());
    assert!(lost >= 100, "the stale leader's log lacks acknowledged records: {lost}");
}

#[test]
fn speed_keys_step_through_round_speeds_and_reach_one() {
    use brokerlab::gui::keys::next_speed;
    let mut v = 0.1;
    let mut seen = vec![v];
    while v < 1000.0 {
        v = next_speed(v, true);
        seen.push(v);
    }
    assert!(seen.contains(&1.0), "{seen:?}");
    assert_eq!(next_speed(1.0, false), 0.5);
    assert_eq!(next_speed(0.1, false), 0.1);
    assert_eq!(next_speed(3.7, true), 5.0, "from a slider value to the next round one");
}
