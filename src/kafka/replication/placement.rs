//! Replica placement at topic creation, as Kafka's rack-unaware admin algorithm does it
//! (AdminUtils.assignReplicasToBrokersRackUnaware): first replicas round robin from a start
//! index, followers at an increasing shift, so leaders spread and no broker holds two
//! replicas of one partition.

use crate::trace::BrokerId;

/// Replica lists per partition. `start` and `shift` are the algorithm's random start index
/// and replica shift (Kafka draws them at random; the scenario fixes or seeds them).
pub fn assign_replicas(
    brokers: &[BrokerId],
    partitions: u32,
    rf: u32,
    start: usize,
    shift: usize,
) -> Result<Vec<Vec<BrokerId>>, String> {
    let n = brokers.len();
    if rf == 0 || rf as usize > n {
        return Err(format!("replication factor {rf} must be between 1 and the number of brokers ({n})"));
    }
    let mut out = Vec::with_capacity(partitions as usize);
    let mut next_shift = shift;
    for p in 0..partitions as usize {
        if p > 0 && p % n == 0 {
            next_shift += 1;
        }
        let first = (p + start) % n;
        let mut replicas = vec![brokers[first]];
        for j in 0..rf as usize - 1 {
            let s = 1 + (next_shift + j) % (n - 1);
            replicas.push(brokers[(first + s) % n]);
        }
        out.push(replicas);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_kafka_admin_rack_aware_test_vector() {
        let b: Vec<BrokerId> = (0..5).map(BrokerId).collect();
        let got = assign_replicas(&b, 10, 3, 0, 0).unwrap();
        let want = [
            [0, 1, 2],
            [1, 2, 3],
            [2, 3, 4],
            [3, 4, 0],
            [4, 0, 1],
            [0, 2, 3],
            [1, 3, 4],
            [2, 4, 0],
            [3, 0, 1],
            [4, 1, 2],
        ];
        for (p, w) in want.iter().enumerate() {
            assert_eq!(got[p].iter().map(|b| b.0).collect::<Vec<_>>(), w.to_vec(), "partition {p}");
        }
        assert!(assign_replicas(&b, 10, 0, 0, 0).is_err());
        assert!(assign_replicas(&b, 10, 6, 0, 0).is_err());
    }
}
