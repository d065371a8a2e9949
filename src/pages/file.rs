use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use mashang_model::text::{clean_long_text, text_length};
use mashang_model::validation::{DESCRIPTION_MAX_CHARS, neighbours_see_by_default};
use mashang_model::{Category, Community, Field, FieldError, NewComplaint, PhoneNumber, validate_new_complaint};

use crate::api::Api;
use crate::api::ApiError;
use crate::app::{LastReceipt, use_api};
use crate::components::{
    CheckboxField, ErrorSummary, FieldFrame, FieldLabel, FieldMessage, Later, LoadBoundary, PhotoItem, PhotoPicker,
    SUMMARY_ID, TextInput, any_in_flight, described_by, focus_element, has_error, uploaded_ids, uploaded_paths,
};
use crate::draft::Draft;
use crate::format::nfc;
use crate::handoff::use_signed_in;
use crate::i18n::{Locale, ZH_CN, use_i18n};
use crate::outbox::{Outbox, use_outbox};
use crate::pages::join::SimilarComplaints;
use crate::paths;

fn input_id(field: Field) -> &'static str {
    match field {
        Field::CommunityId => "community",
        Field::CategoryId => "category",
        Field::Location => "location",
        Field::Description => "description",
        Field::Name => "name",
        Field::Phone => "phone",
        Field::Consent => "consent",
        _ => "community",
    }
}

/// What the resident has typed so far.
#[derive(Clone, Copy)]
struct FormState {
    community_id: RwSignal<Option<i64>>,
    category_id: RwSignal<Option<i64>>,
    location: RwSignal<String>,
    description: RwSignal<String>,
    name: RwSignal<String>,
    phone: RwSignal<String>,
    hide_identity_from_property: RwSignal<bool>,
    visible_to_neighbours: RwSignal<Option<bool>>,
    texts: RwSignal<bool>,
    consent: RwSignal<bool>,
    photos: RwSignal<Vec<PhotoItem>>,
    /// The signed-in resident's number, filed with instead of the typed one unless the resident
    /// chose another.
    verified_phone: Signal<Option<String>>,
}

impl FormState {
    fn from_draft(draft: &Draft, api: &Api, verified_phone: Signal<Option<String>>) -> Self {
        let photos = draft
            .photo_ids
            .iter()
            .enumerate()
            .map(|(index, id)| PhotoItem::stored(index as u32 + 1, id.clone(), api.photo_url(id)))
            .collect();
        Self {
            photos: RwSignal::new(photos),
            community_id: RwSignal::new(draft.community_id),
            category_id: RwSignal::new(draft.category_id),
            location: RwSignal::new(draft.location.clone()),
            description: RwSignal::new(draft.description.clone()),
            name: RwSignal::new(draft.name.clone()),
            phone: RwSignal::new(draft.phone.clone()),
            hide_identity_from_property: RwSignal::new(draft.hide_identity_from_property),
            visible_to_neighbours: RwSignal::new(draft.visible_to_neighbours),
            texts: RwSignal::new(draft.texts),
            consent: RwSignal::new(draft.consent),
            verified_phone,
        }
    }

    fn phone_to_send(self) -> String {
        self.verified_phone.get_untracked().unwrap_or_else(|| self.phone.get_untracked())
    }

    /// The draft as typed; reading every field makes a surrounding effect save on any change.
    fn to_draft(self, idempotency_key: String) -> Draft {
        Draft {
            community_id: self.community_id.get(),
            category_id: self.category_id.get(),
            location: self.location.get(),
            description: self.description.get(),
            name: self.name.get(),
            phone: self.phone.get(),
            hide_identity_from_property: self.hide_identity_from_property.get(),
            visible_to_neighbours: self.visible_to_neighbours.get(),
            texts: self.texts.get(),
            consent: self.consent.get(),
            photo_ids: self.photos.with(|list| uploaded_paths(list)),
            idempotency_key,
            pending: None,
        }
    }

    /// What neighbours will be allowed: the resident's choice, else what the place suggests.
    fn neighbours_see(self) -> bool {
        self.visible_to_neighbours.get().unwrap_or_else(|| neighbours_see_by_default(&self.location.get()))
    }

