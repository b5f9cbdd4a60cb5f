//! `list` and `export` with the built binary against the sandbox on
//! 127.0.0.1 (random port): filters, the Stale view, every format.

use std::process::Command;

use enroll_console::sandbox::{self, RunningSandbox, SANDBOX_TOKEN, SandboxOptions};

async fn sandbox(identities: usize) -> RunningSandbox {
    let options = SandboxOptions {
        page_size: 7,
        seed_identities: identities,
        ..SandboxOptions::default()
    };
    sandbox::start("127.0.0.1:0".parse().unwrap(), options)
        .await
        .unwrap()
}

/// Runs the binary (on a blocking thread); returns (exit code, stdout, stderr).
async fn run(sb: &RunningSandbox, args: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().unwrap();
    let mut all = vec!["--graph-url".to_string(), sb.graph_url()];
    all.extend(args.iter().map(|a| a.to_string()));
    let home_path = home.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_enroll-console"))
            .args(&all)
            .env("ENROLL_CONSOLE_HOME", &home_path)
            .env("ENROLL_CONSOLE_TOKEN", SANDBOX_TOKEN)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn list_filters_and_the_stale_view_follow_every_page() {
    let sb = sandbox(60).await;
    let (code, out, err) = run(&sb, &["list", "--json"]).await;
    assert_eq!(code, 0, "{err}");
    let all: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(all.len(), 60);
    // Synthetic identities: every 4th from the 4th is a Windows tuple.
    let (code, out, _) = run(&sb, &["list", "--json", "--filter", "type:manufacturer"]).await;
    assert_eq!(code, 0);
    let windows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(windows.len(), 15);
    assert!(windows.iter().all(|w| w["platform"] == "windows"));
    // Stale: the never-contacted ones, and every contact of 2024 is long ago now.
    let (_, out, _) = run(&sb, &["list", "--json", "--stale-days", "90"]).await;
    let stale: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(stale.len(), 60);
    let (_, out, _) = run(
        &sb,
        &[
            "list",
            "--json",
            "--stale-days",
            "100000",
            "--filter",
            "state:notcontacted",
        ],
    )
    .await;
    let never: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert!(!never.is_empty() && never.len() < 60);
    assert!(never.iter().all(|n| n["enrollmentState"] == "notContacted"));
    let (_, text, _) = run(&sb, &["list", "--filter", "SBX000000002"]).await;
    assert!(
        text.contains("SBX000000002") && text.trim_end().ends_with("1 identities"),
        "{text}"
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn export_writes_each_format() {
    let sb = sandbox(20).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("admin.csv");
    let (code, _, err) = run(
        &sb,
        &[
            "export",
            "--format",
            "csv-admin",
            "-o",
            file.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("exported 20 identities"), "{err}");
    // Synthetic identities mix Windows tuples and others: one file each.
    let windows = std::fs::read_to_string(dir.path().join("admin-windows.csv")).unwrap();
    let others = std::fs::read_to_string(dir.path().join("admin-identifiers.csv")).unwrap();
    assert_eq!(windows.lines().count() + others.lines().count(), 20);
    assert!(
        windows
            .lines()
            .all(|l| l.starts_with("Contoso,Laptop ") && l.split(',').count() == 3),
        "{windows}"
    );
    assert!(windows.lines().any(|l| l == "Contoso,Laptop 3,SN00000003"));
    assert!(
        others
            .lines()
            .any(|l| l == "350000000000006,synthetic device 0"),
        "{others}"
    );

    let (code, out, _) = run(&sb, &["export", "--format", "csv", "--filter", "macos"]).await;
    assert_eq!(code, 0);
    let mut lines = out.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("id,importedDeviceIdentifier,")
    );
    assert_eq!(lines.count(), 5);

    let (_, out, _) = run(
        &sb,
        &["export", "--format", "json", "--filter", "nothing-matches"],
    )
    .await;
    assert_eq!(out, "[]\n");
    let (code, _, err) = run(&sb, &["export", "--format", "xml"]).await;
    assert_eq!(code, 2, "{err}");
    sb.shutdown().await;
}

async fn faulty(
    identities: usize,
    page_size: usize,
    faults: enroll_console::sandbox::Faults,
) -> RunningSandbox {
    let options = SandboxOptions {
        page_size,
        seed_identities: identities,
        faults,
        ..SandboxOptions::default()
    };
    sandbox::start("127.0.0.1:0".parse().unwrap(), options)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn listings_whose_next_links_go_round_exit_4_within_a_few_requests() {
    use enroll_console::sandbox::{Faults, NextLinkCycle};
    for cycle in [NextLinkCycle::SelfLoop, NextLinkCycle::Pair] {
        let sb = faulty(
            30,
            7,
            Faults {
                next_link_cycle: cycle,
                ..Faults::default()
            },
        )
        .await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out.csv");
        let file = file.to_string_lossy().into_owned();
        let commands: [&[&str]; 4] = [
            &["list"],
            &["list", "--json"],
            &["export", "--format", "csv"],
            &["export", "--format", "json", "--output", &file],
        ];
        for args in commands {
            let before = sb.stats().list;
            let (code, out, err) = run(&sb, args).await;
            let requests = sb.stats().list - before;
            assert_eq!(code, 4, "{cycle:?} {args:?}: {err}");
            assert!(requests <= 20, "{cycle:?} {args:?}: {requests} requests");
            assert!(
                err.contains("stopped before its end"),
                "{cycle:?} {args:?}: {err}"
            );
            assert!(err.contains("request-id"), "{cycle:?} {args:?}: {err}");
            // Never a count that looks complete.
            assert!(!out.contains(" identities"), "{cycle:?} {args:?}: {out}");
            // Nothing under the asked name; the rows read are in a file
            // named partial, and the message says how many.
            assert!(!std::path::Path::new(&file).exists(), "{cycle:?} {args:?}");
            if args[0] == "export" {
                let read = read_before_stop(&err);
                assert!(read > 0, "{cycle:?} {args:?}: {err}");
                if args.contains(&"--output") {
                    let partial = dir.path().join("out.partial.csv");
                    assert!(err.contains("out.partial.csv"), "{err}");
                    let rows: Vec<serde_json::Value> =
                        serde_json::from_slice(&std::fs::read(&partial).unwrap()).unwrap();
                    assert_eq!(rows.len(), read, "{cycle:?}: {err}");
                    std::fs::remove_file(&partial).unwrap();
                } else {
                    assert_eq!(out.lines().count(), read + 1, "{cycle:?}: header and rows");
                }
            }
            eprintln!("{cycle:?} {args:?}: exit {code} after {requests} list requests");
        }
        sb.shutdown().await;
    }
}

/// N of "N identities were read/written before it stopped".
fn read_before_stop(err: &str) -> usize {
    let at = err
        .find(" identities were ")
        .unwrap_or_else(|| panic!("no count of rows read: {err}"));
    let digits: String = err[..at]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_existing_file_is_left_alone_by_an_export_that_stops() {
    use enroll_console::sandbox::{Faults, NextLinkCycle};
    let sb = faulty(
        30,
        7,
        Faults {
            next_link_cycle: NextLinkCycle::Pair,
            ..Faults::default()
        },
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tenant.json");
    std::fs::write(&file, "yesterday's export").unwrap();
    let (code, _, err) = run(
        &sb,
        &[
            "export",
            "--format",
            "csv-admin",
            "-o",
            file.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(read_before_stop(&err) > 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "yesterday's export"
    );
    let (code, _, err) = run(
        &sb,
        &["export", "--format", "json", "-o", file.to_str().unwrap()],
    )
    .await;
    assert_eq!(code, 4, "{err}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "yesterday's export"
    );
    assert!(dir.path().join("tenant.partial.json").exists(), "{err}");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn list_json_waits_out_throttling_and_prints_every_row() {
    let faults = enroll_console::sandbox::Faults {
        throttle_rate: 0.5,
        retry_after_secs: 1,
        seed: Some(12),
        ..enroll_console::sandbox::Faults::default()
    };
    let sb = faulty(60, 20, faults).await;
    let (code, out, err) = run(&sb, &["list", "--json"]).await;
    assert_eq!(code, 0, "{err}");
    let all: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(all.len(), 60);
    let stats = sb.stats();
    assert!(stats.throttled429 >= 1, "no 429 was served: {stats:?}");
    assert_eq!(stats.list, 3 + stats.throttled429, "{stats:?}");
    eprintln!(
        "list --json at 50 % throttling: {} list requests, {} answered 429",
        stats.list, stats.throttled429
    );
    sb.shutdown().await;
}

/// Imports `csv` (written to a file) into the sandbox with the binary.
async fn import(sb: &RunningSandbox, csv: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("seed.csv");
    std::fs::write(&file, csv).unwrap();
    let (code, _, err) = run(sb, &["import", file.to_str().unwrap()]).await;
    assert_eq!(code, 0, "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn list_columns_are_as_wide_as_their_longest_cell() {
    let sb = sandbox(0).await;
    import(
        &sb,
        "Dell Inc.,Latitude 7440,DL00049A\nDell Inc.,Latitude 7440,DL00049B\nDell Inc.,Latitude 7440,DL00049C\n",
    )
    .await;
    import(&sb, "C02XK0001GH5,short one\n").await;
    let (code, out, err) = run(&sb, &["list"]).await;
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6, "{out}");
    // Every later column starts at the same place on every line.
    let type_at = lines[0].find("TYPE").unwrap();
    for line in &lines[1..5] {
        let cell = &line[type_at..];
        assert!(
            cell.starts_with("manufacturerModelSerial") || cell.starts_with("serialNumber"),
            "{out}"
        );
    }
    for serial in ["DL00049A", "DL00049B", "DL00049C"] {
        assert!(
            out.contains(&format!("Dell Inc.,Latitude 7440,{serial}")),
            "{out}"
        );
    }
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mixed_admin_export_imports_again_with_every_row_valid() {
    let sb = sandbox(0).await;
    let windows: String = (0..20)
        .map(|n| format!("Dell Inc.,Latitude 7440,DL{n:05}\n"))
        .collect();
    let serials: String = (0..30)
        .map(|n| format!("C02XK{n:04}GH5,cart {}\n", n % 3))
        .collect();
    import(&sb, &windows).await;
    import(&sb, &serials).await;
    assert_eq!(sb.identity_count(), 50);

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    let (code, _, err) = run(
        &sb,
        &[
            "export",
            "--format",
            "csv-admin",
            "-o",
            out.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let windows_file = dir.path().join("out-windows.csv");
    let identifiers_file = dir.path().join("out-identifiers.csv");
    assert!(err.contains("one file per admin-center dialect"), "{err}");
    assert!(
        err.contains("20 to ") && err.contains("out-windows.csv"),
        "{err}"
    );
    assert!(
        err.contains("30 to ") && err.contains("out-identifiers.csv"),
        "{err}"
    );
    assert!(!out.exists());

    // Each file imports into an empty tenant as one dialect, every row valid.
    let fresh = sandbox(0).await;
    let mut valid = 0;
    for file in [&windows_file, &identifiers_file] {
        let (code, json, err) = run(&fresh, &["import", file.to_str().unwrap(), "--json"]).await;
        assert_eq!(code, 0, "{err}");
        let report: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(report["counts"]["invalid"], 0, "{json}");
        valid += report["counts"]["created"].as_u64().unwrap();
    }
    assert_eq!(valid, 50);
    assert_eq!(fresh.identity_count(), 50);

    // Standard output takes one dialect only: a mixed view is refused.
    let (code, out, err) = run(&sb, &["export", "--format", "csv-admin"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty() && err.contains("-o FILE"), "{err}");
    let (code, out, _) = run(
        &sb,
        &[
            "export",
            "--format",
            "csv-admin",
            "--filter",
            "type:manufacturer",
        ],
    )
    .await;
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 20);
    fresh.shutdown().await;
    sb.shutdown().await;
}

/// Runs the binary with no `--graph-url` and no token, in `home`.
fn run_plain(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_enroll-console"))
        .args(args)
        .env("ENROLL_CONSOLE_HOME", home)
        .env_remove("ENROLL_CONSOLE_TOKEN")
        .output()
        .unwrap()
}

#[test]
fn whoami_login_and_logout_speak_json_and_whoami_knows_the_sandbox() {
    let home = tempfile::tempdir().unwrap();
    let out = run_plain(home.path(), &["whoami"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("Target:  sandbox"), "{text}");
    let out = run_plain(home.path(), &["whoami", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let facts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(facts["target"], "sandbox");
    // login/logout take --json (refused only for want of a profile, not by the parser).
    for command in ["login", "logout"] {
        let out = run_plain(home.path(), &[command, "--json"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("no tenant profile"), "{err}");
    }
}

#[test]
fn graph_url_without_a_token_names_the_variable_and_sends_nothing() {
    let home = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/beta", listener.local_addr().unwrap());
    let out = run_plain(home.path(), &["--graph-url", &url, "list"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("ENROLL_CONSOLE_TOKEN"), "{err}");
    // No connection was made: not one request.
    assert_eq!(
        listener.accept().map(|_| ()).unwrap_err().kind(),
        std::io::ErrorKind::WouldBlock
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn list_into_a_closed_pipe_exits_0_quietly() {
    use std::io::Read;
    let sb = sandbox(3_000).await;
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_enroll-console"))
        .args(["--graph-url", &sb.graph_url(), "list"])
        .env("ENROLL_CONSOLE_HOME", home.path())
        .env("ENROLL_CONSOLE_TOKEN", SANDBOX_TOKEN)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Like `head -c 100`: read a little, then close the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 100];
    tokio::task::block_in_place(|| stdout.read_exact(&mut first)).unwrap();
    drop(stdout);
    let out = tokio::task::block_in_place(|| child.wait_with_output()).unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
    sb.shutdown().await;
}
