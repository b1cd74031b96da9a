//! Widgets shared by several pages, and the parts of the environment page that the next
//! pages reuse (sign-off form, promotion summary, deploy actions).

pub mod change_control;
pub mod chart;
pub mod chart_plot;
pub mod clock;
pub mod deploy_actions;
pub mod diff_list;
pub mod diff_table;
pub mod fleet;
pub mod header;
pub mod health;
pub mod links;
pub mod live;
pub mod live_stream;
pub mod post_form;
pub mod promotion_summary;
pub mod signoff_form;
pub mod status;
pub mod token_table;
pub mod two_factor;
pub mod user_actions;
