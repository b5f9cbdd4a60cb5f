//! The client against a scripted server: the exact requests it sends, how
//! it reads answers, and how every failure is classified.

use crate::client_support;

use std::time::Duration;

use client_support::{Answer, Scripted, TOKEN, entity};
use enroll_console::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform};
use enroll_console::graph::{ClientConfig, GraphClient, GraphError, ListQuery};
use serde_json::json;

fn identity(identifier: &str) -> ImportedDeviceIdentity {
    ImportedDeviceIdentity::new(
        identifier,
        ImportedDeviceIdentityType::SerialNumber,
        Platform::Ios,
    )
}

const COLLECTION: &str = "/beta/deviceManagement/importedDeviceIdentities";

#[tokio::test]
async fn create_sends_json_with_token_and_a_fresh_request_id() {
    let server = Scripted::start(|_, i| {
        let mut body = entity(&format!("id-{i}"), "C02XK0XXJGH5");
        body["@odata.type"] = json!("#microsoft.graph.importedDeviceIdentityResult");
        Answer::json(201, body).with_header("request-id", &format!("req-{i}"))
    })
    .await;
    let client = server.client();
    let sent = identity("C02XK0XXJGH5").to_request();
    let first = client.create(&sent).await.unwrap();
    let second = client.create(&sent).await.unwrap();

    assert_eq!(first.value.identity.id.as_deref(), Some("id-0"));
    assert!(first.value.succeeded());
    assert_eq!(first.request_id.as_deref(), Some("req-0"));
    assert_eq!(first.raw["id"], "id-0");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let r = &reqs[0];
    assert_eq!((r.method.as_str(), r.target.as_str()), ("POST", COLLECTION));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(r.json(), serde_json::to_value(&sent).unwrap());
    let ids: Vec<&str> = reqs
        .iter()
        .map(|r| r.header("client-request-id").unwrap())
        .collect();
    assert!(uuid::Uuid::parse_str(ids[0]).is_ok());
    assert_ne!(ids[0], ids[1]);
    assert_eq!(first.client_request_id, ids[0]);
    assert_eq!(second.client_request_id, ids[1]);
    assert_eq!(second.request_id.as_deref(), Some("req-1"));
}

#[tokio::test]
async fn no_token_means_no_authorization_header() {
    let server = Scripted::start(|_, _| Answer::json(200, json!({"value": []}))).await;
    let client = GraphClient::new(ClientConfig::new(server.base())).unwrap();
    assert!(
        client
            .list_first(&ListQuery::default())
            .await
            .unwrap()
            .value
            .is_empty()
    );
    assert_eq!(server.requests()[0].header("authorization"), None);
}

#[tokio::test]
async fn actions_post_their_documented_bodies() {
    let server = Scripted::start(|r, _| {
        if r.path().ends_with("/importDeviceIdentityList") {
            let mut row = entity("new-1", "A1");
            row["status"] = json!(true);
            Answer::json(
                200,
                json!({"value": [row, {"importedDeviceIdentifier": "B2", "status": false}]}),
            )
        } else {
            Answer::json(200, json!({"value": [entity("old-1", "b2")]}))
        }
    })
    .await;
    let client = server.client();
    let batch = [identity("A1").to_request(), identity("B2").to_request()];
    let rows = client.import_list(&batch, true).await.unwrap();
    assert_eq!(rows.value.len(), 2);
    assert!(rows.value[0].succeeded() && !rows.value[1].succeeded());
    let found = client.search_existing(&batch[1..]).await.unwrap();
    assert_eq!(found[0].id.as_deref(), Some("old-1"));

    let reqs = server.requests();
    assert_eq!(
        reqs[0].target,
        format!("{COLLECTION}/importDeviceIdentityList")
    );
    let body = reqs[0].json();
    assert_eq!(body["overwriteImportedDeviceIdentities"], true);
    assert_eq!(
        body["importedDeviceIdentities"][1]["importedDeviceIdentifier"],
        "B2"
    );
    assert_eq!(
        reqs[1].target,
        format!("{COLLECTION}/searchExistingIdentities")
    );
    assert_eq!(
        reqs[1].json(),
        json!({"importedDeviceIdentities": [serde_json::to_value(&batch[1]).unwrap()]})
    );
}

