//! The mm lock order (xen/arch/x86/mm/mm-locks.h): taking locks in order is silent, taking them out of
//! order panics naming both, and each CPU is checked on its own.

use std::sync::atomic::{AtomicUsize, Ordering};

use xen_mm::lock_order::{self, LockClass, ALTP2M, GFN, HEAP, MAX_CPUS, P2M, PAGE_ALLOC, POD};
use xen_mm::sync::{BitLock, Mutex};

std::thread_local! {
    /// A CPU number a test thread claims for itself instead of the next free one.
    static CPU_OVERRIDE: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// Each test thread plays one CPU.
fn thread_cpu() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    std::thread_local!(static CPU: usize = NEXT.fetch_add(1, Ordering::Relaxed));
    CPU_OVERRIDE
        .with(|o| o.get())
        .unwrap_or_else(|| CPU.with(|c| *c))
}

fn setup() {
    lock_order::register_cpu_id(thread_cpu);
}

#[test]
fn page_alloc_then_heap_is_the_xen_order() {
    setup();
    let page_alloc = Mutex::new(PAGE_ALLOC, 0u32);
    let heap = Mutex::new(HEAP, 0u32);
    let mut d = page_alloc.lock();
    let mut h = heap.lock();
    *d += 1;
    *h += 1;
    drop(h);
    drop(d);
    // Released in order: the CPU holds nothing, so the heap alone is fine again, then page_alloc.
    drop(heap.lock());
    drop(page_alloc.lock());
}

#[test]
#[should_panic(expected = "taking page_alloc (level 56) while holding heap (level 1000)")]
fn heap_then_page_alloc_panics_naming_both() {
    setup();
    let page_alloc = Mutex::new(PAGE_ALLOC, ());
    let heap = Mutex::new(HEAP, ());
    let _h = heap.lock();
    let _d = page_alloc.lock();
}

#[test]
#[should_panic(expected = "taking p2m (level 16) while holding pod (level 48)")]
fn pod_then_p2m_panics() {
    setup();
    let pod = Mutex::new(POD, ());
    let p2m = Mutex::new(P2M, ());
    let _g = pod.lock();
    let _h = p2m.lock();
}

#[test]
fn a_control_domain_may_take_a_guests_lock_of_the_same_kind() {
    setup();
    let own = Mutex::new(P2M, ());
    let guest: LockClass = P2M.for_foreign_domain();
    assert_eq!(guest.level, 80);
    let guests = Mutex::new(guest, ());
    let _a = own.lock();
    let _b = guests.lock();
}

#[test]
fn cpus_are_checked_separately() {
    setup();
    let heap = std::sync::Arc::new(Mutex::new(HEAP, ()));
    let page_alloc = std::sync::Arc::new(Mutex::new(PAGE_ALLOC, ()));
    let _h = heap.lock();
    // Another CPU holding nothing may take page_alloc while this one holds the heap lock.
    let pa = page_alloc.clone();
    std::thread::spawn(move || drop(pa.lock())).join().unwrap();
}

#[test]
fn order_rule() {
    assert!(lock_order::order_allows(None, P2M));
    assert!(lock_order::order_allows(Some(P2M), POD));
    assert!(
        !lock_order::order_allows(Some(POD), POD),
        "no lock is taken twice (p2m recursion is explicit)"
    );
    assert!(!lock_order::order_allows(Some(HEAP), PAGE_ALLOC));
}

#[test]
fn a_try_lock_may_go_against_the_order_and_restores_the_level() {
    // The PoD sweep tries gfn locks while holding the pod lock: a try-lock cannot deadlock.
    setup();
    let pod = Mutex::new(POD, ());
    let p2m = Mutex::new(P2M, 7u32);
    let heap = Mutex::new(HEAP, ());
    let held = pod.lock();
    let tried = p2m.try_lock().expect("the p2m lock is free");
    assert_eq!(*tried, 7);
    drop(tried);
    // Still at the pod level: the heap lock (higher) is fine.
    drop(heap.lock());
    drop(held);
}

#[test]
fn a_busy_lock_is_not_taken() {
    setup();
    let p2m = Mutex::new(P2M, ());
    let _first = p2m.lock();
    let other = std::thread::scope(|s| s.spawn(|| p2m.try_lock().is_none()).join().unwrap());
    assert!(other, "another CPU cannot take a held lock");
}

#[test]
#[should_panic(expected = "taking p2m (level 16) while holding p2m (level 16)")]
fn taking_the_same_lock_class_again_is_a_violation() {
    // Xen's recursive p2m lock is replaced by passing the held guard down.
    setup();
    let a = Mutex::new(P2M, ());
    let b = Mutex::new(P2M, ());
    let _x = a.lock();
    let _y = b.lock();
}

