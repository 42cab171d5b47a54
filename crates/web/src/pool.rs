//! Store connections for the handlers: the store is synchronous and a connection belongs to
//! one thread at a time, so every piece of store work runs in `spawn_blocking` on a
//! connection taken from a small pool and given back afterwards. [`Pool::open`] is the one
//! place that opens the database: an SQLite file or a PostgreSQL server, by the connection
//! string (`delar_store::open`); each connection in the pool is its own server connection.

use delar_app::AppError;
use delar_store::Backend;
use std::sync::{Arc, Mutex};

/// Idle connections kept for reuse (two cores: more would only wait on each other).
const MAX_IDLE: usize = 8;

/// A store handle that can move between threads.
pub type Handle = Box<dyn Backend + Send>;

/// A pool of store connections to one database.
pub struct Pool {
    db: String,
    idle: Mutex<Vec<Handle>>,
}

impl Pool {
    /// A pool over a database: an SQLite path or `postgres://…` (nothing is opened yet).
    pub fn new(db: String) -> Pool {
        Pool {
            db,
            idle: Mutex::new(Vec::new()),
        }
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
            if v.len() < MAX_IDLE {
                v.push(h);
            }
        }
    }

    /// Run `f` on a connection in a blocking thread and give the connection back (unless the
    /// work failed with a database error: the connection may be broken, so it is dropped).
    pub async fn run<T, F>(self: &Arc<Self>, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Backend) -> Result<T, AppError> + Send + 'static,
    {
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
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
}

impl Drop for Pool {
    /// Close the idle connections on a thread of their own: the PostgreSQL client closes its
    /// connection by blocking, which a runtime's thread (where the server drops its state at
    /// shutdown) may not do.
    fn drop(&mut self) {
        let idle = match self.idle.get_mut() {
            Ok(v) => std::mem::take(v),
            Err(poisoned) => std::mem::take(poisoned.into_inner()),
        };
        if idle.is_empty() {
            return;
        }
        let _ = std::thread::spawn(move || drop(idle)).join();
    }
}
