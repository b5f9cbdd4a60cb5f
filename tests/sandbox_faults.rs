//! Fault injection, the create-route-missing mode, persistence across
//! restarts and shutdown.

mod sandbox_support;

use std::time::{Duration, Instant};

use enroll_console::sandbox::{self, CreateRoute, Faults, SandboxOptions, Storage};
use reqwest::StatusCode;
use sandbox_support::*;
use serde_json::json;

fn faults(f: Faults) -> SandboxOptions {
    SandboxOptions {
        faults: f,
        ..SandboxOptions::default()
    }
}

#[tokio::test]
async fn throttling_answers_429_with_retry_after_and_applies_nothing() {
    let sb = Sb::start(faults(Faults {
        throttle_rate: 1.0,
        retry_after_secs: 3,
        seed: Some(1),
        ..Faults::default()
    }))
    .await;
    let r = sb
        .post(
            &sb.url("/importDeviceIdentityList"),
            &json!({"importedDeviceIdentities": serial_rows(3)}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "3");
    assert!(r.headers().contains_key("request-id"));
    let (_, body) = status_json(r).await;
    graph_error(&body, "TooManyRequests");
    assert_eq!(sb.sandbox.identity_count(), 0);
}

#[tokio::test]
async fn failures_are_500_or_503_and_sometimes_applied() {
    let sb = Sb::start(faults(Faults {
        fail_rate: 1.0,
        retry_after_secs: 2,
        seed: Some(42),
        ..Faults::default()
    }))
    .await;
    let (mut five_hundred, mut five_oh_three) = (0, 0);
    let attempts = 24;
    for i in 0..attempts {
        let r = sb
            .post(&sb.url(""), &row(&format!("FAIL{i}"), "serialNumber"))
            .send()
            .await
            .unwrap();
        match r.status() {
            StatusCode::INTERNAL_SERVER_ERROR => five_hundred += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(r.headers()["retry-after"], "2");
                five_oh_three += 1;
            }
            other => panic!("unexpected {other}"),
        }
        let (_, body) = status_json(r).await;
        assert!(body["error"]["innerError"]["request-id"].is_string());
    }
    assert!(
        five_hundred > 0 && five_oh_three > 0,
        "{five_hundred} / {five_oh_three}"
    );
    let applied = sb.sandbox.identity_count();
    assert!(
        applied > 0 && applied < attempts,
        "applied {applied} of {attempts}"
    );
}

#[tokio::test]
async fn a_dropped_connection_gives_no_response_and_may_have_applied() {
    let sb = Sb::start(faults(Faults {
        drop_rate: 1.0,
        seed: Some(9),
        ..Faults::default()
    }))
    .await;
    let attempts = 16;
    for i in 0..attempts {
        let err = sb
            .post(&sb.url(""), &row(&format!("DROP{i}"), "serialNumber"))
            .send()
            .await
            .expect_err("the connection is closed without an answer");
        assert!(err.status().is_none(), "{err:?}");
        assert!(!err.is_timeout(), "{err:?}");
    }
    let applied = sb.sandbox.identity_count();
    assert!(
        applied > 0 && applied < attempts,
        "applied {applied} of {attempts}"
    );

    sb.sandbox.set_faults(Faults::default());
    let r = sb.get(&sb.url("")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn faults_touch_only_the_identity_routes_and_latency_delays() {
    let sb = Sb::start(faults(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    }))
    .await;
    let r = sb
        .get(&format!(
            "{}/deviceManagement/other",
            sb.sandbox.graph_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    sb.sandbox.set_faults(Faults {
        latency_ms: 120,
        ..Faults::default()
    });
    let started = Instant::now();
    let r = sb.get(&sb.url("")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(120));
}

#[tokio::test]
async fn create_route_missing_answers_like_the_service() {
    let sb = Sb::start(faults(Faults {
        create_route: CreateRoute::NoRoute,
        ..Faults::default()
    }))
    .await;
    let (status, body) = status_json(
        sb.post(&sb.url(""), &row("SERIAL1", "serialNumber"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let e = graph_error(&body, "No method match route template");
    assert_eq!(
        e["message"],
        "No OData route exists that match template ~/singleton/navigation with http verb POST for request /DeviceEnrollmentFE_2008/StatelessDeviceEnrollmentFEService/deviceManagement/importedDeviceIdentities."
    );
    assert_eq!(sb.sandbox.identity_count(), 0);
    let (status, _) = sb.import(serial_rows(1), false).await;
    assert_eq!(status, StatusCode::OK, "the import action still works");
}

#[tokio::test]
async fn a_file_tenant_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let options = SandboxOptions {
        storage: Storage::File(dir.path().join("tenant.db")),
        ..SandboxOptions::default()
    };
    let sb = Sb::start(options.clone()).await;
    sb.import(serial_rows(3), false).await;
    let before = sb.list_all(&sb.url("")).await;
    let url = |v: &serde_json::Value| sb.url(&format!("/{}", v["id"].as_str().unwrap()));
    let r = sb
        .patch(&url(&before[1]), &json!({"description": "kept"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        sb.delete(&url(&before[0])).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let expected = sb.list_all(&sb.url("")).await;
    let addr = sb.sandbox.addr();
    sb.sandbox.shutdown().await;
    assert!(
        client()
            .get(format!("http://{addr}/beta"))
            .send()
            .await
            .is_err(),
        "stopped"
    );

    let sb = Sb::start(options).await;
    let after = sb.list_all(&sb.url("")).await;
    assert_eq!(after, expected);
    assert_eq!(after[0]["description"], "kept");
    let (status, created) = status_json(
        sb.post(&sb.url(""), &row("NEWER", "serialNumber"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let all = sb.list_all(&sb.url("")).await;
    assert_eq!(
        all.last().unwrap()["id"],
        created["id"],
        "new identities come last"
    );
    sb.sandbox.shutdown().await;
}

#[tokio::test]
async fn synthetic_seeding_is_deterministic_and_not_repeated() {
    let dir = tempfile::tempdir().unwrap();
    let options = SandboxOptions {
        storage: Storage::File(dir.path().join("tenant.db")),
        seed_identities: 50,
        ..SandboxOptions::default()
    };
    let first = sandbox::start(any_port(), options.clone()).await.unwrap();
    assert_eq!(first.identity_count(), 50);
    first.shutdown().await;
    let second = Sb::start(options).await;
    assert_eq!(second.sandbox.identity_count(), 50);
    let memory = Sb::start(SandboxOptions {
        seed_identities: 50,
        ..SandboxOptions::default()
    })
    .await;
    let a = second.list_all(&second.url("")).await;
    let b = memory.list_all(&memory.url("")).await;
    assert_eq!(a, b);
}
