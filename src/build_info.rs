//! What was built: the package version with the git revision and commit date recorded by
//! `build.rs` (`unknown` when built outside a git checkout).

/// The git revision, 12 hex digits, or `unknown`.
pub const GIT_REVISION: &str = env!("ENROLL_CONSOLE_GIT_REV");

/// The commit date (`YYYY-MM-DD`), or empty when the revision is unknown.
pub const GIT_COMMIT_DATE: &str = env!("ENROLL_CONSOLE_GIT_DATE");

/// The version as `--version` and the Help overlay show it, e.g.
/// `0.1.0 (git 1a2b3c4d5e6f, 2026-11-29)` or `0.1.0 (git unknown)`.
pub fn long_version() -> &'static str {
    static LONG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    LONG.get_or_init(|| format_version(env!("CARGO_PKG_VERSION"), GIT_REVISION, GIT_COMMIT_DATE))
}

/// The version with the revision but not the date, e.g. `0.1.0 (git 1a2b3c4d5e6f)`: the Help
/// overlay's title, short enough for a 60-column terminal.
pub fn short_version() -> &'static str {
    static SHORT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SHORT.get_or_init(|| format_version(env!("CARGO_PKG_VERSION"), GIT_REVISION, ""))
}

fn format_version(version: &str, revision: &str, date: &str) -> String {
    if date.is_empty() {
        format!("{version} (git {revision})")
    } else {
        format!("{version} (git {revision}, {date})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_names_the_revision_and_its_date() {
        assert_eq!(
            format_version("0.1.0", "1a2b3c4d5e6f", "2026-11-29"),
            "0.1.0 (git 1a2b3c4d5e6f, 2026-11-29)"
        );
        assert_eq!(
            format_version("0.1.0", "unknown", ""),
            "0.1.0 (git unknown)"
        );
        assert!(long_version().starts_with(env!("CARGO_PKG_VERSION")));
        assert!(long_version().starts_with(short_version().trim_end_matches(')')));
    }
}
