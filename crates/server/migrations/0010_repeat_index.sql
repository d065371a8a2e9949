-- The complaints that repeat one (`repeat_of`), which every view of a complaint lists: without an
-- index, each view read the whole table (about 0.4 ms per lookup on the demo's 9,600 complaints,
-- and growing with it). Most complaints repeat nothing, so only those that do are indexed.
CREATE INDEX complaints_by_repeat_of ON complaints (repeat_of) WHERE repeat_of IS NOT NULL;
