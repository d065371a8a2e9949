use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::app::use_api;
use crate::i18n::use_i18n;
use crate::session::use_session;

/// Username and password. The answer sets an HttpOnly cookie; the page only learns who signed in.
#[component]
pub fn SignInForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let api = use_api();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        let (user, pass) = (username.get_untracked().trim().to_owned(), password.get_untracked());
        if user.is_empty() || pass.is_empty() {
            failure.set(Some(i18n.t().sign_in_missing.to_owned()));
            return;
        }
        sending.set(true);
        failure.set(None);
        let api = api.clone();
        leptos::task::spawn_local(async move {
            let outcome = match api.sign_in(&user, &pass).await {
                Ok(_) => api.me().await,
                Err(error) => Err(error),
            };
            sending.try_set(false);
            match outcome {
                Ok(me) => {
                    password.try_set(String::new());
                    session.signed_in(me);
                }
                Err(error) if error.status() == Some(401) => {
                    failure.try_set(Some(i18n.t().sign_in_rejected.to_owned()));
                }
                Err(error) => {
                    failure.try_set(Some(i18n.t().api_error(&error)));
                }
            }
        });
    };
    view! {
        <form class="card wb-sign-in" novalidate on:submit=on_submit>
            <h2>{move || i18n.t().sign_in_title}</h2>
            {move || session.expired.get().then(|| view! { <p class="notice notice-warning" role="status">{move || i18n.t().session_expired}</p> })}
            <div class="field">
                <label for="username">{move || i18n.t().username_label}</label>
                <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none"
                    prop:value=move || username.get() on:input:target=move |ev| username.set(ev.target().value()) />
            </div>
            <div class="field">
                <label for="password">{move || i18n.t().password_label}</label>
                <input id="password" name="password" type="password" autocomplete="current-password"
                    prop:value=move || password.get() on:input:target=move |ev| password.set(ev.target().value()) />
            </div>
            <p class="form-error" role="alert">{move || failure.get()}</p>
            <button type="submit" class="button button-primary button-block" aria-disabled=move || sending.get().to_string()>
                {move || if sending.get() { i18n.t().signing_in } else { i18n.t().sign_in }}
            </button>
        </form>
    }
}
