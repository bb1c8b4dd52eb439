//! [`VirtioCard`]: the card core with its devices inside: [`Card`] and, on function 1, the
//! virtio-blk device ([`BlkDevice`]). Function 0's device ports stay ports until virtio-net
//! (issue 6) fills them. The blk device's storage port (`blk_st`) is a port too, so the
//! simulation serves it from a disk-image file and the board build puts [`BlkStoreBram`]
//! behind it ([`VirtioCardBram`]).
//!
//! Ports: [`Card`]'s, less function 1's device ports (`f1_devcfg_*`, `f1_seg_*`, `f1_done_*`,
//! `f1_idle`, `f1_needs_reset`, `f1_config_changed`, `f1_queue_irq*`, `dma1`), which the blk
//! device takes; plus `blk_st`. Function 1's status outputs (`f1_resetting`, `f1_features`,
//! ...) stay visible. The blk device never changes its configuration (capacity is fixed), so
//! `f1_config_changed` is low.
//!
//! [`BlkStoreBram`]: crate::device::blk::BlkStoreBram

use crate::card::Card;
use crate::common::bits;
use crate::device::blk::{BlkConfig, BlkDevice, StoreClientPort};
use crate::dma::{DmaClientPort, DmaServerPort};
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
    pub f0_devcfg_valid: Signal<Out, bool>,
    pub f0_devcfg_write: Signal<Out, bool>,
    pub f0_devcfg_dw: Signal<Out, Bits<10>>,
    pub f0_devcfg_be: Signal<Out, Bits<4>>,
    pub f0_devcfg_wdata: Signal<Out, Bits<32>>,
    pub f0_devcfg_done: Signal<In, bool>,
    pub f0_devcfg_rdata: Signal<In, Bits<32>>,
    pub f0_config_changed: Signal<In, bool>,
    pub f0_needs_reset: Signal<In, bool>,
    pub f0_queue_irq: Signal<In, bool>,
    pub f0_queue_irq_index: Signal<In, Bits<16>>,
    pub f0_idle: Signal<In, bool>,
    pub f0_resetting: Signal<Out, bool>,
    pub f1_resetting: Signal<Out, bool>,
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
    pub f0_seg_valid: Signal<Out, bool>,
    pub f0_seg_ready: Signal<In, bool>,
    pub f0_seg_queue: Signal<Out, Bits<16>>,
    pub f0_seg_token: Signal<Out, Bits<48>>,
    pub f0_seg_addr: Signal<Out, Bits<64>>,
    pub f0_seg_len: Signal<Out, Bits<32>>,
    pub f0_seg_write: Signal<Out, bool>,
    pub f0_seg_last: Signal<Out, bool>,
    pub f0_done_valid: Signal<In, bool>,
    pub f0_done_ready: Signal<Out, bool>,
    pub f0_done_queue: Signal<In, Bits<16>>,
    pub f0_done_token: Signal<In, Bits<48>>,
    pub f0_in_order: Signal<Out, bool>,
    pub f0_done_len: Signal<In, Bits<32>>,
    pub f0_done_more: Signal<In, bool>,
    pub f0_features: Signal<Out, Bits<24>>,
    pub f1_features: Signal<Out, Bits<24>>,
    pub f1_in_order: Signal<Out, bool>,
    pub dma0: DmaServerPort,
    pub dma_unexpected: Signal<Out, bool>,
    pub dma_timeout: Signal<Out, bool>,
    pub dma_idle: Signal<Out, bool>,
    /// The blk device's storage port.
    pub blk_st: StoreClientPort,
    card: Card,
    blk: BlkDevice,
    zero16: Constant<Bits<16>>,
}

impl VirtioCard {
    /// The card as `card` describes it, with function 1 made the blk device `blk` describes
    /// (its queues, feature bits and configuration length).
    pub fn new(card: &CardConfig, blk: &BlkConfig) -> Self {
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
            f0_devcfg_valid: Default::default(),
            f0_devcfg_write: Default::default(),
            f0_devcfg_dw: Default::default(),
            f0_devcfg_be: Default::default(),
            f0_devcfg_wdata: Default::default(),
            f0_devcfg_done: Default::default(),
            f0_devcfg_rdata: Default::default(),
            f0_config_changed: Default::default(),
            f0_needs_reset: Default::default(),
            f0_queue_irq: Default::default(),
            f0_queue_irq_index: Default::default(),
            f0_idle: Default::default(),
            f0_resetting: Default::default(),
            f1_resetting: Default::default(),
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
            f0_seg_valid: Default::default(),
            f0_seg_ready: Default::default(),
            f0_seg_queue: Default::default(),
            f0_seg_token: Default::default(),
            f0_seg_addr: Default::default(),
            f0_seg_len: Default::default(),
            f0_seg_write: Default::default(),
            f0_seg_last: Default::default(),
            f0_done_valid: Default::default(),
            f0_done_ready: Default::default(),
            f0_done_queue: Default::default(),
            f0_done_token: Default::default(),
            f0_in_order: Default::default(),
            f0_done_len: Default::default(),
            f0_done_more: Default::default(),
            f0_features: Default::default(),
            f1_features: Default::default(),
            f1_in_order: Default::default(),
            dma0: Default::default(),
            dma_unexpected: Default::default(),
            dma_timeout: Default::default(),
            dma_idle: Default::default(),
            blk_st: Default::default(),
            card: Card::new(&blk.card_config(card)),
            blk: BlkDevice::new(blk, true),
            zero16: bits(0),
        }
    }
}

