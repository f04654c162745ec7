//! The routing core's stage traits, implemented for [`Connector`]: the core
//! calls components through `plutanium_core::{Processor, Sink, Source}` and
//! never sees wasmtime or the WIT bindings.

use async_trait::async_trait;
use plutanium_core as core;

use crate::bindings::types as wit;
use crate::connector::Connector;
use crate::error::CallError;

fn stage_error(connector: &Connector, e: CallError) -> core::StageError {
    match e {
        CallError::Connector(wit::Error::Config(m)) => core::StageError::Config(m),
        CallError::Connector(wit::Error::Transient(m)) => core::StageError::Transient(m),
        CallError::Connector(wit::Error::Permanent(m)) => core::StageError::Permanent(m),
        CallError::WrongWorld { .. } => core::StageError::Config(e.to_string()),
        CallError::Backoff(wait) => core::StageError::Unavailable {
            reason: e.to_string(),
            retry_in: wait,
        },
        // The instance is gone; the next one starts after the restart backoff.
        CallError::OutOfFuel | CallError::Deadline(_) | CallError::Trap(_) => {
            core::StageError::Unavailable {
                reason: e.to_string(),
                retry_in: connector.restart_wait(),
            }
        }
    }
}

fn delivery_state(state: core::DeliveryState) -> wit::DeliveryState {
    match state {
        core::DeliveryState::Sent => wit::DeliveryState::Sent,
        core::DeliveryState::Delivered => wit::DeliveryState::Delivered,
        core::DeliveryState::Failed => wit::DeliveryState::Failed,
        core::DeliveryState::Expired => wit::DeliveryState::Expired,
    }
}

fn to_wit(event: &core::Event) -> wit::Event {
    match event {
        core::Event::Sms(sms) => wit::Event::Sms(wit::Sms {
            id: sms.id.clone(),
            sender: sms.sender.clone(),
            recipient: sms.recipient.clone(),
            text: sms.text.clone(),
            received_at: sms.received_at,
            modem: sms.modem.clone(),
            meta: sms.meta.clone(),
        }),
        core::Event::Call(call) => wit::Event::Call(wit::Call {
            caller: call.caller.clone(),
            modem: call.modem.clone(),
            at: call.at,
        }),
        core::Event::Status(status) => wit::Event::Status(wit::DeliveryStatus {
            key: status.key.clone(),
            to: status.to.clone(),
            state: delivery_state(status.state),
            detail: status.detail.clone(),
            at: status.at,
        }),
    }
}

fn from_wit_outbound(out: wit::Outbound) -> core::Outbound {
    let options = out.options;
    core::Outbound {
        to: out.to,
        text: out.text,
        key: out.key,
        options: core::SendOptions {
            encoding: match options.encoding {
                wit::Encoding::Auto => core::Encoding::Auto,
                wit::Encoding::Gsm7 => core::Encoding::Gsm7,
                wit::Encoding::Gsm7Strip => core::Encoding::Gsm7Strip,
                wit::Encoding::Ucs2 => core::Encoding::Ucs2,
            },
            status_report: options.status_report,
            flash: options.flash,
            validity_minutes: options.validity_minutes,
            modem: options.modem,
        },
    }
}

fn from_wit_action(action: wit::Action) -> core::Action {
    match action {
        wit::Action::Reply(text) => core::Action::Reply(text),
        wit::Action::Send(out) => core::Action::Send(from_wit_outbound(out)),
        wit::Action::Drop => core::Action::Drop,
    }
}

#[async_trait]
impl core::Processor for Connector {
    fn name(&self) -> &str {
        Connector::name(self)
    }

    async fn handle(&mut self, event: &core::Event) -> Result<Vec<core::Action>, core::StageError> {
        let actions = Connector::handle(self, &to_wit(event))
            .await
            .map_err(|e| stage_error(self, e))?;
        Ok(actions.into_iter().map(from_wit_action).collect())
    }
}

#[async_trait]
impl core::Sink for Connector {
    fn name(&self) -> &str {
        Connector::name(self)
    }

    async fn deliver(&mut self, event: &core::Event) -> Result<(), core::StageError> {
        Connector::deliver(self, &to_wit(event))
            .await
            .map_err(|e| stage_error(self, e))
    }
}

#[async_trait]
impl core::Source for Connector {
    fn name(&self) -> &str {
        Connector::name(self)
    }

    async fn poll(&mut self, max: u32) -> Result<Vec<core::Outbound>, core::StageError> {
        let mut polled = Connector::poll(self, max)
            .await
            .map_err(|e| stage_error(self, e))?;
        // More than asked for: the rest were not acknowledged, so they come again.
        polled.truncate(usize::try_from(max).unwrap_or(usize::MAX));
        Ok(polled.into_iter().map(from_wit_outbound).collect())
    }

    async fn ack(&mut self, keys: &[String]) -> Result<(), core::StageError> {
        Connector::ack(self, keys)
            .await
            .map_err(|e| stage_error(self, e))
    }

    async fn reject(&mut self, refused: &[(String, String)]) -> Result<(), core::StageError> {
        Connector::reject(self, refused)
            .await
            .map_err(|e| stage_error(self, e))
    }
}
