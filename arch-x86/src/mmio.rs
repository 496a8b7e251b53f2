//! MMIO emulation shared by the devices the hypervisor models (the vLAPIC now; the HPET, the
//! unclaimed-MMIO sink and ioreq forwarding later): the guest instruction behind a nested page
//! fault is decoded with `iced-x86` into one load or store between a register (or an immediate)
//! and the device, the device performs it, the register gets the result and RIP moves past the
//! instruction. Xen runs the full x86 emulator here (xen/arch/x86/hvm/emulate.c
//! `hvmemul_do_mmio_buffer` under `handle_mmio` / `handle_mmio_with_translation`, with
//! xen/arch/x86/x86_emulate/x86_emulate.c); xen-rs supports only the MOV forms compilers emit for
//! `readl` / `writel` and friends:
//!
//! - `MOV r/m, r` (88, 89) and `MOV r, r/m` (8A, 8B), 8/16/32/64-bit;
//! - `MOV AL/AX/EAX/RAX, moffs` and `MOV moffs, AL/AX/EAX/RAX` (A0-A3);
//! - `MOV r/m, imm` (C6, C7, including the sign-extended `MOV r/m64, imm32`);
//! - `MOVZX r, r/m8` and `MOVZX r, r/m16` (0F B6, 0F B7).
//!
//! Anything else (a read-modify-write such as `OR`, string moves, SSE) is reported as
//! [`EmulateError::Unsupported`] and the caller crashes the domain, naming the instruction.
//! The memory operand's address is not recomputed: the fault's guest-physical address is the
//! access. RSP as the register operand is refused (it lives in the vendor's control block).
//! 16-bit code is not decoded (PVH guests run 32- or 64-bit code).

use iced_x86::{Code, Decoder, DecoderOptions, OpKind, Register};

use crate::vcpu::HvmVcpu;

/// The longest x86 instruction.
pub const MAX_INSN_LEN: usize = 15;

/// A general register operand: its number in the encoding order (RAX, RCX, RDX, RBX, RSP, RBP,
/// RSI, RDI, R8-R15), its width in bytes, and whether it is AH/CH/DH/BH.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gpr {
    /// 0..=15 in encoding order.
    pub index: u8,
    /// 1, 2, 4 or 8 bytes.
    pub width: u8,
    /// Bits 8..15 of the register (AH, CH, DH, BH).
    pub high8: bool,
}

impl Gpr {
    /// The operand `r` names, if it is a general register.
    pub fn from_iced(r: Register) -> Option<Gpr> {
        let n = r as u32;
        let (index, width, high8) = match n {
            // AL, CL, DL, BL.
            1..=4 => (n - 1, 1, false),
            // AH, CH, DH, BH.
            5..=8 => (n - 5, 1, true),
            // SPL, BPL, SIL, DIL, R8L-R15L.
            9..=20 => (n - 9 + 4, 1, false),
            21..=36 => (n - 21, 2, false),
            37..=52 => (n - 37, 4, false),
            53..=68 => (n - 53, 8, false),
            _ => return None,
        };
        Some(Gpr {
            index: index as u8,
            width,
            high8,
        })
    }

    /// The operand's value in the full register `full`.
    pub fn extract(self, full: u64) -> u64 {
        if self.high8 {
            return (full >> 8) & 0xff;
        }
        full & width_mask(self.width)
    }

    /// The full register after writing `value` to the operand, whose old full value is `old`:
    /// a 32-bit write zero-extends to 64 bits, 8- and 16-bit writes keep the other bits.
    pub fn merge(self, old: u64, value: u64) -> u64 {
        match (self.width, self.high8) {
            (_, true) => (old & !0xff00) | ((value & 0xff) << 8),
            (4, _) => value & 0xffff_ffff,
            (8, _) => value,
            (w, _) => (old & !width_mask(w)) | (value & width_mask(w)),
        }
    }
}

/// All ones in the low `width` bytes.
pub fn width_mask(width: u8) -> u64 {
    match width {
        8.. => u64::MAX,
        w => (1u64 << (8 * u32::from(w))) - 1,
    }
}