#[tokio::test]
async fn lists_send_query_options_and_follow_next_links_verbatim() {
    let server = Scripted::start(move |r, _| {
        if r.target.contains("$skiptoken") {
            Answer::json(200, json!({"value": [entity("2", "B")]}))
        } else {
            let port = r.header("host").unwrap_or("").to_string();
            let next = format!("http://{port}/beta/deviceManagement/importedDeviceIdentities?$top=1&$skiptoken=a%2Fb%3D");
            Answer::json(200, json!({"@odata.count": 2, "value": [entity("1", "A")], "@odata.nextLink": next}))
        }
    })
    .await;
    let client = server.client();
    let query = ListQuery {
        top: Some(1),
        filter: Some("startswith(importedDeviceIdentifier,'A B')".into()),
        count: true,
    };
    let first = client.list_first(&query).await.unwrap();
    assert_eq!(first.count, Some(2));
    let next = first.next_link.clone().unwrap();
    let second = client.list_next(&next).await.unwrap();
    assert_eq!(second.value[0].id.as_deref(), Some("2"));
    assert!(second.next_link.is_none());
    let all = client.list_all(&query).await.unwrap();
    assert_eq!(all.len(), 2);

    let reqs = server.requests();
    assert_eq!(
        reqs[0].target,
        format!(
            "{COLLECTION}?$top=1&$filter=startswith%28importedDeviceIdentifier%2C%27A%20B%27%29&$count=true"
        )
    );
    assert_eq!(reqs[0].method, "GET");
    assert_eq!(
        reqs[1].target,
        format!("{COLLECTION}?$top=1&$skiptoken=a%2Fb%3D")
    );
}

