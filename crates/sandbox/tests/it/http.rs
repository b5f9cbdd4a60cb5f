//! The sandbox's routes over HTTP: create, get, update, delete, the two
//! actions, validation, authentication and the Graph error shape.

use crate::support as sandbox_support;

use reqwest::StatusCode;
use sandbox_support::*;
use serde_json::{Value, json};

fn seven_digit_time(v: &Value) -> bool {
    v.as_str()
        .and_then(|s| s.split('.').nth(1))
        .is_some_and(|frac| frac.len() == 8 && frac.ends_with('Z'))
}

#[tokio::test]
async fn create_answers_201_with_a_result_and_get_returns_the_entity() {
    let sb = Sb::default().await;
    let body = json!({
        "@odata.type": "#microsoft.graph.importedDeviceIdentityResult",
        "importedDeviceIdentifier": "490154203237518",
        "importedDeviceIdentityType": "imei",
        "lastContactedDateTime": "2016-12-31T23:58:44.2908994-08:00",
        "description": "front desk",
        "enrollmentState": "enrolled",
        "platform": "ios",
    });
    let r = sb.post(&sb.url(""), &body).send().await.unwrap();
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let (status, created) = status_json(r).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        created["@odata.type"],
        "#microsoft.graph.importedDeviceIdentityResult"
    );
    assert_eq!(created["status"], true);
    let id = created["id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok());
    assert!(seven_digit_time(&created["createdDateTime"]), "{created}");
    assert_eq!(created["createdDateTime"], created["lastModifiedDateTime"]);
    assert_eq!(
        created["lastContactedDateTime"],
        "2016-12-31T23:58:44.2908994-08:00"
    );
    assert_eq!(created["enrollmentState"], "enrolled");
    assert_eq!(created["platform"], "ios");
    assert_eq!(location, sb.url(&format!("/{id}")));

    let (status, got) = status_json(sb.get(&location).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(got.get("value").is_none(), "bare entity: {got}");
    assert_eq!(
        got["@odata.type"],
        "#microsoft.graph.importedDeviceIdentity"
    );
    for key in [
        "id",
        "importedDeviceIdentifier",
        "createdDateTime",
        "description",
    ] {
        assert_eq!(got[key], created[key], "{key}");
    }
    assert!(got.get("status").is_none());
}

#[tokio::test]
async fn create_fills_in_the_service_defaults() {
    let sb = Sb::default().await;
    let (status, created) = status_json(
        sb.post(&sb.url(""), &row("C02XK0XXJGH5", "serialNumber"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["lastContactedDateTime"], "0001-01-01T00:00:00Z");
    assert_eq!(created["enrollmentState"], "notContacted");
    assert_eq!(created["platform"], "unknown");
}

#[tokio::test]
async fn create_of_an_existing_identifier_is_a_409_that_changes_nothing() {
    let sb = Sb::default().await;
    for (first, second, ty) in [
        ("C02XK0XXJGH5", "c02xk0xxjgh5", "serialNumber"),
        (
            "Microsoft,Surface 5,0123-45",
            "MICROSOFT,surface5,012345",
            "manufacturerModelSerial",
        ),
    ] {
        let r = sb.post(&sb.url(""), &row(first, ty)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let (status, body) =
            status_json(sb.post(&sb.url(""), &row(second, ty)).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::CONFLICT);
        graph_error(&body, "Conflict");
    }
    assert_eq!(sb.sandbox.identity_count(), 2);
    let all = sb.list_all(&sb.url("")).await;
    assert_eq!(
        all[1]["platform"], "windows",
        "Windows tuples are stored as windows"
    );
}

#[tokio::test]
async fn patch_updates_the_writable_properties_and_validates() {
    let sb = Sb::default().await;
    let (_, created) = status_json(
        sb.post(&sb.url(""), &row("SERIAL1", "serialNumber"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let url = sb.url(&format!("/{}", created["id"].as_str().unwrap()));
    let patch = json!({
        "description": "desk 4",
        "enrollmentState": "blocked",
        "platform": "macOS",
        "lastContactedDateTime": "2024-05-01T09:30:00+02:00",
        "importedDeviceIdentifier": "ignored",
    });
    let (status, updated) = status_json(sb.patch(&url, &patch).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["description"], "desk 4");
    assert_eq!(updated["enrollmentState"], "blocked");
    assert_eq!(updated["platform"], "macOS");
    assert_eq!(
        updated["lastContactedDateTime"],
        "2024-05-01T09:30:00+02:00"
    );
    assert_eq!(updated["importedDeviceIdentifier"], "SERIAL1");
    assert_eq!(updated["createdDateTime"], created["createdDateTime"]);
    assert_ne!(
        updated["lastModifiedDateTime"],
        created["lastModifiedDateTime"]
    );

    let long = json!({"description": "d".repeat(129)});
    let (status, body) = status_json(sb.patch(&url, &long).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    graph_error(&body, "BadRequest");

    for (field, literal, ty) in [
        ("platform", "holoLens", "platform"),
        ("platform", "unknownFutureValue", "platform"),
        ("enrollmentState", "gone", "enrollmentState"),
    ] {
        let (status, body) = status_json(
            sb.patch(&url, &json!({ field: literal }))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let e = graph_error(&body, "BadRequest");
        assert_eq!(
            e["message"],
            format!(
                "Cannot convert the literal '{literal}' to the expected type 'microsoft.graph.{ty}'."
            )
        );
    }

    let (_, cleared) = status_json(
        sb.patch(&url, &json!({"description": null}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(cleared.get("description").is_none(), "{cleared}");
    assert_eq!(cleared["platform"], "macOS");
}

#[tokio::test]
async fn delete_answers_204_and_unknown_ids_404() {
    let sb = Sb::default().await;
    let (_, created) = status_json(
        sb.post(&sb.url(""), &row("SERIAL1", "serialNumber"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let url = sb.url(&format!("/{}", created["id"].as_str().unwrap()));
    let r = sb.delete(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(r.bytes().await.unwrap().is_empty());
    for req in [
        sb.get(&url),
        sb.delete(&url),
        sb.patch(&url, &json!({"description": "x"})),
    ] {
        let (status, body) = status_json(req.send().await.unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        graph_error(&body, "ResourceNotFound");
    }
}

#[tokio::test]
async fn import_creates_keeps_or_overwrites_row_by_row() {
    let sb = Sb::default().await;
    let rows = json!([
        row("AAA1", "serialNumber"),
        row("BBB2", "serialNumber"),
        row("aaa1", "serialNumber")
    ]);
    let (status, body) = sb.import(rows, false).await;
    assert_eq!(status, StatusCode::OK);
    let v = body["value"].as_array().unwrap();
    let statuses: Vec<_> = v.iter().map(|r| r["status"].clone()).collect();
    assert_eq!(statuses, [json!(true), json!(true), json!(false)]);
    assert!(
        v.iter()
            .all(|r| r["@odata.type"] == "#microsoft.graph.importedDeviceIdentityResult")
    );
    assert_eq!(
        v[2]["id"], v[0]["id"],
        "a duplicate echoes the first row's identity"
    );
    let first_id = v[0]["id"].clone();

    let mut changed = row("aaa1", "serialNumber");
    changed["description"] = json!("new details");
    let (_, body) = sb
        .import(json!([changed.clone(), row("CCC3", "serialNumber")]), false)
        .await;
    let v = body["value"].as_array().unwrap();
    assert_eq!(
        (v[0]["status"].clone(), v[1]["status"].clone()),
        (json!(false), json!(true))
    );
    assert!(v[0].get("description").is_none(), "unchanged: {}", v[0]);

    let r = sb
        .post(
            &sb.url("/microsoft.graph.importDeviceIdentityList"),
            &json!({"importedDeviceIdentities": [changed], "overwriteImportedDeviceIdentities": true}),
        )
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!(status, StatusCode::OK);
    let replaced = &body["value"][0];
    assert_eq!(replaced["status"], true);
    assert_eq!(replaced["id"], first_id);
    assert_eq!(replaced["description"], "new details");
    assert_ne!(
        replaced["lastModifiedDateTime"],
        replaced["createdDateTime"]
    );
    assert_eq!(sb.sandbox.identity_count(), 3);

    let mut windows = row(
        "Lenovo,thinkpad t14,02234567890123",
        "manufacturerModelSerial",
    );
    windows["platform"] = json!("unknown");
    let (_, body) = sb.import(json!([windows]), false).await;
    assert_eq!(body["value"][0]["platform"], "windows");
}

#[tokio::test]
async fn an_invalid_row_rejects_the_whole_import_with_intunes_body() {
    let sb = Sb::default().await;
    let mut long = row("SERIAL9", "serialNumber");
    long["description"] = json!("d".repeat(129));
    let rows = json!([
        row("SERIAL1", "serialNumber"),
        row("Imported Device Identifier value", "imei"),
        long,
        row("Lenovo,,x", "manufacturerModelSerial"),
        row("", "serialNumber"),
    ]);
    let body = json!({"importedDeviceIdentities": rows});
    let r = sb
        .post(&sb.url("/importDeviceIdentityList"), &body)
        .header("client-request-id", "activity-42")
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let e = graph_error(&body, "BadRequest");
    let message = e["message"].as_str().unwrap();
    assert!(
        message.starts_with("{\r\n  \"_version\": 3,\r\n"),
        "{message:?}"
    );
    let inner: Value = serde_json::from_str(message).unwrap();
    let text = inner["Message"].as_str().unwrap();
    assert!(text.starts_with("Invalid Device Identifier parameter found for 4 import records! - Operation ID (for customer support): "), "{text}");
    assert!(
        text.contains(" - Activity ID: activity-42 - Url: https://"),
        "{text}"
    );
    assert_eq!(sb.sandbox.identity_count(), 0);

    let (status, body) = status_json(
        sb.post(&sb.url(""), &row("12AB", "imei"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        graph_error(&body, "BadRequest")["message"]
            .as_str()
            .unwrap()
            .contains("for 1 import records!")
    );
}

#[tokio::test]
async fn unknown_enum_members_and_bad_json_are_400() {
    let sb = Sb::default().await;
    let mut bad = row("SERIAL1", "serialNumber");
    bad["platform"] = json!("holoLens");
    let (status, body) = sb.import(json!([bad]), false).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        graph_error(&body, "BadRequest")["message"],
        "Cannot convert the literal 'holoLens' to the expected type 'microsoft.graph.platform'."
    );
    let (status, body) = sb.import(json!([row("X1", "qrCode")]), false).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        graph_error(&body, "BadRequest")["message"]
            .as_str()
            .unwrap()
            .contains("importedDeviceIdentityType")
    );

    for text in ["{not json", "", "[]", "{\"importedDeviceIdentities\": 5}"] {
        let r = sb
            .client
            .post(sb.url("/importDeviceIdentityList"))
            .bearer_auth(enroll_sandbox::SANDBOX_TOKEN)
            .header("content-type", "application/json")
            .body(text)
            .send()
            .await
            .unwrap();
        let (status, body) = status_json(r).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
        graph_error(&body, "BadRequest");
    }
    assert_eq!(sb.sandbox.identity_count(), 0);
}

#[tokio::test]
async fn search_finds_stored_identities_on_both_paths() {
    let sb = Sb::default().await;
    sb.import(
        json!([
            row("490154203237518", "imei"),
            row("C02XK0XXJGH5", "serialNumber"),
            row(
                "Microsoft Corporation,Virtual Machine,7801-5131",
                "manufacturerModelSerial"
            ),
        ]),
        false,
    )
    .await;
    let query = json!({"importedDeviceIdentities": [
        row("c02xk0xxjgh5", "serialNumber"),
        row("MICROSOFTCORPORATION,VIRTUALMACHINE,78015131", "manufacturerModelSerial"),
        row("NOPE", "serialNumber"),
        {"importedDeviceIdentifier": "490154203237518"},
    ]});
    for path in [
        "/searchExistingIdentities",
        "/microsoft.graph.searchExistingIdentities",
    ] {
        let (status, body) =
            status_json(sb.post(&sb.url(path), &query).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let found: Vec<&str> = body["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["importedDeviceIdentifier"].as_str().unwrap())
            .collect();
        assert_eq!(
            found,
            [
                "C02XK0XXJGH5",
                "Microsoft Corporation,Virtual Machine,7801-5131",
                "490154203237518"
            ]
        );
    }
}

#[tokio::test]
async fn a_missing_or_empty_token_is_401() {
    let sb = Sb::default().await;
    let url = sb.url("");
    for auth in [None, Some("Bearer"), Some("Bearer   "), Some("Basic abc")] {
        let mut req = sb.client.get(&url);
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let (status, body) = status_json(req.send().await.unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert_eq!(
            graph_error(&body, "InvalidAuthenticationToken")["message"],
            "Access token is empty."
        );
    }
    let r = sb
        .client
        .get(&url)
        .bearer_auth("anything-non-empty")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn every_answer_carries_request_ids() {
    let sb = Sb::default().await;
    let r = sb
        .get(&sb.url(""))
        .header("client-request-id", "mine-1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["client-request-id"], "mine-1");
    assert!(uuid::Uuid::parse_str(r.headers()["request-id"].to_str().unwrap()).is_ok());

    let r = sb
        .get(&sb.url("/nope"))
        .header("client-request-id", "mine-2")
        .send()
        .await
        .unwrap();
    let request_id = r.headers()["request-id"].to_str().unwrap().to_string();
    let (status, body) = status_json(r).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let inner = &graph_error(&body, "ResourceNotFound")["innerError"];
    assert_eq!(inner["client-request-id"], "mine-2");
    assert_eq!(inner["request-id"], request_id);

    let r = sb.get(&sb.url("")).send().await.unwrap();
    assert!(uuid::Uuid::parse_str(r.headers()["client-request-id"].to_str().unwrap()).is_ok());
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405() {
    let sb = Sb::default().await;
    let root = sb.sandbox.graph_url();
    for url in [
        format!("{root}/deviceManagement/somethingElse"),
        format!("{root}/../v1.0/me"),
    ] {
        let (status, body) = status_json(sb.get(&url).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{url}");
        graph_error(&body, "ResourceNotFound");
    }
    let r = sb
        .get(&sb.url("/importDeviceIdentityList"))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    graph_error(&body, "MethodNotAllowed");
    let (status, _) = status_json(
        sb.client
            .put(sb.url(""))
            .bearer_auth("t")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}
