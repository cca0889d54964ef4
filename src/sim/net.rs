//! The network: per-link latency distributions, loss, slow links and cuts between node
//! sets. Links are FIFO per direction (as TCP connections are): a message never overtakes
//! an earlier one on the same link, whatever latency it drew.

use super::node::NodeId;
use super::{Dur, NodeRng, SimTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How long a message takes on a link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Latency {
    /// Always the same.
    Fixed(Dur),
    /// Uniform between the two bounds, inclusive.
    Uniform(Dur, Dur),
    /// Normal with (mean, standard deviation), clipped to mean ± 3 sd and at least zero.
    Normal(Dur, Dur),
}

impl Default for Latency {
    fn default() -> Self {
        Latency::Uniform(Dur::ms(1), Dur::ms(3))
    }
}

impl Latency {
    /// Draws one latency from the distribution.
    pub fn sample(&self, rng: &mut NodeRng) -> Dur {
        match *self {
            Latency::Fixed(d) => d,
            Latency::Uniform(a, b) => Dur(rng.uniform(a.0.min(b.0), a.0.max(b.0))),
            Latency::Normal(mean, sd) => {
                let lo = mean.0.saturating_sub(3 * sd.0);
                Dur(rng.normal(mean.0, sd.0, lo, mean.0 + 3 * sd.0))
            }
        }
    }

    /// The largest value it can draw (used to bound timeouts in validation).
    pub fn max(&self) -> Dur {
        match *self {
            Latency::Fixed(d) => d,
            Latency::Uniform(a, b) => a.max(b),
            Latency::Normal(mean, sd) => Dur(mean.0 + 3 * sd.0),
        }
    }
}

/// Latency and loss of the network as a whole.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinkConfig {
    /// Latency distribution of every link.
    pub latency: Latency,
    /// Probability that a message is lost, per million.
    pub loss_per_million: u32,
}

/// A cut: no message crosses between the two sides until it is healed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cut {
    /// One side.
    pub a: Vec<NodeId>,
    /// The other side.
    pub b: Vec<NodeId>,
}

impl Cut {
    fn separates(&self, x: NodeId, y: NodeId) -> bool {
        (self.a.contains(&x) && self.b.contains(&y)) || (self.a.contains(&y) && self.b.contains(&x))
    }
}

/// Why the network did not deliver a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drop {
    /// A cut separates the two nodes.
    Cut,
    /// The loss probability struck.
    Lost,
}

/// The network state: configuration, cuts, slow links and FIFO bookkeeping.
#[derive(Clone, Debug)]
pub struct Network {
    config: LinkConfig,
    nodes: usize,
    cuts: Vec<Cut>,
    slow: BTreeMap<(NodeId, NodeId), Dur>,
    /// Last scheduled delivery per directed link, index from × nodes + to.
    last_delivery: Vec<SimTime>,
}

impl Network {
    /// A network of `nodes` nodes, all links alike.
    pub fn new(config: LinkConfig, nodes: usize) -> Network {
        Network {
            config,
            nodes,
            cuts: Vec::new(),
            slow: BTreeMap::new(),
            last_delivery: vec![SimTime::ZERO; nodes * nodes],
        }
    }

    /// Grows the network by one node (a client added while running).
    pub fn add_node(&mut self) {
        let n = self.nodes;
        let mut grown = vec![SimTime::ZERO; (n + 1) * (n + 1)];
        for from in 0..n {
            grown[from * (n + 1)..from * (n + 1) + n].copy_from_slice(&self.last_delivery[from * n..from * n + n]);
        }
        self.last_delivery = grown;
        self.nodes = n + 1;
    }

