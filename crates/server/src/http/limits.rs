//! Rate limits for guessable endpoints: lookups by number and phone, and staff sign-in.
//!
//! Token buckets in memory, per server process. They are soft state: a restart forgets them,
//! which costs nothing but a fresh allowance, so the server stays stateless apart from its
//! database. Behind several instances, each limits on its own.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;
use std::time::Instant;

use super::AppState;

/// Buckets left full for this long are forgotten when the table grows.
const FORGET_AFTER_SECONDS: f64 = 600.0;
const CLEAN_UP_ABOVE: usize = 10_000;

pub struct RateLimiter {
    capacity: f64,
    refill_per_second: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    /// Allows bursts of `per_minute` and refills at that rate.
    pub fn per_minute(per_minute: u32) -> Self {
        let capacity = f64::from(per_minute.max(1));
        Self { capacity, refill_per_second: capacity / 60.0, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one token from every named bucket, or none if any is empty. On refusal, returns
    /// the whole seconds until a token is back.
    pub fn take(&self, keys: &[String]) -> Result<(), u64> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
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
                (tokens + now.duration_since(at).as_secs_f64() * self.refill_per_second).min(self.capacity)
            })
            .collect();
        if let Some(lowest) = levels.iter().copied().reduce(f64::min).filter(|lowest| *lowest < 1.0) {
            let wait = ((1.0 - lowest) / self.refill_per_second).ceil();
            return Err(wait.max(1.0) as u64);
        }
        for (key, level) in keys.iter().zip(levels) {
            buckets.insert(key.clone(), (level - 1.0, now));
        }
        Ok(())
    }
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

    #[test]
    fn a_bucket_allows_its_burst_then_refuses() {
        let limiter = RateLimiter::per_minute(3);
        let key = vec!["ip:1".to_owned()];
        for _ in 0..3 {
            assert_eq!(limiter.take(&key), Ok(()));
        }
        assert_eq!(limiter.take(&key), Err(20));
        assert_eq!(limiter.take(&["ip:2".to_owned()]), Ok(()), "other clients are unaffected");
    }

    #[test]
    fn every_bucket_must_have_a_token() {
        let limiter = RateLimiter::per_minute(1);
        assert_eq!(limiter.take(&["ip:1".to_owned(), "number:9".to_owned()]), Ok(()));
        // A new address is still refused for a number that was spent.
        assert!(limiter.take(&["ip:2".to_owned(), "number:9".to_owned()]).is_err());
        // And a refusal takes nothing from the other bucket.
        assert_eq!(limiter.take(&["ip:2".to_owned()]), Ok(()));
    }
}
