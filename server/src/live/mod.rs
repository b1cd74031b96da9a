//! The live stream's hub: every replica keeps one broadcast channel that the fleet poller
//! and the change watcher ([`watch`]) publish into, and every open page's server-sent-events
//! connection (`GET /api/v1/events`) reads from. Publishing costs the same with one page open
//! or a thousand; a reader too slow to keep up gets a [`LiveEvent::Resync`] instead of
//! holding the others back.

pub mod watch;

use app::domain::live_event::LiveEvent;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::broadcast;

/// Events a slow reader may fall behind by before it is told to resync.
const BACKLOG: usize = 1024;

/// The broadcast channel and how many streams read it.
#[derive(Debug)]
pub struct LiveHub {
    sender: broadcast::Sender<LiveEvent>,
    clients: Arc<AtomicUsize>,
}

impl Default for LiveHub {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(BACKLOG).0,
            clients: Arc::default(),
        }
    }
}

/// One open stream.
#[derive(Debug)]
pub struct Subscription {
    /// The events from now on.
    pub events: broadcast::Receiver<LiveEvent>,
    /// Counts the stream as open until dropped.
    pub guard: ClientGuard,
}

/// Counts one open stream for as long as it lives.
#[derive(Debug)]
pub struct ClientGuard(Arc<AtomicUsize>);

impl Drop for ClientGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl LiveHub {
    /// Sends `event` to every open stream (none open: dropped).
    pub fn publish(&self, event: LiveEvent) {
        let _ = self.sender.send(event);
    }

    /// Opens a stream.
    pub fn subscribe(&self) -> Subscription {
        self.clients.fetch_add(1, Ordering::Relaxed);
        Subscription {
            events: self.sender.subscribe(),
            guard: ClientGuard(self.clients.clone()),
        }
    }

    /// How many streams are open.
    pub fn clients(&self) -> usize {
        self.clients.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_subscriber_gets_each_event_and_the_count_follows_open_streams() {
        let hub = LiveHub::default();
        let mut first = hub.subscribe();
        let mut second = hub.subscribe();
        assert_eq!(hub.clients(), 2);
        hub.publish(LiveEvent::Resync);
        assert_eq!(first.events.recv().await.unwrap(), LiveEvent::Resync);
        assert_eq!(second.events.recv().await.unwrap(), LiveEvent::Resync);
        drop(first);
        assert_eq!(hub.clients(), 1);
    }
}
