//! The real client against the real sandbox on 127.0.0.1 (random port):
//! every endpoint, paging, every error class, the auto switch, and
//! exactly-once submission under injected faults.

use crate::client_support;

use std::time::Duration;

use client_support::recording_sleeper;
use enroll_console::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform};
use enroll_console::graph::{
    BearerToken, ClientConfig, GraphClient, GraphError, ListQuery, SubmitMethod, Submitter,
    UsedMethod,
};
use enroll_console::sandbox::{
    self, CreateRoute, Faults, RunningSandbox, SANDBOX_TOKEN, SandboxOptions, Storage,
};

async fn sandbox(faults: Faults, page_size: usize) -> RunningSandbox {
    let options = SandboxOptions {
        storage: Storage::InMemory,
        faults,
        page_size,
        ..SandboxOptions::default()
    };
    sandbox::start("127.0.0.1:0".parse().unwrap(), options)
        .await
        .unwrap()
}

/// No faults and the documented create (201): these tests call each route.
fn documented() -> Faults {
    Faults {
        create_route: enroll_console::sandbox::CreateRoute::Documented,
        ..Faults::default()
    }
}

fn client(sb: &RunningSandbox) -> GraphClient {
    let config = ClientConfig::new(sb.graph_url())
        .with_token(BearerToken::new(SANDBOX_TOKEN))
        .with_clock(enroll_console::graph::Clock::virtual_time());
    GraphClient::new(config).unwrap()
}

fn serial(identifier: &str) -> ImportedDeviceIdentity {
    ImportedDeviceIdentity::new(
        identifier,
        ImportedDeviceIdentityType::SerialNumber,
        Platform::Ios,
    )
}

/// Every identity in the sandbox, read with faults off.
async fn everything(sb: &RunningSandbox) -> Vec<ImportedDeviceIdentity> {
    client(sb).list_all(&ListQuery::default()).await.unwrap()
}

#[tokio::test]
async fn every_endpoint_round_trips() {
    let sb = sandbox(documented(), 100).await;
    let c = client(&sb);
    let created = c
        .create(&serial("C02XK0XXJGH5").to_request())
        .await
        .unwrap();
    let id = created.value.identity.id.clone().unwrap();
    assert!(created.value.succeeded());
    assert!(created.request_id.is_some());
    assert_eq!(created.raw["importedDeviceIdentifier"], "C02XK0XXJGH5");

    let got = c.get(&id).await.unwrap();
    assert_eq!(got.identifier(), "C02XK0XXJGH5");
    assert_eq!(got.platform, Some(Platform::Ios));

    let patch = ImportedDeviceIdentity {
        description: Some("cart 3".into()),
        ..Default::default()
    };
    if let Some(updated) = c.update(&id, &patch).await.unwrap() {
        assert_eq!(updated.description.as_deref(), Some("cart 3"));
    }
    assert_eq!(
        c.get(&id).await.unwrap().description.as_deref(),
        Some("cart 3")
    );

    let batch = [serial("IMP-1").to_request(), serial("IMP-2").to_request()];
    let rows = c.import_list(&batch, false).await.unwrap();
    assert_eq!(rows.value.len(), 2);
    assert!(rows.value.iter().all(|r| r.status == Some(true)));
    let again = c.import_list(&batch[..1], false).await.unwrap();
    assert_eq!(
        again.value[0].status,
        Some(false),
        "an existing row is not overwritten"
    );

    let found = c
        .search_existing(&[serial("imp-2").to_request(), serial("NOPE").to_request()])
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].identifier(), "IMP-2");

    assert_eq!(c.count(None).await.unwrap(), 3);
    c.delete(&id).await.unwrap();
    assert_eq!(c.get(&id).await.unwrap_err().status(), Some(404));
    assert_eq!(c.count(None).await.unwrap(), 2);
    assert_eq!(sb.identity_count(), 2);
    sb.shutdown().await;
}

