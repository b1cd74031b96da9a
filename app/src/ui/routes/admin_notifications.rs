//! Admin: notifications — each configured channel with a button that sends it a test message,
//! and the latest deliveries with their status, attempts and last error, newest first. A test
//! message goes through the outbox like any event, so its row says whether the channel works.

use crate::api::admin::{notification_log, SendTestMessage};
use crate::domain::views::{ChannelView, DeliveryLog, DeliveryStatus, DeliveryView};
use crate::ui::components::post_form::{Fields, PostForm};
use crate::ui::components::status::{ErrorBox, When};
use crate::ui::erased::IntoErased;
use crate::ui::page_data::page_resource;
use leptos::prelude::*;
use leptos_meta::Title;

/// The notifications page.
#[component]
pub fn AdminNotificationsPage() -> impl IntoView {
    let send = ServerAction::<SendTestMessage>::new();
    let log = page_resource(move || send.version().get(), |_| notification_log());
    let sent = move || match send.value().get() {
        Some(Ok(delivery)) => Some(
            view! {
                <p class="notice" role="status" data-testid="test-queued">
                    "Test message queued for " <strong>{delivery.channel}</strong>
                    "; its delivery shows below (reload to follow it)."
                </p>
            }
            .into_erased(),
        ),
        Some(Err(e)) => Some(view! { <ErrorBox message=e.to_string()/> }.into_erased()),
        None => None,
    };
    view! {
        <Title text="Notifications"/>
        <h1>"Notifications"</h1>
        {sent}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match log.await {
                    Ok(log) => view! { <LogBody log send/> }.into_erased(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_erased(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn LogBody(log: DeliveryLog, send: ServerAction<SendTestMessage>) -> impl IntoView {
    let DeliveryLog {
        channels,
        deliveries,
    } = log;
    view! {
        <h2>"Channels"</h2>
        {if channels.is_empty() {
            view! {
                <p class="muted">"No channels are configured: add [[notifications.channels]] and rules to the config (see the README)."</p>
            }.into_erased()
        } else {
            view! { <ChannelTable channels send/> }.into_erased()
        }}
        <h2>"Recent deliveries"</h2>
        {if deliveries.is_empty() {
            view! { <p class="muted" data-testid="no-deliveries">"Nothing sent yet."</p> }.into_erased()
        } else {
            view! { <DeliveryTable deliveries/> }.into_erased()
        }}
    }
}

#[component]
fn ChannelTable(channels: Vec<ChannelView>, send: ServerAction<SendTestMessage>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table data-testid="channels">
                <thead><tr><th>"Channel"</th><th>"Kind"</th><th><span class="visually-hidden">"Test"</span></th></tr></thead>
                <tbody>
                    {channels.into_iter().map(|channel| view! {
                        <tr>
                            <td>{channel.name.clone()}</td>
                            <td>{channel.kind}</td>
                            <td>
                                <PostForm action=send read=read_send>
                                    <input type="hidden" name="channel" value=channel.name.clone()/>
                                    <button type="submit" aria-label=format!("Send a test message to {}", channel.name)>
                                        "Send test message"
                                    </button>
                                </PostForm>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn DeliveryTable(deliveries: Vec<DeliveryView>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="deliveries" data-testid="deliveries">
                <thead><tr>
                    <th>"When"</th><th>"Event"</th><th>"Channel"</th><th>"Status"</th>
                    <th>"Attempts"</th><th>"What it says"</th>
                </tr></thead>
                <tbody>
                    {deliveries.into_iter().map(|d| {
                        let (class, label) = match d.status {
                            DeliveryStatus::Sent => ("badge badge-succeeded", "Sent"),
                            DeliveryStatus::Failed => ("badge badge-failed", "Failed"),
                            DeliveryStatus::Pending => ("badge badge-in_progress", "Pending"),
                        };
                        let environment = d.environment.map(|e| format!(" · {e}"));
                        view! {
                            <tr data-status=d.status.as_str()>
                                <td data-label="When"><When at=d.created_at/></td>
                                <td data-label="Event"><code>{d.event}</code>{environment}</td>
                                <td data-label="Channel">{d.channel}</td>
                                <td data-label="Status"><span class=class>{label}</span></td>
                                <td data-label="Attempts">{d.attempts}</td>
                                <td data-label="What it says">
                                    {d.summary}
                                    {d.last_error.map(|e| view! { <br/><small class="delivery-error">{e}</small> })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn read_send(fields: &Fields) -> Option<SendTestMessage> {
    Some(SendTestMessage {
        channel: fields.get("channel")?,
    })
}
