//! Files that change, vanish or cannot be read while they are added: a clear error and
//! nothing half-stored.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use datacoop_core::{Category, DatasetName};
use datacoop_crypto::KeystoreSecrets;
use datacoop_vault::{
    AddMode, CancellationToken, ExportMode, NoProgress, Progress, SkipReason, Skipped, Vault,
};

struct Fixture {
    dir: tempfile::TempDir,
    vault: Vault,
    dataset: DatasetName,
    category: Category,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let secrets = KeystoreSecrets::generate("Ada");
    let vault = Vault::open(&dir.path().join("vault"), &secrets)
        .await
        .unwrap();
    Fixture {
        dir,
        vault,
        dataset: DatasetName::new("d").unwrap(),
        category: "fitness".parse().unwrap(),
    }
}

impl Fixture {
    fn file(&self, name: &str, len: usize) -> PathBuf {
        let path = self.dir.path().join(name);
        fs::write(&path, vec![7u8; len]).unwrap();
        path
    }

    async fn add_with(
        &self,
        paths: &[PathBuf],
        progress: Arc<dyn datacoop_vault::ProgressSink>,
        cancel: &CancellationToken,
    ) -> Result<datacoop_vault::AddReport, datacoop_vault::VaultError> {
        self.vault
            .add(
                &self.dataset,
                Some(&self.category),
                paths,
                AddMode::Plain,
                progress,
                cancel,
            )
            .await
    }