/// Where a store's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A register.
    Reg(Gpr),
    /// An immediate, already sign-extended to the access size where the encoding says so.
    Imm(u64),
}

/// The memory access a decoded instruction makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MmioOp {
    /// Reads `size` bytes, zero-extended into register `dst`.
    Load {
        /// The destination register.
        dst: Gpr,
        /// Bytes read.
        size: u8,
    },
    /// Writes `size` bytes of `src`.
    Store {
        /// The value's origin.
        src: Source,
        /// Bytes written.
        size: u8,
    },
}

/// A decoded MMIO instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MmioInsn {
    /// The access.
    pub op: MmioOp,
    /// The instruction's length in bytes.
    pub len: u8,
}

/// Why an instruction could not be emulated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmulateError {
    /// No valid instruction in the bytes (or too few bytes could be fetched).
    Invalid,
    /// A valid instruction of a form this emulator does not support.
    Unsupported(Code),
    /// The register operand is RSP, which the emulator cannot reach.
    StackPointer,
}

impl core::fmt::Display for EmulateError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            EmulateError::Invalid => write!(f, "no valid instruction"),
            EmulateError::Unsupported(code) => write!(f, "{code:?} is not emulated"),
            EmulateError::StackPointer => write!(f, "RSP operands are not emulated"),
        }
    }
}

/// A MOV to a control register, decoded (for an intercepted CR write without decode assists,
/// as Xen's `hvm_emulate_one_insn(x86_insn_is_cr_access)` does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MovToCr {
    /// The control register.
    pub cr: u8,
    /// The source general register, in the encoding order.
    pub gpr: u8,
    /// The instruction's length in bytes.
    pub len: u8,
}

/// Decodes a MOV to CRn at the start of `bytes`, in 64-bit mode if `long_mode`.
pub fn decode_mov_to_cr(bytes: &[u8], long_mode: bool) -> Result<MovToCr, EmulateError> {
    let bitness = if long_mode { 64 } else { 32 };
    let mut decoder = Decoder::new(bitness, bytes, DecoderOptions::NONE);
    let insn = decoder.decode();
    if insn.is_invalid() {
        return Err(EmulateError::Invalid);
    }
    let code = insn.code();
    if !matches!(code, Code::Mov_cr_r64 | Code::Mov_cr_r32) {
        return Err(EmulateError::Unsupported(code));
    }
    let cr = (insn.op_register(0) as u32).wrapping_sub(Register::CR0 as u32) as u8;
    let src = Gpr::from_iced(insn.op_register(1)).ok_or(EmulateError::Unsupported(code))?;
    if src.index == 4 {
        return Err(EmulateError::StackPointer);
    }
    Ok(MovToCr {
        cr,
        gpr: src.index,
        len: insn.len() as u8,
    })
}

