//! Real-shaped mail in the charsets people write in (fixtures made with
//! Python's `email` package: quoted-printable, base64 and 7-bit bodies,
//! encoded words in `From` and `Subject`), through the fake Gmail, which
//! like Gmail's `format=full` turns each text part into UTF-8 and keeps its
//! original `charset=` label: every text arrives as it was written.

use super::{harness, keys};
use gmail_api::fake::Mailbox;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/mail/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn mail_in_every_charset_becomes_the_sms_it_says() {
    let cases = [
        (
            "cs-iso-8859-2-qp.eml",
            "+420777000001",
            "Příliš žluťoučký kůň úpěl ďábelské ódy.",
        ),
        (
            "cs-windows-1250-base64.eml",
            "+420777000002",
            "Dobrý den, přijdu v šest. Ještě koupím chléb.",
        ),
        (
            "pl-iso-8859-2-qp.eml",
            "+48600000003",
            "Zażółć gęślą jaźń. Łódź jest ładna.",
        ),
        (
            "ru-koi8-r-base64.eml",
            "+79000000004",
            "Съешь же ещё этих мягких французских булок, да выпей чаю.",
        ),
        (
            "ja-iso-2022-jp-7bit.eml",
            "+81900000005",
            "こんにちは、世界。明日の会議は十時からです。",
        ),
        (
            "ja-shift_jis-base64.eml",
            "+81900000006",
            "お疲れ様です。資料を送ります。",
        ),
        // Outlook: multipart/alternative with only HTML, labelled
        // windows-1252 (Gmail hands the UTF-8 over under that label).
        (
            "fr-windows-1252-html-only.eml",
            "+33600000007",
            "Café crème – “today” at 5 €",
        ),
    ];
    let mailbox = Mailbox::new(100);
    let ids: Vec<String> = cases
        .iter()
        .map(|(file, ..)| mailbox.deliver_raw(&fixture(file)))
        .collect();
    let mut gmail = harness(&mailbox, &[]);
    let polled = gmail.poll(10).unwrap();
    assert_eq!(
        keys(&polled),
        ids.iter()
            .map(|id| format!("gmail:{id}"))
            .collect::<Vec<_>>()
    );
    for ((file, to, text), message) in cases.iter().zip(&polled) {
        assert_eq!(message.to, *to, "{file}");
        assert_eq!(message.text, *text, "{file}");
    }
}

#[test]
fn a_reply_to_a_forwarded_sms_in_windows_1250_answers_it() {
    // The gmail-forward sink mailed "SMS from +420601234567"; the owner
    // answered from a Czech Outlook: windows-1250, quoted-printable, the
    // subject an encoded word, the SMS quoted below the answer.
    let mailbox = Mailbox::new(100);
    mailbox.deliver_raw(&fixture("cs-windows-1250-reply.eml"));
    let mut gmail = harness(&mailbox, &[]);
    let polled = gmail.poll(5).unwrap();
    assert_eq!(polled.len(), 1, "{polled:?}");
    assert_eq!(polled[0].to, "+420601234567");
    assert_eq!(polled[0].text, "Ano, v šest je to dobré. Řekni Žaně.");
}
