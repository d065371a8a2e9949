-- A rate limit's take in one statement: one token from every named bucket, or none if any is
-- short of one. As statements of a transaction of the server's, every lookup held its address's
-- bucket locked over five round trips, and one client's lookups went one at a time. Here the
-- lock lasts as long as the function runs: in the usual case, one locking read and one update.
--
-- The arithmetic is `http/limits.rs`'s `level`: a bucket refills at `refill_per_second` up to
-- `capacity`, and a bucket not yet stored is full. Returns the lowest level before the take: a
-- token was taken from each only when it is at least 1.
CREATE FUNCTION take_rate_tokens(
    bucket_names TEXT,
    capacity DOUBLE PRECISION,
    refill_per_second DOUBLE PRECISION,
    taken_at DOUBLE PRECISION
) RETURNS DOUBLE PRECISION LANGUAGE plpgsql AS $$
DECLARE
    -- Distinct names (keyed hashes, in hex) separated by spaces.
    wanted TEXT[] := string_to_array(bucket_names, ' ');
    lowest DOUBLE PRECISION;
    stored BIGINT;
BEGIN
    FOR attempt IN 1..2 LOOP
        -- Locked in one order by every instance, so two takes never wait on each other in a circle.
        SELECT min(LEAST(capacity, tokens + GREATEST(0, taken_at - at) * refill_per_second)), count(*)
            INTO lowest, stored
            FROM (SELECT tokens, at FROM rate_buckets WHERE bucket = ANY (wanted) ORDER BY bucket FOR UPDATE) AS locked;
        EXIT WHEN stored = cardinality(wanted);
        -- A bucket's first take (or its first after ten idle minutes, when housekeeping forgets
        -- it): store it full, then lock it with the others.
        INSERT INTO rate_buckets (bucket, tokens, at)
            SELECT wanted_name, capacity, taken_at FROM unnest(wanted) AS wanted_name ORDER BY 1
            ON CONFLICT (bucket) DO NOTHING;
    END LOOP;
    IF COALESCE(lowest, capacity) >= 1 THEN
        UPDATE rate_buckets
            SET tokens = LEAST(capacity, tokens + GREATEST(0, taken_at - at) * refill_per_second) - 1,
                at = taken_at
            WHERE bucket = ANY (wanted);
    END IF;
    RETURN COALESCE(lowest, capacity);
END
$$;
