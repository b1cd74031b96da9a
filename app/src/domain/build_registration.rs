//! Parsing a build registration from the raw JSON CI sends, by hand rather than with serde,
//! so that every refused field is named at once with its path (`changes[2].summary`) and the
//! reason, and unknown fields are refused.

use super::build::{Artifact, BuildChange, NewBuild};
use super::{AmiId, FieldErrors, HttpUrl, Revision, Version};
use serde_json::{Map, Value};

const MAX_CHANGES: usize = 1000;
const MAX_TEXT: usize = 500;

impl NewBuild {
    /// Parses a registration request, reporting every refused field at once.
    pub fn parse(body: &Value) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let Some(object) = body.as_object() else {
            errors.add("body", "must be a JSON object");
            return Err(errors);
        };
        reject_unknown(
            object,
            "",
            &[
                "version",
                "revision",
                "artifact",
                "changes",
                "ci_url",
                "schema_version",
            ],
            &mut errors,
        );

        let version = required_str(object, "version", "", &mut errors).and_then(|text| {
            Version::parse(text)
                .map_err(|e| errors.add("version", e))
                .ok()
        });
        let revision = required_str(object, "revision", "", &mut errors).and_then(|text| {
            Revision::parse(text)
                .map_err(|e| errors.add("revision", e))
                .ok()
        });
        let artifact = parse_artifact(object.get("artifact"), &mut errors);
        let changes = parse_changes(object.get("changes"), &mut errors);
        let ci_url = match object.get("ci_url") {
            None | Some(Value::Null) => None,
            Some(Value::String(url)) => match HttpUrl::parse(url) {
                Ok(url) => Some(url),
                Err(e) => {
                    errors.add("ci_url", e);
                    None
                }
            },
            Some(_) => {
                errors.add("ci_url", "must be a string");
                None
            }
        };

        let schema_version = match object.get("schema_version") {
            None | Some(Value::Null) => None,
            // JSON does not tell `14` from `14.0`: both are the integer 14.
            Some(Value::Number(n)) => match n
                .as_u64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(f))
                        .map(|f| f as u64)
                })
                .and_then(|n| u32::try_from(n).ok())
            {
                Some(n) => Some(n),
                None => {
                    errors.add(
                        "schema_version",
                        format!("must be a whole number from 0 to {}", u32::MAX),
                    );
                    None
                }
            },
            Some(_) => {
                errors.add("schema_version", "must be a number");
                None
            }
        };

        match (version, revision, artifact, changes) {
            (Some(version), Some(revision), Some(artifact), Some(changes)) if errors.is_empty() => {
                Ok(Self {
                    version,
                    revision,
                    artifact,
                    changes,
                    ci_url,
                    schema_version,
                })
            }
            _ => Err(errors),
        }
    }
}

fn reject_unknown(
    object: &Map<String, Value>,
    prefix: &str,
    known: &[&str],
    errors: &mut FieldErrors,
) {
    for key in object.keys().filter(|key| !known.contains(&key.as_str())) {
        errors.add(
            format!("{prefix}{key}"),
            format!("unknown field; expected one of {}", known.join(", ")),
        );
    }
}

fn required_str<'a>(
    object: &'a Map<String, Value>,
    key: &str,
    prefix: &str,
    errors: &mut FieldErrors,
) -> Option<&'a str> {
    match object.get(key) {
        Some(Value::String(text)) => Some(text),
        None | Some(Value::Null) => {
            errors.add(format!("{prefix}{key}"), "is required");
            None
        }
        Some(_) => {
            errors.add(format!("{prefix}{key}"), "must be a string");
            None
        }
    }
}

fn parse_artifact(value: Option<&Value>, errors: &mut FieldErrors) -> Option<Artifact> {
    let object = match value {
        Some(Value::Object(object)) => object,
        None | Some(Value::Null) => {
            errors.add(
                "artifact",
                "is required: {\"ami_id\"} or {\"base_ami_id\", \"url\"}",
            );
            return None;
        }
        Some(_) => {
            errors.add(
                "artifact",
                "must be an object: {\"ami_id\"} or {\"base_ami_id\", \"url\"}",
            );
            return None;
        }
    };
    let ami = |key: &str, errors: &mut FieldErrors| {
        required_str(object, key, "artifact.", errors).and_then(|text| {
            AmiId::parse(text)
                .map_err(|e| errors.add(format!("artifact.{key}"), e))
                .ok()
        })
    };
    if object.contains_key("ami_id") {
        reject_unknown(object, "artifact.", &["ami_id"], errors);
        ami("ami_id", errors).map(|ami_id| Artifact::Image { ami_id })
    } else if object.contains_key("base_ami_id") {
        reject_unknown(object, "artifact.", &["base_ami_id", "url"], errors);
        let base_ami_id = ami("base_ami_id", errors);
        let url = required_str(object, "url", "artifact.", errors).and_then(|url| {
            HttpUrl::parse(url)
                .map_err(|e| errors.add("artifact.url", e))
                .ok()
        });
        Some(Artifact::BaseImage {
            base_ami_id: base_ami_id?,
            url: url?,
        })
    } else {
        errors.add(
            "artifact",
            "must have \"ami_id\", or \"base_ami_id\" and \"url\"",
        );
        None
    }
}

