//! [`NetTx`]: the transmit engine. It takes one transmit buffer at a time, reads it, strips the
//! `virtio_net_hdr`, completes the checksum the header asks for, stores the frame in the
//! transmit frame FIFO and completes the buffer; the FIFO sends whole frames out of the
//! MAC-side port.
//!
//! Interface (one clock, `reset` synchronous):
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `seg_*`, `seg_bad` | in (`seg_ready` out) | transmit buffers from [`super::NetQueueMux`]; `seg_bad`: not a transmit queue, completed unread |
//! | `done_valid`, `done_ready`, `done_queue`, `done_token` | out/in/out | the completion (`len` 0: nothing written, section 5.1.6.2) |
//! | `rd_*` | client | the read channels of a DMA client port (its [`SegmentReader`]'s) |
//! | `csum_on`, `hash_report_on` | in | CSUM negotiated; HASH_REPORT negotiated (the header is 20 bytes, digest section 4) |
//! | `txf_valid`, `txf_ready`, `txf_data[63:0]`, `txf_bytes[3:0]`, `txf_last` | out/in/out | the MAC-side frame port: a frame's bytes from destination MAC to payload end, no FCS, byte k in bits 8(k mod 8)+7:8(k mod 8) of beat k/8; `txf_bytes` = bytes in the beat (8 but on the last) |
//! | `idle` | out | no buffer held (registered) |
//! | `needs_reset` | out | pulse: a DMA read of a buffer failed |
//! | `frames`, `dropped` | out | frames sent to the FIFO; buffers dropped (malformed or not a transmit queue) |
//!
//! | step | what happens |
//! |---|---|
//! | collect | readable segments into a 64-entry table (writable ones are ignored: a transmit buffer has none); their byte total |
//! | check | header plus frame: malformed when shorter than the header plus 14 bytes or longer than the header plus `max_frame` (MTU + 18: header, 802.1Q tag, payload; NET-6) or not a transmit queue: dropped, counted, completed |
//! | room | wait until the frame FIFO has room for the whole frame |
//! | read | the readable bytes as one stream ([`SegmentReader`]: any split, reads of at most 4 KiB, up to 4 in flight); the header's words are parsed, the frame's realigned (the header is 12 or 20 bytes, 4 mod 8) and written into the FIFO; with NEEDS_CSUM (and CSUM negotiated) the 16-bit ones' complement sum from `csum_start` to the end is accumulated (NET-12: otherwise neither field is used; NET-14: frames are never checked or fixed) |
//! | commit | the frame becomes visible to the sender with its checksum (`~sum`, 0 sent as 0xFFFF) to be put at `csum_start + csum_offset`; a NEEDS_CSUM whose field does not lie inside the frame, or a failed read, discards it instead (counted; a failed read also sets DEVICE_NEEDS_RESET) |
//! | done | the buffer is completed: the frame is on the card, the driver may reuse the buffer |
//!
//! Flag bits other than NEEDS_CSUM, `gso_type`, `hdr_len`, `gso_size`, `num_buffers` and the
//! hash fields are ignored (NET-11, NET-13; GSO is not offered). A frame is never sent half:
//! the sender starts one only when it is wholly in the FIFO.

use super::NetConfig;
use crate::device::segments::{SegReaderCtl, SegmentReader};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct NetTx {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub seg_valid: Signal<In, bool>,
    pub seg_ready: Signal<Out, bool>,
    pub seg_bad: Signal<In, bool>,
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
    pub rd_req_valid: Signal<Out, bool>,
    pub rd_req_ready: Signal<In, bool>,
    pub rd_req_address: Signal<Out, Bits<64>>,
    pub rd_req_length: Signal<Out, Bits<16>>,
    pub rd_valid: Signal<In, bool>,
    pub rd_ready: Signal<Out, bool>,
    pub rd_data: Signal<In, Bits<64>>,
    pub rd_last: Signal<In, bool>,
    pub rd_error: Signal<In, bool>,
    pub csum_on: Signal<In, bool>,
    pub hash_report_on: Signal<In, bool>,
    pub txf_valid: Signal<Out, bool>,
    pub txf_ready: Signal<In, bool>,
    pub txf_data: Signal<Out, Bits<64>>,
    pub txf_bytes: Signal<Out, Bits<4>>,
    pub txf_last: Signal<Out, bool>,
    pub idle: Signal<Out, bool>,
    pub needs_reset: Signal<Out, bool>,
    pub frames: Signal<Out, Bits<32>>,
    pub dropped: Signal<Out, Bits<32>>,
    engine: NetTxEngine,
    reader: SegmentReader,
}