    fn uploaded_photos(self) -> Vec<String> {
        self.photos.with(|list| uploaded_ids(list))
    }

    fn photos_busy(self) -> bool {
        self.photos.with_untracked(|list| any_in_flight(list))
    }

    fn to_request(self) -> NewComplaint {
        NewComplaint {
            community_id: self.community_id.get_untracked(),
            category_id: self.category_id.get_untracked(),
            location: nfc(&self.location.get_untracked()),
            description: nfc(&self.description.get_untracked()),
            name: nfc(&self.name.get_untracked()),
            phone: self.phone_to_send(),
            hide_identity_from_property: self.hide_identity_from_property.get_untracked(),
            consent: self.consent.get_untracked(),
            photo_ids: self.photos.with_untracked(|list| uploaded_ids(list)),
            visible_to_neighbours: Some(self.neighbours_see()),
            texts: self.texts.get_untracked(),
        }
    }
}

/// The filing form. Drawn inside the frame (title, way home, opening line) that
/// [`crate::lazy::Lazy`] painted before this page's chunk arrived.
#[component]
pub fn FilePageBody() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    // The server keeps at most 50 per answer; a city has thousands, so residents search.
    let community_search = RwSignal::new(String::new());
    let communities = LocalResource::new({
        let api = api.clone();
        move || {
            let api = api.clone();
            let search = community_search.get();
            async move { api.communities(&search).await }
        }
    });
    // The chosen community stays in the list whatever is searched next; one restored from a
    // draft is recognised in the first list.
    let chosen_community = RwSignal::new(None::<Community>);
    let categories = LocalResource::new({
        let api = api.clone();
        move || {
            let api = api.clone();
            async move { api.categories().await }
        }
    });

    let saved = Draft::load();
    let signed_in = use_signed_in();
    let use_other_phone = RwSignal::new(false);
    // A session from before sessions carried the number cannot file with it: the field is typed.
    let verified_session = Signal::derive(move || signed_in.session.get().filter(|session| !session.phone.is_empty()));
    let verified_phone =
        Signal::derive(move || verified_session.get().filter(|_| !use_other_phone.get()).map(|session| session.phone));
    let form = FormState::from_draft(&saved, &api, verified_phone);
    Effect::new(move |_| {
        if chosen_community.with_untracked(Option::is_none)
            && let (Some(id), Some(Ok(list))) = (form.community_id.get_untracked(), communities.get())
        {
            chosen_community.set(list.into_iter().find(|c| c.id == id));
        }
    });
    // One key for this draft, reused by every retry, so the server files it once.
    let idempotency_key = StoredValue::new(saved.idempotency_key.clone());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let submit_error = RwSignal::new(None::<ApiError>);
    let photos_notice = RwSignal::new(false);
    // A valid form is shown back to the resident once before it is sent.
    let reviewing = RwSignal::new(Draft::load().pending.is_some());
    let navigate = use_navigate();
    let last_receipt = use_context::<LastReceipt>();
    let outbox = use_outbox();
    let pending = Signal::derive(move || outbox.is_some_and(|o| o.pending.get()));

    // Saved on every change, so a reload, a closed tab or a restarted phone loses nothing.
    Effect::new(move |_| {
        let mut draft = form.to_draft(idempotency_key.get_value());
        draft.pending = Draft::load().pending;
        draft.save();
    });

    // A tile on the home screen opens the form with its problem chosen.
    let query = use_query_map();
    Effect::new(move |_| {
        let wanted = query.with(|q| q.get("category"));
        if let (Some(wanted), Some(Ok(tree))) = (wanted, categories.get())
            && form.category_id.get_untracked().is_none()
        {
            let leaf = tree.iter().flat_map(|group| group.children.iter()).find(|leaf| leaf.name.zh == wanted);
            form.category_id.set(leaf.map(|leaf| leaf.id));
        }
    });

    let show_errors = move |found: Vec<FieldError>| {
        errors.set(found);
        focus_element(SUMMARY_ID);
    };

    if let Some(outbox) = outbox {
        Effect::new(move |_| {
            if let Some(receipt) = outbox.delivered.get() {
                outbox.delivered.set(None);
                let path = paths::receipt(&receipt.tracking_number);
                if let Some(last) = last_receipt {
                    last.0.set(Some(receipt));
                }
                // The path already carries the base; resolving would add it twice.
                navigate(&path, NavigateOptions { resolve: false, ..Default::default() });
            }
        });
        Effect::new(move |_| {
            if let Some(error) = outbox.refused.get() {
                outbox.refused.set(None);
                match error {
                    ApiError::Problem(problem) if !problem.errors.is_empty() => show_errors(problem.errors),
                    error => {
                        submit_error.set(Some(error));
                        focus_element("submit-error");
                    }
                }
            }
        });
    }

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        // A second tap while the first is on its way must not file twice.
        if pending.get_untracked() {
            return;
        }
        if form.photos_busy() {
            submit_error.set(None);
            photos_notice.set(true);
            focus_element("submit-error");
            return;
        }
        photos_notice.set(false);
        let request = form.to_request();
        if let Err(found) = validate_new_complaint(&request) {
            show_errors(found);
            return;
        }
        errors.set(Vec::new());
        submit_error.set(None);
        if !reviewing.get_untracked() {
            reviewing.set(true);
            focus_element("review-title");
            return;
        }
        let mut draft = form.to_draft(idempotency_key.get_value());
        draft.pending = Some(request);
        if let Some(outbox) = outbox {
            outbox.submit(&draft);
        }
    };

    let description_length = move || form.description.with(|text| text_length(&clean_long_text(&nfc(text))));

    view! {
        <p class="note">{move || i18n.t().draft_note}</p>
        <ErrorSummary errors input_id />
        <form class="complaint-form" novalidate on:submit=on_submit on:input=move |_| Outbox::prepare()>
            <fieldset class="form-fields" prop:disabled=move || pending.get() hidden=move || reviewing.get()>
            <FieldFrame id="community" field=Field::CommunityId label=|t| t.community_label hint=|t| t.community_hint errors required=true>
                <input
                    type="search"
                    class="community-search"
                    aria-label=move || i18n.t().community_search
                    placeholder=move || i18n.t().community_search
                    prop:value=move || community_search.get()
                    on:input:target=move |ev| community_search.set(ev.target().value())
                />
                <select
                    id="community"
                    name="community"
                    aria-describedby=described_by("community", errors, Field::CommunityId)
                    aria-invalid=move || has_error(errors, Field::CommunityId)().to_string()
                    on:change:target=move |ev| {
                        let id: Option<i64> = ev.target().value().parse().ok();
                        form.community_id.set(id);
                        let found = communities
                            .get_untracked()
                            .and_then(Result::ok)
                            .and_then(|list| list.into_iter().find(|c| Some(c.id) == id));
                        chosen_community.set(found);
                    }
                >
                    <option value="">{move || if communities.get().is_none() { i18n.t().loading } else { i18n.t().community_placeholder }}</option>
                    {move || communities.get().map(|loaded| match loaded {
                        Ok(list) => community_options(with_chosen(list, chosen_community.get()), form).into_any(),
                        Err(_) => ().into_any(),
                    })}
                </select>
                <LoadBoundary
                    outcome=Signal::derive(move || communities.get().map(|loaded| loaded.map(|_| ())))
                    retry=move |()| communities.refetch()
                    inline=true
                />
            </FieldFrame>

            <FieldFrame id="category" field=Field::CategoryId label=|t| t.category_label hint=|t| t.category_hint errors required=true>
                <select
                    id="category"
                    name="category"
                    aria-describedby=described_by("category", errors, Field::CategoryId)
                    aria-invalid=move || has_error(errors, Field::CategoryId)().to_string()
                    on:change:target=move |ev| form.category_id.set(ev.target().value().parse().ok())
                >
                    <option value="">{move || if categories.get().is_none() { i18n.t().loading } else { i18n.t().category_placeholder }}</option>
                    {move || categories.get().map(|loaded| match loaded {
                        Ok(tree) => category_options(tree, form, i18n.locale.get()).into_any(),
                        Err(_) => ().into_any(),
                    })}
                </select>
                <LoadBoundary
                    outcome=Signal::derive(move || categories.get().map(|loaded| loaded.map(|_| ())))
                    retry=move |()| categories.refetch()
                    inline=true
                />
            </FieldFrame>

            <Later>
                {move || chosen_community.get().map(|community| view! {
                    <p class="scores-link">
                        <A href=paths::scorecard("communities", community.id)>{move || i18n.t().scores_of_community}</A>
                    </p>
                })}
                <SimilarComplaints community=form.community_id.into() category=form.category_id.into() />

                <TextInput
                    id="location"
                    field=Field::Location
                    label=|t| t.location_label
                    hint=|t| t.location_hint
                    value=form.location
                    errors
                />
                <SharedAreas value=form.location />

                <FieldFrame id="description" field=Field::Description label=|t| t.description_label hint=|t| t.description_hint errors required=true>
                    <textarea
                        id="description"
                        name="description"
                        rows="6"
                        aria-describedby=move || format!("{} description-count", described_by("description", errors, Field::Description)())
                        aria-invalid=move || has_error(errors, Field::Description)().to_string()
                        prop:value=move || form.description.get()
                        on:input:target=move |ev| form.description.set(ev.target().value())
                    ></textarea>
                    <p class="counter" id="description-count" class:counter-over={move || description_length() > DESCRIPTION_MAX_CHARS}>
                        {move || i18n.t().description_counter
                            .replace("{count}", &description_length().to_string())
                            .replace("{max}", &DESCRIPTION_MAX_CHARS.to_string())}
                    </p>
                </FieldFrame>

                <PhotoPicker photos=form.photos errors />
            </Later>

            <Later>
                {move || match verified_session.get() {
                    Some(session) if !use_other_phone.get() => view! {
                        <VerifiedPhone masked=session.phone_masked via_handoff=signed_in.via_handoff.get() use_other_phone />
                    }.into_any(),
                    verified => view! {
                        <TextInput
                            id="phone"
                            field=Field::Phone
                            label=|t| t.phone_label
                            hint=|t| t.phone_hint
                            value=form.phone
                            errors
                            required=true
                            input_type="tel"
                            inputmode="tel"
                            autocomplete="tel"
                        />
                        {verified.map(|_| view! {
                            <button type="button" class="button" on:click=move |_| use_other_phone.set(false)>
                                {move || i18n.t().use_verified_phone}
                            </button>
                        })}
                    }.into_any(),
                }}

                <TextInput id="name" field=Field::Name label=|t| t.name_label hint=|t| t.name_hint value=form.name errors autocomplete="name" />

                <CheckboxField id="hide-identity" label=|t| t.hide_identity_label hint=|t| t.hide_identity_hint
                    checked=form.hide_identity_from_property
                    on_change=Callback::new(move |on| form.hide_identity_from_property.set(on)) />
                <CheckboxField id="neighbours" label=|t| t.neighbours_label hint=|t| t.neighbours_hint
                    checked=Signal::derive(move || form.neighbours_see())
                    on_change=Callback::new(move |on| form.visible_to_neighbours.set(Some(on))) />
                <CheckboxField id="texts" label=|t| t.texts_label hint=|t| t.texts_hint
                    checked=form.texts on_change=Callback::new(move |on| form.texts.set(on)) />

                <details class="notice-text">
                    <summary>{move || i18n.t().consent_notice_title}</summary>
                    <p>{move || i18n.t().consent_notice}</p>
                </details>
                <div class="field checkbox-field" class:field-invalid=has_error(errors, Field::Consent)>
                    <FieldMessage input_id="consent" field=Field::Consent errors />
                    <input
                        id="consent"
                        type="checkbox"
                        aria-describedby=move || if has_error(errors, Field::Consent)() { "consent-error" } else { "" }
                        aria-invalid=move || has_error(errors, Field::Consent)().to_string()
                        prop:checked=move || form.consent.get()
                        on:change:target=move |ev| form.consent.set(ev.target().checked())
                    />
                    <FieldLabel id="consent" label=|t| t.consent_label required=true />
                </div>
            </Later>

            </fieldset>
            <Later>
                <p class="notice notice-warning" role="status" hidden=move || !pending.get()>
                    {move || i18n.t().pending_notice}
                </p>
                <div id="submit-error" class="form-error" tabindex="-1" role="alert">
                    {move || submit_error.get().map(|error| i18n.t().api_error(&error))}
                    {move || photos_notice.get().then(|| i18n.t().photos_busy)}
                </div>
                {move || reviewing.get().then(|| view! {
                    <Review form communities=communities.get().and_then(Result::ok).unwrap_or_default()
                        chosen=chosen_community.get() categories=categories.get().and_then(Result::ok).unwrap_or_default() />
                })}
                <button type="submit" class="button button-primary button-block" aria-disabled=move || pending.get().to_string()>
                    {move || match (pending.get(), reviewing.get()) {
                        (true, _) => i18n.t().submitting,
                        (false, true) => i18n.t().confirm_submit,
                        (false, false) => i18n.t().submit,
                    }}
                </button>
                <button
                    type="button"
                    class="button button-block"
                    hidden=move || !reviewing.get() || pending.get()
                    on:click=move |_| {
                        reviewing.set(false);
                        focus_element("community");
                    }
                >
                    {move || i18n.t().edit_again}
                </button>
            </Later>
        </form>
    }
}

