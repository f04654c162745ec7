//! The web admin: one static page at `/` that works the REST API with the
//! token a person logs in with (kept in the tab's session storage). The
//! files are compiled into the binary, so it needs no build step, no
//! internet and no files beside the daemon. Everything is served under a
//! strict Content-Security-Policy: scripts, styles and images from this
//! origin only, no inline code, Trusted Types required, no framing.

use axum::Router;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// What the page may load and do. `connect-src 'self'` is the API;
/// `form-action 'none'` stops a form from ever submitting (and putting a
/// token in a URL) if the script did not load.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none'; \
     frame-ancestors 'none'; base-uri 'none'; require-trusted-types-for 'script'";

/// The page and its files: (path, content type, body).
pub(crate) const FILES: [(&str, &str, &str); 4] = [
    (
        "/",
        "text/html; charset=utf-8",
        include_str!("../web/index.html"),
    ),
    (
        "/admin/admin.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/admin.js"),
    ),
    (
        "/admin/admin.css",
        "text/css; charset=utf-8",
        include_str!("../web/admin.css"),
    ),
    (
        "/admin/icon.svg",
        "image/svg+xml",
        include_str!("../web/icon.svg"),
    ),
];

/// One of [`FILES`] with the headers every page file carries; a browser
/// that has this version already gets a 304.
fn file(
    content_type: &'static str,
    body: &'static str,
    etag: &HeaderValue,
    request: &HeaderMap,
) -> Response {
    let fresh = etag.to_str().is_ok_and(|etag| has_match(request, etag));
    let headers = [
        (header::CONTENT_TYPE, content_type),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        // A new daemon may bring a new page: always ask (the ETag makes
        // asking cheap).
        (header::CACHE_CONTROL, "no-cache"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body.into_response()
    };
    for (name, value) in headers {
        response
            .headers_mut()
            .insert(name, HeaderValue::from_static(value));
    }
    response.headers_mut().insert(header::ETAG, etag.clone());
    response
}

/// A strong ETag for `body`: part of its SHA-256.
fn etag_of(body: &str) -> HeaderValue {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(body.as_bytes());
    HeaderValue::from_str(&format!("\"{}\"", crate::api::tokens::hex(&digest[..12])))
        .expect("hex in quotes is a header value")
}

/// Whether the request's `If-None-Match` (every line of it) names `etag`,
/// compared weakly as RFC 9110 says for it, or is `*`.
fn has_match(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

/// The web admin's routes (no token needed: the files hold no data).
pub(crate) fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let mut router = Router::new();
    for (path, content_type, body) in FILES {
        let etag = etag_of(body);
        router = router.route(
            path,
            get(move |request: HeaderMap| async move { file(content_type, body, &etag, &request) }),
        );
    }
    router
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> &'static str {
        FILES[0].2
    }

    #[test]
    fn the_page_has_no_inline_code_the_policy_would_block() {
        let html = page().to_ascii_lowercase();
        // Every script is a file from this origin.
        for (at, _) in html.match_indices("<script") {
            let tag = &html[at..at + html[at..].find('>').unwrap()];
            assert!(tag.contains("src=\"/admin/"), "inline script: {tag}");
        }
        assert!(!html.contains("<style"), "inline style element");
        assert!(!html.contains(" style="), "inline style attribute");
        assert!(!html.contains("javascript:"), "javascript: URL");
        for handler in [
            " onclick=",
            " onload=",
            " onsubmit=",
            " oninput=",
            " onerror=",
        ] {
            assert!(!html.contains(handler), "inline handler {handler}");
        }
        // Nothing points off the daemon: it works without internet.
        for url in ["http://", "https://", "//"] {
            for attribute in ["src=\"", "href=\""] {
                assert!(
                    !html.contains(&format!("{attribute}{url}")),
                    "{attribute}{url}"
                );
            }
        }
    }

    #[test]
    fn every_file_the_page_names_is_served() {
        let html = page();
        let mut named = Vec::new();
        for attribute in ["src=\"", "href=\""] {
            for (at, _) in html.match_indices(attribute) {
                let rest = &html[at + attribute.len()..];
                named.push(&rest[..rest.find('"').unwrap()]);
            }
        }
        assert!(named.len() >= 3, "{named:?}");
        for path in named {
            assert!(
                FILES.iter().any(|(served, _, _)| *served == path),
                "{path} is named by the page but not served"
            );
        }
    }

    #[test]
    fn the_script_never_writes_markup_from_strings() {
        // Trusted Types would refuse it at run time; this finds it sooner.
        let script = FILES[1].2;
        for sink in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
        ] {
            assert!(!script.contains(sink), "admin.js uses {sink}");
        }
    }

    #[test]
    fn if_none_match_is_compared_weakly_over_every_line() {
        let etag = "\"abc\"";
        let request = |values: &[&str]| {
            let mut headers = HeaderMap::new();
            for value in values {
                headers.append(header::IF_NONE_MATCH, HeaderValue::from_str(value).unwrap());
            }
            has_match(&headers, etag)
        };
        assert!(request(&["\"abc\""]));
        assert!(request(&["W/\"abc\""]));
        assert!(request(&["\"x\", \"abc\""]));
        assert!(request(&["\"x\"", "\"abc\""]));
        assert!(request(&["*"]));
        assert!(!request(&["\"abcd\""]));
        assert!(!request(&[]));
        assert_eq!(etag_of("a"), etag_of("a"));
        assert_ne!(etag_of("a"), etag_of("b"));
    }

    #[test]
    fn the_policy_allows_only_this_origin() {
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(CONTENT_SECURITY_POLICY.contains(directive), "{directive}");
        }
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe"));
    }
}
