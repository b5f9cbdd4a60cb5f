//! Action answers in pages: an `importDeviceIdentityList` or
//! `searchExistingIdentities` answer longer than the page size is kept in
//! memory under an opaque token, its first page answered at once with an
//! `@odata.nextLink` to `GET` the next one from the action's own path.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use url::form_urlencoded;

use super::errors::GraphFailure;
use super::modes::NextLinkCycle;
use super::{COLLECTION, Shared};
use crate::domain::Page;

/// Answers kept at most; the oldest is forgotten first (its links then 400).
pub(crate) const ANSWERS_KEPT: usize = 64;

struct Answer {
    /// The action's path segment, for the links.
    action: &'static str,
    context: String,
    rows: Vec<Value>,
}

/// The answers whose later pages may still be asked for.
#[derive(Default)]
pub(crate) struct Answers {
    by_token: HashMap<String, Answer>,
    order: VecDeque<String>,
}

impl Answers {
    fn keep(&mut self, answer: Answer) -> String {
        let token = uuid::Uuid::new_v4().simple().to_string();
        while self.order.len() >= ANSWERS_KEPT {
            if let Some(old) = self.order.pop_front() {
                self.by_token.remove(&old);
            }
        }
        self.order.push_back(token.clone());
        self.by_token.insert(token.clone(), answer);
        token
    }
}

fn link(shared: &Shared, action: &str, token: &str, page: usize) -> String {
    format!(
        "{}{COLLECTION}/{action}?$skiptoken={token}.{page}",
        shared.base_url
    )
}

/// The page after page `page` (0 is the action's own answer), or none.
fn next_page(cycle: NextLinkCycle, page: usize, pages: usize) -> Option<usize> {
    match cycle {
        NextLinkCycle::Off => (page + 1 < pages).then_some(page + 1),
        // The answer itself cannot be fetched again: loops start at page 1.
        NextLinkCycle::SelfLoop => Some(page.max(1)),
        NextLinkCycle::Pair if page % 2 == 1 => Some(page + 1),
        NextLinkCycle::Pair => Some(page.saturating_sub(1).max(1)),
    }
}

/// An action's answer: whole, or its first page with a link to the rest.
pub(crate) fn answer<T: Serialize>(
    shared: &Shared,
    action: &'static str,
    context: String,
    rows: Vec<T>,
) -> Response {
    let size = shared.page_size;
    if !shared.page_actions || rows.len() <= size {
        let mut page = Page::new(rows);
        page.context = Some(context);
        return Json(page).into_response();
    }
    let rows: Vec<Value> = rows
        .iter()
        .map(|r| serde_json::to_value(r).unwrap_or(Value::Null))
        .collect();
    let pages = rows.len().div_ceil(size);
    let first: Vec<Value> = rows[..size].to_vec();
    let cycle = shared.faults().next_link_cycle;
    let token = shared.lock_answers().keep(Answer {
        action,
        context: context.clone(),
        rows,
    });
    let mut page = Page::new(first);
    page.context = Some(context);
    page.next_link = next_page(cycle, 0, pages).map(|p| link(shared, action, &token, p));
    Json(page).into_response()
}

fn skiptoken(raw: Option<&str>) -> Option<String> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .find(|(k, _)| {
            k.strip_prefix('$')
                .unwrap_or(k)
                .eq_ignore_ascii_case("skiptoken")
        })
        .map(|(_, v)| v.into_owned())
}

fn parse_token(raw: Option<&str>) -> Option<(String, usize)> {
    let value = skiptoken(raw)?;
    let (token, page) = value.split_once('.')?;
    Some((token.to_string(), page.parse().ok()?))
}

/// `GET` on an action's path: a later page of a kept answer.
pub(crate) async fn later_page(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphFailure> {
    if skiptoken(raw.as_deref()).is_none() {
        // The action itself is POST only; only its answer's links are read.
        return Err(GraphFailure::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "The HTTP method 'GET' is not allowed for this resource.",
        ));
    }
    let expired = || GraphFailure::bad_request("The $skiptoken is not valid or has expired.");
    let (token, index) = parse_token(raw.as_deref()).ok_or_else(expired)?;
    let cycle = shared.faults().next_link_cycle;
    let answers = shared.lock_answers();
    let answer = answers.by_token.get(&token).ok_or_else(expired)?;
    let size = shared.page_size;
    let pages = answer.rows.len().div_ceil(size);
    let start = index.saturating_mul(size).min(answer.rows.len());
    let end = start.saturating_add(size).min(answer.rows.len());
    let mut page = Page::new(answer.rows[start..end].to_vec());
    page.context = Some(answer.context.clone());
    page.next_link =
        next_page(cycle, index, pages).map(|p| link(&shared, answer.action, &token, p));
    drop(answers);
    Ok(Json(page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_pages_end_or_loop_as_told() {
        let walk = |cycle, pages| {
            let mut seen = vec![0];
            let mut at = 0;
            while let Some(n) = next_page(cycle, at, pages) {
                if seen.len() > 6 {
                    break;
                }
                seen.push(n);
                at = n;
            }
            seen
        };
        assert_eq!(walk(NextLinkCycle::Off, 3), vec![0, 1, 2]);
        assert_eq!(walk(NextLinkCycle::Off, 1), vec![0]);
        assert_eq!(walk(NextLinkCycle::SelfLoop, 3), vec![0, 1, 1, 1, 1, 1, 1]);
        assert_eq!(walk(NextLinkCycle::Pair, 3), vec![0, 1, 2, 1, 2, 1, 2]);
    }

    #[test]
    fn only_so_many_answers_are_kept() {
        let mut a = Answers::default();
        let first = a.keep(Answer {
            action: "x",
            context: String::new(),
            rows: vec![],
        });
        for _ in 0..ANSWERS_KEPT {
            a.keep(Answer {
                action: "x",
                context: String::new(),
                rows: vec![],
            });
        }
        assert_eq!(a.by_token.len(), ANSWERS_KEPT);
        assert!(!a.by_token.contains_key(&first));
        assert_eq!(
            parse_token(Some("%24skiptoken=abc.2")),
            Some(("abc".into(), 2))
        );
        assert_eq!(parse_token(Some("$skiptoken=abc")), None);
    }
}
