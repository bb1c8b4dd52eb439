//! [`PackedQueueEngine`]: the packed-virtqueue engine of one function.
//!
//! Job: find available buffers in the function's rings, hand each to the device as a list of
//! segments, and when the device completes a buffer write its used descriptor, decide on a
//! used-buffer notification from the driver's event suppression structure, and raise it.
//!
//! Interface (one clock, `reset` synchronous):
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `running`, `resetting` | in | DRIVER_OK with no reset pending; a device reset is pending (drain, then `idle`) |
//! | `queue_resetting`, `queue_reset_index` | in | a queue reset is pending for that queue; when it ends, the queue's ring state returns to reset values |
//! | `q_enables`, `indirect_on`, `event_idx_on`, `in_order_on` | in | queue_enable bits; features negotiated |
//! | `notify_valid`, `notify_queue` | in | a driver notification (a hint: the queue is scanned again, PQ-22) |
//! | `qa_index` -> `qa_size`, `qa_desc` | out/in | the transport's fetch-side read port (one cycle) |
//! | `qb_index` -> `qb_size`, `qb_desc`, `qb_driver` | out/in | the used-side read port |
//! | `dma` | client | the DMA channels (docs/ARCHITECTURE.md, "DMA engine") |
//! | `seg_valid`, `seg_ready`, `seg_queue`, `seg_token`, `seg_addr`, `seg_len`, `seg_write`, `seg_last` | out/in/out... | the next buffer for the device, one segment per beat in chain order, readable first; `seg_last` on its last segment; `seg_token` (`{head slot, slots, id}`) is opaque to the device: it hands it back |
//! | `done_valid`, `done_ready`, `done_queue`, `done_token`, `done_len` | in/out/in/in/in | the device completed a buffer, having written `done_len` bytes into its writable segments; with `in_order_on` a device completes each queue's buffers in the order it received them |
//! | `done_more` | in | with `done_valid`: this buffer is part of a multi-buffer request whose next buffer the device completes next, on the same queue (PQ-15) |
//! | `device_idle` | in | the device holds no buffer |
//! | `hold[15:0]` | in | per queue: the device cannot take more of that queue's buffers now; no scan of a held queue starts from the second cycle after `hold` rises (virtio-net's receive caches, docs/ARCHITECTURE.md "Receive buffers and `want`") |
//! | `queue_irq`, `queue_irq_index` | out | pulse: a used-buffer notification for a queue (to the transport) |
//! | `needs_reset` | out | pulse, registered: illegal input (or a device fault: a completion out of order with IN_ORDER, a multi-buffer request cut by another queue's completion); the engine stops fetching until the next reset |
//! | `idle` | out | nothing in flight (the device included): a pending reset may complete; registered (one cycle after the fact) |
//!
//! Fetch side: queues with a pending scan (a notification, DRIVER_OK, a queue enable) are
//! served round robin. A scan reads up to 8 descriptors at `avail_pos` in one DMA read and
//! checks each one's AVAIL/USED bits before use (PQ-5); the first one not available ends the
//! scan. The read is buffered whole and parsed only if the DMA engine reports no error, one
//! descriptor every three cycles (load, classify, apply). Chains may span reads; the queue is
//! kept until the chain ends. An indirect descriptor ends the read; its table is read next in
//! chunks of 8 entries (PQ-16, PQ-17). Segments go into a 128-entry FIFO in block RAM, and a
//! buffer becomes visible to the device only when its chain (or table) is whole.
//!
//! Used side: for each completion, `{len, id}` is written first and the flags (AVAIL = USED =
//! the used wrap counter, WRITE iff len > 0) after it as a separate write (PQ-4, PQ-6, PQ-14),
//! `used_pos` advances by the buffer's slots (PQ-13), and once both writes are `wr_done` the
//! Driver Event Suppression structure is read and the notification decided (PQ-19, the
//! digest's reference rule for DESC mode).
//!
//! Multi-buffer requests (PQ-15): the completions of one request come in a row, all but the
//! last with `done_more`. The first buffer's `{len, id}` is written but its flags are held
//! back; the others are written whole; the first's flags go last, so the driver sees the
//! request only when all of it is there. Another queue's completion in the middle of a request
//! (or the device going idle with the request open) is a device fault: the request is closed
//! (the first's flags written) and DEVICE_NEEDS_RESET set.
//!
//! IN_ORDER (PQ-18): buffers reach the device in each queue's available order; with IN_ORDER
//! negotiated the device must complete them in that order, so that each used descriptor lands
//! in its buffer's first slot. The engine checks this (the token carries that slot): a
//! completion out of order is a device fault and sets DEVICE_NEEDS_RESET. One used descriptor
//! is written per buffer (the spec's batching under one descriptor is optional and not used).
//!
//! Illegal input (DEVICE_NEEDS_RESET): a chain longer than the queue or than 64 segments, an
//! indirect descriptor with NEXT or inside a chain, an indirect table that is empty, not a
//! multiple of 16 bytes or longer than 64 entries, an indirect table entry with INDIRECT, a
//! readable segment after a writable one, INDIRECT without INDIRECT_DESC, a DMA read the DMA
//! engine refused or failed, a completion for a queue that does not exist.

