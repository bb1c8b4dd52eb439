//! [`EthMacRgmii`]: the 1 GbE MAC as a board carries it: a net device's frame ports on one
//! side (docs/ARCHITECTURE.md, "The MAC-side frame ports"), the PHY's RGMII pads, its MDIO
//! pins and its reset pin on the other. It chains [`super::EthGmiiTx`] and
//! [`super::EthGmiiRx`] through [`super::EthRgmii`], and runs [`super::MdioLink`] once
//! [`super::PhyReset`] has taken the PHY through its reset.
//!
//! Two clocks: the frame ports, MDIO, the PHY reset and the counters run in the card's
//! `clock`; the GMII halves and the pads run in `mac_clock`, 125 MHz as 1 GbE needs (a byte a
//! cycle; it is also the forwarded transmit clock). A [`super::FrameCdc`] crosses each frame
//! port (the receive one lossy: the MAC cannot wait), [`crate::common::ResetSync`] carries
//! `reset` into `mac_clock`, and [`crate::common::CountSync`] counts the MAC's events again
//! in `clock`. The card's side of both crossings stays in reset until the MAC's reset has
//! ended and that has crossed back, and the MAC's receiver (the writer that cannot wait) stays
//! in reset until that has crossed to it in turn, so no beat crosses half-reset. So the card's clock may be slower or faster than 125 MHz: frames cross whole
//! for any card clock above about 16 MHz, and the counters are exact above 62.5 MHz (two
//! events of the MAC's come at least three `mac_clock` cycles, 24 ns, apart: more than a card
//! cycle, so each level of a counter's bit 0 is sampled). A top whose card runs at
//! 125 MHz ties the two clocks together. MDIO and the PHY reset count `clock` cycles, so
//! [`MacParams`] is given in those (`MacParams::versa` at 125 MHz; at a slower card clock MDC
//! is slower and the waits longer, which the PHY allows).
//!
//! | port | dir | clock | meaning |
//! |---|---|---|---|
//! | `clock`, `reset` | in | | the card's clock and its synchronous reset (hold it at least eight cycles of the slower clock, so the MAC's reset, carried into `mac_clock` and back, overlaps it) |
//! | `mac_clock` | in | | 125 MHz: the MAC's byte clock and the RGMII transmit clock |
//! | `txf_*`, `rxf_*` | | `clock` | the frame ports, as [`super::EthGmiiTx`] and [`super::EthGmiiRx`] |
//! | `rgmii_*` | | | the PHY's RGMII pads, as [`super::EthRgmii`] (`rgmii_rx_clk` is the receive clock) |
//! | `phy_rst_n` | out | `clock` | the PHY's reset pin |
//! | `mdc`, `mdio_o`, `mdio_oe`, `mdio_i` | | `clock` | MDIO; the board top joins the last three into the bidirectional pin |
//! | `link_up`, `bmsr`, `mdio_reads` | out | `clock` | the PHY's link state (BMSR bit 2, read every `poll` cycles), the last BMSR read, reads done |
//! | `tx_frames`, `tx_underruns`, `rx_frames`, `rx_bad`, `rx_overflows`, `rx_cdc_drops` | out | `clock` | counters: frames sent, frames spoilt by a late beat, frames received good, received bad, overflow episodes of the PHY-clock crossing, frames spoilt or lost at the receive frame crossing (an overrun) |

use super::{EthGmiiRx, EthGmiiTx, EthRgmii, FrameCdc, MdioLink, PhyReset};
use crate::common::{CountSync, ResetSync};
use rust_hdl::prelude::*;

/// The parameters of one MAC instance.
#[derive(Clone, Copy, Debug)]
pub struct MacParams {
    /// Largest frame before its FCS (MTU + 18).
    pub max_data: u32,
    /// The PHY's address on MDIO.
    pub phy: u8,
    /// MDC half period, in core cycles.
    pub mdc_half: u16,
    /// Core cycles between two reads of BMSR.
    pub poll: u32,
    /// PHY reset low, then the wait before MDIO, in core cycles.
    pub reset_hold: u32,
    pub reset_wait: u32,
    /// `DELAYG` taps (25 ps) on the transmit clock and on the receive inputs.
    pub tx_clk_taps: u8,
    pub rx_taps: u8,
}

