//! The component host ([`Runtime`]): one wasmtime engine and linker per
//! process, the deadline clock, the compile cache, and loading a component
//! as a [`Connector`] of its world.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};

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
use crate::world::{Versioned, World, provided, version_error, versioned};

/// The component host. Create one per process and load connectors into it.
pub struct Runtime {
    engine: Engine,
    linker: Linker<HostState>,
    config: RuntimeConfig,
    kv: Arc<dyn KvStore>,
    ticking: Arc<AtomicBool>,
    cache_dir: Option<std::path::PathBuf>,
    /// Every component loaded and still in use, by its cache key: the
    /// connectors of one component share its compiled code and its memory
    /// image, so a second instance of a Python connector costs only the
    /// pages it writes (see `compile`).
    components: Mutex<HashMap<[u8; 16], Weak<Component>>>,
    network: Arc<dyn Network>,
    trust: TrustHandle,
}

/// What the cache key mixes in beyond wasmtime's compatibility hash, for
/// settings that change the compiled artifact but are not in that hash:
/// `memory_guaranteed_dense_image_size` decides at compile time whether a
/// memory image is made. A new value here recompiles every cached entry.
const CACHE_SALT: &[u8] = b"plutanium-cache-2: dense images up to 256 MiB";

/// A linear memory's initial contents up to this size become a
/// copy-on-write image however sparse they are. componentize-py's snapshot
/// of CPython's heap is one sparse image of tens of MiB; wasmtime's default
/// (16 MiB) made it copy the snapshot into every instance instead.
const DENSE_IMAGE_LIMIT: u64 = 256 << 20;

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
        // Copy-on-write memory images (wasmtime's default, said here because
        // the memory figures depend on it), for any image size we load.
        engine_config.memory_init_cow(true);
        engine_config.memory_guaranteed_dense_image_size(DENSE_IMAGE_LIMIT);
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
            components: Mutex::new(HashMap::new()),
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

    /// How many components are loaded: connectors of the same component
    /// share one.
    pub fn components_in_use(&self) -> usize {
        let loaded = self
            .components
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        loaded.values().filter(|c| c.strong_count() > 0).count()
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
        // A world's export at any version of the line this host speaks: a
        // component built against `0.1.0` exports `processor@0.1.0`, and
        // wasmtime's linker and export lookup match it to our `@0.1.1`.
        let mut found = None;
        for name in &exports {
            let (interface, spoken) = match versioned(name) {
                Versioned::Spoken(interface) => (interface, true),
                Versioned::Newer(interface) | Versioned::OtherLine(interface) => (interface, false),
                Versioned::Foreign => continue,
            };
            let Some(world) = World::exporting(interface).filter(|w| candidates.contains(w)) else {
                continue;
            };
            if !spoken {
                return Err(version_error(name));
            }
            found = Some(world);
            break;
        }
        let Some(world) = found else {
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
            match versioned(name) {
                Versioned::Spoken(interface) if provided(interface) => continue,
                // Checked here, before linking: wasmtime's own refusal
                // ("function implementation is missing") names neither
                // version.
                Versioned::Newer(_) | Versioned::OtherLine(_) => {
                    return Err(version_error(name));
                }
                Versioned::Spoken(_) | Versioned::Foreign => {
                    return Err(LoadError::UnsupportedImport(name.to_string()));
                }
            }
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

    /// The component for `bytes`: the one already loaded, if a connector
    /// still uses it; else compiled, or loaded from the cache directory.
    /// The cache key is the engine's compatibility hash (so a different
    /// wasmtime or configuration never reuses code) and the component's
    /// hash; a damaged or foreign entry is recompiled, never trusted.
    fn compile(&self, bytes: &[u8]) -> Result<Arc<Component>, LoadError> {
        // SHA-256, not std's DefaultHasher: the name must mean the same
        // bytes after a Rust upgrade, or the cache would silently miss.
        use sha2::Digest as _;
        use std::hash::Hash as _;
        let mut key = DigestHasher(sha2::Sha256::new());
        self.engine.precompile_compatibility_hash().hash(&mut key);
        key.0.update(CACHE_SALT);
        key.0.update(bytes);
        let digest = key.0.finalize();
        let mut key = [0u8; 16];
        key.copy_from_slice(&digest[..16]);
        let loaded = || {
            self.components
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
        };
        {
            let mut loaded = loaded();
            // Forget the components nobody uses any more.
            loaded.retain(|_, component| component.strong_count() > 0);
            if let Some(component) = loaded.get(&key).and_then(Weak::upgrade) {
                return Ok(component);
            }
        }
        // Not under the lock: compiling takes seconds, and other loads
        // (of other components) go on meanwhile.
        let component = Arc::new(self.compile_uncached(bytes, &key)?);
        let mut loaded = loaded();
        // Another load of the same bytes may have finished first: share its.
        if let Some(first) = loaded.get(&key).and_then(Weak::upgrade) {
            return Ok(first);
        }
        loaded.insert(key, Arc::downgrade(&component));
        Ok(component)
    }

    fn compile_uncached(&self, bytes: &[u8], key: &[u8; 16]) -> Result<Component, LoadError> {
        let Some(dir) = &self.cache_dir else {
            return Component::new(&self.engine, bytes)
                .map_err(|e| LoadError::Invalid(format!("{e:#}")));
        };
        let path = dir.join(format!("{}.cwasm", hex::encode(key)));
        if path.exists() {
            // SAFETY: `deserialize_file` trusts the file to be code this
            // engine produced, and to stay as it is while it is mapped. It is
            // a file this runtime wrote into its own cache directory (which
            // the operator keeps writable only by the daemon), under a name
            // bound to this engine's compatibility hash and the component's
            // bytes, and it is only ever replaced by a rename, never written
            // in place; wasmtime also checks the header and refuses code
            // from another version or configuration. Mapping the file, not
            // reading it into memory, keeps the code and the memory image
            // file-backed: resident only where touched, and shared.
            #[allow(unsafe_code)]
            let loaded = unsafe { Component::deserialize_file(&self.engine, &path) };
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
        match stored {
            // SAFETY: as above; the file was written by this engine a moment ago.
            #[allow(unsafe_code)]
            Ok(()) => match unsafe { Component::deserialize_file(&self.engine, &path) } {
                Ok(component) => return Ok(component),
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "cannot map the compile cache's new entry")
                }
            },
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e, "cannot write the compile cache")
            }
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
            component,
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
