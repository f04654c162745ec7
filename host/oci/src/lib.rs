//! Connector components in OCI registries (work in progress, branch
//! `wip/oci`): push a component in the Wasm OCI artifact layout (the CNCF
//! TAG Runtime's: one `application/wasm` layer, a config of
//! `application/vnd.wasm.config.v0+json`) and pull it back by tag or by
//! digest, its bytes checked against the digest the manifest names.

use oci_client::client::{ClientConfig, ClientProtocol, Config, ImageLayer};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};
use sha2::{Digest, Sha256};

/// The layer's media type in the Wasm OCI artifact layout.
pub const WASM_LAYER: &str = "application/wasm";
/// The config's media type in the same layout.
pub const WASM_CONFIG: &str = "application/vnd.wasm.config.v0+json";

/// Why a push or pull failed.
#[derive(Debug, thiserror::Error)]
pub enum OciError {
    /// The reference cannot be parsed.
    #[error(
        "{reference:?} is not a registry reference (REGISTRY/REPOSITORY:TAG or …@sha256:DIGEST): {why}"
    )]
    Reference {
        /// What was given.
        reference: String,
        /// What the parser said.
        why: String,
    },
    /// The registry refused or could not be reached.
    #[error("the registry for {reference}: {why}")]
    Registry {
        /// The reference.
        reference: String,
        /// What went wrong.
        why: String,
    },
    /// The manifest is not a Wasm component's.
    #[error("{reference} is not a Wasm component: {why}")]
    NotAComponent {
        /// The reference.
        reference: String,
        /// Why not.
        why: String,
    },
    /// The bytes do not have the digest the manifest names.
    #[error(
        "{reference}: the component's bytes have digest {found}, not {expected}; nothing was installed"
    )]
    DigestMismatch {
        /// The reference.
        reference: String,
        /// The manifest's.
        expected: String,
        /// The bytes'.
        found: String,
    },
}

/// A pulled component.
#[derive(Debug)]
pub struct Pulled {
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// The manifest's digest: what a lock pins.
    pub manifest_digest: String,
}

/// `sha256:<hex>` of `bytes`.
pub fn digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn parse(reference: &str) -> Result<Reference, OciError> {
    reference
        .parse()
        .map_err(|e: oci_client::ParseError| OciError::Reference {
            reference: reference.to_string(),
            why: e.to_string(),
        })
}

fn client(plain_http: bool) -> Client {
    // reqwest under oci-client needs the process's rustls provider; ring,
    // as everywhere else in Plutanium. A provider installed first wins.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::new(ClientConfig {
        protocol: if plain_http {
            ClientProtocol::Http
        } else {
            ClientProtocol::Https
        },
        ..ClientConfig::default()
    })
}

/// Pushes `component` to `reference`; returns the manifest's digest.
pub async fn push(
    reference: &str,
    component: &[u8],
    auth: &RegistryAuth,
    plain_http: bool,
) -> Result<String, OciError> {
    let parsed = parse(reference)?;
    let registry = |e: oci_client::errors::OciDistributionError| OciError::Registry {
        reference: reference.to_string(),
        why: e.to_string(),
    };
    let layer = ImageLayer::new(component.to_vec(), WASM_LAYER.to_string(), None);
    let config = Config::new(b"{}".to_vec(), WASM_CONFIG.to_string(), None);
    let client = client(plain_http);
    client
        .push(&parsed, &[layer], config, auth, None)
        .await
        .map_err(registry)?;
    let (_, manifest_digest) = client
        .pull_image_manifest(&parsed, auth)
        .await
        .map_err(registry)?;
    Ok(manifest_digest)
}

/// Pulls the component at `reference`, checking its layout and its bytes.
pub async fn pull(
    reference: &str,
    auth: &RegistryAuth,
    plain_http: bool,
) -> Result<Pulled, OciError> {
    let parsed = parse(reference)?;
    let client = client(plain_http);
    let registry = |e: oci_client::errors::OciDistributionError| OciError::Registry {
        reference: reference.to_string(),
        why: e.to_string(),
    };
    let (manifest, manifest_digest) = client
        .pull_image_manifest(&parsed, auth)
        .await
        .map_err(registry)?;
    let not_a_component = |why: String| OciError::NotAComponent {
        reference: reference.to_string(),
        why,
    };
    let [layer] = manifest.layers.as_slice() else {
        return Err(not_a_component(format!(
            "it has {} layers; a component has one",
            manifest.layers.len()
        )));
    };
    if layer.media_type != WASM_LAYER {
        return Err(not_a_component(format!(
            "its layer is {}, not {WASM_LAYER}",
            layer.media_type
        )));
    }
    let mut bytes = Vec::new();
    client
        .pull_blob(&parsed, layer, &mut bytes)
        .await
        .map_err(registry)?;
    let found = digest(&bytes);
    if found != layer.digest {
        return Err(OciError::DigestMismatch {
            reference: reference.to_string(),
            expected: layer.digest.clone(),
            found,
        });
    }
    Ok(Pulled {
        bytes,
        manifest_digest,
    })
}

#[cfg(test)]
mod tests;
