/* xen-rs/xen.h: Xen's public/xen.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_XEN_H
#define XEN_RS_XEN_H

#include "abi-types.h"
#include "arch-x86/xen.h"

/** A domain id. */
typedef uint16_t domid_t;
/** A domain's 16-byte handle (UUID). */
typedef uint8_t xen_domain_handle_t[16];

/** Install a PV guest's virtual IDT. */
#define __HYPERVISOR_set_trap_table 0
/** Batch of PV page-table updates. */
#define __HYPERVISOR_mmu_update 1
/** Install a PV guest's GDT. */
#define __HYPERVISOR_set_gdt 2
/** Switch a PV guest's kernel stack. */
#define __HYPERVISOR_stack_switch 3
/** Register PV event/failsafe callbacks. */
#define __HYPERVISOR_set_callbacks 4
/** Set or clear CR0.TS for a PV guest. */
#define __HYPERVISOR_fpu_taskswitch 5
/** Old scheduler op (compatibility only). */
#define __HYPERVISOR_sched_op_compat 6
/** Platform (host) operations for the control domain. */
#define __HYPERVISOR_platform_op 7
/** Write a debug register. */
#define __HYPERVISOR_set_debugreg 8
/** Read a debug register. */
#define __HYPERVISOR_get_debugreg 9
/** Update one GDT/LDT descriptor. */
#define __HYPERVISOR_update_descriptor 10
/** Memory reservation and physmap operations (XENMEM_*). */
#define __HYPERVISOR_memory_op 12
/** Run a batch of hypercalls. */
#define __HYPERVISOR_multicall 13
/** Update one PTE by virtual address. */
#define __HYPERVISOR_update_va_mapping 14
/** Set a one-shot timer. */
#define __HYPERVISOR_set_timer_op 15
/** Old event-channel op (compatibility only). */
#define __HYPERVISOR_event_channel_op_compat 16
/** Version and feature queries (XENVER_*). */
#define __HYPERVISOR_xen_version 17
/** Hypervisor console read and write. */
#define __HYPERVISOR_console_io 18
/** Old physdev op (compatibility only). */
#define __HYPERVISOR_physdev_op_compat 19
/** Grant-table operations (GNTTABOP_*). */
#define __HYPERVISOR_grant_table_op 20
/** Enable or disable VM assists. */
#define __HYPERVISOR_vm_assist 21
/** update_va_mapping in another domain. */
#define __HYPERVISOR_update_va_mapping_otherdomain 22
/** Return from a PV exception frame (x86 only). */
#define __HYPERVISOR_iret 23
/** vCPU operations (VCPUOP_*). */
#define __HYPERVISOR_vcpu_op 24
/** Set a segment base (x86-64 PV only). */
#define __HYPERVISOR_set_segment_base 25
/** Extended MMU operations (MMUEXT_*). */
#define __HYPERVISOR_mmuext_op 26
/** XSM/FLASK operations. */
#define __HYPERVISOR_xsm_op 27
/** NMI callback registration. */
#define __HYPERVISOR_nmi_op 28
/** Scheduler operations (SCHEDOP_*). */
#define __HYPERVISOR_sched_op 29
/** Callback registration (CALLBACKOP_*). */
#define __HYPERVISOR_callback_op 30
/** Xenoprof profiling. */
#define __HYPERVISOR_xenoprof_op 31
/** Event-channel operations (EVTCHNOP_*). */
#define __HYPERVISOR_event_channel_op 32
/** Physical-device operations (PHYSDEVOP_*). */
#define __HYPERVISOR_physdev_op 33
/** HVM operations (HVMOP_*). */
#define __HYPERVISOR_hvm_op 34
/** System control for the toolstack (XEN_SYSCTL_*). */
#define __HYPERVISOR_sysctl 35
/** Domain control for the toolstack (XEN_DOMCTL_*). */
#define __HYPERVISOR_domctl 36
/** Kexec operations. */
#define __HYPERVISOR_kexec_op 37
/** Transcendent memory (removed). */
#define __HYPERVISOR_tmem_op 38
/** Argo inter-domain messaging. */
#define __HYPERVISOR_argo_op 39
/** PMU virtualisation. */
#define __HYPERVISOR_xenpmu_op 40
/** Device-model operations (XEN_DMOP_*). */
#define __HYPERVISOR_dm_op 41
/** Hypervisor file system. */
#define __HYPERVISOR_hypfs_op 42
/** First architecture-specific hypercall. */
#define __HYPERVISOR_arch_0 48
/** Architecture-specific hypercall 1 (x86: machine check). */
#define __HYPERVISOR_arch_1 49
/** Architecture-specific hypercall 2. */
#define __HYPERVISOR_arch_2 50
/** Architecture-specific hypercall 3. */
#define __HYPERVISOR_arch_3 51
/** Architecture-specific hypercall 4. */
#define __HYPERVISOR_arch_4 52
/** Architecture-specific hypercall 5. */
#define __HYPERVISOR_arch_5 53
/** Architecture-specific hypercall 6. */
#define __HYPERVISOR_arch_6 54
/** Last architecture-specific hypercall. */
#define __HYPERVISOR_arch_7 55
/** Per-vCPU timer VIRQ. */
#define VIRQ_TIMER 0
/** Per-vCPU request to dump debug state. */
#define VIRQ_DEBUG 1
/** Control domain: emergency console input. */
#define VIRQ_CONSOLE 2
/** Control domain: some domain hit an exceptional event. */
#define VIRQ_DOM_EXC 3
/** Control domain: trace buffers have records. */
#define VIRQ_TBUF 4
/** Control domain: a domain paused for a debugger. */
#define VIRQ_DEBUGGER 6
/** Per-vCPU Xenoprof sample available. */
#define VIRQ_XENOPROF 7
/** Control domain: console ring has input. */
#define VIRQ_CON_RING 8
/** Control domain: physical CPU state changed. */
#define VIRQ_PCPU_STATE 9
/** Control domain: a memory event happened. */
#define VIRQ_MEM_EVENT 10
/** Argo message notification. */
#define VIRQ_ARGO 11
/** Control domain: the hypervisor heap is low. */
#define VIRQ_ENOMEM 12
/** Per-vCPU PMU interrupt. */
#define VIRQ_XENPMU 13
/** First architecture-specific VIRQ. */
#define VIRQ_ARCH_0 16
/** Architecture-specific VIRQ 1. */
#define VIRQ_ARCH_1 17
/** Architecture-specific VIRQ 2. */
#define VIRQ_ARCH_2 18
/** Architecture-specific VIRQ 3. */
#define VIRQ_ARCH_3 19
/** Architecture-specific VIRQ 4. */
#define VIRQ_ARCH_4 20
/** Architecture-specific VIRQ 5. */
#define VIRQ_ARCH_5 21
/** Architecture-specific VIRQ 6. */
#define VIRQ_ARCH_6 22
/** Last architecture-specific VIRQ. */
#define VIRQ_ARCH_7 23
/** Number of VIRQs. */
#define NR_VIRQS 24
/** Checked PTE write. */
#define MMU_NORMAL_PT_UPDATE 0
/** Update the machine-to-phys entry of a frame. */
#define MMU_MACHPHYS_UPDATE 1
/** PTE write keeping the accessed and dirty bits. */
#define MMU_PT_UPDATE_PRESERVE_AD 2
/** Checked PTE write without translating the value. */
#define MMU_PT_UPDATE_NO_TRANSLATE 3
/** Pin an L1 page table. */
#define MMUEXT_PIN_L1_TABLE 0
/** Pin an L2 page table. */
#define MMUEXT_PIN_L2_TABLE 1
/** Pin an L3 page table. */
#define MMUEXT_PIN_L3_TABLE 2
/** Pin an L4 page table. */
#define MMUEXT_PIN_L4_TABLE 3
/** Unpin a page table. */
#define MMUEXT_UNPIN_TABLE 4
/** Switch the kernel page-table base. */
#define MMUEXT_NEW_BASEPTR 5
/** Flush the local TLB. */
#define MMUEXT_TLB_FLUSH_LOCAL 6
/** Invalidate one local TLB entry. */
#define MMUEXT_INVLPG_LOCAL 7
/** Flush the TLBs of a vCPU set. */
#define MMUEXT_TLB_FLUSH_MULTI 8
/** Invalidate one TLB entry on a vCPU set. */
#define MMUEXT_INVLPG_MULTI 9
/** Flush all TLBs. */
#define MMUEXT_TLB_FLUSH_ALL 10
/** Invalidate one TLB entry everywhere. */
#define MMUEXT_INVLPG_ALL 11
/** Write back and invalidate the local caches. */
#define MMUEXT_FLUSH_CACHE 12
/** Install an LDT. */
#define MMUEXT_SET_LDT 13
/** Switch the user page-table base (x86-64). */
#define MMUEXT_NEW_USER_BASEPTR 15
/** Zero a page. */
#define MMUEXT_CLEAR_PAGE 16
/** Copy a page. */
#define MMUEXT_COPY_PAGE 17
/** Write back and invalidate all caches. */
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
/** Mark a superpage (obsolete). */
#define MMUEXT_MARK_SUPER 19
/** Unmark a superpage (obsolete). */
#define MMUEXT_UNMARK_SUPER 20
/** No TLB flush. */
#define UVMF_NONE 0
/** Flush entire TLBs. */
#define UVMF_TLB_FLUSH 1
/** Flush one TLB entry. */
#define UVMF_INVLPG 2
/** Mask of the flush type. */
#define UVMF_FLUSHTYPE_MASK 3
/** Flush a vCPU set given by pointer. */
#define UVMF_MULTI 0
/** Flush the local TLB only. */
#define UVMF_LOCAL 0
/** Flush all TLBs. */
#define UVMF_ALL 0x4
/** Write to the hypervisor console. */
#define CONSOLEIO_write 0
/** Read from the hypervisor console. */
#define CONSOLEIO_read 1
/** Enable a VM assist. */
#define VMASST_CMD_enable 0
/** Disable a VM assist. */
#define VMASST_CMD_disable 1
/** Emulate 4GB segments. */
#define VMASST_TYPE_4gb_segments 0
/** Notify on 4GB segment emulation. */
#define VMASST_TYPE_4gb_segments_notify 1
/** Writable page tables. */
#define VMASST_TYPE_writable_pagetables 2
/** PAE guests may use extended CR3. */
#define VMASST_TYPE_pae_extended_cr3 3
/** Architectural IOPL handling. */
#define VMASST_TYPE_architectural_iopl 4
/** Runstate area update flag. */
#define VMASST_TYPE_runstate_update_flag 5
/** Strict machine-to-phys mappings. */
#define VMASST_TYPE_m2p_strict 32
/** First domid reserved for special meanings. */
#define DOMID_FIRST_RESERVED 0x7ff0
/** The calling domain. */
#define DOMID_SELF 0x7ff0
/** I/O (and MMIO) pseudo-domain. */
#define DOMID_IO 0x7ff1
/** Xen itself as the owner of its pages. */
#define DOMID_XEN 0x7ff2
/** Copy-on-write pseudo-domain owning shared pages. */
#define DOMID_COW 0x7ff3
/** No domain. */
#define DOMID_INVALID 0x7ff4
/** The idle domain. */
#define DOMID_IDLE 0x7fff
/** Mask of valid domid bits. */
#define DOMID_MASK 0x7fff
/** vcpu_time_info.flags: the TSC is stable across vCPUs. */
#define XEN_PVCLOCK_TSC_STABLE_BIT 0x1
/** vcpu_time_info.flags: the guest was stopped. */
#define XEN_PVCLOCK_GUEST_STOPPED 0x2
/** Length of start_info.cmd_line. */
#define MAX_GUEST_CMDLINE 1024
/** The domain is privileged. */
#define SIF_PRIVILEGED 0x1
/** The domain is the initial control domain. */
#define SIF_INITDOMAIN 0x2
/** mod_start is a multiboot module list. */
#define SIF_MULTIBOOT_MOD 0x4
/** mod_start is a pfn. */
#define SIF_MOD_START_PFN 0x8
/** The tools understand a virtually mapped p2m. */
#define SIF_VIRT_P2M_4TOOLS 0x10
/** Byte of flags reserved for power management. */
#define SIF_PM_MASK 0xff00
/** dom0 VGA console: text mode 3. */
#define XEN_VGATYPE_TEXT_MODE_3 0x3
/** dom0 VGA console: VESA linear frame buffer. */
#define XEN_VGATYPE_VESA_LFB 0x23
/** dom0 VGA console: EFI frame buffer. */
#define XEN_VGATYPE_EFI_LFB 0x70

