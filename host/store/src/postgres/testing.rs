//! A throwaway PostgreSQL server for tests: `initdb` in a temporary
//! directory, the server on a Unix socket in it (no TCP port, nothing
//! shared with a system cluster; [`TempCluster::start_tls`] adds a loopback
//! port with TLS), one fresh database per test.
//!
//! The server is started by a small shell that holds a pipe from the test
//! process: when that process ends, however it ends (a failed test, a
//! kill -9), the pipe closes and the shell stops the server and removes
//! its directory. Nothing is left running.
//!
//! As root (CI), the server runs as the `postgres` user that Debian's
//! package creates, since `initdb` refuses to run as root.

use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::PgLocation;

/// What to install when the server's programs are missing.
const PACKAGE_HINT: &str = "PostgreSQL's server programs (initdb, postgres) were not found: \
     install Debian's `postgresql` package (apt-get install postgresql), or set \
     PLUTANIUM_PG_BINDIR to the directory that holds them";

/// A running throwaway server.
pub struct TempCluster {
    root: PathBuf,
    bindir: PathBuf,
    owner: Option<(u32, u32)>,
    /// The shell's end of the pipe: dropping it stops the server.
    guard: Mutex<Option<(Child, ChildStdin)>>,
    next_database: AtomicU32,
    /// Its port: names the Unix socket, and the TCP port with TLS.
    port: u16,
    /// Whether it also listens on loopback TCP with TLS.
    tls: bool,
}

impl std::fmt::Debug for TempCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TempCluster")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

/// Where `initdb` and `postgres` are: `PLUTANIUM_PG_BINDIR`, the `PATH`,
/// or Debian's `/usr/lib/postgresql/VERSION/bin` (newest first).
fn find_bindir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("PLUTANIUM_PG_BINDIR") {
        return Ok(PathBuf::from(dir));
    }
    let has = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if has(&dir) {
                return Ok(dir);
            }
            // Debian links initdb into /usr/local/bin or similar without
            // postgres beside it: follow the link.
            if let Ok(real) = std::fs::canonicalize(dir.join("initdb"))
                && let Some(parent) = real.parent()
                && has(parent)
            {
                return Ok(parent.to_path_buf());
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            has(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| PACKAGE_HINT.to_string())
}

/// The uid and gid the server runs as: ours, unless we are root, when the
/// `postgres` user's.
fn server_owner() -> Result<Option<(u32, u32)>, String> {
    let me = std::fs::metadata("/proc/self").map_err(|e| format!("/proc/self: {e}"))?;
    if me.uid() != 0 {
        return Ok(None);
    }
    let passwd = std::fs::read_to_string("/etc/passwd").map_err(|e| format!("/etc/passwd: {e}"))?;
    passwd
        .lines()
        .find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.first() == Some(&"postgres") && fields.len() > 3)
                .then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))
                .flatten()
        })
        .map(Some)
        .ok_or_else(|| {
            "running as root, and initdb refuses root: the `postgres` user is missing \
             (Debian's `postgresql` package creates it)"
                .to_string()
        })
}

impl TempCluster {
    /// Starts a new server; an error names what is missing.
    pub fn start() -> Result<TempCluster, String> {
        Self::start_with(None)
    }

    /// Starts a new server that also listens on loopback TCP with TLS
    /// (`ssl = on`), presenting `cert_pem` (signed for `localhost`) with
    /// `key_pem`; [`TempCluster::create_tls_database`] names a database
    /// over it.
    pub fn start_tls(cert_pem: &str, key_pem: &str) -> Result<TempCluster, String> {
        Self::start_with(Some((cert_pem, key_pem)))
    }

