//! Guest-memory copies for HVM vCPUs, after xen/arch/x86/hvm/hvm.c `__hvm_copy` and
//! xen/arch/x86/mm/guest_walk.c `guest_walk_tables`: the guest's page tables are walked through
//! the p2m, PoD frames are populated, writes to read-only RAM are dropped, faults are EFAULT.

use crate::common;

use std::sync::Arc;

use common::{hypervisor, pvh_config, TestDomain, TestHv};
use hypercall::guest::GuestMemory;
use hypercall::hvm_guest::{HvmGuestMemory, PagingState};
use hypercall::Errno;
use xen_mm::frame::{FrameAccess, Gfn};
use xen_mm::p2m::types::{P2mAccess, P2mType};

const CR0_PE: u64 = 1;
const CR0_WP: u64 = 1 << 16;
const CR0_PG: u64 = 1 << 31;
const CR4_PSE: u64 = 1 << 4;
const CR4_PAE: u64 = 1 << 5;
const EFER_LME: u64 = 1 << 8;
const EFER_LMA: u64 = 1 << 10;
const P: u64 = 1;
const RW: u64 = 2;
const PS: u64 = 1 << 7;

/// A domU whose gfns 0..`frames` are RAM.
fn guest_with_ram(frames: u64) -> (TestHv, Arc<TestDomain>) {
    let (hv, _dom0) = hypervisor(8192);
    let d = hv.create_domain(None, pvh_config(false)).unwrap();
    d.mem.set_max_pages(4096);
    for gfn in 0..frames {
        let mfn = hv
            .heap
            .alloc_domheap_pages(&d.mem, 0, &Default::default())
            .unwrap();
        d.p2m
            .set_entry(
                &hv.heap,
                Gfn(gfn),
                Some(mfn),
                0,
                P2mType::RamRw,
                P2mAccess::Rwx,
            )
            .unwrap();
    }
    (hv, d)
}

/// Writes a 64-bit word at guest-physical `gpa` (test set-up, bypassing the walk).
fn poke(hv: &TestHv, d: &TestDomain, gpa: u64, value: u64) {
    let mfn = d.p2m.get_entry(&hv.heap, Gfn(gpa >> 12)).mfn.unwrap();
    hv.heap
        .frames()
        .write_bytes(mfn, (gpa & 0xfff) as usize, &value.to_le_bytes());
}

fn peek(hv: &TestHv, d: &TestDomain, gpa: u64) -> u64 {
    let mfn = d.p2m.get_entry(&hv.heap, Gfn(gpa >> 12)).mfn.unwrap();
    let mut b = [0u8; 8];
    hv.heap
        .frames()
        .read_bytes(mfn, (gpa & 0xfff) as usize, &mut b);
    u64::from_le_bytes(b)
}

fn memory<'a>(
    hv: &'a TestHv,
    d: &'a TestDomain,
    paging: PagingState,
) -> HvmGuestMemory<'a, xen_mm::arena::ArenaFrames, xen_mm::p2m::npt::Npt> {
    HvmGuestMemory {
        heap: &hv.heap,
        domain: d,
        paging,
    }
}

