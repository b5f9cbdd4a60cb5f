//! `config.toml`: named tenant profiles and the default one. A bad file is
//! an error naming the file, the line and the key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::graph::{SubmitMethod, WriteLimit};
use crate::keymap::{Keymap, KeymapError, KeysConfig};
use crate::sandbox::{
    CreateRoute, DEFAULT_PAGE_ACTIONS, SandboxOptions, Storage, WriteLimit as SandboxWriteLimit,
    deserialize_write_limit,
};

/// The national clouds and their hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cloud {
    #[default]
    Global,
    Usgov,
    UsgovDod,
    China,
}

impl Cloud {
    /// The Graph root, without the version.
    pub fn graph_host(self) -> &'static str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::Usgov => "https://graph.microsoft.us",
            Cloud::UsgovDod => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// The Microsoft identity platform host.
    pub fn login_host(self) -> &'static str {
        match self {
            Cloud::Global => "https://login.microsoftonline.com",
            Cloud::Usgov | Cloud::UsgovDod => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
        }
    }
}

/// How a profile signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMethod {
    /// A person, in the system browser (authorization code + PKCE on a
    /// loopback redirect); the device code flow when no browser opens.
    #[default]
    Browser,
    /// A person, with a code entered on another device.
    DeviceCode,
    /// An application, with a certificate (signed client assertion).
    ClientCertificate,
    /// An application, with a client secret from the environment.
    ClientSecret,
    /// A bearer token from `ENROLL_CONSOLE_TOKEN`.
    TokenEnv,
}

impl AuthMethod {
    /// A person signs in (and the sign-in is cached).
    pub fn is_interactive(self) -> bool {
        matches!(self, AuthMethod::Browser | AuthMethod::DeviceCode)
    }

    /// An application signs in with its own credentials (nothing cached).
    pub fn is_application(self) -> bool {
        matches!(
            self,
            AuthMethod::ClientCertificate | AuthMethod::ClientSecret
        )
    }
}

/// Where the sign-in of a person is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenStoreChoice {
    /// The OS keychain when one answers, else the owner-only file.
    #[default]
    Auto,
    /// Always the owner-only file in the data folder.
    File,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub tenant: Option<String>,
    pub client_id: Option<String>,
    #[serde(default)]
    pub cloud: Cloud,
    #[serde(default)]
    pub auth: AuthMethod,
    /// Overrides the cloud's Graph root; may include the version (`.../beta`).
    pub graph_url: Option<String>,
    pub login_url: Option<String>,
    /// Environment variable holding the client secret (client-secret auth).
    pub client_secret_env: Option<String>,
    /// The certificate (PEM) of client-certificate auth; may also hold the key.
    pub certificate: Option<PathBuf>,
    /// The private key (PEM, PKCS#8 or PKCS#1) when not in `certificate`.
    pub private_key: Option<PathBuf>,
    /// Environment variable holding the password of a PKCS#12 `certificate`.
    pub certificate_password_env: Option<String>,
    /// Seconds the browser sign-in waits for the answer (default 300).
    pub browser_timeout_secs: Option<u64>,
    #[serde(default, with = "submit_method_serde")]
    pub submit_method: SubmitMethod,
}

impl Profile {
    /// The Graph beta root this profile talks to.
    pub fn graph_base_url(&self) -> String {
        match &self.graph_url {
            Some(url) => {
                let url = url.trim_end_matches('/');
                if url.ends_with("/beta") {
                    url.to_string()
                } else {
                    format!("{url}/beta")
                }
            }
            None => format!("{}/beta", self.cloud.graph_host()),
        }
    }
}

impl Profile {
    /// The identity platform root: `login_url`, else the cloud's login host.
    pub fn login_base_url(&self) -> String {
        match &self.login_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => self.cloud.login_host().to_string(),
        }
    }
}

mod submit_method_serde {
    use serde::{Deserialize, Deserializer};

