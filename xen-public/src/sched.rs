//! Scheduler operations (public/sched.h): `__HYPERVISOR_sched_op`.

use crate::abi::GuestHandle;
use crate::event_channel::evtchn_port_t;
use crate::xen::domid_t;

crate::xen_consts! {
    header "sched.h";
    /// Give up the CPU voluntarily.
    pub const SCHEDOP_yield: u32 = 0;
    /// Block until an event arrives.
    pub const SCHEDOP_block: u32 = 1;
    /// Shut the caller down (sched_shutdown).
    pub const SCHEDOP_shutdown: u32 = 2;
    /// Block until one of some ports is pending (sched_poll).
    pub const SCHEDOP_poll: u32 = 3;
    /// Shut another domain down (sched_remote_shutdown).
    pub const SCHEDOP_remote_shutdown: u32 = 4;
    /// Record a shutdown code without shutting down.
    pub const SCHEDOP_shutdown_code: u32 = 5;
    /// Arm or disarm a domain watchdog.
    pub const SCHEDOP_watchdog: u32 = 6;
    /// Temporarily pin the vCPU to a physical CPU.
    pub const SCHEDOP_pin_override: u32 = 7;
    /// Shutdown reason: power off.
    pub const SHUTDOWN_poweroff: u32 = 0;
    /// Shutdown reason: reboot.
    pub const SHUTDOWN_reboot: u32 = 1;
    /// Shutdown reason: suspend (save state).
    pub const SHUTDOWN_suspend: u32 = 2;
    /// Shutdown reason: the guest crashed.
    pub const SHUTDOWN_crash: u32 = 3;
    /// Shutdown reason: the watchdog fired.
    pub const SHUTDOWN_watchdog: u32 = 4;
    /// Shutdown reason: soft reset.
    pub const SHUTDOWN_soft_reset: u32 = 5;
    /// Highest shutdown reason.
    pub const SHUTDOWN_MAX: u32 = 5;
}

crate::xen_structs! {
    header "sched.h";

    /// SCHEDOP_shutdown and SCHEDOP_shutdown_code.
    pub struct sched_shutdown: size 4, align 4 {
        /// SHUTDOWN_* reason.
        pub reason: u32 => 0,
    }

    /// SCHEDOP_poll.
    pub struct sched_poll: size 24, align 8 {
        /// Ports to wait on.
        pub ports: GuestHandle<evtchn_port_t> as "evtchn_port_t" => 0,
        /// Number of ports.
        pub nr_ports: u32 => 8,
        /// Padding before `timeout`.
        pad _pad0: [u8; 4] => 12,
        /// Absolute timeout in ns of system time, 0 for none.
        pub timeout: u64 => 16,
    }

    /// SCHEDOP_remote_shutdown.
    pub struct sched_remote_shutdown: size 8, align 4 {
        /// Domain to shut down.
        pub domain_id: domid_t as "domid_t" => 0,
        /// Padding before `reason`.
        pad _pad0: [u8; 2] => 2,
        /// SHUTDOWN_* reason.
        pub reason: u32 => 4,
    }

    /// SCHEDOP_watchdog.
    pub struct sched_watchdog: size 8, align 4 {
        /// Watchdog id, 0 to allocate one.
        pub id: u32 => 0,
        /// Timeout in seconds, 0 to disarm.
        pub timeout: u32 => 4,
    }

    /// SCHEDOP_pin_override.
    pub struct sched_pin_override: size 4, align 4 {
        /// Physical CPU, or -1 to end the override.
        pub pcpu: i32 => 0,
    }
}
