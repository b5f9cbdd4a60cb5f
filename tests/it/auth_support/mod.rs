//! A standalone sandbox as a child process (free port, URL parsed from what
//! it prints), a console home with a profile pointing at it, and runs of the
//! built binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub mod cert;

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

/// Where sign-ins go in these tests: on Linux the automatic choice, with no
/// keychain reachable (see [`no_keychain_env`]); elsewhere the file, so a
/// test never writes to the keychain of the computer it runs on.
fn token_store_line() -> &'static str {
    if cfg!(target_os = "linux") {
        ""
    } else {
        "token_store = \"file\"\n"
    }
}

/// The environment that leaves the console no keychain, no display and
/// no browser: what CI has. A test names its own `BROWSER` after these.
pub fn no_keychain_env(home: &Path) -> Vec<(String, String)> {
    [
        ("DBUS_SESSION_BUS_ADDRESS", String::new()),
        ("XDG_RUNTIME_DIR", home.display().to_string()),
        ("DISPLAY", String::new()),
        ("WAYLAND_DISPLAY", String::new()),
        ("BROWSER", String::new()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// A console home whose default profile `p` points at `root`.
pub fn home_with_profile(root: &str, auth: &str, extra: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("temp dir");
    let config = format!(
        "{}default_profile = \"p\"\n[profiles.p]\ntenant = \"contoso.test\"\n\
         client_id = \"11111111-2222-3333-4444-555555555555\"\nauth = \"{auth}\"\n\
         graph_url = \"{root}\"\nlogin_url = \"{root}\"\n{extra}",
        token_store_line()
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
    for (k, v) in no_keychain_env(home) {
        cmd.env(k, v);
    }
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

/// Whether curl is here to play the browser.
/// In CI (`CI` set) its absence is a failure, not a skip.
pub fn curl_available() -> bool {
    let found = Command::new("curl")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "curl is required for the browser sign-in tests in CI"
    );
    found
}

/// A stand-in for the system browser, for `BROWSER`: it opens the sign-in
/// URL and follows the redirect back to the console, noting in
/// `opened.txt` beside it what it opened and where it ended.
pub fn test_browser(dir: &Path) -> PathBuf {
    let path = dir.join("test-browser");
    let log = dir.join("opened.txt");
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{log}'\n\
         curl -s -o /dev/null -L --max-redirs 3 -w '%{{url_effective}}\\n' \"$1\" >> '{log}'\n",
        log = log.display()
    );
    std::fs::write(&path, script).expect("write the test browser");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("make the test browser executable");
    }
    path
}

/// What the test browser noted: the URLs it opened and ended at.
pub fn browsed(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("opened.txt"))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

/// The authorization code in the URL the test browser ended at.
pub fn authorization_code(dir: &Path) -> Option<String> {
    browsed(dir).iter().find_map(|u| {
        url::Url::parse(u)
            .ok()?
            .query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
    })
}
