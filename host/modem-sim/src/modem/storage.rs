//! Message storage: the memories a modem has (`SM` on the SIM, `ME` in the
//! modem, `SR` for status reports ...), which ones `+CPMS` selected for
//! reading, writing and receiving, and how slots are numbered (from 0 or
//! from 1, by make).

use crate::profile::Spec;

/// A message in storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stored {
    /// 0 received unread, 1 received read, 2 stored unsent, 3 stored sent.
    pub(crate) status: u8,
    /// The PDU as the modem prints it: SMSC field and TPDU.
    pub(crate) pdu: Vec<u8>,
    /// Length of the TPDU alone.
    pub(crate) tpdu_len: usize,
}

#[derive(Debug)]
struct Memory {
    name: &'static str,
    slots: Vec<Option<Stored>>,
}

/// Every memory of one modem, and the `+CPMS` selection.
#[derive(Debug)]
pub(crate) struct Storage {
    memories: Vec<Memory>,
    /// Indices into `memories`: read/list/delete, write/send, receive.
    selected: [usize; 3],
    /// The index of the first slot.
    first_index: usize,
}

impl Storage {
    /// The memories `spec` lists, each with `capacity` slots (or the
    /// profile's own), the power-up selection made.
    pub(crate) fn new(spec: &Spec, capacity: usize) -> Self {
        let capacity = spec.capacity.unwrap_or(capacity);
        let memories = spec
            .memories()
            .into_iter()
            .map(|name| Memory {
                name,
                slots: vec![None; capacity],
            })
            .collect();
        let mut storage = Storage {
            memories,
            selected: [0; 3],
            first_index: spec.first_index,
        };
        storage.power_on(spec);
        storage
    }

    /// The power-up selection (contents are kept: they are on the SIM or in
    /// the modem's flash).
    pub(crate) fn power_on(&mut self, spec: &Spec) {
        for (which, name) in spec.default_memories.into_iter().enumerate() {
            self.selected[which] = self.position(name).unwrap_or(0);
        }
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.memories.iter().position(|m| m.name == name)
    }

    /// Selects memories from the first: `+CPMS="SR"` changes only the read
    /// memory. An empty name keeps that selection. The caller has checked
    /// that the modem offers each name.
    pub(crate) fn select(&mut self, names: &[String]) {
        for (slot, name) in self.selected.iter_mut().zip(names) {
            if let Some(found) = self.memories.iter().position(|m| m.name == name) {
                *slot = found;
            }
        }
    }

    /// Empties `memory` (a SIM taken out takes its messages along).
    pub(crate) fn clear(&mut self, memory: &str) {
        if let Some(at) = self.position(memory) {
            self.memories[at].slots.fill(None);
        }
    }

    /// The selected memory's name: 0 read, 1 write, 2 receive.
    pub(crate) fn selected_name(&self, which: usize) -> &'static str {
        self.memories[self.selected[which]].name
    }

    /// Used and total slots of the selected memory `which`.
    pub(crate) fn usage(&self, which: usize) -> (usize, usize) {
        let memory = &self.memories[self.selected[which]];
        let used = memory.slots.iter().filter(|s| s.is_some()).count();
        (used, memory.slots.len())
    }

    /// Messages in every memory.
    pub(crate) fn count(&self) -> usize {
        self.memories
            .iter()
            .map(|m| m.slots.iter().filter(|s| s.is_some()).count())
            .sum()
    }

    /// Whether `memory` (or, when it does not exist, the receive memory)
    /// has a free slot.
    pub(crate) fn has_room(&self, memory: &str) -> bool {
        let at = self.position(memory).unwrap_or(self.selected[2]);
        self.memories[at].slots.iter().any(Option::is_none)
    }

    /// Stores in `memory` (the receive memory if there is no such memory):
    /// the memory's name and the slot's number, or `None` when it is full.
    pub(crate) fn store(&mut self, memory: &str, message: Stored) -> Option<(&'static str, usize)> {
        let at = self.position(memory).unwrap_or(self.selected[2]);
        let memory = &mut self.memories[at];
        let free = memory.slots.iter().position(Option::is_none)?;
        memory.slots[free] = Some(message);
        Some((memory.name, free + self.first_index))
    }

    /// The read memory's slot numbered `index`, `None` when there is no such slot.
    pub(crate) fn slot(&mut self, index: usize) -> Option<&mut Option<Stored>> {
        let first = self.first_index;
        let memory = &mut self.memories[self.selected[0]];
        index
            .checked_sub(first)
            .and_then(|i| memory.slots.get_mut(i))
    }

    /// The read memory's slots with their numbers.
    pub(crate) fn slots(&mut self) -> impl Iterator<Item = (usize, &mut Option<Stored>)> {
        let first = self.first_index;
        self.memories[self.selected[0]]
            .slots
            .iter_mut()
            .enumerate()
            .map(move |(i, s)| (i + first, s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Profile;

    fn message(n: u8) -> Stored {
        Stored {
            status: 0,
            pdu: vec![n],
            tpdu_len: 1,
        }
    }

    #[test]
    fn memories_are_apart_and_numbered_as_the_make_does() {
        let mut storage = Storage::new(Profile::SIMCOM_SIM5320.spec(), 30);
        assert_eq!(storage.usage(0), (0, 255));
        assert_eq!(storage.store("SR", message(1)), Some(("SR", 0)));
        assert_eq!(storage.store("SM", message(2)), Some(("SM", 0)));
        // Read memory SM: slot 0 is the SMS, not the report.
        assert_eq!(storage.slot(0).unwrap().as_ref().unwrap().pdu, [2]);
        storage.select(&["SR".to_string()]);
        assert_eq!(storage.slot(0).unwrap().as_ref().unwrap().pdu, [1]);
        assert_eq!(
            storage.selected_name(2),
            "SM",
            "only the read memory changed"
        );

        let mut storage = Storage::new(Profile::WAVECOM.spec(), 2);
        assert_eq!(storage.store("SM", message(1)), Some(("SM", 1)));
        assert!(storage.slot(0).is_none(), "Wavecom numbers from 1");
        assert!(storage.has_room("SM"));
        storage.store("SM", message(2));
        assert!(!storage.has_room("SM"));
        assert_eq!(storage.store("SM", message(3)), None);
        assert_eq!(storage.count(), 2);
    }
}
