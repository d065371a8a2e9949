use clap::Parser;
use mashang_server::{Config, Server, store::DEMO_PHONE};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let config = Config::parse();
    let server = Server::bind(&config).await?;
    let address = server.local_addr()?;
    if !server.demo.tracking_numbers.is_empty() {
        println!("Demo data seeded. Try 查询进度 with phone {DEMO_PHONE} and one of:");
        for number in &server.demo.tracking_numbers {
            println!("  {number}");
        }
        println!("Demo staff accounts (passwords are shown only now; delete the database to seed again):");
        for (username, password, organization) in &server.demo.staff {
            println!("  {username:<16} {password:<14} {organization}");
        }
    }
    // The test runner reads this line to learn the port; keep its shape.
    println!("Mashang 马上办 is running at http://{address}/");
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
