//! Vendor commands and vendor noise.
//!
//! Huawei sticks have commands of their own (`^CURC`, `^PORTSEL`, `^SYSCFG`
//! ...) and print `^RSSI`, `^MODE` and `^SRVST` between answers unless told
//! not to with `^CURC=0`; ZTE sticks print `+ZPASR:` and `+ZDONR:`. Hosts
//! must cope with both, so the simulator does both, as each profile says.

use super::Modem;
use super::output::{CommandResult, Fail};
use crate::profile::Vendor;

impl Modem {
    /// A `^` command, without its `^`.
    pub(super) fn vendor_command(&mut self, vendor: &str) -> CommandResult {
        // The Huawei profile accepts every ^ command (^CURC=0 silences its
        // noise); other profiles answer ERROR, as real modems do.
        match (self.config.profile.spec().vendor, vendor.split_once('=')) {
            (Vendor::Huawei, Some(("CURC", value))) => {
                self.vendor_noise = value.trim() != "0";
                Ok(())
            }
            (Vendor::Huawei, Some(("USSDMODE", value))) => {
                self.ussd_text = value.trim() == "0";
                Ok(())
            }
            (Vendor::Huawei, _) => Ok(()),
            _ => Err(Fail::Error),
        }
    }

    /// Counts a final result; a noisy profile prints one of its noise lines
    /// after every fifth.
    pub(super) fn answered(&mut self) {
        self.answers += 1;
        let noise = self.config.profile.spec().noise;
        if !noise.is_empty() && self.vendor_noise && self.answers.is_multiple_of(5) {
            let line = noise[(self.answers / 5) as usize % noise.len()];
            self.info(line);
        }
    }
}
