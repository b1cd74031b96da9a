//! Builds: what CI registers ([`NewBuild`], parsed in [`super::build_registration`]) and what
//! Greenlight stores and shows ([`Build`]).

use super::{AmiId, HttpUrl, Revision, Timestamp, Version};
use serde::{Deserialize, Serialize};

/// What a build runs from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Artifact {
    /// A ready-made image.
    Image {
        /// The AMI to launch.
        #[cfg_attr(feature = "ssr", schema(value_type = String, example = "ami-0123456789abcdef0"))]
        ami_id: AmiId,
    },
    /// A base image plus an artifact the instance fetches at boot.
    BaseImage {
        /// The AMI to launch.
        #[cfg_attr(feature = "ssr", schema(value_type = String))]
        base_ami_id: AmiId,
        /// Where the artifact is downloaded from (http or https).
        #[cfg_attr(feature = "ssr", schema(value_type = String))]
        url: HttpUrl,
    },
}

impl Artifact {
    /// A short human description, e.g. `ami-0123…` or `ami-0123… + https://…`.
    pub fn describe(&self) -> String {
        match self {
            Artifact::Image { ami_id } => ami_id.to_string(),
            Artifact::BaseImage { base_ami_id, url } => format!("{base_ami_id} + {url}"),
        }
    }
}

/// One change that went into a build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BuildChange {
    /// The commit.
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub revision: Revision,
    /// Its one-line summary.
    pub summary: String,
    /// Who wrote it.
    pub author: String,
}

/// A build as registered, validated and normalised, not yet stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewBuild {
    /// Unique version.
    pub version: Version,
    /// The git revision it was built from.
    pub revision: Revision,
    /// What it runs from.
    pub artifact: Artifact,
    /// The changes since the previous build, newest first as CI sends them.
    pub changes: Vec<BuildChange>,
    /// The CI run that produced it.
    pub ci_url: Option<HttpUrl>,
    /// The database schema version it expects, when it declares one (left out of the content
    /// hash when absent, so builds registered before this field replay as identical).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<u32>,
}

/// A stored build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Build {
    /// Greenlight's id.
    pub id: i64,
    /// Unique version.
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "1.4.2"))]
    pub version: Version,
    /// The git revision.
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "9fceb02"))]
    pub revision: Revision,
    /// What it runs from.
    pub artifact: Artifact,
    /// Its changes.
    pub changes: Vec<BuildChange>,
    /// The CI run that produced it.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub ci_url: Option<HttpUrl>,
    /// The database schema version it expects, when it declares one: going back to a build
    /// with a lower one needs a confirmation.
    #[serde(default)]
    pub schema_version: Option<u32>,
    /// The user (or token owner) who registered it.
    pub registered_by: String,
    /// When it was registered.
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}
