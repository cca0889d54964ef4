//! Scenario files: the RON schema, loading with file:line:column errors, validation
//! with size bounds, and writing a scenario back (for "save session as scenario").

pub mod derive;
pub mod load;
pub mod narration;
pub mod schema;
pub mod validate;
pub mod validate_amqp;
pub mod validate_groups;
pub mod validate_rates;
pub mod validate_story;

pub use load::{ScenarioError, load_file, parse, parse_bytes, scenario_files};
pub use schema::*;

/// The scenario as RON text, readable and loadable again.
pub fn to_ron(sc: &Scenario) -> String {
    let cfg = ron::ser::PrettyConfig::new().depth_limit(4).struct_names(true);
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .to_string_pretty(sc, cfg)
        .expect("a scenario always serialises")
}
