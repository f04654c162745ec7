//! Incoming calls: report each call once, however often it rings, and hang
//! up if configured to.

use std::time::Duration;

use plutanium_at::command;
use tokio::time::Instant;

use super::link::Link;
use super::{Actor, IncomingCall, ModemEvent, SessionEnd};

/// Rings of one caller closer together than this are one call (networks
/// ring every 3 to 6 seconds).
const SAME_CALL_GAP: Duration = Duration::from_secs(10);

impl Actor {
    /// Reports a ringing call (once per call, not once per ring) and hangs up
    /// if configured to.
    pub(super) async fn call(
        &mut self,
        link: &mut Link,
        caller: Option<String>,
    ) -> Result<(), SessionEnd> {
        self.ringing_call(caller).await;
        if self.config.hang_up_calls {
            self.hang_up(link).await?;
        }
        Ok(())
    }

    /// Reports a ringing call, once per call; sends no command (a call
    /// that rings while a command runs is reported at once, and hung up
    /// when the command has ended).
    pub(super) async fn ringing_call(&mut self, caller: Option<String>) {
        let now = Instant::now();
        let repeated = self
            .ringing
            .as_ref()
            .is_some_and(|(last, at)| *last == caller && now.duration_since(*at) < SAME_CALL_GAP);
        self.ringing = Some((caller.clone(), now));
        if !repeated {
            self.emit(ModemEvent::Call(IncomingCall {
                modem: self.config.name.clone(),
                caller,
            }))
            .await;
        }
    }

    /// Hangs up the call ringing now. The same call ringing again is not a
    /// new call; if it still rings, the last hang-up did not take, so this
    /// runs again.
    pub(super) async fn hang_up(&mut self, link: &mut Link) -> Result<(), SessionEnd> {
        let mut hung_up = self.try_lines(link, &command::hang_up()).await?.is_some();
        if !hung_up {
            hung_up = self
                .try_lines(link, &command::hang_up_legacy())
                .await?
                .is_some();
        }
        if hung_up {
            // Over: the same caller ringing again is a new call.
            self.ringing = None;
        }
        Ok(())
    }
}
