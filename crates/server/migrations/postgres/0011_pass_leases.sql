-- As SQLite's migration 11: the lease an instance holds while it runs a scheduled pass, so
-- several instances sharing this database never run the same pass at once.
CREATE TABLE pass_leases (
    pass  TEXT COLLATE "C" PRIMARY KEY,
    until TEXT COLLATE "C" NOT NULL
);
