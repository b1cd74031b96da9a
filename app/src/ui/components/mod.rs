//! Widgets shared by several pages.

pub mod header;
pub mod status;
