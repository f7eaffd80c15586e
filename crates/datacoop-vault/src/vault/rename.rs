//! Renaming a dataset. A name is local only, but the dataset's public id on the log was
//! derived from the name it was created with, so that name is kept beside the new one
//! (its *origin*) and the id never changes.

use super::*;

impl Vault {
    /// Renames dataset `from` to `to`, with all its files, in one atomic write. Refused
    /// when `from` does not exist or `to` already does. An add running into `from`
    /// stops at its next file (`io.dataset_changed`); what it stored before stays.
    pub async fn rename_dataset(
        &self,
        from: &DatasetName,
        to: &DatasetName,
    ) -> Result<(), VaultError> {
        let _entries = self.entries_lock.lock().await;
        let _datasets = self
            .datasets_lock
            .lock()
            .map_err(|_| VaultError::Meta("the dataset lock was poisoned".into()))?;
        let mut record = self.require_dataset(from)?;
        if from == to {
            return Ok(());
        }
        if self.dataset_record(to)?.is_some() {
            return Err(VaultError::DatasetExists {
                name: to.to_string(),
            });
        }
        let (old, new): ([&[u8]; 1], [&[u8]; 1]) =
            ([from.as_str().as_bytes()], [to.as_str().as_bytes()]);
        let origin = self.origin_name(from)?;
        record.name = to.clone();
        let mut writes = vec![
            MetaWrite::Delete(self.meta.key(Namespace::Datasets, &old)),
            self.meta.put_write(Namespace::Datasets, &new, &record)?,
            MetaWrite::Delete(self.meta.key(Namespace::Origins, &old)),
        ];
        if origin != to.as_str() {
            writes.push(self.meta.put_write(Namespace::Origins, &new, &origin)?);
        }
        if self
            .meta
            .get::<DatasetName>(Namespace::Provisional, &old)?
            .is_some()
        {
            writes.push(MetaWrite::Delete(
                self.meta.key(Namespace::Provisional, &old),
            ));
            writes.push(self.meta.put_write(Namespace::Provisional, &new, to)?);
        }
        for mut entry in self.entries(from)? {
            let name = entry.name.clone();
            writes.push(MetaWrite::Delete(self.meta.key(
                Namespace::Entries,
                &[from.as_str().as_bytes(), name.as_bytes()],
            )));
            entry.dataset = to.clone();
            writes.push(self.meta.put_write(
                Namespace::Entries,
                &[to.as_str().as_bytes(), name.as_bytes()],
                &entry,
            )?);
        }
        self.meta.apply(writes)
    }

    /// The name dataset `name` was created with: its public id derives from it. For a
    /// dataset never renamed, its name.
    pub fn origin_name(&self, name: &DatasetName) -> Result<String, VaultError> {
        Ok(self
            .meta
            .get::<String>(Namespace::Origins, &[name.as_str().as_bytes()])?
            .unwrap_or_else(|| name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use datacoop_crypto::KeystoreSecrets;

    use super::*;
    use crate::NoProgress;

    fn name(s: &str) -> DatasetName {
        DatasetName::new(s).unwrap()
    }

    #[tokio::test]
    async fn a_renamed_dataset_keeps_its_files_keys_and_origin() {
        let secrets = KeystoreSecrets::generate("Ada");
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::open(&dir.path().join("vault"), &secrets)
            .await
            .unwrap();
        let src = dir.path().join("src");
        fs::create_dir_all(&src).unwrap();
        fs::write(src.join("a.csv"), b"1,2,3\n").unwrap();
        let fitness: Category = "fitness".parse().unwrap();
        vault
            .add(
                &name("runs"),
                Some(&fitness),
                std::slice::from_ref(&src),
                AddMode::Plain,
                Arc::new(NoProgress),
                &CancellationToken::new(),
            )
            .await
            .unwrap();
        let recipient = vault.recipient(&name("runs")).unwrap();
        vault
            .ensure_dataset(&name("sleep"), Some(&fitness))
            .unwrap();

        let taken = vault
            .rename_dataset(&name("runs"), &name("sleep"))
            .await
            .unwrap_err();
        assert_eq!(taken.code(), datacoop_core::Code::InputDatasetExists);
        let missing = vault
            .rename_dataset(&name("nope"), &name("other"))
            .await
            .unwrap_err();
        assert_eq!(missing.code(), datacoop_core::Code::InputUnknownDataset);

        vault
            .rename_dataset(&name("runs"), &name("jogging"))
            .await
            .unwrap();
        let names: Vec<String> = vault
            .datasets()
            .unwrap()
            .iter()
            .map(|d| d.name.to_string())
            .collect();
        assert_eq!(names, ["jogging", "sleep"]);
        assert!(vault.entries(&name("runs")).unwrap().is_empty());
        let entries = vault.entries(&name("jogging")).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].dataset, name("jogging"));
        assert_eq!(vault.recipient(&name("jogging")).unwrap(), recipient);
        assert_eq!(vault.origin_name(&name("jogging")).unwrap(), "runs");
        assert_eq!(vault.origin_name(&name("sleep")).unwrap(), "sleep");

        // The same bytes come back out, and survive reopening.
        vault.close().await;
        let vault = Vault::open(&dir.path().join("vault"), &secrets)
            .await
            .unwrap();
        let out = dir.path().join("out");
        vault
            .export(
                &name("jogging"),
                &out,
                ExportMode::Plain,
                Arc::new(NoProgress),
                &CancellationToken::new(),
            )
            .await
            .unwrap();
        assert_eq!(fs::read(out.join("src/a.csv")).unwrap(), b"1,2,3\n");

        // Renamed again, and back to where it started, the origin stays the first name.
        vault
            .rename_dataset(&name("jogging"), &name("trail"))
            .await
            .unwrap();
        assert_eq!(vault.origin_name(&name("trail")).unwrap(), "runs");
        vault
            .rename_dataset(&name("trail"), &name("runs"))
            .await
            .unwrap();
        assert_eq!(vault.origin_name(&name("runs")).unwrap(), "runs");
        vault.close().await;
    }
}
