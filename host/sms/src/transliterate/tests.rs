//! Tests of the transliteration: the table's invariants, every Unicode scalar
//! value, and what sample texts in many languages become.

use super::*;

fn all_gsm7(s: &str) -> bool {
    s.chars().all(is_gsm7)
}

#[test]
fn table_is_sorted_without_duplicate_keys() {
    for pair in TABLE.windows(2) {
        assert!(
            pair[0].0 < pair[1].0,
            "{:?} (U+{:04X}) must come before {:?} (U+{:04X})",
            pair[0].0,
            u32::from(pair[0].0),
            pair[1].0,
            u32::from(pair[1].0)
        );
    }
}

#[test]
fn no_key_is_gsm7() {
    for &(key, _) in TABLE {
        assert!(
            !is_gsm7(key),
            "{key:?} (U+{:04X}) is GSM 7-bit",
            u32::from(key)
        );
    }
}

#[test]
fn every_replacement_is_gsm7() {
    for &(key, value) in TABLE {
        assert!(
            all_gsm7(value),
            "replacement {value:?} for {key:?} is not GSM 7-bit"
        );
    }
    assert!(all_gsm7(FULLWIDTH_ASCII));
}

#[test]
fn dropped_ranges_are_sorted_disjoint_and_not_gsm7() {
    for &(first, last) in DROPPED {
        assert!(first <= last, "{first:?}..={last:?}");
        for c in first..=last {
            assert!(!is_gsm7(c), "{c:?} is GSM 7-bit");
            assert!(
                TABLE.binary_search_by_key(&c, |&(key, _)| key).is_err(),
                "{c:?} is both dropped and in TABLE"
            );
            assert_eq!(replacement(c), Some(""), "{c:?}");
        }
    }
    for pair in DROPPED.windows(2) {
        assert!(
            pair[0].1 < pair[1].0,
            "{:?} overlaps {:?}",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn fullwidth_ascii_maps_to_ascii() {
    assert_eq!(FULLWIDTH_ASCII.len(), 94);
    for code in 0xFF01..=0xFF5E_u32 {
        let c = char::from_u32(code).unwrap();
        let ascii = char::from_u32(code - 0xFF01 + 0x21).unwrap();
        let want = if ascii == '`' { '\'' } else { ascii };
        assert_eq!(replacement(c), Some(want.to_string().as_str()), "{c:?}");
        assert!(TABLE.binary_search_by_key(&c, |&(key, _)| key).is_err());
    }
    assert_eq!(replacement('\u{FF00}'), None);
    assert_eq!(replacement('\u{FF5F}'), None);
    assert_eq!(to_gsm7("ＡＢＣ１２３！？"), "ABC123!?");
}

#[test]
fn every_table_key_transliterates_to_gsm7() {
    for &(key, value) in TABLE {
        assert_eq!(replacement(key), Some(value));
        let input = format!("a{key}b");
        let out = to_gsm7(&input);
        assert!(all_gsm7(&out), "{input:?} -> {out:?}");
        assert_eq!(out, format!("a{value}b"));
    }
    let keys: String = TABLE.iter().map(|&(key, _)| key).collect();
    let out = to_gsm7(&keys);
    assert!(all_gsm7(&out));
}

#[test]
fn every_scalar_value_transliterates_to_gsm7() {
    let mut chunk = String::new();
    let mut expected = String::new();
    for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
        let one = if is_gsm7(c) {
            assert_eq!(replacement(c), None, "{c:?} is GSM 7-bit");
            c.to_string()
        } else {
            replacement(c).unwrap_or("?").to_owned()
        };
        assert!(all_gsm7(&one), "{c:?} -> {one:?}");
        chunk.push(c);
        expected.push_str(&one);
        if chunk.len() > 256 {
            assert_eq!(to_gsm7(&chunk), expected);
            chunk.clear();
            expected.clear();
        }
    }
    assert_eq!(to_gsm7(&chunk), expected);
}

#[test]
fn assorted_strings_transliterate_to_gsm7() {
    let samples = [
        "",
        "plain ASCII with `backticks`\tand tabs",
        "Příliš žluťoučký kůň úpěl ďábelské ódy",
        "Zażółć gęślą jaźń",
        "Árvíztűrő tükörfúrógép",
        "Știință și țară / Ştiinţă şi ţară",
        "Pchnąć w tę łódź jeża lub ośm skrzyń fig",
        "Įlinkdama fechtuotojo špaga sublykčiojusi pragręžė apvalų arbūzą",
        "Glāžšķūņa rūķīši dzērumā čiepj Baha koncertflīģeļu vākus",
        "Põdur Zagrebi tšellomängija-följetonist Ciqo külmetas kehvas garaažis",
        "Pijamalı hasta yağız şoföre çabucak güvendi. İstanbul",
        "Gojazni đačić s biciklom drži hmelj i finu vatu u džepu nošnje",
        "Kæmi ný öxi hér, ykist þjófum nú bæði víl og ádrepa. Ðóra",
        "Voix ambiguë d'un cœur qui, au zéphyr, préfère les jattes de kiwis",
        "À noite, vovô Kowalsky vê o ímã cair no pé do pinguim queixoso",
        "El pingüino Wenceslao hizo kilómetros bajo exhaustiva lluvia",
        "Quel fez sghembo copre davanti. Perché?",
        "Falsches Üben von Xylophonmusik quält jeden größeren Zwerg. STRAẞE",
        "Съешь же ещё этих мягких французских булок, да выпей чаю",
        "Чуєш їх, доцю, га? Кумедна ж ти, прощайся без ґольфів!",
        "У Іўі худы жвавы чорт у зялёнай камізэльцы пабег пад’есці фаршу",
        "Жълтата дюля беше щастлива, че пухът, който цъфна, замръзна като гьон",
        "Фијуче ветар у шибљу, леди пасаже и куће иза њих и гунђа у оџацима",
        "Ѕидарски пејзаж: шугав билмез со чудење џвака ќофте и кељ на туѓ цех",
        "Τάχιστη αλώπηξ βαφής ψημένη γη, δρασκελίζει υπέρ νωθρού κυνός",
        "ΞΕΣΚΕΠΑΖΩ ΤΗΝ ΨΥΧΟΦΘΟΡΑ ΒΔΕΛΥΓΜΙΑ",
        "Tiếng Việt có dấu: Đường phố Hà Nội",
        "“Hello” — it’s… ™ «quoted» ‹single› „low“ ‚low‘",
        "• one\n‣ two\n· three ∙ four",
        "50 ₽, 20 ₴, 10 ₺, 100 ₹, 1000 ₩, 5 ₪, 9 ₫, 7 ₦, 3 ₱, 2 ₿, 1 £, 1 €",
        "25°C ± 2 × 3 ÷ 4 ≤ 5 ≠ 6 → ½ ¼ ¾ ‰ © ® ™ № ℃",
        "x² + y³ = z⁴; H₂O",
        "non\u{00A0}breaking\u{2009}thin\u{202F}narrow\u{3000}ideographic",
        "zero\u{200B}width\u{200C}non\u{200D}joiner\u{2060}word\u{FEFF}bom",
        "e\u{0301}u\u{0308}n\u{0303}",
        "Hi 😀👍🏽❤️ 1️⃣ 👨‍👩‍👧 🇩🇪",
        "你好，世界。",
        "مرحبا بالعالم",
        "שלום עולם",
        "नमस्ते दुनिया",
        "こんにちは、世界",
        "안녕하세요",
        "ＦＵＬＬＷＩＤＴＨ　ｔｅｘｔ！",
        "ﬁne ﬂow ﬀ",
        "\u{0}\u{1}\u{7}\u{1B}\u{7F}\u{85}\u{2028}\u{2029}",
        "é ñ Ä ö ß Δ € [ ] { } ^ ~ | \\ \u{0C} @ £ $ ¥ ¤ § ¿ ¡",
    ];
    for s in samples {
        let out = to_gsm7(s);
        assert!(all_gsm7(&out), "{s:?} -> {out:?}");
        assert_eq!(to_gsm7(&out), out, "not idempotent for {s:?}");
        assert!(crate::Charset::DEFAULT.can_encode(&out));
    }
}

#[test]
fn czech() {
    assert_eq!(
        to_gsm7("Příliš žluťoučký kůň úpěl ďábelské ódy"),
        "Prilis zlutoucky kun upel dabelské ody"
    );
}

#[test]
fn polish() {
    assert_eq!(to_gsm7("Zażółć gęślą jaźń"), "Zazolc gesla jazn");
    assert_eq!(to_gsm7("ZAŻÓŁĆ GĘŚLĄ JAŹŃ"), "ZAZOLC GESLA JAZN");
}

#[test]
fn romanian_comma_and_cedilla() {
    assert_eq!(to_gsm7("Știință și țară"), "Stiinta si tara");
    assert_eq!(to_gsm7("Ştiinţă şi ţară"), "Stiinta si tara");
    assert_eq!(to_gsm7("ȘȚŞŢ"), "STST");
}

#[test]
fn hungarian_keeps_umlauts() {
    assert_eq!(
        to_gsm7("Árvíztűrő tükörfúrógép ŐŰ"),
        "Arviztürö tükörfurogép ÖÜ"
    );
}

#[test]
fn turkish() {
    assert_eq!(
        to_gsm7("Işık ağır şoför İzmir ĞŞ"),
        "Isik agir soför Izmir GS"
    );
}

#[test]
fn baltic() {
    assert_eq!(to_gsm7("Rūķīši, ėjo į ūkį, õun"), "Rukisi, ejo i uki, oun");
}

#[test]
fn south_slavic_and_nordic() {
    assert_eq!(to_gsm7("Đorđe Ljubičić"), "Djordje Ljubicic");
    assert_eq!(to_gsm7("Þór og Ðóra, þú"), "Thor og Dora, thu");
    assert_eq!(to_gsm7("Ðakovo"), "Dakovo");
}

#[test]
fn western_accents() {
    assert_eq!(
        to_gsm7("Ça va? L'œuvre à Noël, être île, Èze"),
        "Ça va? L'oeuvre à Noel, etre ile, Eze"
    );
    assert_eq!(to_gsm7("ç ÿ Ÿ ã õ Ã Õ"), "c y Y a o A O");
    assert_eq!(to_gsm7("é É è à ì ò ù"), "é É è à ì ò ù");
    assert_eq!(to_gsm7("È Ì Ò Ù À"), "E I O U A");
}

#[test]
fn russian() {
    assert_eq!(to_gsm7("Привет, мир"), "Privet, mir");
    assert_eq!(
        to_gsm7("Щука, жёлтый, хлеб, цирк, чай, шум, йод, объём, конь, эхо, юг, язык"),
        "Shchuka, zhyoltyy, khleb, tsirk, chay, shum, yod, obyom, kon, ekho, yug, yazyk"
    );
    assert_eq!(to_gsm7("ЖУК"), "ZhUK");
}

#[test]
fn ukrainian_and_belarusian() {
    assert_eq!(to_gsm7("Слава Україні"), "Slava Ukrayini");
    assert_eq!(
        to_gsm7("Єва, Ґанок, Їжак, Іван"),
        "Yeva, Ganok, Yizhak, Ivan"
    );
    assert_eq!(to_gsm7("з’їв"), "z'yiv");
    assert_eq!(to_gsm7("Ўладзімір"), "Uladzimir");
}

#[test]
fn serbian_and_macedonian() {
    assert_eq!(to_gsm7("Ђорђе Љиљана Њива"), "Djordje Ljiljana Njiva");
    assert_eq!(to_gsm7("Ћуприја Џеп Ј"), "Cuprija Dzep J");
    assert_eq!(to_gsm7("Ѓорѓи Ќерка Ѕвезда"), "Gjorgji Kjerka Dzvezda");
}

#[test]
fn greek() {
    assert_eq!(to_gsm7("καλημέρα"), "KAΛHMEPA");
    assert_eq!(to_gsm7("γειά σου κόσμε"), "ΓEIA ΣOY KOΣME");
    assert_eq!(
        to_gsm7("ψυχή, ώρα, ξένος, θάλασσα, φως"),
        "ΨYXH, ΩPA, ΞENOΣ, ΘAΛAΣΣA, ΦΩΣ"
    );
    assert_eq!(to_gsm7("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"), "ABEZHIKMNOPTYX");
    assert_eq!(to_gsm7("ΔΦΓΛΩΠΨΣΘΞ"), "ΔΦΓΛΩΠΨΣΘΞ");
    assert_eq!(to_gsm7("ϊϋΐΰ ΆΈΉΊΌΎΏ"), "IYIY AEHIOYΩ");
    assert_eq!(to_gsm7("Τι;\u{037E}"), "TI;?");
}

#[test]
fn typography() {
    assert_eq!(to_gsm7("“Hello” — it’s… ™"), "\"Hello\" - it's... TM");
    assert_eq!(to_gsm7("«a» „b“ ‚c‘ ‹d›"), "\"a\" \"b\" 'c' 'd'");
    assert_eq!(to_gsm7("a‐b‑c‒d–e—f―g−h"), "a-b-c-d-e-f-g-h");
    assert_eq!(to_gsm7("• item\n· item"), "* item\n* item");
    assert_eq!(to_gsm7("`code`"), "'code'");
    assert_eq!(to_gsm7("a\tb"), "a b");
    assert_eq!(to_gsm7("©2024 ®"), "(C)2024 (R)");
    assert_eq!(
        to_gsm7("25°C, ½ + ¼ = ¾, 3×4÷2, 5‰"),
        "25oC, 1/2 + 1/4 = 3/4, 3x4/2, 5%o"
    );
    assert_eq!(
        to_gsm7("¢ ₽ ₴ ₺ ₹ ₩ ₪ ₫ ₦ ₱"),
        "c RUB UAH TRY INR KRW ILS VND NGN PHP"
    );
}

#[test]
fn spaces_and_invisible_characters() {
    let spaces: String = [
        '\u{00A0}', '\u{2000}', '\u{2005}', '\u{200A}', '\u{202F}', '\u{205F}', '\u{3000}',
    ]
    .into_iter()
    .collect();
    assert_eq!(to_gsm7(&spaces), "       ");
    assert_eq!(
        to_gsm7("a\u{200B}b\u{200C}c\u{200D}d\u{2060}e\u{FEFF}f\u{00AD}g"),
        "abcdefg"
    );
    // Decomposed accents lose the combining mark and keep the base letter.
    assert_eq!(to_gsm7("Cafe\u{0301} n\u{0303}u\u{0308}"), "Cafe nu");
    assert_eq!(to_gsm7("line\u{2028}next"), "line\nnext");
}

#[test]
fn emoji_give_one_question_mark_each() {
    assert_eq!(to_gsm7("Hi 😀👍🏽"), "Hi ??");
    assert_eq!(to_gsm7("❤️ ❤︎ 1️⃣"), "? ? 1");
    assert_eq!(to_gsm7("👩🏿‍💻"), "??");
    assert_eq!(to_gsm7("🇩🇪"), "??");
}

#[test]
fn unmapped_scripts_become_question_marks() {
    assert_eq!(to_gsm7("你好"), "??");
    assert_eq!(to_gsm7("مرحبا"), "?????");
    assert_eq!(replacement('你'), None);
    assert_eq!(replacement('😀'), None);
}

#[test]
fn gsm7_characters_are_unchanged() {
    let text = "é ñ Ä ö ß Δ € [";
    assert_eq!(to_gsm7(text), text);
    for c in text.chars() {
        assert_eq!(replacement(c), None);
    }
    let everything: String = (0..=u32::from(char::MAX))
        .filter_map(char::from_u32)
        .filter(|&c| is_gsm7(c))
        .collect();
    assert_eq!(everything.chars().count(), 137);
    assert_eq!(to_gsm7(&everything), everything);
}

#[test]
fn multi_character_replacements() {
    assert_eq!(replacement('Щ'), Some("Shch"));
    assert_eq!(replacement('Ъ'), Some(""));
    assert_eq!(replacement('…'), Some("..."));
    assert_eq!(replacement('ẞ'), Some("SS"));
    assert_eq!(replacement('Œ'), Some("OE"));
}
