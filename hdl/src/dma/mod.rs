//! The DMA engine: the card's only way into host memory. Every queue engine and device reads
//! and writes through it (docs/ARCHITECTURE.md, "DMA engine").
//!
//! | block | job |
//! |---|---|
//! | [`DmaRead`] | read requests split into MRds with a pool of 32 tags, completions reassembled in order |
//! | [`DmaWrite`] | write requests split into MWrs with byte enables, store-and-forward per TLP |
//! | [`RxRouter`] | received completions to [`DmaRead`], everything else to the completer |
//! | [`DmaArbiter`] | four clients (two queue engines, two devices) share the engine fairly |
//! | [`DmaEngine`] (here) | both halves, their MRd/MWr streams merged a TLP at a time ([`TxArbiter`]) |
//!
//! Ordering contract: a TLP the card queues after a write's `wr_done` pulse goes on the link
//! after every MWr of that write (PCIe posted-write ordering then keeps it behind them in
//! host memory). Reads and writes handed in at the same time are not ordered with each other.

mod arbiter;
mod port;
mod read;
mod rx_router;
mod write;

pub use arbiter::DmaArbiter;
pub use port::{DmaClientPort, DmaServerPort};

pub use read::DmaRead;
pub use rx_router::RxRouter;
pub use write::DmaWrite;

use crate::common::SkidBuffer;
use crate::tlp::{TlpSink, TlpSource, TxArbiter};
use rust_hdl::prelude::*;

/// Verilog functions both halves use: a DW's byte swap between wire order and memory order,
/// and the byte realigner's window.
const VERILOG_HELPERS: &str = r#"// DW byte swap: wire order (byte 0 in bits 31:24) <-> memory order (byte 0 in bits 7:0)
function [31:0] swap32(input [31:0] x);
  swap32 = {x[7:0], x[15:8], x[23:16], x[31:24]};
endfunction
// eight bytes of x starting at byte `off` (0..8)
function [63:0] bytes_at(input [127:0] x, input [3:0] off);
  case (off)
    4'd0: bytes_at = x[63:0];
    4'd1: bytes_at = x[71:8];
    4'd2: bytes_at = x[79:16];
    4'd3: bytes_at = x[87:24];
    4'd4: bytes_at = x[95:32];
    4'd5: bytes_at = x[103:40];
    4'd6: bytes_at = x[111:48];
    4'd7: bytes_at = x[119:56];
    default: bytes_at = x[127:64];
  endcase
endfunction
"#;

/// Cycles the oldest read may wait for its completions: 2^17 at 125 MHz is 1.05 ms, inside
/// PCIe's default range (50 us to 50 ms).
pub const COMPLETION_TIMEOUT_CYCLES: u32 = 1 << 17;

/// Both halves of the DMA engine behind one `tx` stream and one client port ([`DmaServerPort`]:
/// [`DmaRead`]'s channels prefixed `rd_`, [`DmaWrite`]'s `wr_`).
#[derive(LogicBlock)]
pub struct DmaEngine {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    /// The client channels (one client: put a [`DmaArbiter`] in front for more).
    pub client: DmaServerPort,
    pub tx: TlpSource,
    pub cpl: TlpSink,
    pub bus_device: Signal<In, Bits<13>>,
    pub f0_bus_master: Signal<In, bool>,
    pub f1_bus_master: Signal<In, bool>,
    /// MRRS of function N is at least 256 B (Device Control 14:12 nonzero).
    pub f0_read_256: Signal<In, bool>,
    pub f1_read_256: Signal<In, bool>,
    /// MPS of function N is at least 256 B (Device Control 7:5 nonzero).
    pub f0_write_256: Signal<In, bool>,
    pub f1_write_256: Signal<In, bool>,
    pub unexpected: Signal<Out, bool>,
    pub timeout: Signal<Out, bool>,
    pub idle: Signal<Out, bool>,
    read: DmaRead,
    write: DmaWrite,
    arbiter: TxArbiter,
    /// A register slice on the write data: the clients' data path through the arbiter and the
    /// write intake's realigner in one cycle was the card's critical path.
    wdata_slice: SkidBuffer<Bits<64>>,
}

