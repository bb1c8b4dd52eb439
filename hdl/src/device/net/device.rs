//! [`NetDevice`]: the virtio-net device of a function: configuration ([`NetConfigSpace`]),
//! the queue split ([`NetQueueMux`]), transmit ([`NetTx`]), receive ([`NetRx`]) and control
//! ([`NetCtrl`]) engines, and their DMA channels on the function's one client port
//! ([`NetDmaMux`]). Tested at these ports (`net_device` top).
//!
//! Three [`SkidBuffer`]s cut the long paths between the device and the card core (for the
//! clock; each costs one cycle of latency and no throughput): `seg_slice` between the segment
//! port and the queue split (the engines' `seg_ready` through the split into the queue
//! engine's segment FIFO), `done_slice` between the queue mux's merged completion and `done_*`
//! (the engines' completion through the queue engine's used side and back was the card's
//! critical path), and `rd_slice` between the DMA port's read beats and the read routing (the
//! DMA engine's read data into the control engine's packer was). Their outputs are registers;
//! `seg_valid`, `done_ready` and `dma.rd_valid` reach no further than a slice, and `seg_ready`
//! is a register.
//!
//! Ports (one clock, `reset` synchronous):
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `resetting`, `queue_resetting`, `queue_reset_index` | in | the transport's resets (the receive caches are forgotten; see [`NetRx`]) |
//! | `devcfg_*`, `config_changed` | | the device-configuration window and its event ([`NetConfigSpace`]) |
//! | `link_up`, `announce` | in | the MAC side's link; a request for gratuitous packets |
//! | `csum_on`, `mrg_on`, `ctrl_vq_on`, `ctrl_rx_on`, `rx_extra_on`, `mac_addr_on`, `announce_on`, `mq_on`, `hash_report_on`, `rss_feat_on`, `guest_csum_on` | in | features negotiated (MQ or RSS for `mq_on`; RSS for `rss_feat_on`; GUEST_CSUM for `guest_csum_on`) |
//! | `seg_*`, `done_*` (with `done_more`), `idle`, `needs_reset`, `dma` | | the function's device ports (docs/ARCHITECTURE.md, "Packed-virtqueue engine") |
//! | `want[15:0]` | out | per queue: the queue engine may fetch its buffers (receive caches, [`NetRx`]) |
//! | `txf_*`, `rxf_*` | | the MAC-side frame ports ([`NetTx`], [`NetRx`]) |
//! | `tx_frames`, `tx_dropped`, `rx_frames`, `rx_drop_filter`, `rx_drop_nobuf`, `rx_drop_size` | out | counters |

