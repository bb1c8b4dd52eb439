//! [`DmaRead`]: the read half of the DMA engine (PCIe memory read requester).
//!
//! Job: take read requests of 1..=65535 bytes at any byte address, split them into memory read
//! requests (MRd) that never cross a 128/256-byte block (so never Max_Read_Request_Size nor a
//! 4 KB boundary), give each a tag from a pool of 32, collect the completions in a block-RAM
//! slot per tag whatever their order or split, and hand the bytes back to the requester in
//! request order, packed from byte lane 0.
//!
//! Interface (one clock, `reset` synchronous):
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `req_valid`, `req_ready`, `req_function`, `req_address`, `req_length` | in/out/in/in/in | a read of `req_length` bytes (1..=65535) at `req_address` for function `req_function` (its requester ID, Bus Master Enable and MRRS) |
//! | `data_valid`, `data_ready`, `data`, `data_last`, `data_error` | out/in/out/out/out | the answer: exactly ceil(length / 8) beats per request, in request order; byte *k* of the read is byte *k* mod 8 (bits 8(k mod 8)+7 : 8(k mod 8)) of beat *k* / 8; `data_error` on the last beat says the data is not valid (refused, completion error, timeout) |
//! | `tx` | out | MRd TLPs (3 DW header below 4 GiB, else 4 DW) |
//! | `cpl` | in | every Cpl/CplD the card receives (`cpl.ready` is always high) |
//! | `bus_device` | in | bus and device number of the card (requester ID bits 15:3) |
//! | `fN_bus_master` | in | Command bit 2 of function N: without it a request is refused (no TLP) |
//! | `fN_read_256` | in | MRRS of function N is at least 256 B (else requests stop at 128 B blocks) |
//! | `unexpected` | out | pulse: a completion matched no outstanding request, or did not fit it (dropped) |
//! | `timeout` | out | pulse: the oldest request waited `timeout_cycles` and was ended with an error |
//! | `idle` | out | no request in flight or waiting in the engine |
//!
//! Latency: a request's first MRd leaves 4 cycles after `req_valid`; its data starts 3 cycles
//! after its last completion beat arrives. MRds go out at one per 3 cycles (a 2-beat TLP; the next one's
//! sizing and shaping cycles overlap it), so 32 tags of 256 B cover a round trip of 8 KiB.
//!
//! How the pool works: tags are handed out in a circle and freed in the same order (the
//! answer is drained in request order), so a tag is free when the slot at `issue_ptr` is not
//! busy; no free list. A tag's completions must each fit what is still missing
//! (byte count = bytes missing, lower address = where the missing bytes start, length
//! consistent): anything else is `unexpected` and dropped. A completion with UR/CA/CRS status
//! or poisoned data ends the tag with an error. A completion that arrives after its tag timed
//! out and was reused cannot be told apart from a right one: PCIe gives 5-bit tags no
//! generation; the function is in DEVICE_NEEDS_RESET by then (docs/ARCHITECTURE.md).
//!
//! Rules: PCIe 2.2.5 (Max_Read_Request_Size, no 4 KB crossing), 2.2.9 and 2.3.1.1
//! (completion byte count and lower address), 2.3.2 (unexpected completions), 2.8
//! (completion timeout). Serves PQ-1 (descriptor reads) and PCI-49..52 (bus mastering).

use rust_hdl::prelude::*;

use crate::tlp::{TlpSink, TlpSource};

#[derive(LogicBlock)]
pub struct DmaRead {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub req_valid: Signal<In, bool>,
    pub req_ready: Signal<Out, bool>,
    pub req_function: Signal<In, bool>,
    pub req_address: Signal<In, Bits<64>>,
    pub req_length: Signal<In, Bits<16>>,
    pub data_valid: Signal<Out, bool>,
    pub data_ready: Signal<In, bool>,
    pub data: Signal<Out, Bits<64>>,
    pub data_last: Signal<Out, bool>,
    pub data_error: Signal<Out, bool>,
    pub tx: TlpSource,
    pub cpl: TlpSink,
    pub bus_device: Signal<In, Bits<13>>,
    pub f0_bus_master: Signal<In, bool>,
    pub f1_bus_master: Signal<In, bool>,
    pub f0_read_256: Signal<In, bool>,
    pub f1_read_256: Signal<In, bool>,
    pub unexpected: Signal<Out, bool>,
    pub timeout: Signal<Out, bool>,
    pub idle: Signal<Out, bool>,
    _timeout_cycles: u32,
}