    /// When a message sent now from `from` to `to` arrives, or why it will not.
    pub fn route(&mut self, now: SimTime, from: NodeId, to: NodeId, rng: &mut NodeRng) -> Result<SimTime, Drop> {
        if self.is_cut(from, to) {
            return Err(Drop::Cut);
        }
        if rng.chance_ppm(self.config.loss_per_million) {
            return Err(Drop::Lost);
        }
        let mut d = self.config.latency.sample(rng);
        if let Some(extra) = self.slow.get(&ordered(from, to)) {
            d = Dur(d.0 + extra.0);
        }
        let slot = from.0 as usize * self.nodes + to.0 as usize;
        let at = (now + d).max(self.last_delivery[slot]);
        self.last_delivery[slot] = at;
        Ok(at)
    }

    /// True when a cut separates the two nodes now.
    pub fn is_cut(&self, x: NodeId, y: NodeId) -> bool {
        // A node always reaches itself: loopback never crosses the network.
        x != y && self.cuts.iter().any(|c| c.separates(x, y))
    }

    /// Adds a cut between two node sets.
    pub fn cut(&mut self, a: Vec<NodeId>, b: Vec<NodeId>) {
        let c = Cut { a, b };
        if !self.cuts.contains(&c) {
            self.cuts.push(c);
        }
    }

    /// Removes every cut that separates a member of `a` from a member of `b`;
    /// with both empty, heals everything.
    pub fn heal(&mut self, a: &[NodeId], b: &[NodeId]) {
        if a.is_empty() && b.is_empty() {
            self.cuts.clear();
            return;
        }
        self.cuts.retain(|c| !a.iter().any(|&x| b.iter().any(|&y| c.separates(x, y))));
    }

    /// Adds `extra` latency to the link between two nodes (both directions); zero heals.
    pub fn slow(&mut self, x: NodeId, y: NodeId, extra: Dur) {
        if extra == Dur::ZERO {
            self.slow.remove(&ordered(x, y));
        } else {
            self.slow.insert(ordered(x, y), extra);
        }
    }

    /// The current cuts (for views).
    pub fn cuts(&self) -> &[Cut] {
        &self.cuts
    }

    /// The current slow links with their extra latency (for views).
    pub fn slow_links(&self) -> impl Iterator<Item = (NodeId, NodeId, Dur)> + '_ {
        self.slow.iter().map(|(&(a, b), &d)| (a, b, d))
    }
}

fn ordered(x: NodeId, y: NodeId) -> (NodeId, NodeId) {
    if x <= y { (x, y) } else { (y, x) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net() -> Network {
        Network::new(LinkConfig { latency: Latency::Uniform(Dur::ms(1), Dur::ms(10)), loss_per_million: 0 }, 3)
    }

    #[test]
    fn a_node_always_reaches_itself() {
        let mut n = net();
        n.cut(vec![NodeId(1)], vec![NodeId(1), NodeId(2)]);
        assert!(!n.is_cut(NodeId(1), NodeId(1)));
        assert!(n.is_cut(NodeId(1), NodeId(2)));
    }

    #[test]
    fn links_are_fifo_per_direction() {
        let mut n = net();
        let mut rng = NodeRng::new(1, 1);
        let mut last = SimTime::ZERO;
        for i in 0..200 {
            let at = n.route(SimTime(i * 100), NodeId(0), NodeId(1), &mut rng).unwrap();
            assert!(at >= last);
            last = at;
        }
    }

    #[test]
    fn cuts_drop_until_healed_and_slow_links_add_latency() {
        let mut n = net();
        let mut rng = NodeRng::new(1, 1);
        n.cut(vec![NodeId(0)], vec![NodeId(1), NodeId(2)]);
        assert_eq!(n.route(SimTime(0), NodeId(1), NodeId(0), &mut rng), Err(Drop::Cut));
        assert!(n.route(SimTime(0), NodeId(1), NodeId(2), &mut rng).is_ok());
        n.heal(&[NodeId(0)], &[NodeId(2)]);
        assert!(n.route(SimTime(0), NodeId(1), NodeId(0), &mut rng).is_ok());
        n.slow(NodeId(2), NodeId(1), Dur::secs(1));
        let at = n.route(SimTime(0), NodeId(1), NodeId(2), &mut rng).unwrap();
        assert!(at >= SimTime(1_001_000));
    }
}
