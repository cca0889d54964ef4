//! The central scene, computed then painted. `model` turns the simulation into what is
//! drawn (plain data that tests compare with the engine), placed by `layout`; `paint` draws
//! it with the painters of each part: the caption `banner`, the Kafka side (`kafka`), the
//! RabbitMQ node (`rabbit`), the clients, messages and footer (`clients`), every word
//! through `labels`; `explain` words what the pointer rests on.

pub mod banner;
pub mod clients;
pub mod explain;
pub mod focus;
pub mod kafka;
pub mod labels;
pub mod layout;
pub mod model;
pub mod paint;
pub mod rabbit;

pub use model::{Dot, GroupView, RowRole, RowView, SceneModel, Slot, anchor, model};
pub use paint::draw;
