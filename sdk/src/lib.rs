//! Write Plutanium connectors in Rust.
//!
//! A connector is a WebAssembly component for one of three worlds of the
//! `plutanium:gateway@0.1.1` contract:
//!
//! - a [`Processor`] sees each inbound event (SMS, call, delivery status) and
//!   answers with [`Action`]s: reply, send to a number, or drop;
//! - a [`Sink`] receives events and delivers them somewhere else;
//! - a [`Source`] is polled for outbound messages, and told which of them the
//!   gateway committed (`ack`) or refused (`reject`).
//!
//! Implement the world's trait, then name the type in the matching macro:
//!
//! ```
//! use plutanium_sdk::{Action, Config, Error, Processor, Sms};
//!
//! struct Shout;
//!
//! impl Processor for Shout {
//!     fn new(_config: &Config) -> Result<Self, Error> {
//!         Ok(Shout)
//!     }
//!     fn on_sms(&mut self, sms: Sms) -> Result<Vec<Action>, Error> {
//!         Ok(vec![Action::reply(sms.text.to_uppercase())])
//!     }
//! }
//!
//! plutanium_sdk::export_processor!(Shout);
//! ```
//!
//! Build it with `cargo build --release --target wasm32-wasip2` and the
//! `.wasm` file is the component. The host's services are plain functions
//! here: [`config`], [`log`], [`kv`], [`http`] and [`now`]. Outside wasm
//! (in `cargo test`) they talk to the fake host of the [`testing`] module, so
//! connector logic is unit-tested natively.
//!
//! The instance of your type is created on the first call, from the config
//! the host grants, and kept for later calls. The host may drop an instance
//! at any time (after a trap, a deadline, or a restart), so keep anything that
//! must survive in [`kv`].

// The generated export macros name this crate by its path, here too.
extern crate self as plutanium_sdk;

mod bindings;
pub mod config;
// The fake host is only reached from native builds.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
mod fake_host;
mod host_calls;
// The data the host calls pass; public through `log`, `kv` and `http`.
mod host_types;
pub mod http;
pub mod kv;
pub mod log;
pub mod mail;
pub mod number;
pub mod testing;
pub mod text;
pub mod time;
mod types;

pub use config::Config;
pub use types::{
    Action, Call, DeliveryState, DeliveryStatus, Encoding, Error, Event, Outbound, SendOptions,
    Sms, Timestamp,
};

/// The contract version this SDK builds components for.
pub const CONTRACT_VERSION: &str = "0.1.0";

/// Milliseconds since the Unix epoch, by the host's wall clock.
pub fn now() -> Timestamp {
    host_calls::now()
}

/// A processor: sees every event routed through it and returns what to do.
///
/// Implement `new` and the `on_*` methods for the events you care about; the
/// others do nothing. Override [`Processor::handle`] to see every event in
/// one place.
pub trait Processor: Sized + 'static {
    /// Creates the instance from the connector's config. An `Err` (usually
    /// [`Error::Config`]) is returned to the host for this call, and creation
    /// is tried again on the next call.
    fn new(config: &Config) -> Result<Self, Error>;

    /// An inbound SMS (multipart messages arrive whole).
    fn on_sms(&mut self, sms: Sms) -> Result<Vec<Action>, Error> {
        let _ = sms;
        Ok(Vec::new())
    }

    /// An incoming call, seen as a missed call.
    fn on_call(&mut self, call: Call) -> Result<Vec<Action>, Error> {
        let _ = call;
        Ok(Vec::new())
    }

    /// A delivery status for a message sent earlier.
    fn on_status(&mut self, status: DeliveryStatus) -> Result<Vec<Action>, Error> {
        let _ = status;
        Ok(Vec::new())
    }

    /// Every event; the default sends each kind to its `on_*` method.
    fn handle(&mut self, event: Event) -> Result<Vec<Action>, Error> {
        match event {
            Event::Sms(sms) => self.on_sms(sms),
            Event::Call(call) => self.on_call(call),
            Event::Status(status) => self.on_status(status),
        }
    }
}

/// A sink: receives the events routed to it and delivers them elsewhere.
///
/// Return [`Error::Transient`] to have the host retry later,
/// [`Error::Permanent`] to give the event up.
pub trait Sink: Sized + 'static {
    /// Creates the instance from the connector's config.
    fn new(config: &Config) -> Result<Self, Error>;

    /// An inbound SMS.
    fn on_sms(&mut self, sms: Sms) -> Result<(), Error> {
        let _ = sms;
        Ok(())
    }

    /// An incoming call.
    fn on_call(&mut self, call: Call) -> Result<(), Error> {
        let _ = call;
        Ok(())
    }

    /// A delivery status.
    fn on_status(&mut self, status: DeliveryStatus) -> Result<(), Error> {
        let _ = status;
        Ok(())
    }

    /// Every event; the default sends each kind to its `on_*` method.
    fn deliver(&mut self, event: Event) -> Result<(), Error> {
        match event {
            Event::Sms(sms) => self.on_sms(sms),
            Event::Call(call) => self.on_call(call),
            Event::Status(status) => self.on_status(status),
        }
    }
}

/// A source: polled on a schedule for messages to send.
///
/// Every [`Outbound`] carries an idempotency key. The host commits what
/// `poll` returned to its outbox, then calls `ack` with the committed keys;
/// only then should the source forget them (mark an email read, say). A
/// message the host refused by policy comes back through `reject` with the
/// reason. Until one of the two arrives, the same keys may be polled again,
/// and the host sends nothing twice for one key.
pub trait Source: Sized + 'static {
    /// Creates the instance from the connector's config.
    fn new(config: &Config) -> Result<Self, Error>;

    /// Up to `max` messages to send, oldest first.
    fn poll(&mut self, max: u32) -> Result<Vec<Outbound>, Error>;

    /// These keys are committed to the outbox.
    fn ack(&mut self, keys: Vec<String>) -> Result<(), Error> {
        let _ = keys;
        Ok(())
    }

    /// These keys were refused by the host, each with its reason.
    fn reject(&mut self, refused: Vec<(String, String)>) -> Result<(), Error> {
        let _ = refused;
        Ok(())
    }
}

