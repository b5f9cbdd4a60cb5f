//! The two actions, `importDeviceIdentityList` and `searchExistingIdentities`,
//! and the identities list. The service may page any of their answers
//! (both actions are `x-ms-pageable`): every `@odata.nextLink` is followed
//! verbatim with GET, through a [`PageGuard`], so a paged action answer
//! returns every row and no listing runs for ever.

use reqwest::Method;
use serde::de::DeserializeOwned;
use url::Url;

use super::client::{GraphClient, JSON, ListQuery, Sent};
use super::engine::CallKind;
use super::error::GraphError;
use super::paging::PageGuard;
use super::transport::Reply;
use super::urls::{checked_next_link, encode_component};
use crate::domain::{
    ImportDeviceIdentityListRequest, ImportedDeviceIdentity, ImportedDeviceIdentityResult, Page,
    SearchExistingIdentitiesRequest,
};

/// A page with the `request-id` of the answer that carried it.
#[derive(Debug, Clone)]
pub struct ListedPage {
    pub page: Page<ImportedDeviceIdentity>,
    pub request_id: Option<String>,
}

/// Reads a listing page by page, stopping on a cycle or the page cap.
pub struct Pager<'a> {
    client: &'a GraphClient,
    query: ListQuery,
    guard: PageGuard,
    /// The link to fetch next, the request id of the page that sent it.
    next: Option<(String, Option<String>)>,
    started: bool,
}

impl Pager<'_> {
    /// The next page, or `None` at the end of the listing.
    pub async fn next_page(&mut self) -> Result<Option<ListedPage>, GraphError> {
        let listed = if !self.started {
            self.started = true;
            self.client.list_first_listed(&self.query).await?
        } else {
            let Some((link, request_id)) = self.next.take() else {
                return Ok(None);
            };
            self.guard.follow(&link, request_id.as_deref())?;
            self.client.list_next_listed(&link).await?
        };
        self.next = listed
            .page
            .next_link
            .clone()
            .map(|l| (l, listed.request_id.clone()));
        Ok(Some(listed))
    }

    /// Pages read so far.
    pub fn pages(&self) -> usize {
        if self.started { self.guard.pages() } else { 0 }
    }
}

/// Decodes one page of an action's answer, raw rows kept.
fn decode_page<T: DeserializeOwned>(
    reply: &Reply,
) -> Result<(Page<T>, Vec<serde_json::Value>), GraphError> {
    let (page, raw) = reply.decode::<Page<T>>()?;
    let rows = match raw.get("value") {
        Some(serde_json::Value::Array(rows)) => rows.clone(),
        _ => Vec::new(),
    };
    Ok((page, rows))
}

impl GraphClient {
    /// POSTs an action and follows its answer's next-page links.
    async fn action<T: DeserializeOwned>(
        &self,
        kind: CallKind,
        path: &str,
        body: &impl serde::Serialize,
        keep_raw: bool,
    ) -> Result<Sent<Vec<T>>, GraphError> {
        let url = self.url(path)?;
        let reply = self.send(kind, Method::POST, url, Some(body), JSON).await?;
        let first = Self::sent(&reply, (), serde_json::Value::Null);
        let (mut page, mut raw_rows): (Page<T>, Vec<serde_json::Value>) = if keep_raw {
            decode_page(&reply)?
        } else {
            let page = serde_json::from_slice(&reply.body)
                .map_err(|e| reply.decode_error(format!("unexpected response shape ({e})")))?;
            (page, Vec::new())
        };
        let mut rows = std::mem::take(&mut page.value);
        let mut guard = PageGuard::default();
        let mut request_id = reply.request_id.clone();
        while let Some(link) = page.next_link.take() {
            guard.follow(&link, request_id.as_deref())?;
            let url = checked_next_link(&link, self.base())?;
            let reply = self
                .send(CallKind::Read, Method::GET, url, None::<&()>, JSON)
                .await?;
            let (next, more_raw) = decode_page::<T>(&reply)?;
            page = next;
            rows.append(&mut page.value);
            if keep_raw {
                raw_rows.extend(more_raw);
            }
            request_id = reply.request_id.clone();
        }
        let raw = if keep_raw {
            serde_json::json!({ "value": raw_rows })
        } else {
            serde_json::Value::Null
        };
        Ok(Sent {
            value: rows,
            raw,
            request_id: first.request_id,
            client_request_id: first.client_request_id,
        })
    }

    /// `POST .../importDeviceIdentityList`: one result row per identity.
    /// Chunking is the caller's. Without overwrite it is sent again only
    /// after a 429; with overwrite it is idempotent and retried like a read.
    pub async fn import_list(
        &self,
        identities: &[ImportedDeviceIdentity],
        overwrite: bool,
    ) -> Result<Sent<Vec<ImportedDeviceIdentityResult>>, GraphError> {
        let body = ImportDeviceIdentityListRequest {
            imported_device_identities: identities.to_vec(),
            overwrite_imported_device_identities: overwrite,
        };
        self.action(
            import_kind(overwrite),
            "/importDeviceIdentityList",
            &body,
            true,
        )
        .await
    }

