//! The harness for the window tests: starts `tauri-driver` on free loopback ports, opens a
//! WebDriver session that launches the built app on a given home, and saves screenshots.
//!
//! Needs: a display (run under `xvfb-run`), `tauri-driver` on PATH (or `TAURI_DRIVER`),
//! `WebKitWebDriver` (Debian `webkit2gtk-driver`), and the app built with its bundled front
//! end (`scripts/e2e.sh` does all of this). `DATACOOP_APP` overrides the app's path.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tokio::process::{Child, Command};

/// WebDriver key codes for [`App::press`].
pub mod keys {
    /// Tab.
    pub const TAB: &str = "\u{E004}";
    /// Enter.
    pub const ENTER: &str = "\u{E007}";
    /// Space.
    pub const SPACE: &str = "\u{E00D}";
    /// Arrow down.
    pub const DOWN: &str = "\u{E015}";
    /// End.
    pub const END: &str = "\u{E010}";
    /// Escape.
    pub const ESCAPE: &str = "\u{E00C}";
}

/// The `datacoop` command-line binary (`DATACOOP_CLI`, set by `scripts/e2e.sh`).
pub fn cli_binary() -> PathBuf {
    PathBuf::from(std::env::var_os("DATACOOP_CLI").expect(
        "DATACOOP_CLI must name the datacoop binary (scripts/e2e.sh builds it and sets it)",
    ))
}

/// How long to wait for the window to show something.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// The built app.
pub fn app_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("DATACOOP_APP") {
        return PathBuf::from(p);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("debug/datacoop-app")
}

/// Where screenshots go: `<target>/e2e-screenshots/`, beside the test executable's
/// `<target>/debug/deps/`.
pub fn screenshot_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    let target = exe
        .ancestors()
        .nth(3)
        .map(Path::to_owned)
        .unwrap_or_else(std::env::temp_dir);
    target.join("e2e-screenshots")
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A running `tauri-driver`, killed on drop.
pub struct Driver {
    child: Child,
    port: u16,
    /// The window's own data (WebKit storage, theme choice): fresh for every test.
    _xdg: tempfile::TempDir,
}

impl Driver {
    /// Starts `tauri-driver` on free loopback ports and waits until it listens.
    pub async fn start() -> Driver {
        Driver::start_with(&[]).await
    }

    /// [`Driver::start`], with `env` added to what the app inherits.
    pub async fn start_with(env: &[(&str, &str)]) -> Driver {
        assert!(
            std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some(),
            "no display: run the window tests under xvfb-run (scripts/e2e.sh)"
        );
        let binary = app_binary();
        assert!(
            binary.is_file(),
            "the app is not built at {}: run scripts/e2e.sh, or set DATACOOP_APP",
            binary.display()
        );
        let port = free_port();
        let native_port = free_port();
        let program = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into());
        let xdg = tempfile::tempdir().expect("a temporary folder");
        let child = Command::new(&program)
            .env("XDG_DATA_HOME", xdg.path().join("data"))
            .env("XDG_CACHE_HOME", xdg.path().join("cache"))
            .env("XDG_CONFIG_HOME", xdg.path().join("config"))
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            // Inherited by WebKitWebDriver and the app: cheap scrypt for throwaway homes,
            // and the network on loopback only with short intervals.
            .env("DATACOOP_INSECURE_KDF_LOG_N", "10")
            .env("DATACOOP_LISTEN", "127.0.0.1:0")
            .env("DATACOOP_SYNC_INTERVAL", "1s")
            .env("DATACOOP_HEARTBEAT", "2s")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            // Not inherited: WebKitWebDriver would keep the test's output pipes open.
            .stdout(Stdio::null())
            .stderr(driver_log())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {program}: {e} (cargo install tauri-driver --locked)")
            });
        let deadline = Instant::now() + Duration::from_secs(20);
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on {addr}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Driver {
            child,
            port,
            _xdg: xdg,
        }
    }
}