/// Exports a [`Processor`] implementation as the component's `processor`.
///
/// Use it once per crate, at the top level: `export_processor!(MyType);`.
/// It exports only when compiling for wasm; natively it checks the type.
#[macro_export]
macro_rules! export_processor {
    ($ty:ty) => {
        // Outside wasm (in `cargo test`) nothing is exported; the type is still
        // checked, so a missing trait impl fails there too.
        const _: fn() = || {
            fn implements<T: $crate::Processor>() {}
            implements::<$ty>();
        };
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct PlutaniumProcessorExport;
            ::std::thread_local! {
                static INSTANCE: ::std::cell::RefCell<::std::option::Option<$ty>> =
                    const { ::std::cell::RefCell::new(::std::option::Option::None) };
            }
            impl $crate::__private::processor::exports::plutanium::gateway::processor::Guest
                for PlutaniumProcessorExport
            {
                fn handle(
                    event: $crate::Event,
                ) -> ::std::result::Result<::std::vec::Vec<$crate::Action>, $crate::Error> {
                    INSTANCE.with(|cell| {
                        $crate::__private::with_instance(
                            cell,
                            <$ty as $crate::Processor>::new,
                            |p| $crate::Processor::handle(p, event),
                        )
                    })
                }
            }
            $crate::__private::processor::export_processor_world!(
                PlutaniumProcessorExport with_types_in $crate::__private::processor
            );
        };
    };
}

/// Exports a [`Sink`] implementation as the component's `sink`.
#[macro_export]
macro_rules! export_sink {
    ($ty:ty) => {
        // Outside wasm (in `cargo test`) nothing is exported; the type is still
        // checked, so a missing trait impl fails there too.
        const _: fn() = || {
            fn implements<T: $crate::Sink>() {}
            implements::<$ty>();
        };
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct PlutaniumSinkExport;
            ::std::thread_local! {
                static INSTANCE: ::std::cell::RefCell<::std::option::Option<$ty>> =
                    const { ::std::cell::RefCell::new(::std::option::Option::None) };
            }
            impl $crate::__private::sink::exports::plutanium::gateway::sink::Guest
                for PlutaniumSinkExport
            {
                fn deliver(event: $crate::Event) -> ::std::result::Result<(), $crate::Error> {
                    INSTANCE.with(|cell| {
                        $crate::__private::with_instance(cell, <$ty as $crate::Sink>::new, |s| {
                            $crate::Sink::deliver(s, event)
                        })
                    })
                }
            }
            $crate::__private::sink::export_sink_world!(
                PlutaniumSinkExport with_types_in $crate::__private::sink
            );
        };
    };
}

/// Exports a [`Source`] implementation as the component's `source`.
#[macro_export]
macro_rules! export_source {
    ($ty:ty) => {
        // Outside wasm (in `cargo test`) nothing is exported; the type is still
        // checked, so a missing trait impl fails there too.
        const _: fn() = || {
            fn implements<T: $crate::Source>() {}
            implements::<$ty>();
        };
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct PlutaniumSourceExport;
            ::std::thread_local! {
                static INSTANCE: ::std::cell::RefCell<::std::option::Option<$ty>> =
                    const { ::std::cell::RefCell::new(::std::option::Option::None) };
            }
            impl $crate::__private::source::exports::plutanium::gateway::source::Guest
                for PlutaniumSourceExport
            {
                fn poll(
                    max: u32,
                ) -> ::std::result::Result<::std::vec::Vec<$crate::Outbound>, $crate::Error>
                {
                    INSTANCE.with(|cell| {
                        $crate::__private::with_instance(cell, <$ty as $crate::Source>::new, |s| {
                            $crate::Source::poll(s, max)
                        })
                    })
                }
                fn ack(
                    keys: ::std::vec::Vec<::std::string::String>,
                ) -> ::std::result::Result<(), $crate::Error> {
                    INSTANCE.with(|cell| {
                        $crate::__private::with_instance(cell, <$ty as $crate::Source>::new, |s| {
                            $crate::Source::ack(s, keys)
                        })
                    })
                }
                fn reject(
                    refused: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,
                ) -> ::std::result::Result<(), $crate::Error> {
                    INSTANCE.with(|cell| {
                        $crate::__private::with_instance(cell, <$ty as $crate::Source>::new, |s| {
                            $crate::Source::reject(s, refused)
                        })
                    })
                }
            }
            $crate::__private::source::export_source_world!(
                PlutaniumSourceExport with_types_in $crate::__private::source
            );
        };
    };
}

/// Glue for the export macros; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::bindings::{processor, sink, source};
    pub use wit_bindgen;

    use std::cell::RefCell;

    use crate::{Config, Error};

    /// Runs `call` on the instance in `cell`, creating it first if needed.
    pub fn with_instance<T, R>(
        cell: &RefCell<Option<T>>,
        new: fn(&Config) -> Result<T, Error>,
        call: impl FnOnce(&mut T) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let mut slot = cell.borrow_mut();
        let instance = match &mut *slot {
            Some(instance) => instance,
            empty @ None => empty.insert(new(&Config::load())?),
        };
        call(instance)
    }
}
