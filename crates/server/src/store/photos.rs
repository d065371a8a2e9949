//! Stored photos and their attachment to timeline events.

use crate::store::db::{self, Connection, OptionalExtension};
use chrono::{DateTime, Utc};
use mashang_model::UploadedPhoto;
use rusqlite::params;

use super::{Store, StoreError};

impl Store {
    /// Keeps a cleaned photo under its id; the same photo uploaded twice is stored once.
    pub async fn save_photo(
        &self,
        id: String,
        jpeg: Vec<u8>,
        width: u32,
        height: u32,
        now: DateTime<Utc>,
    ) -> Result<UploadedPhoto, StoreError> {
        self.write(move |connection| {
            connection.execute(
                "INSERT INTO photos (id, jpeg, width, height, uploaded_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO NOTHING",
                params![id, jpeg, width, height, now],
            )?;
            Ok(UploadedPhoto { id, path: String::new(), width, height, bytes: jpeg.len() as u64 })
        })
        .await
    }

    pub async fn photo(&self, id: String) -> Result<Option<Vec<u8>>, StoreError> {
        self.read(move |connection| {
            Ok(connection
                .prepare_cached("SELECT jpeg FROM photos WHERE id = ?1")?
                .query_row([id], |row| row.get(0))
                .optional()?)
        })
        .await
    }
}

/// Whether every id names a stored photo.
pub(crate) fn all_exist(connection: &Connection, ids: &[String]) -> db::Result<bool> {
    let mut statement = connection.prepare_cached("SELECT 1 FROM photos WHERE id = ?1")?;
    for id in ids {
        if !statement.exists([id])? {
            return Ok(false);
        }
    }
    Ok(true)
}

pub(crate) fn attach(connection: &Connection, event_id: i64, ids: &[String]) -> db::Result<()> {
    let mut statement =
        connection.prepare_cached("INSERT INTO event_photos (event_id, photo_id, position) VALUES (?1, ?2, ?3)")?;
    for (position, id) in ids.iter().enumerate() {
        statement.execute(params![event_id, id, position as i64])?;
    }
    Ok(())
}
