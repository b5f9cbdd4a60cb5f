//! `docs/KEYS.md`, generated from the default keymap so the table can never
//! drift from the code (a test compares the committed file).

use std::fmt::Write as _;

use super::{DEFAULT_BINDINGS, KeySpec, Scope};

/// What each scope is, for the table headings.
fn scope_note(scope: Scope) -> &'static str {
    match scope {
        Scope::Global => "Everywhere, under the screen's own keys.",
        Scope::Form => "The New identity form. Letters type into its fields.",
        Scope::List => "The List screen, all tabs.",
        Scope::Tenant => "The Tenant tab of the List screen (on top of `list`).",
        Scope::Outbox => "The Drafts/Outbox tab of the List screen (on top of `list`).",
        Scope::Detail => "The Detail screen.",
        Scope::Scan => "Scan mode. Letters go to the scan input; Enter and Tab end a scan.",
        Scope::Import => "The Import CSV screen (letters type the path until a file is loaded).",
        Scope::Help => "The Help overlay; no other key acts while it is open.",
        Scope::Log => "The message log (F9); no other key acts while it is open.",
        Scope::Confirm => {
            "A question before deleting, discarding or overwriting; no other key acts while it is open."
        }
        Scope::Dialog => {
            "A dialog with a text field (edit the description, export); letters type into the field."
        }
        Scope::Results => "The results of a finished step (the Tenant delete results).",
        Scope::Prompt => "A filter prompt (Recent, Tenant); letters type the filter.",
        Scope::SignIn => "The sign-in screen; no other key acts while it is shown.",
    }
}

const INTRO: &str = r#"# Keys

<!-- Generated from the default keymap (src/keymap/defaults.rs) by
     `enroll_console::keymap::docs::keys_markdown`; do not edit by hand.
     Regenerate: UPDATE_DOCS=1 cargo test --test it docs_keys:: -->

Every key can be changed in `config.toml` (see `assets/config.toml`), one
table per screen, naming the action and its key or keys:

```toml
[keys.form]
submit = "F10"                 # F10 submits; Ctrl-S no longer does

[keys.list]
move_down = ["j", "Down", "Ctrl-N"]
```

A configured action **replaces** that action's default keys on that screen;
everything not mentioned keeps its default. The footer hints, the Help
overlay (F1) and the messages that name a key follow the effective keymap.

Key names: `F1`–`F24`, `Ctrl-S` (also `ctrl+s`), `Alt-x`, `Shift-Tab`,
`Esc`, `Enter`, `Tab`, `Space`, `Up`, `Down`, `Left`, `Right`, `PgUp`
(`PageUp`), `PgDn` (`PageDown`), `Home`, `End`, `Backspace`, `Delete`,
`Insert`, and single characters such as `?`, `J` or `/` (a capital letter
is Shift with that letter). Modifiers may be combined (`Ctrl-Alt-x`).

The console refuses to start (exit code 2, the file and line on stderr) when
`[keys]` names an unknown screen, action or key, gives an empty list, binds a
letter on `form`, `scan`, `dialog` or `prompt` (letters there always type text), binds `Ctrl-C`
to anything but `quit` (Ctrl-C always quits, drafts saved), or binds one key
to two actions that could act on the same screen: a screen's keys against
its own and `global`'s, and the `tenant` and `outbox` tabs against `list`.
Two doubles are legal because state decides which acts: `form` Esc cancels
sending while it runs, else goes back; `tenant` Esc stops a load while it
runs, else goes back (`list`).

Some keys are not actions and cannot be rebound: typing and editing in text
fields, the pickers' arrows, Enter and Space, the Tenant filter prompt, the
dialogs (`y`/Enter, `n`/Esc), and Enter/Tab ending a scan. On the form a
Ctrl-, Alt- or F-key bound to an action wins over a text field's own use of it
(Ctrl-A, Ctrl-E, Ctrl-U, Ctrl-K and Ctrl-W edit the field unless bound); plain
keys such as the arrows, Home, End, Backspace and Delete act on the focused
field first.
"#;

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The whole `docs/KEYS.md`.
pub fn keys_markdown() -> String {
    let mut out = String::from(INTRO);
    for scope in Scope::ALL {
        let _ = write!(
            out,
            "\n## `[keys.{}]` — {}\n\n{}\n\n| Action | Default keys | What it does |\n|---|---|---|\n",
            scope.name(),
            scope.title(),
            scope_note(scope)
        );
        for binding in DEFAULT_BINDINGS.iter().filter(|b| b.scope == scope) {
            let keys: Vec<String> = binding
                .keys
                .iter()
                .map(|k: &KeySpec| format!("`{}`", cell(&k.config_name())))
                .collect();
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                binding.action.name(),
                keys.join(", "),
                cell(binding.description)
            );
        }
    }
    out
}
