//! Whether a HiLink stick's web API answers: a USB network card from a
//! modem maker is only "most likely" a HiLink stick until its API at
//! 192.168.8.1 (or where `--hilink` says) answers as one.

use std::time::Duration;

use plutanium_hilink::{Device, DeviceError, HilinkUrl};
use serde::Serialize;

/// What the web API said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "answer")]
pub enum WebApi {
    /// It answered as a HiLink device, without a login.
    Answers {
        /// Where.
        url: String,
        /// `CurrentNetworkType`, when it has service.
        network_type: Option<u32>,
        /// Signal bars, 0 to 5.
        signal_bars: Option<u8>,
        /// `SimStatus` is 1 (a valid SIM).
        sim_ready: bool,
    },
    /// It answered, and its web page has a login.
    NeedsLogin {
        /// Where.
        url: String,
    },
    /// Nothing answered as a HiLink device.
    Silent {
        /// Where.
        url: String,
        /// What went wrong.
        reason: String,
    },
}

/// Asks the device at `url` for its status, giving up after `timeout`
/// for the whole exchange (a session, maybe the login state, the status;
/// it asks nothing that changes the device).
pub async fn ask(url: &HilinkUrl, timeout: Duration) -> WebApi {
    let shown = url.base();
    let device = Device::new(url.clone(), None, timeout);
    let Ok(status) = tokio::time::timeout(timeout, device.status()).await else {
        return WebApi::Silent {
            url: shown,
            reason: format!("no answer within {} s", timeout.as_secs()),
        };
    };
    match status {
        Ok(status) => WebApi::Answers {
            url: shown,
            network_type: status.network_type.filter(|&t| t != 0),
            signal_bars: status.signal_icon,
            sim_ready: status.sim == Some(1),
        },
        Err(DeviceError::NeedsPassword { .. }) => WebApi::NeedsLogin { url: shown },
        Err(e) => WebApi::Silent {
            url: shown,
            reason: e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plutanium_modem_sim::{HilinkOptions, Latency, ModemConfig, Simulator};

    async fn stick(password: Option<&str>) -> (Simulator, plutanium_modem_sim::FakeHilink) {
        let sim = Simulator::start(3, Latency::Zero);
        sim.add_modem(ModemConfig::new("stick", "+420777000005"))
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let fake = sim
            .serve_hilink(
                "stick",
                listener,
                HilinkOptions {
                    password: password.map(str::to_string),
                },
            )
            .await
            .unwrap();
        (sim, fake)
    }

    fn url(address: std::net::SocketAddr) -> HilinkUrl {
        format!("hilink://{address}").parse().unwrap()
    }

    #[tokio::test]
    async fn a_stick_that_answers_says_what_it_has() {
        let (_sim, fake) = stick(None).await;
        let answer = ask(&url(fake.address()), Duration::from_secs(5)).await;
        assert_eq!(
            answer,
            WebApi::Answers {
                url: format!("http://{}", fake.address()),
                network_type: Some(19),
                signal_bars: Some(4),
                sim_ready: true,
            }
        );
        // Asking changed nothing on it.
        assert_eq!((fake.sent(), fake.deleted()), (0, 0));
    }

    #[tokio::test]
    async fn a_stick_with_a_login_says_so() {
        let (_sim, fake) = stick(Some("s3cret")).await;
        let answer = ask(&url(fake.address()), Duration::from_secs(5)).await;
        assert_eq!(
            answer,
            WebApi::NeedsLogin {
                url: format!("http://{}", fake.address())
            }
        );
    }

    #[tokio::test]
    async fn nothing_listening_is_silent_with_the_reason() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let answer = ask(&url(closed), Duration::from_secs(2)).await;
        let WebApi::Silent { url, reason } = answer else {
            panic!("{answer:?}")
        };
        assert_eq!(url, format!("http://{closed}"));
        assert!(reason.contains("cannot reach"), "{reason}");
    }
}
