use clap::{Parser, Subcommand};
use mashang_server::{Config, Server};
use std::path::PathBuf;
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(name = "mashang-server", about = "The Mashang reference server: JSON API and the resident app")]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API and the app (the default).
    Serve,
    /// Write a consistent copy of the database to a new file while the server keeps running.
    Backup {
        /// Where to write the copy; must not exist yet.
        destination: PathBuf,
    },
    /// Benchmarks only: add generated complaints (open ones from the last ten days, finished ones
    /// over a year) to the database, after the demo data.
    Generate {
        #[arg(long, default_value_t = 100_000)]
        open: usize,
        #[arg(long, default_value_t = 100_000)]
        finished: usize,
    },
    /// Run the escalation rules over every live complaint once, now, and say how long it took
    /// (the server does this every minute by itself).
    Escalate,
    /// Import 12345 hotline tickets (JSON Lines, or CSV for a `.csv` file) as complaints. A ticket
    /// number is imported once; refused rows are listed with their reason and nothing of them is
    /// kept. Exits with 1 when some rows were refused.
    #[command(name = "import-12345")]
    ImportHotline {
        file: PathBuf,
        /// Print the report as JSON rather than as sentences.
        #[arg(long)]
        json: bool,
    },
    /// Write every complaint's steps after a cursor as JSON Lines on stdout, and the cursor to
    /// continue from on stderr. Phone numbers and names are masked unless `--for-hotline`.
    #[command(name = "export-12345")]
    ExportHotline {
        #[arg(long, default_value_t = 0)]
        since: i64,
        #[arg(long, default_value_t = mashang_server::store::EXPORT_PAGE_MAX)]
        limit: usize,
        /// For the hotline operator: numbers and names in full.
        #[arg(long)]
        for_hotline: bool,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let Cli { config, command } = Cli::parse();
    if let Some(Command::Backup { destination }) = command {
        let mashang_server::config::Database::File(database) = &config.database else {
            anyhow::bail!(
                "backup copies a SQLite file; back a PostgreSQL database up with pg_dump or the city's own tools"
            );
        };
        mashang_server::store::backup(database, &destination)?;
        println!("Backed up {} to {}", database.display(), destination.display());
        // Names and numbers in the copy are sealed: it is worth nothing without its key.
        match config.data_key.as_deref().filter(|key| !key.trim().is_empty()) {
            Some(_) => println!("Names and phone numbers in it open only with the key in MASHANG_DATA_KEY."),
            None => println!(
                "Names and phone numbers in it open only with the key in {}: keep a copy of that file, apart from \
                 the backup.",
                config.key_file()?.display()
            ),
        }
        return Ok(());
    }
    match command {
        Some(Command::Generate { open, finished }) => {
            let store = mashang_server::Server::open_store(&config).await?;
            let written = store.generate(open, finished, chrono::Utc::now()).await?;
            println!("generated {written} complaints ({open} open, {finished} finished)");
            return Ok(());
        }
        Some(Command::ImportHotline { file, json }) => {
            let bytes = std::fs::read(&file).map_err(|e| anyhow::anyhow!("could not read {}: {e}", file.display()))?;
            let csv = file.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("csv"));
            let store = mashang_server::Server::open_store(&config).await?;
            let started = std::time::Instant::now();
            let report = store.import_hotline(mashang_server::hotline::parse(&bytes, csv), chrono::Utc::now()).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!(
                    "imported {} tickets, {} already imported, {} refused ({:.1} s)",
                    report.imported,
                    report.already_imported,
                    report.refused.len(),
                    started.elapsed().as_secs_f64()
                );
                for refused in &report.refused {
                    let ticket = refused.ticket_id.as_deref().unwrap_or("-");
                    println!("  line {} (ticket {ticket}): {}", refused.line, refused.explanation);
                }
            }
            if !report.refused.is_empty() {
                std::process::exit(1);
            }
            return Ok(());
        }
        Some(Command::ExportHotline { since, limit, for_hotline }) => {
            let store = mashang_server::Server::open_store(&config).await?;
            let page = store.export_hotline(since, limit, for_hotline).await?;
            for event in &page.events {
                println!("{}", serde_json::to_string(event)?);
            }
            eprintln!("next cursor: {}", page.next_cursor);
            return Ok(());
        }
        Some(Command::Escalate) => {
            let store = mashang_server::Server::open_store(&config).await?;
            let started = std::time::Instant::now();
            let made = store.run_escalations(chrono::Utc::now()).await?;
            println!("escalation pass: {made} escalations in {:.0} ms", started.elapsed().as_secs_f64() * 1000.0);
            return Ok(());
        }
        _ => {}
    }
    let server = Server::bind(&config).await?;
    let address = server.local_addr()?;
    if !server.demo.complaints.is_empty() {
        println!("Demo data seeded. Try 查询进度 with one of these (tracking number, phone, stage):");
        for (number, phone, stage) in &server.demo.complaints {
            println!("  {number}  {phone}  {stage}");
        }
        println!("Demo staff accounts (passwords are shown only now; delete the database to seed again):");
        for (username, password, organization) in &server.demo.staff {
            println!("  {username:<16} {password:<14} {organization}");
        }
    }
    // The test runner reads this line to learn the port; keep its shape.
    println!("Mashang 马上办 is running at http://{address}{}", config.base_path);
    server.serve(shutdown_signal()).await?;
    println!("Mashang stopped.");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
