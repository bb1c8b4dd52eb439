//! The 1 GbE MAC between a net device's frame ports and the board's Ethernet PHY (the Versa's
//! port 0; issue 6). Layers, PHY side first:
//!
//! | module | job | status |
//! |---|---|---|
//! | [`gmii_tx`] | [`EthGmiiTx`]: `txf` frames to a GMII byte stream (preamble, padding, FCS, gap) | simulated |
//! | [`gmii_rx`] | [`EthGmiiRx`]: a GMII byte stream to `rxf` frames, FCS checked, the verdict on the last beat (`rxf_err`) | simulated |
//! | [`mdio`] | [`MdioLink`]: the PHY's link state read over MDIO | simulated |
//! | [`phy_reset`] | [`PhyReset`]: the PHY's reset pin after the card's reset | simulated |
//! | [`rgmii`] | [`EthRgmii`]: the RGMII pads (ECP5 DDR cells) and the crossing from the PHY's receive clock | simulated, placed and routed (`eth_echo`) |
//! | [`frame_cdc`] | [`FrameCdc`]: a frame port from one clock to another | simulated |
//! | [`mac_rgmii`] | [`EthMacRgmii`]: all of the above, the MAC in its own 125 MHz `mac_clock` and the frame ports in the card's | simulated, placed and routed (`eth_echo`); not run on a board |
//!
//! [`EthMac`] puts the three side by side (unconnected to each other) as the `eth_mac`
//! simulation top.

pub mod frame_cdc;
pub mod gmii_rx;
pub mod gmii_tx;
pub mod mac_rgmii;
pub mod mdio;
pub mod phy_reset;
pub mod rgmii;

pub use frame_cdc::FrameCdc;
pub use gmii_rx::EthGmiiRx;
pub use gmii_tx::EthGmiiTx;
pub use mac_rgmii::{EthMacRgmii, MacParams};
pub use mdio::MdioLink;
pub use phy_reset::PhyReset;
pub use rgmii::EthRgmii;

use rust_hdl::prelude::*;

