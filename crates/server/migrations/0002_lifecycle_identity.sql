-- Deadlines per category: clock hours for urgent problems, working days for the rest.
ALTER TABLE categories ADD COLUMN sign_unit TEXT NOT NULL DEFAULT 'working_days' CHECK (sign_unit IN ('hours', 'working_days'));
ALTER TABLE categories ADD COLUMN sign_amount INTEGER NOT NULL DEFAULT 1 CHECK (sign_amount >= 0);
ALTER TABLE categories ADD COLUMN resolve_unit TEXT NOT NULL DEFAULT 'hours' CHECK (resolve_unit IN ('hours', 'working_days'));
ALTER TABLE categories ADD COLUMN resolve_amount INTEGER NOT NULL DEFAULT 168 CHECK (resolve_amount >= 0);
UPDATE categories SET sign_unit = 'hours', sign_amount = 2, resolve_unit = 'hours', resolve_amount = 24 WHERE urgent = 1;

-- Who holds the complaint now, its due times, and what the resident told us about themselves.
ALTER TABLE complaints ADD COLUMN handler_role TEXT NOT NULL DEFAULT 'property_company'
    CHECK (handler_role IN ('property_company', 'community_office'));
ALTER TABLE complaints ADD COLUMN sign_due_at TEXT;
ALTER TABLE complaints ADD COLUMN resolve_due_at TEXT;
ALTER TABLE complaints ADD COLUMN accepted_at TEXT;
ALTER TABLE complaints ADD COLUMN resolved_at TEXT;
ALTER TABLE complaints ADD COLUMN last_urged_at TEXT;
ALTER TABLE complaints ADD COLUMN location TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN hide_identity_from_property INTEGER NOT NULL DEFAULT 0;
ALTER TABLE complaints ADD COLUMN consented_at TEXT;
UPDATE complaints SET sign_due_at = filed_at, resolve_due_at = filed_at WHERE sign_due_at IS NULL;
UPDATE complaints SET handler_role = 'community_office'
    WHERE category_id IN (SELECT id FROM categories WHERE kind = 'non_property');

CREATE INDEX complaints_by_phone ON complaints (phone, filed_at);
CREATE INDEX complaints_open_by_sign_due ON complaints (status, sign_due_at);

-- Ratings, one per resolution; the event carries the text.
ALTER TABLE complaint_events ADD COLUMN rating_solved TEXT;
ALTER TABLE complaint_events ADD COLUMN rating_satisfaction TEXT;

-- A complaint's access token, kept only as a hash. The token is an HMAC of the filing's
-- idempotency key with this row's salt, so a replayed filing can give the same token back
-- without the token (or the raw key) ever being stored.
CREATE TABLE complaint_access (
    complaint_id INTEGER PRIMARY KEY REFERENCES complaints (id),
    token_salt   BLOB NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE
);

-- Filings seen, by the hash of their Idempotency-Key, for 30 days.
CREATE TABLE idempotency_keys (
    key_hash     BLOB PRIMARY KEY,
    request_hash BLOB NOT NULL,
    complaint_id INTEGER NOT NULL REFERENCES complaints (id),
    created_at   TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- Staff of property companies, community/street offices and the housing bureau.
CREATE TABLE staff (
    id                  INTEGER PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE,
    password_hash       TEXT NOT NULL,
    role                TEXT NOT NULL CHECK (role IN ('property_company', 'community_office', 'housing_bureau')),
    display_name        TEXT NOT NULL,
    property_company_id INTEGER REFERENCES property_companies (id),
    street              TEXT,
    CHECK (role <> 'property_company' OR property_company_id IS NOT NULL),
    CHECK (role <> 'community_office' OR street IS NOT NULL)
);

-- Signed-in sessions (staff now; residents who sign in by phone later), by token hash.
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    staff_id   INTEGER REFERENCES staff (id),
    phone      TEXT,
    expires_at TEXT NOT NULL,
    CHECK ((staff_id IS NULL) <> (phone IS NULL))
) WITHOUT ROWID;
