//! Widgets shared by several pages.

pub mod header;
pub mod live;
pub mod status;
