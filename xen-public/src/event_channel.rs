//! Event channels (public/event_channel.h): `__HYPERVISOR_event_channel_op`.

use crate::xen::domid_t;

crate::xen_typedefs! {
    header "event_channel.h";
    /// An event channel port.
    pub type evtchn_port_t = u32;
    /// One event word of the FIFO ABI.
    pub type event_word_t = u32;
}

crate::xen_consts! {
    header "event_channel.h";
    /// Connect to a port another domain allocated.
    pub const EVTCHNOP_bind_interdomain: u32 = 0;
    /// Bind a VIRQ to a port.
    pub const EVTCHNOP_bind_virq: u32 = 1;
    /// Bind a physical IRQ to a port.
    pub const EVTCHNOP_bind_pirq: u32 = 2;
    /// Close a port.
    pub const EVTCHNOP_close: u32 = 3;
    /// Notify the remote end of a port.
    pub const EVTCHNOP_send: u32 = 4;
    /// Query a port's status.
    pub const EVTCHNOP_status: u32 = 5;
    /// Allocate a port for a remote domain to bind.
    pub const EVTCHNOP_alloc_unbound: u32 = 6;
    /// Allocate an inter-vCPU IPI port.
    pub const EVTCHNOP_bind_ipi: u32 = 7;
    /// Move a port's notifications to another vCPU.
    pub const EVTCHNOP_bind_vcpu: u32 = 8;
    /// Unmask a port.
    pub const EVTCHNOP_unmask: u32 = 9;
    /// Close all ports of a domain.
    pub const EVTCHNOP_reset: u32 = 10;
    /// Switch to the FIFO ABI with a vCPU's control block.
    pub const EVTCHNOP_init_control: u32 = 11;
    /// Add a page of FIFO event words.
    pub const EVTCHNOP_expand_array: u32 = 12;
    /// Set a port's FIFO priority.
    pub const EVTCHNOP_set_priority: u32 = 13;
    /// bind_pirq flag: the IRQ may be shared.
    pub const BIND_PIRQ__WILL_SHARE: u32 = 1;
    /// Port status: free.
    pub const EVTCHNSTAT_closed: u32 = 0;
    /// Port status: waiting for a remote domain to bind.
    pub const EVTCHNSTAT_unbound: u32 = 1;
    /// Port status: connected to another domain.
    pub const EVTCHNSTAT_interdomain: u32 = 2;
    /// Port status: bound to a physical IRQ.
    pub const EVTCHNSTAT_pirq: u32 = 3;
    /// Port status: bound to a VIRQ.
    pub const EVTCHNSTAT_virq: u32 = 4;
    /// Port status: bound to an IPI.
    pub const EVTCHNSTAT_ipi: u32 = 5;
    /// Ports of the 2-level ABI on a 64-bit guest.
    pub const EVTCHN_2L_NR_CHANNELS: u64 = 8 * 8 * 64;
    /// Highest FIFO priority.
    pub const EVTCHN_FIFO_PRIORITY_MAX: u32 = 0;
    /// Default FIFO priority.
    pub const EVTCHN_FIFO_PRIORITY_DEFAULT: u32 = 7;
    /// Lowest FIFO priority.
    pub const EVTCHN_FIFO_PRIORITY_MIN: u32 = 15;
    /// Number of FIFO queues.
    pub const EVTCHN_FIFO_MAX_QUEUES: u32 = EVTCHN_FIFO_PRIORITY_MIN + 1;
    /// Event word bit: pending.
    pub const EVTCHN_FIFO_PENDING: u32 = 31;
    /// Event word bit: masked.
    pub const EVTCHN_FIFO_MASKED: u32 = 30;
    /// Event word bit: linked in a queue.
    pub const EVTCHN_FIFO_LINKED: u32 = 29;
    /// Event word bit: being unlinked.
    pub const EVTCHN_FIFO_BUSY: u32 = 28;
    /// Width of the link field of an event word.
    pub const EVTCHN_FIFO_LINK_BITS: u32 = 17;
    /// Mask of the link field.
    pub const EVTCHN_FIFO_LINK_MASK: u32 = (1 << EVTCHN_FIFO_LINK_BITS) - 1;
    /// Ports of the FIFO ABI.
    pub const EVTCHN_FIFO_NR_CHANNELS: u32 = 1 << EVTCHN_FIFO_LINK_BITS;
}

