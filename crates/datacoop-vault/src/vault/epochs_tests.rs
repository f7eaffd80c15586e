//! Epochs: keys, manifests, hash sequences and key backups.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;

use super::*;
use crate::NoProgress;

fn name(s: &str) -> DatasetName {
    DatasetName::new(s).unwrap()
}

async fn add(vault: &Vault, dataset: &str, dir: &Path, file: &str, bytes: &[u8]) {
    let path = dir.join(file);
    fs::write(&path, bytes).unwrap();
    let category: Category = "fitness".parse().unwrap();
    vault
        .add(
            &name(dataset),
            Some(&category),
            &[path],
            AddMode::Plain,
            Arc::new(NoProgress),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
}

fn epoch_key(vault: &Vault, dataset: &str, epoch: u32) -> EpochKey {
    let record = vault.require_dataset(&name(dataset)).unwrap();
    let found = record.epochs.iter().find(|e| e.index == epoch).unwrap();
    EpochKey::from_str(&found.secret).unwrap()
}

fn decrypts(ciphertext: &[u8], key: &EpochKey) -> Option<Vec<u8>> {
    let decryptor = age::Decryptor::new(ciphertext).ok()?;
    let mut reader = decryptor
        .decrypt(iter::once(key.age_identity() as &dyn age::Identity))
        .ok()?;
    let mut out = Vec::new();
    reader.read_to_end(&mut out).ok()?;
    Some(out)
}

/// The header wraps the file key for exactly one X25519 recipient; age adds one "grease"
/// stanza of a random type that no key opens (so readers tolerate unknown stanzas).
fn assert_only_one_recipient(ciphertext: &[u8]) {
    let stanzas = datacoop_crypto::age_stanzas(ciphertext);
    let kinds: Vec<&str> = stanzas.iter().map(|s| s[0].as_str()).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "X25519").count(),
        1,
        "{kinds:?}"
    );
    assert!(
        kinds
            .iter()
            .all(|k| *k == "X25519" || k.ends_with("-grease")),
        "no other recipient: {kinds:?}"
    );
}

