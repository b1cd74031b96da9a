//! The OpenAPI document CI teams generate clients from: parameters where the server reads
//! them, every operation's errors and content types, the bearer scheme, request bodies that
//! refuse unknown fields; and malformed paths and query strings answered with the error body
//! the document promises. (`scripts/openapi_check.sh` checks the rest against the running
//! server with a spec validator and schemathesis.)

use crate::support::app::{spawn_app, TestApp};
use app::domain::Role;
use serde_json::Value;

async fn document(app: &TestApp) -> Value {
    let response = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("get");
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

/// Every `(path, method, operation)` of the document.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            all.push((path.clone(), method.clone(), operation.clone()));
        }
    }
    assert!(all.len() >= 12, "only {} operations", all.len());
    all
}

fn parameters(operation: &Value) -> Vec<Value> {
    operation["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn path_parameters_are_exactly_the_placeholders_of_their_path() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    for (path, method, operation) in operations(&doc) {
        let mut declared: Vec<String> = parameters(&operation)
            .iter()
            .filter(|p| p["in"] == "path")
            .map(|p| {
                assert_eq!(
                    p["required"], true,
                    "{method} {path}: path parameters are required"
                );
                p["name"].as_str().expect("name").to_owned()
            })
            .collect();
        let mut placeholders: Vec<String> = path
            .split('{')
            .skip(1)
            .map(|rest| rest.split('}').next().expect("closing brace").to_owned())
            .collect();
        declared.sort();
        placeholders.sort();
        assert_eq!(declared, placeholders, "{method} {path}");
    }
}

#[tokio::test]
async fn every_operation_has_its_own_operation_id() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let mut ids: Vec<String> = operations(&doc)
        .iter()
        .map(|(path, method, operation)| {
            operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path}: no operationId"))
                .to_owned()
        })
        .collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len(),
        count,
        "client generators name methods by these: {ids:?}"
    );
}

#[tokio::test]
async fn history_filters_and_paging_are_optional_query_parameters() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let in_query = |path: &str, names: &[&str]| {
        let params = parameters(&doc["paths"][path]["get"]);
        for name in names {
            let param = params
                .iter()
                .find(|p| p["name"] == *name)
                .unwrap_or_else(|| panic!("{path}: no parameter {name}"));
            assert_eq!(param["in"], "query", "{path} {name}");
            assert_ne!(param["required"], true, "{path} {name} must be optional");
        }
        assert_eq!(params.len(), names.len(), "{path}: {params:?}");
    };
    let filters = ["environment", "build", "user", "outcome", "from", "to"];
    in_query(
        "/api/v1/deployments",
        &[filters.as_slice(), &["cursor", "limit"]].concat(),
    );
    in_query(
        "/api/v1/deployments/export",
        &[filters.as_slice(), &["format"]].concat(),
    );
    in_query("/api/v1/builds", &["cursor", "limit"]);
}

#[tokio::test]
async fn every_operation_needs_a_bearer_token_or_a_hook_runs_token_and_answers_errors_with_the_error_body(
) {
    let app = spawn_app().await;
    let doc = document(&app).await;
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["hook_token"]["name"],
        "X-Greenlight-Hook-Token"
    );
    for (path, method, operation) in operations(&doc) {
        // A hook's receiver reports with its run's one-time token instead.
        let scheme = if path == "/api/v1/hook-runs/{id}/result" {
            "hook_token"
        } else {
            "bearer"
        };
        assert_eq!(
            operation["security"],
            serde_json::json!([{ scheme: [] }]),
            "{method} {path}"
        );
        let responses = operation["responses"].as_object().expect("responses");
        assert!(responses.contains_key("401"), "{method} {path}: no 401");
        assert!(
            responses.contains_key("403"),
            "{method} {path}: no 403 for a missing scope"
        );
        for (status, response) in responses {
            if status.starts_with('4') {
                assert_eq!(
                    response["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorBody",
                    "{method} {path} {status}"
                );
            }
        }
        if operation.get("requestBody").is_some() || !parameters(&operation).is_empty() {
            assert!(responses.contains_key("400"), "{method} {path}: no 400");
        }
    }
}

#[tokio::test]
async fn the_export_documents_csv_and_json() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let content = &doc["paths"]["/api/v1/deployments/export"]["get"]["responses"]["200"]["content"];
    assert!(content["text/csv"].is_object(), "{content}");
    assert_eq!(content["application/json"]["schema"]["type"], "array");
    let format = parameters(&doc["paths"]["/api/v1/deployments/export"]["get"])
        .into_iter()
        .find(|p| p["name"] == "format")
        .expect("format");
    assert_eq!(
        format["schema"]["$ref"],
        "#/components/schemas/ExportFormat"
    );
    assert_eq!(
        doc["components"]["schemas"]["ExportFormat"]["enum"],
        serde_json::json!(["csv", "json"])
    );
}

#[tokio::test]
async fn request_bodies_that_refuse_unknown_fields_are_closed_and_carry_the_validation_rules() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let schemas = &doc["components"]["schemas"];
    for name in [
        "BuildRegistration",
        "ImageArtifact",
        "BaseImageArtifact",
        "ChangeRegistration",
        "SignOffRequest",
        "DeployRequest",
        "ScaleRequest",
    ] {
        assert_eq!(
            schemas[name]["additionalProperties"], false,
            "{name} refuses unknown fields"
        );
    }
    let registration = &schemas["BuildRegistration"]["properties"];
    assert!(registration["version"]["pattern"].is_string());
    assert!(registration["revision"]["pattern"].is_string());
    assert_eq!(
        schemas["ImageArtifact"]["properties"]["ami_id"]["pattern"],
        "^ami-([0-9a-f]{8}|[0-9a-f]{17})$"
    );
    assert_eq!(
        schemas["Verdict"]["enum"],
        serde_json::json!(["approved", "rejected"])
    );
    let desired = &schemas["ScaleRequest"]["properties"]["desired"];
    assert_eq!(
        (desired["minimum"].as_i64(), desired["maximum"].as_i64()),
        (Some(1), Some(100))
    );
}

#[tokio::test]
async fn a_malformed_path_or_query_answers_400_with_the_error_body() {
    let app = spawn_app().await;
    let token = app.token("vic", Role::Viewer).await;
    for path in [
        "/api/v1/deployments/not-a-number",
        "/api/v1/builds?limit=many",
        "/api/v1/builds?cursor=x",
    ] {
        let response = app
            .client
            .get(app.url(path))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get");
        assert_eq!(response.status(), 400, "{path}");
        let body: Value = response.json().await.expect("JSON error body");
        assert!(body["error"].is_string(), "{path}: {body}");
        assert!(body["fields"].is_object(), "{path}: {body}");
    }
    let anonymous = app
        .client
        .get(app.url("/api/v1/deployments/not-a-number"))
        .send()
        .await
        .expect("get");
    assert_eq!(anonymous.status(), 401, "who asks is checked first");
}
