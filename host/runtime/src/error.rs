//! Why a component does not load, and why a call into one fails: messages
//! an operator reads, naming the connector's problem and what to do.

use std::time::Duration;

use crate::ConnectorError;
use crate::world::World;

/// Why a component cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The bytes are not a WebAssembly component.
    #[error("not a valid WebAssembly component: {0}")]
    Invalid(String),
    /// The component does not export what its world needs.
    #[error("the component does not export {expected}; it exports: {found}")]
    MissingExport {
        /// The export (or exports) expected.
        expected: String,
        /// What it exports instead.
        found: String,
    },
    /// The component was built against another line of the contract
    /// (`0.2.x` on a host of `0.1.x`).
    #[error(
        "the component was built against {found}, another line of the contract than this Plutanium speaks ({expected} and the 0.1 versions before it); rebuild the component against {expected}, or run a Plutanium that speaks its version"
    )]
    VersionMismatch {
        /// What the host speaks.
        expected: &'static str,
        /// What the component uses.
        found: String,
    },
    /// The component was built against a later version of this line of the
    /// contract than the host speaks (`0.1.2` on a host of `0.1.1`).
    #[error(
        "the component was built against {found}, newer than this Plutanium speaks ({speaks}); upgrade Plutanium to a release that speaks it, or rebuild the component against {speaks}"
    )]
    NewerContract {
        /// What the host speaks.
        speaks: &'static str,
        /// What the component uses.
        found: String,
    },
    /// The component imports something the host does not provide.
    #[error("the component imports {0}, which Plutanium does not provide to connectors")]
    UnsupportedImport(String),
    /// An `allow_hosts` entry cannot be understood.
    #[error(transparent)]
    InvalidGrant(#[from] crate::grants::InvalidHostEntry),
    /// The engine could not be set up or the component not be linked.
    #[error("runtime error: {0}")]
    Runtime(String),
}

/// Why a call into a connector failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// The connector answered with an error of its own.
    #[error("{}", connector_error(.0))]
    Connector(ConnectorError),
    /// The connector implements another world than the call needs.
    #[error("the connector is a {}, not a {}", actual.name(), needed.name())]
    WrongWorld {
        /// The world the call needs.
        needed: World,
        /// The connector's world.
        actual: World,
    },
    /// The connector trapped recently and waits before it is restarted.
    #[error("the connector is restarting after a crash; next try in {:.1} s", .0.as_secs_f64())]
    Backoff(Duration),
    /// The call used up its instruction budget and was stopped.
    #[error("the connector used up its fuel and was stopped")]
    OutOfFuel,
    /// The call ran past its deadline and was stopped.
    #[error(
        "the connector ran past its {:.1} s deadline and was stopped (raise `deadline:` if it is slow on purpose)",
        .0.as_secs_f64()
    )]
    Deadline(Duration),
    /// The connector trapped (a crash, or memory over its cap); the instance is
    /// discarded and a fresh one serves the next call.
    #[error("the connector trapped: {0}")]
    Trap(String),
}

/// A connector's own error as an operator reads it: what kind, and its words.
fn connector_error(error: &ConnectorError) -> String {
    match error {
        ConnectorError::Config(why) => format!("the connector's config is wrong: {why}"),
        ConnectorError::Transient(why) => format!("the connector failed for now: {why}"),
        ConnectorError::Permanent(why) => format!("the connector refused this for good: {why}"),
    }
}
