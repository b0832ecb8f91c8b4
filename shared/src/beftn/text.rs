//! Text for the fixed-width file: names and references folded to upper-case ASCII and cut to
//! their field, and our ids checked (never cut: a cut id no longer matches anything).

/// Upper-case ASCII for a name or reference: Latin letters lose their accents (`é` → `E`,
/// `ß` → `SS`), letters, digits and `. , - & / '` stay, anything else (Bangla script,
/// emoji, other symbols) becomes a space; runs of spaces become one, and the result is cut to
/// `width` characters without a trailing space.
#[must_use]
pub fn fold(s: &str, width: usize) -> String {
    let mut out = String::with_capacity(s.len().min(width * 2));
    let mut pending_space = false;
    for c in s.chars() {
        let folded = fold_char(c);
        if folded.is_empty() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push_str(folded);
        if out.len() >= width {
            break;
        }
    }
    out.truncate(width);
    out.truncate(out.trim_end().len());
    out
}

/// Whether a folded text has a letter (a payee's name must).
#[must_use]
pub fn has_letter(folded: &str) -> bool {
    folded.bytes().any(|b| b.is_ascii_alphabetic())
}

/// An id we issued (payee, batch, company): 1 to `max` of `A-Z a-z 0-9 _ -`, kept as it is.
pub fn check_id(s: &str, max: usize) -> Result<(), IdProblem> {
    if s.is_empty() {
        return Err(IdProblem::Empty);
    }
    if s.len() > max {
        return Err(IdProblem::TooLong);
    }
    if !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        return Err(IdProblem::Characters);
    }
    Ok(())
}

/// Why an id does not fit the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdProblem {
    Empty,
    TooLong,
    Characters,
}

/// The ASCII a character folds to: itself (upper-cased), its base letter(s), or "" for a space.
fn fold_char(c: char) -> &'static str {
    const UPPER: [&str; 26] = [
        "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U", "V",
        "W", "X", "Y", "Z",
    ];
    const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    let letter = |l: char| {
        UPPER
            .get((l as usize).wrapping_sub('A' as usize))
            .copied()
            .unwrap_or("")
    };
    match c {
        'A'..='Z' => letter(c),
        'a'..='z' => letter(c.to_ascii_uppercase()),
        '0'..='9' => DIGITS.get(c as usize - '0' as usize).copied().unwrap_or(""),
        '.' => ".",
        ',' => ",",
        '-' => "-",
        '&' => "&",
        '/' => "/",
        '\'' | '\u{2019}' => "'",
        'ß' => "SS",
        'Æ' | 'æ' => "AE",
        'Œ' | 'œ' => "OE",
        'Þ' | 'þ' => "TH",
        'À'..='Å' | 'à'..='å' | '\u{100}'..='\u{105}' => "A",
        'Ç' | 'ç' | '\u{106}'..='\u{10d}' => "C",
        'Ð' | 'ð' | '\u{10e}'..='\u{111}' => "D",
        'È'..='Ë' | 'è'..='ë' | '\u{112}'..='\u{11b}' => "E",
        '\u{11c}'..='\u{123}' => "G",
        '\u{124}'..='\u{127}' => "H",
        'Ì'..='Ï' | 'ì'..='ï' | '\u{128}'..='\u{131}' => "I",
        '\u{134}' | '\u{135}' => "J",
        '\u{136}' | '\u{137}' => "K",
        '\u{139}'..='\u{142}' => "L",
        'Ñ' | 'ñ' | '\u{143}'..='\u{148}' => "N",
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | '\u{14c}'..='\u{151}' => "O",
        '\u{154}'..='\u{159}' => "R",
        '\u{15a}'..='\u{161}' => "S",
        '\u{162}'..='\u{167}' => "T",
        'Ù'..='Ü' | 'ù'..='ü' | '\u{168}'..='\u{173}' => "U",
        '\u{174}' | '\u{175}' => "W",
        'Ý' | 'ý' | 'ÿ' | '\u{176}'..='\u{178}' => "Y",
        '\u{179}'..='\u{17e}' => "Z",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_names_to_upper_case_ascii() {
        for (name, width, want) in [
            ("Rahim Traders", 35, "RAHIM TRADERS"),
            ("Café Déjà-vu Ltd.", 35, "CAFE DEJA-VU LTD."),
            ("  Md.   Karim\tUddin  ", 35, "MD. KARIM UDDIN"),
            ("Straße & Søn", 35, "STRASSE & SON"),
            ("মোঃ রহিম (Md. Rahim)", 35, "MD. RAHIM"),
            ("মোঃ রহিম", 35, ""),
            ("O’Brien", 35, "O'BRIEN"),
            ("Shop 🛒 #42", 35, "SHOP 42"),
            (
                "Abdullah Al Mamun Enterprise Limited Dhaka",
                35,
                "ABDULLAH AL MAMUN ENTERPRISE LIMITE",
            ),
            ("Rahim Traders", 6, "RAHIM"), // no trailing space after the cut
            ("", 10, ""),
        ] {
            let got = fold(name, width);
            assert_eq!(got, want, "{name:?}");
            assert!(got.len() <= width && got.is_ascii());
        }
        assert!(has_letter("MD. RAHIM") && !has_letter("42 /"));
    }

    #[test]
    fn checks_ids_without_changing_them() {
        assert_eq!(check_id("pye_0123456789abcdefghijklmn", 32), Ok(()));
        assert_eq!(check_id("", 32), Err(IdProblem::Empty));
        assert_eq!(check_id(&"a".repeat(33), 32), Err(IdProblem::TooLong));
        assert_eq!(check_id("pye 1", 32), Err(IdProblem::Characters));
        assert_eq!(check_id("পে", 32), Err(IdProblem::Characters));
        assert_eq!(check_id("pé", 32), Err(IdProblem::Characters));
    }

    #[test]
    fn folding_never_panics_or_leaves_ascii() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        for width in [0, 1, 35, 100_000] {
            let out = fold(&all, width);
            assert!(out.len() <= width && out.is_ascii());
        }
    }
}
