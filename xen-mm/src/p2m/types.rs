//! p2m types and access rights, with Xen's numbers (xen/arch/x86/include/asm/p2m.h, `p2m_type_t`,
//! `p2m_access_t`) and its type classes (`P2M_*_TYPES`, the `p2m_is_*` predicates).

/// What a guest frame is (`p2m_type_t`). The numbers are Xen's; they are stored in entries'
/// software bits, so a type is recoverable from the hardware entry alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum P2mType {
    /// Normal read/write guest RAM.
    RamRw = 0,
    /// Nothing mapped.
    Invalid = 1,
    /// RAM made read-only to log writes.
    RamLogdirty = 2,
    /// Read-only RAM; writes are dropped.
    RamRo = 3,
    /// Accesses go to the device model.
    MmioDm = 4,
    /// A real MMIO region mapped through.
    MmioDirect = 5,
    /// Populate-on-demand placeholder: no frame yet.
    PopulateOnDemand = 6,
    /// Read/write grant mapping.
    GrantMapRw = 7,
    /// Read-only grant mapping.
    GrantMapRo = 8,
    /// Being paged out.
    RamPagingOut = 9,
    /// Paged out.
    RamPaged = 10,
    /// Being paged in.
    RamPagingIn = 11,
    /// Shared (copy-on-write) RAM.
    RamShared = 12,
    /// A broken frame: any access crashes the domain.
    RamBroken = 13,
    /// A frame of another domain, mapped by a device model or toolstack.
    MapForeign = 14,
    /// RAM whose writes go to an ioreq server.
    IoreqServer = 15,
}

/// The bit of a type in a type mask (`p2m_to_mask`).
pub const fn p2m_to_mask(t: P2mType) -> u32 {
    1 << t as u32
}

/// Guest RAM, in any state (`P2M_RAM_TYPES`).
pub const P2M_RAM_TYPES: u32 = p2m_to_mask(P2mType::RamRw)
    | p2m_to_mask(P2mType::RamLogdirty)
    | p2m_to_mask(P2mType::RamRo)
    | p2m_to_mask(P2mType::RamPagingOut)
    | p2m_to_mask(P2mType::RamPaged)
    | p2m_to_mask(P2mType::RamPagingIn)
    | p2m_to_mask(P2mType::RamShared)
    | p2m_to_mask(P2mType::IoreqServer);
/// Types with no frame to access (`P2M_HOLE_TYPES`).
pub const P2M_HOLE_TYPES: u32 = p2m_to_mask(P2mType::MmioDm)
    | p2m_to_mask(P2mType::Invalid)
    | p2m_to_mask(P2mType::RamPagingIn)
    | p2m_to_mask(P2mType::RamPaged);
/// Grant mappings (`P2M_GRANT_TYPES`).
pub const P2M_GRANT_TYPES: u32 =
    p2m_to_mask(P2mType::GrantMapRw) | p2m_to_mask(P2mType::GrantMapRo);
/// MMIO (`P2M_MMIO_TYPES`).
pub const P2M_MMIO_TYPES: u32 = p2m_to_mask(P2mType::MmioDm) | p2m_to_mask(P2mType::MmioDirect);
/// Read-only to the guest (`P2M_RO_TYPES`).
pub const P2M_RO_TYPES: u32 = p2m_to_mask(P2mType::RamLogdirty)
    | p2m_to_mask(P2mType::RamRo)
    | p2m_to_mask(P2mType::GrantMapRo)
    | p2m_to_mask(P2mType::RamShared);
/// Writes are silently dropped (`P2M_DISCARD_WRITE_TYPES`).
pub const P2M_DISCARD_WRITE_TYPES: u32 =
    p2m_to_mask(P2mType::RamRo) | p2m_to_mask(P2mType::GrantMapRo);
/// Types a global type change may change, resolved lazily (`P2M_CHANGEABLE_TYPES`).
pub const P2M_CHANGEABLE_TYPES: u32 = p2m_to_mask(P2mType::RamRw)
    | p2m_to_mask(P2mType::RamLogdirty)
    | p2m_to_mask(P2mType::IoreqServer);
/// Populate-on-demand (`P2M_POD_TYPES`).
pub const P2M_POD_TYPES: u32 = p2m_to_mask(P2mType::PopulateOnDemand);
/// Paging states (`P2M_PAGING_TYPES`).
pub const P2M_PAGING_TYPES: u32 = p2m_to_mask(P2mType::RamPagingOut)
    | p2m_to_mask(P2mType::RamPaged)
    | p2m_to_mask(P2mType::RamPagingIn);