async fn blob(vault: &Vault, hash: &str) -> Vec<u8> {
    let hash = Hash::from_str(hash).unwrap();
    vault
        .store()
        .await
        .unwrap()
        .get_bytes(hash)
        .await
        .unwrap()
        .to_vec()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_blob_names_only_its_epochs_recipient_and_sealing_starts_a_new_key() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = KeystoreSecrets::generate("Ada");
    let vault = Vault::in_memory(&secrets);
    add(&vault, "runs", dir.path(), "a.csv", b"first").await;
    let before = vault.recipient(&name("runs")).unwrap();

    let sealed_as = vault.seal_epoch(&name("runs")).await.unwrap();
    assert_eq!(sealed_as, 1);
    let after = vault.recipient(&name("runs")).unwrap();
    assert_ne!(before, after, "sealing an epoch starts a new key");
    add(&vault, "runs", dir.path(), "b.csv", b"second").await;
    // The same bytes again stay in the sealed epoch rather than moving.
    add(&vault, "runs", dir.path(), "a.csv", b"first").await;

    let entries = vault.entries(&name("runs")).unwrap();
    let (a, b) = (&entries[0], &entries[1]);
    assert_eq!((a.name.as_str(), a.epoch), ("a.csv", 0));
    assert_eq!((b.name.as_str(), b.epoch), ("b.csv", 1));
    let (key0, key1) = (epoch_key(&vault, "runs", 0), epoch_key(&vault, "runs", 1));
    assert_eq!(key0.recipient().to_string(), before);
    assert_eq!(key1.recipient().to_string(), after);
    for (entry, own, other) in [(a, &key0, &key1), (b, &key1, &key0)] {
        let stored = blob(&vault, &entry.blob_hash).await;
        assert_only_one_recipient(&stored);
        assert!(decrypts(&stored, own).is_some(), "the epoch's key opens it");
        assert!(
            decrypts(&stored, other).is_none(),
            "another epoch's key does not"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_epochs_root_names_its_sealed_manifest_and_files_and_chains_to_the_last() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = KeystoreSecrets::generate("Ada");
    let vault = Vault::in_memory(&secrets);
    add(&vault, "runs", dir.path(), "a.csv", b"first").await;
    add(&vault, "runs", dir.path(), "c.csv", b"third").await;
    vault.seal_epoch(&name("runs")).await.unwrap();
    let only_sealed = vault.publish_epochs(&name("runs")).await.unwrap();
    assert_eq!(
        only_sealed.len(),
        1,
        "an empty current epoch is not published"
    );
    add(&vault, "runs", dir.path(), "b.csv", b"second").await;

    let epochs = vault.publish_epochs(&name("runs")).await.unwrap();
    assert_eq!(epochs.len(), 2);
    let id = vault.dataset_id(&name("runs")).unwrap();
    let entries = vault.entries(&name("runs")).unwrap();
    for published in &epochs {
        assert_eq!(published.dataset, id);
        let sequence =
            HashSeq::new(Bytes::from(blob(&vault, &published.root.to_hex()).await)).unwrap();
        let hashes: Vec<Hash> = sequence.iter().collect();
        assert_eq!(hashes[0], published.manifest, "the manifest comes first");
        let key = epoch_key(&vault, "runs", published.epoch);
        let sealed = blob(&vault, &published.manifest.to_hex()).await;
        assert_only_one_recipient(&sealed);
        assert!(
            decrypts(&sealed, &epoch_key(&vault, "runs", 1 - published.epoch)).is_none(),
            "only the epoch's key opens its manifest"
        );
        let manifest = Manifest::open(&sealed, &key).unwrap();
        assert_eq!(manifest.epoch, published.epoch);
        let in_epoch: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.epoch == published.epoch)
            .collect();
        assert_eq!(manifest.files.len(), in_epoch.len());
        assert_eq!(published.files, in_epoch.len() as u64);
        for (file, (entry, hash)) in manifest.files.iter().zip(in_epoch.iter().zip(&hashes[1..])) {
            assert_eq!(file.name, entry.name);
            assert_eq!(hex::encode(file.blob_hash), entry.blob_hash);
            assert_eq!(hash.to_hex().to_string(), entry.blob_hash);
            assert_eq!(file.size, entry.size);
        }
        // The key backup opens with the member's identity for this epoch only.
        let backup =
            KeyBackup::from_bytes(blob(&vault, &published.key_backup.to_hex()).await).unwrap();
        let of = BackupOf {
            dataset: id,
            epoch: u64::from(published.epoch),
        };
        let opened = backup.open(&secrets.identity(), &of).unwrap();
        assert_eq!(opened.recipient().to_string(), key.recipient().to_string());
        let elsewhere = BackupOf { epoch: 9, ..of };
        assert!(backup.open(&secrets.identity(), &elsewhere).is_err());
    }
    let manifest1 = Manifest::open(
        &blob(&vault, &epochs[1].manifest.to_hex()).await,
        &epoch_key(&vault, "runs", 1),
    )
    .unwrap();
    assert_eq!(manifest1.previous, Some(*epochs[0].root.as_bytes()));
    assert_eq!(
        only_sealed[0], epochs[0],
        "an unchanged epoch is not rebuilt"
    );

    // Changing a file of the sealed epoch moves it to the current one: both roots change,
    // the second through its chain as well.
    add(&vault, "runs", dir.path(), "a.csv", b"first, edited").await;
    let again = vault.publish_epochs(&name("runs")).await.unwrap();
    assert_ne!(again[0].root, epochs[0].root);
    assert_eq!(
        again[0].key_backup, epochs[0].key_backup,
        "one backup per epoch"
    );
    assert_eq!(again[0].files, 1);
    assert_eq!(again[1].files, 2);
    let manifest1 = Manifest::open(
        &blob(&vault, &again[1].manifest.to_hex()).await,
        &epoch_key(&vault, "runs", 1),
    )
    .unwrap();
    assert_eq!(manifest1.previous, Some(*again[0].root.as_bytes()));
}

#[test]
fn the_manifest_format_is_pinned_and_refuses_what_it_is_not() {
    let manifest = Manifest {
        epoch: 2,
        previous: Some([7; 32]),
        files: vec![ManifestFile {
            name: "runs/a.csv".into(),
            media_type: "text/csv".into(),
            size: 5,
            stored_size: 205,
            plaintext_hash: [1; 32],
            blob_hash: [2; 32],
            added_at: 1_700_000_000,
        }],
    };
    let bytes = manifest.encode();
    // Version 1 bytes: changing them is a format change (and a new version).
    let expected = concat!(
        "64636d6601", // "dcmf" 1
        "02",         // epoch
        "01",
        "0707070707070707070707070707070707070707070707070707070707070707",
        "01",                     // one file
        "0a72756e732f612e637376", // name
        "08746578742f637376",     // media type
        "05",
        "cd01", // size, stored size
        "0101010101010101010101010101010101010101010101010101010101010101",
        "0202020202020202020202020202020202020202020202020202020202020202",
        "80e2cfaa06", // added at
    );
    assert_eq!(hex::encode(&bytes), expected);
    assert_eq!(Manifest::decode(&bytes).unwrap(), manifest);

    let mut other_version = bytes.clone();
    other_version[4] = 2;
    let err = Manifest::decode(&other_version).unwrap_err().to_string();
    assert!(err.contains("version 2"), "{err}");
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(
        Manifest::decode(&longer)
            .unwrap_err()
            .to_string()
            .contains("after its end")
    );
    assert!(
        Manifest::decode(b"dcxx\x01")
            .unwrap_err()
            .to_string()
            .contains("not a datacoop manifest")
    );
    assert!(Manifest::decode(&bytes[..20]).is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn collection_keeps_published_epochs_and_drops_a_replaced_root() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = KeystoreSecrets::generate("Ada");
    let vault = Vault::open(&dir.path().join("vault"), &secrets)
        .await
        .unwrap();
    add(&vault, "runs", dir.path(), "a.csv", b"first").await;
    add(&vault, "runs", dir.path(), "b.csv", b"second").await;
    let before = vault.publish_epochs(&name("runs")).await.unwrap()[0];
    add(&vault, "runs", dir.path(), "a.csv", b"first, edited").await;
    let after = vault.publish_epochs(&name("runs")).await.unwrap()[0];
    assert_ne!(before.root, after.root);

    vault.collector.as_ref().unwrap().run_now().await;
    let store = vault.store().await.unwrap();
    for kept in [after.root, after.manifest, after.key_backup] {
        assert!(store.has(kept).await.unwrap(), "published blobs stay");
    }
    for entry in vault.entries(&name("runs")).unwrap() {
        assert!(
            store
                .has(Hash::from_str(&entry.blob_hash).unwrap())
                .await
                .unwrap()
        );
    }
    assert!(
        !store.has(before.root).await.unwrap(),
        "the replaced root is collected"
    );
    assert!(
        !store.has(before.manifest).await.unwrap(),
        "and its manifest"
    );

    // A tag for a root sled never recorded (a crash between the two) is released at open.
    store
        .tags()
        .set(tag(EPOCH_TAG_PREFIX, &before.root), before.root)
        .await
        .unwrap();
    vault.release_orphans_in(store).await.unwrap();
    let tags: Vec<_> = store
        .tags()
        .list_prefix(EPOCH_TAG_PREFIX)
        .await
        .unwrap()
        .collect::<Vec<_>>()
        .await;
    assert_eq!(tags.len(), 1, "only the current root keeps a tag");
    vault.close().await;
}
