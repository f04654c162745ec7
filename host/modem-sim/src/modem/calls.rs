//! Incoming calls on the modem's side: `+CLIP` (show the caller with each
//! `RING`) and hanging up with `ATH` or `+CHUP`. The ringing itself comes
//! from the network.

use super::dispatch::GroupResult;
use super::syntax::{Form, args, number_arg};
use super::{Effect, Modem};

impl Modem {
    /// One ring of an incoming call, with the caller when `+CLIP` is on,
    /// in the make's words and order.
    pub(crate) fn announce_ring(&mut self, caller: &str) {
        let spec = self.config.profile.spec();
        let clip = self
            .settings
            .clip
            .then(|| format!("+CLIP: \"{caller}\",145{}", spec.clip_tail));
        if spec.clip_first
            && let Some(clip) = &clip
        {
            self.urc(clip);
        }
        self.urc(spec.ring);
        if !spec.clip_first
            && let Some(clip) = &clip
        {
            self.urc(clip);
        }
    }

    /// `ATH` and `+CHUP`: ends the ringing call, if there is one.
    pub(super) fn hang_up(&mut self, effects: &mut Vec<Effect>) {
        if self.ringing.take().is_some() {
            effects.push(Effect::HangUp);
        }
    }

    pub(super) fn call_command(
        &mut self,
        name: &str,
        form: Form<'_>,
        effects: &mut Vec<Effect>,
    ) -> GroupResult {
        // Profiles without +CHUP (old Wavecom firmware) answer ERROR to it.
        let has_chup = self.config.profile.spec().has_chup;
        match (name, form) {
            ("+CLIP", Form::Set(a)) => {
                self.settings.clip = number_arg::<u8>(&args(a), 0)? == Some(1);
            }
            ("+CLIP", Form::Query) => {
                self.info(&format!("+CLIP: {},1", u8::from(self.settings.clip)));
            }
            ("+CHUP", Form::Test) if has_chup => {}
            ("+CHUP", Form::Action) if has_chup => self.hang_up(effects),
            _ => return Ok(false),
        }
        Ok(true)
    }
}
