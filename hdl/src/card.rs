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
//! | `fN_config_changed`, `fN_needs_reset`, `fN_queue_irq`, `fN_queue_irq_index`, `fN_idle` | in | events from function N's data path and device |
//! | `fN_resetting`, `fN_queue_resetting`, `fN_queue_reset_index`, `fN_notify_*` | out | to function N's data path |
//! | `dma_rd_*`, `dma_wr_*` | in/out | the [`DmaEngine`]'s client channels (docs/ARCHITECTURE.md, "DMA engine") |
//! | `dma_unexpected`, `dma_timeout`, `dma_idle` | out | a completion dropped; a read ended by the completion timeout; nothing in flight |
//!
//! Received completions go to the DMA engine ([`RxRouter`]), everything else to the completer.
//! The `fN_` data-path ports and the DMA client channels are where the queue engine and the
//! devices (issues 4-6) attach; until then they are ports of the core so tests can play them.

use crate::dma::{DmaEngine, RxRouter};
use crate::tlp::{ConfigSpace, InterruptTx, RequestCompleter, TlpSink, TlpSource, TxArbiter};
use crate::transport::{CardConfig, VirtioPciFunction};
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
    pub dma_rd_req_valid: Signal<In, bool>,
    pub dma_rd_req_ready: Signal<Out, bool>,
    pub dma_rd_req_function: Signal<In, bool>,
    pub dma_rd_req_address: Signal<In, Bits<64>>,
    pub dma_rd_req_length: Signal<In, Bits<16>>,
    pub dma_rd_valid: Signal<Out, bool>,
    pub dma_rd_ready: Signal<In, bool>,
    pub dma_rd_data: Signal<Out, Bits<64>>,
    pub dma_rd_last: Signal<Out, bool>,
    pub dma_rd_error: Signal<Out, bool>,
    pub dma_wr_req_valid: Signal<In, bool>,
    pub dma_wr_req_ready: Signal<Out, bool>,
    pub dma_wr_req_function: Signal<In, bool>,
    pub dma_wr_req_address: Signal<In, Bits<64>>,
    pub dma_wr_req_length: Signal<In, Bits<16>>,
    pub dma_wr_valid: Signal<In, bool>,
    pub dma_wr_ready: Signal<Out, bool>,
    pub dma_wr_data: Signal<In, Bits<64>>,
    pub dma_wr_done: Signal<Out, bool>,
    pub dma_wr_error: Signal<Out, bool>,
    pub dma_unexpected: Signal<Out, bool>,
    pub dma_timeout: Signal<Out, bool>,
    pub dma_idle: Signal<Out, bool>,
    router: RxRouter,
    completer: RequestCompleter,
    dma: DmaEngine,
    requests: TxArbiter,
    config_space: ConfigSpace,
    f0: VirtioPciFunction,
    f1: VirtioPciFunction,
    interrupts: InterruptTx,
    arbiter: TxArbiter,
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
            dma_rd_req_valid: Default::default(),
            dma_rd_req_ready: Default::default(),
            dma_rd_req_function: Default::default(),
            dma_rd_req_address: Default::default(),
            dma_rd_req_length: Default::default(),
            dma_rd_valid: Default::default(),
            dma_rd_ready: Default::default(),
            dma_rd_data: Default::default(),
            dma_rd_last: Default::default(),
            dma_rd_error: Default::default(),
            dma_wr_req_valid: Default::default(),
            dma_wr_req_ready: Default::default(),
            dma_wr_req_function: Default::default(),
            dma_wr_req_address: Default::default(),
            dma_wr_req_length: Default::default(),
            dma_wr_valid: Default::default(),
            dma_wr_ready: Default::default(),
            dma_wr_data: Default::default(),
            dma_wr_done: Default::default(),
            dma_wr_error: Default::default(),
            dma_unexpected: Default::default(),
            dma_timeout: Default::default(),
            dma_idle: Default::default(),
            router: Default::default(),
            completer: Default::default(),
            dma: Default::default(),
            requests: Default::default(),
            config_space: ConfigSpace::new(card),
            f0: VirtioPciFunction::new(&card.functions[0], card.msix),
            f1: VirtioPciFunction::new(&card.functions[1], card.msix),
            interrupts: Default::default(),
            arbiter: Default::default(),
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

        // Receive path: completions to the DMA engine, everything else to the completer.
        TlpSink::link(&mut self.rx, &mut self.router.rx);
        TlpSource::join(&mut self.router.requests, &mut self.completer.rx);
        TlpSource::join(&mut self.router.completions, &mut self.dma.cpl);
        // Transmit path: the card's requests (DMA, interrupt messages) take turns, and they
        // take turns with the completions.
        TlpSource::join(&mut self.dma.tx, &mut self.requests.a);
        TlpSource::join(&mut self.interrupts.tx, &mut self.requests.b);
        TlpSource::join(&mut self.completer.tx, &mut self.arbiter.a);
        TlpSource::join(&mut self.requests.tx, &mut self.arbiter.b);
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
        self.dma.rd_req_valid.next = self.dma_rd_req_valid.val();
        self.dma_rd_req_ready.next = self.dma.rd_req_ready.val();
        self.dma.rd_req_function.next = self.dma_rd_req_function.val();
        self.dma.rd_req_address.next = self.dma_rd_req_address.val();
        self.dma.rd_req_length.next = self.dma_rd_req_length.val();
        self.dma_rd_valid.next = self.dma.rd_valid.val();
        self.dma.rd_ready.next = self.dma_rd_ready.val();
        self.dma_rd_data.next = self.dma.rd_data.val();
        self.dma_rd_last.next = self.dma.rd_last.val();
        self.dma_rd_error.next = self.dma.rd_error.val();
        self.dma.wr_req_valid.next = self.dma_wr_req_valid.val();
        self.dma_wr_req_ready.next = self.dma.wr_req_ready.val();
        self.dma.wr_req_function.next = self.dma_wr_req_function.val();
        self.dma.wr_req_address.next = self.dma_wr_req_address.val();
        self.dma.wr_req_length.next = self.dma_wr_req_length.val();
        self.dma.wr_valid.next = self.dma_wr_valid.val();
        self.dma_wr_ready.next = self.dma.wr_ready.val();
        self.dma.wr_data.next = self.dma_wr_data.val();
        self.dma_wr_done.next = self.dma.wr_done.val();
        self.dma_wr_error.next = self.dma.wr_error.val();
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
        self.f0.needs_reset.next = self.f0_needs_reset.val();
        self.f1.needs_reset.next = self.f1_needs_reset.val();
        self.f0.queue_irq.next = self.f0_queue_irq.val();
        self.f1.queue_irq.next = self.f1_queue_irq.val();
        self.f0.queue_irq_index.next = self.f0_queue_irq_index.val();
        self.f1.queue_irq_index.next = self.f1_queue_irq_index.val();
        self.f0.idle.next = self.f0_idle.val();
        self.f1.idle.next = self.f1_idle.val();
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
