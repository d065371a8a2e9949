-- The scheduled passes (escalation, housekeeping) that several instances sharing one database
-- would otherwise all run at once: an instance runs a pass only while it holds the pass's lease,
-- and gives it back when done. A lease that was never given back (its holder died) runs out.
CREATE TABLE pass_leases (
    pass  TEXT PRIMARY KEY,
    until TEXT NOT NULL
);