#[tokio::test]
async fn paging_follows_next_links_to_the_exact_count() {
    let sb = sandbox(documented(), 7).await;
    let c = client(&sb);
    let batch: Vec<_> = (0..52)
        .map(|i| serial(&format!("PAGE{i:03}")).to_request())
        .collect();
    assert!(
        c.import_list(&batch, false)
            .await
            .unwrap()
            .value
            .iter()
            .all(|r| r.succeeded())
    );

    let query = ListQuery {
        count: true,
        ..Default::default()
    };
    let mut page = c.list_first(&query).await.unwrap();
    assert_eq!(page.count, Some(52));
    let mut ids: Vec<String> = Vec::new();
    let mut pages = 1;
    loop {
        assert!(page.value.len() <= 7);
        ids.extend(page.value.iter().filter_map(|i| i.id.clone()));
        let Some(next) = page.next_link.take() else {
            break;
        };
        page = c.list_next(&next).await.unwrap();
        pages += 1;
    }
    assert_eq!(pages, 8);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 52);

    let small = ListQuery {
        top: Some(5),
        ..Default::default()
    };
    assert_eq!(c.list_all(&small).await.unwrap().len(), 52);
    let filtered = ListQuery {
        filter: Some("startswith(importedDeviceIdentifier,'PAGE04')".into()),
        ..Default::default()
    };
    assert_eq!(c.list_all(&filtered).await.unwrap().len(), 10);
    assert_eq!(c.count(filtered.filter.as_deref()).await.unwrap(), 10);
}

#[tokio::test]
async fn service_errors_carry_the_services_words() {
    let sb = sandbox(documented(), 100).await;
    let c = client(&sb);

    let imei = ImportedDeviceIdentity::new(
        "Imported Device Identifier value",
        ImportedDeviceIdentityType::Imei,
        Platform::Android,
    );
    let e = c.create(&imei.to_request()).await.unwrap_err();
    assert_eq!(e.status(), Some(400));
    let line = e.user_message();
    assert!(
        line.starts_with("Invalid Device Identifier parameter found for 1 import records!"),
        "{line}"
    );
    assert!(
        e.request_id().is_some() && line.contains("request-id"),
        "{line}"
    );

    let e = c
        .import_list(&[imei.to_request()], false)
        .await
        .unwrap_err();
    assert!(
        e.user_message()
            .starts_with("Invalid Device Identifier parameter"),
        "{e}"
    );

    let mut odd = serial("ENUM-1");
    odd.platform = Some(Platform::Other("bogusOS".into()));
    let e = c.create(&odd.to_request()).await.unwrap_err();
    assert_eq!(e.status(), Some(400));
    assert!(e.user_message().contains("bogusOS"), "{e}");
    assert!(!e.is_route_missing());

    let anonymous = GraphClient::new(ClientConfig::new(sb.graph_url())).unwrap();
    let e = anonymous
        .list_first(&ListQuery::default())
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(401));
    assert!(
        e.user_message().contains("Sign-in missing or expired"),
        "{e}"
    );

    let e = c
        .get("00000000-0000-0000-0000-000000000000")
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));
    assert!(!e.is_retryable());

    c.create(&serial("DUP-1").to_request()).await.unwrap();
    let e = c.create(&serial("dup-1").to_request()).await.unwrap_err();
    assert_eq!(e.status(), Some(409));
    assert!(e.user_message().contains("already exists"), "{e}");
}

#[tokio::test]
async fn throttling_failures_drops_and_timeouts() {
    let sb = sandbox(documented(), 100).await;
    // One attempt each: this is about how each failure is classified.
    let c = client(&sb).with_retry(enroll_console::graph::RetryPolicy::once());
    let q = ListQuery::default();

    sb.set_faults(Faults {
        throttle_rate: 1.0,
        retry_after_secs: 3,
        ..Faults::default()
    });
    let e = c.list_first(&q).await.unwrap_err();
    assert_eq!(e.status(), Some(429));
    assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
    assert!(e.is_retryable() && !e.outcome_unknown());

    sb.set_faults(Faults {
        fail_rate: 1.0,
        seed: Some(1),
        ..Faults::default()
    });
    for _ in 0..4 {
        let e = c.list_first(&q).await.unwrap_err();
        assert!(matches!(e.status(), Some(500 | 503)), "{e:?}");
        assert!(e.outcome_unknown() && e.is_retryable());
    }

    sb.set_faults(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    });
    let e = c.list_first(&q).await.unwrap_err();
    assert!(matches!(e, GraphError::Dropped { .. }), "{e:?}");

    sb.set_faults(Faults {
        latency_ms: 2_000,
        ..Faults::default()
    });
    let impatient = GraphClient::new(
        ClientConfig::new(sb.graph_url())
            .with_token(BearerToken::new(SANDBOX_TOKEN))
            .with_timeout(Duration::from_millis(150))
            .with_retry(enroll_console::graph::RetryPolicy::once()),
    )
    .unwrap();
    let e = impatient.list_first(&q).await.unwrap_err();
    assert!(matches!(e, GraphError::Timeout { .. }), "{e:?}");
}

