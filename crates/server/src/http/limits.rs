//! Rate limits for guessable endpoints: lookups by number and phone, and staff sign-in.
//!
//! Token buckets. On SQLite (one server process) they are kept in memory: soft state, which a
//! restart forgets at the cost of a fresh allowance. On PostgreSQL, where several instances
//! share the database, they are kept in it (`rate_buckets`), so that a client spread over the
//! instances gets one allowance, not one per instance.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;
use std::time::Instant;

use super::AppState;
use crate::store::Store;

/// Buckets left full for this long are forgotten when the table grows.
const FORGET_AFTER_SECONDS: f64 = 600.0;
const CLEAN_UP_ABOVE: usize = 10_000;

pub struct RateLimiter {
    capacity: f64,
    refill_per_second: f64,
    buckets: Buckets,
}

enum Buckets {
    Memory(Mutex<HashMap<String, (f64, Instant)>>),
    /// In the shared database, under this limiter's name.
    Database(Box<Store>, &'static str),
}

impl RateLimiter {
    /// Allows bursts of `per_minute` and refills at that rate.
    pub fn per_minute(per_minute: u32) -> Self {
        let capacity = f64::from(per_minute.max(1));
        Self { capacity, refill_per_second: capacity / 60.0, buckets: Buckets::Memory(Mutex::new(HashMap::new())) }
    }

    /// The same limit, kept in `store`'s database when that is shared by several instances.
    pub fn shared_through(self, store: &Store, name: &'static str) -> Self {
        match store.is_shared() {
            true => Self { buckets: Buckets::Database(Box::new(store.clone()), name), ..self },
            false => self,
        }
    }

    /// Takes one token from every named bucket, or none if any is empty. On refusal, returns
    /// the whole seconds until a token is back.
    pub async fn take(&self, keys: &[String]) -> Result<(), u64> {
        let (store, name) = match &self.buckets {
            Buckets::Memory(buckets) => return self.take_in_memory(buckets, keys),
            Buckets::Database(store, name) => (store, name),
        };
        let keys: Vec<String> = keys.iter().map(|key| format!("{name}:{key}")).collect();
        // The database does `level`'s arithmetic itself (its migration 12), so that a take is one
        // statement.
        let outcome = store.take_rate_tokens(keys, self.capacity, self.refill_per_second).await;
        // A limit is a guard, not a service: when its database cannot answer, the request goes
        // on (and meets the same database, which answers it properly).
        match outcome {
            Ok(lowest) => refusal(&[lowest], self.refill_per_second).map_or(Ok(()), Err),
            Err(error) => {
                tracing::warn!("rate limit not checked: {error}");
                Ok(())
            }
        }
    }

    fn take_in_memory(&self, buckets: &Mutex<HashMap<String, (f64, Instant)>>, keys: &[String]) -> Result<(), u64> {
        let now = Instant::now();
        let mut buckets = buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > CLEAN_UP_ABOVE {
            let (capacity, rate) = (self.capacity, self.refill_per_second);
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < capacity
                    || now.duration_since(*at).as_secs_f64() < FORGET_AFTER_SECONDS
            });
        }
        let levels: Vec<f64> = keys
            .iter()
            .map(|key| {
                let (tokens, at) = buckets.get(key).copied().unwrap_or((self.capacity, now));
                level(tokens, now.duration_since(at).as_secs_f64(), self.capacity, self.refill_per_second)
            })
            .collect();
        if let Some(wait) = refusal(&levels, self.refill_per_second) {
            return Err(wait);
        }
        for (key, level) in keys.iter().zip(levels) {
            buckets.insert(key.clone(), (level - 1.0, now));
        }
        Ok(())
    }
}

/// A bucket's tokens after `elapsed` seconds of refilling.
fn level(tokens: f64, elapsed: f64, capacity: f64, refill_per_second: f64) -> f64 {
    (tokens + elapsed.max(0.0) * refill_per_second).min(capacity)
}

/// The whole seconds to wait, if any bucket lacks a token.
fn refusal(levels: &[f64], refill_per_second: f64) -> Option<u64> {
    let lowest = levels.iter().copied().reduce(f64::min).filter(|lowest| *lowest < 1.0)?;
    Some(((1.0 - lowest) / refill_per_second).ceil().max(1.0) as u64)
}

/// The client's address: the socket peer, or, only when that peer is the configured trusted
/// proxy, the last address it appended to `X-Forwarded-For`. A client cannot spoof it.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        if state.trusted_proxy != Some(peer) {
            return Ok(Self(peer));
        }
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|part| part.trim().parse::<IpAddr>().ok())
            .next_back();
        Ok(Self(forwarded.unwrap_or(peer)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_bucket_allows_its_burst_then_refuses() {
        let limiter = RateLimiter::per_minute(3);
        let key = vec!["ip:1".to_owned()];
        for _ in 0..3 {
            assert_eq!(limiter.take(&key).await, Ok(()));
        }
        assert_eq!(limiter.take(&key).await, Err(20));
        assert_eq!(limiter.take(&["ip:2".to_owned()]).await, Ok(()), "other clients are unaffected");
    }

    #[tokio::test]
    async fn every_bucket_must_have_a_token() {
        let limiter = RateLimiter::per_minute(1);
        assert_eq!(limiter.take(&["ip:1".to_owned(), "number:9".to_owned()]).await, Ok(()));
        // A new address is still refused for a number that was spent.
        assert!(limiter.take(&["ip:2".to_owned(), "number:9".to_owned()]).await.is_err());
        // And a refusal takes nothing from the other bucket.
        assert_eq!(limiter.take(&["ip:2".to_owned()]).await, Ok(()));
    }
}
