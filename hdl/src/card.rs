//! [`Card`]: the card core, a simulation and synthesis top without PHY or data link layer. It
//! talks to the host only through the TLP streams `rx` and `tx` (docs/ARCHITECTURE.md).
//!
//! Inside: [`RxRouter`] and [`RequestCompleter`] (checks every received TLP, completes requests),
//! [`ConfigSpace`] (both functions' configuration space), one [`VirtioPciFunction`] per
//! function (BAR0: common configuration, ISR, notify, device-config window, MSI-X), and on
//! the way out [`InterruptTx`] and two [`TxArbiter`]s (the card's requests, DMA and interrupt
//! messages, take turns; then they and the completions take turns). [`DmaEngine`]: the card's
//! memory reads and writes. Build options: [`CardConfig`] (64-bit BAR0 and MSI-X by default; the QEMU proxy
//! build has a 32-bit BAR0 and no MSI-X).
//!
//! Ports besides the TLP streams:
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `link_up` | in | the data link layer is up; while low the core is held in reset (a link-down resets the function, PCIe 2.9.1) |
//! | `link_speed`, `link_width` | in | negotiated speed (1 = 2.5 GT/s) and width, shown in Link Status |
//! | `malformed`, `unsupported` | out | one-cycle pulses per dropped malformed TLP / Unsupported Request |
//! | `fN_command`, `fN_bar0`, `fN_device_control`, `fN_msix_control` | out | live configuration registers (Device Control holds MPS and MRRS for the DMA engine) |
//! | `fN_devcfg_*` | out/in | the device-configuration window of function N, served by its device ([`VirtioPciFunction`]) |
//! | `fN_config_changed`, `fN_needs_reset`, `fN_idle` | in | events from function N's device; `fN_idle`: the device holds no buffer |
//! | `fN_queue_irq`, `fN_queue_irq_index` | in | a used-buffer notification from outside the queue engine (the transport tests drive it); OR-ed with the engine's |
//! | `fN_resetting`, `fN_queue_resetting`, `fN_queue_reset_index`, `fN_notify_*` | out | to function N's data path |
//! | `fN_seg_*`, `fN_done_*` | out/in | function N's queue engine ([`PackedQueueEngine`]) to its device: buffers as segments, completions back |
//! | `fN_features` | out | the device feature bits negotiated on function N: bits 0-23 in `[23:0]`, bits 56-63 (virtio-net's RSS, HASH_REPORT, SPEED_DUPLEX) in `[31:24]` |
//! | `fN_queue_hold` | in | per queue: the device takes no more of that queue's buffers now (the queue engine's `hold`) |
//! | `fN_in_order` | out | IN_ORDER negotiated on function N: its device must complete each queue's buffers in the order it received them (the engine checks, PQ-18) |
//! | `dma0`, `dma1` | client port | the DMA port of function N's device (docs/ARCHITECTURE.md, "DMA engine") |
//! | `dma_unexpected`, `dma_timeout`, `dma_idle` | out | a completion dropped; a read ended by the completion timeout; nothing in flight |
//!
//! Received completions go to the DMA engine ([`RxRouter`]), everything else to the completer.
//! A [`DmaArbiter`] shares the DMA engine among both queue engines and both devices' ports.
//! The device ports are where virtio-net and virtio-blk attach (issues 5, 6); until then the
//! host model plays the devices.

