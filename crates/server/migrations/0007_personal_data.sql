-- Phone numbers and names leave the database in clear. Every column that held a phone number now
-- holds its keyed hash (`phone_key`), which still finds and compares numbers; the number itself,
-- and the name, are kept sealed with the data key. The rows already stored are converted by the
-- server in the same transaction, right after this script, since only it holds the key.
ALTER TABLE complaints RENAME COLUMN phone TO phone_key;
ALTER TABLE complaints ADD COLUMN phone_sealed BLOB;
ALTER TABLE complaints ADD COLUMN contact_name_sealed BLOB;
DROP INDEX complaints_by_phone;
CREATE INDEX complaints_by_phone_key ON complaints (phone_key, filed_at);

ALTER TABLE complaint_joins RENAME COLUMN phone TO phone_key;
DROP INDEX complaint_joins_by_phone;
CREATE INDEX complaint_joins_by_phone_key ON complaint_joins (phone_key);

ALTER TABLE sessions RENAME COLUMN phone TO phone_key;

-- A code lives ten minutes: whoever was waiting for one asks again.
DELETE FROM sign_in_codes;
ALTER TABLE sign_in_codes RENAME COLUMN phone TO phone_key;

-- Which key the data was sealed with, as a fingerprint: a server started with another key (a lost
-- key file, a mistyped MASHANG_DATA_KEY) stops at start instead of failing number by number.
CREATE TABLE data_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint BLOB NOT NULL
);
