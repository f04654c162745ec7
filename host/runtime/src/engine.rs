//! The component host ([`Runtime`]): one wasmtime engine and linker per
//! process, the deadline clock, the compile cache, and loading a component
//! as a [`Connector`] of its world.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Config, Engine};

use crate::bindings::processor::ProcessorConnectorPre;
use crate::bindings::sink::SinkConnectorPre;
use crate::bindings::source::SourceConnectorPre;
use crate::connector::{Connector, WorldPre};
use crate::egress::{Egress, Network, SystemNetwork, TrustHandle};
use crate::error::LoadError;
use crate::grants::{Grants, HostPolicy, HttpGrants};
use crate::kv::KvStore;
use crate::limits::RuntimeConfig;
use crate::state::HostState;
use crate::world::{GATEWAY_IMPORTS, World};

/// The component host. Create one per process and load connectors into it.
pub struct Runtime {
    engine: Engine,
    linker: Linker<HostState>,
    config: RuntimeConfig,
    kv: Arc<dyn KvStore>,
    ticking: Arc<AtomicBool>,
    cache_dir: Option<std::path::PathBuf>,
    network: Arc<dyn Network>,
    trust: TrustHandle,
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.ticking.store(false, Ordering::Relaxed);
    }
}

impl Runtime {
    /// A runtime whose connectors keep their state in `kv`.
    pub fn new(config: RuntimeConfig, kv: Arc<dyn KvStore>) -> Result<Self, LoadError> {
        let runtime_error = |e: wasmtime::Error| LoadError::Runtime(e.to_string());
        let mut engine_config = Config::new();
        engine_config.epoch_interruption(true);
        engine_config.consume_fuel(config.fuel.is_some());
        let engine = Engine::new(&engine_config).map_err(runtime_error)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(runtime_error)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)
            .map_err(runtime_error)?;
        // Only the gateway's own interfaces: WASI and wasi-http come from wasmtime above.
        crate::bindings::types::add_to_linker::<_, HasSelf<_>>(&mut linker, |s| s)
            .map_err(runtime_error)?;
        crate::bindings::host::add_to_linker::<_, HasSelf<_>>(&mut linker, |s| s)
            .map_err(runtime_error)?;
        let ticking = Arc::new(AtomicBool::new(true));
        let (tick_engine, tick_flag, tick) = (engine.clone(), ticking.clone(), config.epoch_tick);
        std::thread::Builder::new()
            .name("plutanium-epoch".into())
            .spawn(move || {
                while tick_flag.load(Ordering::Relaxed) {
                    std::thread::sleep(tick);
                    tick_engine.increment_epoch();
                }
            })
            .map_err(|e| LoadError::Runtime(format!("cannot start the deadline clock: {e}")))?;
        Ok(Runtime {
            engine,
            linker,
            config,
            kv,
            ticking,
            cache_dir: None,
            network: Arc::new(SystemNetwork),
            trust: TrustHandle::default(),
        })
    }

    /// Describes a component without instantiating it: its world, contract
    /// version, imports, exports, size, and whether this runtime can load it.
    ///
    /// With a compile cache, the compiled code is kept, so a later load of
    /// the same bytes does not compile again (this is how `install` precompiles).
    pub fn inspect(&self, bytes: &[u8]) -> Result<Inspection, LoadError> {
        let component = self.compile(bytes)?;
        let ty = component.component_type();
        let imports: Vec<String> = ty
            .imports(&self.engine)
            .map(|(n, _)| n.to_string())
            .collect();
        let exports: Vec<String> = ty
            .exports(&self.engine)
            .map(|(n, _)| n.to_string())
            .collect();
        let contract_version = exports
            .iter()
            .chain(imports.iter())
            .filter_map(|name| name.strip_prefix("plutanium:gateway/"))
            .filter_map(|rest| rest.split_once('@').map(|(_, v)| v.to_string()))
            .next();
        let checked = self.check_world(&component, None);
        Ok(Inspection {
            world: checked.as_ref().ok().copied(),
            contract_version,
            imports,
            exports,
            size: bytes.len(),
            incompatibility: checked.err().map(|e| e.to_string()),
        })
    }

    /// Keeps compiled machine code in `dir`, so a restart loads connectors
    /// without compiling them again.
    pub fn with_compile_cache(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.cache_dir = Some(dir.into());
        self
    }

    /// Resolves names and connects through `network` instead of the
    /// operating system (tests: a resolver that changes its answer).
    pub fn with_network(mut self, network: Arc<dyn Network>) -> Self {
        self.network = network;
        self
    }

    /// Trusts `trust`'s CAs for every connector's HTTPS, loaded and
    /// loaded later alike (a reload calls this with the new config's
    /// store). Until it is called, the platform's CAs are trusted.
    pub fn set_trust(&self, trust: &plutanium_tls::TrustStore) {
        self.trust.set(trust.client_config());
    }

    /// The component's world, from its exports, or a load error naming what is wrong.
    fn check_world(
        &self,
        component: &Component,
        wanted: Option<World>,
    ) -> Result<World, LoadError> {
        let ty = component.component_type();
        let exports: Vec<String> = ty
            .exports(&self.engine)
            .map(|(n, _)| n.to_string())
            .collect();
        let candidates: Vec<World> = wanted.map_or(World::ALL.to_vec(), |w| vec![w]);
        let found = candidates
            .iter()
            .copied()
            .find(|w| exports.iter().any(|e| e == w.export()));
        let Some(world) = found else {
            for w in &candidates {
                let unversioned = w.export().split('@').next().unwrap_or_default();
                if let Some(other) = exports
                    .iter()
                    .find(|e| e.starts_with(&format!("{unversioned}@")))
                {
                    return Err(LoadError::VersionMismatch {
                        expected: w.export(),
                        found: other.clone(),
                    });
                }
            }
            return Err(LoadError::MissingExport {
                expected: candidates
                    .iter()
                    .map(|w| w.export())
                    .collect::<Vec<_>>()
                    .join(" or "),
                found: if exports.is_empty() {
                    "nothing".into()
                } else {
                    exports.join(", ")
                },
            });
        };
        for (name, item) in ty.imports(&self.engine) {
            if !matches!(item.ty, ComponentItem::ComponentInstance(_)) {
                return Err(LoadError::UnsupportedImport(name.to_string()));
            }
            if name.starts_with("wasi:") && name.contains("@0.2.") {
                continue;
            }
            if GATEWAY_IMPORTS.contains(&name) {
                continue;
            }
            if name.starts_with("plutanium:gateway/") {
                return Err(LoadError::VersionMismatch {
                    expected: "plutanium:gateway@0.1.0",
                    found: name.to_string(),
                });
            }
            return Err(LoadError::UnsupportedImport(name.to_string()));
        }
        Ok(world)
    }

    /// Loads a component of any of the three worlds: checks its world and
    /// version, links it, and prepares instantiation (the first call instantiates).
    pub fn load(&self, name: &str, bytes: &[u8], grants: Grants) -> Result<Connector, LoadError> {
        self.load_world(name, bytes, grants, None)
    }

    /// Loads a component that must be a processor.
    pub fn load_processor(
        &self,
        name: &str,
        bytes: &[u8],
        grants: Grants,
    ) -> Result<Connector, LoadError> {
        self.load_world(name, bytes, grants, Some(World::Processor))
    }

    /// Compiles `bytes`, or loads the machine code compiled for them earlier from
    /// the cache directory. The cache key is the engine's compatibility hash (so a
    /// different wasmtime or configuration never reuses code) and the component's
    /// hash; a damaged or foreign entry is recompiled, never trusted.
    fn compile(&self, bytes: &[u8]) -> Result<Component, LoadError> {
        let Some(dir) = &self.cache_dir else {
            return Component::new(&self.engine, bytes)
                .map_err(|e| LoadError::Invalid(format!("{e:#}")));
        };
        // SHA-256, not std's DefaultHasher: the name must mean the same
        // bytes after a Rust upgrade, or the cache would silently miss.
        use sha2::Digest as _;
        use std::hash::Hash as _;
        let mut key = DigestHasher(sha2::Sha256::new());
        self.engine.precompile_compatibility_hash().hash(&mut key);
        key.0.update(bytes);
        let key = key.0.finalize();
        let path = dir.join(format!("{}.cwasm", hex::encode(&key[..16])));
        if let Ok(compiled) = std::fs::read(&path) {
            // SAFETY: `deserialize` trusts the bytes to be code this engine
            // produced. They come from a file this runtime wrote into its own
            // cache directory (which the operator keeps writable only by the
            // daemon), under a name bound to this engine's compatibility hash and
            // the component's bytes; wasmtime also checks the header and refuses
            // code from another version or configuration.
            #[allow(unsafe_code)]
            let loaded = unsafe { Component::deserialize(&self.engine, &compiled) };
            match loaded {
                Ok(component) => return Ok(component),
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "ignoring a bad cache entry")
                }
            }
        }
        let compiled = self
            .engine
            .precompile_component(bytes)
            .map_err(|e| LoadError::Invalid(format!("{e:#}")))?;
        // Whole or not at all: a crash never leaves half an entry behind.
        let stored = std::fs::create_dir_all(dir).and_then(|()| {
            plutanium_durable::replace(&path, &compiled, plutanium_durable::Access::Shared)
        });
        if let Err(e) = stored {
            tracing::warn!(dir = %dir.display(), error = %e, "cannot write the compile cache");
        }
        // SAFETY: the bytes were produced by this engine a moment ago.
        #[allow(unsafe_code)]
        let component = unsafe { Component::deserialize(&self.engine, &compiled) };
        component.map_err(|e| LoadError::Runtime(format!("{e:#}")))
    }

    fn load_world(
        &self,
        name: &str,
        bytes: &[u8],
        grants: Grants,
        wanted: Option<World>,
    ) -> Result<Connector, LoadError> {
        let component = self.compile(bytes)?;
        let world = self.check_world(&component, wanted)?;
        let hosts = HostPolicy::new(&grants.allow_hosts)?;
        let link = |e: wasmtime::Error| LoadError::Runtime(format!("{e:#}"));
        let instance_pre = self.linker.instantiate_pre(&component).map_err(link)?;
        let pre = match world {
            World::Processor => {
                WorldPre::Processor(ProcessorConnectorPre::new(instance_pre).map_err(link)?)
            }
            World::Sink => WorldPre::Sink(SinkConnectorPre::new(instance_pre).map_err(link)?),
            World::Source => WorldPre::Source(SourceConnectorPre::new(instance_pre).map_err(link)?),
        };
        let mut config = self.config;
        if let Some(deadline) = grants.call_deadline {
            config.call_deadline = deadline;
        }
        if let Some(memory) = grants.memory_limit {
            config.memory_limit = memory;
        }
        let http = HttpGrants {
            hosts,
            oauth: grants.oauth.clone(),
            egress: Egress::new(
                name,
                self.network.clone(),
                self.trust.clone(),
                grants.http_limits.unwrap_or(config.http),
            ),
        };
        Ok(Connector::new(
            name,
            world,
            pre,
            http,
            grants,
            config,
            self.kv.clone(),
            self.engine.clone(),
        ))
    }
}

/// What [`Runtime::inspect`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    /// The world, when the component is loadable.
    pub world: Option<World>,
    /// The `plutanium:gateway` version it was built against, if it names one.
    pub contract_version: Option<String>,
    /// Everything it imports.
    pub imports: Vec<String>,
    /// Everything it exports.
    pub exports: Vec<String>,
    /// Its size in bytes.
    pub size: usize,
    /// Why this runtime cannot load it, or `None` when it can.
    pub incompatibility: Option<String>,
}

/// Feeds what a [`std::hash::Hash`] writes into SHA-256: wasmtime gives its
/// compatibility hash only as `impl Hash`.
struct DigestHasher(sha2::Sha256);

impl std::hash::Hasher for DigestHasher {
    fn write(&mut self, bytes: &[u8]) {
        sha2::Digest::update(&mut self.0, bytes);
    }

    fn finish(&self) -> u64 {
        // Never read: the digest is taken from the SHA-256 itself.
        0
    }
}
