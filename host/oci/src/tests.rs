use std::net::TcpListener;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use super::*;

/// Debian's `docker-registry` (the CNCF distribution server) on a free
/// loopback port, its storage in a temporary directory; killed on drop.
struct Registry {
    child: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn registry() -> Registry {
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let config = dir.path().join("config.yml");
    std::fs::write(
        &config,
        format!(
            "version: 0.1\nlog: {{ level: error, accesslog: {{ disabled: true }} }}\nstorage: {{ filesystem: {{ rootdirectory: {} }} }}\nhttp: {{ addr: \"{address}\" }}\n",
            dir.path().join("data").display()
        ),
    )
    .unwrap();
    let child = Command::new("/usr/bin/docker-registry")
        .arg("serve")
        .arg(&config)
        .spawn()
        .unwrap_or_else(|e| panic!("Debian's docker-registry package is needed: {e}"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(&address).is_err() {
        assert!(Instant::now() < deadline, "docker-registry did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Registry {
        child,
        address,
        _dir: dir,
    }
}

#[tokio::test]
async fn a_component_goes_up_and_comes_back_by_tag_and_by_digest() {
    let registry = registry();
    let component = b"\0asm\x0d\0\x01\0 not a real component, bytes to carry".to_vec();
    let reference = format!("{}/plutanium/echo:1.0.0", registry.address);
    let manifest = push(&reference, &component, &RegistryAuth::Anonymous, true)
        .await
        .unwrap();
    assert!(manifest.starts_with("sha256:"), "{manifest}");
    let pulled = pull(&reference, &RegistryAuth::Anonymous, true)
        .await
        .unwrap();
    assert_eq!(pulled.bytes, component);
    assert_eq!(pulled.manifest_digest, manifest);
    let by_digest = format!("{}/plutanium/echo@{manifest}", registry.address);
    let pinned = pull(&by_digest, &RegistryAuth::Anonymous, true)
        .await
        .unwrap();
    assert_eq!(pinned.bytes, component);

    // A tag that moved: the digest still names the old bytes.
    push(&reference, b"\0asm newer", &RegistryAuth::Anonymous, true)
        .await
        .unwrap();
    let moved = pull(&reference, &RegistryAuth::Anonymous, true)
        .await
        .unwrap();
    assert_eq!(moved.bytes, b"\0asm newer");
    let still = pull(&by_digest, &RegistryAuth::Anonymous, true)
        .await
        .unwrap();
    assert_eq!(still.bytes, component);
}

#[tokio::test]
async fn a_registry_that_is_down_is_a_clear_error() {
    let registry = registry();
    let address = registry.address.clone();
    drop(registry);
    let reference = format!("{address}/plutanium/echo:1.0.0");
    let error = pull(&reference, &RegistryAuth::Anonymous, true)
        .await
        .err()
        .unwrap();
    assert!(matches!(error, OciError::Registry { .. }), "{error:?}");
    assert!(error.to_string().contains(&reference), "{error}");
}
