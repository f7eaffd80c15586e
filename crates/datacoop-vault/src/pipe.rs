//! Bridges between blocking age streams and the async blob store.

use std::io::{self, Read, Write};

use bytes::{Bytes, BytesMut};
use tokio::sync::mpsc;

const CHUNK: usize = 256 * 1024;

/// A blocking [`Write`] that forwards its bytes, in large chunks, to an async receiver.
pub(crate) struct ChannelWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buf: BytesMut,
    pub(crate) written: u64,
}

impl ChannelWriter {
    pub(crate) fn new(tx: mpsc::Sender<io::Result<Bytes>>) -> Self {
        ChannelWriter {
            tx,
            buf: BytesMut::with_capacity(CHUNK),
            written: 0,
        }
    }

    fn send_buffer(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = self.buf.split().freeze();
        self.tx.blocking_send(Ok(chunk)).map_err(|_| {
            io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the blob store stopped accepting data",
            )
        })
    }

    /// Tells the receiver the stream failed, so it discards what it has.
    pub(crate) fn fail(&self, error: &io::Error) {
        let _ = self
            .tx
            .blocking_send(Err(io::Error::new(error.kind(), error.to_string())));
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        self.written += data.len() as u64;
        if self.buf.len() >= CHUNK {
            self.send_buffer()?;
            self.buf.reserve(CHUNK);
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_buffer()
    }
}

/// A [`Read`] adapter that copies everything read into a [`ChannelWriter`] (a tee).
pub(crate) struct TeeReader<R> {
    pub(crate) inner: R,
    pub(crate) copy: ChannelWriter,
}

impl<R: Read> Read for TeeReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.copy.write_all(&buf[..n])?;
        Ok(n)
    }
}
