//! Values read from the database and kept in memory for at most one second.
//!
//! Bounds: a change made through this process applies at once, because its use case calls
//! `invalidate` after committing and every older entry is ignored; a change made through
//! another process sharing the database applies within `TTL`.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const TTL: Duration = Duration::from_secs(1);
/// Past this many entries a cache is cleared rather than grown.
const MAX_ENTRIES: usize = 100_000;

struct Entry<V> {
    value: V,
    loaded: Instant,
    generation: u64,
}

/// Values read from the database, each kept for at most `TTL`, all forgotten at once by
/// `invalidate` after a committed change that affects them.
pub(crate) struct FreshCache<K, V> {
    entries: Mutex<HashMap<K, Entry<V>>>,
    generation: AtomicU64,
}

impl<K, V> Default for FreshCache<K, V> {
    fn default() -> Self {
        Self {
            entries: Mutex::default(),
            generation: AtomicU64::default(),
        }
    }
}

impl<K: Hash + Eq, V: Clone> FreshCache<K, V> {
    /// The generation to pass to `put` for a value about to be read from the database.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub(crate) fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(key)?;
        let fresh = entry.generation == self.generation() && entry.loaded.elapsed() < TTL;
        fresh.then(|| entry.value.clone())
    }

    /// Keeps a value read while `generation` was current; a value read before an
    /// invalidation is dropped.
    pub(crate) fn put(&self, generation: u64, key: K, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if generation != self.generation() {
            return;
        }
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                value,
                loaded: Instant::now(),
                generation,
            },
        );
    }

    /// Forgets one value: called after a committed change that affects only it. (A reader
    /// that loaded it before the change may still keep its copy, for at most `TTL`.)
    pub(crate) fn forget(&self, key: &K) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(key);
    }

    /// Forgets everything: called after a committed change that can affect the values.
    pub(crate) fn invalidate(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }
}
