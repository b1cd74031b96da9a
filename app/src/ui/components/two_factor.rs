//! The account page's two-factor section: set up (the QR code drawn by the server, the secret
//! as text, a first code to confirm, then the recovery codes shown once) or turn off.

use crate::api::account::{ConfirmTotp, OfferTotp, TurnOffTotp};
use crate::ui::components::post_form::{Fields, PostForm};
use crate::ui::components::status::ErrorBox;
use crate::ui::erased::IntoErased;
use leptos::prelude::*;

/// The two-factor actions, owned by the account page so that it reloads after each.
#[derive(Clone, Copy)]
pub struct TwoFactorActions {
    /// Offer a secret.
    pub offer: ServerAction<OfferTotp>,
    /// Confirm it with a first code.
    pub confirm: ServerAction<ConfirmTotp>,
    /// Turn it off.
    pub turn_off: ServerAction<TurnOffTotp>,
}

impl TwoFactorActions {
    /// Fresh actions.
    pub fn new() -> Self {
        Self {
            offer: ServerAction::new(),
            confirm: ServerAction::new(),
            turn_off: ServerAction::new(),
        }
    }
}

impl Default for TwoFactorActions {
    fn default() -> Self {
        Self::new()
    }
}

/// The section, for a user with two-factor sign-in `enabled` or not.
#[component]
pub fn TwoFactor(enabled: bool, actions: TwoFactorActions) -> impl IntoView {
    let recovery = move || {
        match actions.confirm.value().get() {
        Some(Ok(codes)) => Some(view! {
            <div class="notice" role="status">
                <p>"Two-factor sign-in is on. Keep these recovery codes somewhere safe; each signs in once when your app is not at hand. They will not be shown again:"</p>
                <ul class="recovery-codes" data-testid="recovery-codes">
                    {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
                </ul>
            </div>
        }.into_erased()),
        Some(Err(e)) => Some(view! { <ErrorBox message=e.to_string()/> }.into_erased()),
        None => None,
    }
    };
    let turned_off = move || match actions.turn_off.value().get() {
        Some(Ok(())) => Some(
            view! { <p class="notice" role="status">"Two-factor sign-in is off."</p> }
                .into_erased(),
        ),
        Some(Err(e)) => Some(view! { <ErrorBox message=e.to_string()/> }.into_erased()),
        None => None,
    };
    let offered = move || {
        match actions.offer.value().get() {
        Some(Ok(offer)) => Some(view! {
            <div class="totp-offer" data-testid="totp-offer">
                <p>"Scan this code with your authenticator app, or type the secret into it:"</p>
                <div class="qr" role="img" aria-label="QR code of the secret" inner_html=offer.qr_svg></div>
                <p><code data-testid="totp-secret">{offer.secret}</code></p>
                <PostForm action=actions.confirm read=read_confirm class="inline">
                    <label>"First code " <input name="code" autocomplete="one-time-code" inputmode="numeric" required=true/></label>
                    <button type="submit">"Turn on"</button>
                </PostForm>
            </div>
        }.into_erased()),
        Some(Err(e)) => Some(view! { <ErrorBox message=e.to_string()/> }.into_erased()),
        None => None,
    }
    };
    view! {
        <h2>"Two-factor sign-in"</h2>
        {recovery}
        {turned_off}
        {if enabled {
            view! {
                <p>"On: sign-in asks for a code from your authenticator app after the password."</p>
                <PostForm action=actions.turn_off read=read_turn_off class="inline">
                    <label>"Current code " <input name="code" autocomplete="one-time-code" inputmode="numeric" required=true/></label>
                    <button type="submit" class="danger">"Turn off"</button>
                </PostForm>
            }.into_erased()
        } else {
            view! {
                <p>"Off. With it on, sign-in asks for a code from an authenticator app after the password."</p>
                <PostForm action=actions.offer read=read_offer class="inline">
                    <label>"Your password " <input name="password" type="password" autocomplete="current-password" required=true/></label>
                    <button type="submit">"Set up two-factor sign-in"</button>
                </PostForm>
                {offered}
            }.into_erased()
        }}
    }
}

fn read_confirm(fields: &Fields) -> Option<ConfirmTotp> {
    Some(ConfirmTotp {
        code: fields.get("code")?,
    })
}

fn read_turn_off(fields: &Fields) -> Option<TurnOffTotp> {
    Some(TurnOffTotp {
        code: fields.get("code")?,
    })
}

fn read_offer(fields: &Fields) -> Option<OfferTotp> {
    Some(OfferTotp {
        password: fields.get("password")?,
    })
}
