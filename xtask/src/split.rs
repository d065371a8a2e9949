//! `cargo xtask split-app`: the resident app's wasm, cut into the first screen and a chunk per
//! other page. Trunk cannot split a wasm (trunk-rs/trunk#1022), so it builds the page, the CSS and
//! the assets, and runs this as its post-build hook; this builds the wasm and writes it, with its
//! script tags, into Trunk's staging folder. `trunk build` and `trunk serve` keep working as they
//! did, in debug and in release.
//!
//! The steps are those of cargo-leptos's `--split`: the wasm is linked with its relocations
//! (`--emit-relocs`, from `build.rs`), `wasm-split-cli` cuts it at the
//! `#[wasm_split]` points of `src/lazy.rs`, `wasm-bindgen --keep-lld-exports` makes the main
//! module's JavaScript, `wasm-opt` shrinks every module, and every file is named with one build
//! id, so a page can never load a chunk of another build.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools::{self, run_checked};
use crate::{Result, root};

const APP: &str = "mashang-app";
/// What `wasm-split-cli` calls the module the main wasm imports the chunk loaders from.
const LINK_MODULE: &str = "__wasm_split";

/// Trunk's post-build hook. Does nothing for the other pages Trunk builds with the same
/// `Trunk.toml` (the workbench, the benchmark's floor): their wasm is Trunk's own.
pub fn split_app() -> Result {
    let root = root();
    let html = std::env::var_os("TRUNK_HTML_FILE").map(PathBuf::from).ok_or("run by Trunk's post_build hook only")?;
    if html.canonicalize().ok() != root.join("index.html").canonicalize().ok() {
        return Ok(());
    }
    let staging = std::env::var_os("TRUNK_STAGING_DIR").map(PathBuf::from).ok_or("TRUNK_STAGING_DIR is not set")?;
    let release = std::env::var("TRUNK_PROFILE").is_ok_and(|profile| profile == "release");
    build(&root, &staging, release)
}

