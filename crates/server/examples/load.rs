//! Load generator for `cargo xtask bench`: lookups/s and filings/s (`resident`), the public
//! scorecard, suggestion and Open311 endpoints (`public`), or a unit's queue in the workbench (`queue`,
//! signed in as `STAFF_USER` with `STAFF_PASSWORD`), with p50/p99 latency against a running server
//! on loopback; or the 12345 exchange (`hotline`, with the key in `HOTLINE_KEY`): a 10,000-row
//! import twice, and the export paged from the start. With `BARE_URL` (the `bare` example), the
//! resident phase also measures a bare axum + rusqlite (or + PostgreSQL) lookup and prints the share of it the real
//! lookups reach. Prints figures; asserts nothing.
//!
//! Usage: load <base URL>[,<base URL>…] [seconds per phase] [concurrent clients] [resident|public|queue|hotline]
//!
//! Several base URLs (instances of one deployment) share the resident phase's clients in turn.

#[path = "shared/bare_rows.rs"]
mod bare_rows;

use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let bases: Vec<String> = args
        .next()
        .ok_or("usage: load <base URL>[,<base URL>…] [seconds] [clients]")?
        .split(',')
        .map(str::to_owned)
        .collect();
    let base = bases[0].clone();
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);
    let clients: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(32);
    let phases = args.next().unwrap_or_else(|| "resident".to_owned());
    let client = reqwest::Client::builder().pool_max_idle_per_host(clients).build()?;
    if phases == "public" {
        return public(client, base, seconds, clients).await;
    }
    if phases == "queue" {
        return queue(client, base, seconds, clients).await;
    }
    if phases == "hotline" {
        return hotline(client, base).await;
    }

    let communities: Value = client.get(format!("{base}/api/v1/communities")).send().await?.json().await?;
    let categories: Value = client.get(format!("{base}/api/v1/categories")).send().await?.json().await?;
    let catalog = Arc::new(Catalog { communities, categories });
    let complaint = {
        let catalog = catalog.clone();
        move |n: usize| catalog.complaint(n)
    };
    let mut known = Vec::new();
    for n in 0..200 {
        let receipt: Value = client
            .post(format!("{base}/api/v1/complaints"))
            .header("idempotency-key", uuid::Uuid::new_v4().to_string())
            .json(&complaint(n))
            .send()
            .await?
            .json()
            .await?;
        let number = receipt["tracking_number"].as_str().ok_or("filing failed while seeding")?.to_owned();
        known.push((number, format!("139{n:08}")));
    }
    let known = Arc::new(known);
    println!(
        "machine: {} cores; {clients} concurrent clients; {seconds} s per phase",
        std::thread::available_parallelism()?
    );

    let lookup_urls = bases.iter().map(|base| format!("{base}/api/v1/complaints/lookup")).collect();
    let lookups = lookup_phase(&client, lookup_urls, known, clients, seconds).await;
    report("lookups", &lookups, seconds);
    if let Ok(bare) = std::env::var("BARE_URL") {
        let rows = Arc::new((0..bare_rows::ROWS).map(bare_rows::bare_row).collect());
        let floor = lookup_phase(&client, vec![format!("{bare}/lookup")], rows, clients, seconds).await;
        report("bare axum lookups", &floor, seconds);
        let per_second = |phase: &Phase| phase.latencies.len() as f64 / seconds as f64;
        println!("lookups as a share of the bare server's: {:.2}", per_second(&lookups) / per_second(&floor).max(1.0));
    }

    let filings = run_phase(clients, seconds, {
        let (client, bases, catalog) = (client.clone(), Arc::new(bases), catalog.clone());
        move |worker, i| {
            let (client, base) = (client.clone(), bases[worker % bases.len()].clone());
            let body = catalog.complaint(worker * 1_000_000 + i);
            async move {
                let response = client
                    .post(format!("{base}/api/v1/complaints"))
                    .header("idempotency-key", uuid::Uuid::new_v4().to_string())
                    .json(&body)
                    .send()
                    .await;
                succeeded(response, reqwest::StatusCode::CREATED).await
            }
        }
    })
    .await;
    report("filings", &filings, seconds);
    Ok(())
}

