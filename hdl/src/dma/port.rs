//! The DMA client channels as one port: [`DmaClientPort`] is the client's end (a queue engine,
//! a device), [`DmaServerPort`] the engine's (or an arbiter's). Signals and their contract:
//! docs/ARCHITECTURE.md, "DMA engine". In emitted Verilog a port `c0` appears as
//! `c0$rd_req_valid`, `c0$rd_data`, ...

use rust_hdl::prelude::*;

/// The client's end of the DMA channels.
#[derive(LogicInterface, Default)]
#[join = "DmaServerPort"]
pub struct DmaClientPort {
    pub rd_req_valid: Signal<Out, bool>,
    pub rd_req_ready: Signal<In, bool>,
    pub rd_req_function: Signal<Out, bool>,
    pub rd_req_address: Signal<Out, Bits<64>>,
    pub rd_req_length: Signal<Out, Bits<16>>,
    pub rd_valid: Signal<In, bool>,
    pub rd_ready: Signal<Out, bool>,
    pub rd_data: Signal<In, Bits<64>>,
    pub rd_last: Signal<In, bool>,
    pub rd_error: Signal<In, bool>,
    pub wr_req_valid: Signal<Out, bool>,
    pub wr_req_ready: Signal<In, bool>,
    pub wr_req_function: Signal<Out, bool>,
    pub wr_req_address: Signal<Out, Bits<64>>,
    pub wr_req_length: Signal<Out, Bits<16>>,
    pub wr_valid: Signal<Out, bool>,
    pub wr_ready: Signal<In, bool>,
    pub wr_data: Signal<Out, Bits<64>>,
    pub wr_done: Signal<In, bool>,
    pub wr_error: Signal<In, bool>,
}

/// The serving end of the DMA channels.
#[derive(LogicInterface, Default)]
#[join = "DmaClientPort"]
pub struct DmaServerPort {
    pub rd_req_valid: Signal<In, bool>,
    pub rd_req_ready: Signal<Out, bool>,
    pub rd_req_function: Signal<In, bool>,
    pub rd_req_address: Signal<In, Bits<64>>,
    pub rd_req_length: Signal<In, Bits<16>>,
    pub rd_valid: Signal<Out, bool>,
    pub rd_ready: Signal<In, bool>,
    pub rd_data: Signal<Out, Bits<64>>,
    pub rd_last: Signal<Out, bool>,
    pub rd_error: Signal<Out, bool>,
    pub wr_req_valid: Signal<In, bool>,
    pub wr_req_ready: Signal<Out, bool>,
    pub wr_req_function: Signal<In, bool>,
    pub wr_req_address: Signal<In, Bits<64>>,
    pub wr_req_length: Signal<In, Bits<16>>,
    pub wr_valid: Signal<In, bool>,
    pub wr_ready: Signal<Out, bool>,
    pub wr_data: Signal<In, Bits<64>>,
    pub wr_done: Signal<Out, bool>,
    pub wr_error: Signal<Out, bool>,
}

impl DmaServerPort {
    /// Mark the outputs of a hand-written (Verilog::Custom) block's serving port as driven.
    pub fn connect_outputs(&mut self) {
        self.rd_req_ready.connect();
        self.rd_valid.connect();
        self.rd_data.connect();
        self.rd_last.connect();
        self.rd_error.connect();
        self.wr_req_ready.connect();
        self.wr_ready.connect();
        self.wr_done.connect();
        self.wr_error.connect();
    }
}

impl DmaClientPort {
    /// Mark the outputs of a hand-written block's client port as driven.
    pub fn connect_outputs(&mut self) {
        self.rd_req_valid.connect();
        self.rd_req_function.connect();
        self.rd_req_address.connect();
        self.rd_req_length.connect();
        self.rd_ready.connect();
        self.wr_req_valid.connect();
        self.wr_req_function.connect();
        self.wr_req_address.connect();
        self.wr_req_length.connect();
        self.wr_valid.connect();
        self.wr_data.connect();
    }
}
