//! A buffer's segments as one byte stream, both ways: [`SegmentReader`] turns the readable
//! segments into a stream of 64-bit words through DMA reads, [`SegmentWriter`] writes a stream of
//! 64-bit words into the writable segments through DMA writes. Every device engine that moves
//! a buffer's bytes uses them (blk requests; net transmit, receive and control), so a driver's
//! segment split (any split the spec allows) is handled in one place.
//!
//! Both keep no segment table: the engine owns it and answers a lookup. The contract (the
//! engine's end is [`SegReaderCtl`] / [`SegWriterCtl`], signals below as `ctl$...` in Verilog):
//!
//! | signal | dir (block) | meaning |
//! |---|---|---|
//! | `start`, `start_index[8:0]` | in | pulse: the walk goes back to entry `start_index`, offset 0, packer empty (only while idle) |
//! | `job`, `job_len[37:0]` | in | pulse: move `job_len` more bytes, continuing where the last job stopped (only while idle; the writer's packer is emptied) |
//! | `ent_index[8:0]` | out | the table entry the block wants |
//! | `ent_addr[63:0]`, `ent_len[31:0]` | in | that entry as it was a cycle earlier (a registered lookup: block RAM or a register after LUT RAM) |
//! | `idle` | out | the job is done: for the reader, every word delivered; for the writer, every write requested and its data handed over (the engine counts `wr_done`) |
//!
//! Requests never leave a segment and are at most 4 KiB. Empty segments are skipped.
//!
//! Reader: up to 4 reads in flight; their answers come back in request order, so a FIFO of each
//! read's last-beat byte count is all the packer needs. Words go out on `out_valid/ready/data`
//! (byte k of the job stream in bits 8(k mod 8)+7:8(k mod 8) of word k/8); a last partial word
//! is sent zero-padded. `err` pulses with the last beat of a read that failed (its bytes are
//! delivered anyway; the engine decides).
//!
//! Writer: its write data leaves from a register (one beat a cycle). It pulls source words (`src_valid`, `src_data`; `src_pull` takes one) into a 15-byte
//! packer and cuts them to the write requests' lengths and alignment. A beat is cut from the
//! bytes the packer held at the cycle's start, so a write's first beat leaves a cycle after the
//! word that completes it was pulled (one cycle per write request). It may pull one word more
//! than the job needs (the rest is discarded by the next job), so a source must offer words past
//! its end or not care.

use rust_hdl::prelude::*;

/// The engine's end of a [`SegmentReader`] (the block's end is [`SegReaderPort`]).
#[derive(LogicInterface, Default)]
#[join = "SegReaderPort"]
pub struct SegReaderCtl {
    pub start: Signal<Out, bool>,
    pub start_index: Signal<Out, Bits<9>>,
    pub job: Signal<Out, bool>,
    pub job_len: Signal<Out, Bits<38>>,
    pub ent_index: Signal<In, Bits<9>>,
    pub ent_addr: Signal<Out, Bits<64>>,
    pub ent_len: Signal<Out, Bits<32>>,
    pub out_valid: Signal<In, bool>,
    pub out_ready: Signal<Out, bool>,
    pub out_data: Signal<In, Bits<64>>,
    pub idle: Signal<In, bool>,
    pub err: Signal<In, bool>,
}

#[derive(LogicInterface, Default)]
#[join = "SegReaderCtl"]
pub struct SegReaderPort {
    pub start: Signal<In, bool>,
    pub start_index: Signal<In, Bits<9>>,
    pub job: Signal<In, bool>,
    pub job_len: Signal<In, Bits<38>>,
    pub ent_index: Signal<Out, Bits<9>>,
    pub ent_addr: Signal<In, Bits<64>>,
    pub ent_len: Signal<In, Bits<32>>,
    pub out_valid: Signal<Out, bool>,
    pub out_ready: Signal<In, bool>,
    pub out_data: Signal<Out, Bits<64>>,
    pub idle: Signal<Out, bool>,
    pub err: Signal<Out, bool>,
}