fn build(root: &Path, staging: &Path, release: bool) -> Result {
    let profile = if release { "release" } else { "debug" };
    let mut cargo = Command::new("cargo");
    cargo.args(["build", "--locked", "--target", "wasm32-unknown-unknown", "--package", APP, "--bin", APP]);
    if release {
        cargo.arg("--release");
    }
    run_checked(cargo.current_dir(root))?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let linked = target.join("wasm32-unknown-unknown").join(profile).join(format!("{APP}.wasm"));

    let work = target.join("split").join(profile);
    let _ = std::fs::remove_dir_all(&work);
    let bindgen_out = work.join("bindgen");
    std::fs::create_dir_all(&bindgen_out).map_err(|e| format!("creating {}: {e}", bindgen_out.display()))?;
    let mut split = Command::new("wasm-split-cli");
    split.arg(&linked).arg(&work).args(["--target", "web", "--out-name", APP]);
    tools::with_tool_path(&mut split, root);
    run_checked(&mut split)?;
    let mut bindgen = Command::new("wasm-bindgen");
    bindgen
        .arg(work.join(format!("{APP}.wasm")))
        .args(["--target", "web", "--keep-lld-exports", "--no-demangle", "--no-typescript", "--out-name", APP])
        .arg("--out-dir")
        .arg(&bindgen_out);
    tools::with_tool_path(&mut bindgen, root);
    run_checked(&mut bindgen)?;

    // Every wasm the page may load: the main module first, then the chunks in a stable order.
    let mut modules = vec![(bindgen_out.join(format!("{APP}_bg.wasm")), format!("{APP}_bg.wasm"))];
    let mut chunks: Vec<String> =
        list(&work, ".wasm")?.into_iter().filter(|name| name != &format!("{APP}.wasm")).collect();
    chunks.sort();
    modules.extend(chunks.iter().map(|name| (work.join(name), name.clone())));
    if release {
        for (path, _) in &modules {
            let mut optimize = Command::new("wasm-opt");
            // `MASHANG_WASM_NAMES=1` keeps the functions' names, for a profile of a release build.
            let names = if std::env::var_os("MASHANG_WASM_NAMES").is_some() { "-g" } else { "--strip-debug" };
            optimize.arg("-Oz").arg(names).arg(path).arg("-o").arg(path);
            tools::with_tool_path(&mut optimize, root);
            run_checked(&mut optimize)?;
        }
    }

    let main_js = read(&bindgen_out.join(format!("{APP}.js")))?;
    let link_js = read(&work.join(format!("{LINK_MODULE}.js")))?;
    let mut wasm = Vec::new();
    for (path, name) in &modules {
        wasm.push((name.clone(), std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?));
    }
    let id = build_id(main_js.as_bytes(), link_js.as_bytes(), &wasm);
    let named = |name: &str| hashed_name(name, &id);

    // The main script imports the loaders; the loaders import the main script and fetch the
    // chunks. Only the import statements are renamed: the wasm's own import names stay.
    let main_js = main_js.replace(
        &format!("from \"./{LINK_MODULE}.js\""),
        &format!("from \"./{}\"", named(&format!("{LINK_MODULE}.js"))),
    );
    let mut link_js =
        link_js.replace(&format!("from \"./{APP}.js\""), &format!("from \"./{}\"", named(&format!("{APP}.js"))));
    for chunk in &chunks {
        link_js = link_js.replace(&format!("\"./{chunk}\""), &format!("\"./{}\"", named(chunk)));
    }
    let main_js_path = staging.join(named(&format!("{APP}.js")));
    write(&main_js_path, main_js.as_bytes())?;
    if release {
        // Trunk minifies the scripts it builds; this one it does not see. Its exports (which the
        // loaders import) keep their names. The loaders stay as written: they are small, and
        // `cargo xtask bench-app` reads their chunk lists.
        let mut minify = Command::new("terser");
        minify.arg(&main_js_path).args(["--module", "--compress", "--mangle", "--output"]).arg(&main_js_path);
        tools::with_tool_path(&mut minify, root);
        run_checked(&mut minify)?;
    }
    write(&staging.join(named(&format!("{LINK_MODULE}.js"))), link_js.as_bytes())?;
    for (name, bytes) in &wasm {
        write(&staging.join(named(name)), bytes)?;
    }

    let index = staging.join("index.html");
    let page = without_skipped_rust_link(&read(&index)?);
    let tags = script_tags(
        &named(&format!("{APP}.js")),
        &named(&format!("{LINK_MODULE}.js")),
        &named(&format!("{APP}_bg.wasm")),
        &chunks.iter().map(|c| named(c)).collect::<Vec<_>>(),
        &route_chunks(&link_js, &id),
    );
    let Some(head_end) = page.find("</head>") else {
        return Err(format!("{} has no </head> to put the app's scripts before", index.display()));
    };
    write(&index, format!("{}{tags}{}", &page[..head_end], &page[head_end..]).as_bytes())
}

/// Which split module (src/lazy.rs) each route of the app (src/app.rs) waits for, by the start of
/// its path under the base; the first match counts.
const ROUTE_SPLITS: [(&str, &str); 5] = [
    ("file", "file"),
    ("complaints/", "progress"),
    ("receipt/", "receipt"),
    ("mine", "mine"),
    ("scorecards", "scorecards"),
];

