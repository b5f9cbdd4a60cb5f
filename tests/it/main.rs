//! The integration tests, linked into one test binary: one module per area
//! (the module's own comment says what it covers), the support modules shared
//! once. Run one area with `cargo test --test it AREA::`.

// Tests may unwrap: a panic here is a failed test, not a user's crash.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth_support;
mod client_support;
mod support;
mod ui_support;

mod auth_browser;
mod auth_cli;
mod auth_flow;
#[cfg(unix)]
mod auth_tui;
mod cli_completions;
mod cli_drafts;
mod cli_full_disk;
mod cli_import;
mod cli_tenant;
mod client_sandbox;
mod client_scripted;
mod client_submit;
mod dates_unreadable;
mod docs_keys;
#[cfg(unix)]
mod e2e_editor;
#[cfg(target_os = "linux")]
mod e2e_exit_paths;
#[cfg(unix)]
mod e2e_keymap;
#[cfg(unix)]
mod e2e_ledger;
#[cfg(unix)]
mod e2e_offline;
mod e2e_scan;
#[cfg(unix)]
mod e2e_tenant;
#[cfg(unix)]
mod e2e_theme;
#[cfg(unix)]
mod e2e_tui;
mod fault_campaign;
mod outbox_sync;
#[cfg(target_os = "linux")]
mod readme_commands;
mod reliability_props;
mod store_crash;
mod tenant_sandbox;
mod terminal_safety;
mod ui_editor;
#[cfg(unix)]
mod ui_editor_loop;
mod ui_import;
mod ui_keymap;
mod ui_keymap_dialogs;
mod ui_loop;
mod ui_mouse;
mod ui_notices;
mod ui_outbox;
mod ui_outbox_loop;
mod ui_recent_ledger;
mod ui_render_props;
mod ui_scan;
mod ui_sign_in;
mod ui_sign_in_loop;
mod ui_snapshots;
mod ui_state;
mod ui_submission;
mod ui_tenant;
mod ui_theme;
