//! The physical CPUs, as the arch layer found them: Xen's `cpu_present_map`, `cpu_online_map`,
//! `x86_cpu_to_apicid`, `x86_acpiid_to_apicid` and `cpu_data`, for the hypercalls that report
//! them (XENPF_get_cpuinfo, XENPF_get_cpu_version, sysctl physinfo). The portable layer never
//! executes CPUID or reads an APIC: it is given these facts.

use alloc::vec;
use alloc::vec::Vec;

/// `INVALID_ACPIID`: no ACPI processor id is known for a CPU.
pub const INVALID_ACPIID: u32 = u32::MAX;

/// One physical CPU.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhysCpu {
    /// Its local APIC id (`x86_cpu_to_apicid`).
    pub apic_id: u32,
    /// Its ACPI processor id: the first enabled MADT processor entry with its APIC id
    /// (`acpi_get_processor_id`), or [`INVALID_ACPIID`].
    pub acpi_id: u32,
    /// Whether it runs (`cpu_online`); a present CPU that does not is offline.
    pub online: bool,
    /// CPUID leaf 0's vendor string: EBX, EDX, ECX (`x86_vendor_id`).
    pub vendor_id: [u8; 12],
    /// Family, model and stepping from CPUID leaf 1's EAX (see [`cpu_signature`]).
    pub family: u32,
    /// Model.
    pub model: u32,
    /// Stepping (Xen's `x86_mask`).
    pub stepping: u32,
    /// MONITOR/MWAIT with CPUID leaf 5's extensions and break-on-interrupt (ECX bits 0 and 1):
    /// what `arch_acpi_set_pdc_bits` needs to leave the FFH C-state bits of a _PDC set.
    pub mwait_break: bool,
}

impl PhysCpu {
    /// A CPU as CPUID describes it: the vendor registers of leaf 0 (EBX, EDX, ECX) and leaf 1's
    /// EAX, with its APIC and ACPI ids; online.
    pub fn from_cpuid(apic_id: u32, acpi_id: u32, vendor: [u32; 3], leaf1_eax: u32) -> Self {
        let mut vendor_id = [0u8; 12];
        for (chunk, reg) in vendor_id.chunks_exact_mut(4).zip(vendor) {
            chunk.copy_from_slice(&reg.to_le_bytes());
        }
        let (family, model, stepping) = cpu_signature(leaf1_eax);
        PhysCpu {
            apic_id,
            acpi_id,
            online: true,
            vendor_id,
            family,
            model,
            stepping,
            mwait_break: false,
        }
    }
}

/// Family, model and stepping of a CPUID leaf 1 EAX, as Xen's `get_cpu_family` computes them
/// (xen/arch/x86/include/asm/processor.h): the extended family is added to a base family of 15,
/// in 8 bits as Xen's `uint8_t` does; the extended model is the high nibble of the model from
/// family 6 on.
pub fn cpu_signature(eax: u32) -> (u32, u32, u32) {
    let mut fam = ((eax >> 8) & 0xf) as u8;
    if fam == 0xf {
        fam = fam.wrapping_add(((eax >> 20) & 0xff) as u8);
    }
    let mut model = ((eax >> 4) & 0xf) as u8;
    if fam >= 0x6 {
        model |= ((eax >> 12) & 0xf0) as u8;
    }
    (u32::from(fam), u32::from(model), eax & 0xf)
}

/// The physical CPUs by Xen CPU number; the table's length is `nr_cpu_ids` and an empty slot
/// is a CPU number that is not present.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhysCpus {
    cpus: Vec<Option<PhysCpu>>,
}

impl Default for PhysCpus {
    /// One online CPU with APIC id 0 and ACPI id 0 and an empty signature: what the host tests
    /// and the fuzzer run on.
    fn default() -> Self {
        PhysCpus::new(vec![Some(PhysCpu::from_cpuid(0, 0, [0; 3], 0))])
    }
}

impl PhysCpus {
    /// The CPUs numbered by their index in `cpus` (`None`: not present).
    pub fn new(cpus: Vec<Option<PhysCpu>>) -> Self {
        PhysCpus { cpus }
    }

    /// `nr_cpu_ids`: one more than the highest CPU number there can be.
    pub fn nr_cpu_ids(&self) -> u32 {
        u32::try_from(self.cpus.len()).unwrap_or(u32::MAX)
    }

    /// CPU `cpu` if it is present (`cpu < nr_cpu_ids && cpu_present(cpu)`).
    pub fn present(&self, cpu: u32) -> Option<&PhysCpu> {
        self.cpus.get(usize::try_from(cpu).ok()?)?.as_ref()
    }

    /// CPU `cpu` if it is online.
    pub fn online(&self, cpu: u32) -> Option<&PhysCpu> {
        self.present(cpu).filter(|c| c.online)
    }

    /// `cpumask_last(&cpu_present_map)`: the highest present CPU number, or `nr_cpu_ids` when
    /// none is.
    pub fn max_present(&self) -> u32 {
        self.cpus
            .iter()
            .rposition(Option::is_some)
            .and_then(|i| u32::try_from(i).ok())
            .unwrap_or_else(|| self.nr_cpu_ids())
    }

    /// `num_online_cpus()`.
    pub fn nr_online(&self) -> u32 {
        self.cpus.iter().flatten().filter(|c| c.online).count() as u32
    }

    /// `num_present_cpus()`.
    pub fn nr_present(&self) -> u32 {
        self.cpus.iter().flatten().count() as u32
    }

    /// Whether a present CPU has local APIC id `apic_id` (`phys_cpu_present_map`).
    pub fn has_apic_id(&self, apic_id: u32) -> bool {
        self.cpus.iter().flatten().any(|c| c.apic_id == apic_id)
    }

    /// The APIC id the MADT gives ACPI processor `acpi_id` (`x86_acpiid_to_apicid`), if a
    /// present CPU has it.
    pub fn apic_of_acpi_id(&self, acpi_id: u32) -> Option<u32> {
        if acpi_id == INVALID_ACPIID {
            return None;
        }
        self.cpus
            .iter()
            .flatten()
            .find(|c| c.acpi_id == acpi_id)
            .map(|c| c.apic_id)
    }

    /// `get_cpu_id(acpi_id)`: the CPU number of ACPI processor `acpi_id`.
    pub fn cpu_of_acpi_id(&self, acpi_id: u32) -> Option<u32> {
        let apic_id = self.apic_of_acpi_id(acpi_id)?;
        self.cpus
            .iter()
            .position(|c| c.as_ref().is_some_and(|c| c.apic_id == apic_id))
            .and_then(|i| u32::try_from(i).ok())
    }
}
