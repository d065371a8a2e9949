//! The text outbox (短信通知): a step a resident asked to hear about is written to `text_outbox` in
//! the same transaction as the step itself, once for the filer and once for each neighbour who
//! joined and asked; a sender takes due texts with a lease, and records each outcome.

use crate::store::db::{self, Connection, OptionalExtension};
use chrono::{DateTime, Duration, Utc};
use mashang_model::texts::{Recipient, is_texted};
use mashang_model::{ComplaintView, EventKind, PhoneNumber, TrackingNumber};
use rusqlite::params;

use super::complaints::{complaint_id_for_token, load_view};
use super::personal::{PersonalData, PhoneKey, Sealed};
use super::{Store, StoreError, Viewer, parse_enum};
use crate::secrets;

/// A sent or abandoned text is kept this long (for a resident who asks what was sent), then its
/// sealed number is deleted with it.
pub const SENT_TEXTS_KEPT: Duration = Duration::days(30);

/// A text due to be sent.
#[derive(Debug, Clone)]
pub struct DueText {
    pub id: i64,
    /// The same for every attempt at this text: the gateway drops a repeat.
    pub delivery_key: String,
    pub phone: PhoneNumber,
    pub number: TrackingNumber,
    pub kind: EventKind,
    pub recipient: Recipient,
    /// Attempts before this one.
    pub attempts: u32,
}

/// What a choice of texts came to.
pub enum TextsOutcome {
    Done(Box<ComplaintView>),
    NotFound,
    /// A neighbour whose session predates sealed numbers: signing in again gives one.
    SignInAgain,
}

