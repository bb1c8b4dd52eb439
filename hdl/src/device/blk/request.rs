//! [`BlkRequest`]: the virtio-blk request engine. It takes one buffer at a time from the
//! queue engine's segment stream, carries out the request in it against the store, writes the
//! status byte and completes the buffer.
//!
//! Interface (one clock, `reset` synchronous):
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `seg_*` | in (`seg_ready` out) | the queue engine's segment stream (docs/ARCHITECTURE.md, "Packed-virtqueue engine") |
//! | `done_valid`, `done_ready`, `done_queue`, `done_token`, `done_len`, `done_more` | out/in/out... | the completion: `done_len` = bytes written into the writable part, status included (0 for a faulted buffer); `done_more` is always 0 |
//! | `idle` | out | no buffer held (registered) |
//! | `needs_reset` | out | pulse: a buffer the device cannot serve (below), or a DMA failure |
//! | `flush_on`, `discard_on`, `write_zeroes_on`, `secure_erase_on`, `lifetime_on` | in | those features negotiated |
//! | `writeback` | in | the cache mode ([`super::BlkConfigSpace`]): 0 writethrough, every write is followed by a store FLUSH before it completes |
//! | `dma` | client | host memory (docs/ARCHITECTURE.md, "DMA engine") |
//! | `st` | client | the storage port ([`super::store`]) |
//!
//! Framing (BLK-8, BLK-21): the readable segments are one byte stream whose first 16 bytes are
//! the header (`type`, `reserved`, ignored, `sector`) and the rest the request's data; the
//! writable segments one byte stream whose last byte is the status and the rest the data.
//! Any split is served: a [`SegmentReader`] walks the readable segments with DMA reads of at
//! most 4 KiB that never leave a segment (up to 4 in flight) and packs their bytes into 64-bit
//! words; a [`SegmentWriter`] does the same in reverse for the writable ones. Nothing is ever
//! written into a readable segment (BLK-22): every write goes to a writable segment or the
//! status byte.
//!
//! | type | needs | done with |
//! |---|---|---|
//! | IN (0) | data a multiple of 512, range within `capacity` | store READ -> writable data; OK, `len` = data + 1 |
//! | OUT (1) | as IN; not read-only | readable data -> store WRITE (+ FLUSH when writethrough); OK |
//! | FLUSH (4) | FLUSH negotiated | store FLUSH: every earlier completed write is durable (BLK-17) |
//! | GET_ID (8) | - | the serial, min(20, writable data) bytes, NUL-padded (BLK-10) |
//! | GET_LIFETIME (10) | LIFETIME negotiated, 6 writable data bytes | the 6-byte structure (BLK-11) |
//! | DISCARD, WRITE_ZEROES, SECURE_ERASE (11, 13, 14) | negotiated, not read-only, data k x 16 bytes with k <= the type's `max_*_seg` | per range: flags, `num_sectors` <= `max_*_sectors`, within `capacity`; then store ZERO (BLK-13..15) |
//! | anything else | | UNSUPP (BLK-9) |
//!
//! A need not met gives IOERR (a type not negotiated, an unknown range flag, or `unmap` in a
//! DISCARD gives UNSUPP), with no data moved for IN and OUT (BLK-12 for read-only). A range
//! request stops at its first bad range; the ranges before it are done (the spec allows any
//! subset).
//!
//! Faults (DEVICE_NEEDS_RESET, completed with `len` 0 and no status written): a header shorter
//! than 16 bytes, no writable byte for the status, more than 64 segments, a DMA read or write
//! that failed. After a failed read the request still runs to its end with the bytes it got,
//! so a failed OUT leaves its sectors undefined; it is never completed as OK.
//!
//! One request at a time: the queue engine serves the queues round robin, so the request
//! queues are served fairly, and each queue's buffers complete in the order they came
//! (IN_ORDER holds). A device reset waits for the request in progress to end.

