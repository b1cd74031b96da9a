//! Shared plumbing for validated string newtypes: serde through `String`, `Display`,
//! `as_str`, and conversions that go through the type's `parse`.

/// Implements `TryFrom<String>` (via `parse`), `From<T> for String`, `Display` and `as_str`
/// for a `struct T(String)` whose constructor is `T::parse(&str) -> Result<T, String>`.
macro_rules! string_newtype {
    ($ty:ident) => {
        impl $ty {
            /// The value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $ty {
            type Error = String;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> Self {
                value.0
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

pub(crate) use string_newtype;