/// tauri-driver's own output, kept for debugging: `<target>/e2e-screenshots/tauri-driver.log`.
fn driver_log() -> Stdio {
    let dir = screenshot_dir();
    let _ = std::fs::create_dir_all(&dir);
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("tauri-driver.log"))
        .map(Stdio::from)
        .unwrap_or_else(|_| Stdio::null())
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM first: tauri-driver then stops the WebKitWebDriver it started, which a
        // SIGKILL would leave running.
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let _ = self.child.start_kill();
    }
}

/// One app window on one home.
pub struct App {
    /// The WebDriver session.
    pub client: Client,
    /// The home the app owns.
    pub home: PathBuf,
    _driver: Driver,
}

impl App {
    /// Launches the app on `home` in a new window.
    pub async fn launch(home: &Path) -> App {
        App::launch_with(home, &[]).await
    }

    /// [`App::launch`], with `env` added to the app's environment.
    pub async fn launch_with(home: &Path, env: &[(&str, &str)]) -> App {
        let driver = Driver::start_with(env).await;
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({
                "application": app_binary().display().to_string(),
                "args": ["--home", home.display().to_string()],
            }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .expect("a WebDriver session with the app");
        let _ = client.set_window_size(1024, 700).await;
        App {
            client,
            home: home.to_owned(),
            _driver: driver,
        }
    }

    /// Waits for an element matching `css`.
    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css} in the window: {e}"))
    }

    /// Waits until the element matching `css` is displayed, and returns it.
    pub async fn visible(&self, css: &str) -> Element {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await
                && el.is_displayed().await.unwrap_or(false)
            {
                return el;
            }
            if Instant::now() >= deadline {
                let found = self.client.find(Locator::Css(css)).await.is_ok();
                let main = self.page_text().await;
                panic!(
                    "{css} never became visible ({}); the window shows:\n{main}",
                    if found {
                        "it is in the page"
                    } else {
                        "it is not in the page"
                    }
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The window's text, for failure messages.
    pub async fn page_text(&self) -> String {
        // The rendered text, as a person reads it (WebDriver's element text of the body
        // can come back empty here).
        match self
            .client
            .execute(
                "return document.body ? document.body.innerText : null",
                vec![],
            )
            .await
        {
            Ok(serde_json::Value::String(text)) => text,
            Ok(other) => format!("(no page: {other})"),
            Err(e) => format!("(no page: {e})"),
        }
    }

    /// Clicks the element matching `css`.
    pub async fn click(&self, css: &str) {
        let el = self.visible(css).await;
        // WebKitWebDriver does not always scroll an element above the view of an inner
        // scroll container into view before clicking; do it first, as a person would.
        let selector = serde_json::to_string(css).expect("a selector");
        self.js(&format!(
            "document.querySelector({selector}).scrollIntoView({{block: 'center'}})"
        ))
        .await;
        el.click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e:?}"));
    }

    /// Focuses the element matching `css` and presses Enter on it: a click by keyboard,
    /// for when pointer coordinates are unreliable (WebDriver under page zoom).
    pub async fn activate(&self, css: &str) {
        self.visible(css).await;
        let selector = serde_json::to_string(css).expect("a selector");
        self.js(&format!("document.querySelector({selector}).focus()"))
            .await;
        self.press(keys::ENTER).await;
    }

    /// Types into the element matching `css`, replacing what it holds. WebKitWebDriver
    /// now and then fails a keystroke command with an empty error while the page settles;
    /// the field is found again and filled anew, up to three times.
    pub async fn fill(&self, css: &str, text: &str) {
        let mut last = None;
        for _ in 0..3 {
            let el = self.visible(css).await;
            let typed = match el.clear().await {
                Ok(()) => el.send_keys(text).await,
                Err(e) => Err(e),
            };
            match typed {
                Ok(()) => return,
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        panic!("cannot type into {css}: {last:?}");
    }

    /// The text of the element matching `css` once visible.
    pub async fn text(&self, css: &str) -> String {
        self.visible(css).await.text().await.unwrap_or_default()
    }

    /// Waits until the element's text contains `needle`; returns the text.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        let mut last = None;
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = el.text().await
            {
                if text.contains(needle) {
                    return text;
                }
                last = Some(text);
            }
            if Instant::now() >= deadline {
                let main = self.page_text().await;
                panic!("{css} never said {needle:?} (last: {last:?}); the window shows:\n{main}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `script`'s value in the window is `want`.
    pub async fn wait_js(&self, script: &str, want: serde_json::Value) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let got = self.js(script).await;
            if got == want {
                return;
            }
            if Instant::now() >= deadline {
                let main = self.page_text().await;
                panic!("{script} never gave {want} (last: {got}); the window shows:\n{main}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs `script` in the window and returns its value.
    pub async fn js(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Calls the app command `command` with `args` from the window, as the window's own
    /// code does, and returns its answer (or `{"error": …}` if it failed).
    pub async fn invoke(&self, command: &str, args: serde_json::Value) -> serde_json::Value {
        self.client
            .execute_async(
                "const [command, args, done] = arguments;
                 window.__TAURI_INTERNALS__.invoke(command, args)
                   .then((answer) => done(answer), (error) => done({ error }));",
                vec![serde_json::json!(command), args],
            )
            .await
            .unwrap_or_else(|e| panic!("invoking {command} failed: {e}"))
    }

    /// Presses `keys` one after another (WebDriver key codes allowed, see [`keys`]) on
    /// whatever has the focus, the way a person at the keyboard would.
    pub async fn press(&self, keys: &str) {
        let mut actions = KeyActions::new("keyboard".to_owned());
        for key in keys.chars() {
            actions = actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
        }
        self.client
            .perform_actions(actions)
            .await
            .unwrap_or_else(|e| panic!("cannot press {keys:?}: {e}"));
    }

    /// Presses Ctrl together with `key` (e.g. Ctrl and + to zoom in).
    pub async fn ctrl(&self, key: char) {
        let control = Key::Control.into();
        let actions = KeyActions::new("keyboard".to_owned())
            .then(KeyAction::Down { value: control })
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key })
            .then(KeyAction::Up { value: control });
        self.client
            .perform_actions(actions)
            .await
            .unwrap_or_else(|e| panic!("cannot press Ctrl+{key}: {e}"));
    }

    /// The id of the focused element ("" if it has none).
    pub async fn focused_id(&self) -> String {
        self.js("return document.activeElement ? document.activeElement.id : ''")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Presses Tab until the element with `id` has the focus, checking at every stop that
    /// the focus can be seen. Panics after 30 presses.
    pub async fn tab_to(&self, id: &str) {
        for _ in 0..30 {
            self.press(keys::TAB).await;
            // Scrolling the focused element into view may take a frame or two.
            let mut seen = json!(null);
            for _ in 0..10 {
                seen = self
                    .js(
                        "const el = document.activeElement;
                         if (!el || el === document.body) return 'nothing has the focus';
                         const s = getComputedStyle(el);
                         const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
                         const r = el.getBoundingClientRect();
                         const inView = r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
                         if (!ring) return (el.id || el.tagName) + ' has no visible focus ring';
                         if (!inView) return (el.id || el.tagName) + ' has the focus but is out of view (' +
                           Math.round(r.top) + '..' + Math.round(r.bottom) + ' of ' + innerHeight + ')';
                         return 'ok';",
                    )
                    .await;
                if seen == json!("ok") {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert_eq!(seen, json!("ok"), "while tabbing to #{id}");
            if self.focused_id().await == id {
                return;
            }
        }
        panic!("#{id} never got the focus by Tab");
    }

    /// Whether the page is wider than the window (something would need sideways scrolling).
    pub async fn overflows_sideways(&self) -> Option<String> {
        let found = self
            .js(
                "const w = document.documentElement.clientWidth;
                 if (document.documentElement.scrollWidth <= w + 1) return null;
                 const wide = [...document.querySelectorAll('body *')].find((el) => {
                   const r = el.getBoundingClientRect();
                   return r.width > 0 && r.right > w + 1 && getComputedStyle(el).position !== 'fixed';
                 });
                 return 'page is ' + document.documentElement.scrollWidth + 'px wide in a ' + w +
                   'px window; first too wide: ' + (wide ? (wide.id || wide.className || wide.tagName) : '?');",
            )
            .await;
        found.as_str().map(str::to_owned)
    }

    /// Saves a PNG of the window as `<target>/e2e-screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        // Let the window paint what the page holds now: two frames, then a moment for
        // the compositor under Xvfb.
        let _ = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = self.client.screenshot().await.expect("a screenshot");
        assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("the screenshot folder");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("the screenshot file");
        path
    }

    /// Ends the session; the app exits and releases its home.
    pub async fn quit(self) {
        let _ = self.client.clone().close().await;
        // The app exits when its session ends; tauri-driver must outlive that, or the app
        // is orphaned with the home still locked.
        if !wait_home_released(&self.home, Duration::from_secs(10)).await {
            kill_owner(&self.home);
            assert!(
                wait_home_released(&self.home, Duration::from_secs(10)).await,
                "the app still holds {} after quitting",
                self.home.display()
            );
        }
    }
}

/// A private D-Bus session bus and a monitor recording every call to the notification
/// service on it: what the app shows as OS notifications, with no desktop needed.
pub struct SessionBus {
    /// The bus's address, for `DBUS_SESSION_BUS_ADDRESS`.
    pub address: String,
    daemon: std::process::Child,
    monitor: std::process::Child,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl SessionBus {
    /// Starts `dbus-daemon --session` and `dbus-monitor` on it.
    pub fn start() -> SessionBus {
        use std::io::BufRead;
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut daemon = std::process::Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (apt-get install dbus)");
        let mut address = String::new();
        std::io::BufReader::new(daemon.stdout.take().expect("its output"))
            .read_line(&mut address)
            .expect("the bus address");
        let address = address.trim().to_owned();
        assert!(!address.is_empty(), "dbus-daemon printed no address");
        let log = dir.path().join("monitor.log");
        let monitor = std::process::Command::new("dbus-monitor")
            .args([
                "--address",
                &address,
                "interface='org.freedesktop.Notifications'",
            ])
            .stdout(std::fs::File::create(&log).expect("the monitor's log"))
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor (apt-get install dbus)");
        SessionBus {
            address,
            daemon,
            monitor,
            log,
            _dir: dir,
        }
    }

    /// What the monitor recorded so far.
    pub fn recorded(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until a notification whose text contains `needle` was sent.
    pub async fn wait_notified(&self, needle: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let seen = self.recorded();
            if seen.contains("member=Notify") && seen.contains(needle) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "no OS notification saying {needle:?}; the bus saw:\n{seen}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let _ = self.monitor.kill();
        let _ = self.daemon.kill();
        let _ = self.monitor.wait();
        let _ = self.daemon.wait();
    }
}

impl Drop for App {
    fn drop(&mut self) {
        // After a failed test: do not leave the app running with the home locked.
        kill_owner(&self.home);
    }
}

fn home_locked(home: &Path) -> bool {
    match std::fs::OpenOptions::new()
        .write(true)
        .open(home.join("owner.lock"))
    {
        Ok(file) => file.try_lock().is_err(),
        Err(_) => false,
    }
}

/// Kills the process recorded as the home's owner while it still holds the home.
fn kill_owner(home: &Path) {
    if !home_locked(home) {
        return;
    }
    let Ok(text) = std::fs::read_to_string(home.join("owner.json")) else {
        return;
    };
    let Some(pid) = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["pid"].as_u64())
    else {
        return;
    };
    if pid > 1 && pid != u64::from(std::process::id()) {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .stderr(Stdio::null())
            .status();
    }
}

/// Waits up to `patience` until no process holds the home's lock; true if released.
pub async fn wait_home_released(home: &Path, patience: Duration) -> bool {
    let deadline = Instant::now() + patience;
    loop {
        if !home_locked(home) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
