use std::fmt;

use serde::{Deserialize, Serialize};

use crate::CoreError;

/// A member's name for one of their datasets, unique within their home.
///
/// Dataset names stay on the member's machine (only the category is public), so they may
/// say anything meaningful to the member, within a conservative character set that is safe
/// as a folder name on every platform.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DatasetName(String);

impl DatasetName {
    /// Validates a dataset name.
    pub fn new(name: &str) -> Result<Self, CoreError> {
        let ok = (1..=64).contains(&name.len())
            && !name.starts_with('.')
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if ok {
            Ok(DatasetName(name.to_owned()))
        } else {
            Err(CoreError::InvalidDatasetName {
                given: name.to_owned(),
            })
        }
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DatasetName {
    type Error = CoreError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        DatasetName::new(&value)
    }
}

impl From<DatasetName> for String {
    fn from(value: DatasetName) -> Self {
        value.0
    }
}

impl fmt::Display for DatasetName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_rejects() {
        for good in ["runs", "Runs_2025", "a.b-c", "x"] {
            DatasetName::new(good).unwrap();
        }
        for bad in ["", ".hidden", "a/b", "..", "a b", &"x".repeat(65)] {
            assert!(DatasetName::new(bad).is_err(), "{bad}");
        }
    }
}
