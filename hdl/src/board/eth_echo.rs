//! [`EthEcho`]: the board top that carries the 1 GbE MAC ([`EthMacRgmii`]) on the Versa's
//! Ethernet port 0 and echoes every good frame it receives ([`FrameEcho`]). It is how the MAC
//! is placed and routed with the board's pins and clocks before the card has a PCIe PHY, and
//! the first thing to try with a cable: frames sent to the port (any address: there is no
//! filter) come back unchanged, so `tcpdump -e` on the PC shows each twice.
//!
//! Clocking as [`super::Heartbeat`]: the 100 MHz oscillator through the PLL to the 125 MHz core
//! clock, which drives both of the MAC's clocks here (its `clock` and `mac_clock`, so its
//! frame crossings run with one clock on both sides) and is the RGMII transmit clock; the PHY's `eth0_rx_clk` clocks the receive
//! pads. The core is held in reset while the button is pressed or the PLL is unlocked; the PHY
//! reset follows ([`crate::ethernet::PhyReset`]).
//!
//! | pin | behaviour |
//! |---|---|
//! | `eth0_*` | RGMII, MDIO and the PHY reset of port 0 |
//! | `led[0]` | lit while the PHY reports link (BMSR over MDIO) |
//! | `led[1]` | toggles on every frame echoed |
//! | `led[2]` | toggles on every frame dropped (bad FCS, RX_ER, runt, too long, buffer full) |
//! | `led[3]` | lit while the PHY is out of reset |
//! | `led[7:4]`, `seg` | off |
//! | `seg_dp` | lit while the PLL is locked |
//!
//! MDIO is one bidirectional pin on the board. rust-hdl tops here have no tristate, so this
//! block has `eth0_mdio_o`, `_oe` and `_i`; [`board_verilog`] renames its module and wraps it in
//! a `top` whose `eth0_mdio` is `inout` (yosys makes the tristate buffer). The simulation top
//! (`eth_echo_sim`) is the block itself, with the PHY's MDIO model in Rust.

use crate::common::Reg;
use crate::ecp5::Ehxplll;
use crate::ethernet::{EthMacRgmii, MacParams};
use rust_hdl::prelude::*;

use super::frame_echo::FrameEcho;

#[derive(LogicBlock)]
pub struct EthEcho {
    pub clk100: Signal<In, Clock>,
    pub rst_n: Signal<In, bool>,
    pub led: Signal<Out, Bits<8>>,
    pub seg: Signal<Out, Bits<14>>,
    pub seg_dp: Signal<Out, bool>,
    pub eth0_rst_n: Signal<Out, bool>,
    pub eth0_mdc: Signal<Out, bool>,
    pub eth0_mdio_o: Signal<Out, bool>,
    pub eth0_mdio_oe: Signal<Out, bool>,
    pub eth0_mdio_i: Signal<In, bool>,
    pub eth0_tx_clk: Signal<Out, bool>,
    pub eth0_tx_ctl: Signal<Out, bool>,
    pub eth0_txd: Signal<Out, Bits<4>>,
    pub eth0_rx_clk: Signal<In, Clock>,
    pub eth0_rx_ctl: Signal<In, bool>,
    pub eth0_rxd: Signal<In, Bits<4>>,
    pub stat_tx_frames: Signal<Out, Bits<32>>,
    pub stat_tx_underruns: Signal<Out, Bits<32>>,
    pub stat_rx_frames: Signal<Out, Bits<32>>,
    pub stat_rx_bad: Signal<Out, Bits<32>>,
    pub stat_rx_overflows: Signal<Out, Bits<32>>,
    pub stat_rx_cdc_drops: Signal<Out, Bits<32>>,
    pub stat_echoed: Signal<Out, Bits<32>>,
    pub stat_dropped: Signal<Out, Bits<32>>,
    pub stat_bmsr: Signal<Out, Bits<16>>,
    pub stat_mdio_reads: Signal<Out, Bits<32>>,
    pll: Ehxplll,
    reset_meta: Reg<bool>,
    reset_sync: Reg<bool>,
    mac: EthMacRgmii,
    echo: FrameEcho,
    core_clock: Signal<Local, Clock>,
    lit: Signal<Local, Bits<8>>,
    b0: Constant<Bits<8>>,
    b1: Constant<Bits<8>>,
    b2: Constant<Bits<8>>,
    b3: Constant<Bits<8>>,
    none8: Constant<Bits<8>>,
    none14: Constant<Bits<14>>,
}

