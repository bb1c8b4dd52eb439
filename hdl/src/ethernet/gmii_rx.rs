//! [`EthGmiiRx`]: the receive half of the 1 GbE MAC. It takes a GMII byte stream, finds the
//! preamble and SFD, checks the FCS (IEEE 802.3 CRC-32), and hands the frame without its FCS
//! to a net device's `rxf` port, 8 bytes a beat. The verdict comes with the last beat:
//! `rxf_err` marks a frame the device must drop (bad FCS, RX_ER during the frame, fewer than
//! 60 or more than `max_data` bytes before the FCS).
//!
//! Interface (one clock, the 125 MHz GMII receive clock; `reset` synchronous):
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `gmii_rxd[7:0]`, `gmii_rx_dv`, `gmii_rx_er` | in | the GMII receive signals (registered on entry) |
//! | `gmii_ce` | in | the three above are a byte time; low: no byte this cycle, everything holds (high on a plain GMII stream; the RGMII crossing, [`super::EthRgmii`], lowers it while its FIFO is empty) |
//! | `rxf_valid`, `rxf_data[63:0]`, `rxf_bytes[3:0]`, `rxf_last`, `rxf_err` | out | the frame, registered; never stalled (a MAC cannot wait), at most a beat every 8 cycles; bytes beyond `rxf_bytes` in the last beat are left from the beat before |
//! | `frames`, `bad_frames` | out | frames passed; frames marked with `rxf_err` (or too short to give a beat) |
//!
//! Latency: a data byte reaches its beat five byte times after it is on `gmii_rxd` (the input
//! register and the four-byte delay that holds back the FCS); with `gmii_ce` high throughout,
//! five cycles.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct EthGmiiRx {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub gmii_rxd: Signal<In, Bits<8>>,
    pub gmii_rx_dv: Signal<In, bool>,
    pub gmii_rx_er: Signal<In, bool>,
    pub gmii_ce: Signal<In, bool>,
    pub rxf_valid: Signal<Out, bool>,
    pub rxf_data: Signal<Out, Bits<64>>,
    pub rxf_bytes: Signal<Out, Bits<4>>,
    pub rxf_last: Signal<Out, bool>,
    pub rxf_err: Signal<Out, bool>,
    pub frames: Signal<Out, Bits<32>>,
    pub bad_frames: Signal<Out, Bits<32>>,
    _max_data: u32,
}

impl EthGmiiRx {
    /// A receiver passing frames of up to `max_data` bytes before the FCS (MTU + 18).
    pub fn new(max_data: u32) -> Self {
        assert!((60..2047).contains(&max_data));
        EthGmiiRx {
            clock: Default::default(),
            reset: Default::default(),
            gmii_rxd: Default::default(),
            gmii_rx_dv: Default::default(),
            gmii_rx_er: Default::default(),
            gmii_ce: Default::default(),
            rxf_valid: Default::default(),
            rxf_data: Default::default(),
            rxf_bytes: Default::default(),
            rxf_last: Default::default(),
            rxf_err: Default::default(),
            frames: Default::default(),
            bad_frames: Default::default(),
            _max_data: max_data,
        }
    }
}

impl Logic for EthGmiiRx {
    fn update(&mut self) {
        panic!("EthGmiiRx is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.rxf_valid.connect();
        self.rxf_data.connect();
        self.rxf_bytes.connect();
        self.rxf_last.connect();
        self.rxf_err.connect();
        self.frames.connect();
        self.bad_frames.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "localparam [10:0] MAXD = 11'd{};\n{}{}",
            self._max_data,
            super::CRC8_FN,
            include_str!("gmii_rx.v")
        ))
    }
}
