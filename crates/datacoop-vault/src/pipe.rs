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

/// A blocking [`BufRead`](io::BufRead) over chunks an async task sends: how a blob read
/// from the store (async) reaches age's decryptor (blocking), with the next chunks
/// already on their way while one is decrypted.
pub(crate) struct ChannelReader {
    rx: mpsc::Receiver<io::Result<Bytes>>,
    current: Bytes,
    done: bool,
}

impl ChannelReader {
    pub(crate) fn new(rx: mpsc::Receiver<io::Result<Bytes>>) -> Self {
        ChannelReader {
            rx,
            current: Bytes::new(),
            done: false,
        }
    }
}

impl io::BufRead for ChannelReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.current.is_empty() && !self.done {
            match self.rx.blocking_recv() {
                Some(Ok(chunk)) => self.current = chunk,
                Some(Err(e)) => return Err(e),
                // The sender has finished (or stopped): the end of the blob.
                None => self.done = true,
            }
        }
        Ok(&self.current)
    }

    fn consume(&mut self, amount: usize) {
        let _ = self.current.split_to(amount.min(self.current.len()));
    }
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = io::BufRead::fill_buf(self)?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        io::BufRead::consume(self, n);
        Ok(n)
    }
}

/// Sends `stream`'s byte chunks to a [`ChannelReader`], joined into chunks of at least
/// [`CHUNK`] bytes (the store yields small leaves); an error is passed on and ends it.
/// Stops when the reader goes away.
pub(crate) async fn feed<S, E>(mut stream: S, tx: mpsc::Sender<io::Result<Bytes>>)
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    use futures_lite::StreamExt;
    let mut pending = BytesMut::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(bytes) => {
                pending.extend_from_slice(&bytes);
                if pending.len() >= CHUNK && tx.send(Ok(pending.split().freeze())).await.is_err() {
                    return;
                }
            }
            Err(e) => {
                let _ = tx.send(Err(io::Error::other(e.to_string()))).await;
                return;
            }
        }
    }
    if !pending.is_empty() {
        let _ = tx.send(Ok(pending.freeze())).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chunks of any size come out as the same bytes, in order, and an error from the
    /// source reaches the reader.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_fed_reader_gives_back_the_stream_and_its_error() {
        let data: Vec<u8> = (0..(3 * CHUNK + 17)).map(|i| (i % 251) as u8).collect();
        let pieces: Vec<Result<Bytes, String>> = data
            .chunks(16 * 1024 + 3)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let (tx, rx) = mpsc::channel(2);
        tokio::spawn(feed(futures_lite::stream::iter(pieces), tx));
        let read = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            ChannelReader::new(rx).read_to_end(&mut out).map(|_| out)
        })
        .await
        .unwrap()
        .unwrap();
        assert_eq!(read, data);

        let failing: Vec<Result<Bytes, String>> = vec![
            Ok(Bytes::from_static(b"start")),
            Err("the disk went away".into()),
        ];
        let (tx, rx) = mpsc::channel(2);
        tokio::spawn(feed(futures_lite::stream::iter(failing), tx));
        let err = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            ChannelReader::new(rx).read_to_end(&mut out)
        })
        .await
        .unwrap()
        .unwrap_err();
        assert!(err.to_string().contains("the disk went away"));
    }
}
