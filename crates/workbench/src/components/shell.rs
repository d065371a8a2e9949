use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use mashang_model::StaffRole;

use super::SignInForm;
use crate::app::use_api;
use crate::i18n::{Texts, use_i18n};
use crate::paths;
use crate::session::{supervises, use_session};

/// The frame of every screen: who is signed in and for which unit, the sections their role has,
/// the language switch and signing out. Signed out, it shows the sign-in form in place of the
/// page, so a deep link opens where it pointed once signed in.
#[component]
pub fn Shell(title: fn(&Texts) -> &'static str, children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    Effect::new(move |_| {
        let texts = i18n.t();
        document().set_title(&format!("{} · {}", title(texts), texts.app_name));
    });
    let children = StoredValue::new(children);
    view! {
        <header class="app-header wb-header">
            <p class="app-title wb-brand">{move || i18n.t().app_name}</p>
            <Who />
            <mashang_ui::LanguageSwitch />
        </header>
        {move || session.me.with(|me| me.as_ref().is_some_and(Option::is_some)).then(|| view! { <Sections /> })}
        <main id="main" class="app-main wb-main">
            <h1 class="wb-title">{move || title(i18n.t())}</h1>
            {move || match session.me.get() {
                None => view! { <p class="loading" role="status">{move || i18n.t().loading}</p> }.into_any(),
                Some(None) => view! { <SignInForm /> }.into_any(),
                Some(Some(_)) => children.with_value(|children| children()).into_any(),
            }}
        </main>
    }
}

/// The signed-in person, their unit, and signing out.
#[component]
fn Who() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let api = use_api();
    let sign_out = move |_| {
        let api = api.clone();
        leptos::task::spawn_local(async move {
            // Signed out here whatever the answer: a lost answer must not leave the screen open.
            let _ = api.sign_out().await;
            session.signed_out();
        });
    };
    move || {
        session.me.get().flatten().map(|me| {
            view! {
                <p class="wb-who">
                    <span class="wb-who-name">{me.display_name}</span>
                    <span class="wb-who-unit">{me.organization}</span>
                </p>
                <button type="button" class="language-switch" on:click=sign_out.clone()>{move || i18n.t().sign_out}</button>
            }
        })
    }
}

/// The sections this role works in.
#[component]
fn Sections() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let location = use_location();
    let role = move || session.role();
    let link = move |href: String, label: fn(&Texts) -> &'static str| {
        // The queue is also "here" on a complaint opened from it.
        let queue = href == paths::queue();
        let current = {
            let href = href.clone();
            move || {
                let path = location.pathname.get();
                let here = path == href || (queue && path.contains("/complaints/"));
                if here { "page" } else { "false" }
            }
        };
        view! { <li><A href=href attr:aria-current=current>{move || label(i18n.t())}</A></li> }
    };
    view! {
        <nav class="wb-sections" aria-label=move || i18n.t().sections_label>
            <ul>
                {link(paths::queue(), |t| t.queue_title)}
                {move || supervises(role()).then(|| link(paths::board(), |t| t.board_title))}
                {move || (role() != Some(StaffRole::HousingBureau)).then(|| link(paths::templates(), |t| t.templates_title))}
                {move || (role() == Some(StaffRole::HousingBureau)).then(|| link(paths::audit(), |t| t.audit_title))}
            </ul>
        </nav>
    }
}
