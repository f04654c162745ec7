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
    /// The interface this world exports, at the contract version this host
    /// speaks (a component built against an earlier `0.1.x` exports it at
    /// that version, and runs too).
    pub fn export(self) -> &'static str {
        match self {
            World::Source => "plutanium:gateway/source@0.1.1",
            World::Sink => "plutanium:gateway/sink@0.1.1",
            World::Processor => "plutanium:gateway/processor@0.1.1",
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
/// The contract this host speaks: `plutanium:gateway` at this version and
/// every earlier one of its line (`0.1.0` to `0.1.1`). See `wit/README.md`
/// for the rule.
pub const CONTRACT: &str = "plutanium:gateway@0.1.1";

/// The newest patch of the `0.1` line this host speaks: [`CONTRACT`]'s.
const CONTRACT_PATCH: u64 = 1;

/// Interfaces the host provides under the gateway package, unversioned.
const GATEWAY_IMPORTS: &[&str] = &["types", "host"];

/// How a gateway interface's version compares with what the host speaks.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Versioned<'a> {
    /// Not a `plutanium:gateway` interface.
    Foreign,
    /// `plutanium:gateway/<interface>` at a version the host speaks.
    Spoken(&'a str),
    /// At a later `0.1.x` than the host's: a newer Plutanium speaks it.
    Newer(&'a str),
    /// At another line (`0.2.0`), or a version that is not one.
    OtherLine(&'a str),
}

/// Reads `name` as `plutanium:gateway/<interface>@<version>`.
pub(crate) fn versioned(name: &str) -> Versioned<'_> {
    let Some(rest) = name.strip_prefix("plutanium:gateway/") else {
        return Versioned::Foreign;
    };
    let (interface, version) = rest.split_once('@').unwrap_or((rest, ""));
    match semver::Version::parse(version) {
        Ok(v) if v.major == 0 && v.minor == 1 && v.pre.is_empty() => {
            if v.patch <= CONTRACT_PATCH {
                Versioned::Spoken(interface)
            } else {
                Versioned::Newer(interface)
            }
        }
        _ => Versioned::OtherLine(interface),
    }
}

/// The refusal of a component that names `name`, a gateway interface at a
/// version this host does not speak: both versions, and what to upgrade.
pub(crate) fn version_error(name: &str) -> crate::LoadError {
    match versioned(name) {
        Versioned::Newer(_) => crate::LoadError::NewerContract {
            speaks: CONTRACT,
            found: name.to_string(),
        },
        _ => crate::LoadError::VersionMismatch {
            expected: CONTRACT,
            found: name.to_string(),
        },
    }
}

/// Whether the host provides `interface` of the gateway package.
pub(crate) fn provided(interface: &str) -> bool {
    GATEWAY_IMPORTS.contains(&interface)
}

impl World {
    /// The world whose export is `interface` (`processor`), if any.
    pub(crate) fn exporting(interface: &str) -> Option<World> {
        World::ALL
            .into_iter()
            .find(|w| w.export().split(['/', '@']).nth(1) == Some(interface))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_of_the_line_up_to_the_host_s_are_spoken() {
        assert_eq!(
            versioned("plutanium:gateway/host@0.1.0"),
            Versioned::Spoken("host")
        );
        assert_eq!(
            versioned("plutanium:gateway/processor@0.1.1"),
            Versioned::Spoken("processor")
        );
        assert_eq!(
            versioned("plutanium:gateway/host@0.1.2"),
            Versioned::Newer("host")
        );
        assert_eq!(
            versioned("plutanium:gateway/processor@0.2.0"),
            Versioned::OtherLine("processor")
        );
        assert_eq!(
            versioned("plutanium:gateway/processor@1.0.0"),
            Versioned::OtherLine("processor")
        );
        assert_eq!(
            versioned("plutanium:gateway/processor"),
            Versioned::OtherLine("processor")
        );
        assert_eq!(
            versioned("plutanium:gateway/host@0.1.1-rc.1"),
            Versioned::OtherLine("host")
        );
        assert_eq!(versioned("wasi:http/types@0.2.0"), Versioned::Foreign);
        assert_eq!(World::exporting("sink"), Some(World::Sink));
        assert_eq!(World::exporting("host"), None);
        assert!(CONTRACT.ends_with(&format!("0.1.{CONTRACT_PATCH}")));
    }
}
