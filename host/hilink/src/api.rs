//! The XML of HiLink's web API, without I/O: what Plutanium sends and reads,
//! the `<error>` answer and what its codes mean.
//!
//! Every answer is HTTP 200 with either `<response>…</response>` or
//! `<error><code>N</code><message/></error>`; [`parse`] tells them apart.
//! Requests keep their elements in the order the web UI sends them: some
//! models (the B525s-23a is the one reported) refuse another order with
//! 100005.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// `GET /api/webserver/SesTokInfo`: the session cookie and a CSRF token.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct SesTokInfo {
    /// `SessionID=…`, sent back verbatim as the `Cookie`.
    #[serde(rename = "SesInfo")]
    pub session: String,
    /// The first `__RequestVerificationToken`.
    #[serde(rename = "TokInfo")]
    pub token: String,
}

/// `GET /api/user/state-login`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct LoginState {
    /// 0 logged in, -1 logged out.
    #[serde(rename = "State")]
    pub state: i32,
    /// How the password is to be encoded ([`crate::session::encode_password`]).
    #[serde(rename = "password_type", default)]
    pub password_type: Option<u8>,
}

/// `POST /api/user/login`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "request")]
pub struct LoginRequest {
    /// The user, `admin` on every stick seen.
    #[serde(rename = "Username")]
    pub username: String,
    /// The encoded password.
    #[serde(rename = "Password")]
    pub password: String,
    /// The encoding used.
    #[serde(rename = "password_type")]
    pub password_type: u8,
}

/// `POST /api/sms/sms-list`: one page of a box.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "request")]
pub struct ListRequest {
    /// From 1.
    #[serde(rename = "PageIndex")]
    pub page: u32,
    /// At most 50 on many models.
    #[serde(rename = "ReadCount")]
    pub count: u32,
    /// 1: the device's inbox.
    #[serde(rename = "BoxType")]
    pub box_type: u8,
    /// 0: by date.
    #[serde(rename = "SortType")]
    pub sort_type: u8,
    /// 1: oldest first.
    #[serde(rename = "Ascending")]
    pub ascending: u8,
    /// 0: unread ones not first.
    #[serde(rename = "UnreadPreferred")]
    pub unread_preferred: u8,
}

impl ListRequest {
    /// Page `page` of the inbox, `count` at a time, oldest first.
    pub fn inbox(page: u32, count: u32) -> ListRequest {
        ListRequest {
            page,
            count,
            box_type: 1,
            sort_type: 0,
            ascending: 1,
            unread_preferred: 0,
        }
    }
}

/// `sms-list`'s answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct ListPage {
    /// How many are on this page.
    #[serde(rename = "Count", default)]
    pub count: u32,
    /// The messages; none is `<Messages/>` or no element at all.
    #[serde(rename = "Messages", default)]
    pub messages: Messages,
}

/// `<Messages>`, holding zero, one or many `<Message>`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct Messages {
    /// Each `<Message>`.
    #[serde(rename = "Message", default)]
    pub message: Vec<Message>,
}

/// One SMS as HiLink lists it: already decoded (GSM 7-bit or UCS-2) and, for
/// a multipart SMS, already reassembled by the device.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct Message {
    /// 0 unread, 1 read.
    #[serde(rename = "Smstat", default)]
    pub status: u8,
    /// The device's id for it (40000 and up for its own storage).
    #[serde(rename = "Index")]
    pub index: u32,
    /// The sender.
    #[serde(rename = "Phone")]
    pub phone: String,
    /// The text.
    #[serde(rename = "Content", default)]
    pub content: String,
    /// The device's local time, `2025-03-01 12:33:55`.
    #[serde(rename = "Date", default)]
    pub date: String,
    /// 1 single, 2 multipart (parts may still be merging in), 7 and 8
    /// delivery reports.
    #[serde(rename = "SmsType", default)]
    pub sms_type: u8,
}

/// `POST /api/sms/send-sms`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "request")]
pub struct SendRequest {
    /// -1: a new message.
    #[serde(rename = "Index")]
    pub index: i32,
    /// The destinations.
    #[serde(rename = "Phones")]
    pub phones: Phones,
    /// The SMSC; empty: the SIM's.
    #[serde(rename = "Sca")]
    pub sca: String,
    /// The text; the device picks the alphabet and splits it.
    #[serde(rename = "Content")]
    pub content: String,
    /// Characters in the text.
    #[serde(rename = "Length")]
    pub length: usize,
    /// 1: let the device choose GSM 7-bit or UCS-2.
    #[serde(rename = "Reserved")]
    pub reserved: u8,
    /// `YYYY-MM-DD HH:MM:SS`, or `-1`.
    #[serde(rename = "Date")]
    pub date: String,
}

