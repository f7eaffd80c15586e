//! Bridges between blocking age streams and the async blob store.

use std::io::{self, Read, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_lite::Stream;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

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

    /// Tells the receiver the stream failed, so it discards what it has (see
    /// [`HaltOnError`]).
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

/// The ciphertext stream handed to the blob store. A failed source (cancelled, unreadable,
/// refused) never reaches the store as an error item: iroh-blobs 0.104's `add_stream`
/// panics ("multiple values were yielded") when its source yields an error while a
/// progress item is pending. Instead the stream stops yielding anything, and the vault
/// drops the import, which makes the store abort it and discard what it received.
pub(crate) struct HaltOnError {
    inner: ReceiverStream<io::Result<Bytes>>,
    halted: bool,
}

impl HaltOnError {
    pub(crate) fn new(rx: mpsc::Receiver<io::Result<Bytes>>) -> Self {
        HaltOnError {
            inner: ReceiverStream::new(rx),
            halted: false,
        }
    }
}

impl Stream for HaltOnError {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.halted {
            // Never woken: whoever polls this drops it once the source's own result says
            // it failed.
            return Poll::Pending;
        }
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(Some(Err(_))) => {
                self.halted = true;
                Poll::Pending
            }
            other => other,
        }
    }
}
