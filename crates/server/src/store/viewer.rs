//! Who is looking at a complaint, and what that makes them for it. Both the complaints store and
//! the staff store need this; it lives here so neither imports the other for it.

use mashang_model::lifecycle::Party;
use mashang_model::{ActorRole, HandlerRole, StaffRole};

use super::personal::PhoneKey;

/// The city's housing bureau: it supervises every complaint.
pub const HOUSING_BUREAU: &str = "成都市住房和城乡建设局";

/// A signed-in member of staff and the organization they act for.
#[derive(Debug, Clone)]
pub struct StaffMember {
    pub id: i64,
    pub username: String,
    pub role: StaffRole,
    pub display_name: String,
    pub property_company_id: Option<i64>,
    pub street: Option<String>,
    pub organization: String,
}

/// Who holds a complaint now, and where it is: what decides a member of staff's part in it.
pub struct HeldBy<'a> {
    pub handler_role: HandlerRole,
    pub property_company_id: i64,
    pub street: &'a str,
}

impl StaffMember {
    /// Which party this person is for a complaint: its handling unit only if their organization
    /// holds it now; a supervisor if they are the bureau, or the street office of its community
    /// while the company holds it; `None` when they may not see it.
    pub fn party_for(&self, held: &HeldBy<'_>) -> Option<Party> {
        let own_street = self.street.as_deref() == Some(held.street);
        match self.role {
            StaffRole::HousingBureau => Some(Party::Supervisor),
            StaffRole::PropertyCompany
                if held.handler_role == HandlerRole::PropertyCompany
                    && self.property_company_id == Some(held.property_company_id) =>
            {
                Some(Party::HandlingUnit)
            }
            StaffRole::CommunityOffice if own_street && held.handler_role == HandlerRole::CommunityOffice => {
                Some(Party::HandlingUnit)
            }
            StaffRole::CommunityOffice if own_street => Some(Party::Supervisor),
            _ => None,
        }
    }

    pub fn actor_role(&self) -> ActorRole {
        match self.role {
            StaffRole::PropertyCompany => ActorRole::PropertyCompany,
            StaffRole::CommunityOffice => ActorRole::CommunityOffice,
            StaffRole::HousingBureau => ActorRole::HousingBureau,
        }
    }

    /// Whether this person supervises others' work: the bureau and the street offices.
    pub fn supervises(&self) -> bool {
        matches!(self.role, StaffRole::HousingBureau | StaffRole::CommunityOffice)
    }
}

/// Who is looking at a complaint, which decides what is masked and which actions are offered.
#[derive(Debug, Clone)]
pub enum Viewer {
    /// The filer: their access token or their phone's session.
    Resident,
    /// A neighbour who joined (附议), by their phone's key: sees no name, phone or photo.
    Neighbour(PhoneKey),
    Staff(StaffMember),
}

impl Viewer {
    /// The party this viewer is for a complaint held so, or `None` if they may not see it.
    pub fn party(&self, held: &HeldBy<'_>) -> Option<Party> {
        match self {
            Self::Resident => Some(Party::Resident),
            Self::Neighbour(_) => Some(Party::Neighbour),
            Self::Staff(staff) => staff.party_for(held),
        }
    }
}
