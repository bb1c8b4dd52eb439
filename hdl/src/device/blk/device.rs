//! [`BlkDevice`]: the virtio-blk device of a function: [`BlkConfigSpace`] and [`BlkRequest`],
//! with the storage port ([`StoreClientPort`]) left out for a store ([`super::BlkStoreBram`]
//! on the board, the Rust file store in simulation).
//!
//! Ports (one clock, `reset` synchronous):
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `resetting` | in | the function's device reset is pending (the `writeback` byte returns to its reset value) |
//! | `devcfg_*` | in/out | the device-configuration window ([`BlkConfigSpace`]) |
//! | `flush_on`, `wce_on`, `discard_on`, `write_zeroes_on`, `secure_erase_on`, `lifetime_on` | in | device features negotiated |
//! | `seg_*`, `done_*`, `idle`, `needs_reset`, `dma` | | the request engine's ([`BlkRequest`]) |
//! | `st` | client | the storage port |

use super::config::BlkConfigSpace;
use super::request::BlkRequest;
use super::store::StoreClientPort;
use super::BlkConfig;
use crate::dma::DmaClientPort;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct BlkDevice {
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
    pub st: StoreClientPort,
    cfgspace: BlkConfigSpace,
    request: BlkRequest,
}

impl BlkDevice {
    /// The blk device on function `function` (its DMA requester ID).
    pub fn new(cfg: &BlkConfig, function: bool) -> Self {
        BlkDevice {
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
            st: Default::default(),
            cfgspace: BlkConfigSpace::new(cfg),
            request: BlkRequest::new(cfg, function),
        }
    }
}

impl Default for BlkDevice {
    fn default() -> Self {
        Self::new(&BlkConfig::default(), true)
    }
}

impl Logic for BlkDevice {
    #[hdl_gen]
    fn update(&mut self) {
        self.cfgspace.clock.next = self.clock.val();
        self.cfgspace.reset.next = self.reset.val();
        self.cfgspace.resetting.next = self.resetting.val();
        self.cfgspace.devcfg_valid.next = self.devcfg_valid.val();
        self.cfgspace.devcfg_write.next = self.devcfg_write.val();
        self.cfgspace.devcfg_dw.next = self.devcfg_dw.val();
        self.cfgspace.devcfg_be.next = self.devcfg_be.val();
        self.cfgspace.devcfg_wdata.next = self.devcfg_wdata.val();
        self.devcfg_done.next = self.cfgspace.devcfg_done.val();
        self.devcfg_rdata.next = self.cfgspace.devcfg_rdata.val();
        self.cfgspace.wce_on.next = self.wce_on.val();
        self.cfgspace.flush_on.next = self.flush_on.val();

        self.request.clock.next = self.clock.val();
        self.request.reset.next = self.reset.val();
        self.request.flush_on.next = self.flush_on.val();
        self.request.discard_on.next = self.discard_on.val();
        self.request.write_zeroes_on.next = self.write_zeroes_on.val();
        self.request.secure_erase_on.next = self.secure_erase_on.val();
        self.request.lifetime_on.next = self.lifetime_on.val();
        self.request.writeback.next = self.cfgspace.writeback.val();
        self.request.seg_valid.next = self.seg_valid.val();
        self.seg_ready.next = self.request.seg_ready.val();
        self.request.seg_queue.next = self.seg_queue.val();
        self.request.seg_token.next = self.seg_token.val();
        self.request.seg_addr.next = self.seg_addr.val();
        self.request.seg_len.next = self.seg_len.val();
        self.request.seg_write.next = self.seg_write.val();
        self.request.seg_last.next = self.seg_last.val();
        self.done_valid.next = self.request.done_valid.val();
        self.request.done_ready.next = self.done_ready.val();
        self.done_queue.next = self.request.done_queue.val();
        self.done_token.next = self.request.done_token.val();
        self.done_len.next = self.request.done_len.val();
        self.done_more.next = self.request.done_more.val();
        self.idle.next = self.request.idle.val();
        self.needs_reset.next = self.request.needs_reset.val();
        DmaClientPort::link(&mut self.dma, &mut self.request.dma);
        StoreClientPort::link(&mut self.st, &mut self.request.st);
    }
}
