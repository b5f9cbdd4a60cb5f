//! Where the console keeps its files: platform conventions (XDG on Linux),
//! or everything under `ENROLL_CONSOLE_HOME` with `config.toml` at its root.

use std::path::PathBuf;

use crate::session::Paths;

/// The environment variable that puts config, data and logs under one folder.
pub const HOME_ENV: &str = "ENROLL_CONSOLE_HOME";

#[derive(Debug, thiserror::Error)]
#[error("cannot find a home folder for the console's files; set {HOME_ENV} to a folder")]
pub struct NoHome;

impl Paths {
    /// Resolves the folders from the environment.
    pub fn from_env() -> Result<Paths, NoHome> {
        match std::env::var_os(HOME_ENV).filter(|v| !v.is_empty()) {
            Some(home) => Ok(Paths::under(PathBuf::from(home))),
            None => {
                let dirs =
                    directories::ProjectDirs::from("", "", "enroll-console").ok_or(NoHome)?;
                let log_dir = dirs
                    .state_dir()
                    .unwrap_or_else(|| dirs.data_local_dir())
                    .join("logs");
                Ok(Paths {
                    config_dir: dirs.config_dir().to_path_buf(),
                    data_dir: dirs.data_dir().to_path_buf(),
                    log_dir,
                })
            }
        }
    }

    /// Everything under one folder (`ENROLL_CONSOLE_HOME`, tests).
    pub fn under(home: PathBuf) -> Paths {
        Paths {
            config_dir: home.clone(),
            data_dir: home.join("data"),
            log_dir: home.join("logs"),
        }
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    /// The console's own database (Recent, settings).
    pub fn store_file(&self) -> PathBuf {
        self.data_dir.join("console.db")
    }

    /// The embedded sandbox's tenant.
    pub fn sandbox_file(&self) -> PathBuf {
        self.data_dir.join("sandbox.db")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_home_holds_everything() {
        let p = Paths::under(PathBuf::from("/h"));
        assert_eq!(p.config_file(), PathBuf::from("/h/config.toml"));
        assert_eq!(p.store_file(), PathBuf::from("/h/data/console.db"));
        assert_eq!(p.log_dir, PathBuf::from("/h/logs"));
    }
}
