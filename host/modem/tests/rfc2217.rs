//! `Rfc2217Port` against a small RFC 2217 server written here, independently
//! of the crate's telnet code, over real loopback TCP.

use std::time::Duration;

use plutanium_modem::{FlowControl, LineSettings, Parity, Rfc2217Port};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

const IAC: u8 = 255;
const DONT: u8 = 254;
const DO: u8 = 253;
const WONT: u8 = 252;
const WILL: u8 = 251;
const SB: u8 = 250;
const SE: u8 = 240;
const ECHO: u8 = 1;
const SGA: u8 = 3;
const TTYPE: u8 = 24;
const NAWS: u8 = 31;
const COM_PORT: u8 = 44;

/// Sent before the server answers anything.
const GREETING: &[u8] = b"HELLO \xff\r\n";
/// Sent right after the baud rate acknowledgement.
const AFTER_ACK: &[u8] = b"\xffMID\r\n";
/// Sent once the client has answered a late `DO NAWS`.
const LATE: &[u8] = b"late-ok";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    /// Accepts COM-PORT-OPTION and acknowledges settings.
    Rfc2217,
    /// Refuses COM-PORT-OPTION with `DONT`.
    PlainTelnet,
}

/// What the server saw.
#[derive(Debug, Default)]
struct Recorded {
    baud: Option<u32>,
    data_size: Option<u8>,
    parity: Option<u8>,
    stop_size: Option<u8>,
    control: Vec<u8>,
    /// Every negotiation the client sent, in order.
    negotiations: Vec<(u8, u8)>,
    /// Data bytes received.
    data: Vec<u8>,
}

fn escape(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &b in data {
        out.push(b);
        if b == IAC {
            out.push(IAC);
        }
    }
    out
}

fn com_port_sb(command: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![IAC, SB, COM_PORT, command];
    out.extend(escape(value));
    out.extend([IAC, SE]);
    out
}

enum Parse {
    Data,
    Iac,
    Verb(u8),
    Sb(Vec<u8>),
    SbIac(Vec<u8>),
}

async fn serve(mut socket: TcpStream, mode: Mode) -> Recorded {
    let mut recorded = Recorded::default();
    // Data first, then our own requests: the client must keep the data and
    // refuse ECHO and TTYPE.
    let mut hello = escape(GREETING);
    hello.extend([IAC, WILL, ECHO, IAC, WILL, SGA, IAC, DO, TTYPE]);
    socket.write_all(&hello).await.unwrap();

    let mut parse = Parse::Data;
    let mut answered_will = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = socket.read(&mut buf).await.unwrap();
        if n == 0 {
            return recorded;
        }
        let mut reply = Vec::new();
        let mut echo = Vec::new();
        for &byte in &buf[..n] {
            parse = match parse {
                Parse::Data if byte == IAC => Parse::Iac,
                Parse::Data => {
                    recorded.data.push(byte);
                    if byte == b'!' {
                        reply.extend([IAC, DO, NAWS]);
                    } else {
                        echo.push(byte);
                    }
                    Parse::Data
                }
                Parse::Iac if byte == IAC => {
                    recorded.data.push(IAC);
                    echo.push(IAC);
                    Parse::Data
                }
                Parse::Iac if byte == SB => Parse::Sb(Vec::new()),
                Parse::Iac if (WILL..=DONT).contains(&byte) => Parse::Verb(byte),
                Parse::Iac => Parse::Data,
                Parse::Verb(verb) => {
                    recorded.negotiations.push((verb, byte));
                    match (verb, byte) {
                        (WILL, 0 | SGA) => reply.extend([IAC, DO, byte]),
                        (WILL, COM_PORT) if mode == Mode::Rfc2217 => {
                            reply.extend([IAC, DO, COM_PORT]);
                        }
                        (WILL, _) => reply.extend([IAC, DONT, byte]),
                        // We offered SGA ourselves: DO SGA is the answer.
                        (DO, SGA) => {}
                        (DO, 0) if !answered_will.contains(&0) => {
                            answered_will.push(0);
                            reply.extend([IAC, WILL, 0]);
                        }
                        (DO, 0) => {}
                        (DO, _) => reply.extend([IAC, WONT, byte]),
                        (WONT, NAWS) => reply.extend(escape(LATE)),
                        _ => {}
                    }
                    Parse::Data
                }
                Parse::Sb(sb) if byte == IAC => Parse::SbIac(sb),
                Parse::Sb(mut sb) => {
                    sb.push(byte);
                    Parse::Sb(sb)
                }
                Parse::SbIac(mut sb) if byte == IAC => {
                    sb.push(IAC);
                    Parse::Sb(sb)
                }
                Parse::SbIac(sb) => {
                    assert_eq!(byte, SE, "IAC {byte} inside SB");
                    let [option, command, value @ ..] = sb.as_slice() else {
                        panic!("short SB {sb:?}");
                    };
                    assert_eq!(*option, COM_PORT);
                    assert_eq!(mode, Mode::Rfc2217, "SB after DONT COM-PORT-OPTION");
                    match (*command, value) {
                        (1, &[a, b, c, d]) => {
                            recorded.baud = Some(u32::from_be_bytes([a, b, c, d]))
                        }
                        (2, &[v]) => recorded.data_size = Some(v),
                        (3, &[v]) => recorded.parity = Some(v),
                        (4, &[v]) => recorded.stop_size = Some(v),
                        (5, &[v]) => recorded.control.push(v),
                        other => panic!("unexpected COM-PORT command {other:?}"),
                    }
                    reply.extend(com_port_sb(command + 100, value));
                    if *command == 1 {
                        reply.extend(escape(AFTER_ACK));
                        reply.extend(com_port_sb(107, &[0x30]));
                    }
                    Parse::Data
                }
            };
        }
        reply.extend(escape(&echo));
        socket.write_all(&reply).await.unwrap();
    }
}

