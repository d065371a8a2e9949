//! Finding and installing the tools the build and the tests need. Each check is cheap, so both
//! commands run them every time and install only what is missing or at the wrong version.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Result, step};

const TRUNK_VERSION: &str = "0.21.14";
/// Cuts the resident app's wasm into chunks; 0.2.4 reads what wasm-bindgen 0.2.130 expects.
const SPLIT_CLI_CRATE: &str = "wasm_split_cli_support";
const SPLIT_CLI_VERSION: &str = "0.2.4";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Debian packages for the browser tests: the browser, and fonts so that Chinese and emoji in
/// screenshots look as they do on a phone instead of as boxes.
const APT_PACKAGES: &[&str] = &["chromium", "fonts-noto-cjk", "fonts-noto-color-emoji"];

pub fn ensure_build_tools(root: &Path) -> Result {
    ensure_wasm_target()?;
    ensure_cargo_tool("trunk", "trunk", TRUNK_VERSION, true)?;
    let bindgen = wasm_bindgen_version(root)?;
    check_trunk_pins(root, &bindgen)?;
    // Without --locked: the CLI's own lockfile names versions the registry mirror lacks.
    ensure_cargo_tool("wasm-bindgen", "wasm-bindgen-cli", &bindgen, false)?;
    ensure_split_cli()?;
    ensure_npm_packages(root)
}

pub fn ensure_test_tools(root: &Path) -> Result {
    ensure_apt_packages(APT_PACKAGES)?;
    ensure_build_tools(root)
}

/// Puts the project's npm tools (wasm-opt) and cargo's install folder first on `PATH`, so that
/// Trunk finds the pinned versions instead of looking for others to download.
pub fn with_tool_path(command: &mut Command, root: &Path) {
    let mut paths = vec![root.join("node_modules/.bin"), cargo_bin_dir()];
    paths.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    if let Ok(joined) = std::env::join_paths(paths) {
        command.env("PATH", joined);
    }
}

pub fn run_checked(command: &mut Command) -> Result {
    let shown = format!("{command:?}");
    let status = command.status().map_err(|e| format!("could not run {shown}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{shown} failed ({status})")) }
}

fn cargo_bin_dir() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

/// What `program --version` prints, found on the tool path; `None` when it is not installed.
fn version_output(program: &str) -> Option<String> {
    let mut command = Command::new(program);
    command.arg("--version");
    with_tool_path(&mut command, Path::new("."));
    let output = command.output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

fn ensure_wasm_target() -> Result {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().any(|line| line.trim() == WASM_TARGET))
        .unwrap_or(false);
    if !installed {
        step(&format!("installing the {WASM_TARGET} target"));
        run_checked(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    }
    Ok(())
}

fn ensure_cargo_tool(program: &str, krate: &str, version: &str, locked: bool) -> Result {
    let current = version_output(program);
    if current.as_deref().is_some_and(|out| out.split_whitespace().any(|word| word == version)) {
        return Ok(());
    }
    step(&format!("installing {krate} {version} with cargo (takes a few minutes, once)"));
    let mut install = Command::new("cargo");
    install.args(["install", krate, "--version", version, "--force"]);
    if locked {
        install.arg("--locked");
    }
    run_checked(&mut install)
}

/// The splitter behind `cargo xtask split-app`. It prints no version, so cargo's list of
/// installed crates tells.
fn ensure_split_cli() -> Result {
    let listed = Command::new("cargo").args(["install", "--list"]).output().map(|o| o.stdout).unwrap_or_default();
    let wanted = format!("{SPLIT_CLI_CRATE} v{SPLIT_CLI_VERSION}:");
    if String::from_utf8_lossy(&listed).lines().any(|line| line.trim() == wanted) {
        return Ok(());
    }
    step(&format!("installing {SPLIT_CLI_CRATE} {SPLIT_CLI_VERSION} with cargo (takes a few minutes, once)"));
    run_checked(Command::new("cargo").args([
        "install",
        SPLIT_CLI_CRATE,
        "--version",
        SPLIT_CLI_VERSION,
        "--features",
        "build-binary",
        "--locked",
        "--force",
    ]))
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
pub fn wasm_bindgen_version(root: &Path) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("reading Cargo.lock: {e}"))?;
    lock_version(&lock, "wasm-bindgen").ok_or_else(|| "Cargo.lock has no wasm-bindgen package".to_owned())
}

fn lock_version(lock: &str, package: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{package}\"") {
            let version = lines.next()?.trim().strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(version.to_owned());
        }
    }
    None
}

