//! Outbound HTTP inside wasm: a [`Request`] sent through
//! `wasi:http/outgoing-handler`, its response read whole, and the host's
//! error codes turned into [`HttpError`]s a connector's log can show.

use crate::host_types::{HttpError, Request, Response, find_header, parse_url};

/// Sends `request` through `wasi:http/outgoing-handler` and reads the whole
/// response, at most `request.max_response_bytes` of body.
pub(crate) fn send(request: &Request) -> Result<Response, HttpError> {
    use crate::bindings::processor::wasi::http::outgoing_handler;
    use crate::bindings::processor::wasi::http::types::{
        ErrorCode, Fields, HeaderError, IncomingBody, Method, OutgoingBody, OutgoingRequest,
        RequestOptions, Scheme,
    };
    use crate::bindings::processor::wasi::io::streams::StreamError;

    fn from_code(code: ErrorCode) -> HttpError {
        match code {
            ErrorCode::HttpRequestDenied => HttpError::Denied("destination not granted".into()),
            ErrorCode::ConnectionTimeout
            | ErrorCode::ConnectionReadTimeout
            | ErrorCode::ConnectionWriteTimeout
            | ErrorCode::HttpResponseTimeout => HttpError::Timeout,
            ErrorCode::InternalError(Some(why)) if why.contains("denied") => HttpError::Denied(why),
            ErrorCode::HttpRequestBodySize(_) => {
                HttpError::InvalidRequest("the body does not match its content-length".into())
            }
            other => HttpError::Failed(describe(&other)),
        }
    }

    // The bindings print an error code only as Rust would debug it; this is
    // what a connector's log and the admin page show instead.
    fn describe(code: &ErrorCode) -> String {
        let detail = |what: &str, extra: Option<String>| match extra {
            Some(extra) => format!("{what} ({extra})"),
            None => what.to_string(),
        };
        match code {
            ErrorCode::DnsTimeout => "the DNS lookup timed out".into(),
            ErrorCode::DnsError(payload) => detail("the DNS lookup failed", payload.rcode.clone()),
            ErrorCode::DestinationNotFound => "the server was not found".into(),
            ErrorCode::DestinationUnavailable => "the server is unavailable".into(),
            ErrorCode::DestinationIpProhibited => "the server's address is prohibited".into(),
            ErrorCode::DestinationIpUnroutable => "the server's address is unroutable".into(),
            ErrorCode::ConnectionRefused => "the server refused the connection".into(),
            ErrorCode::ConnectionTerminated => "the connection was closed early".into(),
            ErrorCode::ConnectionTimeout => "connecting timed out".into(),
            ErrorCode::ConnectionReadTimeout => "reading from the server timed out".into(),
            ErrorCode::ConnectionWriteTimeout => "writing to the server timed out".into(),
            ErrorCode::ConnectionLimitReached => "too many connections are open".into(),
            ErrorCode::TlsProtocolError => "the TLS handshake failed".into(),
            ErrorCode::TlsCertificateError => {
                "the server's TLS certificate was not accepted".into()
            }
            ErrorCode::TlsAlertReceived(payload) => detail(
                "the server ended TLS with an alert",
                payload.alert_message.clone(),
            ),
            ErrorCode::HttpRequestDenied => "the host denied the request".into(),
            ErrorCode::HttpRequestLengthRequired => "the server wants a content-length".into(),
            ErrorCode::HttpRequestBodySize(_) => {
                "the body does not match its content-length".into()
            }
            ErrorCode::HttpRequestMethodInvalid => "the method is not valid".into(),
            ErrorCode::HttpRequestUriInvalid => "the URL is not valid".into(),
            ErrorCode::HttpRequestUriTooLong => "the URL is too long".into(),
            ErrorCode::HttpRequestHeaderSectionSize(_) | ErrorCode::HttpRequestHeaderSize(_) => {
                "the request's headers are too large".into()
            }
            ErrorCode::HttpRequestTrailerSectionSize(_) | ErrorCode::HttpRequestTrailerSize(_) => {
                "the request's trailers are too large".into()
            }
            ErrorCode::HttpResponseIncomplete => "the response ended early".into(),
            ErrorCode::HttpResponseHeaderSectionSize(_) | ErrorCode::HttpResponseHeaderSize(_) => {
                "the response's headers are too large".into()
            }
            ErrorCode::HttpResponseBodySize(_) => "the response's body is too large".into(),
            ErrorCode::HttpResponseTrailerSectionSize(_)
            | ErrorCode::HttpResponseTrailerSize(_) => {
                "the response's trailers are too large".into()
            }
            ErrorCode::HttpResponseTransferCoding(coding) => detail(
                "the response's transfer coding is not supported",
                coding.clone(),
            ),
            ErrorCode::HttpResponseContentCoding(coding) => detail(
                "the response's content coding is not supported",
                coding.clone(),
            ),
            ErrorCode::HttpResponseTimeout => "the response timed out".into(),
            ErrorCode::HttpUpgradeFailed => "the protocol upgrade failed".into(),
            ErrorCode::HttpProtocolError => "the server broke the HTTP protocol".into(),
            ErrorCode::LoopDetected => "the request loops back to itself".into(),
            ErrorCode::ConfigurationError => "the host's HTTP setup is wrong".into(),
            ErrorCode::InternalError(why) => detail("the host failed", why.clone()),
        }
    }

    // What a refused header is called in a message, for the three ways
    // `fields` can refuse one.
    fn header_refused(name: &str, error: &HeaderError) -> HttpError {
        let why = match error {
            HeaderError::InvalidSyntax => "its name or value is not valid HTTP",
            HeaderError::Forbidden => "the host does not let connectors set it",
            HeaderError::Immutable => "the headers could no longer be changed",
        };
        HttpError::InvalidRequest(format!(
            "the header \"{}\" was refused: {why}",
            name.escape_debug()
        ))
    }

    let url = parse_url(&request.url)?;
    let headers = Fields::new();
    for (name, value) in &request.headers {
        headers
            .append(name, value.as_bytes())
            .map_err(|e| header_refused(name, &e))?;
    }
    // A known length, not chunked encoding: some servers refuse chunked bodies.
    let framed = !request.body.is_empty() || !matches!(request.method.as_str(), "GET" | "HEAD");
    if framed && find_header(&request.headers, "content-length").is_none() {
        headers
            .append("content-length", request.body.len().to_string().as_bytes())
            .map_err(|e| header_refused("content-length", &e))?;
    }
    let outgoing = OutgoingRequest::new(headers);
    let method = match request.method.as_str() {
        "GET" => Method::Get,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "DELETE" => Method::Delete,
        "PATCH" => Method::Patch,
        "HEAD" => Method::Head,
        "OPTIONS" => Method::Options,
        other => Method::Other(other.to_string()),
    };
    let refused = |what: &str| HttpError::InvalidRequest(format!("{what} refused"));
    outgoing
        .set_method(&method)
        .map_err(|()| refused("method"))?;
    let scheme = if url.https {
        Scheme::Https
    } else {
        Scheme::Http
    };
    outgoing
        .set_scheme(Some(&scheme))
        .map_err(|()| refused("scheme"))?;
    outgoing
        .set_authority(Some(url.authority))
        .map_err(|()| refused("authority"))?;
    outgoing
        .set_path_with_query(Some(&url.path_with_query))
        .map_err(|()| refused("path"))?;
    let body = outgoing.body().map_err(|()| refused("body"))?;
    let options = request.timeout.map(|timeout| {
        let options = RequestOptions::new();
        let nanos = u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX);
        // A host that does not support a timeout keeps its own.
        let _ = options.set_first_byte_timeout(Some(nanos));
        options
    });
    let future = outgoing_handler::handle(outgoing, options).map_err(from_code)?;
    let written = (|| {
        let stream = body.write().map_err(|()| refused("body stream"))?;
        for chunk in request.body.chunks(4096) {
            stream.blocking_write_and_flush(chunk).map_err(|e| {
                HttpError::Failed(match e {
                    StreamError::Closed => "writing the body: the connection closed".into(),
                    StreamError::LastOperationFailed(e) => {
                        format!("writing the body: {}", e.to_debug_string())
                    }
                })
            })?;
        }
        drop(stream);
        OutgoingBody::finish(body, None).map_err(from_code)
    })();
    future.subscribe().block();
    if let Err(write_error) = written {
        // A request the host refused (a host not granted, say) closes the
        // body early; its own error says why, better than the write's.
        return Err(match future.get() {
            Some(Ok(Err(code))) => from_code(code),
            _ => write_error,
        });
    }
    let incoming = future
        .get()
        .ok_or_else(|| HttpError::Failed("no response".into()))?
        .map_err(|()| HttpError::Failed("response already taken".into()))?
        .map_err(from_code)?;
    let status = incoming.status();
    let headers = incoming
        .headers()
        .entries()
        .into_iter()
        .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
        .collect();
    let body = incoming
        .consume()
        .map_err(|()| HttpError::Failed("response body taken".into()))?;
    let mut bytes = Vec::new();
    {
        let stream = body
            .stream()
            .map_err(|()| HttpError::Failed("response body stream taken".into()))?;
        loop {
            match stream.blocking_read(64 * 1024) {
                Ok(chunk) => {
                    if bytes.len() + chunk.len() > request.max_response_bytes {
                        return Err(HttpError::TooLarge(request.max_response_bytes));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Err(StreamError::Closed) => break,
                Err(StreamError::LastOperationFailed(e)) => {
                    return Err(HttpError::Failed(e.to_debug_string()));
                }
            }
        }
    }
    let _trailers = IncomingBody::finish(body);
    Ok(Response {
        status,
        headers,
        body: bytes,
    })
}
