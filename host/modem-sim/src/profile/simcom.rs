//! SIMCom SIM800 / SIM800L (2G).
//!
//! Sources:
//! - `SIMCOM_Ltd`, firmware `1418B04SIM800L24`: espressif/esp-protocols
//!   issue 406 and serialport-gsm issue 66;
//! - `RDY`, `+CPIN: READY`, `Call Ready`, `SMS Ready` printed unasked after
//!   power-up: the same esp-protocols issue and ModemManager's SIMTech
//!   plugin;
//! - `+CNMI: (0-3),(0-3),(0,2),(0,1),(0,1)`: `ds=2` (stored reports) is not
//!   offered, `AT+CNMI=2,1,0,2` fails and reports come as `+CDS`:
//!   faucamp/python-gsmmodem issue 60;
//! - `+CLIP: "+<n>",145,"",0,"",0` printed before `RING`:
//!   vshymanskyy/TinyGSM issue 721;
//! - storage numbered from 1 (gammu's default).

use super::{STANDARD, Spec};

pub(super) const SPEC: Spec = Spec {
    name: "simcom",
    device: "SIMCom SIM800 / SIM800L",
    manufacturer: "SIMCOM_Ltd",
    model: "SIMCOM_SIM800L",
    revision: "Revision:1418B04SIM800L24",
    boot: &["RDY", "+CFUN: 1", "+CPIN: READY", "Call Ready", "SMS Ready"],
    cnmi_test: Some("+CNMI: (0-3),(0-3),(0,2),(0,1),(0,1)"),
    first_index: 1,
    clip_tail: ",\"\",0,\"\",0",
    clip_first: true,
    ..STANDARD
};
