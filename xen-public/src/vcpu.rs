//! vCPU operations (public/vcpu.h): `__HYPERVISOR_vcpu_op`.

use crate::abi::GuestHandle;

crate::xen_consts! {
    header "vcpu.h";
    /// Set a vCPU's initial state before it first runs.
    pub const VCPUOP_initialise: u32 = 0;
    /// Bring a vCPU up.
    pub const VCPUOP_up: u32 = 1;
    /// Take a vCPU down.
    pub const VCPUOP_down: u32 = 2;
    /// Whether a vCPU is up.
    pub const VCPUOP_is_up: u32 = 3;
    /// Read a vCPU's runstate.
    pub const VCPUOP_get_runstate_info: u32 = 4;
    /// Runstate: running.
    pub const RUNSTATE_running: u32 = 0;
    /// Runstate: runnable, waiting for a CPU.
    pub const RUNSTATE_runnable: u32 = 1;
    /// Runstate: blocked.
    pub const RUNSTATE_blocked: u32 = 2;
    /// Runstate: offline.
    pub const RUNSTATE_offline: u32 = 3;
    /// state_entry_time bit set while Xen updates the runstate area.
    pub const XEN_RUNSTATE_UPDATE: u64 = 1 << 63;
    /// Register an area Xen keeps the runstate in.
    pub const VCPUOP_register_runstate_memory_area: u32 = 5;
    /// Start a periodic timer.
    pub const VCPUOP_set_periodic_timer: u32 = 6;
    /// Stop the periodic timer.
    pub const VCPUOP_stop_periodic_timer: u32 = 7;
    /// Set a one-shot timer.
    pub const VCPUOP_set_singleshot_timer: u32 = 8;
    /// Stop the one-shot timer.
    pub const VCPUOP_stop_singleshot_timer: u32 = 9;
    /// Bit number of `VCPU_SSHOTTMR_future`.
    pub const _VCPU_SSHOTTMR_future: u32 = 0;
    /// Fail with -ETIME if the timeout is in the past.
    pub const VCPU_SSHOTTMR_future: u32 = 1 << _VCPU_SSHOTTMR_future;
    /// Move a vCPU's vcpu_info to a guest page.
    pub const VCPUOP_register_vcpu_info: u32 = 10;
    /// Send an NMI to a vCPU.
    pub const VCPUOP_send_nmi: u32 = 11;
    /// Physical CPU id of a vCPU (dom0).
    pub const VCPUOP_get_physid: u32 = 12;
    /// Register an area Xen keeps a copy of vcpu_time_info in.
    pub const VCPUOP_register_vcpu_time_memory_area: u32 = 13;
}

crate::xen_structs! {
    header "vcpu.h";

    /// VCPUOP_get_runstate_info.
    pub struct vcpu_runstate_info: size 48, align 8 {
        /// RUNSTATE_*.
        pub state: i32 => 0,
        /// Padding before `state_entry_time`.
        pad _pad0: [u8; 4] => 4,
        /// System time of the last state change.
        pub state_entry_time: u64 => 8,
        /// Time spent in each state.
        pub time: [u64; 4] => 16,
    }

    /// VCPUOP_register_runstate_memory_area.
    pub struct vcpu_register_runstate_memory_area: size 8, align 8 {
        /// Guest address of the area (C: a union of handle, pointer and u64).
        pub addr: GuestHandle<vcpu_runstate_info> => 0,
    }

    /// VCPUOP_set_periodic_timer.
    pub struct vcpu_set_periodic_timer: size 8, align 8 {
        /// Period in ns.
        pub period_ns: u64 => 0,
    }

    /// VCPUOP_set_singleshot_timer.
    pub struct vcpu_set_singleshot_timer: size 16, align 8 {
        /// Absolute system time of the timeout in ns.
        pub timeout_abs_ns: u64 => 0,
        /// VCPU_SSHOTTMR_* flags.
        pub flags: u32 => 8,
        /// Padding after `flags`.
        pad _pad0: [u8; 4] => 12,
    }

    /// VCPUOP_register_vcpu_info.
    pub struct vcpu_register_vcpu_info: size 16, align 8 {
        /// Guest frame to place vcpu_info in.
        pub mfn: u64 => 0,
        /// Offset in that frame.
        pub offset: u32 => 8,
        /// Unused.
        pub rsvd: u32 => 12,
    }

    /// VCPUOP_get_physid.
    pub struct vcpu_get_physid: size 8, align 8 {
        /// APIC id (low 32 bits) and ACPI id (high 32 bits).
        pub phys_id: u64 => 0,
    }

    /// VCPUOP_register_vcpu_time_memory_area.
    pub struct vcpu_register_time_memory_area: size 8, align 8 {
        /// Guest address of the area (C: a union of handle, pointer and u64).
        pub addr: GuestHandle<crate::xen::vcpu_time_info> => 0,
    }
}