#[tokio::test]
async fn foreign_or_insecure_next_links_are_refused_without_connecting() {
    let server = Scripted::start(|_, _| Answer::status(500)).await;
    let client = server.client();
    for link in [
        "https://evil.example.com/beta/deviceManagement/importedDeviceIdentities?$skip=1"
            .to_string(),
        format!("http://127.0.0.1:{}/beta/x", server.port.wrapping_add(1)),
        "/beta/deviceManagement/importedDeviceIdentities?$skip=1".to_string(),
    ] {
        let err = client.list_next(&link).await.unwrap_err();
        assert!(
            matches!(err, GraphError::InvalidUrl { .. }),
            "{link}: {err:?}"
        );
    }
    let err = client
        .list_next("http://example.com/beta/x")
        .await
        .unwrap_err();
    assert!(matches!(err, GraphError::InsecureUrl { .. }), "{err:?}");
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn get_update_delete_and_count() {
    let server = Scripted::start(|r, _| match (r.method.as_str(), r.path()) {
        ("GET", p) if p.ends_with("/wrapped") => {
            Answer::json(200, json!({"value": entity("wrapped", "W")}))
        }
        ("GET", p) if p.ends_with("/$count") => Answer::Respond {
            status: 200,
            headers: vec![("content-type", "text/plain".into())],
            body: "\u{feff}42".into(),
        },
        ("GET", _) => Answer::json(200, entity("bare", "B")),
        ("PATCH", p) if p.ends_with("/with-body") => Answer::json(200, entity("with-body", "X")),
        ("PATCH", _) | ("DELETE", _) => Answer::status(204),
        _ => Answer::status(500),
    })
    .await;
    let client = server.client();
    assert_eq!(
        client.get("wrapped").await.unwrap().id.as_deref(),
        Some("wrapped")
    );
    assert_eq!(
        client.get("bare").await.unwrap().id.as_deref(),
        Some("bare")
    );
    let patch = ImportedDeviceIdentity {
        description: Some("cart 3".into()),
        ..Default::default()
    };
    assert!(client.update("with-body", &patch).await.unwrap().is_some());
    assert!(client.update("no body", &patch).await.unwrap().is_none());
    client.delete("gone").await.unwrap();
    assert_eq!(client.count(Some("platform eq 'ios'")).await.unwrap(), 42);

    let reqs = server.requests();
    let patch_req = &reqs[3];
    assert_eq!(patch_req.target, format!("{COLLECTION}/no%20body"));
    assert_eq!(patch_req.json(), json!({"description": "cart 3"}));
    assert_eq!(
        (reqs[4].method.as_str(), reqs[4].target.as_str()),
        ("DELETE", &*format!("{COLLECTION}/gone"))
    );
    assert_eq!(
        reqs[5].target,
        format!("{COLLECTION}/$count?$filter=platform%20eq%20%27ios%27")
    );
}

#[tokio::test]
async fn count_falls_back_to_odata_count() {
    let server = Scripted::start(|r, _| {
        if r.path().ends_with("/$count") {
            Answer::status(404)
        } else {
            Answer::json(200, json!({"@odata.count": 7, "value": [entity("1", "A")]}))
        }
    })
    .await;
    assert_eq!(server.client().count(None).await.unwrap(), 7);
    assert_eq!(
        server.requests()[1].target,
        format!("{COLLECTION}?$top=1&$count=true")
    );
}

#[tokio::test]
async fn failures_are_classified() {
    let server = Scripted::start(|r, _| match r.path().rsplit('/').next().unwrap_or("") {
        "drop" => Answer::Drop,
        "hang" => Answer::Hang,
        "html" => Answer::Respond {
            status: 502,
            headers: vec![("content-type", "text/html".into())],
            body: "<html>bad gateway</html>".into(),
        },
        "garbage" => Answer::Respond {
            status: 200,
            headers: vec![],
            body: "not json".into(),
        },
        _ => Answer::json(
            409,
            json!({"error": {"code": "Conflict", "message": "already there"}}),
        )
        .with_header("request-id", "r-409"),
    })
    .await;
    let client = GraphClient::new(
        ClientConfig::new(server.base())
            .with_token(enroll_console::graph::BearerToken::new(TOKEN))
            .with_timeout(Duration::from_millis(300))
            // One attempt each: this is about how each failure is classified.
            .with_retry(enroll_console::graph::RetryPolicy::once()),
    )
    .unwrap();
    let dropped = client.get("drop").await.unwrap_err();
    assert!(matches!(dropped, GraphError::Dropped { .. }), "{dropped:?}");
    assert!(dropped.outcome_unknown() && dropped.is_retryable());
    let timeout = client.get("hang").await.unwrap_err();
    assert!(matches!(timeout, GraphError::Timeout { .. }), "{timeout:?}");
    let html = client.get("html").await.unwrap_err();
    assert_eq!(html.status(), Some(502));
    assert!(
        html.user_message().starts_with("Bad Gateway"),
        "{}",
        html.user_message()
    );
    let garbage = client.get("garbage").await.unwrap_err();
    assert!(matches!(garbage, GraphError::Decode { .. }), "{garbage:?}");
    let conflict = client.get("x").await.unwrap_err();
    assert_eq!(conflict.status(), Some(409));
    assert_eq!(conflict.request_id(), Some("r-409"));
    assert!(conflict.user_message().contains("already there"));
    for e in [&dropped, &timeout, &html, &garbage, &conflict] {
        assert!(!format!("{e:?}{e}").contains(TOKEN));
        assert!(e.client_request_id().is_some_and(|c| !c.is_empty()));
    }

    // A port nobody listens on: nothing was sent.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let nowhere =
        GraphClient::new(ClientConfig::new(format!("http://127.0.0.1:{port}/beta"))).unwrap();
    let connect = nowhere.get("x").await.unwrap_err();
    assert!(matches!(connect, GraphError::Connect { .. }), "{connect:?}");
    assert!(connect.is_retryable() && !connect.outcome_unknown());
}

/// Collects formatted log output.
#[derive(Clone, Default)]
struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_name_the_request_but_never_the_token() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // Another test's thread may have registered the client's log callsites
    // while no subscriber wanted them, caching "never" for them; ask every
    // callsite again now that this one is in place.
    tracing::callsite::rebuild_interest_cache();
    let server = Scripted::start(|_, i| match i {
        0 => Answer::json(200, json!({"value": []})),
        _ => Answer::json(
            401,
            json!({"error": {"code": "InvalidAuthenticationToken", "message": "expired"}}),
        ),
    })
    .await;
    let client = server.client();
    client.list_first(&ListQuery::default()).await.unwrap();
    client.get("x").await.unwrap_err();
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let crid = server.requests()[0]
        .header("client-request-id")
        .unwrap()
        .to_string();
    assert!(text.contains(&crid), "{text}");
    assert!(text.contains("status=401"), "{text}");
    assert!(
        text.contains("/beta/deviceManagement/importedDeviceIdentities"),
        "{text}"
    );
    assert!(
        !text.contains(TOKEN) && !text.to_lowercase().contains("authorization"),
        "{text}"
    );
}