    fn start_with(tls: Option<(&str, &str)>) -> Result<TempCluster, String> {
        let bindir = find_bindir()?;
        let owner = server_owner()?;
        let root = tempfile::Builder::new()
            .prefix("plutanium-pg-")
            .tempdir_in(std::env::temp_dir())
            .map_err(|e| format!("a temporary directory: {e}"))?
            .keep();
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::chown(&root, Some(uid), Some(gid))
                .map_err(|e| format!("chown {}: {e}", root.display()))?;
        }
        let port = match tls {
            // A free loopback port, as the system sees it now.
            Some(_) => std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|listener| listener.local_addr())
                .map_err(|e| format!("a free port: {e}"))?
                .port(),
            None => 5432,
        };
        let cluster = TempCluster {
            root,
            bindir,
            owner,
            guard: Mutex::new(None),
            next_database: AtomicU32::new(0),
            port,
            tls: tls.is_some(),
        };
        cluster.initdb()?;
        let mut settings = vec![format!("port={port}")];
        if let Some((cert, key)) = tls {
            cluster.write_private("server.crt", cert)?;
            cluster.write_private("server.key", key)?;
            settings.extend([
                "listen_addresses=127.0.0.1".to_string(),
                "ssl=on".to_string(),
                "ssl_cert_file=server.crt".to_string(),
                "ssl_key_file=server.key".to_string(),
            ]);
        }
        cluster.run(&settings)?;
        Ok(cluster)
    }

    /// One server for the whole test binary, started on first use. Panics
    /// with what is missing, so a test never skips its work quietly.
    pub fn shared() -> &'static TempCluster {
        static SHARED: OnceLock<TempCluster> = OnceLock::new();
        SHARED.get_or_init(|| TempCluster::start().unwrap_or_else(|e| panic!("{e}")))
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(self.bindir.join(program));
        command.current_dir(&self.root);
        if let Some((uid, gid)) = self.owner {
            command.uid(uid).gid(gid);
        }
        command
    }

    fn data(&self) -> PathBuf {
        self.root.join("data")
    }

    /// Writes `text` to `name` in the data directory, readable by the
    /// server's user alone (PostgreSQL refuses a key others can read).
    fn write_private(&self, name: &str, text: &str) -> Result<(), String> {
        use std::os::unix::fs::PermissionsExt;
        let path = self.data().join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some((uid, gid)) = self.owner {
            std::os::unix::fs::chown(&path, Some(uid), Some(gid))
                .map_err(|e| format!("chown {}: {e}", path.display()))?;
        }
        Ok(())
    }

    fn initdb(&self) -> Result<(), String> {
        let out = self
            .command("initdb")
            .arg("-D")
            .arg(self.data())
            .args([
                "-U",
                "plutanium",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ])
            .arg("--no-sync")
            .output()
            .map_err(|e| format!("initdb: {e} ({PACKAGE_HINT})"))?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(())
    }

    /// Starts the server under its guard shell, with `settings` (`-c`
    /// each), and waits until it answers.
    fn run(&self, settings: &[String]) -> Result<(), String> {
        // fsync off: a test's server need not survive a power cut, and
        // fsync makes every commit cost milliseconds. A crash of the
        // server process loses nothing the OS has. Later settings win, so
        // `settings` may open a TCP port.
        let script = r#"
            bin="$0"; data="$1"; root="$2"; shift 2
            "$bin" -D "$data" -k "$root" -c listen_addresses= -c fsync=off -c full_page_writes=off \
                -c max_connections=200 -c shared_buffers=16MB "$@" >"$root/server.log" 2>&1 &
            pid=$!
            read _ignored
            kill -QUIT "$pid" 2>/dev/null
            wait "$pid"
            rm -rf "$root"
        "#;
        let mut shell = Command::new("/bin/sh");
        shell
            .arg("-c")
            .arg(script)
            .arg(self.bindir.join("postgres"))
            .arg(self.data())
            .arg(&self.root)
            .args(settings.iter().flat_map(|setting| ["-c", setting.as_str()]))
            .current_dir(&self.root)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some((uid, gid)) = self.owner {
            shell.uid(uid).gid(gid);
        }
        let mut child = shell
            .spawn()
            .map_err(|e| format!("starting postgres: {e}"))?;
        let stdin = child.stdin.take().ok_or("no pipe to the server's shell")?;
        *self.guard.lock().unwrap_or_else(|e| e.into_inner()) = Some((child, stdin));
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match postgres::Config::new()
                .host_path(&self.root)
                .port(self.port)
                .user("plutanium")
                .dbname("postgres")
                .connect(postgres::NoTls)
            {
                Ok(_) => return Ok(()),
                Err(e) if Instant::now() > deadline => {
                    let log =
                        std::fs::read_to_string(self.root.join("server.log")).unwrap_or_default();
                    return Err(format!("postgres did not start: {e}\n{log}"));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }

    /// The URL of database `name` on this server.
    pub fn url(&self, name: &str) -> String {
        format!(
            "postgres://plutanium@localhost:{}/{name}?host={}",
            self.port,
            self.root.display()
        )
    }

    /// A new, empty database, reached over loopback TCP with TLS required
    /// (a server from [`TempCluster::start_tls`]); the caller sets the
    /// trust.
    pub fn create_tls_database(&self) -> Result<PgLocation, String> {
        if !self.tls {
            return Err("this test server was started without TLS (use start_tls)".into());
        }
        let name = self.new_database();
        Ok(PgLocation {
            url: format!(
                "postgres://plutanium@localhost:{}/{name}?sslmode=require",
                self.port
            ),
            ..PgLocation::default()
        })
    }

    /// A new, empty database; its location.
    pub fn create_database(&self) -> PgLocation {
        let name = self.new_database();
        PgLocation {
            url: self.url(&name),
            ..PgLocation::default()
        }
    }

    /// Creates a database of a name no other has; its name.
    fn new_database(&self) -> String {
        let n = self.next_database.fetch_add(1, Ordering::Relaxed);
        let name = format!("test_{}_{n}", std::process::id());
        let mut admin = postgres::Config::new()
            .host_path(&self.root)
            .port(self.port)
            .user("plutanium")
            .dbname("postgres")
            .connect(postgres::NoTls)
            .unwrap_or_else(|e| panic!("the test server: {e}"));
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
        name
    }

    /// Stops the server now (as a crash would: no shutdown checkpoint) and
    /// removes its directory.
    pub fn stop(&self) {
        let taken = self.guard.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some((mut child, mut stdin)) = taken {
            let _ = stdin.write_all(b"\n");
            drop(stdin);
            let _ = child.wait();
        }
    }
}

impl Drop for TempCluster {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A node frozen in the middle of a fenced claim, for tests: a connection
/// from `store`'s pool inside a transaction that holds the share lock a
/// claim takes on its lease rows, and is then left alone, as a process
/// stopped with SIGSTOP leaves it.
pub struct FrozenClaim {
    conn: r2d2::PooledConnection<
        r2d2_postgres::PostgresConnectionManager<tokio_postgres_rustls::MakeRustlsConnect>,
    >,
}

impl FrozenClaim {
    /// Begins the claim's transaction under `fence` and stops there.
    pub fn start(store: &super::PgStore, fence: &crate::Fence) -> FrozenClaim {
        let pool = store.pool.as_ref().expect("an open store");
        let mut conn = pool.get().unwrap_or_else(|e| panic!("a connection: {e}"));
        conn.batch_execute("BEGIN")
            .unwrap_or_else(|e| panic!("BEGIN: {e}"));
        super::leases::fenced_modems(&mut *conn, fence, None)
            .unwrap_or_else(|e| panic!("the fenced read: {e}"));
        FrozenClaim { conn }
    }

    /// The node runs again: its next statement, which the server refuses
    /// once it has ended the session.
    pub fn resume(mut self) -> Result<(), crate::StoreError> {
        self.conn.batch_execute("COMMIT")?;
        Ok(())
    }
}