/// The engine's end of a [`SegmentWriter`] (the block's end is [`SegWriterPort`]).
#[derive(LogicInterface, Default)]
#[join = "SegWriterPort"]
pub struct SegWriterCtl {
    pub start: Signal<Out, bool>,
    pub start_index: Signal<Out, Bits<9>>,
    pub job: Signal<Out, bool>,
    pub job_len: Signal<Out, Bits<38>>,
    pub ent_index: Signal<In, Bits<9>>,
    pub ent_addr: Signal<Out, Bits<64>>,
    pub ent_len: Signal<Out, Bits<32>>,
    pub src_valid: Signal<Out, bool>,
    pub src_data: Signal<Out, Bits<64>>,
    pub src_pull: Signal<In, bool>,
    pub idle: Signal<In, bool>,
}

#[derive(LogicInterface, Default)]
#[join = "SegWriterCtl"]
pub struct SegWriterPort {
    pub start: Signal<In, bool>,
    pub start_index: Signal<In, Bits<9>>,
    pub job: Signal<In, bool>,
    pub job_len: Signal<In, Bits<38>>,
    pub ent_index: Signal<Out, Bits<9>>,
    pub ent_addr: Signal<In, Bits<64>>,
    pub ent_len: Signal<In, Bits<32>>,
    pub src_valid: Signal<In, bool>,
    pub src_data: Signal<In, Bits<64>>,
    pub src_pull: Signal<Out, bool>,
    pub idle: Signal<Out, bool>,
}

impl SegReaderCtl {
    /// Mark the outputs of a hand-written engine's end as driven.
    pub fn connect_outputs(&mut self) {
        self.start.connect();
        self.start_index.connect();
        self.job.connect();
        self.job_len.connect();
        self.ent_addr.connect();
        self.ent_len.connect();
        self.out_ready.connect();
    }
}

impl SegWriterCtl {
    /// Mark the outputs of a hand-written engine's end as driven.
    pub fn connect_outputs(&mut self) {
        self.start.connect();
        self.start_index.connect();
        self.job.connect();
        self.job_len.connect();
        self.ent_addr.connect();
        self.ent_len.connect();
        self.src_valid.connect();
        self.src_data.connect();
    }
}

/// Readable segments -> 64-bit words.
#[derive(LogicBlock, Default)]
pub struct SegmentReader {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub ctl: SegReaderPort,
    pub rd_req_valid: Signal<Out, bool>,
    pub rd_req_ready: Signal<In, bool>,
    pub rd_req_address: Signal<Out, Bits<64>>,
    pub rd_req_length: Signal<Out, Bits<16>>,
    pub rd_valid: Signal<In, bool>,
    pub rd_ready: Signal<Out, bool>,
    pub rd_data: Signal<In, Bits<64>>,
    pub rd_last: Signal<In, bool>,
    pub rd_error: Signal<In, bool>,
}