impl MacParams {
    /// The Versa board at 125 MHz: MDC 2.5 MHz (25 cycles a half), BMSR read every 1 ms,
    /// 10 ms PHY reset and 5 ms before MDIO, no added delays (the 88E1512 adds them).
    /// `phy`: the PHY's MDIO address; the Versa's is not confirmed (0 is the 88E1512's
    /// address with its strap pins low; the simulation tops use 1 to catch a wrong address).
    pub fn versa(max_data: u32, phy: u8) -> Self {
        MacParams {
            max_data,
            phy,
            mdc_half: 25,
            poll: 125_000,
            reset_hold: 1_250_000,
            reset_wait: 625_000,
            tx_clk_taps: 0,
            rx_taps: 0,
        }
    }
}

#[derive(LogicBlock)]
pub struct EthMacRgmii {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub mac_clock: Signal<In, Clock>,
    pub txf_valid: Signal<In, bool>,
    pub txf_ready: Signal<Out, bool>,
    pub txf_data: Signal<In, Bits<64>>,
    pub txf_bytes: Signal<In, Bits<4>>,
    pub txf_last: Signal<In, bool>,
    pub rxf_valid: Signal<Out, bool>,
    pub rxf_data: Signal<Out, Bits<64>>,
    pub rxf_bytes: Signal<Out, Bits<4>>,
    pub rxf_last: Signal<Out, bool>,
    pub rxf_err: Signal<Out, bool>,
    pub rgmii_tx_clk: Signal<Out, bool>,
    pub rgmii_tx_ctl: Signal<Out, bool>,
    pub rgmii_txd: Signal<Out, Bits<4>>,
    pub rgmii_rx_clk: Signal<In, Clock>,
    pub rgmii_rx_ctl: Signal<In, bool>,
    pub rgmii_rxd: Signal<In, Bits<4>>,
    pub phy_rst_n: Signal<Out, bool>,
    pub mdc: Signal<Out, bool>,
    pub mdio_o: Signal<Out, bool>,
    pub mdio_oe: Signal<Out, bool>,
    pub mdio_i: Signal<In, bool>,
    pub link_up: Signal<Out, bool>,
    pub bmsr: Signal<Out, Bits<16>>,
    pub mdio_reads: Signal<Out, Bits<32>>,
    pub tx_frames: Signal<Out, Bits<32>>,
    pub tx_underruns: Signal<Out, Bits<32>>,
    pub rx_frames: Signal<Out, Bits<32>>,
    pub rx_bad: Signal<Out, Bits<32>>,
    pub rx_overflows: Signal<Out, Bits<32>>,
    pub rx_cdc_drops: Signal<Out, Bits<32>>,
    /// The crossings' outputs this direction has no use for (the waiting build's drop count
    /// and `err`, the lossy build's `w_ready`), folded together for the lint.
    unused_cdc: Signal<Local, bool>,
    mac_reset: ResetSync,
    /// `mac_clock`'s reset seen back in `clock`: the card's side of each crossing stays in
    /// reset until the MAC's side has come out of it.
    mac_in_reset: ResetSync,
    card_side_reset: Signal<Local, bool>,
    /// The card side's reset seen in `mac_clock`: the receiver, which writes into a crossing
    /// that cannot wait, stays in reset until the card's side (its reader) is out.
    card_in_reset: ResetSync,
    mac_rx_reset: Signal<Local, bool>,
    tx_cdc: FrameCdc,
    rx_cdc: FrameCdc,
    n_tx_frames: CountSync,
    n_tx_underruns: CountSync,
    n_rx_frames: CountSync,
    n_rx_bad: CountSync,
    n_rx_overflows: CountSync,
    n_rx_cdc_drops: CountSync,
    tx: EthGmiiTx,
    rx: EthGmiiRx,
    pads: EthRgmii,
    mdio: MdioLink,
    phy_reset: PhyReset,
}

