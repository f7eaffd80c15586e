//! Consent records with the ISO/IEC TS 27560 fields that apply, exported as JSON-LD in the
//! shape of the W3C DPV guide "consent-27560" (<https://w3id.org/dpv/guides/consent-27560>,
//! source `guides/consent-27560.html` in `w3c/dpv`). The ISO text itself is not public, so
//! the field mapping follows the guide's DPV-27560 profile; see [`ConsentRecord::to_json`].

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

    /// JSON-LD in the shape of the W3C DPV guide "Consent Records and Receipts as per
    /// ISO/IEC TS 27560:2023 using DPV" (`w3c/dpv`, `guides/consent-27560.html`, section
    /// "DPV-27560 Consent Record", in particular its example "Consent Record with both
    /// required and optional fields").
    ///
    /// Field mapping (ISO/IEC TS 27560 field → key):
    ///
    /// - schema version → `dct:conformsTo` = `https://w3id.org/dpv/schema/dpv-27560#record`;
    /// - record id → `dct:identifier` (the ConsentSet operation id, hex);
    /// - PII principal → `dpv:hasDataSubject`, a `dpv:DataSubject` with `dct:identifier`
    ///   (the member's key, hex);
    /// - PII controller → `dpv:hasDataController` (the cooperative's IRI), described in
    ///   `dpv:hasEntity` as a `dpv:DataController` with `dpv:hasName` and
    ///   `dpv:hasIdentifier`;
    /// - processing → one `dpv:hasProcess` (`dpv:Process`) holding `dpv:hasPurpose` (DPV
    ///   purpose IRIs; `ModelTraining` is `datacoop:ModelTraining`, a `dpv:Purpose` with
    ///   `skos:broader` its DPV term), `dpv:hasPersonalData` (the dataset, by hash only,
    ///   with its category as `datacoop:category`), `dpv:hasRecipient` (trainer keys, or a
    ///   described `dpv:Recipient` when any approved trainer may receive it) and
    ///   `dpv:hasStorageCondition` (retention as a `dpv:StorageDuration`);
    /// - withdrawal method → `dpv:hasConsentControl` (`dpv:WithdrawConsent`);
    /// - events / event state / event time / validity → `dpv:hasConsentStatus`, a list of
    ///   `dpv:ConsentGiven` then (if withdrawn) `dpv:ConsentWithdrawn`, each with
    ///   `dpv:isIndicatedAtTime` and `dpv:isIndicatedBy` (the member); the given event
    ///   carries the validity as `dpv:hasDuration` (`dpv:UntilTimeDuration`, or
    ///   `dpv:EndlessDuration` when unbounded). The last event is the current state.
    ///
    /// IRIs are written as `{"@id": ...}` node references (the guide's examples use bare
    /// strings, which JSON-LD would read as literals without a context that coerces them).
    /// datacoop-specific extras use the `datacoop:` prefix: `datacoop:timeBasis`,
    /// `datacoop:category`, `datacoop:maxAccessPeriod`, `datacoop:consentMode`. Fields the
    /// record does not have (notice, language, jurisdiction, rights, consent type, storage
    /// location, party contacts) are left out rather than invented.
    pub fn to_json(&self) -> Value {
        let coop_iri = format!("urn:datacoop:coop:{}", hex::encode(self.controller.0));
        let member_iri = format!("urn:datacoop:member:{}", hex::encode(self.principal));
        let given = json!({
            "@type": ConsentStatus::Given.dpv_term(),
            "dct:identifier": self.record_id.to_hex(),
            "dpv:isIndicatedAtTime": rfc3339(self.given_at),
            "dpv:isIndicatedBy": {"@id": member_iri},
            "dpv:hasIndicationMethod": "ConsentSet operation signed by the member on the cooperative's log",
            "dpv:hasDuration": match self.valid_until {
                Some(t) => json!({"@type": "dpv:UntilTimeDuration", "rdf:value": rfc3339(t)}),
                None => json!({"@type": "dpv:EndlessDuration"}),
            },
            "datacoop:timeBasis": if self.given_at_is_log_time { "log-time" } else { "claimed-time" },
        });
        let mut events = vec![given];
        if let Some((id, t)) = &self.withdrawal {
            events.push(json!({
                "@type": ConsentStatus::Withdrawn.dpv_term(),
                "dct:identifier": id.to_hex(),
                "dpv:isIndicatedAtTime": rfc3339(*t),
                "dpv:isIndicatedBy": {"@id": member_iri},
                "dpv:hasIndicationMethod": "ConsentWithdraw operation signed by the member on the cooperative's log",
            }));
        }
        let purposes: Vec<Value> = self
            .purposes
            .iter()
            .map(|p| {
                if p.name() == p.dpv_term() {
                    json!({"@id": p.dpv_iri()})
                } else {
                    json!({
                        "@id": format!("datacoop:{}", p.name()),
                        "@type": "dpv:Purpose",
                        "skos:broader": {"@id": p.dpv_iri()},
                    })
                }
            })
            .collect();
        let mut personal_data = json!({
            "@id": format!("urn:datacoop:dataset:{}", hex::encode(self.dataset)),
            "@type": "dpv:PersonalData",
            "dct:identifier": hex::encode(self.dataset),
        });
        if let Some(c) = &self.category {
            personal_data["datacoop:category"] = json!(c.as_str());
        }
        let recipients: Vec<Value> = if self.recipients.is_empty() {
            vec![json!({
                "@type": "dpv:Recipient",
                "dct:description": "any trainer the cooperative approves",
            })]
        } else {
            self.recipients
                .iter()
                .map(|r| {
                    json!({
                        "@id": format!("urn:datacoop:trainer:{}", hex::encode(r)),
                        "@type": "dpv:Recipient",
                    })
                })
                .collect()
        };
        let mut process = json!({
            "@type": "dpv:Process",
            "dpv:hasPurpose": purposes,
            "dpv:hasPersonalData": personal_data,
            "dpv:hasRecipient": recipients,
        });
        if let Some(s) = self.retention_secs {
            process["dpv:hasStorageCondition"] = json!([{
                "@type": "dpv:StorageDuration",
                "dpv:hasDuration": {"@type": "dpv:TemporalDuration", "rdf:value": iso_duration(s)},
            }]);
        }
        let mut record = json!({
            "@context": {
                "dpv": "https://w3id.org/dpv#",
                "dct": "http://purl.org/dc/terms/",
                "skos": "http://www.w3.org/2004/02/skos/core#",
                "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                "dpv-27560": "https://w3id.org/dpv/schema/dpv-27560#",
                "datacoop": "urn:datacoop:vocab#"
            },
            "@id": format!("urn:datacoop:consent:{}", self.record_id.to_hex()),
            "@type": "dpv:ConsentRecord",
            "dct:identifier": self.record_id.to_hex(),
            "dct:conformsTo": DPV_27560_RECORD,
            "dpv:hasDataSubject": {
                "@id": member_iri,
                "@type": "dpv:DataSubject",
                "dct:identifier": hex::encode(self.principal),
            },
            "dpv:hasDataController": {"@id": coop_iri},
            "dpv:hasEntity": [{
                "@id": coop_iri,
                "@type": "dpv:DataController",
                "dpv:hasName": self.controller.1,
                "dpv:hasIdentifier": coop_iri,
                "dct:identifier": hex::encode(self.controller.0),
            }],
            "dpv:hasProcess": process,
            "dpv:hasConsentControl": {
                "@type": "dpv:WithdrawConsent",
                "dct:description": "a ConsentWithdraw operation on the cooperative's log (datacoop consent withdraw)",
            },
            "dpv:hasConsentStatus": events,
            "datacoop:consentMode": match self.mode { ConsentMode::Always => "always", ConsentMode::Ask => "ask" },
        });
        if let Some(s) = self.max_period_secs {
            record["datacoop:maxAccessPeriod"] =
                json!({"@type": "dpv:TemporalDuration", "rdf:value": iso_duration(s)});
        }
        record
    }
}

