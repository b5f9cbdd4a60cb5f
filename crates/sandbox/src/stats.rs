//! Counting the requests the sandbox serves, by kind, so tests can assert
//! how many requests a client sent: `GET /_sandbox/stats`, reset with
//! `POST /_sandbox/stats/reset`, and [`super::RunningSandbox::stats`].

use std::sync::Arc;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::{COLLECTION, Shared};

/// Where the statistics are served (outside the bearer check).
pub(crate) const STATS_PATH: &str = "/_sandbox/stats";
pub(crate) const STATS_RESET_PATH: &str = "/_sandbox/stats/reset";

/// Requests served since the start or the last reset. A request is counted
/// under its kind when it arrives (so a dropped connection counts too);
/// `throttled429` counts answers with status 429, of any kind, once more.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// `POST` on the collection (the documented create).
    pub create: u64,
    /// `importDeviceIdentityList`, either path.
    pub import: u64,
    /// `searchExistingIdentities`, either path.
    pub search: u64,
    /// `GET` on the collection (every page of a listing).
    pub list: u64,
    /// `GET .../$count`.
    pub count: u64,
    /// `GET` of one identity by id.
    pub get: u64,
    pub patch: u64,
    pub delete: u64,
    /// `GET` of a later page of an action's answer (its `@odata.nextLink`).
    pub page: u64,
    /// The token endpoint (device code polls, refreshes, client credentials).
    pub token: u64,
    /// The device code endpoint.
    pub devicecode: u64,
    /// Answers with status 429 (write limit or throttle fault).
    pub throttled429: u64,
    /// Anything else (unknown routes, wrong methods).
    pub other: u64,
    /// Every request counted above except the 429s' second count.
    pub total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Create,
    Import,
    Search,
    List,
    Count,
    Get,
    Patch,
    Delete,
    Page,
    Token,
    DeviceCode,
    Other,
}

fn is_action(segment: &str, name: &str) -> bool {
    segment == name || segment.strip_prefix("microsoft.graph.") == Some(name)
}

/// The kind of a request, from its method and path.
pub(crate) fn kind_of(method: &Method, path: &str) -> Kind {
    let path = path.trim_end_matches('/');
    if let Some(rest) = path.strip_prefix(COLLECTION) {
        let get = *method == Method::GET;
        let post = *method == Method::POST;
        return match rest.strip_prefix('/') {
            None if rest.is_empty() && get => Kind::List,
            None if rest.is_empty() && post => Kind::Create,
            Some("$count") if get => Kind::Count,
            Some(s) if is_action(s, "importDeviceIdentityList") && post => Kind::Import,
            Some(s) if is_action(s, "searchExistingIdentities") && post => Kind::Search,
            Some(s)
                if get
                    && (is_action(s, "importDeviceIdentityList")
                        || is_action(s, "searchExistingIdentities")) =>
            {
                Kind::Page
            }
            Some(s) if !s.is_empty() && !s.contains('/') => match *method {
                Method::GET => Kind::Get,
                Method::PATCH => Kind::Patch,
                Method::DELETE => Kind::Delete,
                _ => Kind::Other,
            },
            _ => Kind::Other,
        };
    }
    if *method == Method::POST && path.ends_with("/oauth2/v2.0/token") {
        return Kind::Token;
    }
    if *method == Method::POST && path.ends_with("/oauth2/v2.0/devicecode") {
        return Kind::DeviceCode;
    }
    Kind::Other
}

impl Stats {
    pub(crate) fn add(&mut self, kind: Kind) {
        let slot = match kind {
            Kind::Create => &mut self.create,
            Kind::Import => &mut self.import,
            Kind::Search => &mut self.search,
            Kind::List => &mut self.list,
            Kind::Count => &mut self.count,
            Kind::Get => &mut self.get,
            Kind::Patch => &mut self.patch,
            Kind::Delete => &mut self.delete,
            Kind::Page => &mut self.page,
            Kind::Token => &mut self.token,
            Kind::DeviceCode => &mut self.devicecode,
            Kind::Other => &mut self.other,
        };
        *slot += 1;
        self.total += 1;
    }

    /// Write requests the service would count against its write limit.
    pub fn writes(&self) -> u64 {
        self.create + self.import + self.patch + self.delete
    }
}

/// The outermost middleware: counts every request but the statistics' own.
pub(crate) async fn count(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path == STATS_PATH || path == STATS_RESET_PATH {
        return next.run(req).await;
    }
    let kind = kind_of(req.method(), path);
    shared.lock_stats().add(kind);
    let response = next.run(req).await;
    if response.status() == StatusCode::TOO_MANY_REQUESTS {
        shared.lock_stats().throttled429 += 1;
    }
    response
}

pub(crate) async fn show(State(shared): State<Arc<Shared>>) -> Json<Stats> {
    Json(*shared.lock_stats())
}

pub(crate) async fn reset(State(shared): State<Arc<Shared>>) -> Json<Stats> {
    let mut stats = shared.lock_stats();
    let before = *stats;
    *stats = Stats::default();
    Json(before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_method_and_path() {
        let c = |m: Method, suffix: &str| kind_of(&m, &format!("{COLLECTION}{suffix}"));
        assert_eq!(c(Method::GET, ""), Kind::List);
        assert_eq!(c(Method::POST, ""), Kind::Create);
        assert_eq!(c(Method::GET, "/$count"), Kind::Count);
        assert_eq!(c(Method::POST, "/importDeviceIdentityList"), Kind::Import);
        assert_eq!(
            c(Method::POST, "/microsoft.graph.searchExistingIdentities"),
            Kind::Search
        );
        assert_eq!(c(Method::GET, "/importDeviceIdentityList"), Kind::Page);
        assert_eq!(c(Method::GET, "/abc"), Kind::Get);
        assert_eq!(c(Method::PATCH, "/abc"), Kind::Patch);
        assert_eq!(c(Method::DELETE, "/abc"), Kind::Delete);
        assert_eq!(c(Method::PUT, "/abc"), Kind::Other);
        assert_eq!(c(Method::GET, "/abc/def"), Kind::Other);
        assert_eq!(
            kind_of(&Method::POST, "/organizations/oauth2/v2.0/token"),
            Kind::Token
        );
        assert_eq!(
            kind_of(&Method::POST, "/t/oauth2/v2.0/devicecode"),
            Kind::DeviceCode
        );
        assert_eq!(kind_of(&Method::GET, "/beta/other"), Kind::Other);
    }

    #[test]
    fn totals_and_writes() {
        let mut s = Stats::default();
        for k in [
            Kind::Create,
            Kind::Import,
            Kind::Search,
            Kind::List,
            Kind::Patch,
        ] {
            s.add(k);
        }
        assert_eq!((s.total, s.writes()), (5, 3));
    }
}
