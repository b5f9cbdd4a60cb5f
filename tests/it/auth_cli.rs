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

#[test]
fn the_browser_signs_in_where_device_code_is_blocked_and_tokens_fall_back_to_the_file() {
    if !curl_available() {
        return;
    }
    let sandbox = SandboxProcess::start(&["--require-auth", "--refuse-device-code"]);
    let home = home_with_profile(&sandbox.root, "browser", "");
    let h = home.path();
    let browser = test_browser(h).display().to_string();
    let env = [("BROWSER", browser.as_str())];

    let out = run(h, &["--profile", "p", "login"], &env);
    let (stdout, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{err}");
    assert!(
        stdout.contains("Sign in with the browser window that opened")
            && stdout.contains("/contoso.test/oauth2/v2.0/authorize?"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Signed in as helpdesk@contoso.test"),
        "{stdout}"
    );
    let opened = browsed(h);
    assert!(
        opened.len() == 2 && opened[1].starts_with("http://localhost:"),
        "the browser went to the sign-in page and back: {opened:?}"
    );
    // CI has no keychain: the 0600 file, and a line saying so.
    #[cfg(target_os = "linux")]
    assert!(
        stdout.contains(&format!(
            "Tokens are kept in {} (readable only by you): no OS keychain is available",
            cache_file(h).display()
        )),
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
    let (access, refresh) = cached_tokens(h);
    let out = run(h, &["--profile", "p", "whoami"], &[]);
    let (stdout, _) = text(&out);
    assert!(
        stdout.contains(&format!("Kept in: {}", cache_file(h).display())),
        "{stdout}"
    );
    let out = run(h, &["--profile", "p", "list"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);

    // Asked for a device code (a profile, or --device-code): Conditional
    // Access refuses, and the message says what to do.
    let device = home_with_profile(&sandbox.root, "device-code", "");
    for (home, args) in [
        (device.path(), vec!["--profile", "p", "login"]),
        (h, vec!["--profile", "p", "login", "--device-code"]),
    ] {
        let out = run(home, &args, &env);
        let (stdout, err) = text(&out);
        assert_eq!(out.status.code(), Some(3), "{stdout}\n{err}");
        assert!(stdout.contains("Code: "), "{stdout}");
        assert!(
            err.contains("AADSTS53003")
                && err.contains("Conditional Access")
                && err.contains("auth = \"browser\""),
            "{err}"
        );
    }
    assert_eq!(
        cached_tokens(h).0,
        access,
        "a failed sign-in keeps the old one"
    );

    let out = run(h, &["--profile", "p", "logout"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!cache_file(h).exists());

    // Trace-level logs hold no token and no authorization code.
    let code = authorization_code(h).expect("the code the browser brought back");
    assert!(log_bytes(h) > 0);
    for secret in [&access, &refresh, &code] {
        for dir in [h, sandbox.home.path()] {
            let found = files_containing(&dir.join("logs"), secret);
            assert!(found.is_empty(), "a secret is in {found:?}");
        }
    }
}

#[test]
fn a_registered_certificate_signs_in_as_pem_or_pkcs12_and_an_unknown_one_is_refused() {
    let certs = tempfile::tempdir().unwrap();
    let good = cert::generate(certs.path(), "registered");
    let other = cert::generate(certs.path(), "unknown");
    let trusted = good.certificate.display().to_string();
    let sandbox = SandboxProcess::start(&["--require-auth", "--trust-certificate", &trusted]);
    let profile = |c: &cert::TestCertificate| {
        format!(
            "certificate = {:?}\nprivate_key = {:?}\n",
            c.certificate.display().to_string(),
            c.key.display().to_string()
        )
    };
    let home = home_with_profile(&sandbox.root, "client-certificate", &profile(&good));
    let h = home.path();
    let out = run(h, &["--profile", "p", "login"], &[]);
    let (stdout, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{err}");
    assert!(
        stdout.contains("Signed in as application 11111111-2222-3333-4444-555555555555")
            && stdout.contains("with certificate "),
        "{stdout}"
    );
    let out = run(h, &["--profile", "p", "list"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    assert!(
        !cache_file(h).exists(),
        "an application's token is not stored"
    );

    // The same pair as a PKCS#12 file, opened with the password from the
    // variable the profile names; a wrong password says what failed.
    let pfx = cert::pkcs12(certs.path(), "registered", &good, "s3cret-pfx");
    let sealed = home_with_profile(
        &sandbox.root,
        "client-certificate",
        &format!(
            "certificate = {:?}\ncertificate_password_env = \"PFX_PASSWORD\"\n",
            pfx.display().to_string()
        ),
    );
    let out = run(
        sealed.path(),
        &["--profile", "p", "login"],
        &[("PFX_PASSWORD", "s3cret-pfx")],
    );
    let (stdout, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{err}");
    assert!(stdout.contains("Signed in as application"), "{stdout}");
    let out = run(
        sealed.path(),
        &["--profile", "p", "login"],
        &[("PFX_PASSWORD", "wrong")],
    );
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("the password in PFX_PASSWORD"), "{err}");
    assert!(files_containing(&sealed.path().join("logs"), "s3cret-pfx").is_empty());

    let stranger = home_with_profile(&sandbox.root, "client-certificate", &profile(&other));
    let out = run(stranger.path(), &["--profile", "p", "login"], &[]);
    let (stdout, err) = text(&out);
    assert_eq!(out.status.code(), Some(3), "{stdout}\n{err}");
    assert!(
        err.contains("invalid_client")
            && err.contains("AADSTS700027")
            && err.contains("Certificates & secrets"),
        "{err}"
    );

    // The private key never reaches a log.
    let key_line = good.key_pem.lines().nth(1).expect("a key line");
    assert!(log_bytes(h) > 0);
    for dir in [h, sandbox.home.path()] {
        assert!(files_containing(&dir.join("logs"), key_line).is_empty());
    }
}