#[tokio::test]
async fn auto_switches_to_import_once_and_remembers() {
    let sb = sandbox(
        Faults {
            create_route: CreateRoute::NoRoute,
            ..Faults::default()
        },
        100,
    )
    .await;
    let (sleeper, _) = recording_sleeper();
    let auto = Submitter::new(client(&sb), SubmitMethod::Auto).with_sleeper(sleeper);

    let first = auto.submit(&serial("AUTO-1")).await.unwrap();
    assert!(first.switched_to_import);
    assert_eq!(first.method, UsedMethod::Import);
    assert_eq!(first.result.status, Some(true));
    assert!(auto.create_route_missing());
    let second = auto.clone().submit(&serial("AUTO-2")).await.unwrap();
    assert!(!second.switched_to_import);
    assert_eq!(second.method, UsedMethod::Import);

    let forced = Submitter::new(client(&sb), SubmitMethod::Create);
    let e = forced.submit(&serial("FORCED-1")).await.unwrap_err();
    assert_eq!(e.status(), Some(400));
    assert!(e.is_route_missing(), "{e:?}");
    let import = Submitter::new(client(&sb), SubmitMethod::Import);
    assert!(
        import
            .submit(&serial("FORCED-2"))
            .await
            .unwrap()
            .result
            .succeeded()
    );

    let mut identifiers: Vec<String> = everything(&sb)
        .await
        .iter()
        .map(|i| i.identifier().to_string())
        .collect();
    identifiers.sort();
    assert_eq!(identifiers, ["AUTO-1", "AUTO-2", "FORCED-2"]);
}

#[tokio::test]
async fn submissions_are_exactly_once_under_faults() {
    let mut found_existing = 0;
    let mut succeeded = 0;
    for seed in 0..40u64 {
        let faults = Faults {
            fail_rate: 0.4,
            drop_rate: 0.3,
            retry_after_secs: 0,
            seed: Some(seed),
            ..Faults::default()
        };
        let sb = sandbox(faults, 100).await;
        let method = if seed % 2 == 0 {
            SubmitMethod::Auto
        } else {
            SubmitMethod::Import
        };
        let (sleeper, _) = recording_sleeper();
        let submitter = Submitter::new(client(&sb), method).with_sleeper(sleeper);
        let identifier = format!("ONCE-{seed}");
        let outcome = submitter.submit(&serial(&identifier)).await;

        sb.set_faults(documented());
        let stored: Vec<_> = everything(&sb)
            .await
            .into_iter()
            .filter(|i| i.identifier() == identifier)
            .collect();
        assert!(stored.len() <= 1, "seed {seed}: {stored:?}");
        match outcome {
            Ok(o) => {
                succeeded += 1;
                found_existing += usize::from(o.found_existing);
                assert_eq!(stored.len(), 1, "seed {seed}");
                assert_eq!(o.result.identity.id, stored[0].id, "seed {seed}");
                assert_eq!(o.result.status, Some(true), "seed {seed}");
            }
            Err(e) => assert!(e.is_retryable(), "seed {seed}: {e:?}"),
        }
        sb.shutdown().await;
    }
    assert!(succeeded >= 20, "{succeeded}");
    assert!(
        found_existing >= 1,
        "no run exercised an applied-then-failed write"
    );
}
