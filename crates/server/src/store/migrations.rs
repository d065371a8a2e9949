//! Numbered SQL migrations, applied in order at start. The applied number is kept in SQLite's
//! `user_version`, so no extra table is needed.

use rusqlite::Connection;

use super::StoreError;

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/0001_init.sql")),
    (2, include_str!("../../migrations/0002_lifecycle_identity.sql")),
    (3, include_str!("../../migrations/0003_resident_sign_in.sql")),
    (4, include_str!("../../migrations/0004_photos.sql")),
    (5, include_str!("../../migrations/0005_escalation.sql")),
    (6, include_str!("../../migrations/0006_workbench.sql")),
];

pub fn apply(connection: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    for &(number, sql) in MIGRATIONS.iter().filter(|(number, _)| *number > current) {
        let transaction = connection.transaction()?;
        transaction.execute_batch(sql)?;
        transaction.pragma_update(None, "user_version", number)?;
        transaction.commit()?;
        tracing::info!("applied migration {number:04}");
    }
    Ok(())
}
