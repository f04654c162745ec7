//! One module per subcommand: each parses its arguments, calls the
//! libraries that do the work, and prints what a person or a script reads.

pub(crate) mod api;
pub(crate) mod codec;
pub(crate) mod config;
pub(crate) mod connector;
pub(crate) mod demo;
pub(crate) mod gmail;
pub(crate) mod messages;
pub(crate) mod modem;
pub(crate) mod run;
pub(crate) mod sim;
pub(crate) mod store;
