//! A webhook receiver on loopback for the notification tests: records every request it
//! accepts, and can be told to answer `500` a number of times first.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What the receiver accepted: headers and body of each request.
#[derive(Default)]
pub struct Inbox {
    received: Mutex<Vec<(HeaderMap, String)>>,
    failures_left: AtomicUsize,
    refused: AtomicUsize,
}

pub struct Receiver {
    pub url: String,
    pub inbox: Arc<Inbox>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn take(State(inbox): State<Arc<Inbox>>, headers: HeaderMap, body: String) -> StatusCode {
    let left = inbox.failures_left.load(Ordering::SeqCst);
    if left > 0 {
        inbox.failures_left.store(left - 1, Ordering::SeqCst);
        inbox.refused.fetch_add(1, Ordering::SeqCst);
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    inbox.received.lock().expect("inbox").push((headers, body));
    StatusCode::OK
}

impl Receiver {
    /// Starts on a free port (or `port`), answering `500` to the first `failures` requests.
    pub async fn start(port: u16, failures: usize) -> Self {
        let inbox = Arc::new(Inbox::default());
        inbox.failures_left.store(failures, Ordering::SeqCst);
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(take))
            .with_state(inbox.clone());
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, inbox, task }
    }

    /// The requests accepted so far.
    pub fn received(&self) -> Vec<(HeaderMap, String)> {
        self.inbox.received.lock().expect("inbox").clone()
    }

    /// Answers `500` to the next `n` requests.
    pub fn refuse_next(&self, n: usize) {
        self.inbox.failures_left.store(n, Ordering::SeqCst);
    }

    /// How many requests were answered `500`.
    pub fn refused(&self) -> usize {
        self.inbox.refused.load(Ordering::SeqCst)
    }

    /// Waits until `n` requests were accepted (at most 20 s).
    pub async fn wait_for(&self, n: usize) -> Vec<(HeaderMap, String)> {
        for _ in 0..400 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the receiver got {} of {n} requests", self.received().len());
    }
}