/// Decodes the instruction at the start of `bytes`, in 64-bit mode if `long_mode`, else
/// 32-bit, into the access it makes.
pub fn decode(bytes: &[u8], long_mode: bool) -> Result<MmioInsn, EmulateError> {
    let bitness = if long_mode { 64 } else { 32 };
    let mut decoder = Decoder::new(bitness, bytes, DecoderOptions::NONE);
    let insn = decoder.decode();
    if insn.is_invalid() {
        return Err(EmulateError::Invalid);
    }
    let code = insn.code();
    let unsupported = EmulateError::Unsupported(code);
    let reg = |i: u32| -> Result<Gpr, EmulateError> {
        let g = Gpr::from_iced(insn.op_register(i)).ok_or(unsupported)?;
        if g.index == 4 && !g.high8 && g.width > 1 {
            return Err(EmulateError::StackPointer);
        }
        Ok(g)
    };
    let is_mem = |i: u32| insn.op_kind(i) == OpKind::Memory;
    let op = match code {
        Code::Mov_rm8_r8
        | Code::Mov_rm16_r16
        | Code::Mov_rm32_r32
        | Code::Mov_rm64_r64
        | Code::Mov_moffs8_AL
        | Code::Mov_moffs16_AX
        | Code::Mov_moffs32_EAX
        | Code::Mov_moffs64_RAX
            if is_mem(0) =>
        {
            let src = reg(1)?;
            MmioOp::Store {
                src: Source::Reg(src),
                size: src.width,
            }
        }
        Code::Mov_r8_rm8
        | Code::Mov_r16_rm16
        | Code::Mov_r32_rm32
        | Code::Mov_r64_rm64
        | Code::Mov_AL_moffs8
        | Code::Mov_AX_moffs16
        | Code::Mov_EAX_moffs32
        | Code::Mov_RAX_moffs64
            if is_mem(1) =>
        {
            let dst = reg(0)?;
            MmioOp::Load {
                dst,
                size: dst.width,
            }
        }
        Code::Movzx_r16_rm8
        | Code::Movzx_r32_rm8
        | Code::Movzx_r64_rm8
        | Code::Movzx_r16_rm16
        | Code::Movzx_r32_rm16
        | Code::Movzx_r64_rm16
            if is_mem(1) =>
        {
            let byte = matches!(
                code,
                Code::Movzx_r16_rm8 | Code::Movzx_r32_rm8 | Code::Movzx_r64_rm8
            );
            MmioOp::Load {
                dst: reg(0)?,
                size: if byte { 1 } else { 2 },
            }
        }
        Code::Mov_rm8_imm8 | Code::Mov_rm16_imm16 | Code::Mov_rm32_imm32 | Code::Mov_rm64_imm32
            if is_mem(0) =>
        {
            let size = match code {
                Code::Mov_rm8_imm8 => 1,
                Code::Mov_rm16_imm16 => 2,
                Code::Mov_rm32_imm32 => 4,
                _ => 8,
            };
            MmioOp::Store {
                src: Source::Imm(insn.immediate(1) & width_mask(size)),
                size,
            }
        }
        _ => return Err(unsupported),
    };
    Ok(MmioInsn {
        op,
        len: insn.len() as u8,
    })
}

/// What the device is asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Read `size` bytes; the device returns them in the low bytes.
    Read {
        /// Bytes.
        size: u8,
    },
    /// Write the low `size` bytes of `value`.
    Write {
        /// Bytes.
        size: u8,
        /// The value.
        value: u64,
    },
}

/// Reads general register `index` (the decoder refused RSP).
pub fn read_gpr<V: HvmVcpu + ?Sized>(v: &mut V, index: u8) -> u64 {
    match v.regs().gpr_mut(index) {
        Some(r) => *r,
        None => v.rax(),
    }
}

/// Writes general register `index` (the decoder refused RSP).
fn write_gpr<V: HvmVcpu + ?Sized>(v: &mut V, index: u8, value: u64) {
    match v.regs().gpr_mut(index) {
        Some(r) => *r = value,
        None => v.set_rax(value),
    }
}

