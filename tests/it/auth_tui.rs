//! End to end in a real terminal (tmux): a device-code profile pointing at
//! `enroll-console sandbox --require-auth`. Submitting with no sign-in opens
//! the Sign-in screen with the code and URL; once the sandbox approves, the
//! identity that was waiting is created without re-typing.

use crate::auth_support;
use crate::support;

use std::path::Path;

use auth_support::*;
use support::tmux::{self, Tmux};

fn console(home: &Path) -> Tmux {
    console_with(home, &[])
}

fn console_with(home: &Path, extra: &[(&str, &str)]) -> Tmux {
    let home_s = home.display().to_string();
    let base = no_keychain_env(home);
    let mut env: Vec<(&str, &str)> = base.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    env.extend([
        ("ENROLL_CONSOLE_HOME", home_s.as_str()),
        ("ENROLL_CONSOLE_LOG", "trace"),
    ]);
    env.extend_from_slice(extra);
    let t = Tmux::start(Path::new(BIN), &["--profile", "p"], &env, home, 100, 30);
    t.wait_for("New device identity");
    t
}

#[test]
fn the_sign_in_screen_appears_and_the_waiting_identity_goes_through() {
    if !tmux::available() {
        return;
    }
    // Approval after 5 polls, one a second: time to look at the screen.
    let sandbox = SandboxProcess::start(&[
        "--require-auth",
        "--approve-after",
        "5",
        "--token-ttl",
        "300",
    ]);
    let home = home_with_profile(&sandbox.root, "device-code", "");
    let t = console(home.path());

    t.type_text("490154203237518");
    t.wait_for("detected: IMEI");
    t.keys(&["C-s"]);
    let screen = t.wait_for("Enter this code");
    assert!(
        screen.contains(&format!("{}/devicelogin", sandbox.root)),
        "{screen}"
    );
    assert!(
        screen.contains("the code expires in 1"),
        "no countdown:\n{screen}"
    );
    assert!(
        screen.contains("Waiting to be sent afterwards: 490154203237518"),
        "{screen}"
    );
    assert!(
        screen.contains("copy code") && screen.contains("Esc"),
        "{screen}"
    );

    // Esc cancels; the identity stays in the form and Ctrl-S asks again.
    t.keys(&["Escape"]);
    t.wait_for("Sign-in cancelled");
    assert!(t.screen().contains("490154203237518"));
    t.keys(&["C-s"]);
    t.wait_for("Enter this code");
    t.keys(&["c"]);
    t.wait_for("Copied the code");

    // The sandbox approves; the waiting identity is created.
    let detail = t.wait_for("✓ created");
    assert!(detail.contains("490154203237518"), "{detail}");
    assert!(cache_file(home.path()).exists());
    t.keys(&["C-c"]);
    t.wait_exit();
    drop(t);

    let (access, refresh) = cached_tokens(home.path());
    assert!(log_bytes(home.path()) > 0);
    for secret in [&access, &refresh] {
        assert!(files_containing(&home.path().join("logs"), secret).is_empty());
    }
}

#[test]
fn the_browser_sign_in_shows_its_url_and_the_waiting_identity_goes_through() {
    if !tmux::available() || !curl_available() {
        return;
    }
    // The sandbox takes 3 s to approve: time to look at the screen.
    let sandbox = SandboxProcess::start(&["--require-auth", "--authorize-delay", "3"]);
    let home = home_with_profile(&sandbox.root, "browser", "");
    let browser = test_browser(home.path()).display().to_string();
    let t = console_with(home.path(), &[("BROWSER", browser.as_str())]);

    t.type_text("490154203237518");
    t.wait_for("detected: IMEI");
    t.keys(&["C-s"]);
    let screen = t.wait_for("Sign in with the browser");
    assert!(
        screen.contains("open this URL by hand")
            && screen.contains(&format!(
                "{}/contoso.test/oauth2/v2.0/authorize",
                sandbox.root
            )),
        "{screen}"
    );
    assert!(
        screen.contains("gives up in 5:00") || screen.contains("gives up in 4:5"),
        "no countdown:\n{screen}"
    );
    assert!(screen.contains("copy URL"), "{screen}");

    // The browser comes back; the waiting identity is created.
    let detail = t.wait_for("✓ created");
    assert!(detail.contains("490154203237518"), "{detail}");
    t.keys(&["C-c"]);
    t.wait_exit();
    drop(t);

    let (access, refresh) = cached_tokens(home.path());
    let code = authorization_code(home.path()).expect("the browser came back with a code");
    assert!(log_bytes(home.path()) > 0);
    for secret in [&access, &refresh, &code] {
        assert!(files_containing(&home.path().join("logs"), secret).is_empty());
    }
}
