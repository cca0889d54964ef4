//! Words for what the pointer rests on in the scene: a replica row's HW, LEO, role and ISR
//! in plain language, so a learner who meets them before the chapter that teaches them
//! can read the picture (the legend says the same for every mark at once).

use super::layout::{replica_row, rows_that_fit};
use super::model::{GroupView, RowRole, RowView, SceneModel};
use bevy_egui::egui::Pos2;

/// The explanation of the replica row or consumer-group box under `p`, if any (the caller
/// leaves out points on a client or a message, which a click selects).
pub fn at(m: &SceneModel, p: Pos2) -> Option<String> {
    if let Some((g, _)) = m.groups.iter().zip(&m.layout.group_boxes).find(|(_, r)| r.contains(p)) {
        return Some(group_words(g));
    }
    let (i, b) = m.layout.brokers.iter().enumerate().find(|(_, b)| b.contains(p))?;
    let rows = m.rows.get(i)?;
    let r = rows.iter().enumerate().take(rows_that_fit(*b)).find(|(r, _)| replica_row(*b, *r).contains(p))?.1;
    Some(row_words(r))
}

/// What a consumer group's box says.
pub fn group_words(g: &GroupView) -> String {
    let mut lines = vec![format!(
        "group {}: a consumer group. Its members share the partitions of its topics: each partition \
         goes to one member at a time.",
        g.name
    )];
    if let Some((b, generation, state)) = &g.coordinator {
        lines.push(format!(
            "coordinator broker-{}: the broker that runs the group and stores its committed offsets. \
             gen {generation}: the generation, one more at each rebalance (a new share-out). {state}: \
             its state now.",
            b.0
        ));
    }
    lines.push(
        "\"P committed N\" under a member: the group's committed offset in partition P, the next \
         record it resumes from after a crash or restart. lag: records stored but not yet processed."
            .into(),
    );
    lines.join("\n")
}

/// What a replica row's labels mean, with its own numbers.
pub fn row_words(r: &RowView) -> String {
    let of = match r.label.strip_prefix("offsets-").and_then(|rest| rest.split_once(" · ")) {
        Some((_, group)) => {
            format!("__consumer_offsets, the internal topic that keeps group {group}'s committed offsets")
        }
        None => "the topic".into(),
    };
    let mut lines = vec![format!("{}: this broker's copy (replica) of a partition of {of}.", r.label)];
    let role = match r.role {
        _ if r.offline => "OFFLINE: no running broker leads this partition, so nobody can write or read it. \
                           After a leader crash this lasts until the controller learns of it (ZooKeeper \
                           expires the dead broker's session) and makes an in-sync follower leader."
            .to_string(),
        RowRole::Leader(e) => format!(
            "♛ leader: every write and read of the partition goes to this copy. e{e}: the leader epoch, \
             one more at each change of leader."
        ),
        RowRole::InSync => "follower in the ISR: it copies the leader and keeps up. It learns the HW from \
                            the leader's fetch answers, so its HW can trail the leader's by a fetch."
            .into(),
        RowRole::OutOfSync => "follower out of sync: it fell behind, so writes no longer wait for it.".into(),
        RowRole::NoRole => "no role yet: the controller has not told this broker what to do.".into(),
        RowRole::Down => "down: its broker is not running.".into(),
    };
    lines.push(role);
    if !r.isr.is_empty() {
        let isr: Vec<String> = r.isr.iter().map(|b| b.0.to_string()).collect();
        lines.push(format!(
            "ISR {{{}}}: the in-sync replicas, the brokers whose copies keep up with the leader.",
            isr.join(",")
        ));
    }
    lines.push(format!(
        "LEO {}: log end offset, the position the next record gets (this copy holds {} record(s) before it).",
        r.leo,
        r.leo.saturating_sub(r.start)
    ));
    lines.push(format!(
        "HW {}: high watermark. Records below it are on every in-sync replica (Kafka calls them \
         committed: solid cells); consumers only get those. Hollow cells are not there yet.",
        r.hw
    ));
    if r.start > 0 {
        lines.push(format!("log start {}: older records were deleted by retention.", r.start));
    }
    for (g, off) in &r.committed {
        lines.push(format!(
            "group {g} committed offset {off}: where the group resumes after a restart (a different \
             \"committed\" from the HW's)."
        ));
    }
    lines.push("Click for its details in the inspector.".into());
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{BrokerId, TopicId, Tp};

    fn row(label: &str, role: RowRole) -> RowView {
        RowView {
            tp: Tp { topic: TopicId(0), partition: 0 },
            broker: BrokerId(1),
            label: label.into(),
            role,
            offline: false,
            isr: vec![BrokerId(1), BrokerId(3)],
            start: 2,
            hw: 7,
            leo: 9,
            committed: vec![("billing".into(), 5)],
            positions: vec![],
        }
    }

    #[test]
    fn a_leader_row_is_worded_with_its_own_numbers() {
        let w = row_words(&row("orders-0", RowRole::Leader(4)));
        for part in
            ["orders-0", "of the topic", "e4: the leader epoch", "ISR {1,3}", "LEO 9", "holds 7 record(s)", "HW 7"]
        {
            assert!(w.contains(part), "{part:?} missing from {w}");
        }
        assert!(w.contains("log start 2") && w.contains("group billing committed offset 5"), "{w}");
    }

    #[test]
    fn a_group_box_names_its_coordinator_generation_and_committed_offsets() {
        let g =
            GroupView { name: "notify".into(), coordinator: Some((BrokerId(2), 3, "Stable".into())), members: vec![] };
        let w = group_words(&g);
        for part in ["group notify", "coordinator broker-2", "gen 3", "Stable", "committed offset"] {
            assert!(w.contains(part), "{part:?} missing from {w}");
        }
    }

    #[test]
    fn an_offsets_row_names_the_internal_topic_and_its_group() {
        let w = row_words(&row("offsets-3 · notify", RowRole::InSync));
        assert!(w.contains("__consumer_offsets") && w.contains("group notify's committed offsets"), "{w}");
        assert!(w.contains("follower in the ISR"), "{w}");
    }
}
