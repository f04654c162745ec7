//! Plutanium's one trust store.
//!
//! Every TLS client in the daemon — a connector's outbound HTTP, the OAuth
//! token requests made for connectors, `plutanium gmail login` — trusts the
//! same certificate authorities: the platform's (`/etc/ssl/certs` on Debian,
//! honouring `SSL_CERT_FILE` and `SSL_CERT_DIR`) plus the PEM files the
//! operator names in `tls.ca_files`. So a company proxy's CA or a LAN's
//! private CA, once installed with `update-ca-certificates` or named in the
//! config, works for all of them alike; before, connectors trusted a
//! compiled-in Mozilla list while OAuth trusted the system's, and a user
//! behind such a CA got one working and one failing.
//!
//! Why `rustls-native-certs` and not `rustls-platform-verifier`: on Linux both
//! read the same files, but only a plain [`RootCertStore`] lets the operator's
//! extra files join the platform's roots in one place that every client
//! (hyper, yup-oauth2's hyper-rustls, tokio-rustls) accepts.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{ClientConfig, RootCertStore};

/// A CA file that cannot be used, said with its path and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    /// The file cannot be read.
    #[error(
        "cannot read the CA file {path}: {source} (check the path in `tls.ca_files` and that the daemon's user may read it)"
    )]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file holds no PEM certificate.
    #[error(
        "the CA file {path} holds no certificate: {problem} (expected PEM text with -----BEGIN CERTIFICATE----- blocks; convert a DER file with `openssl x509 -inform der -in FILE -out FILE.pem`)"
    )]
    NoCertificate {
        /// The file.
        path: PathBuf,
        /// What the parser found.
        problem: String,
    },
    /// A certificate in the file cannot be a trust anchor.
    #[error("the CA file {path} has a certificate that cannot be trusted as a CA: {problem}")]
    Unusable {
        /// The file.
        path: PathBuf,
        /// Why rustls refused it.
        problem: String,
    },
    /// rustls cannot make a client configuration (a build without TLS 1.2
    /// or 1.3 support).
    #[error("cannot set up TLS: {0}")]
    Tls(String),
}

/// The CAs the daemon trusts, ready for TLS clients.
#[derive(Clone, Debug)]
pub struct TrustStore {
    config: Arc<ClientConfig>,
    platform_roots: usize,
    extra_roots: usize,
}

impl TrustStore {
    /// The platform's CAs plus every certificate in `ca_files`.
    ///
    /// A platform certificate that cannot be parsed is skipped with a warning
    /// (one bad file in `/etc/ssl/certs` must not take HTTPS away); a file the
    /// operator named that cannot be used is an error, because they asked
    /// for it.
    pub fn load(ca_files: &[PathBuf]) -> Result<Self, TrustError> {
        let mut roots = RootCertStore::empty();
        let native = rustls_native_certs::load_native_certs();
        for error in &native.errors {
            tracing::warn!(%error, "skipping a system CA certificate that cannot be read");
        }
        let (platform_roots, ignored) = roots.add_parsable_certificates(native.certs);
        if ignored > 0 {
            tracing::warn!(
                ignored,
                "skipping system CA certificates that rustls cannot use"
            );
        }
        if platform_roots == 0 {
            tracing::warn!(
                "no system CA certificates found: HTTPS works only to servers whose CA is in `tls.ca_files` (install the ca-certificates package)"
            );
        }
        let extra_roots = add_files(&mut roots, ca_files)?;
        Self::from_roots(roots, platform_roots, extra_roots)
    }

    /// Only the certificates in `ca_files`, without the platform's: for
    /// tests that must not depend on the machine's CAs.
    pub fn only(ca_files: &[PathBuf]) -> Result<Self, TrustError> {
        let mut roots = RootCertStore::empty();
        let extra_roots = add_files(&mut roots, ca_files)?;
        Self::from_roots(roots, 0, extra_roots)
    }

    fn from_roots(
        roots: RootCertStore,
        platform_roots: usize,
        extra_roots: usize,
    ) -> Result<Self, TrustError> {
        // The provider is named rather than taken from the process default:
        // two crates in one binary that enable different providers would
        // otherwise make `builder()` panic.
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TrustError::Tls(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(TrustStore {
            config: Arc::new(config),
            platform_roots,
            extra_roots,
        })
    }

    /// A client configuration that trusts these CAs (no client
    /// certificate, no ALPN: each client sets what it speaks).
    pub fn client_config(&self) -> Arc<ClientConfig> {
        self.config.clone()
    }

    /// How many of the platform's certificates are trusted.
    pub fn platform_roots(&self) -> usize {
        self.platform_roots
    }

    /// How many certificates came from the operator's files.
    pub fn extra_roots(&self) -> usize {
        self.extra_roots
    }
}

/// Adds every certificate in `ca_files` to `roots`; how many.
fn add_files(roots: &mut RootCertStore, ca_files: &[PathBuf]) -> Result<usize, TrustError> {
    let mut added = 0;
    for path in ca_files {
        for cert in read_pem(path)? {
            roots.add(cert).map_err(|e| TrustError::Unusable {
                path: path.clone(),
                problem: e.to_string(),
            })?;
            added += 1;
        }
    }
    Ok(added)
}

/// Every certificate in a PEM file; at least one.
fn read_pem(path: &Path) -> Result<Vec<CertificateDer<'static>>, TrustError> {
    let bytes = std::fs::read(path).map_err(|source| TrustError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TrustError::NoCertificate {
            path: path.to_path_buf(),
            problem: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TrustError::NoCertificate {
            path: path.to_path_buf(),
            problem: "no CERTIFICATE block in it".into(),
        });
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ca_pem() -> String {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.self_signed(&key).unwrap().pem()
    }

    #[test]
    fn operator_files_join_the_roots() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, format!("{}{}", ca_pem(), ca_pem())).unwrap();
        let store = TrustStore::only(std::slice::from_ref(&path)).unwrap();
        assert_eq!(store.extra_roots(), 2);
        let with_platform = TrustStore::load(&[path]).unwrap();
        assert_eq!(with_platform.extra_roots(), 2);
    }

    #[test]
    fn unusable_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let err = TrustStore::load(std::slice::from_ref(&missing)).unwrap_err();
        assert!(matches!(err, TrustError::Read { .. }), "{err}");
        assert!(err.to_string().contains("missing.pem"), "{err}");
        let der = dir.path().join("ca.der");
        std::fs::write(&der, [0x30u8, 0x82, 0x01, 0x0a]).unwrap();
        let err = TrustStore::load(std::slice::from_ref(&der)).unwrap_err();
        assert!(matches!(err, TrustError::NoCertificate { .. }), "{err}");
        assert!(err.to_string().contains("ca.der"), "{err}");
        assert!(err.to_string().contains("openssl x509"), "{err}");
    }
}

#[cfg(feature = "testing")]
pub mod testing;
