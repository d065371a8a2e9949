//! The resident app's wasm is linked with its relocations, which `cargo xtask split-app` needs to
//! cut it into the first screen and a chunk per other page. Only this binary's link step: the
//! workbench, linked without them, does not carry them to the phones of staff.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32") {
        println!("cargo::rustc-link-arg-bins=--emit-relocs");
    }
}
