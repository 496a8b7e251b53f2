//! Privilege checks equivalent to Xen's XSM dummy policy (xen/include/xsm/dummy.h,
//! `xsm_default_action`): who may act on which domain.

use xen_mm::errno::Errno;
use xen_mm::p2m::format::P2mFormat;

use crate::domain::Domain;

/// The default actions of the dummy policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XsmAction {
    /// Anyone (`XSM_HOOK`).
    Hook,
    /// The domain itself, its device model, or the control domain (`XSM_TARGET`).
    Target,
    /// The target's device model or the control domain (`XSM_DM_PRIV`).
    DmPriv,
    /// The control domain only (`XSM_PRIV`).
    Priv,
}

/// `xsm_default_action(action, src, target)`: `Ok` or `EPERM`.
pub fn check<Fmt: P2mFormat>(
    action: XsmAction,
    src: &Domain<Fmt>,
    target: Option<&Domain<Fmt>>,
) -> Result<(), Errno> {
    let is_self = target.is_some_and(|t| t.domid() == src.domid());
    let is_dm = target.is_some_and(|t| src.state().target == Some(t.domid()));
    let allowed = match action {
        XsmAction::Hook => true,
        XsmAction::Target => is_self || is_dm || src.is_privileged(),
        XsmAction::DmPriv => is_dm || src.is_privileged(),
        XsmAction::Priv => src.is_privileged(),
    };
    if allowed {
        Ok(())
    } else {
        Err(Errno::EPERM)
    }
}
