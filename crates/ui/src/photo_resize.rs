//! Shrinking photos in the browser before upload: at most 1600 px on the long side, re-encoded as
//! JPEG. A phone photo of several megabytes becomes a few hundred kilobytes, which matters on a
//! weak network, and the re-encoding leaves the EXIF data (GPS position) behind. The browser
//! applies the EXIF orientation while decoding, so portrait photos stay upright.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap};

const MAX_SIDE: f64 = 1600.0;
const JPEG_QUALITY: f64 = 0.85;

pub async fn shrink(file: &Blob) -> Result<Blob, JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let bitmap: ImageBitmap = JsFuture::from(window.create_image_bitmap_with_blob(file)?).await?.dyn_into()?;
    let (width, height) = (f64::from(bitmap.width()), f64::from(bitmap.height()));
    let scale = (MAX_SIDE / width.max(height)).min(1.0);
    let (target_width, target_height) = ((width * scale).round().max(1.0), (height * scale).round().max(1.0));
    let canvas: HtmlCanvasElement = window.document().ok_or("no document")?.create_element("canvas")?.dyn_into()?;
    canvas.set_width(target_width as u32);
    canvas.set_height(target_height as u32);
    let context: CanvasRenderingContext2d = canvas.get_context("2d")?.ok_or("no 2d context")?.dyn_into()?;
    context.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, target_width, target_height)?;
    bitmap.close();
    let encoded = js_sys::Promise::new(&mut |resolve, reject| {
        let done = Closure::once_into_js(move |blob: JsValue| {
            let _ = if blob.is_null() {
                reject.call1(&JsValue::NULL, &"encoding failed".into())
            } else {
                resolve.call1(&JsValue::NULL, &blob)
            };
        });
        let _ = canvas.to_blob_with_type_and_encoder_options(
            done.unchecked_ref(),
            "image/jpeg",
            &JsValue::from(JPEG_QUALITY),
        );
    });
    JsFuture::from(encoded).await?.dyn_into()
}
