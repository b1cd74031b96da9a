//! Who this server is across restarts: its host name and the address it listens on. Two live
//! servers cannot listen on the same address of the same host, so once this process holds
//! its listener, every lease held by an earlier incarnation of the same name belongs to a
//! process that is gone (killed, crashed) and can be taken back at once instead of after it
//! runs out.

use sqlx::AnyPool;
use std::net::SocketAddr;

/// This server's name (see [`name`]), having taken back the jobs an earlier incarnation held
/// when it died.
pub async fn take_over(db: &AnyPool, listening_on: SocketAddr) -> Result<String, sqlx::Error> {
    let incarnation = name(listening_on);
    let released = crate::db::jobs::release_owned_by(db, &format!("{incarnation}/")).await?;
    if released > 0 {
        tracing::info!(
            released,
            "took back the deployments this server held when it stopped"
        );
    }
    Ok(incarnation)
}

/// `<host>@<listen address>`: the prefix of every worker name this server uses.
pub fn name(listening_on: SocketAddr) -> String {
    format!("{}@{listening_on}", host_name())
}

/// The machine's host name (Linux), or the `HOSTNAME` variable, or `localhost`.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_tells_servers_on_one_host_apart_by_their_address() {
        let a = name("127.0.0.1:3000".parse().unwrap());
        let b = name("127.0.0.1:3001".parse().unwrap());
        assert_ne!(a, b);
        assert!(a.ends_with("@127.0.0.1:3000"), "{a}");
        assert!(!a.starts_with('@'), "a host name comes first: {a}");
    }
}
