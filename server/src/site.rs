//! The site's static files (wasm, js, css, assets): embedded in release builds, read from
//! the site directory otherwise. Served pre-compressed (brotli, gzip) when the client accepts
//! it, with year-long immutable caching for content-hashed names.

use app::ui::AssetLinks;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_site.rs"));
}

/// One file with its compressed twins.
#[derive(Debug, Clone, Default)]
pub struct Asset {
    /// As is.
    pub raw: Vec<u8>,
    /// Brotli, if built.
    pub brotli: Option<Vec<u8>>,
    /// Gzip, if built.
    pub gzip: Option<Vec<u8>>,
}

/// Every static file by URL path (`/pkg/greenlight.abc123.wasm`).
#[derive(Debug, Default)]
pub struct Site {
    files: HashMap<String, Asset>,
}

impl Site {
    /// The embedded site if this binary carries one, else the files under `root`.
    pub fn load(root: &Path) -> Self {
        let pairs: Vec<(String, Vec<u8>)> = if embedded::EMBEDDED.is_empty() {
            let mut pairs = Vec::new();
            read_dir(root, root, &mut pairs);
            pairs
        } else {
            embedded::EMBEDDED
                .iter()
                .map(|(p, b)| ((*p).to_owned(), b.to_vec()))
                .collect()
        };
        Self::from_files(pairs)
    }

    /// Groups `x`, `x.br` and `x.gz` into one asset.
    pub fn from_files(pairs: Vec<(String, Vec<u8>)>) -> Self {
        let mut files: HashMap<String, Asset> = HashMap::new();
        for (path, bytes) in pairs {
            let url = format!("/{path}");
            if let Some(base) = url.strip_suffix(".br") {
                files.entry(base.to_owned()).or_default().brotli = Some(bytes);
            } else if let Some(base) = url.strip_suffix(".gz") {
                files.entry(base.to_owned()).or_default().gzip = Some(bytes);
            } else {
                files.entry(url).or_default().raw = bytes;
            }
        }
        files.retain(|_, asset| !asset.raw.is_empty());
        Self { files }
    }

    /// Whether the binary carries its site.
    pub fn is_embedded() -> bool {
        !embedded::EMBEDDED.is_empty()
    }

    /// The URLs of the stylesheet and the hydration scripts, and the pages' wasm chunks.
    pub fn links(&self) -> AssetLinks {
        let find = |prefix: &str, ext: &str| {
            let mut found: Vec<&String> = self
                .files
                .keys()
                .filter(|p| p.starts_with(prefix) && p.ends_with(ext))
                .collect();
            found.sort();
            found.first().map(|p| (*p).clone())
        };
        let chunks = find("/pkg/__wasm_split_manifest.", ".json")
            .and_then(|path| self.files.get(&path))
            .and_then(|manifest| serde_json::from_slice(&manifest.raw).ok())
            .unwrap_or_default();
        AssetLinks {
            css: find("/pkg/greenlight.", ".css"),
            js: find("/pkg/greenlight.", ".js"),
            wasm: find("/pkg/greenlight.", ".wasm"),
            chunk_loader: find("/pkg/__wasm_split.", ".js")
                .and_then(|path| path.strip_prefix("/pkg/").map(str::to_owned)),
            chunks,
        }
    }

    /// A file by URL path.
    pub fn get(&self, path: &str) -> Option<&Asset> {
        self.files.get(path)
    }
}

fn read_dir(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            read_dir(root, &path, out);
        } else if let (Ok(relative), Ok(bytes)) = (path.strip_prefix(root), std::fs::read(&path)) {
            let relative = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((relative, bytes));
        }
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "wasm" => "application/wasm",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

/// Content-hashed names (`name.<hash>.ext` under `/pkg/`) never change content.
fn is_hashed(path: &str) -> bool {
    path.starts_with("/pkg/")
        && path
            .rsplit('/')
            .next()
            .is_some_and(|name| name.split('.').count() >= 3)
}

/// Serves a static file, or 404.
pub async fn serve(State(site): State<Arc<Site>>, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    let Some(asset) = site.get(path) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let accepts = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let accepts = |coding: &str| {
        accepts
            .split(',')
            .any(|c| c.split(';').next().unwrap_or("").trim() == coding)
    };
    let (body, encoding) = match (&asset.brotli, &asset.gzip) {
        (Some(br), _) if accepts("br") => (br.clone(), Some("br")),
        (_, Some(gz)) if accepts("gzip") => (gz.clone(), Some("gzip")),
        _ => (asset.raw.clone(), None),
    };
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    let cache = if is_hashed(path) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Some(encoding) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_twins_join_their_file_and_links_find_the_hashed_bundle() {
        let site = Site::from_files(vec![
            ("pkg/greenlight.abc.wasm".into(), b"wasm".to_vec()),
            ("pkg/greenlight.abc.wasm.br".into(), b"br".to_vec()),
            ("pkg/greenlight.abc.wasm.gz".into(), b"gz".to_vec()),
            ("pkg/greenlight.def.js".into(), b"js".to_vec()),
            ("pkg/greenlight.123.css".into(), b"css".to_vec()),
            ("favicon.svg".into(), b"svg".to_vec()),
        ]);
        let wasm = site.get("/pkg/greenlight.abc.wasm").expect("wasm");
        assert_eq!(wasm.brotli.as_deref(), Some(&b"br"[..]));
        assert_eq!(wasm.gzip.as_deref(), Some(&b"gz"[..]));
        assert!(site.get("/pkg/greenlight.abc.wasm.br").is_none());
        let links = site.links();
        assert_eq!(links.js.as_deref(), Some("/pkg/greenlight.def.js"));
        assert_eq!(links.css.as_deref(), Some("/pkg/greenlight.123.css"));
        assert!(links.chunk_loader.is_none() && links.chunks.is_empty());
        assert!(is_hashed("/pkg/greenlight.abc.wasm"));
        assert!(!is_hashed("/favicon.svg"));
    }

    #[test]
    fn a_split_build_names_its_chunk_loader_and_each_page_s_chunks_beside_the_main_bundle() {
        let site = Site::from_files(vec![
            ("pkg/greenlight.abc.wasm".into(), b"wasm".to_vec()),
            ("pkg/chunk_1.aaa.wasm".into(), b"chunk".to_vec()),
            ("pkg/split___overview_route_view_1.bbb.wasm".into(), b"page".to_vec()),
            ("pkg/greenlight.def.js".into(), b"js".to_vec()),
            ("pkg/__wasm_split.ghi.js".into(), b"loader".to_vec()),
            (
                "pkg/__wasm_split_manifest.jkl.json".into(),
                br#"{"__overview_route_view_1":["chunk_1.aaa","split___overview_route_view_1.bbb"]}"#
                    .to_vec(),
            ),
        ]);
        let links = site.links();
        assert_eq!(links.wasm.as_deref(), Some("/pkg/greenlight.abc.wasm"));
        assert_eq!(links.js.as_deref(), Some("/pkg/greenlight.def.js"));
        assert_eq!(links.chunk_loader.as_deref(), Some("__wasm_split.ghi.js"));
        assert_eq!(
            links.chunks["__overview_route_view_1"],
            ["chunk_1.aaa", "split___overview_route_view_1.bbb"]
        );
    }
}
