//! Who is signed in at this browser. The cookie itself is out of reach of scripts; this keeps
//! only what the server said about it, and notices when it has ended.

use leptos::prelude::*;
use mashang_model::StaffRole;
use mashang_model::staff::StaffMe;

use crate::api::{ApiError, StaffApi};

#[derive(Clone, Copy)]
pub struct Session {
    /// `None` before the first answer, then whether someone is signed in.
    pub me: RwSignal<Option<Option<StaffMe>>>,
    /// The session ended by itself (idle, or the day is over): the sign-in form says so.
    pub expired: RwSignal<bool>,
}

impl Session {
    /// Asks the server whether this browser's cookie is still a session.
    pub fn provide(api: StaffApi) -> Self {
        let session = Self { me: RwSignal::new(None), expired: RwSignal::new(false) };
        leptos::task::spawn_local(async move {
            let me = api.me().await.ok();
            session.me.try_set(Some(me));
        });
        provide_context(session);
        session
    }

    pub fn signed_in(&self, me: StaffMe) {
        self.expired.set(false);
        self.me.set(Some(Some(me)));
    }

    pub fn signed_out(&self) {
        self.me.set(Some(None));
    }

    pub fn role(&self) -> Option<StaffRole> {
        self.me.with(|me| me.as_ref().and_then(|me| me.as_ref().map(|me| me.role)))
    }

    /// Notices, in any answer, that the session has ended.
    pub fn check_answer<T>(&self, answer: &Result<T, ApiError>) {
        if let Err(error) = answer {
            self.check(error);
        }
    }

    /// A request came back 401: the session is over; the page shows the sign-in form and keeps
    /// what was typed for after it.
    pub fn check(&self, error: &ApiError) {
        if error.status() == Some(401) && self.me.with_untracked(|me| matches!(me, Some(Some(_)))) {
            self.expired.set(true);
            self.me.set(Some(None));
        }
    }
}

pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or_else(|| Session { me: RwSignal::new(Some(None)), expired: RwSignal::new(false) })
}

/// Whether this role supervises others' work: the bureau, and the street offices for theirs.
pub fn supervises(role: Option<StaffRole>) -> bool {
    matches!(role, Some(StaffRole::HousingBureau | StaffRole::CommunityOffice))
}
