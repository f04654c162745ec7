//! A processor connector for the runtime's tests. Its `mode` config key picks a
//! behaviour: `echo` (the default) answers every SMS with "<prefix><text>";
//! `loop` never returns; `grow` allocates without end; `trap` panics; `http`
//! fetches the `url` config value and replies with the status or the error;
//! `kv` counts calls in its store; `fail` returns an error; `print` writes to
//! stdout and stderr.

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

fn http_get(url: &str, authorization: Option<&str>) -> Result<u16, String> {
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
    Ok(response.status())
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
                let answer = match http_get(&url, auth.as_deref()) {
                    Ok(status) => format!("status {status}"),
                    Err(e) => format!("error {e}"),
                };
                Ok(vec![Action::Reply(answer)])
            }
            "kv" => {
                let kv = host::Kv::new();
                let count = kv
                    .get("count")
                    .map_err(|e| Error::Transient(format!("{e:?}")))?
                    .and_then(|v| v.try_into().ok().map(u32::from_le_bytes))
                    .unwrap_or(0)
                    + 1;
                kv.set("count", &count.to_le_bytes())
                    .map_err(|e| Error::Transient(format!("{e:?}")))?;
                Ok(vec![Action::Reply(format!("count {count}"))])
            }
            "fail" => Err(Error::Permanent("refused on purpose".into())),
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
