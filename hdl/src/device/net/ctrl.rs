//! [`NetCtrl`]: the control queue (VIRTIO 1.2 section 5.1.6.5). One command at a time: its
//! readable bytes (class, command, data; any split) are read by its [`SegmentReader`] into a 512-byte command buffer,
//! checked whole, carried out, and the `ack` byte written into the first byte of the first
//! non-empty writable segment (NET-45); the buffer completes with `len` 1.
//!
//! Interface (one clock, `reset` synchronous):
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `seg_*` | in (`seg_ready` out) | control-queue buffers from [`super::NetQueueMux`] |
//! | `done_valid`, `done_ready`, `done_queue`, `done_token`, `done_len` | out/in/out | the completion: `len` 1 (the ack), 0 for a faulted buffer |
//! | `dma` | client | reads of the command, the ack write |
//! | `resetting` | in | device reset: the state below returns to its reset values |
//! | `ctrl_rx_on`, `rx_extra_on`, `mac_addr_on`, `announce_on`, `mq_on` | in | CTRL_RX, CTRL_RX_EXTRA, CTRL_MAC_ADDR, GUEST_ANNOUNCE, MQ negotiated |
//! | `promisc` .. `nobcast`, `uni_over`, `multi_over`, `uc_n`, `mc_n`, `uc_tab`, `mc_tab` | out | the receive filter for [`super::NetRx`] |
//! | `pairs[2:0]` | out | queue pairs in use (1 after reset) |
//! | `rss_feat_on`, `hash_report_on` | in | RSS, HASH_REPORT negotiated |
//! | `rss_on`, `rss_tab`, `rss_mask`, `rss_uncl` | out | RSS steering on (the latest MQ-class command was RSS_CONFIG); its indirection table (128 x 2 bits, entry k in bits 2k+1:2k), mask and unclassified queue |
//! | `hash_types[5:0]`, `hash_key[319:0]` | out | enabled hash types (IPv4, TCPv4, UDPv4, IPv6, TCPv6, UDPv6) and the Toeplitz key (byte 0 in bits 319:312), for RSS and hash reporting |
//! | `mac_set`, `mac_set_value` | out | pulse: MAC_ADDR_SET's address, for [`super::NetConfigSpace`] |
//! | `announce_ack` | out | pulse: ANNOUNCE_ACK (the config clears ANNOUNCE a cycle later, before the ack is written, NET-37) |
//! | `idle`, `needs_reset` | out | no buffer held (registered); pulse: a buffer with no writable byte, or a failed DMA |
//!
//! | class, command | data | needs | action |
//! |---|---|---|---|
//! | RX (0), PROMISC .. NOBCAST (0-5) | u8 | CTRL_RX (0, 1), CTRL_RX_EXTRA (2-5) | the switch on (non-zero) or off (NET-30, NET-31) |
//! | MAC (1), TABLE_SET (0) | le32 n, n x 6, le32 m, m x 6; exactly that long | CTRL_RX | both tables replaced before the ack (NET-34); beyond 8 entries a class overflows and is admitted whole |
//! | MAC (1), ADDR_SET (1) | 6 bytes | CTRL_RX or CTRL_MAC_ADDR (digest section 12) | the station address and config `mac` (NET-35) |
//! | ANNOUNCE (3), ACK (0) | - | GUEST_ANNOUNCE | ANNOUNCE cleared (NET-37) |
//! | MQ (4), VQ_PAIRS_SET (0) | le16 n, 1 <= n <= max pairs | MQ | receive steering over n pairs (NET-39); RSS steering off (NET-42) |
//! | MQ (4), RSS_CONFIG (1) | `virtio_net_rss_config`: mask + 1 a power of two <= 128, every entry and `unclassified_queue` < max pairs, 1 <= `max_tx_vq` <= max pairs, key <= 40 bytes; exactly that long | RSS | RSS steering on with that table, key and hash types (NET-41, NET-42) |
//! | MQ (4), HASH_CONFIG (2) | `virtio_net_hash_config`: hash types, 8 reserved bytes, key <= 40 bytes; exactly that long | HASH_REPORT | the hash types and key for reporting (NET-43); RSS steering off (the latest MQ-class command decides, NET-42, as QEMU) |
//! | anything else, a wrong length, a feature not negotiated, a command over 512 bytes | | | ERR, nothing changed |
//!
//! After a reset: promiscuous on (as QEMU does: a driver without CTRL_RX cannot set a filter,
//! and Linux with CTRL_RX turns it off when the interface opens), every other switch off, both
//! tables empty (NET-33), one pair (NET-38), RSS off and every hash type disabled (NET-43). A
//! key shorter than 40 bytes is padded with zero bits. Hash types the device does not support
//! (the IPv6 extension-header types, bits 6-8) are ignored.
//!
//! Faults (DEVICE_NEEDS_RESET, `len` 0): no writable byte for the ack, a failed DMA read or
//! write.
//!
//! Inside [`NetCtrlEngine`]: the segment table (64 entries, a length kept up to 512) and the
//! command buffer (64 words) are block RAM (3 + 2 DP16KD, a `ram_style` attribute on each;
//! "distributed" would make them 140 DPR16X4) with one registered read port each. Word 0 (class,
//! command, the short commands' data) and RSS_CONFIG's `unclassified_queue` are kept in
//! registers as the words arrive; MAC_TABLE_SET, RSS_CONFIG and HASH_CONFIG are then walked a
//! byte a cycle through the buffer's read port (the shape first, then the entries), a MAC entry
//! written into its slot whole, the RSS key and table staged in shift registers and committed
//! in one cycle. The longest command (RSS_CONFIG with 128 entries and a 40-byte key) takes
//! about 300 cycles after its bytes arrive; the control queue is on no data path.

