//! End to end with the built binary: a profile pointing at
//! `enroll-console sandbox --require-auth --approve-after 2 --token-ttl 5`.
//! login → whoami → list after expiry (through a refresh) → logout → list
//! refused; the token cache is 0600; no token reaches the logs.

use crate::auth_support;

use std::time::Duration;

use auth_support::*;

#[test]
fn login_whoami_refresh_logout_and_no_token_in_the_logs() {
    let sandbox =
        SandboxProcess::start(&["--require-auth", "--approve-after", "2", "--token-ttl", "5"]);
    let home = home_with_profile(&sandbox.root, "device-code", "");
    let h = home.path();

    // Not signed in yet: exit 3 and how to sign in.
    let out = run(h, &["--profile", "p", "list"], &[]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("enroll-console --profile p login"), "{err}");

    let out = run(h, &["--profile", "p", "login"], &[]);
    let (stdout, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{err}");
    assert!(stdout.contains("Code: "), "{stdout}");
    assert!(
        stdout.contains(&format!("{}/devicelogin", sandbox.root)),
        "{stdout}"
    );
    assert!(
        stdout.contains("Signed in as helpdesk@contoso.test"),
        "{stdout}"
    );

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(cache_file(h))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let (access1, refresh1) = cached_tokens(h);

    let out = run(h, &["--profile", "p", "whoami"], &[]);
    let (stdout, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        stdout.contains("Account: helpdesk@contoso.test"),
        "{stdout}"
    );
    assert!(stdout.contains("Tenant:  contoso.test"), "{stdout}");
    assert!(stdout.contains("Expires: "), "{stdout}");
    assert!(!stdout.contains(&access1) && !stdout.contains(&refresh1));

    let out = run(h, &["--profile", "p", "list"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    assert_eq!(
        cached_tokens(h).0,
        access1,
        "a fresh token is used as it is"
    );

    // The one real wait: just past the 5 s lifetime of the access token.
    std::thread::sleep(Duration::from_millis(5_500));
    let out = run(h, &["--profile", "p", "list"], &[]);
    let (stdout, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{err}");
    assert!(stdout.contains("0 identities"), "{stdout}");
    let (access2, refresh2) = cached_tokens(h);
    assert_ne!(access2, access1, "refreshed");
    assert_ne!(refresh2, refresh1, "the rotated refresh token is stored");

    let out = run(h, &["--profile", "p", "logout"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!cache_file(h).exists());
    let out = run(h, &["--profile", "p", "list"], &[]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("run `enroll-console --profile p login`"),
        "{err}"
    );

    // Trace-level logs of the whole session hold no token.
    assert!(log_bytes(h) > 0, "the session wrote no log");
    for secret in [&access1, &refresh1, &access2, &refresh2] {
        for dir in [h, sandbox.home.path()] {
            let found = files_containing(&dir.join("logs"), secret);
            assert!(found.is_empty(), "a token is in {found:?}");
        }
    }
}

#[test]
fn a_known_token_never_reaches_the_logs_and_plain_http_elsewhere_is_refused() {
    const TOKEN: &str = "known-token-7f3a9c1e5b";
    let sandbox = SandboxProcess::start(&[]);
    let home = home_with_profile(&sandbox.root, "token-env", "");
    let h = home.path();
    let env = [("ENROLL_CONSOLE_TOKEN", TOKEN)];
    let out = run(h, &["--profile", "p", "list"], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let out = run(h, &["--profile", "p", "whoami"], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    assert!(!text(&out).0.contains(TOKEN));
    assert!(log_bytes(h) > 0);
    assert!(files_containing(h, TOKEN).is_empty());
    assert!(files_containing(sandbox.home.path(), TOKEN).is_empty());

    // Plain http to another computer: refused before any connection. A
    // proxy on this computer would see the attempt if one were made.
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    proxy.set_nonblocking(true).unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let out = run(
        h,
        &["--graph-url", "http://example.com/beta", "list"],
        &[
            ("ENROLL_CONSOLE_TOKEN", TOKEN),
            ("HTTP_PROXY", &proxy_url),
            ("http_proxy", &proxy_url),
            ("ALL_PROXY", &proxy_url),
        ],
    );
    let (stdout, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{err}");
    assert!(
        err.contains("Refusing http://example.com/beta") && err.contains("https"),
        "{err}"
    );
    assert!(!err.contains(TOKEN));
    assert!(proxy.accept().is_err(), "a connection was attempted");

    // The same for a profile's sign-in URL.
    let home = home_with_profile("http://login.example.com", "device-code", "");
    let out = run(
        home.path(),
        &["--profile", "p", "login"],
        &[("HTTP_PROXY", &proxy_url)],
    );
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("Refusing http://login.example.com"), "{err}");
    assert!(proxy.accept().is_err(), "a connection was attempted");
}

#[test]
fn client_secret_profiles_sign_in_unattended_and_never_store_the_secret() {
    const SECRET: &str = "app-secret-4d2c8e";
    let sandbox = SandboxProcess::start(&["--require-auth"]);
    let home = home_with_profile(
        &sandbox.root,
        "client-secret",
        "client_secret_env = \"CONTOSO_SECRET\"\n",
    );
    let h = home.path();
    let out = run(h, &["--profile", "p", "list"], &[]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("CONTOSO_SECRET"), "{err}");

    let out = run(
        h,
        &["--profile", "p", "list"],
        &[("CONTOSO_SECRET", SECRET)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    assert!(!cache_file(h).exists());
    assert!(files_containing(h, SECRET).is_empty());
}
