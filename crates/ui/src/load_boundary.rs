use leptos::error::Errors;
use leptos::prelude::*;

use crate::http::ApiError;
use crate::i18n::use_locale;

/// The error state of a data load: when the load's outcome is an error, the reader sees what
/// went wrong and what to do, in their language, and can try again; a successful retry clears it.
/// The outcome is rendered inside a Leptos `ErrorBoundary`, through one closure for every page so
/// that each use adds no rendering code of its own.
#[component]
pub fn LoadBoundary(
    /// The load's outcome: nothing yet, done, or failed.
    outcome: Signal<Option<Result<(), ApiError>>>,
    /// Loads again.
    #[prop(into)]
    retry: Callback<()>,
    /// A one-line message under a form field instead of a block.
    #[prop(optional)]
    inline: bool,
    /// Says this instead of the sentence for the error itself.
    #[prop(optional, into)]
    message: Option<Signal<String>>,
) -> impl IntoView {
    let i18n = use_locale();
    let fallback = move |errors: ArcRwSignal<Errors>| {
        let message = move || {
            let errors = errors.read();
            let first = errors.iter().find_map(|(_, error)| error.downcast_ref::<ApiError>().cloned());
            match (message, first) {
                (Some(message), _) => message.get(),
                // The generic network sentence speaks of typed text being kept; here nothing was typed.
                (None, Some(ApiError::Network) | None) => i18n.t().error_load_failed.to_owned(),
                (None, Some(error)) => i18n.t().api_error(&error),
            }
        };
        let (class, button) =
            if inline { ("load-problem", "button button-small") } else { ("notice notice-error", "button") };
        view! {
            <div class=class role="alert">
                <p>{message}</p>
                <button type="button" class=button on:click=move |_| retry.run(())>{move || i18n.t().retry}</button>
            </div>
        }
    };
    view! { <ErrorBoundary fallback>{move || outcome.get()}</ErrorBoundary> }
}
