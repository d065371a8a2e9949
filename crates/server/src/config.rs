//! Settings, from flags or the environment (flags win), with defaults for a laptop.

use clap::Args;
use std::net::IpAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address to listen on. Keep the loopback default unless a reverse proxy is in front.
    #[arg(long, env = "MASHANG_BIND", default_value = "127.0.0.1")]
    pub bind: IpAddr,

    /// Port to listen on; 0 picks a free one (the chosen URL is printed).
    #[arg(long, env = "MASHANG_PORT", default_value_t = 8080)]
    pub port: u16,

    /// Where the data lives: a SQLite file (created with its folder on first start), or a
    /// PostgreSQL database's URL, `postgres://user:password@host:port/name`, shared by every
    /// instance of a deployment (the database must exist; the schema is created on first start).
    #[arg(long, env = "MASHANG_DATABASE", default_value = "data/mashang.db", value_parser = parse_database)]
    pub database: Database,

    /// Folder of the built app (Trunk's `dist`).
    #[arg(long, env = "MASHANG_DIST", default_value = "dist")]
    pub dist: PathBuf,

    /// The path the app and the API are served under, for a reverse proxy that gives Mashang a
    /// sub-path of a city's site, such as `/mashang/`. The API is then at `/mashang/api/v1`.
    #[arg(long, env = "MASHANG_BASE_PATH", default_value = "/", value_parser = parse_base_path)]
    pub base_path: String,

    /// Do not seed demo data into an empty database.
    #[arg(long, env = "MASHANG_NO_DEMO_DATA")]
    pub no_demo_data: bool,

    /// Give every demo staff account this password instead of a random one (tests, demos).
    #[arg(long, env = "MASHANG_DEMO_STAFF_PASSWORD", hide_env_values = true)]
    pub demo_staff_password: Option<String>,

    /// Days after a resolution during which the resident may reopen it.
    #[arg(long, env = "MASHANG_REOPEN_WINDOW_DAYS", default_value_t = 15)]
    pub reopen_window_days: u32,

    /// 预警: warn when this share (percent) of the time allowed for a step has gone.
    #[arg(long, env = "MASHANG_WARN_AT_PERCENT", default_value_t = 70, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub warn_at_percent: u32,

    /// Working hours a street office gives a unit that did not sign in time (督办).
    #[arg(long, env = "MASHANG_SUPERVISED_SIGN_HOURS", default_value_t = 4)]
    pub supervised_sign_hours: u32,

    /// Working days from a yellow card to the red card (挂牌督办), if still open.
    #[arg(long, env = "MASHANG_RED_CARD_AFTER_DAYS", default_value_t = 5)]
    pub red_card_after_days: u32,

    /// Working days from the red card to 提级办理 at the district, if still open.
    #[arg(long, env = "MASHANG_DISTRICT_AFTER_RED_DAYS", default_value_t = 5)]
    pub district_after_red_days: u32,

    /// Households (distinct phones, counting 附议) that make a group complaint (群体投诉).
    #[arg(long, env = "MASHANG_GROUP_HOUSEHOLDS", default_value_t = 5)]
    pub group_households: u32,

    /// Days within which complaints of one community and category count as one group.
    #[arg(long, env = "MASHANG_GROUP_WINDOW_DAYS", default_value_t = 7)]
    pub group_window_days: u32,

    /// Days after a resolution within which the same problem again is a repeat (反复投诉).
    #[arg(long, env = "MASHANG_REPEAT_WINDOW_DAYS", default_value_t = 30)]
    pub repeat_window_days: u32,

    /// The position in a chain of repeats that is handled one level up (3: the third complaint).
    #[arg(long, env = "MASHANG_REPEAT_ESCALATES_AT", default_value_t = 3)]
    pub repeat_escalates_at: u32,

    /// 不满意 ratings on one complaint that call a 部门会商.
    #[arg(long, env = "MASHANG_CONSULTATION_AFTER_DISSATISFIED", default_value_t = 2)]
    pub consultation_after_dissatisfied: u32,

    /// Working days within which a 部门会商 meets.
    #[arg(long, env = "MASHANG_CONSULTATION_WITHIN_DAYS", default_value_t = 3)]
    pub consultation_within_days: u32,

    /// Seconds between two scheduled passes of the escalation rules (they also run after every
    /// event on a complaint).
    #[arg(long, env = "MASHANG_ESCALATION_INTERVAL_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub escalation_interval_seconds: u64,

    /// Lookups by number and phone allowed per minute, per client address and per number.
    #[arg(long, env = "MASHANG_LOOKUP_LIMIT_PER_MINUTE", default_value_t = 30)]
    pub lookup_limit_per_minute: u32,

    /// Staff sign-in attempts allowed per minute, per client address and per username.
    #[arg(long, env = "MASHANG_SIGN_IN_LIMIT_PER_MINUTE", default_value_t = 10)]
    pub sign_in_limit_per_minute: u32,

    /// Sign-in codes sent per minute, per client address and per phone.
    #[arg(long, env = "MASHANG_CODE_LIMIT_PER_MINUTE", default_value_t = 3)]
    pub code_limit_per_minute: u32,

    /// Photo uploads allowed per minute, per client address.
    #[arg(long, env = "MASHANG_UPLOAD_LIMIT_PER_MINUTE", default_value_t = 60)]
    pub upload_limit_per_minute: u32,

    /// Address of the reverse proxy in front, whose X-Forwarded-For is believed. Without it,
    /// the header is ignored and the socket's peer address counts.
    #[arg(long, env = "MASHANG_TRUSTED_PROXY")]
    pub trusted_proxy: Option<IpAddr>,

    /// Secret shared with the citizen-services app for signed hand-offs (see the README). Without
    /// it, hand-off is off.
    #[arg(long, env = "MASHANG_HANDOFF_SECRET", hide_env_values = true)]
    pub handoff_secret: Option<String>,

    /// Key of the 12345 hotline's system for `/api/v1/hotline/` (sent as `Authorization: Bearer …`):
    /// it imports tickets and exports with numbers and names in full. Without it, only the
    /// housing bureau's staff use the exchange, and their export is masked.
    #[arg(long, env = "MASHANG_HOTLINE_KEY", hide_env_values = true)]
    pub hotline_key: Option<String>,

    /// `api_key`s issued to a city's partners for filing complaints through Open311
    /// (`POST /open311/v2/requests.json`), comma-separated. Without any, Open311 is read-only.
    #[arg(long, env = "MASHANG_OPEN311_API_KEYS", value_delimiter = ',', hide_env_values = true)]
    pub open311_api_keys: Vec<String>,

    /// The SMS gateway that texts residents of progress (see the README for the request it gets).
    /// Without it, texts are only written to the log.
    #[arg(long, env = "MASHANG_SMS_GATEWAY_URL")]
    pub sms_gateway_url: Option<String>,

    /// Sent to the SMS gateway as `Authorization: Bearer …`.
    #[arg(long, env = "MASHANG_SMS_GATEWAY_TOKEN", hide_env_values = true)]
    pub sms_gateway_token: Option<String>,

    /// The app's address as residents reach it, for the link in every text:
    /// `https://mashang.example.gov.cn/`. Without it, the address the server listens on.
    #[arg(long, env = "MASHANG_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// How often the text outbox is looked at, in milliseconds.
    #[arg(long, env = "MASHANG_TEXT_INTERVAL_MS", default_value_t = 2000, value_parser = clap::value_parser!(u64).range(10..))]
    pub text_interval_ms: u64,

    /// Origins that may show the resident app in a frame, such as a city portal:
    /// `https://portal.example.gov.cn,https://app.example.cn`. Without any, no site may frame it
    /// (clickjacking). The staff workbench is never framed.
    #[arg(long, env = "MASHANG_FRAME_ANCESTORS", value_delimiter = ',', value_parser = parse_origin)]
    pub frame_ancestors: Vec<String>,

    /// Development only: serve the latest sign-in code per phone at /api/v1/dev/codes/{phone}.
    #[arg(long, env = "MASHANG_DEV_EXPOSE_CODES")]
    pub dev_expose_codes: bool,

    /// Development only: `POST /api/v1/dev/clock` moves the server's clock forward, so that tests
    /// can reach deadlines. Never in production.
    #[arg(long, env = "MASHANG_DEV_TIME_TRAVEL")]
    pub dev_time_travel: bool,

    /// Minutes without a request after which a staff session ends (it ends after 12 hours anyway).
    #[arg(long, env = "MASHANG_STAFF_IDLE_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=720))]
    pub staff_idle_minutes: u32,

    /// Mark the staff session cookie `Secure`. Turn on whenever the site is reached over HTTPS
    /// (behind the city's reverse proxy it always should be).
    #[arg(long, env = "MASHANG_SECURE_COOKIES")]
    pub secure_cookies: bool,

    /// The file with the server's secret key (signed photo URLs), created on first start when
    /// missing. Default: the database's path with `.key` added. Every instance of a deployment
    /// must use the same key; back the file up apart from the database.
    #[arg(long, env = "MASHANG_KEY_FILE")]
    pub key_file: Option<PathBuf>,

    /// The secret key itself, 64 hex digits, instead of a key file (for containers and secret
    /// stores).
    #[arg(long, env = "MASHANG_DATA_KEY", hide_env_values = true)]
    pub data_key: Option<String>,

    /// How long a request waits for a database lock held elsewhere before answering 503.
    #[arg(long, env = "MASHANG_BUSY_TIMEOUT_MS", default_value_t = 5000)]
    pub busy_timeout_ms: u64,

    /// Cap the database file at this many megabytes; past it, filings answer 507 instead of
    /// filling the disk.
    #[arg(long, env = "MASHANG_MAX_DATABASE_MB")]
    pub max_database_mb: Option<u64>,

    /// Read-only connections for lookups, beside the single writer.
    #[arg(long, env = "MASHANG_READERS", default_value_t = 4)]
    pub readers: usize,
}

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    File(PathBuf),
    /// A `postgres://` URL.
    Postgres(String),
}

