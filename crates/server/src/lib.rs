//! The Mashang reference server: the JSON API that implements the shared contract, and the
//! static host of the resident app.

pub mod clock;
pub mod codes;
pub mod config;
pub mod hotline;
pub mod http;
pub mod keys;
pub mod notify;
pub mod photos;
pub mod secrets;
pub mod store;

use chrono::Utc;
use http::limits::RateLimiter;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

pub use config::Config;
use store::Store;

async fn open_store(config: &Config) -> anyhow::Result<(Store, store::DemoData, keys::Keys)> {
    let key_given = config.data_key.as_deref().is_some_and(|key| !key.trim().is_empty());
    let key_file = if key_given { std::path::PathBuf::new() } else { config.key_file()? };
    let keys = keys::Keys::load(config.data_key.as_deref(), &key_file)?;
    let options = store::StoreOptions {
        readers: config.readers,
        policies: config.policies(),
        busy_timeout: std::time::Duration::from_millis(config.busy_timeout_ms),
        max_size_bytes: config.max_database_mb.map(|mb| mb * 1024 * 1024),
    };
    let store = match &config.database {
        config::Database::File(path) => Store::open(path, options, keys.personal_data())?,
        config::Database::Postgres(url) => Store::open_postgres(url, options, keys.personal_data())
            .await
            .map_err(|error| anyhow::anyhow!("{}: {error}", config.database))?,
    };
    let demo = if config.no_demo_data {
        store::DemoData::default()
    } else {
        store.seed_demo_if_empty(Utc::now(), config.demo_staff_password.clone()).await?
    };
    Ok((store, demo, keys))
}

/// A server bound to its port, ready to serve.
pub struct Server {
    listener: TcpListener,
    app: axum::Router,
    pub store: Store,
    /// What demo data was seeded on this start (empty if the database had data).
    pub demo: store::DemoData,
    clock: clock::Clock,
    escalation_interval: std::time::Duration,
    texts: notify::Sender,
    text_interval: std::time::Duration,
}

impl Server {
    pub async fn bind(config: &Config) -> anyhow::Result<Self> {
        let (store, demo, keys) = open_store(config).await?;
        let dev_outbox = config.dev_expose_codes.then(|| {
            tracing::warn!("development mode: sign-in codes are readable at /api/v1/dev/codes/{{phone}}");
            Arc::new(codes::DevOutbox::default())
        });
        let clock = if config.dev_time_travel {
            tracing::warn!("development mode: the clock can be moved forward at /api/v1/dev/clock");
            clock::Clock::travelling()
        } else {
            clock::Clock::system()
        };
        let state = http::AppState {
            clock: clock.clone(),
            store: store.clone(),
            lookup_limit: Arc::new(
                RateLimiter::per_minute(config.lookup_limit_per_minute).shared_through(&store, "lookup"),
            ),
            sign_in_limit: Arc::new(
                RateLimiter::per_minute(config.sign_in_limit_per_minute).shared_through(&store, "sign_in"),
            ),
            code_limit: Arc::new(RateLimiter::per_minute(config.code_limit_per_minute).shared_through(&store, "code")),
            upload_limit: Arc::new(
                RateLimiter::per_minute(config.upload_limit_per_minute).shared_through(&store, "upload"),
            ),
            trusted_proxy: config.trusted_proxy,
            code_sender: Arc::new(codes::LogCodeSender { outbox: dev_outbox.clone() }),
            dev_outbox: dev_outbox.clone(),
            handoff_secret: config.handoff_secret.as_deref().filter(|s| !s.is_empty()).map(Arc::from),
            hotline_key: config.hotline_key.as_deref().filter(|key| key.len() >= 16).map(Arc::from),
            open311_keys: config.open311_api_keys.iter().filter(|key| key.len() >= 16).cloned().collect(),
            scorecards: Arc::default(),
            base_path: Arc::from(config.base_path.as_str()),
            keys: Arc::new(keys),
            secure_cookies: config.secure_cookies,
            frame_ancestors: config.frame_ancestors.clone().into(),
            staff_idle: chrono::Duration::minutes(i64::from(config.staff_idle_minutes)),
            openapi: Arc::default(),
        };
        let app = http::router(state, &config.dist, &config.base_path);
        let listener = TcpListener::bind(SocketAddr::new(config.bind, config.port)).await?;
        let escalation_interval = std::time::Duration::from_secs(config.escalation_interval_seconds);
        let notifier: Arc<dyn notify::Notifier> = match &config.sms_gateway_url {
            Some(url) => Arc::new(notify::SmsGateway::new(url.clone(), config.sms_gateway_token.clone())?),
            None => Arc::new(notify::LogNotifier { outbox: dev_outbox }),
        };
        let public_url = match &config.public_url {
            Some(url) => format!("{}/", url.trim_end_matches('/')),
            None => format!("http://{}{}", listener.local_addr()?, config.base_path),
        };
        let texts =
            notify::Sender { store: store.clone(), clock: clock.clone(), notifier, public_url: public_url.into() };
        let text_interval = std::time::Duration::from_millis(config.text_interval_ms);
        Ok(Self { listener, app, store, demo, clock, escalation_interval, texts, text_interval })
    }

