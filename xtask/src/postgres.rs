//! A throwaway PostgreSQL for the tests and the benchmark: Debian's `postgresql` package, a
//! cluster initialised in a temporary folder, listening on loopback only, stopped and removed
//! when dropped. PostgreSQL refuses to run as root (CI's user), so there it runs as the
//! `postgres` user the package creates, in a folder given to that user.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Result, free_port, step, tools};

pub struct ThrowawayPostgres {
    folder: PathBuf,
    bin: PathBuf,
    as_root: bool,
    /// `postgres://postgres@127.0.0.1:<port>/mashang`
    pub url: String,
}

impl ThrowawayPostgres {
    pub fn start(scratch: &Path) -> Result<Self> {
        tools::ensure_apt_packages(&["postgresql"])?;
        let bin = newest_bin()?;
        let folder = scratch.join("postgres");
        std::fs::create_dir_all(&folder).map_err(|e| format!("creating {}: {e}", folder.display()))?;
        let as_root = tools::is_root();
        if as_root {
            tools::run_checked(Command::new("chown").args(["-R", "postgres:postgres"]).arg(&folder))?;
        }
        let port = free_port()?;
        let cluster = Self { folder, bin, as_root, url: format!("postgres://postgres@127.0.0.1:{port}/mashang") };
        step(&format!("starting a throwaway PostgreSQL on 127.0.0.1:{port}"));
        let data = cluster.folder.join("data");
        cluster.run(
            cluster
                .tool("initdb")
                .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "-D"])
                .arg(&data),
        )?;
        // fsync off: the tests kill server instances, never the machine, and PostgreSQL's own
        // durability is not what they test.
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off -c max_connections=300",
            cluster.folder.display()
        );
        cluster.run(
            cluster
                .tool("pg_ctl")
                .args(["-w", "-t", "60", "-D"])
                .arg(&data)
                .arg("-l")
                .arg(cluster.folder.join("log"))
                .args(["-o", &options, "start"]),
        )?;
        cluster.run(cluster.tool("createdb").args([
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-U",
            "postgres",
            "mashang",
        ]))?;
        Ok(cluster)
    }

    /// A PostgreSQL program, run as the cluster's owner.
    fn tool(&self, name: &str) -> Command {
        let program = self.bin.join(name);
        if self.as_root {
            let mut command = Command::new(runuser());
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    fn run(&self, command: &mut Command) -> Result {
        tools::run_checked(command.stdout(std::process::Stdio::null()))
    }
}

impl Drop for ThrowawayPostgres {
    fn drop(&mut self) {
        let _ = self
            .tool("pg_ctl")
            .args(["-m", "immediate", "-D"])
            .arg(self.folder.join("data"))
            .arg("stop")
            .stdout(std::process::Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

/// `runuser` is in `/usr/sbin`, which a CI runner's PATH may leave out even for root.
fn runuser() -> PathBuf {
    std::env::split_paths(&tools::system_path())
        .map(|folder| folder.join("runuser"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| PathBuf::from("runuser"))
}

/// `/usr/lib/postgresql/<newest>/bin`, where Debian keeps the server's programs.
fn newest_bin() -> Result<PathBuf> {
    let versions = std::fs::read_dir("/usr/lib/postgresql").map_err(|e| format!("/usr/lib/postgresql: {e}"))?;
    versions
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok().map(|version| (version, entry.path())))
        .max_by_key(|(version, _)| *version)
        .map(|(_, path)| path.join("bin"))
        .filter(|bin| bin.join("initdb").is_file())
        .ok_or_else(|| "no PostgreSQL server programs under /usr/lib/postgresql".to_owned())
}
