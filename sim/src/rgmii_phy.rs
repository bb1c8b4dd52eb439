//! The PHY's side of an RGMII link and its MDIO pins, for the simulation tops that carry the
//! MAC's pads (`eth_rgmii`, `eth_echo_sim`). [`RgmiiPhy`] runs the top's core clock and the
//! PHY's receive clock as two clocks on one picosecond time line, so their edges drift against
//! each other as two crystals' do; it drives the receive pins a quarter period before each
//! receive-clock edge (the PHY's clock is centred in the data, as the 88E1512 does with its
//! internal delay), and reads the transmit pins in each half of the core clock (the DDR output
//! cell shows bits 3:0 while the clock is high and 7:4 while it is low).
//!
//! A top whose MAC has its own clock (`eth_rgmii`'s `mac_clock`) gets it driven with the core
//! clock's edges, or, after [`RgmiiPhy::with_mac_clock`], as a third clock of its own: the
//! transmit pins are then read in its halves instead.
//!
//! The MDIO side is [`MdioPhy`] (`RgmiiPhy::mdio`).

use crate::eth_wire::MdioPhy;
use std::collections::VecDeque;

/// The pins of a top that [`RgmiiPhy`] drives and reads.
pub trait RgmiiDut {
    fn set_core_clock(&mut self, level: bool);
    /// The MAC's own clock (`mac_clock`), for a top that has one.
    fn set_mac_clock(&mut self, _level: bool) {}
    fn set_rx(&mut self, clk: bool, ctl: bool, d: u8);
    /// (`tx_clk`, `tx_ctl`, `txd`) after evaluation.
    fn tx(&mut self) -> (bool, bool, u8);
    fn mdc(&mut self) -> bool;
    /// The MAC's MDIO output while it drives the line.
    fn mdio_drive(&mut self) -> Option<bool>;
    fn set_mdio_i(&mut self, v: bool);
    fn settle(&mut self);
}

macro_rules! rgmii_dut {
    ($t:ty, mac $macclk:ident, $($rest:tt)*) => {
        rgmii_dut!(@impl $t, { fn set_mac_clock(&mut self, level: bool) { self.$macclk(level as u64); } }, $($rest)*);
    };
    ($t:ty, $($rest:tt)*) => {
        rgmii_dut!(@impl $t, {}, $($rest)*);
    };
    (@impl $t:ty, { $($extra:tt)* }, $clk:ident, $rxc:ident, $rxctl:ident, $rxd:ident, $txc:ident, $txctl:ident,
     $txd:ident, $mdc:ident, $mo:ident, $moe:ident, $mi:ident) => {
        impl RgmiiDut for $t {
            $($extra)*
            fn set_core_clock(&mut self, level: bool) {
                self.$clk(level as u64);
            }
            fn set_rx(&mut self, clk: bool, ctl: bool, d: u8) {
                self.$rxc(clk as u64);
                self.$rxctl(ctl as u64);
                self.$rxd(d as u64 & 15);
            }
            fn tx(&mut self) -> (bool, bool, u8) {
                (self.$txc() == 1, self.$txctl() == 1, self.$txd() as u8)
            }
            fn mdc(&mut self) -> bool {
                self.$mdc() == 1
            }
            fn mdio_drive(&mut self) -> Option<bool> {
                (self.$moe() == 1).then(|| self.$mo() == 1)
            }
            fn set_mdio_i(&mut self, v: bool) {
                self.$mi(v as u64);
            }
            fn settle(&mut self) {
                std::ops::DerefMut::deref_mut(self).settle();
            }
        }
    };
}

rgmii_dut!(
    crate::models::EthRgmii,
    mac set_mac_clock,
    set_clock,
    set_rgmii_rx_clk,
    set_rgmii_rx_ctl,
    set_rgmii_rxd,
    rgmii_tx_clk,
    rgmii_tx_ctl,
    rgmii_txd,
    mdc,
    mdio_o,
    mdio_oe,
    set_mdio_i
);
rgmii_dut!(
    crate::models::EthEchoSim,
    set_clk100,
    set_eth0_rx_clk,
    set_eth0_rx_ctl,
    set_eth0_rxd,
    eth0_tx_clk,
    eth0_tx_ctl,
    eth0_txd,
    eth0_mdc,
    eth0_mdio_o,
    eth0_mdio_oe,
    set_eth0_mdio_i
);

/// One byte time on the receive side: (RX_DV, RX_ER, data).
type RxByte = (bool, bool, u8);

pub struct RgmiiPhy {
    core_half: u64,
    rx_half: u64,
    /// The MAC's clock's half period, when it is not the core clock.
    mac_half: Option<u64>,
    next_mac: u64,
    mac_level: bool,
    next_core: u64,
    next_rx: u64,
    next_rx_data: u64,
    core_level: bool,
    rx_level: bool,
    rx_queue: VecDeque<RxByte>,
    rx_cur: RxByte,
    rx_pins: (bool, u8),
    tx_rise: (bool, u8),
    tx_run: Vec<u8>,
    tx_er_run: bool,
    /// Transmitted frames as on the wire (preamble to FCS), each with whether TX_ER was seen.
    pub tx_frames: Vec<(Vec<u8>, bool)>,
    /// Core clock cycles run.
    pub cycles: u64,
    /// Set if `tx_clk` ever differed from the level of the clock it forwards (the MAC's clock:
    /// the core clock unless [`RgmiiPhy::with_mac_clock`]).
    pub tx_clk_wrong: bool,
    /// The PHY's MDIO side.
    pub mdio: MdioPhy,
}

