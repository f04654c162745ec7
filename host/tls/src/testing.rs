//! Test helpers: a private CA made on the spot, and TLS in front of a
//! loopback server, so tests check real certificate validation without
//! depending on the machine's CAs or reaching any other host.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};

/// A CA and a server certificate it signed for `localhost` and 127.0.0.1.
pub struct PrivateCa {
    /// The CA's certificate, PEM: what an operator puts in `tls.ca_files`.
    pub ca_pem: String,
    /// The server's certificate, PEM, for a server the test runs itself
    /// (a PostgreSQL with `ssl = on`).
    pub server_cert_pem: String,
    /// The server's private key, PEM (PKCS #8).
    pub server_key_pem: String,
    /// Accepts TLS with the server's certificate and key.
    pub acceptor: tokio_rustls::TlsAcceptor,
}

impl PrivateCa {
    /// A fresh CA and server certificate (a few milliseconds).
    pub fn new() -> Result<PrivateCa, Box<dyn std::error::Error + Send + Sync>> {
        let ca_key = rcgen::KeyPair::generate()?;
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new())?;
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Plutanium test CA");
        let ca = ca_params.self_signed(&ca_key)?;
        let issuer = rcgen::Issuer::from_params(&ca_params, &ca_key);
        let server_key = rcgen::KeyPair::generate()?;
        let server_params =
            rcgen::CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])?;
        let server = server_params.signed_by(&server_key, &issuer)?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(
                vec![server.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(server_key.serialize_der().into()),
            )?;
        Ok(PrivateCa {
            ca_pem: ca.pem(),
            server_cert_pem: server.pem(),
            server_key_pem: server_key.serialize_pem(),
            acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        })
    }

    /// Terminates TLS on a free loopback port and passes the plain bytes to
    /// `backend` (an HTTP fake): `https://localhost:PORT` for a server that
    /// speaks only HTTP. Runs until the task is dropped or aborted.
    pub async fn front(
        &self,
        backend: SocketAddr,
    ) -> std::io::Result<(u16, tokio::task::JoinHandle<()>)> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let acceptor = self.acceptor.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(stream).await else {
                        return;
                    };
                    let Ok(mut plain) = TcpStream::connect(backend).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                });
            }
        });
        Ok((port, task))
    }
}