use super::NetConfig;
use crate::device::segments::{SegReaderCtl, SegmentReader};
use crate::dma::DmaClientPort;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct NetCtrl {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub resetting: Signal<In, bool>,
    pub seg_valid: Signal<In, bool>,
    pub seg_ready: Signal<Out, bool>,
    pub seg_queue: Signal<In, Bits<16>>,
    pub seg_token: Signal<In, Bits<48>>,
    pub seg_addr: Signal<In, Bits<64>>,
    pub seg_len: Signal<In, Bits<32>>,
    pub seg_write: Signal<In, bool>,
    pub seg_last: Signal<In, bool>,
    pub done_valid: Signal<Out, bool>,
    pub done_ready: Signal<In, bool>,
    pub done_queue: Signal<Out, Bits<16>>,
    pub done_token: Signal<Out, Bits<48>>,
    pub done_len: Signal<Out, Bits<32>>,
    pub dma: DmaClientPort,
    pub ctrl_rx_on: Signal<In, bool>,
    pub rx_extra_on: Signal<In, bool>,
    pub mac_addr_on: Signal<In, bool>,
    pub announce_on: Signal<In, bool>,
    pub mq_on: Signal<In, bool>,
    pub rss_feat_on: Signal<In, bool>,
    pub hash_report_on: Signal<In, bool>,
    pub promisc: Signal<Out, bool>,
    pub allmulti: Signal<Out, bool>,
    pub alluni: Signal<Out, bool>,
    pub nomulti: Signal<Out, bool>,
    pub nouni: Signal<Out, bool>,
    pub nobcast: Signal<Out, bool>,
    pub uni_over: Signal<Out, bool>,
    pub multi_over: Signal<Out, bool>,
    pub uc_n: Signal<Out, Bits<4>>,
    pub mc_n: Signal<Out, Bits<4>>,
    pub uc_tab: Signal<Out, Bits<384>>,
    pub mc_tab: Signal<Out, Bits<384>>,
    pub pairs: Signal<Out, Bits<3>>,
    pub rss_on: Signal<Out, bool>,
    pub hash_types: Signal<Out, Bits<6>>,
    pub hash_key: Signal<Out, Bits<320>>,
    pub rss_tab: Signal<Out, Bits<256>>,
    pub rss_mask: Signal<Out, Bits<7>>,
    pub rss_uncl: Signal<Out, Bits<2>>,
    pub mac_set: Signal<Out, bool>,
    pub mac_set_value: Signal<Out, Bits<48>>,
    pub announce_ack: Signal<Out, bool>,
    pub idle: Signal<Out, bool>,
    pub needs_reset: Signal<Out, bool>,
    engine: NetCtrlEngine,
    reader: SegmentReader,
}

