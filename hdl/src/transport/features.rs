//! Feature bits (VIRTIO 1.2 section 6, shared/virtio/pci-transport.md section 3) the transport
//! offers and the set it requires before it accepts FEATURES_OK (PCI-42, PCI-46).
//!
//! | bit | name | offered | why |
//! |---|---|---|---|
//! | 28 | INDIRECT_DESC | yes | the queue engine reads indirect tables (PQ-16) |
//! | 29 | EVENT_IDX | yes | the queue engine evaluates DESC-mode event suppression (PQ-19) |
//! | 32 | VERSION_1 | yes, required | non-transitional device (PCI-46) |
//! | 33 | ACCESS_PLATFORM | yes | an add-in card's DMA goes through the platform (PCI-47) |
//! | 34 | RING_PACKED | yes, required | the only ring layout the card implements |
//! | 35 | IN_ORDER | yes | devices complete each queue's buffers in order when it is negotiated (`in_order_on`); the queue engine checks it (PQ-18) |
//! | 36 | ORDER_PLATFORM | yes | real DMA needs real barriers (PCI-47) |
//! | 38 | NOTIFICATION_DATA | yes | the notify region decodes 32-bit notifications |
//! | 40 | RING_RESET | yes | `queue_reset` (PCI-13, PCI-14) |
//!
//! With IN_ORDER the card writes one used descriptor per buffer (never the spec's optional
//! batch of several buffers under one descriptor), in the order the buffers were made
//! available. Device features come from each device.

pub const INDIRECT_DESC: u32 = 28;
pub const EVENT_IDX: u32 = 29;
pub const VERSION_1: u32 = 32;
pub const ACCESS_PLATFORM: u32 = 33;
pub const RING_PACKED: u32 = 34;
pub const IN_ORDER: u32 = 35;
pub const ORDER_PLATFORM: u32 = 36;
pub const NOTIFICATION_DATA: u32 = 38;
pub const RING_RESET: u32 = 40;

/// Transport feature bits offered by every function.
pub const TRANSPORT_OFFERED: u64 = (1 << INDIRECT_DESC)
    | (1 << EVENT_IDX)
    | (1 << VERSION_1)
    | (1 << ACCESS_PLATFORM)
    | (1 << RING_PACKED)
    | (1 << IN_ORDER)
    | (1 << ORDER_PLATFORM)
    | (1 << NOTIFICATION_DATA)
    | (1 << RING_RESET);

/// Bits the driver must accept, or FEATURES_OK is refused.
pub const REQUIRED: u64 = (1 << VERSION_1) | (1 << RING_PACKED);

/// `device_status` bits (VIRTIO 1.2 section 2.1).
pub mod status {
    pub const ACKNOWLEDGE: u8 = 1;
    pub const DRIVER: u8 = 2;
    pub const DRIVER_OK: u8 = 4;
    pub const FEATURES_OK: u8 = 8;
    pub const DEVICE_NEEDS_RESET: u8 = 64;
    pub const FAILED: u8 = 128;
}