/// Emulates the instruction in `bytes` (fetched at the vCPU's RIP) as an access to `device`:
/// decodes it, passes the store's value or performs the load into its register, and moves RIP
/// past it. On error nothing has changed.
pub fn emulate<V: HvmVcpu + ?Sized>(
    v: &mut V,
    bytes: &[u8],
    mut device: impl FnMut(Access) -> u64,
) -> Result<MmioInsn, EmulateError> {
    let insn = decode(bytes, v.in_long_mode())?;
    match insn.op {
        MmioOp::Load { dst, size } => {
            let value = device(Access::Read { size }) & width_mask(size);
            let old = read_gpr(v, dst.index);
            write_gpr(v, dst.index, dst.merge(old, value));
        }
        MmioOp::Store { src, size } => {
            let value = match src {
                Source::Reg(g) => g.extract(read_gpr(v, g.index)),
                Source::Imm(imm) => imm,
            };
            device(Access::Write { size, value });
        }
    }
    v.advance_rip(u64::from(insn.len));
    Ok(insn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svm::SvmVcpu;
    use alloc::vec::Vec;

    #[test]
    fn moves_to_control_registers_decode_to_register_and_length() {
        // mov cr4, rax; mov cr4, r9 (REX.B); mov cr0, rbx; in 32-bit code mov cr4, ecx.
        assert_eq!(
            decode_mov_to_cr(&[0x0f, 0x22, 0xe0], true),
            Ok(MovToCr {
                cr: 4,
                gpr: 0,
                len: 3
            })
        );
        assert_eq!(
            decode_mov_to_cr(&[0x41, 0x0f, 0x22, 0xe1], true),
            Ok(MovToCr {
                cr: 4,
                gpr: 9,
                len: 4
            })
        );
        assert_eq!(
            decode_mov_to_cr(&[0x0f, 0x22, 0xc3], true),
            Ok(MovToCr {
                cr: 0,
                gpr: 3,
                len: 3
            })
        );
        assert_eq!(
            decode_mov_to_cr(&[0x0f, 0x22, 0xe1], false),
            Ok(MovToCr {
                cr: 4,
                gpr: 1,
                len: 3
            })
        );
        // From RSP, a read from CR4, or no instruction at all.
        assert_eq!(
            decode_mov_to_cr(&[0x0f, 0x22, 0xe4], true),
            Err(EmulateError::StackPointer)
        );
        assert!(matches!(
            decode_mov_to_cr(&[0x0f, 0x20, 0xe0], true),
            Err(EmulateError::Unsupported(_))
        ));
        assert_eq!(decode_mov_to_cr(&[0x0f], true), Err(EmulateError::Invalid));
    }

    const EAX: Gpr = Gpr {
        index: 0,
        width: 4,
        high8: false,
    };

    #[test]
    fn linux_apic_read_and_write_forms_decode() {
        // mov 0xfffff5ff_fff00020 (via rax), %eax: Linux's native_apic_mem_read `mov (%rax),%eax`.
        assert_eq!(
            decode(&[0x8b, 0x00], true),
            Ok(MmioInsn {
                op: MmioOp::Load { dst: EAX, size: 4 },
                len: 2
            })
        );
        // mov %edi, 0xb0(%rax): an EOI write with a displacement.
        assert_eq!(
            decode(&[0x89, 0xb8, 0xb0, 0, 0, 0], true),
            Ok(MmioInsn {
                op: MmioOp::Store {
                    src: Source::Reg(Gpr {
                        index: 7,
                        width: 4,
                        high8: false
                    }),
                    size: 4
                },
                len: 6
            })
        );
        // movl $0, 0xb0(%rax).
        assert_eq!(
            decode(&[0xc7, 0x80, 0xb0, 0, 0, 0, 0, 0, 0, 0], true),
            Ok(MmioInsn {
                op: MmioOp::Store {
                    src: Source::Imm(0),
                    size: 4
                },
                len: 10
            })
        );
    }

    #[test]
    fn widths_prefixes_and_rex_registers_decode() {
        // mov (%rax), %r9d (REX.R).
        let d = decode(&[0x44, 0x8b, 0x08], true).unwrap();
        assert_eq!(
            d.op,
            MmioOp::Load {
                dst: Gpr {
                    index: 9,
                    width: 4,
                    high8: false
                },
                size: 4
            }
        );
        // mov %ax, (%rbx) with the operand-size prefix.
        let d = decode(&[0x66, 0x89, 0x03], true).unwrap();
        assert_eq!(d.len, 3);
        assert!(matches!(d.op, MmioOp::Store { size: 2, .. }));
        // mov (%rbx), %ah.
        let d = decode(&[0x8a, 0x23], true).unwrap();
        assert_eq!(
            d.op,
            MmioOp::Load {
                dst: Gpr {
                    index: 0,
                    width: 1,
                    high8: true
                },
                size: 1
            }
        );
        // movzbl (%rbx), %ecx and movzwl (%rbx), %ecx.
        assert!(matches!(
            decode(&[0x0f, 0xb6, 0x0b], true).unwrap().op,
            MmioOp::Load { size: 1, dst } if dst.index == 1 && dst.width == 4
        ));
        assert!(matches!(
            decode(&[0x0f, 0xb7, 0x0b], true).unwrap().op,
            MmioOp::Load { size: 2, .. }
        ));
        // movq $-1, (%rax): imm32 sign-extended to 64 bits.
        assert_eq!(
            decode(&[0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff], true)
                .unwrap()
                .op,
            MmioOp::Store {
                src: Source::Imm(u64::MAX),
                size: 8
            }
        );
        // mov 0xfee00030, %eax in 32-bit code (moffs).
        assert_eq!(
            decode(&[0xa1, 0x30, 0x00, 0xe0, 0xfe], false),
            Ok(MmioInsn {
                op: MmioOp::Load { dst: EAX, size: 4 },
                len: 5
            })
        );
    }

    #[test]
    fn other_instructions_are_refused() {
        // orl $1, (%rax): a read-modify-write.
        assert_eq!(
            decode(&[0x83, 0x08, 0x01], true),
            Err(EmulateError::Unsupported(Code::Or_rm32_imm8))
        );
        // mov %eax, %ebx: no memory operand.
        assert_eq!(
            decode(&[0x89, 0xc3], true),
            Err(EmulateError::Unsupported(Code::Mov_rm32_r32))
        );
        // mov (%rax), %rsp.
        assert_eq!(
            decode(&[0x48, 0x8b, 0x20], true),
            Err(EmulateError::StackPointer)
        );
        // Truncated and invalid bytes.
        assert_eq!(decode(&[0x8b], true), Err(EmulateError::Invalid));
        assert_eq!(decode(&[], true), Err(EmulateError::Invalid));
        assert_eq!(decode(&[0x0f, 0xff], true), Err(EmulateError::Invalid));
    }

    #[test]
    fn register_writes_follow_the_architecture() {
        let old = 0x1122_3344_5566_7788;
        let g = |width, high8| Gpr {
            index: 0,
            width,
            high8,
        };
        assert_eq!(g(4, false).merge(old, 0xaabb_ccdd), 0xaabb_ccdd);
        assert_eq!(g(8, false).merge(old, 0xaabb_ccdd), 0xaabb_ccdd);
        assert_eq!(g(2, false).merge(old, 0xccdd), 0x1122_3344_5566_ccdd);
        assert_eq!(g(1, false).merge(old, 0xdd), 0x1122_3344_5566_77dd);
        assert_eq!(g(1, true).merge(old, 0xdd), 0x1122_3344_5566_dd88);
        assert_eq!(g(1, true).extract(old), 0x77);
        assert_eq!(g(2, false).extract(old), 0x7788);
    }

    #[test]
    fn emulation_moves_values_and_rip() {
        let mut v = SvmVcpu::new_pvh(0x10_0000, 0, 0);
        v.regs.rdi = 0xffff_ffff_0000_0042;
        let rip = v.rip();
        // mov %edi, 0xb0(%rax) in 32-bit code.
        let mut seen = Vec::new();
        let insn = emulate(&mut v, &[0x89, 0xb8, 0xb0, 0, 0, 0], |a| {
            seen.push(a);
            0
        })
        .unwrap();
        assert_eq!(insn.len, 6);
        assert_eq!(
            seen,
            [Access::Write {
                size: 4,
                value: 0x42
            }]
        );
        assert_eq!(v.rip(), rip + 6);
        // mov 0x20(%rax), %ecx reads the device.
        v.regs.rcx = u64::MAX;
        emulate(&mut v, &[0x8b, 0x48, 0x20], |a| {
            assert_eq!(a, Access::Read { size: 4 });
            0x0100_0000
        })
        .unwrap();
        assert_eq!(v.regs.rcx, 0x0100_0000);
        assert_eq!(v.rip(), rip + 9);
        // An unsupported instruction changes nothing.
        assert!(emulate(&mut v, &[0x83, 0x08, 0x01], |_| unreachable!()).is_err());
        assert_eq!(v.rip(), rip + 9);
    }
}
