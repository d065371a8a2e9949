//! The Content-Security-Policy: only this origin's scripts, styles and API, WebAssembly allowed,
//! and the page's inline blocks (the scripts that start the app, the loading shell's style) allowed
//! by their hashes, which are read from the built `index.html` at start because every build
//! changes them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::secrets::sha256;

/// The policy for pages whose inline blocks are in `index_html`, framable by `frame_ancestors`
/// (origins already checked by `config::parse_origin`; none: by no one).
pub fn policy_for(index_html: &str, frame_ancestors: &[String]) -> String {
    let scripts = inline_hashes(index_html, "script");
    let styles = inline_hashes(index_html, "style");
    let ancestors = if frame_ancestors.is_empty() { "'none'".to_owned() } else { frame_ancestors.join(" ") };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{scripts}; style-src 'self'{styles}; \
         img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; worker-src 'self'; \
         manifest-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors {ancestors}"
    )
}

/// ` 'sha256-…'` for every inline `<tag>` block (one without `src`).
fn inline_hashes(html: &str, tag: &str) -> String {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut hashes = String::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(tag_end) = after.find('>') else { break };
        let attributes = &after[..tag_end];
        let body_and_rest = &after[tag_end + 1..];
        let Some(body_end) = body_and_rest.find(&close) else { break };
        let is_tag = attributes.is_empty() || attributes.starts_with(char::is_whitespace);
        if is_tag && !attributes.contains("src=") {
            let digest = sha256(&body_and_rest.as_bytes()[..body_end]);
            hashes.push_str(&format!(" 'sha256-{}'", STANDARD.encode(digest)));
        }
        rest = &body_and_rest[body_end + close.len()..];
    }
    hashes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_inline_blocks_but_not_external_scripts() {
        let html = "<head><script type=module>import init from '/app.js';</script><script src=/x.js></script>\
                    <style>body{margin:0}</style><link rel=stylesheet href=/a.css></head>";
        let policy = policy_for(html, &[]);
        let script = STANDARD.encode(sha256(b"import init from '/app.js';"));
        let style = STANDARD.encode(sha256(b"body{margin:0}"));
        assert!(policy.contains(&format!("script-src 'self' 'wasm-unsafe-eval' 'sha256-{script}';")), "{policy}");
        assert!(policy.contains(&format!("style-src 'self' 'sha256-{style}';")), "{policy}");
        assert_eq!(policy.matches("sha256-").count(), 2);
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.ends_with("frame-ancestors 'none'"), "{policy}");
    }

    #[test]
    fn listed_origins_may_frame_the_page() {
        let policy = policy_for("", &["https://portal.example.gov.cn".to_owned(), "http://127.0.0.1:8081".to_owned()]);
        assert!(policy.ends_with("frame-ancestors https://portal.example.gov.cn http://127.0.0.1:8081"), "{policy}");
    }
}
