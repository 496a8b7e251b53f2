//! The locks xen-mm uses: spin locks in the hypervisor, loom's model-checked mutex under `cfg(loom)`,
//! each tagged with its place in the mm lock order ([`crate::lock_order`]) and checked on every
//! acquisition in debug builds.

use core::ops::{Deref, DerefMut};

/// Atomics: core's, or loom's under `cfg(loom)` so lock-free code is model-checked.
pub mod atomic {
    #[cfg(not(loom))]
    pub use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
    #[cfg(loom)]
    pub use loom::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
}

use crate::lock_order::{self, LockClass, OrderToken};

#[cfg(not(loom))]
type RawMutex<T> = spin::Mutex<T>;
#[cfg(not(loom))]
type RawGuard<'a, T> = spin::MutexGuard<'a, T>;
#[cfg(loom)]
type RawMutex<T> = loom::sync::Mutex<T>;
#[cfg(loom)]
type RawGuard<'a, T> = loom::sync::MutexGuard<'a, T>;

/// A mutex with a place in the lock order.
pub struct Mutex<T> {
    class: LockClass,
    raw: RawMutex<T>,
}

impl<T> Mutex<T> {
    /// A lock of `class` around `value`.
    #[cfg(not(loom))]
    pub const fn new(class: LockClass, value: T) -> Self {
        Mutex {
            class,
            raw: RawMutex::new(value),
        }
    }

    /// A lock of `class` around `value`.
    #[cfg(loom)]
    pub fn new(class: LockClass, value: T) -> Self {
        Mutex {
            class,
            raw: RawMutex::new(value),
        }
    }

    /// Takes the lock. In debug builds, panics if this CPU holds a lock that must be taken after it.
    pub fn lock(&self) -> MutexGuard<'_, T> {
        let token = lock_order::acquire(self.class);
        #[cfg(not(loom))]
        let raw = self.raw.lock();
        #[cfg(loom)]
        let raw = self
            .raw
            .lock()
            .expect("a loom model thread panicked holding the lock");
        MutexGuard { raw, token }
    }

    /// Takes the lock as the second of two locks of its class that the caller orders itself (Xen's
    /// double locks: two domains' event locks by domid). The checker sees it one level above the
    /// class, so the first must already be held.
    pub fn lock_nested(&self) -> MutexGuard<'_, T> {
        let token = lock_order::acquire(LockClass {
            name: self.class.name,
            level: self.class.level + 1,
        });
        #[cfg(not(loom))]
        let raw = self.raw.lock();
        #[cfg(loom)]
        let raw = self
            .raw
            .lock()
            .expect("a loom model thread panicked holding the lock");
        MutexGuard { raw, token }
    }

    /// Takes the lock if it is free, without waiting. A try-lock cannot deadlock, so it may break
    /// the order (as the PoD sweep does when it tries each gfn's lock and skips busy ones); while
    /// it is held the CPU's level is the higher of the two.
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        #[cfg(not(loom))]
        let raw = self.raw.try_lock()?;
        #[cfg(loom)]
        let raw = self.raw.try_lock().ok()?;
        let token = lock_order::acquire_unordered(self.class);
        Some(MutexGuard { raw, token })
    }

    /// The lock's class.
    pub fn class(&self) -> LockClass {
        self.class
    }
}

/// Access to a locked value; releasing it restores the CPU's previous lock level.
pub struct MutexGuard<'a, T> {
    raw: RawGuard<'a, T>,
    // Dropped after `raw`: the level is restored once the lock is really released.
    token: OrderToken,
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.raw
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.raw
    }
}

impl<T> MutexGuard<'_, T> {
    /// The class of the lock this guard holds.
    pub fn class(&self) -> LockClass {
        self.token.class()
    }
}

/// A lock that guards no data, only a right to act (a bit spinlock, as Xen's page locks are): the
/// per-gfn locks. Built on one atomic flag rather than the mutex above because code under other
/// locks only ever tries it, and loom 0.7 reports false deadlocks for a mutex that is both tried
/// and waited for (tokio-rs/loom#376); on an atomic, loom models the try exactly.
pub struct BitLock {
    class: LockClass,
    held: atomic::AtomicBool,
}

/// A held [`BitLock`]; dropping it releases the lock.
pub struct BitLockGuard<'a> {
    lock: &'a BitLock,
    // Dropped after the release in `drop`, restoring the CPU's level.
    _token: OrderToken,
}

impl BitLock {
    /// A free lock of `class`.
    #[cfg(not(loom))]
    pub const fn new(class: LockClass) -> Self {
        BitLock {
            class,
            held: atomic::AtomicBool::new(false),
        }
    }

    /// A free lock of `class`.
    #[cfg(loom)]
    pub fn new(class: LockClass) -> Self {
        BitLock {
            class,
            held: atomic::AtomicBool::new(false),
        }
    }

    fn try_take(&self) -> bool {
        self.held
            .compare_exchange(
                false,
                true,
                atomic::Ordering::Acquire,
                atomic::Ordering::Relaxed,
            )
            .is_ok()
    }

    /// Takes the lock, spinning until it is free. In debug builds, panics if this CPU holds a lock
    /// that must be taken after it.
    pub fn lock(&self) -> BitLockGuard<'_> {
        let token = lock_order::acquire(self.class);
        while !self.try_take() {
            #[cfg(not(loom))]
            core::hint::spin_loop();
            #[cfg(loom)]
            loom::thread::yield_now();
        }
        BitLockGuard {
            lock: self,
            _token: token,
        }
    }

    /// Takes the lock if it is free, without waiting, from anywhere in the order (as
    /// [`Mutex::try_lock`]).
    pub fn try_lock(&self) -> Option<BitLockGuard<'_>> {
        if !self.try_take() {
            return None;
        }
        Some(BitLockGuard {
            lock: self,
            _token: lock_order::acquire_unordered(self.class),
        })
    }
}

impl Drop for BitLockGuard<'_> {
    fn drop(&mut self) {
        self.lock.held.store(false, atomic::Ordering::Release);
    }
}
