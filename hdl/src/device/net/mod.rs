//! virtio-net (VIRTIO 1.2 section 5.1; digest `shared/virtio/net.md`), function 0's device.
//!
//! | module | job |
//! |---|---|
//! | [`config`] | [`NetConfigSpace`]: `virtio_net_config` behind the device-configuration window; link status and the configuration-change event (NET-3, NET-4, NET-7..10) |
//! | [`queue_mux`] | [`NetQueueMux`]: the function's one segment stream split by queue (receive, transmit, control) and the three completion streams merged (NET-1) |
//! | [`tx`] | [`NetTx`]: transmit buffers read, the header stripped, the checksum completed, the frame sent out of the MAC-side port (NET-6, NET-11..14) |
//! | [`rx`] | [`NetRx`]: frames from the MAC-side port filtered, checksums verified, steered (flows or RSS), and written into receive buffers, several with MRG_RXBUF, with the hash reported (NET-5, NET-15..19, NET-26..29, NET-36, NET-38..41) |
//! | [`ctrl`] | [`NetCtrl`]: the control queue: receive mode, MAC table and address, queue pairs, RSS and hash configuration, announce (NET-27, NET-30..35, NET-37, NET-41..43, NET-45) |
//! | [`dma_mux`] | [`NetDmaMux`]: the three engines' DMA channels onto the device's one DMA client port |
//! | [`device`] | [`NetDevice`]: the above wired together, with the device ports of a function and the two frame ports |
//!
//! Build-time choices are a [`NetConfig`]; the feature bits offered follow from it
//! ([`NetConfig::device_features`]), and only features the RTL implements are offered.

pub mod config;
pub mod ctrl;
pub mod device;
pub mod dma_mux;
pub mod queue_mux;
pub mod rx;
pub mod tx;

pub use config::NetConfigSpace;
pub use ctrl::NetCtrl;
pub use device::NetDevice;
pub use dma_mux::NetDmaMux;
pub use queue_mux::NetQueueMux;
pub use rx::NetRx;
pub use tx::NetTx;

/// virtio-net feature bits (VIRTIO 1.2 section 5.1.3).
pub mod features {
    pub const CSUM: u32 = 0;
    pub const GUEST_CSUM: u32 = 1;
    pub const MTU: u32 = 3;
    pub const MAC: u32 = 5;
    pub const MRG_RXBUF: u32 = 15;
    pub const STATUS: u32 = 16;
    pub const CTRL_VQ: u32 = 17;
    pub const CTRL_RX: u32 = 18;
    pub const CTRL_RX_EXTRA: u32 = 20;
    pub const GUEST_ANNOUNCE: u32 = 21;
    pub const MQ: u32 = 22;
    pub const CTRL_MAC_ADDR: u32 = 23;
    pub const HASH_REPORT: u32 = 57;
    pub const RSS: u32 = 60;
    pub const SPEED_DUPLEX: u32 = 63;
}

/// Control queue classes and commands (VIRTIO 1.2 section 5.1.6.5).
pub mod ctrl_cmd {
    pub const CLASS_RX: u8 = 0;
    pub const RX_PROMISC: u8 = 0;
    pub const RX_ALLMULTI: u8 = 1;
    pub const RX_ALLUNI: u8 = 2;
    pub const RX_NOMULTI: u8 = 3;
    pub const RX_NOUNI: u8 = 4;
    pub const RX_NOBCAST: u8 = 5;
    pub const CLASS_MAC: u8 = 1;
    pub const MAC_TABLE_SET: u8 = 0;
    pub const MAC_ADDR_SET: u8 = 1;
    pub const CLASS_ANNOUNCE: u8 = 3;
    pub const ANNOUNCE_ACK: u8 = 0;
    pub const CLASS_MQ: u8 = 4;
    pub const MQ_VQ_PAIRS_SET: u8 = 0;
    pub const MQ_RSS_CONFIG: u8 = 1;
    pub const MQ_HASH_CONFIG: u8 = 2;
    pub const OK: u8 = 0;
    pub const ERR: u8 = 1;
}

/// The Toeplitz key's size (`rss_max_key_size`).
pub const RSS_KEY_SIZE: u8 = 40;
/// Indirection table entries (`rss_max_indirection_table_length`).
pub const RSS_TABLE_LEN: u16 = 128;
/// `supported_hash_types`: IPv4, TCPv4, UDPv4, IPv6, TCPv6, UDPv6 (not the extension-header
/// types, which Linux masks out anyway).
pub const SUPPORTED_HASH_TYPES: u32 = 0x3f;

/// `status` bits.
pub const S_LINK_UP: u16 = 1;
pub const S_ANNOUNCE: u16 = 2;

/// Unicast and multicast entries each of the MAC filter table holds; a MAC_TABLE_SET with more
/// sets that class's overflow, which admits the whole class (as QEMU does).
pub const MAC_TABLE_ENTRIES: u32 = 8;