    /// [`Self::import_list`] decoded straight into the results, without
    /// keeping the raw response (bulk imports of thousands of rows).
    pub async fn import_list_results(
        &self,
        identities: &[ImportedDeviceIdentity],
        overwrite: bool,
    ) -> Result<Vec<ImportedDeviceIdentityResult>, GraphError> {
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            imported_device_identities: &'a [ImportedDeviceIdentity],
            overwrite_imported_device_identities: bool,
        }
        let body = Body {
            imported_device_identities: identities,
            overwrite_imported_device_identities: overwrite,
        };
        let kind = import_kind(overwrite);
        Ok(self
            .action(kind, "/importDeviceIdentityList", &body, false)
            .await?
            .value)
    }

    /// `POST .../searchExistingIdentities` with the whole response kept.
    pub async fn search_existing_sent(
        &self,
        identities: &[ImportedDeviceIdentity],
    ) -> Result<Sent<Vec<ImportedDeviceIdentity>>, GraphError> {
        let body = SearchExistingIdentitiesRequest {
            imported_device_identities: identities.to_vec(),
        };
        self.action(CallKind::Search, "/searchExistingIdentities", &body, true)
            .await
    }

    /// `POST .../searchExistingIdentities`: the already imported identities
    /// among `identities`.
    pub async fn search_existing(
        &self,
        identities: &[ImportedDeviceIdentity],
    ) -> Result<Vec<ImportedDeviceIdentity>, GraphError> {
        let body = SearchExistingIdentitiesRequest {
            imported_device_identities: identities.to_vec(),
        };
        Ok(self
            .action(CallKind::Search, "/searchExistingIdentities", &body, false)
            .await?
            .value)
    }

    /// Reads the identities list page by page (see [`Pager`]).
    pub fn pages(&self, query: ListQuery) -> Pager<'_> {
        Pager {
            client: self,
            query,
            guard: PageGuard::default(),
            next: None,
            started: false,
        }
    }

    /// The first page of a list.
    pub async fn list_first(
        &self,
        query: &ListQuery,
    ) -> Result<Page<ImportedDeviceIdentity>, GraphError> {
        Ok(self.list_first_listed(query).await?.page)
    }

    /// [`Self::list_first`] with the answer's request id.
    pub async fn list_first_listed(&self, query: &ListQuery) -> Result<ListedPage, GraphError> {
        let mut params = Vec::new();
        if let Some(top) = query.top {
            params.push(format!("$top={top}"));
        }
        if let Some(filter) = query.filter.as_deref().filter(|f| !f.trim().is_empty()) {
            params.push(format!("$filter={}", encode_component(filter)));
        }
        if query.count {
            params.push("$count=true".to_string());
        }
        let suffix = if params.is_empty() {
            String::new()
        } else {
            format!("?{}", params.join("&"))
        };
        self.get_page(self.url(&suffix)?).await
    }

    /// A following page: `next_link` is fetched verbatim, and only when it
    /// points at the same service (scheme, host and port) as the base URL.
    pub async fn list_next(
        &self,
        next_link: &str,
    ) -> Result<Page<ImportedDeviceIdentity>, GraphError> {
        Ok(self.list_next_listed(next_link).await?.page)
    }

    /// [`Self::list_next`] with the answer's request id.
    pub async fn list_next_listed(&self, next_link: &str) -> Result<ListedPage, GraphError> {
        let url = checked_next_link(next_link, self.base())?;
        self.get_page(url).await
    }

    async fn get_page(&self, url: Url) -> Result<ListedPage, GraphError> {
        let reply = self
            .send(CallKind::Read, Method::GET, url, None::<&()>, JSON)
            .await?;
        let page = reply.decode::<Page<ImportedDeviceIdentity>>()?.0;
        Ok(ListedPage {
            page,
            request_id: reply.request_id.clone(),
        })
    }

    /// Every identity, following `@odata.nextLink` to the end (or an error
    /// when the listing cannot end).
    pub async fn list_all(
        &self,
        query: &ListQuery,
    ) -> Result<Vec<ImportedDeviceIdentity>, GraphError> {
        let mut pager = self.pages(query.clone());
        let mut all = Vec::new();
        while let Some(mut listed) = pager.next_page().await? {
            all.append(&mut listed.page.value);
        }
        Ok(all)
    }
}

fn import_kind(overwrite: bool) -> CallKind {
    if overwrite {
        CallKind::Idempotent
    } else {
        CallKind::Write
    }
}
