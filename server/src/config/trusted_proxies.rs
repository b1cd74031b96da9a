//! `trusted_proxies`: the reverse proxies whose `X-Forwarded-For` is believed, parsed at load
//! into networks. Written as a TOML list (`["10.0.0.7", "10.1.0.0/16"]`) or, handy in an
//! environment variable, one string of comma-separated entries (`10.0.0.7,10.1.0.0/16`).

use ipnet::IpNet;
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::IpAddr;

/// One trusted proxy: a single address (`10.0.0.7`, `::1`) or a CIDR network (`10.0.0.0/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyNet(IpNet);

impl ProxyNet {
    /// Reads one entry; the reason names the text when it is neither form.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Ok(net) = text.parse::<IpNet>() {
            // `10.0.0.7/8` means the network it lies in, as most tools read it.
            return Ok(Self(net.trunc()));
        }
        match text.parse::<IpAddr>() {
            Ok(address) => Ok(Self(IpNet::from(address.to_canonical()))),
            Err(_) => Err(format!(
                "{text:?} is neither an IP address nor a CIDR network (such as 10.0.0.0/8)"
            )),
        }
    }

    /// Whether `address` lies in this network.
    pub fn contains(&self, address: IpAddr) -> bool {
        self.0.contains(&address.to_canonical())
    }
}

impl fmt::Display for ProxyNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de> Deserialize<'de> for ProxyNet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The configured proxies; empty (the default) believes no `X-Forwarded-For` at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<ProxyNet>);

impl TrustedProxies {
    /// Reads a list of entries (`10.0.0.7`, `10.1.0.0/16`).
    pub fn parse<'a>(entries: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        entries
            .into_iter()
            .map(ProxyNet::parse)
            .collect::<Result<_, _>>()
            .map(Self)
    }

    /// Whether `address` is one of the trusted proxies.
    pub fn contains(&self, address: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(address))
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for TrustedProxies {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for net in &self.0 {
            seq.serialize_element(&net.to_string())?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for TrustedProxies {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = TrustedProxies;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of IP addresses or CIDR networks")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
                let entries = text.split(',').filter(|e| !e.trim().is_empty());
                TrustedProxies::parse(entries).map_err(E::custom)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut nets = Vec::new();
                // Each element is read as a `ProxyNet`, so an error names its index.
                while let Some(net) = seq.next_element::<ProxyNet>()? {
                    nets.push(net);
                }
                Ok(TrustedProxies(nets))
            }
        }
        deserializer.deserialize_any(Entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    #[test]
    fn addresses_and_networks_of_both_families_are_read() {
        let proxies = TrustedProxies::parse(["10.0.0.7", "192.168.0.0/16", "::1", "fd00::/8"])
            .expect("valid");
        assert!(proxies.contains(ip("10.0.0.7")));
        assert!(!proxies.contains(ip("10.0.0.8")));
        assert!(proxies.contains(ip("192.168.44.1")));
        assert!(proxies.contains(ip("::1")));
        assert!(proxies.contains(ip("fd12::1")));
        assert!(!proxies.contains(ip("203.0.113.7")));
    }

    #[test]
    fn an_ipv4_address_seen_as_mapped_ipv6_is_still_recognised() {
        let proxies = TrustedProxies::parse(["10.0.0.0/8"]).expect("valid");
        assert!(proxies.contains(ip("::ffff:10.1.2.3")));
    }

    #[test]
    fn a_network_written_with_host_bits_means_the_network_it_lies_in() {
        let proxies = TrustedProxies::parse(["10.1.2.3/16"]).expect("valid");
        assert!(proxies.contains(ip("10.1.200.1")));
    }

    #[test]
    fn an_entry_that_is_neither_form_is_refused_with_its_text() {
        for bad in ["10.0.0.300", "10.0.0.0/33", "proxy.internal", ""] {
            let error = ProxyNet::parse(bad).expect_err(bad);
            assert!(error.contains(&format!("{bad:?}")), "{error}");
        }
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment::Jail's signature, not ours
    fn the_key_is_read_from_the_file_and_the_environment_as_a_list_or_commas() {
        let env = figment::providers::Env::prefixed("GLTEST_P_").split("__");
        figment::Jail::expect_with(|jail| {
            jail.create_file("a.toml", "trusted_proxies = [\"10.0.0.7\", \"fd00::/8\"]\n")?;
            let path = std::path::Path::new("a.toml");
            let settings =
                Settings::load_from(Some(path), env.clone()).map_err(|e| e.to_string())?;
            assert!(settings.trusted_proxies.contains(ip("fd00::1")));
            jail.set_env("GLTEST_P_TRUSTED_PROXIES", "[10.0.0.8, 192.168.0.0/16]");
            let settings =
                Settings::load_from(Some(path), env.clone()).map_err(|e| e.to_string())?;
            assert!(settings.trusted_proxies.contains(ip("192.168.1.1")));
            assert!(
                !settings.trusted_proxies.contains(ip("10.0.0.7")),
                "env replaces the file"
            );
            jail.set_env("GLTEST_P_TRUSTED_PROXIES", "10.0.0.9, 172.16.0.0/12");
            let settings =
                Settings::load_from(Some(path), env.clone()).map_err(|e| e.to_string())?;
            assert!(settings.trusted_proxies.contains(ip("10.0.0.9")));
            assert!(settings.trusted_proxies.contains(ip("172.20.0.1")));
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment::Jail's signature, not ours
    fn an_entry_that_cannot_be_read_stops_start_up_naming_the_key_and_the_reason() {
        let env = figment::providers::Env::prefixed("GLTEST_Q_").split("__");
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "b.toml",
                "trusted_proxies = [\"10.0.0.7\", \"10.0.0.0/33\"]\n",
            )?;
            let error = Settings::load_from(Some(std::path::Path::new("b.toml")), env.clone())
                .expect_err("bad entry")
                .to_string();
            assert!(error.contains("key `trusted_proxies[1]`"), "{error}");
            assert!(error.contains("\"10.0.0.0/33\" is neither"), "{error}");
            jail.set_env("GLTEST_Q_TRUSTED_PROXIES", "10.0.0.7,proxy.internal");
            let error = Settings::load_from(None, env.clone())
                .expect_err("bad entry")
                .to_string();
            assert!(error.contains("key `trusted_proxies`"), "{error}");
            assert!(error.contains("\"proxy.internal\""), "{error}");
            Ok(())
        });
    }

    #[test]
    fn nothing_is_trusted_by_default() {
        let proxies = TrustedProxies::default();
        assert!(proxies.is_empty());
        assert!(!proxies.contains(ip("127.0.0.1")));
    }
}