impl SendRequest {
    /// A message of `text` to `phone`.
    pub fn new(phone: &str, text: &str) -> SendRequest {
        SendRequest {
            index: -1,
            phones: Phones {
                phone: vec![phone.to_string()],
            },
            sca: String::new(),
            content: text.to_string(),
            length: text.chars().count(),
            reserved: 1,
            date: "-1".into(),
        }
    }
}

/// `<Phones>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phones {
    /// Each `<Phone>`.
    #[serde(rename = "Phone")]
    pub phone: Vec<String>,
}

/// `GET /api/sms/send-status`: where the last send is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct SendStatus {
    /// The numbers being sent to.
    #[serde(rename = "Phone", default)]
    pub phone: String,
    /// Those it went to.
    #[serde(rename = "SucPhone", default)]
    pub succeeded: String,
    /// Those it failed for.
    #[serde(rename = "FailPhone", default)]
    pub failed: String,
}

/// `POST /api/sms/delete-sms`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "request")]
pub struct DeleteRequest {
    /// The message's [`Message::index`].
    #[serde(rename = "Index")]
    pub index: u32,
}

/// `POST /api/ussd/send`: a USSD code for the network. The answer is
/// read with [`UssdStatus`] and [`UssdAnswer`] once it came.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "request")]
pub struct UssdRequest {
    /// The code, `*100#`.
    pub content: String,
    /// Always `CodeType` (the web page sends the word).
    #[serde(rename = "codeType")]
    pub code_type: String,
    /// Empty: the device's own timeout.
    pub timeout: String,
}

impl UssdRequest {
    /// A request for `code`.
    pub fn new(code: &str) -> UssdRequest {
        UssdRequest {
            content: code.to_string(),
            code_type: "CodeType".into(),
            timeout: String::new(),
        }
    }
}

/// `GET /api/ussd/status`: whether an answer is still awaited.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct UssdStatus {
    /// 1 while the network has not answered; 0 once it has (or nothing
    /// was asked).
    pub result: u32,
}

/// `GET /api/ussd/get`: the network's answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct UssdAnswer {
    /// Its text.
    #[serde(default)]
    pub content: String,
}

/// `GET /api/monitoring/status` (the fields Plutanium reads).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct MonitoringStatus {
    /// 901 connected, 902 disconnected, 900 connecting.
    #[serde(rename = "ConnectionStatus", default)]
    pub connection: Option<u32>,
    /// Bars, 0 to 5.
    #[serde(rename = "SignalIcon", default)]
    pub signal_icon: Option<u8>,
    /// 19 LTE, 9 HSPA+, 3 GSM/EDGE, …
    #[serde(rename = "CurrentNetworkType", default)]
    pub network_type: Option<u32>,
    /// 2: service available.
    #[serde(rename = "ServiceStatus", default)]
    pub service: Option<u32>,
    /// 1: the SIM is fine.
    #[serde(rename = "SimStatus", default)]
    pub sim: Option<u32>,
    /// 0 home, 1 roaming.
    #[serde(rename = "RoamingStatus", default)]
    pub roaming: Option<u32>,
}

/// `GET /api/device/signal`: values with units (`-71dBm`), empty when
/// the network type has none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct DeviceSignal {
    /// Received signal strength.
    #[serde(default)]
    pub rssi: Option<String>,
    /// LTE reference signal received power.
    #[serde(default)]
    pub rsrp: Option<String>,
    /// LTE reference signal received quality.
    #[serde(default)]
    pub rsrq: Option<String>,
    /// LTE signal to interference and noise.
    #[serde(default)]
    pub sinr: Option<String>,
}

/// `GET /api/net/current-plmn`: the operator.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct CurrentPlmn {
    /// The operator's full name.
    #[serde(rename = "FullName", default)]
    pub full_name: Option<String>,
    /// MCC and MNC, `23003`.
    #[serde(rename = "Numeric", default)]
    pub numeric: Option<String>,
}

