//! One chart sample: the quantities the live charts plot (rates, lag per consumer, queue
//! depths, the smallest ISR, log depth), read from the simulation at a sample point.

use crate::sim::NodeId;
use crate::world::Simulation;

/// One chart sample.
#[derive(Clone, Debug)]
pub struct Sample {
    /// Seconds.
    pub t: f64,
    /// Records created so far.
    pub produced: u64,
    /// Records processed so far.
    pub consumed: u64,
    /// Lag per consumer (in `Simulation::consumers` order); None while it is not running
    /// (not started yet, crashed), so it draws no line there.
    pub lag: Vec<Option<u64>>,
    /// Smallest ISR over all partitions, 0 where every replica is down (None: no Kafka).
    pub min_isr: Option<usize>,
    /// Records retained in partition logs (leaders).
    pub depth: u64,
    /// Ready messages per RabbitMQ queue (in name order).
    pub queues: Vec<u64>,
}

/// Whether a consumer is running now: started, and not crashed.
fn lives(sim: &Simulation, id: NodeId, start_us: u64) -> bool {
    sim.is_up(id) && sim.now().0 >= start_us
}

impl Sample {
    /// The simulation's state now.
    pub fn of(sim: &Simulation) -> Sample {
        let parts = sim.partitions();
        let leaders: Vec<_> = parts.iter().filter_map(|&tp| sim.authoritative_replica(tp)).collect();
        Sample {
            t: sim.now().as_secs_f64(),
            produced: sim.stats.produced + sim.stats.amqp.published,
            consumed: sim.stats.consumed(),
            lag: sim.consumers().map(|(id, c)| lives(sim, id, c.cfg.start.0).then(|| sim.lag(id))).collect(),
            // A partition with every replica down counts as 0: nothing in sync is reachable.
            min_isr: (sim.cluster().brokers > 0)
                .then(|| parts.iter().map(|&tp| sim.authoritative_replica(tp).map_or(0, |r| r.state.isr.len())).min())
                .flatten(),
            depth: leaders.iter().map(|r| r.log.end_offset() - r.log.start_offset()).sum(),
            queues: sim
                .rabbit()
                .map(|(_, r)| r.queues.values().map(|q| q.depth() as u64).collect())
                .unwrap_or_default(),
        }
    }
}
