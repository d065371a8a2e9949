mod complaint;
mod file;
mod home;
pub mod join;
mod mine;
mod not_found;
mod receipt;
mod scorecards;
pub mod track;

pub use complaint::ComplaintPage;
pub use file::FilePageBody;
pub use home::HomePage;
pub use mine::MyComplaintsBody;
pub use not_found::NotFoundPage;
pub use receipt::ReceiptPage;
pub use scorecards::{RankingBody, ScorecardPage};
pub use track::TrackPage;
