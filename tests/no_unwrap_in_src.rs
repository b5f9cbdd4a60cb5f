//! No `unwrap()` or `expect(…)` in the product's code outside tests, unless a
//! comment on the line or just above says why it cannot fail (PRODUCT §14;
//! data from users, files and the network must never panic the console).

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read src")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lines of `text` before its first `#[cfg(test)]`, numbered from 1.
fn product_lines(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .take_while(|(_, l)| l.trim() != "#[cfg(test)]")
        .map(|(i, l)| (i + 1, l))
        .collect()
}

fn unexplained(text: &str) -> Vec<usize> {
    let lines = product_lines(text);
    let mut found = Vec::new();
    for (pos, &(number, line)) in lines.iter().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let panics = code.contains(".unwrap()") || code.contains(".expect(");
        // A parser's own `expect` method takes a token, not a message.
        let own_method = code.contains("self.expect(");
        if !panics || own_method {
            continue;
        }
        let explained = lines[pos.saturating_sub(2)..=pos]
            .iter()
            .any(|(_, l)| l.contains("//"));
        if !explained {
            found.push(number);
        }
    }
    found
}

#[test]
fn every_unwrap_and_expect_in_src_says_why_it_cannot_fail() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 20, "src was not found");
    let mut offenders = Vec::new();
    for file in files {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name == "tests.rs" || name.ends_with("_tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read a source file");
        for line in unexplained(&text) {
            offenders.push(format!("{}:{line}", file.display()));
        }
    }
    assert!(
        offenders.is_empty(),
        "unwrap()/expect() without a comment saying why it cannot fail:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_check_finds_an_unexplained_unwrap_and_accepts_an_explained_one() {
    let text = "fn a() {\n    let x = f().unwrap();\n}\n\
                fn b() {\n    // cannot fail: a literal\n    let y = g().expect(\"literal\");\n}\n\
                #[cfg(test)]\nmod tests { fn c() { h().unwrap(); } }\n";
    assert_eq!(unexplained(text), vec![2]);
}
