//! The phone builds (the first build on desktops too) have no manual-transfer screen and no
//! QR code: about 6 KB gzip each that nearly every shopper would download for nothing. When a payment needs it (a `manual_transfer`
//! next_action), this widget steps aside and calls the loader's `more`, which mounts the build
//! that has the screen into the same container; that one asks for the status again, and the
//! status still carries the instructions (docs/design.md, "Widget → edge"). The same goes for
//! the compliance fields and the step-up's code (step_up.rs), and for a desktop's QR code of
//! the wallet's page (render.rs `show_link`): the status carries them too.

use wasm_bindgen::JsValue;

use crate::widget::{Phase, Widget};

impl Widget {
    /// The manual-transfer screen: the build that has it takes over.
    pub(crate) fn show_manual(&self, _next: &JsValue) -> bool {
        self.hand_over()
    }

    /// A payment in review (after a manual transfer): the build with its words takes over.
    pub(crate) fn review_elsewhere(&self) -> bool {
        self.hand_over()
    }

    /// Hands over to the build with the manual-transfer screen; false when there is none to
    /// hand over to (mounted without the loader).
    pub(crate) fn hand_over(&self) -> bool {
        let Some(more) = self.more.as_ref() else {
            return false;
        };
        // One answer may need two of the screens (compliance and a step-up): one hand-over.
        if self.st.borrow().retired {
            return true;
        }
        {
            let mut st = self.st.borrow_mut();
            st.phase = Phase::Loading;
            st.resumed = true;
            st.trouble = None;
            st.notice = None;
        }
        self.render();
        self.retire();
        more.call0(&JsValue::UNDEFINED).is_ok()
    }

    /// The payment asks for the compliance fields: the build that has them takes over.
    pub(crate) fn ask_compliance(&self, nid: bool, alt: bool) {
        if nid || alt {
            let _ = self.hand_over();
        }
    }

    /// A step-up waits for its code: the build with the code's form takes over (and finds the
    /// step-up in the status it asks for).
    pub(crate) fn enter_otp(&self, _next: &JsValue) {
        let _ = self.hand_over();
    }

    /// This build draws no manual-transfer screen: nothing to focus.
    pub(crate) fn focus_manual(&self) {}

    /// Stops listening, polling, drawing and telling the page: another widget takes over the
    /// container. Answers still on their way are dropped when they come.
    fn retire(&self) {
        let mut st = self.st.borrow_mut();
        st.retired = true;
        st.listeners.clear();
        st.timer = None;
    }
}