use crate::dma::DmaClientPort;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct PackedQueueEngine {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub running: Signal<In, bool>,
    pub resetting: Signal<In, bool>,
    pub queue_resetting: Signal<In, bool>,
    pub queue_reset_index: Signal<In, Bits<16>>,
    pub q_enables: Signal<In, Bits<16>>,
    pub indirect_on: Signal<In, bool>,
    pub event_idx_on: Signal<In, bool>,
    pub in_order_on: Signal<In, bool>,
    pub notify_valid: Signal<In, bool>,
    pub notify_queue: Signal<In, Bits<16>>,
    pub qa_index: Signal<Out, Bits<16>>,
    pub qa_size: Signal<In, Bits<16>>,
    pub qa_desc: Signal<In, Bits<64>>,
    pub qb_index: Signal<Out, Bits<16>>,
    pub qb_size: Signal<In, Bits<16>>,
    pub qb_desc: Signal<In, Bits<64>>,
    pub qb_driver: Signal<In, Bits<64>>,
    pub dma: DmaClientPort,
    pub seg_valid: Signal<Out, bool>,
    pub seg_ready: Signal<In, bool>,
    pub seg_queue: Signal<Out, Bits<16>>,
    pub seg_token: Signal<Out, Bits<48>>,
    pub seg_addr: Signal<Out, Bits<64>>,
    pub seg_len: Signal<Out, Bits<32>>,
    pub seg_write: Signal<Out, bool>,
    pub seg_last: Signal<Out, bool>,
    pub done_valid: Signal<In, bool>,
    pub done_ready: Signal<Out, bool>,
    pub done_queue: Signal<In, Bits<16>>,
    pub done_token: Signal<In, Bits<48>>,
    pub done_len: Signal<In, Bits<32>>,
    pub done_more: Signal<In, bool>,
    pub device_idle: Signal<In, bool>,
    pub hold: Signal<In, Bits<16>>,
    pub queue_irq: Signal<Out, bool>,
    pub queue_irq_index: Signal<Out, Bits<16>>,
    pub needs_reset: Signal<Out, bool>,
    pub idle: Signal<Out, bool>,
    _queues: usize,
    _function: bool,
}

impl PackedQueueEngine {
    /// An engine for `queues` queues (1..=16) of function `function`.
    pub fn new(queues: usize, function: bool) -> Self {
        assert!((1..=16).contains(&queues));
        PackedQueueEngine {
            clock: Default::default(),
            reset: Default::default(),
            running: Default::default(),
            resetting: Default::default(),
            queue_resetting: Default::default(),
            queue_reset_index: Default::default(),
            q_enables: Default::default(),
            indirect_on: Default::default(),
            event_idx_on: Default::default(),
            in_order_on: Default::default(),
            notify_valid: Default::default(),
            notify_queue: Default::default(),
            qa_index: Default::default(),
            qa_size: Default::default(),
            qa_desc: Default::default(),
            qb_index: Default::default(),
            qb_size: Default::default(),
            qb_desc: Default::default(),
            qb_driver: Default::default(),
            dma: Default::default(),
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
            device_idle: Default::default(),
            hold: Default::default(),
            queue_irq: Default::default(),
            queue_irq_index: Default::default(),
            needs_reset: Default::default(),
            idle: Default::default(),
            _queues: queues,
            _function: function,
        }
    }
}

impl Logic for PackedQueueEngine {
    fn update(&mut self) {
        panic!("PackedQueueEngine is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.qa_index.connect();
        self.qb_index.connect();
        self.dma.connect_outputs();
        self.seg_valid.connect();
        self.seg_queue.connect();
        self.seg_token.connect();
        self.seg_addr.connect();
        self.seg_len.connect();
        self.seg_write.connect();
        self.seg_last.connect();
        self.done_ready.connect();
        self.queue_irq.connect();
        self.queue_irq_index.connect();
        self.needs_reset.connect();
        self.idle.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            VERILOG
                .replace("@N@", &self._queues.to_string())
                .replace("@FN@", if self._function { "1'b1" } else { "1'b0" }),
        )
    }
}

const VERILOG: &str = r#"// Generated by hdl/src/virtqueue/engine.rs
localparam N = @N@;
localparam QW = (N > 1) ? $clog2(N) : 1;   // index width of the per-queue arrays
integer i;
// a used-side write the DMA engine refused (Bus Master Enable cleared under the driver's feet)
wire wr_refused = dma$wr_done & dma$wr_error;
// ... reported a cycle later: `needs_reset` reaches the transport's interrupt logic, and the
// `wr_done` path already crosses the DMA arbiter's routing RAM
reg wr_refused_r;
initial wr_refused_r = 1'b0;
always @(posedge clock) wr_refused_r <= ~reset & running & wr_refused;
// ---- per-queue ring state (PQ-3: positions 0, wrap counters 1 after any reset)
// arrays hold only the function's N queues: 16 deep they cost a few hundred LUTs per engine
reg [15:0] avail_pos [0:N-1];
reg [15:0] used_pos [0:N-1];
reg [15:0] avail_wrap;
reg [15:0] used_wrap;
reg [15:0] kick;             // a scan is pending
reg [15:0] en_seen;          // queue_enable as last seen (a rising bit kicks)
reg was_running;
reg qr_seen;                 // queue_resetting as last seen
reg [15:0] qr_index;
initial begin
  for (i = 0; i < N; i = i + 1) begin avail_pos[i] = 16'h0; used_pos[i] = 16'h0; end
  avail_wrap = 16'hffff; used_wrap = 16'hffff; kick = 16'h0; en_seen = 16'h0; was_running = 1'b0;
  qr_seen = 1'b0; qr_index = 16'h0;
