//! The language machinery: which language is chosen, kept on the device and written into
//! `<html lang>`. Each app keeps its own catalogue and reads it through the same locale signal.
//!
//! Chinese is always there. English may come later: the resident app fetches its English texts
//! (a chunk of its wasm) on the first switch, because most residents never switch and every
//! byte of the first screen is paid for on a slow network. Until then Chinese is shown.

use leptos::prelude::*;
use mashang_model::LocalizedText;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use crate::texts::{self, CommonTexts};

/// The shared English texts, once an app has them (see [`english_is`]).
static ENGLISH: OnceLock<&'static CommonTexts> = OnceLock::new();

/// Hands over the shared English texts: at start by an app that bundles them, or once fetched.
pub fn english_is(common: &'static CommonTexts) {
    let _ = ENGLISH.set(common);
}

pub fn has_english() -> bool {
    ENGLISH.get().is_some()
}

/// Fetches an app's English texts and hands them over; `false` when they could not be fetched.
pub type EnglishLoader = fn() -> Pin<Box<dyn Future<Output = bool>>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    ZhCn,
    En,
}

const STORAGE_KEY: &str = "mashang.locale";

impl Locale {
    pub fn tag(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::En => "en",
        }
    }

    pub fn other(self) -> Self {
        match self {
            Self::ZhCn => Self::En,
            Self::En => Self::ZhCn,
        }
    }

    pub fn pick(self, text: &LocalizedText) -> String {
        match self {
            Self::ZhCn => text.zh.clone(),
            Self::En => text.en.clone(),
        }
    }

    /// The shared catalogue in this language (Chinese while English is not there yet).
    pub fn common(self) -> &'static CommonTexts {
        match (self, ENGLISH.get()) {
            (Self::En, Some(english)) => english,
            _ => &texts::ZH_CN,
        }
    }
}

/// The language chosen on this device, shared by every component of either app.
#[derive(Clone, Copy)]
pub struct LocaleContext {
    pub locale: RwSignal<Locale>,
    /// How English is fetched when it is not bundled.
    english: Option<EnglishLoader>,
    /// English is on its way after a switch.
    pub fetching: RwSignal<bool>,
}

/// Whether this device last chose English.
pub fn saved_english() -> bool {
    crate::storage::get(STORAGE_KEY).as_deref() == Some("en")
}

impl LocaleContext {
    /// Starts in the language saved on this device, else Chinese. An app that bundles English
    /// hands it over with [`english_is`] first; one that fetches it gives its loader.
    pub fn provide(english: Option<EnglishLoader>) -> Self {
        let locale = if saved_english() && has_english() { Locale::En } else { Locale::ZhCn };
        let context = Self { locale: RwSignal::new(locale), english, fetching: RwSignal::new(false) };
        Effect::new(move |_| {
            let locale = context.locale.get();
            crate::storage::set(STORAGE_KEY, locale.tag());
            if let Some(root) = document().document_element() {
                let _ = root.set_attribute("lang", locale.tag());
            }
        });
        provide_context(context);
        context
    }

    /// Switches to the other language, fetching English first if need be; a failed fetch leaves
    /// the language as it was (the network banner says why).
    pub fn switch(self) {
        let target = self.locale.get_untracked().other();
        match (target, self.english) {
            (Locale::En, Some(load)) if !has_english() => {
                if self.fetching.get_untracked() {
                    return;
                }
                self.fetching.set(true);
                leptos::task::spawn_local(async move {
                    let fetched = load().await;
                    self.fetching.try_set(false);
                    if fetched {
                        self.locale.try_set(Locale::En);
                    }
                });
            }
            _ => self.locale.set(target),
        }
    }

    /// The shared catalogue of the current language; reading it inside a closure makes the view
    /// follow a language switch.
    pub fn t(&self) -> &'static CommonTexts {
        self.locale.get().common()
    }
}

pub fn use_locale() -> LocaleContext {
    use_context::<LocaleContext>().unwrap_or_else(|| LocaleContext {
        locale: RwSignal::new(Locale::ZhCn),
        english: None,
        fetching: RwSignal::new(false),
    })
}

/// An app's own catalogue: its texts in each language (each derefs to [`CommonTexts`]).
pub trait Catalogue: Sync + 'static {
    fn of(locale: Locale) -> &'static Self;
}

/// Makes an app's texts a [`Catalogue`] of its two languages, and lets them deref to their
/// `common: &'static CommonTexts` field, so both apps read the shared texts the same way:
/// `mashang_ui::catalogue!(Texts, ZH_CN, EN);` bundles English;
/// `mashang_ui::catalogue!(Texts, ZH_CN, fetched ENGLISH);` declares `ENGLISH`, which the app's
/// [`EnglishLoader`] sets once it has fetched its English texts (Chinese is shown until then).
#[macro_export]
macro_rules! catalogue {
    (@deref $texts:ty) => {
        impl ::std::ops::Deref for $texts {
            type Target = $crate::texts::CommonTexts;

            fn deref(&self) -> &Self::Target {
                self.common
            }
        }
    };
    ($texts:ty, $zh_cn:path, fetched $english:ident) => {
        /// The English texts, once fetched.
        pub static $english: ::std::sync::OnceLock<&'static $texts> = ::std::sync::OnceLock::new();

        impl $crate::i18n::Catalogue for $texts {
            fn of(locale: $crate::i18n::Locale) -> &'static Self {
                match (locale, $english.get()) {
                    ($crate::i18n::Locale::En, Some(english)) => english,
                    _ => &$zh_cn,
                }
            }
        }

        $crate::catalogue!(@deref $texts);
    };
    ($texts:ty, $zh_cn:path, $en:path) => {
        impl $crate::i18n::Catalogue for $texts {
            fn of(locale: $crate::i18n::Locale) -> &'static Self {
                match locale {
                    $crate::i18n::Locale::ZhCn => &$zh_cn,
                    $crate::i18n::Locale::En => &$en,
                }
            }
        }

        $crate::catalogue!(@deref $texts);
    };
}

/// The chosen language with an app's catalogue `T`, read through the one locale signal that the
/// shared components read too.
pub struct I18n<T: Catalogue> {
    pub locale: RwSignal<Locale>,
    catalogue: std::marker::PhantomData<fn() -> &'static T>,
}

impl<T: Catalogue> Clone for I18n<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Catalogue> Copy for I18n<T> {}

impl<T: Catalogue> I18n<T> {
    /// The catalogue of the current language; reading it inside a closure makes the view follow
    /// a language switch.
    pub fn t(&self) -> &'static T {
        T::of(self.locale.get())
    }
}

pub fn use_i18n<T: Catalogue>() -> I18n<T> {
    I18n { locale: use_locale().locale, catalogue: std::marker::PhantomData }
}
