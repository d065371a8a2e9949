//! Who is signed in at this browser. The cookie itself is out of reach of scripts; this keeps
//! only what the server said about it, and notices when it has ended.

use leptos::prelude::*;
use mashang_model::StaffRole;
use mashang_model::staff::{Queue, QueueQuery, StaffMe};

use crate::api::{ApiError, StaffApi};

#[derive(Clone, Copy)]
pub struct Session {
    /// `None` before the first answer, then whether someone is signed in.
    pub me: RwSignal<Option<Option<StaffMe>>>,
    /// The session ended by itself (idle, or the day is over): the sign-in form says so.
    pub expired: RwSignal<bool>,
    /// The unit's unfiltered queue as fetched at start, and when: the queue's first load takes it.
    first_queue: StoredValue<Option<(Queue, f64)>>,
}

/// A queue fetched at start is shown only if the queue opens this soon after; later, it would be
/// news that is already old.
const FIRST_QUEUE_KEPT_MS: f64 = 10_000.0;

impl Session {
    /// Asks the server whether this browser's cookie is still a session.
    pub fn provide(api: StaffApi) -> Self {
        let session =
            Self { me: RwSignal::new(None), expired: RwSignal::new(false), first_queue: StoredValue::new(None) };
        leptos::task::spawn_local(async move {
            let me = api.me().await.ok();
            // index.html preloads this beside the session, so it is answered at once. It is asked
            // for signed in or not: a preload waits for the first request of its URL, and left
            // unused, a signed-out visitor's 401 would answer the queue's first load after signing in.
            let queue = api.queue(&QueueQuery::default()).await;
            if let (Some(_), Ok(queue)) = (&me, queue) {
                session.first_queue.set_value(Some((queue, js_sys::Date::now())));
            }
            session.me.try_set(Some(me));
        });
        provide_context(session);
        session
    }

    /// The queue fetched at start, once, if it is still fresh.
    pub fn take_first_queue(&self) -> Option<Queue> {
        let (queue, fetched_at) = self.first_queue.try_update_value(Option::take).flatten()?;
        (js_sys::Date::now() - fetched_at < FIRST_QUEUE_KEPT_MS).then_some(queue)
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
    use_context::<Session>().unwrap_or_else(|| Session {
        me: RwSignal::new(Some(None)),
        expired: RwSignal::new(false),
        first_queue: StoredValue::new(None),
    })
}

/// Whether this role supervises others' work: the bureau, and the street offices for theirs.
pub fn supervises(role: Option<StaffRole>) -> bool {
    matches!(role, Some(StaffRole::HousingBureau | StaffRole::CommunityOffice))
}
