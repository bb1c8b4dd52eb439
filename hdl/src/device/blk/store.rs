//! The storage port: how the request engine ([`super::BlkRequest`]) reaches a sector store.
//! [`StoreClientPort`] is the engine's end, [`StoreServerPort`] the store's. In emitted Verilog
//! a port `st` appears as `st$req_valid`, ...
//!
//! | signal | dir (client) | meaning |
//! |---|---|---|
//! | `req_valid`, `req_ready` | out/in | an operation; taken when both are high |
//! | `req_op` | out | 0 READ, 1 WRITE, 2 FLUSH, 3 ZERO |
//! | `req_sector`, `req_count` | out | first 512-byte sector and sector count (READ, WRITE, ZERO; ignored by FLUSH) |
//! | `wr_valid`, `wr_ready`, `wr_data` | out/in/out | WRITE's data after its request: exactly 64 beats a sector, byte *k* of a sector in bits 8(k mod 8)+7 : 8(k mod 8) of beat k / 8 |
//! | `rd_valid`, `rd_ready`, `rd_data` | in/out/in | READ's data, the same shape |
//! | `done`, `error` | in | one pulse per operation, in order: READ when its last beat was taken, WRITE when its data is stored, ZERO when the range reads zero, FLUSH when every WRITE and ZERO done before it is durable; `error` with it: the operation failed (a READ's data is still delivered, its content undefined) |
//!
//! One operation at a time: the client sends the next request only after `done`. A store
//! checks the range itself too: a range past its size is answered with `error` and touches
//! nothing (a READ still delivers its beats, as zeros).

use rust_hdl::prelude::*;

/// Store operations (`req_op`).
pub mod op {
    pub const READ: u8 = 0;
    pub const WRITE: u8 = 1;
    pub const FLUSH: u8 = 2;
    pub const ZERO: u8 = 3;
}

/// The request engine's end of the storage port.
#[derive(LogicInterface, Default)]
#[join = "StoreServerPort"]
pub struct StoreClientPort {
    pub req_valid: Signal<Out, bool>,
    pub req_ready: Signal<In, bool>,
    pub req_op: Signal<Out, Bits<2>>,
    pub req_sector: Signal<Out, Bits<64>>,
    pub req_count: Signal<Out, Bits<32>>,
    pub wr_valid: Signal<Out, bool>,
    pub wr_ready: Signal<In, bool>,
    pub wr_data: Signal<Out, Bits<64>>,
    pub rd_valid: Signal<In, bool>,
    pub rd_ready: Signal<Out, bool>,
    pub rd_data: Signal<In, Bits<64>>,
    pub done: Signal<In, bool>,
    pub error: Signal<In, bool>,
}

/// The store's end of the storage port.
#[derive(LogicInterface, Default)]
#[join = "StoreClientPort"]
pub struct StoreServerPort {
    pub req_valid: Signal<In, bool>,
    pub req_ready: Signal<Out, bool>,
    pub req_op: Signal<In, Bits<2>>,
    pub req_sector: Signal<In, Bits<64>>,
    pub req_count: Signal<In, Bits<32>>,
    pub wr_valid: Signal<In, bool>,
    pub wr_ready: Signal<Out, bool>,
    pub wr_data: Signal<In, Bits<64>>,
    pub rd_valid: Signal<Out, bool>,
    pub rd_ready: Signal<In, bool>,
    pub rd_data: Signal<Out, Bits<64>>,
    pub done: Signal<Out, bool>,
    pub error: Signal<Out, bool>,
}

impl StoreClientPort {
    /// Mark the outputs of a hand-written block's client port as driven.
    pub fn connect_outputs(&mut self) {
        self.req_valid.connect();
        self.req_op.connect();
        self.req_sector.connect();
        self.req_count.connect();
        self.wr_valid.connect();
        self.wr_data.connect();
        self.rd_ready.connect();
    }
}

impl StoreServerPort {
    /// Mark the outputs of a hand-written block's serving port as driven.
    pub fn connect_outputs(&mut self) {
        self.req_ready.connect();
        self.wr_ready.connect();
        self.rd_valid.connect();
        self.rd_data.connect();
        self.done.connect();
        self.error.connect();
    }
}