/// What will be sent, shown back once in plain words before sending.
#[component]
fn Review(
    form: FormState,
    communities: Vec<Community>,
    chosen: Option<Community>,
    categories: Vec<Category>,
) -> impl IntoView {
    let i18n = use_i18n();
    let community = chosen
        .or_else(|| communities.into_iter().find(|c| Some(c.id) == form.community_id.get_untracked()))
        .map(|c| format!("{}（{}）", c.name, c.property_company))
        .unwrap_or_default();
    let category = categories
        .into_iter()
        .flat_map(|group| group.children)
        .find(|leaf| Some(leaf.id) == form.category_id.get_untracked())
        .map(|leaf| leaf.name);
    let or_none = move |text: String| if text.trim().is_empty() { i18n.t().none_given.to_owned() } else { text };
    let (location, name) = (form.location.get_untracked(), form.name.get_untracked());
    let photos = form.uploaded_photos().len();
    // As it will be stored: +86 138-0013-8000 becomes 13800138000.
    let typed = form.phone_to_send();
    let phone = PhoneNumber::parse(&typed).map(|p| p.as_str().to_owned()).unwrap_or(typed);
    view! {
        <section class="card review" aria-labelledby="review-title">
            <h2 id="review-title" tabindex="-1">{move || i18n.t().review_title}</h2>
            <p>{move || i18n.t().review_intro}</p>
            <dl class="facts">
                <dt>{move || i18n.t().community_label}</dt>
                <dd>{community}</dd>
                <dt>{move || i18n.t().category_label}</dt>
                <dd>{move || category.as_ref().map(|c| i18n.locale.get().pick(c)).unwrap_or_default()}</dd>
                <dt>{move || i18n.t().location_label}</dt>
                <dd>{move || or_none(location.clone())}</dd>
                <dt>{move || i18n.t().description_label}</dt>
                <dd class="description-text">{form.description.get_untracked()}</dd>
                <dt>{move || i18n.t().photos_label}</dt>
                <dd>{move || i18n.t().photo_count.replace("{n}", &photos.to_string())}</dd>
                <dt>{move || i18n.t().name_label}</dt>
                <dd>{move || or_none(name.clone())}</dd>
                <dt>{move || i18n.t().phone_label}</dt>
                <dd>{phone}</dd>
                <dt>{move || i18n.t().hide_identity_label}</dt>
                <dd>{move || if form.hide_identity_from_property.get_untracked() { i18n.t().yes } else { i18n.t().no }}</dd>
                <dt>{move || i18n.t().neighbours_label}</dt>
                <dd>{move || if form.neighbours_see() { i18n.t().yes } else { i18n.t().no }}</dd>
                <dt>{move || i18n.t().texts_label}</dt>
                <dd>{move || if form.texts.get_untracked() { i18n.t().yes } else { i18n.t().no }}</dd>
            </dl>
        </section>
    }
}

