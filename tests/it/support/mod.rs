//! Helpers shared by the end-to-end tests; each test file uses some of them.
#![allow(dead_code)]

pub mod console;
pub mod standalone;
pub mod tmux;
