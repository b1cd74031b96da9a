//! A form that posts to a server function. Without JavaScript the browser posts it itself (the
//! server function answers with a redirect back to the page); hydrated, the same fields go
//! through the page's action, so the page shows the outcome without a reload. Leptos'
//! `ActionForm` does this too, but reads the fields back through `serde_qs` and carries its
//! own error handling for every input type: about 3.5 kB of the browser build per form type,
//! and the environment page alone has five. Here each form names its fields.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{FormData, HtmlFormElement};

/// The fields of a submitted form, by name.
pub struct Fields(FormData);

impl Fields {
    /// The value of the field `name`; `None` when the form has no such field.
    pub fn get(&self, name: &str) -> Option<String> {
        self.0.get(name).as_string()
    }

    /// The value of the field `name`, empty when the form has no such field.
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default()
    }
}

/// The submitted form's fields, once hydrated (never called on the server).
fn submitted_fields(ev: &SubmitEvent) -> Option<Fields> {
    let form = ev.target()?.dyn_into::<HtmlFormElement>().ok()?;
    FormData::new_with_form(&form).ok().map(Fields)
}

/// A `<form method="post">` to `action`'s server function whose fields `read` turns into the
/// function's input. When `read` cannot (a field the server should judge is missing or not a
/// number), the browser posts the form itself and the server answers.
#[component]
pub fn PostForm<S>(
    action: ServerAction<S>,
    read: fn(&Fields) -> Option<S>,
    #[prop(optional)] class: &'static str,
    children: Children,
) -> impl IntoView
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let on_submit = move |ev: SubmitEvent| {
        if let Some(input) = submitted_fields(&ev).and_then(|fields| read(&fields)) {
            ev.prevent_default();
            action.dispatch(input);
        }
    };
    view! {
        <form method="post" action=S::url() class=class on:submit=on_submit>
            {children()}
        </form>
    }
}