/// Paged out or coming back (`P2M_PAGED_TYPES`).
pub const P2M_PAGED_TYPES: u32 = p2m_to_mask(P2mType::RamPaged) | p2m_to_mask(P2mType::RamPagingIn);
/// Shared (`P2M_SHARED_TYPES`).
pub const P2M_SHARED_TYPES: u32 = p2m_to_mask(P2mType::RamShared);
/// Broken (`P2M_BROKEN_TYPES`).
pub const P2M_BROKEN_TYPES: u32 = p2m_to_mask(P2mType::RamBroken);
/// Foreign (`P2M_FOREIGN_TYPES`).
pub const P2M_FOREIGN_TYPES: u32 = p2m_to_mask(P2mType::MapForeign);

impl P2mType {
    /// Every type, by number.
    pub const ALL: [P2mType; 16] = [
        P2mType::RamRw,
        P2mType::Invalid,
        P2mType::RamLogdirty,
        P2mType::RamRo,
        P2mType::MmioDm,
        P2mType::MmioDirect,
        P2mType::PopulateOnDemand,
        P2mType::GrantMapRw,
        P2mType::GrantMapRo,
        P2mType::RamPagingOut,
        P2mType::RamPaged,
        P2mType::RamPagingIn,
        P2mType::RamShared,
        P2mType::RamBroken,
        P2mType::MapForeign,
        P2mType::IoreqServer,
    ];

    /// The type with Xen's number `n`.
    pub fn from_number(n: u64) -> Option<P2mType> {
        P2mType::ALL.get(usize::try_from(n).ok()?).copied()
    }

    const fn in_mask(self, mask: u32) -> bool {
        p2m_to_mask(self) & mask != 0
    }

    /// `p2m_is_ram`.
    pub const fn is_ram(self) -> bool {
        self.in_mask(P2M_RAM_TYPES)
    }
    /// `p2m_is_hole`.
    pub const fn is_hole(self) -> bool {
        self.in_mask(P2M_HOLE_TYPES)
    }
    /// `p2m_is_grant`.
    pub const fn is_grant(self) -> bool {
        self.in_mask(P2M_GRANT_TYPES)
    }
    /// `p2m_is_mmio`.
    pub const fn is_mmio(self) -> bool {
        self.in_mask(P2M_MMIO_TYPES)
    }
    /// `p2m_is_readonly`.
    pub const fn is_readonly(self) -> bool {
        self.in_mask(P2M_RO_TYPES)
    }
    /// `p2m_is_discard_write`.
    pub const fn is_discard_write(self) -> bool {
        self.in_mask(P2M_DISCARD_WRITE_TYPES)
    }
    /// `p2m_is_changeable`.
    pub const fn is_changeable(self) -> bool {
        self.in_mask(P2M_CHANGEABLE_TYPES)
    }
    /// `p2m_is_pod`.
    pub const fn is_pod(self) -> bool {
        self.in_mask(P2M_POD_TYPES)
    }
    /// `p2m_is_paging`.
    pub const fn is_paging(self) -> bool {
        self.in_mask(P2M_PAGING_TYPES)
    }
    /// `p2m_is_paged`.
    pub const fn is_paged(self) -> bool {
        self.in_mask(P2M_PAGED_TYPES)
    }
    /// `p2m_is_shared`.
    pub const fn is_shared(self) -> bool {
        self.in_mask(P2M_SHARED_TYPES)
    }
    /// `p2m_is_broken`.
    pub const fn is_broken(self) -> bool {
        self.in_mask(P2M_BROKEN_TYPES)
    }
    /// `p2m_is_foreign`.
    pub const fn is_foreign(self) -> bool {
        self.in_mask(P2M_FOREIGN_TYPES)
    }
    /// `p2m_is_any_ram`: RAM, grant mappings and foreign mappings (what `get_page_from_gfn`
    /// takes a reference on).
    pub const fn is_any_ram(self) -> bool {
        self.in_mask(P2M_RAM_TYPES | P2M_GRANT_TYPES | P2M_FOREIGN_TYPES)
    }

    /// Whether entries of this type point at a machine frame (`p2m_allows_invalid_mfn` negated:
    /// placeholders and holes carry none).
    pub const fn has_frame(self) -> bool {
        !matches!(
            self,
            P2mType::Invalid
                | P2mType::MmioDm
                | P2mType::PopulateOnDemand
                | P2mType::RamPaged
                | P2mType::RamPagingIn
        )
    }
}

/// Access rights a p2m entry grants beyond what its type allows (`p2m_access_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum P2mAccess {
    /// No access.
    N = 0,
    /// Read.
    R = 1,
    /// Write.
    W = 2,
    /// Read and write.
    Rw = 3,
    /// Execute.
    X = 4,
    /// Read and execute.
    Rx = 5,
    /// Write and execute.
    Wx = 6,
    /// Everything (the default).
    Rwx = 7,
    /// Read and execute; the first write event converts to read/write.
    Rx2rw = 8,
    /// No access; the first event converts to everything.
    N2rwx = 9,
    /// Read, with paging-structure writes allowed.
    RPw = 10,
}

