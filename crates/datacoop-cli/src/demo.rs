//! `datacoop demo`: the whole story in one process, on 127.0.0.1 only, in throwaway homes:
//! a steward founds a cooperative; two members add data, one consents to model training
//! and one only to scientific research; a trainer requests; the steward approves; the
//! consenting member's node releases; the trainer fetches and the files are checked
//! against the member's originals.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use datacoop_node::api::{
    ConsentSet, CoopCreate, CoopInvite, CoopJoin, DataAdd, Fetch, GrantList, Op, RequestApprove,
    RequestCreate, RequestList,
};
use datacoop_node::{
    CancellationToken, Home, KdfCost, Launch, NetSettings, NoProgress, Owner, OwnerKind,
    OwnerOptions,
};
use secrecy::SecretString;

/// One person of the demo and their node.
struct Person {
    name: &'static str,
    owner: Owner,
}

impl Person {
    async fn new(root: &Path, name: &'static str) -> anyhow::Result<Person> {
        let home = Home::resolve(Some(root.join(name.to_lowercase())))?;
        let options = OwnerOptions {
            kind: OwnerKind::Serve,
            // Throwaway homes in a temporary folder: a cheap passphrase key is enough.
            kdf_cost: KdfCost::Cheap,
            patience: Duration::from_secs(5),
            on_activate: None,
            net: Some(NetSettings::loopback()),
        };
        let Launch::Owned(owner) = Owner::launch(&home, options).await? else {
            bail!("the demo home {} is in use", home.root().display());
        };
        owner
            .create(name, SecretString::from("demo passphrase, not a secret"))
            .await?;
        Ok(Person { name, owner })
    }

    async fn call<O: Op>(&self, op: O) -> anyhow::Result<O::Output> {
        self.owner
            .call(op, Arc::new(NoProgress), CancellationToken::new())
            .await
            .with_context(|| format!("{} could not {}", self.name, O::NAME.replace('_', " ")))
    }

    async fn join(&self, steward: &Person, role: &str) -> anyhow::Result<()> {
        let ticket = steward
            .call(CoopInvite {
                role: role.into(),
                expires_secs: None,
                review: false,
            })
            .await?
            .ticket;
        self.call(CoopJoin { ticket }).await?;
        Ok(())
    }
}

fn step(text: &str) {
    eprintln!("\n• {text}");
}

fn said(text: &str) {
    eprintln!("  {text}");
}

