//! A pseudo-terminal front end: the simulated modem appears as a serial device
//! (for example at a symlink such as `/tmp/ttyGSM`) that gammu, smstools or minicom
//! can open like a USB modem.

use std::io;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::sys::termios::{SetArg, cfmakeraw, tcgetattr, tcsetattr};
use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The master side of a pty, as an async byte stream.
pub(crate) struct PtyMaster {
    master: AsyncFd<OwnedFd>,
    /// Held open so the master never reads EIO while no client has the device open.
    _slave: OwnedFd,
    /// The symlink made for it, removed on drop.
    link: Option<PathBuf>,
}

impl Drop for PtyMaster {
    fn drop(&mut self) {
        if let Some(link) = &self.link {
            let _ = std::fs::remove_file(link);
        }
    }
}

fn io_error(e: nix::Error) -> io::Error {
    io::Error::from_raw_os_error(e as i32)
}

impl PtyMaster {
    /// Opens a pty in raw mode and points `link` at its device.
    pub(crate) fn open(link: &Path) -> io::Result<Self> {
        let pty = nix::pty::openpty(None, None).map_err(io_error)?;
        let mut termios = tcgetattr(&pty.slave).map_err(io_error)?;
        cfmakeraw(&mut termios);
        tcsetattr(&pty.slave, SetArg::TCSANOW, &termios).map_err(io_error)?;
        let flags = fcntl(pty.master.as_fd(), FcntlArg::F_GETFL).map_err(io_error)?;
        let flags = OFlag::from_bits_truncate(flags) | OFlag::O_NONBLOCK;
        fcntl(pty.master.as_fd(), FcntlArg::F_SETFL(flags)).map_err(io_error)?;
        let device = std::fs::read_link(format!("/proc/self/fd/{}", pty.slave.as_raw_fd()))?;
        match std::fs::symlink_metadata(link) {
            Ok(meta) if meta.file_type().is_symlink() => std::fs::remove_file(link)?,
            Ok(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!(
                        "{} exists and is not a symlink; not replacing it",
                        link.display()
                    ),
                ));
            }
            Err(_) => {}
        }
        std::os::unix::fs::symlink(&device, link)?;
        // `AsyncFd::new` is deprecated because a non-owning inner type (a bare
        // RawFd) can be closed behind tokio's back. Here the inner type is the
        // `OwnedFd` itself, closed only when the `AsyncFd` drops, which is the
        // sound case; the replacement (`register`) needs `unsafe`, which this
        // workspace forbids.
        #[allow(deprecated)]
        let master = AsyncFd::new(pty.master)?;
        Ok(PtyMaster {
            master,
            _slave: pty.slave,
            link: Some(link.to_path_buf()),
        })
    }
}

impl AsyncRead for PtyMaster {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            let mut guard = ready!(self.master.poll_read_ready(cx))?;
            let unfilled = buf.initialize_unfilled();
            match guard
                .try_io(|fd| nix::unistd::read(fd.get_ref().as_fd(), unfilled).map_err(io_error))
            {
                Ok(Ok(n)) => {
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Ok(Err(e)) => return Poll::Ready(Err(e)),
                Err(_would_block) => continue,
            }
        }
    }
}

impl AsyncWrite for PtyMaster {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        loop {
            let mut guard = ready!(self.master.poll_write_ready(cx))?;
            match guard.try_io(|fd| nix::unistd::write(fd.get_ref(), data).map_err(io_error)) {
                Ok(result) => return Poll::Ready(result),
                Err(_would_block) => continue,
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