impl EthEcho {
    pub fn new(p: &MacParams) -> Self {
        EthEcho {
            clk100: Default::default(),
            rst_n: Default::default(),
            led: Default::default(),
            seg: Default::default(),
            seg_dp: Default::default(),
            eth0_rst_n: Default::default(),
            eth0_mdc: Default::default(),
            eth0_mdio_o: Default::default(),
            eth0_mdio_oe: Default::default(),
            eth0_mdio_i: Default::default(),
            eth0_tx_clk: Default::default(),
            eth0_tx_ctl: Default::default(),
            eth0_txd: Default::default(),
            eth0_rx_clk: Default::default(),
            eth0_rx_ctl: Default::default(),
            eth0_rxd: Default::default(),
            stat_tx_frames: Default::default(),
            stat_tx_underruns: Default::default(),
            stat_rx_frames: Default::default(),
            stat_rx_bad: Default::default(),
            stat_rx_overflows: Default::default(),
            stat_rx_cdc_drops: Default::default(),
            stat_echoed: Default::default(),
            stat_dropped: Default::default(),
            stat_bmsr: Default::default(),
            stat_mdio_reads: Default::default(),
            pll: Default::default(),
            reset_meta: Reg::new(true),
            reset_sync: Reg::new(true),
            mac: EthMacRgmii::new(p),
            echo: FrameEcho::default(),
            core_clock: Default::default(),
            lit: Default::default(),
            b0: Constant::new(0x01.into()),
            b1: Constant::new(0x02.into()),
            b2: Constant::new(0x04.into()),
            b3: Constant::new(0x08.into()),
            none8: Constant::new(0.into()),
            none14: Constant::new(0.into()),
        }
    }
}

impl Logic for EthEcho {
    #[hdl_gen]
    fn update(&mut self) {
        self.pll.clkin.next = self.clk100.val();
        self.core_clock.next = self.pll.clkout.val();
        dff_setup!(self, core_clock, reset_meta, reset_sync);
        self.reset_meta.reset.next = !self.pll.lock.val();
        self.reset_sync.reset.next = !self.pll.lock.val();
        self.reset_meta.d.next = !self.rst_n.val();
        self.reset_sync.d.next = self.reset_meta.q.val();

        // the card's clock and the MAC's are one here: the echo runs at 125 MHz
        self.mac.clock.next = self.core_clock.val();
        self.mac.mac_clock.next = self.core_clock.val();
        self.mac.reset.next = self.reset_sync.q.val();
        self.echo.clock.next = self.core_clock.val();
        self.echo.reset.next = self.reset_sync.q.val();

        self.echo.rxf_valid.next = self.mac.rxf_valid.val();
        self.echo.rxf_data.next = self.mac.rxf_data.val();
        self.echo.rxf_bytes.next = self.mac.rxf_bytes.val();
        self.echo.rxf_last.next = self.mac.rxf_last.val();
        self.echo.rxf_err.next = self.mac.rxf_err.val();
        self.mac.txf_valid.next = self.echo.txf_valid.val();
        self.echo.txf_ready.next = self.mac.txf_ready.val();
        self.mac.txf_data.next = self.echo.txf_data.val();
        self.mac.txf_bytes.next = self.echo.txf_bytes.val();
        self.mac.txf_last.next = self.echo.txf_last.val();

        self.eth0_tx_clk.next = self.mac.rgmii_tx_clk.val();
        self.eth0_tx_ctl.next = self.mac.rgmii_tx_ctl.val();
        self.eth0_txd.next = self.mac.rgmii_txd.val();
        self.mac.rgmii_rx_clk.next = self.eth0_rx_clk.val();
        self.mac.rgmii_rx_ctl.next = self.eth0_rx_ctl.val();
        self.mac.rgmii_rxd.next = self.eth0_rxd.val();
        self.eth0_rst_n.next = self.mac.phy_rst_n.val();
        self.eth0_mdc.next = self.mac.mdc.val();
        self.eth0_mdio_o.next = self.mac.mdio_o.val();
        self.eth0_mdio_oe.next = self.mac.mdio_oe.val();
        self.mac.mdio_i.next = self.eth0_mdio_i.val();

        self.stat_tx_frames.next = self.mac.tx_frames.val();
        self.stat_tx_underruns.next = self.mac.tx_underruns.val();
        self.stat_rx_frames.next = self.mac.rx_frames.val();
        self.stat_rx_bad.next = self.mac.rx_bad.val();
        self.stat_rx_overflows.next = self.mac.rx_overflows.val();
        self.stat_rx_cdc_drops.next = self.mac.rx_cdc_drops.val();
        self.stat_echoed.next = self.echo.echoed.val();
        self.stat_dropped.next = self.echo.dropped.val();
        self.stat_bmsr.next = self.mac.bmsr.val();
        self.stat_mdio_reads.next = self.mac.mdio_reads.val();

        self.lit.next = self.none8.val();
        if self.mac.link_up.val() {
            self.lit.next = self.lit.val() | self.b0.val();
        }
        if self.echo.rx_toggle.val() {
            self.lit.next = self.lit.val() | self.b1.val();
        }
        if self.echo.bad_toggle.val() {
            self.lit.next = self.lit.val() | self.b2.val();
        }
        if self.mac.phy_rst_n.val() {
            self.lit.next = self.lit.val() | self.b3.val();
        }
        // active low on the Versa
        self.led.next = !self.lit.val();
        self.seg.next = !self.none14.val();
        self.seg_dp.next = !self.pll.lock.val();
    }
}