use super::store::StoreClientPort;
use super::{types, BlkConfig};
use crate::device::segments::{SegReaderCtl, SegWriterCtl, SegmentReader, SegmentWriter};
use crate::dma::DmaClientPort;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct BlkRequest {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub seg_valid: Signal<In, bool>,
    pub seg_ready: Signal<Out, bool>,
    pub seg_queue: Signal<In, Bits<16>>,
    pub seg_token: Signal<In, Bits<48>>,
    pub seg_addr: Signal<In, Bits<64>>,
    pub seg_len: Signal<In, Bits<32>>,
    pub seg_write: Signal<In, bool>,
    pub seg_last: Signal<In, bool>,
    pub done_valid: Signal<Out, bool>,
    pub done_ready: Signal<In, bool>,
    pub done_queue: Signal<Out, Bits<16>>,
    pub done_token: Signal<Out, Bits<48>>,
    pub done_len: Signal<Out, Bits<32>>,
    pub done_more: Signal<Out, bool>,
    pub idle: Signal<Out, bool>,
    pub needs_reset: Signal<Out, bool>,
    pub flush_on: Signal<In, bool>,
    pub discard_on: Signal<In, bool>,
    pub write_zeroes_on: Signal<In, bool>,
    pub secure_erase_on: Signal<In, bool>,
    pub lifetime_on: Signal<In, bool>,
    pub writeback: Signal<In, bool>,
    pub dma: DmaClientPort,
    pub st: StoreClientPort,
    engine: BlkRequestEngine,
    reader: SegmentReader,
    writer: SegmentWriter,
}

impl BlkRequest {
    /// The request engine of a blk device on function `function` (its DMA requester).
    pub fn new(cfg: &BlkConfig, function: bool) -> Self {
        BlkRequest {
            clock: Default::default(),
            reset: Default::default(),
            seg_valid: Default::default(),
            seg_ready: Default::default(),
            seg_queue: Default::default(),
            seg_token: Default::default(),
            seg_addr: Default::default(),
            seg_len: Default::default(),
            seg_write: Default::default(),
            seg_last: Default::default(),
            done_valid: Default::default(),
            done_ready: Default::default(),
            done_queue: Default::default(),
            done_token: Default::default(),
            done_len: Default::default(),
            done_more: Default::default(),
            idle: Default::default(),
            needs_reset: Default::default(),
            flush_on: Default::default(),
            discard_on: Default::default(),
            write_zeroes_on: Default::default(),
            secure_erase_on: Default::default(),
            lifetime_on: Default::default(),
            writeback: Default::default(),
            dma: Default::default(),
            st: Default::default(),
            engine: BlkRequestEngine::new(cfg, function),
            reader: Default::default(),
            writer: Default::default(),
        }
    }
}

impl Default for BlkRequest {
    fn default() -> Self {
        Self::new(&BlkConfig::default(), true)
    }
}

impl Logic for BlkRequest {
    #[hdl_gen]
    fn update(&mut self) {
        self.engine.clock.next = self.clock.val();
        self.engine.reset.next = self.reset.val();
        self.engine.seg_valid.next = self.seg_valid.val();
        self.seg_ready.next = self.engine.seg_ready.val();
        self.engine.seg_queue.next = self.seg_queue.val();
        self.engine.seg_token.next = self.seg_token.val();
        self.engine.seg_addr.next = self.seg_addr.val();
        self.engine.seg_len.next = self.seg_len.val();
        self.engine.seg_write.next = self.seg_write.val();
        self.engine.seg_last.next = self.seg_last.val();
        self.done_valid.next = self.engine.done_valid.val();
        self.engine.done_ready.next = self.done_ready.val();
        self.done_queue.next = self.engine.done_queue.val();
        self.done_token.next = self.engine.done_token.val();
        self.done_len.next = self.engine.done_len.val();
        self.done_more.next = self.engine.done_more.val();
        self.idle.next = self.engine.idle.val();
        self.needs_reset.next = self.engine.needs_reset.val();
        self.engine.flush_on.next = self.flush_on.val();
        self.engine.discard_on.next = self.discard_on.val();
        self.engine.write_zeroes_on.next = self.write_zeroes_on.val();
        self.engine.secure_erase_on.next = self.secure_erase_on.val();
        self.engine.lifetime_on.next = self.lifetime_on.val();
        self.engine.writeback.next = self.writeback.val();
        StoreClientPort::link(&mut self.st, &mut self.engine.st);
        self.reader.clock.next = self.clock.val();
        self.reader.reset.next = self.reset.val();
        self.writer.clock.next = self.clock.val();
        self.writer.reset.next = self.reset.val();
        SegReaderCtl::join(&mut self.engine.rdr, &mut self.reader.ctl);
        SegWriterCtl::join(&mut self.engine.wtr, &mut self.writer.ctl);
        self.dma.rd_req_valid.next = self.reader.rd_req_valid.val();
        self.reader.rd_req_ready.next = self.dma.rd_req_ready.val();
        self.dma.rd_req_function.next = self.engine.wr_req_function.val();
        self.dma.rd_req_address.next = self.reader.rd_req_address.val();
        self.dma.rd_req_length.next = self.reader.rd_req_length.val();
        self.reader.rd_valid.next = self.dma.rd_valid.val();
        self.dma.rd_ready.next = self.reader.rd_ready.val();
        self.reader.rd_data.next = self.dma.rd_data.val();
        self.reader.rd_last.next = self.dma.rd_last.val();
        self.reader.rd_error.next = self.dma.rd_error.val();
        self.engine.w_req_valid.next = self.writer.wr_req_valid.val();
        self.writer.wr_req_ready.next = self.engine.w_req_ready.val();
        self.engine.w_req_address.next = self.writer.wr_req_address.val();
        self.engine.w_req_length.next = self.writer.wr_req_length.val();
        self.engine.w_valid.next = self.writer.wr_valid.val();
        self.writer.wr_ready.next = self.engine.w_ready.val();
        self.engine.w_data.next = self.writer.wr_data.val();
        self.dma.wr_req_valid.next = self.engine.wr_req_valid.val();
        self.engine.wr_req_ready.next = self.dma.wr_req_ready.val();
        self.dma.wr_req_function.next = self.engine.wr_req_function.val();
        self.dma.wr_req_address.next = self.engine.wr_req_address.val();
        self.dma.wr_req_length.next = self.engine.wr_req_length.val();
        self.dma.wr_valid.next = self.engine.wr_valid.val();
        self.engine.wr_ready.next = self.dma.wr_ready.val();
        self.dma.wr_data.next = self.engine.wr_data.val();
        self.engine.wr_done.next = self.dma.wr_done.val();
        self.engine.wr_error.next = self.dma.wr_error.val();
    }
}