impl DmaRead {
    /// `timeout_cycles`: how long the oldest outstanding read may wait for its completions
    /// (PCIe's default completion timeout range is 50 us to 50 ms).
    pub fn new(timeout_cycles: u32) -> Self {
        assert!((1024..(1 << 24)).contains(&timeout_cycles));
        DmaRead {
            clock: Default::default(),
            reset: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_function: Default::default(),
            req_address: Default::default(),
            req_length: Default::default(),
            data_valid: Default::default(),
            data_ready: Default::default(),
            data: Default::default(),
            data_last: Default::default(),
            data_error: Default::default(),
            tx: Default::default(),
            cpl: Default::default(),
            bus_device: Default::default(),
            f0_bus_master: Default::default(),
            f1_bus_master: Default::default(),
            f0_read_256: Default::default(),
            f1_read_256: Default::default(),
            unexpected: Default::default(),
            timeout: Default::default(),
            idle: Default::default(),
            _timeout_cycles: timeout_cycles,
        }
    }
}

impl Logic for DmaRead {
    fn update(&mut self) {
        panic!("DmaRead is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.req_ready.connect();
        self.data_valid.connect();
        self.data.connect();
        self.data_last.connect();
        self.data_error.connect();
        self.tx.valid.connect();
        self.tx.data.connect();
        self.tx.sop.connect();
        self.tx.eop.connect();
        self.tx.upper_only.connect();
        self.cpl.ready.connect();
        self.unexpected.connect();
        self.timeout.connect();
        self.idle.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "{}{}",
            super::VERILOG_HELPERS,
            VERILOG.replace("@TIMEOUT@", &self._timeout_cycles.to_string())
        ))
    }
}

const VERILOG: &str = r#"// Generated by hdl/src/dma/read.rs
// ---- tag state: busy from issue to drain, done when all bytes (or an error) arrived
reg [31:0] busy;
reg [31:0] done;
reg [31:0] err;
reg [31:0] tfunc;
// per tag, written at issue: where its bytes end in the slot, and what the drain needs
reg [7:0] end_off [0:31];   // mod 256: a block ending at 256 keeps 0
reg [8:0] missing [0:31];
// {first, last, flush, shift[2:0], w_first[4:0], w_last[4:0]}
reg [15:0] info [0:31];
reg [4:0] issue_ptr;
reg [4:0] drain_ptr;
integer i;
initial begin
  busy = 32'h0; done = 32'h0; err = 32'h0; tfunc = 32'h0; issue_ptr = 5'h0; drain_ptr = 5'h0;
  for (i = 0; i < 32; i = i + 1) begin end_off[i] = 8'h0; missing[i] = 9'h0; info[i] = 16'h0; end
end

// ---- request intake and split: IDLE -> CHECK -> SIZE -> SHAPE -> ISSUE (-> SIZE ...)
localparam RQ_IDLE = 3'd0, RQ_CHECK = 3'd1, RQ_SIZE = 3'd2, RQ_SHAPE = 3'd3, RQ_ISSUE = 3'd4;
reg [2:0] rq;
reg [63:0] r_addr;
reg [16:0] r_left;
reg r_func;
reg r_first;
reg r_refused;
reg [2:0] r_shift;
reg r_flush;
reg [8:0] r_size;
initial begin
  rq = RQ_IDLE; r_addr = 64'h0; r_left = 17'h0; r_func = 1'b0; r_first = 1'b0; r_refused = 1'b0;
  r_shift = 3'h0; r_flush = 1'b0; r_size = 9'h0;
end
// the MRd being sent: 0 none, 1 first beat, 2 second beat
reg [1:0] t_beat;
reg t_4dw;
reg [31:0] t_dw0, t_dw1, t_dw2, t_dw3;
initial begin t_beat = 2'd0; t_4dw = 1'b0; t_dw0 = 32'h0; t_dw1 = 32'h0; t_dw2 = 32'h0; t_dw3 = 32'h0; end

