//! What sysfs says about a port's USB device, read as plain files (no
//! libudev): vendor and product, the interface a tty belongs to and its
//! driver; and the USB devices that are modems but have no tty at all, a
//! HiLink stick (a network card with a web API) or a stick still in
//! mass-storage mode.

use std::path::{Path, PathBuf};

use serde::Serialize;

/// The USB side of one tty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct UsbPort {
    /// `12d1`, as in `lsusb`.
    pub vendor: String,
    /// The product id (`1506`).
    pub product: String,
    /// The device's own names, when it gives them.
    pub manufacturer: Option<String>,
    /// The product name it gives.
    pub name: Option<String>,
    /// The interface number (`02`).
    pub interface: Option<String>,
    /// The kernel driver of the interface (`option`, `qcserial`, `cdc_acm`).
    pub driver: Option<String>,
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The USB side of tty `name` (`ttyUSB2`), from `SYS/class/tty/NAME/device`.
pub fn port(sys: &Path, name: &str) -> Option<UsbPort> {
    let device = std::fs::canonicalize(sys.join("class/tty").join(name).join("device")).ok()?;
    // Walk up to the interface (it has `bInterfaceNumber`), then to the
    // device (`idVendor`); a ttyUSB's own directory is one below the interface.
    let interface = device
        .ancestors()
        .take(3)
        .find(|dir| dir.join("bInterfaceNumber").exists())?;
    let usb = interface.parent()?;
    Some(UsbPort {
        vendor: read(&usb.join("idVendor"))?,
        product: read(&usb.join("idProduct"))?,
        manufacturer: read(&usb.join("manufacturer")),
        name: read(&usb.join("product")),
        interface: read(&interface.join("bInterfaceNumber")),
        driver: driver(interface),
    })
}

fn driver(dir: &Path) -> Option<String> {
    let link = std::fs::read_link(dir.join("driver")).ok()?;
    Some(link.file_name()?.to_string_lossy().into_owned())
}

/// Vendors whose USB devices are (nearly always) modems: Huawei, ZTE,
/// Quectel, SIMCom, Sierra Wireless, Telit, Brovi, Fibocom.
const MODEM_VENDORS: [&str; 8] = [
    "12d1", "19d2", "2c7c", "1e0e", "1199", "1bc7", "3566", "2cb7",
];

/// A modem with no AT port to open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Portless {
    /// A USB network card from a modem vendor (`cdc_ether`, `rndis_host`):
    /// a HiLink stick, whose web API is usually at 192.168.8.1.
    Hilink {
        /// The network interface (`eth1`).
        interface: String,
        /// USB vendor id.
        vendor: String,
        /// USB product id.
        product: String,
        /// The kernel driver.
        driver: String,
    },
    /// Only mass-storage interfaces: the stick shows its driver CD, and
    /// `usb_modeswitch` must switch it to modem mode.
    MassStorage {
        /// The USB device (`1-3`).
        device: String,
        /// USB vendor id.
        vendor: String,
        /// USB product id.
        product: String,
    },
}

/// The modems in `SYS` without a tty.
pub fn portless(sys: &Path) -> Vec<Portless> {
    let mut found = Vec::new();
    for entry in dir_entries(&sys.join("class/net")) {
        let name = entry
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let Ok(interface) = std::fs::canonicalize(entry.join("device")) else {
            continue;
        };
        let Some(driver) = driver(&interface) else {
            continue;
        };
        let Some(usb) = interface.parent() else {
            continue;
        };
        let (Some(vendor), Some(product)) =
            (read(&usb.join("idVendor")), read(&usb.join("idProduct")))
        else {
            continue;
        };
        if matches!(driver.as_str(), "cdc_ether" | "rndis_host")
            && MODEM_VENDORS.contains(&vendor.as_str())
        {
            found.push(Portless::Hilink {
                interface: name,
                vendor,
                product,
                driver,
            });
        }
    }
    for device in dir_entries(&sys.join("bus/usb/devices")) {
        let (Some(vendor), Some(product)) = (
            read(&device.join("idVendor")),
            read(&device.join("idProduct")),
        ) else {
            continue;
        };
        if !MODEM_VENDORS.contains(&vendor.as_str()) {
            continue;
        }
        let classes: Vec<String> = dir_entries(&device)
            .into_iter()
            .filter_map(|interface| read(&interface.join("bInterfaceClass")))
            .collect();
        // 08: mass storage. A modem in modem mode has other classes beside it.
        if !classes.is_empty() && classes.iter().all(|class| class == "08") {
            found.push(Portless::MassStorage {
                device: device
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                vendor,
                product,
            });
        }
    }
    found
}

