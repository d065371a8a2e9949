//! Sign-in handed over by the citizen-services app: it opens `…/#handoff=<token>` (or
//! `?handoff=<token>`), the app takes the token off the address before anything else runs, and
//! exchanges it once for a resident session.

use leptos::prelude::*;
use mashang_model::ResidentSession;

use std::future::Future;
use std::pin::Pin;

use crate::api::{Api, ApiError};
use crate::{lazy, storage};

const PARAMETER: &str = "handoff";

/// Takes the hand-off token off the address, so that it is in no later request, history entry,
/// bookmark or screenshot of the address bar. Called before the app's first request.
pub fn take_token() -> Option<String> {
    let location = window().location();
    let (search, hash) = (location.search().ok()?, location.hash().ok()?);
    let (from_hash, hash_rest) = split_parameter(hash.strip_prefix('#').unwrap_or_default());
    let (from_search, search_rest) = split_parameter(search.strip_prefix('?').unwrap_or_default());
    let token = from_hash.or(from_search)?;
    let mut address = location.pathname().ok()?;
    if !search_rest.is_empty() {
        address.push('?');
        address.push_str(&search_rest);
    }
    if !hash_rest.is_empty() {
        address.push('#');
        address.push_str(&hash_rest);
    }
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address));
    }
    Some(token)
}

/// The `handoff` value of an `a=1&b=2` list (decoded, non-empty) and the list without it.
fn split_parameter(list: &str) -> (Option<String>, String) {
    let mut token = None;
    let mut rest = Vec::new();
    for pair in list.split('&').filter(|pair| !pair.is_empty()) {
        match pair.split_once('=') {
            Some((PARAMETER, value)) => {
                token = js_sys::decode_uri_component(value).ok().map(String::from).filter(|t| !t.trim().is_empty());
            }
            _ => rest.push(pair),
        }
    }
    (token, rest.join("&"))
}

/// Exchanges the token with the server and keeps the session, or says why not: a chunk of its
/// own (src/lazy.rs), as most starts have no token.
pub fn exchange(api: Api, token: String, signed_in: SignedIn) -> Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(async move {
        match api.handoff(&token).await {
            Ok(session) => signed_in.keep(session, true),
            Err(error) => {
                let failure = match error {
                    ApiError::Problem(problem) if problem.status == 401 => HandoffFailure::Refused,
                    ApiError::Problem(problem) if problem.status == 404 => HandoffFailure::NotOffered,
                    _ => HandoffFailure::Failed,
                };
                signed_in.failure.set(Some(failure));
            }
        }
    })
}

/// What became of a hand-off, when the resident needs to be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoffFailure {
    /// Expired, used before or not signed by the citizen-services app.
    Refused,
    /// This server does not accept hand-offs.
    NotOffered,
    /// The network or the server failed; the token may still be good, but it is gone from the
    /// address, so the resident goes on as a guest.
    Failed,
}

/// The signed-in resident, shared by every page: a hand-off finishing after a page opened still
/// reaches it.
#[derive(Clone, Copy)]
pub struct SignedIn {
    pub session: RwSignal<Option<ResidentSession>>,
    /// The session came from the citizen-services app rather than an SMS code.
    pub via_handoff: RwSignal<bool>,
    /// Set when a hand-off did not work; shown once, at the top of the screen.
    pub failure: RwSignal<Option<HandoffFailure>>,
}

impl SignedIn {
    /// Provides the session kept on this device and, given a token, exchanges it.
    pub fn provide(api: Api, token: Option<String>) {
        let session = storage::resident_session();
        let signed_in = Self {
            via_handoff: RwSignal::new(session.is_some() && storage::session_via_handoff()),
            session: RwSignal::new(session),
            failure: RwSignal::new(None),
        };
        provide_context(signed_in);
        let Some(token) = token else { return };
        leptos::task::spawn_local(async move {
            match lazy::handoff_exchange().await {
                Ok(exchange) => exchange(api, token, signed_in).await,
                Err(_) => signed_in.failure.set(Some(HandoffFailure::Failed)),
            }
        });
    }

    /// Keeps a new session on this device and hands it to every page.
    pub fn keep(self, session: ResidentSession, via_handoff: bool) {
        storage::keep_resident_session(&session, via_handoff);
        self.via_handoff.set(via_handoff);
        self.session.set(Some(session));
    }

    pub fn sign_out(self) {
        storage::forget_resident_session();
        self.via_handoff.set(false);
        self.session.set(None);
    }
}

pub fn use_signed_in() -> SignedIn {
    use_context::<SignedIn>().unwrap_or_else(|| SignedIn {
        session: RwSignal::new(storage::resident_session()),
        via_handoff: RwSignal::new(false),
        failure: RwSignal::new(None),
    })
}
