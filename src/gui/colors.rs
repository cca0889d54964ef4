//! The scene's colours in one place, so that a colour means one thing everywhere: on a
//! message in flight, a cell of a log strip, a chart line and its row in the legend.

use bevy_egui::egui::Color32;

/// Producer colours, by producer number.
pub const PALETTE: [Color32; 8] = [
    Color32::from_rgb(86, 156, 255),
    Color32::from_rgb(255, 170, 60),
    Color32::from_rgb(120, 220, 120),
    Color32::from_rgb(240, 100, 180),
    Color32::from_rgb(180, 140, 255),
    Color32::from_rgb(90, 220, 220),
    Color32::from_rgb(230, 230, 100),
    Color32::from_rgb(255, 120, 100),
];

/// A follower's fetch bringing records back.
pub const REPLICATION: Color32 = Color32::from_rgb(80, 200, 255);
/// Records or a delivery on the way to a consumer.
pub const TO_CONSUMER: Color32 = Color32::from_rgb(255, 200, 80);
/// An acknowledgement.
pub const ACK: Color32 = Color32::from_rgb(110, 230, 140);
/// Controller, ZooKeeper and group-protocol traffic.
pub const CONTROL: Color32 = Color32::from_rgb(190, 130, 255);
/// Errors, dead letters, poison.
pub const ERROR: Color32 = Color32::from_rgb(255, 80, 80);
/// Requests without records, metadata.
pub const DIM: Color32 = Color32::from_rgb(110, 110, 120);
/// Offset commits.
pub const COMMIT: Color32 = Color32::from_rgb(255, 230, 120);
/// A redelivered AMQP message.
pub const REDELIVERED: Color32 = Color32::from_rgb(255, 140, 60);
/// The outline of what the inspector shows.
pub const SELECTED: Color32 = Color32::from_rgb(120, 200, 255);
