//! [`EthGmiiTx`]: the transmit half of the 1 GbE MAC. It takes whole frames from a net
//! device's `txf` port (docs/ARCHITECTURE.md, "The MAC-side frame ports") and sends them on a
//! GMII byte stream: seven 0x55 and the SFD, the frame, zero padding to 60 bytes, the FCS
//! (IEEE 802.3 CRC-32, least significant byte first), then 12 idle byte times.
//!
//! Interface (one clock, the 125 MHz GMII transmit clock; `reset` synchronous):
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `txf_valid`, `txf_ready`, `txf_data[63:0]`, `txf_bytes[3:0]`, `txf_last` | in/out/in | frames, 8 bytes a beat (all but the last full); a beat is taken every 8 cycles while a frame is sent |
//! | `gmii_txd[7:0]`, `gmii_tx_en`, `gmii_tx_er` | out | the GMII transmit signals, registered |
//! | `frames`, `underruns` | out | frames sent; frames spoilt because the next beat was late (TX_ER sent, the rest of the frame dropped) |
//!
//! The device's transmit FIFO holds whole frames, so an underrun does not happen with it; the
//! error path exists so that a late beat never puts a half frame with a good FCS on the wire.

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct EthGmiiTx {
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
    pub frames: Signal<Out, Bits<32>>,
    pub underruns: Signal<Out, Bits<32>>,
}

impl Logic for EthGmiiTx {
    fn update(&mut self) {
        panic!("EthGmiiTx is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.txf_ready.connect();
        self.gmii_txd.connect();
        self.gmii_tx_en.connect();
        self.gmii_tx_er.connect();
        self.frames.connect();
        self.underruns.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!("{}{}", super::CRC8_FN, include_str!("gmii_tx.v")))
    }
}
