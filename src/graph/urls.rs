//! Which URLs the client may talk to, and how it builds them.
//!
//! A bearer token is only ever sent over https, or over plain http to this
//! computer (127.0.0.0/8, ::1, `localhost`) where the embedded sandbox runs.
//! Both the configured base URL and every `@odata.nextLink` are checked
//! before anything is sent.

use url::{Host, Url};

use super::error::GraphError;

/// Whether the host is this computer: `localhost`, 127.0.0.0/8 or ::1
/// (also as an IPv4-mapped IPv6 address).
pub(crate) fn is_loopback_host(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

/// The URL as it may be shown: any password is replaced.
pub(crate) fn shown(url: &Url) -> String {
    if url.password().is_some() {
        let mut copy = url.clone();
        // Setting a password cannot fail on a URL that already has one.
        let _ = copy.set_password(Some("***"));
        copy.to_string()
    } else {
        url.to_string()
    }
}

/// Parses `raw` as an absolute URL the token may be sent to.
pub(crate) fn checked_url(raw: &str) -> Result<Url, GraphError> {
    let url = Url::parse(raw.trim()).map_err(|e| GraphError::InvalidUrl {
        url: raw.chars().take(200).collect(),
        reason: format!("not an absolute http(s) URL ({e})"),
    })?;
    let invalid = |reason: &str| GraphError::InvalidUrl {
        url: shown(&url),
        reason: reason.to_string(),
    };
    if url.username() != "" || url.password().is_some() {
        return Err(invalid(
            "a service URL must not hold a user name or password",
        ));
    }
    let Some(host) = url.host() else {
        return Err(invalid("the URL has no host"));
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback_host(&host) => Ok(url),
        "http" => Err(GraphError::InsecureUrl { url: shown(&url) }),
        other => Err(invalid(&format!(
            "the scheme must be https (or http to localhost), not {other}"
        ))),
    }
}

/// Checks the configured Graph root and returns it without a trailing `/`.
pub(crate) fn checked_base(raw: &str) -> Result<(Url, String), GraphError> {
    let url = checked_url(raw)?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(GraphError::InvalidUrl {
            url: shown(&url),
            reason: "the Graph root must not carry a query or fragment".to_string(),
        });
    }
    let text = url.as_str().trim_end_matches('/').to_string();
    Ok((url, text))
}

/// Checks an `@odata.nextLink`: absolute, allowed by [`checked_url`], and on
/// the same scheme, host and port as the base URL.
pub(crate) fn checked_next_link(raw: &str, base: &Url) -> Result<Url, GraphError> {
    let url = checked_url(raw)?;
    if url.origin() != base.origin() {
        return Err(GraphError::InvalidUrl {
            url: shown(&url),
            reason: format!(
                "the next-page link points away from the service ({}); the sign-in token is not sent there",
                base.origin().ascii_serialization()
            ),
        });
    }
    Ok(url)
}

/// Percent-encodes everything but RFC 3986 unreserved characters, for a
/// path segment or a query value.
pub(crate) fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Whether the URL's host is this computer (such URLs bypass any proxy).
pub(crate) fn is_loopback_url(url: &Url) -> bool {
    url.host().is_some_and(|h| is_loopback_host(&h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_loopback_http_are_allowed() {
        for ok in [
            "https://graph.microsoft.com/beta",
            "https://graph.microsoft.us/beta/",
            "http://127.0.0.1:8080/beta",
            "http://127.8.9.10/beta",
            "http://localhost:1234/beta",
            "http://LOCALHOST/beta",
            "http://[::1]:99/beta",
        ] {
            assert!(checked_url(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn plain_http_elsewhere_is_insecure() {
        for bad in [
            "http://example.com/beta",
            "http://graph.microsoft.com/beta",
            "http://10.0.0.1/beta",
            "http://localhost.example.com/beta",
            "http://[::2]/beta",
        ] {
            match checked_url(bad) {
                Err(GraphError::InsecureUrl { url }) => assert!(url.starts_with("http://")),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn other_shapes_are_invalid() {
        for bad in [
            "graph.microsoft.com/beta",
            "/beta",
            "ftp://graph.microsoft.com/beta",
            "file:///etc/passwd",
        ] {
            assert!(
                matches!(checked_url(bad), Err(GraphError::InvalidUrl { .. })),
                "{bad}"
            );
        }
        match checked_url("https://user:hunter2@graph.microsoft.com/beta") {
            Err(GraphError::InvalidUrl { url, .. }) => assert!(!url.contains("hunter2")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn base_loses_its_trailing_slash() {
        let (_, text) = checked_base("https://graph.microsoft.com/beta/").unwrap();
        assert_eq!(text, "https://graph.microsoft.com/beta");
        assert!(checked_base("https://graph.microsoft.com/beta?x=1").is_err());
    }

    #[test]
    fn next_links_must_stay_on_the_service() {
        let (base, _) = checked_base("https://graph.microsoft.com/beta").unwrap();
        let same = "https://graph.microsoft.com/beta/deviceManagement/importedDeviceIdentities?$skiptoken=abc";
        assert_eq!(checked_next_link(same, &base).unwrap().as_str(), same);
        for bad in [
            "https://evil.example.com/beta/x",
            "https://graph.microsoft.com:8443/beta/x",
            "/beta/deviceManagement/importedDeviceIdentities?$skip=2",
        ] {
            assert!(
                matches!(
                    checked_next_link(bad, &base),
                    Err(GraphError::InvalidUrl { .. })
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            checked_next_link("http://graph.microsoft.com/beta/x", &base),
            Err(GraphError::InsecureUrl { .. })
        ));
    }

    #[test]
    fn components_are_percent_encoded() {
        assert_eq!(encode_component("abc-1.2_~"), "abc-1.2_~");
        assert_eq!(encode_component("a/b c?#"), "a%2Fb%20c%3F%23");
        assert_eq!(
            encode_component("startswith(importedDeviceIdentifier,'35')"),
            "startswith%28importedDeviceIdentifier%2C%2735%27%29"
        );
        assert_eq!(encode_component("é"), "%C3%A9");
    }

    #[test]
    fn loopback_urls_are_recognised() {
        assert!(is_loopback_url(&Url::parse("http://127.0.0.1:1/").unwrap()));
        assert!(is_loopback_url(&Url::parse("http://[::1]:1/").unwrap()));
        assert!(!is_loopback_url(
            &Url::parse("https://graph.microsoft.com/").unwrap()
        ));
    }
}
