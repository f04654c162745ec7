//! Faults injected into one modem: what a test, a script or a person uses
//! to see how a host copes with a modem that hangs, is unplugged, talks
//! garbage, fails sends, loses status reports or answers late.
//!
//! Some faults live in the modem (hung, SIM busy, interleaved URCs); the ones
//! the network carries out are counted here, in [`ModemFaults`].

use std::time::Duration;

use super::{Action, ModemId, Network, SimError};

/// A fault to inject into one modem.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Stop answering (input is swallowed) for this long, or until [`Fault::Clear`].
    Hang {
        /// How long; `None` until cleared.
        duration: Option<Duration>,
    },
    /// The USB cable is pulled: connections drop and new ones are refused.
    Unplug,
    /// Plugged back in: the modem boots again (settings reset, PIN asked again).
    Replug,
    /// This many random bytes appear on the line.
    Garbage {
        /// How many bytes.
        bytes: usize,
    },
    /// The next `count` sends fail with `+CMS ERROR: code`.
    SendError {
        /// The CMS error code (for example 500, 38, 330).
        code: u16,
        /// How many sends fail.
        count: u32,
    },
    /// The next `count` SIM commands answer "SIM busy".
    SimBusy {
        /// How many commands.
        count: u32,
    },
    /// The SIM's SMS data is not ready yet, though `+CPIN?` says READY: the
    /// next `count` reads of the SMSC (`AT+CSCA?`) and of the storages
    /// (`AT+CPMS?`, `AT+CPMS=?`) answer "SIM busy" (`+CME ERROR: 14`), or,
    /// with `empty`, `OK` with no line. A Qualcomm/ZTE M6280 stick does the
    /// first for about 10 s after power-up (python-gsmmodem issues 10 and
    /// 11); an empty answer is the other form issue 15 names.
    SmsNotReady {
        /// How many reads.
        count: u32,
        /// Answer `OK` with no line instead of "SIM busy".
        empty: bool,
    },
    /// `AT+CPMS=` with more than `most` memories is `ERROR`, whatever the
    /// profile takes (firmware that lists three groups in `AT+CPMS=?` and
    /// refuses three memories, python-gsmmodem issue 19).
    CpmsAtMost {
        /// The most memories it takes.
        most: usize,
    },
    /// The next `count` `AT+CMGS` lose their `> ` prompt: the modem waits
    /// for a PDU that the host, never prompted, does not send. Only an ESC
    /// ends the wait; without it the host's next command is taken for the
    /// PDU (the host must give up, cancel and send again).
    SwallowSend {
        /// How many.
        count: u32,
    },
    /// `AT+CNMI=` is refused whatever its values, so the modem never says
    /// that an SMS came (as with phones used as modems that implement no
    /// indications).
    NoIndications,
    /// The storage refuses to be read: `AT+CMGL` and `AT+CMGR` fail with
    /// `+CMS ERROR: 302`.
    UnreadableStorage,
    /// The SIM is swapped for another with this IMSI: the modem is
    /// unplugged (replug it with [`Fault::Replug`]), and the messages on the
    /// old SIM (`SM`) leave with it; what is in the modem's own memories stays.
    SwapSim {
        /// The new SIM's IMSI.
        imsi: String,
    },
    /// The next `count` incoming SMS are stored in `ME` and announced as
    /// `+CMTI: "ME",<n>` whatever the receive memory is, as a modem did in
    /// zabsalahid/serialport-gsm issue 92, whose host read the index from
    /// `SM` and got `+CMS ERROR: 321`.
    StoreInMe {
        /// How many.
        count: u32,
    },
    /// Every send takes this much longer.
    SlowSmsc {
        /// The extra delay.
        extra: Duration,
    },
    /// URCs are written at once, even in the middle of an answer.
    InterleaveUrcs,
    /// The next incoming SMS is reported twice: directly (`+CMT`) and stored (`+CMTI`).
    DuplicateDelivery,
    /// The next `count` status reports are lost.
    DropStatusReport {
        /// How many.
        count: u32,
    },
    /// The next `count` status reports say the message could not be
    /// delivered for good (TP-Status 0x41, incompatible destination).
    UndeliverableReports {
        /// How many.
        count: u32,
    },
    /// The next `count` answers come `delay` late (after a host's timeout, say).
    SlowAnswers {
        /// How late.
        delay: Duration,
        /// How many answers.
        count: u32,
    },
    /// Remove every fault (and end a hang).
    Clear,
}

