//! Unit tests of `kafka_controller`.

use super::*;

fn st(leader: u32, isr: &[u32], replicas: &[u32]) -> PartitionState {
    PartitionState {
        leader: Some(BrokerId(leader)),
        leader_epoch: 0,
        isr: isr.iter().map(|&b| BrokerId(b)).collect(),
        replicas: replicas.iter().map(|&b| BrokerId(b)).collect(),
        partition_epoch: 0,
    }
}
fn live(b: &[u32]) -> BTreeSet<BrokerId> {
    b.iter().map(|&b| BrokerId(b)).collect()
}

#[test]
fn election_table_follows_assignment_order_isr_and_unclean_flag() {
    // (state, live, unclean) → expected
    let cases = [
        (st(1, &[1, 2, 3], &[1, 2, 3]), live(&[2, 3]), false, Some((2, Election::Clean))),
        (st(1, &[1, 3], &[1, 2, 3]), live(&[2, 3]), false, Some((3, Election::Clean))),
        (st(1, &[1], &[1, 2, 3]), live(&[2, 3]), false, None),
        (st(1, &[1], &[1, 2, 3]), live(&[2, 3]), true, Some((2, Election::Unclean))),
        (st(1, &[3, 2], &[1, 3, 2]), live(&[2, 3]), false, Some((3, Election::Clean))),
    ];
    for (s, l, unclean, want) in cases {
        let got = elect_leader(&s, &l, unclean).map(|(b, e)| (b.0, e));
        assert_eq!(got, want, "{s:?} live {l:?}");
    }
}

#[test]
fn isr_never_shrinks_below_one_member() {
    let dead = live(&[1, 2]);
    assert_eq!(remove_from_isr(&[BrokerId(1), BrokerId(2)], &dead), vec![BrokerId(2)]);
    assert_eq!(remove_from_isr(&[BrokerId(1), BrokerId(2), BrokerId(3)], &dead), vec![BrokerId(3)]);
}
