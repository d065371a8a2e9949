mod audit;
mod board;
mod complaint;
mod queue;
mod templates;

pub use audit::AuditPage;
pub use board::BoardPage;
pub use complaint::ComplaintPage;
pub use queue::QueuePage;
pub use templates::TemplatesPage;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::Shell;
use crate::i18n::use_i18n;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Shell title=|t| t.not_found_title>
            <p class="notice">{move || i18n.t().not_found_body}</p>
            <A href=crate::paths::queue() attr:class="button">{move || i18n.t().queue_title}</A>
        </Shell>
    }
}