/// `<error>`'s content.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
struct ErrorBody {
    code: u32,
}

/// An `<error>` answer, with what its code means.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("HiLink error {code}: {}", meaning(*code))]
pub struct ApiError {
    /// The device's code.
    pub code: u32,
}

impl ApiError {
    /// The session or its token went stale: get new ones and try again once.
    pub fn wants_new_session(&self) -> bool {
        matches!(self.code, 125001..=125003)
    }

    /// Not logged in (any more): log in and try again once.
    pub fn wants_login(&self) -> bool {
        self.code == 100003
    }

    /// Worth trying again later, unchanged.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.code,
            100001 | 100004 | 113018 | 113020 | 125001..=125003
        )
    }
}

/// What a HiLink error code means, in words a person can act on.
pub fn meaning(code: u32) -> &'static str {
    match code {
        100001 => "an unknown error in the device; it is tried again later",
        100002 => "this firmware does not have that function",
        100003 => "not logged in (the session expired)",
        100004 => "the device is busy; it is tried again later",
        100005 => "the device did not accept the request's format",
        100006 => "the device refused a value in the request",
        101001 => "no SIM, or the SIM cannot be read",
        101002 => "the SIM wants its PIN: enter it in the stick's web page",
        101003 => "the SIM is locked by its PUK: unlock it in a phone",
        108001 | 108006 => "wrong user name or password: check the modem's password_file",
        108002 => "wrong password: check the modem's password_file",
        108003 => "already logged in",
        108005 => "another session is logged in to the device",
        108007 => {
            "too many wrong passwords: the device refuses logins for a few minutes; fix password_file first"
        }
        113004 | 113055 => "the device could not send the SMS",
        113017 => "the device refused the SMS request",
        113018 => "the device's SMS function is busy with an earlier send; it is tried again later",
        113020 => "the device could not list its messages (often just after it starts)",
        113036 => "the device could not delete the message",
        113053 => "the device's message storage is full",
        113054 => "the phone number is too long",
        111001 | 111012 => "the device's USSD function failed",
        111013 => "another USSD session is still open on the device; try again in a minute",
        111014 => "the USSD code is too long",
        111016 => "the USSD code is empty",
        111017 => "the device could not encode the USSD code",
        111018 => "the device could not hand the USSD code to its modem",
        111019 => "the network did not answer the USSD code",
        111020 => "the network took too long to answer the USSD code",
        111021 => "the device could not carry a character of the USSD code in XML",
        111022 => "the network does not offer USSD here",
        115002 => "the device wants its password changed first, in its web page",
        125001 => "the request's token was refused",
        125002 | 125003 => "the session or its token went stale",
        _ => "an error the device does not explain",
    }
}

/// Why an answer could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The device answered with `<error>`.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// Not the XML expected (an HTML page after a redirect, a truncated
    /// answer).
    #[error("not the XML expected: {0}")]
    Xml(String),
}

/// The name of the document's root element.
fn root(xml: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event().ok()? {
            quick_xml::events::Event::Start(start) | quick_xml::events::Event::Empty(start) => {
                return Some(String::from_utf8_lossy(start.name().as_ref()).into_owned());
            }
            quick_xml::events::Event::Eof => return None,
            _ => {}
        }
    }
}

/// A `<response>` as `T`, or the `<error>` it is instead.
pub fn parse<T: DeserializeOwned>(xml: &str) -> Result<T, ParseError> {
    match root(xml).as_deref() {
        Some("error") => Err(error_in(xml)?.into()),
        Some("response") => {
            quick_xml::de::from_str(xml).map_err(|e| ParseError::Xml(e.to_string()))
        }
        Some(other) => Err(ParseError::Xml(format!(
            "the root element is <{other}>, not <response>"
        ))),
        None => Err(ParseError::Xml("no XML element at all".into())),
    }
}

/// The `<error>` an answer is, if it is one; a `<response>` is not read
/// beyond its root element.
pub fn error_of(xml: &str) -> Option<ApiError> {
    (root(xml).as_deref() == Some("error"))
        .then(|| error_in(xml).ok())
        .flatten()
}

/// The code of an `<error>` document.
fn error_in(xml: &str) -> Result<ApiError, ParseError> {
    let error: ErrorBody =
        quick_xml::de::from_str(xml).map_err(|e| ParseError::Xml(e.to_string()))?;
    Ok(ApiError { code: error.code })
}