/// For each route of `ROUTE_SPLITS`, the files its split point loads (its own and the shared
/// chunks it depends on) without the build id, read from the loaders `wasm-split-cli` wrote.
fn route_chunks(link_js: &str, id: &str) -> Vec<(&'static str, Vec<String>)> {
    // `const __chunk_7 = makeLoad(() => {\n    const src = fetch(new URL("./chunk_7-<id>.wasm", …`
    let file_after = |text: &str| -> Option<String> {
        let start = text.find("new URL(\"./")? + "new URL(\"./".len();
        let end = start + text[start..].find('"')?;
        Some(text[start..end].replace(&format!("-{id}"), ""))
    };
    let chunk_file = |variable: &str| file_after(link_js.split(&format!("const {variable} = makeLoad(")).nth(1)?);
    ROUTE_SPLITS
        .iter()
        .filter_map(|(route, split)| {
            let loader = link_js.split(&format!("export const __wasm_split_load_{split} = ")).nth(1)?;
            // It ends with the list of the chunks it waits for: `…}\n, [__chunk_7, __chunk_9]));`.
            let loader = &loader[..loader.find("]));")?];
            let dependencies = loader.rsplit_once('[')?.1;
            let mut files = vec![file_after(loader)?];
            files.extend(dependencies.split(',').map(str::trim).filter(|d| !d.is_empty()).filter_map(chunk_file));
            Some((*route, files))
        })
        .collect()
}

/// The tags that start the app: its scripts and main wasm fetched at once, in parallel, and on a
/// deep link (`/file` from a bookmark) the route's chunks with them rather than after; the chunk
/// list for index.html's idle prefetch and the service worker.
fn script_tags(
    main_js: &str,
    link_js: &str,
    main_wasm: &str,
    chunks: &[String],
    route_chunks: &[(&str, Vec<String>)],
) -> String {
    let chunk_list = chunks.iter().map(|chunk| format!("./{chunk}")).collect::<Vec<_>>().join(" ");
    let id = main_wasm.trim_end_matches("_bg.wasm").rsplit('-').next().unwrap_or_default();
    let routes = route_chunks
        .iter()
        .map(|(route, files)| {
            let files = files.iter().map(|file| format!("'{}'", file.trim_end_matches(".wasm"))).collect::<Vec<_>>();
            format!("['{route}',[{}]]", files.join(","))
        })
        .collect::<Vec<_>>()
        .join(",");
    // The chunks' names are written without the build id, which the script adds back.
    let deep_link = format!(
        "const r=location.pathname.slice(new URL(document.baseURI).pathname.length);\
         for(const[p,f]of[{routes}])if(r.startsWith(p)){{for(const n of f){{\
         const l=document.createElement('link');l.rel='preload';l.as='fetch';l.crossOrigin='anonymous';\
         l.href=`./${{n}}-{id}.wasm`;document.head.append(l)}}break}}"
    );
    format!(
        "<link rel=modulepreload href=\"./{main_js}\" crossorigin>\
         <link rel=modulepreload href=\"./{link_js}\" crossorigin>\
         <link rel=preload href=\"./{main_wasm}\" as=fetch type=application/wasm crossorigin>\
         <meta name=mashang-chunks content=\"{chunk_list}\">\
         <script type=module>{deep_link}import init from './{main_js}';await init({{module_or_path:'./{main_wasm}'}});</script>"
    )
}

/// Trunk leaves the `<link data-trunk rel=rust data-trunk-skip>` that told it not to build the
/// wasm in the page; the browser has no use for it.
fn without_skipped_rust_link(page: &str) -> String {
    let Some(start) = page.find("<link ").filter(|_| page.contains("data-trunk-skip")) else {
        return page.to_owned();
    };
    let mut rest = page;
    let mut kept = String::with_capacity(page.len());
    let mut from = start;
    while let Some(offset) = rest[from..].find("<link ") {
        let open = from + offset;
        let Some(length) = rest[open..].find('>') else { break };
        let tag = &rest[open..open + length + 1];
        if tag.contains("data-trunk-skip") {
            kept.push_str(&rest[..open]);
            rest = &rest[open + length + 1..];
            from = 0;
        } else {
            from = open + length + 1;
        }
    }
    kept.push_str(rest);
    kept
}

