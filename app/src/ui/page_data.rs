//! How a page's data crosses from the server-rendered page to the browser.
//!
//! Leptos' default resource codec reads the serialized value from a `&str`, while server
//! functions read their answers from bytes; `serde_json` monomorphises every type's
//! `Deserialize` once per reader, so the browser build carried two JSON decoders for every
//! page type. Resources made here read from bytes too, sharing the server functions' decoder.

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;

/// JSON written as text and read back from its bytes.
#[derive(Debug, Clone, Copy)]
pub struct JsonBytes;

impl<T: Serialize> Encoder<T> for JsonBytes {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for JsonBytes {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(text.as_bytes())
    }
}

/// A page's data: a resource whose value crosses as [`JsonBytes`].
pub type PageResource<T> = Resource<T, JsonBytes>;

/// `Resource::new`, crossing as [`JsonBytes`]: `fetcher` runs whenever `source` changes.
#[track_caller]
pub fn page_resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> PageResource<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_cross_as_json_text_and_read_back_from_its_bytes() {
        let text = <JsonBytes as Encoder<Vec<(u32, String)>>>::encode(&vec![(7, "é".into())])
            .expect("encodes");
        assert_eq!(text, r#"[[7,"é"]]"#);
        let back: Vec<(u32, String)> = <JsonBytes as Decoder<_>>::decode(&text).expect("decodes");
        assert_eq!(back, [(7, "é".to_owned())]);
        assert!(<JsonBytes as Decoder<u32>>::decode("\"seven\"").is_err());
    }
}
