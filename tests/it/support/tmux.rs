//! Drives the built console in a real terminal: a tmux server of its own
//! (private socket), `send-keys` to type, `capture-pane` to read the screen.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// How long a screen may take to show what a test waits for. Generous: CI
/// machines are small; a passing run never waits this long.
pub const SCREEN_TIMEOUT: Duration = Duration::from_secs(20);

/// Whether tmux is installed. Outside CI a machine without it skips the
/// terminal tests with a note; in CI (`CI` set) its absence is a failure.
pub fn available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is required for the end-to-end tests in CI"
        );
        eprintln!("tmux not found: skipping the terminal test");
    }
    found
}

pub struct Tmux {
    socket: String,
}

fn run(args: &[&str]) -> Output {
    Command::new("tmux")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("tmux {args:?}: {e}"))
}

impl Tmux {
    /// Starts `program args…` in a detached session of `width`×`height`,
    /// with `env` set, in `cwd`.
    pub fn start(
        program: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        cwd: &Path,
        width: u16,
        height: u16,
    ) -> Tmux {
        let socket = format!("enroll-e2e-{}-{}", std::process::id(), unique());
        let tmux = Tmux { socket };
        let mut command = vec![program.display().to_string()];
        command.extend(args.iter().map(|a| a.to_string()));
        let mut cmd_args: Vec<String> = vec![
            "-L".into(),
            tmux.socket.clone(),
            "-f".into(),
            "/dev/null".into(),
            "new-session".into(),
            "-d".into(),
            "-x".into(),
            width.to_string(),
            "-y".into(),
            height.to_string(),
            "-c".into(),
            cwd.display().to_string(),
        ];
        for (k, v) in env {
            cmd_args.push("-e".into());
            cmd_args.push(format!("{k}={v}"));
        }
        cmd_args.push("-e".into());
        cmd_args.push("TERM=xterm-256color".into());
        cmd_args.extend(command);
        let refs: Vec<&str> = cmd_args.iter().map(String::as_str).collect();
        let out = run(&refs);
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Keep the pane after the program exits so its last screen can be read.
        run(&[
            "-L",
            &tmux.socket,
            "set-option",
            "-g",
            "remain-on-exit",
            "on",
        ]);
        tmux
    }

    /// Types literal text.
    pub fn type_text(&self, text: &str) {
        run(&["-L", &self.socket, "send-keys", "-t", "0", "-l", text]);
    }

    /// Sends named keys (`Enter`, `Tab`, `C-s`, `F4`, `Escape`, …).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["-L", self.socket.as_str(), "send-keys", "-t", "0"];
        args.extend_from_slice(keys);
        run(&args);
    }

    /// The visible screen as text.
    pub fn screen(&self) -> String {
        let out = run(&["-L", &self.socket, "capture-pane", "-p", "-t", "0"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The visible screen with its SGR escapes (`capture-pane -e`).
    #[allow(dead_code)] // not every test binary that includes this reads styles
    pub fn screen_with_escapes(&self) -> String {
        let out = run(&["-L", &self.socket, "capture-pane", "-e", "-p", "-t", "0"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen satisfies `pred`; panics with the screen if not.
    /// A capture can land while a frame is being written, so a screen that
    /// satisfies `pred` is returned once two captures in a row agree (or
    /// after a few tries: a spinner never settles).
    pub fn wait_until(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.wait_on(what, Self::screen, pred)
    }

    /// [`Tmux::wait_until`] on the screen with its SGR escapes.
    #[allow(dead_code)] // not every test binary that includes this reads styles
    pub fn wait_until_with_escapes(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.wait_on(what, Self::screen_with_escapes, pred)
    }

    fn wait_on(
        &self,
        what: &str,
        capture: fn(&Self) -> String,
        pred: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + SCREEN_TIMEOUT;
        let mut previous: Option<String> = None;
        let mut tries = 0;
        loop {
            let screen = capture(self);
            if pred(&screen) {
                if previous.as_deref() == Some(screen.as_str()) || tries >= 5 {
                    return screen;
                }
                tries += 1;
                previous = Some(screen);
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
            previous = None;
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen shows `text`.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
    }

    /// Whether the program in the pane has exited.
    pub fn exited(&self) -> bool {
        self.pane_format("#{pane_dead}") == "1"
    }

    /// The process id of the program in the pane.
    #[allow(dead_code)] // not every test binary that includes this kills the console
    pub fn pane_pid(&self) -> u32 {
        let text = self.pane_format("#{pane_pid}");
        text.parse()
            .unwrap_or_else(|_| panic!("no pane pid in {text:?}"))
    }

    /// A tmux format expanded for the pane (`#{alternate_on}`, …).
    pub fn pane_format(&self, format: &str) -> String {
        let out = run(&[
            "-L",
            &self.socket,
            "display-message",
            "-p",
            "-t",
            "0",
            format,
        ]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    pub fn wait_exit(&self) {
        let deadline = Instant::now() + SCREEN_TIMEOUT;
        while !self.exited() {
            assert!(
                Instant::now() < deadline,
                "the console did not exit; the screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
