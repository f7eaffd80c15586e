// Typed wrappers over the app's Tauri commands (src-tauri/src/lib.rs). Argument names are
// camelCase here; Tauri maps them to the commands' snake_case parameters.

import { Channel, invoke } from "@tauri-apps/api/core";
import type {
  Event as NodeEvent, StopReport, AddResult, AppStatus, ConsentDto, CoopView, CreatedIdentity, LogEntryView, VerifyView, DatasetView, EntryView, ExportResult,
  IdentityView, Progress, RecoveryKitView,
} from "./bindings";

let nextJob = 1;

/** A cancellable job id, unique in this window. */
export function newJob(): number {
  return nextJob++;
}

export const api = {
  appState: () => invoke<AppStatus>("app_state"),
  retryHome: () => invoke<AppStatus>("retry_home"),
  createIdentity: (name: string, passphrase: string) =>
    invoke<CreatedIdentity>("create_identity", { name, passphrase }),
  restoreIdentity: (kit: string, phrase: string, passphrase: string) =>
    invoke<IdentityView>("restore_identity", { kit, phrase, passphrase }),
  unlock: (passphrase: string) => invoke<IdentityView>("unlock", { passphrase }),
  lock: () => invoke<StopReport>("lock"),
  /** Calls `onEvent` with each of the node's events from now on. */
  followEvents: (onEvent: (e: NodeEvent) => void) => {
    const channel = new Channel<NodeEvent>();
    channel.onmessage = onEvent;
    return invoke<null>("follow_events", { onEvent: channel });
  },
  listDatasets: () => invoke<DatasetView[]>("list_datasets"),
  listEntries: (dataset: string) => invoke<EntryView[]>("list_entries", { dataset }),
  addPaths: (
    job: number,
    dataset: string,
    category: string | null,
    paths: string[],
    onProgress: (p: Progress) => void,
  ) => {
    const channel = new Channel<Progress>();
    channel.onmessage = onProgress;
    return invoke<AddResult>("add_paths", { job, dataset, category, paths, onProgress: channel });
  },
  exportDataset: (job: number, dataset: string, out: string, onProgress: (p: Progress) => void) => {
    const channel = new Channel<Progress>();
    channel.onmessage = onProgress;
    return invoke<ExportResult>("export_dataset", { job, dataset, out, onProgress: channel });
  },
  newRecoveryKit: (passphrase: string) => invoke<RecoveryKitView>("new_recovery_kit", { passphrase }),
  saveRecoveryKit: (path: string, kit: string, replace: boolean) =>
    invoke<null>("save_recovery_kit", { path, kit, replace }),
  coopStatus: () => invoke<CoopView | null>("coop_status"),
  coopCreate: (name: string) => invoke<CoopView>("coop_create", { name }),
  consentList: () => invoke<ConsentDto[]>("consent_list"),
  consentSet: (dataset: string, allow: string[], maxDays: number | null, ask: boolean) =>
    invoke<string>("consent_set", { dataset, allow, maxDays, ask }),
  consentWithdraw: (dataset: string) => invoke<string>("consent_withdraw", { dataset }),
  logEntries: (from: number) => invoke<LogEntryView[]>("log_entries", { from }),
  logVerify: () => invoke<VerifyView>("log_verify"),
  logProof: (id: string) => invoke<string>("log_proof", { id }),
  saveLogProof: (id: string, path: string, replace: boolean) =>
    invoke<null>("save_log_proof", { id, path, replace }),
  cancelJob: (job: number) => invoke<boolean>("cancel_job", { job }),
};
