-- Escalation (督办, 挂牌督办, 提级办理, 部门会商), 附议 and the facts scorecards count.

-- Households per community, for complaints per 10,000 households.
ALTER TABLE communities ADD COLUMN households INTEGER NOT NULL DEFAULT 0 CHECK (households >= 0);

-- Where a complaint stands on the ladder. The rules read and write only these columns, so
-- running them twice finds nothing left to do.
ALTER TABLE complaints ADD COLUMN level TEXT NOT NULL DEFAULT 'property_company'
    CHECK (level IN ('property_company', 'street_office', 'district_bureau'));
ALTER TABLE complaints ADD COLUMN card TEXT NOT NULL DEFAULT 'none' CHECK (card IN ('none', 'yellow', 'red'));
ALTER TABLE complaints ADD COLUMN card_since TEXT;
ALTER TABLE complaints ADD COLUMN sign_supervised_until TEXT;
ALTER TABLE complaints ADD COLUMN sign_started_at TEXT;
ALTER TABLE complaints ADD COLUMN resolve_started_at TEXT;
ALTER TABLE complaints ADD COLUMN warned_sign_due_at TEXT;
ALTER TABLE complaints ADD COLUMN warned_resolve_due_at TEXT;
ALTER TABLE complaints ADD COLUMN households INTEGER NOT NULL DEFAULT 1;
ALTER TABLE complaints ADD COLUMN group_escalated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE complaints ADD COLUMN repeat_of INTEGER REFERENCES complaints (id);
ALTER TABLE complaints ADD COLUMN repeat_position INTEGER NOT NULL DEFAULT 1;
ALTER TABLE complaints ADD COLUMN repeat_escalated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE complaints ADD COLUMN dissatisfied_ratings INTEGER NOT NULL DEFAULT 0;
ALTER TABLE complaints ADD COLUMN consultation TEXT NOT NULL DEFAULT 'none'
    CHECK (consultation IN ('none', 'scheduled', 'held'));
ALTER TABLE complaints ADD COLUMN meeting_at TEXT;
ALTER TABLE complaints ADD COLUMN visible_to_neighbours INTEGER NOT NULL DEFAULT 0;
ALTER TABLE complaints ADD COLUMN joins INTEGER NOT NULL DEFAULT 0;
-- When the clock may next escalate it (NULL: not yet worked out); the scheduled pass reads only
-- the complaints whose time has come.
ALTER TABLE complaints ADD COLUMN next_check_at TEXT;

-- What scorecards count, fixed the first time it happens (later deadlines do not rewrite it).
ALTER TABLE complaints ADD COLUMN first_sign_due_at TEXT;
ALTER TABLE complaints ADD COLUMN first_resolve_due_at TEXT;
ALTER TABLE complaints ADD COLUMN first_accepted_at TEXT;
ALTER TABLE complaints ADD COLUMN first_resolved_at TEXT;
ALTER TABLE complaints ADD COLUMN reopen_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE complaints ADD COLUMN satisfaction TEXT;
ALTER TABLE complaints ADD COLUMN yellow_carded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE complaints ADD COLUMN red_carded INTEGER NOT NULL DEFAULT 0;

UPDATE complaints SET
    level = CASE handler_role WHEN 'community_office' THEN 'street_office' ELSE 'property_company' END,
    sign_started_at = filed_at,
    resolve_started_at = filed_at,
    first_sign_due_at = sign_due_at,
    first_resolve_due_at = resolve_due_at,
    first_accepted_at = accepted_at,
    first_resolved_at = resolved_at,
    satisfaction = (SELECT e.rating_satisfaction FROM complaint_events e
                    WHERE e.complaint_id = complaints.id AND e.kind = 'rated' ORDER BY e.id DESC LIMIT 1);

-- An escalation's facts (why, by whom, what changed), as JSON.
ALTER TABLE complaint_events ADD COLUMN detail TEXT;

-- 附议: one household (phone) per complaint.
CREATE TABLE complaint_joins (
    complaint_id INTEGER NOT NULL REFERENCES complaints (id),
    phone        TEXT NOT NULL,
    joined_at    TEXT NOT NULL,
    PRIMARY KEY (complaint_id, phone)
) WITHOUT ROWID;

CREATE INDEX complaint_joins_by_phone ON complaint_joins (phone);
CREATE INDEX complaints_by_problem ON complaints (community_id, category_id, filed_at);
CREATE INDEX complaints_by_status ON complaints (status);
CREATE INDEX complaints_by_next_check ON complaints (next_check_at);
CREATE INDEX complaints_by_filing ON complaints (filed_at);