    use crate::graph::SubmitMethod;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SubmitMethod, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(|_| {
            serde::de::Error::custom(format!(
                "submit_method must be auto, create or import, not {s:?}"
            ))
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub default_profile: Option<String>,
    /// The Tenant list's Stale view: not contacted for this many days (default 90).
    #[serde(default)]
    pub stale_days: Option<u32>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// Colour on the terminal: `auto` honours NO_COLOR; `always`/`never` override it.
    #[serde(default)]
    pub color: ColorChoice,
    /// The palette: `dark` (default) or `light` terminal background.
    #[serde(default)]
    pub theme: ThemeChoice,
    /// Mouse support (click to focus, wheel to scroll); off by default.
    #[serde(default)]
    pub mouse: bool,
    /// Key bindings merged over the defaults: `[keys.SCOPE] action = "KEY"`
    /// or `action = ["KEY", "KEY"]`.
    #[serde(default)]
    pub keys: KeysConfig,
    /// Where sign-ins are kept: `auto` (the OS keychain, else a 0600 file) or `file`.
    #[serde(default)]
    pub token_store: TokenStoreChoice,
    /// Writes (POST, PATCH, DELETE) this console sends per window, shared by
    /// every writer of a process: `"WRITES/SECONDS"`, default Intune's `"100/20"`.
    #[serde(default, with = "write_limit_serde")]
    pub write_limit: Option<WriteLimit>,
    /// How the embedded sandbox answers (used when no profile is configured).
    #[serde(default)]
    pub sandbox: SandboxSettings,
}

mod write_limit_serde {
    use serde::{Deserialize, Deserializer};

    use crate::graph::WriteLimit;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<WriteLimit>, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map(Some).map_err(serde::de::Error::custom)
    }
}

/// The embedded sandbox's write limit unless `[sandbox] write_limit` says
/// otherwise: Intune's 100 writes per 20 s per app.
pub const EMBEDDED_WRITE_LIMIT: Option<SandboxWriteLimit> = Some(SandboxWriteLimit::INTUNE);

/// Seconds after which an identity in the embedded sandbox reads as
/// enrolled, unless `[sandbox] enroll_after_secs` says otherwise.
pub const EMBEDDED_ENROLL_AFTER_SECS: u64 = 180;

/// `[sandbox]`: the embedded sandbox's answers. Unset keys keep the defaults.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SandboxSettings {
    /// `documented`, `no-route` or `server-error`.
    pub create_route: Option<CreateRoute>,
    /// `"N/SECONDS"` or `"off"`.
    #[serde(default, deserialize_with = "deserialize_write_limit")]
    pub write_limit: Option<Option<SandboxWriteLimit>>,
    /// 0 turns enrolling off.
    pub enroll_after_secs: Option<u64>,
    /// Page long action answers with `@odata.nextLink`.
    pub page_actions: Option<bool>,
}

impl SandboxSettings {
    /// The embedded sandbox's options, its tenant kept in `storage`.
    pub fn options(&self, storage: Storage) -> SandboxOptions {
        let defaults = SandboxOptions::default();
        let enroll_after = self.enroll_after_secs.unwrap_or(EMBEDDED_ENROLL_AFTER_SECS);
        SandboxOptions {
            storage,
            faults: crate::sandbox::Faults {
                create_route: self.create_route.unwrap_or_default(),
                ..defaults.faults.clone()
            },
            write_limit: self.write_limit.unwrap_or(EMBEDDED_WRITE_LIMIT),
            enroll_after: (enroll_after > 0).then(|| std::time::Duration::from_secs(enroll_after)),
            page_actions: self.page_actions.unwrap_or(DEFAULT_PAGE_ACTIONS),
            ..defaults
        }
    }
}

/// The `color` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ColorChoice {
    /// Colour unless NO_COLOR is set to a non-empty value.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to draw in colour, given the NO_COLOR variable's value.
    pub fn use_color(self, no_color: Option<&std::ffi::OsStr>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => no_color.is_none_or(|v| v.is_empty()),
        }
    }
}

/// The `theme` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeChoice {
    #[default]
    Dark,
    Light,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}:{line}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no profile named {name:?} in {path} (profiles: {known})")]
    UnknownProfile {
        name: String,
        path: PathBuf,
        known: String,
    },
}

