//! Listing: paging by `@odata.nextLink`, `$top`/`$skip`, `$filter`, `$count`,
//! a 100,000-identity tenant, action answers in pages, looping nextLinks, and
//! identities that read as enrolled after a while.

use crate::support as sandbox_support;

use std::collections::HashSet;
use std::time::Duration;

use enroll_sandbox::{Faults, ManualClock, NextLinkCycle, SandboxOptions};
use reqwest::StatusCode;
use sandbox_support::*;
use serde_json::{Value, json};

async fn with_rows(n: usize, page_size: usize) -> Sb {
    let sb = Sb::start(SandboxOptions {
        page_size,
        ..documented_options()
    })
    .await;
    let (status, _) = sb.import(serial_rows(n), false).await;
    assert_eq!(status, StatusCode::OK);
    sb
}

fn identifiers(values: &[Value]) -> Vec<String> {
    values
        .iter()
        .map(|v| v["importedDeviceIdentifier"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn following_next_links_verbatim_yields_every_identity_once_in_creation_order() {
    let sb = with_rows(250, 100).await;
    let mut url = Some(sb.url(""));
    let mut sizes = Vec::new();
    let mut all = Vec::new();
    while let Some(u) = url {
        let (status, page) = status_json(sb.get(&u).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            page["@odata.context"],
            format!(
                "{}/$metadata#deviceManagement/importedDeviceIdentities",
                sb.sandbox.graph_url()
            )
        );
        let value = page["value"].as_array().unwrap();
        sizes.push(value.len());
        all.extend(value.iter().cloned());
        url = page["@odata.nextLink"].as_str().map(str::to_string);
        if let Some(next) = &url {
            assert!(next.starts_with(&format!(
                "http://127.0.0.1:{}/beta/",
                sb.sandbox.addr().port()
            )));
            assert!(next.contains("$skiptoken="), "{next}");
        }
    }
    assert_eq!(sizes, [100, 100, 50]);
    let ids = identifiers(&all);
    let expected: Vec<String> = (0..250).map(|i| format!("SER{i:05}")).collect();
    assert_eq!(ids, expected);
    let unique: HashSet<_> = all.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(unique.len(), 250);
}

#[tokio::test]
async fn top_sets_the_page_size_up_to_the_maximum_and_skip_offsets() {
    let sb = with_rows(250, 100).await;
    let (_, page) = status_json(sb.get(&sb.url("?$top=30")).send().await.unwrap()).await;
    assert_eq!(page["value"].as_array().unwrap().len(), 30);
    let next = page["@odata.nextLink"].as_str().unwrap();
    assert!(next.contains("$top=30"), "the query is kept: {next}");
    let (_, page2) = status_json(sb.get(next).send().await.unwrap()).await;
    assert_eq!(
        identifiers(page2["value"].as_array().unwrap())[0],
        "SER00030"
    );

    let (_, page) = status_json(sb.get(&sb.url("?$top=1000")).send().await.unwrap()).await;
    assert_eq!(page["value"].as_array().unwrap().len(), 100);

    let all = sb.list_all(&sb.url("?$skip=240")).await;
    assert_eq!(
        identifiers(&all),
        (240..250).map(|i| format!("SER{i:05}")).collect::<Vec<_>>()
    );

    let (status, body) = status_json(sb.get(&sb.url("?$top=abc")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    graph_error(&body, "BadRequest");
    let (status, _) =
        status_json(sb.get(&sb.url("?$skiptoken=forged")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn filters_on_the_identifier_and_the_enums() {
    let sb = Sb::start(SandboxOptions {
        page_size: 2,
        ..documented_options()
    })
    .await;
    let mut rows = Vec::new();
    for (id, ty, platform, state) in [
        ("C02AAA111", "serialNumber", "macOS", "notContacted"),
        ("c02bbb222", "serialNumber", "ios", "enrolled"),
        ("XYZC02", "serialNumber", "ios", "notContacted"),
        ("490154203237518", "imei", "android", "notContacted"),
        ("353456789012348", "imei", "ios", "enrolled"),
    ] {
        let mut r = row(id, ty);
        r["platform"] = json!(platform);
        r["enrollmentState"] = json!(state);
        rows.push(r);
    }
    sb.import(Value::Array(rows), false).await;
    let cases = [
        ("importedDeviceIdentifier eq 'C02BBB222'", vec!["c02bbb222"]),
        (
            "startswith(importedDeviceIdentifier,'c02')",
            vec!["C02AAA111", "c02bbb222"],
        ),
        (
            "contains(importedDeviceIdentifier,'C02')",
            vec!["C02AAA111", "c02bbb222", "XYZC02"],
        ),
        (
            "importedDeviceIdentityType eq 'imei'",
            vec!["490154203237518", "353456789012348"],
        ),
        (
            "platform eq 'ios' and enrollmentState eq 'enrolled'",
            vec!["c02bbb222", "353456789012348"],
        ),
        (
            "platform eq 'ios' and (contains(importedDeviceIdentifier,'c02'))",
            vec!["c02bbb222", "XYZC02"],
        ),
        ("enrollmentState eq 'blocked'", vec![]),
    ];
    for (filter, expected) in cases {
        let url =
            reqwest::Url::parse_with_params(&sb.url(""), [("$filter", filter), ("$count", "true")])
                .unwrap();
        let (status, first) = status_json(sb.get(url.as_str()).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{filter}: {first}");
        assert_eq!(first["@odata.count"], expected.len(), "{filter}");
        let all = sb.list_all(url.as_str()).await;
        assert_eq!(identifiers(&all), expected, "{filter}");

        let count_url =
            reqwest::Url::parse_with_params(&sb.url("/$count"), [("$filter", filter)]).unwrap();
        let r = sb.get(count_url.as_str()).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
        assert_eq!(
            r.text().await.unwrap(),
            expected.len().to_string(),
            "{filter}"
        );
    }
    for unsupported in [
        "description eq 'x'",
        "platform eq 'ios' or platform eq 'android'",
        "endswith(importedDeviceIdentifier,'1')",
    ] {
        let url = reqwest::Url::parse_with_params(&sb.url(""), [("$filter", unsupported)]).unwrap();
        let (status, body) = status_json(sb.get(url.as_str()).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{unsupported}");
        graph_error(&body, "BadRequest");
    }
    let r = sb.get(&sb.url("/$count")).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "5");
}

#[tokio::test]
async fn a_hundred_thousand_identities_page_quickly_and_sparse_filters_may_give_empty_pages() {
    let sb = Sb::start(SandboxOptions {
        page_size: 1000,
        seed_identities: 100_000,
        ..documented_options()
    })
    .await;
    assert_eq!(sb.sandbox.identity_count(), 100_000);
    let r = sb.get(&sb.url("/$count")).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "100000");

    let (_, page) = status_json(
        sb.get(&sb.url("?$skip=99999&$count=true"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page["@odata.count"], 100_000);
    let last = page["value"][0]["importedDeviceIdentifier"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(page.get("@odata.nextLink").is_none());

    let url = reqwest::Url::parse_with_params(
        &sb.url(""),
        [(
            "$filter",
            format!("importedDeviceIdentifier eq '{}'", last.to_lowercase()),
        )],
    )
    .unwrap();
    let mut next = Some(url.to_string());
    let (mut pages, mut empty, mut found) = (0, 0, Vec::new());
    while let Some(u) = next {
        let (_, page) = status_json(sb.get(&u).send().await.unwrap()).await;
        let value = page["value"].as_array().unwrap();
        pages += 1;
        if value.is_empty() {
            empty += 1;
        }
        found.extend(identifiers(value));
        next = page["@odata.nextLink"].as_str().map(str::to_string);
    }
    assert_eq!(found, [last]);
    assert!(empty >= 1 && pages >= 2, "pages {pages}, empty {empty}");
}

/// A sandbox paging action answers, with `rows` imported and `cycle`.
async fn paging_actions(page_size: usize, cycle: NextLinkCycle) -> Sb {
    Sb::start(SandboxOptions {
        page_size,
        page_actions: true,
        faults: Faults {
            next_link_cycle: cycle,
            ..documented_faults()
        },
        ..documented_options()
    })
    .await
}

/// Follows an answer's `@odata.nextLink`s (at most `cap` of them); returns
/// the rows, the page sizes and the links in the order they came.
async fn follow(sb: &Sb, first: &Value, cap: usize) -> (Vec<Value>, Vec<usize>, Vec<String>) {
    let mut rows: Vec<Value> = first["value"].as_array().unwrap().clone();
    let mut sizes = vec![rows.len()];
    let mut links = Vec::new();
    let mut next = first["@odata.nextLink"].as_str().map(str::to_string);
    while let Some(url) = next {
        if links.len() == cap {
            break;
        }
        links.push(url.clone());
        let (status, page) = status_json(sb.get(&url).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let value = page["value"].as_array().unwrap();
        sizes.push(value.len());
        rows.extend(value.iter().cloned());
        next = page["@odata.nextLink"].as_str().map(str::to_string);
    }
    (rows, sizes, links)
}

#[tokio::test]
async fn an_import_longer_than_a_page_answers_in_pages_with_every_row_once() {
    let sb = paging_actions(100, NextLinkCycle::Off).await;
    let (status, first) = sb.import(serial_rows(250), false).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        first["@odata.context"],
        format!(
            "{}/$metadata#Collection(microsoft.graph.importedDeviceIdentityResult)",
            sb.sandbox.graph_url()
        )
    );
    let link = first["@odata.nextLink"].as_str().unwrap();
    assert!(
        link.starts_with(&sb.url("/importDeviceIdentityList?$skiptoken=")),
        "{link}"
    );
    let (rows, sizes, links) = follow(&sb, &first, 10).await;
    assert_eq!(sizes, [100, 100, 50]);
    assert_eq!(links.len(), 2);
    let expected: Vec<String> = (0..250).map(|i| format!("SER{i:05}")).collect();
    assert_eq!(identifiers(&rows), expected, "every row once, in order");
    assert!(rows.iter().all(|r| r["status"] == true));
    assert_eq!(sb.sandbox.identity_count(), 250);
    let stats = sb.sandbox.stats();
    assert_eq!((stats.import, stats.page, stats.total), (1, 2, 3));

    // Searching for all of them pages the same way.
    let r = sb
        .post(
            &sb.url("/microsoft.graph.searchExistingIdentities"),
            &json!({"importedDeviceIdentities": serial_rows(250)}),
        )
        .send()
        .await
        .unwrap();
    let (status, first) = status_json(r).await;
    assert_eq!(status, StatusCode::OK);
    let (rows, sizes, _) = follow(&sb, &first, 10).await;
    assert_eq!(sizes, [100, 100, 50]);
    assert_eq!(identifiers(&rows), expected);

    // An answer that fits a page has no link; a made-up token is refused.
    let (_, small) = sb.import(serial_rows(100), false).await;
    assert!(small.get("@odata.nextLink").is_none());
    assert_eq!(small["value"].as_array().unwrap().len(), 100);
    let r = sb
        .get(&sb.url("/importDeviceIdentityList?$skiptoken=nope.1"))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    graph_error(&body, "BadRequest");
}

#[tokio::test]
async fn without_action_paging_an_import_answers_every_row_at_once() {
    let sb = with_rows(0, 100).await;
    let (status, body) = sb.import(serial_rows(250), false).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["value"].as_array().unwrap().len(), 250);
    assert!(body.get("@odata.nextLink").is_none());
}

#[tokio::test]
async fn list_next_links_can_loop_on_one_page_or_between_two() {
    let sb = with_rows(5, 2).await;
    sb.sandbox.set_faults(Faults {
        next_link_cycle: NextLinkCycle::SelfLoop,
        ..documented_faults()
    });
    let first = sb.url("?$top=2");
    let (_, page) = status_json(sb.get(&first).send().await.unwrap()).await;
    assert_eq!(page["@odata.nextLink"], first.as_str(), "A → A");
    let (_, again) = status_json(sb.get(&first).send().await.unwrap()).await;
    assert_eq!(again, page);

    sb.sandbox.set_faults(Faults {
        next_link_cycle: NextLinkCycle::Pair,
        ..documented_faults()
    });
    let (_, a) = status_json(sb.get(&first).send().await.unwrap()).await;
    let b_url = a["@odata.nextLink"].as_str().unwrap().to_string();
    assert_ne!(b_url, first);
    let (_, b) = status_json(sb.get(&b_url).send().await.unwrap()).await;
    assert_eq!(
        identifiers(b["value"].as_array().unwrap()),
        ["SER00002", "SER00003"]
    );
    assert_eq!(b["@odata.nextLink"], first.as_str(), "A → B → A");

    // Even a tenant that fits one page gets its B (an empty page).
    let small = with_rows(1, 100).await;
    small.sandbox.set_faults(Faults {
        next_link_cycle: NextLinkCycle::Pair,
        ..documented_faults()
    });
    let (_, a) = status_json(small.get(&small.url("")).send().await.unwrap()).await;
    let b_url = a["@odata.nextLink"].as_str().unwrap().to_string();
    let (_, b) = status_json(small.get(&b_url).send().await.unwrap()).await;
    assert_eq!(b["value"], json!([]));
    assert_eq!(b["@odata.nextLink"], small.url("").as_str());
}

#[tokio::test]
async fn action_answer_links_can_loop_too() {
    let sb = paging_actions(100, NextLinkCycle::SelfLoop).await;
    let (_, first) = sb.import(serial_rows(250), false).await;
    let (_, sizes, links) = follow(&sb, &first, 4).await;
    assert_eq!(sizes, [100, 100, 100, 100, 100]);
    assert!(links.iter().all(|l| *l == links[0]), "{links:?}");

    let sb = paging_actions(100, NextLinkCycle::Pair).await;
    let (_, first) = sb.import(serial_rows(250), false).await;
    let (_, _, links) = follow(&sb, &first, 5).await;
    assert_ne!(links[0], links[1]);
    assert_eq!(links[2], links[0]);
    assert_eq!(links[3], links[1]);
    assert_eq!(sb.sandbox.stats().page, 5);
}

#[tokio::test]
async fn identities_read_as_enrolled_once_enroll_after_has_passed() {
    let clock = ManualClock::starting_now();
    let sb = Sb::start(SandboxOptions {
        enroll_after: Some(Duration::from_secs(60)),
        clock: clock.clock(),
        ..documented_options()
    })
    .await;
    let (_, created) = status_json(
        sb.post(&sb.url(""), &row("LIVE1", "serialNumber"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let one = sb.url(&format!("/{}", created["id"].as_str().unwrap()));
    let state = |v: &Value| v["enrollmentState"].as_str().unwrap().to_string();
    let get = || async { status_json(sb.get(&one).send().await.unwrap()).await.1 };
    assert_eq!(state(&get().await), "notContacted");
    clock.advance(Duration::from_secs(59));
    assert_eq!(state(&get().await), "notContacted");
    clock.advance(Duration::from_secs(1));
    let seen = get().await;
    assert_eq!(state(&seen), "enrolled");
    let when = |key: &str, v: &Value| {
        time::OffsetDateTime::parse(
            v[key].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
    };
    assert_eq!(
        when("lastContactedDateTime", &seen) - when("createdDateTime", &seen),
        time::Duration::seconds(60)
    );

    // The list, its filter and count, and a search all show it.
    let listed = sb.list_all(&sb.url("")).await;
    let mut entity = seen.clone();
    entity.as_object_mut().unwrap().remove("@odata.context");
    assert_eq!(listed, vec![entity]);
    let enrolled = sb
        .list_all(&sb.url("?$filter=enrollmentState%20eq%20'enrolled'"))
        .await;
    assert_eq!(enrolled.len(), 1);
    let (_, count) = status_json(
        sb.get(&sb.url("/$count?$filter=enrollmentState%20eq%20'notContacted'"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(count, json!(0));
    let r = sb
        .post(
            &sb.url("/searchExistingIdentities"),
            &json!({"importedDeviceIdentities": [row("LIVE1", "serialNumber")]}),
        )
        .send()
        .await
        .unwrap();
    let (_, found) = status_json(r).await;
    assert_eq!(state(&found["value"][0]), "enrolled");

    // One created later is not enrolled yet; one imported as blocked never is.
    sb.import(
        json!([row("LIVE2", "serialNumber"), {
            "importedDeviceIdentifier": "LIVE3", "importedDeviceIdentityType": "serialNumber",
            "enrollmentState": "blocked"
        }]),
        false,
    )
    .await;
    clock.advance(Duration::from_secs(30));
    let states: Vec<String> = sb.list_all(&sb.url("")).await.iter().map(state).collect();
    assert_eq!(states, ["enrolled", "notContacted", "blocked"]);
    clock.advance(Duration::from_secs(3_600));
    let states: Vec<String> = sb.list_all(&sb.url("")).await.iter().map(state).collect();
    assert_eq!(states, ["enrolled", "enrolled", "blocked"]);
}
