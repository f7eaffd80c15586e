// Generated from src-tauri/src/dto.rs by the `bindings_are_current` test
// (DATACOOP_UPDATE_BINDINGS=1 cargo test bindings). Do not edit by hand.

export type AppStatus = { "state": "no_identity", 
/**
 * The home folder.
 */
home: string, } | { "state": "locked", 
/**
 * The home folder.
 */
home: string, } | { "state": "unlocked", 
/**
 * The home folder.
 */
home: string, 
/**
 * Whose home it is.
 */
identity: IdentityView, } | { "state": "in_use", 
/**
 * The home folder.
 */
home: string, 
/**
 * What owns it.
 */
owner_kind: OwnerKindView, 
/**
 * Its process id.
 */
owner_pid: number, } | { "state": "unavailable", 
/**
 * The home folder.
 */
home: string, 
/**
 * Why, as a stable code.
 */
code: string, 
/**
 * Why, for people.
 */
message: string, };

export type OwnerKindView = "cli" | "serve" | "app";

export type IdentityView = { 
/**
 * The identity id (64 hex digits).
 */
id: string, 
/**
 * The display name.
 */
name: string, };

export type CreatedIdentity = { 
/**
 * The new identity.
 */
identity: IdentityView, 
/**
 * The recovery kit's text, to save as a file.
 */
kit: string, 
/**
 * The 24-word recovery phrase.
 */
phrase: string, };

export type RecoveryKitView = { 
/**
 * The kit's text, to save as a file.
 */
kit: string, 
/**
 * The 24-word recovery phrase.
 */
phrase: string, };

export type DatasetView = { 
/**
 * Its name.
 */
name: string, 
/**
 * Its public category.
 */
category: string, 
/**
 * Number of files.
 */
items: number, 
/**
 * Plaintext bytes.
 */
size: number, 
/**
 * Ciphertext bytes.
 */
stored_size: number, 
/**
 * Unix seconds of creation.
 */
created_at: number, };

export type EntryView = { 
/**
 * Its path inside the dataset, with `/` separators.
 */
name: string, 
/**
 * Its media type.
 */
media_type: string, 
/**
 * Plaintext bytes.
 */
size: number, 
/**
 * Ciphertext bytes.
 */
stored_size: number, 
/**
 * Unix seconds when it was added.
 */
added_at: number, 
/**
 * BLAKE3 of the plaintext, hex: what export checks.
 */
plaintext_hash: string, 
/**
 * BLAKE3 of the ciphertext, hex: the blob's address, what peers would store.
 */
blob_hash: string, 
/**
 * The key epoch that encrypted it.
 */
epoch: number, };

export type CoopView = { 
/**
 * Cooperative id (hex).
 */
id: string, 
/**
 * Its name.
 */
name: string, 
/**
 * This identity's role in it, if it is a member.
 */
role: RoleView | null, 
/**
 * People in it: stewards and members.
 */
members: number, 
/**
 * Who they are: identity id (hex) and role, stewards first.
 */
people: Array<PersonView>, 
/**
 * Approvals needed for governance and requests (k).
 */
threshold: number, 
/**
 * Operations in the log.
 */
log_size: number, 
/**
 * Size of the newest checkpoint, if any.
 */
checkpoint_size: number | null, 
/**
 * True when nobody independent cosigns checkpoints.
 */
unwitnessed: boolean, 
/**
 * Evidence of tampering this node holds, for people; empty when all is well.
 */
evidence: Array<string>, };

export type RoleView = "member" | "steward" | "trainer";

export type PersonView = { 
/**
 * Identity id (hex): their fingerprint.
 */
id: string, 
/**
 * Their role.
 */
role: RoleView, };

export type ConsentDto = { 
/**
 * The consent operation's id (hex): the ISO/IEC TS 27560 record id.
 */
record_id: string, 
/**
 * The local dataset name.
 */
dataset: string, 
/**
 * Purposes allowed (names from `PURPOSES`).
 */
purposes: Array<string>, 
/**
 * Included automatically, or asked each time.
 */
mode: ConsentModeView, 
/**
 * Longest access period accepted, in days; none means no limit of its own.
 */
max_days: number | null, 
/**
 * Whether it was withdrawn (or replaced by a newer consent).
 */
withdrawn: boolean, };

export type ConsentModeView = "auto" | "ask";

