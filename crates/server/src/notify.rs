//! Sending the texts of the outbox (短信通知). A city plugs in its SMS gateway through
//! [`Notifier`]; two come with the server: [`LogNotifier`], which only writes to the log, and
//! [`SmsGateway`], which posts each text to a gateway over HTTP.
//!
//! Delivery is at least once from here and exactly once on the phone: every attempt at a text
//! carries the same key, and the gateway drops a key it has seen (the README documents the
//! request). So a lost answer, a retry or a restart of either side never texts a resident twice.

use chrono::{DateTime, Duration, Utc};
use mashang_model::mask_phone;
use mashang_model::texts::{progress_link, text};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::clock::Clock;
use crate::codes::DevOutbox;
use crate::store::{DueText, Store};

/// One text on its way.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutgoingText {
    /// The same for every attempt at this text.
    pub key: String,
    /// Eleven digits, as a gateway in China expects them.
    pub to: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// Worth trying again: the gateway is down, busy or did not answer.
    Retry(String),
    /// The gateway will never take this text (a number it cannot reach, a text it refuses).
    Refused(String),
}

pub type Delivery<'a> = Pin<Box<dyn Future<Output = Result<(), DeliveryError>> + Send + 'a>>;

pub trait Notifier: Send + Sync {
    fn deliver<'a>(&'a self, text: &'a OutgoingText) -> Delivery<'a>;
}

/// Writes texts to the log; with the development flag, also keeps them per phone for
/// `GET /api/v1/dev/texts/{phone}`, which the browser tests read.
pub struct LogNotifier {
    pub outbox: Option<Arc<DevOutbox>>,
}

impl Notifier for LogNotifier {
    fn deliver<'a>(&'a self, text: &'a OutgoingText) -> Delivery<'a> {
        Box::pin(async move {
            tracing::info!(to = %mask_phone(&text.to), key = %text.key, text = %text.text, "text (log sender: no SMS is sent)");
            if let Some(outbox) = &self.outbox {
                outbox.keep_text(&text.to, &text.key, &text.text);
            }
            Ok(())
        })
    }
}

/// Posts each text to an SMS gateway: `POST {url}` with `Authorization: Bearer {token}`, an
/// `Idempotency-Key` header and the JSON body `{"key", "to", "text"}`. A 2xx (or 409, "I have
/// this key already") is delivered; 408, 429 and 5xx are tried again; any other 4xx is refused for good.
pub struct SmsGateway {
    url: String,
    token: Option<String>,
    client: reqwest::Client,
}

impl SmsGateway {
    pub fn new(url: String, token: Option<String>) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .connect_timeout(std::time::Duration::from_secs(5))
            .build()?;
        Ok(Self { url, token, client })
    }
}

impl Notifier for SmsGateway {
    fn deliver<'a>(&'a self, text: &'a OutgoingText) -> Delivery<'a> {
        Box::pin(async move {
            let mut request = self.client.post(&self.url).header("Idempotency-Key", &text.key).json(text);
            if let Some(token) = &self.token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.map_err(|error| DeliveryError::Retry(error.to_string()))?;
            let status = response.status();
            if status.is_success() || status == reqwest::StatusCode::CONFLICT {
                return Ok(());
            }
            let body: String = response.text().await.unwrap_or_default().chars().take(200).collect();
            let error = format!("{status} {body}");
            let transient = status.is_server_error()
                || status == reqwest::StatusCode::REQUEST_TIMEOUT
                || status == reqwest::StatusCode::TOO_MANY_REQUESTS;
            Err(if transient { DeliveryError::Retry(error) } else { DeliveryError::Refused(error) })
        })
    }
}

/// How the outbox is worked.
#[derive(Clone)]
pub struct Sender {
    pub store: Store,
    pub clock: Clock,
    pub notifier: Arc<dyn Notifier>,
    /// The app's public address, ending in `/`: the link in every text.
    pub public_url: Arc<str>,
}

