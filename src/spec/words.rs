//! Suggestions for misspelt keys and values.

/// "did you mean `columns`? " when one of `choices` is close to `word`, else "".
pub(crate) fn did_you_mean(word: &str, choices: &[&str]) -> String {
    let word = word.to_lowercase();
    let best = choices.iter().map(|c| (distance(&word, c), *c)).min_by_key(|(d, _)| *d);
    match best {
        // Close enough to be a typo, but not so loose that short words match anything.
        Some((d, c)) if d > 0 && d <= 2 && d * 2 <= c.chars().count() => {
            format!("did you mean `{c}`? ")
        }
        _ => String::new(),
    }
}

/// `a, b, c` for hints.
pub(crate) fn list(choices: &[&str]) -> String {
    choices.join(", ")
}

/// Levenshtein distance, counting a swap of two neighbours as one edit.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * w + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[(i - 1) * w + j] + 1)
                    .min(d[i * w + j - 1] + 1)
                    .min(d[(i - 1) * w + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[(i - 2) * w + j - 2] + 1);
                }
                v
            };
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("colums", "columns"), 1);
        assert_eq!(distance("lefT", "left"), 1);
        assert_eq!(distance("jsutify", "justify"), 1);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn suggests_only_near_misses() {
        assert_eq!(did_you_mean("colums", &["columns", "gutter"]), "did you mean `columns`? ");
        assert_eq!(did_you_mean("zzz", &["columns", "gutter"]), "");
        assert_eq!(did_you_mean("on", &["qr", "on"]), "");
    }
}
