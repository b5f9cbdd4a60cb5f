//! The router, and the list, count, get, update and delete handlers.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;

use super::actions::{self, parse_json};
use super::errors::GraphFailure;
use super::errors::request_ids;
use super::faults;
use super::identity;
use super::limits;
use super::modes::NextLinkCycle;
use super::pages;
use super::query::{ListQuery, Position, next_query, query_without_skiptoken};
use super::rules::{check_enums, description_ok};
use super::stats::{self, STATS_PATH, STATS_RESET_PATH};
use super::store::Change;
use super::{COLLECTION, Shared};
use crate::domain::identity::IDENTITY_ODATA_TYPE;
use crate::domain::{ImportedDeviceIdentity, Page};

/// Identities looked at per list request at most; a filtered page may come
/// back short or empty, with a `@odata.nextLink` to go on.
const SCAN_BUDGET: usize = 10_000;

/// Request bodies up to this size are read (an import of many thousand rows).
const BODY_LIMIT: usize = 64 * 1024 * 1024;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let at = |suffix: &str| format!("{COLLECTION}{suffix}");
    Router::new()
        .route(COLLECTION, get(list).post(actions::create))
        .route(&at("/$count"), get(count))
        .route(
            &at("/importDeviceIdentityList"),
            post(actions::import).get(pages::later_page),
        )
        .route(
            &at("/microsoft.graph.importDeviceIdentityList"),
            post(actions::import).get(pages::later_page),
        )
        .route(
            &at("/searchExistingIdentities"),
            post(actions::search).get(pages::later_page),
        )
        .route(
            &at("/microsoft.graph.searchExistingIdentities"),
            post(actions::search).get(pages::later_page),
        )
        .route(
            &at("/{id}"),
            get(get_one).patch(patch_one).delete(delete_one),
        )
        .route_layer(from_fn_with_state(shared.clone(), faults::inject))
        .route_layer(from_fn_with_state(shared.clone(), limits::enforce))
        .route_layer(from_fn_with_state(shared.clone(), identity::require_token))
        .route(
            "/{tenant}/oauth2/v2.0/devicecode",
            post(identity::device_code),
        )
        .route("/{tenant}/oauth2/v2.0/token", post(identity::token))
        .route(
            "/{tenant}/oauth2/v2.0/authorize",
            get(super::authorize::authorize),
        )
        .route(STATS_PATH, get(stats::show))
        .route(STATS_RESET_PATH, post(stats::reset))
        .fallback(unknown_route)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn(request_ids))
        .layer(from_fn_with_state(shared.clone(), stats::count))
        .with_state(shared)
}

async fn unknown_route(uri: Uri) -> GraphFailure {
    let segment = uri.path().rsplit('/').find(|s| !s.is_empty()).unwrap_or("");
    GraphFailure::new(
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        format!("Resource not found for the segment '{segment}'."),
    )
}

/// An entity with its `@odata.context` first.
#[derive(Serialize)]
struct WithContext<'a, T> {
    #[serde(rename = "@odata.context")]
    context: String,
    #[serde(flatten)]
    entity: &'a T,
}

fn entity_response(
    shared: &Shared,
    status: StatusCode,
    identity: &ImportedDeviceIdentity,
) -> Response {
    let body = WithContext {
        context: shared.context("deviceManagement/importedDeviceIdentities/$entity"),
        entity: identity,
    };
    (status, Json(body)).into_response()
}

