//! [`Card`]: the card core, a simulation and synthesis top without PHY or data link layer. It
//! talks to the outside only through the TLP streams `rx` and `tx` (docs/ARCHITECTURE.md).
//!
//! Today (issue 3 in progress) it answers configuration requests for both functions through
//! [`ConfigSpace`] and everything else non-posted with Unsupported Request
//! ([`RequestCompleter`]). Build options: [`CardConfig`] (64-bit BAR0 and MSI-X by default;
//! the QEMU proxy build has a 32-bit BAR0 and no MSI-X).

use crate::common::bits;
use crate::tlp::{ConfigSpace, RequestCompleter, TlpSink, TlpSource};
use crate::transport::CardConfig;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Card {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub rx: TlpSink,
    pub tx: TlpSource,
    /// One-cycle pulse: a malformed TLP was dropped (for counters and tests).
    pub malformed: Signal<Out, bool>,
    /// One-cycle pulse: a request was answered with Unsupported Request.
    pub unsupported: Signal<Out, bool>,
    /// Live configuration registers of each function (the transport will use them; tests
    /// read them): Command, BAR0, PCIe Device Control, MSI-X Message Control.
    pub f0_command: Signal<Out, Bits<16>>,
    pub f1_command: Signal<Out, Bits<16>>,
    pub f0_bar0: Signal<Out, Bits<64>>,
    pub f1_bar0: Signal<Out, Bits<64>>,
    pub f0_device_control: Signal<Out, Bits<16>>,
    pub f1_device_control: Signal<Out, Bits<16>>,
    pub f0_msix_control: Signal<Out, Bits<16>>,
    pub f1_msix_control: Signal<Out, Bits<16>>,
    completer: RequestCompleter,
    config_space: ConfigSpace,
    no_bits: Constant<Bits<16>>,
}

impl Card {
    pub fn new(card: &CardConfig) -> Self {
        Card {
            clock: Default::default(),
            reset: Default::default(),
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
            completer: Default::default(),
            config_space: ConfigSpace::new(card),
            no_bits: bits(0),
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
        self.completer.clock.next = self.clock.val();
        self.completer.reset.next = self.reset.val();
        self.config_space.clock.next = self.clock.val();
        self.config_space.reset.next = self.reset.val();
        TlpSink::link(&mut self.rx, &mut self.completer.rx);
        TlpSource::link(&mut self.tx, &mut self.completer.tx);
        self.config_space.access_valid.next = self.completer.cfg_valid.val();
        self.config_space.access_write.next = self.completer.cfg_write.val();
        self.config_space.access_function.next = self.completer.cfg_function.val();
        self.config_space.access_dw.next = self.completer.cfg_dw.val();
        self.config_space.access_be.next = self.completer.cfg_be.val();
        self.config_space.access_wdata.next = self.completer.cfg_wdata.val();
        self.completer.cfg_read_data.next = self.config_space.read_data.val();
        self.config_space.f0_status_set.next = self.no_bits.val();
        self.config_space.f1_status_set.next = self.no_bits.val();
        self.config_space.f0_device_status_set.next = self.no_bits.val();
        self.config_space.f1_device_status_set.next = self.no_bits.val();
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
