//! Helpers shared by the sandbox integration tests.
#![allow(dead_code)]

use std::net::SocketAddr;

use enroll_sandbox::{
    self as sandbox, CreateRoute, Faults, RunningSandbox, SANDBOX_TOKEN, SandboxOptions,
};
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

pub const COLLECTION: &str = "/deviceManagement/importedDeviceIdentities";

/// No faults, and the documented create (201): these tests are about the
/// emulator's routes. The sandbox's default, today's 500, has its own tests.
pub fn documented_faults() -> Faults {
    Faults {
        create_route: CreateRoute::Documented,
        ..Faults::default()
    }
}

/// The default options with the documented create.
pub fn documented_options() -> SandboxOptions {
    SandboxOptions {
        faults: documented_faults(),
        ..SandboxOptions::default()
    }
}

pub struct Sb {
    pub sandbox: RunningSandbox,
    pub client: Client,
}

pub fn any_port() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

pub fn client() -> Client {
    Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

impl Sb {
    pub async fn start(options: SandboxOptions) -> Sb {
        let sandbox = sandbox::start(any_port(), options).await.unwrap();
        Sb {
            sandbox,
            client: client(),
        }
    }

    pub async fn default() -> Sb {
        Sb::start(documented_options()).await
    }

    /// The collection URL plus `suffix`.
    pub fn url(&self, suffix: &str) -> String {
        format!("{}{COLLECTION}{suffix}", self.sandbox.graph_url())
    }

    pub fn get(&self, url: &str) -> RequestBuilder {
        self.client.get(url).bearer_auth(SANDBOX_TOKEN)
    }

    pub fn post(&self, url: &str, body: &Value) -> RequestBuilder {
        self.client.post(url).bearer_auth(SANDBOX_TOKEN).json(body)
    }

    pub fn patch(&self, url: &str, body: &Value) -> RequestBuilder {
        self.client.patch(url).bearer_auth(SANDBOX_TOKEN).json(body)
    }

    pub fn delete(&self, url: &str) -> RequestBuilder {
        self.client.delete(url).bearer_auth(SANDBOX_TOKEN)
    }

    /// importDeviceIdentityList; returns status and body.
    pub async fn import(&self, rows: Value, overwrite: bool) -> (StatusCode, Value) {
        let body = json!({"importedDeviceIdentities": rows, "overwriteImportedDeviceIdentities": overwrite});
        let r = self
            .post(&self.url("/importDeviceIdentityList"), &body)
            .send()
            .await
            .unwrap();
        status_json(r).await
    }

    /// Every identity, following nextLink.
    pub async fn list_all(&self, first: &str) -> Vec<Value> {
        let mut out = Vec::new();
        let mut next = Some(first.to_string());
        while let Some(url) = next {
            let (status, page) = status_json(self.get(&url).send().await.unwrap()).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            out.extend(page["value"].as_array().unwrap().iter().cloned());
            next = page["@odata.nextLink"].as_str().map(str::to_string);
        }
        out
    }
}

pub async fn status_json(r: Response) -> (StatusCode, Value) {
    let status = r.status();
    let text = r.text().await.unwrap();
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    (status, value)
}

pub fn row(identifier: &str, ty: &str) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.importedDeviceIdentity",
        "importedDeviceIdentifier": identifier,
        "importedDeviceIdentityType": ty,
    })
}

/// `n` distinct serial-number rows.
pub fn serial_rows(n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| row(&format!("SER{i:05}"), "serialNumber"))
            .collect(),
    )
}

/// Checks a Graph error body and its ids; returns the error object.
pub fn graph_error<'a>(body: &'a Value, code: &str) -> &'a Value {
    let e = &body["error"];
    assert_eq!(e["code"], code, "{body}");
    let inner = &e["innerError"];
    for key in ["date", "request-id", "client-request-id"] {
        assert!(inner[key].is_string(), "innerError.{key} missing: {body}");
    }
    let date = inner["date"].as_str().unwrap();
    assert_eq!(date.len(), 19, "date without offset: {date}");
    e
}