impl From<PathBuf> for Database {
    fn from(path: PathBuf) -> Self {
        Self::File(path)
    }
}

impl std::fmt::Display for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(path) => path.display().fmt(f),
            // The password, if the URL has one, stays out of logs.
            Self::Postgres(url) => match url.split_once('@') {
                Some((_, host)) => write!(f, "postgres://…@{host}"),
                None => f.write_str(url),
            },
        }
    }
}

impl Config {
    /// The key file: as configured, else beside a SQLite database. A PostgreSQL deployment must
    /// name it (or give the key itself): its instances share one key, and nothing is "beside" a
    /// URL.
    pub fn key_file(&self) -> anyhow::Result<PathBuf> {
        match (&self.key_file, &self.database) {
            (Some(path), _) => Ok(path.clone()),
            (None, Database::File(database)) => {
                let mut path = database.clone().into_os_string();
                path.push(".key");
                Ok(PathBuf::from(path))
            }
            (None, Database::Postgres(_)) => anyhow::bail!(
                "with a PostgreSQL database, give the key with --key-file or MASHANG_DATA_KEY: every instance must \
                 seal personal data with the same key"
            ),
        }
    }

    /// The lifecycle's and the escalation rules' times and thresholds, from the flags.
    pub fn policies(&self) -> crate::store::Policies {
        use mashang_model::deadline::DeadlineRule;
        use mashang_model::escalation::EscalationPolicy;
        use mashang_model::lifecycle::Policy;
        let days = |days: u32| chrono::Duration::days(i64::from(days));
        crate::store::Policies {
            lifecycle: Policy { reopen_window: days(self.reopen_window_days), ..Policy::default() },
            escalation: EscalationPolicy {
                warn_at_percent: self.warn_at_percent,
                supervised_sign_within: DeadlineRule::WorkingHours(self.supervised_sign_hours),
                red_card_after: DeadlineRule::WorkingDays(self.red_card_after_days),
                district_after_red: DeadlineRule::WorkingDays(self.district_after_red_days),
                group_households: self.group_households,
                group_window: days(self.group_window_days),
                repeat_window: days(self.repeat_window_days),
                repeat_escalates_at: self.repeat_escalates_at,
                consultation_after_dissatisfied: self.consultation_after_dissatisfied,
                consultation_within: DeadlineRule::WorkingDays(self.consultation_within_days),
            },
        }
    }
}