impl NetTx {
    pub fn new(cfg: &NetConfig) -> Self {
        NetTx {
            clock: Default::default(),
            reset: Default::default(),
            seg_valid: Default::default(),
            seg_ready: Default::default(),
            seg_bad: Default::default(),
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
            rd_req_valid: Default::default(),
            rd_req_ready: Default::default(),
            rd_req_address: Default::default(),
            rd_req_length: Default::default(),
            rd_valid: Default::default(),
            rd_ready: Default::default(),
            rd_data: Default::default(),
            rd_last: Default::default(),
            rd_error: Default::default(),
            csum_on: Default::default(),
            hash_report_on: Default::default(),
            txf_valid: Default::default(),
            txf_ready: Default::default(),
            txf_data: Default::default(),
            txf_bytes: Default::default(),
            txf_last: Default::default(),
            idle: Default::default(),
            needs_reset: Default::default(),
            frames: Default::default(),
            dropped: Default::default(),
            engine: NetTxEngine::new(cfg),
            reader: Default::default(),
        }
    }
}

impl Default for NetTx {
    fn default() -> Self {
        Self::new(&NetConfig::default())
    }
}

impl Logic for NetTx {
    #[hdl_gen]
    fn update(&mut self) {
        self.engine.clock.next = self.clock.val();
        self.engine.reset.next = self.reset.val();
        self.reader.clock.next = self.clock.val();
        self.reader.reset.next = self.reset.val();
        self.engine.seg_valid.next = self.seg_valid.val();
        self.seg_ready.next = self.engine.seg_ready.val();
        self.engine.seg_bad.next = self.seg_bad.val();
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
        self.rd_req_valid.next = self.reader.rd_req_valid.val();
        self.reader.rd_req_ready.next = self.rd_req_ready.val();
        self.rd_req_address.next = self.reader.rd_req_address.val();
        self.rd_req_length.next = self.reader.rd_req_length.val();
        self.reader.rd_valid.next = self.rd_valid.val();
        self.rd_ready.next = self.reader.rd_ready.val();
        self.reader.rd_data.next = self.rd_data.val();
        self.reader.rd_last.next = self.rd_last.val();
        self.reader.rd_error.next = self.rd_error.val();
        SegReaderCtl::join(&mut self.engine.rdr, &mut self.reader.ctl);
        self.engine.csum_on.next = self.csum_on.val();
        self.engine.hash_report_on.next = self.hash_report_on.val();
        self.txf_valid.next = self.engine.txf_valid.val();
        self.engine.txf_ready.next = self.txf_ready.val();
        self.txf_data.next = self.engine.txf_data.val();
        self.txf_bytes.next = self.engine.txf_bytes.val();
        self.txf_last.next = self.engine.txf_last.val();
        self.idle.next = self.engine.idle.val();
        self.needs_reset.next = self.engine.needs_reset.val();
        self.frames.next = self.engine.frames.val();
        self.dropped.next = self.engine.dropped.val();
    }
}

