//! Checking and cleaning uploaded photos. The type is decided by the bytes, never by the name or
//! the declared type; the size in pixels is read from the header before anything is decoded; and
//! every photo is decoded and re-encoded as a JPEG of at most 2048 px, which drops EXIF data
//! (GPS position, camera owner) and anything smuggled after the image data.

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// Larger uploads are refused before their body is read.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// 40 megapixels: more than any phone camera, far less than a decompression bomb.
pub const MAX_PIXELS: u64 = 40_000_000;
/// The long side of a stored photo: plenty to see a crack or a leak, small on a phone network.
pub const MAX_SIDE: u32 = 2048;
const JPEG_QUALITY: u8 = 82;
/// Decoding a 40 MP image needs about 160 MB; anything asking for more is refused.
const MAX_DECODE_ALLOCATION: u64 = 512 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoError {
    Empty,
    UnsupportedType,
    TooManyPixels,
    Undecodable,
}

pub struct CleanPhoto {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// JPEG, PNG and WebP by their signatures; nothing else (no SVG, no HTML, no executables).
fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

fn reader(bytes: &[u8], format: ImageFormat) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_ALLOCATION);
    reader.limits(limits);
    reader
}

pub fn clean(bytes: &[u8]) -> Result<CleanPhoto, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    let format = sniff(bytes).ok_or(PhotoError::UnsupportedType)?;
    // The size comes from the header alone, so a decompression bomb is refused unread.
    let size = imagesize::blob_size(bytes).map_err(|_| PhotoError::Undecodable)?;
    if (size.width as u64).saturating_mul(size.height as u64) > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels);
    }
    let mut decoder = reader(bytes, format).into_decoder().map_err(|_| PhotoError::Undecodable)?;
    // Phones store portrait photos sideways with an orientation tag; apply it before the tag
    // goes with the rest of the metadata.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|_| PhotoError::Undecodable)?;
    image.apply_orientation(orientation);
    if image.width().max(image.height()) > MAX_SIDE {
        image = image.resize(MAX_SIDE, MAX_SIDE, FilterType::Triangle);
    }
    let rgb = image.to_rgb8();
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY).encode_image(&rgb).map_err(|_| PhotoError::Undecodable)?;
    Ok(CleanPhoto { jpeg, width: rgb.width(), height: rgb.height() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_images_by_their_bytes_only() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(ImageFormat::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(ImageFormat::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageFormat::WebP));
        for other in [&b"MZ\x90\0"[..], b"<svg xmlns=", b"<!DOCTYPE html>", b"GIF89a", b""] {
            assert_eq!(sniff(other), None);
        }
    }
}
