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
            // `-Os` rather than `-Oz`: its output is a little larger but brotli packs it smaller
            // (main module and the form's bundle: 1.1 KB less).
            optimize.arg("-Os").arg(names).arg(path).arg("-o").arg(path);
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
    let by_name: std::collections::HashMap<String, &[u8]> =
        wasm.iter().map(|(name, bytes)| (named(name), bytes.as_slice())).collect();
    let bundles = bundles(&module_files(&link_js), &by_name, &id)?;
    let link_js = loading_from_bundles(&link_js, &bundles)?;
    let main_js_path = staging.join(named(&format!("{APP}.js")));
    write(&main_js_path, main_js.as_bytes())?;
    let link_js_path = staging.join(named(&format!("{LINK_MODULE}.js")));
    write(&link_js_path, link_js.as_bytes())?;
    if release {
        // Trunk minifies the scripts it builds; these it does not see. Their exports (which each
        // imports from the other) keep their names. The loaders: 2.9 → 2.2 KB brotli.
        for script in [&main_js_path, &link_js_path] {
            let mut minify = Command::new("terser");
            minify.arg(script).args(["--module", "--compress", "--mangle", "--output"]).arg(script);
            tools::with_tool_path(&mut minify, root);
            run_checked(&mut minify)?;
        }
    }
    let main_wasm = &wasm[0];
    write(&staging.join(named(&main_wasm.0)), &main_wasm.1)?;
    for bundle in &bundles {
        write(&staging.join(&bundle.name), &bundle.bytes)?;
    }

    let index = staging.join("index.html");
    let page = with_inlined_icon(&without_skipped_rust_link(&read(&index)?), staging)?;
    let tags = script_tags(
        &named(&format!("{APP}.js")),
        &named(&format!("{LINK_MODULE}.js")),
        &named(&format!("{APP}_bg.wasm")),
        &bundles.iter().map(|bundle| bundle.name.clone()).collect::<Vec<_>>(),
        &id,
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

/// Each split module's loader in the script `wasm-split-cli` wrote, with the files it fetches:
/// its own wasm first, then the shared chunks it waits for.
fn module_files(link_js: &str) -> Vec<(String, Vec<String>)> {
    // `const __chunk_7 = makeLoad(() => {\n    const src = fetch(new URL("./chunk_7-<id>.wasm", …`
    let file_after = |text: &str| -> Option<String> {
        let start = text.find("new URL(\"./")? + "new URL(\"./".len();
        let end = start + text[start..].find('"')?;
        Some(text[start..end].to_owned())
    };
    let chunk_file = |variable: &str| file_after(link_js.split(&format!("const {variable} = makeLoad(")).nth(1)?);
    link_js
        .split("export const __wasm_split_load_")
        .skip(1)
        .filter_map(|loader| {
            let module = loader.split_once(' ')?.0.to_owned();
            // It ends with the list of the chunks it waits for: `…}\n, [__chunk_7, __chunk_9]));`.
            let loader = &loader[..loader.find("]));")?];
            let dependencies = loader.rsplit_once('[')?.1;
            let mut files = vec![file_after(loader)?];
            files.extend(dependencies.split(',').map(str::trim).filter(|d| !d.is_empty()).filter_map(chunk_file));
            Some((module, files))
        })
        .collect()
}

/// All the wasm files one split module needs, in one file: a page waits for one request instead
/// of thirty (each a round trip on a phone network, over HTTP/1.1 six at a time), and brotli finds
/// more to share in one file than in thirty small ones. Chunks shared by several modules are in
/// each of their bundles; each is still instantiated once.
struct Bundle {
    module: String,
    /// `bundle_<module>-<build>.bin`
    name: String,
    bytes: Vec<u8>,
    /// Each wasm file in it: its name, where it starts and how long it is.
    parts: Vec<(String, usize, usize)>,
}

fn bundles(
    modules: &[(String, Vec<String>)],
    wasm: &std::collections::HashMap<String, &[u8]>,
    id: &str,
) -> Result<Vec<Bundle>> {
    modules
        .iter()
        .map(|(module, files)| {
            let mut bundle = Bundle {
                module: module.clone(),
                name: hashed_name(&format!("bundle_{module}.bin"), id),
                bytes: Vec::new(),
                parts: Vec::new(),
            };
            for file in files {
                let bytes = wasm.get(file).ok_or_else(|| format!("the loaders fetch {file}, which was not built"))?;
                bundle.parts.push((file.clone(), bundle.bytes.len(), bytes.len()));
                bundle.bytes.extend_from_slice(bytes);
            }
            Ok(bundle)
        })
        .collect()
}

/// The loaders, changed to take each wasm file from its module's bundle: a module's loader names
/// its bundle while it starts its chunks' loaders, and the first file asked for fetches the
/// bundle, which every part then slices.
fn loading_from_bundles(link_js: &str, bundles: &[Bundle]) -> Result<String> {
    let index = bundles
        .iter()
        .map(|bundle| {
            let parts = bundle
                .parts
                .iter()
                .map(|(file, start, length)| format!("\"{file}\":[{start},{length}]"))
                .collect::<Vec<_>>()
                .join(",");
            format!("\"{}\":{{{parts}}}", bundle.name)
        })
        .collect::<Vec<_>>()
        .join(",");
    let prelude = format!(
        "// Added by `cargo xtask split-app`: every wasm file comes out of its module's bundle.\n\
         const __bundles = {{{index}}};\n\
         let __bundle;\n\
         const __bundleBytes = new Map();\n\
         function __inBundle(name, load) {{\n\
         \x20   return () => {{ const outer = __bundle; __bundle = name; try {{ return load(); }} finally {{ __bundle = outer; }} }};\n\
         }}\n\
         function __part(file) {{\n\
         \x20   const name = __bundle;\n\
         \x20   const at = __bundles[name][file];\n\
         \x20   let bytes = __bundleBytes.get(name);\n\
         \x20   if (bytes === undefined) {{\n\
         \x20       bytes = fetch(new URL(`./${{name}}`, import.meta.url))\n\
         \x20           .then((answer) => answer.ok ? answer.arrayBuffer() : Promise.reject(new Error(`${{name}}: ${{answer.status}}`)));\n\
         \x20       // A failed fetch is tried again by the next load, as a failed chunk was.\n\
         \x20       bytes.catch(() => __bundleBytes.delete(name));\n\
         \x20       __bundleBytes.set(name, bytes);\n\
         \x20   }}\n\
         \x20   return bytes.then((buffer) => new Response(buffer.slice(at[0], at[0] + at[1]), {{ headers: {{ 'Content-Type': 'application/wasm' }} }}));\n\
         }}\n"
    );
    let (import, rest) = link_js.split_once('\n').ok_or("the loaders' script is empty")?;
    let mut changed = format!("{import}\n{prelude}{rest}");
    for bundle in bundles {
        let start = format!("export const __wasm_split_load_{} = wrapAsyncCb(makeLoad(", bundle.module);
        let at =
            changed.find(&start).ok_or_else(|| format!("no loader for {} in the loaders' script", bundle.module))?;
        let end = at + changed[at..].find("]));").ok_or("a loader without its list of chunks")?;
        changed.replace_range(end..end + 4, "])));");
        changed.replace_range(
            at..at + start.len(),
            &format!(
                "export const __wasm_split_load_{} = wrapAsyncCb(__inBundle(\"{}\", makeLoad(",
                bundle.module, bundle.name
            ),
        );
    }
    for bundle in bundles {
        for (file, _, _) in &bundle.parts {
            changed = changed
                .replace(&format!("fetch(new URL(\"./{file}\", import.meta.url))"), &format!("__part(\"{file}\")"));
        }
    }
    if changed.contains("fetch(new URL(\"./") {
        return Err("the loaders still fetch a wasm file that is in no bundle".to_owned());
    }
    Ok(changed)
}

/// The tags that start the app: its scripts and main wasm fetched at once, in parallel, and on a
/// deep link (`/file` from a bookmark) the route's bundle with them rather than after; the list
/// of bundles for index.html's idle prefetch and the service worker.
fn script_tags(main_js: &str, link_js: &str, main_wasm: &str, bundles: &[String], id: &str) -> String {
    let bundle_list = bundles.iter().map(|bundle| format!("./{bundle}")).collect::<Vec<_>>().join(" ");
    let routes =
        ROUTE_SPLITS.iter().map(|(route, split)| format!("['{route}','{split}']")).collect::<Vec<_>>().join(",");
    // At low priority: the main module first, whose frame (the page's title and opening line) is
    // the first thing the resident sees and Lighthouse's largest paint; the bundle right after.
    // (Lighthouse, form: 95–96 instead of 92–94 in six paired runs, the blocking time halved.)
    // A classic script, run as the page is parsed: in the module script it waited for the main
    // script's download, and the bundle's request queued behind the others.
    let deep_link = format!(
        "const r=location.pathname.slice(new URL(document.baseURI).pathname.length);\
         for(const[p,s]of[{routes}])if(r.startsWith(p)){{\
         const l=document.createElement('link');l.rel='preload';l.as='fetch';l.crossOrigin='anonymous';\
         l.fetchPriority='low';l.href=`./bundle_${{s}}-{id}.bin`;document.head.append(l);break}}"
    );
    format!(
        "<link rel=modulepreload href=\"./{main_js}\" crossorigin>\
         <link rel=modulepreload href=\"./{link_js}\" crossorigin>\
         <link rel=preload href=\"./{main_wasm}\" as=fetch type=application/wasm crossorigin>\
         <script>{deep_link}</script>\
         <meta name=mashang-chunks content=\"{bundle_list}\">\
         <script type=module>import init from './{main_js}';await init({{module_or_path:'./{main_wasm}'}});</script>"
    )
}

/// Trunk leaves the `<link data-trunk rel=rust data-trunk-skip>` that told it not to build the
/// wasm in the page; the browser has no use for it.
fn without_skipped_rust_link(page: &str) -> String {
    let mut kept = String::with_capacity(page.len());
    let mut from = 0;
    for tag in link_tags(page).filter(|tag| page[tag.clone()].contains("data-trunk-skip")) {
        kept.push_str(&page[from..tag.start]);
        from = tag.end;
    }
    kept.push_str(&page[from..]);
    kept
}

/// Where each `<link …>` tag of the page is, its closing `>` included.
fn link_tags(page: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    page.match_indices("<link ").filter_map(|(start, _)| Some(start..start + page[start..].find('>')? + 1))
}

/// The page's icon as a `data:` URL instead of a file: one request fewer before the first screen.
/// On HTTP/1.1 a browser opens six connections to a host, and the wasm, its scripts, the
/// stylesheet, `config.json`, the manifest and the route's bundle already need them all; the icon
/// (0.2 KB) made a request wait for a free one.
fn with_inlined_icon(page: &str, staging: &Path) -> Result<String> {
    let is_icon = |tag: &str| tag.contains("rel=icon") || tag.contains("rel=\"icon\"");
    let Some(at) = link_tags(page).find(|tag| is_icon(&page[tag.clone()])) else {
        return Ok(page.to_owned());
    };
    let tag = &page[at.clone()];
    let href = tag
        .split_whitespace()
        .find_map(|attribute| attribute.strip_prefix("href="))
        .map(|value| value.trim_end_matches('>').trim_matches('"').trim_start_matches("./"))
        .ok_or("the icon's <link> has no href")?;
    if !href.ends_with(".svg") {
        return Ok(page.to_owned());
    }
    let svg = read(&staging.join(href))?;
    Ok(format!(
        "{}<link rel=icon href=\"data:image/svg+xml,{}\">{}",
        &page[..at.start],
        percent_encoded(&svg),
        &page[at.end..]
    ))
}

/// Percent-encodes all but the characters a URL may hold as they are, as a `data:` URL in a
/// quoted attribute needs.
fn percent_encoded(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.trim().bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~!$&'()*+,;=:@/?".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
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
    fn the_svg_icon_is_written_into_the_page() {
        let staging = std::env::temp_dir().join(format!("mashang-icon-test-{}", std::process::id()));
        std::fs::create_dir_all(&staging).unwrap();
        std::fs::write(staging.join("favicon-ab.svg"), "<svg viewBox=\"0 0 64 64\"><text>办</text></svg>\n").unwrap();
        let page = "<head><link href=./favicon-ab.svg integrity=sha384-x rel=icon><link href=icon-192.png rel=apple-touch-icon></head>";
        assert_eq!(
            with_inlined_icon(page, &staging).unwrap(),
            "<head><link rel=icon href=\"data:image/svg+xml,%3Csvg%20viewBox=%220%200%2064%2064%22%3E%3Ctext%3E%E5%8A%9E%3C/text%3E%3C/svg%3E\"><link href=icon-192.png rel=apple-touch-icon></head>"
        );
        let without_icon = "<head><link href=./main.css rel=stylesheet></head>";
        assert_eq!(with_inlined_icon(without_icon, &staging).unwrap(), without_icon);
        let _ = std::fs::remove_dir_all(&staging);
    }

    const LOADERS: &str = "import { initSync } from \"./mashang-app-ab.js\";\n\
        const __chunk_7 = makeLoad(() => {\n    const src = fetch(new URL(\"./chunk_7-ab.wasm\", import.meta.url));\n}\n, []);\n\
        const __chunk_9 = makeLoad(() => {\n    const src = fetch(new URL(\"./chunk_9-ab.wasm\", import.meta.url));\n}\n, []);\n\
        export const __wasm_split_load_file = wrapAsyncCb(makeLoad(() => {\n    const src = fetch(new URL(\"./split_file-ab.wasm\", import.meta.url));\n}\n, [__chunk_7, __chunk_9]));\n\
        export const __wasm_split_load_mine = wrapAsyncCb(makeLoad(() => {\n    const src = fetch(new URL(\"./split_mine-ab.wasm\", import.meta.url));\n}\n, [__chunk_9]));\n";

    fn owned(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn a_module_loads_its_own_wasm_and_the_shared_chunks_it_depends_on() {
        assert_eq!(
            module_files(LOADERS),
            vec![
                ("file".to_owned(), owned(&["split_file-ab.wasm", "chunk_7-ab.wasm", "chunk_9-ab.wasm"])),
                ("mine".to_owned(), owned(&["split_mine-ab.wasm", "chunk_9-ab.wasm"])),
            ]
        );
    }

    #[test]
    fn each_module_takes_every_file_from_its_own_bundle() {
        let wasm: std::collections::HashMap<String, &[u8]> = [
            ("split_file-ab.wasm", &b"FFF"[..]),
            ("chunk_7-ab.wasm", &b"77"[..]),
            ("chunk_9-ab.wasm", &b"9"[..]),
            ("split_mine-ab.wasm", &b"MM"[..]),
        ]
        .into_iter()
        .map(|(name, bytes)| (name.to_owned(), bytes))
        .collect();
        let made = bundles(&module_files(LOADERS), &wasm, "ab").unwrap();
        assert_eq!(
            made.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
            ["bundle_file-ab.bin", "bundle_mine-ab.bin"]
        );
        assert_eq!(made[0].bytes, b"FFF779");
        assert_eq!(made[1].bytes, b"MM9");
        assert_eq!(made[1].parts, vec![("split_mine-ab.wasm".to_owned(), 0, 2), ("chunk_9-ab.wasm".to_owned(), 2, 1)]);

        let changed = loading_from_bundles(LOADERS, &made).unwrap();
        assert!(changed.starts_with("import { initSync }"));
        assert!(!changed.contains("fetch(new URL(\"./chunk"));
        assert!(changed.contains("const src = __part(\"chunk_7-ab.wasm\");"));
        assert!(changed.contains("wrapAsyncCb(__inBundle(\"bundle_file-ab.bin\", makeLoad(() => {"));
        assert!(changed.contains(", [__chunk_7, __chunk_9])));\n"));
        assert!(changed.contains("\"bundle_mine-ab.bin\":{\"split_mine-ab.wasm\":[0,2],\"chunk_9-ab.wasm\":[2,1]}"));
        // A wasm file in no bundle would be fetched from a file that is no longer written.
        assert!(loading_from_bundles(LOADERS, &made[..1]).is_err());
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