use crate::dma::{DmaArbiter, DmaClientPort, DmaEngine, DmaServerPort, RxRouter};
use crate::tlp::{
    ConfigSpace, InterruptTx, RequestCompleter, TlpSink, TlpSlice, TlpSource, TxArbiter,
};
use crate::transport::{CardConfig, VirtioPciFunction};
use crate::virtqueue::PackedQueueEngine;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Card {
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
    pub f1_devcfg_valid: Signal<Out, bool>,
    pub f1_devcfg_write: Signal<Out, bool>,
    pub f1_devcfg_dw: Signal<Out, Bits<10>>,
    pub f1_devcfg_be: Signal<Out, Bits<4>>,
    pub f1_devcfg_wdata: Signal<Out, Bits<32>>,
    pub f1_devcfg_done: Signal<In, bool>,
    pub f1_devcfg_rdata: Signal<In, Bits<32>>,
    pub f0_config_changed: Signal<In, bool>,
    pub f1_config_changed: Signal<In, bool>,
    pub f0_needs_reset: Signal<In, bool>,
    pub f1_needs_reset: Signal<In, bool>,
    pub f0_queue_irq: Signal<In, bool>,
    pub f1_queue_irq: Signal<In, bool>,
    pub f0_queue_irq_index: Signal<In, Bits<16>>,
    pub f1_queue_irq_index: Signal<In, Bits<16>>,
    pub f0_idle: Signal<In, bool>,
    pub f1_idle: Signal<In, bool>,
    pub f0_queue_hold: Signal<In, Bits<16>>,
    pub f1_queue_hold: Signal<In, Bits<16>>,
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
    /// IN_ORDER negotiated: the device completes each queue's buffers in the order it got them.
    pub f0_in_order: Signal<Out, bool>,
    pub f0_done_len: Signal<In, Bits<32>>,
    /// The completion is not the last buffer of its request (PQ-15).
    pub f0_done_more: Signal<In, bool>,
    /// Device feature bits 0-23 negotiated on function N (what its device obeys).
    pub f0_features: Signal<Out, Bits<32>>,
    pub f1_features: Signal<Out, Bits<32>>,
    pub f1_seg_valid: Signal<Out, bool>,
    pub f1_seg_ready: Signal<In, bool>,
    pub f1_seg_queue: Signal<Out, Bits<16>>,
    pub f1_seg_token: Signal<Out, Bits<48>>,
    pub f1_seg_addr: Signal<Out, Bits<64>>,
    pub f1_seg_len: Signal<Out, Bits<32>>,
    pub f1_seg_write: Signal<Out, bool>,
    pub f1_seg_last: Signal<Out, bool>,
    pub f1_done_valid: Signal<In, bool>,
    pub f1_done_ready: Signal<Out, bool>,
    pub f1_done_queue: Signal<In, Bits<16>>,
    pub f1_done_token: Signal<In, Bits<48>>,
    /// IN_ORDER negotiated: the device completes each queue's buffers in the order it got them.
    pub f1_in_order: Signal<Out, bool>,
    pub f1_done_len: Signal<In, Bits<32>>,
    /// The completion is not the last buffer of its request (PQ-15).
    pub f1_done_more: Signal<In, bool>,
    /// The DMA port of function 0's device.
    pub dma0: DmaServerPort,
    /// The DMA port of function 1's device.
    pub dma1: DmaServerPort,
    pub dma_unexpected: Signal<Out, bool>,
    pub dma_timeout: Signal<Out, bool>,
    pub dma_idle: Signal<Out, bool>,
    router: RxRouter,
    completer: RequestCompleter,
    dma: DmaEngine,
    dma_arbiter: DmaArbiter,
    q0: PackedQueueEngine,
    q1: PackedQueueEngine,
    requests: TxArbiter,
    requests_slice: TlpSlice,
    config_space: ConfigSpace,
    f0: VirtioPciFunction,
    f1: VirtioPciFunction,
    interrupts: InterruptTx,
    arbiter: TxArbiter,
    /// Function N's `needs_reset`, a cycle late: the queue engine's error pulses come from
    /// far across the chip to the transport's interrupt logic (timing; a reset being carried
    /// out drops them, it clears DEVICE_NEEDS_RESET anyway).
    f0_nr: DFF<bool>,
    f1_nr: DFF<bool>,
    core_reset: Signal<Local, bool>,
}