crate::xen_structs! {
    header "event_channel.h";

    /// EVTCHNOP_alloc_unbound.
    pub struct evtchn_alloc_unbound: size 8, align 4 {
        /// Domain allocating the port.
        pub dom: domid_t as "domid_t" => 0,
        /// Domain allowed to bind it.
        pub remote_dom: domid_t as "domid_t" => 2,
        /// Out: the port.
        pub port: evtchn_port_t as "evtchn_port_t" => 4,
    }

    /// EVTCHNOP_bind_interdomain.
    pub struct evtchn_bind_interdomain: size 12, align 4 {
        /// Remote domain.
        pub remote_dom: domid_t as "domid_t" => 0,
        /// Padding before `remote_port`.
        pad _pad0: [u8; 2] => 2,
        /// Remote port.
        pub remote_port: evtchn_port_t as "evtchn_port_t" => 4,
        /// Out: local port.
        pub local_port: evtchn_port_t as "evtchn_port_t" => 8,
    }

    /// EVTCHNOP_bind_virq.
    pub struct evtchn_bind_virq: size 12, align 4 {
        /// VIRQ_*.
        pub virq: u32 => 0,
        /// vCPU to notify.
        pub vcpu: u32 => 4,
        /// Out: the port.
        pub port: evtchn_port_t as "evtchn_port_t" => 8,
    }

    /// EVTCHNOP_bind_pirq.
    pub struct evtchn_bind_pirq: size 12, align 4 {
        /// Physical IRQ.
        pub pirq: u32 => 0,
        /// BIND_PIRQ__* flags.
        pub flags: u32 => 4,
        /// Out: the port.
        pub port: evtchn_port_t as "evtchn_port_t" => 8,
    }

    /// EVTCHNOP_bind_ipi.
    pub struct evtchn_bind_ipi: size 8, align 4 {
        /// vCPU to notify.
        pub vcpu: u32 => 0,
        /// Out: the port.
        pub port: evtchn_port_t as "evtchn_port_t" => 4,
    }

    /// EVTCHNOP_close.
    pub struct evtchn_close: size 4, align 4 {
        /// Port to close.
        pub port: evtchn_port_t as "evtchn_port_t" => 0,
    }

    /// EVTCHNOP_send.
    pub struct evtchn_send: size 4, align 4 {
        /// Port to notify through.
        pub port: evtchn_port_t as "evtchn_port_t" => 0,
    }

    /// EVTCHNOP_status.
    pub struct evtchn_status: size 24, align 4 {
        /// Domain owning the port.
        pub dom: domid_t as "domid_t" => 0,
        /// Padding before `port`.
        pad _pad0: [u8; 2] => 2,
        /// Port queried.
        pub port: evtchn_port_t as "evtchn_port_t" => 4,
        /// Out: EVTCHNSTAT_*.
        pub status: u32 => 8,
        /// Out: vCPU notified.
        pub vcpu: u32 => 12,
        /// Out: per-status details (C: a union of unbound/interdomain/pirq/virq).
        pub u: [u32; 2] => 16,
    }

    /// EVTCHNOP_bind_vcpu.
    pub struct evtchn_bind_vcpu: size 8, align 4 {
        /// Port.
        pub port: evtchn_port_t as "evtchn_port_t" => 0,
        /// vCPU to notify from now on.
        pub vcpu: u32 => 4,
    }

    /// EVTCHNOP_unmask.
    pub struct evtchn_unmask: size 4, align 4 {
        /// Port to unmask.
        pub port: evtchn_port_t as "evtchn_port_t" => 0,
    }

    /// EVTCHNOP_reset.
    pub struct evtchn_reset: size 2, align 2 {
        /// Domain whose ports are closed.
        pub dom: domid_t as "domid_t" => 0,
    }

    /// EVTCHNOP_init_control.
    pub struct evtchn_init_control: size 24, align 8 {
        /// Guest frame of the control block.
        pub control_gfn: u64 => 0,
        /// Offset of the control block in that frame.
        pub offset: u32 => 8,
        /// vCPU the block belongs to.
        pub vcpu: u32 => 12,
        /// Out: width of the link field.
        pub link_bits: u8 => 16,
        /// Reserved.
        pub _pad: [u8; 7] => 17,
    }

    /// EVTCHNOP_expand_array.
    pub struct evtchn_expand_array: size 8, align 8 {
        /// Guest frame of the new event-word page.
        pub array_gfn: u64 => 0,
    }

    /// EVTCHNOP_set_priority.
    pub struct evtchn_set_priority: size 8, align 4 {
        /// Port.
        pub port: evtchn_port_t as "evtchn_port_t" => 0,
        /// EVTCHN_FIFO_PRIORITY_* value.
        pub priority: u32 => 4,
    }

    /// The old single-argument form of event_channel_op.
    pub struct evtchn_op: size 28, align 4 {
        /// EVTCHNOP_*.
        pub cmd: u32 => 0,
        /// The operation's struct (C: a union).
        pub u: [u32; 6] => 4,
    }

    /// Per-vCPU control block of the FIFO ABI.
    pub struct evtchn_fifo_control_block: size 72, align 4 {
        /// Bitmap of non-empty queues.
        pub ready: u32 => 0,
        /// Reserved.
        pub _rsvd: u32 => 4,
        /// Head port of each queue.
        pub head: [u32; 16] => 8,
    }
}