    fn names(&self) -> Vec<String> {
        self.vault
            .entries(&self.dataset)
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_that_grows_while_being_added_is_refused() {
    let f = fixture().await;
    let kept = f.file("kept.bin", 10);
    f.add_with(&[kept], Arc::new(NoProgress), &CancellationToken::new())
        .await
        .unwrap();
    let growing = f.file("growing.bin", 3 << 20);
    let appended = AtomicBool::new(false);
    let path = growing.clone();
    let sink = move |p: &Progress| {
        if p.current == "growing.bin" && p.bytes_done > 0 && !appended.swap(true, Ordering::SeqCst)
        {
            let mut file = fs::OpenOptions::new().append(true).open(&path).unwrap();
            file.write_all(b"more").unwrap();
        }
    };
    let err = f
        .add_with(&[growing], Arc::new(sink), &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "io.changed_while_adding", "{err}");
    assert!(err.to_string().contains("growing.bin"));
    assert_eq!(f.names(), ["kept.bin"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_that_vanishes_while_being_added_is_refused() {
    let f = fixture().await;
    let vanishing = f.file("vanishing.bin", 3 << 20);
    let path = vanishing.clone();
    let sink = move |p: &Progress| {
        if p.bytes_done > 0 {
            let _ = fs::remove_file(&path);
        }
    };
    let err = f
        .add_with(&[vanishing], Arc::new(sink), &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "io.changed_while_adding", "{err}");
    assert!(f.names().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_keeps_finished_files_and_nothing_partial() {
    let f = fixture().await;
    let first = f.file("a-first.bin", 1000);
    let second = f.file("b-second.bin", 4 << 20);
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let sink = move |p: &Progress| {
        if p.current == "b-second.bin" && p.bytes_done > 1000 {
            trigger.cancel();
        }
    };
    let err = f
        .add_with(&[first, second], Arc::new(sink), &cancel)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "cancelled");
    assert!(
        err.to_string().contains("1 of 2 files were stored"),
        "{err}"
    );
    assert_eq!(f.names(), ["a-first.bin"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_the_first_add_leaves_no_empty_dataset() {
    let f = fixture().await;
    let only = f.file("only.bin", 4 << 20);
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let sink = move |p: &Progress| {
        if p.bytes_done > 1000 {
            trigger.cancel();
        }
    };
    let err = f
        .add_with(&[only], Arc::new(sink), &cancel)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "cancelled");
    assert!(
        f.vault.datasets().unwrap().is_empty(),
        "the dataset this add would have created is gone"
    );
}

/// Two adds into one new dataset: the one that created it is cancelled before the other
/// commits anything. The dataset goes, and the other add must not then record a file
/// encrypted to a key nobody keeps.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_add_racing_a_cancelled_creator_records_nothing_orphaned() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = KeystoreSecrets::generate("Ada");
    let vault = Arc::new(
        Vault::open(&dir.path().join("vault"), &secrets)
            .await
            .unwrap(),
    );
    let dataset = DatasetName::new("d").unwrap();
    let category: Category = "fitness".parse().unwrap();
    let big = dir.path().join("big.bin");
    fs::write(&big, vec![1u8; 16 << 20]).unwrap();
    let small = dir.path().join("small.bin");
    fs::write(&small, vec![2u8; 2 << 20]).unwrap();

    let creator_cancel = CancellationToken::new();
    let creator_started = Arc::new(AtomicBool::new(false));
    let creator_done = Arc::new(AtomicBool::new(false));

    let creator = {
        let (vault, dataset, category) = (vault.clone(), dataset.clone(), category.clone());
        let (cancel, started) = (creator_cancel.clone(), creator_started.clone());
        tokio::spawn(async move {
            let sink = move |p: &Progress| {
                if p.bytes_done > 0 {
                    started.store(true, Ordering::SeqCst);
                }
            };
            vault
                .add(
                    &dataset,
                    Some(&category),
                    &[big],
                    AddMode::Plain,
                    Arc::new(sink),
                    &cancel,
                )
                .await
        })
    };
    while !creator_started.load(Ordering::SeqCst) {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let second = {
        let (vault, dataset, category) = (vault.clone(), dataset.clone(), category.clone());
        let (cancel_creator, creator_done) = (creator_cancel.clone(), creator_done.clone());
        tokio::spawn(async move {
            // Midway through its file, cancel the creator and wait until it has given up.
            let sink = move |p: &Progress| {
                if p.bytes_done > 0 && !cancel_creator.is_cancelled() {
                    cancel_creator.cancel();
                    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
                    while !creator_done.load(Ordering::SeqCst)
                        && std::time::Instant::now() < deadline
                    {
                        std::thread::sleep(std::time::Duration::from_millis(5));
                    }
                }
            };
            vault
                .add(
                    &dataset,
                    Some(&category),
                    &[small],
                    AddMode::Plain,
                    Arc::new(sink),
                    &CancellationToken::new(),
                )
                .await
        })
    };
    let created = creator.await.unwrap().unwrap_err();
    assert_eq!(created.code(), "cancelled");
    creator_done.store(true, Ordering::SeqCst);
    let err = second.await.unwrap().unwrap_err();
    assert_eq!(err.code(), "io.dataset_changed", "{err}");
    assert!(vault.datasets().unwrap().is_empty());
    assert!(vault.entries(&dataset).unwrap().is_empty());
}

/// A link inside a folder, broken or not, is never followed: it is reported as skipped
/// and the rest is added. A folder of nothing but links adds nothing and creates no
/// dataset.
#[tokio::test(flavor = "multi_thread")]
async fn links_in_a_folder_are_reported_and_never_followed() {
    let f = fixture().await;
    let folder = f.dir.path().join("folder");
    fs::create_dir_all(&folder).unwrap();
    fs::write(folder.join("ok.txt"), b"fine").unwrap();
    std::os::unix::fs::symlink("/nonexistent/target", folder.join("broken-link")).unwrap();
    std::os::unix::fs::symlink("/etc", folder.join("etc")).unwrap();
    let report = f
        .add_with(&[folder], Arc::new(NoProgress), &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(report.files, 1);
    let skipped: Vec<_> = report.skipped.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(skipped, ["folder/broken-link", "folder/etc"]);
    assert_eq!(f.names(), ["folder/ok.txt"]);

    let only_links = f.dir.path().join("links");
    fs::create_dir_all(&only_links).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", only_links.join("passwd")).unwrap();
    let other = DatasetName::new("other").unwrap();
    let err = f
        .vault
        .add(
            &other,
            Some(&f.category),
            &[only_links],
            AddMode::Plain,
            Arc::new(NoProgress),
            &CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "input.nothing_to_add", "{err}");
    assert_eq!(f.vault.datasets().unwrap().len(), 1, "no empty dataset");
}

/// A name a path cannot hold, or one that is a file where another needs a folder, is
/// skipped at add and said so; a dataset with such a name (from an older version) still
/// exports everything else.
#[tokio::test(flavor = "multi_thread")]
async fn one_odd_name_never_stops_the_rest() {
    let f = fixture().await;
    let folder = f.dir.path().join("zip");
    fs::create_dir_all(folder.join("a")).unwrap();
    fs::write(folder.join("a/b.txt"), b"inside").unwrap();
    fs::write(folder.join("c\\d.txt"), b"windows").unwrap();
    let report = f
        .add_with(&[folder], Arc::new(NoProgress), &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(report.files, 1);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(
        report.skipped[0].reason,
        datacoop_vault::SkipReason::UnsupportedName
    );
    // Now a file named like the folder the dataset already has.
    let clash = f.dir.path().join("other");
    fs::create_dir_all(clash.join("zip")).unwrap();
    fs::write(clash.join("zip/a"), b"a file where a folder is").unwrap();
    let report = f
        .add_with(
            &[clash.join("zip")],
            Arc::new(NoProgress),
            &CancellationToken::new(),
        )
        .await;
    let err = report.unwrap_err();
    assert_eq!(err.code(), "input.nothing_to_add", "{err}");
    assert_eq!(f.names(), ["zip/a/b.txt"]);
    let out = f.dir.path().join("out");
    let exported = f
        .vault
        .export(
            &f.dataset,
            &out,
            ExportMode::Plain,
            Arc::new(NoProgress),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(exported.files, 1);
    assert_eq!(fs::read(out.join("zip/a/b.txt")).unwrap(), b"inside");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_vault_reopens_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = KeystoreSecrets::generate("Ada");
    let dataset = DatasetName::new("d").unwrap();
    let category: Category = "sleep".parse().unwrap();
    let file = dir.path().join("night.csv");
    fs::write(&file, b"22:10,06:40\n").unwrap();
    {
        let vault = Vault::open(&dir.path().join("vault"), &secrets)
            .await
            .unwrap();
        vault
            .add(
                &dataset,
                Some(&category),
                &[file],
                AddMode::Plain,
                Arc::new(NoProgress),
                &CancellationToken::new(),
            )
            .await
            .unwrap();
        vault.close().await;
    }
    let vault = Vault::open(&dir.path().join("vault"), &secrets)
        .await
        .unwrap();
    let out = dir.path().join("out");
    vault
        .export(
            &dataset,
            &out,
            ExportMode::Plain,
            Arc::new(NoProgress),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(fs::read(out.join("night.csv")).unwrap(), b"22:10,06:40\n");

    // Another identity's keys cannot read the sealed metadata.
    vault.close().await;
    let stranger = KeystoreSecrets::generate("Eve");
    let vault = Vault::open(&dir.path().join("vault"), &stranger).await;
    let err = match vault {
        Ok(v) => v.datasets().unwrap_err(),
        Err(e) => e,
    };
    assert_eq!(err.code(), "integrity.seal_broken", "{err}");
}

/// Cancelling mid-file many times over: each add ends with `cancelled`, never a panic in
/// the blob store's import (iroh-blobs 0.104 panicked when the source stream reported an
/// error while it had progress to yield: 200 rounds hit it every time).
#[tokio::test(flavor = "multi_thread")]
async fn cancelling_many_adds_mid_file_always_ends_cleanly() {
    let f = fixture().await;
    let file = f.file("big.bin", 2 << 20);
    for round in 0..200u64 {
        let cancel = CancellationToken::new();
        let trigger = cancel.clone();
        // Cancel at a different point each round, to meet the store in every state.
        let at = 1 + round * 9_973 % (2 << 20);
        let sink = move |p: &Progress| {
            if p.bytes_done >= at {
                trigger.cancel();
            }
        };
        let err = f
            .add_with(std::slice::from_ref(&file), Arc::new(sink), &cancel)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "cancelled", "round {round}: {err}");
    }
    assert!(f.vault.datasets().unwrap().is_empty());
}

/// Export writes each file through a fresh random partial name: a stored file that looks
/// like a partial copy is exported like any other, a look-alike already in the target
/// folder is left alone, and the folders made are the owner's only.
#[tokio::test(flavor = "multi_thread")]
async fn export_never_trusts_or_removes_a_name_it_did_not_create() {
    let f = fixture().await;
    let folder = f.dir.path().join("x");
    fs::create_dir(&folder).unwrap();
    fs::write(folder.join("a"), b"the file").unwrap();
    fs::write(folder.join(".a.datacoop-partial"), b"its look-alike").unwrap();
    fs::write(folder.join("b"), b"another").unwrap();
    f.add_with(&[folder], Arc::new(NoProgress), &CancellationToken::new())
        .await
        .unwrap();
    let out = f.dir.path().join("out");
    fs::create_dir_all(out.join("x")).unwrap();
    // Someone's own file, named as the old export named its partial copies.
    fs::write(out.join("x/.b.datacoop-partial"), b"not yours").unwrap();
    f.vault
        .export(
            &f.dataset,
            &out,
            ExportMode::Plain,
            Arc::new(NoProgress),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(fs::read(out.join("x/a")).unwrap(), b"the file");
    assert_eq!(
        fs::read(out.join("x/.a.datacoop-partial")).unwrap(),
        b"its look-alike"
    );
    assert_eq!(fs::read(out.join("x/b")).unwrap(), b"another");
    assert_eq!(
        fs::read(out.join("x/.b.datacoop-partial")).unwrap(),
        b"not yours"
    );
    let mut left: Vec<String> = fs::read_dir(out.join("x"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [".a.datacoop-partial", ".b.datacoop-partial", "a", "b"]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let fresh = f.dir.path().join("fresh");
        f.vault
            .export(
                &f.dataset,
                &fresh,
                ExportMode::Plain,
                Arc::new(NoProgress),
                &CancellationToken::new(),
            )
            .await
            .unwrap();
        for dir in [fresh.clone(), fresh.join("x")] {
            let mode = fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "{}", dir.display());
        }
        let mode = fs::metadata(fresh.join("x/a"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }
}

/// A folder inside the export folder that links elsewhere is never written through.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn export_never_writes_through_a_link_in_its_folder() {
    let f = fixture().await;
    let folder = f.dir.path().join("x");
    fs::create_dir(&folder).unwrap();
    fs::write(folder.join("secret.txt"), b"plaintext").unwrap();
    f.add_with(&[folder], Arc::new(NoProgress), &CancellationToken::new())
        .await
        .unwrap();
    let elsewhere = f.dir.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    let out = f.dir.path().join("out");
    fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("x")).unwrap();
    let err = f
        .vault
        .export(
            &f.dataset,
            &out,
            ExportMode::Plain,
            Arc::new(NoProgress),
            &CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "input.link_in_export_target", "{err}");
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
}

/// Between reading a folder and opening a file in it, the file may be replaced: by a link
/// to a secret, or by another file. Either is skipped and reported by name, and only the
/// files read as they were seen are stored.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_file_replaced_after_its_folder_was_read_is_refused() {
    for replace_with_link in [true, false] {
        let f = fixture().await;
        let secret = f.file("id_ed25519", 20);
        let other = f.file("other", 30);
        let folder = f.dir.path().join("in");
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join("a.txt"), b"first").unwrap();
        fs::write(folder.join("b.txt"), b"second").unwrap();
        let target = folder.join("b.txt");
        let swapped = AtomicBool::new(false);
        let sink = move |p: &Progress| {
            if p.current == "in/b.txt" && !swapped.swap(true, Ordering::SeqCst) {
                fs::remove_file(&target).unwrap();
                if replace_with_link {
                    std::os::unix::fs::symlink(&secret, &target).unwrap();
                } else {
                    fs::rename(&other, &target).unwrap();
                }
            }
        };
        let report = f
            .add_with(&[folder], Arc::new(sink), &CancellationToken::new())
            .await
            .unwrap();
        assert_eq!(report.files, 1);
        assert_eq!(
            report.skipped,
            [Skipped {
                name: "in/b.txt".into(),
                reason: SkipReason::ChangedWhileAdding
            }]
        );
        assert_eq!(f.names(), ["in/a.txt"]);
    }
}

/// A folder holding only things that cannot be added says what it skipped and why.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn nothing_to_add_says_what_was_skipped() {
    let f = fixture().await;
    let secret = f.file("id_ed25519", 20);
    let folder = f.dir.path().join("only-links");
    fs::create_dir(&folder).unwrap();
    std::os::unix::fs::symlink(&secret, folder.join("key")).unwrap();
    let err = f
        .add_with(&[folder], Arc::new(NoProgress), &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "input.nothing_to_add", "{err}");
    let message = err.to_string();
    assert!(
        message.contains("skipped only-links/key (a symbolic link"),
        "{message}"
    );
}

/// On a folder that does not tell names apart by case, `A.txt` lands on the `a.txt` this
/// export just wrote. Simulated with a hard link made between the two files: the second
/// is skipped and reported, the first is intact, and the export finishes.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_name_the_folder_folds_onto_another_is_skipped_not_fatal() {
    let f = fixture().await;
    let folder = f.dir.path().join("x");
    fs::create_dir(&folder).unwrap();
    fs::write(folder.join("a"), b"first").unwrap();
    fs::write(folder.join("b"), b"second").unwrap();
    fs::write(folder.join("c"), b"third").unwrap();
    f.add_with(&[folder], Arc::new(NoProgress), &CancellationToken::new())
        .await
        .unwrap();
    let out = f.dir.path().join("out");
    let (written, alias) = (out.join("x/a"), out.join("x/b"));
    let sink = move |p: &Progress| {
        if p.current == "x/b" && p.files_done == 1 && !alias.exists() {
            fs::hard_link(&written, &alias).unwrap();
        }
    };
    let report = f
        .vault
        .export(
            &f.dataset,
            &out,
            ExportMode::Plain,
            Arc::new(sink),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(report.files, 2);
    assert_eq!(report.skipped.len(), 1, "{:?}", report.skipped);
    assert_eq!(report.skipped[0].name, "x/b");
    assert_eq!(fs::read(out.join("x/a")).unwrap(), b"first");
    assert_eq!(fs::read(out.join("x/c")).unwrap(), b"third");
    // A name taken by something this export did not write still stops it.
    let again = f.dir.path().join("again");
    fs::create_dir_all(again.join("x")).unwrap();
    let planted = again.join("x/c");
    let sink = move |p: &Progress| {
        if p.current == "x/c" && !planted.exists() {
            fs::write(&planted, b"someone else's").unwrap();
        }
    };
    let err = f
        .vault
        .export(
            &f.dataset,
            &again,
            ExportMode::Plain,
            Arc::new(sink),
            &CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "input.export_target_exists", "{err}");
    assert_eq!(fs::read(again.join("x/c")).unwrap(), b"someone else's");
}

/// A file that cannot be read does not stop the rest; the report names it. When every
/// file fails, the add fails with the first one's own error. (`/proc/self/mem` is a file
/// whose reading fails, whoever runs the test; permissions would not stop root.)
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread")]
async fn a_file_that_fails_alone_is_skipped_and_named() {
    let f = fixture().await;
    let readable = f.file("a.txt", 10);
    let unreadable = PathBuf::from("/proc/self/mem");
    let report = f
        .add_with(
            &[readable, unreadable.clone()],
            Arc::new(NoProgress),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(report.files, 1);
    assert_eq!(
        report.skipped,
        [Skipped {
            name: "mem".into(),
            reason: SkipReason::Unreadable
        }]
    );
    assert_eq!(f.names(), ["a.txt"]);
    let err = f
        .add_with(
            &[unreadable],
            Arc::new(NoProgress),
            &CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "io.unreadable", "{err}");
}

/// Exporting "into" a file says that it is a file, and touches nothing.
#[tokio::test(flavor = "multi_thread")]
async fn exporting_into_a_file_says_it_needs_a_folder() {
    let f = fixture().await;
    let file = f.file("a.txt", 10);
    f.add_with(
        std::slice::from_ref(&file),
        Arc::new(NoProgress),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    let err = f
        .vault
        .export(
            &f.dataset,
            &file,
            ExportMode::Plain,
            Arc::new(NoProgress),
            &CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "input.not_a_folder", "{err}");
    assert!(err.to_string().contains("is a file"), "{err}");
    assert_eq!(fs::read(&file).unwrap(), vec![7u8; 10]);
}

/// Export reports progress within a file, not only between files.
#[tokio::test(flavor = "multi_thread")]
async fn export_progress_moves_within_a_file() {
    let f = fixture().await;
    let big = f.file("big.bin", 4 << 20);
    f.add_with(&[big], Arc::new(NoProgress), &CancellationToken::new())
        .await
        .unwrap();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    let sink = move |p: &Progress| {
        if p.files_done == 0 {
            record.lock().unwrap().push(p.bytes_done);
        }
    };
    let report = f
        .vault
        .export(
            &f.dataset,
            &f.dir.path().join("out"),
            ExportMode::Plain,
            Arc::new(sink),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(report.bytes, 4 << 20);
    let seen = seen.lock().unwrap();
    let within = seen.iter().filter(|&&b| b > 0 && b < 4 << 20).count();
    assert!(within >= 4, "progress inside the file: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
}

/// Adding the same bytes under the same name again writes nothing and says so; a changed
/// file replaces its earlier version.
#[tokio::test(flavor = "multi_thread")]
async fn adding_the_same_file_again_changes_nothing_and_says_so() {
    let f = fixture().await;
    let file = f.file("a.txt", 100);
    let first = f
        .add_with(
            std::slice::from_ref(&file),
            Arc::new(NoProgress),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!((first.files, first.unchanged), (1, 0));
    let before = f.vault.entries(&f.dataset).unwrap();
    let again = f
        .add_with(
            std::slice::from_ref(&file),
            Arc::new(NoProgress),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!((again.files, again.unchanged, again.replaced), (0, 1, 0));
    assert_eq!(f.vault.entries(&f.dataset).unwrap(), before);
    fs::write(&file, b"changed").unwrap();
    let changed = f
        .add_with(&[file], Arc::new(NoProgress), &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(
        (changed.files, changed.unchanged, changed.replaced),
        (1, 0, 1)
    );
}
