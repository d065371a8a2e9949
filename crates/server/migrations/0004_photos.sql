-- Photos live in the database with everything else, so that the server keeps no state of its
-- own, and a backup or a crash covers them too. Re-encoded JPEGs of at most 2048 px are a few
-- hundred kilobytes each.
CREATE TABLE photos (
    id          TEXT PRIMARY KEY,  -- SHA-256 of the stored JPEG, in hex
    jpeg        BLOB NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    uploaded_at TEXT NOT NULL
) WITHOUT ROWID;

-- Photos attached to a step of a complaint's timeline (the filing, a supplement, a reply).
CREATE TABLE event_photos (
    event_id INTEGER NOT NULL REFERENCES complaint_events (id),
    photo_id TEXT NOT NULL REFERENCES photos (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (event_id, position)
);