use super::{NetConfig, NetConfigSpace, NetCtrl, NetDmaMux, NetQueueMux, NetRx, NetTx};
use crate::common::SkidBuffer;
use crate::dma::DmaClientPort;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct NetDevice {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub resetting: Signal<In, bool>,
    pub queue_resetting: Signal<In, bool>,
    pub queue_reset_index: Signal<In, Bits<16>>,
    pub devcfg_valid: Signal<In, bool>,
    pub devcfg_write: Signal<In, bool>,
    pub devcfg_dw: Signal<In, Bits<10>>,
    pub devcfg_be: Signal<In, Bits<4>>,
    pub devcfg_wdata: Signal<In, Bits<32>>,
    pub devcfg_done: Signal<Out, bool>,
    pub devcfg_rdata: Signal<Out, Bits<32>>,
    pub config_changed: Signal<Out, bool>,
    pub link_up: Signal<In, bool>,
    pub announce: Signal<In, bool>,
    pub csum_on: Signal<In, bool>,
    pub mrg_on: Signal<In, bool>,
    pub ctrl_vq_on: Signal<In, bool>,
    pub ctrl_rx_on: Signal<In, bool>,
    pub rx_extra_on: Signal<In, bool>,
    pub mac_addr_on: Signal<In, bool>,
    pub announce_on: Signal<In, bool>,
    pub mq_on: Signal<In, bool>,
    pub hash_report_on: Signal<In, bool>,
    pub rss_feat_on: Signal<In, bool>,
    pub guest_csum_on: Signal<In, bool>,
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
    pub want: Signal<Out, Bits<16>>,
    pub idle: Signal<Out, bool>,
    pub needs_reset: Signal<Out, bool>,
    pub txf_valid: Signal<Out, bool>,
    pub txf_ready: Signal<In, bool>,
    pub txf_data: Signal<Out, Bits<64>>,
    pub txf_bytes: Signal<Out, Bits<4>>,
    pub txf_last: Signal<Out, bool>,
    pub rxf_valid: Signal<In, bool>,
    pub rxf_ready: Signal<Out, bool>,
    pub rxf_data: Signal<In, Bits<64>>,
    pub rxf_bytes: Signal<In, Bits<4>>,
    pub rxf_last: Signal<In, bool>,
    pub rxf_err: Signal<In, bool>,
    pub tx_frames: Signal<Out, Bits<32>>,
    pub tx_dropped: Signal<Out, Bits<32>>,
    pub rx_frames: Signal<Out, Bits<32>>,
    pub rx_drop_filter: Signal<Out, Bits<32>>,
    pub rx_drop_nobuf: Signal<Out, Bits<32>>,
    pub rx_drop_size: Signal<Out, Bits<32>>,
    pub dma: DmaClientPort,
    cfgspace: NetConfigSpace,
    qmux: NetQueueMux,
    tx: NetTx,
    rx: NetRx,
    ctrl: NetCtrl,
    dmux: NetDmaMux,
    done_slice: SkidBuffer<Bits<97>>,
    rd_slice: SkidBuffer<Bits<66>>,
    seg_slice: SkidBuffer<Bits<162>>,
}

impl NetDevice {
    /// The net device on function `function` (its DMA requester ID).
    pub fn new(cfg: &NetConfig, function: bool) -> Self {
        NetDevice {
            clock: Default::default(),
            reset: Default::default(),
            resetting: Default::default(),
            queue_resetting: Default::default(),
            queue_reset_index: Default::default(),
            devcfg_valid: Default::default(),
            devcfg_write: Default::default(),
            devcfg_dw: Default::default(),
            devcfg_be: Default::default(),
            devcfg_wdata: Default::default(),
            devcfg_done: Default::default(),
            devcfg_rdata: Default::default(),
            config_changed: Default::default(),
            link_up: Default::default(),
            announce: Default::default(),
            csum_on: Default::default(),
            mrg_on: Default::default(),
            ctrl_vq_on: Default::default(),
            ctrl_rx_on: Default::default(),
            rx_extra_on: Default::default(),
            mac_addr_on: Default::default(),
            announce_on: Default::default(),
            mq_on: Default::default(),
            hash_report_on: Default::default(),
            rss_feat_on: Default::default(),
            guest_csum_on: Default::default(),
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
            want: Default::default(),
            idle: Default::default(),
            needs_reset: Default::default(),
            txf_valid: Default::default(),
            txf_ready: Default::default(),
            txf_data: Default::default(),
            txf_bytes: Default::default(),
            txf_last: Default::default(),
            rxf_valid: Default::default(),
            rxf_ready: Default::default(),
            rxf_data: Default::default(),
            rxf_bytes: Default::default(),
            rxf_last: Default::default(),
            rxf_err: Default::default(),
            tx_frames: Default::default(),
            tx_dropped: Default::default(),
            rx_frames: Default::default(),
            rx_drop_filter: Default::default(),
            rx_drop_nobuf: Default::default(),
            rx_drop_size: Default::default(),
            dma: Default::default(),
            cfgspace: NetConfigSpace::new(cfg),
            qmux: NetQueueMux::new(cfg.max_pairs),
            tx: NetTx::new(cfg),
            rx: NetRx::new(cfg),
            ctrl: NetCtrl::new(cfg, function),
            dmux: NetDmaMux::new(function),
            done_slice: Default::default(),
            rd_slice: Default::default(),
            seg_slice: Default::default(),
        }
    }
}

impl Default for NetDevice {
    fn default() -> Self {
        Self::new(&NetConfig::default(), false)
    }
}

