//! Dead-lettering (R rabbit_dead_letter.erl, SEMANTICS §2.5): the `x-death` history and
//! the cycle rule that drops a message instead of looping it forever.

use super::{Death, DeathReason, Message};

/// Records a death in `queue` for `reason`: the (queue, reason) entry's count grows and it
/// moves to the front; a new one is added at the front.
pub fn record_death(msg: &mut Message, queue: &str, reason: DeathReason) {
    let keys = vec![msg.routing_key.clone()];
    let (count, exchange, routing_keys) = match msg.deaths.iter().position(|d| d.queue == queue && d.reason == reason) {
        Some(i) => {
            let d = msg.deaths.remove(i);
            (d.count + 1, d.exchange, d.routing_keys)
        }
        None => (1, msg.exchange.clone(), keys),
    };
    msg.deaths.insert(0, Death { queue: queue.to_string(), reason, count, exchange, routing_keys });
    // The per-message TTL is removed so it does not expire again.
    msg.expiration = None;
}

/// R detect_cycles: dead-lettering for a reason other than `rejected` must not reach a
/// queue already in the message's history unless a client rejection happened since (from
/// the most recent death back to and including that queue's entry).
pub fn is_cycle(msg: &Message, target: &str, reason: DeathReason) -> bool {
    if reason == DeathReason::Rejected {
        return false;
    }
    let Some(i) = msg.deaths.iter().position(|d| d.queue == target) else {
        return false;
    };
    !msg.deaths[..=i].iter().any(|d| d.reason == DeathReason::Rejected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::MsgId;

    fn msg() -> Message {
        Message {
            value: MsgId(1),
            exchange: "work".into(),
            routing_key: "k".into(),
            headers: Vec::new().into(),
            persistent: true,
            expiration: Some(crate::sim::Dur::secs(1)),
            bytes: 10,
            poison: false,
            deaths: vec![],
        }
    }

    #[test]
    fn x_death_counts_per_queue_and_reason_most_recent_first() {
        let mut m = msg();
        record_death(&mut m, "q", DeathReason::Expired);
        record_death(&mut m, "wait", DeathReason::Expired);
        record_death(&mut m, "q", DeathReason::Expired);
        assert_eq!(m.deaths[0].queue, "q");
        assert_eq!(m.deaths[0].count, 2);
        assert_eq!(m.deaths[1].queue, "wait");
        assert_eq!(m.expiration, None);
    }

    #[test]
    fn an_expiry_loop_is_a_cycle_unless_a_rejection_happened() {
        let mut m = msg();
        record_death(&mut m, "a", DeathReason::Expired);
        record_death(&mut m, "b", DeathReason::Expired);
        assert!(is_cycle(&m, "a", DeathReason::Expired));
        assert!(!is_cycle(&m, "a", DeathReason::Rejected));
        assert!(!is_cycle(&m, "c", DeathReason::Expired));
        let mut r = msg();
        record_death(&mut r, "a", DeathReason::Rejected);
        record_death(&mut r, "b", DeathReason::Expired);
        assert!(!is_cycle(&r, "a", DeathReason::Expired), "the loop passes through a client rejection");
    }
}
