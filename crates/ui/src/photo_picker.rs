use leptos::prelude::*;
use mashang_model::validation::MAX_PHOTOS;
use mashang_model::{Field, FieldError};
use wasm_bindgen::JsCast;
use web_sys::{Blob, HtmlInputElement, Url};

use crate::field_error::{FieldMessage, has_error};
use crate::http::{ApiBase, ApiError};
use crate::i18n::use_locale;
use crate::photo_resize::shrink;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PhotoState {
    Preparing,
    Uploading,
    /// Stored on the server: its path under `/photos/` (the id, then the uploader's signed
    /// capability), or a bare id.
    Done(String),
    /// The sentence to show; the photo can be retried.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PhotoItem {
    pub key: u32,
    /// A local object URL while uploading, the server's URL once restored from a draft.
    pub preview: String,
    pub state: PhotoState,
}

impl PhotoItem {
    pub fn stored(key: u32, id: String, url: String) -> Self {
        Self { key, preview: url, state: PhotoState::Done(id) }
    }
}

/// The server ids of the photos already uploaded, in order: what a filing or an action names.
pub fn uploaded_ids(photos: &[PhotoItem]) -> Vec<String> {
    uploaded_paths(photos).into_iter().map(|path| path.split('?').next().unwrap_or_default().to_owned()).collect()
}

/// The photos already uploaded with their capabilities, in order: what a draft keeps so that its
/// previews still show when it is picked up again.
pub fn uploaded_paths(photos: &[PhotoItem]) -> Vec<String> {
    photos
        .iter()
        .filter_map(|item| match &item.state {
            PhotoState::Done(path) => Some(path.clone()),
            _ => None,
        })
        .collect()
}

/// Whether a photo is still being prepared or uploaded; sending now would leave it out.
pub fn any_in_flight(photos: &[PhotoItem]) -> bool {
    photos.iter().any(|item| matches!(item.state, PhotoState::Preparing | PhotoState::Uploading))
}

/// Up to nine photos, each shrunk in the browser and uploaded on its own, with its state, a
/// remove button, and a retry when its upload failed.
#[component]
pub fn PhotoPicker(
    photos: RwSignal<Vec<PhotoItem>>,
    errors: RwSignal<Vec<FieldError>>,
    /// Opens the camera at once on phones (staff photographing the work done), instead of
    /// offering the album first.
    #[prop(optional)]
    camera: bool,
) -> impl IntoView {
    let i18n = use_locale();
    let api = use_context::<ApiBase>().unwrap_or_else(|| ApiBase::new("api/v1"));
    // The shrunk photos by key, kept for a retry; browser objects stay on this thread. A few
    // photos at most: a list is all the lookup needs, and lighter on the phone than a map.
    let blobs = StoredValue::new_local(Vec::<(u32, Blob)>::new());
    let next_key = StoredValue::new(photos.with_untracked(|list| list.iter().map(|p| p.key).max().unwrap_or(0)) + 1);

    let set_state = move |key: u32, state: PhotoState| {
        photos.update(|list| {
            if let Some(item) = list.iter_mut().find(|item| item.key == key) {
                item.state = state;
            }
        });
    };
    let upload = Callback::new(move |key: u32| {
        let Some(blob) = blobs.with_value(|all| all.iter().find(|(k, _)| *k == key).map(|(_, blob)| blob.clone()))
        else {
            return;
        };
        set_state(key, PhotoState::Uploading);
        let api = api.clone();
        leptos::task::spawn_local(async move {
            match api.upload_photo(&blob).await {
                Ok(photo) => {
                    let path = if photo.path.is_empty() { photo.id } else { photo.path };
                    set_state(key, PhotoState::Done(path))
                }
                Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                    set_state(key, PhotoState::Failed(i18n.t().field_error(&problem.errors[0])))
                }
                Err(error) => set_state(key, PhotoState::Failed(i18n.t().api_error(&error))),
            }
        });
    });

    let on_choose = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        let Some(files) = input.files() else { return };
        for index in 0..files.length() {
            if photos.with_untracked(Vec::len) >= MAX_PHOTOS {
                break;
            }
            let Some(file) = files.get(index) else { continue };
            let key = next_key.get_value();
            next_key.set_value(key + 1);
            let preview = Url::create_object_url_with_blob(&file).unwrap_or_default();
            photos.update(|list| list.push(PhotoItem { key, preview, state: PhotoState::Preparing }));
            leptos::task::spawn_local(async move {
                match shrink(&file).await {
                    Ok(small) => {
                        blobs.update_value(|all| all.push((key, small)));
                        upload.run(key);
                    }
                    Err(_) => set_state(key, PhotoState::Failed(i18n.t().err_undecodable.to_owned())),
                }
            });
        }
        // The same photo may be chosen again after removing it.
        input.set_value("");
    };

    let remove = move |key: u32| {
        photos.update(|list| {
            if let Some(position) = list.iter().position(|item| item.key == key) {
                let removed = list.remove(position);
                if removed.preview.starts_with("blob:") {
                    let _ = Url::revoke_object_url(&removed.preview);
                }
            }
        });
        blobs.update_value(|all| all.retain(|(k, _)| *k != key));
    };

    view! {
        <div class="field" class:field-invalid=has_error(errors, Field::Photos)>
            <label for="photo-input">
                {move || i18n.t().photos_label}
                <span class="required">{move || i18n.t().optional}</span>
            </label>
            <p class="hint" id="photo-input-hint">{move || i18n.t().photos_hint}</p>
            <FieldMessage input_id="photo-input" field=Field::Photos errors />
            <ul class="photo-list">
                <For each=move || photos.get() key=|item| (item.key, item.state.clone()) let:item>
                    <PhotoTile item remove retry=upload />
                </For>
            </ul>
            <label class="button photo-add" for="photo-input" hidden={move || photos.with(Vec::len) >= MAX_PHOTOS}>
                <span aria-hidden="true">"＋ "</span>{move || i18n.t().add_photos}
            </label>
            <input
                id="photo-input"
                class="visually-hidden"
                type="file"
                accept="image/*"
                multiple
                capture=camera.then_some("environment")
                aria-describedby="photo-input-hint"
                on:change=on_choose
            />
        </div>
    }
}

#[component]
fn PhotoTile(
    item: PhotoItem,
    remove: impl Fn(u32) + Copy + Send + Sync + 'static,
    retry: Callback<u32>,
) -> impl IntoView {
    let i18n = use_locale();
    let PhotoItem { key, preview, state } = item;
    let failed = matches!(state, PhotoState::Failed(_));
    let status = state.clone();
    view! {
        <li class="photo-tile" class:photo-failed=failed>
            <img src=preview alt="" />
            <span class="photo-status" role="status">
                {move || match &status {
                    PhotoState::Preparing => i18n.t().photo_preparing.to_owned(),
                    PhotoState::Uploading => i18n.t().photo_uploading.to_owned(),
                    PhotoState::Done(_) => i18n.t().photo_done.to_owned(),
                    PhotoState::Failed(message) => message.clone(),
                }}
            </span>
            {failed.then(|| view! {
                <button type="button" class="button button-small" on:click=move |_| retry.run(key)>{move || i18n.t().retry}</button>
            })}
            <button
                type="button"
                class="photo-remove"
                aria-label=move || i18n.t().remove_photo
                on:click=move |_| remove(key)
            >
                "✕"
            </button>
        </li>
    }
}
