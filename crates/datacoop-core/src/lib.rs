//! Domain types and rules of datacoop, free of I/O, async and clocks.
//!
//! Everything that reads the time takes it as a parameter, so the rules can be tested
//! with any clock.
//!
//! ```
//! use datacoop_core::{Category, DatasetName, Purpose, parse_duration};
//!
//! let purpose: Purpose = "noncommercialresearch".parse().unwrap();
//! assert_eq!(purpose, Purpose::NonCommercialResearch);
//! assert_eq!(purpose.dpv_iri(), "https://w3id.org/dpv#NonCommercialResearch");
//!
//! let category: Category = "fitness".parse().unwrap();
//! assert_eq!(category.as_str(), "fitness");
//!
//! let dataset = DatasetName::new("runs-2025").unwrap();
//! assert_eq!(dataset.as_str(), "runs-2025");
//!
//! assert_eq!(parse_duration("7d").unwrap().as_secs(), 7 * 24 * 3600);
//! ```

mod category;
mod code;
mod dataset;
mod duration;
mod error;
mod io_words;
mod purpose;
mod role;

pub use category::{CATEGORY_SUGGESTIONS, Category};
pub use code::{Code, UnknownCode};
pub use dataset::DatasetName;
pub use duration::{format_duration, parse_duration};
pub use error::CoreError;
pub use io_words::{IoKind, plain_io};
pub use purpose::Purpose;
pub use role::Role;
