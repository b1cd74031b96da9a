//! One live stream per page: an `EventSource` on `/api/v1/events` (only the page's
//! environment, when it has one) that keeps each environment's latest health, counts the
//! changes a page refetches on, and says whether it is connected. It reconnects by itself
//! with backoff (1 s doubling to 30 s) and at once when a hidden tab becomes visible. On the
//! server, and with JavaScript off, nothing connects: the page shows what it rendered.

use crate::domain::live_event::LiveEvent;
use crate::domain::views::LiveHealth;
use leptos::prelude::*;
use std::collections::HashMap;

/// What a page reads from its stream.
#[derive(Debug, Clone, Copy)]
pub struct LiveStream {
    /// Each environment's health from its latest fleet event.
    pub health: RwSignal<HashMap<String, LiveHealth>>,
    /// Bumped when a deployment or sign-off the page shows changed (or the stream resynced).
    pub changes: RwSignal<u32>,
    /// Bumped when what an environment's fleets show changed (not on every look).
    pub fleet_changes: RwSignal<u32>,
    /// Bumped when an environment's charts were read again.
    pub chart_changes: RwSignal<u32>,
    /// Whether the stream is open.
    pub connected: RwSignal<bool>,
}

/// Which events bump [`LiveStream::changes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interest {
    /// Only this environment's events (none: every environment's).
    pub environment: Option<String>,
    /// Only this deployment's steps (none: every deployment's).
    pub deployment: Option<i64>,
}

impl LiveStream {
    /// Applies one event.
    pub fn apply(
        &self,
        interest: &Interest,
        event: LiveEvent,
        digests: &mut HashMap<String, String>,
    ) {
        if !event.concerns(interest.environment.as_deref()) {
            return;
        }
        match event {
            LiveEvent::Fleet {
                environment,
                live,
                digest,
            } => {
                if digests
                    .insert(environment.clone(), digest.clone())
                    .is_some_and(|d| d != digest)
                {
                    self.fleet_changes.update(|n| *n = n.wrapping_add(1));
                }
                self.health.update(|all| {
                    all.insert(environment, live);
                });
            }
            LiveEvent::Deployment { id, .. } => {
                if interest.deployment.is_none_or(|wanted| wanted == id) {
                    self.changes.update(|n| *n = n.wrapping_add(1));
                }
            }
            LiveEvent::Signoff { .. } => self.changes.update(|n| *n = n.wrapping_add(1)),
            LiveEvent::Charts { .. } => self.chart_changes.update(|n| *n = n.wrapping_add(1)),
            LiveEvent::Resync => {
                self.changes.update(|n| *n = n.wrapping_add(1));
                self.fleet_changes.update(|n| *n = n.wrapping_add(1));
                self.chart_changes.update(|n| *n = n.wrapping_add(1));
            }
        }
    }
}

/// Opens the page's stream (in the browser only) for what `interest` says, reopening it when
/// that changes (another environment's page reached by a link) and closing it when the page
/// goes.
pub fn live_stream(interest: impl Fn() -> Interest + Send + Sync + 'static) -> LiveStream {
    let stream = LiveStream {
        health: RwSignal::new(HashMap::new()),
        changes: RwSignal::new(0),
        fleet_changes: RwSignal::new(0),
        chart_changes: RwSignal::new(0),
        connected: RwSignal::new(false),
    };
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| client::connect(stream, interest()));
    #[cfg(not(feature = "hydrate"))]
    let _ = interest;
    stream
}

#[cfg(feature = "hydrate")]
mod client {
    use super::{Interest, LiveStream};
    use crate::domain::live_event::LiveEvent;
    use leptos::prelude::*;
    use send_wrapper::SendWrapper;
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent, VisibilityState};

    const FIRST_RETRY_MS: u64 = 1_000;
    const LAST_RETRY_MS: u64 = 30_000;

    struct Connection {
        stream: LiveStream,
        interest: Interest,
        url: String,
        source: Option<EventSource>,
        retry_ms: u64,
        digests: HashMap<String, String>,
        closed: bool,
        // Kept alive as long as the connection: the browser calls them.
        handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    }

    type Shared = Rc<RefCell<Connection>>;

    pub(super) fn connect(stream: LiveStream, interest: Interest) {
        let url = match &interest.environment {
            Some(env) => format!("/api/v1/events?environment={env}"),
            None => "/api/v1/events".to_owned(),
        };
        let shared: Shared = Rc::new(RefCell::new(Connection {
            stream,
            interest,
            url,
            source: None,
            retry_ms: FIRST_RETRY_MS,
            digests: HashMap::new(),
            closed: false,
            handlers: Vec::new(),
        }));
        open(&shared);
        // A hidden tab's connection may have died quietly: come back at once when shown.
        let on_visible = {
            let shared = shared.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                let visible = document().visibility_state() == VisibilityState::Visible;
                let dead = shared
                    .borrow()
                    .source
                    .as_ref()
                    .is_none_or(|s| s.ready_state() == EventSource::CLOSED);
                if visible && dead {
                    shared.borrow_mut().retry_ms = FIRST_RETRY_MS;
                    open(&shared);
                }
            })
        };
        let _ = document().add_event_listener_with_callback(
            "visibilitychange",
            on_visible.as_ref().unchecked_ref(),
        );
        let cleanup = SendWrapper::new((shared, on_visible));
        on_cleanup(move || {
            let (shared, on_visible) = cleanup.take();
            let _ = document().remove_event_listener_with_callback(
                "visibilitychange",
                on_visible.as_ref().unchecked_ref(),
            );
            let mut connection = shared.borrow_mut();
            connection.closed = true;
            if let Some(source) = connection.source.take() {
                source.close();
            }
            connection.handlers.clear();
        });
    }

    fn open(shared: &Shared) {
        let mut connection = shared.borrow_mut();
        if connection.closed {
            return;
        }
        if let Some(old) = connection.source.take() {
            old.close();
        }
        connection.handlers.clear();
        let Ok(source) = EventSource::new(&connection.url) else {
            return;
        };
        let on_open = {
            let shared = shared.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                let mut connection = shared.borrow_mut();
                connection.retry_ms = FIRST_RETRY_MS;
                connection.stream.connected.set(true);
            })
        };
        let on_message = {
            let shared = shared.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                let Some(text) = event
                    .dyn_ref::<MessageEvent>()
                    .and_then(|m| m.data().as_string())
                else {
                    return;
                };
                let Some(event) = LiveEvent::from_json(text.as_bytes()) else {
                    return;
                };
                let mut connection = shared.borrow_mut();
                let (stream, interest) = (connection.stream, connection.interest.clone());
                stream.apply(&interest, event, &mut connection.digests);
            })
        };
        let on_error = {
            let shared = shared.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                let delay = {
                    let mut connection = shared.borrow_mut();
                    connection.stream.connected.set(false);
                    if let Some(source) = connection.source.take() {
                        source.close();
                    }
                    let delay = connection.retry_ms;
                    connection.retry_ms = (delay * 2).min(LAST_RETRY_MS);
                    delay
                };
                let shared = SendWrapper::new(shared.clone());
                set_timeout(
                    move || open(&shared.take()),
                    std::time::Duration::from_millis(delay),
                );
            })
        };
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        connection.handlers = vec![on_open, on_message, on_error];
        connection.source = Some(source);
    }
}
