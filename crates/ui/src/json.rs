//! Small JSON documents (the runtime configuration, what the device keeps) read with the
//! browser's own parser. The first screen's code reads only these; with serde_json it would carry
//! a JSON parser of its own, which the pages that talk to the API load with their chunks instead.

use wasm_bindgen::{JsCast, JsValue};

/// The object `text` holds; `None` for anything else or for text that is not JSON.
pub fn parse_object(text: &str) -> Option<JsValue> {
    js_sys::JSON::parse(text).ok().filter(JsValue::is_object)
}

/// The text at `key`; `None` when it is missing or not text.
pub fn text(object: &JsValue, key: &str) -> Option<String> {
    field(object, key).as_string()
}

/// Whether `key` has a value other than `null`.
pub fn is_set(object: &JsValue, key: &str) -> bool {
    !field(object, key).is_null_or_undefined()
}

/// Whether the object has any key at all.
pub fn has_keys(object: &JsValue) -> bool {
    object.dyn_ref::<js_sys::Object>().is_some_and(|object| js_sys::Object::keys(object).length() > 0)
}

fn field(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}
