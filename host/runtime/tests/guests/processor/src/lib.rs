//! A processor connector for the runtime's tests. Its `mode` config key picks a
//! behaviour: `echo` (the default) answers every SMS with "<prefix><text>";
//! `loop` never returns; `grow` allocates without end; `trap` panics; `http`
//! fetches the `url` config value and replies with the status or the error
//! (and with `read: body`, reads the body and says how long it was);
//! `parallel` sends `count` requests to `url` at once and lists how each
//! ended; `kv` counts calls in its store; `memory` counts them in its own
//! linear memory; `fail` returns an error; `print` writes to stdout and
//! stderr; `log` logs with typed fields (`log-typed`, which came with
//! contract 0.1.1) and with text ones.

wit_bindgen::generate!({
    path: "../../../../../wit",
    world: "plutanium:gateway/processor-connector",
    generate_all,
});

use exports::plutanium::gateway::processor::Guest;
use plutanium::gateway::host;
use plutanium::gateway::types::{Action, Error, Event};

struct TestProcessor;

fn config(key: &str) -> Option<String> {
    host::config().into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The response's status, and with `read_body` the body's length too.
fn http_get(url: &str, authorization: Option<&str>, read_body: bool) -> Result<String, String> {
    use wasi::http::outgoing_handler;
    use wasi::http::types::{Fields, OutgoingRequest, Scheme};
    let (scheme, rest) = url.split_once("://").ok_or("bad url")?;
    let (authority, path) = rest.split_once('/').map_or((rest, "/".to_string()), |(a, p)| (a, format!("/{p}")));
    let headers = Fields::new();
    if let Some(value) = authorization {
        headers
            .append("authorization", value.as_bytes())
            .map_err(|e| format!("header refused: {e:?}"))?;
    }
    let request = OutgoingRequest::new(headers);
    request
        .set_scheme(Some(&if scheme == "https" { Scheme::Https } else { Scheme::Http }))
        .map_err(|()| "scheme")?;
    request.set_authority(Some(authority)).map_err(|()| "authority")?;
    request.set_path_with_query(Some(&path)).map_err(|()| "path")?;
    let future = outgoing_handler::handle(request, None).map_err(|e| format!("{e:?}"))?;
    future.subscribe().block();
    let response = future
        .get()
        .ok_or("no response")?
        .map_err(|()| "response taken")?
        .map_err(|e| format!("{e:?}"))?;
    let status = response.status();
    if !read_body {
        return Ok(format!("status {status}"));
    }
    let body = response.consume().map_err(|()| "body taken")?;
    let stream = body.stream().map_err(|()| "stream taken")?;
    let mut length = 0usize;
    loop {
        match stream.blocking_read(64 * 1024) {
            Ok(chunk) => length += chunk.len(),
            Err(wasi::io::streams::StreamError::Closed) => break,
            Err(wasi::io::streams::StreamError::LastOperationFailed(e)) => {
                let code = wasi::http::types::http_error_code(&e);
                return Err(format!("{code:?} after {length} bytes"));
            }
        }
    }
    Ok(format!("status {status} bytes {length}"))
}

/// Sends `count` GETs to `url` at once, then waits for each: "status N" or
/// the error, one per request, joined with ", ".
fn http_parallel(url: &str, count: usize) -> String {
    use wasi::http::outgoing_handler;
    use wasi::http::types::{Fields, OutgoingRequest, Scheme};
    let Some((scheme, rest)) = url.split_once("://") else {
        return "bad url".into();
    };
    let (authority, path) = rest.split_once('/').map_or((rest, "/".to_string()), |(a, p)| (a, format!("/{p}")));
    let pending: Vec<_> = (0..count)
        .map(|_| {
            let request = OutgoingRequest::new(Fields::new());
            let _ = request.set_scheme(Some(&if scheme == "https" { Scheme::Https } else { Scheme::Http }));
            let _ = request.set_authority(Some(authority));
            let _ = request.set_path_with_query(Some(&path));
            outgoing_handler::handle(request, None)
        })
        .collect();
    let answers: Vec<String> = pending
        .into_iter()
        .map(|future| match future {
            Err(e) => format!("{e:?}"),
            Ok(future) => {
                future.subscribe().block();
                match future.get() {
                    Some(Ok(Ok(response))) => format!("status {}", response.status()),
                    Some(Ok(Err(e))) => format!("{e:?}"),
                    _ => "no response".into(),
                }
            }
        })
        .collect();
    answers.join(", ")
}

impl Guest for TestProcessor {
    fn handle(event: Event) -> Result<Vec<Action>, Error> {
        let Event::Sms(sms) = event else {
            return Ok(Vec::new());
        };
        match config("mode").as_deref().unwrap_or("echo") {
            "loop" => {
                let mut n: u64 = 0;
                loop {
                    n = n.wrapping_add(1);
                    std::hint::black_box(n);
                }
            }
            "grow" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1u8; 1 << 20]);
                    std::hint::black_box(&hoard);
                }
            }
            "trap" => panic!("this connector always fails"),
            "http" => {
                let url = config("url").unwrap_or_default();
                let auth = config("authorization");
                let read_body = config("read").as_deref() == Some("body");
                let answer = match http_get(&url, auth.as_deref(), read_body) {
                    Ok(answer) => answer,
                    Err(e) => format!("error {e}"),
                };
                Ok(vec![Action::Reply(answer)])
            }
            "parallel" => {
                let url = config("url").unwrap_or_default();
                let count = config("count").and_then(|c| c.parse().ok()).unwrap_or(2);
                Ok(vec![Action::Reply(http_parallel(&url, count))])
            }
            "kv" => {
                // Read, add one, write back only if nobody wrote meanwhile:
                // instances racing on one store lose no increment.
                let kv = host::Kv::new();
                let failed = |e| Error::Transient(format!("{e:?}"));
                let count = loop {
                    let old = kv.get("count").map_err(failed)?;
                    let count = old
                        .clone()
                        .and_then(|v| v.try_into().ok().map(u32::from_le_bytes))
                        .unwrap_or(0)
                        + 1;
                    let new = count.to_le_bytes();
                    if kv
                        .compare_and_set("count", old.as_deref(), Some(&new))
                        .map_err(failed)?
                    {
                        break count;
                    }
                };
                Ok(vec![Action::Reply(format!("count {count}"))])
            }
            "memory" => {
                static CALLS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
                let calls = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                Ok(vec![Action::Reply(format!("calls {calls}"))])
            }
            "fail" => Err(Error::Permanent("refused on purpose".into())),
            "log" => {
                // `log-typed` came with 0.1.1; `log` is 0.1.0's.
                use host::FieldValue;
                host::log_typed(
                    host::LogLevel::Info,
                    "typed fields",
                    &[
                        ("status".into(), FieldValue::Integer(200)),
                        ("ratio".into(), FieldValue::Float(0.5)),
                        ("ok".into(), FieldValue::Flag(true)),
                        ("from".into(), FieldValue::Text(sms.sender.clone())),
                        ("nan".into(), FieldValue::Float(f64::NAN)),
                    ],
                );
                host::log(host::LogLevel::Info, "text fields", &[("status".into(), "200".into())]);
                Ok(vec![Action::Reply("logged".into())])
            }
            "print" => {
                println!("printed {}", sms.text);
                eprintln!("complained about {}", sms.text);
                Ok(vec![Action::Reply("printed".into())])
            }
            _ => {
                let prefix = config("prefix").unwrap_or_else(|| "echo: ".into());
                host::log(host::LogLevel::Debug, "echoing", &[("from".into(), sms.sender.clone())]);
                Ok(vec![Action::Reply(format!("{prefix}{}", sms.text))])
            }
        }
    }
}

export!(TestProcessor);
