//! The owner's lifecycle, in-process.

use std::sync::atomic::{AtomicUsize, Ordering};

use std::sync::Arc;
use std::time::Duration;

use datacoop_crypto::KdfCost;
use secrecy::SecretString;

use super::*;
use crate::api::{
    CoopCreate, DataAdd, DataExport, DataList, Op, Passphrase, RecoveryExport, Request, Whoami,
};
use crate::control::ControlClient;
use crate::save_recovery_kit;
use crate::views::CreatedIdentity;
use crate::{Code, Home, NodeError, OwnerInfo, OwnerKind};

fn options(kind: OwnerKind, on_activate: Option<Arc<dyn Fn() + Send + Sync>>) -> OwnerOptions {
    OwnerOptions {
        kind,
        kdf_cost: KdfCost::Cheap,
        patience: Duration::from_secs(5),
        on_activate,
        net: None,
    }
}

async fn owned(home: &Home, activations: Arc<AtomicUsize>) -> Owner {
    let on_activate: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
        activations.fetch_add(1, Ordering::SeqCst);
    });
    match Owner::launch(home, options(OwnerKind::App, Some(on_activate))).await {
        Ok(Launch::Owned(owned)) => owned,
        Ok(_) => panic!("expected to own a fresh home"),
        Err(e) => panic!("launch failed: {e}"),
    }
}

async fn remote<O: Op>(home: &Home, op: O) -> Result<O::Output, NodeError> {
    ControlClient::connect(&home.control_socket())
        .await?
        .call(op, &NoProgress)
        .await
}

