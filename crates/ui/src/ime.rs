//! Chinese is typed through an input method: pinyin letters are composed, then a candidate is
//! picked, often with Enter. That Enter must not submit a form, or the resident would see errors
//! about half-typed text. One guard for every form: while a composition is open (and for the rest
//! of the keypress that closes it, since some browsers submit right after `compositionend`),
//! submits are stopped before any form sees them.

use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

pub fn guard_submits_while_composing() {
    let Some(window) = web_sys::window() else { return };
    let composing = Rc::new(Cell::new(false));

    let started = {
        let composing = composing.clone();
        Closure::<dyn Fn()>::new(move || composing.set(true))
    };
    let ended = {
        let composing = composing.clone();
        let window = window.clone();
        Closure::<dyn Fn()>::new(move || {
            let later = composing.clone();
            let release = Closure::once_into_js(move || later.set(false));
            if window.set_timeout_with_callback(release.unchecked_ref()).is_err() {
                // Without a timer, release at once rather than block every later submit.
                composing.set(false);
            }
        })
    };
    let submitted = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
        if composing.get() {
            event.prevent_default();
            event.stop_immediate_propagation();
        }
    });
    // Capturing on the window runs before the form's own handler.
    let _ =
        window.add_event_listener_with_callback_and_bool("compositionstart", started.as_ref().unchecked_ref(), true);
    let _ = window.add_event_listener_with_callback_and_bool("compositionend", ended.as_ref().unchecked_ref(), true);
    let _ = window.add_event_listener_with_callback_and_bool("submit", submitted.as_ref().unchecked_ref(), true);
    // They live as long as the page.
    started.forget();
    ended.forget();
    submitted.forget();
}
