//! The `narration` section: text shown at given times (placeholders: scenario/narration.rs).

use crate::sim::Dur;
use serde::{Deserialize, Serialize};

/// A line of narration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Narration {
    /// When to show it.
    pub at: Dur,
    /// The text.
    pub text: String,
}
