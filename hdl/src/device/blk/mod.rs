//! virtio-blk (VIRTIO 1.2 section 5.2; digest `shared/virtio/blk.md`).
//!
//! | module | job |
//! |---|---|
//! | [`config`] | [`BlkConfigSpace`]: the `virtio_blk_config` structure behind the device-configuration window; the `writeback` byte (BLK-2..6, BLK-20) |
//! | [`request`] | [`BlkRequest`]: one request at a time from the segment stream to the store and back: header, data, status (BLK-7..15, BLK-21, BLK-22) |
//! | [`store`] | the storage port between the request engine and a sector store |
//! | [`store_bram`] | [`BlkStoreBram`]: the on-chip store in block RAM |
//! | [`device`] | [`BlkDevice`]: configuration and requests, with the device ports of a function and a storage port |
//! | [`with_store`] | [`BlkDeviceBram`]: [`BlkDevice`] with [`BlkStoreBram`] |
//!
//! Build-time choices are a [`BlkConfig`]; the feature bits the device offers follow from it
//! ([`BlkConfig::device_features`]).

pub mod config;
pub mod device;
pub mod request;
pub mod store;
pub mod store_bram;
pub mod with_store;

pub use config::BlkConfigSpace;
pub use device::BlkDevice;
pub use request::BlkRequest;
pub use store::{StoreClientPort, StoreServerPort};
pub use store_bram::BlkStoreBram;
pub use with_store::BlkDeviceBram;

/// virtio-blk feature bits (VIRTIO 1.2 section 5.2.3).
pub mod features {
    pub const SIZE_MAX: u32 = 1;
    pub const SEG_MAX: u32 = 2;
    pub const RO: u32 = 5;
    pub const BLK_SIZE: u32 = 6;
    pub const FLUSH: u32 = 9;
    pub const TOPOLOGY: u32 = 10;
    pub const CONFIG_WCE: u32 = 11;
    pub const MQ: u32 = 12;
    pub const DISCARD: u32 = 13;
    pub const WRITE_ZEROES: u32 = 14;
    pub const LIFETIME: u32 = 15;
    pub const SECURE_ERASE: u32 = 16;
}

/// Request types (VIRTIO 1.2 section 5.2.6).
pub mod types {
    pub const IN: u32 = 0;
    pub const OUT: u32 = 1;
    pub const FLUSH: u32 = 4;
    pub const GET_ID: u32 = 8;
    pub const GET_LIFETIME: u32 = 10;
    pub const DISCARD: u32 = 11;
    pub const WRITE_ZEROES: u32 = 13;
    pub const SECURE_ERASE: u32 = 14;
}

/// Status byte values.
pub mod status {
    pub const OK: u8 = 0;
    pub const IOERR: u8 = 1;
    pub const UNSUPP: u8 = 2;
}

/// The most segments one buffer may have: the queue engine's limit (PQ, 64 segments).
pub const MAX_SEGMENTS: u32 = 64;

/// Build-time parameters of the virtio-blk function. Every `*_sectors` and alignment field is
/// in 512-byte units (BLK-3, BLK-7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlkConfig {
    /// Disk size in 512-byte sectors (`capacity`).
    pub capacity: u64,
    /// Largest data segment (`size_max`, bytes).
    pub size_max: u32,
    /// Most data segments per request (`seg_max`; Linux adds header and status itself).
    pub seg_max: u32,
    /// Logical block size (`blk_size`): a power of two from 512 to 4096 (Linux probe).
    pub blk_size: u32,
    pub physical_block_exp: u8,
    pub alignment_offset: u8,
    pub min_io_size: u16,
    pub opt_io_size: u32,
    /// `writeback` after reset (1: writeback, 0: writethrough).
    pub writeback: bool,
    /// Request queues (`num_queues`, at least 1).
    pub num_queues: u16,
    pub max_discard_sectors: u32,
    pub max_discard_seg: u32,
    pub discard_sector_alignment: u32,
    pub max_write_zeroes_sectors: u32,
    pub max_write_zeroes_seg: u32,
    /// Always false here: the stores never deallocate, so write-zeroes writes zeros (BLK-16).
    pub write_zeroes_may_unmap: bool,
    pub max_secure_erase_sectors: u32,
    pub max_secure_erase_seg: u32,
    pub secure_erase_sector_alignment: u32,
    /// Offer VIRTIO_BLK_F_RO: writes fail with IOERR (BLK-12).
    pub read_only: bool,
    /// The GET_ID answer: ASCII, at most 20 bytes (BLK-10).
    pub serial: String,
    /// `virtio_blk_lifetime`: pre_eol_info, device_lifetime_est_typ_a, _b (BLK-11, BLK-19).
    pub lifetime: [u16; 3],
}

impl Default for BlkConfig {
    fn default() -> Self {
        BlkConfig {
            // 128 KiB: the on-chip disk of the board build.
            capacity: 256,
            size_max: 65536,
            // 64 segments per buffer, less the header and status segments
            seg_max: MAX_SEGMENTS - 2,
            blk_size: 512,
            physical_block_exp: 0,
            alignment_offset: 0,
            min_io_size: 1,
            opt_io_size: 8,
            writeback: true,
            num_queues: 2,
            max_discard_sectors: 256,
            max_discard_seg: 8,
            discard_sector_alignment: 1,
            max_write_zeroes_sectors: 256,
            max_write_zeroes_seg: 8,
            write_zeroes_may_unmap: false,
            max_secure_erase_sectors: 256,
            max_secure_erase_seg: 8,
            secure_erase_sector_alignment: 1,
            read_only: false,
            serial: "ferrio-blk-0001".to_string(),
            // NORMAL, and 0-10 % of the life used for both kinds: block RAM does not wear
            lifetime: [1, 1, 1],
        }
    }
}

