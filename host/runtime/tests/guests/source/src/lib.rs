//! A source connector for the runtime's tests: offers `count` numbered messages
//! (config) to `to`, oldest first, until each is acknowledged or rejected; it
//! remembers that in its key-value store, so a restart does not offer them again.

wit_bindgen::generate!({
    path: "../../../../../wit",
    world: "plutanium:gateway/source-connector",
    generate_all,
});

use exports::plutanium::gateway::source::Guest;
use plutanium::gateway::host;
use plutanium::gateway::types::{Encoding, Error, Outbound, SendOptions};

struct TestSource;

fn config(key: &str) -> Option<String> {
    host::config().into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn kv_error(e: host::KvError) -> Error {
    Error::Transient(format!("{e:?}"))
}

fn done(kv: &host::Kv, key: &str) -> Result<bool, Error> {
    Ok(kv.get(&format!("done/{key}")).map_err(kv_error)?.is_some())
}

fn mark(keys: &[String], how: &str) -> Result<(), Error> {
    let kv = host::Kv::new();
    for key in keys {
        kv.set(&format!("done/{key}"), how.as_bytes()).map_err(kv_error)?;
    }
    Ok(())
}

impl Guest for TestSource {
    fn poll(max: u32) -> Result<Vec<Outbound>, Error> {
        let count: u32 = config("count")
            .unwrap_or_else(|| "3".into())
            .parse()
            .map_err(|_| Error::Config("count must be a number".into()))?;
        let to = config("to").ok_or_else(|| Error::Config("to is required".into()))?;
        let kv = host::Kv::new();
        let mut out = Vec::new();
        for n in 1..=count {
            let key = format!("test:{n}");
            if out.len() as u32 >= max {
                break;
            }
            if !done(&kv, &key)? {
                out.push(Outbound {
                    to: to.clone(),
                    text: format!("message {n}"),
                    key,
                    options: SendOptions {
                        encoding: Encoding::Auto,
                        status_report: false,
                        flash: false,
                        validity_minutes: None,
                        modem: None,
                    },
                });
            }
        }
        Ok(out)
    }

    fn ack(keys: Vec<String>) -> Result<(), Error> {
        mark(&keys, "sent")
    }

    fn reject(refused: Vec<(String, String)>) -> Result<(), Error> {
        let keys: Vec<String> = refused.into_iter().map(|(k, _)| k).collect();
        mark(&keys, "rejected")
    }
}

export!(TestSource);
