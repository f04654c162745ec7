//! What the modem says about itself and its network: identity (`ATI`,
//! `+CGMI`, `+CGMM`, `+CGMR`, `+CGSN`, `+CIMI`) and status (`+CREG`,
//! `+CGREG`, `+COPS`, `+CSQ`, `+CBC`, `+CGATT`, `+CFUN`).
//!
//! The simulator has no radio: registration, battery and operator are
//! fixed values, good enough for a host's health checks. The signal
//! (`+CSQ`, and `+CESQ`'s RSRP and RSRQ) walks slowly around a fixed level,
//! one step per query and from a starting point that differs by IMEI, so
//! that a host's health chart draws a line that moves.

use super::Modem;
use super::dispatch::GroupResult;
use super::syntax::{Form, args, number_arg};

impl Modem {
    /// `ATI`: manufacturer, model and revision on one line.
    pub(super) fn identify(&mut self) {
        let spec = self.config.profile.spec();
        let (m, model, rev) = (spec.manufacturer, spec.model, spec.revision);
        self.info(&format!("{m} {model} {rev}"));
    }

    pub(super) fn status_command(&mut self, name: &str, form: Form<'_>) -> GroupResult {
        let profile = self.config.profile.spec();
        match (name, form) {
            ("+CREG", Form::Set(a)) => {
                self.settings.creg = number_arg::<u8>(&args(a), 0)?.unwrap_or(0).min(2);
            }
            ("+CREG", Form::Query) => {
                self.info(&self.registration_line("+CREG", self.settings.creg))
            }
            ("+CGREG", Form::Set(a)) => {
                self.settings.cgreg = number_arg::<u8>(&args(a), 0)?.unwrap_or(0).min(2);
            }
            ("+CGREG", Form::Query) => {
                self.info(&self.registration_line("+CGREG", self.settings.cgreg));
            }
            ("+CSQ", Form::Action) => {
                let swing = self.signal_swing();
                self.info(&format!("+CSQ: {},99", 21 + swing));
            }
            ("+CESQ", Form::Action) => {
                let swing = self.signal_swing();
                let (rsrq, rsrp) = (20 + swing, 42 + 2 * swing);
                self.info(&format!("+CESQ: 99,99,255,255,{rsrq},{rsrp}"));
            }
            ("+CBC", Form::Action) => self.info("+CBC: 0,100,4200"),
            ("+CGATT", Form::Query) => self.info("+CGATT: 1"),
            ("+CFUN", Form::Query) => self.info("+CFUN: 1"),
            ("+CFUN", Form::Set(_)) => {}
            ("+COPS", Form::Query) => self.info("+COPS: 0,0,\"Plutanium Sim\",7"),
            ("+CGMI" | "+GMI", Form::Action) => self.info(profile.manufacturer),
            ("+CGMM" | "+GMM", Form::Action) => self.info(profile.model),
            ("+CGMR" | "+GMR", Form::Action) => self.info(profile.revision),
            ("+CGSN" | "+GSN", Form::Action) => {
                let imei = self.config.imei.clone();
                self.info(&imei);
            }
            ("+CIMI", Form::Action) => {
                let imsi = self.config.imsi.clone();
                self.info(&imsi);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The signal's offset from its level at this query: a triangle wave
    /// from -4 to 4 and back over 16 queries.
    fn signal_swing(&mut self) -> i32 {
        self.signal_step = self.signal_step.wrapping_add(1);
        let phase: u32 = self.config.imei.bytes().map(u32::from).sum();
        let t = (self.signal_step.wrapping_add(phase) % 16) as i32;
        (if t < 8 { t } else { 16 - t }) - 4
    }

    /// A `+CREG?`/`+CGREG?` answer: registered at home; mode 2 adds the cell.
    fn registration_line(&self, prefix: &str, mode: u8) -> String {
        if mode == 2 {
            format!("{prefix}: {mode},1,\"00C3\",\"0000A1B2\"")
        } else {
            format!("{prefix}: {mode},1")
        }
    }
}