/// The faults the network carries out for one modem, each with how many times it is left.
#[derive(Debug, Default)]
pub(super) struct ModemFaults {
    pub(super) slow_answers: Option<(Duration, u32)>,
    pub(super) send_error: Option<(u16, u32)>,
    pub(super) slow_smsc: Duration,
    pub(super) duplicate_next: bool,
    pub(super) drop_reports: u32,
    pub(super) undeliverable_reports: u32,
}

impl Network {
    /// Injects a fault into a modem.
    pub fn inject(&mut self, modem: ModemId, fault: Fault, now: Duration) -> Result<(), SimError> {
        if modem >= self.modems.len() {
            return Err(SimError::UnknownModem(modem.to_string()));
        }
        match fault {
            Fault::Hang { duration } => {
                self.modems[modem].hung = true;
                self.hang_generation[modem] += 1;
                if let Some(d) = duration {
                    let generation = self.hang_generation[modem];
                    self.schedule(now + d, Action::EndHang { modem, generation });
                }
            }
            Fault::Unplug => {
                self.plugged[modem] = false;
                self.generation[modem] += 1;
            }
            Fault::Replug => {
                if !self.plugged[modem] {
                    self.plugged[modem] = true;
                    self.generation[modem] += 1;
                    self.modems[modem].power_on();
                    self.pending_ack[modem] = None;
                }
            }
            Fault::Garbage { bytes } => {
                let noise: Vec<u8> = (0..bytes).map(|_| (self.rng.next() & 0xFF) as u8).collect();
                self.modems[modem].output.extend(noise);
            }
            Fault::SendError { code, count } => {
                self.faults[modem].send_error = (count > 0).then_some((code, count));
            }
            Fault::SimBusy { count } => self.modems[modem].sim_busy = count,
            Fault::SmsNotReady { count, empty } => {
                self.modems[modem].sms_not_ready = (count > 0).then_some((count, empty));
            }
            Fault::SwallowSend { count } => self.modems[modem].swallow_sends = count,
            Fault::CpmsAtMost { most } => self.modems[modem].cpms_at_most = Some(most),
            Fault::NoIndications => self.modems[modem].no_indications = true,
            Fault::UnreadableStorage => self.modems[modem].unreadable_storage = true,
            Fault::SwapSim { imsi } => {
                self.plugged[modem] = false;
                self.generation[modem] += 1;
                let m = &mut self.modems[modem];
                m.config.imsi = imsi;
                m.storage.clear("SM");
            }
            Fault::StoreInMe { count } => self.modems[modem].store_in_me = count,
            Fault::SlowSmsc { extra } => self.faults[modem].slow_smsc = extra,
            Fault::InterleaveUrcs => self.modems[modem].interleave_urcs = true,
            Fault::DuplicateDelivery => self.faults[modem].duplicate_next = true,
            Fault::DropStatusReport { count } => self.faults[modem].drop_reports = count,
            Fault::UndeliverableReports { count } => {
                self.faults[modem].undeliverable_reports = count;
            }
            Fault::SlowAnswers { delay, count } => {
                self.faults[modem].slow_answers = (count > 0).then_some((delay, count));
            }
            Fault::Clear => {
                self.faults[modem] = ModemFaults::default();
                let m = &mut self.modems[modem];
                m.hung = false;
                m.interleave_urcs = false;
                m.sim_busy = 0;
                m.sms_not_ready = None;
                m.no_indications = false;
                m.swallow_sends = 0;
                m.cpms_at_most = None;
                m.unreadable_storage = false;
                m.store_in_me = 0;
            }
        }
        Ok(())
    }
}
