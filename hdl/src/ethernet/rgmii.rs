//! [`EthRgmii`]: the RGMII pads of the 1 GbE MAC on ECP5, between the PHY's four-bit DDR
//! interface and the GMII byte streams of [`super::EthGmiiTx`] and [`super::EthGmiiRx`].
//!
//! `clock` here is the MAC's 125 MHz clock ([`super::EthMacRgmii`]'s `mac_clock`; "core" below
//! means it). Transmit runs in it: each
//! GMII byte leaves as two nibbles through `ODDRX1F` cells, bits 3:0 while the clock is high and
//! 7:4 while it is low; `tx_ctl` carries TX_EN then TX_EN xor TX_ER; `tx_clk` is the core clock
//! forwarded through an `ODDRX1F` (1, 0). Receive samples `rxd`/`rx_ctl` on both edges of the
//! PHY's `rx_clk` with `IDDRX1F` cells, forms a byte a cycle in that clock, and crosses into the
//! core clock through a 16-entry asynchronous FIFO (Gray-coded pointers, two flops each way).
//!
//! | port | dir | clock | meaning |
//! |---|---|---|---|
//! | `gmii_txd[7:0]`, `gmii_tx_en`, `gmii_tx_er` | in | `clock` | from [`super::EthGmiiTx`] (registered there) |
//! | `rgmii_tx_clk`, `rgmii_tx_ctl`, `rgmii_txd[3:0]` | out | `clock` | to the PHY pads |
//! | `rgmii_rx_clk`, `rgmii_rx_ctl`, `rgmii_rxd[3:0]` | in | `rgmii_rx_clk` | from the PHY pads (the clock is a second clock domain) |
//! | `gmii_rxd[7:0]`, `gmii_rx_dv`, `gmii_rx_er`, `gmii_ce` | out | `clock` | to [`super::EthGmiiRx`]: a byte time whenever `gmii_ce` is high |
//! | `rx_overflows` | out | `clock` | overflow episodes seen (bytes lost because the FIFO was full) |
//!
//! What crosses: every byte with RX_DV high, and the first byte time after the frame with RX_DV
//! low (so the receiver sees each frame end however the two clocks drift); idle bytes between
//! frames are not written. The two clocks are both 125 MHz +- 100 ppm, so the FIFO holds a few
//! entries at most; the gap between frames (at least 12 byte times) drains it. If it is ever
//! full, the byte is lost and the write side keeps trying until an entry marked RX_ER is
//! written (the end marker itself, if the frame ended meanwhile), so the frame always ends and
//! fails its verdict in [`super::EthGmiiRx`]: never a frame with a hole passed as good, never
//! two frames run together. `rx_overflows` counts overflow episodes the core clock sees (a
//! one-cycle episode between two core edges can be missed).
//!
//! Reset: only the read side resets, by jumping its pointer to the (synchronised) write
//! pointer; the write pointer runs on. So a core reset empties the crossing even while the PHY
//! is in reset and its clock stopped.
//!
//! Latency: transmit, one core cycle in the output cell; receive, the input cell, one register,
//! the crossing (two or three core cycles) and the output register.
//!
//! Delays: RGMII wants the clock 1.5-2 ns after the data at the receiver. The Versa's 88E1512
//! PHYs add both delays internally (LiteX's Versa target uses `tx_delay = rx_delay = 0` with
//! these PHYs), so the board build adds none. `tx_clk_taps` and `rx_taps` put `DELAYG` cells of
//! 25 ps a tap on the transmit clock or on the receive inputs for a PHY that does not.

use crate::ecp5::ddr;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct EthRgmii {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub gmii_txd: Signal<In, Bits<8>>,
    pub gmii_tx_en: Signal<In, bool>,
    pub gmii_tx_er: Signal<In, bool>,
    pub rgmii_tx_clk: Signal<Out, bool>,
    pub rgmii_tx_ctl: Signal<Out, bool>,
    pub rgmii_txd: Signal<Out, Bits<4>>,
    pub rgmii_rx_clk: Signal<In, Clock>,
    pub rgmii_rx_ctl: Signal<In, bool>,
    pub rgmii_rxd: Signal<In, Bits<4>>,
    pub gmii_rxd: Signal<Out, Bits<8>>,
    pub gmii_rx_dv: Signal<Out, bool>,
    pub gmii_rx_er: Signal<Out, bool>,
    pub gmii_ce: Signal<Out, bool>,
    pub rx_overflows: Signal<Out, Bits<32>>,
    _tx_clk_taps: u8,
    _rx_taps: u8,
}

