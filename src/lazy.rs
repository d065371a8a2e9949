//! Pages and work the first screen does not need: each split point below is cut out of the main
//! wasm by `cargo xtask split-app`, into its module's chunks, fetched as one bundle per module.
//! Once the home screen has painted and the browser is idle, the service worker fetches every
//! bundle (index.html prefetches them as bytes where there is no worker); a page compiles its
//! chunks when it is opened.
//!
//! A chunk that cannot be fetched (a weak network, a deploy in between) must not take the app
//! down: the page says so, and tries again on a tap or when the network is back.

use leptos::prelude::*;
use leptos::wasm_split::{SplitLoaderError, wasm_split};
use std::future::Future;
use std::pin::Pin;

use crate::components::Page;
use crate::i18n::{Texts, use_i18n};
use crate::pages;

/// Builds a page once its chunk is there.
pub type PageView = fn() -> AnyView;
/// A page's chunk on its way (fetched once; again after a failure), then its view function.
pub type PageFuture = Pin<Box<dyn Future<Output = Result<PageView, SplitLoaderError>>>>;
pub type PageLoader = fn() -> PageFuture;

/// A split point per page: the function is the only way into the page's code, so the page and
/// everything only it uses land in its module's chunk. Split points that share a module share a
/// chunk: fewer modules, fewer (and fewer tiny) shared chunks, so fewer requests per route.
macro_rules! lazy_pages {
    ($($loader:ident / $split:ident in $module:ident => $page:ident),* $(,)?) => {
        $(
            #[wasm_split($module, fallible, wasm_split_path = leptos::wasm_split)]
            fn $split() -> Result<PageView, SplitLoaderError> {
                Ok(|| view! { <pages::$page /> }.into_any())
            }

            pub fn $loader() -> PageFuture {
                Box::pin($split())
            }
        )*
    };
}

// The module names are the chunks' file names (`split_<module>-<build>.wasm`), which
// `cargo xtask split-app` (ROUTE_SPLITS) and the tests know.
lazy_pages! {
    file_page / file_split in file => FilePageBody,
    complaint_page / complaint_split in progress => ComplaintPage,
    receipt_page / receipt_split in receipt => ReceiptPage,
    my_complaints_page / mine_split in mine => MyComplaintsBody,
    ranking_page / ranking_split in scorecards => RankingBody,
    scorecard_page / scorecard_split in scorecards => ScorecardPage,
}

/// A split point per piece of work the first screen may never need: the function pointer's code
/// (and everything only it uses: the API answers' types, their decoding, their views) lands in
/// the chunk.
macro_rules! lazy_functions {
    ($($(#[$doc:meta])* $loader:ident / $split:ident in $module:ident => $function:path : $type:ty),* $(,)?) => {
        $(
            #[wasm_split($module, fallible, wasm_split_path = leptos::wasm_split)]
            fn $split() -> Result<$type, SplitLoaderError> {
                Ok($function)
            }

            $(#[$doc])*
            pub async fn $loader() -> Result<$type, SplitLoaderError> {
                $split().await
            }
        )*
    };
}

lazy_functions! {
    /// Looks a complaint up by number and phone, and draws its card (as the progress page does).
    track_lookup / track_split in progress => pages::track::lookup : fn(crate::api::Api, mashang_model::LookupRequest) -> pages::track::LookupFuture,
    /// Counts the resident's complaints that moved since they last looked (the home tile's badge),
    /// loading them as 我的投诉 does.
    unseen_updates / unseen_split in mine => crate::complaint_list::unseen_updates : fn(crate::api::Api, Option<mashang_model::ResidentSession>) -> Pin<Box<dyn Future<Output = usize>>>,
    /// Sends the filing waiting in the outbox. The form fetches it once the resident types (see
    /// `Outbox::prepare`), so a filing sent with no network needs no chunk fetched then.
    outbox_delivery / outbox_split in outbox => crate::outbox::Outbox::deliver : fn(crate::outbox::Outbox),
    /// The neighbours' complaints like the one being filed, and joining one (附议): the form does
    /// not wait for them, and most filings never join.
    similar_complaints / similar_split in join => crate::pages::join::similar : fn(crate::api::Api, i64, i64) -> crate::pages::join::SimilarFuture,
    /// Exchanges a hand-off token for a session (with 我的投诉, which the session opens: one
    /// module fewer means fewer shared chunks).
    handoff_exchange / handoff_split in mine => crate::handoff::exchange : fn(crate::api::Api, String, crate::handoff::SignedIn) -> Pin<Box<dyn Future<Output = ()>>>,
}

/// The English texts, the app's and the shared ones: most residents never switch, so they are a
/// chunk of their own, fetched on the first switch (or at start, for a device that chose English).
#[wasm_split(english, fallible, wasm_split_path = leptos::wasm_split)]
fn english_texts() -> Result<(&'static mashang_ui::texts::CommonTexts, &'static crate::i18n::Texts), SplitLoaderError> {
    Ok((&mashang_ui::texts::EN, &crate::i18n::EN))
}

pub fn english() -> Pin<Box<dyn Future<Output = bool>>> {
    Box::pin(async {
        match english_texts().await {
            Ok((common, texts)) => {
                mashang_ui::i18n::english_is(common);
                let _ = crate::i18n::ENGLISH.set(texts);
                true
            }
            Err(_) => false,
        }
    })
}

/// The route's page, once its chunk has arrived. Until then the screen is already the page's:
/// its title and its opening line, painted with the first screen's code, so the resident reads
/// where they are at once and nothing moves when the rest arrives.
#[component]
pub fn Lazy(
    load: PageLoader,
    /// The page's title.
    title: fn(&Texts) -> &'static str,
    /// The line the page opens with, if it has one.
    #[prop(optional)]
    intro: Option<fn(&Texts) -> &'static str>,
    /// Whether the page is only what follows its opening line, always under this title: then the
    /// frame painted first stays, and the page is drawn into it. Otherwise (a page that may be
    /// another, such as "not found") the page replaces the frame; the browser then takes the
    /// repainted title for the largest paint, which comes as late as the chunk.
    #[prop(optional)]
    body: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let attempt = RwSignal::new(0_u32);
    let page = LocalResource::new(move || {
        attempt.track();
        load()
    });
    // Back online: the chunk is likely to arrive now.
    let online = window_event_listener_untyped("online", move |_| {
        if matches!(page.get_untracked(), Some(Err(_))) {
            attempt.update(|n| *n += 1);
        }
    });
    on_cleanup(move || online.remove());
    let frame = move |content: AnyView| {
        view! {
            <Page title back=true>
                {intro.map(|intro| view! { <p class="intro">{move || intro(i18n.t())}</p> })}
                {content}
            </Page>
        }
        .into_any()
    };
    // What the frame holds until the page's chunk is there.
    let waiting = move || match page.get() {
        Some(Err(_)) => view! { <ChunkFailed attempt /> }.into_any(),
        _ => view! { <p class="loading" role="status">{move || i18n.t().loading}</p> }.into_any(),
    };
    if body {
        let content = move || match page.get() {
            Some(Ok(view)) => view(),
            _ => waiting(),
        };
        frame(content.into_any())
    } else {
        (move || match page.get() {
            Some(Ok(view)) => view(),
            _ => frame(waiting()),
        })
        .into_any()
    }
}

#[component]
fn ChunkFailed(attempt: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notice notice-error" role="alert">
            <p>{move || i18n.t().page_not_loaded}</p>
            <button type="button" class="button button-primary" on:click=move |_| attempt.update(|n| *n += 1)>
                {move || i18n.t().common.retry}
            </button>
        </div>
    }
}
