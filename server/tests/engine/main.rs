//! The deployment engine on the sandbox, driven step by step on a hand-moved clock: every
//! path of a rollout, faults and crashes, the job queue, gates seen from the use-cases, and
//! the supervisor. Each test's harness checks at the end that no job was left unfinished.

mod acceptance_signoff;
mod alarm_reads;
mod bake;
mod capacity;
mod cloud_audit;
mod crashing_cloud;
mod downtime;
mod faults;
mod fleet_charts;
mod fleet_health;
mod fleet_replicas;
mod fleet_views;
mod gates;
mod hooks;
mod installation;
mod integrity;
mod jobs;
mod manual_cutover;
mod notification_events;
mod paths;
mod rollbacks;
mod schema_version;
mod signing;
mod snapshots;
mod supervisor;
mod warm_extension;

#[path = "../support/mod.rs"]
mod support;
