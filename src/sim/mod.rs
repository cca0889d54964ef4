//! The generic discrete-event core: simulated time, the event queue, per-node random
//! streams, the network model and the effects a handler may ask for. Knows no broker.

pub mod effects;
pub mod net;
pub mod node;
pub mod queue;
pub mod rng;
pub mod time;

pub use effects::{Ctx, Effects};
pub use net::{Cut, Latency, LinkConfig, Network};
pub use node::NodeId;
pub use queue::EventQueue;
pub use rng::NodeRng;
pub use time::{Dur, SimTime};