/// The public reads a large database must answer fast: the ranking, a company's scorecard, and
/// the suggestions shown while filing.
/// The 12345 exchange: a 10,000-row file with 2% bad rows imported twice (rows per second; the
/// second run finds every ticket imported), then every step exported, 1,000 per page.
async fn hotline(client: reqwest::Client, base: String) -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("HOTLINE_KEY").map_err(|_| "HOTLINE_KEY is not set")?;
    let communities: Value = client.get(format!("{base}/api/v1/communities")).send().await?.json().await?;
    let categories: Value = client.get(format!("{base}/api/v1/categories")).send().await?.json().await?;
    let communities: Vec<&str> =
        communities.as_array().into_iter().flatten().filter_map(|c| c["name"].as_str()).collect();
    let leaves: Vec<&str> = categories
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|group| group["children"].as_array().into_iter().flatten())
        .filter_map(|leaf| leaf["name"]["zh"].as_str())
        .collect();
    if communities.is_empty() || leaves.is_empty() {
        return Err("the database has no catalogue to import into".into());
    }
    let now = chrono::Utc::now();
    let rows: Vec<String> = (0..10_000usize)
        .map(|n| {
            json!({
                "ticket_id": format!("BENCH-{}-{n:05}", now.timestamp()),
                "received_at": (now - chrono::Duration::minutes(n as i64 * 7)).to_rfc3339(),
                "caller_phone": if n % 50 == 49 { "028-1234".to_owned() } else { format!("137{n:08}") },
                "community": communities[n % communities.len()],
                "category": leaves[(n / communities.len()) % leaves.len()],
                "content": format!("来电反映：小区里的问题持续好几天了（{n}），请尽快处理"),
                "hotline_status": "已派单",
            })
            .to_string()
        })
        .collect();
    let file = rows.join("\n");
    println!(
        "machine: {} cores; a 10,000-row file ({} KB), 2% bad rows",
        std::thread::available_parallelism()?,
        file.len() / 1024
    );
    for run in ["first import", "second import"] {
        let started = Instant::now();
        let report: Value = client
            .post(format!("{base}/api/v1/hotline/imports"))
            .bearer_auth(&key)
            .header("content-type", "application/x-ndjson")
            .body(file.clone())
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{run:<14} {:>8.0} rows/s   {:.2} s   imported {}, already imported {}, refused {}",
            10_000.0 / seconds,
            seconds,
            report["imported"],
            report["already_imported"],
            report["refused"].as_array().map_or(0, Vec::len)
        );
    }
    let (started, mut cursor, mut pages, mut events) = (Instant::now(), 0_i64, 0_usize, 0_usize);
    let mut latencies = Vec::new();
    loop {
        let asked = Instant::now();
        let page: Value = client
            .get(format!("{base}/api/v1/hotline/events?since={cursor}&limit=1000"))
            .bearer_auth(&key)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        latencies.push(asked.elapsed());
        let count = page["events"].as_array().map_or(0, Vec::len);
        if count == 0 {
            break;
        }
        pages += 1;
        events += count;
        cursor = page["next_cursor"].as_i64().ok_or("no cursor")?;
    }
    latencies.sort();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "export         {:>8.1} pages/s  {events} steps in {pages} pages of 1,000, {seconds:.2} s, p99 {:.0} ms",
        pages as f64 / seconds,
        latencies[latencies.len() * 99 / 100].as_secs_f64() * 1000.0
    );
    Ok(())
}

async fn public(
    client: reqwest::Client,
    base: String,
    seconds: u64,
    clients: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let communities: Value = client.get(format!("{base}/api/v1/communities")).send().await?.json().await?;
    let categories: Value = client.get(format!("{base}/api/v1/categories")).send().await?.json().await?;
    let ranking: Value = client.get(format!("{base}/api/v1/scorecards")).send().await?.json().await?;
    let companies: Vec<i64> = ["ranked", "unranked", "without_complaints"]
        .iter()
        .flat_map(|list| ranking[list].as_array().cloned().unwrap_or_default())
        .filter_map(|company| company["id"].as_i64())
        .collect();
    let communities: Vec<i64> = communities.as_array().into_iter().flatten().filter_map(|c| c["id"].as_i64()).collect();
    let leaves: Vec<i64> = categories
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|group| group["children"].as_array().cloned().unwrap_or_default())
        .filter_map(|leaf| leaf["id"].as_i64())
        .collect();
    if companies.is_empty() || communities.is_empty() || leaves.is_empty() {
        return Err("the database has no catalogue to ask about".into());
    }
    println!(
        "machine: {} cores; {clients} concurrent clients; {seconds} s per phase",
        std::thread::available_parallelism()?
    );
    let urls: [(&str, Vec<String>); 5] = [
        ("ranking", vec![format!("{base}/api/v1/scorecards")]),
        ("company scorecard", companies.iter().map(|id| format!("{base}/api/v1/scorecards/companies/{id}")).collect()),
        (
            "similar complaints",
            communities
                .iter()
                .flat_map(|c| leaves.iter().map(move |k| (c, k)))
                .map(|(c, k)| format!("{base}/api/v1/communities/{c}/similar?category_id={k}"))
                .collect(),
        ),
        ("Open311 requests.json (newest 1,000)", vec![format!("{base}/open311/v2/requests.json")]),
        (
            "Open311 requests.json by service, open",
            leaves.iter().map(|k| format!("{base}/open311/v2/requests.json?service_code={k}&status=open")).collect(),
        ),
    ];
    for (name, urls) in urls {
        let urls = Arc::new(urls);
        let phase = run_phase(clients, seconds, {
            let client = client.clone();
            move |worker, i| {
                let (client, urls) = (client.clone(), urls.clone());
                async move {
                    let url = &urls[(worker * 7919 + i) % urls.len()];
                    succeeded(client.get(url).send().await, reqwest::StatusCode::OK).await
                }
            }
        })
        .await;
        report(name, &phase, seconds);
    }
    Ok(())
}

