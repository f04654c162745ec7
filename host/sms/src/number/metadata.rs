//! Numbers read with libphonenumber's metadata (the `phonenumber` crate, a
//! maintained Rust port that ships Google's data): every country's
//! international call prefix (`011` from North America, `0011` from
//! Australia, `010` from Japan, `810` from Russia's old plan, …), its trunk
//! prefix rules (Italy keeps its leading zero), and what kind of number it
//! is (mobile, premium-rate, shared-cost, …).
//!
//! Host-side only (feature `metadata`): the data and its regular
//! expressions take megabytes, too much for every connector component,
//! which keep [`normalize`](super::normalize).

use phonenumber::metadata::DATABASE;

use super::NumberError;

/// What kind of number a number is, by its country's numbering plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NumberKind {
    /// A landline.
    FixedLine,
    /// A mobile.
    Mobile,
    /// Either (some plans, North America's, cannot tell).
    FixedLineOrMobile,
    /// Free to call.
    TollFree,
    /// Charged at a premium: the classic SMS fraud target.
    PremiumRate,
    /// Cost shared between caller and called (also charged above normal).
    SharedCost,
    /// A personal number that forwards elsewhere.
    PersonalNumber,
    /// Voice over IP.
    Voip,
    /// A pager.
    Pager,
    /// A company's universal access number.
    Uan,
    /// Voicemail access.
    Voicemail,
    /// Not in the plan (or a plan the metadata does not describe).
    Unknown,
}

impl NumberKind {
    /// Whether sending to it costs more than a normal SMS.
    pub fn is_premium(self) -> bool {
        matches!(self, NumberKind::PremiumRate | NumberKind::SharedCost)
    }

    /// The kind in words, for messages to people.
    pub fn describe(self) -> &'static str {
        match self {
            NumberKind::FixedLine => "a landline",
            NumberKind::Mobile => "a mobile",
            NumberKind::FixedLineOrMobile => "a landline or mobile",
            NumberKind::TollFree => "a toll-free number",
            NumberKind::PremiumRate => "a premium-rate number",
            NumberKind::SharedCost => "a shared-cost number",
            NumberKind::PersonalNumber => "a personal number",
            NumberKind::Voip => "a VoIP number",
            NumberKind::Pager => "a pager",
            NumberKind::Uan => "a universal access number",
            NumberKind::Voicemail => "a voicemail number",
            NumberKind::Unknown => "a number outside the plan",
        }
    }
}

/// A number read with the metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// E.164, `+` and digits.
    pub e164: String,
    /// What kind of number it is.
    pub kind: NumberKind,
}

/// The region libphonenumber reads national numbers in for a calling code
/// (`+1` is the United States' plan, `+7` Russia's, `+44` the UK's).
fn region_of(calling_code: &str) -> Result<phonenumber::country::Id, NumberError> {
    let invalid = || NumberError::InvalidCountry(calling_code.to_string());
    let code: u16 = calling_code
        .trim()
        .trim_start_matches('+')
        .parse()
        .map_err(|_| invalid())?;
    let regions = DATABASE.by_code(&code).ok_or_else(invalid)?;
    let main = regions
        .iter()
        .find(|m| m.is_main_country_for_code())
        .or(regions.first())
        .ok_or_else(invalid)?;
    main.id().parse().map_err(|_| invalid())
}

/// Reads `raw` as people write numbers, with `default_country` (a calling
/// code, `+420`) for numbers without one: separators are ignored; `+`, the
/// country's own international prefix (`011` in `+1`) and `00` start an
/// international number; the rest is national, with the country's trunk
/// rules. The answer is E.164 and the number's kind.
///
/// What libphonenumber cannot read (a number outside every plan) is read as
/// [`normalize`](super::normalize) reads it, of kind
/// [`NumberKind::Unknown`]: nothing accepted before is refused now.
pub fn parse(raw: &str, default_country: Option<&str>) -> Result<Parsed, NumberError> {
    // The same characters as `normalize` allows, and its errors for the rest.
    let light = super::normalize(raw, default_country);
    let text: String = raw
        .trim()
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    let region = match default_country {
        Some(country) => Some(region_of(country)?),
        None => None,
    };
    let text = match (region, text.strip_prefix("00")) {
        // Without a country, 00 is the prefix most of the world dials.
        (None, Some(rest)) => format!("+{rest}"),
        _ => text,
    };
    let parsed = phonenumber::parse(region, &text)
        .ok()
        .filter(|n| n.national().value() > 0);
    // `00` starts an international number everywhere Plutanium has read
    // numbers (most of the world dials it); where the country's own prefix
    // is another (`011` in `+1`), libphonenumber reads `00…` as national.
    let parsed = match (parsed, text.strip_prefix("00"), region) {
        (Some(number), Some(rest), Some(region))
            if region_code(region) == Some(number.code().value()) =>
        {
            phonenumber::parse(None, format!("+{rest}")).ok()
        }
        (parsed, ..) => parsed,
    };
    match parsed {
        Some(number) => {
            let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
            if !(8..=16).contains(&e164.len()) {
                return light.map(|e164| Parsed {
                    e164,
                    kind: NumberKind::Unknown,
                });
            }
            Ok(Parsed {
                e164,
                kind: kind_of(&number),
            })
        }
        None => light.map(|e164| Parsed {
            e164,
            kind: NumberKind::Unknown,
        }),
    }
}