/// [`NetTx`]'s sequence: everything but the segment walk, which is its [`SegmentReader`]'s.
#[derive(LogicBlock)]
pub struct NetTxEngine {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub seg_valid: Signal<In, bool>,
    pub seg_ready: Signal<Out, bool>,
    pub seg_bad: Signal<In, bool>,
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
    pub rdr: SegReaderCtl,
    pub csum_on: Signal<In, bool>,
    pub hash_report_on: Signal<In, bool>,
    pub txf_valid: Signal<Out, bool>,
    pub txf_ready: Signal<In, bool>,
    pub txf_data: Signal<Out, Bits<64>>,
    pub txf_bytes: Signal<Out, Bits<4>>,
    pub txf_last: Signal<Out, bool>,
    pub idle: Signal<Out, bool>,
    pub needs_reset: Signal<Out, bool>,
    pub frames: Signal<Out, Bits<32>>,
    pub dropped: Signal<Out, Bits<32>>,
    _cfg: NetConfig,
}

impl NetTxEngine {
    pub fn new(cfg: &NetConfig) -> Self {
        cfg.validate();
        NetTxEngine {
            clock: Default::default(),
            reset: Default::default(),
            seg_valid: Default::default(),
            seg_ready: Default::default(),
            seg_bad: Default::default(),
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
            rdr: Default::default(),
            csum_on: Default::default(),
            hash_report_on: Default::default(),
            txf_valid: Default::default(),
            txf_ready: Default::default(),
            txf_data: Default::default(),
            txf_bytes: Default::default(),
            txf_last: Default::default(),
            idle: Default::default(),
            needs_reset: Default::default(),
            frames: Default::default(),
            dropped: Default::default(),
            _cfg: cfg.clone(),
        }
    }
}