export type LogEntryView = { 
/**
 * Position in the log.
 */
index: number, 
/**
 * Operation id (hex).
 */
id: string, 
/**
 * Kind (`Genesis`, `ConsentSet`, ...).
 */
kind: string, 
/**
 * Author identity id (hex).
 */
author: string, 
/**
 * The author's clock at signing, Unix seconds (display only).
 */
claimed_time: number, 
/**
 * Log time once a quorum checkpoint covers it, Unix seconds.
 */
log_time: number | null, };

export type VerifyView = { 
/**
 * Operations verified.
 */
operations: number, 
/**
 * Checkpoints verified.
 */
checkpoints: number, 
/**
 * Size of the newest checkpoint.
 */
latest_checkpoint: number, 
/**
 * Root of the whole tree (hex).
 */
root: string, 
/**
 * Whether nobody independent cosigns checkpoints.
 */
unwitnessed: boolean, };

export type Progress = { 
/**
 * The file being worked on, relative to what the user gave.
 */
current: string, 
/**
 * Files finished so far.
 */
files_done: number, 
/**
 * Files in all.
 */
files_total: number, 
/**
 * Plaintext bytes processed so far, over all files.
 */
bytes_done: number, 
/**
 * Plaintext bytes in all.
 */
bytes_total: number, };

export type Event = { "event": "unlocked", 
/**
 * The identity id.
 */
identity: string, 
/**
 * Its display name.
 */
name: string, } | { "event": "locked", 
/**
 * The work that was running and had to stop.
 */
cancelled: Array<JobKind>, } | { "event": "datasets_changed", 
/**
 * The dataset's name.
 */
dataset: string, } | { "event": "log_appended", 
/**
 * The log's size now.
 */
size: number, } | { "event": "job_started", 
/**
 * The job's number in this owner.
 */
job: number, 
/**
 * What it does.
 */
kind: JobKind, } | { "event": "job_progress", 
/**
 * The job's number.
 */
job: number, 
/**
 * Where it is.
 */
progress: Progress, } | { "event": "job_finished", 
/**
 * The job's number.
 */
job: number, 
/**
 * What it did.
 */
kind: JobKind, 
/**
 * How it ended.
 */
outcome: JobOutcome, } | { "event": "missed", 
/**
 * How many.
 */
count: number, };

export type JobKind = { "job": "adding", 
/**
 * The dataset.
 */
dataset: string, } | { "job": "exporting", 
/**
 * The dataset.
 */
dataset: string, } | { "job": "request", 
/**
 * The request's name on the control socket (`data_list`, `consent_set`, ...).
 */
op: string, };

export type JobOutcome = { "outcome": "done" } | { "outcome": "cancelled" } | { "outcome": "failed", 
/**
 * The error's code.
 */
code: string, };

export type StopReport = { 
/**
 * The jobs that were running and were cancelled and waited for.
 */
cancelled: Array<JobKind>, 
/**
 * False if some of them had not ended after the patience allowed, and the vault was
 * left to close when they do.
 */
in_time: boolean, };

export type AddResult = { 
/**
 * The dataset.
 */
dataset: string, 
/**
 * Whether it was created.
 */
created: boolean, 
/**
 * Files stored.
 */
files: number, 
/**
 * Bytes stored.
 */
bytes: number, 
/**
 * Files that replaced one of the same name.
 */
replaced: number, };

export type ExportResult = { 
/**
 * Files written.
 */
files: number, 
/**
 * Bytes written.
 */
bytes: number, 
/**
 * The folder written to.
 */
out: string, };

export type CommandError = { 
/**
 * Stable code (`auth.wrong_passphrase`, `input.invalid_name`, ...).
 */
code: string, 
/**
 * The node's message.
 */
message: string, };

/** Categories offered for new datasets (any lowercase slug is accepted). */
export const CATEGORY_SUGGESTIONS = ["fitness", "health-records", "sleep", "nutrition", "location", "messages", "photos", "voice", "browsing", "purchases", "finance", "writing", "code"] as const;

/** Purposes a consent can allow, and the W3C DPV term each is recorded as. */
export const PURPOSES = [{ name: "ScientificResearch", dpv: "ScientificResearch" }, { name: "NonCommercialResearch", dpv: "NonCommercialResearch" }, { name: "CommercialResearch", dpv: "CommercialResearch" }, { name: "ResearchAndDevelopment", dpv: "ResearchAndDevelopment" }, { name: "ServiceOptimisation", dpv: "ServiceOptimisation" }, { name: "ModelTraining", dpv: "ResearchAndDevelopment" }] as const;
