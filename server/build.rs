//! Embeds the site that cargo-leptos built (hashed wasm, js, css, assets and their .br/.gz
//! twins) into the binary, so the one file runs anywhere. Without a built site (plain
//! `cargo build`/`cargo test`) nothing is embedded and the server reads the site directory.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=LEPTOS_SITE_ROOT");
    println!("cargo:rerun-if-env-changed=GREENLIGHT_EMBED_SITE");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let embed = std::env::var("GREENLIGHT_EMBED_SITE")
        .map(|v| v != "0")
        .unwrap_or(true);
    // (the root as found now, the root as cargo should watch it)
    let root = std::env::var("LEPTOS_SITE_ROOT")
        .ok()
        .filter(|_| embed)
        .map(|root| {
            let root = PathBuf::from(root);
            if root.is_absolute() {
                (root.clone(), root)
            } else {
                // Watched relative to this package: cargo shares a build script's output
                // between clones of the workspace at different paths (the package's hash
                // leaves its path out), and an absolute path would keep watching the clone
                // that ran it first, embedding that clone's site into this one's binary.
                let watched = Path::new("..").join(&root);
                (
                    manifest.parent().expect("workspace root").join(root),
                    watched,
                )
            }
        });
    let mut files = Vec::new();
    if let Some((root, watched)) = root.filter(|(r, _)| r.is_dir()) {
        println!("cargo:rerun-if-changed={}", watched.display());
        collect(&root, &root, &mut files);
    }
    files.sort();
    let mut code = String::from("/// Site files embedded at build time: (path below the site root, bytes).\npub static EMBEDDED: &[(&str, &[u8])] = &[\n");
    for (relative, absolute) in &files {
        let _ = writeln!(code, "    ({relative:?}, include_bytes!({absolute:?})),");
    }
    code.push_str("];\n");
    std::fs::write(out.join("embedded_site.rs"), code).expect("write embedded_site.rs");
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(relative) = path.strip_prefix(root) {
            let relative = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push((relative, path.display().to_string()));
        }
    }
}
