//! Store connections for the handlers: the store is synchronous and a connection belongs to
//! one thread at a time, so every piece of store work runs in `spawn_blocking` on a
//! connection taken from a pool and given back afterwards. [`Pool::open`] is the one place
//! that opens the database: an SQLite file or a PostgreSQL server, by the connection string
//! (`delar_store::open`); each connection in the pool is its own server connection.
//!
//! Under load (50 people at once on two cores) three rules keep the latency even:
//! - at most [`Pool::size`] pieces of store work run at once, each on a connection kept open
//!   (opening one per request costs a PostgreSQL login and the migration check); the rest
//!   wait in turn (a fair semaphore) without holding a thread;
//! - writes go through [`Pool::write`], which lets one writer at a time into the store (a fair
//!   lock in this process): SQLite's single writer and PostgreSQL's advisory write lock are
//!   then never contended from here, so no write sleeps in SQLite's busy handler and none is
//!   refused as busy (the busy timeout still covers writers in other processes, such as an
//!   import from the command line). The writer has a connection of its own beside the
//!   readers' and never waits in their queue: with 50 people reading, a write that queued
//!   for a reader's permit while holding the writer's turn held up every write behind it;
//! - SQLite runs in WAL mode (set by the store), so readers on the other connections never
//!   wait for the writer.

use delar_app::AppError;
use delar_store::Backend;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// Connections to an SQLite file: readers run in parallel in WAL mode, but the machine has
/// few cores, so more would only wait on each other.
pub const SQLITE_CONNECTIONS: usize = 8;

/// Connections to a PostgreSQL server (beside the writer's): enough that 50 people's requests
/// (each a dozen short queries) keep the server busy, few enough that its processes do not
/// crowd each other off the cores. Measured on two cores (docs/PERFORMANCE.md): 4 gave 693
/// requests/s, 8 gave 937 and 16 gave 718 (p99 120, 86 and 129 ms).
pub const PG_CONNECTIONS: usize = 8;

/// A store handle that can move between threads.
pub type Handle = Box<dyn Backend + Send>;

/// A pool of store connections to one database.
pub struct Pool {
    db: String,
    size: usize,
    idle: Mutex<Vec<Handle>>,
    permits: Arc<Semaphore>,
    /// The writer's turn and its own connection (opened at the first write).
    writer: Arc<tokio::sync::Mutex<Option<Handle>>>,
    /// Saves that run side by side ([`Pool::write_shared`] on PostgreSQL) may hold all but two
    /// of the readers' permits, so that saves waiting for a long write (an import, an Excel
    /// upload, the lock of a round) never leave the pages and session checks without one (half
    /// the permits was measured at 904 requests/s, p99 107 ms; all but two at 998, 82 ms).
    shared_saves: Arc<Semaphore>,
}

impl Pool {
    /// A pool over a database: an SQLite path or `postgres://…` (nothing is opened yet),
    /// sized for the backend ([`SQLITE_CONNECTIONS`], [`PG_CONNECTIONS`]).
    pub fn new(db: String) -> Pool {
        let size = if delar_store::pg::is_url(&db) {
            PG_CONNECTIONS
        } else {
            SQLITE_CONNECTIONS
        };
        Pool::with_size(db, size)
    }

    /// A pool of at most `size` connections (at least one).
    pub fn with_size(db: String, size: usize) -> Pool {
        let size = size.max(1);
        Pool {
            db,
            size,
            idle: Mutex::new(Vec::with_capacity(size)),
            permits: Arc::new(Semaphore::new(size)),
            writer: Arc::new(tokio::sync::Mutex::new(None)),
            shared_saves: Arc::new(Semaphore::new(size.saturating_sub(2).max(1))),
        }
    }

    /// How many pieces of store work may run at once (and connections are kept).
    pub fn size(&self) -> usize {
        self.size
    }

    /// Open a new connection.
    fn open(&self) -> Result<Handle, AppError> {
        Ok(Box::new(delar_store::open(&self.db)?))
    }

    fn take(&self) -> Result<Handle, AppError> {
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        match idle {
            Some(h) => Ok(h),
            None => self.open(),
        }
    }

    fn give(&self, h: Handle) {
        if let Ok(mut v) = self.idle.lock() {
            if v.len() < self.size {
                v.push(h);
            }
        }
    }

