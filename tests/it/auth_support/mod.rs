//! A standalone sandbox as a child process (free port, URL parsed from what
//! it prints), a console home with a profile pointing at it, and runs of the
//! built binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_enroll-console");

use crate::support::standalone;

/// `enroll-console sandbox …` on a free port, with a home of its own and
/// trace logs (checked for tokens); killed when dropped.
pub struct SandboxProcess {
    process: standalone::Standalone,
    /// `http://127.0.0.1:PORT` (the login URL; the Graph root is `/beta` under it).
    pub root: String,
    pub home: tempfile::TempDir,
}

impl SandboxProcess {
    pub fn start(args: &[&str]) -> SandboxProcess {
        let home = tempfile::tempdir().expect("temp dir");
        let process = standalone::Standalone::start_with_env(
            args,
            home.path(),
            &[("ENROLL_CONSOLE_LOG", "trace")],
        );
        let root = process.root().to_string();
        SandboxProcess {
            process,
            root,
            home,
        }
    }
}

/// A console home whose default profile `p` points at `root`.
pub fn home_with_profile(root: &str, auth: &str, extra: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("temp dir");
    let config = format!(
        "default_profile = \"p\"\n[profiles.p]\ntenant = \"contoso.test\"\n\
         client_id = \"11111111-2222-3333-4444-555555555555\"\nauth = \"{auth}\"\n\
         graph_url = \"{root}\"\nlogin_url = \"{root}\"\n{extra}"
    );
    std::fs::write(home.path().join("config.toml"), config).expect("write config");
    home
}

/// Runs the console with `args` in `home`, logging at trace level.
pub fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env("ENROLL_CONSOLE_HOME", home)
        .env("ENROLL_CONSOLE_LOG", "trace")
        .env_remove("ENROLL_CONSOLE_TOKEN")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run the console")
}

pub fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn cache_file(home: &Path) -> PathBuf {
    home.join("data").join("tokens").join("p.json")
}

/// The access and refresh tokens in a profile's cache.
pub fn cached_tokens(home: &Path) -> (String, String) {
    let text = std::fs::read_to_string(cache_file(home)).expect("the token cache");
    let v: serde_json::Value = serde_json::from_str(&text).expect("cache JSON");
    (
        v["access_token"]
            .as_str()
            .expect("access token")
            .to_string(),
        v["refresh_token"]
            .as_str()
            .expect("refresh token")
            .to_string(),
    )
}

/// Every file under `dir`, read as text, that contains `needle`.
pub fn files_containing(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_containing(&path, needle));
        } else if let Ok(bytes) = std::fs::read(&path)
            && String::from_utf8_lossy(&bytes).contains(needle)
        {
            found.push(path);
        }
    }
    found
}

/// The log folder is not empty (the check below it would be vacuous otherwise).
pub fn log_bytes(home: &Path) -> u64 {
    std::fs::read_dir(home.join("logs"))
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}
