//! Consent records with the ISO/IEC TS 27560 fields that apply, exported as JSON in the
//! shape of the W3C DPV guide "consent-27560" (the ISO text itself is not public, so the
//! field mapping follows the DPV guide's terms).

use datacoop_core::{Category, Purpose};
use serde_json::{Value, json};

use crate::LedgerError;
use crate::body::{Body, ConsentMode, KeyBytes};
use crate::encoding::Hash;
use crate::op::{OpId, Operation};
use crate::state::CoopState;

/// Where a consent stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentStatus {
    /// Given and not withdrawn (`dpv:ConsentGiven`).
    Given,
    /// Withdrawn (`dpv:ConsentWithdrawn`).
    Withdrawn,
}

impl ConsentStatus {
    /// The DPV term.
    pub fn dpv_term(self) -> &'static str {
        match self {
            ConsentStatus::Given => "dpv:ConsentGiven",
            ConsentStatus::Withdrawn => "dpv:ConsentWithdrawn",
        }
    }
}

/// One consent record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    /// Record id: the ConsentSet operation id.
    pub record_id: OpId,
    /// PII principal: the member's key.
    pub principal: KeyBytes,
    /// Controller: the cooperative (id and name).
    pub controller: (Hash, String),
    /// Dataset id.
    pub dataset: Hash,
    /// Dataset category, if its announcement is still in the log.
    pub category: Option<Category>,
    /// Purposes.
    pub purposes: Vec<Purpose>,
    /// Always or ask.
    pub mode: ConsentMode,
    /// Time the consent was given: log time if known, else the claimed time.
    pub given_at: u64,
    /// Whether `given_at` is log time (true) or only the author's claim.
    pub given_at_is_log_time: bool,
    /// Validity end, unix seconds.
    pub valid_until: Option<u64>,
    /// Retention period, seconds.
    pub retention_secs: Option<u64>,
    /// The longest access period accepted for one request, seconds.
    pub max_period_secs: Option<u64>,
    /// Recipients (trainer keys); empty means any approved trainer.
    pub recipients: Vec<KeyBytes>,
    /// Withdrawal: operation id and time (log time if known, else claimed).
    pub withdrawal: Option<(OpId, u64)>,
}

impl ConsentRecord {
    /// Builds the record for a ConsentSet operation.
    pub fn from_operation(
        op: &Operation,
        state: &CoopState,
        log_time: Option<u64>,
        withdrawal: Option<(OpId, Option<u64>, u64)>,
    ) -> Result<ConsentRecord, LedgerError> {
        let Some(Body::ConsentSet {
            dataset,
            purposes,
            mode,
            valid_until,
            retention_secs,
            max_period_secs,
            recipients,
        }) = &op.body
        else {
            return Err(LedgerError::InvalidReference {
                reason: format!("{} is not a consent (or its body was erased)", op.id()),
            });
        };
        let h = op.header.header();
        Ok(ConsentRecord {
            record_id: op.id(),
            principal: h.author,
            controller: (state.coop(), state.name().to_owned()),
            dataset: *dataset,
            category: state.dataset_category(dataset).cloned(),
            purposes: purposes.clone(),
            mode: *mode,
            given_at: log_time.unwrap_or(h.claimed_time),
            given_at_is_log_time: log_time.is_some(),
            valid_until: *valid_until,
            retention_secs: *retention_secs,
            max_period_secs: *max_period_secs,
            recipients: recipients.clone(),
            withdrawal: withdrawal.map(|(id, lt, claimed)| (id, lt.unwrap_or(claimed))),
        })
    }

    /// Current status.
    pub fn status(&self) -> ConsentStatus {
        if self.withdrawal.is_some() {
            ConsentStatus::Withdrawn
        } else {
            ConsentStatus::Given
        }
    }

    /// JSON-LD in the shape of the DPV consent-27560 guide.
    pub fn to_json(&self) -> Value {
        let coop_iri = format!("urn:datacoop:coop:{}", hex::encode(self.controller.0));
        let mut events = vec![json!({
            "@type": "dpv:ConsentGiven",
            "dct:date": rfc3339(self.given_at),
            "datacoop:timeBasis": if self.given_at_is_log_time { "log-time" } else { "claimed-time" },
        })];
        if let Some((id, t)) = &self.withdrawal {
            events.push(json!({
                "@type": "dpv:ConsentWithdrawn",
                "dct:identifier": id.to_hex(),
                "dct:date": rfc3339(*t),
            }));
        }
        json!({
            "@context": {
                "dpv": "https://w3id.org/dpv#",
                "dct": "http://purl.org/dc/terms/",
                "dpv-27560": "https://w3id.org/dpv/schema/iso-27560#",
                "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                "datacoop": "urn:datacoop:vocab#"
            },
            "@id": format!("urn:datacoop:consent:{}", self.record_id.to_hex()),
            "@type": "dpv:ConsentRecord",
            "dct:conformsTo": "https://w3id.org/dpv/schema/iso-27560#record",
            "dct:identifier": self.record_id.to_hex(),
            "dpv:hasDataSubject": {
                "@id": format!("urn:datacoop:member:{}", hex::encode(self.principal)),
                "@type": "dpv:DataSubject"
            },
            "dpv:hasDataController": {
                "@id": coop_iri,
                "@type": "dpv:DataController",
                "dct:title": self.controller.1,
            },
            "dpv:hasPurpose": self.purposes.iter().map(|p| json!({"@id": p.dpv_iri()})).collect::<Vec<_>>(),
            "dpv:hasPersonalData": {
                "@id": format!("urn:datacoop:dataset:{}", hex::encode(self.dataset)),
                "dct:type": self.category.as_ref().map(|c| c.as_str().to_owned()),
            },
            "dpv:hasRecipient": self.recipients.iter()
                .map(|r| json!({"@id": format!("urn:datacoop:trainer:{}", hex::encode(r))}))
                .collect::<Vec<_>>(),
            "dpv:hasConsentStatus": {"@id": self.status().dpv_term()},
            "dpv:hasExpiry": self.valid_until.map(|t| json!({"@type": "dpv:EndDate", "dct:date": rfc3339(t)})),
            "dpv:hasDataRetention": self.retention_secs.map(|s| json!({"@type": "dpv:Duration", "rdf:value": format!("PT{s}S")})),
            "dpv:hasWithdrawalMethod": "a ConsentWithdraw operation on the cooperative's log (datacoop consent withdraw)",
            "datacoop:maxAccessPeriod": self.max_period_secs.map(|s| json!({"@type": "dpv:Duration", "rdf:value": format!("PT{s}S")})),
            "datacoop:consentMode": match self.mode { ConsentMode::Always => "always", ConsentMode::Ask => "ask" },
            "dpv-27560:hasEvent": events,
        })
    }
}

/// Unix seconds as an RFC 3339 / xsd:dateTime UTC string (proleptic Gregorian).
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn formats_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(4_107_542_399), "2100-02-28T23:59:59Z");
    }
}
