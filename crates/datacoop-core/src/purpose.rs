use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::CoreError;

/// Why a trainer wants data: a W3C Data Privacy Vocabulary (DPV) purpose.
///
/// `ModelTraining` is not a DPV purpose; it maps to `dpv:ResearchAndDevelopment`, the
/// closest DPV term for developing a model (see `ARCHITECTURE.md`, "Purposes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Purpose {
    /// `dpv:ScientificResearch`.
    ScientificResearch,
    /// `dpv:NonCommercialResearch`.
    NonCommercialResearch,
    /// `dpv:CommercialResearch`.
    CommercialResearch,
    /// `dpv:ResearchAndDevelopment`.
    ResearchAndDevelopment,
    /// `dpv:ServiceOptimisation`.
    ServiceOptimisation,
    /// Training AI models; recorded as `dpv:ResearchAndDevelopment`.
    ModelTraining,
}

const DPV: &str = "https://w3id.org/dpv#";

impl Purpose {
    /// Every purpose, in display order.
    pub const ALL: [Purpose; 6] = [
        Purpose::ScientificResearch,
        Purpose::NonCommercialResearch,
        Purpose::CommercialResearch,
        Purpose::ResearchAndDevelopment,
        Purpose::ServiceOptimisation,
        Purpose::ModelTraining,
    ];

    /// The short name used on the command line and in records.
    pub fn name(self) -> &'static str {
        match self {
            Purpose::ScientificResearch => "ScientificResearch",
            Purpose::NonCommercialResearch => "NonCommercialResearch",
            Purpose::CommercialResearch => "CommercialResearch",
            Purpose::ResearchAndDevelopment => "ResearchAndDevelopment",
            Purpose::ServiceOptimisation => "ServiceOptimisation",
            Purpose::ModelTraining => "ModelTraining",
        }
    }

    /// The DPV term this purpose is recorded as.
    pub fn dpv_term(self) -> &'static str {
        match self {
            Purpose::ModelTraining => Purpose::ResearchAndDevelopment.name(),
            other => other.name(),
        }
    }

    /// The full W3C DPV IRI of [`Purpose::dpv_term`].
    pub fn dpv_iri(self) -> String {
        format!("{DPV}{}", self.dpv_term())
    }

    fn known_names() -> String {
        Purpose::ALL
            .iter()
            .map(|p| p.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Purpose {
    type Err = CoreError;

    /// Case-insensitive; accepts the `dpv:` prefix too.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bare = s.trim();
        let bare = bare
            .strip_prefix(DPV)
            .or_else(|| bare.strip_prefix("dpv:"))
            .unwrap_or(bare);
        Purpose::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(bare))
            .ok_or_else(|| CoreError::UnknownPurpose {
                given: s.to_owned(),
                known: Purpose::known_names(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_case_insensitively_and_round_trips() {
        for p in Purpose::ALL {
            assert_eq!(p.name().to_lowercase().parse::<Purpose>().unwrap(), p);
            assert_eq!(p.name().to_uppercase().parse::<Purpose>().unwrap(), p);
            assert_eq!(format!("dpv:{}", p.name()).parse::<Purpose>().unwrap(), p);
        }
    }

    #[test]
    fn unknown_purpose_lists_the_known_ones() {
        let err = "Marketing".parse::<Purpose>().unwrap_err();
        let message = err.to_string();
        assert!(message.contains("Marketing"));
        for p in Purpose::ALL {
            assert!(message.contains(p.name()), "{message}");
        }
        assert_eq!(err.code(), "input.unknown_purpose");
    }

    #[test]
    fn model_training_maps_to_research_and_development() {
        assert_eq!(
            Purpose::ModelTraining.dpv_iri(),
            "https://w3id.org/dpv#ResearchAndDevelopment"
        );
        assert_eq!(
            Purpose::ServiceOptimisation.dpv_iri(),
            "https://w3id.org/dpv#ServiceOptimisation"
        );
    }
}
