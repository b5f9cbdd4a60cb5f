//! `docs/KEYS.md` is generated from the default keymap; this fails when the
//! committed file differs. Regenerate: `UPDATE_DOCS=1 cargo test --test docs_keys`.

use std::path::Path;

use enroll_console::keymap::docs::keys_markdown;

#[test]
fn the_keys_doc_matches_the_default_keymap() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/KEYS.md");
    let generated = keys_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("write docs/KEYS.md");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/KEYS.md differs from the default keymap; regenerate it with\n    \
         UPDATE_DOCS=1 cargo test --test docs_keys\nand commit the result"
    );
}

#[test]
fn the_keys_doc_names_every_default_binding() {
    let doc = keys_markdown();
    for scope in enroll_console::app::Scope::ALL {
        assert!(
            doc.contains(&format!("`[keys.{}]`", scope.name())),
            "{scope:?}"
        );
    }
    assert!(doc.contains("| `submit` | `Ctrl-S` | submit |"), "{doc}");
    assert!(
        doc.contains("| `select_tab_1` | `1` | Recent tab |"),
        "{doc}"
    );
}

#[test]
fn the_commented_keys_example_in_the_sample_config_is_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/config.toml");
    let sample = std::fs::read_to_string(&path).expect("assets/config.toml");
    let start = sample.find("# [keys.form]").expect("a [keys.form] example");
    let example: String = sample[start..]
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .map(|l| format!("{l}\n"))
        .collect();
    let config = enroll_console::config::Config::parse(&example, &path)
        .unwrap_or_else(|e| panic!("{e}\n{example}"));
    let keymap = config.keymap().expect("valid keys");
    assert_eq!(
        keymap
            .first_key(
                enroll_console::app::Scope::Form,
                enroll_console::app::Action::Submit
            )
            .as_deref(),
        Some("F10")
    );
}
