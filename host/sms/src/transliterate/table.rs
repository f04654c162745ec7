//! The transliteration table, one line per character.
//!
//! This file is data, written out on purpose, and long because of it. As the
//! [parent module](super) explains, no Unicode normalisation or other
//! heuristic runs at run time: what a character becomes is exactly what its
//! line here says, so a reviewer can read every choice, and changing one line
//! changes one character. The lookup is in `transliterate.rs`; the tests in
//! `transliterate/tests.rs` check that the table is sorted without duplicate
//! keys, that no key is GSM 7-bit and that every replacement is.

/// Replacements for characters that are not GSM 7-bit, sorted by character.
///
/// Invisible keys, and keys that Unicode normalisation would turn into another
/// character (OHM SIGN, GREEK QUESTION MARK, …), are written as escapes
/// so that an editor cannot silently change them; each line names the character.
pub(super) static TABLE: &[(char, &str)] = &[
    ('\t', " "),        // U+0009 CHARACTER TABULATION
    ('`', "'"),         // U+0060 GRAVE ACCENT
    ('\u{0085}', "\n"), // U+0085 NEXT LINE
    ('\u{00A0}', " "),  // U+00A0 NO-BREAK SPACE
    ('¢', "c"),         // U+00A2 CENT SIGN
    ('¦', "|"),         // U+00A6 BROKEN BAR
    ('¨', "\""),        // U+00A8 DIAERESIS
    ('©', "(C)"),       // U+00A9 COPYRIGHT SIGN
    ('ª', "a"),         // U+00AA FEMININE ORDINAL INDICATOR
    ('«', "\""),        // U+00AB LEFT-POINTING DOUBLE ANGLE QUOTATION MARK
    ('®', "(R)"),       // U+00AE REGISTERED SIGN
    ('¯', "-"),         // U+00AF MACRON
    ('°', "o"),         // U+00B0 DEGREE SIGN
    ('±', "+/-"),       // U+00B1 PLUS-MINUS SIGN
    ('²', "2"),         // U+00B2 SUPERSCRIPT TWO
    ('³', "3"),         // U+00B3 SUPERSCRIPT THREE
    ('´', "'"),         // U+00B4 ACUTE ACCENT
    ('µ', "u"),         // U+00B5 MICRO SIGN
    ('·', "*"),         // U+00B7 MIDDLE DOT
    ('¸', ","),         // U+00B8 CEDILLA
    ('¹', "1"),         // U+00B9 SUPERSCRIPT ONE
    ('º', "o"),         // U+00BA MASCULINE ORDINAL INDICATOR
    ('»', "\""),        // U+00BB RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK
    ('¼', "1/4"),       // U+00BC VULGAR FRACTION ONE QUARTER
    ('½', "1/2"),       // U+00BD VULGAR FRACTION ONE HALF
    ('¾', "3/4"),       // U+00BE VULGAR FRACTION THREE QUARTERS
    ('À', "A"),         // U+00C0 LATIN CAPITAL LETTER A WITH GRAVE
    ('Á', "A"),         // U+00C1 LATIN CAPITAL LETTER A WITH ACUTE
    ('Â', "A"),         // U+00C2 LATIN CAPITAL LETTER A WITH CIRCUMFLEX
    ('Ã', "A"),         // U+00C3 LATIN CAPITAL LETTER A WITH TILDE
    ('È', "E"),         // U+00C8 LATIN CAPITAL LETTER E WITH GRAVE
    ('Ê', "E"),         // U+00CA LATIN CAPITAL LETTER E WITH CIRCUMFLEX
    ('Ë', "E"),         // U+00CB LATIN CAPITAL LETTER E WITH DIAERESIS
    ('Ì', "I"),         // U+00CC LATIN CAPITAL LETTER I WITH GRAVE
    ('Í', "I"),         // U+00CD LATIN CAPITAL LETTER I WITH ACUTE
    ('Î', "I"),         // U+00CE LATIN CAPITAL LETTER I WITH CIRCUMFLEX
    ('Ï', "I"),         // U+00CF LATIN CAPITAL LETTER I WITH DIAERESIS
    ('Ð', "D"),         // U+00D0 LATIN CAPITAL LETTER ETH
    ('Ò', "O"),         // U+00D2 LATIN CAPITAL LETTER O WITH GRAVE
    ('Ó', "O"),         // U+00D3 LATIN CAPITAL LETTER O WITH ACUTE
    ('Ô', "O"),         // U+00D4 LATIN CAPITAL LETTER O WITH CIRCUMFLEX
    ('Õ', "O"),         // U+00D5 LATIN CAPITAL LETTER O WITH TILDE
    ('×', "x"),         // U+00D7 MULTIPLICATION SIGN
    ('Ù', "U"),         // U+00D9 LATIN CAPITAL LETTER U WITH GRAVE
    ('Ú', "U"),         // U+00DA LATIN CAPITAL LETTER U WITH ACUTE
    ('Û', "U"),         // U+00DB LATIN CAPITAL LETTER U WITH CIRCUMFLEX
    ('Ý', "Y"),         // U+00DD LATIN CAPITAL LETTER Y WITH ACUTE
    ('Þ', "Th"),        // U+00DE LATIN CAPITAL LETTER THORN
    ('á', "a"),         // U+00E1 LATIN SMALL LETTER A WITH ACUTE
    ('â', "a"),         // U+00E2 LATIN SMALL LETTER A WITH CIRCUMFLEX
    ('ã', "a"),         // U+00E3 LATIN SMALL LETTER A WITH TILDE
    ('ç', "c"),         // U+00E7 LATIN SMALL LETTER C WITH CEDILLA
    ('ê', "e"),         // U+00EA LATIN SMALL LETTER E WITH CIRCUMFLEX
    ('ë', "e"),         // U+00EB LATIN SMALL LETTER E WITH DIAERESIS
    ('í', "i"),         // U+00ED LATIN SMALL LETTER I WITH ACUTE
    ('î', "i"),         // U+00EE LATIN SMALL LETTER I WITH CIRCUMFLEX
    ('ï', "i"),         // U+00EF LATIN SMALL LETTER I WITH DIAERESIS
    ('ð', "d"),         // U+00F0 LATIN SMALL LETTER ETH
    ('ó', "o"),         // U+00F3 LATIN SMALL LETTER O WITH ACUTE
    ('ô', "o"),         // U+00F4 LATIN SMALL LETTER O WITH CIRCUMFLEX
    ('õ', "o"),         // U+00F5 LATIN SMALL LETTER O WITH TILDE
    ('÷', "/"),         // U+00F7 DIVISION SIGN
    ('ú', "u"),         // U+00FA LATIN SMALL LETTER U WITH ACUTE
    ('û', "u"),         // U+00FB LATIN SMALL LETTER U WITH CIRCUMFLEX
    ('ý', "y"),         // U+00FD LATIN SMALL LETTER Y WITH ACUTE
    ('þ', "th"),        // U+00FE LATIN SMALL LETTER THORN
    ('ÿ', "y"),         // U+00FF LATIN SMALL LETTER Y WITH DIAERESIS
    ('Ā', "A"),         // U+0100 LATIN CAPITAL LETTER A WITH MACRON
    ('ā', "a"),         // U+0101 LATIN SMALL LETTER A WITH MACRON
    ('Ă', "A"),         // U+0102 LATIN CAPITAL LETTER A WITH BREVE
    ('ă', "a"),         // U+0103 LATIN SMALL LETTER A WITH BREVE
    ('Ą', "A"),         // U+0104 LATIN CAPITAL LETTER A WITH OGONEK
    ('ą', "a"),         // U+0105 LATIN SMALL LETTER A WITH OGONEK
    ('Ć', "C"),         // U+0106 LATIN CAPITAL LETTER C WITH ACUTE
    ('ć', "c"),         // U+0107 LATIN SMALL LETTER C WITH ACUTE
    ('Ĉ', "C"),         // U+0108 LATIN CAPITAL LETTER C WITH CIRCUMFLEX
    ('ĉ', "c"),         // U+0109 LATIN SMALL LETTER C WITH CIRCUMFLEX
    ('Ċ', "C"),         // U+010A LATIN CAPITAL LETTER C WITH DOT ABOVE
    ('ċ', "c"),         // U+010B LATIN SMALL LETTER C WITH DOT ABOVE
    ('Č', "C"),         // U+010C LATIN CAPITAL LETTER C WITH CARON
    ('č', "c"),         // U+010D LATIN SMALL LETTER C WITH CARON
    ('Ď', "D"),         // U+010E LATIN CAPITAL LETTER D WITH CARON
    ('ď', "d"),         // U+010F LATIN SMALL LETTER D WITH CARON
    ('Đ', "Dj"),        // U+0110 LATIN CAPITAL LETTER D WITH STROKE
    ('đ', "dj"),        // U+0111 LATIN SMALL LETTER D WITH STROKE
    ('Ē', "E"),         // U+0112 LATIN CAPITAL LETTER E WITH MACRON
    ('ē', "e"),         // U+0113 LATIN SMALL LETTER E WITH MACRON
    ('Ĕ', "E"),         // U+0114 LATIN CAPITAL LETTER E WITH BREVE
    ('ĕ', "e"),         // U+0115 LATIN SMALL LETTER E WITH BREVE
    ('Ė', "E"),         // U+0116 LATIN CAPITAL LETTER E WITH DOT ABOVE
    ('ė', "e"),         // U+0117 LATIN SMALL LETTER E WITH DOT ABOVE
    ('Ę', "E"),         // U+0118 LATIN CAPITAL LETTER E WITH OGONEK
    ('ę', "e"),         // U+0119 LATIN SMALL LETTER E WITH OGONEK
    ('Ě', "E"),         // U+011A LATIN CAPITAL LETTER E WITH CARON
    ('ě', "e"),         // U+011B LATIN SMALL LETTER E WITH CARON
    ('Ĝ', "G"),         // U+011C LATIN CAPITAL LETTER G WITH CIRCUMFLEX
    ('ĝ', "g"),         // U+011D LATIN SMALL LETTER G WITH CIRCUMFLEX
    ('Ğ', "G"),         // U+011E LATIN CAPITAL LETTER G WITH BREVE
    ('ğ', "g"),         // U+011F LATIN SMALL LETTER G WITH BREVE
    ('Ġ', "G"),         // U+0120 LATIN CAPITAL LETTER G WITH DOT ABOVE
    ('ġ', "g"),         // U+0121 LATIN SMALL LETTER G WITH DOT ABOVE
    ('Ģ', "G"),         // U+0122 LATIN CAPITAL LETTER G WITH CEDILLA
    ('ģ', "g"),         // U+0123 LATIN SMALL LETTER G WITH CEDILLA
    ('Ĥ', "H"),         // U+0124 LATIN CAPITAL LETTER H WITH CIRCUMFLEX
    ('ĥ', "h"),         // U+0125 LATIN SMALL LETTER H WITH CIRCUMFLEX
    ('Ħ', "H"),         // U+0126 LATIN CAPITAL LETTER H WITH STROKE
    ('ħ', "h"),         // U+0127 LATIN SMALL LETTER H WITH STROKE
    ('Ĩ', "I"),         // U+0128 LATIN CAPITAL LETTER I WITH TILDE
    ('ĩ', "i"),         // U+0129 LATIN SMALL LETTER I WITH TILDE
    ('Ī', "I"),         // U+012A LATIN CAPITAL LETTER I WITH MACRON
    ('ī', "i"),         // U+012B LATIN SMALL LETTER I WITH MACRON
    ('Ĭ', "I"),         // U+012C LATIN CAPITAL LETTER I WITH BREVE
    ('ĭ', "i"),         // U+012D LATIN SMALL LETTER I WITH BREVE
    ('Į', "I"),         // U+012E LATIN CAPITAL LETTER I WITH OGONEK
    ('į', "i"),         // U+012F LATIN SMALL LETTER I WITH OGONEK
    ('İ', "I"),         // U+0130 LATIN CAPITAL LETTER I WITH DOT ABOVE
    ('ı', "i"),         // U+0131 LATIN SMALL LETTER DOTLESS I
    ('Ĳ', "IJ"),        // U+0132 LATIN CAPITAL LIGATURE IJ
    ('ĳ', "ij"),        // U+0133 LATIN SMALL LIGATURE IJ
    ('Ĵ', "J"),         // U+0134 LATIN CAPITAL LETTER J WITH CIRCUMFLEX
    ('ĵ', "j"),         // U+0135 LATIN SMALL LETTER J WITH CIRCUMFLEX
    ('Ķ', "K"),         // U+0136 LATIN CAPITAL LETTER K WITH CEDILLA
    ('ķ', "k"),         // U+0137 LATIN SMALL LETTER K WITH CEDILLA
    ('ĸ', "k"),         // U+0138 LATIN SMALL LETTER KRA
    ('Ĺ', "L"),         // U+0139 LATIN CAPITAL LETTER L WITH ACUTE
    ('ĺ', "l"),         // U+013A LATIN SMALL LETTER L WITH ACUTE
    ('Ļ', "L"),         // U+013B LATIN CAPITAL LETTER L WITH CEDILLA
    ('ļ', "l"),         // U+013C LATIN SMALL LETTER L WITH CEDILLA
    ('Ľ', "L"),         // U+013D LATIN CAPITAL LETTER L WITH CARON
    ('ľ', "l"),         // U+013E LATIN SMALL LETTER L WITH CARON
    ('Ŀ', "L"),         // U+013F LATIN CAPITAL LETTER L WITH MIDDLE DOT
    ('ŀ', "l"),         // U+0140 LATIN SMALL LETTER L WITH MIDDLE DOT
    ('Ł', "L"),         // U+0141 LATIN CAPITAL LETTER L WITH STROKE
    ('ł', "l"),         // U+0142 LATIN SMALL LETTER L WITH STROKE
    ('Ń', "N"),         // U+0143 LATIN CAPITAL LETTER N WITH ACUTE
    ('ń', "n"),         // U+0144 LATIN SMALL LETTER N WITH ACUTE
    ('Ņ', "N"),         // U+0145 LATIN CAPITAL LETTER N WITH CEDILLA
    ('ņ', "n"),         // U+0146 LATIN SMALL LETTER N WITH CEDILLA
    ('Ň', "N"),         // U+0147 LATIN CAPITAL LETTER N WITH CARON
    ('ň', "n"),         // U+0148 LATIN SMALL LETTER N WITH CARON
    ('ŉ', "'n"),        // U+0149 LATIN SMALL LETTER N PRECEDED BY APOSTROPHE
    ('Ŋ', "N"),         // U+014A LATIN CAPITAL LETTER ENG
    ('ŋ', "n"),         // U+014B LATIN SMALL LETTER ENG
    ('Ō', "O"),         // U+014C LATIN CAPITAL LETTER O WITH MACRON
    ('ō', "o"),         // U+014D LATIN SMALL LETTER O WITH MACRON
    ('Ŏ', "O"),         // U+014E LATIN CAPITAL LETTER O WITH BREVE
    ('ŏ', "o"),         // U+014F LATIN SMALL LETTER O WITH BREVE
    ('Ő', "Ö"),         // U+0150 LATIN CAPITAL LETTER O WITH DOUBLE ACUTE
    ('ő', "ö"),         // U+0151 LATIN SMALL LETTER O WITH DOUBLE ACUTE
    ('Œ', "OE"),        // U+0152 LATIN CAPITAL LIGATURE OE
    ('œ', "oe"),        // U+0153 LATIN SMALL LIGATURE OE
    ('Ŕ', "R"),         // U+0154 LATIN CAPITAL LETTER R WITH ACUTE
    ('ŕ', "r"),         // U+0155 LATIN SMALL LETTER R WITH ACUTE
    ('Ŗ', "R"),         // U+0156 LATIN CAPITAL LETTER R WITH CEDILLA
    ('ŗ', "r"),         // U+0157 LATIN SMALL LETTER R WITH CEDILLA
    ('Ř', "R"),         // U+0158 LATIN CAPITAL LETTER R WITH CARON
    ('ř', "r"),         // U+0159 LATIN SMALL LETTER R WITH CARON
    ('Ś', "S"),         // U+015A LATIN CAPITAL LETTER S WITH ACUTE
    ('ś', "s"),         // U+015B LATIN SMALL LETTER S WITH ACUTE
    ('Ŝ', "S"),         // U+015C LATIN CAPITAL LETTER S WITH CIRCUMFLEX
    ('ŝ', "s"),         // U+015D LATIN SMALL LETTER S WITH CIRCUMFLEX
    ('Ş', "S"),         // U+015E LATIN CAPITAL LETTER S WITH CEDILLA
    ('ş', "s"),         // U+015F LATIN SMALL LETTER S WITH CEDILLA
    ('Š', "S"),         // U+0160 LATIN CAPITAL LETTER S WITH CARON
    ('š', "s"),         // U+0161 LATIN SMALL LETTER S WITH CARON
    ('Ţ', "T"),         // U+0162 LATIN CAPITAL LETTER T WITH CEDILLA
    ('ţ', "t"),         // U+0163 LATIN SMALL LETTER T WITH CEDILLA
    ('Ť', "T"),         // U+0164 LATIN CAPITAL LETTER T WITH CARON
    ('ť', "t"),         // U+0165 LATIN SMALL LETTER T WITH CARON
    ('Ŧ', "T"),         // U+0166 LATIN CAPITAL LETTER T WITH STROKE
    ('ŧ', "t"),         // U+0167 LATIN SMALL LETTER T WITH STROKE
    ('Ũ', "U"),         // U+0168 LATIN CAPITAL LETTER U WITH TILDE
    ('ũ', "u"),         // U+0169 LATIN SMALL LETTER U WITH TILDE
    ('Ū', "U"),         // U+016A LATIN CAPITAL LETTER U WITH MACRON
    ('ū', "u"),         // U+016B LATIN SMALL LETTER U WITH MACRON
    ('Ŭ', "U"),         // U+016C LATIN CAPITAL LETTER U WITH BREVE
    ('ŭ', "u"),         // U+016D LATIN SMALL LETTER U WITH BREVE
    ('Ů', "U"),         // U+016E LATIN CAPITAL LETTER U WITH RING ABOVE
    ('ů', "u"),         // U+016F LATIN SMALL LETTER U WITH RING ABOVE
    ('Ű', "Ü"),         // U+0170 LATIN CAPITAL LETTER U WITH DOUBLE ACUTE
    ('ű', "ü"),         // U+0171 LATIN SMALL LETTER U WITH DOUBLE ACUTE
    ('Ų', "U"),         // U+0172 LATIN CAPITAL LETTER U WITH OGONEK
    ('ų', "u"),         // U+0173 LATIN SMALL LETTER U WITH OGONEK
    ('Ŵ', "W"),         // U+0174 LATIN CAPITAL LETTER W WITH CIRCUMFLEX
    ('ŵ', "w"),         // U+0175 LATIN SMALL LETTER W WITH CIRCUMFLEX
    ('Ŷ', "Y"),         // U+0176 LATIN CAPITAL LETTER Y WITH CIRCUMFLEX
    ('ŷ', "y"),         // U+0177 LATIN SMALL LETTER Y WITH CIRCUMFLEX
    ('Ÿ', "Y"),         // U+0178 LATIN CAPITAL LETTER Y WITH DIAERESIS
    ('Ź', "Z"),         // U+0179 LATIN CAPITAL LETTER Z WITH ACUTE
    ('ź', "z"),         // U+017A LATIN SMALL LETTER Z WITH ACUTE
    ('Ż', "Z"),         // U+017B LATIN CAPITAL LETTER Z WITH DOT ABOVE
    ('ż', "z"),         // U+017C LATIN SMALL LETTER Z WITH DOT ABOVE
    ('Ž', "Z"),         // U+017D LATIN CAPITAL LETTER Z WITH CARON
    ('ž', "z"),         // U+017E LATIN SMALL LETTER Z WITH CARON
    ('ſ', "s"),         // U+017F LATIN SMALL LETTER LONG S
    ('Ə', "E"),         // U+018F LATIN CAPITAL LETTER SCHWA
    ('ƒ', "f"),         // U+0192 LATIN SMALL LETTER F WITH HOOK
    ('Ơ', "O"),         // U+01A0 LATIN CAPITAL LETTER O WITH HORN
    ('ơ', "o"),         // U+01A1 LATIN SMALL LETTER O WITH HORN
    ('Ư', "U"),         // U+01AF LATIN CAPITAL LETTER U WITH HORN
    ('ư', "u"),         // U+01B0 LATIN SMALL LETTER U WITH HORN
    ('Ǆ', "DZ"),        // U+01C4 LATIN CAPITAL LETTER DZ WITH CARON
    ('ǅ', "Dz"),        // U+01C5 LATIN CAPITAL LETTER D WITH SMALL LETTER Z WITH CARON
    ('ǆ', "dz"),        // U+01C6 LATIN SMALL LETTER DZ WITH CARON
    ('Ǉ', "LJ"),        // U+01C7 LATIN CAPITAL LETTER LJ
    ('ǈ', "Lj"),        // U+01C8 LATIN CAPITAL LETTER L WITH SMALL LETTER J
    ('ǉ', "lj"),        // U+01C9 LATIN SMALL LETTER LJ
    ('Ǌ', "NJ"),        // U+01CA LATIN CAPITAL LETTER NJ
    ('ǋ', "Nj"),        // U+01CB LATIN CAPITAL LETTER N WITH SMALL LETTER J
    ('ǌ', "nj"),        // U+01CC LATIN SMALL LETTER NJ
    ('Ǎ', "A"),         // U+01CD LATIN CAPITAL LETTER A WITH CARON
    ('ǎ', "a"),         // U+01CE LATIN SMALL LETTER A WITH CARON
    ('Ǐ', "I"),         // U+01CF LATIN CAPITAL LETTER I WITH CARON
    ('ǐ', "i"),         // U+01D0 LATIN SMALL LETTER I WITH CARON
    ('Ǒ', "O"),         // U+01D1 LATIN CAPITAL LETTER O WITH CARON
    ('ǒ', "o"),         // U+01D2 LATIN SMALL LETTER O WITH CARON
    ('Ǔ', "U"),         // U+01D3 LATIN CAPITAL LETTER U WITH CARON
    ('ǔ', "u"),         // U+01D4 LATIN SMALL LETTER U WITH CARON
    ('Ǖ', "Ü"),         // U+01D5 LATIN CAPITAL LETTER U WITH DIAERESIS AND MACRON
    ('ǖ', "ü"),         // U+01D6 LATIN SMALL LETTER U WITH DIAERESIS AND MACRON
    ('Ǘ', "Ü"),         // U+01D7 LATIN CAPITAL LETTER U WITH DIAERESIS AND ACUTE
    ('ǘ', "ü"),         // U+01D8 LATIN SMALL LETTER U WITH DIAERESIS AND ACUTE
    ('Ǚ', "Ü"),         // U+01D9 LATIN CAPITAL LETTER U WITH DIAERESIS AND CARON
    ('ǚ', "ü"),         // U+01DA LATIN SMALL LETTER U WITH DIAERESIS AND CARON
    ('Ǜ', "Ü"),         // U+01DB LATIN CAPITAL LETTER U WITH DIAERESIS AND GRAVE
    ('ǜ', "ü"),         // U+01DC LATIN SMALL LETTER U WITH DIAERESIS AND GRAVE
    ('Ș', "S"),         // U+0218 LATIN CAPITAL LETTER S WITH COMMA BELOW
    ('ș', "s"),         // U+0219 LATIN SMALL LETTER S WITH COMMA BELOW
    ('Ț', "T"),         // U+021A LATIN CAPITAL LETTER T WITH COMMA BELOW
    ('ț', "t"),         // U+021B LATIN SMALL LETTER T WITH COMMA BELOW
    ('ə', "e"),         // U+0259 LATIN SMALL LETTER SCHWA
    ('ʹ', "'"),         // U+02B9 MODIFIER LETTER PRIME
    ('ʺ', "\""),        // U+02BA MODIFIER LETTER DOUBLE PRIME
    ('ʻ', "'"),         // U+02BB MODIFIER LETTER TURNED COMMA
    ('ʼ', "'"),         // U+02BC MODIFIER LETTER APOSTROPHE
    ('ˆ', "^"),         // U+02C6 MODIFIER LETTER CIRCUMFLEX ACCENT
    ('ˈ', "'"),         // U+02C8 MODIFIER LETTER VERTICAL LINE
    ('˜', "~"),         // U+02DC SMALL TILDE
    ('\u{037E}', "?"),  // U+037E GREEK QUESTION MARK
    ('Ά', "A"),         // U+0386 GREEK CAPITAL LETTER ALPHA WITH TONOS
    ('\u{0387}', ";"),  // U+0387 GREEK ANO TELEIA
    ('Έ', "E"),         // U+0388 GREEK CAPITAL LETTER EPSILON WITH TONOS
    ('Ή', "H"),         // U+0389 GREEK CAPITAL LETTER ETA WITH TONOS
    ('Ί', "I"),         // U+038A GREEK CAPITAL LETTER IOTA WITH TONOS
    ('Ό', "O"),         // U+038C GREEK CAPITAL LETTER OMICRON WITH TONOS
    ('Ύ', "Y"),         // U+038E GREEK CAPITAL LETTER UPSILON WITH TONOS
    ('Ώ', "Ω"),         // U+038F GREEK CAPITAL LETTER OMEGA WITH TONOS
    ('ΐ', "I"),         // U+0390 GREEK SMALL LETTER IOTA WITH DIALYTIKA AND TONOS
    ('Α', "A"),         // U+0391 GREEK CAPITAL LETTER ALPHA
    ('Β', "B"),         // U+0392 GREEK CAPITAL LETTER BETA
    ('Ε', "E"),         // U+0395 GREEK CAPITAL LETTER EPSILON
    ('Ζ', "Z"),         // U+0396 GREEK CAPITAL LETTER ZETA
    ('Η', "H"),         // U+0397 GREEK CAPITAL LETTER ETA
    ('Ι', "I"),         // U+0399 GREEK CAPITAL LETTER IOTA
    ('Κ', "K"),         // U+039A GREEK CAPITAL LETTER KAPPA
    ('Μ', "M"),         // U+039C GREEK CAPITAL LETTER MU
    ('Ν', "N"),         // U+039D GREEK CAPITAL LETTER NU
    ('Ο', "O"),         // U+039F GREEK CAPITAL LETTER OMICRON
    ('Ρ', "P"),         // U+03A1 GREEK CAPITAL LETTER RHO
    ('Τ', "T"),         // U+03A4 GREEK CAPITAL LETTER TAU
    ('Υ', "Y"),         // U+03A5 GREEK CAPITAL LETTER UPSILON
    ('Χ', "X"),         // U+03A7 GREEK CAPITAL LETTER CHI
    ('Ϊ', "I"),         // U+03AA GREEK CAPITAL LETTER IOTA WITH DIALYTIKA
    ('Ϋ', "Y"),         // U+03AB GREEK CAPITAL LETTER UPSILON WITH DIALYTIKA
    ('ά', "A"),         // U+03AC GREEK SMALL LETTER ALPHA WITH TONOS
    ('έ', "E"),         // U+03AD GREEK SMALL LETTER EPSILON WITH TONOS
    ('ή', "H"),         // U+03AE GREEK SMALL LETTER ETA WITH TONOS
    ('ί', "I"),         // U+03AF GREEK SMALL LETTER IOTA WITH TONOS
    ('ΰ', "Y"),         // U+03B0 GREEK SMALL LETTER UPSILON WITH DIALYTIKA AND TONOS
    ('α', "A"),         // U+03B1 GREEK SMALL LETTER ALPHA
    ('β', "B"),         // U+03B2 GREEK SMALL LETTER BETA
    ('γ', "Γ"),         // U+03B3 GREEK SMALL LETTER GAMMA
    ('δ', "Δ"),         // U+03B4 GREEK SMALL LETTER DELTA
    ('ε', "E"),         // U+03B5 GREEK SMALL LETTER EPSILON
    ('ζ', "Z"),         // U+03B6 GREEK SMALL LETTER ZETA
    ('η', "H"),         // U+03B7 GREEK SMALL LETTER ETA
    ('θ', "Θ"),         // U+03B8 GREEK SMALL LETTER THETA
    ('ι', "I"),         // U+03B9 GREEK SMALL LETTER IOTA
    ('κ', "K"),         // U+03BA GREEK SMALL LETTER KAPPA
    ('λ', "Λ"),         // U+03BB GREEK SMALL LETTER LAMDA
    ('μ', "M"),         // U+03BC GREEK SMALL LETTER MU
    ('ν', "N"),         // U+03BD GREEK SMALL LETTER NU
    ('ξ', "Ξ"),         // U+03BE GREEK SMALL LETTER XI
    ('ο', "O"),         // U+03BF GREEK SMALL LETTER OMICRON
    ('π', "Π"),         // U+03C0 GREEK SMALL LETTER PI
    ('ρ', "P"),         // U+03C1 GREEK SMALL LETTER RHO
    ('ς', "Σ"),         // U+03C2 GREEK SMALL LETTER FINAL SIGMA
    ('σ', "Σ"),         // U+03C3 GREEK SMALL LETTER SIGMA
    ('τ', "T"),         // U+03C4 GREEK SMALL LETTER TAU
    ('υ', "Y"),         // U+03C5 GREEK SMALL LETTER UPSILON
    ('φ', "Φ"),         // U+03C6 GREEK SMALL LETTER PHI
    ('χ', "X"),         // U+03C7 GREEK SMALL LETTER CHI
    ('ψ', "Ψ"),         // U+03C8 GREEK SMALL LETTER PSI
    ('ω', "Ω"),         // U+03C9 GREEK SMALL LETTER OMEGA
    ('ϊ', "I"),         // U+03CA GREEK SMALL LETTER IOTA WITH DIALYTIKA
    ('ϋ', "Y"),         // U+03CB GREEK SMALL LETTER UPSILON WITH DIALYTIKA
    ('ό', "O"),         // U+03CC GREEK SMALL LETTER OMICRON WITH TONOS
    ('ύ', "Y"),         // U+03CD GREEK SMALL LETTER UPSILON WITH TONOS
    ('ώ', "Ω"),         // U+03CE GREEK SMALL LETTER OMEGA WITH TONOS
    ('ϐ', "B"),         // U+03D0 GREEK BETA SYMBOL
    ('ϑ', "Θ"),         // U+03D1 GREEK THETA SYMBOL
    ('ϕ', "Φ"),         // U+03D5 GREEK PHI SYMBOL
    ('ϖ', "Π"),         // U+03D6 GREEK PI SYMBOL
    ('ϰ', "K"),         // U+03F0 GREEK KAPPA SYMBOL
    ('ϱ', "P"),         // U+03F1 GREEK RHO SYMBOL
    ('ϲ', "Σ"),         // U+03F2 GREEK LUNATE SIGMA SYMBOL
    ('Ѐ', "E"),         // U+0400 CYRILLIC CAPITAL LETTER IE WITH GRAVE
    ('Ё', "Yo"),        // U+0401 CYRILLIC CAPITAL LETTER IO
    ('Ђ', "Dj"),        // U+0402 CYRILLIC CAPITAL LETTER DJE
    ('Ѓ', "Gj"),        // U+0403 CYRILLIC CAPITAL LETTER GJE
    ('Є', "Ye"),        // U+0404 CYRILLIC CAPITAL LETTER UKRAINIAN IE
    ('Ѕ', "Dz"),        // U+0405 CYRILLIC CAPITAL LETTER DZE
    ('І', "I"),         // U+0406 CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I
    ('Ї', "Yi"),        // U+0407 CYRILLIC CAPITAL LETTER YI
    ('Ј', "J"),         // U+0408 CYRILLIC CAPITAL LETTER JE
    ('Љ', "Lj"),        // U+0409 CYRILLIC CAPITAL LETTER LJE
    ('Њ', "Nj"),        // U+040A CYRILLIC CAPITAL LETTER NJE
    ('Ћ', "C"),         // U+040B CYRILLIC CAPITAL LETTER TSHE
    ('Ќ', "Kj"),        // U+040C CYRILLIC CAPITAL LETTER KJE
    ('Ѝ', "I"),         // U+040D CYRILLIC CAPITAL LETTER I WITH GRAVE
    ('Ў', "U"),         // U+040E CYRILLIC CAPITAL LETTER SHORT U
    ('Џ', "Dz"),        // U+040F CYRILLIC CAPITAL LETTER DZHE
    ('А', "A"),         // U+0410 CYRILLIC CAPITAL LETTER A
    ('Б', "B"),         // U+0411 CYRILLIC CAPITAL LETTER BE
    ('В', "V"),         // U+0412 CYRILLIC CAPITAL LETTER VE
    ('Г', "G"),         // U+0413 CYRILLIC CAPITAL LETTER GHE
    ('Д', "D"),         // U+0414 CYRILLIC CAPITAL LETTER DE
    ('Е', "E"),         // U+0415 CYRILLIC CAPITAL LETTER IE
    ('Ж', "Zh"),        // U+0416 CYRILLIC CAPITAL LETTER ZHE
    ('З', "Z"),         // U+0417 CYRILLIC CAPITAL LETTER ZE
    ('И', "I"),         // U+0418 CYRILLIC CAPITAL LETTER I
    ('Й', "Y"),         // U+0419 CYRILLIC CAPITAL LETTER SHORT I
    ('К', "K"),         // U+041A CYRILLIC CAPITAL LETTER KA
    ('Л', "L"),         // U+041B CYRILLIC CAPITAL LETTER EL
    ('М', "M"),         // U+041C CYRILLIC CAPITAL LETTER EM
    ('Н', "N"),         // U+041D CYRILLIC CAPITAL LETTER EN
    ('О', "O"),         // U+041E CYRILLIC CAPITAL LETTER O
    ('П', "P"),         // U+041F CYRILLIC CAPITAL LETTER PE
    ('Р', "R"),         // U+0420 CYRILLIC CAPITAL LETTER ER
    ('С', "S"),         // U+0421 CYRILLIC CAPITAL LETTER ES
    ('Т', "T"),         // U+0422 CYRILLIC CAPITAL LETTER TE
    ('У', "U"),         // U+0423 CYRILLIC CAPITAL LETTER U
    ('Ф', "F"),         // U+0424 CYRILLIC CAPITAL LETTER EF
    ('Х', "Kh"),        // U+0425 CYRILLIC CAPITAL LETTER HA
    ('Ц', "Ts"),        // U+0426 CYRILLIC CAPITAL LETTER TSE
    ('Ч', "Ch"),        // U+0427 CYRILLIC CAPITAL LETTER CHE
    ('Ш', "Sh"),        // U+0428 CYRILLIC CAPITAL LETTER SHA
    ('Щ', "Shch"),      // U+0429 CYRILLIC CAPITAL LETTER SHCHA
    ('Ъ', ""),          // U+042A CYRILLIC CAPITAL LETTER HARD SIGN
    ('Ы', "Y"),         // U+042B CYRILLIC CAPITAL LETTER YERU
    ('Ь', ""),          // U+042C CYRILLIC CAPITAL LETTER SOFT SIGN
    ('Э', "E"),         // U+042D CYRILLIC CAPITAL LETTER E
    ('Ю', "Yu"),        // U+042E CYRILLIC CAPITAL LETTER YU
    ('Я', "Ya"),        // U+042F CYRILLIC CAPITAL LETTER YA
    ('а', "a"),         // U+0430 CYRILLIC SMALL LETTER A
    ('б', "b"),         // U+0431 CYRILLIC SMALL LETTER BE
    ('в', "v"),         // U+0432 CYRILLIC SMALL LETTER VE
    ('г', "g"),         // U+0433 CYRILLIC SMALL LETTER GHE
    ('д', "d"),         // U+0434 CYRILLIC SMALL LETTER DE
    ('е', "e"),         // U+0435 CYRILLIC SMALL LETTER IE
    ('ж', "zh"),        // U+0436 CYRILLIC SMALL LETTER ZHE
    ('з', "z"),         // U+0437 CYRILLIC SMALL LETTER ZE
    ('и', "i"),         // U+0438 CYRILLIC SMALL LETTER I
    ('й', "y"),         // U+0439 CYRILLIC SMALL LETTER SHORT I
    ('к', "k"),         // U+043A CYRILLIC SMALL LETTER KA
    ('л', "l"),         // U+043B CYRILLIC SMALL LETTER EL
    ('м', "m"),         // U+043C CYRILLIC SMALL LETTER EM
    ('н', "n"),         // U+043D CYRILLIC SMALL LETTER EN
    ('о', "o"),         // U+043E CYRILLIC SMALL LETTER O
    ('п', "p"),         // U+043F CYRILLIC SMALL LETTER PE
    ('р', "r"),         // U+0440 CYRILLIC SMALL LETTER ER
    ('с', "s"),         // U+0441 CYRILLIC SMALL LETTER ES
    ('т', "t"),         // U+0442 CYRILLIC SMALL LETTER TE
    ('у', "u"),         // U+0443 CYRILLIC SMALL LETTER U
    ('ф', "f"),         // U+0444 CYRILLIC SMALL LETTER EF
    ('х', "kh"),        // U+0445 CYRILLIC SMALL LETTER HA
    ('ц', "ts"),        // U+0446 CYRILLIC SMALL LETTER TSE
    ('ч', "ch"),        // U+0447 CYRILLIC SMALL LETTER CHE
    ('ш', "sh"),        // U+0448 CYRILLIC SMALL LETTER SHA
    ('щ', "shch"),      // U+0449 CYRILLIC SMALL LETTER SHCHA
    ('ъ', ""),          // U+044A CYRILLIC SMALL LETTER HARD SIGN
    ('ы', "y"),         // U+044B CYRILLIC SMALL LETTER YERU
    ('ь', ""),          // U+044C CYRILLIC SMALL LETTER SOFT SIGN
    ('э', "e"),         // U+044D CYRILLIC SMALL LETTER E
    ('ю', "yu"),        // U+044E CYRILLIC SMALL LETTER YU
    ('я', "ya"),        // U+044F CYRILLIC SMALL LETTER YA
    ('ѐ', "e"),         // U+0450 CYRILLIC SMALL LETTER IE WITH GRAVE
    ('ё', "yo"),        // U+0451 CYRILLIC SMALL LETTER IO
    ('ђ', "dj"),        // U+0452 CYRILLIC SMALL LETTER DJE
    ('ѓ', "gj"),        // U+0453 CYRILLIC SMALL LETTER GJE
    ('є', "ye"),        // U+0454 CYRILLIC SMALL LETTER UKRAINIAN IE
    ('ѕ', "dz"),        // U+0455 CYRILLIC SMALL LETTER DZE
    ('і', "i"),         // U+0456 CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I
    ('ї', "yi"),        // U+0457 CYRILLIC SMALL LETTER YI
    ('ј', "j"),         // U+0458 CYRILLIC SMALL LETTER JE
    ('љ', "lj"),        // U+0459 CYRILLIC SMALL LETTER LJE
    ('њ', "nj"),        // U+045A CYRILLIC SMALL LETTER NJE
    ('ћ', "c"),         // U+045B CYRILLIC SMALL LETTER TSHE
    ('ќ', "kj"),        // U+045C CYRILLIC SMALL LETTER KJE
    ('ѝ', "i"),         // U+045D CYRILLIC SMALL LETTER I WITH GRAVE
    ('ў', "u"),         // U+045E CYRILLIC SMALL LETTER SHORT U
    ('џ', "dz"),        // U+045F CYRILLIC SMALL LETTER DZHE
    ('Ґ', "G"),         // U+0490 CYRILLIC CAPITAL LETTER GHE WITH UPTURN
    ('ґ', "g"),         // U+0491 CYRILLIC SMALL LETTER GHE WITH UPTURN
    ('ẞ', "SS"),        // U+1E9E LATIN CAPITAL LETTER SHARP S
    ('Ạ', "A"),         // U+1EA0 LATIN CAPITAL LETTER A WITH DOT BELOW
    ('ạ', "a"),         // U+1EA1 LATIN SMALL LETTER A WITH DOT BELOW
    ('Ả', "A"),         // U+1EA2 LATIN CAPITAL LETTER A WITH HOOK ABOVE
    ('ả', "a"),         // U+1EA3 LATIN SMALL LETTER A WITH HOOK ABOVE
    ('Ấ', "A"),         // U+1EA4 LATIN CAPITAL LETTER A WITH CIRCUMFLEX AND ACUTE
    ('ấ', "a"),         // U+1EA5 LATIN SMALL LETTER A WITH CIRCUMFLEX AND ACUTE
    ('Ầ', "A"),         // U+1EA6 LATIN CAPITAL LETTER A WITH CIRCUMFLEX AND GRAVE
    ('ầ', "a"),         // U+1EA7 LATIN SMALL LETTER A WITH CIRCUMFLEX AND GRAVE
    ('Ẩ', "A"),         // U+1EA8 LATIN CAPITAL LETTER A WITH CIRCUMFLEX AND HOOK ABOVE
    ('ẩ', "a"),         // U+1EA9 LATIN SMALL LETTER A WITH CIRCUMFLEX AND HOOK ABOVE
    ('Ẫ', "A"),         // U+1EAA LATIN CAPITAL LETTER A WITH CIRCUMFLEX AND TILDE
    ('ẫ', "a"),         // U+1EAB LATIN SMALL LETTER A WITH CIRCUMFLEX AND TILDE
    ('Ậ', "A"),         // U+1EAC LATIN CAPITAL LETTER A WITH CIRCUMFLEX AND DOT BELOW
    ('ậ', "a"),         // U+1EAD LATIN SMALL LETTER A WITH CIRCUMFLEX AND DOT BELOW
    ('Ắ', "A"),         // U+1EAE LATIN CAPITAL LETTER A WITH BREVE AND ACUTE
    ('ắ', "a"),         // U+1EAF LATIN SMALL LETTER A WITH BREVE AND ACUTE
    ('Ằ', "A"),         // U+1EB0 LATIN CAPITAL LETTER A WITH BREVE AND GRAVE
    ('ằ', "a"),         // U+1EB1 LATIN SMALL LETTER A WITH BREVE AND GRAVE
    ('Ẳ', "A"),         // U+1EB2 LATIN CAPITAL LETTER A WITH BREVE AND HOOK ABOVE
    ('ẳ', "a"),         // U+1EB3 LATIN SMALL LETTER A WITH BREVE AND HOOK ABOVE
    ('Ẵ', "A"),         // U+1EB4 LATIN CAPITAL LETTER A WITH BREVE AND TILDE
    ('ẵ', "a"),         // U+1EB5 LATIN SMALL LETTER A WITH BREVE AND TILDE
    ('Ặ', "A"),         // U+1EB6 LATIN CAPITAL LETTER A WITH BREVE AND DOT BELOW
    ('ặ', "a"),         // U+1EB7 LATIN SMALL LETTER A WITH BREVE AND DOT BELOW
    ('Ẹ', "E"),         // U+1EB8 LATIN CAPITAL LETTER E WITH DOT BELOW
    ('ẹ', "e"),         // U+1EB9 LATIN SMALL LETTER E WITH DOT BELOW
    ('Ẻ', "E"),         // U+1EBA LATIN CAPITAL LETTER E WITH HOOK ABOVE
    ('ẻ', "e"),         // U+1EBB LATIN SMALL LETTER E WITH HOOK ABOVE
    ('Ẽ', "E"),         // U+1EBC LATIN CAPITAL LETTER E WITH TILDE
    ('ẽ', "e"),         // U+1EBD LATIN SMALL LETTER E WITH TILDE
    ('Ế', "E"),         // U+1EBE LATIN CAPITAL LETTER E WITH CIRCUMFLEX AND ACUTE
    ('ế', "e"),         // U+1EBF LATIN SMALL LETTER E WITH CIRCUMFLEX AND ACUTE
    ('Ề', "E"),         // U+1EC0 LATIN CAPITAL LETTER E WITH CIRCUMFLEX AND GRAVE
    ('ề', "e"),         // U+1EC1 LATIN SMALL LETTER E WITH CIRCUMFLEX AND GRAVE
    ('Ể', "E"),         // U+1EC2 LATIN CAPITAL LETTER E WITH CIRCUMFLEX AND HOOK ABOVE
    ('ể', "e"),         // U+1EC3 LATIN SMALL LETTER E WITH CIRCUMFLEX AND HOOK ABOVE
    ('Ễ', "E"),         // U+1EC4 LATIN CAPITAL LETTER E WITH CIRCUMFLEX AND TILDE
    ('ễ', "e"),         // U+1EC5 LATIN SMALL LETTER E WITH CIRCUMFLEX AND TILDE
    ('Ệ', "E"),         // U+1EC6 LATIN CAPITAL LETTER E WITH CIRCUMFLEX AND DOT BELOW
    ('ệ', "e"),         // U+1EC7 LATIN SMALL LETTER E WITH CIRCUMFLEX AND DOT BELOW
    ('Ỉ', "I"),         // U+1EC8 LATIN CAPITAL LETTER I WITH HOOK ABOVE
    ('ỉ', "i"),         // U+1EC9 LATIN SMALL LETTER I WITH HOOK ABOVE
    ('Ị', "I"),         // U+1ECA LATIN CAPITAL LETTER I WITH DOT BELOW
    ('ị', "i"),         // U+1ECB LATIN SMALL LETTER I WITH DOT BELOW
    ('Ọ', "O"),         // U+1ECC LATIN CAPITAL LETTER O WITH DOT BELOW
    ('ọ', "o"),         // U+1ECD LATIN SMALL LETTER O WITH DOT BELOW
    ('Ỏ', "O"),         // U+1ECE LATIN CAPITAL LETTER O WITH HOOK ABOVE
    ('ỏ', "o"),         // U+1ECF LATIN SMALL LETTER O WITH HOOK ABOVE
    ('Ố', "O"),         // U+1ED0 LATIN CAPITAL LETTER O WITH CIRCUMFLEX AND ACUTE
    ('ố', "o"),         // U+1ED1 LATIN SMALL LETTER O WITH CIRCUMFLEX AND ACUTE
    ('Ồ', "O"),         // U+1ED2 LATIN CAPITAL LETTER O WITH CIRCUMFLEX AND GRAVE
    ('ồ', "o"),         // U+1ED3 LATIN SMALL LETTER O WITH CIRCUMFLEX AND GRAVE
    ('Ổ', "O"),         // U+1ED4 LATIN CAPITAL LETTER O WITH CIRCUMFLEX AND HOOK ABOVE
    ('ổ', "o"),         // U+1ED5 LATIN SMALL LETTER O WITH CIRCUMFLEX AND HOOK ABOVE
    ('Ỗ', "O"),         // U+1ED6 LATIN CAPITAL LETTER O WITH CIRCUMFLEX AND TILDE
    ('ỗ', "o"),         // U+1ED7 LATIN SMALL LETTER O WITH CIRCUMFLEX AND TILDE
    ('Ộ', "O"),         // U+1ED8 LATIN CAPITAL LETTER O WITH CIRCUMFLEX AND DOT BELOW
    ('ộ', "o"),         // U+1ED9 LATIN SMALL LETTER O WITH CIRCUMFLEX AND DOT BELOW
    ('Ớ', "O"),         // U+1EDA LATIN CAPITAL LETTER O WITH HORN AND ACUTE
    ('ớ', "o"),         // U+1EDB LATIN SMALL LETTER O WITH HORN AND ACUTE
    ('Ờ', "O"),         // U+1EDC LATIN CAPITAL LETTER O WITH HORN AND GRAVE
    ('ờ', "o"),         // U+1EDD LATIN SMALL LETTER O WITH HORN AND GRAVE
    ('Ở', "O"),         // U+1EDE LATIN CAPITAL LETTER O WITH HORN AND HOOK ABOVE
    ('ở', "o"),         // U+1EDF LATIN SMALL LETTER O WITH HORN AND HOOK ABOVE
    ('Ỡ', "O"),         // U+1EE0 LATIN CAPITAL LETTER O WITH HORN AND TILDE
    ('ỡ', "o"),         // U+1EE1 LATIN SMALL LETTER O WITH HORN AND TILDE
    ('Ợ', "O"),         // U+1EE2 LATIN CAPITAL LETTER O WITH HORN AND DOT BELOW
    ('ợ', "o"),         // U+1EE3 LATIN SMALL LETTER O WITH HORN AND DOT BELOW
    ('Ụ', "U"),         // U+1EE4 LATIN CAPITAL LETTER U WITH DOT BELOW
    ('ụ', "u"),         // U+1EE5 LATIN SMALL LETTER U WITH DOT BELOW
    ('Ủ', "U"),         // U+1EE6 LATIN CAPITAL LETTER U WITH HOOK ABOVE
    ('ủ', "u"),         // U+1EE7 LATIN SMALL LETTER U WITH HOOK ABOVE
    ('Ứ', "U"),         // U+1EE8 LATIN CAPITAL LETTER U WITH HORN AND ACUTE
    ('ứ', "u"),         // U+1EE9 LATIN SMALL LETTER U WITH HORN AND ACUTE
    ('Ừ', "U"),         // U+1EEA LATIN CAPITAL LETTER U WITH HORN AND GRAVE
    ('ừ', "u"),         // U+1EEB LATIN SMALL LETTER U WITH HORN AND GRAVE
    ('Ử', "U"),         // U+1EEC LATIN CAPITAL LETTER U WITH HORN AND HOOK ABOVE
    ('ử', "u"),         // U+1EED LATIN SMALL LETTER U WITH HORN AND HOOK ABOVE
    ('Ữ', "U"),         // U+1EEE LATIN CAPITAL LETTER U WITH HORN AND TILDE
    ('ữ', "u"),         // U+1EEF LATIN SMALL LETTER U WITH HORN AND TILDE
    ('Ự', "U"),         // U+1EF0 LATIN CAPITAL LETTER U WITH HORN AND DOT BELOW
    ('ự', "u"),         // U+1EF1 LATIN SMALL LETTER U WITH HORN AND DOT BELOW
    ('Ỳ', "Y"),         // U+1EF2 LATIN CAPITAL LETTER Y WITH GRAVE
    ('ỳ', "y"),         // U+1EF3 LATIN SMALL LETTER Y WITH GRAVE
    ('Ỵ', "Y"),         // U+1EF4 LATIN CAPITAL LETTER Y WITH DOT BELOW
    ('ỵ', "y"),         // U+1EF5 LATIN SMALL LETTER Y WITH DOT BELOW
    ('Ỷ', "Y"),         // U+1EF6 LATIN CAPITAL LETTER Y WITH HOOK ABOVE
    ('ỷ', "y"),         // U+1EF7 LATIN SMALL LETTER Y WITH HOOK ABOVE
    ('Ỹ', "Y"),         // U+1EF8 LATIN CAPITAL LETTER Y WITH TILDE
    ('ỹ', "y"),         // U+1EF9 LATIN SMALL LETTER Y WITH TILDE
    ('\u{2000}', " "),  // U+2000 EN QUAD
    ('\u{2001}', " "),  // U+2001 EM QUAD
    ('\u{2002}', " "),  // U+2002 EN SPACE
    ('\u{2003}', " "),  // U+2003 EM SPACE
    ('\u{2004}', " "),  // U+2004 THREE-PER-EM SPACE
    ('\u{2005}', " "),  // U+2005 FOUR-PER-EM SPACE
    ('\u{2006}', " "),  // U+2006 SIX-PER-EM SPACE
    ('\u{2007}', " "),  // U+2007 FIGURE SPACE
    ('\u{2008}', " "),  // U+2008 PUNCTUATION SPACE
    ('\u{2009}', " "),  // U+2009 THIN SPACE
    ('\u{200A}', " "),  // U+200A HAIR SPACE
    ('‐', "-"),         // U+2010 HYPHEN
    ('‑', "-"),         // U+2011 NON-BREAKING HYPHEN
    ('‒', "-"),         // U+2012 FIGURE DASH
    ('–', "-"),         // U+2013 EN DASH
    ('—', "-"),         // U+2014 EM DASH
    ('―', "-"),         // U+2015 HORIZONTAL BAR
    ('‗', "_"),         // U+2017 DOUBLE LOW LINE
    ('‘', "'"),         // U+2018 LEFT SINGLE QUOTATION MARK
    ('’', "'"),         // U+2019 RIGHT SINGLE QUOTATION MARK
    ('‚', "'"),         // U+201A SINGLE LOW-9 QUOTATION MARK
    ('‛', "'"),         // U+201B SINGLE HIGH-REVERSED-9 QUOTATION MARK
    ('“', "\""),        // U+201C LEFT DOUBLE QUOTATION MARK
    ('”', "\""),        // U+201D RIGHT DOUBLE QUOTATION MARK
    ('„', "\""),        // U+201E DOUBLE LOW-9 QUOTATION MARK
    ('‟', "\""),        // U+201F DOUBLE HIGH-REVERSED-9 QUOTATION MARK
    ('†', "+"),         // U+2020 DAGGER
    ('•', "*"),         // U+2022 BULLET
    ('‣', "*"),         // U+2023 TRIANGULAR BULLET
    ('․', "."),         // U+2024 ONE DOT LEADER
    ('‥', ".."),        // U+2025 TWO DOT LEADER
    ('…', "..."),       // U+2026 HORIZONTAL ELLIPSIS
    ('‧', "-"),         // U+2027 HYPHENATION POINT
    ('\u{2028}', "\n"), // U+2028 LINE SEPARATOR
    ('\u{2029}', "\n"), // U+2029 PARAGRAPH SEPARATOR
    ('\u{202F}', " "),  // U+202F NARROW NO-BREAK SPACE
    ('‰', "%o"),        // U+2030 PER MILLE SIGN
    ('‱', "%oo"),       // U+2031 PER TEN THOUSAND SIGN
    ('′', "'"),         // U+2032 PRIME
    ('″', "\""),        // U+2033 DOUBLE PRIME
    ('‴', "'''"),       // U+2034 TRIPLE PRIME
    ('‵', "'"),         // U+2035 REVERSED PRIME
    ('‶', "\""),        // U+2036 REVERSED DOUBLE PRIME
    ('‹', "'"),         // U+2039 SINGLE LEFT-POINTING ANGLE QUOTATION MARK
    ('›', "'"),         // U+203A SINGLE RIGHT-POINTING ANGLE QUOTATION MARK
    ('‼', "!!"),        // U+203C DOUBLE EXCLAMATION MARK
    ('⁃', "-"),         // U+2043 HYPHEN BULLET
    ('⁄', "/"),         // U+2044 FRACTION SLASH
    ('⁇', "??"),        // U+2047 DOUBLE QUESTION MARK
    ('⁈', "?!"),        // U+2048 QUESTION EXCLAMATION MARK
    ('⁉', "!?"),        // U+2049 EXCLAMATION QUESTION MARK
    ('⁎', "*"),         // U+204E LOW ASTERISK
    ('⁏', ";"),         // U+204F REVERSED SEMICOLON
    ('\u{205F}', " "),  // U+205F MEDIUM MATHEMATICAL SPACE
    ('⁰', "0"),         // U+2070 SUPERSCRIPT ZERO
    ('ⁱ', "i"),         // U+2071 SUPERSCRIPT LATIN SMALL LETTER I
    ('⁴', "4"),         // U+2074 SUPERSCRIPT FOUR
    ('⁵', "5"),         // U+2075 SUPERSCRIPT FIVE
    ('⁶', "6"),         // U+2076 SUPERSCRIPT SIX
    ('⁷', "7"),         // U+2077 SUPERSCRIPT SEVEN
    ('⁸', "8"),         // U+2078 SUPERSCRIPT EIGHT
    ('⁹', "9"),         // U+2079 SUPERSCRIPT NINE
    ('⁺', "+"),         // U+207A SUPERSCRIPT PLUS SIGN
    ('⁻', "-"),         // U+207B SUPERSCRIPT MINUS
    ('⁼', "="),         // U+207C SUPERSCRIPT EQUALS SIGN
    ('⁽', "("),         // U+207D SUPERSCRIPT LEFT PARENTHESIS
    ('⁾', ")"),         // U+207E SUPERSCRIPT RIGHT PARENTHESIS
    ('ⁿ', "n"),         // U+207F SUPERSCRIPT LATIN SMALL LETTER N
    ('₀', "0"),         // U+2080 SUBSCRIPT ZERO
    ('₁', "1"),         // U+2081 SUBSCRIPT ONE
    ('₂', "2"),         // U+2082 SUBSCRIPT TWO
    ('₃', "3"),         // U+2083 SUBSCRIPT THREE
    ('₄', "4"),         // U+2084 SUBSCRIPT FOUR
    ('₅', "5"),         // U+2085 SUBSCRIPT FIVE
    ('₆', "6"),         // U+2086 SUBSCRIPT SIX
    ('₇', "7"),         // U+2087 SUBSCRIPT SEVEN
    ('₈', "8"),         // U+2088 SUBSCRIPT EIGHT
    ('₉', "9"),         // U+2089 SUBSCRIPT NINE
    ('₊', "+"),         // U+208A SUBSCRIPT PLUS SIGN
    ('₋', "-"),         // U+208B SUBSCRIPT MINUS
    ('₌', "="),         // U+208C SUBSCRIPT EQUALS SIGN
    ('₍', "("),         // U+208D SUBSCRIPT LEFT PARENTHESIS
    ('₎', ")"),         // U+208E SUBSCRIPT RIGHT PARENTHESIS
    ('₡', "CRC"),       // U+20A1 COLON SIGN
    ('₤', "£"),         // U+20A4 LIRA SIGN
    ('₦', "NGN"),       // U+20A6 NAIRA SIGN
    ('₨', "Rs"),        // U+20A8 RUPEE SIGN
    ('₩', "KRW"),       // U+20A9 WON SIGN
    ('₪', "ILS"),       // U+20AA NEW SHEQEL SIGN
    ('₫', "VND"),       // U+20AB DONG SIGN
    ('₭', "LAK"),       // U+20AD KIP SIGN
    ('₮', "MNT"),       // U+20AE TUGRIK SIGN
    ('₱', "PHP"),       // U+20B1 PESO SIGN
    ('₲', "PYG"),       // U+20B2 GUARANI SIGN
    ('₴', "UAH"),       // U+20B4 HRYVNIA SIGN
    ('₵', "GHS"),       // U+20B5 CEDI SIGN
    ('₸', "KZT"),       // U+20B8 TENGE SIGN
    ('₹', "INR"),       // U+20B9 INDIAN RUPEE SIGN
    ('₺', "TRY"),       // U+20BA TURKISH LIRA SIGN
    ('₼', "AZN"),       // U+20BC MANAT SIGN
    ('₽', "RUB"),       // U+20BD RUBLE SIGN
    ('₾', "GEL"),       // U+20BE LARI SIGN
    ('₿', "BTC"),       // U+20BF BITCOIN SIGN
    ('℃', "oC"),        // U+2103 DEGREE CELSIUS
    ('℉', "oF"),        // U+2109 DEGREE FAHRENHEIT
    ('ℓ', "l"),         // U+2113 SCRIPT SMALL L
    ('№', "No"),        // U+2116 NUMERO SIGN
    ('℗', "(P)"),       // U+2117 SOUND RECORDING COPYRIGHT
    ('℠', "SM"),        // U+2120 SERVICE MARK
    ('™', "TM"),        // U+2122 TRADE MARK SIGN
    ('\u{2126}', "Ω"),  // U+2126 OHM SIGN
    ('\u{212A}', "K"),  // U+212A KELVIN SIGN
    ('\u{212B}', "Å"),  // U+212B ANGSTROM SIGN
    ('℮', "e"),         // U+212E ESTIMATED SYMBOL
    ('⅐', "1/7"),       // U+2150 VULGAR FRACTION ONE SEVENTH
    ('⅑', "1/9"),       // U+2151 VULGAR FRACTION ONE NINTH
    ('⅒', "1/10"),      // U+2152 VULGAR FRACTION ONE TENTH
    ('⅓', "1/3"),       // U+2153 VULGAR FRACTION ONE THIRD
    ('⅔', "2/3"),       // U+2154 VULGAR FRACTION TWO THIRDS
    ('⅕', "1/5"),       // U+2155 VULGAR FRACTION ONE FIFTH
    ('⅖', "2/5"),       // U+2156 VULGAR FRACTION TWO FIFTHS
    ('⅗', "3/5"),       // U+2157 VULGAR FRACTION THREE FIFTHS
    ('⅘', "4/5"),       // U+2158 VULGAR FRACTION FOUR FIFTHS
    ('⅙', "1/6"),       // U+2159 VULGAR FRACTION ONE SIXTH
    ('⅚', "5/6"),       // U+215A VULGAR FRACTION FIVE SIXTHS
    ('⅛', "1/8"),       // U+215B VULGAR FRACTION ONE EIGHTH
    ('⅜', "3/8"),       // U+215C VULGAR FRACTION THREE EIGHTHS
    ('⅝', "5/8"),       // U+215D VULGAR FRACTION FIVE EIGHTHS
    ('⅞', "7/8"),       // U+215E VULGAR FRACTION SEVEN EIGHTHS
    ('←', "<-"),        // U+2190 LEFTWARDS ARROW
    ('→', "->"),        // U+2192 RIGHTWARDS ARROW
    ('↔', "<->"),       // U+2194 LEFT RIGHT ARROW
    ('⇐', "<="),        // U+21D0 LEFTWARDS DOUBLE ARROW
    ('⇒', "=>"),        // U+21D2 RIGHTWARDS DOUBLE ARROW
    ('⇔', "<=>"),       // U+21D4 LEFT RIGHT DOUBLE ARROW
    ('−', "-"),         // U+2212 MINUS SIGN
    ('∓', "-/+"),       // U+2213 MINUS-OR-PLUS SIGN
    ('∕', "/"),         // U+2215 DIVISION SLASH
    ('∖', "\\"),        // U+2216 SET MINUS
    ('∗', "*"),         // U+2217 ASTERISK OPERATOR
    ('∙', "*"),         // U+2219 BULLET OPERATOR
    ('∣', "|"),         // U+2223 DIVIDES
    ('∼', "~"),         // U+223C TILDE OPERATOR
    ('≈', "~"),         // U+2248 ALMOST EQUAL TO
    ('≠', "!="),        // U+2260 NOT EQUAL TO
    ('≤', "<="),        // U+2264 LESS-THAN OR EQUAL TO
    ('≥', ">="),        // U+2265 GREATER-THAN OR EQUAL TO
    ('⋅', "*"),         // U+22C5 DOT OPERATOR
    ('\u{3000}', " "),  // U+3000 IDEOGRAPHIC SPACE
    ('、', ","),        // U+3001 IDEOGRAPHIC COMMA
    ('。', "."),        // U+3002 IDEOGRAPHIC FULL STOP
    ('ﬀ', "ff"),        // U+FB00 LATIN SMALL LIGATURE FF
    ('ﬁ', "fi"),        // U+FB01 LATIN SMALL LIGATURE FI
    ('ﬂ', "fl"),        // U+FB02 LATIN SMALL LIGATURE FL
    ('ﬃ', "ffi"),       // U+FB03 LATIN SMALL LIGATURE FFI
    ('ﬄ', "ffl"),       // U+FB04 LATIN SMALL LIGATURE FFL
    ('ﬅ', "st"),        // U+FB05 LATIN SMALL LIGATURE LONG S T
    ('ﬆ', "st"),        // U+FB06 LATIN SMALL LIGATURE ST
    ('￠', "c"),        // U+FFE0 FULLWIDTH CENT SIGN
    ('￡', "£"),        // U+FFE1 FULLWIDTH POUND SIGN
    ('￣', "-"),        // U+FFE3 FULLWIDTH MACRON
    ('￤', "|"),        // U+FFE4 FULLWIDTH BROKEN BAR
    ('￥', "¥"),        // U+FFE5 FULLWIDTH YEN SIGN
    ('￦', "KRW"),      // U+FFE6 FULLWIDTH WON SIGN
];