impl NetCtrl {
    pub fn new(cfg: &NetConfig, function: bool) -> Self {
        NetCtrl {
            clock: Default::default(),
            reset: Default::default(),
            resetting: Default::default(),
            seg_valid: Default::default(),
            seg_ready: Default::default(),
            seg_queue: Default::default(),
            seg_token: Default::default(),
            seg_addr: Default::default(),
            seg_len: Default::default(),
            seg_write: Default::default(),
            seg_last: Default::default(),
            done_valid: Default::default(),
            done_ready: Default::default(),
            done_queue: Default::default(),
            done_token: Default::default(),
            done_len: Default::default(),
            dma: Default::default(),
            ctrl_rx_on: Default::default(),
            rx_extra_on: Default::default(),
            mac_addr_on: Default::default(),
            announce_on: Default::default(),
            mq_on: Default::default(),
            rss_feat_on: Default::default(),
            hash_report_on: Default::default(),
            promisc: Default::default(),
            allmulti: Default::default(),
            alluni: Default::default(),
            nomulti: Default::default(),
            nouni: Default::default(),
            nobcast: Default::default(),
            uni_over: Default::default(),
            multi_over: Default::default(),
            uc_n: Default::default(),
            mc_n: Default::default(),
            uc_tab: Default::default(),
            mc_tab: Default::default(),
            pairs: Default::default(),
            rss_on: Default::default(),
            hash_types: Default::default(),
            hash_key: Default::default(),
            rss_tab: Default::default(),
            rss_mask: Default::default(),
            rss_uncl: Default::default(),
            mac_set: Default::default(),
            mac_set_value: Default::default(),
            announce_ack: Default::default(),
            idle: Default::default(),
            needs_reset: Default::default(),
            engine: NetCtrlEngine::new(cfg, function),
            reader: Default::default(),
        }
    }
}

impl Default for NetCtrl {
    fn default() -> Self {
        Self::new(&NetConfig::default(), false)
    }
}

impl Logic for NetCtrl {
    #[hdl_gen]
    fn update(&mut self) {
        self.engine.clock.next = self.clock.val();
        self.engine.reset.next = self.reset.val();
        self.engine.resetting.next = self.resetting.val();
        self.engine.seg_valid.next = self.seg_valid.val();
        self.seg_ready.next = self.engine.seg_ready.val();
        self.engine.seg_queue.next = self.seg_queue.val();
        self.engine.seg_token.next = self.seg_token.val();
        self.engine.seg_addr.next = self.seg_addr.val();
        self.engine.seg_len.next = self.seg_len.val();
        self.engine.seg_write.next = self.seg_write.val();
        self.engine.seg_last.next = self.seg_last.val();
        self.done_valid.next = self.engine.done_valid.val();
        self.engine.done_ready.next = self.done_ready.val();
        self.done_queue.next = self.engine.done_queue.val();
        self.done_token.next = self.engine.done_token.val();
        self.done_len.next = self.engine.done_len.val();
        self.engine.ctrl_rx_on.next = self.ctrl_rx_on.val();
        self.engine.rx_extra_on.next = self.rx_extra_on.val();
        self.engine.mac_addr_on.next = self.mac_addr_on.val();
        self.engine.announce_on.next = self.announce_on.val();
        self.engine.mq_on.next = self.mq_on.val();
        self.engine.rss_feat_on.next = self.rss_feat_on.val();
        self.engine.hash_report_on.next = self.hash_report_on.val();
        self.promisc.next = self.engine.promisc.val();
        self.allmulti.next = self.engine.allmulti.val();
        self.alluni.next = self.engine.alluni.val();
        self.nomulti.next = self.engine.nomulti.val();
        self.nouni.next = self.engine.nouni.val();
        self.nobcast.next = self.engine.nobcast.val();
        self.uni_over.next = self.engine.uni_over.val();
        self.multi_over.next = self.engine.multi_over.val();
        self.uc_n.next = self.engine.uc_n.val();
        self.mc_n.next = self.engine.mc_n.val();
        self.uc_tab.next = self.engine.uc_tab.val();
        self.mc_tab.next = self.engine.mc_tab.val();
        self.pairs.next = self.engine.pairs.val();
        self.rss_on.next = self.engine.rss_on.val();
        self.hash_types.next = self.engine.hash_types.val();
        self.hash_key.next = self.engine.hash_key.val();
        self.rss_tab.next = self.engine.rss_tab.val();
        self.rss_mask.next = self.engine.rss_mask.val();
        self.rss_uncl.next = self.engine.rss_uncl.val();
        self.mac_set.next = self.engine.mac_set.val();
        self.mac_set_value.next = self.engine.mac_set_value.val();
        self.announce_ack.next = self.engine.announce_ack.val();
        self.idle.next = self.engine.idle.val();
        self.needs_reset.next = self.engine.needs_reset.val();
        self.reader.clock.next = self.clock.val();
        self.reader.reset.next = self.reset.val();
        SegReaderCtl::join(&mut self.engine.rdr, &mut self.reader.ctl);
        self.dma.rd_req_valid.next = self.reader.rd_req_valid.val();
        self.reader.rd_req_ready.next = self.dma.rd_req_ready.val();
        self.dma.rd_req_function.next = self.engine.wr_req_function.val();
        self.dma.rd_req_address.next = self.reader.rd_req_address.val();
        self.dma.rd_req_length.next = self.reader.rd_req_length.val();
        self.reader.rd_valid.next = self.dma.rd_valid.val();
        self.dma.rd_ready.next = self.reader.rd_ready.val();
        self.reader.rd_data.next = self.dma.rd_data.val();
        self.reader.rd_last.next = self.dma.rd_last.val();
        self.reader.rd_error.next = self.dma.rd_error.val();
        self.dma.wr_req_valid.next = self.engine.wr_req_valid.val();
        self.engine.wr_req_ready.next = self.dma.wr_req_ready.val();
        self.dma.wr_req_function.next = self.engine.wr_req_function.val();
        self.dma.wr_req_address.next = self.engine.wr_req_address.val();
        self.dma.wr_req_length.next = self.engine.wr_req_length.val();
        self.dma.wr_valid.next = self.engine.wr_valid.val();
        self.engine.wr_ready.next = self.dma.wr_ready.val();
        self.dma.wr_data.next = self.engine.wr_data.val();
        self.engine.wr_done.next = self.dma.wr_done.val();
        self.engine.wr_error.next = self.dma.wr_error.val();
    }
}