fn region_code(region: phonenumber::country::Id) -> Option<u16> {
    DATABASE
        .by_id(region.as_ref())
        .map(phonenumber::Metadata::country_code)
}

fn kind_of(number: &phonenumber::PhoneNumber) -> NumberKind {
    use phonenumber::Type;
    match number.number_type(&DATABASE) {
        Type::FixedLine => NumberKind::FixedLine,
        Type::Mobile => NumberKind::Mobile,
        Type::FixedLineOrMobile => NumberKind::FixedLineOrMobile,
        Type::TollFree => NumberKind::TollFree,
        Type::PremiumRate => NumberKind::PremiumRate,
        Type::SharedCost => NumberKind::SharedCost,
        Type::PersonalNumber => NumberKind::PersonalNumber,
        Type::Voip => NumberKind::Voip,
        Type::Pager => NumberKind::Pager,
        Type::Uan => NumberKind::Uan,
        Type::Voicemail => NumberKind::Voicemail,
        _ => NumberKind::Unknown,
    }
}

/// The international call prefix dialled in the main region of
/// `calling_code`, when it is plain digits (for the check of
/// `normalize`'s table).
#[cfg(test)]
pub(super) fn exit_code(calling_code: u16) -> Option<String> {
    let regions = DATABASE.by_code(&calling_code)?;
    let main = regions
        .iter()
        .find(|m| m.is_main_country_for_code())
        .or(regions.first())?;
    let prefix = match main.preferred_international_prefix() {
        Some(preferred) => preferred.replace('~', ""),
        None => main.international_prefix()?.as_str().to_string(),
    };
    prefix.bytes().all(|b| b.is_ascii_digit()).then_some(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_countrys_exit_code_and_trunk_rules() {
        let cases = [
            ("011 420 777 123 456", "+1", "+420777123456"),
            ("0011 44 7700 900123", "+61", "+447700900123"),
            ("010 33 6 12 34 56 78", "+81", "+33612345678"),
            ("8 10 49 1512 3456789", "+7", "+4915123456789"),
            ("00420777123456", "+420", "+420777123456"),
            ("00420777123456", "+1", "+420777123456"),
            ("(202) 555-0143", "+1", "+12025550143"),
            ("06 12 34 56 78", "+33", "+33612345678"),
            // Italy keeps its leading zero; the light reading drops it.
            ("06 6982 1234", "+39", "+390669821234"),
            ("+420 777 123 456", "+1", "+420777123456"),
        ];
        for (raw, country, e164) in cases {
            assert_eq!(
                parse(raw, Some(country)).unwrap().e164,
                e164,
                "{raw} in {country}"
            );
        }
        assert_eq!(parse("00420777123456", None).unwrap().e164, "+420777123456");
        assert!(matches!(
            parse("777123456", None),
            Err(NumberError::NeedsCountry(_))
        ));
        assert!(matches!(
            parse("777123456", Some("+999")),
            Err(NumberError::InvalidCountry(_))
        ));
        assert!(matches!(
            parse("+420 77x", None),
            Err(NumberError::InvalidCharacter('x'))
        ));
    }

    #[test]
    fn premium_rate_and_shared_cost_numbers_are_told_apart() {
        let kind = |raw: &str| parse(raw, None).unwrap().kind;
        assert_eq!(kind("+420 777 123 456"), NumberKind::Mobile);
        assert_eq!(kind("+420 900 123 456"), NumberKind::PremiumRate);
        assert_eq!(kind("+1 900 555 0123"), NumberKind::PremiumRate);
        // The metadata's own example of each, in several plans.
        for region in ["GB", "DE", "FR", "ES", "PL", "CZ", "US"] {
            let meta = DATABASE.by_id(region).unwrap();
            let code = meta.country_code();
            for (descriptor, expected) in [
                (meta.descriptors().premium_rate(), NumberKind::PremiumRate),
                (meta.descriptors().shared_cost(), NumberKind::SharedCost),
            ] {
                if let Some(example) = descriptor.and_then(|d| d.example()) {
                    assert_eq!(
                        kind(&format!("+{code}{example}")),
                        expected,
                        "{region} {example}"
                    );
                }
            }
        }
        assert_eq!(kind("+420 800 123 456"), NumberKind::TollFree);
        assert!(kind("+420 900 123 456").is_premium() && !kind("+420 800 123 456").is_premium());
        // Outside every plan: read as before, kind unknown.
        assert_eq!(
            parse("+10000000000", None).unwrap().kind,
            NumberKind::Unknown
        );
    }
}
