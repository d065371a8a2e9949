-- A rate limit's take in one statement: one token from every named bucket, or none if any is
-- short of one. As three statements in a transaction of their own, every lookup held its
-- address's bucket locked over five round trips, and one client's lookups went one at a time
-- (1,243/s on the benchmark). Here the lock lasts as long as the function runs.
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
    -- Names are hex (keyed hashes), separated by spaces; every instance locks them in this one
    -- order, so two takes never wait on each other in a circle.
    wanted TEXT[] := ARRAY(
        SELECT DISTINCT wanted_name FROM unnest(string_to_array(bucket_names, ' ')) AS wanted_name ORDER BY 1);
    lowest DOUBLE PRECISION;
BEGIN
    INSERT INTO rate_buckets (bucket, tokens, at)
        SELECT wanted_name, capacity, taken_at FROM unnest(wanted) AS wanted_name ORDER BY 1
        ON CONFLICT (bucket) DO NOTHING;
    PERFORM 1 FROM rate_buckets WHERE bucket = ANY (wanted) ORDER BY bucket FOR UPDATE;
    SELECT min(LEAST(capacity, tokens + GREATEST(0, taken_at - at) * refill_per_second)) INTO lowest
        FROM rate_buckets WHERE bucket = ANY (wanted);
    IF lowest >= 1 THEN
        UPDATE rate_buckets
            SET tokens = LEAST(capacity, tokens + GREATEST(0, taken_at - at) * refill_per_second) - 1,
                at = taken_at
            WHERE bucket = ANY (wanted);
    END IF;
    RETURN lowest;
END
$$;