#[test]
fn with_paging_off_linear_is_physical() {
    let (hv, d) = guest_with_ram(4);
    let mut m = memory(
        &hv,
        &d,
        PagingState {
            cr0: CR0_PE,
            ..Default::default()
        },
    );
    // Across a page boundary: two frames.
    m.copy_to_guest(0xffc, &[1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
    assert_eq!(peek(&hv, &d, 0xff8) >> 32, 0x0403_0201);
    assert_eq!(peek(&hv, &d, 0x1000) & 0xffff_ffff, 0x0807_0605);
    let mut back = [0u8; 8];
    m.copy_from_guest(0xffc, &mut back).unwrap();
    assert_eq!(back, [1, 2, 3, 4, 5, 6, 7, 8]);
    // Beyond the domain's RAM.
    assert_eq!(m.copy_from_guest(0x4000, &mut back), Err(Errno::EFAULT));
    assert_eq!(m.copy_from_guest(0x3ffc, &mut back), Err(Errno::EFAULT));
}

/// Long-mode tables: PML4 at 0x1000, PDPT at 0x2000, PD at 0x3000, PT at 0x4000.
/// 0x20_0000 (2 MiB page) -> gpa 0; 0x40_0000 (4 KiB) -> gpa 0x5000 read-only;
/// 0x40_1000 -> gpa 0x6000; 0x4000_0000 (1 GiB page) -> gpa 0x4000_0000.
fn long_mode_tables(hv: &TestHv, d: &TestDomain) -> PagingState {
    poke(hv, d, 0x1000, 0x2000 | P | RW);
    poke(hv, d, 0x2000, 0x3000 | P | RW);
    poke(hv, d, 0x2000 + 8, 0x4000_0000 | P | RW | PS);
    poke(hv, d, 0x3000 + 8, P | RW | PS);
    poke(hv, d, 0x3000 + 16, 0x4000 | P | RW);
    poke(hv, d, 0x4000, 0x5000 | P);
    poke(hv, d, 0x4000 + 8, 0x6000 | P | RW);
    PagingState {
        cr0: CR0_PE | CR0_PG | CR0_WP,
        cr3: 0x1000,
        cr4: CR4_PAE,
        efer: EFER_LME | EFER_LMA,
    }
}

#[test]
fn long_mode_walks_4k_2m_and_1g_pages() {
    let (hv, d) = guest_with_ram(8);
    let paging = long_mode_tables(&hv, &d);
    let m = memory(&hv, &d, paging);
    assert_eq!(m.linear_to_gpa(0x20_0123, false), Ok(0x123));
    assert_eq!(m.linear_to_gpa(0x40_0abc, false), Ok(0x5abc));
    assert_eq!(m.linear_to_gpa(0x40_1008, true), Ok(0x6008));
    assert_eq!(m.linear_to_gpa(0x4123_4567, false), Ok(0x4123_4567));
    // Not present at each level.
    assert_eq!(m.linear_to_gpa(0x40_2000, false), Err(Errno::EFAULT));
    assert_eq!(m.linear_to_gpa(0x60_0000, false), Err(Errno::EFAULT));
    assert_eq!(m.linear_to_gpa(0x8000_0000, false), Err(Errno::EFAULT));
    assert_eq!(m.linear_to_gpa(0x80_0000_0000, false), Err(Errno::EFAULT));
    // Non-canonical.
    assert_eq!(m.linear_to_gpa(0x8000_0000_0000, false), Err(Errno::EFAULT));
    assert_eq!(
        m.linear_to_gpa(0xfffe_ff80_0020_0123, false),
        Err(Errno::EFAULT)
    );
    // Canonical upper half: PML4 slot 511 shares the lower half's PDPT.
    poke(&hv, &d, 0x1000 + 511 * 8, 0x2000 | P | RW);
    assert_eq!(m.linear_to_gpa(0xffff_ff80_0020_0123, false), Ok(0x123));
    // A read-only page refuses a supervisor write while CR0.WP is set, and takes it without.
    assert_eq!(m.linear_to_gpa(0x40_0000, true), Err(Errno::EFAULT));
    let m = memory(
        &hv,
        &d,
        PagingState {
            cr0: paging.cr0 & !CR0_WP,
            ..paging
        },
    );
    assert_eq!(m.linear_to_gpa(0x40_0000, true), Ok(0x5000));
    // Five-level paging (CR4.LA57) is not offered: any walk faults.
    let m = memory(
        &hv,
        &d,
        PagingState {
            cr4: paging.cr4 | (1 << 12),
            ..paging
        },
    );
    assert_eq!(m.linear_to_gpa(0x20_0123, false), Err(Errno::EFAULT));
}

#[test]
fn copies_follow_the_walk_and_a_table_outside_ram_faults() {
    let (hv, d) = guest_with_ram(8);
    let paging = long_mode_tables(&hv, &d);
    let mut m = memory(&hv, &d, paging);
    m.copy_to_guest(0x40_1ff0, &[9; 16]).unwrap();
    assert_eq!(peek(&hv, &d, 0x6ff8), 0x0909_0909_0909_0909);
    // The 1 GiB page points at gpa 0x4000_0000, which is not RAM.
    let mut b = [0u8; 1];
    assert_eq!(m.copy_from_guest(0x4000_0000, &mut b), Err(Errno::EFAULT));
    // A PML4 entry pointing outside RAM.
    poke(&hv, &d, 0x1000 + 8, 0x90_0000 | P | RW);
    assert_eq!(
        m.copy_from_guest(0x80_0000_0000, &mut b),
        Err(Errno::EFAULT)
    );
}

#[test]
fn pae_and_32_bit_paging_walk_too() {
    let (hv, d) = guest_with_ram(8);
    // PAE: PDPT at 0x1020 (32-byte aligned), PD at 0x2000, PT at 0x3000.
    poke(&hv, &d, 0x1020, 0x2000 | P);
    poke(&hv, &d, 0x2000, P | RW | PS);
    poke(&hv, &d, 0x2008, 0x3000 | P | RW);
    poke(&hv, &d, 0x3000 + 8 * 5, 0x7000 | P | RW);
    let m = memory(
        &hv,
        &d,
        PagingState {
            cr0: CR0_PE | CR0_PG,
            cr3: 0x1020,
            cr4: CR4_PAE,
            efer: 0,
        },
    );
    assert_eq!(m.linear_to_gpa(0x1_2345, false), Ok(0x1_2345));
    assert_eq!(m.linear_to_gpa(0x20_5010, false), Ok(0x7010));
    assert_eq!(m.linear_to_gpa(0x4000_0000, false), Err(Errno::EFAULT));
    // 32-bit paging: PD at 0x4000 with 32-bit entries; a 4 MiB page at 0x40_0000 -> 0, and with
    // PDE bits 13.. giving physical bits 32..; a 4 KiB table at 0x5000.
    poke(&hv, &d, 0x4000, 0x5000 | P | RW);
    let pde_4m: u64 = P | RW | PS | (1 << 13);
    poke(&hv, &d, 0x4004, pde_4m);
    poke(&hv, &d, 0x5000 + 4 * 3, 0x6000 | P | RW);
    let paging32 = PagingState {
        cr0: CR0_PE | CR0_PG,
        cr3: 0x4000,
        cr4: CR4_PSE,
        efer: 0,
    };
    let m = memory(&hv, &d, paging32);
    assert_eq!(m.linear_to_gpa(0x3abc, false), Ok(0x6abc));
    assert_eq!(m.linear_to_gpa(0x41_2345, false), Ok(0x1_0001_2345));
    // Without CR4.PSE the PS bit is ignored: the PDE is a table pointer.
    let m = memory(&hv, &d, PagingState { cr4: 0, ..paging32 });
    assert_eq!(m.linear_to_gpa(0x40_0000, false), Ok(0));
}

#[test]
fn pod_frames_are_populated_and_read_only_writes_are_dropped() {
    let (hv, d) = guest_with_ram(4);
    {
        let mut p2m = d.p2m.locked();
        d.pod
            .mark_populate_on_demand(&mut p2m, &hv.heap, Gfn(0x200), 9)
            .unwrap();
    }
    d.pod
        .set_mem_target(&hv.heap, &d.mem, 4 + 16, || false)
        .unwrap();
    let mut m = memory(
        &hv,
        &d,
        PagingState {
            cr0: CR0_PE,
            ..Default::default()
        },
    );
    m.copy_to_guest(0x20_0010, &[7; 4]).unwrap();
    assert_eq!(d.p2m.get_entry(&hv.heap, Gfn(0x200)).p2mt, P2mType::RamRw);
    let mut b = [0u8; 4];
    m.copy_from_guest(0x20_0010, &mut b).unwrap();
    assert_eq!(b, [7; 4]);
    // Read-only RAM: the copy succeeds and nothing is written (p2m_is_discard_write).
    let mfn = d.p2m.get_entry(&hv.heap, Gfn(1)).mfn.unwrap();
    d.p2m
        .set_entry(
            &hv.heap,
            Gfn(1),
            Some(mfn),
            0,
            P2mType::RamRo,
            P2mAccess::Rwx,
        )
        .unwrap();
    m.copy_to_guest(0x1000, &[5; 8]).unwrap();
    assert_eq!(peek(&hv, &d, 0x1000), 0);
    // An ioreq-server page (emulated writes go to its device model) is read as RAM, but a copy
    // to it is EFAULT (__hvm_copy: HVMTRANS_bad_gfn_to_mfn for p2m_ioreq_server on a write).
    let mfn = d.p2m.get_entry(&hv.heap, Gfn(2)).mfn.unwrap();
    d.p2m
        .set_entry(
            &hv.heap,
            Gfn(2),
            Some(mfn),
            0,
            P2mType::IoreqServer,
            P2mAccess::Rwx,
        )
        .unwrap();
    assert_eq!(m.copy_to_guest(0x2000, &[5; 8]), Err(Errno::EFAULT));
    assert_eq!(peek(&hv, &d, 0x2000), 0);
    let mut b = [1u8; 8];
    m.copy_from_guest(0x2000, &mut b).unwrap();
    assert_eq!(b, [0; 8]);
    hv.check_invariants().unwrap();
}

#[test]
fn writes_are_logged_for_log_dirty() {
    let (hv, d) = guest_with_ram(4);
    d.p2m.enable_logdirty(&hv.heap).unwrap();
    let mut m = memory(
        &hv,
        &d,
        PagingState {
            cr0: CR0_PE,
            ..Default::default()
        },
    );
    m.copy_to_guest(0x2008, &[1]).unwrap();
    let mut b = [0u8; 1];
    m.copy_from_guest(0x3008, &mut b).unwrap();
    let (bitmap, _) = d.p2m.log_dirty_op(&hv.heap, 4, false).unwrap();
    assert_eq!(bitmap, vec![0b0100], "only the written frame is dirty");
}

#[test]
fn pae_and_32_bit_walks_fault_on_absent_or_read_only_entries() {
    // Each level's entry must be present, and with CR0.WP a write needs RW at each level; a
    // 2 MiB PAE page takes its frame from bits 21.. only (bit 12 is PAT). Absent entries keep an
    // address, so a walk that ignored P would find something.
    const CR0_WP: u64 = 1 << 16;
    let (hv, d) = guest_with_ram(8);
    poke(&hv, &d, 0x1020, 0x2000 | P);
    poke(&hv, &d, 0x1028, 0x2000); // PDPTE 1 absent
    poke(&hv, &d, 0x2000, P | RW | PS | (1 << 12)); // 2 MiB at 0, PAT set
    poke(&hv, &d, 0x2008, 0x3000 | P | RW);
    poke(&hv, &d, 0x2010, 0x3000 | P); // read-only PDE
    poke(&hv, &d, 0x2018, 0x3000 | RW); // absent PDE
    poke(&hv, &d, 0x3000 + 8 * 5, 0x7000 | P | RW);
    poke(&hv, &d, 0x3000 + 8 * 6, 0x7000 | P); // read-only PTE
    poke(&hv, &d, 0x3000 + 8 * 7, 0x7000 | RW); // absent PTE
    let m = memory(
        &hv,
        &d,
        PagingState {
            cr0: CR0_PE | CR0_PG | CR0_WP,
            cr3: 0x1020,
            cr4: CR4_PAE,
            efer: 0,
        },
    );
    assert_eq!(m.linear_to_gpa(0x1_2345, false), Ok(0x1_2345));
    assert_eq!(m.linear_to_gpa(0x4000_0000, false), Err(Errno::EFAULT));
    assert_eq!(m.linear_to_gpa(0x20_5010, true), Ok(0x7010));
    assert_eq!(m.linear_to_gpa(0x20_6010, false), Ok(0x7010));
    assert_eq!(m.linear_to_gpa(0x20_6010, true), Err(Errno::EFAULT));
    assert_eq!(m.linear_to_gpa(0x20_7010, false), Err(Errno::EFAULT));
    assert_eq!(m.linear_to_gpa(0x40_5010, false), Ok(0x7010));
    assert_eq!(m.linear_to_gpa(0x40_5010, true), Err(Errno::EFAULT));
    assert_eq!(m.linear_to_gpa(0x60_5010, false), Err(Errno::EFAULT));

    // 32-bit paging, PD at 0x4000, PT at 0x5000.
    poke(&hv, &d, 0x4000, 0x5000 | P | RW);
    poke(&hv, &d, 0x4004, 0x5000 | P); // read-only PDE
    poke(&hv, &d, 0x4008, 0x5000 | RW); // absent PDE
    poke(&hv, &d, 0x5000 + 4 * 3, 0x6000 | P | RW);
    poke(&hv, &d, 0x5000 + 4 * 4, 0x6000 | P); // read-only PTE
    poke(&hv, &d, 0x5000 + 4 * 5, 0x6000 | RW); // absent PTE
    let m = memory(
        &hv,
        &d,
        PagingState {
            cr0: CR0_PE | CR0_PG | CR0_WP,
            cr3: 0x4000,
            cr4: 0,
            efer: 0,
        },
    );
    assert_eq!(m.linear_to_gpa(0x3abc, true), Ok(0x6abc));
    assert_eq!(m.linear_to_gpa(0x4abc, false), Ok(0x6abc));
    assert_eq!(m.linear_to_gpa(0x4abc, true), Err(Errno::EFAULT));
    assert_eq!(m.linear_to_gpa(0x5abc, false), Err(Errno::EFAULT));
    assert_eq!(m.linear_to_gpa(0x40_3abc, false), Ok(0x6abc));
    assert_eq!(m.linear_to_gpa(0x40_3abc, true), Err(Errno::EFAULT));
    assert_eq!(m.linear_to_gpa(0x80_3abc, false), Err(Errno::EFAULT));
}
