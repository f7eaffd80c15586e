//! The desktop app in a real window: first run, adding a folder by path, listing sizes,
//! exporting identical bytes, locking, restarting, a refused passphrase, a second launch.
//! Each test leaves PNG screenshots in `<target>/e2e-screenshots/`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

use datacoop_e2e::{App, PATIENCE, app_binary};
use fantoccini::Locator;

/// One window at a time: two cores do not run two WebKit processes reliably.
static ONE_WINDOW: Mutex<()> = Mutex::const_new(());

const NAME: &str = "Ada Lovelace";
const PASSPHRASE: &str = "correct horse battery staple";

/// Walks the first run through to My data.
async fn create_identity(app: &App, shots: &str) {
    app.click("#welcome-start").await;
    app.fill("#name", NAME).await;
    app.fill("#passphrase", PASSPHRASE).await;
    app.fill("#confirm", PASSPHRASE).await;
    assert!(app.text("#strength-text").await.starts_with("Strong"));
    app.click("#create-submit").await;
    app.visible("#kit-phrase").await;
    if !shots.is_empty() {
        app.screenshot(&format!("{shots}-recovery-kit")).await;
    }
}

async fn save_kit(app: &App) {
    app.click("#kit-confirm").await;
    app.click("#kit-done").await;
    app.visible("#nav-data").await;
}

/// Files with known sizes: name relative to the folder's parent -> bytes.
fn make_folder(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let folder = root.join("runs");
    std::fs::create_dir_all(folder.join("week 2")).unwrap();
    let mut files = BTreeMap::new();
    let mut seed = 7u32;
    let mut bytes = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (seed >> 16) as u8
            })
            .collect()
    };
    for (name, size) in [
        ("monday.csv", 1_234usize),
        ("tuesday.gpx", 345_678),
        ("week 2/long-run.fit", 3_456_789),
    ] {
        let data = bytes(size);
        std::fs::write(folder.join(name), &data).unwrap();
        files.insert(format!("runs/{name}"), data);
    }
    files
}

#[tokio::test]
#[ignore = "needs a display and the built app: run scripts/e2e.sh"]
async fn first_run_creates_an_identity_and_shows_the_recovery_kit_once() {
    let _one = ONE_WINDOW.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let app = App::launch(&home).await;

    let welcome = app.text("main").await;
    assert!(welcome.contains("Welcome to datacoop"), "{welcome}");
    app.screenshot("first-run-welcome").await;

    // The form refuses a mismatched confirmation inline, without calling the app.
    app.click("#welcome-start").await;
    app.fill("#name", NAME).await;
    app.fill("#passphrase", PASSPHRASE).await;
    app.fill("#confirm", "something else").await;
    app.click("#create-submit").await;
    app.wait_text("#create-error", "not the same").await;
    assert!(!home.join("keystore.age").exists());
    app.screenshot("first-run-mismatch").await;
    app.click("button.secondary").await; // Back
    app.visible("#welcome-start").await;

    create_identity(&app, "first-run").await;
    let words = app
        .client
        .find_all(Locator::Css("#kit-phrase li"))
        .await
        .unwrap();
    assert_eq!(words.len(), 24);
    let kit = app
        .find("#kit-text")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    let id = std::fs::read_to_string(home.join("identity.pub")).unwrap();
    assert!(kit.contains(id.trim()), "the kit names the new identity");
    // "Continue" stays disabled until the person confirms they saved it.
    let done = app.find("#kit-done").await;
    assert!(!done.is_enabled().await.unwrap());
    save_kit(&app).await;

    let empty = app.text("#data-empty").await;
    assert!(empty.contains("No data yet"), "{empty}");
    assert!(app.text("#signed-in").await.contains(NAME));
    app.screenshot("first-run-my-data-empty").await;
    app.quit().await;
}