/// A unit's queue, first page and a filtered one, as the workbench asks for them.
async fn queue(
    client: reqwest::Client,
    base: String,
    seconds: u64,
    clients: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let username = std::env::var("STAFF_USER").unwrap_or_else(|_| "wy-shujin".to_owned());
    let password = std::env::var("STAFF_PASSWORD").map_err(|_| "set STAFF_PASSWORD")?;
    let session: Value = client
        .post(format!("{base}/api/v1/staff/sessions"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await?
        .json()
        .await?;
    let token = session["token"].as_str().ok_or("staff sign-in failed")?.to_owned();
    let first: Value =
        client.get(format!("{base}/api/v1/staff/queue")).bearer_auth(&token).send().await?.json().await?;
    println!(
        "machine: {} cores; {clients} concurrent clients; {seconds} s per phase; {username} holds {} open complaints",
        std::thread::available_parallelism()?,
        first["total"]
    );
    for (name, query) in [("queue, first page", ""), ("queue, overdue and escalated", "overdue=true&escalated=true")] {
        let url = Arc::new(format!("{base}/api/v1/staff/queue?{query}"));
        let phase = run_phase(clients, seconds, {
            let (client, token) = (client.clone(), token.clone());
            move |_, _| {
                let (client, token, url) = (client.clone(), token.clone(), url.clone());
                async move {
                    // As a browser asks for it, so the figure includes compressing the answer.
                    let request = client.get(url.as_str()).bearer_auth(&token).header("accept-encoding", "br");
                    succeeded(request.send().await, reqwest::StatusCode::OK).await
                }
            }
        })
        .await;
        report(name, &phase, seconds);
    }
    Ok(())
}

/// Whether the answer had the expected status and arrived whole.
/// Lookups by (tracking number, phone) of `known`, round the list, posted to `url`.
/// Lookups; worker `n` asks `urls[n % urls.len()]`.
async fn lookup_phase(
    client: &reqwest::Client,
    urls: Vec<String>,
    known: Arc<Vec<(String, String)>>,
    clients: usize,
    seconds: u64,
) -> Phase {
    let (client, urls) = (client.clone(), Arc::new(urls));
    run_phase(clients, seconds, move |worker, i| {
        let (client, url, known) = (client.clone(), urls[worker % urls.len()].clone(), known.clone());
        async move {
            let (number, phone) = &known[(worker * 7919 + i) % known.len()];
            let response = client.post(&url).json(&json!({ "tracking_number": number, "phone": phone })).send().await;
            succeeded(response, reqwest::StatusCode::OK).await
        }
    })
    .await
}

async fn succeeded(response: reqwest::Result<reqwest::Response>, expected: reqwest::StatusCode) -> bool {
    match response {
        Ok(response) if response.status() == expected => response.bytes().await.is_ok(),
        _ => false,
    }
}

struct Catalog {
    communities: Value,
    categories: Value,
}

impl Catalog {
    /// A valid filing, varied by `n`.
    fn complaint(&self, n: usize) -> Value {
        json!({
            "community_id": self.communities[n % 16]["id"],
            "category_id": self.categories[n % 6]["children"][0]["id"],
            "description": format!("压测投诉 {n}：楼道灯坏了，晚上看不清楼梯，老人上下楼很危险。"),
            "phone": format!("139{:08}", n % 100_000_000),
            "consent": true,
        })
    }
}

struct Phase {
    latencies: Vec<Duration>,
    failures: usize,
}

/// Runs `clients` workers, each sending one request after another for `seconds`.
async fn run_phase<F, Fut>(clients: usize, seconds: u64, request: F) -> Phase
where
    F: Fn(usize, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let workers: Vec<_> = (0..clients)
        .map(|worker| {
            let request = request.clone();
            tokio::spawn(async move {
                let (mut latencies, mut failures, mut i) = (Vec::new(), 0, 0);
                while Instant::now() < deadline {
                    let started = Instant::now();
                    if request(worker, i).await {
                        latencies.push(started.elapsed());
                    } else {
                        failures += 1;
                    }
                    i += 1;
                }
                (latencies, failures)
            })
        })
        .collect();
    let mut phase = Phase { latencies: Vec::new(), failures: 0 };
    for worker in workers {
        if let Ok((latencies, failures)) = worker.await {
            phase.latencies.extend(latencies);
            phase.failures += failures;
        }
    }
    phase.latencies.sort();
    phase
}

fn report(name: &str, phase: &Phase, seconds: u64) {
    let percentile = |p: f64| -> f64 {
        if phase.latencies.is_empty() {
            return f64::NAN;
        }
        let index = ((phase.latencies.len() as f64 - 1.0) * p).round() as usize;
        phase.latencies[index].as_secs_f64() * 1000.0
    };
    println!(
        "{name}: {:.0}/s ({} ok, {} failed), p50 {:.2} ms, p99 {:.2} ms",
        phase.latencies.len() as f64 / seconds as f64,
        phase.latencies.len(),
        phase.failures,
        percentile(0.50),
        percentile(0.99),
    );
}