fn dir_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn ttys_hilink_and_mass_storage_are_read_from_a_sysfs_tree() {
        let sys = std::env::temp_dir().join(format!("plutanium-sysfs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&sys);
        // A Quectel EC25 with its AT port on interface 02.
        let ec25 = sys.join("devices/usb1/1-1");
        write(&ec25.join("idVendor"), "2c7c\n");
        write(&ec25.join("idProduct"), "0125\n");
        write(&ec25.join("product"), "EC25-E\n");
        write(&ec25.join("1-1:1.2/bInterfaceNumber"), "02\n");
        std::fs::create_dir_all(ec25.join("1-1:1.2/ttyUSB2")).unwrap();
        std::fs::create_dir_all(sys.join("bus/usb/drivers/option")).unwrap();
        symlink(
            sys.join("bus/usb/drivers/option"),
            ec25.join("1-1:1.2/driver"),
        )
        .unwrap();
        std::fs::create_dir_all(sys.join("class/tty/ttyUSB2")).unwrap();
        symlink(
            ec25.join("1-1:1.2/ttyUSB2"),
            sys.join("class/tty/ttyUSB2/device"),
        )
        .unwrap();
        // An E3372 in HiLink mode, and one still a CD-ROM.
        let hilink = sys.join("devices/usb1/1-2");
        write(&hilink.join("idVendor"), "12d1\n");
        write(&hilink.join("idProduct"), "14dc\n");
        write(&hilink.join("1-2:1.0/bInterfaceClass"), "02\n");
        std::fs::create_dir_all(sys.join("bus/usb/drivers/cdc_ether")).unwrap();
        symlink(
            sys.join("bus/usb/drivers/cdc_ether"),
            hilink.join("1-2:1.0/driver"),
        )
        .unwrap();
        std::fs::create_dir_all(sys.join("class/net/eth1")).unwrap();
        symlink(hilink.join("1-2:1.0"), sys.join("class/net/eth1/device")).unwrap();
        let storage = sys.join("bus/usb/devices/1-3");
        write(&storage.join("idVendor"), "12d1\n");
        write(&storage.join("idProduct"), "1f01\n");
        write(&storage.join("1-3:1.0/bInterfaceClass"), "08\n");
        write(&storage.join("1-3:1.1/bInterfaceClass"), "08\n");

        let tty = port(&sys, "ttyUSB2").expect("the EC25's port");
        assert_eq!(
            (tty.vendor.as_str(), tty.product.as_str()),
            ("2c7c", "0125")
        );
        assert_eq!(tty.name.as_deref(), Some("EC25-E"));
        assert_eq!(tty.interface.as_deref(), Some("02"));
        assert_eq!(tty.driver.as_deref(), Some("option"));
        assert_eq!(port(&sys, "ttyUSB9"), None);
        assert_eq!(
            portless(&sys),
            [
                Portless::Hilink {
                    interface: "eth1".into(),
                    vendor: "12d1".into(),
                    product: "14dc".into(),
                    driver: "cdc_ether".into()
                },
                Portless::MassStorage {
                    device: "1-3".into(),
                    vendor: "12d1".into(),
                    product: "1f01".into()
                }
            ]
        );
        std::fs::remove_dir_all(&sys).unwrap();
    }
}
