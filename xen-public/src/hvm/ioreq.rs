//! I/O requests between Xen and device models (public/hvm/ioreq.h).

crate::xen_consts! {
    header "hvm/ioreq.h";
    /// ioreq.dir: read.
    pub const IOREQ_READ: u32 = 1;
    /// ioreq.dir: write.
    pub const IOREQ_WRITE: u32 = 0;
    /// ioreq.state: slot free.
    pub const STATE_IOREQ_NONE: u32 = 0;
    /// ioreq.state: request posted for the device model.
    pub const STATE_IOREQ_READY: u32 = 1;
    /// ioreq.state: the device model is handling it.
    pub const STATE_IOREQ_INPROCESS: u32 = 2;
    /// ioreq.state: response ready for Xen.
    pub const STATE_IORESP_READY: u32 = 3;
    /// ioreq.type: port I/O.
    pub const IOREQ_TYPE_PIO: u32 = 0;
    /// ioreq.type: MMIO.
    pub const IOREQ_TYPE_COPY: u32 = 1;
    /// ioreq.type: PCI config space access.
    pub const IOREQ_TYPE_PCI_CONFIG: u32 = 2;
    /// ioreq.type: the guest's RTC offset changed.
    pub const IOREQ_TYPE_TIMEOFFSET: u32 = 7;
    /// ioreq.type: invalidate the device model's map cache.
    pub const IOREQ_TYPE_INVALIDATE: u32 = 8;
    /// Slots in the buffered ioreq page.
    pub const IOREQ_BUFFER_SLOT_NUM: u32 = 511;
    /// ACPI PM1a event block, legacy location.
    pub const ACPI_PM1A_EVT_BLK_ADDRESS_V0: u32 = 0x1f40;
    /// ACPI PM1a control block, legacy location.
    pub const ACPI_PM1A_CNT_BLK_ADDRESS_V0: u32 = ACPI_PM1A_EVT_BLK_ADDRESS_V0 + 0x04;
    /// ACPI PM timer block, legacy location.
    pub const ACPI_PM_TMR_BLK_ADDRESS_V0: u32 = ACPI_PM1A_EVT_BLK_ADDRESS_V0 + 0x08;
    /// ACPI GPE0 block, legacy location.
    pub const ACPI_GPE0_BLK_ADDRESS_V0: u32 = ACPI_PM_TMR_BLK_ADDRESS_V0 + 0x20;
    /// ACPI GPE0 block length, legacy location.
    pub const ACPI_GPE0_BLK_LEN_V0: u32 = 0x08;
    /// ACPI PM1a event block, new location.
    pub const ACPI_PM1A_EVT_BLK_ADDRESS_V1: u32 = 0xb000;
    /// ACPI PM1a control block, new location.
    pub const ACPI_PM1A_CNT_BLK_ADDRESS_V1: u32 = ACPI_PM1A_EVT_BLK_ADDRESS_V1 + 0x04;
    /// ACPI PM timer block, new location.
    pub const ACPI_PM_TMR_BLK_ADDRESS_V1: u32 = ACPI_PM1A_EVT_BLK_ADDRESS_V1 + 0x08;
    /// ACPI GPE0 block, new location.
    pub const ACPI_GPE0_BLK_ADDRESS_V1: u32 = 0xafe0;
    /// ACPI GPE0 block length, new location.
    pub const ACPI_GPE0_BLK_LEN_V1: u32 = 0x04;
}

crate::xen_structs! {
    header "hvm/ioreq.h";

    /// One synchronous I/O request (one per vCPU in the ioreq page).
    pub struct ioreq: size 32, align 8 {
        /// Physical address or port.
        pub addr: u64 => 0,
        /// Data, or the guest-physical address of the data if data_is_ptr.
        pub data: u64 => 8,
        /// Repeat count (rep prefixes).
        pub count: u32 => 16,
        /// Access size in bytes.
        pub size: u32 => 20,
        /// Event channel for notifications.
        pub vp_eport: u32 => 24,
        /// Reserved.
        pub _pad0: u16 => 28,
        /// C bit-fields: state:4, data_is_ptr:1, dir:1, df:1, _pad1:1 (see the accessors).
        bits state_bits: u8 => 30,
        /// IOREQ_TYPE_*.
        pub r#type: u8 => 31,
    }

    /// The synchronous ioreq page: one ioreq per vCPU (C declares one element).
    pub struct shared_iopage: size 32, align 8 {
        /// Requests indexed by vCPU id.
        pub vcpu_ioreq: [ioreq; 1] => 0,
    }

    /// One buffered I/O request (writes only).
    pub struct buf_ioreq: size 8, align 4 {
        /// IOREQ_TYPE_*.
        pub r#type: u8 => 0,
        /// C bit-fields: pad:1, dir:1, size:2 in byte 1, addr:20 in bits 12-31 of the first word.
        bits bits: [u8; 3] => 1,
        /// Data.
        pub data: u32 => 4,
    }

    /// The buffered ioreq page: a ring of buf_ioreq.
    pub struct buffered_iopage: size 4096, align 4 {
        /// Consumer index.
        pub read_pointer: u32 => 0,
        /// Producer index.
        pub write_pointer: u32 => 4,
        /// The ring.
        pub buf_ioreq: [buf_ioreq; 511] => 8,
    }
}

impl ioreq {
    /// STATE_* of the request.
    pub const fn state(&self) -> u8 {
        self.state_bits & 0xf
    }

    /// Whether `data` is the guest-physical address of the data.
    pub const fn data_is_ptr(&self) -> bool {
        self.state_bits & (1 << 4) != 0
    }

    /// IOREQ_READ or IOREQ_WRITE.
    pub const fn dir(&self) -> u8 {
        (self.state_bits >> 5) & 1
    }

    /// Direction flag for rep operations.
    pub const fn df(&self) -> bool {
        self.state_bits & (1 << 6) != 0
    }

    /// Sets the bit-fields from their values.
    pub const fn set_bits(&mut self, state: u8, data_is_ptr: bool, dir: u8, df: bool) {
        self.state_bits =
            (state & 0xf) | ((data_is_ptr as u8) << 4) | ((dir & 1) << 5) | ((df as u8) << 6);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zerocopy::FromZeros;

    #[test]
    fn bit_fields_round_trip() {
        let mut r = ioreq::new_zeroed();
        r.set_bits(STATE_IOREQ_READY as u8, true, IOREQ_READ as u8, false);
        assert_eq!(r.state(), STATE_IOREQ_READY as u8);
        assert!(r.data_is_ptr() && !r.df());
        assert_eq!(r.dir(), IOREQ_READ as u8);
        assert_eq!(r.state_bits, 0x31);
    }
}