impl Store {
    /// Takes up to `limit` texts whose time has come and holds them for `lease`: another sender
    /// (or this one, after a crash) tries them again only once the lease has run out.
    pub async fn take_due_texts(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<DueText>, StoreError> {
        let personal = self.personal.clone();
        self.write(move |connection| take_due(connection, now, lease, limit, &personal)).await
    }

    /// The gateway accepted the text.
    pub async fn text_sent(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.write(move |connection| {
            connection
                .execute("UPDATE text_outbox SET sent_at = ?2, last_error = NULL WHERE id = ?1", params![id, now])?;
            Ok(())
        })
        .await
    }

    /// The attempt failed: try again at `retry_at`, or never (`None`: the gateway refused the text
    /// for good, or it has been tried for long enough).
    pub async fn text_failed(
        &self,
        id: i64,
        now: DateTime<Utc>,
        error: String,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        self.write(move |connection| {
            match retry_at {
                Some(at) => connection.execute(
                    "UPDATE text_outbox SET next_attempt_at = ?2, last_error = ?3 WHERE id = ?1",
                    params![id, at, error],
                )?,
                None => connection.execute(
                    "UPDATE text_outbox SET given_up_at = ?2, last_error = ?3 WHERE id = ?1",
                    params![id, now, error],
                )?,
            };
            Ok(())
        })
        .await
    }

    /// Texts not yet sent nor given up: for the health of the sender.
    pub async fn texts_waiting(&self) -> Result<i64, StoreError> {
        self.read(|connection| {
            Ok(connection.query_row(
                "SELECT count(*) FROM text_outbox WHERE sent_at IS NULL AND given_up_at IS NULL",
                [],
                |row| row.get(0),
            )?)
        })
        .await
    }

    /// The filer, or a neighbour who joined, chooses whether to hear of progress by text.
    pub async fn choose_texts(
        &self,
        number: TrackingNumber,
        token: String,
        enabled: bool,
        now: DateTime<Utc>,
    ) -> Result<TextsOutcome, StoreError> {
        let (policies, personal) = (self.policies, self.personal.clone());
        self.write(move |connection| {
            let Some((id, viewer)) = complaint_id_for_token(connection, &number, &token, now)? else {
                return Ok(TextsOutcome::NotFound);
            };
            match &viewer {
                Viewer::Resident => {
                    connection.execute("UPDATE complaints SET texts = ?2 WHERE id = ?1", params![id, enabled])?;
                }
                Viewer::Neighbour(phone_key) => {
                    let sealed = if enabled { session_phone(connection, &token)? } else { None };
                    if enabled && sealed.is_none() {
                        return Ok(TextsOutcome::SignInAgain);
                    }
                    connection.execute(
                        "UPDATE complaint_joins SET texts_phone_sealed = ?3 WHERE complaint_id = ?1 AND phone_key = ?2",
                        params![id, phone_key, sealed],
                    )?;
                }
                Viewer::Staff(_) => return Ok(TextsOutcome::NotFound),
            }
            Ok(TextsOutcome::Done(Box::new(load_view(connection, id, &viewer, now, &policies, &personal)?)))
        })
        .await
    }
}

/// The sealed number of the resident a session was opened for.
fn session_phone(connection: &Connection, token: &str) -> db::Result<Option<Vec<u8>>> {
    connection
        .prepare_cached("SELECT phone_sealed FROM sessions WHERE token_hash = ?1 AND phone_sealed IS NOT NULL")?
        .query_row([secrets::sha256(token.as_bytes()).as_slice()], |row| row.get(0))
        .optional()
}

/// Whether the viewer hears of this complaint by text: `None` for anyone but its filer and the
/// neighbours who joined it.
pub(crate) fn viewer_texts(connection: &Connection, complaint_id: i64, viewer: &Viewer) -> db::Result<Option<bool>> {
    match viewer {
        Viewer::Resident => connection
            .prepare_cached("SELECT texts FROM complaints WHERE id = ?1")?
            .query_row([complaint_id], |row| row.get(0))
            .optional(),
        Viewer::Neighbour(phone_key) => connection
            .prepare_cached(
                "SELECT texts_phone_sealed IS NOT NULL FROM complaint_joins WHERE complaint_id = ?1 AND phone_key = ?2",
            )?
            .query_row(params![complaint_id, phone_key], |row| row.get(0))
            .optional(),
        Viewer::Staff(_) => Ok(None),
    }
}

/// Queues the texts a step sends, if it sends any: called for every step appended, inside its
/// transaction.
pub(crate) fn enqueue(
    connection: &Connection,
    complaint_id: i64,
    event_id: i64,
    kind: EventKind,
    at: DateTime<Utc>,
) -> db::Result<()> {
    if !is_texted(kind) {
        return Ok(());
    }
    // (recipient key, recipient, sealed number)
    let mut recipients: Vec<(String, Recipient, Vec<u8>)> = Vec::new();
    let filer: Option<Vec<u8>> = connection
        .prepare_cached("SELECT phone_sealed FROM complaints WHERE id = ?1 AND texts = 1 AND phone_sealed IS NOT NULL")?
        .query_row([complaint_id], |row| row.get(0))
        .optional()?;
    if let Some(sealed) = filer {
        recipients.push(("filer".to_owned(), Recipient::Filer, sealed));
    }
    let mut joiners = connection.prepare_cached(
        "SELECT phone_key, texts_phone_sealed FROM complaint_joins
         WHERE complaint_id = ?1 AND texts_phone_sealed IS NOT NULL",
    )?;
    for joiner in
        joiners.query_map([complaint_id], |row| Ok((row.get::<_, PhoneKey>(0)?, row.get::<_, Vec<u8>>(1)?)))?
    {
        let (phone_key, sealed) = joiner?;
        // The phone key is a keyed hash: it tells recipients apart without naming them.
        recipients.push((phone_key.as_str().to_owned(), Recipient::Joiner, sealed));
    }
    let mut insert = connection.prepare_cached(
        "INSERT INTO text_outbox (delivery_key, event_id, complaint_id, recipient, recipient_key, phone_sealed,
             created_at, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
         ON CONFLICT (delivery_key) DO NOTHING",
    )?;
    for (recipient_key, recipient, sealed) in recipients {
        let short: String = recipient_key.chars().take(16).collect();
        let delivery_key = format!("mashang-{event_id}-{short}");
        insert.execute(params![delivery_key, event_id, complaint_id, recipient.as_str(), recipient_key, sealed, at])?;
    }
    Ok(())
}

/// An outbox row as stored: the number sealed, the names as text.
struct StoredText {
    id: i64,
    delivery_key: String,
    sealed_phone: Vec<u8>,
    number: String,
    kind: String,
    recipient: String,
    attempts: u32,
}

fn take_due(
    connection: &Connection,
    now: DateTime<Utc>,
    lease: Duration,
    limit: usize,
    personal: &PersonalData,
) -> Result<Vec<DueText>, StoreError> {
    let rows: Vec<StoredText> = connection
        .prepare_cached(
            "SELECT o.id, o.delivery_key, o.phone_sealed, c.tracking_number, e.kind, o.recipient, o.attempts
             FROM text_outbox o
             JOIN complaints c ON c.id = o.complaint_id
             JOIN complaint_events e ON e.id = o.event_id
             WHERE o.sent_at IS NULL AND o.given_up_at IS NULL AND o.next_attempt_at <= ?1
               AND NOT EXISTS (SELECT 1 FROM text_outbox earlier
                               WHERE earlier.complaint_id = o.complaint_id AND earlier.recipient_key = o.recipient_key
                                 AND earlier.id < o.id AND earlier.sent_at IS NULL AND earlier.given_up_at IS NULL)
             ORDER BY o.next_attempt_at, o.id
             LIMIT ?2",
        )?
        .query_map(params![now, limit as i64], |row| {
            Ok(StoredText {
                id: row.get(0)?,
                delivery_key: row.get(1)?,
                sealed_phone: row.get(2)?,
                number: row.get(3)?,
                kind: row.get(4)?,
                recipient: row.get(5)?,
                attempts: row.get(6)?,
            })
        })?
        .collect::<db::Result<_>>()?;
    let mut lease_out = connection
        .prepare_cached("UPDATE text_outbox SET next_attempt_at = ?2, attempts = attempts + 1 WHERE id = ?1")?;
    let mut due = Vec::with_capacity(rows.len());
    for row in rows {
        let id = row.id;
        match readable(row, personal) {
            Ok(text) => {
                lease_out.execute(params![id, now + lease])?;
                due.push(text);
            }
            // A row this server cannot read (another data key, a newer recipient kind) must not
            // hold up the texts behind it: it is given up, with the reason, for an operator.
            Err(reason) => {
                tracing::warn!(id, "a text cannot be read and is given up: {reason}");
                connection.execute(
                    "UPDATE text_outbox SET given_up_at = ?2, last_error = ?3 WHERE id = ?1",
                    params![id, now, reason],
                )?;
            }
        }
    }
    Ok(due)
}

fn readable(row: StoredText, personal: &PersonalData) -> Result<DueText, String> {
    let phone =
        personal.open(Sealed::Phone, &row.sealed_phone).map_err(|error| error.to_string()).and_then(|phone| {
            PhoneNumber::parse(&phone).map_err(|_| "the stored number is not a phone number".to_owned())
        })?;
    let number = TrackingNumber::parse(&row.number).ok_or("unreadable tracking number")?;
    let recipient = Recipient::parse(&row.recipient).ok_or("unknown recipient")?;
    let kind = parse_enum(&row.kind).unwrap_or(EventKind::Other);
    Ok(DueText { id: row.id, delivery_key: row.delivery_key, phone, number, kind, recipient, attempts: row.attempts })
}
