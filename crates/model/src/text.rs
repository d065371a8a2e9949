//! Cleaning and measuring free text typed by residents.
//!
//! Length is counted in Unicode scalar values (Rust `char`, JavaScript `[...s].length`): one unit
//! that the browser and the server count identically without a segmentation table. A CJK
//! character, including Extension B ones such as 𠀀, is one unit; an emoji built with zero-width
//! joiners counts each of its parts.
//!
//! Callers normalize to NFC before cleaning (the server with `unicode-normalization`, the browser
//! with `String.prototype.normalize`), so both sides count the same composed text.

/// Characters that reorder or hide text: a U+202E in a complaint could make a reply read
/// backwards, and zero-width spaces defeat duplicate detection.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{2060}' | '\u{FEFF}'
        | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Cleans a multi-line text such as a complaint description: drops control characters (NUL
/// included) except line breaks and tabs, drops bidi overrides and zero-width spaces, keeps
/// zero-width joiners (emoji sequences need them) and trims the ends.
pub fn clean_long_text(input: &str) -> String {
    let unified = input.replace("\r\n", "\n").replace('\r', "\n");
    unified
        .chars()
        .filter(|&c| (c == '\n' || c == '\t' || !c.is_control()) && !is_invisible_format(c))
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Cleans a one-line field such as a name or a building: also drops line breaks and every
/// zero-width character, and folds runs of white space into one space.
pub fn clean_short_text(input: &str) -> String {
    let kept: String = input
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|&c| !c.is_control() && !is_invisible_format(c) && c != '\u{200C}' && c != '\u{200D}')
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The length of a text in the unit both sides agree on (see the module documentation).
pub fn text_length(text: &str) -> usize {
    text.chars().count()
}

/// A name as others may see it: its first character, then one star (张*), so that neither the
/// name nor its length is revealed.
pub fn mask_name(name: &str) -> String {
    match name.chars().next() {
        Some(first) => format!("{first}*"),
        None => String::new(),
    }
}

/// Turns full-width ASCII forms (common from Chinese input methods: `１３８`, `＋`, `－`) and the
/// ideographic space into their ASCII counterparts.
pub fn fold_full_width(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_keeps_emoji_sequences_and_rare_cjk() {
        let family = "👨\u{200D}👩\u{200D}👧";
        let text = format!("{family} 𠀀𪚥 楼道漏水");
        assert_eq!(clean_long_text(&text), text);
        assert_eq!(text_length("𠀀𪚥"), 2);
        assert_eq!(text_length(family), 5);
    }

    #[test]
    fn long_text_drops_controls_and_bidi_but_keeps_lines() {
        let dirty = "\u{202E}漏水\0严重\r\n三楼\u{200B}以上\u{7}  ";
        assert_eq!(clean_long_text(dirty), "漏水严重\n三楼以上");
    }

    #[test]
    fn markup_is_kept_verbatim() {
        let text = "<script>alert(1)</script><img src=x onerror=alert(1)> javascript:alert(1) ' OR 1=1--";
        assert_eq!(clean_long_text(text), text);
    }

    #[test]
    fn short_text_folds_whitespace_and_strips_joiners() {
        assert_eq!(clean_short_text("  张\u{200D}三\n\t 先生 "), "张三 先生");
    }

    #[test]
    fn names_are_masked_to_their_first_character() {
        assert_eq!(mask_name("欧阳娜娜"), "欧*");
        assert_eq!(mask_name("𠀀明"), "𠀀*");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn full_width_digits_fold() {
        assert_eq!(fold_full_width("＋８６　１３８"), "+86 138");
    }
}
