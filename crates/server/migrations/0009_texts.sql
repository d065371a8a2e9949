-- 短信通知: a resident who asked for it hears by text when their complaint moves.
-- The filer's choice, made when filing or later on the progress view.
ALTER TABLE complaints ADD COLUMN texts INTEGER NOT NULL DEFAULT 0;
-- A neighbour who joined and asked for texts: their number, sealed like the filer's. NULL: no texts.
ALTER TABLE complaint_joins ADD COLUMN texts_phone_sealed BLOB;
-- A signed-in resident's number, sealed, so that a neighbour who joins can ask for texts (sessions
-- otherwise keep only the number's keyed hash).
ALTER TABLE sessions ADD COLUMN phone_sealed BLOB;

-- Texts to send, and sent: one row per step and recipient, written in the same transaction as the
-- step, so a text is never lost and never made twice. The gateway gets `delivery_key` with each
-- attempt and drops a repeat, so a retry after a lost answer, or after a restart, never texts twice.
CREATE TABLE text_outbox (
    id              INTEGER PRIMARY KEY,
    delivery_key    TEXT NOT NULL UNIQUE,
    event_id        INTEGER NOT NULL REFERENCES complaint_events (id),
    complaint_id    INTEGER NOT NULL REFERENCES complaints (id),
    recipient       TEXT NOT NULL CHECK (recipient IN ('filer', 'joiner')),
    -- Who, as far as order goes: `filer`, or the joiner's phone key. A recipient's texts about a
    -- complaint go out in the order of its steps, so "please add" never arrives after "resolved".
    recipient_key   TEXT NOT NULL,
    phone_sealed    BLOB NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- When the next attempt may start; a sender that takes a text moves it forward by a lease, so
    -- another sender (or this one after a crash) tries again only once the lease has run out.
    next_attempt_at TEXT NOT NULL,
    sent_at         TEXT,
    given_up_at     TEXT,
    last_error      TEXT
);
CREATE INDEX text_outbox_due ON text_outbox (next_attempt_at) WHERE sent_at IS NULL AND given_up_at IS NULL;
CREATE INDEX text_outbox_waiting ON text_outbox (complaint_id, recipient_key, id)
    WHERE sent_at IS NULL AND given_up_at IS NULL;