/// Runs the demo in `dir` (a temporary folder, removed afterwards, when none is given).
pub async fn run(dir: Option<PathBuf>) -> anyhow::Result<()> {
    let started = Instant::now();
    let temp;
    let (root, kept) = match dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir)?;
            (dir, true)
        }
        None => {
            temp = tempfile::tempdir()?;
            (temp.path().to_owned(), false)
        }
    };
    eprintln!(
        "datacoop demo: four people on this computer, talking over 127.0.0.1 only, in {}{}",
        root.display(),
        if kept {
            ""
        } else {
            " (removed at the end; keep it with --dir DIR)"
        }
    );

    step("Ada founds the cooperative \"Demo Runners\" and is its steward.");
    let ada = Person::new(&root, "Ada").await?;
    ada.call(CoopCreate {
        name: "Demo Runners".into(),
        threshold: None,
        witness_quorum: None,
    })
    .await?;

    step("Bea and Cy join as members with invitations; Tess joins as a trainer.");
    let bea = Person::new(&root, "Bea").await?;
    bea.join(&ada, "member").await?;
    let cy = Person::new(&root, "Cy").await?;
    cy.join(&ada, "member").await?;
    let tess = Person::new(&root, "Tess").await?;
    tess.join(&ada, "trainer").await?;

    step("Bea and Cy add their running logs; each file is encrypted on their own computer.");
    let originals = root.join("originals");
    let bea_files = [
        ("monday.csv", "km,minutes\n5.2,31\n"),
        ("wednesday.csv", "km,minutes\n8.0,47\n"),
    ];
    write_files(&originals.join("bea/runs"), &bea_files)?;
    write_files(
        &originals.join("cy/runs"),
        &[("sunday.csv", "km,minutes\n21.1,118\n")],
    )?;
    for (person, folder) in [(&bea, "bea/runs"), (&cy, "cy/runs")] {
        let report = person
            .call(DataAdd {
                dataset: "runs".into(),
                category: Some("fitness".into()),
                paths: vec![originals.join(folder)],
                age: false,
            })
            .await?;
        said(&format!(
            "{}: {} file(s) encrypted into \"runs\".",
            person.name, report.files
        ));
    }

    step("Bea consents to model training; Cy consents to scientific research only.");
    for (person, purpose) in [(&bea, "ModelTraining"), (&cy, "ScientificResearch")] {
        person
            .call(ConsentSet {
                dataset: "runs".into(),
                allow: vec![purpose.into()],
                deny: Vec::new(),
                max_days: Some(90),
                ask: false,
            })
            .await?;
        said(&format!(
            "{}'s consent is a signed record on the log.",
            person.name
        ));
    }

    step(
        "Tess asks for fitness data to train a model for 30 days under CC-BY-NC-4.0, offering 5 credits.",
    );
    let id = tess
        .call(RequestCreate {
            category: "fitness".into(),
            purpose: "ModelTraining".into(),
            period_secs: 30 * 86_400,
            license: "CC-BY-NC-4.0".into(),
            credits: 5,
            deadline_secs: None,
        })
        .await?
        .operation;
    said(&format!(
        "Request {} signed; signing it accepts the license.",
        &id[..12]
    ));

    let request = wait_for(&ada, &id, |r| r.matching >= 1).await?;
    step(&format!(
        "Ada sees the request: {} member's consent matches it (Cy's does not). She approves.",
        request.matching
    ));
    ada.call(RequestApprove { id: id.clone() }).await?;

    step(
        "Bea's computer seals her data's current key epoch and releases its keys to Tess's request.",
    );
    wait_for(&tess, &id, |r| r.released >= 1).await?;
    said("The release is Bea's own signed record; files Bea adds from now on use a new key.");

    step("Tess fetches what was released, decrypts it and checks every file.");
    let out = root.join("fetched");
    let report = tess
        .call(Fetch {
            id: id.clone(),
            out: out.clone(),
            wait_secs: Some(30),
            all: true,
        })
        .await?;
    let mut identical = 0;
    for (name, text) in bea_files {
        let fetched = find(&out, name).with_context(|| format!("{name} was not fetched"))?;
        if std::fs::read(&fetched)? != text.as_bytes() {
            bail!("{name} differs from Bea's original");
        }
        identical += 1;
    }
    if find(&out, "sunday.csv").is_some() {
        bail!("Cy's data was fetched, though Cy did not consent");
    }
    said(&format!(
        "{} file(s) written to {}, identical to Bea's originals; nothing of Cy's.",
        identical,
        out.display()
    ));
    said(&format!(
        "{} says the license, the purpose and the window, and links each file to the \
         consent, approval and grant on the log; their proofs are in {}.",
        report.croissant.display(),
        out.join("proofs").display()
    ));

    step("What Bea sees in Grants:");
    for grant in bea.call(GrantList {}).await? {
        said(&format!(
            "Trainer {} can decrypt your {} until {} (log time); you earn {} credits.",
            &grant.trainer[..12],
            grant.dataset.as_deref().unwrap_or("data"),
            datacoop_ledger::rfc3339(grant.window_end),
            grant.credits
        ));
    }

    for person in [tess, cy, bea, ada] {
        person.owner.shutdown().await;
    }
    eprintln!(
        "\nDone in {:.1} s. Once decrypted, data can be kept: datacoop limits what keys are released, when and to whom, and records every release.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn write_files(dir: &Path, files: &[(&str, &str)]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, text) in files {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(())
}

/// The first file named `name` below `dir`.
fn find(dir: &Path, name: &str) -> Option<PathBuf> {
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if let Some(found) = find(&path, name) {
                return Some(found);
            }
        } else if path.file_name().is_some_and(|n| n == name) {
            return Some(path);
        }
    }
    None
}

/// Waits up to a minute until `person` sees request `id` as `ready` says.
async fn wait_for(
    person: &Person,
    id: &str,
    ready: impl Fn(&datacoop_node::RequestView) -> bool,
) -> anyhow::Result<datacoop_node::RequestView> {
    let started = Instant::now();
    loop {
        if let Some(request) = person
            .call(RequestList {})
            .await?
            .into_iter()
            .find(|r| r.id == id)
            && ready(&request)
        {
            return Ok(request);
        }
        if started.elapsed() > Duration::from_secs(60) {
            bail!("{} waited a minute for the request to move on", person.name);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