async fn list(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphFailure> {
    let q = ListQuery::parse(raw.as_deref())?;
    let page_size = q.top.map_or(shared.page_size, |t| t.min(shared.page_size));
    let cycle = shared.faults().next_link_cycle;
    let store = shared.lock_store();
    let unfiltered = q.filter.clauses.is_empty();
    let (mut pos, mut skip) = match q.position {
        Some(p) => (
            store.position_after(p.seq),
            usize::try_from(p.skip).unwrap_or(usize::MAX),
        ),
        None if unfiltered => (q.skip, 0),
        None => (0, q.skip),
    };
    let mut value = Vec::with_capacity(page_size.min(store.len()));
    let mut last_seq = None;
    let mut scanned = 0;
    while value.len() < page_size && scanned < SCAN_BUDGET {
        let Some(stored) = store.at(pos) else { break };
        pos += 1;
        scanned += 1;
        last_seq = Some(stored.seq);
        let seen = shared.seen(&stored.identity);
        if q.filter.matches(&seen, &stored.lower) {
            if skip > 0 {
                skip -= 1;
            } else {
                value.push(seen.into_owned());
            }
        }
    }
    let link_at = |seq: u64| {
        let position = Position {
            seq,
            skip: u64::try_from(skip)
                .unwrap_or(u64::MAX)
                .min(u64::from(u32::MAX)),
        };
        format!(
            "{}?{}",
            shared.collection_url(),
            next_query(raw.as_deref(), position)
        )
    };
    let natural = match last_seq {
        Some(seq) if page_size > 0 && pos < store.len() => Some(link_at(seq)),
        _ => None,
    };
    let next_link = match cycle {
        NextLinkCycle::Off => natural,
        // A → A: this very page again.
        NextLinkCycle::SelfLoop => Some(with_query(&shared, raw.as_deref().unwrap_or(""))),
        // A → B → A: the first page leads on (to an empty page past the end
        // if need be), any later page back to the first.
        NextLinkCycle::Pair if q.position.is_some() => Some(with_query(
            &shared,
            &query_without_skiptoken(raw.as_deref()),
        )),
        NextLinkCycle::Pair => natural.or_else(|| Some(link_at(last_seq.unwrap_or(0)))),
    };
    let count = q.count.then(|| count_matching(&shared, &store, &q.filter));
    drop(store);
    let page = Page {
        context: Some(shared.context("deviceManagement/importedDeviceIdentities")),
        count,
        value,
        next_link,
    };
    Ok(Json(page).into_response())
}

/// The collection's URL with `query` (none when empty).
fn with_query(shared: &Shared, query: &str) -> String {
    if query.is_empty() {
        shared.collection_url()
    } else {
        format!("{}?{query}", shared.collection_url())
    }
}

fn count_matching(
    shared: &Shared,
    store: &super::store::Store,
    filter: &super::filter::Filter,
) -> u64 {
    let n = if filter.clauses.is_empty() {
        store.len()
    } else {
        (0..store.len())
            .filter_map(|i| store.at(i))
            .filter(|s| filter.matches(&shared.seen(&s.identity), &s.lower))
            .count()
    };
    u64::try_from(n).unwrap_or(u64::MAX)
}

async fn count(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphFailure> {
    let filter = ListQuery::parse_filter(raw.as_deref())?;
    let n = count_matching(&shared, &shared.lock_store(), &filter);
    let mut response = n.to_string().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    Ok(response)
}

async fn get_one(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Response, GraphFailure> {
    let store = shared.lock_store();
    let stored = store.get(&id).ok_or_else(|| GraphFailure::not_found(&id))?;
    Ok(entity_response(
        &shared,
        StatusCode::OK,
        &shared.seen(&stored.identity),
    ))
}

async fn patch_one(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, GraphFailure> {
    let raw: serde_json::Value = parse_json(&body)?;
    let Some(fields) = raw.as_object() else {
        return Err(GraphFailure::bad_request(
            "The request body must be a JSON object.",
        ));
    };
    let patch: ImportedDeviceIdentity = serde_json::from_value(raw.clone())
        .map_err(|e| GraphFailure::bad_request(format!("Invalid request body: {e}")))?;
    check_enums(&patch)?;
    if !description_ok(patch.description.as_deref()) {
        return Err(GraphFailure::bad_request(
            "The description has more than 128 characters.",
        ));
    }
    let mut store = shared.lock_store();
    // An identity enrolled by the clock keeps that state once written.
    let mut identity = shared
        .seen(
            &store
                .get(&id)
                .ok_or_else(|| GraphFailure::not_found(&id))?
                .identity,
        )
        .into_owned();
    if fields.contains_key("description") {
        identity.description = patch.description;
    }
    if let Some(state) = patch.enrollment_state {
        identity.enrollment_state = Some(state);
    }
    if let Some(platform) = patch.platform {
        identity.platform = Some(platform);
    }
    if let Some(contacted) = patch.last_contacted_date_time {
        identity.last_contacted_date_time = Some(contacted);
    }
    identity.odata_type = Some(IDENTITY_ODATA_TYPE.to_string());
    identity.last_modified_date_time = Some(shared.now());
    store
        .commit(vec![Change::Put(identity.clone())])
        .map_err(|e| GraphFailure::internal(e.to_string()))?;
    drop(store);
    Ok(entity_response(&shared, StatusCode::OK, &identity))
}

async fn delete_one(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<StatusCode, GraphFailure> {
    let mut store = shared.lock_store();
    if store.get(&id).is_none() {
        return Err(GraphFailure::not_found(&id));
    }
    store
        .commit(vec![Change::Delete(id)])
        .map_err(|e| GraphFailure::internal(e.to_string()))?;
    Ok(StatusCode::NO_CONTENT)
}
