//! Opening the system browser on a URL. On Linux and macOS the `BROWSER`
//! variable comes first (a `:`-separated list of commands; `%s` stands for
//! the URL, else it is the last argument); otherwise the platform's default
//! browser through the `webbrowser` crate. A Linux computer without a
//! display (SSH, a container) has no browser to open.

use std::process::{Command, Stdio};
use std::sync::Arc;

/// Opens a URL in a browser; the reason when none could be opened.
pub type Opener = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// The system browser, as described above.
pub fn system_opener() -> Opener {
    Arc::new(open_system)
}

fn open_system(url: &str) -> Result<(), String> {
    if cfg!(unix)
        && let Some(list) = std::env::var("BROWSER")
            .ok()
            .filter(|b| !b.trim().is_empty())
    {
        return open_with_browser_var(&list, url);
    }
    if cfg!(all(unix, not(target_os = "macos")))
        && ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .all(|v| std::env::var_os(v).is_none_or(|d| d.is_empty()))
        && !is_wsl()
    {
        return Err(
            "no display to open a browser on (DISPLAY and WAYLAND_DISPLAY are unset)".into(),
        );
    }
    let options = {
        let mut o = webbrowser::BrowserOptions::new();
        o.with_suppress_output(true);
        o
    };
    webbrowser::open_browser_with_options(webbrowser::Browser::Default, url, &options)
        .map_err(|e| format!("could not open a browser: {e}"))
}

/// Windows' own browser is reachable from WSL without a display.
fn is_wsl() -> bool {
    std::env::var_os("WSL_DISTRO_NAME").is_some_and(|d| !d.is_empty())
}

/// The command line of one `BROWSER` entry for `url`; `None` when empty.
pub fn browser_command(entry: &str, url: &str) -> Option<Vec<String>> {
    let mut words = shell_words::split(entry).ok()?;
    if words.is_empty() {
        return None;
    }
    if words.iter().any(|w| w.contains("%s")) {
        for w in &mut words {
            *w = w.replace("%s", url);
        }
    } else {
        words.push(url.to_string());
    }
    Some(words)
}

/// Starts the first command of `list` that can be started; the browser
/// runs on its own (its output goes nowhere, so a terminal screen stays whole).
fn open_with_browser_var(list: &str, url: &str) -> Result<(), String> {
    let mut last_error = "BROWSER names no command".to_string();
    for entry in list.split(':') {
        let Some(words) = browser_command(entry, url) else {
            continue;
        };
        let spawned = Command::new(&words[0])
            .args(&words[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(mut child) => {
                // Reaped in the background: a browser may run for long.
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
            Err(e) => last_error = format!("BROWSER command {:?} did not start: {e}", words[0]),
        }
    }
    Err(last_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_entries_take_the_url_where_they_say() {
        let url = "http://localhost:1/?a=b&c=d";
        assert_eq!(
            browser_command("firefox --new-tab", url).unwrap(),
            vec!["firefox", "--new-tab", url]
        );
        assert_eq!(
            browser_command("'/opt/my browser' --url=%s --x", url).unwrap(),
            vec!["/opt/my browser", &format!("--url={url}"), "--x"]
        );
        assert_eq!(browser_command("  ", url), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_missing_browser_command_is_reported_and_the_next_one_tried() {
        let err =
            open_with_browser_var("/nonexistent/browser-x", "http://localhost:1/").unwrap_err();
        assert!(err.contains("/nonexistent/browser-x"), "{err}");
        assert!(
            open_with_browser_var("/nonexistent/browser-x:true", "http://localhost:1/").is_ok()
        );
    }
}