impl DmaEngine {
    pub fn new(timeout_cycles: u32) -> Self {
        DmaEngine {
            clock: Default::default(),
            reset: Default::default(),
            client: Default::default(),
            tx: Default::default(),
            cpl: Default::default(),
            bus_device: Default::default(),
            f0_bus_master: Default::default(),
            f1_bus_master: Default::default(),
            f0_read_256: Default::default(),
            f1_read_256: Default::default(),
            f0_write_256: Default::default(),
            f1_write_256: Default::default(),
            unexpected: Default::default(),
            timeout: Default::default(),
            idle: Default::default(),
            read: DmaRead::new(timeout_cycles),
            write: Default::default(),
            arbiter: Default::default(),
            wdata_slice: Default::default(),
        }
    }
}

impl Default for DmaEngine {
    fn default() -> Self {
        Self::new(COMPLETION_TIMEOUT_CYCLES)
    }
}

impl Logic for DmaEngine {
    #[hdl_gen]
    fn update(&mut self) {
        self.read.clock.next = self.clock.val();
        self.read.reset.next = self.reset.val();
        self.write.clock.next = self.clock.val();
        self.write.reset.next = self.reset.val();
        self.arbiter.clock.next = self.clock.val();
        self.arbiter.reset.next = self.reset.val();

        self.read.req_valid.next = self.client.rd_req_valid.val();
        self.client.rd_req_ready.next = self.read.req_ready.val();
        self.read.req_function.next = self.client.rd_req_function.val();
        self.read.req_address.next = self.client.rd_req_address.val();
        self.read.req_length.next = self.client.rd_req_length.val();
        self.client.rd_valid.next = self.read.data_valid.val();
        self.read.data_ready.next = self.client.rd_ready.val();
        self.client.rd_data.next = self.read.data.val();
        self.client.rd_last.next = self.read.data_last.val();
        self.client.rd_error.next = self.read.data_error.val();

        self.write.req_valid.next = self.client.wr_req_valid.val();
        self.client.wr_req_ready.next = self.write.req_ready.val();
        self.write.req_function.next = self.client.wr_req_function.val();
        self.write.req_address.next = self.client.wr_req_address.val();
        self.write.req_length.next = self.client.wr_req_length.val();
        self.wdata_slice.clock.next = self.clock.val();
        self.wdata_slice.reset.next = self.reset.val();
        self.wdata_slice.sink.valid.next = self.client.wr_valid.val();
        self.client.wr_ready.next = self.wdata_slice.sink.ready.val();
        self.wdata_slice.sink.data.next = self.client.wr_data.val();
        self.write.wdata_valid.next = self.wdata_slice.source.valid.val();
        self.wdata_slice.source.ready.next = self.write.wdata_ready.val();
        self.write.wdata.next = self.wdata_slice.source.data.val();
        self.client.wr_done.next = self.write.done.val();
        self.client.wr_error.next = self.write.done_error.val();

        self.read.bus_device.next = self.bus_device.val();
        self.write.bus_device.next = self.bus_device.val();
        self.read.f0_bus_master.next = self.f0_bus_master.val();
        self.read.f1_bus_master.next = self.f1_bus_master.val();
        self.write.f0_bus_master.next = self.f0_bus_master.val();
        self.write.f1_bus_master.next = self.f1_bus_master.val();
        self.read.f0_read_256.next = self.f0_read_256.val();
        self.read.f1_read_256.next = self.f1_read_256.val();
        self.write.f0_write_256.next = self.f0_write_256.val();
        self.write.f1_write_256.next = self.f1_write_256.val();

        TlpSink::link(&mut self.cpl, &mut self.read.cpl);
        TlpSource::join(&mut self.read.tx, &mut self.arbiter.a);
        TlpSource::join(&mut self.write.tx, &mut self.arbiter.b);
        TlpSource::link(&mut self.tx, &mut self.arbiter.tx);

        self.unexpected.next = self.read.unexpected.val();
        self.timeout.next = self.read.timeout.val();
        self.idle.next =
            self.read.idle.val() & self.write.idle.val() & !self.wdata_slice.source.valid.val();
    }
}
