//! `enroll-console sandbox` as a child process on a free port, its URL read
//! from what it prints; killed when dropped.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct Standalone {
    child: Child,
    /// The Graph root, `http://127.0.0.1:PORT/beta`.
    pub url: String,
}

impl Standalone {
    /// An in-memory sandbox with these extra flags, its files under `home`.
    pub fn start(flags: &[&str], home: &Path) -> Standalone {
        Standalone::start_with_env(flags, home, &[])
    }

    pub fn start_with_env(flags: &[&str], home: &Path, env: &[(&str, &str)]) -> Standalone {
        let mut child = Command::new(env!("CARGO_BIN_EXE_enroll-console"))
            .args(["sandbox", "--port", "0", "--in-memory"])
            .args(flags)
            .env("ENROLL_CONSOLE_HOME", home)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the sandbox");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = lines
            .next()
            .and_then(Result::ok)
            .expect("the sandbox prints its URL");
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {first:?}"))
            .to_string();
        // Keep reading so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines.by_ref() {});
        Standalone { child, url }
    }

    /// `http://127.0.0.1:PORT`: the sandbox's login URL.
    pub fn root(&self) -> &str {
        self.url.trim_end_matches("/beta")
    }

    /// What it served, by kind (`GET /_sandbox/stats`).
    pub fn stats(&self) -> serde_json::Value {
        use std::io::{Read, Write};
        let host = self.root().trim_start_matches("http://").to_string();
        let mut stream = std::net::TcpStream::connect(&host).expect("connect to the sandbox");
        write!(
            stream,
            "GET /_sandbox/stats HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .expect("ask for the stats");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("read the stats");
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or("");
        serde_json::from_str(body).unwrap_or_else(|e| panic!("stats JSON ({e}): {answer}"))
    }
}

impl Drop for Standalone {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