/// `/`, or `/segment/…/` of URL-safe segments: the form `<base href>` and the router need.
pub fn parse_base_path(value: &str) -> Result<String, String> {
    let segments: Vec<&str> = value.split('/').filter(|segment| !segment.is_empty()).collect();
    let safe = |segment: &&str| {
        *segment != "."
            && *segment != ".."
            && segment.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
    };
    if !segments.iter().all(safe) {
        return Err("use letters, digits and - _ . ~ between slashes, such as /mashang/".to_owned());
    }
    Ok(segments.iter().fold("/".to_owned(), |path, segment| format!("{path}{segment}/")))
}

/// A SQLite file's path or a PostgreSQL URL. Any other database URL (`mysql://…`) is refused by
/// name: taken as a path it would silently create a file called `mysql:`, and the operator would
/// think the city's database was in use.
pub fn parse_database(value: &str) -> Result<Database, String> {
    match value.split_once("://") {
        Some(("postgres" | "postgresql", _)) => Ok(Database::Postgres(value.to_owned())),
        Some((scheme, _)) if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || c == '+') => {
            Err(format!(
                "{scheme}:// is a database URL this server does not speak: give the path of a SQLite file, such as \
                 data/mashang.db, or a PostgreSQL URL, postgres://user@host/name"
            ))
        }
        _ if value.trim().is_empty() => Err("give the path of a SQLite file, such as data/mashang.db".to_owned()),
        _ => Ok(Database::File(PathBuf::from(value))),
    }
}

