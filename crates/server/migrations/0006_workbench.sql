-- The staff workbench: cookie sessions with a CSRF token and idle expiry, what each member of
-- staff has read, the audit log, and reply templates.

-- A session's CSRF token and the end of the working day it cannot be stretched past;
-- `expires_at` moves with use and is the idle limit. The CSRF token is kept as it is because the
-- workbench asks for it again after a reload; alone, without the session cookie, it opens nothing.
ALTER TABLE sessions ADD COLUMN csrf_token TEXT;
ALTER TABLE sessions ADD COLUMN ends_at TEXT;

-- When a member of staff last opened a complaint: what the resident did since is unread.
CREATE TABLE staff_reads (
    staff_id     INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    complaint_id INTEGER NOT NULL REFERENCES complaints (id),
    read_at      TEXT NOT NULL,
    PRIMARY KEY (staff_id, complaint_id)
) WITHOUT ROWID;

-- Who did what, and who saw whose personal data. The account's name and organization are copied
-- in and nothing refers to `staff`, so an entry outlives the account.
CREATE TABLE audit_log (
    id               INTEGER PRIMARY KEY,
    at               TEXT NOT NULL,
    username         TEXT NOT NULL,
    display_name     TEXT NOT NULL,
    organization     TEXT NOT NULL,
    kind             TEXT NOT NULL,
    tracking_number  TEXT,
    detail           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_username ON audit_log (username, id);
CREATE INDEX audit_log_by_number ON audit_log (tracking_number, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- A unit's replies per category. The unit is its organization's name, as staff rows give it.
CREATE TABLE reply_templates (
    organization TEXT NOT NULL,
    category_id  INTEGER NOT NULL REFERENCES categories (id),
    text         TEXT NOT NULL,
    PRIMARY KEY (organization, category_id)
) WITHOUT ROWID;

-- The queue: a unit's open complaints, found through its communities without reading anyone
-- else's, and when a resident last did something in each (filed, added, urged, joined), kept by
-- a trigger so that no writer can forget it.
ALTER TABLE complaints ADD COLUMN resident_acted_at TEXT;
-- Covering: a queue row is read from the index alone, never from the wide complaint rows.
CREATE INDEX complaints_queue ON complaints (community_id, status, handler_role, category_id, tracking_number,
    filed_at, updated_at, sign_due_at, accepted_at, resolve_due_at, resolved_at, level, card, joins, repeat_position,
    resident_acted_at);
UPDATE complaints SET resident_acted_at =
    (SELECT MAX(e.at) FROM complaint_events e WHERE e.complaint_id = complaints.id AND e.actor = 'resident');
CREATE TRIGGER complaint_events_resident_acted AFTER INSERT ON complaint_events WHEN NEW.actor = 'resident'
BEGIN
    UPDATE complaints SET resident_acted_at = NEW.at
    WHERE id = NEW.complaint_id AND (resident_acted_at IS NULL OR resident_acted_at < NEW.at);
END;
