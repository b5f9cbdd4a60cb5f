//! Runs a command of the built console with a home folder of its own and
//! reads its JSON array output.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Any non-empty bearer token: the sandbox accepts it.
pub const TOKEN: &str = "e2e-token";

/// `enroll-console ARGS…` with `ENROLL_CONSOLE_HOME=home`; panics with its
/// stderr unless it succeeds and prints a JSON array.
pub fn json(home: &Path, args: &[&str]) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_enroll-console"))
        .args(args)
        .env("ENROLL_CONSOLE_HOME", home)
        .env("ENROLL_CONSOLE_TOKEN", TOKEN)
        .output()
        .expect("run the console");
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    match serde_json::from_slice::<Value>(&out.stdout).expect("JSON output") {
        Value::Array(items) => items,
        other => panic!("{args:?} printed {other} rather than a JSON array"),
    }
}
