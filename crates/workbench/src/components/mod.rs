mod shell;
mod sign_in;

pub use shell::Shell;
pub use sign_in::SignInForm;