impl Config {
    /// Reads the file; a missing file is an empty config (the sandbox is used).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(source) => Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: path.to_path_buf(),
            line: e.span().map_or(1, |s| line_of(s.start)),
            message: e.message().trim().to_string(),
        })?;
        for (name, profile) in &config.profiles {
            if let Some(url) = &profile.graph_url
                && url
                    .trim_end_matches('/')
                    .to_ascii_lowercase()
                    .ends_with("/v1.0")
            {
                let at = text.find(url.as_str()).unwrap_or(0);
                return Err(ConfigError::Invalid {
                    path: path.to_path_buf(),
                    line: line_of(at),
                    message: format!(
                        "profile {name:?}: graph_url {url:?} ends in /v1.0, but imported device \
                         identities exist only in Graph beta: end it in /beta, or leave the \
                         version out"
                    ),
                });
            }
        }
        if let Some(name) = &config.default_profile
            && !config.profiles.contains_key(name)
        {
            return Err(config.unknown_profile(name, path));
        }
        // A bad keymap stops every command, before the terminal is touched.
        if let Err(e) = config.keymap() {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                line: line_of(e.offset),
                message: e.to_string(),
            });
        }
        Ok(config)
    }

    /// The effective keymap: the defaults with `[keys]` merged over them.
    pub fn keymap(&self) -> Result<Keymap, KeymapError> {
        Keymap::from_config(&self.keys)
    }

    /// The named profile, or the default one; `None` when none is configured.
    pub fn profile(
        &self,
        name: Option<&str>,
        path: &Path,
    ) -> Result<Option<(String, Profile)>, ConfigError> {
        let Some(name) = name.or(self.default_profile.as_deref()) else {
            return Ok(None);
        };
        match self.profiles.get(name) {
            Some(p) => Ok(Some((name.to_string(), p.clone()))),
            None => Err(self.unknown_profile(name, path)),
        }
    }

    fn unknown_profile(&self, name: &str, path: &Path) -> ConfigError {
        let known: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
        ConfigError::UnknownProfile {
            name: name.to_string(),
            path: path.to_path_buf(),
            known: if known.is_empty() {
                "none".into()
            } else {
                known.join(", ")
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_shape() {
        let text = r#"
default_profile = "contoso"
[profiles.contoso]
tenant = "contoso.onmicrosoft.com"
client_id = "00000000-0000-0000-0000-000000000000"
cloud = "usgov-dod"
auth = "token-env"
submit_method = "import"
"#;
        let c = Config::parse(text, Path::new("config.toml")).unwrap();
        let (name, p) = c.profile(None, Path::new("c")).unwrap().unwrap();
        assert_eq!(name, "contoso");
        assert_eq!(p.cloud, Cloud::UsgovDod);
        assert_eq!(p.auth, AuthMethod::TokenEnv);
        assert_eq!(p.submit_method, SubmitMethod::Import);
        assert_eq!(p.graph_base_url(), "https://dod-graph.microsoft.us/beta");
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let text = "default_profile = \"a\"\n[profiles.a]\ntenant = \"t\"\ncloud = \"mars\"\n";
        let e = Config::parse(text, Path::new("/x/config.toml")).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("/x/config.toml:4:"), "{msg}");
        assert!(msg.contains("mars"), "{msg}");

        let text = "[profiles.a]\ntennant = \"t\"\n";
        let msg = Config::parse(text, Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            msg.starts_with("c.toml:2:") && msg.contains("tennant"),
            "{msg}"
        );

        let text = "default_profile = \"b\"\n[profiles.a]\n";
        let msg = Config::parse(text, Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("\"b\"") && msg.contains("profiles: a"),
            "{msg}"
        );
    }

    #[test]
    fn color_setting_overrides_no_color() {
        use std::ffi::OsStr;
        let c = Config::parse("color = \"always\"\nmouse = true\n", Path::new("c")).unwrap();
        assert!(c.color.use_color(Some(OsStr::new("1"))));
        assert!(c.mouse);
        let c = Config::parse("color = \"never\"\n", Path::new("c")).unwrap();
        assert!(!c.color.use_color(None));
        let auto = ColorChoice::Auto;
        assert!(auto.use_color(None));
        assert!(auto.use_color(Some(OsStr::new(""))));
        assert!(!auto.use_color(Some(OsStr::new("1"))));
        let msg = Config::parse("color = \"sometimes\"\n", Path::new("c"))
            .unwrap_err()
            .to_string();
        assert!(
            msg.starts_with("c:1:") && msg.contains("sometimes"),
            "{msg}"
        );
    }

    #[test]
    fn a_v1_graph_url_is_refused_because_the_resource_is_beta_only() {
        let text =
            "[profiles.a]\ntenant = \"t\"\ngraph_url = \"https://graph.microsoft.com/v1.0/\"\n";
        let msg = Config::parse(text, Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(msg.starts_with("c.toml:3:"), "{msg}");
        assert!(msg.contains("/v1.0") && msg.contains("beta"), "{msg}");
        let ok = "[profiles.a]\ngraph_url = \"https://graph.microsoft.com/beta\"\n";
        assert!(Config::parse(ok, Path::new("c.toml")).is_ok());
    }

    #[test]
    fn write_limit_is_writes_per_seconds() {
        let c = Config::parse("write_limit = \"50/10\"\n", Path::new("c")).unwrap();
        assert_eq!(
            c.write_limit.map(|l| l.to_string()).as_deref(),
            Some("50/10")
        );
        assert_eq!(Config::parse("", Path::new("c")).unwrap().write_limit, None);
        let msg = Config::parse("write_limit = \"fast\"\n", Path::new("c"))
            .unwrap_err()
            .to_string();
        assert!(
            msg.starts_with("c:1:") && msg.contains("WRITES/SECONDS"),
            "{msg}"
        );
    }

    #[test]
    fn sandbox_settings_and_their_defaults() {
        let c = Config::parse("", Path::new("c")).unwrap();
        let o = c.sandbox.options(Storage::InMemory);
        assert_eq!(o.faults.create_route, crate::sandbox::DEFAULT_CREATE_ROUTE);
        assert_eq!(o.write_limit, Some(SandboxWriteLimit::INTUNE));
        assert_eq!(o.enroll_after.map(|d| d.as_secs()), Some(180));
        assert_eq!(o.page_actions, DEFAULT_PAGE_ACTIONS);

        let text = "[sandbox]\ncreate_route = \"server-error\"\nwrite_limit = \"off\"\n\
                    enroll_after_secs = 0\npage_actions = true\n";
        let o = Config::parse(text, Path::new("c"))
            .unwrap()
            .sandbox
            .options(Storage::InMemory);
        assert_eq!(o.faults.create_route, CreateRoute::ServerError);
        assert_eq!(
            (o.write_limit, o.enroll_after, o.page_actions),
            (None, None, true)
        );
        let o = Config::parse("[sandbox]\nwrite_limit = \"5/2\"\n", Path::new("c"))
            .unwrap()
            .sandbox
            .options(Storage::InMemory);
        assert_eq!(
            o.write_limit.map(|l| (l.writes, l.window.as_secs())),
            Some((5, 2))
        );

        for bad in [
            "[sandbox]\ncreate_route = \"gone\"\n",
            "[sandbox]\nwrite_limit = \"fast\"\n",
            "[sandbox]\nenroll_after = 3\n",
        ] {
            let msg = Config::parse(bad, Path::new("c")).unwrap_err().to_string();
            assert!(msg.starts_with("c:"), "{msg}");
        }
        let msg = Config::parse("[sandbox]\ncreate_route = \"gone\"\n", Path::new("c"))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("documented, no-route, server-error"), "{msg}");
    }

    #[test]
    fn graph_url_override_gets_the_version() {
        let p: Profile = toml::from_str("graph_url = \"http://127.0.0.1:9/\"").unwrap();
        assert_eq!(p.graph_base_url(), "http://127.0.0.1:9/beta");
    }
}