impl P2mAccess {
    /// Every access value, by number.
    pub const ALL: [P2mAccess; 11] = [
        P2mAccess::N,
        P2mAccess::R,
        P2mAccess::W,
        P2mAccess::Rw,
        P2mAccess::X,
        P2mAccess::Rx,
        P2mAccess::Wx,
        P2mAccess::Rwx,
        P2mAccess::Rx2rw,
        P2mAccess::N2rwx,
        P2mAccess::RPw,
    ];

    /// The access value with Xen's number `n`.
    pub fn from_number(n: u64) -> Option<P2mAccess> {
        P2mAccess::ALL.get(usize::try_from(n).ok()?).copied()
    }

    /// (read, write, execute) as the hardware sees them.
    pub const fn rwx(self) -> (bool, bool, bool) {
        match self {
            P2mAccess::N | P2mAccess::N2rwx => (false, false, false),
            P2mAccess::R | P2mAccess::RPw => (true, false, false),
            P2mAccess::W => (false, true, false),
            P2mAccess::Rw => (true, true, false),
            P2mAccess::X => (false, false, true),
            P2mAccess::Rx | P2mAccess::Rx2rw => (true, false, true),
            P2mAccess::Wx => (false, true, true),
            P2mAccess::Rwx => (true, true, true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_classes_are_xens() {
        // The type lists of xen/arch/x86/include/asm/p2m.h, one by one.
        use P2mType::*;
        type Class = (fn(P2mType) -> bool, &'static [P2mType]);
        let classes: [Class; 14] = [
            (
                P2mType::is_ram,
                &[
                    RamRw,
                    RamLogdirty,
                    RamRo,
                    RamPagingOut,
                    RamPaged,
                    RamPagingIn,
                    RamShared,
                    IoreqServer,
                ],
            ),
            (P2mType::is_hole, &[MmioDm, Invalid, RamPagingIn, RamPaged]),
            (P2mType::is_grant, &[GrantMapRw, GrantMapRo]),
            (P2mType::is_mmio, &[MmioDm, MmioDirect]),
            (
                P2mType::is_readonly,
                &[RamLogdirty, RamRo, GrantMapRo, RamShared],
            ),
            (P2mType::is_discard_write, &[RamRo, GrantMapRo]),
            (P2mType::is_changeable, &[RamRw, RamLogdirty, IoreqServer]),
            (P2mType::is_pod, &[PopulateOnDemand]),
            (P2mType::is_paging, &[RamPagingOut, RamPaged, RamPagingIn]),
            (P2mType::is_paged, &[RamPaged, RamPagingIn]),
            (P2mType::is_shared, &[RamShared]),
            (P2mType::is_broken, &[RamBroken]),
            (P2mType::is_foreign, &[MapForeign]),
            (
                P2mType::is_any_ram,
                &[
                    RamRw,
                    RamLogdirty,
                    RamRo,
                    RamPagingOut,
                    RamPaged,
                    RamPagingIn,
                    RamShared,
                    IoreqServer,
                    GrantMapRw,
                    GrantMapRo,
                    MapForeign,
                ],
            ),
        ];
        for (i, (is, members)) in classes.iter().enumerate() {
            for t in P2mType::ALL {
                assert_eq!(is(t), members.contains(&t), "class {i}, {t:?}");
            }
        }
    }

    #[test]
    fn numbers_round_trip() {
        for t in P2mType::ALL {
            assert_eq!(P2mType::from_number(t as u64), Some(t));
        }
        assert_eq!(P2mType::from_number(16), None);
        for a in P2mAccess::ALL {
            assert_eq!(P2mAccess::from_number(a as u64), Some(a));
        }
    }

    #[test]
    fn classes_follow_xen() {
        assert!(P2mType::IoreqServer.is_ram() && P2mType::IoreqServer.is_changeable());
        assert!(P2mType::RamLogdirty.is_readonly() && !P2mType::RamLogdirty.is_discard_write());
        assert!(!P2mType::PopulateOnDemand.has_frame() && P2mType::PopulateOnDemand.is_pod());
        assert!(P2mType::RamPaged.is_hole() && P2mType::RamPaged.is_paged());
        let changeable: std::vec::Vec<_> = P2mType::ALL
            .into_iter()
            .filter(|t| t.is_changeable())
            .collect();
        assert_eq!(
            changeable,
            [P2mType::RamRw, P2mType::RamLogdirty, P2mType::IoreqServer]
        );
    }
}
