use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::CoreError;

/// Categories offered to users as a starting point, most common first; any valid slug is
/// accepted. The list lives in `assets/categories.txt` (one slug per line, `#` comments,
/// text after the slug is a note), compiled in.
pub static CATEGORY_SUGGESTIONS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| parse_suggestions(include_str!("../../../assets/categories.txt")));

fn parse_suggestions(text: &'static str) -> Vec<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_whitespace().next())
        .collect()
}

/// The kind of data a dataset holds: a lowercase slug such as `fitness`.
///
/// A dataset's category is public (stewards match requests against it) and fixed when
/// the dataset is created.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Category(String);

impl Category {
    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_slug(s: &str) -> bool {
    (1..=48).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

impl FromStr for Category {
    type Err = CoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if is_slug(s) {
            Ok(Category(s.to_owned()))
        } else {
            Err(CoreError::InvalidCategory {
                given: s.to_owned(),
                suggestions: CATEGORY_SUGGESTIONS[..5].join(", "),
            })
        }
    }
}

impl TryFrom<String> for Category {
    type Error = CoreError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Category> for String {
    fn from(value: Category) -> Self {
        value.0
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_valid() {
        assert!(CATEGORY_SUGGESTIONS.len() >= 10);
        assert_eq!(CATEGORY_SUGGESTIONS[0], "fitness");
        for s in CATEGORY_SUGGESTIONS.iter() {
            s.parse::<Category>().unwrap();
        }
        let mut unique = CATEGORY_SUGGESTIONS.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(
            unique.len(),
            CATEGORY_SUGGESTIONS.len(),
            "a category is listed twice"
        );
    }

    #[test]
    fn rejects_non_slugs() {
        for bad in [
            "",
            "Fitness",
            "a b",
            "-a",
            "a-",
            "a--b",
            "ü",
            &"a".repeat(49),
        ] {
            let err = bad.parse::<Category>().unwrap_err();
            assert_eq!(err.code(), "input.invalid_category", "{bad}");
        }
    }

    #[test]
    fn serde_validates() {
        assert!(serde_json::from_str::<Category>("\"Bad Slug\"").is_err());
        let c: Category = serde_json::from_str("\"sleep\"").unwrap();
        assert_eq!(c.as_str(), "sleep");
    }
}
