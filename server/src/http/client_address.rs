//! Who the client is, by address: the TCP peer, unless the peer is one of the
//! `trusted_proxies`; then `X-Forwarded-For` is walked from the right (each proxy appends the
//! address it received the request from) to the first address that is not itself a trusted
//! proxy. From any other peer the header is ignored: a client cannot choose its own address.

use crate::config::TrustedProxies;
use axum::http::HeaderMap;
use std::net::{IpAddr, SocketAddr};

/// The header proxies append the client's address to.
pub const X_FORWARDED_FOR: &str = "x-forwarded-for";

/// The client's address for a request from `peer` carrying `headers`.
///
/// Behind trusted proxies: the right-most `X-Forwarded-For` entry that is not a trusted
/// proxy; when every entry is one, the left-most (the origin as far as anyone trusted can
/// tell). Without the header, or when the walk reaches an entry that is not an address (a
/// proxy passed on something it should not have), the peer itself.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted.contains(peer) {
        return peer;
    }
    let mut nearest = peer;
    for hop in hops_from_the_right(headers) {
        let Some(address) = hop else {
            return peer;
        };
        if !trusted.contains(address) {
            return address;
        }
        nearest = address;
    }
    nearest
}

/// Every `X-Forwarded-For` entry, the last header line's last entry first; `None` for an
/// entry that is not an address. Several header lines count as one list, in order.
fn hops_from_the_right(headers: &HeaderMap) -> impl Iterator<Item = Option<IpAddr>> + '_ {
    headers
        .get_all(X_FORWARDED_FOR)
        .iter()
        .rev()
        .flat_map(|value| match value.to_str() {
            Ok(text) => text.rsplit(',').map(hop).collect::<Vec<_>>(),
            Err(_) => vec![None],
        })
}

/// One entry: an address, or an address with a port as some proxies write it.
fn hop(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    let address = text
        .parse::<IpAddr>()
        .or_else(|_| text.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()?;
    Some(address.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(
                X_FORWARDED_FOR,
                HeaderValue::from_str(value).expect("value"),
            );
        }
        headers
    }

    fn proxies(entries: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(entries.iter().copied()).expect("proxies")
    }

    #[test]
    fn from_an_untrusted_peer_the_header_is_ignored() {
        let headers = forwarded(&["203.0.113.7"]);
        let resolved = resolve(ip("198.51.100.1"), &headers, &proxies(&["10.0.0.0/8"]));
        assert_eq!(resolved, ip("198.51.100.1"));
        let resolved = resolve(ip("10.0.0.1"), &headers, &TrustedProxies::default());
        assert_eq!(resolved, ip("10.0.0.1"));
    }

    #[test]
    fn from_a_trusted_proxy_the_address_it_appended_is_the_client() {
        let headers = forwarded(&["203.0.113.7"]);
        let resolved = resolve(ip("10.0.0.1"), &headers, &proxies(&["10.0.0.1"]));
        assert_eq!(resolved, ip("203.0.113.7"));
    }

    #[test]
    fn what_the_client_wrote_left_of_the_proxy_entry_is_not_believed() {
        let headers = forwarded(&["1.1.1.1, 203.0.113.7"]);
        let resolved = resolve(ip("10.0.0.1"), &headers, &proxies(&["10.0.0.1"]));
        assert_eq!(resolved, ip("203.0.113.7"));
    }

    #[test]
    fn a_chain_of_trusted_proxies_is_walked_from_the_right() {
        let headers = forwarded(&["198.51.100.3, 203.0.113.7", "10.0.0.2, 10.0.0.3"]);
        let resolved = resolve(ip("10.0.0.1"), &headers, &proxies(&["10.0.0.0/8"]));
        assert_eq!(resolved, ip("203.0.113.7"));
    }

    #[test]
    fn when_every_entry_is_a_trusted_proxy_the_left_most_is_the_client() {
        let headers = forwarded(&["10.0.0.9, 10.0.0.2"]);
        let resolved = resolve(ip("10.0.0.1"), &headers, &proxies(&["10.0.0.0/8"]));
        assert_eq!(resolved, ip("10.0.0.9"));
    }

    #[test]
    fn without_the_header_or_with_an_unreadable_entry_the_peer_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let peer = ip("10.0.0.1");
        assert_eq!(resolve(peer, &HeaderMap::new(), &trusted), peer);
        for bad in ["unknown", "203.0.113.7, ", "203.0.113.300", ""] {
            assert_eq!(resolve(peer, &forwarded(&[bad]), &trusted), peer, "{bad}");
        }
        let mut opaque = HeaderMap::new();
        opaque.append(
            X_FORWARDED_FOR,
            HeaderValue::from_bytes(b"\xff").expect("value"),
        );
        assert_eq!(resolve(peer, &opaque, &trusted), peer);
    }

    #[test]
    fn an_unreadable_entry_left_of_the_client_does_not_matter() {
        let headers = forwarded(&["garbage, 203.0.113.7"]);
        let resolved = resolve(ip("10.0.0.1"), &headers, &proxies(&["10.0.0.1"]));
        assert_eq!(resolved, ip("203.0.113.7"));
    }

    #[test]
    fn ports_and_mapped_ipv6_forms_name_the_same_client() {
        let trusted = proxies(&["10.0.0.1"]);
        let headers = forwarded(&["203.0.113.7:51234"]);
        assert_eq!(
            resolve(ip("::ffff:10.0.0.1"), &headers, &trusted),
            ip("203.0.113.7")
        );
        let headers = forwarded(&["[2001:db8::7]:443"]);
        assert_eq!(
            resolve(ip("10.0.0.1"), &headers, &trusted),
            ip("2001:db8::7")
        );
        let headers = forwarded(&["::ffff:203.0.113.7"]);
        assert_eq!(
            resolve(ip("10.0.0.1"), &headers, &trusted),
            ip("203.0.113.7")
        );
    }
}