/// [`NetCtrl`]'s sequence: everything but the segment walk, which is its [`SegmentReader`]'s.
#[derive(LogicBlock)]
pub struct NetCtrlEngine {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub resetting: Signal<In, bool>,
    pub seg_valid: Signal<In, bool>,
    pub seg_ready: Signal<Out, bool>,
    pub seg_queue: Signal<In, Bits<16>>,
    pub seg_token: Signal<In, Bits<48>>,
    pub seg_addr: Signal<In, Bits<64>>,
    pub seg_len: Signal<In, Bits<32>>,
    pub seg_write: Signal<In, bool>,
    pub seg_last: Signal<In, bool>,
    pub done_valid: Signal<Out, bool>,
    pub done_ready: Signal<In, bool>,
    pub done_queue: Signal<Out, Bits<16>>,
    pub done_token: Signal<Out, Bits<48>>,
    pub done_len: Signal<Out, Bits<32>>,
    pub rdr: SegReaderCtl,
    pub wr_req_valid: Signal<Out, bool>,
    pub wr_req_ready: Signal<In, bool>,
    pub wr_req_function: Signal<Out, bool>,
    pub wr_req_address: Signal<Out, Bits<64>>,
    pub wr_req_length: Signal<Out, Bits<16>>,
    pub wr_valid: Signal<Out, bool>,
    pub wr_ready: Signal<In, bool>,
    pub wr_data: Signal<Out, Bits<64>>,
    pub wr_done: Signal<In, bool>,
    pub wr_error: Signal<In, bool>,
    pub ctrl_rx_on: Signal<In, bool>,
    pub rx_extra_on: Signal<In, bool>,
    pub mac_addr_on: Signal<In, bool>,
    pub announce_on: Signal<In, bool>,
    pub mq_on: Signal<In, bool>,
    pub rss_feat_on: Signal<In, bool>,
    pub hash_report_on: Signal<In, bool>,
    pub promisc: Signal<Out, bool>,
    pub allmulti: Signal<Out, bool>,
    pub alluni: Signal<Out, bool>,
    pub nomulti: Signal<Out, bool>,
    pub nouni: Signal<Out, bool>,
    pub nobcast: Signal<Out, bool>,
    pub uni_over: Signal<Out, bool>,
    pub multi_over: Signal<Out, bool>,
    pub uc_n: Signal<Out, Bits<4>>,
    pub mc_n: Signal<Out, Bits<4>>,
    pub uc_tab: Signal<Out, Bits<384>>,
    pub mc_tab: Signal<Out, Bits<384>>,
    pub pairs: Signal<Out, Bits<3>>,
    pub rss_on: Signal<Out, bool>,
    pub hash_types: Signal<Out, Bits<6>>,
    pub hash_key: Signal<Out, Bits<320>>,
    pub rss_tab: Signal<Out, Bits<256>>,
    pub rss_mask: Signal<Out, Bits<7>>,
    pub rss_uncl: Signal<Out, Bits<2>>,
    pub mac_set: Signal<Out, bool>,
    pub mac_set_value: Signal<Out, Bits<48>>,
    pub announce_ack: Signal<Out, bool>,
    pub idle: Signal<Out, bool>,
    pub needs_reset: Signal<Out, bool>,
    _cfg: NetConfig,
    _function: bool,
}