impl EthRgmii {
    /// Pads with `tx_clk_taps` x 25 ps of delay on the transmit clock and `rx_taps` x 25 ps on
    /// the receive data and control (0: no `DELAYG` cell).
    pub fn new(tx_clk_taps: u8, rx_taps: u8) -> Self {
        assert!(tx_clk_taps < 128 && rx_taps < 128);
        EthRgmii {
            clock: Default::default(),
            reset: Default::default(),
            gmii_txd: Default::default(),
            gmii_tx_en: Default::default(),
            gmii_tx_er: Default::default(),
            rgmii_tx_clk: Default::default(),
            rgmii_tx_ctl: Default::default(),
            rgmii_txd: Default::default(),
            rgmii_rx_clk: Default::default(),
            rgmii_rx_ctl: Default::default(),
            rgmii_rxd: Default::default(),
            gmii_rxd: Default::default(),
            gmii_rx_dv: Default::default(),
            gmii_rx_er: Default::default(),
            gmii_ce: Default::default(),
            rx_overflows: Default::default(),
            _tx_clk_taps: tx_clk_taps,
            _rx_taps: rx_taps,
        }
    }
}

impl Logic for EthRgmii {
    fn update(&mut self) {
        panic!("EthRgmii is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.rgmii_tx_clk.connect();
        self.rgmii_tx_ctl.connect();
        self.rgmii_txd.connect();
        self.gmii_rxd.connect();
        self.gmii_rx_dv.connect();
        self.gmii_rx_er.connect();
        self.gmii_ce.connect();
        self.rx_overflows.connect();
    }

    fn hdl(&self) -> Verilog {
        let mut v = String::from(
            "wire [3:0] tx_lo, tx_hi, txd_q, rx_lo, rx_hi, rxd_in;\n\
             wire tx_c0, tx_c1, tx_ctl_q, tx_clk_q, tx_clk_o, rx_c0, rx_c1, rx_ctl_in;\n",
        );
        for i in 0..4 {
            v += &ddr::oddrx1f(
                &format!("txd_ddr{i}"),
                "clock",
                &format!("tx_lo[{i}]"),
                &format!("tx_hi[{i}]"),
                &format!("txd_q[{i}]"),
            );
        }
        v += &ddr::oddrx1f("tx_ctl_ddr", "clock", "tx_c0", "tx_c1", "tx_ctl_q");
        v += &ddr::oddrx1f("tx_clk_ddr", "clock", "1'b1", "1'b0", "tx_clk_q");
        if self._tx_clk_taps > 0 {
            v += &ddr::delayg("tx_clk_delay", "tx_clk_q", "tx_clk_o", self._tx_clk_taps);
        } else {
            v += "assign tx_clk_o = tx_clk_q;\n";
        }
        v += "always @(*) begin\n  rgmii_txd = txd_q;\n  rgmii_tx_ctl = tx_ctl_q;\n  rgmii_tx_clk = tx_clk_o;\nend\n";
        if self._rx_taps > 0 {
            for i in 0..4 {
                v += &ddr::delayg(
                    &format!("rxd_delay{i}"),
                    &format!("rgmii_rxd[{i}]"),
                    &format!("rxd_in[{i}]"),
                    self._rx_taps,
                );
            }
            v += &ddr::delayg("rx_ctl_delay", "rgmii_rx_ctl", "rx_ctl_in", self._rx_taps);
        } else {
            v += "assign rxd_in = rgmii_rxd;\nassign rx_ctl_in = rgmii_rx_ctl;\n";
        }
        for i in 0..4 {
            v += &ddr::iddrx1f(
                &format!("rxd_ddr{i}"),
                "rgmii_rx_clk",
                &format!("rxd_in[{i}]"),
                &format!("rx_lo[{i}]"),
                &format!("rx_hi[{i}]"),
            );
        }
        v += &ddr::iddrx1f("rx_ctl_ddr", "rgmii_rx_clk", "rx_ctl_in", "rx_c0", "rx_c1");
        v += include_str!("rgmii.v");
        Verilog::Custom(v)
    }
}
