//! The progress bar long commands draw on stderr.

use std::io::IsTerminal;
use std::sync::Mutex;

use datacoop_node::{Progress, ProgressSink};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar on stderr when it is a terminal; silent otherwise.
pub struct Bar {
    bar: ProgressBar,
    last_file: Mutex<String>,
}

impl Bar {
    pub fn new(verb: &str) -> Self {
        let bar = if std::io::stderr().is_terminal() {
            ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        let style = ProgressStyle::with_template(&format!(
            "{verb} {{msg}}\n{{wide_bar}} {{bytes}}/{{total_bytes}} {{bytes_per_sec}} ETA {{eta}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        Bar {
            bar,
            last_file: Mutex::new(String::new()),
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl ProgressSink for Bar {
    fn report(&self, p: &Progress) {
        self.bar.set_length(p.bytes_total);
        self.bar.set_position(p.bytes_done);
        if let Ok(mut last) = self.last_file.lock()
            && *last != p.current
        {
            last.clone_from(&p.current);
            self.bar.set_message(format!(
                "{} ({} of {})",
                p.current,
                (p.files_done + 1).min(p.files_total),
                p.files_total
            ));
        }
    }
}
