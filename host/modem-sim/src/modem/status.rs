//! What the modem says about itself and its network: identity (`ATI`,
//! `+CGMI`, `+CGMM`, `+CGMR`, `+CGSN`, `+CIMI`) and status (`+CREG`,
//! `+CGREG`, `+COPS`, `+CSQ`, `+CBC`, `+CGATT`, `+CFUN`).
//!
//! The simulator has no radio: registration, signal, battery and operator
//! are fixed values, good enough for a host's health checks.

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
            ("+CSQ", Form::Action) => self.info("+CSQ: 21,99"),
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

    /// A `+CREG?`/`+CGREG?` answer: registered at home; mode 2 adds the cell.
    fn registration_line(&self, prefix: &str, mode: u8) -> String {
        if mode == 2 {
            format!("{prefix}: {mode},1,\"00C3\",\"0000A1B2\"")
        } else {
            format!("{prefix}: {mode},1")
        }
    }
}
