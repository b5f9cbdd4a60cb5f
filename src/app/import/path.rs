//! The Import screen's path field: Tab completion of file names (the
//! directory is listed by the runtime; what to do with the names is here),
//! and the rule that typing after a failed load replaces the old path.

/// What Tab completion makes of `typed`, given the names in its directory
/// that start with its last component (directories end in `/`): the
/// longest common start of them all, and the names to show when more than
/// one remain.
pub fn complete(typed: &str, candidates: &[String]) -> (String, Vec<String>) {
    let dir_len = typed.rfind('/').map_or(0, |i| i + 1);
    let (dir, stem) = typed.split_at(dir_len);
    let matching: Vec<&String> = candidates.iter().filter(|c| c.starts_with(stem)).collect();
    let Some(first) = matching.first() else {
        return (typed.to_string(), Vec::new());
    };
    let mut common = first.as_str();
    for other in &matching[1..] {
        let shared = common
            .char_indices()
            .zip(other.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8());
        common = &common[..shared];
    }
    let completed = format!("{dir}{common}");
    let shown = if matching.len() > 1 {
        matching.into_iter().cloned().collect()
    } else {
        Vec::new()
    };
    (completed, shown)
}

/// The names shown under the field, as many as fit in `width` columns.
pub fn candidates_line(names: &[String], width: usize) -> String {
    let mut line = String::new();
    for (i, name) in names.iter().enumerate() {
        let more = format!(" … {} more", names.len() - i);
        if line.chars().count() + name.chars().count() + 2 + more.chars().count() > width
            && i + 1 < names.len()
        {
            line.push_str(more.trim_start());
            break;
        }
        line.push_str(name);
        line.push_str("  ");
    }
    line.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn one_match_completes_it_and_many_complete_what_they_share() {
        let all = names(&["tenant.csv", "tenant-old.csv", "samples/", "other.txt"]);
        assert_eq!(complete("data/sa", &all), ("data/samples/".into(), vec![]));
        let (text, shown) = complete("data/te", &all);
        assert_eq!(text, "data/tenant");
        assert_eq!(shown, names(&["tenant.csv", "tenant-old.csv"]));
        assert_eq!(complete("zz", &all), ("zz".into(), vec![]));
        assert_eq!(complete("", &names(&["a.csv"])).0, "a.csv");
        // Characters of more than one byte are never split.
        assert_eq!(complete("é", &names(&["éa", "éb"])).0, "é");
    }

    #[test]
    fn the_candidates_line_says_how_many_did_not_fit() {
        let all = names(&["alpha.csv", "beta.csv", "gamma.csv"]);
        assert_eq!(candidates_line(&all, 80), "alpha.csv  beta.csv  gamma.csv");
        assert_eq!(candidates_line(&all, 25), "alpha.csv  … 2 more");
    }
}
