-- One-time sign-in codes, one live code per phone number, kept as a hash.
CREATE TABLE sign_in_codes (
    phone         TEXT PRIMARY KEY,
    code_hash     BLOB NOT NULL,
    expires_at    TEXT NOT NULL,
    attempts_left INTEGER NOT NULL
) WITHOUT ROWID;

-- Hand-off tokens from the citizen-services app already exchanged, so each works once.
CREATE TABLE used_handoffs (
    signature_hash BLOB PRIMARY KEY,
    expires_at     TEXT NOT NULL
) WITHOUT ROWID;
