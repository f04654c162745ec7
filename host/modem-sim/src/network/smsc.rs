//! The SMSC's side of a send: after the network's delay (and any slow-SMSC
//! fault), the modem hears `+CMGS` or a CMS error; the message goes to the
//! modem or phone with the number it was sent to, and a status report
//! follows when one was asked for.

use std::time::Duration;

use plutanium_sms::{Address, Deliver, Pdu, SmscPdu, TypeOfNumber};

use super::{Action, Latency, ModemId, Network, smsc};

impl Network {
    fn send_delay(&mut self, modem: ModemId) -> Duration {
        let base = match self.latency {
            Latency::Zero => Duration::ZERO,
            Latency::Realistic => self
                .rng
                .between(Duration::from_secs(1), Duration::from_secs(6)),
        };
        base + self.faults[modem].slow_smsc
    }

    pub(super) fn submit(&mut self, modem: ModemId, tpdu: &[u8], mr: u8, now: Duration) {
        let done = now + self.send_delay(modem);
        if let Some((code, count)) = self.faults[modem].send_error {
            self.faults[modem].send_error = (count > 1).then_some((code, count - 1));
            self.schedule(
                done,
                Action::FinishSend {
                    modem,
                    result: Err(code),
                },
            );
            return;
        }
        let Ok(SmscPdu {
            pdu: Pdu::Submit(submit),
            ..
        }) = plutanium_sms::decode(tpdu, false)
        else {
            self.schedule(
                done,
                Action::FinishSend {
                    modem,
                    result: Err(304),
                },
            );
            return;
        };
        let destination = &submit.destination;
        if destination.type_of_number == TypeOfNumber::Alphanumeric {
            // Nobody can receive at a name: "unassigned number".
            self.schedule(
                done,
                Action::FinishSend {
                    modem,
                    result: Err(1),
                },
            );
            return;
        }
        let from = self.modems[modem].config.number.clone();
        self.schedule(
            done,
            Action::FinishSend {
                modem,
                result: Ok(mr),
            },
        );
        let to = destination.value.clone();
        if submit.status_report_request {
            self.schedule(
                done + Duration::from_millis(1),
                Action::StatusReport {
                    modem,
                    mr,
                    recipient: destination.clone(),
                    submitted_at: done,
                },
            );
        }
        match self.find_modem(&to) {
            Some(target) => {
                let deliver = Deliver {
                    more_messages: false,
                    loop_prevention: false,
                    reply_path: false,
                    status_report_indication: submit.status_report_request,
                    originator: Address::parse(&from).unwrap_or_else(|_| smsc()),
                    protocol_id: submit.protocol_id,
                    data_coding: submit.data_coding,
                    timestamp: self.timestamp(done),
                    user_data: submit.user_data.clone(),
                };
                if let Ok(encoded) = (SmscPdu {
                    smsc: Some(smsc()),
                    pdu: Pdu::Deliver(deliver),
                })
                .encode()
                {
                    self.schedule(
                        done,
                        Action::DeliverToModem {
                            modem: target,
                            pdu: encoded.octets,
                            tpdu_len: encoded.tpdu_len,
                            retry_of: None,
                        },
                    );
                }
            }
            None => self.schedule(
                done,
                Action::DeliverToPhone {
                    number: to,
                    from,
                    submit: Box::new(submit),
                },
            ),
        }
    }
}
