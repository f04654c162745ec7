//! Group commit for accepted sends. A send is answered only once it is
//! durable, and a durable commit costs one fsync (SQLite) or one round trip
//! with the server's WAL flush (PostgreSQL), which is most of what a send
//! costs. So one thread of its own commits: it takes every send waiting,
//! commits them in one transaction, answers each, and goes again; what
//! arrives during one commit goes in the next, together. Under load each
//! fsync carries many sends; alone, a send waits for no one.
//!
//! Each request keeps its own results (one [`RouteOutput`] per request),
//! and a commit that fails is tried again one request at a time, so one
//! request's failure is never another's.

use std::sync::Arc;
use std::sync::mpsc;

use plutanium_core::Timestamp;
use plutanium_store::{Enqueued, NewOutbound, RouteOutput, Store, StoreError};
use tokio::sync::oneshot;

/// The most messages one commit takes: a bound on a transaction's size
/// (and on how long the sends in it wait for each other).
const MOST_PER_COMMIT: usize = 4_096;

/// Where accepted sends go to be committed.
#[derive(Clone, Debug)]
pub(crate) struct Acceptor {
    queue: mpsc::Sender<Request>,
}

/// One request's messages, and where its answer goes.
struct Request {
    messages: Vec<NewOutbound>,
    answer: oneshot::Sender<Result<Vec<Enqueued>, StoreError>>,
}

impl Acceptor {
    /// Starts the committing thread on `store`; it ends when the last
    /// acceptor is dropped.
    pub(crate) fn start(store: Arc<dyn Store>) -> Acceptor {
        let (queue, requests) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("plutanium-accept".into())
            .spawn(move || commit_loop(store.as_ref(), &requests));
        if let Err(e) = spawned {
            // Without the thread every send is refused as unavailable
            // (its queue has no receiver), which the caller reports.
            tracing::error!(error = %e, "cannot start the thread that commits accepted sends");
        }
        Acceptor { queue }
    }

    /// Commits `messages` (durably, in one transaction with whatever else
    /// is waiting) and gives each one's result, in order.
    pub(crate) async fn accept(
        &self,
        messages: Vec<NewOutbound>,
    ) -> Result<Vec<Enqueued>, StoreError> {
        let (answer, answered) = oneshot::channel();
        let stopped = || StoreError::Unavailable {
            reason: "the thread that commits accepted sends has stopped".into(),
        };
        self.queue
            .send(Request { messages, answer })
            .map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }
}

/// Commits what waits, in groups, until every acceptor is gone.
fn commit_loop(store: &dyn Store, requests: &mpsc::Receiver<Request>) {
    while let Ok(first) = requests.recv() {
        let mut size = first.messages.len();
        let mut group = vec![first];
        while size < MOST_PER_COMMIT {
            match requests.try_recv() {
                Ok(request) => {
                    size += request.messages.len();
                    group.push(request);
                }
                Err(_) => break,
            }
        }
        commit(store, group, plutanium_core::time::now());
    }
}

/// Commits `group` in one transaction and answers each request; if that
/// fails, each request alone, so each gets its own answer.
fn commit(store: &dyn Store, group: Vec<Request>, now: Timestamp) {
    let outputs: Vec<RouteOutput<'_>> = group
        .iter()
        .map(|request| RouteOutput {
            mark: None,
            messages: &request.messages,
        })
        .collect();
    let committed = store.commit_routes(&outputs, None, now);
    drop(outputs);
    match committed {
        Ok(results) => {
            for (request, result) in group.into_iter().zip(results) {
                let _ = request.answer.send(Ok(result.into_stored()));
            }
        }
        Err(_) if group.len() > 1 => {
            for request in group {
                let result = store.enqueue_batch(&request.messages, now);
                let _ = request.answer.send(result);
            }
        }
        Err(e) => {
            if let Some(request) = group.into_iter().next() {
                let _ = request.answer.send(Err(e));
            }
        }
    }
}
