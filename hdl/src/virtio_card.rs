//! [`VirtioCard`]: the card core with its devices inside: [`Card`], the virtio-net device
//! ([`NetDevice`]) on function 0 and the virtio-blk device ([`BlkDevice`]) on function 1.
//! Nothing of the functions' device ports is left outside: what is outside is what a board
//! gives a card: the TLP streams, the net device's MAC-side frame ports and link, and the blk
//! device's storage port (`blk_st`), which the simulation serves from a disk-image file and the
//! board build serves from [`BlkStoreBram`] ([`VirtioCardBram`]).
//!
//! Ports besides [`Card`]'s TLP streams and status outputs:
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `net_link_up`, `net_announce` | in | the Ethernet link (the `status` field's LINK_UP, a configuration interrupt when it changes); a request for gratuitous packets |
//! | `net_txf_*` | out/in | frames the net device sends: 8 bytes a beat, `bytes` valid in the last ([`NetTx`]) |
//! | `net_rxf_*` | in/out | frames for the net device: `ready` is always high, a MAC cannot wait; `err` with `last` drops the frame (a bad FCS) ([`NetRx`]) |
//! | `net_tx_*`, `net_rx_*` | out | the net device's frame and drop counters |
//! | `blk_st` | client | the blk device's storage port |
//! | `fN_queue_reset*`, `fN_notify_*`, `fN_in_order` | out | the transport's events and IN_ORDER as the devices see them (for traces) |
//!
//! The feature bits each device sees come from its function's `fN_features` (bits 0-23 and
//! 56-63). The net device's `want` goes to the queue engine as `f0_queue_hold` (its inverse):
//! the engine fetches no receive buffers the device could not cache. The blk device never
//! changes its configuration (capacity is fixed), so `f1_config_changed` is low.
//!
//! [`BlkStoreBram`]: crate::device::blk::BlkStoreBram
//! [`NetTx`]: crate::device::net::NetTx
//! [`NetRx`]: crate::device::net::NetRx

use crate::card::Card;
use crate::common::bits;
use crate::device::blk::{BlkConfig, BlkDevice, StoreClientPort};
use crate::device::net::{NetConfig, NetDevice};
use crate::dma::DmaClientPort;
use crate::tlp::{TlpSink, TlpSource};
use crate::transport::CardConfig;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct VirtioCard {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub link_up: Signal<In, bool>,
    pub link_speed: Signal<In, Bits<4>>,
    pub link_width: Signal<In, Bits<6>>,
    pub rx: TlpSink,
    pub tx: TlpSource,
    pub malformed: Signal<Out, bool>,
    pub unsupported: Signal<Out, bool>,
    pub f0_command: Signal<Out, Bits<16>>,
    pub f1_command: Signal<Out, Bits<16>>,
    pub f0_bar0: Signal<Out, Bits<64>>,
    pub f1_bar0: Signal<Out, Bits<64>>,
    pub f0_device_control: Signal<Out, Bits<16>>,
    pub f1_device_control: Signal<Out, Bits<16>>,
    pub f0_msix_control: Signal<Out, Bits<16>>,
    pub f1_msix_control: Signal<Out, Bits<16>>,
    pub f0_resetting: Signal<Out, bool>,
    pub f1_resetting: Signal<Out, bool>,
    pub f0_features: Signal<Out, Bits<32>>,
    pub f1_features: Signal<Out, Bits<32>>,
    pub f0_queue_resetting: Signal<Out, bool>,
    pub f1_queue_resetting: Signal<Out, bool>,
    pub f0_queue_reset_index: Signal<Out, Bits<16>>,
    pub f1_queue_reset_index: Signal<Out, Bits<16>>,
    pub f0_notify_valid: Signal<Out, bool>,
    pub f1_notify_valid: Signal<Out, bool>,
    pub f0_notify_queue: Signal<Out, Bits<16>>,
    pub f1_notify_queue: Signal<Out, Bits<16>>,
    pub f0_notify_next: Signal<Out, Bits<16>>,
    pub f1_notify_next: Signal<Out, Bits<16>>,
    pub f0_in_order: Signal<Out, bool>,
    pub f1_in_order: Signal<Out, bool>,
    pub dma_unexpected: Signal<Out, bool>,
    pub dma_timeout: Signal<Out, bool>,
    pub dma_idle: Signal<Out, bool>,
    pub net_link_up: Signal<In, bool>,
    pub net_announce: Signal<In, bool>,
    pub net_txf_valid: Signal<Out, bool>,
    pub net_txf_ready: Signal<In, bool>,
    pub net_txf_data: Signal<Out, Bits<64>>,
    pub net_txf_bytes: Signal<Out, Bits<4>>,
    pub net_txf_last: Signal<Out, bool>,
    pub net_rxf_valid: Signal<In, bool>,
    pub net_rxf_ready: Signal<Out, bool>,
    pub net_rxf_data: Signal<In, Bits<64>>,
    pub net_rxf_bytes: Signal<In, Bits<4>>,
    pub net_rxf_last: Signal<In, bool>,
    pub net_rxf_err: Signal<In, bool>,
    pub net_tx_frames: Signal<Out, Bits<32>>,
    pub net_tx_dropped: Signal<Out, Bits<32>>,
    pub net_rx_frames: Signal<Out, Bits<32>>,
    pub net_rx_drop_filter: Signal<Out, Bits<32>>,
    pub net_rx_drop_nobuf: Signal<Out, Bits<32>>,
    pub net_rx_drop_size: Signal<Out, Bits<32>>,
    /// The blk device's storage port.
    pub blk_st: StoreClientPort,
    card: Card,
    net: NetDevice,
    blk: BlkDevice,
    zero16: Constant<Bits<16>>,
}

impl VirtioCard {
    /// The card as `card` describes it, with function 0 made the net device `net` describes
    /// and function 1 the blk device `blk` describes (their queues, feature bits and
    /// configuration lengths).
    pub fn new(card: &CardConfig, net: &NetConfig, blk: &BlkConfig) -> Self {
        net.validate();
        VirtioCard {
            clock: Default::default(),
            reset: Default::default(),
            link_up: Default::default(),
            link_speed: Default::default(),
            link_width: Default::default(),
            rx: Default::default(),
            tx: Default::default(),
            malformed: Default::default(),
            unsupported: Default::default(),
            f0_command: Default::default(),
            f1_command: Default::default(),
            f0_bar0: Default::default(),
            f1_bar0: Default::default(),
            f0_device_control: Default::default(),
            f1_device_control: Default::default(),
            f0_msix_control: Default::default(),
            f1_msix_control: Default::default(),
            f0_resetting: Default::default(),
            f1_resetting: Default::default(),
            f0_features: Default::default(),
            f1_features: Default::default(),
            f0_queue_resetting: Default::default(),
            f1_queue_resetting: Default::default(),
            f0_queue_reset_index: Default::default(),
            f1_queue_reset_index: Default::default(),
            f0_notify_valid: Default::default(),
            f1_notify_valid: Default::default(),
            f0_notify_queue: Default::default(),
            f1_notify_queue: Default::default(),
            f0_notify_next: Default::default(),
            f1_notify_next: Default::default(),
            f0_in_order: Default::default(),
            f1_in_order: Default::default(),
            dma_unexpected: Default::default(),
            dma_timeout: Default::default(),
            dma_idle: Default::default(),
            net_link_up: Default::default(),
            net_announce: Default::default(),
            net_txf_valid: Default::default(),
            net_txf_ready: Default::default(),
            net_txf_data: Default::default(),
            net_txf_bytes: Default::default(),
            net_txf_last: Default::default(),
            net_rxf_valid: Default::default(),
            net_rxf_ready: Default::default(),
            net_rxf_data: Default::default(),
            net_rxf_bytes: Default::default(),
            net_rxf_last: Default::default(),
            net_rxf_err: Default::default(),
            net_tx_frames: Default::default(),
            net_tx_dropped: Default::default(),
            net_rx_frames: Default::default(),
            net_rx_drop_filter: Default::default(),
            net_rx_drop_nobuf: Default::default(),
            net_rx_drop_size: Default::default(),
            blk_st: Default::default(),
            card: Card::new(&blk.card_config(&net.card_config(card))),
            net: NetDevice::new(net, false),
            blk: BlkDevice::new(blk, true),
            zero16: bits(0),
        }
    }
}

impl VirtioCard {
    /// Sectors of the proxy build's disk: 16 MiB, room for a file system and its files
    /// (the 128 KiB of the board's block-RAM disk is too small for `mkfs.ext2` and a workload).
    pub const PROXY_DISK_SECTORS: u64 = 32768;

    /// The build `cargo xtask demo` attaches to a Linux guest through QEMU's `x-pci-proxy-dev`:
    /// the same RTL, with a 32-bit BAR0 and no MSI-X capability (the proxy can carry neither a
    /// 64-bit BAR nor MSI-X, so INTx is the interrupt; `CardConfig::for_qemu_proxy`) and a
    /// disk of [`Self::PROXY_DISK_SECTORS`] served from a file.
    pub fn for_qemu_proxy() -> Self {
        Self::new(
            &CardConfig::for_qemu_proxy(),
            &NetConfig::default(),
            &BlkConfig {
                capacity: Self::PROXY_DISK_SECTORS,
                ..BlkConfig::default()
            },
        )
    }
}

impl Default for VirtioCard {
    fn default() -> Self {
        Self::new(
            &CardConfig::default(),
            &NetConfig::default(),
            &BlkConfig::default(),
        )
    }
}

impl Logic for VirtioCard {
    #[hdl_gen]
    fn update(&mut self) {
        self.card.clock.next = self.clock.val();
        self.card.reset.next = self.reset.val();
        self.card.link_up.next = self.link_up.val();
        self.card.link_speed.next = self.link_speed.val();
        self.card.link_width.next = self.link_width.val();
        TlpSink::link(&mut self.rx, &mut self.card.rx);
        TlpSource::link(&mut self.tx, &mut self.card.tx);
        self.malformed.next = self.card.malformed.val();
        self.unsupported.next = self.card.unsupported.val();
        self.f0_command.next = self.card.f0_command.val();
        self.f1_command.next = self.card.f1_command.val();
        self.f0_bar0.next = self.card.f0_bar0.val();
        self.f1_bar0.next = self.card.f1_bar0.val();
        self.f0_device_control.next = self.card.f0_device_control.val();
        self.f1_device_control.next = self.card.f1_device_control.val();
        self.f0_msix_control.next = self.card.f0_msix_control.val();
        self.f1_msix_control.next = self.card.f1_msix_control.val();
        self.f0_resetting.next = self.card.f0_resetting.val();
        self.f1_resetting.next = self.card.f1_resetting.val();
        self.f0_features.next = self.card.f0_features.val();
        self.f1_features.next = self.card.f1_features.val();
        self.f0_queue_resetting.next = self.card.f0_queue_resetting.val();
        self.f1_queue_resetting.next = self.card.f1_queue_resetting.val();
        self.f0_queue_reset_index.next = self.card.f0_queue_reset_index.val();
        self.f1_queue_reset_index.next = self.card.f1_queue_reset_index.val();
        self.f0_notify_valid.next = self.card.f0_notify_valid.val();
        self.f1_notify_valid.next = self.card.f1_notify_valid.val();
        self.f0_notify_queue.next = self.card.f0_notify_queue.val();
        self.f1_notify_queue.next = self.card.f1_notify_queue.val();
        self.f0_notify_next.next = self.card.f0_notify_next.val();
        self.f1_notify_next.next = self.card.f1_notify_next.val();
        self.f0_in_order.next = self.card.f0_in_order.val();
        self.f1_in_order.next = self.card.f1_in_order.val();
        self.dma_unexpected.next = self.card.dma_unexpected.val();
        self.dma_timeout.next = self.card.dma_timeout.val();
        self.dma_idle.next = self.card.dma_idle.val();

        // Function 0: the net device. Its feature bits (virtio-net section 5.1.3): CSUM 0, GUEST_CSUM 1,
        // MRG_RXBUF 15, CTRL_VQ 17, CTRL_RX 18, CTRL_RX_EXTRA 20, GUEST_ANNOUNCE 21, MQ 22,
        // CTRL_MAC_ADDR 23; HASH_REPORT 57 and RSS 60 at 25 and 28 of `f0_features` (either of MQ
        // and RSS enables the pairs).
        self.net.clock.next = self.clock.val();
        self.net.reset.next = self.reset.val() | (!self.link_up.val());
        self.net.resetting.next = self.card.f0_resetting.val();
        self.net.queue_resetting.next = self.card.f0_queue_resetting.val();
        self.net.queue_reset_index.next = self.card.f0_queue_reset_index.val();
        self.net.devcfg_valid.next = self.card.f0_devcfg_valid.val();
        self.net.devcfg_write.next = self.card.f0_devcfg_write.val();
        self.net.devcfg_dw.next = self.card.f0_devcfg_dw.val();
        self.net.devcfg_be.next = self.card.f0_devcfg_be.val();
        self.net.devcfg_wdata.next = self.card.f0_devcfg_wdata.val();
        self.card.f0_devcfg_done.next = self.net.devcfg_done.val();
        self.card.f0_devcfg_rdata.next = self.net.devcfg_rdata.val();
        self.card.f0_config_changed.next = self.net.config_changed.val();
        self.net.link_up.next = self.net_link_up.val();
        self.net.announce.next = self.net_announce.val();
        self.net.csum_on.next = self.card.f0_features.val().get_bit(0);
        self.net.mrg_on.next = self.card.f0_features.val().get_bit(15);
        self.net.ctrl_vq_on.next = self.card.f0_features.val().get_bit(17);
        self.net.ctrl_rx_on.next = self.card.f0_features.val().get_bit(18);
        self.net.rx_extra_on.next = self.card.f0_features.val().get_bit(20);
        self.net.mac_addr_on.next = self.card.f0_features.val().get_bit(23);
        self.net.announce_on.next = self.card.f0_features.val().get_bit(21);
        self.net.mq_on.next =
            self.card.f0_features.val().get_bit(22) | self.card.f0_features.val().get_bit(28);
        self.net.hash_report_on.next = self.card.f0_features.val().get_bit(25);
        self.net.rss_feat_on.next = self.card.f0_features.val().get_bit(28);
        self.net.guest_csum_on.next = self.card.f0_features.val().get_bit(1);
        self.net.seg_valid.next = self.card.f0_seg_valid.val();
        self.card.f0_seg_ready.next = self.net.seg_ready.val();
        self.net.seg_queue.next = self.card.f0_seg_queue.val();
        self.net.seg_token.next = self.card.f0_seg_token.val();
        self.net.seg_addr.next = self.card.f0_seg_addr.val();
        self.net.seg_len.next = self.card.f0_seg_len.val();
        self.net.seg_write.next = self.card.f0_seg_write.val();
        self.net.seg_last.next = self.card.f0_seg_last.val();
        self.card.f0_done_valid.next = self.net.done_valid.val();
        self.net.done_ready.next = self.card.f0_done_ready.val();
        self.card.f0_done_queue.next = self.net.done_queue.val();
        self.card.f0_done_token.next = self.net.done_token.val();
        self.card.f0_done_len.next = self.net.done_len.val();
        self.card.f0_done_more.next = self.net.done_more.val();
        self.card.f0_queue_hold.next = !self.net.want.val();
        self.card.f0_queue_irq.next = false;
        self.card.f0_queue_irq_index.next = self.zero16.val();
        self.card.f0_needs_reset.next = self.net.needs_reset.val();
        self.card.f0_idle.next = self.net.idle.val();
        DmaClientPort::join(&mut self.net.dma, &mut self.card.dma0);
        self.net_txf_valid.next = self.net.txf_valid.val();
        self.net.txf_ready.next = self.net_txf_ready.val();
        self.net_txf_data.next = self.net.txf_data.val();
        self.net_txf_bytes.next = self.net.txf_bytes.val();
        self.net_txf_last.next = self.net.txf_last.val();
        self.net.rxf_valid.next = self.net_rxf_valid.val();
        self.net_rxf_ready.next = self.net.rxf_ready.val();
        self.net.rxf_data.next = self.net_rxf_data.val();
        self.net.rxf_bytes.next = self.net_rxf_bytes.val();
        self.net.rxf_last.next = self.net_rxf_last.val();
        self.net.rxf_err.next = self.net_rxf_err.val();
        self.net_tx_frames.next = self.net.tx_frames.val();
        self.net_tx_dropped.next = self.net.tx_dropped.val();
        self.net_rx_frames.next = self.net.rx_frames.val();
        self.net_rx_drop_filter.next = self.net.rx_drop_filter.val();
        self.net_rx_drop_nobuf.next = self.net.rx_drop_nobuf.val();
        self.net_rx_drop_size.next = self.net.rx_drop_size.val();

        // Function 1: the blk device. Its feature bits (virtio-blk section 5.2.3): FLUSH 9,
        // CONFIG_WCE 11, DISCARD 13, WRITE_ZEROES 14, LIFETIME 15, SECURE_ERASE 16.
        self.blk.clock.next = self.clock.val();
        self.blk.reset.next = self.reset.val() | (!self.link_up.val());
        self.blk.resetting.next = self.card.f1_resetting.val();
        self.blk.devcfg_valid.next = self.card.f1_devcfg_valid.val();
        self.blk.devcfg_write.next = self.card.f1_devcfg_write.val();
        self.blk.devcfg_dw.next = self.card.f1_devcfg_dw.val();
        self.blk.devcfg_be.next = self.card.f1_devcfg_be.val();
        self.blk.devcfg_wdata.next = self.card.f1_devcfg_wdata.val();
        self.card.f1_devcfg_done.next = self.blk.devcfg_done.val();
        self.card.f1_devcfg_rdata.next = self.blk.devcfg_rdata.val();
        self.blk.flush_on.next = self.card.f1_features.val().get_bit(9);
        self.blk.wce_on.next = self.card.f1_features.val().get_bit(11);
        self.blk.discard_on.next = self.card.f1_features.val().get_bit(13);
        self.blk.write_zeroes_on.next = self.card.f1_features.val().get_bit(14);
        self.blk.secure_erase_on.next = self.card.f1_features.val().get_bit(16);
        self.blk.lifetime_on.next = self.card.f1_features.val().get_bit(15);
        self.card.f1_config_changed.next = false;
        self.card.f1_queue_irq.next = false;
        self.card.f1_queue_irq_index.next = self.zero16.val();
        self.card.f1_queue_hold.next = self.zero16.val();
        self.card.f1_needs_reset.next = self.blk.needs_reset.val();
        self.card.f1_idle.next = self.blk.idle.val();
        self.blk.seg_valid.next = self.card.f1_seg_valid.val();
        self.card.f1_seg_ready.next = self.blk.seg_ready.val();
        self.blk.seg_queue.next = self.card.f1_seg_queue.val();
        self.blk.seg_token.next = self.card.f1_seg_token.val();
        self.blk.seg_addr.next = self.card.f1_seg_addr.val();
        self.blk.seg_len.next = self.card.f1_seg_len.val();
        self.blk.seg_write.next = self.card.f1_seg_write.val();
        self.blk.seg_last.next = self.card.f1_seg_last.val();
        self.card.f1_done_valid.next = self.blk.done_valid.val();
        self.blk.done_ready.next = self.card.f1_done_ready.val();
        self.card.f1_done_queue.next = self.blk.done_queue.val();
        self.card.f1_done_token.next = self.blk.done_token.val();
        self.card.f1_done_len.next = self.blk.done_len.val();
        self.card.f1_done_more.next = self.blk.done_more.val();
        DmaClientPort::join(&mut self.blk.dma, &mut self.card.dma1);
        StoreClientPort::link(&mut self.blk_st, &mut self.blk.st);
    }
}

/// [`VirtioCard`] with the blk device's store in block RAM ([`BlkStoreBram`], the
/// configuration's capacity): the card core as the board carries it, and the
/// `virtio_card_bram` top measured out of context. Ports: [`VirtioCard`]'s without `blk_st`.
///
/// [`BlkStoreBram`]: crate::device::blk::BlkStoreBram
#[derive(LogicBlock)]
pub struct VirtioCardBram {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub link_up: Signal<In, bool>,
    pub link_speed: Signal<In, Bits<4>>,
    pub link_width: Signal<In, Bits<6>>,
    pub rx: TlpSink,
    pub tx: TlpSource,
    pub malformed: Signal<Out, bool>,
    pub unsupported: Signal<Out, bool>,
    pub f0_command: Signal<Out, Bits<16>>,
    pub f1_command: Signal<Out, Bits<16>>,
    pub f0_bar0: Signal<Out, Bits<64>>,
    pub f1_bar0: Signal<Out, Bits<64>>,
    pub f0_device_control: Signal<Out, Bits<16>>,
    pub f1_device_control: Signal<Out, Bits<16>>,
    pub f0_msix_control: Signal<Out, Bits<16>>,
    pub f1_msix_control: Signal<Out, Bits<16>>,
    pub f0_resetting: Signal<Out, bool>,
    pub f1_resetting: Signal<Out, bool>,
    pub f0_features: Signal<Out, Bits<32>>,
    pub f1_features: Signal<Out, Bits<32>>,
    pub f0_queue_resetting: Signal<Out, bool>,
    pub f1_queue_resetting: Signal<Out, bool>,
    pub f0_queue_reset_index: Signal<Out, Bits<16>>,
    pub f1_queue_reset_index: Signal<Out, Bits<16>>,
    pub f0_notify_valid: Signal<Out, bool>,
    pub f1_notify_valid: Signal<Out, bool>,
    pub f0_notify_queue: Signal<Out, Bits<16>>,
    pub f1_notify_queue: Signal<Out, Bits<16>>,
    pub f0_notify_next: Signal<Out, Bits<16>>,
    pub f1_notify_next: Signal<Out, Bits<16>>,
    pub f0_in_order: Signal<Out, bool>,
    pub f1_in_order: Signal<Out, bool>,
    pub dma_unexpected: Signal<Out, bool>,
    pub dma_timeout: Signal<Out, bool>,
    pub dma_idle: Signal<Out, bool>,
    pub net_link_up: Signal<In, bool>,
    pub net_announce: Signal<In, bool>,
    pub net_txf_valid: Signal<Out, bool>,
    pub net_txf_ready: Signal<In, bool>,
    pub net_txf_data: Signal<Out, Bits<64>>,
    pub net_txf_bytes: Signal<Out, Bits<4>>,
    pub net_txf_last: Signal<Out, bool>,
    pub net_rxf_valid: Signal<In, bool>,
    pub net_rxf_ready: Signal<Out, bool>,
    pub net_rxf_data: Signal<In, Bits<64>>,
    pub net_rxf_bytes: Signal<In, Bits<4>>,
    pub net_rxf_last: Signal<In, bool>,
    pub net_rxf_err: Signal<In, bool>,
    pub net_tx_frames: Signal<Out, Bits<32>>,
    pub net_tx_dropped: Signal<Out, Bits<32>>,
    pub net_rx_frames: Signal<Out, Bits<32>>,
    pub net_rx_drop_filter: Signal<Out, Bits<32>>,
    pub net_rx_drop_nobuf: Signal<Out, Bits<32>>,
    pub net_rx_drop_size: Signal<Out, Bits<32>>,
    core: VirtioCard,
    store: crate::device::blk::BlkStoreBram,
}

impl VirtioCardBram {
    pub fn new(card: &CardConfig, net: &NetConfig, blk: &BlkConfig) -> Self {
        VirtioCardBram {
            clock: Default::default(),
            reset: Default::default(),
            link_up: Default::default(),
            link_speed: Default::default(),
            link_width: Default::default(),
            rx: Default::default(),
            tx: Default::default(),
            malformed: Default::default(),
            unsupported: Default::default(),
            f0_command: Default::default(),
            f1_command: Default::default(),
            f0_bar0: Default::default(),
            f1_bar0: Default::default(),
            f0_device_control: Default::default(),
            f1_device_control: Default::default(),
            f0_msix_control: Default::default(),
            f1_msix_control: Default::default(),
            f0_resetting: Default::default(),
            f1_resetting: Default::default(),
            f0_features: Default::default(),
            f1_features: Default::default(),
            f0_queue_resetting: Default::default(),
            f1_queue_resetting: Default::default(),
            f0_queue_reset_index: Default::default(),
            f1_queue_reset_index: Default::default(),
            f0_notify_valid: Default::default(),
            f1_notify_valid: Default::default(),
            f0_notify_queue: Default::default(),
            f1_notify_queue: Default::default(),
            f0_notify_next: Default::default(),
            f1_notify_next: Default::default(),
            f0_in_order: Default::default(),
            f1_in_order: Default::default(),
            dma_unexpected: Default::default(),
            dma_timeout: Default::default(),
            dma_idle: Default::default(),
            net_link_up: Default::default(),
            net_announce: Default::default(),
            net_txf_valid: Default::default(),
            net_txf_ready: Default::default(),
            net_txf_data: Default::default(),
            net_txf_bytes: Default::default(),
            net_txf_last: Default::default(),
            net_rxf_valid: Default::default(),
            net_rxf_ready: Default::default(),
            net_rxf_data: Default::default(),
            net_rxf_bytes: Default::default(),
            net_rxf_last: Default::default(),
            net_rxf_err: Default::default(),
            net_tx_frames: Default::default(),
            net_tx_dropped: Default::default(),
            net_rx_frames: Default::default(),
            net_rx_drop_filter: Default::default(),
            net_rx_drop_nobuf: Default::default(),
            net_rx_drop_size: Default::default(),
            core: VirtioCard::new(card, net, blk),
            store: crate::device::blk::BlkStoreBram::new(blk.capacity),
        }
    }
}

impl Default for VirtioCardBram {
    /// The board's build: the net device with [`NetConfig::board`]'s two queue pairs, the blk
    /// device with [`BlkConfig::board`]'s one request queue and 128 KiB disk.
    fn default() -> Self {
        Self::new(
            &CardConfig::default(),
            &NetConfig::board(),
            &BlkConfig::board(),
        )
    }
}

impl Logic for VirtioCardBram {
    #[hdl_gen]
    fn update(&mut self) {
        self.store.clock.next = self.clock.val();
        self.store.reset.next = self.reset.val();
        StoreClientPort::join(&mut self.core.blk_st, &mut self.store.st);
        self.core.clock.next = self.clock.val();
        self.core.reset.next = self.reset.val();
        self.core.link_up.next = self.link_up.val();
        self.core.link_speed.next = self.link_speed.val();
        self.core.link_width.next = self.link_width.val();
        TlpSink::link(&mut self.rx, &mut self.core.rx);
        TlpSource::link(&mut self.tx, &mut self.core.tx);
        self.malformed.next = self.core.malformed.val();
        self.unsupported.next = self.core.unsupported.val();
        self.f0_command.next = self.core.f0_command.val();
        self.f1_command.next = self.core.f1_command.val();
        self.f0_bar0.next = self.core.f0_bar0.val();
        self.f1_bar0.next = self.core.f1_bar0.val();
        self.f0_device_control.next = self.core.f0_device_control.val();
        self.f1_device_control.next = self.core.f1_device_control.val();
        self.f0_msix_control.next = self.core.f0_msix_control.val();
        self.f1_msix_control.next = self.core.f1_msix_control.val();
        self.f0_resetting.next = self.core.f0_resetting.val();
        self.f1_resetting.next = self.core.f1_resetting.val();
        self.f0_features.next = self.core.f0_features.val();
        self.f1_features.next = self.core.f1_features.val();
        self.f0_queue_resetting.next = self.core.f0_queue_resetting.val();
        self.f1_queue_resetting.next = self.core.f1_queue_resetting.val();
        self.f0_queue_reset_index.next = self.core.f0_queue_reset_index.val();
        self.f1_queue_reset_index.next = self.core.f1_queue_reset_index.val();
        self.f0_notify_valid.next = self.core.f0_notify_valid.val();
        self.f1_notify_valid.next = self.core.f1_notify_valid.val();
        self.f0_notify_queue.next = self.core.f0_notify_queue.val();
        self.f1_notify_queue.next = self.core.f1_notify_queue.val();
        self.f0_notify_next.next = self.core.f0_notify_next.val();
        self.f1_notify_next.next = self.core.f1_notify_next.val();
        self.f0_in_order.next = self.core.f0_in_order.val();
        self.f1_in_order.next = self.core.f1_in_order.val();
        self.dma_unexpected.next = self.core.dma_unexpected.val();
        self.dma_timeout.next = self.core.dma_timeout.val();
        self.dma_idle.next = self.core.dma_idle.val();
        self.core.net_link_up.next = self.net_link_up.val();
        self.core.net_announce.next = self.net_announce.val();
        self.net_txf_valid.next = self.core.net_txf_valid.val();
        self.core.net_txf_ready.next = self.net_txf_ready.val();
        self.net_txf_data.next = self.core.net_txf_data.val();
        self.net_txf_bytes.next = self.core.net_txf_bytes.val();
        self.net_txf_last.next = self.core.net_txf_last.val();
        self.core.net_rxf_valid.next = self.net_rxf_valid.val();
        self.net_rxf_ready.next = self.core.net_rxf_ready.val();
        self.core.net_rxf_data.next = self.net_rxf_data.val();
        self.core.net_rxf_bytes.next = self.net_rxf_bytes.val();
        self.core.net_rxf_last.next = self.net_rxf_last.val();
        self.core.net_rxf_err.next = self.net_rxf_err.val();
        self.net_tx_frames.next = self.core.net_tx_frames.val();
        self.net_tx_dropped.next = self.core.net_tx_dropped.val();
        self.net_rx_frames.next = self.core.net_rx_frames.val();
        self.net_rx_drop_filter.next = self.core.net_rx_drop_filter.val();
        self.net_rx_drop_nobuf.next = self.core.net_rx_drop_nobuf.val();
        self.net_rx_drop_size.next = self.core.net_rx_drop_size.val();
    }
}
