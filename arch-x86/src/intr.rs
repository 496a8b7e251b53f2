//! Event upcalls into HVM guests, before each entry (Xen's hvm/svm/intr.c `svm_intr_assist` and
//! hvm/vmx/intr.c `vmx_intr_assist`, for the callback vector): while a vCPU's
//! `evtchn_upcall_pending` is set and the domain has a vector to deliver it by, the vector is
//! injected as soon as the guest can take an interrupt; until then the vendor is asked to exit at
//! the first instruction where it can (an interrupt window), instead of waiting for whatever exit
//! comes next. Like Xen's callback vector, the upcall is level-triggered: the guest clears the
//! flag in its handler, and a flag still set at the next entry is injected again.

use hypercall::domain::Domain;
use hypercall::vcpu::Vcpu;
use xen_mm::frame::FrameAccess;
use xen_mm::p2m::format::P2mFormat;

use crate::hvm_exit::Hv;
use crate::vcpu::HvmVcpu;

/// Injects `vcpu`'s pending upcall into `hw` if it can be taken now, else asks for the window.
pub fn intr_assist<Fmt: P2mFormat, V: HvmVcpu + ?Sized>(
    hv: &Hv<Fmt>,
    d: &Domain<Fmt>,
    vcpu: &Vcpu,
    hw: &mut V,
) {
    let vector = hypercall::event::upcall_vector(d, vcpu);
    let pending = vector.is_some() && vcpu.upcall_pending(hv.heap.frames());
    match (vector, pending) {
        (Some(vector), true) if hw.interrupts_deliverable() => {
            hw.inject_interrupt(vector);
            hw.request_interrupt_window(false);
        }
        (Some(_), true) => hw.request_interrupt_window(true),
        _ => hw.request_interrupt_window(false),
    }
}

/// Whether `vcpu` has an upcall it could take if it ran: for a blocked vCPU, a reason to wake.
pub fn upcall_deliverable<F: FrameAccess, Fmt: P2mFormat>(
    frames: &F,
    d: &Domain<Fmt>,
    vcpu: &Vcpu,
) -> bool {
    hypercall::event::upcall_vector(d, vcpu).is_some() && vcpu.upcall_pending(frames)
}