/** One request of __HYPERVISOR_mmu_update. */
struct mmu_update {
    /** Machine address of the entry, command in the low 2 bits (MMU_*). */
    uint64_t ptr;
    /** New contents. */
    uint64_t val;
};
typedef struct mmu_update mmu_update_t;
XEN_RS_CHECK(mmu_update_size, sizeof(struct mmu_update) == 16);
XEN_RS_CHECK(mmu_update__ptr, offsetof(struct mmu_update, ptr) == 0);
XEN_RS_CHECK(mmu_update__val, offsetof(struct mmu_update, val) == 8);

/** One request of __HYPERVISOR_mmuext_op. */
struct mmuext_op {
    /** MMUEXT_* command. */
    uint32_t cmd;
    /** Padding before `arg1` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** First argument: a frame or a linear address (C: a union). */
    uint64_t arg1;
    /** Second argument: an entry count, a vCPU mask handle or a frame (C: a union). */
    uint64_t arg2;
};
typedef struct mmuext_op mmuext_op_t;
XEN_RS_CHECK(mmuext_op_size, sizeof(struct mmuext_op) == 24);
XEN_RS_CHECK(mmuext_op__cmd, offsetof(struct mmuext_op, cmd) == 0);
XEN_RS_CHECK(mmuext_op___pad0, offsetof(struct mmuext_op, _pad0) == 4);
XEN_RS_CHECK(mmuext_op__arg1, offsetof(struct mmuext_op, arg1) == 8);
XEN_RS_CHECK(mmuext_op__arg2, offsetof(struct mmuext_op, arg2) == 16);

