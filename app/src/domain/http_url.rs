//! An http(s) URL as Greenlight accepts it from CI (`ci_url`, an artifact's `url`) and from the
//! configuration (`public_url`): parsed once at the boundary, carried as a type after.

use serde::{Deserialize, Serialize};

/// Longest accepted URL.
pub const MAX_URL: usize = 2048;

/// An `http://` or `https://` URL with a host, no spaces and at most [`MAX_URL`] characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HttpUrl(String);

impl HttpUrl {
    /// Parses a URL, saying what is wrong with it.
    pub fn parse(url: &str) -> Result<Self, String> {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or_else(|| "must be an http:// or https:// URL".to_owned())?;
        if url.len() > MAX_URL {
            return Err(format!("must be at most {MAX_URL} characters"));
        }
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if host.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("must be a URL with a host and no spaces".into());
        }
        Ok(Self(url.to_owned()))
    }

    /// Whether it is `https://`.
    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }

    /// `scheme://host[:port]`, the origin browsers send.
    pub fn origin(&self) -> String {
        let (scheme, rest) = self.0.split_once("://").unwrap_or(("http", &self.0));
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        format!("{scheme}://{host}")
    }
}

super::newtype::string_newtype!(HttpUrl);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_http_with_a_host() {
        assert!(HttpUrl::parse("https://ci.example.com/x").is_ok());
        assert!(HttpUrl::parse("http://10.0.0.1:8080").is_ok());
        for bad in [
            "ci.example.com",
            "https://",
            "https:// x",
            "javascript:alert(1)",
        ] {
            assert!(HttpUrl::parse(bad).is_err(), "{bad}");
        }
        assert!(HttpUrl::parse(&format!("https://x/{}", "a".repeat(MAX_URL))).is_err());
    }

    #[test]
    fn the_origin_is_scheme_and_host() {
        let url = HttpUrl::parse("https://greenlight.example.com:8443/app?x=1").expect("url");
        assert_eq!(url.origin(), "https://greenlight.example.com:8443");
        assert!(url.is_https());
    }
}