#[tokio::test]
async fn reads_wait_out_throttling_and_go_on() {
    let server = Scripted::start(|_, i| match i {
        0 => Answer::status(429).with_header("retry-after", "3"),
        1 => Answer::status(503).with_header("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"),
        2 => Answer::status(504),
        _ => Answer::json(200, json!({"value": [entity("1", "A")]})),
    })
    .await;
    let client = server.client();
    let page = client.list_first(&ListQuery::default()).await.unwrap();
    assert_eq!(page.value.len(), 1);
    assert_eq!(server.requests().len(), 4);
    assert_eq!(client.engine().sent(), (4, 0));
    // 3 s asked, then a date in the past (no wait asked: a backoff), then a backoff.
    assert!(client.engine().clock().waited() >= Duration::from_secs(3));
}

#[tokio::test]
async fn action_answers_that_page_return_every_row() {
    let server = Scripted::start(|r, _| {
        let row = |n: usize| {
            let mut e = entity(&format!("id-{n}"), &format!("S{n}"));
            e["status"] = json!(true);
            e
        };
        let base = format!("http://{}/beta", r.header("host").unwrap_or(""));
        match (r.method.as_str(), r.target.rsplit('/').next().unwrap_or("")) {
            ("POST", _) => Answer::json(
                200,
                json!({"value": [row(0), row(1)], "@odata.nextLink": format!("{base}/answers/p2")}),
            )
            .with_header("request-id", "r-p1"),
            (_, "p2") => Answer::json(
                200,
                json!({"value": [row(2)], "@odata.nextLink": format!("{base}/answers/p3")}),
            ),
            _ => Answer::json(200, json!({"value": [row(3)]})),
        }
    })
    .await;
    let rows: Vec<_> = (0..4).map(|n| identity(&format!("S{n}"))).collect();
    let client = server.client();
    let sent = client.import_list(&rows, false).await.unwrap();
    let ids: Vec<_> = sent
        .value
        .iter()
        .filter_map(|r| r.identity.id.clone())
        .collect();
    assert_eq!(ids, ["id-0", "id-1", "id-2", "id-3"]);
    assert_eq!(sent.raw["value"].as_array().map(Vec::len), Some(4));
    assert_eq!(sent.request_id.as_deref(), Some("r-p1"));
    let methods: Vec<_> = server.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["POST", "GET", "GET"]);
    assert_eq!(
        client
            .import_list_results(&rows, false)
            .await
            .unwrap()
            .len(),
        4
    );
    assert_eq!(client.search_existing(&rows).await.unwrap().len(), 4);
}

#[tokio::test]
async fn next_link_cycles_end_the_listing_with_the_request_id() {
    for cycle in ["self", "pair"] {
        let server = Scripted::start(move |r, i| {
            let base = format!(
                "http://{}/beta/deviceManagement/importedDeviceIdentities",
                r.header("host").unwrap_or("")
            );
            let next = match (cycle, r.target.contains("page=b")) {
                ("self", _) | (_, true) => format!("{base}?page=a"),
                _ => format!("{base}?page=b"),
            };
            Answer::json(
                200,
                json!({"value": [entity(&format!("id-{i}"), "A")], "@odata.nextLink": next}),
            )
            .with_header("request-id", &format!("r-{i}"))
        })
        .await;
        let client = server.client();
        let err = client.list_all(&ListQuery::default()).await.unwrap_err();
        assert!(matches!(err, GraphError::Paging { .. }), "{err:?}");
        let requests = server.requests().len();
        assert!(requests <= 3, "{cycle}: {requests} requests");
        let text = err.user_message();
        assert!(text.contains("stopped before its end"), "{text}");
        assert!(text.contains(&format!("r-{}", requests - 1)), "{text}");
    }
}
