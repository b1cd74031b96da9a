//! `greenlight user …` and `greenlight token …`: the user lifecycle and API tokens from the
//! server's host, through the same use-cases as the admin pages, audited as `cli`.

use crate::clock::Clock;
use crate::db;
use crate::service::{tokens, users};
use app::domain::views::TokenForm;
use app::domain::{Role, Scope, UserKind};
use clap::Subcommand;
use sqlx::AnyPool;
use std::io::Read;

/// `greenlight user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; a person's password is read from stdin.
    Add {
        /// Login name.
        name: String,
        /// viewer, qa, engineer or admin.
        #[arg(long)]
        role: String,
        /// Read the password from stdin (the only way; kept for scripts' clarity).
        #[arg(long, default_value_t = true)]
        password_stdin: bool,
        /// A service account: owns tokens, never signs in, has no password.
        #[arg(long)]
        service: bool,
    },
    /// List users.
    List,
    /// Disable a user: sessions end and tokens stop working at once; history keeps the name.
    Disable {
        /// Login name.
        name: String,
    },
    /// Re-enable a disabled user.
    Enable {
        /// Login name.
        name: String,
    },
    /// Change a user's role.
    SetRole {
        /// Login name.
        name: String,
        /// viewer, qa, engineer or admin.
        role: String,
    },
    /// Reset a person's password: a generated one is printed once (or, with
    /// `--password-stdin`, read from stdin); they must change it at the next sign-in.
    ResetPassword {
        /// Login name.
        name: String,
        /// Read the new password from stdin instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Turn a user's two-factor sign-in off (a lost device and recovery codes).
    ResetTwoFactor {
        /// Login name.
        name: String,
    },
    /// Rename a user (history keeps the old name on old records).
    Rename {
        /// Current login name.
        name: String,
        /// New login name.
        new_name: String,
    },
}

/// `greenlight token …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for a user and print it once.
    Create {
        /// The user the token acts as.
        user: String,
        /// A label, e.g. "ci".
        #[arg(long)]
        name: String,
        /// Scopes, e.g. "builds:write read" (default: every scope the owner's role allows).
        #[arg(long)]
        scopes: Option<String>,
        /// Lifetime in days (default: never expires).
        #[arg(long)]
        expires_in_days: Option<u32>,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke a token by id.
    Revoke {
        /// Token id, from `token list`.
        id: i64,
    },
}

fn read_stdin() -> anyhow::Result<String> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    Ok(text.trim_end_matches(['\n', '\r']).to_owned())
}

fn role(text: &str) -> anyhow::Result<Role> {
    Role::parse(text).map_err(|e| anyhow::anyhow!("role: {e}"))
}

/// Runs a `user` command.
pub async fn user(command: UserCommand, pool: &AnyPool, clock: &dyn Clock) -> anyhow::Result<()> {
    let cli = users::Actor::cli();
    match command {
        UserCommand::Add {
            name,
            role: role_name,
            service,
            ..
        } => {
            let (kind, password) = if service {
                (UserKind::Service, String::new())
            } else {
                (UserKind::Person, read_stdin()?)
            };
            let user =
                users::add(pool, clock, cli, &name, role(&role_name)?, kind, &password).await?;
            println!(
                "added {} ({}, {})",
                user.name,
                user.role,
                user.kind.as_str()
            );
        }
        UserCommand::List => {
            for user in db::users::list(pool).await? {
                let state = match (user.disabled_at, user.must_change_password) {
                    (Some(_), _) => "disabled",
                    (None, true) => "must-change-password",
                    (None, false) => "active",
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    user.name,
                    user.role,
                    user.kind.as_str(),
                    state,
                    user.created_at.to_rfc3339()
                );
            }
        }
        UserCommand::Disable { name } => {
            users::set_disabled(pool, clock, cli, &name, true).await?;
            println!("disabled {name}: sessions ended, tokens stopped");
        }
        UserCommand::Enable { name } => {
            users::set_disabled(pool, clock, cli, &name, false).await?;
            println!("enabled {name}");
        }
        UserCommand::SetRole {
            name,
            role: role_name,
        } => {
            let user = users::set_role(pool, clock, cli, &name, role(&role_name)?).await?;
            println!("{} is now {}", user.name, user.role);
        }
        UserCommand::ResetPassword {
            name,
            password_stdin,
        } => {
            let chosen = if password_stdin {
                read_stdin()?
            } else {
                String::new()
            };
            let reset = users::reset_password(pool, clock, cli, &name, &chosen).await?;
            eprintln!(
                "password of {} reset; they must change it at the next sign-in",
                reset.user
            );
            if let Some(password) = reset.generated {
                println!("{password}");
            }
        }
        UserCommand::ResetTwoFactor { name } => {
            users::reset_two_factor(pool, clock, cli, &name).await?;
            println!("two-factor sign-in of {name} is off");
        }
        UserCommand::Rename { name, new_name } => {
            let user = users::rename(pool, clock, cli, &name, &new_name).await?;
            println!("renamed {name} to {}", user.name);
        }
    }
    Ok(())
}

/// Runs a `token` command.
pub async fn token(command: TokenCommand, pool: &AnyPool, clock: &dyn Clock) -> anyhow::Result<()> {
    let cli = users::Actor::cli();
    match command {
        TokenCommand::Create {
            user,
            name,
            scopes,
            expires_in_days,
        } => {
            let scopes = match scopes {
                Some(scopes) => scopes,
                None => {
                    let owner = db::users::by_name(pool, &user).await?;
                    let role = owner.map_or(Role::Viewer, |o| o.principal.role);
                    Scope::ALL
                        .into_iter()
                        .filter(|s| role.allows(s.grants()))
                        .map(Scope::as_str)
                        .collect::<Vec<_>>()
                        .join(" ")
                }
            };
            let form = TokenForm {
                user,
                name,
                scopes,
                expires_in_days: expires_in_days.map(|d| d.to_string()).unwrap_or_default(),
            };
            let token = tokens::create(pool, clock, cli, true, &form).await?;
            eprintln!(
                "token {} for {} (id {}, scopes {}); shown once:",
                token.row.name, token.row.user, token.row.id, token.row.scopes
            );
            println!("{}", token.secret);
        }
        TokenCommand::List => {
            let now = app::domain::Timestamp::from_millis(clock.now_ms());
            for t in db::tokens::list(pool, None).await? {
                let state = match (t.revoked_at, t.active_at(now)) {
                    (Some(_), _) => "revoked",
                    (None, false) => "expired",
                    (None, true) => "active",
                };
                let expires = t
                    .expires_at
                    .map_or("never".to_owned(), |at| at.to_rfc3339());
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    t.id, t.user, t.name, t.scopes, expires, state
                );
            }
        }
        TokenCommand::Revoke { id } => {
            tokens::revoke(pool, clock, cli, None, id).await?;
            println!("revoked token {id}");
        }
    }
    Ok(())
}
