//! Local serial ports through tokio-serial, opened exclusively.

use tokio_serial::{SerialPortBuilderExt, SerialStream};

use crate::line::{FlowControl, LineSettings, Parity};

/// Opens `path` with `settings`. The port is exclusive: a second opener (another
/// gateway, ModemManager) gets an error instead of stealing half the bytes.
///
/// Returns the concrete stream; `port::open` boxes it, so this module needs
/// nothing from `port`.
pub(crate) fn open(path: &str, settings: &LineSettings) -> std::io::Result<SerialStream> {
    let builder = tokio_serial::new(path, settings.baud)
        .data_bits(match settings.data_bits {
            5 => tokio_serial::DataBits::Five,
            6 => tokio_serial::DataBits::Six,
            7 => tokio_serial::DataBits::Seven,
            _ => tokio_serial::DataBits::Eight,
        })
        .parity(match settings.parity {
            Parity::None => tokio_serial::Parity::None,
            Parity::Odd => tokio_serial::Parity::Odd,
            Parity::Even => tokio_serial::Parity::Even,
        })
        .stop_bits(if settings.stop_bits == 2 {
            tokio_serial::StopBits::Two
        } else {
            tokio_serial::StopBits::One
        })
        .flow_control(match settings.flow {
            FlowControl::None => tokio_serial::FlowControl::None,
            FlowControl::Hardware => tokio_serial::FlowControl::Hardware,
            FlowControl::Software => tokio_serial::FlowControl::Software,
        });
    let mut port = builder.open_native_async()?;
    #[cfg(unix)]
    port.set_exclusive(true)
        .map_err(|e| std::io::Error::other(format!("cannot open {path} exclusively: {e}")))?;
    Ok(port)
}
