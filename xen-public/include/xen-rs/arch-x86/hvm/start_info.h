/* xen-rs/arch-x86/hvm/start_info.h: Xen's public/arch-x86/hvm/start_info.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_ARCH_X86_HVM_START_INFO_H
#define XEN_RS_ARCH_X86_HVM_START_INFO_H

#include "../../abi-types.h"

/** hvm_start_info.magic. */
#define XEN_HVM_START_MAGIC_VALUE 0x336ec578
/** Memory map entry: usable RAM. */
#define XEN_HVM_MEMMAP_TYPE_RAM 1
/** Memory map entry: reserved. */
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2
/** Memory map entry: ACPI tables, reclaimable. */
#define XEN_HVM_MEMMAP_TYPE_ACPI 3
/** Memory map entry: ACPI non-volatile storage. */
#define XEN_HVM_MEMMAP_TYPE_NVS 4
/** Memory map entry: unusable (errors detected). */
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE 5
/** Memory map entry: disabled. */
#define XEN_HVM_MEMMAP_TYPE_DISABLED 6
/** Memory map entry: persistent memory. */
#define XEN_HVM_MEMMAP_TYPE_PMEM 7

/** Start-of-day information of a PVH guest (version 0 ends at memmap_paddr). */
struct hvm_start_info {
    /** XEN_HVM_START_MAGIC_VALUE. */
    uint32_t magic;
    /** Version of the structure (0 or 1). */
    uint32_t version;
    /** SIF_* flags. */
    uint32_t flags;
    /** Number of modules. */
    uint32_t nr_modules;
    /** Physical address of the hvm_modlist_entry array. */
    uint64_t modlist_paddr;
    /** Physical address of the command line. */
    uint64_t cmdline_paddr;
    /** Physical address of the ACPI RSDP. */
    uint64_t rsdp_paddr;
    /** Version 1: physical address of the hvm_memmap_table_entry array. */
    uint64_t memmap_paddr;
    /** Version 1: number of memory map entries. */
    uint32_t memmap_entries;
    /** Must be zero. */
    uint32_t reserved;
};
typedef struct hvm_start_info hvm_start_info_t;
XEN_RS_CHECK(hvm_start_info_size, sizeof(struct hvm_start_info) == 56);
XEN_RS_CHECK(hvm_start_info__magic, offsetof(struct hvm_start_info, magic) == 0);
XEN_RS_CHECK(hvm_start_info__version, offsetof(struct hvm_start_info, version) == 4);
XEN_RS_CHECK(hvm_start_info__flags, offsetof(struct hvm_start_info, flags) == 8);
XEN_RS_CHECK(hvm_start_info__nr_modules, offsetof(struct hvm_start_info, nr_modules) == 12);
XEN_RS_CHECK(hvm_start_info__modlist_paddr, offsetof(struct hvm_start_info, modlist_paddr) == 16);
XEN_RS_CHECK(hvm_start_info__cmdline_paddr, offsetof(struct hvm_start_info, cmdline_paddr) == 24);
XEN_RS_CHECK(hvm_start_info__rsdp_paddr, offsetof(struct hvm_start_info, rsdp_paddr) == 32);
XEN_RS_CHECK(hvm_start_info__memmap_paddr, offsetof(struct hvm_start_info, memmap_paddr) == 40);
XEN_RS_CHECK(hvm_start_info__memmap_entries, offsetof(struct hvm_start_info, memmap_entries) == 48);
XEN_RS_CHECK(hvm_start_info__reserved, offsetof(struct hvm_start_info, reserved) == 52);

/** One module handed to a PVH kernel. */
struct hvm_modlist_entry {
    /** Physical address of the module. */
    uint64_t paddr;
    /** Size in bytes. */
    uint64_t size;
    /** Physical address of its command line. */
    uint64_t cmdline_paddr;
    /** Must be zero. */
    uint64_t reserved;
};
typedef struct hvm_modlist_entry hvm_modlist_entry_t;
XEN_RS_CHECK(hvm_modlist_entry_size, sizeof(struct hvm_modlist_entry) == 32);
XEN_RS_CHECK(hvm_modlist_entry__paddr, offsetof(struct hvm_modlist_entry, paddr) == 0);
XEN_RS_CHECK(hvm_modlist_entry__size, offsetof(struct hvm_modlist_entry, size) == 8);
XEN_RS_CHECK(hvm_modlist_entry__cmdline_paddr, offsetof(struct hvm_modlist_entry, cmdline_paddr) == 16);
XEN_RS_CHECK(hvm_modlist_entry__reserved, offsetof(struct hvm_modlist_entry, reserved) == 24);

/** One entry of the PVH memory map. */
struct hvm_memmap_table_entry {
    /** Base address. */
    uint64_t addr;
    /** Size in bytes. */
    uint64_t size;
    /** XEN_HVM_MEMMAP_TYPE_*. */
    uint32_t type;
    /** Must be zero. */
    uint32_t reserved;
};
typedef struct hvm_memmap_table_entry hvm_memmap_table_entry_t;
XEN_RS_CHECK(hvm_memmap_table_entry_size, sizeof(struct hvm_memmap_table_entry) == 24);
XEN_RS_CHECK(hvm_memmap_table_entry__addr, offsetof(struct hvm_memmap_table_entry, addr) == 0);
XEN_RS_CHECK(hvm_memmap_table_entry__size, offsetof(struct hvm_memmap_table_entry, size) == 8);
XEN_RS_CHECK(hvm_memmap_table_entry__type, offsetof(struct hvm_memmap_table_entry, type) == 16);
XEN_RS_CHECK(hvm_memmap_table_entry__reserved, offsetof(struct hvm_memmap_table_entry, reserved) == 20);

#endif /* XEN_RS_ARCH_X86_HVM_START_INFO_H */
