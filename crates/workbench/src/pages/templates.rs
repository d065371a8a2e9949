use leptos::prelude::*;
use mashang_model::Category;
use mashang_model::staff::ReplyTemplate;

use crate::app::use_api;
use crate::components::Shell;
use crate::i18n::use_i18n;
use crate::session::use_session;

/// 回复模板: the unit's reply per category, offered when resolving.
#[component]
pub fn TemplatesPage() -> impl IntoView {
    view! { <Shell title=|t| t.templates_title><TemplatesView /></Shell> }
}

#[component]
fn TemplatesView() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let loaded = LocalResource::new(move || {
        let api = api.clone();
        async move { Ok::<_, crate::api::ApiError>((api.templates().await?, api.categories().await?)) }
    });
    view! {
        <p class="intro">{move || i18n.t().templates_intro}</p>
        <mashang_ui::LoadBoundary
            outcome=Signal::derive(move || loaded.get().map(|r| r.map(|_| ())))
            retry=move |()| loaded.refetch()
        />
        {move || loaded.get().and_then(Result::ok).map(|(templates, tree)| {
            tree.into_iter().map(|group| view! { <TemplateGroup group templates=templates.clone() /> }).collect_view()
        })}
    }
}

#[component]
fn TemplateGroup(group: Category, templates: Vec<ReplyTemplate>) -> impl IntoView {
    let i18n = use_i18n();
    let name = group.name.clone();
    let leaves = group
        .children
        .into_iter()
        .map(|leaf| {
            let text = templates.iter().find(|t| t.category_id == leaf.id).map(|t| t.text.clone()).unwrap_or_default();
            view! { <TemplateField category=leaf text /> }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>{move || i18n.locale.get().pick(&name)}</h2>
            {leaves}
        </section>
    }
}

#[component]
fn TemplateField(category: Category, text: String) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let session = use_session();
    let value = RwSignal::new(text);
    let status = RwSignal::new(None::<String>);
    let id = format!("template-{}", category.id);
    let name = category.name.clone();
    let save = move |_| {
        let api = api.clone();
        let template =
            ReplyTemplate { category_id: category.id, text: mashang_ui::format::nfc(&value.get_untracked()) };
        leptos::task::spawn_local(async move {
            let message = match api.save_template(&template).await {
                Ok(_) => i18n.t().template_saved.to_owned(),
                Err(crate::api::ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                    i18n.t().field_error(&problem.errors[0])
                }
                Err(error) => {
                    session.check(&error);
                    i18n.t().api_error(&error)
                }
            };
            status.try_set(Some(message));
        });
    };
    view! {
        <div class="field">
            <label for=id.clone()>{move || i18n.locale.get().pick(&name)}</label>
            <textarea id=id rows="3" prop:value=move || value.get() on:input:target=move |ev| value.set(ev.target().value())></textarea>
            <button type="button" class="button button-small" on:click=save>{move || i18n.t().save}</button>
            <span class="hint" role="status">{move || status.get()}</span>
        </div>
    }
}