/// `scheme://host[:port]` and nothing else: it is written into the Content-Security-Policy, where
/// a space, a `;` or a path would change the policy's meaning.
pub fn parse_origin(value: &str) -> Result<String, String> {
    let value = value.trim().trim_end_matches('/');
    let (scheme, rest) = value.split_once("://").ok_or("an origin looks like https://portal.example.gov.cn")?;
    let host_ok = !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':' | b'[' | b']'));
    if !matches!(scheme, "https" | "http") || !host_ok {
        return Err("an origin is https:// and a host, with a port if any, and nothing after it".to_owned());
    }
    Ok(value.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::{Database, parse_base_path, parse_database, parse_origin};

    #[test]
    fn a_database_is_a_file_or_a_postgres_url_and_other_urls_are_refused_by_name() {
        for url in ["mysql://mashang@db.example.gov.cn/mashang", "sqlite://data/x.db", "mariadb+tcp://localhost"] {
            let error = parse_database(url).expect_err(url);
            assert!(error.contains(url.split("://").next().unwrap_or_default()) && error.contains("SQLite"), "{error}");
        }
        for url in ["postgres://mashang@db.example.gov.cn/mashang", "postgresql://localhost/mashang"] {
            assert_eq!(parse_database(url).unwrap(), Database::Postgres(url.to_owned()));
        }
        let file = |path: &str| Database::File(std::path::PathBuf::from(path));
        assert_eq!(parse_database("data/mashang.db").unwrap(), file("data/mashang.db"));
        assert_eq!(parse_database("/var/lib/mashang/a:b.db").unwrap(), file("/var/lib/mashang/a:b.db"));
        assert!(parse_database(" ").is_err());
        assert_eq!(Database::Postgres("postgres://u:secret@db:5432/m".into()).to_string(), "postgres://…@db:5432/m");
    }

    #[test]
    fn frame_ancestors_are_plain_origins() {
        assert_eq!(parse_origin("https://Portal.example.gov.cn/").unwrap(), "https://portal.example.gov.cn");
        assert_eq!(parse_origin("http://127.0.0.1:8081").unwrap(), "http://127.0.0.1:8081");
        for bad in [
            "portal.example.gov.cn",
            "https://a.cn/path",
            "https://a.cn; script-src *",
            "javascript://x",
            "https://",
            "*",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn base_paths_are_normalized_to_leading_and_trailing_slashes() {
        assert_eq!(parse_base_path("/").unwrap(), "/");
        assert_eq!(parse_base_path("").unwrap(), "/");
        assert_eq!(parse_base_path("mashang").unwrap(), "/mashang/");
        assert_eq!(parse_base_path("/city//mashang/").unwrap(), "/city/mashang/");
        assert!(parse_base_path("/../etc").is_err());
        assert!(parse_base_path("/a b/").is_err());
        assert!(parse_base_path("/x\"><script>").is_err());
    }
}