/// [`BlkRequest`]'s sequence: everything but the segment walks, which are its
/// [`SegmentReader`]'s and [`SegmentWriter`]'s.
#[derive(LogicBlock)]
pub struct BlkRequestEngine {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub seg_valid: Signal<In, bool>,
    pub seg_ready: Signal<Out, bool>,
    pub seg_queue: Signal<In, Bits<16>>,
    pub seg_token: Signal<In, Bits<48>>,
    pub seg_addr: Signal<In, Bits<64>>,
    pub seg_len: Signal<In, Bits<32>>,
    pub seg_write: Signal<In, bool>,
    pub seg_last: Signal<In, bool>,
    pub done_valid: Signal<Out, bool>,
    pub done_ready: Signal<In, bool>,
    pub done_queue: Signal<Out, Bits<16>>,
    pub done_token: Signal<Out, Bits<48>>,
    pub done_len: Signal<Out, Bits<32>>,
    pub done_more: Signal<Out, bool>,
    pub idle: Signal<Out, bool>,
    pub needs_reset: Signal<Out, bool>,
    pub flush_on: Signal<In, bool>,
    pub discard_on: Signal<In, bool>,
    pub write_zeroes_on: Signal<In, bool>,
    pub secure_erase_on: Signal<In, bool>,
    pub lifetime_on: Signal<In, bool>,
    pub writeback: Signal<In, bool>,
    pub rdr: SegReaderCtl,
    pub wtr: SegWriterCtl,
    pub w_req_valid: Signal<In, bool>,
    pub w_req_ready: Signal<Out, bool>,
    pub w_req_address: Signal<In, Bits<64>>,
    pub w_req_length: Signal<In, Bits<16>>,
    pub w_valid: Signal<In, bool>,
    pub w_ready: Signal<Out, bool>,
    pub w_data: Signal<In, Bits<64>>,
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
    pub st: StoreClientPort,
    _cfg: BlkConfig,
    _function: bool,
}

impl BlkRequestEngine {
    pub fn new(cfg: &BlkConfig, function: bool) -> Self {
        cfg.validate();
        BlkRequestEngine {
            clock: Default::default(),
            reset: Default::default(),
            seg_valid: Default::default(),
            seg_ready: Default::default(),
            seg_queue: Default::default(),
            seg_token: Default::default(),
            seg_addr: Default::default(),
            seg_len: Default::default(),
            seg_write: Default::default(),
            seg_last: Default::default(),
            done_valid: Default::default(),
            done_ready: Default::default(),
            done_queue: Default::default(),
            done_token: Default::default(),
            done_len: Default::default(),
            done_more: Default::default(),
            idle: Default::default(),
            needs_reset: Default::default(),
            flush_on: Default::default(),
            discard_on: Default::default(),
            write_zeroes_on: Default::default(),
            secure_erase_on: Default::default(),
            lifetime_on: Default::default(),
            writeback: Default::default(),
            rdr: Default::default(),
            wtr: Default::default(),
            w_req_valid: Default::default(),
            w_req_ready: Default::default(),
            w_req_address: Default::default(),
            w_req_length: Default::default(),
            w_valid: Default::default(),
            w_ready: Default::default(),
            w_data: Default::default(),
            wr_req_valid: Default::default(),
            wr_req_ready: Default::default(),
            wr_req_function: Default::default(),
            wr_req_address: Default::default(),
            wr_req_length: Default::default(),
            wr_valid: Default::default(),
            wr_ready: Default::default(),
            wr_data: Default::default(),
            wr_done: Default::default(),
            wr_error: Default::default(),
            st: Default::default(),
            _cfg: cfg.clone(),
            _function: function,
        }
    }
}