#[test]
fn a_gfn_lock_comes_before_the_p2m_lock() {
    setup();
    let gfn = BitLock::new(GFN);
    let p2m = Mutex::new(P2M, ());
    let g = gfn.lock();
    drop(p2m.lock());
    drop(g);
    // Inside the p2m lock a gfn lock may only be tried (the PoD sweeps), and a busy one fails.
    let held = gfn.lock();
    let p = p2m.lock();
    assert!(gfn.try_lock().is_none(), "busy: the sweep skips it");
    drop(held);
    let tried = gfn.try_lock().expect("free: the sweep takes it");
    drop(tried);
    drop(p);
}

#[test]
#[should_panic(expected = "taking gfn (level 12) while holding p2m (level 16)")]
fn waiting_for_a_gfn_lock_inside_the_p2m_lock_panics() {
    setup();
    let gfn = BitLock::new(GFN);
    let p2m = Mutex::new(P2M, ());
    let _p = p2m.lock();
    let _g = gfn.lock();
}

#[test]
#[should_panic(expected = "taking gfn (level 12) while holding gfn (level 12)")]
fn waiting_for_a_second_gfn_lock_panics() {
    setup();
    let first = BitLock::new(GFN);
    let second = BitLock::new(GFN);
    let _a = first.lock();
    let _b = second.lock();
}

#[test]
#[should_panic(expected = "taking altp2m (level 40) while holding pod (level 48)")]
fn a_try_lock_below_the_held_level_leaves_the_level_where_it_was() {
    // Holding pod (48), a tried p2m lock (16) does not lower the CPU's level: altp2m (40) is
    // still out of order.
    setup();
    let pod = Mutex::new(POD, ());
    let p2m = Mutex::new(P2M, ());
    let altp2m = Mutex::new(ALTP2M, ());
    let _held = pod.lock();
    let _tried = p2m.try_lock().expect("the p2m lock is free");
    let _bad = altp2m.lock();
}

#[test]
#[should_panic(expected = "taking page_alloc (level 56) while holding heap (level 1000)")]
fn a_try_lock_above_the_held_level_raises_it() {
    setup();
    let p2m = Mutex::new(P2M, ());
    let heap = Mutex::new(HEAP, ());
    let page_alloc = Mutex::new(PAGE_ALLOC, ());
    let _held = p2m.lock();
    let _tried = heap.try_lock().expect("the heap lock is free");
    let _bad = page_alloc.lock();
}

#[test]
#[should_panic(expected = "taking gfn (level 12) while holding p2m (level 16)")]
fn a_try_lock_with_nothing_held_sets_the_level() {
    setup();
    let p2m = Mutex::new(P2M, ());
    let gfn = BitLock::new(GFN);
    let _tried = p2m.try_lock().expect("the p2m lock is free");
    let _bad = gfn.lock();
}

#[test]
fn cpus_past_the_checkers_table_are_not_checked() {
    // CPU numbers from MAX_CPUS on have no slot: their locks are taken unchecked.
    setup();
    std::thread::spawn(|| {
        CPU_OVERRIDE.with(|o| o.set(Some(MAX_CPUS)));
        let heap = Mutex::new(HEAP, ());
        let page_alloc = Mutex::new(PAGE_ALLOC, ());
        let _h = heap.lock();
        let _d = page_alloc.lock();
        let _t = page_alloc.try_lock();
    })
    .join()
    .expect("an unchecked CPU takes locks in any order");
}

#[test]
fn a_bit_lock_waits_while_another_cpu_holds_it() {
    // Mutual exclusion: the waiter must not get the lock until the holder lets go. (A waiter
    // that got in at once would set the flag within the pause; a correct one never can.)
    use std::sync::atomic::AtomicBool;
    setup();
    let lock = BitLock::new(GFN);
    let entered = AtomicBool::new(false);
    std::thread::scope(|s| {
        let held = lock.lock();
        let waiter = s.spawn(|| {
            let _g = lock.lock();
            entered.store(true, Ordering::SeqCst);
        });
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(!entered.load(Ordering::SeqCst), "got in while held");
        drop(held);
        waiter.join().unwrap();
    });
    assert!(entered.load(Ordering::SeqCst));
}

#[test]
fn a_second_lock_of_a_class_is_taken_nested_one_level_up() {
    // Two domains' event locks, the lower domid's first (Xen's double event_lock): the second is
    // checked one level above the class, so it follows the first, and nothing of the class
    // itself may follow it.
    setup();
    let first = Mutex::new(lock_order::EVENT, ());
    let second = Mutex::new(lock_order::EVENT, ());
    let a = first.lock();
    let b = second.lock_nested();
    assert_eq!(b.class().level, lock_order::EVENT.level + 1);
    drop(b);
    drop(a);
}

#[test]
#[should_panic(expected = "taking event (level 6) while holding event (level 7)")]
fn nothing_of_the_class_follows_the_nested_lock() {
    setup();
    let first = Mutex::new(lock_order::EVENT, ());
    let second = Mutex::new(lock_order::EVENT, ());
    let third = Mutex::new(lock_order::EVENT, ());
    let _a = first.lock();
    let _b = second.lock_nested();
    let _c = third.lock();
}
