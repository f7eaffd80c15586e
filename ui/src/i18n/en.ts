// Every string the window shows, in one place, ready for translation.
// Functions take the variable parts; numbers and sizes are formatted by the caller (Intl).

export const en = {
  appName: "datacoop",
  loading: "Loading…",

  welcome: {
    title: "Welcome to datacoop",
    body:
      "datacoop keeps your data encrypted on this computer. Later, with a cooperative, you " +
      "decide dataset by dataset who may use it, for what purpose, for how long and for " +
      "what in return. Nothing leaves this computer unless you say so, and nobody, not even " +
      "the cooperative, can read your data without a key you release.",
    start: "Create my identity",
    restore: "I have a recovery kit",
  },

  restore: {
    title: "Restore from your recovery kit",
    intro:
      "Paste the text of your recovery kit and type its 24 words. Your identity comes back " +
      "on this computer, protected by a new passphrase.",
    kit: "Recovery kit (the whole text of the file)",
    kitPlaceholder: "datacoop recovery kit v1 …",
    phrase: "Recovery phrase (24 words)",
    passphrase: "New passphrase",
    submit: "Restore my identity",
    working: "Restoring… this takes a few seconds",
    kitMissing: "Paste the text of your recovery kit.",
    phraseMissing: "Type the 24 words of your recovery phrase.",
  },

  create: {
    title: "Create your identity",
    intro:
      "Your name is shown to the cooperative you join. Your passphrase protects your keys " +
      "on this computer; nobody can reset it for you.",
    name: "Your name",
    namePlaceholder: "e.g. Ada Lovelace",
    passphrase: "Passphrase",
    confirm: "Passphrase again",
    submit: "Create identity",
    working: "Creating your identity… this takes a few seconds",
    back: "Back",
    strengthLabel: "Strength",
    strength: {
      empty: "Use several words, or 12 or more characters.",
      weak: "Weak: easy to guess. Add more words.",
      fair: "Fair: add a word or two to be safe.",
      good: "Good.",
      strong: "Strong.",
    },
    problem: {
      name_missing: "Enter a name.",
      too_short: "Use at least 8 characters.",
      mismatch: "The two passphrases are not the same.",
    },
  },

  kit: {
    title: "Save your recovery kit",
    intro:
      "If you forget your passphrase or lose this computer, these 24 words and the kit " +
      "below are the only way back to your identity. They are shown once, now.",
    phraseLabel: "Recovery phrase",
    kitLabel: "Recovery kit",
    saveTitle: "Save the kit as a file",
    saveDialog: "Save as file…",
    savePath: "Or type where to save it",
    savePathPlaceholder: "/media/usb-stick/datacoop-recovery-kit.txt",
    saveSubmit: "Save",
    savePathMissing: "Type a file path, or use Save as file….",
    saved: (path: string) =>
      `Saved to ${path}. Keep a copy away from this computer, e.g. on a USB stick, and the 24 words somewhere else.`,
    fileType: "Text file",
    copy: "Copy kit text",
    copied: "Copied.",
    copyFailed: "Could not copy: select the text and copy it yourself.",
    confirm: "I have written down the 24 words and saved the kit somewhere safe, away from this computer.",
    done: "Continue",
  },

  coop: {
    title: "Start or join a cooperative",
    intro:
      "A cooperative is the group you pool data with. Its members decide together who may " +
      "use the data and on what terms. You can do this now or later.",
    createTitle: "Start a new cooperative",
    createIntro:
      "You become its first steward. Its log, where every consent and decision is signed " +
      "and kept, starts on this computer.",
    name: "Name of the cooperative",
    nameHint: "Members see this name, e.g. Riverside Runners.",
    nameMissing: "Enter a name for the cooperative.",
    create: "Start cooperative",
    working: "Starting…",
    joinTitle: "Join with an invitation",
    joinLater:
      "Joining a cooperative with an invitation ticket arrives with the network features of " +
      "datacoop; this version does not connect to other computers yet.",
    later: "Later",
  },

  firstData: {
    title: "Add your first data",
    intro:
      "Choose files or folders to keep in datacoop. They are encrypted on this computer " +
      "and nothing leaves it. You can also do this later from My data.",
    skip: "Skip for now",
  },

  status: {
    label: "Cooperative status",
    noCoop: "No cooperative yet",
    coop: (name: string, role: string) => `${name} · ${role}`,
    role: { member: "member", steward: "steward", trainer: "trainer" },
    notMember: "not a member",
    checkpoint: (size: string) => `Log checkpoint ${size}`,
    noCheckpoint: "No checkpoint yet",
    unwitnessed: "unwitnessed",
    witnessed: "witnessed",
    logHint:
      "The newest signed summary of the cooperative's log. Unwitnessed: no one independent " +
      "of its operator has cosigned it yet.",
    evidence: (what: string) => `Evidence of tampering: ${what}`,
  },

  unlock: {
    title: "Unlock datacoop",
    intro: "Enter your passphrase to open your data.",
    passphrase: "Passphrase",
    submit: "Unlock",
    working: "Unlocking…",
    home: (home: string) => `Data folder: ${home}`,
  },

  inUse: {
    title: "This data folder is in use",
    serve: (pid: number) =>
      `datacoop serve (process ${pid}) is running on this data folder. The app and ` +
      `datacoop serve cannot share it. Stop datacoop serve (Ctrl+C in its terminal, or ` +
      `kill ${pid}), then open datacoop again.`,
    cli: (pid: number) =>
      `A datacoop command (process ${pid}) has been using this data folder for a while. ` +
      `Wait for it to finish, then open datacoop again.`,
    app: (pid: number) => `Another datacoop window (process ${pid}) has this data folder open.`,
    other: (home: string) =>
      `To use another data folder, start the app with: datacoop-app --home FOLDER (now: ${home})`,
  },

  unavailable: {
    title: "datacoop cannot open its data folder",
    what: (message: string) => `What happened: ${message}`,
    next: "Check that the folder exists and belongs to you, then open datacoop again.",
  },

  nav: {
    label: "Sections",
    myData: "My data",
    settings: "Settings",
    later: "Arrive with the cooperative features",
    consent: "Consent",
    requests: "Requests",
    grants: "Grants",
    log: "Log",
    cooperative: "Cooperative",
    lock: "Lock",
    lockBusy: "Wait for the running work to finish, or cancel it, before locking.",
    signedInAs: (name: string) => `Signed in as ${name}`,
  },

  data: {
    title: "My data",
    add: "Add data",
    emptyTitle: "No data yet",
    emptyBody:
      "Add files or folders to start. They are encrypted on this computer; nothing leaves it.",
    card: {
      items: (n: string) => `${n} ${n === "1" ? "file" : "files"}`,
      created: (date: string) => `Since ${date}`,
    },
    open: (name: string) => `Open dataset ${name}`,
  },

  dataset: {
    back: "My data",
    breadcrumb: "Where you are",
    category: "Category",
    files: "Files",
    columns: { name: "Name", type: "Type", size: "Size", added: "Added" },
    filesLabel: (n: number) => `Files, ${n} in all`,
    filesHelp: "Up and down arrows move through the files; Enter shows a file's details.",
    holders: "Stored on this computer only · no keys released to anyone",
    details: {
      type: "Type",
      size: "Size",
      stored: "Encrypted size",
      added: "Added",
      where: "Where it is",
      whereLocal: "Encrypted, on this computer only",
      epoch: "Key epoch",
      plaintextHash: "Content fingerprint (BLAKE3)",
      blobHash: "Encrypted blob address (BLAKE3)",
    },
    hashHint:
      "The fingerprint lets you check an exported copy; the blob address is all that " +
      "other computers would ever see of this file.",
    emptyFiles: "This dataset has no files yet.",
    addHere: "Add files to this dataset",
    exportTitle: "Export to a folder",
    exportIntro:
      "Writes decrypted copies of every file into a folder. Files already there are never overwritten.",
    exportPath: "Folder",
    exportPathPlaceholder: "/home/you/Exports/fitness",
    choose: "Choose folder…",
    exportSubmit: "Export",
    exported: (files: string, size: string, out: string) =>
      `Exported ${files} files (${size}) to ${out}.`,
    exportPathMissing: "Enter or choose a folder.",
  },

  add: {
    title: "Add data",
    dataset: "Dataset",
    newDataset: "New dataset…",
    newName: "Name of the new dataset",
    newNameHint: "Letters, digits, - _ and . only, e.g. running-2026",
    category: "Category",
    categoryHint: "What kind of data it is; the cooperative sees only this.",
    paths: "Files and folders (one path per line)",
    pathsPlaceholder: "/home/you/Documents/runs",
    chooseFiles: "Choose files…",
    chooseFolder: "Choose folder…",
    drop: "Or drop files and folders on this window.",
    dropHere: "Drop to add",
    submit: "Add and encrypt",
    cancel: "Close",
    pathsMissing: "Enter at least one path, choose files, or drop them here.",
    nameMissing: "Enter a name for the new dataset.",
    categoryMissing: "Choose a category for the new dataset.",
    added: (files: string, size: string, dataset: string) =>
      `Added ${files} files (${size}) to “${dataset}”.`,
  },

  progress: {
    adding: (dataset: string) => `Adding to “${dataset}”`,
    exporting: (dataset: string) => `Exporting “${dataset}”`,
    bytes: (done: string, total: string) => `${done} of ${total}`,
    rate: (rate: string) => `${rate}`,
    eta: (left: string) => `about ${left} left`,
    files: (done: string, total: string) => `file ${done} of ${total}`,
    measuring: "measuring speed…",
    cancel: "Cancel",
    cancelling: "Cancelling…",
    cancelled: "Cancelled. Files finished before cancelling are kept; the rest were not added.",
    cancelledExport: "Export cancelled. Files already written are complete; no partial files remain.",
  },

  settings: {
    title: "Settings",
    home: "Data folder",
    homeHint:
      "Where your encrypted data and keys live. To use another folder, start the app with --home FOLDER or the DATACOOP_HOME variable.",
    theme: "Theme",
    themes: { system: "Follow the system", light: "Light", dark: "Dark" },
    about: "About",
    aboutBody: (version: string) =>
      `datacoop ${version}. Free software under the GNU AGPL 3.0 or later.`,
    identity: "Your identity id",
  },

  errors: {
    "auth.wrong_passphrase":
      "That passphrase does not open this identity. Check Caps Lock and try again.",
    "auth.locked": "datacoop is locked. Unlock it first.",
    "input.invalid_name": "Use 1 to 64 printable characters for your name.",
    "input.invalid_dataset_name":
      "Dataset names use letters, digits, - _ and . only, and do not start with a dot.",
    "input.invalid_category":
      "Categories are lowercase words joined by hyphens, e.g. health-records.",
    "home.already_initialised": "This data folder already holds an identity.",
    "auth.wrong_recovery_phrase":
      "These 24 words do not open this recovery kit. Check each word, or the kit you pasted.",
    "auth.invalid_recovery_phrase":
      "That is not a valid recovery phrase: check the spelling and that all 24 words are there.",
    "input.recovery_kit_corrupt":
      "That text is not a complete datacoop recovery kit. Paste the whole file, from its first line to the END line.",
    "input.kit_for_another_identity":
      "This recovery kit belongs to another identity than the one this data folder holds.",
    "home.owned": "Another program is using this data folder.",
    "input.file_exists": "A file with that name is already there; datacoop does not replace it. Choose another name.",
    "input.already_in_cooperative": "This identity already belongs to a cooperative.",
    cancelled: "Cancelled.",
    generic: (message: string) => `Something went wrong: ${message}`,
  } as Record<string, string | ((m: string) => string)>,
};

export type Catalogue = typeof en;