impl Default for VirtioCard {
    fn default() -> Self {
        Self::new(&CardConfig::default(), &BlkConfig::default())
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
        self.f0_devcfg_valid.next = self.card.f0_devcfg_valid.val();
        self.f0_devcfg_write.next = self.card.f0_devcfg_write.val();
        self.f0_devcfg_dw.next = self.card.f0_devcfg_dw.val();
        self.f0_devcfg_be.next = self.card.f0_devcfg_be.val();
        self.f0_devcfg_wdata.next = self.card.f0_devcfg_wdata.val();
        self.card.f0_devcfg_done.next = self.f0_devcfg_done.val();
        self.card.f0_devcfg_rdata.next = self.f0_devcfg_rdata.val();
        self.card.f0_config_changed.next = self.f0_config_changed.val();
        self.card.f0_needs_reset.next = self.f0_needs_reset.val();
        self.card.f0_queue_irq.next = self.f0_queue_irq.val();
        self.card.f0_queue_irq_index.next = self.f0_queue_irq_index.val();
        self.card.f0_idle.next = self.f0_idle.val();
        self.f0_resetting.next = self.card.f0_resetting.val();
        self.f1_resetting.next = self.card.f1_resetting.val();
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
        self.f0_seg_valid.next = self.card.f0_seg_valid.val();
        self.card.f0_seg_ready.next = self.f0_seg_ready.val();
        self.f0_seg_queue.next = self.card.f0_seg_queue.val();
        self.f0_seg_token.next = self.card.f0_seg_token.val();
        self.f0_seg_addr.next = self.card.f0_seg_addr.val();
        self.f0_seg_len.next = self.card.f0_seg_len.val();
        self.f0_seg_write.next = self.card.f0_seg_write.val();
        self.f0_seg_last.next = self.card.f0_seg_last.val();
        self.card.f0_done_valid.next = self.f0_done_valid.val();
        self.f0_done_ready.next = self.card.f0_done_ready.val();
        self.card.f0_done_queue.next = self.f0_done_queue.val();
        self.card.f0_done_token.next = self.f0_done_token.val();
        self.f0_in_order.next = self.card.f0_in_order.val();
        self.card.f0_done_len.next = self.f0_done_len.val();
        self.card.f0_done_more.next = self.f0_done_more.val();
        self.f0_features.next = self.card.f0_features.val();
        self.f1_features.next = self.card.f1_features.val();
        self.f1_in_order.next = self.card.f1_in_order.val();
        DmaServerPort::link(&mut self.dma0, &mut self.card.dma0);
        self.dma_unexpected.next = self.card.dma_unexpected.val();
        self.dma_timeout.next = self.card.dma_timeout.val();
        self.dma_idle.next = self.card.dma_idle.val();

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
    pub f0_devcfg_valid: Signal<Out, bool>,
    pub f0_devcfg_write: Signal<Out, bool>,
    pub f0_devcfg_dw: Signal<Out, Bits<10>>,
    pub f0_devcfg_be: Signal<Out, Bits<4>>,
    pub f0_devcfg_wdata: Signal<Out, Bits<32>>,
    pub f0_devcfg_done: Signal<In, bool>,
    pub f0_devcfg_rdata: Signal<In, Bits<32>>,
    pub f0_config_changed: Signal<In, bool>,
    pub f0_needs_reset: Signal<In, bool>,
    pub f0_queue_irq: Signal<In, bool>,
    pub f0_queue_irq_index: Signal<In, Bits<16>>,
    pub f0_idle: Signal<In, bool>,
    pub f0_resetting: Signal<Out, bool>,
    pub f1_resetting: Signal<Out, bool>,
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
    pub f0_seg_valid: Signal<Out, bool>,
    pub f0_seg_ready: Signal<In, bool>,
    pub f0_seg_queue: Signal<Out, Bits<16>>,
    pub f0_seg_token: Signal<Out, Bits<48>>,
    pub f0_seg_addr: Signal<Out, Bits<64>>,
    pub f0_seg_len: Signal<Out, Bits<32>>,
    pub f0_seg_write: Signal<Out, bool>,
    pub f0_seg_last: Signal<Out, bool>,
    pub f0_done_valid: Signal<In, bool>,
    pub f0_done_ready: Signal<Out, bool>,
    pub f0_done_queue: Signal<In, Bits<16>>,
    pub f0_done_token: Signal<In, Bits<48>>,
    pub f0_in_order: Signal<Out, bool>,
    pub f0_done_len: Signal<In, Bits<32>>,
    pub f0_done_more: Signal<In, bool>,
    pub f0_features: Signal<Out, Bits<24>>,
    pub f1_features: Signal<Out, Bits<24>>,
    pub f1_in_order: Signal<Out, bool>,
    pub dma0: DmaServerPort,
    pub dma_unexpected: Signal<Out, bool>,
    pub dma_timeout: Signal<Out, bool>,
    pub dma_idle: Signal<Out, bool>,
    core: VirtioCard,
    store: crate::device::blk::BlkStoreBram,
}

impl VirtioCardBram {
    pub fn new(card: &CardConfig, blk: &BlkConfig) -> Self {
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
            f0_devcfg_valid: Default::default(),
            f0_devcfg_write: Default::default(),
            f0_devcfg_dw: Default::default(),
            f0_devcfg_be: Default::default(),
            f0_devcfg_wdata: Default::default(),
            f0_devcfg_done: Default::default(),
            f0_devcfg_rdata: Default::default(),
            f0_config_changed: Default::default(),
            f0_needs_reset: Default::default(),
            f0_queue_irq: Default::default(),
            f0_queue_irq_index: Default::default(),
            f0_idle: Default::default(),
            f0_resetting: Default::default(),
            f1_resetting: Default::default(),
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
            f0_seg_valid: Default::default(),
            f0_seg_ready: Default::default(),
            f0_seg_queue: Default::default(),
            f0_seg_token: Default::default(),
            f0_seg_addr: Default::default(),
            f0_seg_len: Default::default(),
            f0_seg_write: Default::default(),
            f0_seg_last: Default::default(),
            f0_done_valid: Default::default(),
            f0_done_ready: Default::default(),
            f0_done_queue: Default::default(),
            f0_done_token: Default::default(),
            f0_in_order: Default::default(),
            f0_done_len: Default::default(),
            f0_done_more: Default::default(),
            f0_features: Default::default(),
            f1_features: Default::default(),
            f1_in_order: Default::default(),
            dma0: Default::default(),
            dma_unexpected: Default::default(),
            dma_timeout: Default::default(),
            dma_idle: Default::default(),
            core: VirtioCard::new(card, blk),
            store: crate::device::blk::BlkStoreBram::new(blk.capacity),
        }
    }
}