wire r_bm = r_func ? f1_bus_master : f0_bus_master;
wire r_256 = r_func ? f1_read_256 : f0_read_256;
// bytes to the end of the 128/256 B block the next MRd starts in
wire [8:0] r_room = r_256 ? (9'd256 - {1'b0, r_addr[7:0]}) : (9'd128 - {2'b0, r_addr[6:0]});
// the request must not run past the top of the 64-bit space
wire [16:0] r_top = {1'b0, r_addr[15:0]} + r_left;
wire r_wraps = (&r_addr[63:16]) & (r_top > 17'h10000);
// The next tag's busy bit, registered (timing: the 32-way pick through the issue decision into
// the intake registers was the card's critical path). One cycle old is safe: ISSUE never
// follows ISSUE directly (SIZE and SHAPE come between), so the register already names the
// current `issue_ptr`; a bit that fell in the last cycle costs a cycle; and nothing but this
// intake's own issue sets a busy bit.
reg tag_free_r;
initial tag_free_r = 1'b0;
always @(posedge clock) tag_free_r <= ~reset & ~busy[issue_ptr];
wire tag_free = tag_free_r;
// not from tx.ready: that comes through the transmit arbiters and would make a long path
wire t_free = (t_beat == 2'd0);
// The MRd's shape, worked out from r_size in RQ_SHAPE and registered (s_*): from r_size
// through these adders into the header registers was the card's critical path.
wire [8:0] r_end = {1'b0, r_addr[7:0]} + r_size;
// the slot offset of the last byte: its word, its DW (for the length) and its lane
wire [8:0] r_end_m1 = r_end - 9'd1;
wire [1:0] r_last_lane = r_end_m1[1:0];
wire [9:0] r_dws = {3'b0, r_end_m1[8:2]} - {4'b0, r_addr[7:2]} + 10'd1;
wire [3:0] r_first_be = 4'hf << r_addr[1:0];
wire [3:0] r_last_be = 4'hf >> (2'd3 - r_last_lane);
reg [7:0] s_end;
reg [4:0] s_last_w;
reg [9:0] s_dws;
reg [3:0] s_first_be, s_last_be;
reg s_one_dw, s_more;
initial begin
  s_end = 8'h0; s_last_w = 5'h0; s_dws = 10'h0; s_first_be = 4'h0; s_last_be = 4'h0;
  s_one_dw = 1'b0; s_more = 1'b0;
end
wire r_issue = (rq == RQ_ISSUE) & tag_free & (t_free | r_refused);

always @(*) req_ready = (rq == RQ_IDLE);

always @(posedge clock) begin
  if (reset) begin
    rq <= RQ_IDLE;
    issue_ptr <= 5'h0;
  end else begin
    case (rq)
      RQ_IDLE: if (req_valid) begin
        rq <= RQ_CHECK;
        r_addr <= req_address;
        r_left <= {1'b0, req_length};
        r_func <= req_function;
        r_first <= 1'b1;
        r_shift <= req_address[2:0];
        // a flush beat is needed when the request ends in the same beat count as its words
        r_flush <= (req_length == 16'h0) | (({1'b0, req_length} + {14'h0, req_address[2:0]} + 17'h7) >> 3) == (({1'b0, req_length} + 17'h7) >> 3);
      end
      RQ_CHECK: begin
        r_refused <= ~r_bm | (r_left == 17'h0) | r_wraps;
        rq <= RQ_SIZE;
      end
      RQ_SIZE: begin
        // a zero-length request is refused and still takes one (empty) tag for its answer
        r_size <= (r_left == 17'h0) ? 9'd1 : (r_left < {8'h0, r_room}) ? r_left[8:0] : r_room;
        rq <= RQ_SHAPE;
      end
      RQ_SHAPE: begin
        s_end <= r_end[7:0];
        s_last_w <= r_end_m1[7:3];
        s_dws <= r_dws;
        s_first_be <= r_first_be;
        s_last_be <= r_last_be;
        s_one_dw <= (r_dws == 10'd1);
        s_more <= (r_left > {8'h0, r_size});
        rq <= RQ_ISSUE;
      end
      RQ_ISSUE: if (r_issue) begin
        issue_ptr <= issue_ptr + 5'd1;
        r_first <= 1'b0;
        r_addr <= r_addr + {55'h0, r_size};
        r_left <= s_more ? (r_left - {8'h0, r_size}) : 17'h0;
        rq <= s_more ? RQ_SIZE : RQ_IDLE;
      end
      default: rq <= RQ_IDLE;
    endcase
  end
  if (r_issue) begin
    end_off[issue_ptr] <= s_end;
    info[issue_ptr] <= {r_first, ~s_more, r_flush, r_shift, r_addr[7:3], s_last_w};
  end
end

// the MRd header of the tag being issued
always @(posedge clock) begin
  if (reset) t_beat <= 2'd0;
  else if (r_issue & ~r_refused) t_beat <= 2'd1;
  else if (tx$ready & (t_beat == 2'd1)) t_beat <= 2'd2;
  else if (tx$ready & (t_beat == 2'd2)) t_beat <= 2'd0;
  if (r_issue & ~r_refused) begin
    t_4dw <= |r_addr[63:32];
    t_dw0 <= {(|r_addr[63:32]) ? 3'b001 : 3'b000, 19'h0, s_dws};
    t_dw1 <= {bus_device, 2'b00, r_func, 3'b000, issue_ptr, s_one_dw ? 4'h0 : s_last_be, s_one_dw ? (s_first_be & s_last_be) : s_first_be};
    t_dw2 <= (|r_addr[63:32]) ? r_addr[63:32] : {r_addr[31:2], 2'b00};
    t_dw3 <= {r_addr[31:2], 2'b00};
  end
end
always @(*) begin
  tx$valid = (t_beat != 2'd0);
  tx$sop = (t_beat == 2'd1);
  tx$eop = (t_beat == 2'd2);
  tx$upper_only = (t_beat == 2'd2) & ~t_4dw;
  tx$data = (t_beat == 2'd2) ? {t_dw2, t_4dw ? t_dw3 : 32'h0} : {t_dw0, t_dw1};
end

// ---- completions: beat 0 (DW0, DW1) and the tag's state are registered, checked in C1,
// written into the slot RAM in C2
reg [1:0] c_beat;          // beat index of the next beat of the incoming TLP (saturates at 2)
// the header fields of DW0 and DW1 that matter here
reg [2:0] h_fmt;
reg [4:0] h_type;
reg h_ep;
reg [6:0] h_len;            // Length, low bits (h_shape_ok checks the rest)
reg [2:0] h_status;
reg [11:0] h_bc;
// checks that need only DW0 and DW1, made as they are registered (timing: from the beat-1
// fields through subtractions and compares in one cycle was the card's critical path). For
// each value k of the lower address's two low bits, which beat 1 brings:
reg [3:0] h_final4;        // the completion carries the last bytes: 4 x Length - k >= Byte Count
reg [3:0] h_len_ok4;       // and then its Length is exactly the DWs those bytes need
reg h_shape_ok;            // Byte Count < 512, Length 1..64
initial begin
  c_beat = 2'd0; h_fmt = 3'h0; h_type = 5'h0; h_ep = 1'b0; h_len = 7'h0; h_status = 3'h0; h_bc = 12'h0;
  h_final4 = 4'h0; h_len_ok4 = 4'h0; h_shape_ok = 1'b0;
end
wire c_take = cpl$valid;
always @(posedge clock) begin
  if (reset) c_beat <= 2'd0;
  else if (c_take) c_beat <= cpl$eop ? 2'd0 : (c_beat == 2'd2) ? 2'd2 : c_beat + 2'd1;
  if (c_take & cpl$sop) begin
    h_fmt <= cpl$data[63:61];
    h_type <= cpl$data[60:56];
    h_ep <= cpl$data[46];
    h_len <= cpl$data[38:32];
    h_status <= cpl$data[15:13];
    h_bc <= cpl$data[11:0];
    h_final4[0] <= ({cpl$data[38:32], 2'b00} - 9'd0) >= cpl$data[8:0];
    h_final4[1] <= ({cpl$data[38:32], 2'b00} - 9'd1) >= cpl$data[8:0];
    h_final4[2] <= ({cpl$data[38:32], 2'b00} - 9'd2) >= cpl$data[8:0];
    h_final4[3] <= ({cpl$data[38:32], 2'b00} - 9'd3) >= cpl$data[8:0];
    h_len_ok4[0] <= cpl$data[41:32] == ((10'd0 + {1'b0, cpl$data[8:0]} + 10'd3) >> 2);
    h_len_ok4[1] <= cpl$data[41:32] == ((10'd1 + {1'b0, cpl$data[8:0]} + 10'd3) >> 2);
    h_len_ok4[2] <= cpl$data[41:32] == ((10'd2 + {1'b0, cpl$data[8:0]} + 10'd3) >> 2);
    h_len_ok4[3] <= cpl$data[41:32] == ((10'd3 + {1'b0, cpl$data[8:0]} + 10'd3) >> 2);
    h_shape_ok <= (cpl$data[11:9] == 3'h0) & (cpl$data[41:32] != 10'd0) & (cpl$data[41:32] <= 10'd64);
  end
end
// C1: the beat, plus (for beat 1) the looked-up state of its tag
reg c1_v, c1_eop, c1_uo;
reg [1:0] c1_beat;
reg [63:0] c1_data;
reg c1_live;               // tag busy, not done, same function
reg [8:0] c1_missing;
reg [7:0] c1_start;         // slot offset of the completion's first byte: the tag's end - Byte Count
initial begin
  c1_v = 1'b0; c1_eop = 1'b0; c1_uo = 1'b0; c1_beat = 2'd0; c1_data = 64'h0; c1_live = 1'b0;
  c1_missing = 9'h0; c1_start = 8'h0;
end
wire [4:0] in_tag = cpl$data[44:40];
always @(posedge clock) begin
  if (reset) c1_v <= 1'b0;
  else c1_v <= c_take;
  c1_eop <= cpl$eop;
  c1_uo <= cpl$upper_only;
  c1_beat <= c_beat;
  c1_data <= cpl$data;
  // requester ID (ours, this tag's function) and a tag of the pool
  c1_live <= (cpl$data[63:51] == bus_device) & (cpl$data[50:49] == 2'b00) & (tfunc[in_tag] == cpl$data[48]) & (cpl$data[47:45] == 3'b000) & busy[in_tag] & ~done[in_tag];
  c1_missing <= missing[in_tag];
  c1_start <= end_off[in_tag] - h_bc[7:0];
end
// beat 1 in C1: check the completion against what its tag still misses
wire [4:0] c1_tag = c1_data[44:40];
wire [2:0] c_status = h_status;
wire c_poisoned = h_ep;
wire c_is_cpl = (h_type == 5'b01010) & ~h_fmt[0] & ~h_fmt[2];
wire c_has_data = h_fmt[1];
wire [6:0] c_len = h_len;
wire [11:0] c_bc = h_bc;
wire [6:0] c_lower = c1_data[38:32];
wire [7:0] c_start = c1_start;
wire [8:0] c_carry = {c_len, 2'b00} - {7'h0, c_lower[1:0]};   // bytes the payload covers
wire c_fits = h_shape_ok & ({3'h0, c1_missing} == c_bc) & (c_lower == c_start[6:0]);
wire c_final = h_final4[c_lower[1:0]];
// the final completion carries exactly the DWs that hold the remaining bytes
wire c_len_ok = ~c_final | h_len_ok4[c_lower[1:0]];
wire c_ok_status = (c_status == 3'b000) & ~c_poisoned;
wire c_good = c_is_cpl & c1_live & c_ok_status & c_has_data & c_fits & c_len_ok;
wire c_fail = c_is_cpl & c1_live & ~c_ok_status;   // UR / CA / CRS / poisoned: the tag ends with an error
wire c1_hdr = c1_v & (c1_beat == 2'd1);
// C2: slot writes
reg c2_v, c2_uo, c2_first, c2_write, c2_end, c2_err;
reg [4:0] c2_tag;
reg [5:0] c2_dw;            // DW index in the slot of the beat's first payload DW
reg [63:0] c2_data;
reg c_drop;                 // the rest of this TLP is dropped
reg c_close;                // the tag is complete (or failed) when this TLP ends
reg c_close_err;
reg [4:0] c_tag;
reg [5:0] c_next_dw;
reg unexpected_r;
initial begin
  c2_v = 1'b0; c2_uo = 1'b0; c2_first = 1'b0; c2_write = 1'b0; c2_end = 1'b0; c2_err = 1'b0;
  c2_tag = 5'h0; c2_dw = 6'h0; c2_data = 64'h0; c_drop = 1'b1; c_close = 1'b0; c_close_err = 1'b0;
  c_tag = 5'h0; c_next_dw = 6'h0; unexpected_r = 1'b0;
end
always @(posedge clock) begin
  if (reset) begin
    c2_v <= 1'b0;
    c_drop <= 1'b1;
    unexpected_r <= 1'b0;
  end else begin
    unexpected_r <= c1_hdr & ~(c_good | c_fail);
    c2_v <= c1_v & (c1_beat != 2'd0);
    if (c1_hdr) begin
      c_drop <= ~c_good;
      c_close <= (c_good & c_final) | c_fail;
      c_close_err <= c_fail;
      c_tag <= c1_tag;
      c_next_dw <= c_start[7:2] + 6'd1;
    end else if (c1_v & (c1_beat == 2'd2)) begin
      c_next_dw <= c_next_dw + 6'd2;
    end
  end
  c2_uo <= c1_uo;
  c2_data <= c1_data;
  c2_first <= (c1_beat == 2'd1);
  c2_write <= c1_hdr ? c_good : ~c_drop;
  c2_tag <= c1_hdr ? c1_tag : c_tag;
  c2_dw <= c1_hdr ? {c_start[7:2]} : c_next_dw;
  c2_end <= c1_eop & (c1_hdr ? ((c_good & c_final) | c_fail) : c_close);
  c2_err <= c1_hdr ? c_fail : c_close_err;
end
// what each tag still misses: set at issue, counted down by its completions; both can
// happen in one cycle (to different tags: a tag being issued has no live completions), so
// these are flip-flops with two write ports, not a RAM
always @(posedge clock) begin
  for (i = 0; i < 32; i = i + 1) begin
    if (r_issue & (issue_ptr == i[4:0]))
      missing[i] <= r_refused ? 9'h0 : r_size;
    else if (c1_hdr & (c_good | c_fail) & (c1_tag == i[4:0]))
      missing[i] <= c_fail ? 9'h0 : (c1_missing - (c_final ? c_bc[8:0] : c_carry));
  end
end
always @(*) unexpected = unexpected_r;

// the slot RAM: 32 slots of 32 words, each word two 32-bit halves written separately
// (a completion may start in either half); byte k of a word is bits 8k+7:8k
reg [31:0] ram_lo [0:1023];
reg [31:0] ram_hi [0:1023];
// beat 1 carries one payload DW (low half); later beats two (high half first)
wire [31:0] dw_a = c2_first ? swap32(c2_data[31:0]) : swap32(c2_data[63:32]);
wire [31:0] dw_b = swap32(c2_data[31:0]);
wire has_b = ~c2_first & ~c2_uo;
wire odd = c2_dw[0];
wire [4:0] w_a = c2_dw[5:1];
wire [4:0] w_b = c2_dw[5:1] + 5'd1;
wire we_lo = c2_v & c2_write & (odd ? has_b : 1'b1);
wire we_hi = c2_v & c2_write & (odd ? 1'b1 : has_b);
wire [9:0] wa_lo = {c2_tag, odd ? w_b : w_a};
wire [9:0] wa_hi = {c2_tag, w_a};
wire [31:0] wd_lo = odd ? dw_b : dw_a;
wire [31:0] wd_hi = odd ? dw_a : dw_b;
always @(posedge clock) begin
  if (we_lo) ram_lo[wa_lo] <= wd_lo;
  if (we_hi) ram_hi[wa_hi] <= wd_hi;
end

// ---- timeout of the oldest tag
reg [23:0] t_count;
reg timeout_r;
initial begin t_count = 24'h0; timeout_r = 1'b0; end
wire head_waiting = busy[drain_ptr] & ~done[drain_ptr];
wire head_expired = head_waiting & (t_count == 24'd@TIMEOUT@);
always @(posedge clock) begin
  if (reset | ~head_waiting) t_count <= 24'h0;
  else t_count <= t_count + 24'h1;
  timeout_r <= ~reset & head_expired;
end
always @(*) timeout = timeout_r;

// ---- drain: the oldest tag, once done, word by word through the realigner into the output FIFO
localparam D_IDLE = 2'd0, D_READ = 2'd1, D_FLUSH = 2'd2;
reg [1:0] dr;
reg [4:0] d_w, d_w_last;
reg d_first, d_last, d_flush;
reg [2:0] d_shift;
reg d_err;
initial begin dr = D_IDLE; d_w = 5'h0; d_w_last = 5'h0; d_first = 1'b0; d_last = 1'b0; d_flush = 1'b0; d_shift = 3'h0; d_err = 1'b0; end
wire [15:0] h_info = info[drain_ptr];
// output FIFO of 4 beats; one read can be in flight
reg [65:0] of [0:3];
reg [1:0] of_rd, of_wr;
reg [2:0] of_count;
reg p_v, p_word, p_first, p_last;  // the RAM read (or flush) in flight
initial begin of_rd = 2'h0; of_wr = 2'h0; of_count = 3'h0; p_v = 1'b0; p_word = 1'b0; p_first = 1'b0; p_last = 1'b0; end
wire space = (of_count + {2'b0, p_v}) < 3'd3;
wire head_ready = busy[drain_ptr] & done[drain_ptr];
wire d_read = (dr == D_READ) & space;
wire d_free = d_read & (d_w == d_w_last);
always @(posedge clock) begin
  if (reset) begin
    dr <= D_IDLE;
    drain_ptr <= 5'h0;
  end else begin
    case (dr)
      D_IDLE: if (head_ready) begin
        dr <= D_READ;
        d_first <= h_info[15];
        d_last <= h_info[14];
        d_flush <= h_info[13];
        if (h_info[15]) d_shift <= h_info[12:10];
        d_err <= (h_info[15] ? 1'b0 : d_err) | err[drain_ptr];
        d_w <= h_info[9:5];
        d_w_last <= h_info[4:0];
      end
      D_READ: if (space) begin
        d_w <= d_w + 5'd1;
        d_first <= 1'b0;
        if (d_w == d_w_last) begin
          drain_ptr <= drain_ptr + 5'd1;
          dr <= (d_last & d_flush) ? D_FLUSH : D_IDLE;
        end
      end
      D_FLUSH: if (space) dr <= D_IDLE;
      default: dr <= D_IDLE;
    endcase
  end
end

// ---- tag flags: set at issue, done by completions or the timeout, freed by the drain
always @(posedge clock) begin
  if (reset) begin
    busy <= 32'h0;
    done <= 32'h0;
    err <= 32'h0;
  end else begin
    for (i = 0; i < 32; i = i + 1) begin
      if (r_issue & (issue_ptr == i[4:0])) begin
        busy[i] <= 1'b1;
        done[i] <= r_refused;
        err[i] <= r_refused;
        tfunc[i] <= r_func;
      end else begin
        if (d_free & (drain_ptr == i[4:0])) busy[i] <= 1'b0;
        if ((c2_v & c2_end & (c2_tag == i[4:0])) | (head_expired & (drain_ptr == i[4:0]))) begin
          done[i] <= 1'b1;
          err[i] <= err[i] | (c2_v & c2_end & (c2_tag == i[4:0]) & c2_err) | (head_expired & (drain_ptr == i[4:0]));
        end
      end
    end
  end
end

// RAM read (registered) and the realigner: beat j-1 of the answer is bytes shift..shift+7 of
// {word j, word j-1}; the flush beat is the last word shifted alone
reg [31:0] q_lo, q_hi;
reg [63:0] prev;
initial begin q_lo = 32'h0; q_hi = 32'h0; prev = 64'h0; end
always @(posedge clock) begin
  if (d_read) begin
    q_lo <= ram_lo[{drain_ptr, d_w}];
    q_hi <= ram_hi[{drain_ptr, d_w}];
  end
  if (reset) p_v <= 1'b0;
  else p_v <= d_read | ((dr == D_FLUSH) & space);
  p_word <= d_read;
  p_first <= d_first;
  p_last <= d_last & (d_w == d_w_last);
end
wire [63:0] q = {q_hi, q_lo};
wire [127:0] joined = p_word ? {q, prev} : {64'h0, prev};
wire [63:0] beat = bytes_at(joined, {1'b0, d_shift});
wire emit = p_v & (p_word ? ~p_first : 1'b1);
wire emit_last = p_word ? (p_last & ~d_flush) : 1'b1;
always @(posedge clock) begin
  if (p_v & p_word) prev <= q;
end
always @(posedge clock) begin
  if (reset) begin
    of_rd <= 2'h0;
    of_wr <= 2'h0;
    of_count <= 3'h0;
  end else begin
    if (emit) begin
      of[of_wr] <= {emit_last, emit_last & d_err, beat};
      of_wr <= of_wr + 2'd1;
    end
    if (data_valid & data_ready) of_rd <= of_rd + 2'd1;
    of_count <= of_count + {2'b0, emit} - {2'b0, data_valid & data_ready};
  end
end
always @(*) begin
  data_valid = (of_count != 3'h0);
  data = of[of_rd][63:0];
  data_last = of[of_rd][65];
  data_error = of[of_rd][64];
  cpl$ready = 1'b1;
  idle = (busy == 32'h0) & (rq == RQ_IDLE) & (of_count == 3'h0) & ~p_v & (dr == D_IDLE);
end
"#;
