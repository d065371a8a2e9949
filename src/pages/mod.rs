mod file;
mod home;
mod not_found;
mod receipt;
mod track;

pub use file::FilePage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use receipt::ReceiptPage;
pub use track::TrackPage;
