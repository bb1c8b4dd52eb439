//! [`MdioLink`]: the link state of an Ethernet PHY over MDIO (IEEE 802.3 clause 22). It reads
//! the PHY's Basic Mode Status Register (register 1) again and again and shows its Link
//! Status bit (bit 2) as `link_up`. BMSR's link bit latches low, so a link that dropped
//! between two reads shows down for one read; the read after shows the present state.
//!
//! Interface (one clock; `reset` synchronous):
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `mdc` | out | the management clock: `half_period` cycles low, as many high (125 MHz / 64 = 1.95 MHz by default, under clause 22's 2.5 MHz) |
//! | `mdio_o`, `mdio_oe`, `mdio_i` | out/out/in | the bidirectional MDIO line, split for the pad (the board top's tristate buffer); the master changes its bits while MDC is low and samples the PHY's at MDC's rising edge |
//! | `link_up` | out | BMSR bit 2 of the last read (low after reset until the first read; low when the read gave 0xffff: no PHY answered, the line stayed at its pull-up) |
//! | `bmsr[15:0]`, `reads` | out | the last value read; reads done |
//!
//! Build parameters: the PHY's address, the MDC half period, and the cycles between reads
//! (the board build waits about 8 ms; simulation builds much less).

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct MdioLink {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub mdc: Signal<Out, bool>,
    pub mdio_o: Signal<Out, bool>,
    pub mdio_oe: Signal<Out, bool>,
    pub mdio_i: Signal<In, bool>,
    pub link_up: Signal<Out, bool>,
    pub bmsr: Signal<Out, Bits<16>>,
    pub reads: Signal<Out, Bits<32>>,
    _phy: u8,
    _half: u16,
    _poll: u32,
}

impl MdioLink {
    pub fn new(phy: u8, half_period: u16, poll: u32) -> Self {
        assert!(phy < 32 && half_period >= 2);
        MdioLink {
            clock: Default::default(),
            reset: Default::default(),
            mdc: Default::default(),
            mdio_o: Default::default(),
            mdio_oe: Default::default(),
            mdio_i: Default::default(),
            link_up: Default::default(),
            bmsr: Default::default(),
            reads: Default::default(),
            _phy: phy,
            _half: half_period,
            _poll: poll,
        }
    }
}

impl Logic for MdioLink {
    fn update(&mut self) {
        panic!("MdioLink is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.mdc.connect();
        self.mdio_o.connect();
        self.mdio_oe.connect();
        self.link_up.connect();
        self.bmsr.connect();
        self.reads.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            include_str!("mdio.v")
                .replace("@PHYAD@", &self._phy.to_string())
                .replace("@HALF@", &self._half.to_string())
                .replace("@POLL@", &self._poll.to_string()),
        )
    }
}
