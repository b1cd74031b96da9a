//! The command line: `serve` (default), `migrate`, `installation`, `user …` and `token …` (in
//! [`crate::cli_accounts`]), `audit verify`, and `seed-history` for benchmarks.

use crate::cli_accounts::{TokenCommand, UserCommand};
use crate::clock::{Clock, SystemClock};
use crate::config::Settings;
use crate::{db, startup};
use app::domain::ChainState;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Greenlight: a release dashboard for applications on AWS EC2.
#[derive(Debug, Parser)]
#[command(
    name = "greenlight",
    version,
    about = "Greenlight: a release dashboard for applications on AWS EC2."
)]
pub struct Cli {
    /// Config file (default: ./greenlight.toml when present).
    #[arg(long, global = true, env = "GREENLIGHT_CONFIG")]
    pub config: Option<PathBuf>,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Sub-commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the dashboard and the API (migrates and seeds first).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Print this installation's id (every cloud resource it creates carries it as the tag
    /// `greenlight:installation`; only what carries it is adopted or terminated).
    Installation,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Write COUNT synthetic deployment records (marked demo) for benchmarks.
    #[command(hide = true)]
    SeedHistory {
        /// How many deployment records.
        #[arg(long, default_value_t = 100_000)]
        count: usize,
        /// Over how many builds.
        #[arg(long, default_value_t = 500)]
        builds: usize,
    },
    /// Print how the database runs each history filter (for the million-row benchmark).
    #[command(hide = true)]
    HistoryPlans,
}

/// `greenlight audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the audit log's hash chain; name the first entry that does not match and exit 1,
    /// or say it is intact.
    Verify,
}

/// Fewest worker threads the server runs on, whatever the machine: with one, Leptos' server
/// rendering can leave a page waiting on a resource that never resumes
/// (leptos-rs/leptos#4647), and a one-vCPU instance is a common home for a small server.
pub const MIN_WORKER_THREADS: usize = 2;

/// Worker threads for a machine of `cores` cores: one per core, at least
/// [`MIN_WORKER_THREADS`].
pub fn worker_threads(cores: usize) -> usize {
    cores.max(MIN_WORKER_THREADS)
}

/// The runtime the server runs on, with [`worker_threads`] for this machine.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(worker_threads(cores))
        .enable_all()
        .build()
}

/// Parses arguments, runs, and maps failure to a non-zero exit.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_sessions=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    // Configuration first: a bad config exits before the database is touched.
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("greenlight: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("greenlight: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(execute(cli.command.unwrap_or(Command::Serve), settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("greenlight: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn execute(command: Command, settings: Settings) -> anyhow::Result<()> {
    let pool = startup::database(&settings).await?;
    let clock = SystemClock;
    match command {
        Command::Serve => {
            startup::first_admin(&pool, &clock).await?;
            let running = startup::start(settings, pool).await?;
            tracing::info!("serving on http://{}", running.address);
            tokio::select! {
                result = running.task => result??,
                _ = tokio::signal::ctrl_c() => tracing::info!("shutting down"),
            }
        }
        Command::Migrate => println!("migrations applied"),
        Command::Installation => {
            println!("{}", db::installation::id(&pool, clock.now_ms()).await?)
        }
        Command::Audit(AuditCommand::Verify) => {
            let state = db::audit_chain::verify(&pool).await?;
            match state {
                ChainState::Intact { .. } => println!("audit log {}", state.summary()),
                ChainState::Broken { .. } => anyhow::bail!("audit log {}", state.summary()),
            }
        }
        Command::User(command) => crate::cli_accounts::user(command, &pool, &clock).await?,
        Command::Token(command) => crate::cli_accounts::token(command, &pool, &clock).await?,
        Command::SeedHistory { count, builds } => {
            let names: Vec<String> = settings
                .environments
                .iter()
                .map(|e| e.name.to_string())
                .collect();
            db::seed::history(&pool, &names, count, builds, clock.now_ms()).await?;
            println!("wrote {count} deployment records over {builds} builds");
        }
        Command::HistoryPlans => {
            let backend = db::Backend::of(&settings.database_url);
            for plan in db::history_plans::plans(&pool, backend).await? {
                let name = if plan.filter.is_empty() {
                    "(no filter)"
                } else {
                    plan.filter
                };
                println!("{name}");
                for (what, lines) in [
                    ("page", &plan.page),
                    ("next page", &plan.next_page),
                    ("count", &plan.count),
                ] {
                    println!("  {what}:");
                    for line in lines {
                        println!("    {line}");
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_core_machine_gets_two_workers_and_a_bigger_one_one_per_core() {
        assert_eq!(worker_threads(1), 2);
        assert_eq!(worker_threads(2), 2);
        assert_eq!(worker_threads(8), 8);
    }

    #[test]
    fn the_server_runtime_runs_the_workers_this_machine_gets() {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let runtime = runtime().expect("runtime");
        assert_eq!(runtime.metrics().num_workers(), worker_threads(cores));
    }
}
