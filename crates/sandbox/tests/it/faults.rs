//! Fault injection, the create route's modes (documented, no route, server
//! error), the import's 500, persistence across restarts and shutdown.

use crate::support as sandbox_support;

use std::time::{Duration, Instant};

use enroll_sandbox::{
    self as sandbox, CreateRoute, DEFAULT_CREATE_ROUTE, Faults, ImportRoute, ManualClock,
    SandboxOptions, Storage, WriteLimit,
};
use reqwest::StatusCode;
use sandbox_support::*;
use serde_json::json;

fn faults(f: Faults) -> SandboxOptions {
    SandboxOptions {
        faults: f,
        ..documented_options()
    }
}

#[tokio::test]
async fn throttling_answers_429_with_retry_after_and_applies_nothing() {
    let sb = Sb::start(faults(Faults {
        throttle_rate: 1.0,
        retry_after_secs: 3,
        seed: Some(1),
        ..documented_faults()
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
        ..documented_faults()
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
        ..documented_faults()
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

    sb.sandbox.set_faults(documented_faults());
    let r = sb.get(&sb.url("")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn faults_touch_only_the_identity_routes_and_latency_delays() {
    let sb = Sb::start(faults(Faults {
        drop_rate: 1.0,
        ..documented_faults()
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
        ..documented_faults()
    });
    let started = Instant::now();
    let r = sb.get(&sb.url("")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(120));
}

#[tokio::test]
async fn create_route_no_route_answers_like_the_service_from_2020_to_2024() {
    let sb = Sb::start(faults(Faults {
        create_route: CreateRoute::NoRoute,
        ..documented_faults()
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
async fn create_route_server_error_answers_500_like_the_service_today() {
    let sb = Sb::start(faults(Faults {
        create_route: CreateRoute::ServerError,
        ..documented_faults()
    }))
    .await;
    let r = sb
        .post(&sb.url(""), &row("SERIAL1", "serialNumber"))
        .header("client-request-id", "0d1c2b3a-0000-4000-8000-00000000c0de")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(r.headers().contains_key("request-id"));
    assert_eq!(
        r.headers()["client-request-id"],
        "0d1c2b3a-0000-4000-8000-00000000c0de"
    );
    let (_, body) = status_json(r).await;
    let e = graph_error(&body, "InternalError");
    assert_eq!(
        e["innerError"]["client-request-id"],
        "0d1c2b3a-0000-4000-8000-00000000c0de"
    );
    // Intune's JSON document inside `message`.
    let inner: serde_json::Value = serde_json::from_str(e["message"].as_str().unwrap()).unwrap();
    let text = inner["Message"].as_str().unwrap();
    assert!(text.starts_with("An error has occurred"), "{text}");
    assert!(
        text.contains("Activity ID: 0d1c2b3a-0000-4000-8000-00000000c0de"),
        "{text}"
    );
    assert_eq!(sb.sandbox.identity_count(), 0, "nothing created");
    let (status, body) = sb.import(serial_rows(1), false).await;
    assert_eq!(status, StatusCode::OK, "the import action still works");
    assert_eq!(body["value"][0]["status"], true);

    // Today's answer is the default; the documented mode is the seed's 201.
    assert_eq!(Faults::default().create_route, DEFAULT_CREATE_ROUTE);
    assert_eq!(DEFAULT_CREATE_ROUTE, CreateRoute::ServerError);
    sb.sandbox.set_faults(Faults {
        create_route: CreateRoute::Documented,
        ..documented_faults()
    });
    let r = sb
        .post(&sb.url(""), &row("SERIAL2", "serialNumber"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn an_import_server_error_imports_nothing_and_search_still_answers() {
    let sb = Sb::default().await;
    sb.import(serial_rows(2), false).await;
    sb.sandbox.set_faults(Faults {
        import_route: ImportRoute::ServerError,
        ..documented_faults()
    });
    for path in [
        "/importDeviceIdentityList",
        "/microsoft.graph.importDeviceIdentityList",
    ] {
        let r = sb
            .post(
                &sb.url(path),
                &json!({"importedDeviceIdentities": serial_rows(5)}),
            )
            .send()
            .await
            .unwrap();
        let (status, body) = status_json(r).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        graph_error(&body, "InternalError");
    }
    assert_eq!(sb.sandbox.identity_count(), 2, "nothing imported");
    let r = sb
        .post(
            &sb.url("/searchExistingIdentities"),
            &json!({"importedDeviceIdentities": serial_rows(5)}),
        )
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["value"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_file_tenant_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let options = SandboxOptions {
        storage: Storage::File(dir.path().join("tenant.db")),
        ..documented_options()
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
        ..documented_options()
    };
    let first = sandbox::start(any_port(), options.clone()).await.unwrap();
    assert_eq!(first.identity_count(), 50);
    first.shutdown().await;
    let second = Sb::start(options).await;
    assert_eq!(second.sandbox.identity_count(), 50);
    let memory = Sb::start(SandboxOptions {
        seed_identities: 50,
        ..documented_options()
    })
    .await;
    let a = second.list_all(&second.url("")).await;
    let b = memory.list_all(&memory.url("")).await;
    assert_eq!(a, b);
}

#[tokio::test]
async fn the_write_limit_slides_per_token_and_answers_429_with_the_wait() {
    let clock = ManualClock::starting_now();
    let sb = Sb::start(SandboxOptions {
        write_limit: Some(WriteLimit {
            writes: 3,
            window: Duration::from_secs(20),
        }),
        clock: clock.clock(),
        ..documented_options()
    })
    .await;
    for i in 0..3 {
        let (status, _) = sb.import(serial_rows(i + 1), false).await;
        assert_eq!(status, StatusCode::OK, "write {i}");
        clock.advance(Duration::from_secs(5));
    }
    // 15 s in: the first write leaves the window at 20 s.
    let r = sb
        .post(&sb.url(""), &row("OVER", "serialNumber"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "5");
    let (_, body) = status_json(r).await;
    graph_error(&body, "TooManyRequests");
    assert_eq!(
        sb.sandbox.identity_count(),
        3,
        "the refused write did nothing"
    );

    // Reads go on: a GET, and a search (a POST that only reads).
    assert_eq!(
        sb.get(&sb.url("")).send().await.unwrap().status(),
        StatusCode::OK
    );
    let search = json!({"importedDeviceIdentities": serial_rows(1)});
    let r = sb
        .post(&sb.url("/searchExistingIdentities"), &search)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Another token has its own window.
    let r = sb
        .client
        .post(sb.url(""))
        .bearer_auth("another-app")
        .json(&row("OTHER", "serialNumber"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);

    clock.advance(Duration::from_millis(4_500));
    let r = sb.delete(&sb.url("/none")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "1", "half a second rounds up");
    clock.advance(Duration::from_millis(500));
    let r = sb
        .post(&sb.url(""), &row("OVER", "serialNumber"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "a slot freed at 20 s");

    let stats = sb.sandbox.stats();
    assert_eq!(stats.throttled429, 2);
    assert_eq!((stats.import, stats.create, stats.delete), (3, 3, 1));
    assert_eq!((stats.search, stats.list), (1, 1));
    assert_eq!(stats.total, 9);
}

#[tokio::test]
async fn stats_count_every_kind_without_a_token_and_reset() {
    let sb = Sb::default().await;
    let (_, created) = status_json(
        sb.post(&sb.url(""), &row("S1", "serialNumber"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let one = sb.url(&format!("/{}", created["id"].as_str().unwrap()));
    sb.import(serial_rows(2), false).await;
    let search = json!({"importedDeviceIdentities": serial_rows(1)});
    sb.post(
        &sb.url("/microsoft.graph.searchExistingIdentities"),
        &search,
    )
    .send()
    .await
    .unwrap();
    sb.get(&sb.url("")).send().await.unwrap();
    sb.get(&sb.url("/$count")).send().await.unwrap();
    sb.get(&one).send().await.unwrap();
    sb.patch(&one, &json!({"description": "d"}))
        .send()
        .await
        .unwrap();
    sb.delete(&one).send().await.unwrap();
    let login = sb.sandbox.login_url();
    let form = [("client_id", "app")];
    sb.client
        .post(format!("{login}/organizations/oauth2/v2.0/devicecode"))
        .form(&form)
        .send()
        .await
        .unwrap();
    sb.client
        .post(format!("{login}/organizations/oauth2/v2.0/token"))
        .form(&form)
        .send()
        .await
        .unwrap();
    sb.get(&format!("{}/nowhere", sb.sandbox.graph_url()))
        .send()
        .await
        .unwrap();
    // Without a token: a 401, counted as a list.
    client().get(sb.url("")).send().await.unwrap();

    let r = client().get(sb.sandbox.stats_url()).send().await.unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!(status, StatusCode::OK, "no bearer token needed");
    assert_eq!(
        body,
        json!({
            "create": 1, "import": 1, "search": 1, "list": 2, "count": 1, "get": 1,
            "patch": 1, "delete": 1, "page": 0, "token": 1, "devicecode": 1,
            "throttled429": 0, "other": 1, "total": 12
        })
    );
    assert_eq!(
        sb.sandbox.stats().total,
        12,
        "the stats route counts nothing"
    );
    let r = client()
        .post(format!("{}/reset", sb.sandbox.stats_url()))
        .send()
        .await
        .unwrap();
    let (status, before) = status_json(r).await;
    assert_eq!((status, &before["total"]), (StatusCode::OK, &json!(12)));
    assert_eq!(sb.sandbox.stats(), sandbox::Stats::default());
    sb.get(&sb.url("")).send().await.unwrap();
    assert_eq!(sb.sandbox.reset_stats().list, 1);
    assert_eq!(sb.sandbox.stats().total, 0);
}
