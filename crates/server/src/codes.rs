//! Sending one-time sign-in codes. A city plugs in its SMS gateway by implementing
//! [`CodeSender`]; the development sender only writes to the log.

use mashang_model::PhoneNumber;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub trait CodeSender: Send + Sync {
    fn send(&self, phone: &PhoneNumber, code: &str);
}

/// Writes codes to the server log; with the development flag, also keeps the latest code per
/// phone for `GET /api/v1/dev/codes/{phone}`, which the browser tests read.
pub struct LogCodeSender {
    pub outbox: Option<Arc<DevOutbox>>,
}

impl CodeSender for LogCodeSender {
    fn send(&self, phone: &PhoneNumber, code: &str) {
        tracing::info!(phone = %phone.masked(), %code, "sign-in code (development sender: no SMS is sent)");
        if let Some(outbox) = &self.outbox {
            outbox.keep(phone, code);
        }
    }
}

/// What the development senders sent: the latest code and every text, per phone.
#[derive(Default)]
pub struct DevOutbox {
    codes: Mutex<HashMap<String, String>>,
    texts: Mutex<HashMap<String, Vec<DevText>>>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DevText {
    pub key: String,
    pub text: String,
}

impl DevOutbox {
    fn keep(&self, phone: &PhoneNumber, code: &str) {
        self.codes.lock().unwrap_or_else(|p| p.into_inner()).insert(phone.as_str().to_owned(), code.to_owned());
    }

    pub fn latest(&self, phone: &PhoneNumber) -> Option<String> {
        self.codes.lock().unwrap_or_else(|p| p.into_inner()).get(phone.as_str()).cloned()
    }

    pub fn keep_text(&self, phone: &str, key: &str, text: &str) {
        let mut texts = self.texts.lock().unwrap_or_else(|p| p.into_inner());
        texts.entry(phone.to_owned()).or_default().push(DevText { key: key.to_owned(), text: text.to_owned() });
    }

    /// Every text sent to `phone`, oldest first.
    pub fn texts(&self, phone: &PhoneNumber) -> Vec<DevText> {
        self.texts.lock().unwrap_or_else(|p| p.into_inner()).get(phone.as_str()).cloned().unwrap_or_default()
    }
}