impl RgmiiPhy {
    /// Core clock half period `core_half_ps`, receive clock half period `rx_half_ps`; the MDIO
    /// side answers at `addr` with `bmsr`.
    pub fn new(core_half_ps: u64, rx_half_ps: u64, addr: u8, bmsr: u16) -> Self {
        RgmiiPhy {
            core_half: core_half_ps,
            rx_half: rx_half_ps,
            mac_half: None,
            next_mac: u64::MAX,
            mac_level: true,
            next_core: core_half_ps,
            // start the receive clock out of phase with the core clock
            next_rx: rx_half_ps + rx_half_ps / 3,
            next_rx_data: rx_half_ps / 3 + rx_half_ps / 2,
            core_level: true,
            rx_level: false,
            rx_queue: VecDeque::new(),
            rx_cur: (false, false, 0),
            rx_pins: (false, 0),
            tx_rise: (false, 0),
            tx_run: Vec::new(),
            tx_er_run: false,
            tx_frames: Vec::new(),
            cycles: 0,
            tx_clk_wrong: false,
            mdio: MdioPhy::new(addr, bmsr),
        }
    }

    /// Run the MAC's clock (`mac_clock`) apart from the core clock, at half period
    /// `mac_half_ps`, out of phase with it; the transmit pins follow it.
    pub fn with_mac_clock(mut self, mac_half_ps: u64) -> Self {
        self.mac_half = Some(mac_half_ps);
        self.next_mac = mac_half_ps + mac_half_ps / 5;
        self
    }

    /// Queue `wire` (preamble to FCS) for the receive pins, RX_ER on byte `er_at` if given,
    /// then 12 idle byte times.
    pub fn send(&mut self, wire: &[u8], er_at: Option<usize>) {
        for (i, &b) in wire.iter().enumerate() {
            self.rx_queue.push_back((true, er_at == Some(i), b));
        }
        for _ in 0..12 {
            self.rx_queue.push_back((false, false, 0));
        }
    }

    /// Whether every queued receive byte has been put on the pins.
    pub fn rx_done(&self) -> bool {
        self.rx_queue.is_empty()
    }

    /// Run `cycles` core clock cycles.
    pub fn run<D: RgmiiDut>(&mut self, dut: &mut D, cycles: u64) {
        let end = self.cycles + cycles;
        while self.cycles < end {
            self.step(dut);
        }
    }

    /// Run until `done` holds (checked every core cycle) or `max` cycles pass; returns whether
    /// it held.
    pub fn run_until<D: RgmiiDut>(
        &mut self,
        dut: &mut D,
        max: u64,
        mut done: impl FnMut(&mut Self, &mut D) -> bool,
    ) -> bool {
        let end = self.cycles + max;
        while self.cycles < end {
            let c = self.cycles;
            while self.cycles == c {
                self.step(dut);
            }
            if done(self, dut) {
                return true;
            }
        }
        false
    }

    /// The next event on the time line.
    fn step<D: RgmiiDut>(&mut self, dut: &mut D) {
        let t = self
            .next_core
            .min(self.next_rx)
            .min(self.next_rx_data)
            .min(self.next_mac);
        if t == self.next_rx_data {
            // a quarter period before the coming edge: that edge's half of the byte
            self.next_rx_data = u64::MAX;
            self.rx_pins = if self.rx_level {
                // a falling edge comes: bits 7:4 and RX_DV xor RX_ER
                let (dv, er, d) = self.rx_cur;
                (dv ^ er, d >> 4)
            } else {
                self.rx_cur = self.rx_queue.pop_front().unwrap_or((false, false, 0));
                let (dv, _, d) = self.rx_cur;
                (dv, d & 15)
            };
            dut.set_rx(self.rx_level, self.rx_pins.0, self.rx_pins.1);
            dut.settle();
        } else if t == self.next_rx {
            self.rx_level = !self.rx_level;
            dut.set_rx(self.rx_level, self.rx_pins.0, self.rx_pins.1);
            dut.settle();
            self.next_rx = t + self.rx_half;
            self.next_rx_data = t + self.rx_half / 2;
        } else if t == self.next_mac {
            self.mac_level = !self.mac_level;
            dut.set_mac_clock(self.mac_level);
            dut.settle();
            self.read_tx(dut, self.mac_level);
            self.next_mac = t + self.mac_half.expect("a MAC clock of its own");
        } else {
            self.core_level = !self.core_level;
            if self.core_level {
                // MDIO: the PHY sees MDC and the line just before the core's rising edge
                let line = self.mdio.line(dut.mdio_drive());
                dut.set_mdio_i(line);
                dut.settle();
                let mdc = dut.mdc();
                let line = self.mdio.line(dut.mdio_drive());
                self.mdio.step(mdc, line);
            }
            dut.set_core_clock(self.core_level);
            if self.mac_half.is_none() {
                dut.set_mac_clock(self.core_level);
            }
            dut.settle();
            if self.core_level {
                self.cycles += 1;
            }
            if self.mac_half.is_none() {
                self.read_tx(dut, self.core_level);
            }
            self.next_core = t + self.core_half;
        }
    }

    /// The transmit pins after an edge of the clock that forwards `tx_clk` (now at `level`).
    fn read_tx<D: RgmiiDut>(&mut self, dut: &mut D, level: bool) {
        let (clk, ctl, d) = dut.tx();
        if clk != level {
            self.tx_clk_wrong = true;
        }
        if level {
            self.tx_rise = (ctl, d);
        } else {
            let (en, lo) = self.tx_rise;
            let er = en ^ ctl;
            if en {
                self.tx_run.push(lo | d << 4);
                self.tx_er_run |= er;
            } else if !self.tx_run.is_empty() {
                let f = std::mem::take(&mut self.tx_run);
                self.tx_frames.push((f, self.tx_er_run));
                self.tx_er_run = false;
            }
        }
    }
}
