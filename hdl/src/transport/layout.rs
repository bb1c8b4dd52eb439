//! BAR0 of every function: one non-prefetchable memory BAR holding all virtio structures and
//! the MSI-X table, each structure in its own 4 KiB page so drivers can map them separately
//! (shared/virtio/pci-transport.md section 2.2).
//!
//! | offset | length | structure | capability |
//! |---|---|---|---|
//! | 0x0000 | 0x40 | common configuration | `VIRTIO_PCI_CAP_COMMON_CFG` (PCI-7) |
//! | 0x1000 | 4 | ISR status | `VIRTIO_PCI_CAP_ISR_CFG` (PCI-20) |
//! | 0x2000 | device_cfg_len | device-specific configuration | `VIRTIO_PCI_CAP_DEVICE_CFG` (PCI-25) |
//! | 0x3000 | 4 x num_queues | notify doorbells, `notify_off_multiplier` 4 | `VIRTIO_PCI_CAP_NOTIFY_CFG` (PCI-17, PCI-19) |
//! | 0x4000 | 16 x vectors | MSI-X table | MSI-X capability |
//! | 0x5000 | 8 | MSI-X pending bit array | MSI-X capability |
//! | 0x6000-0x7FFF | - | reads 0, writes ignored | - |

pub const COMMON_CFG: u32 = 0x0000;
pub const COMMON_CFG_LEN: u32 = 0x40;
pub const ISR: u32 = 0x1000;
pub const ISR_LEN: u32 = 4;
pub const DEVICE_CFG: u32 = 0x2000;
pub const NOTIFY: u32 = 0x3000;
/// Bytes between two queues' doorbells: a multiple of 4, as NOTIFICATION_DATA needs (PCI-19).
pub const NOTIFY_OFF_MULTIPLIER: u32 = 4;
pub const MSIX_TABLE: u32 = 0x4000;
pub const MSIX_PBA: u32 = 0x5000;
/// Size of BAR0 (a power of two).
pub const BAR0_SIZE: u32 = 0x8000;