/// IEEE 802.3's CRC-32 (reflected, polynomial 0xEDB88320) a byte at a time, as a Verilog
/// function both GMII halves prepend to their module body.
pub(crate) const CRC8_FN: &str = "integer j;
function [31:0] crc8(input [31:0] c, input [7:0] d);
  reg [31:0] x;
  begin
    x = c;
    for (j = 0; j < 8; j = j + 1) x = (x[0] ^ d[j]) ? ((x >> 1) ^ 32'hedb88320) : (x >> 1);
    crc8 = x;
  end
endfunction
";

/// The MAC's blocks with all their ports at the top (`eth_mac` top, `sim/tests/eth_mac.rs`).
#[derive(LogicBlock)]
pub struct EthMac {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub txf_valid: Signal<In, bool>,
    pub txf_ready: Signal<Out, bool>,
    pub txf_data: Signal<In, Bits<64>>,
    pub txf_bytes: Signal<In, Bits<4>>,
    pub txf_last: Signal<In, bool>,
    pub gmii_txd: Signal<Out, Bits<8>>,
    pub gmii_tx_en: Signal<Out, bool>,
    pub gmii_tx_er: Signal<Out, bool>,
    pub tx_frames: Signal<Out, Bits<32>>,
    pub tx_underruns: Signal<Out, Bits<32>>,
    pub gmii_rxd: Signal<In, Bits<8>>,
    pub gmii_rx_dv: Signal<In, bool>,
    pub gmii_rx_er: Signal<In, bool>,
    pub rxf_valid: Signal<Out, bool>,
    pub rxf_data: Signal<Out, Bits<64>>,
    pub rxf_bytes: Signal<Out, Bits<4>>,
    pub rxf_last: Signal<Out, bool>,
    pub rxf_err: Signal<Out, bool>,
    pub rx_frames: Signal<Out, Bits<32>>,
    pub rx_bad: Signal<Out, Bits<32>>,
    pub mdc: Signal<Out, bool>,
    pub mdio_o: Signal<Out, bool>,
    pub mdio_oe: Signal<Out, bool>,
    pub mdio_i: Signal<In, bool>,
    pub link_up: Signal<Out, bool>,
    pub bmsr: Signal<Out, Bits<16>>,
    pub mdio_reads: Signal<Out, Bits<32>>,
    tx: EthGmiiTx,
    rx: EthGmiiRx,
    mdio: MdioLink,
    every_cycle: Constant<bool>,
}

impl EthMac {
    /// `max_data`: the largest frame before its FCS; the MDIO block reads PHY `phy` with an
    /// MDC half period of `half_period` cycles, `poll` cycles apart.
    pub fn new(max_data: u32, phy: u8, half_period: u16, poll: u32) -> Self {
        EthMac {
            clock: Default::default(),
            reset: Default::default(),
            txf_valid: Default::default(),
            txf_ready: Default::default(),
            txf_data: Default::default(),
            txf_bytes: Default::default(),
            txf_last: Default::default(),
            gmii_txd: Default::default(),
            gmii_tx_en: Default::default(),
            gmii_tx_er: Default::default(),
            tx_frames: Default::default(),
            tx_underruns: Default::default(),
            gmii_rxd: Default::default(),
            gmii_rx_dv: Default::default(),
            gmii_rx_er: Default::default(),
            rxf_valid: Default::default(),
            rxf_data: Default::default(),
            rxf_bytes: Default::default(),
            rxf_last: Default::default(),
            rxf_err: Default::default(),
            rx_frames: Default::default(),
            rx_bad: Default::default(),
            mdc: Default::default(),
            mdio_o: Default::default(),
            mdio_oe: Default::default(),
            mdio_i: Default::default(),
            link_up: Default::default(),
            bmsr: Default::default(),
            mdio_reads: Default::default(),
            tx: EthGmiiTx::default(),
            rx: EthGmiiRx::new(max_data),
            mdio: MdioLink::new(phy, half_period, poll),
            every_cycle: Constant::new(true),
        }
    }
}

impl Logic for EthMac {
    #[hdl_gen]
    fn update(&mut self) {
        self.tx.clock.next = self.clock.val();
        self.tx.reset.next = self.reset.val();
        self.tx.txf_valid.next = self.txf_valid.val();
        self.txf_ready.next = self.tx.txf_ready.val();
        self.tx.txf_data.next = self.txf_data.val();
        self.tx.txf_bytes.next = self.txf_bytes.val();
        self.tx.txf_last.next = self.txf_last.val();
        self.gmii_txd.next = self.tx.gmii_txd.val();
        self.gmii_tx_en.next = self.tx.gmii_tx_en.val();
        self.gmii_tx_er.next = self.tx.gmii_tx_er.val();
        self.tx_frames.next = self.tx.frames.val();
        self.tx_underruns.next = self.tx.underruns.val();
        self.rx.clock.next = self.clock.val();
        self.rx.reset.next = self.reset.val();
        self.rx.gmii_rxd.next = self.gmii_rxd.val();
        self.rx.gmii_rx_dv.next = self.gmii_rx_dv.val();
        self.rx.gmii_rx_er.next = self.gmii_rx_er.val();
        self.rx.gmii_ce.next = self.every_cycle.val();
        self.rxf_valid.next = self.rx.rxf_valid.val();
        self.rxf_data.next = self.rx.rxf_data.val();
        self.rxf_bytes.next = self.rx.rxf_bytes.val();
        self.rxf_last.next = self.rx.rxf_last.val();
        self.rxf_err.next = self.rx.rxf_err.val();
        self.rx_frames.next = self.rx.frames.val();
        self.rx_bad.next = self.rx.bad_frames.val();
        self.mdio.clock.next = self.clock.val();
        self.mdio.reset.next = self.reset.val();
        self.mdc.next = self.mdio.mdc.val();
        self.mdio_o.next = self.mdio.mdio_o.val();
        self.mdio_oe.next = self.mdio.mdio_oe.val();
        self.mdio.mdio_i.next = self.mdio_i.val();
        self.link_up.next = self.mdio.link_up.val();
        self.bmsr.next = self.mdio.bmsr.val();
        self.mdio_reads.next = self.mdio.reads.val();
    }
}
