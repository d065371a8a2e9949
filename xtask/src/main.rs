//! `cargo xtask run` and `cargo xtask test`: the two commands of the README.
//!
//! Both start by installing whatever this machine lacks, from the package registries only:
//! the wasm target (rustup), Trunk and wasm-bindgen-cli (cargo install), wasm-opt and the test
//! tools (npm, from the committed lockfile) and, for the tests, Chromium and CJK fonts (apt).
//! Nothing downloads a binary from anywhere else: Trunk runs offline with pinned tool versions.

mod postgres;
mod split;
mod tools;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::Duration;

type Result<T = ()> = std::result::Result<T, String>;

const USAGE: &str = "usage:
  cargo xtask run [server flags…]   build the app and start the server (default http://127.0.0.1:8080/)
  cargo xtask test                  run every test: native, then browser tests against a real server
  cargo xtask build                 build the app and the server without starting anything
  cargo xtask bench                 lookups/s and filings/s with p50/p99 against the release server
  cargo xtask bench-app             bundle size and throttled cold-load time of the app, against a trivial Leptos page";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let rest: Vec<String> = args.collect();
    let outcome = match command.as_str() {
        "run" => run(&rest),
        "test" => test(),
        "build" => build().map(|_| ()),
        "bench" => bench(),
        "bench-app" => bench_app(),
        // Trunk's post-build hook (Trunk.toml), not for people.
        "split-app" => split::split_app(),
        _ => Err(USAGE.to_owned()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root (the parent of this crate's folder).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// Installs what the build needs, then builds the apps (release, Trunk) and the server.
/// Returns the server binary.
fn build() -> Result<PathBuf> {
    let root = root();
    build_apps(&root)?;
    step("building the server");
    tools::run_checked(
        Command::new("cargo")
            .args(["build", "--locked", "--package", "mashang-server", "--profile", "server"])
            .current_dir(&root),
    )?;
    Ok(root.join("target/server/mashang-server"))
}

/// Installs what the build needs, then builds the resident app and the staff workbench into `dist`.
fn build_apps(root: &Path) -> Result {
    tools::ensure_build_tools(root)?;
    step("building the resident app (Trunk, release)");
    let mut trunk = Command::new("trunk");
    trunk.args(["build", "--release", "--offline"]).current_dir(root);
    tools::with_tool_path(&mut trunk, root);
    tools::run_checked(&mut trunk)?;
    // After the resident app, whose build replaces `dist` as a whole.
    step("building the staff workbench (Trunk, release) into dist/staff");
    let mut trunk = Command::new("trunk");
    trunk
        .args(["build", "crates/workbench/index.html", "--release", "--offline", "--dist", "dist/staff"])
        .current_dir(root);
    tools::with_tool_path(&mut trunk, root);
    tools::run_checked(&mut trunk)
}

fn run(server_args: &[String]) -> Result {
    // `cargo xtask run -- --port 9000` and `cargo xtask run --port 9000` both work.
    let server_args = server_args.strip_prefix(&["--".to_owned()]).unwrap_or(server_args);
    let server = build()?;
    let root = root();
    step("starting the server (Ctrl-C stops it)");
    let status = Command::new(server)
        .arg("--dist")
        .arg(root.join("dist"))
        .args(server_args)
        .current_dir(&root)
        .status()
        .map_err(|e| format!("could not start the server: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("the server stopped with {status}")) }
}

fn test() -> Result {
    let root = root();
    tools::ensure_test_tools(&root)?;
    step("native tests (cargo test --workspace)");
    tools::run_checked(Command::new("cargo").args(["test", "--locked", "--workspace"]).current_dir(&root))?;
    let scratch = std::env::temp_dir().join(format!("mashang-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| format!("creating {}: {e}", scratch.display()))?;
    let outcome = server_tests_on_postgres(&root, &scratch).and_then(|()| app_tests(&root, &scratch));
    let _ = std::fs::remove_dir_all(&scratch);
    outcome
}

/// The server's API tests again, each on a schema of its own in a throwaway PostgreSQL, and the
/// tests that need two instances on one database (which skip on SQLite).
fn server_tests_on_postgres(root: &Path, scratch: &Path) -> Result {
    let postgres = postgres::ThrowawayPostgres::start(scratch)?;
    step("the server's API tests on PostgreSQL (cargo test -p mashang-server --tests)");
    tools::run_checked(
        Command::new("cargo")
            .args(["test", "--locked", "-p", "mashang-server", "--tests"])
            .env("MASHANG_TEST_POSTGRES", &postgres.url)
            .current_dir(root),
    )
}

/// Builds both apps, then fuzzes the API and runs the browser tests against the built app.
fn app_tests(root: &Path, scratch: &Path) -> Result {
    build_apps(root)?;
    // The debug build `cargo test --workspace` has just compiled for the server's own tests: a fresh
    // machine compiles the server's dependency tree once instead of twice (about seven minutes of
    // CI), and the browser tests take as long against it as against the optimised one. Not
    // `cargo build`, which unifies the dependencies' features without the tests' and so compiles
    // part of the tree again.
    let server_binary = root.join("target/debug/mashang-server");
    if !server_binary.is_file() {
        return Err(format!("{} is missing: `cargo test --workspace` builds it", server_binary.display()));
    }
    fuzz_api(root, &server_binary, scratch).and_then(|()| browser_tests(root, &server_binary, scratch))
}

/// Schemathesis against the OpenAPI document, on a server of its own with the rate limits
/// raised so that the fuzzer reaches the handlers.
fn fuzz_api(root: &Path, server_binary: &Path, scratch: &Path) -> Result {
    let python = tools::ensure_fuzz_venv(root)?;
    let database = scratch.join("fuzz");
    std::fs::create_dir_all(&database).map_err(|e| format!("creating {}: {e}", database.display()))?;
    let server = TestServer::start_with(
        server_binary,
        &root.join("dist"),
        &database,
        &[
            "--lookup-limit-per-minute",
            "1000000",
            "--sign-in-limit-per-minute",
            "1000000",
            "--upload-limit-per-minute",
            "1000000",
            "--demo-staff-password",
            FUZZ_STAFF_PASSWORD,
            "--dev-expose-codes",
            "--open311-api-keys",
            OPEN311_PARTNER_KEY,
        ],
    )?;
    step(&format!("API fuzzing (Schemathesis) against {}", server.url));
    tools::run_checked(
        Command::new(&python).arg(root.join("tests/fuzz/run.py")).arg(&server.url).arg(FUZZ_STAFF_PASSWORD),
    )?;
    step("Open311 read by a client library from PyPI (georeport)");
    tools::run_checked(
        Command::new(&python).arg(root.join("tests/open311/client.py")).arg(&server.url).arg(OPEN311_PARTNER_KEY),
    )
}

/// The `api_key` of the (imaginary) partner that files through Open311 in the tests.
const OPEN311_PARTNER_KEY: &str = "test-open311-partner-key-0123";

const FUZZ_STAFF_PASSWORD: &str = "fuzz-staff-password";
/// The browser tests act as staff through the API to move complaints along.
const E2E_STAFF_PASSWORD: &str = "e2e-staff-password";
/// The browser tests make hand-off tokens as the citizen-services app would.
const E2E_HANDOFF_SECRET: &str = "e2e-handoff-secret";
/// The browser tests import 12345 hotline tickets as the hotline's system would.
const E2E_HOTLINE_KEY: &str = "e2e-hotline-key-0123456789";
/// Where the second browser-test server serves the app.
const E2E_SUB_PATH: &str = "/city/mashang/";

fn browser_tests(root: &Path, server_binary: &Path, scratch: &Path) -> Result {
    step("starting three servers on free ports, each with a fresh database");
    let start = |name: &str, extra: &[&str]| {
        let folder = scratch.join(name);
        std::fs::create_dir_all(&folder).map_err(|e| format!("creating {}: {e}", folder.display()))?;
        let staff = ["--demo-staff-password", E2E_STAFF_PASSWORD];
        TestServer::start_with(server_binary, &root.join("dist"), &folder, &[&staff[..], extra].concat())
    };
    // The city portal that may frame the app: a page the embedding test serves on this port of
    // `localhost`, another site than the server's `127.0.0.1`.
    let portal_port = free_port()?;
    let portal = format!("http://localhost:{portal_port}");
    // Many tests file into the same community and category with their own phones; on this server
    // that must not make a group complaint (群体投诉) that changes other tests' timelines. The
    // group rule has API tests of its own.
    let server = start(
        "main",
        &[
            "--dev-expose-codes",
            "--code-limit-per-minute",
            "1000",
            "--group-households",
            "1000",
            "--handoff-secret",
            E2E_HANDOFF_SECRET,
            "--hotline-key",
            E2E_HOTLINE_KEY,
            "--frame-ancestors",
            &portal,
        ],
    )?;
    // Behind the sub-path a city's reverse proxy might give the app.
    let sub_path_server = start("sub-path", &["--base-path", E2E_SUB_PATH])?;
    // A clock the tests move forward to reach deadlines; alone, so no other test sees it move.
    // Its tests also sign neighbours in to join (附议), so it hands out codes freely too.
    let time_travel_server =
        start("time-travel", &["--dev-time-travel", "--dev-expose-codes", "--code-limit-per-minute", "1000"])?;
    step(&format!("browser tests (Playwright, Debian Chromium) against {}", server.url));
    let results = scratch.join("results.json");
    let mut playwright = Command::new(root.join("node_modules/.bin/playwright"));
    playwright
        .arg("test")
        .current_dir(root)
        .env("BASE_URL", &server.url)
        .env("SUB_PATH_URL", format!("{}/", sub_path_server.url))
        .env("TIME_TRAVEL_URL", &time_travel_server.url)
        .env("STAFF_PASSWORD", E2E_STAFF_PASSWORD)
        .env("HANDOFF_SECRET", E2E_HANDOFF_SECRET)
        .env("HOTLINE_KEY", E2E_HOTLINE_KEY)
        .env("PORTAL_PORT", portal_port.to_string())
        .env("PLAYWRIGHT_JSON_OUTPUT_NAME", &results);
    let status = playwright.status().map_err(|e| format!("could not start Playwright: {e}"));
    drop((server, sub_path_server, time_travel_server));
    let summary = std::fs::read_to_string(&results).ok().and_then(|json| tools::playwright_summary(&json));
    if let Some(counts) = summary {
        if counts.flaky > 0 {
            println!("warning: {} browser test(s) passed only on a retry", counts.flaky);
        }
        // The closing line CI reads.
        println!("e2e: {} passed, {} failed, {} skipped", counts.passed + counts.flaky, counts.failed, counts.skipped);
    }
    match status? {
        status if status.success() && summary.is_some_and(|counts| counts.passed + counts.flaky > 0) => Ok(()),
        status if status.success() => Err("Playwright ran no test".into()),
        status => Err(format!("browser tests failed ({status})")),
    }
}

/// A loopback port nobody is listening on now.
fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("finding a free port: {e}"))?;
    listener.local_addr().map(|address| address.port()).map_err(|e| format!("finding a free port: {e}"))
}

/// The real server on loopback for the browser tests; stopped when dropped, whatever happened.
struct TestServer {
    child: Child,
    url: String,
}

impl TestServer {
    /// The server for the built app in `dist`, with a fresh database in `scratch`.
    fn start_with(binary: &Path, dist: &Path, scratch: &Path, extra: &[&str]) -> Result<Self> {
        let mut command = Command::new(binary);
        command
            .args(["--bind", "127.0.0.1", "--port", "0", "--dist"])
            .arg(dist)
            .arg("--database")
            .arg(scratch.join("mashang.db"))
            .args(extra);
        Self::spawn(&mut command)
    }

    /// Starts any server that prints `… is running at <URL>` on stdout, and waits for that line.
    fn spawn(command: &mut Command) -> Result<Self> {
        let mut child = command
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start the server: {e}"))?;
        let stdout = child.stdout.take().ok_or("the server has no stdout")?;
        let (found, url) = mpsc::channel();
        // Keeps reading so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(std::io::Result::ok) {
                if let Some(address) = line.split(" is running at ").nth(1) {
                    let _ = found.send(address.trim().trim_end_matches('/').to_owned());
                }
            }
        });
        let mut server = Self { child, url: String::new() };
        // The first server on a new build compresses it at brotli's best before it listens:
        // about 30 s for both apps on two cores.
        server.url = url
            .recv_timeout(Duration::from_secs(180))
            .map_err(|_| "the server did not report its address within 180 s".to_owned())?;
        Ok(server)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Measures the release server on loopback with the load generator in another process; prints
/// figures and judges nothing (budgets are in the README).
fn bench() -> Result {
    let root = root();
    // Both apps too: the queue's benchmark opens the workbench in Chromium.
    tools::ensure_test_tools(&root)?;
    build()?;
    step("building the load generator (release)");
    tools::run_checked(
        Command::new("cargo")
            .args(["build", "--locked", "--profile", "server", "--package", "mashang-server"])
            .args(["--example", "load", "--example", "bare"])
            .current_dir(&root),
    )?;
    let scratch = std::env::temp_dir().join(format!("mashang-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| format!("creating {}: {e}", scratch.display()))?;
    let server = TestServer::start_with(
        &root.join("target/server/mashang-server"),
        &root.join("dist"),
        &scratch,
        &["--lookup-limit-per-minute", "1000000000"],
    )?;
    // The denominator: a bare axum + rusqlite lookup, measured in the same run.
    let bare = TestServer::spawn(Command::new(root.join("target/server/examples/bare")).arg(scratch.join("bare.db")))?;
    step(&format!("load against {} (and the bare server at {})", server.url, bare.url));
    let outcome = tools::run_checked(
        Command::new(root.join("target/server/examples/load"))
            .arg(&server.url)
            .args(["10", "32"])
            .env("BARE_URL", &bare.url),
    );
    drop((server, bare));
    let outcome = outcome
        .and_then(|()| bench_postgres(&root, &scratch))
        .and_then(|()| bench_hotline(&root, &scratch))
        .and_then(|()| bench_large_database(&root, &scratch))
        .and_then(|()| bench_queue(&root, &scratch));
    let _ = std::fs::remove_dir_all(&scratch);
    outcome
}

/// Lookups and filings on PostgreSQL: one instance, then two sharing the database, each against
/// a bare axum + PostgreSQL lookup in the same run.
fn bench_postgres(root: &Path, scratch: &Path) -> Result {
    let postgres = postgres::ThrowawayPostgres::start(scratch)?;
    let instance = || {
        let mut command = Command::new(root.join("target/server/mashang-server"));
        command
            .args(["--bind", "127.0.0.1", "--port", "0", "--lookup-limit-per-minute", "1000000000", "--database"])
            .arg(&postgres.url)
            .arg("--key-file")
            .arg(scratch.join("postgres.key"))
            .arg("--dist")
            .arg(root.join("dist"));
        TestServer::spawn(&mut command)
    };
    let first = instance()?;
    let bare = TestServer::spawn(Command::new(root.join("target/server/examples/bare")).arg(&postgres.url))?;
    let load = |urls: &str| {
        tools::run_checked(
            Command::new(root.join("target/server/examples/load"))
                .arg(urls)
                .args(["10", "32"])
                .env("BARE_URL", &bare.url),
        )
    };
    step(&format!("load against one instance on PostgreSQL at {} (and the bare server at {})", first.url, bare.url));
    load(&first.url)?;
    let second = instance()?;
    step(&format!("load against two instances on one PostgreSQL: {} and {}", first.url, second.url));
    load(&format!("{},{}", first.url, second.url))
}

/// The 12345 exchange on a fresh database: a 10,000-row import, twice, and the export.
fn bench_hotline(root: &Path, scratch: &Path) -> Result {
    const KEY: &str = "bench-hotline-key-0123456789";
    let folder = scratch.join("hotline");
    std::fs::create_dir_all(&folder).map_err(|e| format!("creating {}: {e}", folder.display()))?;
    let server = TestServer::start_with(
        &root.join("target/server/mashang-server"),
        &root.join("dist"),
        &folder,
        &["--hotline-key", KEY],
    )?;
    step(&format!("the 12345 hotline exchange against {}", server.url));
    tools::run_checked(
        Command::new(root.join("target/server/examples/load"))
            .arg(&server.url)
            .args(["10", "1", "hotline"])
            .env("HOTLINE_KEY", KEY),
    )
}

/// A property company's queue in the workbench when it holds about 2,000 open complaints: 12,600
/// generated open complaints over the demo's five companies.
fn bench_queue(root: &Path, scratch: &Path) -> Result {
    const PASSWORD: &str = "bench-staff-password";
    let server_binary = root.join("target/server/mashang-server");
    let folder = scratch.join("queue");
    std::fs::create_dir_all(&folder).map_err(|e| format!("creating {}: {e}", folder.display()))?;
    let database = folder.join("mashang.db");
    step("mashang-server generate --open 12600 --finished 0 (a unit with about 2,000 open)");
    tools::run_checked(Command::new(&server_binary).arg("--database").arg(&database).args([
        "--demo-staff-password",
        PASSWORD,
        "generate",
        "--open",
        "12600",
        "--finished",
        "0",
    ]))?;
    // The browser benchmark signs in once per run, faster than a person would.
    let server =
        TestServer::start_with(&server_binary, &root.join("dist"), &folder, &["--sign-in-limit-per-minute", "1000"])?;
    // One desk, two, then four at once: on a two-core machine that also runs the load
    // generator, four clients measure saturation rather than a desk's wait.
    for clients in ["1", "2", "4"] {
        step(&format!("a unit's queue against {}, {clients} client(s)", server.url));
        tools::run_checked(
            Command::new(root.join("target/server/examples/load"))
                .arg(&server.url)
                .args(["10", clients, "queue"])
                .env("STAFF_PASSWORD", PASSWORD),
        )?;
    }
    step("the workbench's queue in Chromium, throttled as in bench-app");
    tools::run_checked(
        Command::new("node")
            .arg(root.join("tests/bench/workbench.mjs"))
            .arg(format!("{}/", server.url))
            .args(["wy-shujin", PASSWORD])
            .current_dir(root),
    )
}

/// Escalation and the public reads over a generated database of 100,000 open and 100,000
/// finished complaints: the scheduler's pass (the first one catches up, the second is the
/// steady state), then the scorecard and suggestion endpoints under a few clients.
fn bench_large_database(root: &Path, scratch: &Path) -> Result {
    let server_binary = root.join("target/server/mashang-server");
    let folder = scratch.join("large");
    std::fs::create_dir_all(&folder).map_err(|e| format!("creating {}: {e}", folder.display()))?;
    let database = folder.join("mashang.db");
    let offline = |command: &str| -> Result {
        step(&format!("mashang-server {command} over the generated database"));
        tools::run_checked(Command::new(&server_binary).arg("--database").arg(&database).arg(command))
    };
    offline("generate")?;
    offline("escalate")?;
    offline("escalate")?;
    let server = TestServer::start_with(&server_binary, &root.join("dist"), &folder, &[])?;
    step(&format!("public reads against {}", server.url));
    tools::run_checked(
        Command::new(root.join("target/server/examples/load")).arg(&server.url).args(["10", "4", "public"]),
    )
}

/// Size and cold-load time of the release app, beside a trivial Leptos page built the same way;
/// both served by the real server (which sends them brotli-compressed). Prints figures only.
fn bench_app() -> Result {
    let root = root();
    tools::ensure_test_tools(&root)?;
    let server_binary = build()?;
    step("building the floor: a trivial Leptos page with the same profile");
    let floor_dist = root.join("target/floor-dist");
    let mut trunk = Command::new("trunk");
    trunk
        .args(["build", "bench/floor/index.html", "--release", "--offline", "--dist"])
        .arg(&floor_dist)
        .current_dir(&root);
    tools::with_tool_path(&mut trunk, &root);
    tools::run_checked(&mut trunk)?;

    let scratch = std::env::temp_dir().join(format!("mashang-bench-app-{}", std::process::id()));
    std::fs::create_dir_all(scratch.join("floor")).map_err(|e| format!("creating {}: {e}", scratch.display()))?;
    let app = TestServer::start_with(&server_binary, &root.join("dist"), &scratch, &[])?;
    let floor = TestServer::start_with(&server_binary, &floor_dist, &scratch.join("floor"), &[])?;
    step("cold loads in Chromium, throttled");
    let outcome = tools::run_checked(
        Command::new("node")
            .arg(root.join("tests/bench/load.mjs"))
            .arg(format!("{}/", app.url))
            .arg(root.join("dist"))
            .arg(format!("{}/", floor.url))
            .arg(&floor_dist)
            .current_dir(&root),
    );
    step("Lighthouse (npx lighthouse@12 from the npm registry)");
    let lighthouse = tools::run_checked(
        Command::new("node").arg(root.join("tests/bench/lighthouse.mjs")).arg(&app.url).current_dir(&root),
    );
    drop((app, floor));
    let _ = std::fs::remove_dir_all(&scratch);
    outcome.and(lighthouse)
}

fn step(what: &str) {
    println!("\n==> {what}");
}
