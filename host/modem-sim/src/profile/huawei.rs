//! Huawei E173 / E1752 USB sticks (firmware 11.x), the most common sticks
//! people drive with AT commands.
//!
//! Sources:
//! - identity `huawei` / `E1752` / `11.126.13.00.00`, storage groups
//!   `("ME","MT","SM","SR")` three times, `+CRING: VOICE` and
//!   `+CLIP: "<n>",145,,,,0`: babca/python-gsmmodem `test/fakemodems.py`
//!   (its E1752 and K3715 profiles); the same `+CPMS=?` from a real E173 in
//!   gammu/wammu issue 44;
//! - `+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)`: gammu issue 438 (an E3531 or
//!   E169 log);
//! - storage numbered from 0: gammu's `F_SMS_LOCATION_0` on every Huawei
//!   row of `libgammu/gsmphones.c`, and gammu commit 5b169f763 (E3531);
//! - `AT+CUSD` refuses text until `AT^USSDMODE=0`: python-gsmmodem's E1752
//!   profile, an E160 on the mybroadband.co.za forum;
//! - `^RSSI:` / `^MODE:` / `^SRVST:` between answers until `AT^CURC=0`:
//!   gammu issues 126 and 138, `libgammu/protocol/at/at.c`;
//! - always stores an incoming SMS and says `+CMTI` (no `+CMT` seen in any
//!   Huawei transcript; gammu and ModemManager use `mt=1` with them).

use super::{STANDARD, Spec, UssdRequest, Vendor};

pub(super) const SPEC: Spec = Spec {
    name: "huawei",
    device: "Huawei E173 / E1752 (firmware 11.x)",
    manufacturer: "huawei",
    model: "E1752",
    revision: "11.126.13.00.00",
    boot: &["^BOOT:35323129,0,0,0,26"],
    cnmi_test: Some("+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)"),
    cpms_test: Some(
        "+CPMS: (\"ME\",\"MT\",\"SM\",\"SR\"),(\"ME\",\"MT\",\"SM\",\"SR\"),(\"ME\",\"MT\",\"SM\",\"SR\")",
    ),
    cpms_groups: &[
        &["ME", "MT", "SM", "SR"],
        &["ME", "MT", "SM", "SR"],
        &["ME", "MT", "SM", "SR"],
    ],
    first_index: 0,
    delivers_directly: false,
    ussd_request: UssdRequest::HuaweiMode,
    ring: "+CRING: VOICE",
    noise: &["^RSSI:17", "^MODE:5,4", "^SRVST:2"],
    vendor: Vendor::Huawei,
    ..STANDARD
};