/** One call of a __HYPERVISOR_multicall batch. */
struct multicall_entry {
    /** Hypercall number. */
    xen_ulong_t op;
    /** Its return value. */
    xen_ulong_t result;
    /** Its arguments. */
    xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;
XEN_RS_CHECK(multicall_entry_size, sizeof(struct multicall_entry) == 64);
XEN_RS_CHECK(multicall_entry__op, offsetof(struct multicall_entry, op) == 0);
XEN_RS_CHECK(multicall_entry__result, offsetof(struct multicall_entry, result) == 8);
XEN_RS_CHECK(multicall_entry__args, offsetof(struct multicall_entry, args) == 16);

/** Per-vCPU system time parameters (pvclock). */
struct vcpu_time_info {
    /** Odd while Xen updates the record. */
    uint32_t version;
    /** Reserved. */
    uint32_t pad0;
    /** TSC at the last update. */
    uint64_t tsc_timestamp;
    /** System time in ns at the last update. */
    uint64_t system_time;
    /** TSC to ns multiplier (32.32 fixed point). */
    uint32_t tsc_to_system_mul;
    /** TSC shift applied before the multiplication. */
    int8_t tsc_shift;
    /** XEN_PVCLOCK_* flags. */
    uint8_t flags;
    /** Reserved. */
    uint8_t pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;
XEN_RS_CHECK(vcpu_time_info_size, sizeof(struct vcpu_time_info) == 32);
XEN_RS_CHECK(vcpu_time_info__version, offsetof(struct vcpu_time_info, version) == 0);
XEN_RS_CHECK(vcpu_time_info__pad0, offsetof(struct vcpu_time_info, pad0) == 4);
XEN_RS_CHECK(vcpu_time_info__tsc_timestamp, offsetof(struct vcpu_time_info, tsc_timestamp) == 8);
XEN_RS_CHECK(vcpu_time_info__system_time, offsetof(struct vcpu_time_info, system_time) == 16);
XEN_RS_CHECK(vcpu_time_info__tsc_to_system_mul, offsetof(struct vcpu_time_info, tsc_to_system_mul) == 24);
XEN_RS_CHECK(vcpu_time_info__tsc_shift, offsetof(struct vcpu_time_info, tsc_shift) == 28);
XEN_RS_CHECK(vcpu_time_info__flags, offsetof(struct vcpu_time_info, flags) == 29);
XEN_RS_CHECK(vcpu_time_info__pad1, offsetof(struct vcpu_time_info, pad1) == 30);

/** Per-vCPU shared data: event upcall state and time. */
struct vcpu_info {
    /** An event is pending for this vCPU. */
    uint8_t evtchn_upcall_pending;
    /** Event upcalls are masked. */
    uint8_t evtchn_upcall_mask;
    /** Padding before `evtchn_pending_sel` (implicit padding in Xen's header). */
    uint8_t _pad0[6];
    /** Which words of shared_info.evtchn_pending to scan. */
    xen_ulong_t evtchn_pending_sel;
    /** Architecture-specific state. */
    struct arch_vcpu_info arch;
    /** Time parameters. */
    struct vcpu_time_info time;
};
typedef struct vcpu_info vcpu_info_t;
XEN_RS_CHECK(vcpu_info_size, sizeof(struct vcpu_info) == 64);
XEN_RS_CHECK(vcpu_info__evtchn_upcall_pending, offsetof(struct vcpu_info, evtchn_upcall_pending) == 0);
XEN_RS_CHECK(vcpu_info__evtchn_upcall_mask, offsetof(struct vcpu_info, evtchn_upcall_mask) == 1);
XEN_RS_CHECK(vcpu_info___pad0, offsetof(struct vcpu_info, _pad0) == 2);
XEN_RS_CHECK(vcpu_info__evtchn_pending_sel, offsetof(struct vcpu_info, evtchn_pending_sel) == 8);
XEN_RS_CHECK(vcpu_info__arch, offsetof(struct vcpu_info, arch) == 16);
XEN_RS_CHECK(vcpu_info__time, offsetof(struct vcpu_info, time) == 32);

/** The shared-info page of a domain. */
struct shared_info {
    /** vcpu_info of the first XEN_LEGACY_MAX_VCPUS vCPUs. */
    struct vcpu_info vcpu_info[32];
    /** 2-level event channel pending bitmap. */
    xen_ulong_t evtchn_pending[64];
    /** 2-level event channel mask bitmap. */
    xen_ulong_t evtchn_mask[64];
    /** Wallclock version, odd while updating. */
    uint32_t wc_version;
    /** Wallclock seconds at boot (low 32 bits). */
    uint32_t wc_sec;
    /** Wallclock nanoseconds at boot. */
    uint32_t wc_nsec;
    /** Wallclock seconds at boot (high 32 bits). */
    uint32_t wc_sec_hi;
    /** Architecture-specific state. */
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;
XEN_RS_CHECK(shared_info_size, sizeof(struct shared_info) == 3136);
XEN_RS_CHECK(shared_info__vcpu_info, offsetof(struct shared_info, vcpu_info) == 0);
XEN_RS_CHECK(shared_info__evtchn_pending, offsetof(struct shared_info, evtchn_pending) == 2048);
XEN_RS_CHECK(shared_info__evtchn_mask, offsetof(struct shared_info, evtchn_mask) == 2560);
XEN_RS_CHECK(shared_info__wc_version, offsetof(struct shared_info, wc_version) == 3072);
XEN_RS_CHECK(shared_info__wc_sec, offsetof(struct shared_info, wc_sec) == 3076);
XEN_RS_CHECK(shared_info__wc_nsec, offsetof(struct shared_info, wc_nsec) == 3080);
XEN_RS_CHECK(shared_info__wc_sec_hi, offsetof(struct shared_info, wc_sec_hi) == 3084);
XEN_RS_CHECK(shared_info__arch, offsetof(struct shared_info, arch) == 3088);

/** Start-of-day information of a PV guest. */
struct start_info {
    /** `xen-<version>-<platform>`. */
    char magic[32];
    /** Pages allocated to the domain. */
    uint64_t nr_pages;
    /** Machine address of shared_info. */
    uint64_t shared_info;
    /** SIF_* flags. */
    uint32_t flags;
    /** Padding before `store_mfn` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** Machine frame of the xenstore ring. */
    xen_pfn_t store_mfn;
    /** Event channel of the xenstore ring. */
    uint32_t store_evtchn;
    /** Padding before `console` (implicit padding in Xen's header). */
    uint8_t _pad1[4];
    /** Console: {mfn, evtchn} for a domU, {info_off, info_size} for dom0 (C: a union). */
    uint64_t console[2];
    /** Virtual address of the initial page directory. */
    uint64_t pt_base;
    /** Number of bootstrap page-table frames. */
    uint64_t nr_pt_frames;
    /** Virtual address of the page-frame list. */
    uint64_t mfn_list;
    /** Virtual address (or pfn) of the first module. */
    uint64_t mod_start;
    /** Size of the first module. */
    uint64_t mod_len;
    /** Kernel command line. */
    int8_t cmd_line[1024];
    /** First pfn of the initial p2m table. */
    uint64_t first_p2m_pfn;
    /** Number of pfns of the initial p2m table. */
    uint64_t nr_p2m_frames;
};
typedef struct start_info start_info_t;
XEN_RS_CHECK(start_info_size, sizeof(struct start_info) == 1168);
XEN_RS_CHECK(start_info__magic, offsetof(struct start_info, magic) == 0);
XEN_RS_CHECK(start_info__nr_pages, offsetof(struct start_info, nr_pages) == 32);
XEN_RS_CHECK(start_info__shared_info, offsetof(struct start_info, shared_info) == 40);
XEN_RS_CHECK(start_info__flags, offsetof(struct start_info, flags) == 48);
XEN_RS_CHECK(start_info___pad0, offsetof(struct start_info, _pad0) == 52);
XEN_RS_CHECK(start_info__store_mfn, offsetof(struct start_info, store_mfn) == 56);
XEN_RS_CHECK(start_info__store_evtchn, offsetof(struct start_info, store_evtchn) == 64);
XEN_RS_CHECK(start_info___pad1, offsetof(struct start_info, _pad1) == 68);
XEN_RS_CHECK(start_info__console, offsetof(struct start_info, console) == 72);
XEN_RS_CHECK(start_info__pt_base, offsetof(struct start_info, pt_base) == 88);
XEN_RS_CHECK(start_info__nr_pt_frames, offsetof(struct start_info, nr_pt_frames) == 96);
XEN_RS_CHECK(start_info__mfn_list, offsetof(struct start_info, mfn_list) == 104);
XEN_RS_CHECK(start_info__mod_start, offsetof(struct start_info, mod_start) == 112);
XEN_RS_CHECK(start_info__mod_len, offsetof(struct start_info, mod_len) == 120);
XEN_RS_CHECK(start_info__cmd_line, offsetof(struct start_info, cmd_line) == 128);
XEN_RS_CHECK(start_info__first_p2m_pfn, offsetof(struct start_info, first_p2m_pfn) == 1152);
XEN_RS_CHECK(start_info__nr_p2m_frames, offsetof(struct start_info, nr_p2m_frames) == 1160);

/** One module of a multiboot module list handed to a PV dom0. */
struct xen_multiboot_mod_list {
    /** First byte of the module. */
    uint32_t mod_start;
    /** Last byte of the module. */
    uint32_t mod_end;
    /** Address of its command line. */
    uint32_t cmdline;
    /** Must be zero. */
    uint32_t pad;
};
typedef struct xen_multiboot_mod_list xen_multiboot_mod_list_t;
XEN_RS_CHECK(xen_multiboot_mod_list_size, sizeof(struct xen_multiboot_mod_list) == 16);
XEN_RS_CHECK(xen_multiboot_mod_list__mod_start, offsetof(struct xen_multiboot_mod_list, mod_start) == 0);
XEN_RS_CHECK(xen_multiboot_mod_list__mod_end, offsetof(struct xen_multiboot_mod_list, mod_end) == 4);
XEN_RS_CHECK(xen_multiboot_mod_list__cmdline, offsetof(struct xen_multiboot_mod_list, cmdline) == 8);
XEN_RS_CHECK(xen_multiboot_mod_list__pad, offsetof(struct xen_multiboot_mod_list, pad) == 12);

/** A bitmap passed by the toolstack (CPU or node masks). */
struct xenctl_bitmap {
    /** The bits. */
    XEN_RS_GUEST_HANDLE(uint8_t) bitmap;
    /** Number of valid bits. */
    uint32_t nr_bits;
    /** Padding after `nr_bits` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
};
typedef struct xenctl_bitmap xenctl_bitmap_t;
XEN_RS_CHECK(xenctl_bitmap_size, sizeof(struct xenctl_bitmap) == 16);
XEN_RS_CHECK(xenctl_bitmap__bitmap, offsetof(struct xenctl_bitmap, bitmap) == 0);
XEN_RS_CHECK(xenctl_bitmap__nr_bits, offsetof(struct xenctl_bitmap, nr_bits) == 8);
XEN_RS_CHECK(xenctl_bitmap___pad0, offsetof(struct xenctl_bitmap, _pad0) == 12);

/** Console information handed to a PV dom0 (at start_info.console.dom0.info_off). */
struct dom0_vga_console_info {
    /** XEN_VGATYPE_*. */
    uint8_t video_type;
    /** Padding before `u` (implicit padding in Xen's header). */
    uint8_t _pad0[3];
    /** Text-mode or frame-buffer geometry (C: a union). */
    uint32_t u[9];
};
typedef struct dom0_vga_console_info dom0_vga_console_info_t;
XEN_RS_CHECK(dom0_vga_console_info_size, sizeof(struct dom0_vga_console_info) == 40);
XEN_RS_CHECK(dom0_vga_console_info__video_type, offsetof(struct dom0_vga_console_info, video_type) == 0);
XEN_RS_CHECK(dom0_vga_console_info___pad0, offsetof(struct dom0_vga_console_info, _pad0) == 1);
XEN_RS_CHECK(dom0_vga_console_info__u, offsetof(struct dom0_vga_console_info, u) == 4);

#endif /* XEN_RS_XEN_H */
