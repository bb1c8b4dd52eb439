//! The virtio-pci transport layer (issue 3). So far: the BAR0 layout every other layer refers
//! to ([`layout`]) and the identity of the card's functions ([`FunctionConfig`]).
//!
//! The transport knows which device it serves only through a [`FunctionConfig`].

pub mod layout;

/// What the transport and the configuration space know about one function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionConfig {
    /// Short name (`net`, `blk`).
    pub name: &'static str,
    /// virtio device type (1 net, 2 blk); PCI Device ID = 0x1040 + this (PCI-2).
    pub virtio_id: u16,
    /// PCI class code (base, sub, programming interface).
    pub class_code: u32,
    /// Number of virtqueues (`num_queues`).
    pub num_queues: u16,
    /// Bytes of device-specific configuration the device cfg capability covers.
    pub device_cfg_len: u32,
}

impl FunctionConfig {
    pub fn device_id(&self) -> u16 {
        0x1040 + self.virtio_id
    }
    /// MSI-X vectors: one a queue plus one for configuration changes (PCI-31).
    pub fn msix_vectors(&self) -> u16 {
        self.num_queues + 1
    }
}

/// Build options of the card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardConfig {
    /// BAR0 is a 64-bit memory BAR (default); `false` makes it 32-bit, which the QEMU proxy
    /// path needs (shared/notes/host-attach.md).
    pub bar64: bool,
    /// Expose the MSI-X capability (default); without it the card interrupts with INTx only.
    pub msix: bool,
    /// Function 0, then function 1.
    pub functions: Vec<FunctionConfig>,
}

impl Default for CardConfig {
    fn default() -> Self {
        CardConfig {
            bar64: true,
            msix: true,
            functions: vec![
                FunctionConfig {
                    name: "net",
                    virtio_id: 1,
                    class_code: 0x02_00_00,
                    // 4 queue pairs + control queue (issue 6).
                    num_queues: 9,
                    device_cfg_len: 0x100,
                },
                FunctionConfig {
                    name: "blk",
                    virtio_id: 2,
                    class_code: 0x01_00_00,
                    // 2 request queues (issue 5).
                    num_queues: 2,
                    device_cfg_len: 0x100,
                },
            ],
        }
    }
}

impl CardConfig {
    /// The build the QEMU proxy path needs: 32-bit BAR, no MSI-X.
    pub fn for_qemu_proxy() -> Self {
        CardConfig {
            bar64: false,
            msix: false,
            ..Default::default()
        }
    }
}
