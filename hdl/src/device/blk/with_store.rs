//! [`BlkDeviceBram`]: [`BlkDevice`] with its store in block RAM ([`BlkStoreBram`], `capacity`
//! sectors): the blk device as the board build carries it, and the `blk_device` simulation top
//! the device tests drive. Ports: [`BlkDevice`]'s, without the storage port.

use super::device::BlkDevice;
use super::store::StoreClientPort;
use super::store_bram::BlkStoreBram;
use super::BlkConfig;
use crate::dma::DmaClientPort;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct BlkDeviceBram {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub resetting: Signal<In, bool>,
    pub devcfg_valid: Signal<In, bool>,
    pub devcfg_write: Signal<In, bool>,
    pub devcfg_dw: Signal<In, Bits<10>>,
    pub devcfg_be: Signal<In, Bits<4>>,
    pub devcfg_wdata: Signal<In, Bits<32>>,
    pub devcfg_done: Signal<Out, bool>,
    pub devcfg_rdata: Signal<Out, Bits<32>>,
    pub flush_on: Signal<In, bool>,
    pub wce_on: Signal<In, bool>,
    pub discard_on: Signal<In, bool>,
    pub write_zeroes_on: Signal<In, bool>,
    pub secure_erase_on: Signal<In, bool>,
    pub lifetime_on: Signal<In, bool>,
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
    pub done_more: Signal<Out, bool>,
    pub idle: Signal<Out, bool>,
    pub needs_reset: Signal<Out, bool>,
    pub dma: DmaClientPort,
    device: BlkDevice,
    store: BlkStoreBram,
}

impl BlkDeviceBram {
    pub fn new(cfg: &BlkConfig, function: bool) -> Self {
        BlkDeviceBram {
            clock: Default::default(),
            reset: Default::default(),
            resetting: Default::default(),
            devcfg_valid: Default::default(),
            devcfg_write: Default::default(),
            devcfg_dw: Default::default(),
            devcfg_be: Default::default(),
            devcfg_wdata: Default::default(),
            devcfg_done: Default::default(),
            devcfg_rdata: Default::default(),
            flush_on: Default::default(),
            wce_on: Default::default(),
            discard_on: Default::default(),
            write_zeroes_on: Default::default(),
            secure_erase_on: Default::default(),
            lifetime_on: Default::default(),
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
            done_more: Default::default(),
            idle: Default::default(),
            needs_reset: Default::default(),
            dma: Default::default(),
            device: BlkDevice::new(cfg, function),
            store: BlkStoreBram::new(cfg.capacity),
        }
    }
}

impl Default for BlkDeviceBram {
    fn default() -> Self {
        Self::new(&BlkConfig::default(), true)
    }
}

impl Logic for BlkDeviceBram {
    #[hdl_gen]
    fn update(&mut self) {
        self.store.clock.next = self.clock.val();
        self.store.reset.next = self.reset.val();
        StoreClientPort::join(&mut self.device.st, &mut self.store.st);
        DmaClientPort::link(&mut self.dma, &mut self.device.dma);
        self.device.clock.next = self.clock.val();
        self.device.reset.next = self.reset.val();
        self.device.resetting.next = self.resetting.val();
        self.device.devcfg_valid.next = self.devcfg_valid.val();
        self.device.devcfg_write.next = self.devcfg_write.val();
        self.device.devcfg_dw.next = self.devcfg_dw.val();
        self.device.devcfg_be.next = self.devcfg_be.val();
        self.device.devcfg_wdata.next = self.devcfg_wdata.val();
        self.devcfg_done.next = self.device.devcfg_done.val();
        self.devcfg_rdata.next = self.device.devcfg_rdata.val();
        self.device.flush_on.next = self.flush_on.val();
        self.device.wce_on.next = self.wce_on.val();
        self.device.discard_on.next = self.discard_on.val();
        self.device.write_zeroes_on.next = self.write_zeroes_on.val();
        self.device.secure_erase_on.next = self.secure_erase_on.val();
        self.device.lifetime_on.next = self.lifetime_on.val();
        self.device.seg_valid.next = self.seg_valid.val();
        self.seg_ready.next = self.device.seg_ready.val();
        self.device.seg_queue.next = self.seg_queue.val();
        self.device.seg_token.next = self.seg_token.val();
        self.device.seg_addr.next = self.seg_addr.val();
        self.device.seg_len.next = self.seg_len.val();
        self.device.seg_write.next = self.seg_write.val();
        self.device.seg_last.next = self.seg_last.val();
        self.done_valid.next = self.device.done_valid.val();
        self.device.done_ready.next = self.done_ready.val();
        self.done_queue.next = self.device.done_queue.val();
        self.done_token.next = self.device.done_token.val();
        self.done_len.next = self.device.done_len.val();
        self.done_more.next = self.device.done_more.val();
        self.idle.next = self.device.idle.val();
        self.needs_reset.next = self.device.needs_reset.val();
    }
}
