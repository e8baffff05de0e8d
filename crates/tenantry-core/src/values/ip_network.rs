//! IP networks of an organization's IP restrictions.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;

use super::ValueError;

/// An IPv4 or IPv6 network in canonical form: a single address becomes a /32 or /128, and
/// host bits below the prefix are cleared (`10.1.2.3/8` is `10.0.0.0/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpNetwork(IpNet);

impl IpNetwork {
    pub fn contains(&self, address: IpAddr) -> bool {
        // A dual-stack listener reports IPv4 callers as `::ffff:a.b.c.d`.
        self.0.contains(&address.to_canonical())
    }
}

impl FromStr for IpNetwork {
    type Err = ValueError;

    fn from_str(raw: &str) -> Result<Self, ValueError> {
        let raw = raw.trim();
        let net = match raw.parse::<IpNet>() {
            Ok(net) => net.trunc(),
            Err(_) => raw
                .parse::<IpAddr>()
                .map(|address| IpNet::from(address.to_canonical()))
                .map_err(|_| {
                    ValueError(format!(
                        "{raw:?} is not an IP address or network (such as 203.0.113.0/24 or \
                         2001:db8::/32)"
                    ))
                })?,
        };
        Ok(IpNetwork(net))
    }
}

impl fmt::Display for IpNetwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(raw: &str) -> String {
        raw.parse::<IpNetwork>().unwrap().to_string()
    }

    #[test]
    fn addresses_become_host_networks_and_networks_are_canonical() {
        assert_eq!(net("203.0.113.7"), "203.0.113.7/32");
        assert_eq!(net("2001:db8::1"), "2001:db8::1/128");
        assert_eq!(net(" 10.1.2.3/8 "), "10.0.0.0/8");
        assert_eq!(net("2001:DB8:0:0:1::/32"), "2001:db8::/32");
        assert_eq!(net("::ffff:192.0.2.1"), "192.0.2.1/32");
        for bad in ["", "10.0.0.0/33", "example.com", "10.0.0", "2001:db8::/129"] {
            assert!(bad.parse::<IpNetwork>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn containment_sees_ipv4_callers_on_dual_stack_sockets() {
        let office: IpNetwork = "198.51.100.0/24".parse().unwrap();
        assert!(office.contains("198.51.100.20".parse().unwrap()));
        assert!(office.contains("::ffff:198.51.100.20".parse().unwrap()));
        assert!(!office.contains("198.51.101.1".parse().unwrap()));
        let v6: IpNetwork = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains("2001:db8:1::5".parse().unwrap()));
        assert!(!v6.contains("198.51.100.20".parse().unwrap()));
    }
}
