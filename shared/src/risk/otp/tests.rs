//! The one-time code: unbiased draws, the shopper's input, three tries in five minutes.

use super::*;

fn code(bytes: &[u8]) -> Option<String> {
    OtpCode::from_random(bytes).map(|c| c.expose_digits().to_owned())
}

#[test]
fn codes_come_from_the_first_unbiased_draw() {
    let rows: [(&[u8], Option<&str>); 8] = [
        (&[0, 0, 0, 0], Some("000000")),
        (&[0, 0x0f, 0x42, 0x3f], Some("999999")),                 // 999,999
        (&[0, 0x0f, 0x42, 0x40], Some("000000")),                 // 1,000,000
        (&[0xff, 0xf1, 0x3d, 0x7f], Some("999999")),              // 4,293,999,999: the last accepted
        (&[0xff, 0xf1, 0x3d, 0x80, 0, 0, 0, 42], Some("000042")), // 4,294,000,000: rejected
        (&[0xff; 16], None),
        (&[1, 2, 3], None),
        (&[0, 0, 0x30, 0x39, 0xff], Some("012345")),
    ];
    for (bytes, want) in rows {
        assert_eq!(code(bytes).as_deref(), want, "{bytes:?}");
    }
    // No bias: every code has exactly ACCEPT_BELOW / 10^6 accepted draws, and no larger
    // multiple of 10^6 fits in a u32.
    assert_eq!(u64::from(ACCEPT_BELOW) % 1_000_000, 0);
    assert!(u64::from(ACCEPT_BELOW) + 1_000_000 > 1 << 32);
}

#[test]
fn the_shopper_s_input_parses_in_either_script() {
    let rows = [
        ("123456", Ok("123456")),
        (" 123 456 ", Ok("123456")),
        ("১২৩৪৫৬", Ok("123456")),
        ("০০০০০১", Ok("000001")),
        ("12345", Err(OtpError::Format)),
        ("1234567", Err(OtpError::Format)),
        ("12345a", Err(OtpError::Format)),
        ("123-456", Err(OtpError::Format)),
        ("", Err(OtpError::Format)),
    ];
    for (s, want) in rows {
        let got = OtpCode::parse(s).map(|c| c.expose_digits().to_owned());
        assert_eq!(got.as_deref().map_err(|e| *e), want, "{s:?}");
    }
    assert_eq!(format!("{:?}", OtpCode::parse("123456").unwrap()), "OtpCode(******)");
}

#[derive(Clone, Copy)]
enum Try {
    Right,
    Wrong,
    Malformed,
}

/// One try: what was typed, when, and the answer.
type Step = (Try, u64, Verdict);

#[test]
fn three_tries_five_minutes_then_locked() {
    use Try::*;
    use Verdict as V;
    const RIGHT: OtpDigest = [7; 32];
    let mut wrong = RIGHT;
    wrong[31] ^= 1; // differs in the last byte only
    let t0 = 1_000_000;
    let end = t0 + LIFETIME_MS;
    let rows: Vec<(&str, Vec<Step>)> = vec![
        ("right at once", vec![(Right, t0, V::Ok)]),
        ("right just before expiry", vec![(Right, end - 1, V::Ok)]),
        ("at expiry", vec![(Right, end, V::Expired)]),
        (
            "used once, then locked",
            vec![(Right, t0, V::Ok), (Right, t0, V::Locked)],
        ),
        (
            "two wrong, then right",
            vec![
                (Wrong, t0, V::Wrong { tries_left: 2 }),
                (Malformed, t0, V::Wrong { tries_left: 1 }),
                (Right, t0, V::Ok),
            ],
        ),
        (
            "three wrong lock it, even against the right code",
            vec![
                (Wrong, t0, V::Wrong { tries_left: 2 }),
                (Wrong, t0, V::Wrong { tries_left: 1 }),
                (Wrong, t0, V::Wrong { tries_left: 0 }),
                (Right, t0, V::Locked),
            ],
        ),
        (
            "expired costs no try",
            vec![(Wrong, end, V::Expired), (Wrong, end + 1, V::Expired)],
        ),
        (
            "locked outranks expired",
            vec![
                (Malformed, t0, V::Wrong { tries_left: 2 }),
                (Malformed, t0, V::Wrong { tries_left: 1 }),
                (Malformed, t0, V::Wrong { tries_left: 0 }),
                (Right, end, V::Locked),
            ],
        ),
    ];
    for (label, steps) in rows {
        let mut state = OtpState::issue(RIGHT, t0);
        assert_eq!((state.tries_left, state.expires_at_ms), (3, end));
        for (i, (t, now, want)) in steps.into_iter().enumerate() {
            let got = match t {
                Right => state.verify(&RIGHT, now),
                Wrong => state.verify(&wrong, now),
                Malformed => state.refuse_malformed(now),
            };
            assert_eq!(got, want, "{label}, step {i}");
        }
    }
}

#[test]
fn issue_near_the_end_of_time_saturates() {
    assert_eq!(OtpState::issue([0; 32], u64::MAX).expires_at_ms, u64::MAX);
}
