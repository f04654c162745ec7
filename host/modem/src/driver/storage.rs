//! Where messages are kept on the modem: choosing the memories at init
//! (`AT+CPMS`), switching the read memory to the one a `+CMTI`/`+CDSI`
//! names, and the SIM a slot belongs to.
//!
//! 27.005 reads and deletes in the *read memory* (`mem1`) only, while a
//! modem announces each message in whatever memory it put it: `"ME"` for
//! a firmware that stores where it likes (serialport-gsm issue 92), `"SR"`
//! for status reports on SIMCom SIM5320E and ZTE MF626 (gammu issues 408
//! and 209). So every read and delete names its memory, and the actor
//! switches `mem1` to it first.

use plutanium_at::{command, response};
use tracing::{debug, info, warn};

use super::link::Link;
use super::{Actor, SessionEnd};

/// A message's place: its memory, its index there, and which SIM it was
/// read from (a count that changes when the IMSI does), so that nothing
/// computed for one SIM is ever deleted from another.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Slot {
    /// The memory (`SM`, `ME`, `SR` ...); empty when the modem refused
    /// every `AT+CPMS` and its one memory has no name we know.
    pub(super) memory: String,
    pub(super) index: u32,
    pub(super) sim: u32,
}

impl std::fmt::Display for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.memory.is_empty() {
            write!(f, "{}", self.index)
        } else {
            write!(f, "{}:{}", self.memory, self.index)
        }
    }
}

impl Actor {
    /// Chooses the message storages: one for each group the modem lists in
    /// `AT+CPMS=?` (`SM` where it is offered), then the other forms if that
    /// one is refused. Some Wavecom firmware lists two groups and refuses
    /// three memories (python-gsmmodem issue 19); a Brovi E3372 takes only
    /// three (gammu issue 829). What was taken is kept in the modem's info.
    pub(super) async fn select_storage(&mut self, link: &mut Link) -> Result<(), SessionEnd> {
        let groups = self
            .sim_query(link, &command::storage_support())
            .await?
            .and_then(|lines| lines.iter().find_map(|l| response::parse_cpms_test(l).ok()))
            .unwrap_or_default();
        let pick = |group: Option<&Vec<String>>| match group {
            Some(group) if !group.iter().any(|m| m == "SM") && !group.is_empty() => {
                group[0].clone()
            }
            _ => "SM".to_string(),
        };
        let listed = if groups.is_empty() {
            3
        } else {
            groups.len().min(3)
        };
        let forms = std::iter::once(listed).chain([3, 2, 1].into_iter().filter(|n| *n != listed));
        for count in forms {
            let memories: Vec<String> = (0..count).map(|i| pick(groups.get(i))).collect();
            // Choosing storages reads the SIM: a SIM still starting answers
            // "busy", which is asked again, not taken for a refused form.
            if let Some(lines) = self
                .sim_command(link, &command::select_storages(&memories), false)
                .await?
            {
                if let Some(set) = lines.first().and_then(|l| response::parse_cpms_set(l).ok())
                    && let Some(&(used, total)) = set.first()
                {
                    self.info.storage = Some((used, total));
                }
                self.read_memory = memories[0].clone();
                self.info.memories = memories;
                return Ok(());
            }
        }
        self.info.memories.clear();
        self.read_memory.clear();
        // Info, not a warning: whether messages can still be read is judged
        // from the storage sweep, and only that warns (once, with what to
        // try); many modems work with the memories they start with.
        info!(
            modem = %self.config.name,
            "the modem refuses every AT+CPMS form; reading from the memories it starts with"
        );
        Ok(())
    }

    /// The memory reads and deletes go to unless a URC names another.
    pub(super) fn primary_memory(&self) -> String {
        self.info.memories.first().cloned().unwrap_or_default()
    }

    /// A slot of the current SIM.
    pub(super) fn slot(&self, memory: &str, index: u32) -> Slot {
        Slot {
            memory: memory.to_string(),
            index,
            sim: self.sim_epoch,
        }
    }

    /// Makes `memory` the read memory (`AT+CPMS="<memory>"`, or with the
    /// other two memories for a modem that takes only three). `false` when
    /// the modem refuses it: the caller then leaves that message alone.
    pub(super) async fn use_memory(
        &mut self,
        link: &mut Link,
        memory: &str,
    ) -> Result<bool, SessionEnd> {
        if memory.is_empty() || memory == self.read_memory {
            return Ok(true);
        }
        let mut full = vec![memory.to_string()];
        full.extend(self.info.memories.iter().skip(1).cloned());
        let forms = [vec![memory.to_string()], full];
        for memories in forms.iter().filter(|m| !m.is_empty()) {
            if self
                .try_lines(link, &command::select_storages(memories))
                .await?
                .is_some()
            {
                self.read_memory = memory.to_string();
                return Ok(true);
            }
            if memories.len() >= 3 || self.info.memories.len() < 2 {
                break;
            }
        }
        if self.refused_memories.insert(memory.to_string()) {
            warn!(
                modem = %self.config.name,
                memory,
                "the modem announced a message in a memory it refuses to select; it stays there"
            );
        }
        Ok(false)
    }

    /// The memories the storage sweep lists: the primary one, and every
    /// other one a URC named this session.
    pub(super) fn swept_memories(&self) -> Vec<String> {
        let mut memories = vec![self.primary_memory()];
        for memory in &self.announced_memories {
            if !memories.contains(memory) {
                memories.push(memory.clone());
            }
        }
        memories
    }

    /// After identifying the SIM: when its IMSI is not the one of the last
    /// session (or either could not be read), slots read from the old SIM
    /// are forgotten, and deletes still owed to it are never sent to this one.
    pub(super) fn check_sim(&mut self, imsi: Option<String>) {
        match &self.sim_identity {
            Some(before) if *before != imsi => {
                self.sim_epoch = self.sim_epoch.wrapping_add(1);
                self.owned_slots.clear();
                self.direct_seen.clear();
                warn!(
                    modem = %self.config.name,
                    was = before.as_deref().unwrap_or("unknown"),
                    now = imsi.as_deref().unwrap_or("unknown"),
                    "the SIM (IMSI) is not the one of the last connect: nothing read from the old SIM is deleted from this one, and its storage is read afresh"
                );
            }
            Some(_) => {}
            None => {
                debug!(modem = %self.config.name, imsi = imsi.as_deref().unwrap_or("unknown"), "SIM identified")
            }
        }
        self.sim_identity = Some(imsi);
    }
}
