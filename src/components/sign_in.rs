use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use mashang_model::{Field, FieldError};

use crate::api::ApiError;
use crate::app::use_api;
use crate::components::TextInput;
use crate::handoff::use_signed_in;
use crate::i18n::{Texts, use_i18n};

/// Sign-in by phone and SMS code; or, when signed in, who and a way out. The session is kept on
/// the device and shared with every page.
#[component]
pub fn SignIn(
    title: fn(&Texts) -> &'static str,
    hint: fn(&Texts) -> &'static str,
    /// Inside another form (附议 while filing), where a form of its own would be invalid HTML:
    /// the code is then confirmed by a plain button.
    #[prop(optional)]
    nested: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let signed_in_here = use_signed_in();
    let session = signed_in_here.session;
    let phone = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let code_sent = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let send_code = {
        let api = api.clone();
        move |_| {
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            let api = api.clone();
            leptos::task::spawn_local(async move {
                let result = api.request_code(&phone.get_untracked()).await;
                busy.try_set(false);
                match result {
                    Ok(_) => {
                        errors.try_set(Vec::new());
                        code_sent.try_set(true);
                        message.try_set(Some(i18n.t().code_sent.to_owned()));
                    }
                    Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                        errors.try_set(problem.errors);
                    }
                    Err(error) => {
                        message.try_set(Some(i18n.t().api_error(&error)));
                    }
                }
            });
        }
    };
    let verify = move || {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let api = api.clone();
        leptos::task::spawn_local(async move {
            let result = api.verify_code(&phone.get_untracked(), code.get_untracked().trim()).await;
            busy.try_set(false);
            match result {
                Ok(signed_in) => {
                    message.try_set(None);
                    signed_in_here.keep(signed_in, false);
                }
                Err(ApiError::Problem(problem)) if problem.status == 401 => {
                    message.try_set(Some(i18n.t().code_rejected.to_owned()));
                }
                Err(error) => {
                    message.try_set(Some(i18n.t().api_error(&error)));
                }
            }
        });
    };

    view! {
        <section class="card signin" aria-labelledby="signin-title">
            <h2 id="signin-title">{move || title(i18n.t())}</h2>
            {move || match session.get() {
                Some(signed_in) => view! {
                    <p>{move || i18n.t().signed_in_as.replace("{phone}", &signed_in.phone_masked)}</p>
                    <button type="button" class="button" on:click=move |_| signed_in_here.sign_out()>{move || i18n.t().sign_out}</button>
                }.into_any(),
                None => {
                    let send_code = send_code.clone();
                    let verify = verify.clone();
                    let fields = move |confirm: AnyView| view! {
                        <TextInput id="signin-phone" field=Field::Phone label=|t| t.phone_label hint=|t| t.track_phone_hint
                            value=phone errors required=true input_type="tel" inputmode="tel" autocomplete="tel" />
                        <button type="button" class="button" on:click=send_code.clone()>{move || i18n.t().send_code}</button>
                        <div hidden=move || !code_sent.get()>
                            <TextInput id="signin-code" field=Field::Other label=|t| t.code_label hint=|t| t.code_hint
                                value=code errors required=true inputmode="numeric" autocomplete="one-time-code" />
                            {confirm}
                        </div>
                    };
                    let sign_in_text = move || i18n.t().sign_in;
                    if nested {
                        let confirm = {
                            let verify = verify.clone();
                            view! {
                                <button type="button" class="button button-primary" on:click=move |_| verify()>{sign_in_text}</button>
                            }
                        };
                        let on_enter = {
                            let verify = verify.clone();
                            // Enter in the code field confirms the code, not the form around it.
                            move |ev: leptos::ev::KeyboardEvent| {
                                if ev.key() == "Enter" && !ev.is_composing() {
                                    ev.prevent_default();
                                    verify();
                                }
                            }
                        };
                        view! {
                            <p class="hint">{move || hint(i18n.t())}</p>
                            <div class="signin-fields" on:keydown=on_enter>{fields(confirm.into_any())}</div>
                        }.into_any()
                    } else {
                        let confirm = view! { <button type="submit" class="button button-primary">{sign_in_text}</button> };
                        let verify = verify.clone();
                        let on_submit = move |ev: SubmitEvent| {
                            ev.prevent_default();
                            verify();
                        };
                        view! {
                            <p class="hint">{move || hint(i18n.t())}</p>
                            <form novalidate on:submit=on_submit>{fields(confirm.into_any())}</form>
                        }.into_any()
                    }
                }
            }}
            <p class="signin-message" role="status">{move || message.get()}</p>
        </section>
    }
}