impl Card {
    pub fn new(card: &CardConfig) -> Self {
        Card {
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
            f1_devcfg_valid: Default::default(),
            f1_devcfg_write: Default::default(),
            f1_devcfg_dw: Default::default(),
            f1_devcfg_be: Default::default(),
            f1_devcfg_wdata: Default::default(),
            f1_devcfg_done: Default::default(),
            f1_devcfg_rdata: Default::default(),
            f0_config_changed: Default::default(),
            f1_config_changed: Default::default(),
            f0_needs_reset: Default::default(),
            f1_needs_reset: Default::default(),
            f0_queue_irq: Default::default(),
            f1_queue_irq: Default::default(),
            f0_queue_irq_index: Default::default(),
            f1_queue_irq_index: Default::default(),
            f0_idle: Default::default(),
            f1_idle: Default::default(),
            f0_queue_hold: Default::default(),
            f1_queue_hold: Default::default(),
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
            f1_seg_valid: Default::default(),
            f1_seg_ready: Default::default(),
            f1_seg_queue: Default::default(),
            f1_seg_token: Default::default(),
            f1_seg_addr: Default::default(),
            f1_seg_len: Default::default(),
            f1_seg_write: Default::default(),
            f1_seg_last: Default::default(),
            f1_done_valid: Default::default(),
            f1_done_ready: Default::default(),
            f1_done_queue: Default::default(),
            f1_done_token: Default::default(),
            f1_in_order: Default::default(),
            f1_done_len: Default::default(),
            f1_done_more: Default::default(),
            dma0: Default::default(),
            dma1: Default::default(),
            dma_unexpected: Default::default(),
            dma_timeout: Default::default(),
            dma_idle: Default::default(),
            router: Default::default(),
            completer: Default::default(),
            dma: Default::default(),
            dma_arbiter: Default::default(),
            q0: PackedQueueEngine::new(card.functions[0].num_queues as usize, false),
            q1: PackedQueueEngine::new(card.functions[1].num_queues as usize, true),
            requests: Default::default(),
            requests_slice: Default::default(),
            config_space: ConfigSpace::new(card),
            f0: VirtioPciFunction::new(&card.functions[0], card.msix),
            f1: VirtioPciFunction::new(&card.functions[1], card.msix),
            interrupts: Default::default(),
            arbiter: Default::default(),
            f0_nr: Default::default(),
            f1_nr: Default::default(),
            core_reset: Default::default(),
        }
    }
}

impl Default for Card {
    fn default() -> Self {
        Self::new(&CardConfig::default())
    }
}