/// Trunk.toml's `[tools]` pins must match what is installed, or Trunk would try to download.
fn check_trunk_pins(root: &Path, bindgen: &str) -> Result {
    let trunk_toml =
        std::fs::read_to_string(root.join("Trunk.toml")).map_err(|e| format!("reading Trunk.toml: {e}"))?;
    let pinned = trunk_toml.lines().find_map(|line| {
        let value = line.trim().strip_prefix("wasm_bindgen")?.trim().strip_prefix('=')?.trim();
        Some(value.trim_matches('"').to_owned())
    });
    match pinned {
        Some(version) if version == bindgen => Ok(()),
        other => Err(format!(
            "Trunk.toml pins wasm_bindgen = {other:?} but Cargo.lock has {bindgen}: set [tools] wasm_bindgen = \"{bindgen}\""
        )),
    }
}

/// A Python virtual environment under `target/` with the pinned fuzzing tools; returns its
/// interpreter. Installs Debian's python3 and venv support when they are missing.
pub fn ensure_fuzz_venv(root: &Path) -> Result<PathBuf> {
    let venv = root.join("target/fuzz-venv");
    let python = venv.join("bin/python");
    let requirements = root.join("tests/fuzz/requirements.txt");
    let marker = venv.join("requirements.installed");
    let wanted =
        std::fs::read_to_string(&requirements).map_err(|e| format!("reading {}: {e}", requirements.display()))?;
    if python.exists() && std::fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(python);
    }
    step("installing the API fuzzer (Schemathesis) and an Open311 client (georeport) from PyPI into target/fuzz-venv");
    let create =
        || Command::new("python3").args(["-m", "venv", "--clear"]).arg(&venv).status().is_ok_and(|s| s.success());
    if !create() {
        ensure_apt_packages(&["python3", "python3-venv"])?;
        if !create() {
            return Err("could not create a Python virtual environment".into());
        }
    }
    run_checked(
        Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
    )?;
    std::fs::write(&marker, wanted).map_err(|e| format!("writing {}: {e}", marker.display()))?;
    Ok(python)
}

/// `npm ci` when node_modules is missing or older than the lockfile.
fn ensure_npm_packages(root: &Path) -> Result {
    let modified = |path: PathBuf| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let installed = modified(root.join("node_modules/.package-lock.json"));
    let wanted = modified(root.join("package-lock.json"));
    if installed.is_some() && installed >= wanted {
        return Ok(());
    }
    step("installing npm packages from package-lock.json");
    run_checked(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(root))
}

pub fn ensure_apt_packages(packages: &[&str]) -> Result {
    let missing: Vec<&str> = packages.iter().copied().filter(|package| !apt_installed(package)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    step(&format!("installing {} with apt", missing.join(" ")));
    let as_root = is_root();
    let apt = |args: &[&str]| -> Command {
        let mut command = if as_root { Command::new("apt-get") } else { Command::new("sudo") };
        if !as_root {
            command.arg("apt-get");
        }
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive").env("PATH", system_path());
        command
    };
    run_checked(&mut apt(&["update", "-q"]))?;
    let mut install = apt(&["install", "-y", "-q"]);
    install.args(&missing);
    run_checked(&mut install)
}

/// PATH with the system folders added: dpkg refuses to install without `/usr/sbin` and `/sbin`
/// (ldconfig, start-stop-daemon), and a CI runner's PATH may leave them out.
pub fn system_path() -> std::ffi::OsString {
    let mut folders: Vec<std::path::PathBuf> =
        std::env::var_os("PATH").map(|path| std::env::split_paths(&path).collect()).unwrap_or_default();
    for system in ["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"] {
        if !folders.iter().any(|folder| folder == std::path::Path::new(system)) {
            folders.push(system.into());
        }
    }
    std::env::join_paths(folders).unwrap_or_default()
}

pub fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

fn apt_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

/// Counts from Playwright's JSON report (its `stats` object).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrowserTestCounts {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
    /// Failed first, passed on a retry: reported, because a flaky test hides a real problem.
    pub flaky: u64,
}

pub fn playwright_summary(json: &str) -> Option<BrowserTestCounts> {
    let stats = &json[json.rfind("\"stats\"")?..];
    let number = |key: &str| -> Option<u64> {
        let start = stats.find(&format!("\"{key}\""))? + key.len() + 2;
        let digits: String =
            stats[start..].trim_start_matches([':', ' ']).chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    Some(BrowserTestCounts {
        passed: number("expected")?,
        failed: number("unexpected")?,
        skipped: number("skipped").unwrap_or(0),
        flaky: number("flaky").unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_package_version_from_the_lockfile() {
        let lock = "[[package]]\nname = \"wasm-bindgen-futures\"\nversion = \"0.4.1\"\n\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(lock_version(lock, "wasm-bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(lock_version(lock, "leptos"), None);
    }

    #[test]
    fn reads_playwright_stats() {
        let json = r#"{"suites":[],"stats":{"startTime":"x","duration":12.5,"expected":7,"skipped":1,"unexpected":2,"flaky":3}}"#;
        assert_eq!(playwright_summary(json), Some(BrowserTestCounts { passed: 7, failed: 2, skipped: 1, flaky: 3 }));
        assert_eq!(playwright_summary("{}"), None);
    }
}
