use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::CoreError;

/// What an identity does in a cooperative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Role {
    /// Contributes data and consents to its use.
    Member,
    /// Runs the cooperative: admits members, approves requests, witnesses the log.
    Steward,
    /// Requests licensed access to data; never also a member or steward.
    Trainer,
}

impl Role {
    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Steward => "steward",
            Role::Trainer => "trainer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Role {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "member" => Ok(Role::Member),
            "steward" => Ok(Role::Steward),
            "trainer" => Ok(Role::Trainer),
            _ => Err(CoreError::UnknownRole {
                given: s.to_owned(),
            }),
        }
    }
}
