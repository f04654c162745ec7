//! The connectors' key-value data.

use super::Backend;

pub(crate) fn connector_kv_is_namespaced_durable_and_prefix_exact(backend: &dyn Backend) {
    let store = backend.open();
    store
        .set("redirect", "destination", b"+420777000111")
        .unwrap();
    store.set("redirect", "last%sender", b"x").unwrap();
    store.set("redirect", "lastXsender", b"y").unwrap();
    store.set("gmail", "destination", b"other").unwrap();
    store
        .set("redirect", "destination", b"+420777000222")
        .unwrap();
    drop(store);
    let store = backend.open();
    assert_eq!(
        store.get("redirect", "destination").unwrap().as_deref(),
        Some(&b"+420777000222"[..])
    );
    assert_eq!(
        store.get("gmail", "destination").unwrap().as_deref(),
        Some(&b"other"[..])
    );
    assert_eq!(store.keys("redirect", "last%").unwrap(), ["last%sender"]);
    assert_eq!(store.keys("redirect", "").unwrap().len(), 3);
    store.delete("redirect", "last%sender").unwrap();
    store.delete("redirect", "never-there").unwrap();
    assert_eq!(store.get("redirect", "last%sender").unwrap(), None);
}