impl Logic for NetDevice {
    #[hdl_gen]
    fn update(&mut self) {
        // configuration
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
        self.config_changed.next = self.cfgspace.config_changed.val();
        self.cfgspace.link_up.next = self.link_up.val();
        self.cfgspace.announce.next = self.announce.val();
        self.cfgspace.announce_ack.next = self.ctrl.announce_ack.val();
        self.cfgspace.mac_set.next = self.ctrl.mac_set.val();
        self.cfgspace.mac_set_value.next = self.ctrl.mac_set_value.val();

        // segments by queue
        self.qmux.clock.next = self.clock.val();
        self.qmux.reset.next = self.reset.val();
        self.qmux.mq_on.next = self.mq_on.val();
        self.qmux.ctrl_vq_on.next = self.ctrl_vq_on.val();
        self.qmux.seg_valid.next = self.seg_valid.val();
        self.qmux.seg_queue.next = self.seg_queue.val();
        self.qmux.seg_token.next = self.seg_token.val();
        self.qmux.seg_addr.next = self.seg_addr.val();
        self.qmux.seg_len.next = self.seg_len.val();
        self.qmux.seg_write.next = self.seg_write.val();
        self.qmux.seg_last.next = self.seg_last.val();
        self.seg_ready.next = self.qmux.seg_ready.val();
        self.seg_slice.clock.next = self.clock.val();
        self.seg_slice.reset.next = self.reset.val();
        self.seg_slice.sink.valid.next = self.qmux.seg_out_valid.val();
        self.qmux.seg_out_ready.next = self.seg_slice.sink.ready.val();
        self.seg_slice.sink.data.next = self.qmux.seg_out.val();
        self.qmux.seg_in_valid.next = self.seg_slice.source.valid.val();
        self.seg_slice.source.ready.next = self.qmux.seg_in_ready.val();
        self.qmux.seg_in.next = self.seg_slice.source.data.val();
        self.qmux.rx_ready.next = self.rx.seg_ready.val();
        self.qmux.tx_ready.next = self.tx.seg_ready.val();
        self.qmux.ctrl_ready.next = self.ctrl.seg_ready.val();

        self.tx.clock.next = self.clock.val();
        self.tx.reset.next = self.reset.val();
        self.tx.seg_valid.next = self.qmux.tx_valid.val();
        self.tx.seg_bad.next = self.qmux.tx_bad.val();
        self.tx.seg_queue.next = self.qmux.e_queue.val();
        self.tx.seg_token.next = self.qmux.e_token.val();
        self.tx.seg_addr.next = self.qmux.e_addr.val();
        self.tx.seg_len.next = self.qmux.e_len.val();
        self.tx.seg_write.next = self.qmux.e_write.val();
        self.tx.seg_last.next = self.qmux.e_last.val();
        self.tx.csum_on.next = self.csum_on.val();
        self.tx.hash_report_on.next = self.hash_report_on.val();
        self.txf_valid.next = self.tx.txf_valid.val();
        self.tx.txf_ready.next = self.txf_ready.val();
        self.txf_data.next = self.tx.txf_data.val();
        self.txf_bytes.next = self.tx.txf_bytes.val();
        self.txf_last.next = self.tx.txf_last.val();
        self.tx_frames.next = self.tx.frames.val();
        self.tx_dropped.next = self.tx.dropped.val();

        self.rx.clock.next = self.clock.val();
        self.rx.reset.next = self.reset.val();
        self.rx.resetting.next = self.resetting.val();
        self.rx.queue_resetting.next = self.queue_resetting.val();
        self.rx.queue_reset_index.next = self.queue_reset_index.val();
        self.rx.seg_valid.next = self.qmux.rx_valid.val();
        self.rx.seg_queue.next = self.qmux.e_queue.val();
        self.rx.seg_token.next = self.qmux.e_token.val();
        self.rx.seg_addr.next = self.qmux.e_addr.val();
        self.rx.seg_len.next = self.qmux.e_len.val();
        self.rx.seg_write.next = self.qmux.e_write.val();
        self.rx.seg_last.next = self.qmux.e_last.val();
        self.want.next = self.rx.want.val();
        self.rx.mrg_on.next = self.mrg_on.val();
        self.rx.hash_report_on.next = self.hash_report_on.val();
        self.rx.pairs.next = self.ctrl.pairs.val();
        self.rx.rss_on.next = self.ctrl.rss_on.val();
        self.rx.guest_csum_on.next = self.guest_csum_on.val();
        self.rx.hash_types.next = self.ctrl.hash_types.val();
        self.rx.hash_key.next = self.ctrl.hash_key.val();
        self.rx.rss_tab.next = self.ctrl.rss_tab.val();
        self.rx.rss_mask.next = self.ctrl.rss_mask.val();
        self.rx.rss_uncl.next = self.ctrl.rss_uncl.val();
        self.rx.mac.next = self.cfgspace.mac.val();
        self.rx.promisc.next = self.ctrl.promisc.val();
        self.rx.allmulti.next = self.ctrl.allmulti.val();
        self.rx.alluni.next = self.ctrl.alluni.val();
        self.rx.nomulti.next = self.ctrl.nomulti.val();
        self.rx.nouni.next = self.ctrl.nouni.val();
        self.rx.nobcast.next = self.ctrl.nobcast.val();
        self.rx.uni_over.next = self.ctrl.uni_over.val();
        self.rx.multi_over.next = self.ctrl.multi_over.val();
        self.rx.uc_n.next = self.ctrl.uc_n.val();
        self.rx.mc_n.next = self.ctrl.mc_n.val();
        self.rx.uc_tab.next = self.ctrl.uc_tab.val();
        self.rx.mc_tab.next = self.ctrl.mc_tab.val();
        self.rx.rxf_valid.next = self.rxf_valid.val();
        self.rxf_ready.next = self.rx.rxf_ready.val();
        self.rx.rxf_data.next = self.rxf_data.val();
        self.rx.rxf_bytes.next = self.rxf_bytes.val();
        self.rx.rxf_last.next = self.rxf_last.val();
        self.rx.rxf_err.next = self.rxf_err.val();
        self.rx_frames.next = self.rx.frames.val();
        self.rx_drop_filter.next = self.rx.drop_filter.val();
        self.rx_drop_nobuf.next = self.rx.drop_nobuf.val();
        self.rx_drop_size.next = self.rx.drop_size.val();

        self.ctrl.clock.next = self.clock.val();
        self.ctrl.reset.next = self.reset.val();
        self.ctrl.resetting.next = self.resetting.val();
        self.ctrl.seg_valid.next = self.qmux.ctrl_valid.val();
        self.ctrl.seg_queue.next = self.qmux.e_queue.val();
        self.ctrl.seg_token.next = self.qmux.e_token.val();
        self.ctrl.seg_addr.next = self.qmux.e_addr.val();
        self.ctrl.seg_len.next = self.qmux.e_len.val();
        self.ctrl.seg_write.next = self.qmux.e_write.val();
        self.ctrl.seg_last.next = self.qmux.e_last.val();
        self.ctrl.ctrl_rx_on.next = self.ctrl_rx_on.val();
        self.ctrl.rx_extra_on.next = self.rx_extra_on.val();
        self.ctrl.mac_addr_on.next = self.mac_addr_on.val();
        self.ctrl.announce_on.next = self.announce_on.val();
        self.ctrl.mq_on.next = self.mq_on.val();
        self.ctrl.rss_feat_on.next = self.rss_feat_on.val();
        self.ctrl.hash_report_on.next = self.hash_report_on.val();

        // completions
        self.qmux.rx_done_valid.next = self.rx.done_valid.val();
        self.rx.done_ready.next = self.qmux.rx_done_ready.val();
        self.qmux.rx_done_queue.next = self.rx.done_queue.val();
        self.qmux.rx_done_token.next = self.rx.done_token.val();
        self.qmux.rx_done_len.next = self.rx.done_len.val();
        self.qmux.rx_done_more.next = self.rx.done_more.val();
        self.qmux.tx_done_valid.next = self.tx.done_valid.val();
        self.tx.done_ready.next = self.qmux.tx_done_ready.val();
        self.qmux.tx_done_queue.next = self.tx.done_queue.val();
        self.qmux.tx_done_token.next = self.tx.done_token.val();
        self.qmux.ctrl_done_valid.next = self.ctrl.done_valid.val();
        self.ctrl.done_ready.next = self.qmux.ctrl_done_ready.val();
        self.qmux.ctrl_done_queue.next = self.ctrl.done_queue.val();
        self.qmux.ctrl_done_token.next = self.ctrl.done_token.val();
        self.qmux.ctrl_done_len.next = self.ctrl.done_len.val();
        self.done_slice.clock.next = self.clock.val();
        self.done_slice.reset.next = self.reset.val();
        self.done_slice.sink.valid.next = self.qmux.done_valid.val();
        self.qmux.done_ready.next = self.done_slice.sink.ready.val();
        self.done_slice.sink.data.next = self.qmux.done_item.val();
        self.done_valid.next = self.done_slice.source.valid.val();
        self.done_slice.source.ready.next = self.done_ready.val();
        self.done_queue.next = self.done_slice.source.data.val().get_bits::<16>(81);
        self.done_token.next = self.done_slice.source.data.val().get_bits::<48>(33);
        self.done_len.next = self.done_slice.source.data.val().get_bits::<32>(1);
        self.done_more.next = self.done_slice.source.data.val().get_bit(0);

        // DMA
        self.dmux.clock.next = self.clock.val();
        self.dmux.reset.next = self.reset.val();
        self.dmux.tx_rd_req_valid.next = self.tx.rd_req_valid.val();
        self.tx.rd_req_ready.next = self.dmux.tx_rd_req_ready.val();
        self.dmux.tx_rd_req_address.next = self.tx.rd_req_address.val();
        self.dmux.tx_rd_req_length.next = self.tx.rd_req_length.val();
        self.tx.rd_valid.next = self.dmux.tx_rd_valid.val();
        self.dmux.tx_rd_ready.next = self.tx.rd_ready.val();
        self.tx.rd_data.next = self.dmux.tx_rd_data.val();
        self.tx.rd_last.next = self.dmux.tx_rd_last.val();
        self.tx.rd_error.next = self.dmux.tx_rd_error.val();
        self.dmux.rx_wr_req_valid.next = self.rx.wr_req_valid.val();
        self.rx.wr_req_ready.next = self.dmux.rx_wr_req_ready.val();
        self.dmux.rx_wr_req_address.next = self.rx.wr_req_address.val();
        self.dmux.rx_wr_req_length.next = self.rx.wr_req_length.val();
        self.dmux.rx_wr_valid.next = self.rx.wr_valid.val();
        self.rx.wr_ready.next = self.dmux.rx_wr_ready.val();
        self.dmux.rx_wr_data.next = self.rx.wr_data.val();
        self.rx.wr_done.next = self.dmux.rx_wr_done.val();
        self.rx.wr_error.next = self.dmux.rx_wr_error.val();
        DmaClientPort::join(&mut self.ctrl.dma, &mut self.dmux.ctrl);
        DmaClientPort::link(&mut self.dma, &mut self.dmux.dma);
        self.rd_slice.clock.next = self.clock.val();
        self.rd_slice.reset.next = self.reset.val();
        self.rd_slice.sink.valid.next = self.dmux.beat_out_valid.val();
        self.dmux.beat_out_ready.next = self.rd_slice.sink.ready.val();
        self.rd_slice.sink.data.next = self.dmux.beat_out.val();
        self.dmux.beat_in_valid.next = self.rd_slice.source.valid.val();
        self.rd_slice.source.ready.next = self.dmux.beat_in_ready.val();
        self.dmux.beat_in.next = self.rd_slice.source.data.val();

        // A buffer handed over is the device's even while it waits in the slice: a reset must
        // not complete under it.
        self.idle.next = self.tx.idle.val()
            & self.rx.idle.val()
            & self.ctrl.idle.val()
            & !self.seg_slice.source.valid.val();
        self.needs_reset.next =
            self.tx.needs_reset.val() | self.rx.needs_reset.val() | self.ctrl.needs_reset.val();
    }
}