impl EthMacRgmii {
    pub fn new(p: &MacParams) -> Self {
        EthMacRgmii {
            clock: Default::default(),
            reset: Default::default(),
            mac_clock: Default::default(),
            txf_valid: Default::default(),
            txf_ready: Default::default(),
            txf_data: Default::default(),
            txf_bytes: Default::default(),
            txf_last: Default::default(),
            rxf_valid: Default::default(),
            rxf_data: Default::default(),
            rxf_bytes: Default::default(),
            rxf_last: Default::default(),
            rxf_err: Default::default(),
            rgmii_tx_clk: Default::default(),
            rgmii_tx_ctl: Default::default(),
            rgmii_txd: Default::default(),
            rgmii_rx_clk: Default::default(),
            rgmii_rx_ctl: Default::default(),
            rgmii_rxd: Default::default(),
            phy_rst_n: Default::default(),
            mdc: Default::default(),
            mdio_o: Default::default(),
            mdio_oe: Default::default(),
            mdio_i: Default::default(),
            link_up: Default::default(),
            bmsr: Default::default(),
            mdio_reads: Default::default(),
            tx_frames: Default::default(),
            tx_underruns: Default::default(),
            rx_frames: Default::default(),
            rx_bad: Default::default(),
            rx_overflows: Default::default(),
            rx_cdc_drops: Default::default(),
            unused_cdc: Default::default(),
            mac_reset: ResetSync::default(),
            mac_in_reset: ResetSync::default(),
            card_side_reset: Default::default(),
            card_in_reset: ResetSync::default(),
            mac_rx_reset: Default::default(),
            tx_cdc: FrameCdc::waiting(),
            rx_cdc: FrameCdc::lossy(),
            n_tx_frames: CountSync::default(),
            n_tx_underruns: CountSync::default(),
            n_rx_frames: CountSync::default(),
            n_rx_bad: CountSync::default(),
            n_rx_overflows: CountSync::default(),
            n_rx_cdc_drops: CountSync::default(),
            tx: EthGmiiTx::default(),
            rx: EthGmiiRx::new(p.max_data),
            pads: EthRgmii::new(p.tx_clk_taps, p.rx_taps),
            mdio: MdioLink::new(p.phy, p.mdc_half, p.poll),
            phy_reset: PhyReset::new(p.reset_hold, p.reset_wait),
        }
    }
}

