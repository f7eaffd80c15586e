//! An invitation ticket as a QR code: the window draws the modules on a canvas (the CSP
//! allows no inline images or styles, and a canvas needs neither).

use datacoop_node::Code;
use serde::Serialize;

use crate::shell::CommandError;

/// A QR code's modules, row by row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct QrMatrix {
    /// Modules per side (the quiet zone around it is the window's to draw).
    pub width: u32,
    /// `width * width` modules, row-major; true is dark.
    pub dark: Vec<bool>,
}

/// Encodes `text` (a ticket) with medium error correction.
pub fn encode(text: &str) -> Result<QrMatrix, CommandError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| {
            CommandError::new(
                Code::InputNotATicket,
                format!("no QR code for this text: {e}"),
            )
        })?;
    let width = u32::try_from(code.width()).unwrap_or(0);
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Ok(QrMatrix { width, dark })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_fits_and_has_finder_patterns() {
        let ticket = format!("dcinvite{}", "a".repeat(220));
        let qr = encode(&ticket).unwrap();
        assert_eq!(qr.dark.len(), (qr.width * qr.width) as usize);
        // The top-left finder pattern: a dark 7-module row on top.
        assert!(qr.dark[..7].iter().all(|d| *d));
        assert!(!qr.dark[7]);
    }
}
