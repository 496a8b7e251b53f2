//! Interrupts into HVM guests, before each entry (Xen's hvm/svm/intr.c `svm_intr_assist` and
//! hvm/vmx/intr.c `vmx_intr_assist`): the domain's event-channel callback vector while a vCPU's
//! `evtchn_upcall_pending` is set (level-like: the guest clears the flag in its handler, and a
//! flag still set at the next entry is injected again), then the vLAPIC's vectors, which include
//! a vCPU's own upcall vector (`hvm_assert_evtchn_irq` requests it there). Each is injected as
//! soon as the guest can take an interrupt; until then the vendor is asked to exit at the first
//! instruction where it can (an interrupt window), instead of waiting for whatever exit comes
//! next.

use hypercall::domain::Domain;
use hypercall::vcpu::Vcpu;
use xen_mm::frame::FrameAccess;
use xen_mm::p2m::format::P2mFormat;

use crate::hvm_exit::Hv;
use crate::vcpu::HvmVcpu;

/// Injects `vcpu`'s pending interrupt into `hw` if it can take one now, else asks for the
/// window. The order is Xen's `hvm_vcpu_has_pending_irq`: the callback vector first, then the
/// vLAPIC's highest requested vector
/// above its processor priority, which is moved from IRR to ISR once injected
/// (`vlapic_ack_pending_irq` through `hvm_vcpu_ack_pending_irq`).
pub fn intr_assist<Fmt: P2mFormat, V: HvmVcpu + ?Sized>(
    hv: &Hv<Fmt>,
    d: &Domain<Fmt>,
    vcpu: &Vcpu,
    hw: &mut V,
) {
    let upcall = hypercall::event::pending_callback(hv.heap.frames(), d, vcpu);
    let lapic = hypercall::vlapic::access::pending_irq(vcpu);
    if upcall.is_none() && lapic.is_none() {
        hw.request_interrupt_window(false);
        return;
    }
    if !hw.interrupts_deliverable() {
        hw.request_interrupt_window(true);
        return;
    }
    match (upcall, lapic) {
        (Some(vector), _) => {
            hw.inject_interrupt(vector);
            // A vLAPIC vector still waiting needs the next window.
            hw.request_interrupt_window(lapic.is_some());
        }
        (None, Some(vector)) => {
            hw.inject_interrupt(vector);
            hypercall::vlapic::access::ack_irq(vcpu, vector);
            hw.request_interrupt_window(hypercall::vlapic::access::pending_irq(vcpu).is_some());
        }
        (None, None) => hw.request_interrupt_window(false),
    }
}

/// Whether `vcpu` has an interrupt it could take if it ran: for a blocked vCPU, a reason to
/// wake.
pub fn upcall_deliverable<F: FrameAccess, Fmt: P2mFormat>(
    frames: &F,
    d: &Domain<Fmt>,
    vcpu: &Vcpu,
) -> bool {
    hypercall::event::has_pending_irq(frames, d, vcpu)
}