/// The DPV-27560 profile IRI for consent records (`dct:conformsTo`).
pub const DPV_27560_RECORD: &str = "https://w3id.org/dpv/schema/dpv-27560#record";

/// Seconds as an ISO 8601 duration (`PT{s}S`).
fn iso_duration(secs: u64) -> String {
    format!("PT{secs}S")
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
    use super::{ConsentRecord, DPV_27560_RECORD, rfc3339};
    use crate::body::ConsentMode;
    use crate::op::OpId;
    use datacoop_core::Purpose;

    fn record() -> ConsentRecord {
        ConsentRecord {
            record_id: OpId([1; 32]),
            principal: [2; 32],
            controller: ([3; 32], "Runners".into()),
            dataset: [4; 32],
            category: Some("fitness".parse().unwrap()),
            purposes: vec![Purpose::NonCommercialResearch, Purpose::ModelTraining],
            mode: ConsentMode::Ask,
            given_at: 1_700_000_000,
            given_at_is_log_time: true,
            valid_until: Some(1_700_086_400),
            retention_secs: Some(2_592_000),
            max_period_secs: Some(86_400),
            recipients: vec![[5; 32]],
            withdrawal: Some((OpId([6; 32]), 1_700_003_600)),
        }
    }

    // Key names and IRIs follow the W3C DPV guide "Consent Records and Receipts as per
    // ISO/IEC TS 27560:2023 using DPV", w3c/dpv `guides/consent-27560.html`, section
    // "DPV-27560 Consent Record" (#dpv-27560-record): its field tables (Record Metadata,
    // Processing, Entity, Consent Event fields), the "Profiles" section for the
    // `dct:conformsTo` IRI, and the example "Consent Record with both required and
    // optional fields".
    #[test]
    fn json_follows_the_dpv_27560_guide() {
        let r = record();
        let j = r.to_json();
        let ctx = &j["@context"];
        assert_eq!(ctx["dpv"], "https://w3id.org/dpv#");
        assert_eq!(ctx["dct"], "http://purl.org/dc/terms/");
        assert_eq!(ctx["dpv-27560"], "https://w3id.org/dpv/schema/dpv-27560#");
        assert_eq!(ctx["datacoop"], "urn:datacoop:vocab#");

        // Record metadata.
        assert_eq!(j["@type"], "dpv:ConsentRecord");
        assert_eq!(
            DPV_27560_RECORD,
            "https://w3id.org/dpv/schema/dpv-27560#record"
        );
        assert_eq!(j["dct:conformsTo"], DPV_27560_RECORD);
        assert_eq!(j["dct:identifier"], r.record_id.to_hex());
        let member = format!("urn:datacoop:member:{}", hex::encode([2u8; 32]));
        assert_eq!(j["dpv:hasDataSubject"]["@id"], member);
        assert_eq!(j["dpv:hasDataSubject"]["@type"], "dpv:DataSubject");
        assert_eq!(
            j["dpv:hasDataSubject"]["dct:identifier"],
            hex::encode([2u8; 32])
        );

        // Controller: referenced, and described as an entity.
        let coop = format!("urn:datacoop:coop:{}", hex::encode([3u8; 32]));
        assert_eq!(j["dpv:hasDataController"]["@id"], coop);
        let entity = &j["dpv:hasEntity"][0];
        assert_eq!(entity["@id"], coop);
        assert_eq!(entity["@type"], "dpv:DataController");
        assert_eq!(entity["dpv:hasName"], "Runners");
        assert_eq!(entity["dpv:hasIdentifier"], coop);

        // Processing fields, grouped in a dpv:Process.
        let p = &j["dpv:hasProcess"];
        assert_eq!(p["@type"], "dpv:Process");
        assert_eq!(
            p["dpv:hasPurpose"][0]["@id"],
            "https://w3id.org/dpv#NonCommercialResearch"
        );
        assert_eq!(p["dpv:hasPurpose"][1]["@id"], "datacoop:ModelTraining");
        assert_eq!(p["dpv:hasPurpose"][1]["@type"], "dpv:Purpose");
        assert_eq!(
            p["dpv:hasPurpose"][1]["skos:broader"]["@id"],
            "https://w3id.org/dpv#ResearchAndDevelopment"
        );
        let data = &p["dpv:hasPersonalData"];
        assert_eq!(data["@type"], "dpv:PersonalData");
        assert_eq!(data["dct:identifier"], hex::encode([4u8; 32]));
        assert_eq!(data["datacoop:category"], "fitness");
        assert_eq!(
            p["dpv:hasRecipient"][0]["@id"],
            format!("urn:datacoop:trainer:{}", hex::encode([5u8; 32]))
        );
        assert_eq!(p["dpv:hasRecipient"][0]["@type"], "dpv:Recipient");
        let storage = &p["dpv:hasStorageCondition"][0];
        assert_eq!(storage["@type"], "dpv:StorageDuration");
        assert_eq!(storage["dpv:hasDuration"]["@type"], "dpv:TemporalDuration");
        assert_eq!(storage["dpv:hasDuration"]["rdf:value"], "PT2592000S");

        // Withdrawal method.
        assert_eq!(j["dpv:hasConsentControl"]["@type"], "dpv:WithdrawConsent");
        assert!(j["dpv:hasConsentControl"]["dct:description"].is_string());

        // Consent events (state, time, entity, validity).
        let events = j["dpv:hasConsentStatus"].as_array().unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0]["@type"], "dpv:ConsentGiven");
        assert_eq!(events[0]["dpv:isIndicatedAtTime"], "2023-11-14T22:13:20Z");
        assert_eq!(events[0]["dpv:isIndicatedBy"]["@id"], member);
        assert_eq!(
            events[0]["dpv:hasDuration"]["@type"],
            "dpv:UntilTimeDuration"
        );
        assert_eq!(
            events[0]["dpv:hasDuration"]["rdf:value"],
            "2023-11-15T22:13:20Z"
        );
        assert_eq!(events[0]["datacoop:timeBasis"], "log-time");
        assert_eq!(events[1]["@type"], "dpv:ConsentWithdrawn");
        assert_eq!(events[1]["dct:identifier"], OpId([6; 32]).to_hex());
        assert_eq!(events[1]["dpv:isIndicatedAtTime"], "2023-11-14T23:13:20Z");
        assert_eq!(events[1]["dpv:isIndicatedBy"]["@id"], member);

        // datacoop extras.
        assert_eq!(j["datacoop:consentMode"], "ask");
        assert_eq!(j["datacoop:maxAccessPeriod"]["rdf:value"], "PT86400S");

        // The old guessed keys are gone.
        for old in [
            "dpv:hasPurpose",
            "dpv:hasPersonalData",
            "dpv:hasRecipient",
            "dpv:hasExpiry",
            "dpv:hasDataRetention",
            "dpv:hasWithdrawalMethod",
            "dpv-27560:hasEvent",
        ] {
            assert!(j.get(old).is_none(), "{old}");
        }
    }

    #[test]
    fn json_unbounded_and_open_consent() {
        let mut r = record();
        r.valid_until = None;
        r.retention_secs = None;
        r.max_period_secs = None;
        r.recipients.clear();
        r.category = None;
        r.withdrawal = None;
        r.given_at_is_log_time = false;
        let j = r.to_json();
        let events = j["dpv:hasConsentStatus"].as_array().unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0]["@type"], "dpv:ConsentGiven");
        assert_eq!(events[0]["dpv:hasDuration"]["@type"], "dpv:EndlessDuration");
        assert_eq!(events[0]["datacoop:timeBasis"], "claimed-time");
        let p = &j["dpv:hasProcess"];
        // Empty recipients means any approved trainer: a described recipient category.
        assert_eq!(p["dpv:hasRecipient"][0]["@type"], "dpv:Recipient");
        assert!(p["dpv:hasRecipient"][0].get("@id").is_none());
        assert!(p.get("dpv:hasStorageCondition").is_none());
        assert!(p["dpv:hasPersonalData"].get("datacoop:category").is_none());
        assert!(j.get("datacoop:maxAccessPeriod").is_none());
    }

    #[test]
    fn formats_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(4_107_542_399), "2100-02-28T23:59:59Z");
    }
}