/// Build-time parameters of the virtio-net function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetConfig {
    /// The station address (`mac`), byte 0 first on the wire.
    pub mac: [u8; 6],
    /// `mtu`: the largest frame payload, without the Ethernet header (NET-4).
    pub mtu: u16,
    /// `speed` in Mbit/s (1 GbE port).
    pub speed: u32,
    /// Queue pairs (`max_virtqueue_pairs`, 1..=4 here).
    pub max_pairs: u16,
    /// 64-bit words of the receive frame FIFO (a power of two; it holds one word fewer, which
    /// must take at least two largest frames).
    pub rx_fifo_words: u32,
    /// 64-bit words of the transmit frame FIFO (a power of two; at least two largest frames).
    pub tx_fifo_words: u32,
    /// Cycles a received frame waits at the head for receive buffers before it is dropped.
    pub rx_wait_cycles: u32,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            // a locally administered unicast address (bit 1 of byte 0 set, bit 0 clear)
            mac: [0x02, 0xfe, 0x77, 0x10, 0x00, 0x01],
            mtu: 1500,
            speed: 1000,
            max_pairs: 4,
            rx_fifo_words: 1024,
            tx_fifo_words: 512,
            // 32.8 us at 125 MHz: the queue engine's fetch after a refill is ~1-2 us
            rx_wait_cycles: 4096,
        }
    }
}

impl NetConfig {
    /// The device feature bits offered (the transport adds its own).
    pub fn device_features(&self) -> u64 {
        use features::*;
        [
            CSUM,
            GUEST_CSUM,
            MTU,
            MAC,
            MRG_RXBUF,
            STATUS,
            CTRL_VQ,
            CTRL_RX,
            MQ,
            CTRL_MAC_ADDR,
            SPEED_DUPLEX,
            RSS,
            HASH_REPORT,
        ]
        .iter()
        .fold(0u64, |a, b| a | (1 << b))
    }

    /// The build the board carries (`VirtioCardBram`, the `virtio_card_bram` core): two queue
    /// pairs instead of four, so that the card with both devices fits the LFE5UM5G-45F
    /// (docs/PERFORMANCE.md). Everything else as [`NetConfig::default`].
    pub fn board() -> Self {
        NetConfig {
            max_pairs: 2,
            ..Default::default()
        }
    }

    /// Largest Ethernet frame (no FCS) in either direction: header, an 802.1Q tag, `mtu`.
    pub fn max_frame(&self) -> u32 {
        self.mtu as u32 + 18
    }

    /// Queues of the function: a receive and a transmit queue per pair, then the control queue.
    pub fn num_queues(&self) -> u16 {
        2 * self.max_pairs + 1
    }

    /// The 24-byte `virtio_net_config` with the link `up` or down (NET-3, 4, 7, 8, 9).
    pub fn config_bytes(&self, link_up: bool) -> Vec<u8> {
        let mut b = Vec::with_capacity(0x18);
        b.extend_from_slice(&self.mac);
        b.extend_from_slice(&(if link_up { S_LINK_UP } else { 0 }).to_le_bytes());
        b.extend_from_slice(&self.max_pairs.to_le_bytes());
        b.extend_from_slice(&self.mtu.to_le_bytes());
        b.extend_from_slice(&self.speed.to_le_bytes());
        b.push(0x01); // duplex: full (digest section 12: 0x01 as Linux and QEMU use)
        b.push(RSS_KEY_SIZE); // rss_max_key_size: exactly 40 (NET-7, digest section 10)
        b.extend_from_slice(&RSS_TABLE_LEN.to_le_bytes()); // rss_max_indirection_table_length (NET-8)
        b.extend_from_slice(&SUPPORTED_HASH_TYPES.to_le_bytes()); // supported_hash_types
        assert_eq!(b.len(), 0x18);
        b
    }

    /// The card's configuration with function 0 made this device.
    pub fn card_config(&self, card: &crate::transport::CardConfig) -> crate::transport::CardConfig {
        let mut c = card.clone();
        let f = &mut c.functions[0];
        assert_eq!(f.virtio_id, 1, "function 0 is the net function");
        f.num_queues = self.num_queues();
        f.device_features = self.device_features();
        f.device_cfg_len = 0x18;
        c
    }

    /// Check what the spec and Linux's probe require.
    pub fn validate(&self) {
        assert!(self.mtu >= 1280, "mtu: 68..65535, at least 1280 (NET-4)");
        assert!(self.max_frame() as u64 * 2 <= (self.rx_fifo_words as u64 - 1) * 8);
        assert!(self.max_frame() as u64 * 2 <= self.tx_fifo_words as u64 * 8);
        assert!(self.rx_fifo_words.is_power_of_two() && self.tx_fifo_words.is_power_of_two());
        assert!(
            (1..=4).contains(&self.max_pairs),
            "1..=4 queue pairs (NET-3 allows up to 0x8000; the receive caches are sized for 4)"
        );
        assert!(self.mac[0] & 1 == 0, "the station address must be unicast");
        assert!(self.speed <= 0x7fff_ffff, "speed in Mbit/s (NET-9)");
        assert!(self.rx_wait_cycles > 0 && self.rx_wait_cycles < (1 << 20));
    }

    /// The MAC as the RTL holds it: byte 0 in bits 7:0.
    pub fn mac_u64(&self) -> u64 {
        let mut b = [0u8; 8];
        b[..6].copy_from_slice(&self.mac);
        u64::from_le_bytes(b)
    }
}