impl Logic for Card {
    #[hdl_gen]
    fn update(&mut self) {
        self.core_reset.next = self.reset.val() | (!self.link_up.val());
        self.completer.clock.next = self.clock.val();
        self.completer.reset.next = self.core_reset.val();
        self.config_space.clock.next = self.clock.val();
        self.config_space.reset.next = self.core_reset.val();
        self.f0.clock.next = self.clock.val();
        self.f0.reset.next = self.core_reset.val();
        self.f1.clock.next = self.clock.val();
        self.f1.reset.next = self.core_reset.val();
        self.interrupts.clock.next = self.clock.val();
        self.interrupts.reset.next = self.core_reset.val();
        self.arbiter.clock.next = self.clock.val();
        self.arbiter.reset.next = self.core_reset.val();

        self.router.clock.next = self.clock.val();
        self.router.reset.next = self.core_reset.val();
        self.dma.clock.next = self.clock.val();
        self.dma.reset.next = self.core_reset.val();
        self.requests.clock.next = self.clock.val();
        self.requests.reset.next = self.core_reset.val();
        self.requests_slice.clock.next = self.clock.val();
        self.requests_slice.reset.next = self.core_reset.val();

        // Receive path: completions to the DMA engine, everything else to the completer.
        TlpSink::link(&mut self.rx, &mut self.router.rx);
        TlpSource::join(&mut self.router.requests, &mut self.completer.rx);
        TlpSource::join(&mut self.router.completions, &mut self.dma.cpl);
        // Transmit path: the card's requests (DMA, interrupt messages) take turns, and they
        // take turns with the completions.
        TlpSource::join(&mut self.dma.tx, &mut self.requests.a);
        TlpSource::join(&mut self.interrupts.tx, &mut self.requests.b);
        TlpSource::join(&mut self.completer.tx, &mut self.arbiter.a);
        // A register slice after the requests are merged: their ready chain ends here, and a
        // TLP that entered it is ordered before any later request (wr_done's promise).
        TlpSource::join(&mut self.requests.tx, &mut self.requests_slice.rx);
        TlpSource::join(&mut self.requests_slice.tx, &mut self.arbiter.b);
        TlpSource::link(&mut self.tx, &mut self.arbiter.tx);

        // The DMA engine; its client ports are ports of the core until the queue engine
        // (issue 4, next step) takes them.
        self.dma.bus_device.next = self.completer.requester.val().get_bits::<13>(19);
        self.dma.f0_bus_master.next = self.config_space.f0_command.val().get_bit(2);
        self.dma.f1_bus_master.next = self.config_space.f1_command.val().get_bit(2);
        self.dma.f0_read_256.next = self
            .config_space
            .f0_device_control
            .val()
            .get_bits::<3>(12)
            .any();
        self.dma.f1_read_256.next = self
            .config_space
            .f1_device_control
            .val()
            .get_bits::<3>(12)
            .any();
        self.dma.f0_write_256.next = self
            .config_space
            .f0_device_control
            .val()
            .get_bits::<3>(5)
            .any();
        self.dma.f1_write_256.next = self
            .config_space
            .f1_device_control
            .val()
            .get_bits::<3>(5)
            .any();
        // Four clients share the DMA engine: the queue engines, then the devices' ports.
        self.dma_arbiter.clock.next = self.clock.val();
        self.dma_arbiter.reset.next = self.core_reset.val();
        DmaClientPort::join(&mut self.dma_arbiter.engine, &mut self.dma.client);
        DmaClientPort::join(&mut self.q0.dma, &mut self.dma_arbiter.c0);
        DmaClientPort::join(&mut self.q1.dma, &mut self.dma_arbiter.c1);
        DmaServerPort::link(&mut self.dma0, &mut self.dma_arbiter.c2);
        DmaServerPort::link(&mut self.dma1, &mut self.dma_arbiter.c3);

        // The queue engines, between each function's transport and its device.
        self.q0.clock.next = self.clock.val();
        self.q0.reset.next = self.core_reset.val();
        self.q1.clock.next = self.clock.val();
        self.q1.reset.next = self.core_reset.val();
        self.q0.running.next = self.f0.running.val();
        self.q0.resetting.next = self.f0.resetting.val();
        self.q0.queue_resetting.next = self.f0.queue_resetting.val();
        self.q0.queue_reset_index.next = self.f0.queue_reset_index.val();
        self.q0.q_enables.next = self.f0.q_enables.val();
        self.q0.indirect_on.next = self.f0.indirect_on.val();
        self.q0.event_idx_on.next = self.f0.event_idx_on.val();
        self.q0.in_order_on.next = self.f0.in_order_on.val();
        self.f0_in_order.next = self.f0.in_order_on.val();
        self.f0_features.next = self.f0.device_features_on.val();
        self.q0.notify_valid.next = self.f0.notify_valid.val();
        self.q0.notify_queue.next = self.f0.notify_queue.val();
        self.f0.qa_index.next = self.q0.qa_index.val();
        self.q0.qa_size.next = self.f0.qa_size.val();
        self.q0.qa_desc.next = self.f0.qa_desc.val();
        self.f0.qb_index.next = self.q0.qb_index.val();
        self.q0.qb_size.next = self.f0.qb_size.val();
        self.q0.qb_desc.next = self.f0.qb_desc.val();
        self.q0.qb_driver.next = self.f0.qb_driver.val();
        self.f0_seg_valid.next = self.q0.seg_valid.val();
        self.q0.seg_ready.next = self.f0_seg_ready.val();
        self.f0_seg_queue.next = self.q0.seg_queue.val();
        self.f0_seg_token.next = self.q0.seg_token.val();
        self.f0_seg_addr.next = self.q0.seg_addr.val();
        self.f0_seg_len.next = self.q0.seg_len.val();
        self.f0_seg_write.next = self.q0.seg_write.val();
        self.f0_seg_last.next = self.q0.seg_last.val();
        self.q0.done_valid.next = self.f0_done_valid.val();
        self.f0_done_ready.next = self.q0.done_ready.val();
        self.q0.done_queue.next = self.f0_done_queue.val();
        self.q0.done_token.next = self.f0_done_token.val();
        self.q0.done_len.next = self.f0_done_len.val();
        self.q0.done_more.next = self.f0_done_more.val();
        self.q0.device_idle.next = self.f0_idle.val();
        self.q0.hold.next = self.f0_queue_hold.val();
        self.q1.running.next = self.f1.running.val();
        self.q1.resetting.next = self.f1.resetting.val();
        self.q1.queue_resetting.next = self.f1.queue_resetting.val();
        self.q1.queue_reset_index.next = self.f1.queue_reset_index.val();
        self.q1.q_enables.next = self.f1.q_enables.val();
        self.q1.indirect_on.next = self.f1.indirect_on.val();
        self.q1.event_idx_on.next = self.f1.event_idx_on.val();
        self.q1.in_order_on.next = self.f1.in_order_on.val();
        self.f1_in_order.next = self.f1.in_order_on.val();
        self.f1_features.next = self.f1.device_features_on.val();
        self.q1.notify_valid.next = self.f1.notify_valid.val();
        self.q1.notify_queue.next = self.f1.notify_queue.val();
        self.f1.qa_index.next = self.q1.qa_index.val();
        self.q1.qa_size.next = self.f1.qa_size.val();
        self.q1.qa_desc.next = self.f1.qa_desc.val();
        self.f1.qb_index.next = self.q1.qb_index.val();
        self.q1.qb_size.next = self.f1.qb_size.val();
        self.q1.qb_desc.next = self.f1.qb_desc.val();
        self.q1.qb_driver.next = self.f1.qb_driver.val();
        self.f1_seg_valid.next = self.q1.seg_valid.val();
        self.q1.seg_ready.next = self.f1_seg_ready.val();
        self.f1_seg_queue.next = self.q1.seg_queue.val();
        self.f1_seg_token.next = self.q1.seg_token.val();
        self.f1_seg_addr.next = self.q1.seg_addr.val();
        self.f1_seg_len.next = self.q1.seg_len.val();
        self.f1_seg_write.next = self.q1.seg_write.val();
        self.f1_seg_last.next = self.q1.seg_last.val();
        self.q1.done_valid.next = self.f1_done_valid.val();
        self.f1_done_ready.next = self.q1.done_ready.val();
        self.q1.done_queue.next = self.f1_done_queue.val();
        self.q1.done_token.next = self.f1_done_token.val();
        self.q1.done_len.next = self.f1_done_len.val();
        self.q1.done_more.next = self.f1_done_more.val();
        self.q1.device_idle.next = self.f1_idle.val();
        self.q1.hold.next = self.f1_queue_hold.val();
        self.dma_unexpected.next = self.dma.unexpected.val();
        self.dma_timeout.next = self.dma.timeout.val();
        self.dma_idle.next = self.dma.idle.val();

        // Configuration requests.
        self.config_space.access_valid.next = self.completer.cfg_valid.val();
        self.config_space.access_write.next = self.completer.cfg_write.val();
        self.config_space.access_function.next = self.completer.cfg_function.val();
        self.config_space.access_dw.next = self.completer.cfg_dw.val();
        self.config_space.access_be.next = self.completer.cfg_be.val();
        self.config_space.access_wdata.next = self.completer.cfg_wdata.val();
        self.completer.cfg_read_data.next = self.config_space.read_data.val();
        self.config_space.f0_status_set.next = self.completer.f0_status_set.val();
        self.config_space.f1_status_set.next = self.completer.f1_status_set.val();
        self.config_space.f0_device_status_set.next = self.completer.f0_device_status_set.val();
        self.config_space.f1_device_status_set.next = self.completer.f1_device_status_set.val();
        self.config_space.f0_interrupt_status.next = self.f0.interrupt_status.val();
        self.config_space.f1_interrupt_status.next = self.f1.interrupt_status.val();
        self.config_space.link_speed.next = self.link_speed.val();
        self.config_space.link_width.next = self.link_width.val();
        self.completer.f0_memory_enable.next = self.config_space.f0_command.val().get_bit(1);
        self.completer.f1_memory_enable.next = self.config_space.f1_command.val().get_bit(1);
        self.completer.f0_bar0.next = self.config_space.f0_bar0.val();
        self.completer.f1_bar0.next = self.config_space.f1_bar0.val();
        self.completer.f0_pci_cfg_bar.next = self.config_space.f0_pci_cfg_bar.val();
        self.completer.f1_pci_cfg_bar.next = self.config_space.f1_pci_cfg_bar.val();
        self.completer.f0_pci_cfg_offset.next = self.config_space.f0_pci_cfg_offset.val();
        self.completer.f1_pci_cfg_offset.next = self.config_space.f1_pci_cfg_offset.val();
        self.completer.f0_pci_cfg_length.next = self.config_space.f0_pci_cfg_length.val();
        self.completer.f1_pci_cfg_length.next = self.config_space.f1_pci_cfg_length.val();

        // BAR0 register bus: the strobe goes to the function addressed, the answer comes back
        // from it (only one access is ever outstanding).
        self.f0.reg_valid.next =
            self.completer.reg_valid.val() & (!self.completer.reg_function.val());
        self.f1.reg_valid.next = self.completer.reg_valid.val() & self.completer.reg_function.val();
        self.f0.reg_write.next = self.completer.reg_write.val();
        self.f1.reg_write.next = self.completer.reg_write.val();
        self.f0.reg_dw.next = self.completer.reg_dw.val();
        self.f1.reg_dw.next = self.completer.reg_dw.val();
        self.f0.reg_be.next = self.completer.reg_be.val();
        self.f1.reg_be.next = self.completer.reg_be.val();
        self.f0.reg_wdata.next = self.completer.reg_wdata.val();
        self.f1.reg_wdata.next = self.completer.reg_wdata.val();
        self.completer.reg_done.next = self.f0.reg_done.val() | self.f1.reg_done.val();
        self.completer.reg_rdata.next = self.f0.reg_rdata.val();
        if self.f1.reg_done.val() {
            self.completer.reg_rdata.next = self.f1.reg_rdata.val();
        }

        // Live configuration bits each function needs.
        self.f0.bus_master.next = self.config_space.f0_command.val().get_bit(2);
        self.f1.bus_master.next = self.config_space.f1_command.val().get_bit(2);
        self.f0.intx_disable.next = self.config_space.f0_command.val().get_bit(10);
        self.f1.intx_disable.next = self.config_space.f1_command.val().get_bit(10);
        self.f0.msix_enable.next = self.config_space.f0_msix_control.val().get_bit(15);
        self.f1.msix_enable.next = self.config_space.f1_msix_control.val().get_bit(15);
        self.f0.msix_function_mask.next = self.config_space.f0_msix_control.val().get_bit(14);
        self.f1.msix_function_mask.next = self.config_space.f1_msix_control.val().get_bit(14);

        // Interrupt messages.
        self.interrupts.requester.next = self.completer.requester.val();
        self.interrupts.f0_msg_valid.next = self.f0.msg_valid.val();
        self.interrupts.f0_msg_intx.next = self.f0.msg_intx.val();
        self.interrupts.f0_msg_assert.next = self.f0.msg_assert.val();
        self.interrupts.f0_msg_address.next = self.f0.msg_address.val();
        self.interrupts.f0_msg_data.next = self.f0.msg_data.val();
        self.f0.msg_ready.next = self.interrupts.f0_msg_ready.val();
        self.interrupts.f1_msg_valid.next = self.f1.msg_valid.val();
        self.interrupts.f1_msg_intx.next = self.f1.msg_intx.val();
        self.interrupts.f1_msg_assert.next = self.f1.msg_assert.val();
        self.interrupts.f1_msg_address.next = self.f1.msg_address.val();
        self.interrupts.f1_msg_data.next = self.f1.msg_data.val();
        self.f1.msg_ready.next = self.interrupts.f1_msg_ready.val();

        // Device and data-path ports of each function.
        self.f0_devcfg_valid.next = self.f0.devcfg_valid.val();
        self.f0_devcfg_write.next = self.f0.devcfg_write.val();
        self.f0_devcfg_dw.next = self.f0.devcfg_dw.val();
        self.f0_devcfg_be.next = self.f0.devcfg_be.val();
        self.f0_devcfg_wdata.next = self.f0.devcfg_wdata.val();
        self.f0.devcfg_done.next = self.f0_devcfg_done.val();
        self.f0.devcfg_rdata.next = self.f0_devcfg_rdata.val();
        self.f1_devcfg_valid.next = self.f1.devcfg_valid.val();
        self.f1_devcfg_write.next = self.f1.devcfg_write.val();
        self.f1_devcfg_dw.next = self.f1.devcfg_dw.val();
        self.f1_devcfg_be.next = self.f1.devcfg_be.val();
        self.f1_devcfg_wdata.next = self.f1.devcfg_wdata.val();
        self.f1.devcfg_done.next = self.f1_devcfg_done.val();
        self.f1.devcfg_rdata.next = self.f1_devcfg_rdata.val();
        self.f0.config_changed.next = self.f0_config_changed.val();
        self.f1.config_changed.next = self.f1_config_changed.val();
        self.f0_nr.clock.next = self.clock.val();
        self.f1_nr.clock.next = self.clock.val();
        self.f0_nr.d.next = (self.f0_needs_reset.val() | self.q0.needs_reset.val())
            & !self.f0.resetting.val()
            & !self.core_reset.val();
        self.f1_nr.d.next = (self.f1_needs_reset.val() | self.q1.needs_reset.val())
            & !self.f1.resetting.val()
            & !self.core_reset.val();
        self.f0.needs_reset.next = self.f0_nr.q.val();
        self.f1.needs_reset.next = self.f1_nr.q.val();
        self.f0.queue_irq.next = self.f0_queue_irq.val() | self.q0.queue_irq.val();
        self.f1.queue_irq.next = self.f1_queue_irq.val() | self.q1.queue_irq.val();
        self.f0.queue_irq_index.next = self.f0_queue_irq_index.val();
        if self.q0.queue_irq.val() {
            self.f0.queue_irq_index.next = self.q0.queue_irq_index.val();
        }
        self.f1.queue_irq_index.next = self.f1_queue_irq_index.val();
        if self.q1.queue_irq.val() {
            self.f1.queue_irq_index.next = self.q1.queue_irq_index.val();
        }
        self.f0.idle.next = self.q0.idle.val();
        self.f1.idle.next = self.q1.idle.val();
        self.f0_resetting.next = self.f0.resetting.val();
        self.f1_resetting.next = self.f1.resetting.val();
        self.f0_queue_resetting.next = self.f0.queue_resetting.val();
        self.f1_queue_resetting.next = self.f1.queue_resetting.val();
        self.f0_queue_reset_index.next = self.f0.queue_reset_index.val();
        self.f1_queue_reset_index.next = self.f1.queue_reset_index.val();
        self.f0_notify_valid.next = self.f0.notify_valid.val();
        self.f1_notify_valid.next = self.f1.notify_valid.val();
        self.f0_notify_queue.next = self.f0.notify_queue.val();
        self.f1_notify_queue.next = self.f1.notify_queue.val();
        self.f0_notify_next.next = self.f0.notify_next.val();
        self.f1_notify_next.next = self.f1.notify_next.val();

        self.malformed.next = self.completer.malformed.val();
        self.unsupported.next = self.completer.unsupported.val();
        self.f0_command.next = self.config_space.f0_command.val();
        self.f1_command.next = self.config_space.f1_command.val();
        self.f0_bar0.next = self.config_space.f0_bar0.val();
        self.f1_bar0.next = self.config_space.f1_bar0.val();
        self.f0_device_control.next = self.config_space.f0_device_control.val();
        self.f1_device_control.next = self.config_space.f1_device_control.val();
        self.f0_msix_control.next = self.config_space.f0_msix_control.val();
        self.f1_msix_control.next = self.config_space.f1_msix_control.val();
    }
}