async fn remote_raw(home: &Home, request: Request) -> Result<serde_json::Value, NodeError> {
    ControlClient::connect(&home.control_socket())
        .await?
        .call_raw(&request, &NoProgress)
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owns_from_launch_through_create_lock_and_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::resolve(Some(dir.path().join("home"))).unwrap();
    let app = owned(&home, Arc::new(AtomicUsize::new(0))).await;
    assert_eq!(app.state().await, HomeState::NoIdentity);
    let owner: OwnerInfo =
        serde_json::from_slice(&std::fs::read(home.owner_file()).unwrap()).unwrap();
    assert_eq!(owner.kind, OwnerKind::App);

    // Before an identity exists, the socket answers pings and refuses the rest.
    assert_eq!(
        remote_raw(&home, Request::Ping).await.unwrap(),
        serde_json::Value::Null
    );
    let err = remote(&home, Whoami {}).await.unwrap_err();
    assert_eq!(err.code(), "auth.locked");

    let pass = SecretString::from("correct horse battery staple");
    let CreatedIdentity { identity, kit } = app.create(" Ada ", pass).await.unwrap();
    assert_eq!(identity.name, "Ada");
    assert_eq!(kit.phrase.split_whitespace().count(), 24);
    assert!(kit.kit.contains(&identity.id.to_string()));
    assert!(matches!(app.state().await, HomeState::Unlocked { .. }));
    let me = remote(&home, Whoami {}).await.unwrap();
    assert_eq!(me.identity.id, identity.id);

    // A second create is refused; the identity stays.
    let again = app
        .create("Bob", SecretString::from("x"))
        .await
        .unwrap_err();
    assert_eq!(again.code(), "home.already_initialised");

    let report = app.lock().await;
    assert!(report.cancelled.is_empty() && report.in_time, "{report:?}");
    assert_eq!(app.state().await, HomeState::Locked);
    let err = remote(&home, Whoami {}).await.unwrap_err();
    assert_eq!(err.code(), "auth.locked");

    let wrong = app.unlock(&SecretString::from("wrong")).await.unwrap_err();
    assert_eq!(wrong.code(), "auth.wrong_passphrase");
    assert_eq!(app.state().await, HomeState::Locked);
    let back = app
        .unlock(&SecretString::from("correct horse battery staple"))
        .await
        .unwrap();
    assert_eq!(back.id, identity.id);

    app.shutdown().await;
    assert!(!home.control_socket().exists());
    assert!(!home.owner_file().exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_launch_activates_the_first_and_other_homes_are_unaffected() {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::resolve(Some(dir.path().join("a"))).unwrap();
    let activations = Arc::new(AtomicUsize::new(0));
    let first = owned(&home, activations.clone()).await;

    match Owner::launch(&home, options(OwnerKind::App, None))
        .await
        .unwrap()
    {
        Launch::Activated(owner) => {
            assert_eq!(owner.kind, OwnerKind::App);
            assert_eq!(owner.pid, std::process::id());
        }
        _ => panic!("a second launch on the same home must activate the first"),
    }
    assert_eq!(activations.load(Ordering::SeqCst), 1);

    let other = Home::resolve(Some(dir.path().join("b"))).unwrap();
    let second = owned(&other, Arc::new(AtomicUsize::new(0))).await;
    assert_eq!(activations.load(Ordering::SeqCst), 1);
    second.shutdown().await;
    first.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_home_served_by_datacoop_serve_is_reported_as_taken() {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::resolve(Some(dir.path().join("home"))).unwrap();
    let pass = "pass phrase for serve";
    crate::init(&home, "Ada", &SecretString::from(pass), KdfCost::Cheap).unwrap();
    let Launch::Owned(serve) =
        Owner::launch_unlocked(&home, options(OwnerKind::Serve, None), move || {
            Ok::<_, NodeError>(SecretString::from(pass))
        })
        .await
        .unwrap()
    else {
        panic!("serve must own a fresh home");
    };
    match Owner::launch(&home, options(OwnerKind::App, None))
        .await
        .unwrap()
    {
        Launch::Taken(owner) => assert_eq!(owner.kind, OwnerKind::Serve),
        _ => panic!("a home owned by serve must be reported as taken"),
    }
    // serve has no window to bring forward.
    let err = remote_raw(&home, Request::Activate).await.unwrap_err();
    assert_eq!(err.code(), "input.not_here");
    serve.shutdown().await;
    assert!(!home.control_socket().exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saves_a_whole_kit_owner_only_and_keeps_existing_files() {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::resolve(Some(dir.path().join("home"))).unwrap();
    let app = owned(&home, Arc::new(AtomicUsize::new(0))).await;
    let CreatedIdentity { kit, .. } = app
        .create("Ada", SecretString::from("correct horse battery staple"))
        .await
        .unwrap();
    let path = dir.path().join("kit.txt");
    save_recovery_kit(&path, &kit.kit, false).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), kit.kit);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Not replaced unless asked; replaced when asked.
    std::fs::write(&path, "keep me").unwrap();
    let err = save_recovery_kit(&path, &kit.kit, false).unwrap_err();
    assert_eq!(err.code(), "input.file_exists");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
    save_recovery_kit(&path, &kit.kit, true).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), kit.kit);

    // A damaged kit is never written; a folder is not a file.
    let other = dir.path().join("other.txt");
    let damaged = kit.kit.replace("-----END AGE ENCRYPTED FILE-----", "");
    let err = save_recovery_kit(&other, &damaged, false).unwrap_err();
    assert_eq!(err.code(), "input.recovery_kit_corrupt");
    assert!(!other.exists());
    let err = save_recovery_kit(dir.path(), &kit.kit, true).unwrap_err();
    assert_eq!(err.code(), "io.failed");
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recovery_kit_needs_the_passphrase_again_except_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::resolve(Some(dir.path().join("home"))).unwrap();
    let app = owned(&home, Arc::new(AtomicUsize::new(0))).await;
    let pass = SecretString::from("correct horse battery staple");
    app.create("Ada", pass.clone()).await.unwrap();

    // Through the socket: refused without the passphrase or with a wrong one.
    let err = remote(&home, RecoveryExport { passphrase: None })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::AuthPassphraseRequired);
    let wrong = Passphrase::new(&SecretString::from("nope"));
    let err = remote(
        &home,
        RecoveryExport {
            passphrase: Some(wrong),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "auth.wrong_passphrase");
    let right = Passphrase::new(&pass);
    let kit = remote(
        &home,
        RecoveryExport {
            passphrase: Some(right),
        },
    )
    .await
    .unwrap();
    assert_eq!(kit.phrase.split_whitespace().count(), 24);

    // In the window: the same rule, through the owner.
    let kit_for = |passphrase: &str| RecoveryExport {
        passphrase: Some(Passphrase::new(&SecretString::from(passphrase.to_owned()))),
    };
    let quick = || Arc::new(NoProgress);
    let err = app
        .call(RecoveryExport::default(), quick(), CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::AuthPassphraseRequired);
    let err = app
        .call(kit_for("nope"), quick(), CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "auth.wrong_passphrase");
    let kit = app
        .call(
            kit_for("correct horse battery staple"),
            quick(),
            CancellationToken::new(),
        )
        .await
        .unwrap();
    // The phrase shown opens the kit shown, and it holds this identity.
    let opened = datacoop_crypto::RecoveryKit::from_text(&kit.kit)
        .unwrap()
        .open(&kit.phrase.parse().unwrap())
        .unwrap();
    let HomeState::Unlocked { identity } = app.state().await else {
        panic!("expected unlocked");
    };
    let me = identity.id;
    assert_eq!(opened.identity().public().id, me);
    // A passphrase never shows in logs.
    let request = Request::from(RecoveryExport {
        passphrase: Some(Passphrase::new(&pass)),
    });
    assert!(!format!("{request:?}").contains("horse"));
    app.shutdown().await;
}

async fn unlocked_app(dir: &tempfile::TempDir) -> (Home, Owner) {
    let home = Home::resolve(Some(dir.path().join("home"))).unwrap();
    let app = owned(&home, Arc::new(AtomicUsize::new(0))).await;
    app.create("Ada", SecretString::from("correct horse battery staple"))
        .await
        .unwrap();
    (home, app)
}

fn add_request(path: &std::path::Path) -> DataAdd {
    DataAdd {
        dataset: "d".into(),
        category: Some("fitness".into()),
        paths: vec![path.to_owned()],
        age: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locking_while_an_add_runs_through_the_socket_cancels_it_waits_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (home, app) = unlocked_app(&dir).await;
    // Large enough that the add is still running when the lock comes (sparse: cheap).
    let big = dir.path().join("big.bin");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(512 << 20)
        .unwrap();
    let mut events = app.subscribe();
    let request = add_request(&big);
    let client = tokio::spawn({
        let home = home.clone();
        async move { remote(&home, request).await }
    });
    // Lock once the add has made progress.
    loop {
        match events.next().await.unwrap() {
            Event::JobProgress { .. } => break,
            Event::JobFinished { outcome, .. } => panic!("the add ended early: {outcome:?}"),
            _ => {}
        }
    }
    let report = app.lock().await;
    assert_eq!(
        report.cancelled,
        vec![JobKind::Adding {
            dataset: "d".into()
        }]
    );
    assert!(report.in_time);
    assert_eq!(app.state().await, HomeState::Locked);
    assert!(app.running().is_empty());
    let answer = client.await.unwrap().unwrap_err();
    assert_eq!(answer.code(), "cancelled", "{answer}");
    // Followers heard it end as cancelled, then the lock.
    let mut saw_cancelled = false;
    loop {
        match events.next().await.unwrap() {
            Event::JobFinished { outcome, .. } => {
                assert_eq!(outcome, JobOutcome::Cancelled);
                saw_cancelled = true;
            }
            Event::Locked { cancelled } => {
                assert_eq!(cancelled.len(), 1);
                break;
            }
            _ => {}
        }
    }
    assert!(saw_cancelled);
    // Nothing half-added was kept; the vault opens again.
    app.unlock(&SecretString::from("correct horse battery staple"))
        .await
        .unwrap();
    let listing = app
        .call(
            DataList::default(),
            Arc::new(NoProgress),
            CancellationToken::new(),
        )
        .await
        .unwrap();
    assert!(listing.datasets.is_empty(), "{listing:?}");
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn followers_in_process_and_through_the_socket_see_the_same_add() {
    let dir = tempfile::tempdir().unwrap();
    let (home, app) = unlocked_app(&dir).await;
    let file = dir.path().join("run.csv");
    std::fs::write(&file, b"km,minutes\n5,27\n").unwrap();
    let mut local = app.subscribe();
    let mut socket = ControlClient::connect(&home.control_socket())
        .await
        .unwrap()
        .subscribe()
        .await
        .unwrap();
    remote(&home, add_request(&file)).await.unwrap();
    let mut heard = Vec::new();
    loop {
        let event = local.next().await.unwrap();
        let done = matches!(event, Event::JobFinished { .. });
        heard.push(event);
        if done {
            break;
        }
    }
    assert!(
        matches!(&heard[0], Event::JobStarted { kind: JobKind::Adding { dataset }, .. } if dataset == "d")
    );
    assert!(heard.contains(&Event::DatasetsChanged {
        dataset: "d".into()
    }));
    assert!(matches!(
        heard.last(),
        Some(Event::JobFinished {
            outcome: JobOutcome::Done,
            ..
        })
    ));
    // The socket follower gets the same events, in the same order.
    for expected in &heard {
        assert_eq!(&socket.next().await.unwrap().unwrap(), expected);
    }
    // Writing to the log is an event too; quick requests are not announced.
    remote(
        &home,
        CoopCreate {
            name: "Runners".into(),
            threshold: None,
            witness_quorum: None,
        },
    )
    .await
    .unwrap();
    assert!(matches!(
        socket.next().await.unwrap(),
        Some(Event::LogAppended { size }) if size >= 1
    ));
    // Stopping the owner ends the stream.
    app.shutdown().await;
    loop {
        match socket.next().await {
            Ok(Some(Event::Locked { .. })) => {}
            Ok(None) | Err(_) => break,
            Ok(Some(other)) => panic!("unexpected event after shutdown: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_shot_session_has_no_events_to_follow() {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::resolve(Some(dir.path().join("home"))).unwrap();
    let pass = "pass phrase";
    crate::init(&home, "Ada", &SecretString::from(pass), KdfCost::Cheap).unwrap();
    let session = crate::Session::open(
        &home,
        || Ok::<_, NodeError>(SecretString::from(pass)),
        crate::SessionOptions {
            kdf_cost: KdfCost::Cheap,
            ..Default::default()
        },
        |_| {},
    )
    .await
    .unwrap();
    let err = session.subscribe().await.err().unwrap();
    assert_eq!(err.code(), "input.not_here");
    session.close().await;
}

/// A one-line control client in Perl (perl-base is part of every Debian system), so it
/// can run as another user: prints the owner's first line, or "closed".
const PERL_CLIENT: &str = r#"
use IO::Socket::UNIX;
$SIG{PIPE} = 'IGNORE';
my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or do { print "cannot connect: $!\n"; exit 0 };
print $s "{\"op\":\"ping\"}\n";
my $line = <$s>;
print(defined $line ? $line : "closed\n");
"#;

fn perl_ping(socket: &std::path::Path, uid: Option<u32>) -> String {
    use std::os::unix::process::CommandExt;
    let mut perl = std::process::Command::new("perl");
    perl.arg("-e").arg(PERL_CLIENT).arg(socket);
    if let Some(uid) = uid {
        perl.uid(uid).gid(uid);
    }
    let out = perl.output().expect("perl runs");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Even with the socket's permissions opened up by mistake, a process of another user is
/// refused: the owner compares the peer's uid with its own effective uid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_of_another_user_is_refused_even_through_an_open_socket() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    let me = std::fs::metadata(dir.path()).unwrap().uid();
    if me != 0 {
        eprintln!("skipped: running a client as another user needs root (uid {me})");
        return;
    }
    let home = Home::resolve(Some(dir.path().join("home"))).unwrap();
    let app = owned(&home, Arc::new(AtomicUsize::new(0))).await;
    let socket = home.control_socket();
    for (path, mode) in [
        (dir.path(), 0o711),
        (home.root(), 0o711),
        (socket.as_path(), 0o666),
    ] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let socket_for_perl = socket.clone();
    let ours = tokio::task::spawn_blocking(move || perl_ping(&socket_for_perl, None))
        .await
        .unwrap();
    assert_eq!(ours, r#"{"done":null}"#, "the client itself works");
    let theirs = tokio::task::spawn_blocking(move || perl_ping(&socket, Some(65534)))
        .await
        .unwrap();
    assert_eq!(theirs, "closed", "another user was answered: {theirs}");
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_socket_bounds_what_it_reads_and_how_many_it_serves() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let home = Home::resolve(Some(dir.path().join("home"))).unwrap();
    let app = owned(&home, Arc::new(AtomicUsize::new(0))).await;
    let socket = home.control_socket();
    let first_line = |stream: tokio::net::UnixStream| async move {
        let mut line = String::new();
        BufReader::new(stream).read_line(&mut line).await.unwrap();
        line
    };

    // A request line longer than the limit is refused without being kept.
    let mut long = tokio::net::UnixStream::connect(&socket).await.unwrap();
    let junk = vec![b'x'; (1 << 20) + 10];
    let _ = long.write_all(&junk).await;
    let answer = first_line(long).await;
    assert!(answer.contains("at most"), "{answer}");

    // Connections beyond the limit are told the owner is busy. 65 at once: the 65th is
    // refused, or the 64th if the long request's connection was still finishing (its
    // answer reaches the client a moment before its task lets go of its slot).
    let mut idle = Vec::new();
    for _ in 0..65 {
        idle.push(tokio::net::UnixStream::connect(&socket).await.unwrap());
    }
    let mut busy = std::collections::BTreeSet::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(8);
    while busy.is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        for (i, c) in idle.iter().enumerate() {
            let mut buf = [0u8; 256];
            if let Ok(n) = c.try_read(&mut buf)
                && String::from_utf8_lossy(&buf[..n]).contains("control.busy")
            {
                busy.insert(i);
            }
        }
    }
    assert!(
        !busy.is_empty() && busy.iter().all(|&i| i >= 63),
        "told busy: {busy:?}"
    );
    drop(idle);
    // Once they have gone, the owner answers again.
    let mut again = None;
    for _ in 0..50 {
        match remote_raw(&home, Request::Ping).await {
            Ok(pong) => {
                again = Some(pong);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    assert_eq!(again, Some(serde_json::Value::Null));
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_age_export_through_the_socket_needs_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let (home, app) = unlocked_app(&dir).await;
    let file = dir.path().join("run.csv");
    std::fs::write(&file, b"km\n5\n").unwrap();
    remote(&home, add_request(&file)).await.unwrap();
    let export = |out: &str, passphrase: Option<&str>| DataExport {
        dataset: "d".into(),
        out: dir.path().join(out),
        age: true,
        passphrase: passphrase.map(|p| Passphrase::new(&SecretString::from(p.to_owned()))),
    };
    let err = remote(&home, export("a", None)).await.unwrap_err();
    assert_eq!(err.code(), Code::AuthPassphraseRequired);
    assert!(!dir.path().join("a").exists());
    let err = remote(&home, export("b", Some("nope"))).await.unwrap_err();
    assert_eq!(err.code(), Code::AuthWrongPassphrase);
    assert!(!dir.path().join("b").exists());
    let done = remote(&home, export("c", Some("correct horse battery staple")))
        .await
        .unwrap();
    assert_eq!(done.files, 1);
    assert!(dir.path().join("c/epoch-keys.txt").exists());
    app.shutdown().await;
}

/// Work that outlives the lock's patience keeps the vault open; until it ends and the
/// vault closes, unlocking refuses (saying why) rather than opening the vault a second
/// time, and afterwards unlocks as usual.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlocking_waits_for_a_vault_still_closing() {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::resolve(Some(dir.path().join("home"))).unwrap();
    let app = owned(&home, Arc::new(AtomicUsize::new(0))).await;
    let pass = SecretString::from("correct horse battery staple");
    app.create("Ada", pass.clone()).await.unwrap();
    *app.shared.stop_patience.lock().unwrap() = Duration::from_millis(200);
    // A job that ignores its cancellation, holding the node until told.
    let (release, released) = tokio::sync::oneshot::channel::<()>();
    {
        let slot = app.shared.slot.read().await;
        let unlocked = slot.as_ref().unwrap();
        let node = unlocked.node.clone();
        unlocked.work.spawn(async move {
            let _ = released.await;
            drop(node);
        });
    }
    let report = app.lock().await;
    assert!(!report.in_time, "{report:?}");
    assert_eq!(app.state().await, HomeState::Locked);
    let err = app.unlock(&pass).await.unwrap_err();
    assert_eq!(err.code(), "home.still_closing", "{err}");
    assert_eq!(app.state().await, HomeState::Locked);
    release.send(()).unwrap();
    // Closing the vault takes its own time once the work ended (longer than 200 ms on
    // a loaded machine): unlocking waits for it.
    *app.shared.stop_patience.lock().unwrap() = Duration::from_secs(30);
    app.unlock(&pass).await.unwrap();
    let listing = app
        .call(
            DataList { dataset: None },
            Arc::new(NoProgress),
            CancellationToken::new(),
        )
        .await
        .unwrap();
    assert!(listing.datasets.is_empty());
    app.shutdown().await;
}
