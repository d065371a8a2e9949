-- Places and who manages them.
CREATE TABLE districts (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE property_companies (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE communities (
    id                  INTEGER PRIMARY KEY,
    district_id         INTEGER NOT NULL REFERENCES districts (id),
    street              TEXT NOT NULL,
    name                TEXT NOT NULL,
    property_company_id INTEGER NOT NULL REFERENCES property_companies (id),
    UNIQUE (district_id, name)
);

-- A two-level tree: complaints are filed against a leaf.
CREATE TABLE categories (
    id        INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES categories (id),
    name_zh   TEXT NOT NULL,
    name_en   TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('property', 'non_property')),
    urgent    INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    position  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE complaints (
    id              INTEGER PRIMARY KEY,
    tracking_number TEXT NOT NULL UNIQUE,
    community_id    INTEGER NOT NULL REFERENCES communities (id),
    category_id     INTEGER NOT NULL REFERENCES categories (id),
    description     TEXT NOT NULL,
    phone           TEXT NOT NULL,
    status          TEXT NOT NULL,
    filed_at        TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE INDEX complaints_by_community ON complaints (community_id, filed_at);

-- The timeline: rows are appended, never changed.
CREATE TABLE complaint_events (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaints (id),
    at           TEXT NOT NULL,
    kind         TEXT NOT NULL,
    actor        TEXT NOT NULL,
    unit         TEXT,
    note         TEXT
);

CREATE INDEX complaint_events_by_complaint ON complaint_events (complaint_id, id);

CREATE TRIGGER complaint_events_no_update BEFORE UPDATE ON complaint_events
BEGIN
    SELECT RAISE(ABORT, 'timeline events are append-only');
END;

CREATE TRIGGER complaint_events_no_delete BEFORE DELETE ON complaint_events
BEGIN
    SELECT RAISE(ABORT, 'timeline events are append-only');
END;