impl Default for VirtioCardBram {
    fn default() -> Self {
        Self::new(&CardConfig::default(), &BlkConfig::default())
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
        self.f0_devcfg_valid.next = self.core.f0_devcfg_valid.val();
        self.f0_devcfg_write.next = self.core.f0_devcfg_write.val();
        self.f0_devcfg_dw.next = self.core.f0_devcfg_dw.val();
        self.f0_devcfg_be.next = self.core.f0_devcfg_be.val();
        self.f0_devcfg_wdata.next = self.core.f0_devcfg_wdata.val();
        self.core.f0_devcfg_done.next = self.f0_devcfg_done.val();
        self.core.f0_devcfg_rdata.next = self.f0_devcfg_rdata.val();
        self.core.f0_config_changed.next = self.f0_config_changed.val();
        self.core.f0_needs_reset.next = self.f0_needs_reset.val();
        self.core.f0_queue_irq.next = self.f0_queue_irq.val();
        self.core.f0_queue_irq_index.next = self.f0_queue_irq_index.val();
        self.core.f0_idle.next = self.f0_idle.val();
        self.f0_resetting.next = self.core.f0_resetting.val();
        self.f1_resetting.next = self.core.f1_resetting.val();
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
        self.f0_seg_valid.next = self.core.f0_seg_valid.val();
        self.core.f0_seg_ready.next = self.f0_seg_ready.val();
        self.f0_seg_queue.next = self.core.f0_seg_queue.val();
        self.f0_seg_token.next = self.core.f0_seg_token.val();
        self.f0_seg_addr.next = self.core.f0_seg_addr.val();
        self.f0_seg_len.next = self.core.f0_seg_len.val();
        self.f0_seg_write.next = self.core.f0_seg_write.val();
        self.f0_seg_last.next = self.core.f0_seg_last.val();
        self.core.f0_done_valid.next = self.f0_done_valid.val();
        self.f0_done_ready.next = self.core.f0_done_ready.val();
        self.core.f0_done_queue.next = self.f0_done_queue.val();
        self.core.f0_done_token.next = self.f0_done_token.val();
        self.f0_in_order.next = self.core.f0_in_order.val();
        self.core.f0_done_len.next = self.f0_done_len.val();
        self.core.f0_done_more.next = self.f0_done_more.val();
        self.f0_features.next = self.core.f0_features.val();
        self.f1_features.next = self.core.f1_features.val();
        self.f1_in_order.next = self.core.f1_in_order.val();
        DmaServerPort::link(&mut self.dma0, &mut self.core.dma0);
        self.dma_unexpected.next = self.core.dma_unexpected.val();
        self.dma_timeout.next = self.core.dma_timeout.val();
        self.dma_idle.next = self.core.dma_idle.val();
    }
}
