//! The TLP streams of the card core (`tlp_rx`, `tlp_tx`): the project's stream convention
//! (valid/ready, see `common::stream`) with the beat's fields as separate signals, so the
//! emitted Verilog has plain ports (`rx$data`, `rx$sop`, ...) for other tools to drive.
//! Format: docs/ARCHITECTURE.md, "The card core's TLP streams".

use rust_hdl::prelude::*;

/// Producing end of a TLP stream.
#[derive(LogicInterface, Default)]
#[join = "TlpSink"]
pub struct TlpSource {
    pub valid: Signal<Out, bool>,
    pub ready: Signal<In, bool>,
    /// Earlier DW in bits 63:32, wire byte order.
    pub data: Signal<Out, Bits<64>>,
    pub sop: Signal<Out, bool>,
    pub eop: Signal<Out, bool>,
    /// Last beat only: bits 31:0 are not part of the TLP.
    pub upper_only: Signal<Out, bool>,
}

/// Consuming end of a TLP stream.
#[derive(LogicInterface, Default)]
#[join = "TlpSource"]
pub struct TlpSink {
    pub valid: Signal<In, bool>,
    pub ready: Signal<Out, bool>,
    pub data: Signal<In, Bits<64>>,
    pub sop: Signal<In, bool>,
    pub eop: Signal<In, bool>,
    pub upper_only: Signal<In, bool>,
}

/// [`WireDw`]: the register-view dword `register` (byte 0 in bits 7:0) as a wire-order DW
/// (byte 0 in bits 31:24) in the low half of a beat. Combinational.
#[derive(LogicBlock, Default)]
pub struct WireDw {
    pub register: Signal<In, Bits<32>>,
    pub low_half: Signal<Out, Bits<64>>,
}

impl Logic for WireDw {
    fn update(&mut self) {
        let v = self.register.val().to_u64() as u32;
        self.low_half.next = Bits::from(v.swap_bytes() as u64);
    }
    fn connect(&mut self) {
        self.low_half.connect();
    }
    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            "always @(*) low_half = {32'h0, register[7:0], register[15:8], register[23:16], register[31:24]};\n"
                .into(),
        )
    }
}
