-- 12345 hotline tickets imported as complaints: one complaint per ticket number, however often
-- the hotline sends it.
CREATE TABLE hotline_tickets (
    ticket_id      TEXT PRIMARY KEY,
    complaint_id   INTEGER NOT NULL UNIQUE REFERENCES complaints (id),
    -- The hotline's own status, as it sent it.
    hotline_status TEXT NOT NULL,
    imported_at    TEXT NOT NULL
) WITHOUT ROWID;

-- Open311's `requests.json?service_code=…`: a service's newest complaints without reading the
-- others.
CREATE INDEX complaints_by_category ON complaints (category_id, filed_at);
