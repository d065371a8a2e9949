use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use mashang_model::TrackingNumber;

use crate::app::LastReceipt;
use crate::components::Page;
use crate::format;
use crate::i18n::use_i18n;
use crate::pages::NotFoundPage;
use crate::{paths, storage};

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let params = use_params_map();
    move || match params.with(|p| p.get("number").and_then(|n| TrackingNumber::parse(&n))) {
        Some(number) => view! { <Receipt number /> }.into_any(),
        None => view! { <NotFoundPage /> }.into_any(),
    }
}

#[component]
fn Receipt(number: TrackingNumber) -> impl IntoView {
    let i18n = use_i18n();
    let last = use_context::<LastReceipt>().map(|r| r.0.get_untracked()).unwrap_or_default();
    // After a reload only the number (from the address) is known, which is all that matters.
    let receipt = last.filter(|receipt| receipt.tracking_number == number);
    let copy_status = RwSignal::new(None::<bool>);
    let grouped = number.grouped();
    // The device that filed it opens the progress view; any other looks it up by number.
    let progress = if storage::complaint_token(number.as_str()).is_some() {
        paths::complaint(&number)
    } else {
        paths::track(Some(&number))
    };

    let copy = {
        let digits = number.as_str().to_owned();
        move |_| {
            let digits = digits.clone();
            leptos::task::spawn_local(async move {
                let promise = window().navigator().clipboard().write_text(&digits);
                let copied = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                copy_status.try_set(Some(copied));
            });
        }
    };

    view! {
        <Page title=|t| t.receipt_title back=true>
            <section class="card receipt" aria-labelledby="receipt-number-label">
                <p class="receipt-check" aria-hidden="true">"✓"</p>
                <h2 id="receipt-number-label" class="receipt-label">{move || i18n.t().receipt_number_label}</h2>
                <p class="tracking-number" data-testid="tracking-number" aria-label=number.as_str().to_owned()>{grouped}</p>
                <p class="receipt-keep">{move || i18n.t().receipt_keep_number}</p>
                <button type="button" class="button" on:click=copy>{move || i18n.t().copy_number}</button>
                <p class="copy-status" role="status">
                    {move || copy_status.get().map(|copied| if copied { i18n.t().copied } else { i18n.t().copy_failed })}
                </p>
                {receipt.map(|receipt| {
                    let due = move |template: &str, at| template.replace("{time}", &format::datetime(i18n.t(), at));
                    view! {
                        <p class="receipt-time">
                            {move || i18n.t().receipt_filed_at}
                            <time datetime=receipt.filed_at.to_rfc3339()>{move || format::datetime(i18n.t(), receipt.filed_at)}</time>
                        </p>
                        <ul class="receipt-deadlines">
                            <li>{move || due(i18n.t().sign_due_by, receipt.sign_due_at)}</li>
                            <li>{move || due(i18n.t().resolve_due_by, receipt.resolve_due_at)}</li>
                        </ul>
                    }
                })}
            </section>
            <section class="card" aria-labelledby="next-title">
                <h2 id="next-title">{move || i18n.t().receipt_next_title}</h2>
                <ol>{(0..3).map(|step| view! { <li>{move || i18n.t().receipt_next_steps[step]}</li> }).collect_view()}</ol>
            </section>
            <A href=progress attr:class="button button-primary">{move || i18n.t().track_this}</A>
            <A href=paths::home() attr:class="button">{move || i18n.t().go_home}</A>
        </Page>
    }
}
