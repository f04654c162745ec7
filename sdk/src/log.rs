//! Structured log lines, written by the host with the connector's name.
//!
//! ```
//! # plutanium_sdk::testing::FakeHost::new().run(|| {
//! plutanium_sdk::log::info("forwarded", &[("to", "+420777123456")]);
//! # });
//! ```

// Defined with the other data the host layer passes, so that `host_calls`
// and the fake host need not use this module.
pub use crate::host_types::Level;

/// Writes one line with its fields.
pub fn write(level: Level, message: &str, fields: &[(&str, &str)]) {
    let fields: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect();
    crate::host_calls::log(level, message, &fields);
}

/// A [`Level::Trace`] line.
pub fn trace(message: &str, fields: &[(&str, &str)]) {
    write(Level::Trace, message, fields);
}

/// A [`Level::Debug`] line.
pub fn debug(message: &str, fields: &[(&str, &str)]) {
    write(Level::Debug, message, fields);
}

/// A [`Level::Info`] line.
pub fn info(message: &str, fields: &[(&str, &str)]) {
    write(Level::Info, message, fields);
}

/// A [`Level::Warn`] line.
pub fn warn(message: &str, fields: &[(&str, &str)]) {
    write(Level::Warn, message, fields);
}

/// A [`Level::Error`] line.
pub fn error(message: &str, fields: &[(&str, &str)]) {
    write(Level::Error, message, fields);
}