end
wire [15:0] qmask = (16'h1 << N) - 16'h1;
wire qr_done = qr_seen & ~queue_resetting;       // a queue reset just completed
wire fetching_allowed = running & ~resetting;

// ---- fetch side: IDLE -> CFG -> CFG2 -> FETCH -> RECV -> PARSE -> SAVE (-> IND -> RECV ...)
localparam F_IDLE = 4'd0, F_CFG = 4'd1, F_CFG2 = 4'd2, F_FETCH = 4'd3, F_RECV = 4'd4,
           F_PARSE = 4'd5, F_SAVE = 4'd6, F_IND = 4'd7, F_ERR = 4'd8;
reg [3:0] fs;
reg [3:0] fq;                // the queue being scanned
reg [15:0] f_size;
reg [63:0] f_desc;
reg [15:0] f_pos;            // ring position of the next descriptor to look at
reg f_wrap;                  // the driver wrap counter expected there
reg f_table;                 // this read is (a chunk of) an indirect table
reg [3:0] f_n;               // descriptors in this read
reg [3:0] f_k;               // beats received / descriptor being parsed
reg f_more;                  // the ring may hold more: keep the queue's scan pending
reg broken;                  // illegal input seen: no more fetching until DRIVER_OK drops
reg err_pulse;
reg in_chain;                // a chain is part-way (its segments are not committed)
reg [6:0] chain_n;           // segments of the current buffer so far
reg [15:0] chain_slots;      // ring slots of the chain so far
reg [15:0] chain_head;       // ring slot of the chain's first descriptor
reg chain_w;                 // a writable segment was seen
reg [2:0] retries;           // refetches of a chain's next descriptor that was not available
reg [63:0] ind_addr;         // next table chunk
reg [6:0] ind_left;          // entries still to read
reg [15:0] ind_id;
reg [3:0] rr;                // last queue picked
// the read in hand: descriptor k is {fa[k], fi[k]}
reg [63:0] fa [0:7];
reg [63:0] fi [0:7];
// descriptors are parsed in three cycles (f_ph): load from fa/fi into registers, classify
// into the c_* flags, apply. The apply step fans out to most of the fetch side's registers:
// it must hang off registered flags, not off the classification logic.
reg [1:0] f_ph;
reg [63:0] d_addr;
reg [63:0] d_info;
reg c_error, c_empty, c_indirect, c_push, c_commit, c_table_end, c_last, c_pos_wraps;
reg [15:0] c_pos_inc;
initial begin
  c_error = 1'b0; c_empty = 1'b0; c_indirect = 1'b0; c_push = 1'b0; c_commit = 1'b0;
  c_table_end = 1'b0; c_last = 1'b0; c_pos_wraps = 1'b0; c_pos_inc = 16'h0;
  f_ph = 2'd0; d_addr = 64'h0; d_info = 64'h0;
  fs = F_IDLE; fq = 4'h0; f_size = 16'h0; f_desc = 64'h0; f_pos = 16'h0; f_wrap = 1'b1;
  f_table = 1'b0; f_n = 4'h0; f_k = 4'h0; f_more = 1'b0; broken = 1'b0; err_pulse = 1'b0;
  in_chain = 1'b0; chain_n = 7'h0; chain_slots = 16'h0; chain_head = 16'h0; chain_w = 1'b0; retries = 3'h0;
  ind_addr = 64'h0; ind_left = 7'h0; ind_id = 16'h0; rr = 4'hf;
end
// segment FIFO (128 entries: {write, len, addr}) and buffer FIFO (16 entries)
// The segment RAM is block RAM (3 DP16KD): in LUT RAM it took 200 cells and a 128:1 read
// multiplexer per bit, spread over the die. Its read is registered: `seg_q` holds the segment
// offered to the device (`seg_v`), loaded from `sg_lp`, the next committed segment.
(* ram_style = "block" *)
reg [96:0] segs [0:127];
reg [6:0] sg_wp, sg_cp, sg_rp;   // write, committed, read (the device's next)
reg [6:0] sg_lp;                 // next to load into seg_q (sg_rp, or sg_rp + 1 while seg_v)
reg [96:0] seg_q;
reg seg_v;
reg [54:0] bufs [0:15];          // {nseg[6:0], head[15:0], slots[15:0], id[15:0]}
reg [3:0] bq [0:15];             // its queue
reg [3:0] bf_wp, bf_rp;
reg [4:0] bf_count;
reg [6:0] dev_k;                 // segments of the head buffer already given
initial begin sg_wp = 7'h0; sg_cp = 7'h0; sg_rp = 7'h0; sg_lp = 7'h0; seg_q = 97'h0; seg_v = 1'b0; bf_wp = 4'h0; bf_rp = 4'h0; bf_count = 5'h0; dev_k = 7'h0; end
wire [6:0] sg_used = sg_wp - sg_rp;
// 127 usable entries (the 7-bit pointers tell full from empty that way); a read adds at most
// 8. Registered (for timing), and pushes are written a cycle late: it may miss two pushes and
// two commits, which the margins (116 of 127, 6 of 16) cover.
reg room;
initial room = 1'b0;
always @(posedge clock) room <= (sg_used <= 7'd116) & (bf_count <= 5'd6);
// the read channel is shared by both sides, one read at a time
reg rd_busy;
reg rd_owner;                    // 0 fetch side, 1 used side
initial begin rd_busy = 1'b0; rd_owner = 1'b0; end
// queues eligible for a scan: pending, enabled, not being reset. The queue-reset mask is
// registered (the decode of a 16-bit index was on the card's critical path); in the first
// cycle of a queue reset it is not set yet, so no scan starts then (`qr_first`).
reg [15:0] qr_mask;
initial qr_mask = 16'h0;
always @(posedge clock)
  qr_mask <= (~reset & queue_resetting & (queue_reset_index < 16'd16)) ? (16'h1 << queue_reset_index[3:0]) : 16'h0;
wire qr_first = queue_resetting & ~qr_seen;
// queues the device holds, or being reset: one register, so `hold` adds no logic level in
// front of the pick (the card's critical path); it acts a cycle late, which the device's
// margin covers
reg [15:0] blocked;
initial blocked = 16'h0;
always @(posedge clock)
  blocked <= hold | ((~reset & queue_resetting & (queue_reset_index < 16'd16)) ? (16'h1 << queue_reset_index[3:0]) : 16'h0);
wire [15:0] ready_q = kick & q_enables & qmask & ~blocked;
wire [31:0] ready_twice = {ready_q, ready_q};
wire [15:0] ready_rot = ready_twice[{1'b0, rr + 4'd1} +: 16];
reg [3:0] pick_off;
always @(*) begin
  pick_off = 4'd0;
  for (i = 15; i >= 0; i = i - 1) if (ready_rot[i]) pick_off = i[3:0];
end
wire [3:0] pick = rr + 4'd1 + pick_off;
// The round-robin pick is registered too: a scan starts on `pick_r` if that queue is still
// ready, so a pick a cycle old never scans a queue that stopped being eligible.
reg [3:0] pick_r;
reg pick_v;
initial begin pick_r = 4'h0; pick_v = 1'b0; end
always @(posedge clock) begin
  pick_r <= pick;
  pick_v <= ~reset & (|ready_q);
end
wire any_ready = pick_v & ready_q[pick_r];
// the scanned queue is being reset: read from the registered mask (the 16-bit compare fed the
// chain abandon and `idle` on the card's critical path). A cycle late is safe: in the first
// cycle of a queue reset no scan starts (`qr_first`), and `fq` changes only when a scan starts,
// after which the fetch side is out of F_IDLE for longer than a cycle.
wire fq_resetting = qr_mask[fq];
// F_IDLE leaves for a scan at the next edge (a reset drops a partial chain instead)
wire scan_start = (fs == F_IDLE) & ~((resetting | fq_resetting) & in_chain) &
                  fetching_allowed & ~broken & room & ~qr_first & (in_chain | any_ready);
// the descriptor being parsed
wire [31:0] d_len = d_info[31:0];
wire [15:0] d_id = d_info[47:32];
wire [15:0] d_flags = d_info[63:48];
wire d_next = d_flags[0];
wire d_write = d_flags[1];
wire d_ind = d_flags[2];
wire d_avail = (d_flags[7] == f_wrap) & (d_flags[15] != f_wrap);
wire d_last_in_read = (f_k + 4'd1 == f_n);
wire rd_beat = dma$rd_valid & dma$rd_ready;
wire f_beat = rd_beat & ~rd_owner;
wire u_beat = rd_beat & rd_owner;
wire [15:0] f_pos_inc = (f_pos + 16'd1 == f_size) ? 16'h0 : (f_pos + 16'd1);
wire f_pos_wraps = (f_pos + 16'd1 == f_size);
wire [15:0] to_end = f_size - f_pos;
wire [3:0] batch = (to_end >= 16'd8) ? 4'd8 : to_end[3:0];
wire [3:0] ind_chunk = (ind_left >= 7'd8) ? 4'd8 : ind_left[3:0];
// what the descriptor in hand means (F_PARSE, classify step; registered into c_*)
wire p_bad_order = chain_w & ~d_write;                              // readable after writable
wire p_too_long = (chain_n == 7'd64) | (chain_slots == f_size);     // over our cap or the queue
wire p_ind_bad = ~indirect_on | in_chain | d_next | (d_len == 32'h0) | (d_len[3:0] != 4'h0) | (d_len > 32'd1024);
wire parsing = (fs == F_PARSE) & (f_ph == 2'd1);
wire applying = (fs == F_PARSE) & (f_ph == 2'd2);
wire p_ring = parsing & ~f_table;
wire p_tab = parsing & f_table;
wire p_empty = p_ring & ~d_avail;                                   // not (yet) available
wire p_error = (p_ring & d_avail & (d_ind ? p_ind_bad : (p_bad_order | p_too_long))) | (p_tab & (d_ind | p_bad_order));
wire p_indirect = p_ring & d_avail & d_ind & ~p_ind_bad;
wire seg_push = ((p_ring & d_avail & ~d_ind) | p_tab) & ~p_error;
wire p_table_end = p_tab & (ind_left == {3'h0, f_n}) & d_last_in_read;
wire commit = seg_push & (p_ring ? ~d_next : p_table_end);
wire [15:0] commit_id = f_table ? ind_id : d_id;
wire [15:0] commit_slots = f_table ? 16'd1 : (chain_slots + 16'd1);
wire [6:0] commit_n = chain_n + 7'd1;
wire [15:0] commit_head = (f_table | in_chain) ? chain_head : f_pos;
// a chain whose next descriptor is not available yet (a stale copy): refetch a few times
wire p_stale = p_empty & in_chain;
always @(posedge clock) begin
  if (reset | ~running) begin
    fs <= F_IDLE;
    f_ph <= 2'd0;
    in_chain <= 1'b0;
    chain_n <= 7'h0;
    chain_slots <= 16'h0;
    chain_w <= 1'b0;
    retries <= 3'h0;
    rr <= 4'hf;
    broken <= 1'b0;
    err_pulse <= 1'b0;
  end else begin
    err_pulse <= 1'b0;
    if (wr_refused) broken <= 1'b1;
    case (fs)
      F_IDLE: begin
        if ((resetting | fq_resetting) & in_chain) begin
          // a reset abandons the partial chain: its segments never reach the device
          in_chain <= 1'b0;
          chain_n <= 7'h0;
          chain_slots <= 16'h0;
          chain_w <= 1'b0;
          retries <= 3'h0;
        end else if (scan_start) begin
          if (~in_chain) begin
            fq <= pick_r;
            rr <= pick_r;
          end
          fs <= F_CFG;
        end
      end
      F_CFG: fs <= F_CFG2;
      F_CFG2: begin
        f_size <= qa_size;
        f_desc <= qa_desc;
        f_pos <= avail_pos[fq[QW-1:0]];
        f_wrap <= avail_wrap[fq];
        f_table <= 1'b0;
        fs <= F_FETCH;
      end
      F_FETCH: if (dma$rd_req_ready & ~rd_busy) begin
        f_n <= batch;
        f_k <= 4'h0;
        fs <= F_RECV;
      end
      F_IND: if (room & dma$rd_req_ready & ~rd_busy) begin
        f_n <= ind_chunk;
        f_k <= 4'h0;
        f_table <= 1'b1;
        fs <= F_RECV;
      end
      F_RECV: if (f_beat) begin
        f_k <= dma$rd_last ? 4'h0 : (f_k + 4'd1);
        if (dma$rd_last) begin
          if (dma$rd_error) begin
            // the DMA engine refused or failed the read: nothing of it is used
            broken <= 1'b1;
            err_pulse <= 1'b1;
            fs <= F_ERR;
          end else fs <= F_PARSE;
        end
      end
      F_PARSE: if (f_ph != 2'd2) f_ph <= f_ph + 2'd1; else begin
        f_ph <= 2'd0;
        f_k <= f_k + 4'd1;
        if (c_error) begin
          broken <= 1'b1;
          err_pulse <= 1'b1;
          fs <= F_ERR;
        end else if (c_empty) begin
          retries <= in_chain ? (retries + 3'd1) : 3'h0;
          f_more <= in_chain;
          fs <= F_SAVE;
        end else begin
          retries <= 3'h0;
          if (~f_table & ~in_chain) chain_head <= f_pos;
          if (~f_table) begin
            f_pos <= c_pos_inc;
            if (c_pos_wraps) f_wrap <= ~f_wrap;
          end
          if (c_indirect) begin
            ind_addr <= d_addr;
            ind_left <= d_len[10:4];
            ind_id <= d_id;
            chain_n <= 7'h0;
            chain_w <= 1'b0;
            f_more <= 1'b1;
            fs <= F_SAVE;
          end else begin
            if (f_table) begin
              chain_n <= c_commit ? 7'h0 : (chain_n + 7'd1);
              chain_w <= c_commit ? 1'b0 : (chain_w | d_write);
            end else if (d_next) begin
              in_chain <= 1'b1;
              chain_n <= chain_n + 7'd1;
              chain_slots <= chain_slots + 16'd1;
              chain_w <= chain_w | d_write;
            end else begin
              in_chain <= 1'b0;
              chain_n <= 7'h0;
              chain_slots <= 16'h0;
              chain_w <= 1'b0;
            end
            if (c_last) begin
              if (f_table) begin
                ind_left <= ind_left - {3'h0, f_n};
                ind_addr <= ind_addr + {56'h0, f_n, 4'h0};
                fs <= c_table_end ? F_SAVE : F_IND;
              end else fs <= F_SAVE;
              f_more <= 1'b1;
            end
          end
        end
      end
      // the scan's progress becomes the queue's; an indirect descriptor's table is read next
      F_SAVE: fs <= ((ind_left != 7'h0) & ~f_table) ? F_IND : F_IDLE;
      F_ERR: begin
        in_chain <= 1'b0;
        chain_n <= 7'h0;
        chain_slots <= 16'h0;
        chain_w <= 1'b0;
      end
      default: fs <= F_IDLE;
    endcase
  end
end
always @(posedge clock) begin
  if ((fs == F_PARSE) & (f_ph == 2'd0)) begin
    d_addr <= fa[f_k[2:0]];
    d_info <= fi[f_k[2:0]];
  end
  if (parsing) begin
    c_error <= p_error | (p_stale & (retries == 3'd7));
    c_empty <= p_empty;
    c_indirect <= p_indirect;
    c_push <= seg_push;
    c_commit <= commit;
    c_table_end <= p_table_end;
    c_last <= d_last_in_read;
    c_pos_inc <= f_pos_inc;
    c_pos_wraps <= f_pos_wraps;
  end
end
// descriptor beats land in fa/fi: even beats are addresses, odd beats len/id/flags
always @(posedge clock) begin
  if ((fs == F_RECV) & f_beat) begin
    if (~f_k[0]) fa[f_k[3:1]] <= dma$rd_data;
    else fi[f_k[3:1]] <= dma$rd_data;
  end
end

// segment and buffer FIFOs. A push (and a commit) is registered first and written a cycle
// later, so that the RAM write enables and the buffer FIFO (distributed RAM) do not hang off
// the parse decision.
reg sp_v, sp_commit;
reg [96:0] sp_d;
reg [54:0] sp_buf;
reg [3:0] sp_q;
initial begin sp_v = 1'b0; sp_commit = 1'b0; sp_d = 97'h0; sp_buf = 55'h0; sp_q = 4'h0; end
always @(posedge clock) begin
  if (reset | ~running) begin
    sp_v <= 1'b0;
    sp_commit <= 1'b0;
  end else begin
    sp_v <= applying & c_push;
    sp_commit <= applying & c_commit;
  end
  sp_d <= {d_write, d_len, d_addr};
  sp_buf <= {commit_n, commit_head, commit_slots, commit_id};
  sp_q <= fq;
end
always @(posedge clock) begin
  if (sp_v) segs[sg_wp] <= sp_d;
  if (sp_commit) begin
    bufs[bf_wp] <= sp_buf;
    bq[bf_wp] <= sp_q;
  end
end
wire [54:0] head_buf = bufs[bf_rp];
wire dev_take = seg_v & seg_ready;
// load the next committed segment when the register is empty or being emptied; the write
// pointer is never at sg_lp then (sg_lp != sg_cp <= sg_wp), so no read meets a write
wire seg_load = (~seg_v | seg_ready) & (sg_lp != sg_cp);
always @(posedge clock) if (seg_load) seg_q <= segs[sg_lp];
wire dev_last = (dev_k + 7'd1 == head_buf[54:48]);
wire abandon = ((fs == F_IDLE) & (resetting | fq_resetting) & in_chain) | (fs == F_ERR);
always @(posedge clock) begin
  if (reset | ~running) begin
    sg_wp <= 7'h0;
    sg_cp <= 7'h0;
    sg_rp <= 7'h0;
    sg_lp <= 7'h0;
    seg_v <= 1'b0;
    bf_wp <= 4'h0;
    bf_rp <= 4'h0;
    bf_count <= 5'h0;
    dev_k <= 7'h0;
  end else begin
    if (abandon) sg_wp <= sg_cp;
    else if (sp_v) sg_wp <= sg_wp + 7'd1;
    if (sp_commit) begin
      sg_cp <= sg_wp + 7'd1;
      bf_wp <= bf_wp + 4'd1;
    end
    if (seg_load) begin
      sg_lp <= sg_lp + 7'd1;
      seg_v <= 1'b1;
    end else if (dev_take) seg_v <= 1'b0;
    if (dev_take) begin
      sg_rp <= sg_rp + 7'd1;
      dev_k <= dev_last ? 7'h0 : (dev_k + 7'd1);
      if (dev_last) bf_rp <= bf_rp + 4'd1;
    end
    bf_count <= bf_count + {4'h0, sp_commit} - {4'h0, dev_take & dev_last};
  end
end
always @(*) begin
  // a loaded segment is committed, so its buffer's entry is there (bf_count != 0)
  seg_valid = seg_v;
  seg_queue = {12'h0, bq[bf_rp]};
  seg_token = head_buf[47:0];
  seg_addr = seg_q[63:0];
  seg_len = seg_q[95:64];
  seg_write = seg_q[96];
  seg_last = dev_last;
end

// ---- used side: IDLE -> CFG -> CFG2 -> W1 -> D1 -> W2 -> D2 -> WAIT (-> W1 ...) -> EVQ -> EVD -> IRQ
localparam U_IDLE = 4'd0, U_CFG = 4'd1, U_CFG2 = 4'd2, U_W1 = 4'd3, U_D1 = 4'd4, U_W2 = 4'd5,
           U_D2 = 4'd6, U_WAIT = 4'd7, U_EVQ = 4'd8, U_EVD = 4'd9, U_EV2 = 4'd11, U_IRQ = 4'd10,
           U_GRP = 4'd12, U_W3 = 4'd13, U_D3 = 4'd14, U_FIN = 4'd15;
// a multi-buffer request (PQ-15): ... W1 D1 (flags held) WAIT GRP W1 D1 W2 D2 WAIT GRP ...
// W1 D1 W2 D2 WAIT (the last buffer) W3 D3 (the first's flags) FIN -> EVQ
reg [3:0] us;
reg [3:0] uq;
reg [15:0] u_id;
reg [15:0] u_slots;
reg [15:0] u_head;           // the buffer's first ring slot (IN_ORDER check)
reg bad_order;
reg u_part;                  // this completion has done_more: its request continues
reg grp;                     // a multi-buffer request is open: its first buffer's flags wait
reg [63:0] g_addr;           // where they go
reg g_wrap, g_w;             // and what they say
reg bad_group;
reg [31:0] u_len;
reg [15:0] u_size;
reg [63:0] u_desc;
reg [63:0] u_driver;
reg [15:0] u_pos;
reg u_wrap;
reg [15:0] u_adv;            // slots made used since the last event check
reg [1:0] u_dones;           // writes not yet done
reg [17:0] u_event;          // the Driver Event Suppression structure (reserved bits dropped)
reg irq_r;
reg [15:0] irq_q;
reg bad_done;
initial begin
  us = U_IDLE; uq = 4'h0; u_id = 16'h0; u_slots = 16'h0; u_len = 32'h0; u_size = 16'h0;
  u_desc = 64'h0; u_driver = 64'h0; u_pos = 16'h0; u_wrap = 1'b1; u_adv = 16'h0; u_dones = 2'd0;
  u_event = 18'h0; irq_r = 1'b0; irq_q = 16'h0; bad_done = 1'b0;
  u_head = 16'h0; bad_order = 1'b0;
  u_part = 1'b0; grp = 1'b0; g_addr = 64'h0; g_wrap = 1'b0; g_w = 1'b0; bad_group = 1'b0;
end
wire done_ok = done_queue < N;
// The used descriptor's address fields, registered (the 64-bit add from `u_pos` was the card's
// critical path). `{u_pos, 4'h8}` is u_pos * 16 + 8, so each is a single adder. They lag `u_pos`
// and `u_desc` by a cycle: W1 asks only from its second cycle (`w1_ok`), and W2 and D1 come
// later still.
reg [63:0] u_len_addr;       // + 8: {len, id}
reg [63:0] u_flags_addr;     // + 14: flags
reg w1_ok;
initial begin u_len_addr = 64'h0; u_flags_addr = 64'h0; w1_ok = 1'b0; end
always @(posedge clock) begin
  u_len_addr <= u_desc + {44'h0, u_pos, 4'h8};
  u_flags_addr <= u_desc + {44'h0, u_pos, 4'hE};
  w1_ok <= ~reset & (us == U_W1);
end
// the position after this buffer's slots: compare and subtract, never mask (PQ-2)
wire [16:0] u_sum = {1'b0, u_pos} + {1'b0, u_slots};
wire u_wraps = (u_sum >= {1'b0, u_size});
wire [15:0] u_next = u_wraps ? (u_sum[15:0] - u_size) : u_sum[15:0];
// the decision (packed-virtqueue.md section 7, 16-bit arithmetic)
wire [15:0] ev_off = {1'b0, u_event[14:0]};
wire ev_wrap = u_event[15];
wire [1:0] ev_mode = u_event[17:16];
// (new - event - 1) < (new - old), where new - old is u_adv: in two registered steps
reg [15:0] ev_at;
initial ev_at = 16'h0;
always @(posedge clock) if (us == U_EV2) ev_at <= (ev_wrap != u_wrap) ? (ev_off - u_size) : ev_off;
wire ev_hit = ((u_pos - ev_at - 16'd1) < u_adv);
// ENABLE notifies, DISABLE does not, DESC per the rule (and, unnegotiated or reserved, notifies:
// a spurious notification is harmless, a missing one hangs the driver)
wire u_notify = (ev_mode != 2'd1) & ((ev_mode != 2'd2) | ~event_idx_on | ev_hit);
wire u_written = (u_dones == 2'd0);
wire u_more = done_valid & (done_queue == {12'h0, uq}) & (u_adv < 16'd64);
wire wr_req_take = dma$wr_req_valid & dma$wr_req_ready;
wire f_req = ((fs == F_FETCH) | ((fs == F_IND) & room)) & ~rd_busy;
wire u_req = (us == U_EVQ) & ~rd_busy & ~f_req;
always @(posedge clock) begin
  if (reset | ~running) begin
    us <= U_IDLE;
    irq_r <= 1'b0;
    u_dones <= 2'd0;
    u_adv <= 16'h0;
    bad_done <= 1'b0;
    bad_order <= 1'b0;
    bad_group <= 1'b0;
    grp <= 1'b0;
  end else begin
    bad_group <= 1'b0;
    irq_r <= 1'b0;
    bad_done <= 1'b0;
    // in order, every used descriptor lands in its own buffer's first slot (PQ-18)
    bad_order <= (us == U_W1) & w1_ok & dma$wr_req_ready & in_order_on & (u_head != u_pos);
    u_dones <= u_dones + {1'b0, wr_req_take} - {1'b0, dma$wr_done & (u_dones != 2'd0)};
    case (us)
      U_IDLE: if (done_valid) begin
        uq <= done_queue[3:0];
        bad_done <= ~done_ok;
        us <= done_ok ? U_CFG : U_IDLE;
      end
      U_CFG: us <= U_CFG2;
      U_CFG2: begin
        u_size <= qb_size;
        u_desc <= qb_desc;
        u_driver <= qb_driver;
        u_pos <= used_pos[uq[QW-1:0]];
        u_wrap <= used_wrap[uq];
        us <= U_W1;
      end
      U_W1: if (w1_ok & dma$wr_req_ready) us <= U_D1;
      U_D1: if (dma$wr_ready) begin
        if (u_part & ~grp) begin
          // the first buffer of a request: its flags wait for the rest (PQ-15)
          grp <= 1'b1;
          g_addr <= u_flags_addr;
          g_wrap <= u_wrap;
          g_w <= (u_len != 32'h0);
          us <= U_WAIT;
        end else us <= U_W2;
      end
      U_W2: if (dma$wr_req_ready) us <= U_D2;
      U_D2: if (dma$wr_ready) us <= U_WAIT;
      U_WAIT: if (u_written) begin
        u_pos <= u_next;
        if (u_wraps) u_wrap <= ~u_wrap;
        u_adv <= u_adv + u_slots;
        // the rest of an open request; or completions for this queue already waiting: write
        // them first, one event check for all
        if (grp) us <= u_part ? U_GRP : U_W3;
        else us <= u_more ? U_W1 : U_EVQ;
      end
      U_GRP: if (done_valid) begin
        if (done_queue == {12'h0, uq}) us <= U_W1;
        else begin
          // another queue's completion inside a request: close the request, report the fault
          bad_group <= 1'b1;
          us <= U_W3;
        end
      end else if (device_idle) begin
        // the device holds no buffer, so the rest of the request will never come
        bad_group <= 1'b1;
        us <= U_W3;
      end
      U_W3: if (dma$wr_req_ready) us <= U_D3;
      U_D3: if (dma$wr_ready) us <= U_FIN;
      U_FIN: if (u_written) begin
        grp <= 1'b0;
        us <= U_EVQ;
      end
      U_EVQ: if (dma$rd_req_ready & u_req) us <= U_EVD;
      U_EVD: if (u_beat) begin
        u_event <= dma$rd_data[17:0];
        us <= U_EV2;
      end
      U_EV2: us <= U_IRQ;
      U_IRQ: begin
        irq_r <= u_notify;
        irq_q <= {12'h0, uq};
        u_adv <= 16'h0;
        us <= U_IDLE;
      end
      default: us <= U_IDLE;
    endcase
  end
end
wire u_take = ((us == U_IDLE) & done_valid) | ((us == U_WAIT) & u_written & ~grp & u_more) |
              ((us == U_GRP) & done_valid & (done_queue == {12'h0, uq}));
// every completion taken is latched here, whichever state took it
always @(posedge clock) if (u_take) begin
  u_id <= done_token[15:0];
  u_slots <= done_token[31:16];
  u_head <= done_token[47:32];
  u_len <= done_len;
  u_part <= done_more;
end
always @(*) begin
  done_ready = u_take;
  queue_irq = irq_r;
  queue_irq_index = irq_q;
  needs_reset = err_pulse | bad_done | bad_order | bad_group | wr_refused_r;
end

// ---- the DMA channels
always @(*) begin
  dma$rd_req_valid = f_req | u_req;
  dma$rd_req_function = @FN@;
  dma$rd_req_address = (fs == F_FETCH) ? (f_desc + {44'h0, f_pos, 4'h0}) : (fs == F_IND) ? ind_addr : u_driver;
  dma$rd_req_length = (fs == F_FETCH) ? {8'h0, batch, 4'h0} : (fs == F_IND) ? {8'h0, ind_chunk, 4'h0} : 16'd4;
  dma$rd_ready = 1'b1;
  dma$wr_req_valid = ((us == U_W1) & w1_ok) | (us == U_W2) | (us == U_W3);
  dma$wr_req_function = @FN@;
  dma$wr_req_address = (us == U_W1) ? u_len_addr : (us == U_W3) ? g_addr : u_flags_addr;
  dma$wr_req_length = (us == U_W1) ? 16'd6 : 16'd2;
  dma$wr_valid = (us == U_D1) | (us == U_D2) | (us == U_D3);
  // {len, id} first; then the flags: AVAIL = USED = the used wrap counter, WRITE iff written
  dma$wr_data = (us == U_D1) ? {16'h0, u_id, u_len} :
                (us == U_D3) ? {48'h0, g_wrap, 7'h0, g_wrap, 5'h0, g_w, 1'b0} :
                {48'h0, u_wrap, 7'h0, u_wrap, 5'h0, (u_len != 32'h0), 1'b0};
end
always @(posedge clock) begin
  if (reset | ~running) begin
    rd_busy <= 1'b0;
    rd_owner <= 1'b0;
  end else if (dma$rd_req_valid & dma$rd_req_ready) begin
    rd_busy <= 1'b1;
    rd_owner <= ~f_req;
  end else if (rd_beat & dma$rd_last) rd_busy <= 1'b0;
end

// ---- per-queue state
always @(posedge clock) begin
  was_running <= ~reset & running;
  qr_seen <= ~reset & queue_resetting;
  if (queue_resetting) qr_index <= queue_reset_index;
  if (reset | ~running) begin
    for (i = 0; i < N; i = i + 1) begin avail_pos[i] <= 16'h0; used_pos[i] <= 16'h0; end
    avail_wrap <= 16'hffff;
    used_wrap <= 16'hffff;
    kick <= 16'h0;
    en_seen <= 16'h0;
  end else begin
    en_seen <= q_enables;
    for (i = 0; i < N; i = i + 1) begin
      if (qr_done & (qr_index == i[15:0])) begin
        avail_pos[i] <= 16'h0; used_pos[i] <= 16'h0; avail_wrap[i] <= 1'b1; used_wrap[i] <= 1'b1; kick[i] <= 1'b0;
      end else begin
        // a scan is pending after DRIVER_OK, a queue enable, a notification (a hint, PQ-22),
        // or a scan that stopped before finding the ring empty; it is consumed when one starts
        if ((running & ~was_running) | (q_enables[i] & ~en_seen[i]) | (notify_valid & (notify_queue == i[15:0])) | ((fs == F_SAVE) & f_more & (fq == i[3:0])))
          kick[i] <= 1'b1;
        else if ((fs == F_CFG2) & (fq == i[3:0]))
          kick[i] <= 1'b0;
        if ((fs == F_SAVE) & (fq == i[3:0])) begin
          avail_pos[i] <= f_pos;
          avail_wrap[i] <= f_wrap;
        end
        if ((us == U_WAIT) & u_written & (uq == i[3:0])) begin
          used_pos[i] <= u_next;
          if (u_wraps) used_wrap[i] <= ~u_wrap;
        end
      end
    end
  end
end

// `idle` is a register (it ends a reset, a wide fan-out in the transport). Computed at edge t
// from the state at t, it must also hold at t + 1, when the transport acts on it: so it
// excludes what would leave the idle state at that edge (a scan starting, a completion taken;
// a read or a FIFO write needs a busy state first).
reg idle_r;
initial idle_r = 1'b0;
always @(posedge clock) begin
  idle_r <= ~reset & ((fs == F_IDLE) | (fs == F_ERR)) & ~scan_start & ~rd_busy & ~sp_v & ~sp_commit & (bf_count == 5'h0) & (us == U_IDLE) & ~done_valid & device_idle & (~in_chain | resetting | fq_resetting | (fs == F_ERR));
end
always @(*) begin
  qa_index = {12'h0, fq};
  qb_index = {12'h0, uq};
  idle = idle_r;
end
"#;
