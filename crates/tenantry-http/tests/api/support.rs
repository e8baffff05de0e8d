//! Calling the router in-process (no port) as a given credential.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tenantry_testkit::TestApp;
use tower::ServiceExt;

pub struct Api {
    pub router: Router,
    pub t: TestApp,
}

impl Api {
    pub fn key(&self) -> &str {
        &self.t.boot.api_key
    }

    pub fn engine(&self) -> tenantry_app::Engine {
        self.t.database.engine()
    }
}

/// A bootstrapped API per available engine.
pub async fn apis() -> Vec<Api> {
    tenantry_testkit::apps()
        .await
        .into_iter()
        .map(|t| Api {
            router: tenantry_http::router(t.app.clone()),
            t,
        })
        .collect()
}

pub struct Call<'a> {
    api: &'a Api,
    method: Method,
    path: String,
    key: Option<String>,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    client: Option<std::net::SocketAddr>,
}

impl Api {
    pub fn call(&self, method: Method, path: &str) -> Call<'_> {
        Call {
            api: self,
            method,
            path: path.into(),
            key: Some(self.key().into()),
            headers: vec![],
            body: None,
            client: None,
        }
    }
    pub fn get(&self, path: &str) -> Call<'_> {
        self.call(Method::GET, path)
    }
    pub fn post(&self, path: &str, body: Value) -> Call<'_> {
        self.call(Method::POST, path).json(body)
    }
    pub fn patch(&self, path: &str, body: Value) -> Call<'_> {
        self.call(Method::PATCH, path).json(body)
    }
    pub fn delete(&self, path: &str) -> Call<'_> {
        self.call(Method::DELETE, path)
    }
}

impl Call<'_> {
    pub fn key(mut self, key: &str) -> Self {
        self.key = Some(key.into());
        self
    }
    /// Authenticates with `Authorization: Bearer` instead of the API key.
    pub fn bearer(mut self, token: &str) -> Self {
        self.key = None;
        self.headers
            .push(("authorization".into(), format!("Bearer {token}")));
        self
    }
    pub fn anonymous(mut self) -> Self {
        self.key = None;
        self
    }
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(serde_json::to_vec(&body).unwrap());
        self
    }
    /// Sends as if from this client address.
    pub fn client_ip(mut self, ip: &str) -> Self {
        self.client = Some(std::net::SocketAddr::new(ip.parse().unwrap(), 40000));
        self
    }
    pub fn raw(mut self, body: &str) -> Self {
        self.body = Some(body.as_bytes().to_vec());
        self
    }

    pub async fn send(self) -> (StatusCode, Value) {
        let (status, _, body) = self.send_with_headers().await;
        (status, body)
    }

    pub async fn send_with_headers(self) -> (StatusCode, axum::http::HeaderMap, Value) {
        let mut request = Request::builder().method(self.method).uri(&self.path);
        if let Some(key) = &self.key {
            request = request.header("x-api-key", key);
        }
        let typed = self
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
        if self.body.is_some() && !typed {
            request = request.header("content-type", "application/json");
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let mut request = request
            .body(self.body.map(Body::from).unwrap_or_else(Body::empty))
            .unwrap();
        if let Some(client) = self.client {
            request
                .extensions_mut()
                .insert(axum::extract::ConnectInfo(client));
        }
        let response = self.api.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| json!({"raw": String::from_utf8_lossy(&bytes)}))
        };
        (status, headers, body)
    }

    /// Sends and asserts the status, returning the body.
    pub async fn expect(self, status: StatusCode) -> Value {
        let what = format!("{} {}", self.method, self.path);
        let (got, body) = self.send().await;
        assert_eq!(got, status, "{what}: {body}");
        body
    }
}

/// A suborganization with one owner; returns (organization id, owner's API key).
pub async fn suborg(api: &Api, name: &str) -> (String, String) {
    let org = api
        .post("/v1/organizations", json!({"name": name, "users": [{"username": format!("{}-owner", name.to_lowercase().replace(' ', "-")), "email": format!("owner@{}.example", name.to_lowercase().replace(' ', "-"))}]}))
        .expect(StatusCode::OK)
        .await;
    let id = org["organization_id"].as_str().unwrap().to_owned();
    let key = api
        .post(
            "/v1/auth/client_credentials",
            json!({"api_key_name": "suborg-admin"}),
        )
        .header("x-organization-context", &id)
        .expect(StatusCode::OK)
        .await["api_key"]
        .as_str()
        .unwrap()
        .to_owned();
    (id, key)
}

/// Another top-level tenant; returns (organization id, its admin API key).
pub async fn other_tenant(api: &Api, name: &str) -> (String, String) {
    let tenant = api
        .t
        .app
        .tenant_create(
            api.t.boot.operator_id,
            tenantry_app::BootstrapRequest {
                organization_name: name.into(),
                username: tenantry_core::values::Username::parse(&format!(
                    "{}-owner",
                    name.to_lowercase()
                ))
                .unwrap(),
                email: tenantry_core::values::Email::parse(&format!(
                    "owner@{}.example",
                    name.to_lowercase()
                ))
                .unwrap(),
            },
        )
        .await
        .unwrap();
    (tenant.organization_id.to_string(), tenant.api_key)
}

/// Removes ids and times so bodies from two requests can be compared.
pub fn without(body: &Value, keys: &[&str]) -> Value {
    let mut body = body.clone();
    if let Some(map) = body.as_object_mut() {
        for key in keys {
            map.remove(*key);
        }
    }
    body
}

/// The field each entry of a 422 names (the second element of its `loc`).
pub fn error_fields(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .expect("a validation problem")
        .iter()
        .map(|e| e["loc"][1].as_str().unwrap_or_default().to_owned())
        .collect()
}