async fn start(mode: Mode) -> (TcpStream, JoinHandle<Recorded>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        serve(socket, mode).await
    });
    let stream = TcpStream::connect(address).await.unwrap();
    stream.set_nodelay(true).unwrap();
    (stream, server)
}

async fn read_n<R: AsyncReadExt + Unpin>(reader: &mut R, n: usize) -> Vec<u8> {
    let mut buf = vec![0; n];
    tokio::time::timeout(Duration::from_secs(10), reader.read_exact(&mut buf))
        .await
        .expect("read timed out")
        .unwrap();
    buf
}

fn count(recorded: &Recorded, verb: u8, option: u8) -> usize {
    recorded
        .negotiations
        .iter()
        .filter(|&&n| n == (verb, option))
        .count()
}

#[tokio::test]
async fn settings_and_binary_data_round_trip() {
    round_trip().await;
}

/// The same with the split halves on different threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_multi_thread() {
    round_trip().await;
}

async fn round_trip() {
    let (stream, server) = start(Mode::Rfc2217).await;
    let settings = LineSettings {
        baud: 57_600,
        data_bits: 7,
        parity: Parity::Even,
        stop_bits: 2,
        flow: FlowControl::None,
    };
    let mut port = Rfc2217Port::negotiate(stream, &settings).await.unwrap();
    assert!(port.com_port_active());
    assert_eq!(port.acknowledged_baud(), Some(57_600));

    // Data sent before and during negotiation is all there, in order.
    let early = read_n(&mut port, GREETING.len() + AFTER_ACK.len()).await;
    assert_eq!(early, [GREETING, AFTER_ACK].concat());
    assert_eq!(port.modem_state(), Some(0x30));

    // Every byte value, many times over, written and read concurrently.
    let payload: Vec<u8> = (0..=255u8)
        .filter(|&b| b != b'!')
        .cycle()
        .take(300_000)
        .collect();
    let (mut reader, mut writer) = tokio::io::split(port);
    let to_send = payload.clone();
    let writing = tokio::spawn(async move {
        for chunk in to_send.chunks(20_001) {
            writer.write_all(chunk).await.unwrap();
        }
        writer.flush().await.unwrap();
        writer
    });
    let echoed = read_n(&mut reader, payload.len()).await;
    assert!(echoed == payload, "echo differs");
    let writer = writing.await.unwrap();
    let mut port = reader.unsplit(writer);

    // A negotiation request arriving later is answered while we only read:
    // the server sends more data only after our WONT NAWS.
    port.write_all(b"!").await.unwrap();
    port.flush().await.unwrap();
    assert_eq!(read_n(&mut port, LATE.len()).await, LATE);
    drop(port);

    let recorded = server.await.unwrap();
    assert_eq!(recorded.baud, Some(57_600));
    assert_eq!(recorded.data_size, Some(7));
    assert_eq!(recorded.parity, Some(3));
    assert_eq!(recorded.stop_size, Some(2));
    assert_eq!(recorded.control, [1, 8, 11]);
    assert_eq!(recorded.data, [payload.as_slice(), b"!"].concat());
    // Requests made once, refusals given once, no loops.
    for (verb, option) in [(WILL, 0), (DO, 0), (WILL, SGA), (DO, SGA), (WILL, COM_PORT)] {
        assert_eq!(count(&recorded, verb, option), 1, "{verb} {option}");
    }
    assert_eq!(count(&recorded, DONT, ECHO), 1);
    assert_eq!(count(&recorded, WONT, TTYPE), 1);
    assert_eq!(count(&recorded, WONT, NAWS), 1);
    assert_eq!(
        recorded.negotiations.len(),
        8,
        "{:?}",
        recorded.negotiations
    );
}

#[tokio::test]
async fn plain_telnet_server_still_carries_data() {
    let (stream, server) = start(Mode::PlainTelnet).await;
    let mut port = Rfc2217Port::negotiate(stream, &LineSettings::default())
        .await
        .unwrap();
    assert!(!port.com_port_active());
    assert_eq!(port.acknowledged_baud(), None);
    assert_eq!(read_n(&mut port, GREETING.len()).await, GREETING);

    let message = b"AT+CMGS=\xff\xff\x00\r";
    port.write_all(message).await.unwrap();
    port.flush().await.unwrap();
    assert_eq!(read_n(&mut port, message.len()).await, message);
    drop(port);

    let recorded = server.await.unwrap();
    assert_eq!(recorded.baud, None);
    assert!(recorded.control.is_empty());
    assert_eq!(recorded.data, message);
    assert_eq!(count(&recorded, WILL, COM_PORT), 1);
}
