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
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().count(), 20);
    assert!(
        text.lines()
            .any(|l| l.starts_with("Contoso,Laptop 3,SN00000003"))
    );
    assert!(
        text.lines()
            .any(|l| l == "350000000000006,synthetic device 0"),
        "{text}"
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