impl Logic for SegmentReader {
    fn update(&mut self) {
        panic!("SegmentReader is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.ctl.ent_index.connect();
        self.ctl.out_valid.connect();
        self.ctl.out_data.connect();
        self.ctl.idle.connect();
        self.ctl.err.connect();
        self.rd_req_valid.connect();
        self.rd_req_address.connect();
        self.rd_req_length.connect();
        self.rd_ready.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(READER.into())
    }
}

const READER: &str = r#"
localparam R_IDLE = 3'd0, R_LOOK = 3'd1, R_LOOK2 = 3'd2, R_CALC = 3'd3, R_REQ = 3'd4;
integer i;
reg [2:0] rs;
reg [2:0] r_lastb [0:3];     // per read in flight: bytes in its last beat (0 = 8)
reg [1:0] rq_w, rq_r;
reg [2:0] r_out;             // reads in flight
reg [8:0] r_idx;
reg [31:0] r_off;
reg [37:0] r_left;           // bytes of the job not yet asked for
reg r_lz;                    // r_left == 0, kept as a register: the 38-bit compare fed the flush of `racc`
reg [63:0] r_addr;
reg [31:0] r_rem;            // bytes left in the segment after r_off
reg [12:0] r_plen;
reg [55:0] racc;             // bytes waiting to fill a word
reg [2:0] rcnt;
reg ro_v;
reg [63:0] ro_d;
initial begin
  for (i = 0; i < 4; i = i + 1) r_lastb[i] = 3'h0;
  rs = R_IDLE; rq_w = 2'd0; rq_r = 2'd0; r_out = 3'h0; r_idx = 9'h0; r_off = 32'h0; r_left = 38'h0;
  r_lz = 1'b1;
  r_addr = 64'h0; r_rem = 32'h0; r_plen = 13'h0; racc = 56'h0; rcnt = 3'h0; ro_v = 1'b0; ro_d = 64'h0;
end
wire [37:0] r_rem38 = {6'h0, r_rem};
wire [37:0] r_m1 = (r_rem38 < r_left) ? r_rem38 : r_left;
wire [12:0] r_pl = (r_m1 > 38'd4096) ? 13'd4096 : r_m1[12:0];
wire [2:0] r_head_lastb = r_lastb[rq_r];
wire [3:0] r_vb = (rd_last & (r_head_lastb != 3'h0)) ? {1'b0, r_head_lastb} : 4'd8;
reg [63:0] r_mask;
always @(*) case (r_vb)
  4'd1: r_mask = 64'h00000000000000ff;
  4'd2: r_mask = 64'h000000000000ffff;
  4'd3: r_mask = 64'h0000000000ffffff;
  4'd4: r_mask = 64'h00000000ffffffff;
  4'd5: r_mask = 64'h000000ffffffffff;
  4'd6: r_mask = 64'h0000ffffffffffff;
  4'd7: r_mask = 64'h00ffffffffffffff;
  default: r_mask = 64'hffffffffffffffff;
endcase
wire [119:0] rcomb = {64'h0, racc} | ({56'h0, rd_data & r_mask} << {rcnt, 3'b000});
wire [4:0] rsum = {2'b00, rcnt} + {1'b0, r_vb};
wire take = ro_v & ctl$out_ready;
wire r_beat = (r_out != 3'h0) & rd_valid & (~ro_v | ctl$out_ready);
wire r_reads_done = (rs == R_IDLE) & r_lz & (r_out == 3'h0);
wire r_flush = r_reads_done & ~ro_v & (rcnt != 3'h0);
wire r_push = (rs == R_REQ) & rd_req_ready;
wire r_pop = r_beat & rd_last;
always @(posedge clock) begin
  if (reset) begin
    rs <= R_IDLE;
    ro_v <= 1'b0;
    r_out <= 3'h0;
    rq_w <= 2'd0;
    rq_r <= 2'd0;
    r_left <= 38'h0;
    r_lz <= 1'b1;
    rcnt <= 3'h0;
  end else begin
    if (take) ro_v <= 1'b0;
    r_out <= r_out + {2'h0, r_push} - {2'h0, r_pop};
    if (r_push) begin
      r_lastb[rq_w] <= r_plen[2:0];
      rq_w <= rq_w + 2'd1;
    end
    if (r_pop) rq_r <= rq_r + 2'd1;
    if (r_beat) begin
      if (rsum >= 5'd8) begin
        ro_d <= rcomb[63:0];
        ro_v <= 1'b1;
        racc <= rcomb[119:64];
      end else racc <= rcomb[55:0];
      rcnt <= rsum[2:0];
    end else if (r_flush) begin
      ro_d <= {8'h0, racc};
      ro_v <= 1'b1;
      racc <= 56'h0;
      rcnt <= 3'h0;
    end
    case (rs)
      R_IDLE: if (~r_lz & (r_out != 3'd4)) rs <= R_LOOK;
      // the lookup of r_idx lands in ent_* a cycle after it is asked for
      R_LOOK: rs <= R_LOOK2;
      R_LOOK2: begin
        r_addr <= ctl$ent_addr + {32'h0, r_off};
        r_rem <= ctl$ent_len - r_off;
        rs <= R_CALC;
      end
      R_CALC: if (r_rem == 32'h0) begin
        // a segment used up (or empty): the next one
        r_idx <= r_idx + 9'd1;
        r_off <= 32'h0;
        rs <= R_LOOK;
      end else begin
        r_plen <= r_pl;
        rs <= R_REQ;
      end
      R_REQ: if (rd_req_ready) begin
        r_left <= r_left - {25'h0, r_plen};
        r_lz <= (r_left == {25'h0, r_plen});
        if (r_rem == {19'h0, r_plen}) begin
          r_idx <= r_idx + 9'd1;
          r_off <= 32'h0;
        end else r_off <= r_off + {19'h0, r_plen};
        rs <= R_IDLE;
      end
      default: rs <= R_IDLE;
    endcase
    if (ctl$start) begin
      r_idx <= ctl$start_index;
      r_off <= 32'h0;
      racc <= 56'h0;
      rcnt <= 3'h0;
    end
    if (ctl$job) begin
      r_left <= ctl$job_len;
      r_lz <= (ctl$job_len == 38'h0);
    end
  end
end
always @(*) begin
  ctl$ent_index = r_idx;
  ctl$out_valid = ro_v;
  ctl$out_data = ro_d;
  ctl$idle = r_reads_done & ~ro_v & (rcnt == 3'h0);
  ctl$err = r_pop & rd_error;
  rd_req_valid = (rs == R_REQ);
  rd_req_address = r_addr;
  rd_req_length = {3'h0, r_plen};
  rd_ready = (r_out != 3'h0) & (~ro_v | ctl$out_ready);
end
"#;

/// 64-bit words -> writable segments.
#[derive(LogicBlock, Default)]
pub struct SegmentWriter {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub ctl: SegWriterPort,
    pub wr_req_valid: Signal<Out, bool>,
    pub wr_req_ready: Signal<In, bool>,
    pub wr_req_address: Signal<Out, Bits<64>>,
    pub wr_req_length: Signal<Out, Bits<16>>,
    pub wr_valid: Signal<Out, bool>,
    pub wr_ready: Signal<In, bool>,
    pub wr_data: Signal<Out, Bits<64>>,
}

impl Logic for SegmentWriter {
    fn update(&mut self) {
        panic!("SegmentWriter is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.ctl.ent_index.connect();
        self.ctl.src_pull.connect();
        self.ctl.idle.connect();
        self.wr_req_valid.connect();
        self.wr_req_address.connect();
        self.wr_req_length.connect();
        self.wr_valid.connect();
        self.wr_data.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(WRITER.into())
    }
}

const WRITER: &str = r#"
localparam W_IDLE = 3'd0, W_LOOK = 3'd1, W_LOOK2 = 3'd2, W_CALC = 3'd3, W_REQ = 3'd4, W_DATA = 3'd5;
reg [2:0] ws;
reg [8:0] w_idx;
reg [31:0] w_off;
reg [37:0] w_left;           // bytes of the job not yet asked for
reg [63:0] w_addr;
reg [31:0] w_rem;
reg [12:0] w_plen;
reg [12:0] w_pleft;          // bytes of the current write still to send
reg [119:0] wacc;
reg [3:0] wcnt;
// the bytes of the next beat (at most 8) and whether it ends the write, registered: worked out
// from w_pleft in compares that fed the packer's beat decision (a critical path of net's
// receive side)
reg [3:0] w_need;
reg w_lastb;
// the write data leaves from a register: the packer's `need` and `can_emit` through the DMA
// arbiter into the engine's write slice was the card-with-blk's critical path
reg o_v;
reg [63:0] o_d;
initial begin
  o_v = 1'b0; o_d = 64'h0;
  ws = W_IDLE; w_idx = 9'h0; w_off = 32'h0; w_left = 38'h0; w_addr = 64'h0; w_rem = 32'h0;
  w_plen = 13'h0; w_pleft = 13'h0; wacc = 120'h0; wcnt = 4'h0; w_need = 4'h0; w_lastb = 1'b0;
end
wire [37:0] w_rem38 = {6'h0, w_rem};
wire [37:0] w_m1 = (w_rem38 < w_left) ? w_rem38 : w_left;
wire [12:0] w_pl = (w_m1 > 38'd4096) ? 13'd4096 : w_m1[12:0];
wire [3:0] need = w_need;
// A beat leaves from the bytes already in the packer (`wcnt`), and a source word is pulled into
// the room left after it (for the clock: the beat decision no longer waits for this cycle's
// pull, an adder and a compare through the source's valid; the first beat of a write leaves a
// cycle after its first word is pulled)
wire w_beat = (ws == W_DATA) & (wcnt >= need) & (~o_v | wr_ready);
wire [3:0] w_after = w_beat ? (wcnt - need) : wcnt;
wire pull = (ws == W_DATA) & ctl$src_valid & (w_after <= 4'd7);
reg [119:0] wrest;
always @(*)
  if (~w_beat) wrest = wacc;
  else case (need)
    4'd1: wrest = {8'h0, wacc[119:8]};
    4'd2: wrest = {16'h0, wacc[119:16]};
    4'd3: wrest = {24'h0, wacc[119:24]};
    4'd4: wrest = {32'h0, wacc[119:32]};
    4'd5: wrest = {40'h0, wacc[119:40]};
    4'd6: wrest = {48'h0, wacc[119:48]};
    4'd7: wrest = {56'h0, wacc[119:56]};
    default: wrest = {64'h0, wacc[119:64]};
  endcase
wire [119:0] wnext = wrest | (pull ? ({56'h0, ctl$src_data} << {w_after[2:0], 3'b000}) : 120'h0);
always @(posedge clock) begin
  if (reset) begin
    ws <= W_IDLE;
    w_left <= 38'h0;
    o_v <= 1'b0;
  end else begin
    if (w_beat) begin
      o_v <= 1'b1;
      o_d <= wacc[63:0];
    end else if (wr_ready) o_v <= 1'b0;
    if (w_beat | pull) begin
      wacc <= wnext;
      wcnt <= w_after + (pull ? 4'd8 : 4'd0);
    end
    if (w_beat) begin
      w_pleft <= w_pleft - {9'h0, need};
      // after this beat: 8 more if 16 or more were left, else what exceeds 8
      w_need <= (w_pleft >= 13'd16) ? 4'd8 : (w_pleft[3:0] - 4'd8);
      w_lastb <= (w_pleft <= 13'd16);
    end
    case (ws)
      W_IDLE: if (w_left != 38'h0) ws <= W_LOOK;
      // the lookup of w_idx lands in ent_* a cycle after it is asked for
      W_LOOK: ws <= W_LOOK2;
      W_LOOK2: begin
        w_addr <= ctl$ent_addr + {32'h0, w_off};
        w_rem <= ctl$ent_len - w_off;
        ws <= W_CALC;
      end
      W_CALC: if (w_rem == 32'h0) begin
        w_idx <= w_idx + 9'd1;
        w_off <= 32'h0;
        ws <= W_LOOK;
      end else begin
        w_plen <= w_pl;
        ws <= W_REQ;
      end
      W_REQ: if (wr_req_ready) begin
        w_left <= w_left - {25'h0, w_plen};
        w_off <= w_off + {19'h0, w_plen};
        w_rem <= w_rem - {19'h0, w_plen};
        w_pleft <= w_plen;
        w_need <= (w_plen >= 13'd8) ? 4'd8 : w_plen[3:0];
        w_lastb <= (w_plen <= 13'd8);
        ws <= W_DATA;
      end
      W_DATA: if (w_beat & w_lastb) begin
        if (w_rem == 32'h0) begin
          w_idx <= w_idx + 9'd1;
          w_off <= 32'h0;
        end
        ws <= W_IDLE;
      end
      default: ws <= W_IDLE;
    endcase
    if (ctl$start) begin
      w_idx <= ctl$start_index;
      w_off <= 32'h0;
    end
    if (ctl$job) begin
      w_left <= ctl$job_len;
      wacc <= 120'h0;
      wcnt <= 4'h0;
    end
  end
end
always @(*) begin
  ctl$ent_index = w_idx;
  ctl$src_pull = pull;
  ctl$idle = (ws == W_IDLE) & (w_left == 38'h0) & ~o_v;
  wr_req_valid = (ws == W_REQ);
  wr_req_address = w_addr;
  wr_req_length = {3'h0, w_plen};
  wr_valid = o_v;
  wr_data = o_d;
end
"#;