/// The number a signed-in resident files with: shown, not typed (an elderly resident need not
/// type eleven digits), with a way to file with another number, for a neighbour or a parent.
#[component]
fn VerifiedPhone(masked: String, via_handoff: bool, use_other_phone: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let how = move || if via_handoff { i18n.t().phone_verified_handoff } else { i18n.t().phone_verified_code };
    view! {
        <div class="field verified-phone" role="group" aria-labelledby="verified-phone-label">
            <p class="label" id="verified-phone-label">{move || i18n.t().phone_label}</p>
            <p class="verified-phone-number">
                <strong>{masked}</strong>
                <span class="verified-mark"><span aria-hidden="true">"✓ "</span>{how}</span>
            </p>
            <button type="button" class="button" on:click=move |_| use_other_phone.set(true)>
                {move || i18n.t().use_other_phone}
            </button>
        </div>
    }
}

/// The search results, with the chosen community kept at the top if the search left it out.
fn with_chosen(mut list: Vec<Community>, chosen: Option<Community>) -> Vec<Community> {
    if let Some(chosen) = chosen.filter(|chosen| !list.iter().any(|c| c.id == chosen.id)) {
        list.insert(0, chosen);
    }
    list
}

/// Communities grouped by district, each with its property company.
fn community_options(list: Vec<Community>, form: FormState) -> impl IntoView {
    let mut districts: Vec<(String, Vec<Community>)> = Vec::new();
    for community in list {
        match districts.iter_mut().find(|(name, _)| *name == community.district) {
            Some((_, members)) => members.push(community),
            None => districts.push((community.district.clone(), vec![community])),
        }
    }
    districts
        .into_iter()
        .map(|(district, members)| {
            let options = members
                .into_iter()
                .map(|c| {
                    let selected = move || form.community_id.get() == Some(c.id);
                    view! { <option value=c.id.to_string() selected=selected>{format!("{}（{}）", c.name, c.property_company)}</option> }
                })
                .collect_view();
            view! { <optgroup label=district>{options}</optgroup> }
        })
        .collect_view()
}

