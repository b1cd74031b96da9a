//! An error told with its causes: the libraries' top-level messages ("error sending request")
//! name no reason, the reason ("Connection refused") sits in the source chain.

/// `error` and each of its sources, joined by `": "`.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let told = cause.to_string();
        // Some wrappers repeat their source's message in their own: say it once.
        if !text.ends_with(&told) {
            text.push_str(": ");
            text.push_str(&told);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::error_chain;

    #[derive(Debug)]
    struct Wrapped(&'static str, Option<Box<Wrapped>>);

    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    #[test]
    fn an_error_is_told_with_every_cause_in_order() {
        let refused = Wrapped("Connection refused (os error 111)", None);
        let connect = Wrapped("tcp connect error", Some(Box::new(refused)));
        let top = Wrapped("error sending request", Some(Box::new(connect)));
        assert_eq!(
            error_chain(&top),
            "error sending request: tcp connect error: Connection refused (os error 111)"
        );
    }

    #[test]
    fn a_cause_its_wrapper_already_repeats_is_told_once() {
        let cause = Wrapped("timed out", None);
        let top = Wrapped("request failed: timed out", Some(Box::new(cause)));
        assert_eq!(error_chain(&top), "request failed: timed out");
    }
}
