//! `RefCell` without the panic's message: a borrow that would panic stops the wasm instead
//! (a trap, as the `widget` profile's abort on panic would), so `already borrowed` and the
//! formatting machinery behind it stay out of the build. On the host (unit tests) it panics.

use core::cell::{Ref, RefMut};

pub(crate) struct RefCell<T>(core::cell::RefCell<T>);

impl<T> RefCell<T> {
    pub(crate) const fn new(value: T) -> Self {
        Self(core::cell::RefCell::new(value))
    }

    #[inline]
    pub(crate) fn borrow(&self) -> Ref<'_, T> {
        match self.0.try_borrow() {
            Ok(r) => r,
            Err(_) => halt(),
        }
    }

    #[inline]
    pub(crate) fn borrow_mut(&self) -> RefMut<'_, T> {
        match self.0.try_borrow_mut() {
            Ok(r) => r,
            Err(_) => halt(),
        }
    }
}

/// Stops without a message: wasm's `unreachable` in the browser, a panic on the host.
#[cold]
pub(crate) fn halt() -> ! {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
    #[cfg(not(target_arch = "wasm32"))]
    panic!("widget state borrowed twice");
}