/// Texts taken at a time.
const BATCH: usize = 50;
/// A taken text is not taken again for this long: more than the gateway's timeout times a
/// batch is not needed, since texts of a batch are sent one after another and each is recorded.
const LEASE_SECONDS: i64 = 120;
/// The wait before the first retry; it doubles each time, up to an hour.
const FIRST_RETRY_SECONDS: i64 = 15;
const LONGEST_RETRY_SECONDS: i64 = 3600;
/// After this many attempts (about a day with the waits above) a text is given up: news of a
/// step that old is no longer news.
pub const MOST_ATTEMPTS: u32 = 30;

/// When to try again after `attempts` failed attempts.
pub fn retry_delay(attempts: u32) -> Duration {
    let doubled = FIRST_RETRY_SECONDS.saturating_mul(1_i64 << attempts.saturating_sub(1).min(20));
    Duration::seconds(doubled.min(LONGEST_RETRY_SECONDS))
}

impl Sender {
    /// Sends what is due, batch after batch, until nothing is; returns how many were delivered.
    pub async fn send_due(&self) -> usize {
        let mut delivered = 0;
        loop {
            let now = self.clock.now();
            let due = match self.store.take_due_texts(now, Duration::seconds(LEASE_SECONDS), BATCH).await {
                Ok(due) => due,
                Err(error) => {
                    tracing::warn!("reading the text outbox failed: {error}");
                    return delivered;
                }
            };
            let taken = due.len();
            for text in due {
                delivered += usize::from(self.send_one(text).await);
            }
            if taken < BATCH {
                return delivered;
            }
        }
    }

    async fn send_one(&self, due: DueText) -> bool {
        let link = progress_link(&self.public_url, &due.number);
        let Some(body) = text(due.kind, due.recipient, &due.number, &link) else {
            // A step that no longer sends a text (a newer server queued it): nothing to send.
            self.record(due.id, Err(DeliveryError::Refused("this step sends no text".into())), due.attempts).await;
            return false;
        };
        let outgoing = OutgoingText { key: due.delivery_key, to: due.phone.as_str().to_owned(), text: body };
        let outcome = self.notifier.deliver(&outgoing).await;
        let delivered = outcome.is_ok();
        self.record(due.id, outcome, due.attempts).await;
        delivered
    }

    async fn record(&self, id: i64, outcome: Result<(), DeliveryError>, attempts_before: u32) {
        let now: DateTime<Utc> = self.clock.now();
        let attempts = attempts_before + 1;
        let recorded = match outcome {
            Ok(()) => self.store.text_sent(id, now).await,
            Err(DeliveryError::Retry(error)) if attempts < MOST_ATTEMPTS => {
                tracing::info!(id, attempts, "a text will be tried again: {error}");
                self.store.text_failed(id, now, error, Some(now + retry_delay(attempts))).await
            }
            Err(DeliveryError::Retry(error) | DeliveryError::Refused(error)) => {
                tracing::warn!(id, attempts, "a text was given up: {error}");
                self.store.text_failed(id, now, error, None).await
            }
        };
        // If this fails the lease runs out and the text is tried again, under the same key.
        if let Err(error) = recorded {
            tracing::warn!(id, "recording a text's outcome failed: {error}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_an_hour() {
        let waits: Vec<i64> = (1..=10).map(|attempts| retry_delay(attempts).num_seconds()).collect();
        assert_eq!(waits, [15, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(retry_delay(u32::MAX).num_seconds(), LONGEST_RETRY_SECONDS);
    }

    #[test]
    fn a_text_is_tried_for_about_a_day_before_it_is_given_up() {
        let total: i64 = (1..MOST_ATTEMPTS).map(|attempts| retry_delay(attempts).num_seconds()).sum();
        assert!((20 * 3600..30 * 3600).contains(&total), "{total} s");
    }
}