impl BlkConfig {
    /// The board's build: the 128 KiB disk with one request queue (`num_queues` 1; MQ is
    /// still offered). The second queue costs about 1,000 logic cells (2 % of the
    /// LFE5UM5G-45F), and with the net device's two pairs the card then no longer places
    /// (84 % of the logic cells; it places at 82 %: docs/PERFORMANCE.md, session 17).
    pub fn board() -> Self {
        BlkConfig {
            num_queues: 1,
            ..Default::default()
        }
    }

    /// The default build made read-only (VIRTIO_BLK_F_RO, BLK-12): a strap of the board build
    /// and the `blk_device_ro` simulation top.
    pub fn read_only() -> Self {
        BlkConfig {
            read_only: true,
            ..Default::default()
        }
    }

    /// The device feature bits offered (the transport adds its own).
    pub fn device_features(&self) -> u64 {
        use features::*;
        let mut f = [
            SIZE_MAX,
            SEG_MAX,
            BLK_SIZE,
            FLUSH,
            TOPOLOGY,
            CONFIG_WCE,
            MQ,
            DISCARD,
            WRITE_ZEROES,
            LIFETIME,
            SECURE_ERASE,
        ]
        .iter()
        .fold(0u64, |a, b| a | (1 << b));
        if self.read_only {
            f |= 1 << RO;
        }
        f
    }

    /// The 72-byte `virtio_blk_config` as the driver reads it after reset (writeback as
    /// configured).
    pub fn config_bytes(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(0x48);
        b.extend_from_slice(&self.capacity.to_le_bytes());
        b.extend_from_slice(&self.size_max.to_le_bytes());
        b.extend_from_slice(&self.seg_max.to_le_bytes());
        b.extend_from_slice(&[0; 4]); // geometry: not offered
        b.extend_from_slice(&self.blk_size.to_le_bytes());
        b.push(self.physical_block_exp);
        b.push(self.alignment_offset);
        b.extend_from_slice(&self.min_io_size.to_le_bytes());
        b.extend_from_slice(&self.opt_io_size.to_le_bytes());
        b.push(self.writeback as u8);
        b.push(0); // unused0 (BLK-6)
        b.extend_from_slice(&self.num_queues.to_le_bytes());
        for v in [
            self.max_discard_sectors,
            self.max_discard_seg,
            self.discard_sector_alignment,
            self.max_write_zeroes_sectors,
            self.max_write_zeroes_seg,
        ] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.push(self.write_zeroes_may_unmap as u8);
        b.extend_from_slice(&[0; 3]); // unused1 (BLK-6)
        for v in [
            self.max_secure_erase_sectors,
            self.max_secure_erase_seg,
            self.secure_erase_sector_alignment,
        ] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        assert_eq!(b.len(), 0x48);
        b
    }

    /// The GET_ID answer: the serial, NUL-padded to 20 bytes.
    pub fn id_bytes(&self) -> [u8; 20] {
        let mut id = [0u8; 20];
        let s = self.serial.as_bytes();
        id[..s.len().min(20)].copy_from_slice(&s[..s.len().min(20)]);
        id
    }

    /// The card's configuration with function 1 made this device: its queues, feature bits and
    /// the length of its configuration structure.
    pub fn card_config(&self, card: &crate::transport::CardConfig) -> crate::transport::CardConfig {
        let mut c = card.clone();
        let f = &mut c.functions[1];
        assert_eq!(f.virtio_id, 2, "function 1 is the blk function");
        f.num_queues = self.num_queues;
        f.device_features = self.device_features();
        f.device_cfg_len = 0x48;
        c
    }

    /// Check what Linux checks at probe and what the spec requires of the values.
    pub fn validate(&self) {
        assert!(
            self.blk_size.is_power_of_two() && (512..=4096).contains(&self.blk_size),
            "blk_size must be a power of two from 512 to 4096 (Linux probe)"
        );
        assert!(
            self.num_queues >= 1,
            "MQ with zero queues fails Linux probe"
        );
        assert!(
            self.max_secure_erase_sectors > 0
                && self.max_secure_erase_seg > 0
                && self.secure_erase_sector_alignment > 0,
            "SECURE_ERASE limits must be non-zero (Linux probe)"
        );
        assert!(
            self.serial.is_ascii() && self.serial.len() <= 20,
            "GET_ID: 20 ASCII bytes"
        );
        assert!(
            self.lifetime[0] <= 3 && self.lifetime[1] <= 11 && self.lifetime[2] <= 11,
            "lifetime: no reserved values (BLK-19)"
        );
        assert!(
            !self.write_zeroes_may_unmap,
            "the stores never deallocate (BLK-16)"
        );
        assert!(self.capacity > 0 && self.capacity < (1 << 40));
        assert!(self.seg_max >= 1 && self.seg_max <= MAX_SEGMENTS - 2);
    }
}
