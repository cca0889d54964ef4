//! Scenario files: the RON schema, loading with file:line:column errors, validation
//! with size bounds, and writing a scenario back (for "save session as scenario").

pub mod derive;
pub mod error;
pub mod load;
pub mod narration;
pub mod schema;
pub mod validate;

pub use error::ScenarioError;
pub use load::{load_file, parse, parse_bytes, parse_expectation, scenario_files};
pub use schema::*;
/// The validators' paths from before validate/ was a folder.
pub use validate::{
    amqp as validate_amqp, groups as validate_groups, rates as validate_rates, story as validate_story,
};

/// The scenario as RON text, readable and loadable again.
pub fn to_ron(sc: &Scenario) -> String {
    let cfg = ron::ser::PrettyConfig::new().depth_limit(4).struct_names(true);
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .to_string_pretty(sc, cfg)
        .expect("a scenario always serialises")
}
