//! Vendor commands and vendor noise: what only the Huawei profile does.
//!
//! Huawei sticks have commands of their own (`^CURC`, `^PORTSEL`, `^SYSCFG`
//! ...) and print `^RSSI`, `^MODE` and `^SRVST` between answers unless told
//! not to with `^CURC=0`. Hosts must cope with both, so the simulator does both.

use super::Modem;
use super::output::{CommandResult, Fail};
use crate::profile::Profile;

impl Modem {
    /// A `^` command, without its `^`.
    pub(super) fn vendor_command(&mut self, vendor: &str) -> CommandResult {
        // The Huawei profile accepts every ^ command (^CURC=0 silences its
        // noise); other profiles answer ERROR, as real modems do.
        match (self.config.profile, vendor.split_once('=')) {
            (Profile::Huawei, Some(("CURC", value))) => {
                self.vendor_noise = value.trim() != "0";
                Ok(())
            }
            (Profile::Huawei, Some(("USSDMODE", value))) => {
                self.ussd_text = value.trim() == "0";
                Ok(())
            }
            (Profile::Huawei, _) => Ok(()),
            _ => Err(Fail::Error),
        }
    }

    /// Counts a final result; a noisy profile prints `^RSSI` after every fifth.
    pub(super) fn answered(&mut self) {
        self.answers += 1;
        if self.config.profile.noisy() && self.vendor_noise && self.answers.is_multiple_of(5) {
            self.info("^RSSI:17");
        }
    }
}
