//! Config parsing: any text either parses or names a line inside the file.
#![no_main]

use std::path::Path;

use enroll_console::config::{Config, ConfigError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match Config::parse(text, Path::new("config.toml")) {
        Ok(config) => {
            let _ = config.profile(None, Path::new("config.toml"));
        }
        Err(ConfigError::Invalid { line, .. }) => {
            let lines = text.matches('\n').count() + 1;
            assert!(line >= 1 && line <= lines, "line {line} of {lines}");
        }
        Err(_) => {}
    }
});