/// `name-<id>.ext`, and `name-<id>_bg.wasm` for wasm-bindgen's main module, as Trunk names
/// hashed files (the server caches those for a year).
fn hashed_name(name: &str, id: &str) -> String {
    if let Some(stem) = name.strip_suffix("_bg.wasm") {
        return format!("{stem}-{id}_bg.wasm");
    }
    match name.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}-{id}.{extension}"),
        None => format!("{name}-{id}"),
    }
}

/// 64-bit FNV-1a over every output, as 16 hex digits: one id for the whole build.
fn build_id(main_js: &[u8], link_js: &[u8], wasm: &[(String, Vec<u8>)]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let parts =
        [main_js, link_js].into_iter().chain(wasm.iter().flat_map(|(name, bytes)| [name.as_bytes(), bytes.as_slice()]));
    for part in parts {
        for byte in part {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn list(folder: &Path, extension: &str) -> Result<Vec<String>> {
    let entries = std::fs::read_dir(folder).map_err(|e| format!("reading {}: {e}", folder.display()))?;
    Ok(entries
        .flatten()
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| name.ends_with(extension))
        .collect())
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result {
    std::fs::write(path, bytes).map_err(|e| format!("writing {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_carries_the_build_id_where_the_server_looks_for_a_hash() {
        let id = "0123456789abcdef";
        assert_eq!(hashed_name("mashang-app_bg.wasm", id), "mashang-app-0123456789abcdef_bg.wasm");
        assert_eq!(hashed_name("mashang-app.js", id), "mashang-app-0123456789abcdef.js");
        assert_eq!(hashed_name("split_file.wasm", id), "split_file-0123456789abcdef.wasm");
    }

    #[test]
    fn the_skipped_rust_link_leaves_the_page_and_nothing_else_does() {
        let page = "<head><base href=./><link data-bin=mashang-app data-trunk data-trunk-skip rel=rust><link href=./main.css rel=stylesheet></head>";
        assert_eq!(without_skipped_rust_link(page), "<head><base href=./><link href=./main.css rel=stylesheet></head>");
        let plain = "<head><link href=./main.css rel=stylesheet></head>";
        assert_eq!(without_skipped_rust_link(plain), plain);
    }

    #[test]
    fn a_route_loads_its_own_chunk_and_the_shared_ones_it_depends_on() {
        let link = "const __chunk_7 = makeLoad(() => {\n    const src = fetch(new URL(\"./chunk_7-ab.wasm\", import.meta.url));\n}\n, []);\n\
                    const __chunk_9 = makeLoad(() => {\n    const src = fetch(new URL(\"./chunk_9-ab.wasm\", import.meta.url));\n}\n, []);\n\
                    export const __wasm_split_load_file = wrapAsyncCb(makeLoad(() => {\n    const src = fetch(new URL(\"./split_file-ab.wasm\", import.meta.url));\n}\n, [__chunk_7, __chunk_9]));\n\
                    export const __wasm_split_load_mine = wrapAsyncCb(makeLoad(() => {\n    const src = fetch(new URL(\"./split_mine-ab.wasm\", import.meta.url));\n}\n, []));\n";
        let owned = |names: &[&str]| names.iter().map(|name| (*name).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            route_chunks(link, "ab"),
            vec![
                ("file", owned(&["split_file.wasm", "chunk_7.wasm", "chunk_9.wasm"])),
                ("mine", owned(&["split_mine.wasm"])),
            ]
        );
    }

    #[test]
    fn the_build_id_changes_with_any_file() {
        let wasm = vec![("chunk_1.wasm".to_owned(), vec![1, 2, 3])];
        let first = build_id(b"main", b"link", &wasm);
        assert_eq!(first.len(), 16);
        assert_eq!(first, build_id(b"main", b"link", &wasm));
        assert_ne!(first, build_id(b"main", b"link", &[("chunk_1.wasm".to_owned(), vec![1, 2, 4])]));
        assert_ne!(first, build_id(b"main!", b"link", &wasm));
    }
}
