//! The provider link as a QR code (SVG), for a desktop shopper who pays on the phone.

/// Appends an `<svg>` of `url` as a QR code: one path, one unit per module, a quiet zone of
/// four. Nothing is appended if the link is too long for a QR code.
#[cfg(feature = "qr")]
pub fn push_svg(out: &mut String, url: &str) -> bool {
    use qrcodegen::{QrCode, QrCodeEcc};
    let Ok(code) = QrCode::encode_binary(url.as_bytes(), QrCodeEcc::Medium) else {
        return false;
    };
    let n = code.size();
    let side = n.saturating_add(8);
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"-4 -4 ");
    push_int(out, side);
    out.push(' ');
    push_int(out, side);
    out.push_str("\" shape-rendering=\"crispEdges\" aria-hidden=\"true\"><path fill=\"#fff\" d=\"M-4-4h");
    push_int(out, side);
    out.push('v');
    push_int(out, side);
    out.push_str("h-");
    push_int(out, side);
    out.push_str("z\"/><path d=\"");
    for y in 0..n {
        let mut x = 0;
        while x < n {
            if !code.get_module(x, y) {
                x += 1;
                continue;
            }
            // A run of dark modules on this row becomes one rectangle.
            let start = x;
            while x < n && code.get_module(x, y) {
                x += 1;
            }
            out.push('M');
            push_int(out, start);
            out.push(' ');
            push_int(out, y);
            out.push('h');
            push_int(out, x - start);
            out.push_str("v1h-");
            push_int(out, x - start);
            out.push('z');
        }
    }
    out.push_str("\"/></svg>");
    true
}

/// Without the `qr` feature (the phone build) there is no code to show.
#[cfg(not(feature = "qr"))]
pub fn push_svg(_out: &mut String, _url: &str) -> bool {
    false
}

/// Appends a non-negative integer in ASCII digits, without the formatting machinery.
#[cfg(feature = "qr")]
fn push_int(out: &mut String, n: i32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    let mut v = n.unsigned_abs();
    loop {
        i = i.saturating_sub(1);
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 || i == 0 {
            break;
        }
    }
    for b in buf.iter().skip(i) {
        out.push(char::from(*b));
    }
}