#[tokio::test]
#[ignore = "needs a display and the built app: run scripts/e2e.sh"]
async fn adds_a_folder_by_path_lists_its_sizes_and_exports_identical_bytes() {
    let _one = ONE_WINDOW.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let files = make_folder(dir.path());
    let app = App::launch(&home).await;
    create_identity(&app, "").await;
    save_kit(&app).await;

    app.click("#add-open").await;
    app.visible("#add-new-name").await;
    app.fill("#add-paths", &dir.path().join("runs").display().to_string())
        .await;
    app.fill("#add-new-name", "runs").await;
    app.fill("#add-category", "fitness").await;
    app.screenshot("add-folder-form").await;
    app.click("#add-submit").await;
    let added = app.wait_text("#add-result", "Added 3 files").await;
    assert!(added.contains("runs"), "{added}");
    let card = app.visible(".dataset-card[data-name='runs']").await;
    let card_text = card.text().await.unwrap();
    assert!(card_text.contains("fitness"), "{card_text}");
    assert!(card_text.contains("3 files"), "{card_text}");
    assert!(card_text.contains("3.8 MB"), "{card_text}");
    app.screenshot("my-data-with-dataset").await;

    card.click().await.unwrap();
    app.wait_text("#dataset-title", "runs").await;
    app.visible("table.files").await;
    let rows = app
        .client
        .find_all(Locator::Css("table.files tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), files.len());
    for (name, data) in &files {
        let row = app
            .find(&format!("table.files tr[data-name='{name}']"))
            .await;
        let cell = row.find(Locator::Css("td.size")).await.unwrap();
        assert_eq!(
            cell.attr("data-bytes").await.unwrap().as_deref(),
            Some(data.len().to_string().as_str()),
            "size of {name}"
        );
    }
    assert_eq!(
        app.text("tr[data-name='runs/tuesday.gpx'] td.size").await,
        "346 kB"
    );
    app.screenshot("dataset-files").await;

    let out = dir.path().join("exported");
    app.fill("#export-path", &out.display().to_string()).await;
    app.click("#export-submit").await;
    app.wait_text("#export-result", "Exported 3 files").await;
    app.screenshot("dataset-exported").await;
    for (name, data) in &files {
        let got = std::fs::read(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(got == *data, "{name} differs after export");
    }

    // Exporting again into the same folder is refused: files are never overwritten.
    app.click("#export-submit").await;
    let refused = app.text("#export-error").await;
    assert!(!refused.is_empty());
    app.quit().await;
}

#[tokio::test]
#[ignore = "needs a display and the built app: run scripts/e2e.sh"]
async fn a_wrong_passphrase_is_refused_inline_after_locking_and_after_a_restart() {
    let _one = ONE_WINDOW.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let app = App::launch(&home).await;
    create_identity(&app, "").await;
    save_kit(&app).await;

    app.click("#lock").await;
    app.fill("#unlock-passphrase", "not my passphrase").await;
    app.click("#unlock-submit").await;
    let error = app.wait_text("#unlock-error", "does not open").await;
    assert!(error.contains("Caps Lock"), "{error}");
    let code = app
        .find("#unlock-error")
        .await
        .attr("data-code")
        .await
        .unwrap();
    assert_eq!(code.as_deref(), Some("auth.wrong_passphrase"));
    app.screenshot("unlock-wrong-passphrase").await;
    app.quit().await;

    // Restart on the same home: it asks for the passphrase, refuses a wrong one, opens.
    let app = App::launch(&home).await;
    app.fill("#unlock-passphrase", "still not it").await;
    app.click("#unlock-submit").await;
    app.wait_text("#unlock-error", "does not open").await;
    app.fill("#unlock-passphrase", PASSPHRASE).await;
    app.click("#unlock-submit").await;
    app.visible("#data-empty").await;
    assert!(app.text("#signed-in").await.contains(NAME));
    app.quit().await;
}

#[tokio::test]
#[ignore = "needs a display and the built app: run scripts/e2e.sh"]
async fn a_second_launch_on_the_same_home_brings_the_first_forward_and_exits() {
    let _one = ONE_WINDOW.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let app = App::launch(&home).await;
    app.visible("#welcome-start").await;

    let started = Instant::now();
    let second = tokio::process::Command::new(app_binary())
        .args(["--home", &home.display().to_string()])
        .output();
    let second = tokio::time::timeout(PATIENCE, second)
        .await
        .expect("the second launch exits")
        .unwrap();
    assert!(second.status.success(), "{second:?}");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("already open"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(15));
    // The first window is still there and still answers.
    app.visible("#welcome-start").await;
    app.quit().await;
}

#[tokio::test]
#[ignore = "needs a display and the built app: run scripts/e2e.sh"]
async fn settings_show_the_home_and_force_the_dark_theme() {
    let _one = ONE_WINDOW.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let files = make_folder(dir.path());
    let app = App::launch(&home).await;
    create_identity(&app, "").await;
    save_kit(&app).await;

    app.click("#nav-settings").await;
    let shown = app.text("#settings-home").await;
    assert_eq!(Path::new(&shown), home.as_path());
    app.click("label[for='theme-dark']").await;
    let theme = app
        .client
        .execute(
            "return document.documentElement.dataset.theme ?? null",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(theme, serde_json::json!("dark"));
    app.screenshot("settings-dark").await;

    app.click("#nav-data").await;
    app.click("#add-open").await;
    app.fill("#add-paths", &dir.path().join("runs").display().to_string())
        .await;
    app.fill("#add-new-name", "runs").await;
    app.fill("#add-category", "fitness").await;
    app.click("#add-submit").await;
    app.wait_text("#add-result", &format!("Added {} files", files.len()))
        .await;
    app.screenshot("my-data-dark").await;
    app.click(".dataset-card[data-name='runs']").await;
    app.visible("table.files").await;
    app.screenshot("dataset-files-dark").await;
    app.quit().await;
}

#[tokio::test]
#[ignore = "needs a display and the built app: run scripts/e2e.sh"]
async fn restores_an_identity_from_its_recovery_kit_in_another_home() {
    let _one = ONE_WINDOW.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let first_home = dir.path().join("first");
    let app = App::launch(&first_home).await;
    create_identity(&app, "").await;
    let mut words = Vec::new();
    for li in app
        .client
        .find_all(Locator::Css("#kit-phrase li"))
        .await
        .unwrap()
    {
        words.push(li.text().await.unwrap().trim().to_owned());
    }
    assert_eq!(words.len(), 24);
    let kit = app
        .find("#kit-text")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    save_kit(&app).await;
    app.quit().await;
    let id = std::fs::read_to_string(first_home.join("identity.pub")).unwrap();

    // On a new computer (another home): welcome -> "I have a recovery kit".
    let second_home = dir.path().join("second");
    let app = App::launch(&second_home).await;
    app.click("#welcome-restore").await;
    app.fill("#restore-kit", &kit).await;
    // A valid phrase that is not this kit's is refused, saying so.
    let other = format!("{} art", ["abandon"; 23].join(" "));
    app.fill("#restore-phrase", &other).await;
    app.fill("#restore-passphrase", PASSPHRASE).await;
    app.fill("#restore-confirm", PASSPHRASE).await;
    app.click("#restore-submit").await;
    let refused = app.wait_text("#restore-error", "do not open").await;
    assert!(refused.contains("24 words"), "{refused}");
    assert!(!second_home.join("keystore.age").exists());
    app.screenshot("restore-wrong-phrase").await;

    app.fill("#restore-phrase", &words.join(" ")).await;
    app.click("#restore-submit").await;
    app.visible("#nav-data").await;
    assert!(app.text("#signed-in").await.contains(NAME));
    assert_eq!(
        std::fs::read_to_string(second_home.join("identity.pub")).unwrap(),
        id
    );
    app.screenshot("restored-my-data").await;
    app.quit().await;
}
