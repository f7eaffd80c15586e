//! `croissant.json`: MLCommons Croissant 1.1 metadata for what a trainer fetched, so the
//! licence, the purpose and the window travel with the files, and each file names the
//! log operations that licensed it (the member's consent, the stewards' approval, the
//! member's release) whose proof bundles lie beside it in `proofs/`.

use std::io::Read;
use std::path::{Path, PathBuf};

use datacoop_ledger::{CoopState, OpId, ReleaseRecord, RequestRecord, rfc3339};
use datacoop_vault::ReleasedFile;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::NodeError;

/// The file's name in the fetch folder.
pub const FILE_NAME: &str = "croissant.json";

/// The JSON-LD context Croissant 1.1 documents use (its appendix, with `https` for
/// schema.org as mlcroissant requires), and datacoop's own terms.
fn context() -> Value {
    let mut context = json!({
        "@language": "en",
        "@vocab": "https://schema.org/",
        "sc": "https://schema.org/",
        "cr": "http://mlcommons.org/croissant/",
        "rai": "http://mlcommons.org/croissant/RAI/",
        "dct": "http://purl.org/dc/terms/",
        "prov": "http://www.w3.org/ns/prov#",
        "data": { "@id": "cr:data", "@type": "@json" },
        "dataType": { "@id": "cr:dataType", "@type": "@vocab" },
        "examples": { "@id": "cr:examples", "@type": "@json" },
        "conformsTo": "dct:conformsTo",
        "datacoop": "urn:datacoop:terms:"
    });
    for term in [
        "annotation",
        "arrayShape",
        "citeAs",
        "column",
        "containedIn",
        "equivalentProperty",
        "excludes",
        "extract",
        "field",
        "fileProperty",
        "fileObject",
        "fileSet",
        "format",
        "includes",
        "isArray",
        "isLiveDataset",
        "jsonPath",
        "key",
        "md5",
        "parentField",
        "path",
        "readLines",
        "recordSet",
        "references",
        "regex",
        "repeated",
        "replace",
        "samplingRate",
        "sdVersion",
        "separator",
        "source",
        "subField",
        "transform",
        "unArchive",
        "value",
    ] {
        context[term] = json!(format!("cr:{term}"));
    }
    context
}

/// A relative path as a JSON-LD `@id`: percent-encoded but for `/` (an id has no spaces).
fn path_id(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A log operation as the metadata names it.
fn op_urn(coop: &[u8; 32], id: &OpId) -> String {
    format!("urn:datacoop:{}:op:{}", hex::encode(coop), id.to_hex())
}

fn sha256_of(path: &Path) -> Result<String, NodeError> {
    let mut file = std::fs::File::open(path).map_err(|e| NodeError::io("cannot read", path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| NodeError::io("cannot read", path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Writes `out/croissant.json` for `request`'s fetched `files`, each release's files
/// linked to its consent, the approval and the release; `proofs` are the operations
/// whose bundles were written.
pub(crate) fn write(
    out: &Path,
    state: &CoopState,
    request: &RequestRecord,
    files: &[(ReleaseRecord, Vec<ReleasedFile>)],
    proofs: &[(OpId, String)],
) -> Result<PathBuf, NodeError> {
    let coop = state.coop();
    let approval = request
        .approved_at
        .and_then(|_| proofs.first().map(|(id, _)| *id));
    let window = files
        .first()
        .map(|(r, _)| (r.terms.window_start, r.terms.window_end));
    let mut distribution = Vec::new();
    for (release, written) in files {
        for file in written {
            let mut provenance = vec![
                json!({ "@id": op_urn(&coop, &release.consent) }),
                json!({ "@id": op_urn(&coop, &release.id) }),
            ];
            if let Some(approval) = &approval {
                provenance.insert(1, json!({ "@id": op_urn(&coop, approval) }));
            }
            let mut object = json!({
                "@type": "cr:FileObject",
                "@id": path_id(&file.path),
                "name": file.name,
                "contentUrl": file.path,
                "encodingFormat": file.media_type,
                "contentSize": format!("{} B", file.size),
                "sha256": sha256_of(&out.join(&file.path))?,
                "prov:wasDerivedFrom": provenance,
                "datacoop:consentOp": release.consent.to_hex(),
                "datacoop:grantOp": release.id.to_hex(),
                "datacoop:proof": format!("proofs/{}.proof", release.id.to_hex()),
            });
            if let Some(approval) = &approval {
                object["datacoop:approvalOp"] = json!(approval.to_hex());
            }
            distribution.push(object);
        }
    }
    let (start, end) = window.unwrap_or((0, 0));
    let purpose = request.purpose;
    let doc = json!({
        "@context": context(),
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.1",
        "name": format!("datacoop-{}", &request.id.to_hex()[..16]),
        "description": format!(
            "Files released by members of the cooperative {:?} to access request {} for {} ({}), licensed under {}, for use from {} to {}. Each file links to the consent, approval and release operations on the cooperative's log; their proof bundles are in proofs/.",
            state.name(),
            request.id.to_hex(),
            purpose.name(),
            purpose.dpv_iri(),
            request.license,
            rfc3339(start),
            rfc3339(end),
        ),
        "license": spdx_url(&request.license),
        "datePublished": rfc3339(start),
        "version": "1.0.0",
        "citeAs": format!("datacoop release of request {} ({})", request.id.to_hex(), state.name()),
        "creator": { "@type": "sc:Organization", "name": state.name() },
        "datacoop:requestId": request.id.to_hex(),
        "datacoop:purpose": purpose.dpv_iri(),
        "datacoop:license": request.license,
        "datacoop:accessStart": rfc3339(start),
        "datacoop:accessEnd": rfc3339(end),
        "distribution": distribution,
    });
    let path = out.join(FILE_NAME);
    let text = serde_json::to_string_pretty(&doc)
        .map_err(|e| NodeError::Protocol(format!("cannot write {FILE_NAME}: {e}")))?;
    datacoop_crypto::write_atomically(&path, text.as_bytes())?;
    Ok(path)
}

/// The SPDX page of a license id; an expression is given as written.
fn spdx_url(license: &str) -> String {
    if license.contains(' ') {
        license.to_owned()
    } else {
        format!("https://spdx.org/licenses/{license}.html")
    }
}
