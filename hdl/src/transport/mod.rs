//! The virtio-pci transport layer: BAR0 of each function.
//!
//! | module | job |
//! |---|---|
//! | [`layout`] | where each structure sits in BAR0 |
//! | [`features`] | transport feature bits offered and required |
//! | [`function`] | [`VirtioPciFunction`]: decodes BAR0 accesses of one function |
//! | [`common_cfg`] | the common configuration structure, device reset, queue reset |
//! | [`msix`] | MSI-X table, pending bits, masking |
//! | [`interrupts`] | ISR, INTx virtual wire, the choice of the next interrupt message |
//!
//! The transport knows which device it serves only through a [`FunctionConfig`].

pub mod common_cfg;
pub mod features;
pub mod function;
pub mod interrupts;
pub mod layout;
pub mod msix;

pub use function::VirtioPciFunction;

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
    /// Largest `queue_size` (the reset value of every queue's `queue_size`, PCI-16).
    pub queue_size_max: u16,
    /// Device-type feature bits the device offers (transport bits are added by
    /// [`FunctionConfig::offered_features`]).
    pub device_features: u64,
}

impl FunctionConfig {
    pub fn device_id(&self) -> u16 {
        0x1040 + self.virtio_id
    }
    /// MSI-X vectors: one a queue plus one for configuration changes (PCI-31).
    pub fn msix_vectors(&self) -> u16 {
        self.num_queues + 1
    }
    /// Every feature bit the function offers in `device_feature` (PCI-8).
    pub fn offered_features(&self) -> u64 {
        features::TRANSPORT_OFFERED | self.device_features
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
                    queue_size_max: 256,
                    device_features: 0,
                },
                FunctionConfig {
                    name: "blk",
                    virtio_id: 2,
                    class_code: 0x01_00_00,
                    // 2 request queues (issue 5).
                    num_queues: 2,
                    device_cfg_len: 0x100,
                    queue_size_max: 256,
                    device_features: 0,
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

    /// The default build with every queue allowed the packed ring's largest size, 32768
    /// (PQ-2): a simulation build for the queue engine's size tests.
    pub fn with_largest_queues() -> Self {
        let mut c = CardConfig::default();
        for f in &mut c.functions {
            f.queue_size_max = 32768;
        }
        c
    }
}
