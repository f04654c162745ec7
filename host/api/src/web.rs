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

/// The page and its files: (path, content type, body). uPlot, the charts'
/// library, is vendored unmodified (`web/vendor/README.md` says from where).
pub(crate) const FILES: [(&str, &str, &str); 7] = [
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
        "/admin/admin-health.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/admin-health.js"),
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
    (
        "/admin/uPlot.iife.min.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/vendor/uPlot.iife.min.js"),
    ),
    (
        "/admin/uPlot.min.css",
        "text/css; charset=utf-8",
        include_str!("../web/vendor/uPlot.min.css"),
    ),
];

/// One of [`FILES`] as it is served: as written, and gzipped for browsers
/// that take it (each with its own ETag, as two representations).
struct Served {
    content_type: &'static str,
    plain: &'static str,
    plain_etag: HeaderValue,
    gzipped: axum::body::Bytes,
    gzipped_etag: HeaderValue,
}

impl Served {
    fn new(content_type: &'static str, plain: &'static str) -> Served {
        let gzipped = gzip(plain.as_bytes());
        let tag = short_hash(plain);
        Served {
            content_type,
            plain,
            plain_etag: etag(&format!("\"{tag}\"")),
            gzipped: gzipped.into(),
            gzipped_etag: etag(&format!("\"{tag}-gz\"")),
        }
    }

    /// The answer to a GET: the file (gzipped if the browser takes it),
    /// or 304 when the browser has it, with the headers every page file
    /// carries.
    fn answer(&self, request: &HeaderMap) -> Response {
        let gzipped = accepts_gzip(request);
        let etag = if gzipped {
            &self.gzipped_etag
        } else {
            &self.plain_etag
        };
        let fresh = etag.to_str().is_ok_and(|etag| has_match(request, etag));
        let mut response = match (fresh, gzipped) {
            (true, _) => StatusCode::NOT_MODIFIED.into_response(),
            (false, true) => self.gzipped.clone().into_response(),
            (false, false) => self.plain.into_response(),
        };
        let headers = response.headers_mut();
        for (name, value) in [
            (header::CONTENT_TYPE, self.content_type),
            (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::REFERRER_POLICY, "no-referrer"),
            // A new daemon may bring a new page: always ask (the ETag
            // makes asking cheap).
            (header::CACHE_CONTROL, "no-cache"),
            (header::VARY, "Accept-Encoding"),
            (
                HeaderName::from_static("cross-origin-opener-policy"),
                "same-origin",
            ),
        ] {
            headers.insert(name, HeaderValue::from_static(value));
        }
        if gzipped {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        headers.insert(header::ETAG, etag.clone());
        response
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// Part of `body`'s SHA-256, in hex.
fn short_hash(body: &str) -> String {
    use sha2::Digest;
    hex::encode(&sha2::Sha256::digest(body.as_bytes())[..12])
}

fn etag(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).expect("hex in quotes is a header value")
}

/// Whether `Accept-Encoding` takes gzip (by name or `*`, not at `q=0`).
fn accepts_gzip(request: &HeaderMap) -> bool {
    request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
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

/// The web admin's routes (no token needed: the files hold no data). The
/// files are gzipped here, once.
pub(crate) fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let mut router = Router::new();
    for (path, content_type, body) in FILES {
        let served = std::sync::Arc::new(Served::new(content_type, body));
        router = router.route(
            path,
            get(move |request: HeaderMap| async move { served.answer(&request) }),
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
            assert!(tag.contains("src=\"admin/"), "inline script: {tag}");
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
        // The script calls the API relative to the page too.
        let script = FILES[1].2;
        for absolute in ["'/api/", "`/api/", "\"/api/"] {
            assert!(!script.contains(absolute), "admin.js names {absolute}");
        }
        // Named relative to the page (which is at `/`), so that it works
        // under a proxy's path too.
        for name in named {
            assert!(!name.starts_with('/'), "{name} is absolute");
            let path = format!("/{name}");
            assert!(
                FILES.iter().any(|(served, _, _)| *served == path),
                "{path} is named by the page but not served"
            );
        }
    }

    #[test]
    fn the_scripts_never_write_markup_from_strings() {
        // Trusted Types would refuse it at run time; this finds it sooner.
        for (path, _, script) in FILES.iter().filter(|f| f.0.ends_with(".js")) {
            for sink in [
                "innerHTML",
                "outerHTML",
                "insertAdjacentHTML",
                "document.write",
                "eval(",
                "new Function",
            ] {
                assert!(!script.contains(sink), "{path} uses {sink}");
            }
        }
    }

    #[test]
    fn the_vendored_chart_library_is_the_pinned_release_unmodified() {
        use sha2::{Digest, Sha256};
        let pinned = [
            (
                "/admin/uPlot.iife.min.js",
                "19c8d4c6ad88929a79f4ae49d6f7161566dfd0ba3d15cc495e974f787eb78f1f",
            ),
            (
                "/admin/uPlot.min.css",
                "df630c6a8d6f8eeaff264b50f73ce5b114f646ffd9a0bb74f049b0a00135fa04",
            ),
        ];
        for (path, sha256) in pinned {
            let (_, _, body) = FILES.iter().find(|f| f.0 == path).unwrap();
            let digest: String = Sha256::digest(body.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(digest, sha256, "{path} differs from uplot@1.6.32's");
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
        assert_eq!(short_hash("a"), short_hash("a"));
        assert_ne!(short_hash("a"), short_hash("b"));
    }

    #[test]
    fn gzip_is_sent_to_browsers_that_take_it() {
        let takes = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(value).unwrap(),
            );
            accepts_gzip(&headers)
        };
        assert!(takes("gzip, deflate, br, zstd"));
        assert!(takes("br;q=1.0, gzip;q=0.8"));
        assert!(takes("*"));
        assert!(!takes("gzip;q=0"));
        assert!(!takes("br, deflate"));
        assert!(!takes("identity"));
        assert!(!accepts_gzip(&HeaderMap::new()));
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
