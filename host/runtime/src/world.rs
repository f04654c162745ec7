//! The three worlds a connector implements, and what a component must
//! import and export to be one of them.

/// Which of the three worlds a connector implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum World {
    /// `source-connector`: polled for messages to send.
    Source,
    /// `sink-connector`: given events.
    Sink,
    /// `processor-connector`: asked what to do with events.
    Processor,
}

impl World {
    /// The interface this world exports, with the contract version.
    pub fn export(self) -> &'static str {
        match self {
            World::Source => "plutanium:gateway/source@0.1.0",
            World::Sink => "plutanium:gateway/sink@0.1.0",
            World::Processor => "plutanium:gateway/processor@0.1.0",
        }
    }

    /// The world's name in the WIT.
    pub fn name(self) -> &'static str {
        match self {
            World::Source => "source-connector",
            World::Sink => "sink-connector",
            World::Processor => "processor-connector",
        }
    }

    pub(crate) const ALL: [World; 3] = [World::Source, World::Sink, World::Processor];
}
/// Interfaces the host provides under the gateway package.
pub(crate) const GATEWAY_IMPORTS: &[&str] = &[
    "plutanium:gateway/types@0.1.0",
    "plutanium:gateway/host@0.1.0",
];