impl NetCtrlEngine {
    pub fn new(cfg: &NetConfig, function: bool) -> Self {
        cfg.validate();
        NetCtrlEngine {
            clock: Default::default(),
            reset: Default::default(),
            resetting: Default::default(),
            seg_valid: Default::default(),
            seg_ready: Default::default(),
            seg_queue: Default::default(),
            seg_token: Default::default(),
            seg_addr: Default::default(),
            seg_len: Default::default(),
            seg_write: Default::default(),
            seg_last: Default::default(),
            done_valid: Default::default(),
            done_ready: Default::default(),
            done_queue: Default::default(),
            done_token: Default::default(),
            done_len: Default::default(),
            rdr: Default::default(),
            wr_req_valid: Default::default(),
            wr_req_ready: Default::default(),
            wr_req_function: Default::default(),
            wr_req_address: Default::default(),
            wr_req_length: Default::default(),
            wr_valid: Default::default(),
            wr_ready: Default::default(),
            wr_data: Default::default(),
            wr_done: Default::default(),
            wr_error: Default::default(),
            ctrl_rx_on: Default::default(),
            rx_extra_on: Default::default(),
            mac_addr_on: Default::default(),
            announce_on: Default::default(),
            mq_on: Default::default(),
            rss_feat_on: Default::default(),
            hash_report_on: Default::default(),
            promisc: Default::default(),
            allmulti: Default::default(),
            alluni: Default::default(),
            nomulti: Default::default(),
            nouni: Default::default(),
            nobcast: Default::default(),
            uni_over: Default::default(),
            multi_over: Default::default(),
            uc_n: Default::default(),
            mc_n: Default::default(),
            uc_tab: Default::default(),
            mc_tab: Default::default(),
            pairs: Default::default(),
            rss_on: Default::default(),
            hash_types: Default::default(),
            hash_key: Default::default(),
            rss_tab: Default::default(),
            rss_mask: Default::default(),
            rss_uncl: Default::default(),
            mac_set: Default::default(),
            mac_set_value: Default::default(),
            announce_ack: Default::default(),
            idle: Default::default(),
            needs_reset: Default::default(),
            _cfg: cfg.clone(),
            _function: function,
        }
    }
}

impl Logic for NetCtrlEngine {
    fn update(&mut self) {
        panic!("NetCtrlEngine is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.seg_ready.connect();
        self.done_valid.connect();
        self.done_queue.connect();
        self.done_token.connect();
        self.done_len.connect();
        self.rdr.connect_outputs();
        self.wr_req_valid.connect();
        self.wr_req_function.connect();
        self.wr_req_address.connect();
        self.wr_req_length.connect();
        self.wr_valid.connect();
        self.wr_data.connect();
        self.promisc.connect();
        self.allmulti.connect();
        self.alluni.connect();
        self.nomulti.connect();
        self.nouni.connect();
        self.nobcast.connect();
        self.uni_over.connect();
        self.multi_over.connect();
        self.uc_n.connect();
        self.mc_n.connect();
        self.uc_tab.connect();
        self.mc_tab.connect();
        self.pairs.connect();
        self.rss_on.connect();
        self.hash_types.connect();
        self.hash_key.connect();
        self.rss_tab.connect();
        self.rss_mask.connect();
        self.rss_uncl.connect();
        self.mac_set.connect();
        self.mac_set_value.connect();
        self.announce_ack.connect();
        self.idle.connect();
        self.needs_reset.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            VERILOG
                .replace("@MAXP@", &self._cfg.max_pairs.to_string())
                .replace("@FN@", if self._function { "1'b1" } else { "1'b0" }),
        )
    }
}

const VERILOG: &str = include_str!("ctrl.v");