    /// The database a configuration names, migrated and (unless `--no-demo-data`) seeded, as
    /// `bind` opens it: for the commands that work on the data without serving.
    pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
        Ok(open_store(config).await?.0)
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, finishing requests already under way. Every hour (and
    /// at start), expired keys, sessions and codes are purged, and resolved complaints whose
    /// reopening window has passed are closed. Every minute (and at start) the escalation rules
    /// run over every live complaint. Every few seconds the texts that are due are sent.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let (store, clock) = (self.store.clone(), self.clock.clone());
        let escalation = repeat_every(self.escalation_interval, move || {
            let (store, clock) = (store.clone(), clock.clone());
            leased(store.clone(), clock.clone(), "escalation", async move {
                match store.run_escalations(clock.now()).await {
                    Ok(0) => {}
                    Ok(made) => tracing::info!(made, "escalation pass"),
                    Err(error) => tracing::warn!("escalation pass failed: {error}"),
                }
            })
        });
        let (store, clock) = (self.store.clone(), self.clock.clone());
        let housekeeping = repeat_every(std::time::Duration::from_secs(3600), move || {
            let (store, clock) = (store.clone(), clock.clone());
            leased(store.clone(), clock.clone(), "housekeeping", async move {
                match store.purge_expired(clock.now()).await {
                    Ok(0) => {}
                    Ok(purged) => tracing::info!(purged, "expired keys, sessions and codes purged"),
                    Err(error) => tracing::warn!("housekeeping failed: {error}"),
                }
                match store.close_settled(clock.now()).await {
                    Ok(0) => {}
                    Ok(closed) => tracing::info!(closed, "resolved complaints past their reopening window closed"),
                    Err(error) => tracing::warn!("closing settled complaints failed: {error}"),
                }
            })
        });
        let texts = self.texts.clone();
        let sending = repeat_every(self.text_interval, move || {
            let texts = texts.clone();
            async move {
                texts.send_due().await;
            }
        });
        // The peer address feeds the rate limits.
        let app = self.app.into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, app).with_graceful_shutdown(shutdown).await;
        housekeeping.abort();
        escalation.abort();
        sending.abort();
        served
    }
}

/// How long a scheduled pass may hold its lease: longer than any pass takes, short enough that a
/// pass whose instance died is soon taken up by another.
const PASS_LEASE: chrono::Duration = chrono::Duration::minutes(10);

/// Runs a scheduled pass only if this instance takes its lease (see `Store::claim_pass`), and
/// gives the lease back when done.
async fn leased(store: Store, clock: clock::Clock, pass: &'static str, work: impl Future<Output = ()>) {
    match store.claim_pass(pass, clock.now(), PASS_LEASE).await {
        Ok(true) => {}
        Ok(false) => return tracing::debug!(pass, "another instance holds the pass"),
        Err(error) => return tracing::warn!(pass, "could not take the pass's lease: {error}"),
    }
    work.await;
    if let Err(error) = store.release_pass(pass, clock.now()).await {
        tracing::warn!(pass, "could not give the pass's lease back: {error}");
    }
}

/// Runs `work` at once and then every `period`, each run after the last has finished (a slow run
/// delays the next rather than piling runs up), until the task is aborted.
fn repeat_every<F, Fut>(period: std::time::Duration, work: F) -> tokio::task::JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            work().await;
        }
    })
}
