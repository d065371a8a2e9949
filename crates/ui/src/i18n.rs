//! The language machinery: which language is chosen, kept on the device and written into
//! `<html lang>`. Each app keeps its own catalogue and reads it through the same locale signal.

use leptos::prelude::*;
use mashang_model::LocalizedText;

use crate::texts::{self, CommonTexts};

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

    /// The shared catalogue in this language.
    pub fn common(self) -> &'static CommonTexts {
        match self {
            Self::ZhCn => &texts::ZH_CN,
            Self::En => &texts::EN,
        }
    }
}

/// The language chosen on this device, shared by every component of either app.
#[derive(Clone, Copy)]
pub struct LocaleContext {
    pub locale: RwSignal<Locale>,
}

impl LocaleContext {
    /// Starts in the language saved on this device, else Chinese.
    pub fn provide() -> Self {
        let saved = crate::storage::get(STORAGE_KEY);
        let locale = if saved.as_deref() == Some("en") { Locale::En } else { Locale::ZhCn };
        let context = Self { locale: RwSignal::new(locale) };
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

    /// The shared catalogue of the current language; reading it inside a closure makes the view
    /// follow a language switch.
    pub fn t(&self) -> &'static CommonTexts {
        self.locale.get().common()
    }
}

pub fn use_locale() -> LocaleContext {
    use_context::<LocaleContext>().unwrap_or_else(|| LocaleContext { locale: RwSignal::new(Locale::ZhCn) })
}

/// An app's own catalogue: its texts in each language (each derefs to [`CommonTexts`]).
pub trait Catalogue: Sync + 'static {
    fn of(locale: Locale) -> &'static Self;
}

/// Makes an app's texts a [`Catalogue`] of its two languages, and lets them deref to their
/// `common: &'static CommonTexts` field, so both apps read the shared texts the same way:
/// `mashang_ui::catalogue!(Texts, ZH_CN, EN);`
#[macro_export]
macro_rules! catalogue {
    ($texts:ty, $zh_cn:path, $en:path) => {
        impl $crate::i18n::Catalogue for $texts {
            fn of(locale: $crate::i18n::Locale) -> &'static Self {
                match locale {
                    $crate::i18n::Locale::ZhCn => &$zh_cn,
                    $crate::i18n::Locale::En => &$en,
                }
            }
        }

        impl ::std::ops::Deref for $texts {
            type Target = $crate::texts::CommonTexts;

            fn deref(&self) -> &Self::Target {
                self.common
            }
        }
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
