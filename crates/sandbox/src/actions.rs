//! Writes by POST: the documented create, `importDeviceIdentityList` and
//! `searchExistingIdentities`.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::Shared;
use super::errors::{GraphFailure, create_route_missing};
use super::modes::{CreateRoute, ImportRoute};
use super::pages;
use super::rules::{check_enums, identity_key, key_of, new_identity, overwrite, row_is_valid};
use super::store::Change;
use crate::domain::identity::RESULT_ODATA_TYPE;
use crate::domain::{
    ImportDeviceIdentityListRequest, ImportedDeviceIdentity, ImportedDeviceIdentityResult,
    ImportedDeviceIdentityType, SearchExistingIdentitiesRequest,
};

/// Reads a JSON body; anything unreadable is a 400.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &Bytes) -> Result<T, GraphFailure> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(GraphFailure::bad_request("The request body is empty."));
    }
    serde_json::from_slice(body)
        .map_err(|e| GraphFailure::bad_request(format!("Invalid request body: {e}")))
}

fn result(identity: ImportedDeviceIdentity, status: bool) -> ImportedDeviceIdentityResult {
    ImportedDeviceIdentityResult {
        identity: ImportedDeviceIdentity {
            odata_type: Some(RESULT_ODATA_TYPE.to_string()),
            ..identity
        },
        status: Some(status),
    }
}

/// Enum members, then identifiers: the first is OData's check, the second Intune's.
fn validate_rows(
    rows: &[ImportedDeviceIdentity],
    action: &'static str,
) -> Result<(), GraphFailure> {
    for row in rows {
        check_enums(row)?;
    }
    let invalid = rows.iter().filter(|r| !row_is_valid(r)).count();
    if invalid > 0 {
        return Err(GraphFailure::invalid_records(invalid, action));
    }
    Ok(())
}

/// `POST` on the collection: 201 with a result, 409 when the identifier
/// exists — or, as the service has answered it over the years, a 400 (no
/// route) or a 500, with nothing created.
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Response, GraphFailure> {
    match shared.faults().create_route {
        CreateRoute::Documented => {}
        CreateRoute::NoRoute => return Err(create_route_missing()),
        CreateRoute::ServerError => return Err(GraphFailure::intune_internal("")),
    }
    let row: ImportedDeviceIdentity = parse_json(&body)?;
    validate_rows(std::slice::from_ref(&row), "importedDeviceIdentities")?;
    let mut store = shared.lock_store();
    if store.by_key(&key_of(&row)).is_some() {
        return Err(GraphFailure::new(
            StatusCode::CONFLICT,
            "Conflict",
            format!(
                "An imported device identity with the identifier '{}' already exists.",
                row.identifier().trim()
            ),
        ));
    }
    let identity = new_identity(&row, shared.now());
    store
        .commit(vec![Change::Put(identity.clone())])
        .map_err(|e| GraphFailure::internal(e.to_string()))?;
    drop(store);
    let location = format!(
        "{}/{}",
        shared.collection_url(),
        identity.id.as_deref().unwrap_or_default()
    );
    let mut response = (StatusCode::CREATED, Json(result(identity, true))).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// `importDeviceIdentityList`: one result per row, in order (paged when
/// longer than a page and action answers are paged).
pub(crate) async fn import(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Response, GraphFailure> {
    if shared.faults().import_route == ImportRoute::ServerError {
        return Err(GraphFailure::intune_internal(
            "microsoft.management.services.api.importDeviceIdentityList",
        ));
    }
    let request: ImportDeviceIdentityListRequest = parse_json(&body)?;
    let rows = &request.imported_device_identities;
    validate_rows(rows, "importDeviceIdentityList")?;
    let replace = request.overwrite_imported_device_identities;
    let at = shared.now();
    let mut store = shared.lock_store();
    let mut results = Vec::with_capacity(rows.len());
    let mut changes = Vec::new();
    // Each identifier's state after the rows so far; a later duplicate loses.
    let mut decided: HashMap<String, ImportedDeviceIdentity> = HashMap::new();
    for row in rows {
        let key = key_of(row);
        if let Some(current) = decided.get(&key) {
            results.push(result(current.clone(), false));
            continue;
        }
        let (identity, status) = match store.by_key(&key) {
            Some(existing) if replace => (overwrite(&existing.identity, row, at), true),
            Some(existing) => (shared.seen(&existing.identity).into_owned(), false),
            None => (new_identity(row, at), true),
        };
        if status {
            changes.push(Change::Put(identity.clone()));
        }
        results.push(result(identity.clone(), status));
        decided.insert(key, identity);
    }
    store
        .commit(changes)
        .map_err(|e| GraphFailure::internal(e.to_string()))?;
    drop(store);
    let context = shared.context("Collection(microsoft.graph.importedDeviceIdentityResult)");
    Ok(pages::answer(
        &shared,
        "importDeviceIdentityList",
        context,
        results,
    ))
}

/// `searchExistingIdentities`: the stored identities matching any row.
pub(crate) async fn search(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Response, GraphFailure> {
    let request: SearchExistingIdentitiesRequest = parse_json(&body)?;
    let rows = &request.imported_device_identities;
    validate_rows(rows, "searchExistingIdentities")?;
    let store = shared.lock_store();
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    for row in rows {
        let keys = match &row.imported_device_identity_type {
            Some(_) => vec![key_of(row)],
            // Without a type, both ways of comparing apply.
            None => vec![
                identity_key(row.identifier(), None),
                identity_key(
                    row.identifier(),
                    Some(&ImportedDeviceIdentityType::ManufacturerModelSerial),
                ),
            ],
        };
        for key in keys {
            if let Some(stored) = store.by_key(&key)
                && seen.insert(stored.seq)
            {
                found.push(shared.seen(&stored.identity).into_owned());
            }
        }
    }
    drop(store);
    let context = shared.context("Collection(microsoft.graph.importedDeviceIdentity)");
    Ok(pages::answer(
        &shared,
        "searchExistingIdentities",
        context,
        found,
    ))
}
