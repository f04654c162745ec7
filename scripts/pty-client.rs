//! The pty path's ceiling without an interpreter in the way: `scripts/pty-bench.py`
//! compiles this with `rustc -O` (std only, so no cargo project) and runs it with the
//! modem's pty, already open and raw, as file descriptor 3. It reads `LENGTH PDU` lines
//! from stdin and sends each as one `AT+CMGS`, waiting for the prompt and for the
//! answer, and nothing else: no store, no retries, one blocking read at a time.

use std::fs::File;
use std::io::{BufRead, Read, Write};
use std::os::fd::FromRawFd;
use std::process::exit;

fn main() {
    // SAFETY: the script passes the open pty as descriptor 3 (`pass_fds`), and nothing
    // else in this process owns it.
    let mut port = unsafe { File::from_raw_fd(3) };
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let mut expect = |port: &mut File, token: &[u8]| loop {
        for seen in [token, b"ERROR"] {
            if let Some(at) = buf.windows(seen.len()).position(|w| w == seen) {
                buf.drain(..at + seen.len());
                if seen != token {
                    eprintln!("pty-client: the modem said ERROR while waiting for {token:?}");
                    exit(1);
                }
                return;
            }
        }
        match port.read(&mut chunk) {
            Ok(0) | Err(_) => {
                eprintln!("pty-client: the pty closed");
                exit(1);
            }
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    for command in [&b"ATE0\r"[..], b"AT+CMGF=0\r"] {
        port.write_all(command).expect("write to the pty");
        expect(&mut port, b"OK\r\n");
    }
    let mut sent = 0u32;
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("read a line from stdin");
        let Some((length, pdu)) = line.split_once(' ') else {
            eprintln!("pty-client: expected `LENGTH PDU`, got {line:?}");
            exit(2);
        };
        port.write_all(format!("AT+CMGS={length}\r").as_bytes()).expect("write to the pty");
        expect(&mut port, b"> ");
        let mut body = pdu.as_bytes().to_vec();
        body.push(0x1a);
        port.write_all(&body).expect("write to the pty");
        expect(&mut port, b"OK\r\n");
        sent += 1;
    }
    println!("{sent}");
}