fn parse_changes(value: Option<&Value>, errors: &mut FieldErrors) -> Option<Vec<BuildChange>> {
    let items = match value {
        None | Some(Value::Null) => return Some(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => {
            errors.add("changes", "must be an array");
            return None;
        }
    };
    if items.len() > MAX_CHANGES {
        errors.add(
            "changes",
            format!("must hold at most {MAX_CHANGES} changes"),
        );
        return None;
    }
    let mut changes = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let prefix = format!("changes[{index}].");
        let Some(object) = item.as_object() else {
            errors.add(
                format!("changes[{index}]"),
                "must be an object with revision, summary, author",
            );
            continue;
        };
        reject_unknown(object, &prefix, &["revision", "summary", "author"], errors);
        let revision = required_str(object, "revision", &prefix, errors).and_then(|text| {
            Revision::parse(text)
                .map_err(|e| errors.add(format!("{prefix}revision"), e))
                .ok()
        });
        let mut text = |key: &str| {
            required_str(object, key, &prefix, errors).and_then(|text| {
                let trimmed = text.trim();
                if !errors.check_text(format!("{prefix}{key}"), trimmed) {
                    None
                } else if trimmed.is_empty() {
                    errors.add(format!("{prefix}{key}"), "must not be empty");
                    None
                } else if trimmed.chars().count() > MAX_TEXT {
                    errors.add(
                        format!("{prefix}{key}"),
                        format!("must be at most {MAX_TEXT} characters"),
                    );
                    None
                } else {
                    Some(trimmed.to_owned())
                }
            })
        };
        let summary = text("summary");
        let author = text("author");
        if let (Some(revision), Some(summary), Some(author)) = (revision, summary, author) {
            changes.push(BuildChange {
                revision,
                summary,
                author,
            });
        }
    }
    Some(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn valid() -> Value {
        json!({
            "version": "1.4.2",
            "revision": "9fceb02d0ae598e95dc970b74767f19372d61af8",
            "artifact": {"ami_id": "ami-0123456789abcdef0"},
            "changes": [{"revision": "9fceb02", "summary": "Fix login", "author": "ana"}],
            "ci_url": "https://ci.example.com/run/7"
        })
    }

    #[test]
    fn a_complete_registration_parses() {
        let build = NewBuild::parse(&valid()).expect("valid build");
        assert_eq!(build.version.as_str(), "1.4.2");
        assert_eq!(build.changes.len(), 1);
        assert_eq!(
            build.ci_url.as_ref().map(HttpUrl::as_str),
            Some("https://ci.example.com/run/7")
        );
    }

    #[test]
    fn a_base_image_with_url_parses() {
        let mut body = valid();
        body["artifact"] =
            json!({"base_ami_id": "ami-12345678", "url": "https://artifacts.example.com/app.tgz"});
        let build = NewBuild::parse(&body).expect("valid build");
        assert!(matches!(build.artifact, Artifact::BaseImage { .. }));
    }

    #[test]
    fn every_bad_field_is_named() {
        let body = json!({
            "version": "one",
            "revision": "xyz",
            "artifact": {"ami_id": "ami-XYZ", "extra": 1},
            "changes": [{"revision": "abc", "summary": "", "author": "x", "when": 1}],
            "ci_url": "ftp://x",
            "colour": "green"
        });
        let errors = NewBuild::parse(&body).expect_err("invalid");
        let fields: Vec<&str> = errors.0.keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            [
                "artifact.ami_id",
                "artifact.extra",
                "changes[0].revision",
                "changes[0].summary",
                "changes[0].when",
                "ci_url",
                "colour",
                "revision",
                "version"
            ]
        );
    }

    #[test]
    fn missing_fields_and_wrong_types_are_named() {
        let errors = NewBuild::parse(&json!({"version": 1})).expect_err("invalid");
        assert_eq!(
            errors.0.get("version").map(String::as_str),
            Some("must be a string")
        );
        assert_eq!(
            errors.0.get("revision").map(String::as_str),
            Some("is required")
        );
        assert!(errors.0.contains_key("artifact"));
        assert!(NewBuild::parse(&json!([1, 2]))
            .expect_err("array")
            .0
            .contains_key("body"));
    }

    #[test]
    fn a_declared_schema_version_is_kept_and_a_bad_one_is_named() {
        let mut body = valid();
        assert_eq!(NewBuild::parse(&body).expect("valid").schema_version, None);
        body["schema_version"] = json!(14);
        assert_eq!(
            NewBuild::parse(&body).expect("valid").schema_version,
            Some(14)
        );
        for bad in [json!(-1), json!(1.5), json!(4_294_967_296_u64), json!("14")] {
            body["schema_version"] = bad.clone();
            let errors = NewBuild::parse(&body).expect_err("invalid");
            assert!(errors.0.contains_key("schema_version"), "{bad}");
        }
    }

    #[test]
    fn a_build_without_a_schema_version_hashes_as_before_the_field_existed() {
        let build = NewBuild::parse(&valid()).expect("valid");
        let text = serde_json::to_string(&build).expect("json");
        assert!(!text.contains("schema_version"), "{text}");
    }
}