impl Logic for EthMacRgmii {
    #[hdl_gen]
    fn update(&mut self) {
        self.mac_reset.clock.next = self.mac_clock.val();
        self.mac_reset.reset_in.next = self.reset.val();
        self.mac_in_reset.clock.next = self.clock.val();
        self.mac_in_reset.reset_in.next = self.mac_reset.reset_out.val();
        self.card_side_reset.next = self.reset.val() | self.mac_in_reset.reset_out.val();
        self.card_in_reset.clock.next = self.mac_clock.val();
        self.card_in_reset.reset_in.next = self.card_side_reset.val();
        self.mac_rx_reset.next =
            self.mac_reset.reset_out.val() | self.card_in_reset.reset_out.val();

        // transmit: the card's beats cross into mac_clock, where the GMII half sends them
        self.tx_cdc.w_clock.next = self.clock.val();
        self.tx_cdc.w_reset.next = self.card_side_reset.val();
        self.tx_cdc.w_valid.next = self.txf_valid.val();
        self.txf_ready.next = self.tx_cdc.w_ready.val();
        self.tx_cdc.w_data.next = self.txf_data.val();
        self.tx_cdc.w_bytes.next = self.txf_bytes.val();
        self.tx_cdc.w_last.next = self.txf_last.val();
        self.tx_cdc.w_err.next = false;
        self.tx_cdc.r_clock.next = self.mac_clock.val();
        self.tx_cdc.r_reset.next = self.mac_reset.reset_out.val();
        self.tx.clock.next = self.mac_clock.val();
        self.tx.reset.next = self.mac_reset.reset_out.val();
        self.tx.txf_valid.next = self.tx_cdc.r_valid.val();
        self.tx_cdc.r_ready.next = self.tx.txf_ready.val();
        self.tx.txf_data.next = self.tx_cdc.r_data.val();
        self.tx.txf_bytes.next = self.tx_cdc.r_bytes.val();
        self.tx.txf_last.next = self.tx_cdc.r_last.val();

        self.pads.clock.next = self.mac_clock.val();
        self.pads.reset.next = self.mac_reset.reset_out.val();
        self.pads.gmii_txd.next = self.tx.gmii_txd.val();
        self.pads.gmii_tx_en.next = self.tx.gmii_tx_en.val();
        self.pads.gmii_tx_er.next = self.tx.gmii_tx_er.val();
        self.rgmii_tx_clk.next = self.pads.rgmii_tx_clk.val();
        self.rgmii_tx_ctl.next = self.pads.rgmii_tx_ctl.val();
        self.rgmii_txd.next = self.pads.rgmii_txd.val();
        self.pads.rgmii_rx_clk.next = self.rgmii_rx_clk.val();
        self.pads.rgmii_rx_ctl.next = self.rgmii_rx_ctl.val();
        self.pads.rgmii_rxd.next = self.rgmii_rxd.val();

        // receive: the GMII half's beats cross into the card's clock (the card always takes
        // them, so the crossing's reader is always ready)
        self.rx.clock.next = self.mac_clock.val();
        self.rx.reset.next = self.mac_rx_reset.val();
        self.rx.gmii_rxd.next = self.pads.gmii_rxd.val();
        self.rx.gmii_rx_dv.next = self.pads.gmii_rx_dv.val();
        self.rx.gmii_rx_er.next = self.pads.gmii_rx_er.val();
        self.rx.gmii_ce.next = self.pads.gmii_ce.val();
        self.rx_cdc.w_clock.next = self.mac_clock.val();
        self.rx_cdc.w_reset.next = self.mac_rx_reset.val();
        self.rx_cdc.w_valid.next = self.rx.rxf_valid.val();
        self.rx_cdc.w_data.next = self.rx.rxf_data.val();
        self.rx_cdc.w_bytes.next = self.rx.rxf_bytes.val();
        self.rx_cdc.w_last.next = self.rx.rxf_last.val();
        self.rx_cdc.w_err.next = self.rx.rxf_err.val();
        self.rx_cdc.r_clock.next = self.clock.val();
        self.rx_cdc.r_reset.next = self.card_side_reset.val();
        self.rx_cdc.r_ready.next = true;
        self.rxf_valid.next = self.rx_cdc.r_valid.val();
        self.rxf_data.next = self.rx_cdc.r_data.val();
        self.rxf_bytes.next = self.rx_cdc.r_bytes.val();
        self.rxf_last.next = self.rx_cdc.r_last.val();
        self.rxf_err.next = self.rx_cdc.r_err.val();

        self.unused_cdc.next =
            self.tx_cdc.w_drops.val().any() | self.tx_cdc.r_err.val() | self.rx_cdc.w_ready.val();

        // the MAC's counters, counted again in the card's clock
        self.n_tx_frames.clock.next = self.clock.val();
        self.n_tx_frames.reset.next = self.reset.val();
        self.n_tx_frames.src_count.next = self.tx.frames.val();
        self.tx_frames.next = self.n_tx_frames.count.val();
        self.n_tx_underruns.clock.next = self.clock.val();
        self.n_tx_underruns.reset.next = self.reset.val();
        self.n_tx_underruns.src_count.next = self.tx.underruns.val();
        self.tx_underruns.next = self.n_tx_underruns.count.val();
        self.n_rx_frames.clock.next = self.clock.val();
        self.n_rx_frames.reset.next = self.reset.val();
        self.n_rx_frames.src_count.next = self.rx.frames.val();
        self.rx_frames.next = self.n_rx_frames.count.val();
        self.n_rx_bad.clock.next = self.clock.val();
        self.n_rx_bad.reset.next = self.reset.val();
        self.n_rx_bad.src_count.next = self.rx.bad_frames.val();
        self.rx_bad.next = self.n_rx_bad.count.val();
        self.n_rx_overflows.clock.next = self.clock.val();
        self.n_rx_overflows.reset.next = self.reset.val();
        self.n_rx_overflows.src_count.next = self.pads.rx_overflows.val();
        self.rx_overflows.next = self.n_rx_overflows.count.val();
        self.n_rx_cdc_drops.clock.next = self.clock.val();
        self.n_rx_cdc_drops.reset.next = self.reset.val();
        self.n_rx_cdc_drops.src_count.next = self.rx_cdc.w_drops.val();
        self.rx_cdc_drops.next = self.n_rx_cdc_drops.count.val();

        self.phy_reset.clock.next = self.clock.val();
        self.phy_reset.reset.next = self.reset.val();
        self.phy_rst_n.next = self.phy_reset.phy_rst_n.val();
        self.mdio.clock.next = self.clock.val();
        self.mdio.reset.next = !self.phy_reset.ready.val();
        self.mdc.next = self.mdio.mdc.val();
        self.mdio_o.next = self.mdio.mdio_o.val();
        self.mdio_oe.next = self.mdio.mdio_oe.val();
        self.mdio.mdio_i.next = self.mdio_i.val();
        self.link_up.next = self.mdio.link_up.val();
        self.bmsr.next = self.mdio.bmsr.val();
        self.mdio_reads.next = self.mdio.reads.val();
    }
}
