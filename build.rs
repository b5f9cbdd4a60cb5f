//! Records the git revision and commit date for `--version`. Never fails: without git or a
//! repository (a source tarball) the revision is `unknown`.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}

/// Tells cargo to run this script again when `path` (as git printed it) changes.
fn watch(manifest_dir: &str, path: Option<String>) {
    if let Some(p) = path.map(|p| Path::new(manifest_dir).join(p))
        && p.exists()
    {
        println!("cargo:rerun-if-changed={}", p.display());
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    // Only this crate's own repository counts, not one the tarball was unpacked into.
    let own_repo = git(&["-C", &manifest_dir, "rev-parse", "--show-toplevel"])
        .and_then(|top| Path::new(&top).canonicalize().ok())
        .zip(Path::new(&manifest_dir).canonicalize().ok())
        .is_some_and(|(top, dir)| top == dir);
    let (rev, date) = if own_repo {
        // In a worktree `.git` is a file: ask git where HEAD, its log and the refs live.
        let head_ref = git(&["-C", &manifest_dir, "symbolic-ref", "-q", "HEAD"]);
        for name in ["HEAD", "logs/HEAD", "packed-refs"]
            .into_iter()
            .chain(head_ref.as_deref())
        {
            let path = git(&["-C", &manifest_dir, "rev-parse", "--git-path", name]);
            watch(&manifest_dir, path);
        }
        (
            git(&["-C", &manifest_dir, "rev-parse", "--short=12", "HEAD"]),
            git(&["-C", &manifest_dir, "log", "-1", "--format=%cs", "HEAD"]),
        )
    } else {
        (None, None)
    };
    let rev = rev.unwrap_or_else(|| "unknown".into());
    let date = date.unwrap_or_default();
    println!("cargo:rustc-env=ENROLL_CONSOLE_GIT_REV={rev}");
    println!("cargo:rustc-env=ENROLL_CONSOLE_GIT_DATE={date}");
}