impl Logic for NetTxEngine {
    fn update(&mut self) {
        panic!("NetTxEngine is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.seg_ready.connect();
        self.done_valid.connect();
        self.done_queue.connect();
        self.done_token.connect();
        self.rdr.connect_outputs();
        self.txf_valid.connect();
        self.txf_data.connect();
        self.txf_bytes.connect();
        self.txf_last.connect();
        self.idle.connect();
        self.needs_reset.connect();
        self.frames.connect();
        self.dropped.connect();
    }

    fn hdl(&self) -> Verilog {
        let words = self._cfg.tx_fifo_words;
        Verilog::Custom(
            VERILOG
                .replace("@AW@", &words.trailing_zeros().to_string())
                .replace("@DEPTH@", &words.to_string())
                .replace("@MAXF@", &self._cfg.max_frame().to_string()),
        )
    }
}

const VERILOG: &str = r#"
localparam AW = @AW@;
localparam [AW:0] DEPTH = @DEPTH@;
localparam [37:0] MAXF = 38'd@MAXF@;
integer i;
// the meta initial loop has its own variable: yosys refuses an integer whose initial loops end on different values
integer im;

// ---- the buffer: readable segments {len, addr}
reg [95:0] tbl [0:63];
reg [6:0] n_segs;
reg [37:0] r_total;
reg bad;                     // not a transmit queue, or more than 64 readable segments
reg [15:0] b_queue;
reg [47:0] b_token;
initial begin
  for (i = 0; i < 64; i = i + 1) tbl[i] = 96'h0;
  n_segs = 7'h0; r_total = 38'h0; bad = 1'b0; b_queue = 16'h0; b_token = 48'h0;
end

localparam M_COLLECT = 3'd0, M_CHECK = 3'd1, M_ROOM = 3'd2, M_READ = 3'd3, M_TAIL = 3'd4,
           M_COMMIT = 3'd5, M_DONE = 3'd6;
reg [2:0] ms;
reg [37:0] flen;             // frame bytes
reg [12:0] fw;               // frame words
reg [12:0] sk;               // stream words taken
reg [12:0] fe;               // frame words written
reg [31:0] prev_hi;
reg hw;                      // the header is 20 bytes (the frame starts in word 2's upper half), else 12 (word 1's)
reg needs_csum;
reg [15:0] cs_start;
reg [15:0] cs_off;
reg [23:0] sum_hi, sum_lo;
reg dma_err;
reg nr;
reg idle_r;
reg [31:0] n_frames, n_dropped;
initial begin
  ms = M_COLLECT; flen = 38'h0; fw = 13'h0; sk = 13'h0; fe = 13'h0; prev_hi = 32'h0; hw = 1'b0;
  needs_csum = 1'b0; cs_start = 16'h0; cs_off = 16'h0; sum_hi = 24'h0; sum_lo = 24'h0;
  dma_err = 1'b0; nr = 1'b0; idle_r = 1'b0; n_frames = 32'h0; n_dropped = 32'h0;
end

// ---- the segment table lookup for the reader (registered, as SegmentReader expects)
reg [95:0] r_ent;
initial r_ent = 96'h0;
always @(posedge clock) r_ent <= tbl[rdr$ent_index[5:0]];
// the table has 64 entries
wire unused_idx = &{1'b0, rdr$ent_index[8:6]};
wire rw_take = rdr$out_valid & (ms == M_READ);
wire [63:0] ro_d = rdr$out_data;

// ---- the frame FIFO: words written at `wp`, visible up to `wp_c` (committed), sent from `rp`
reg [63:0] fram [0:DEPTH-1];
reg [AW:0] wp, wp_c, rp;
// per committed frame: {patch_en, patch_val[15:0], patch_pos[15:0], flen[15:0]}
reg [48:0] meta [0:7];
reg [2:0] mq_w, mq_r;
reg [3:0] mq_n;
initial begin
  wp = 0; wp_c = 0; rp = 0; mq_w = 3'h0; mq_r = 3'h0; mq_n = 4'h0;
  for (im = 0; im < 8; im = im + 1) meta[im] = 49'h0;
end
wire [AW:0] used = wp_c - rp;
wire room_n = ({{(13-AW-1){1'b0}}, DEPTH - used} >= fw) & (mq_n != 4'd8);
// registered, from M_ROOM's cycles only (fw is set on the way in): the check fed the reader's
// start, a critical path. Room only grows while the frame waits (only this sequence commits)
reg room;
initial room = 1'b0;
always @(posedge clock) room <= room_n & (ms == M_ROOM);

// the checksum of a frame word: bytes at frame positions >= csum_start
wire [12:0] cs_w = cs_start[15:3];
wire [2:0] cs_b = cs_start[2:0];
wire [63:0] fword = (ms == M_TAIL) ? {32'h0, prev_hi} : {ro_d[31:0], prev_hi};
reg [7:0] bm;
always @(*) begin
  for (i = 0; i < 8; i = i + 1)
    bm[i] = (fe > cs_w) | ((fe == cs_w) & (i[2:0] >= cs_b));
end
wire [9:0] s_hi = (bm[0] ? {2'h0, fword[7:0]} : 10'h0) + (bm[2] ? {2'h0, fword[23:16]} : 10'h0) +
                  (bm[4] ? {2'h0, fword[39:32]} : 10'h0) + (bm[6] ? {2'h0, fword[55:48]} : 10'h0);
wire [9:0] s_lo = (bm[1] ? {2'h0, fword[15:8]} : 10'h0) + (bm[3] ? {2'h0, fword[31:24]} : 10'h0) +
                  (bm[5] ? {2'h0, fword[47:40]} : 10'h0) + (bm[7] ? {2'h0, fword[63:56]} : 10'h0);
// the folded sum, in network order relative to csum_start, complemented; 0 goes out as 0xFFFF
wire [31:0] s_all = {sum_hi[23:0], 8'h0} + {8'h0, sum_lo};
wire [16:0] f1 = {1'b0, s_all[15:0]} + {1'b0, s_all[31:16]};
wire [15:0] f2 = f1[15:0] + {15'h0, f1[16]};
wire [15:0] f_abs = cs_start[0] ? {f2[7:0], f2[15:8]} : f2[15:0];
wire [15:0] c_val_n = (~f_abs == 16'h0) ? 16'hffff : ~f_abs;
wire [16:0] c_pos_n = {1'b0, cs_start} + {1'b0, cs_off};
wire c_fits_n = ({21'h0, c_pos_n} + 38'd2 <= flen) & (c_pos_n[16] == 1'b0);
// registered every cycle: their inputs are final in M_TAIL's last cycle, so M_COMMIT reads the
// frame's values (the checks fed the commit decision, the transmit path's critical path)
reg [15:0] c_val;
reg [15:0] c_pos;
reg c_fits;
initial begin c_val = 16'h0; c_pos = 16'h0; c_fits = 1'b0; end
always @(posedge clock) begin
  c_val <= c_val_n;
  c_pos <= c_pos_n[15:0];
  c_fits <= c_fits_n;
end
wire [12:0] hmix = hw ? 13'd2 : 13'd1;     // the stream word that holds the frame's first bytes
wire f_write = (rw_take & (sk > hmix)) | ((ms == M_TAIL) & (fe < fw));
wire [37:0] flen_c = r_total - (hash_report_on ? 38'd20 : 38'd12);
wire [12:0] sw_total = r_total[15:3] + {12'h0, r_total[2:0] != 3'h0};

// ---- the main sequence
always @(posedge clock) begin
  if (reset) begin
    ms <= M_COLLECT;
    n_segs <= 7'h0;
    r_total <= 38'h0;
    bad <= 1'b0;
    nr <= 1'b0;
    idle_r <= 1'b0;
    wp <= 0;
    wp_c <= 0;
    n_frames <= 32'h0;
    n_dropped <= 32'h0;
  end else begin
    nr <= 1'b0;
    idle_r <= (ms == M_COLLECT) & (n_segs == 7'h0) & ~seg_valid;
    if (rdr$err) dma_err <= 1'b1;
    if (f_write) begin
      fram[wp[AW-1:0]] <= fword;
      wp <= wp + 1;
      fe <= fe + 13'd1;
      sum_hi <= sum_hi + {14'h0, s_hi};
      sum_lo <= sum_lo + {14'h0, s_lo};
    end
    case (ms)
      M_COLLECT: if (seg_valid) begin
        if (seg_bad) bad <= 1'b1;
        if (~seg_write) begin
          if (n_segs[6]) bad <= 1'b1;
          else tbl[n_segs[5:0]] <= {seg_len, seg_addr};
          n_segs <= n_segs + {6'h0, ~n_segs[6]};
          r_total <= r_total + {6'h0, seg_len};
        end
        b_queue <= seg_queue;
        b_token <= seg_token;
        if (seg_last) ms <= M_CHECK;
      end
      M_CHECK: begin
        hw <= hash_report_on;
        flen <= flen_c;
        fw <= flen_c[15:3] + {12'h0, flen_c[2:0] != 3'h0};
        if (bad | (r_total < (hash_report_on ? 38'd34 : 38'd26)) |
            (r_total > MAXF + (hash_report_on ? 38'd20 : 38'd12))) begin
          n_dropped <= n_dropped + 32'd1;
          ms <= M_DONE;
        end else ms <= M_ROOM;
      end
      M_ROOM: begin
        sk <= 13'h0;
        fe <= 13'h0;
        sum_hi <= 24'h0;
        sum_lo <= 24'h0;
        needs_csum <= 1'b0;
        dma_err <= 1'b0;
        if (room) ms <= M_READ;
      end
      M_READ: if (rw_take) begin
        sk <= sk + 13'd1;
        if (sk == 13'h0) begin
          needs_csum <= ro_d[0] & csum_on;
          cs_start <= ro_d[63:48];
        end
        if (sk == 13'd1) cs_off <= ro_d[15:0];
        if (sk >= hmix) prev_hi <= ro_d[63:32];
        if (sk + 13'd1 == sw_total) ms <= M_TAIL;
      end
      M_TAIL: if (~(fe < fw) & rdr$idle) ms <= M_COMMIT;
      M_COMMIT: begin
        if (dma_err) begin
          wp <= wp_c;
          nr <= 1'b1;
          n_dropped <= n_dropped + 32'd1;
        end else if (needs_csum & ~c_fits) begin
          wp <= wp_c;
          n_dropped <= n_dropped + 32'd1;
        end else begin
          wp_c <= wp;
          meta[mq_w] <= {needs_csum, c_val, c_pos, flen[15:0]};
          n_frames <= n_frames + 32'd1;
        end
        ms <= M_DONE;
      end
      M_DONE: if (done_ready) begin
        ms <= M_COLLECT;
        n_segs <= 7'h0;
        r_total <= 38'h0;
        bad <= 1'b0;
      end
      default: ms <= M_COLLECT;
    endcase
  end
end
wire m_push = (ms == M_COMMIT) & ~dma_err & ~(needs_csum & ~c_fits);

// ---- the sender: committed frames out of `txf_*`, the checksum put in on the way
reg o_v;
reg [63:0] o_d;
reg [12:0] o_idx;            // the word in `o_d`
reg o_last;
reg [12:0] oi;               // the next word to read
initial begin o_v = 1'b0; o_d = 64'h0; o_idx = 13'h0; o_last = 1'b0; oi = 13'h0; end
wire [48:0] mh = meta[mq_r];
wire [15:0] m_flen = mh[15:0];
wire [15:0] m_pos = mh[31:16];
wire [15:0] m_val = mh[47:32];
wire m_patch = mh[48];
wire [12:0] m_fw = m_flen[15:3] + {12'h0, m_flen[2:0] != 3'h0};
wire o_take = o_v & txf_ready;
wire o_issue = (mq_n != 4'h0) & (oi < m_fw) & ~(o_v & o_last) & (~o_v | txf_ready);
wire o_end = o_take & o_last;
always @(posedge clock) begin
  if (reset) begin
    o_v <= 1'b0;
    oi <= 13'h0;
    rp <= 0;
    mq_w <= 3'h0;
    mq_r <= 3'h0;
    mq_n <= 4'h0;
  end else begin
    if (o_issue) begin
      o_d <= fram[rp[AW-1:0]];
      rp <= rp + 1;
      o_idx <= oi;
      o_last <= (oi + 13'd1 == m_fw);
      oi <= oi + 13'd1;
      o_v <= 1'b1;
    end else if (o_take) o_v <= 1'b0;
    if (o_end) begin
      oi <= 13'h0;
      mq_r <= mq_r + 3'd1;
    end
    if (m_push) mq_w <= mq_w + 3'd1;
    mq_n <= mq_n + {3'h0, m_push} - {3'h0, o_end};
  end
end
reg [63:0] o_pd;
always @(*) begin
  o_pd = o_d;
  for (i = 0; i < 8; i = i + 1) begin
    if (m_patch & ({o_idx, i[2:0]} == m_pos)) o_pd[8*i +: 8] = m_val[15:8];
    if (m_patch & ({o_idx, i[2:0]} == m_pos + 16'd1)) o_pd[8*i +: 8] = m_val[7:0];
  end
end

always @(*) begin
  seg_ready = (ms == M_COLLECT);
  done_valid = (ms == M_DONE);
  done_queue = b_queue;
  done_token = b_token;
  rdr$start = (ms == M_ROOM) & room;
  rdr$start_index = 9'h0;
  rdr$job = (ms == M_ROOM) & room;
  rdr$job_len = r_total;
  rdr$ent_addr = r_ent[63:0];
  rdr$ent_len = r_ent[95:64];
  rdr$out_ready = (ms == M_READ);
  txf_valid = o_v;
  txf_data = o_pd;
  txf_bytes = (o_last & (m_flen[2:0] != 3'h0)) ? {1'b0, m_flen[2:0]} : 4'd8;
  txf_last = o_last;
  idle = idle_r;
  needs_reset = nr;
  frames = n_frames;
  dropped = n_dropped;
end
"#;