/// The board top's Verilog: [`EthEcho`] emitted as module `eth_echo_core` inside a `top`
/// whose `eth0_mdio` pin is bidirectional. `core` is EthEcho's emitted Verilog (module `top`).
pub fn board_verilog(core: &str) -> String {
    assert_eq!(core.matches("module top(").count(), 1);
    let core = core.replace("module top(", "module eth_echo_core(");
    format!(
        "// The board's pins: eth0_mdio is bidirectional (MDIO), driven only while the MAC sends.
module top(clk100, rst_n, led, seg, seg_dp, eth0_rst_n, eth0_mdc, eth0_mdio, eth0_tx_clk,
           eth0_tx_ctl, eth0_txd, eth0_rx_clk, eth0_rx_ctl, eth0_rxd);
input wire clk100;
input wire rst_n;
output wire [7:0] led;
output wire [13:0] seg;
output wire seg_dp;
output wire eth0_rst_n;
output wire eth0_mdc;
inout wire eth0_mdio;
output wire eth0_tx_clk;
output wire eth0_tx_ctl;
output wire [3:0] eth0_txd;
input wire eth0_rx_clk;
input wire eth0_rx_ctl;
input wire [3:0] eth0_rxd;
wire mdio_o, mdio_oe;
// the counters are for the simulation top; nothing on the board reads them
wire [31:0] unused_tx_frames, unused_tx_underruns, unused_rx_frames, unused_rx_bad;
wire [31:0] unused_rx_overflows, unused_rx_cdc_drops, unused_echoed, unused_dropped;
wire [31:0] unused_mdio_reads;
wire [15:0] unused_bmsr;
assign eth0_mdio = mdio_oe ? mdio_o : 1'bz;
eth_echo_core core_i (
  .clk100(clk100), .rst_n(rst_n), .led(led), .seg(seg), .seg_dp(seg_dp),
  .eth0_rst_n(eth0_rst_n), .eth0_mdc(eth0_mdc), .eth0_mdio_o(mdio_o), .eth0_mdio_oe(mdio_oe),
  .eth0_mdio_i(eth0_mdio), .eth0_tx_clk(eth0_tx_clk), .eth0_tx_ctl(eth0_tx_ctl),
  .eth0_txd(eth0_txd), .eth0_rx_clk(eth0_rx_clk), .eth0_rx_ctl(eth0_rx_ctl),
  .eth0_rxd(eth0_rxd), .stat_tx_frames(unused_tx_frames),
  .stat_tx_underruns(unused_tx_underruns), .stat_rx_frames(unused_rx_frames),
  .stat_rx_bad(unused_rx_bad), .stat_rx_overflows(unused_rx_overflows),
  .stat_rx_cdc_drops(unused_rx_cdc_drops),
  .stat_echoed(unused_echoed), .stat_dropped(unused_dropped), .stat_bmsr(unused_bmsr),
  .stat_mdio_reads(unused_mdio_reads)
);
endmodule

{core}"
    )
}
