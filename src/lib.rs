pub mod compose;
pub mod finding;
pub mod rules;
pub mod suggest;
pub mod yaml;