/// `<response>OK</response>`, or the error.
pub fn parse_ok(xml: &str) -> Result<(), ParseError> {
    let text: String = parse(xml)?;
    if text.trim() == "OK" {
        Ok(())
    } else {
        Err(ParseError::Xml(format!("expected OK, got {text:?}")))
    }
}

/// An answer's XML (`<response>…</response>`), as a device writes it: for
/// fakes and tests.
pub fn response<T: Serialize>(value: &T) -> String {
    let body = quick_xml::se::to_string_with_root("response", value).unwrap_or_default();
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{body}")
}

/// An `<error>` answer with `code`: for fakes and tests.
pub fn error(code: u32) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><error><code>{code}</code><message></message></error>"
    )
}

/// A request's XML, with its declaration, element order as declared.
pub fn request<T: Serialize>(value: &T) -> String {
    let body = quick_xml::se::to_string(value).unwrap_or_default();
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_and_errors_are_told_apart() {
        let info: SesTokInfo = parse(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<response>\n<SesInfo>SessionID=abc</SesInfo>\n<TokInfo>tok</TokInfo>\n</response>",
        )
        .unwrap();
        assert_eq!(info.session, "SessionID=abc");
        assert_eq!(info.token, "tok");
        let err = parse::<SesTokInfo>(
            "<?xml version=\"1.0\"?><error><code>125002</code><message></message></error>",
        )
        .unwrap_err();
        assert_eq!(err, ParseError::Api(ApiError { code: 125002 }));
        assert!(ApiError { code: 125002 }.wants_new_session());
        assert!(err.to_string().contains("stale"), "{err}");
        assert!(parse_ok("<response>OK</response>").is_ok());
        let html = parse::<SesTokInfo>("<html><body>login</body></html>").unwrap_err();
        assert!(html.to_string().contains("<html>"), "{html}");
    }

    #[test]
    fn lists_with_none_one_or_many_messages_read_alike() {
        let many: ListPage = parse(
            "<response><Count>2</Count><Messages>\
             <Message><Smstat>0</Smstat><Index>40005</Index><Phone>+79624118643</Phone><Content>1342</Content>\
             <Date>2018-11-08 12:09:59</Date><Sca></Sca><SaveType>4</SaveType><Priority>0</Priority><SmsType>1</SmsType></Message>\
             <Message><Smstat>1</Smstat><Index>40004</Index><Phone>+420777</Phone><Content>Čau &amp; ahoj</Content>\
             <Date>2018-11-08 12:00:00</Date><SmsType>2</SmsType></Message></Messages></response>",
        )
        .unwrap();
        assert_eq!(many.count, 2);
        assert_eq!(many.messages.message[0].index, 40005);
        assert_eq!(many.messages.message[1].content, "Čau & ahoj");
        assert_eq!(many.messages.message[1].sms_type, 2);
        let one: ListPage = parse(
            "<response><Count>1</Count><Messages><Message><Index>40001</Index><Phone>+1</Phone><Content>x</Content></Message></Messages></response>",
        )
        .unwrap();
        assert_eq!(one.messages.message.len(), 1);
        for empty in [
            "<response><Count>0</Count><Messages></Messages></response>",
            "<response><Count>0</Count><Messages/></response>",
            "<response><Count>0</Count></response>",
        ] {
            assert!(
                parse::<ListPage>(empty)
                    .unwrap()
                    .messages
                    .message
                    .is_empty(),
                "{empty}"
            );
        }
    }

    #[test]
    fn requests_keep_the_web_uis_element_order_and_escape_text() {
        let xml = request(&SendRequest::new("+420777123456", "A & <b> 👋"));
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><request><Index>-1</Index><Phones><Phone>+420777123456</Phone></Phones>\
             <Sca/><Content>A &amp; &lt;b&gt; 👋</Content><Length>9</Length><Reserved>1</Reserved><Date>-1</Date></request>"
        );
        assert_eq!(
            request(&ListRequest::inbox(2, 20)),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><request><PageIndex>2</PageIndex><ReadCount>20</ReadCount><BoxType>1</BoxType>\
             <SortType>0</SortType><Ascending>1</Ascending><UnreadPreferred>0</UnreadPreferred></request>"
        );
    }
}