    /// Run `f` on a connection in a blocking thread and give the connection back (unless the
    /// work failed with a database error: the connection may be broken, so it is dropped).
    /// Waits for a free place when [`Pool::size`] pieces of work are running.
    pub async fn run<T, F>(self: &Arc<Self>, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Backend) -> Result<T, AppError> + Send + 'static,
    {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|e| AppError::Io(format!("databasens anslutningar är stängda: {e}")))?;
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut h = pool.take()?;
            let r = f(h.as_mut());
            let broken = matches!(&r, Err(AppError::Store(delar_store::StoreError::Db(_))));
            if !broken {
                pool.give(h);
            }
            r
        })
        .await
        .map_err(|e| AppError::Io(format!("arbetet i databasen avbröts: {e}")))?
    }

    /// [`Pool::write`] for work whose write transaction takes the write lock shared (a single
    /// forecast line's save, `ForecastStore::edit_line_version`): on PostgreSQL such work runs
    /// side by side on the readers' connections (the database orders it against every other
    /// write, and two saves of one line meet their versions one after the other); on SQLite,
    /// with its single writer, it queues as every write does.
    pub async fn write_shared<T, F>(self: &Arc<Self>, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Backend) -> Result<T, AppError> + Send + 'static,
    {
        if delar_store::pg::is_url(&self.db) {
            let _turn = Arc::clone(&self.shared_saves)
                .acquire_owned()
                .await
                .map_err(|e| AppError::Io(format!("databasens anslutningar är stängda: {e}")))?;
            self.run(f).await
        } else {
            self.write(f).await
        }
    }

    /// [`Pool::run`] for work that writes: one writer at a time, in the order they came, on
    /// the writer's own connection (it takes none of the readers' permits, so a write never
    /// waits behind reads, and the readers are not held up by it).
    pub async fn write<T, F>(self: &Arc<Self>, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Backend) -> Result<T, AppError> + Send + 'static,
    {
        let mut turn = Arc::clone(&self.writer).lock_owned().await;
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let mut h = match turn.take() {
                Some(h) => h,
                None => pool.open()?,
            };
            let r = f(h.as_mut());
            let broken = matches!(&r, Err(AppError::Store(delar_store::StoreError::Db(_))));
            if !broken {
                *turn = Some(h);
            }
            r
        })
        .await
        .map_err(|e| AppError::Io(format!("arbetet i databasen avbröts: {e}")))?
    }
}

impl Drop for Pool {
    /// Close the idle connections on a thread of their own: the PostgreSQL client closes its
    /// connection by blocking, which a runtime's thread (where the server drops its state at
    /// shutdown) may not do.
    fn drop(&mut self) {
        let mut idle = match self.idle.get_mut() {
            Ok(v) => std::mem::take(v),
            Err(poisoned) => std::mem::take(poisoned.into_inner()),
        };
        if let Some(w) = self.writer.try_lock().ok().and_then(|mut w| w.take()) {
            idle.push(w);
        }
        if idle.is_empty() {
            return;
        }
        let _ = std::thread::spawn(move || drop(idle)).join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// A fresh SQLite database file (removed when dropped).
    struct TempDb(std::path::PathBuf);

    impl TempDb {
        fn new(name: &str) -> TempDb {
            let p = std::env::temp_dir().join(format!(
                "delar-pool-{name}-{}-{:?}.db",
                std::process::id(),
                std::thread::current().id()
            ));
            let _ = std::fs::remove_file(&p);
            delar_store::open_or_create(p.to_str().unwrap()).unwrap();
            TempDb(p)
        }
    }

    impl Drop for TempDb {
        fn drop(&mut self) {
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", self.0.display()));
            }
        }
    }

    /// Runs `n` pieces of work at once through `write` or `run` and returns the most that
    /// were inside the store at the same time, and how many connections the pool keeps.
    async fn most_at_once(pool: &Arc<Pool>, n: usize, write: bool) -> (usize, usize) {
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..n {
            let (pool, inside, most) = (Arc::clone(pool), Arc::clone(&inside), Arc::clone(&most));
            tasks.push(tokio::spawn(async move {
                let work = move |s: &mut dyn Backend| -> Result<usize, AppError> {
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    let r = s.forecast_rounds().map(|r| r.len());
                    inside.fetch_sub(1, Ordering::SeqCst);
                    Ok(r?)
                };
                if write {
                    pool.write(work).await
                } else {
                    pool.run(work).await
                }
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), 0);
        }
        let kept = pool.idle.lock().unwrap().len();
        (most.load(Ordering::SeqCst), kept)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writers_go_one_at_a_time_and_readers_at_most_the_pools_size() {
        let db = TempDb::new("pool");
        let pool = Arc::new(Pool::with_size(db.0.display().to_string(), 3));
        assert_eq!(pool.size(), 3);
        let (most, kept) = most_at_once(&pool, 12, false).await;
        assert_eq!(most, 3, "readers run side by side, as many as the pool has");
        assert_eq!(kept, 3, "the connections are kept for the next requests");
        let (most, kept) = most_at_once(&pool, 8, true).await;
        assert_eq!(most, 1, "writers never overlap");
        assert!(kept <= 3);
        // The backend decides the size.
        assert_eq!(Pool::new("x.db".into()).size(), SQLITE_CONNECTIONS);
        assert_eq!(Pool::new("postgres://u@h/d".into()).size(), PG_CONNECTIONS);
    }
}