impl Logic for BlkRequestEngine {
    fn update(&mut self) {
        panic!("BlkRequestEngine is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.seg_ready.connect();
        self.done_valid.connect();
        self.done_queue.connect();
        self.done_token.connect();
        self.done_len.connect();
        self.done_more.connect();
        self.idle.connect();
        self.needs_reset.connect();
        self.rdr.connect_outputs();
        self.wtr.connect_outputs();
        self.w_req_ready.connect();
        self.w_ready.connect();
        self.wr_req_valid.connect();
        self.wr_req_function.connect();
        self.wr_req_address.connect();
        self.wr_req_length.connect();
        self.wr_valid.connect();
        self.wr_data.connect();
        self.st.connect_outputs();
    }

    fn hdl(&self) -> Verilog {
        let c = &self._cfg;
        let id = c.id_bytes();
        let id_hex: String = id.iter().rev().map(|b| format!("{b:02x}")).collect();
        let l = c.lifetime;
        let life = (l[0] as u64) | ((l[1] as u64) << 16) | ((l[2] as u64) << 32);
        Verilog::Custom(
            VERILOG
                .replace("@FN@", if self._function { "1'b1" } else { "1'b0" })
                .replace("@CAP@", &c.capacity.to_string())
                .replace("@RO@", if c.read_only { "1'b1" } else { "1'b0" })
                .replace("@ID@", &id_hex)
                .replace("@LIFE@", &format!("{life:016x}"))
                .replace("@MDS@", &c.max_discard_sectors.to_string())
                .replace("@MDG@", &c.max_discard_seg.to_string())
                .replace("@MZS@", &c.max_write_zeroes_sectors.to_string())
                .replace("@MZG@", &c.max_write_zeroes_seg.to_string())
                .replace("@MES@", &c.max_secure_erase_sectors.to_string())
                .replace("@MEG@", &c.max_secure_erase_seg.to_string())
                .replace("@T_IN@", &types::IN.to_string())
                .replace("@T_OUT@", &types::OUT.to_string())
                .replace("@T_FLUSH@", &types::FLUSH.to_string())
                .replace("@T_ID@", &types::GET_ID.to_string())
                .replace("@T_LIFE@", &types::GET_LIFETIME.to_string())
                .replace("@T_DISCARD@", &types::DISCARD.to_string())
                .replace("@T_WZ@", &types::WRITE_ZEROES.to_string())
                .replace("@T_SE@", &types::SECURE_ERASE.to_string()),
        )
    }
}

const VERILOG: &str = r#"
localparam [63:0] CAP = 64'd@CAP@;
localparam [159:0] ID = 160'h@ID@;
localparam [63:0] LIFE = 64'h@LIFE@;
localparam [7:0] S_OK = 8'd0, S_IOERR = 8'd1, S_UNSUPP = 8'd2;
localparam [1:0] OP_READ = 2'd0, OP_WRITE = 2'd1, OP_FLUSH = 2'd2, OP_ZERO = 2'd3;
localparam [1:0] SRC_STORE = 2'd0, SRC_ID = 2'd1, SRC_LIFE = 2'd2;

// ---- the buffer: segment table {len, addr} and what collecting it found
reg [95:0] tbl [0:63];
reg [6:0] n_segs;
reg [5:0] n_rd;              // readable segments (they come first; 64 of them leave no status byte)
reg [37:0] r_total;          // readable bytes
reg [37:0] w_total;          // writable bytes
reg [63:0] status_addr;      // the last writable byte
reg has_status;
reg overflow;                // more than 64 segments
reg [15:0] b_queue;
reg [47:0] b_token;
integer i;
initial begin
  for (i = 0; i < 64; i = i + 1) tbl[i] = 96'h0;
  n_segs = 7'h0; n_rd = 6'h0; r_total = 38'h0; w_total = 38'h0; status_addr = 64'h0;
  has_status = 1'b0; overflow = 1'b0; b_queue = 16'h0; b_token = 48'h0;
end

// ---- main state
localparam M_COLLECT = 5'd0, M_CHECK = 5'd1, M_HDR = 5'd2, M_DECODE = 5'd3, M_IN = 5'd4,
           M_OUT = 5'd5, M_STWAIT = 5'd6, M_ID = 5'd7, M_RANGE = 5'd8, M_RCHECK = 5'd9,
           M_ZERO = 5'd10, M_STATUS = 5'd11, M_STATUS_D = 5'd12, M_WAITW = 5'd13,
           M_DONE = 5'd14, M_FAULT = 5'd15, M_SYNC = 5'd16, M_PRE = 5'd17, M_RPRE = 5'd18;
reg [4:0] ms;
reg [31:0] h_type;
reg [63:0] h_sector;
reg h_half;                  // the second word of a 16-byte record is next
reg [7:0] stat;
reg [31:0] wlen;             // data bytes written into the writable part
reg faulted;
reg dma_err;                 // a DMA read or write of this buffer failed
reg st_busy;                 // a store operation is outstanding
reg st_err;                  // a store operation of this request failed
reg st_v;                    // the store request is offered
reg [1:0] st_op;
reg [63:0] st_sector;
reg [31:0] st_count;
reg [37:0] ranges;           // 16-byte ranges still to do
reg [63:0] g_sector;         // the range being checked
reg [31:0] g_num;
reg [31:0] g_flags;
reg nr;                      // needs_reset pulse
reg idle_r;
reg [1:0] pre_n;             // M_PRE's cycles: the decode's registered steps settle
initial begin
  pre_n = 2'd0;
end
initial begin
  ms = M_COLLECT; h_type = 32'h0; h_sector = 64'h0; h_half = 1'b0; stat = 8'h0; wlen = 32'h0;
  faulted = 1'b0; dma_err = 1'b0; st_busy = 1'b0; st_err = 1'b0; st_v = 1'b0; st_op = 2'd0;
  st_sector = 64'h0; st_count = 32'h0; ranges = 38'h0; g_sector = 64'h0; g_num = 32'h0;
  g_flags = 32'h0; nr = 1'b0; idle_r = 1'b0;
end

reg dma_wr_req_valid;        // the write request offered (the writer's or the status byte's)
// ---- the segment walks (SegmentReader `rdr`, SegmentWriter `wtr`) and their table lookups
// (registered, as they expect)
reg [95:0] r_ent, w_ent;
initial begin r_ent = 96'h0; w_ent = 96'h0; end
always @(posedge clock) begin
  r_ent <= tbl[rdr$ent_index[5:0]];
  w_ent <= tbl[wtr$ent_index[5:0]];
end
// the table has 64 entries
wire unused_idx = &{1'b0, rdr$ent_index[8:6], wtr$ent_index[8:6]};
// the reader's words (`ro_*`) go to the header, a range, or the store
wire rw_ready = (ms == M_HDR) | (ms == M_RANGE) | ((ms == M_OUT) & st$wr_ready);
wire ro_v = rdr$out_valid;
wire [63:0] ro_d = rdr$out_data;
wire rw_take = ro_v & rw_ready;
// reader jobs: the header, then the request's data, then each further range
reg r_job_go;
reg [37:0] r_job_len;
always @(*) begin
  r_job_go = 1'b0;
  r_job_len = 38'd16;
  if ((ms == M_CHECK) & ~(overflow | (r_total < 38'd16) | ~has_status)) r_job_go = 1'b1;
  else if ((ms == M_DECODE) & ~dma_err) begin r_job_go = 1'b1; r_job_len = r_job; end
  else if ((ms == M_ZERO) & ~st_busy & ~st_err & (ranges != 38'd1)) r_job_go = 1'b1;
end
// the writer's source: the store's words, the serial (GET_ID) or the lifetime structure
reg [1:0] src;
reg [1:0] src_i;
reg [6:0] w_out;             // writes asked for and not yet done (the status byte's too)
initial begin src = SRC_STORE; src_i = 2'd0; w_out = 7'h0; end
reg sw_valid;
reg [63:0] sw_data;
always @(*) begin
  case (src)
    SRC_STORE: begin sw_valid = st$rd_valid; sw_data = st$rd_data; end
    SRC_ID: begin
      sw_valid = 1'b1;
      case (src_i)
        2'd0: sw_data = ID[63:0];
        2'd1: sw_data = ID[127:64];
        2'd2: sw_data = {32'h0, ID[159:128]};
        default: sw_data = 64'h0;
      endcase
    end
    default: begin sw_valid = 1'b1; sw_data = LIFE; end
  endcase
end
wire pull = wtr$src_pull;
wire w_idle = wtr$idle;
wire r_idle = rdr$idle;
wire wr_req_take = dma_wr_req_valid & wr_req_ready;
always @(posedge clock) begin
  if (reset) w_out <= 7'h0;
  else begin
    w_out <= w_out + {6'h0, wr_req_take} - {6'h0, wr_done};
    if (pull & (src == SRC_ID)) src_i <= src_i + 2'd1;
    if ((ms == M_DECODE) & ~dma_err) begin
      src <= w_src;
      src_i <= 2'd0;
    end
  end
end

// ---- decoding the header
// Timing: the decision is made from registers in three steps, each free-running on inputs
// that no longer change (the totals since M_CHECK, the header since M_HDR); M_PRE waits for
// them (3 cycles a request). In one cycle, from the header through two 64-bit carry chains
// to the state, it was the card's critical path.
reg [37:0] in_len;           // writable data (the status byte is last)
reg [37:0] out_len;          // readable data after the header
reg [63:0] cap_left;         // sectors from h_sector to the end of the disk
reg sector_ok;
reg x_ok;                    // IN/OUT: whole sectors, all within the disk
initial begin
  in_len = 38'h0; out_len = 38'h0; cap_left = 64'h0; sector_ok = 1'b0; x_ok = 1'b0;
end
wire is_in = (h_type == 32'd@T_IN@);
wire is_out = (h_type == 32'd@T_OUT@);
wire [37:0] x_len = is_in ? in_len : out_len;
wire [28:0] x_sectors = x_len[37:9];
always @(posedge clock) begin
  in_len <= w_total - 38'd1;
  out_len <= r_total - 38'd16;
  cap_left <= CAP - h_sector;
  sector_ok <= (h_sector <= CAP);
  x_ok <= (x_len[8:0] == 9'h0) & sector_ok & ({35'h0, x_sectors} <= cap_left);
end
wire is_discard = (h_type == 32'd@T_DISCARD@);
wire is_wz = (h_type == 32'd@T_WZ@);
wire is_se = (h_type == 32'd@T_SE@);
wire is_range = is_discard | is_wz | is_se;
wire range_on = is_discard ? discard_on : is_wz ? write_zeroes_on : secure_erase_on;
wire [37:0] k = {4'h0, out_len[37:4]};
wire [31:0] max_seg = is_discard ? 32'd@MDG@ : is_wz ? 32'd@MZG@ : 32'd@MEG@;
wire [31:0] max_sectors = is_discard ? 32'd@MDS@ : is_wz ? 32'd@MZS@ : 32'd@MES@;
wire range_shape_ok = (out_len[3:0] == 4'h0) & (k <= {6'h0, max_seg});
wire is_id = (h_type == 32'd@T_ID@);
wire is_life = (h_type == 32'd@T_LIFE@);
wire [37:0] id_len = (in_len < 38'd20) ? in_len : 38'd20;
// what each decision starts: a reader job, a writer job and its source, a store operation
// (the third registered step; M_DECODE acts on it)
reg [37:0] r_job;
reg [37:0] w_job;
reg [1:0] w_src;
reg [4:0] d_next;
reg [7:0] d_stat;
reg d_st;
reg [1:0] d_op;
initial begin
  r_job = 38'h0; w_job = 38'h0; w_src = SRC_STORE; d_next = M_STATUS; d_stat = S_OK;
  d_st = 1'b0; d_op = OP_READ;
end
always @(posedge clock) begin
  r_job <= 38'h0; w_job <= 38'h0; w_src <= SRC_STORE; d_next <= M_STATUS; d_stat <= S_OK;
  d_st <= 1'b0; d_op <= OP_READ;
  if (is_in) begin
    if (~x_ok) d_stat <= S_IOERR;
    else begin w_job <= in_len; d_st <= 1'b1; d_op <= OP_READ; d_next <= M_IN; end
  end else if (is_out) begin
    if (@RO@ | ~x_ok) d_stat <= S_IOERR;
    else begin r_job <= out_len; d_st <= 1'b1; d_op <= OP_WRITE; d_next <= M_OUT; end
  end else if (h_type == 32'd@T_FLUSH@) begin
    if (~flush_on) d_stat <= S_UNSUPP;
    else begin d_st <= 1'b1; d_op <= OP_FLUSH; d_next <= M_STWAIT; end
  end else if (is_id) begin
    w_job <= id_len; w_src <= SRC_ID; d_next <= M_ID;
  end else if (is_life) begin
    if (~lifetime_on) d_stat <= S_UNSUPP;
    else if (in_len < 38'd6) d_stat <= S_IOERR;
    else begin w_job <= 38'd6; w_src <= SRC_LIFE; d_next <= M_ID; end
  end else if (is_range) begin
    if (~range_on) d_stat <= S_UNSUPP;
    else if (@RO@ | ~range_shape_ok) d_stat <= S_IOERR;
    else if (k != 38'h0) begin r_job <= 38'd16; d_next <= M_RANGE; end
  end else d_stat <= S_UNSUPP;
end
// a range's checks, registered the same way: `g_left` and `g_sector_ok` settle while the
// range's second word is read, `g_ok` and `g_unsupp` in M_RPRE; M_RCHECK acts on them
reg [63:0] g_left;
reg g_sector_ok;
reg g_ok;
reg g_unsupp;
initial begin g_left = 64'h0; g_sector_ok = 1'b0; g_ok = 1'b0; g_unsupp = 1'b0; end
always @(posedge clock) begin
  g_left <= CAP - g_sector;
  g_sector_ok <= (g_sector <= CAP);
  g_ok <= ({32'h0, g_num} <= {32'h0, max_sectors}) & g_sector_ok & ({32'h0, g_num} <= g_left);
  g_unsupp <= (g_flags[31:1] != 31'h0) | (is_discard & g_flags[0]);
end

// ---- the main sequence
always @(posedge clock) begin
  if (reset) begin
    ms <= M_COLLECT;
    n_segs <= 7'h0;
    nr <= 1'b0;
    st_v <= 1'b0;
    st_busy <= 1'b0;
    idle_r <= 1'b0;
  end else begin
    nr <= 1'b0;
    idle_r <= (ms == M_COLLECT) & (n_segs == 7'h0) & ~seg_valid;
    if (st_v & st$req_ready) st_v <= 1'b0;
    if (st$done) begin
      st_busy <= 1'b0;
      if (st$error) st_err <= 1'b1;
    end
    if (rdr$err | (wr_done & wr_error)) dma_err <= 1'b1;
    case (ms)
      M_COLLECT: if (seg_valid) begin
        if (n_segs[6]) overflow <= 1'b1;
        else tbl[n_segs[5:0]] <= {seg_len, seg_addr};
        n_segs <= n_segs + {6'h0, ~n_segs[6]};
        if (seg_write) begin
          w_total <= w_total + {6'h0, seg_len};
          if (seg_len != 32'h0) begin
            status_addr <= seg_addr + {32'h0, seg_len} - 64'd1;
            has_status <= 1'b1;
          end
        end else begin
          r_total <= r_total + {6'h0, seg_len};
          n_rd <= n_segs[5:0] + 6'd1;
        end
        b_queue <= seg_queue;
        b_token <= seg_token;
        if (seg_last) ms <= M_CHECK;
      end
      M_CHECK: begin
        h_half <= 1'b0;
        if (overflow | (r_total < 38'd16) | ~has_status) ms <= M_FAULT;
        else ms <= M_HDR;
      end
      M_HDR: if (rw_take) begin
        h_half <= ~h_half;
        if (~h_half) h_type <= ro_d[31:0];
        else begin
          h_sector <= ro_d;
          pre_n <= 2'd0;
          ms <= M_PRE;
        end
      end
      M_PRE: begin
        pre_n <= pre_n + 2'd1;
        if (pre_n == 2'd2) ms <= M_DECODE;
      end
      // a header from a failed read is not acted on
      M_DECODE: if (dma_err) ms <= M_WAITW;
      else begin
        stat <= d_stat;
        wlen <= w_job[31:0];
        ranges <= k;
        if (d_st) begin
          st_v <= 1'b1;
          st_busy <= 1'b1;
          st_op <= d_op;
          st_sector <= h_sector;
          st_count <= {3'h0, x_sectors};
        end
        ms <= d_next;
      end
      // IN: the store's words go to the writer
      M_IN: if (w_idle & ~st_busy) begin
        stat <= st_err ? S_IOERR : S_OK;
        ms <= M_STATUS;
      end
      // OUT: the reader's words go to the store; writethrough makes them durable first
      M_OUT: if (r_idle & ~st_busy) begin
        if (st_err) begin stat <= S_IOERR; ms <= M_STATUS; end
        else ms <= writeback ? M_STATUS : M_SYNC;
      end
      M_SYNC: begin
        st_v <= 1'b1;
        st_busy <= 1'b1;
        st_op <= OP_FLUSH;
        ms <= M_STWAIT;
      end
      M_STWAIT: if (~st_busy) begin
        stat <= st_err ? S_IOERR : S_OK;
        ms <= M_STATUS;
      end
      M_ID: if (w_idle) ms <= M_STATUS;
      M_RANGE: if (rw_take) begin
        h_half <= ~h_half;
        if (~h_half) g_sector <= ro_d;
        else begin
          g_num <= ro_d[31:0];
          g_flags <= ro_d[63:32];
          ms <= M_RPRE;
        end
      end
      M_RPRE: ms <= M_RCHECK;
      M_RCHECK: begin
        if (dma_err) ms <= M_WAITW;
        else if (g_unsupp) begin stat <= S_UNSUPP; ms <= M_STATUS; end
        else if (~g_ok) begin stat <= S_IOERR; ms <= M_STATUS; end
        else begin
          st_v <= 1'b1;
          st_busy <= 1'b1;
          st_op <= OP_ZERO;
          st_sector <= g_sector;
          st_count <= g_num;
          ms <= M_ZERO;
        end
      end
      M_ZERO: if (~st_busy) begin
        if (st_err) begin stat <= S_IOERR; ms <= M_STATUS; end
        else if (ranges == 38'd1) ms <= writeback ? M_STATUS : M_SYNC;
        else begin
          ranges <= ranges - 38'd1;
          ms <= M_RANGE;
        end
      end
      M_STATUS: if (wr_req_ready) ms <= M_STATUS_D;
      M_STATUS_D: if (wr_ready) ms <= M_WAITW;
      M_WAITW: if ((w_out == 7'h0) & ~wr_req_take) ms <= dma_err ? M_FAULT : M_DONE;
      M_FAULT: begin
        nr <= 1'b1;
        faulted <= 1'b1;
        ms <= M_DONE;
      end
      M_DONE: if (done_ready) begin
        ms <= M_COLLECT;
        n_segs <= 7'h0;
        n_rd <= 6'h0;
        r_total <= 38'h0;
        w_total <= 38'h0;
        has_status <= 1'b0;
        overflow <= 1'b0;
        faulted <= 1'b0;
        dma_err <= 1'b0;
        st_err <= 1'b0;
      end
      default: ms <= M_COLLECT;
    endcase
  end
end

always @(*) begin
  seg_ready = (ms == M_COLLECT);
  done_valid = (ms == M_DONE);
  done_queue = b_queue;
  done_token = b_token;
  done_len = faulted ? 32'h0 : (wlen + 32'd1);
  done_more = 1'b0;
  idle = idle_r;
  needs_reset = nr;
  // the reader: the header, the request's data, ranges
  rdr$start = (ms == M_CHECK);
  rdr$start_index = 9'h0;
  rdr$job = r_job_go;
  rdr$job_len = r_job_len;
  rdr$ent_addr = r_ent[63:0];
  rdr$ent_len = r_ent[95:64];
  rdr$out_ready = rw_ready;
  // the writer: from the first writable segment, the request's data
  wtr$start = (ms == M_CHECK);
  wtr$start_index = {3'h0, n_rd};
  wtr$job = (ms == M_DECODE) & ~dma_err;
  wtr$job_len = w_job;
  wtr$ent_addr = w_ent[63:0];
  wtr$ent_len = w_ent[95:64];
  wtr$src_valid = sw_valid;
  wtr$src_data = sw_data;
  // DMA writes: the writer's, then the status byte
  dma_wr_req_valid = w_req_valid | (ms == M_STATUS);
  wr_req_valid = dma_wr_req_valid;
  wr_req_function = @FN@;
  wr_req_address = (ms == M_STATUS) ? status_addr : w_req_address;
  wr_req_length = (ms == M_STATUS) ? 16'd1 : w_req_length;
  wr_valid = w_valid | (ms == M_STATUS_D);
  wr_data = (ms == M_STATUS_D) ? {56'h0, stat} : w_data;
  w_req_ready = wr_req_ready & (ms != M_STATUS);
  w_ready = wr_ready & (ms != M_STATUS_D);
  // the store
  st$req_valid = st_v;
  st$req_op = st_op;
  st$req_sector = st_sector;
  st$req_count = st_count;
  st$wr_valid = (ms == M_OUT) & ro_v;
  st$wr_data = ro_d;
  st$rd_ready = (src == SRC_STORE) & pull;
end
"#;