/// The two-level category tree as groups of specific problems.
fn category_options(tree: Vec<Category>, form: FormState, locale: Locale) -> impl IntoView {
    let urgent_mark = <crate::i18n::Texts as mashang_ui::i18n::Catalogue>::of(locale).urgent_mark;
    tree.into_iter()
        .map(|group| {
            let options = group
                .children
                .into_iter()
                .map(|leaf| {
                    let selected = move || form.category_id.get() == Some(leaf.id);
                    let label = format!("{}{}", locale.pick(&leaf.name), if leaf.urgent { urgent_mark } else { "" });
                    view! { <option value=leaf.id.to_string() selected=selected>{label}</option> }
                })
                .collect_view();
            view! { <optgroup label=locale.pick(&group.name)>{options}</optgroup> }
        })
        .collect_view()
}

/// A community's shared areas, one tap each, for residents who would rather not type; the text
/// stays editable (东门停车场 rather than 停车场).
#[component]
fn SharedAreas(value: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let areas = (0..ZH_CN.shared_areas.len())
        .map(|index| {
            let area = move || i18n.t().shared_areas[index];
            view! {
                <li>
                    <button
                        type="button"
                        class="chip"
                        aria-pressed=move || (value.get() == area()).to_string()
                        on:click=move |_| {
                            value.set(area().to_owned());
                            focus_element("location");
                        }
                    >
                        {area}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="shared-areas" role="group" aria-labelledby="shared-areas-label">
            <p id="shared-areas-label" class="hint">{move || i18n.t().shared_areas_label}</p>
            <ul class="chips">{areas}</ul>
        </div>
    }
}
