// The body of NetRx's module (hdl/src/device/net/rx.rs has its ports and contract).
localparam AW = @AW@;
localparam [AW:0] DEPTH = @DEPTH@;
localparam [15:0] MAXF = 16'd@MAXF@;
localparam [19:0] WAIT = 20'd@WAIT@;
integer i;
// one variable per initial loop: yosys refuses an integer whose initial loops end on different values
integer ii1, ii2, ii3, ii4, ii5, ii6, ii7;

// ================= buffer cache: per receive queue k (queue 2k) =================
reg [95:0] sram [0:1023];     // segments {len[31:0] (clamped to 65535), addr}, at {k, index}
// buffers {nseg[6:0], total[15:0], token[47:0]}, at {k, index}: block RAM (2 DP16KD); left to
// itself yosys makes it 288 DPR16X4, and logic cells, not block RAM, run out on the card
(* ram_style = "block" *)
reg [70:0] bram_ [0:255];
reg [8:0] s_w [0:3], s_r [0:3];
reg [6:0] b_w [0:3], b_r [0:3];
reg [23:0] bytes [0:3];       // writable bytes cached (clamped segment lengths)
reg [6:0] c_nseg;             // the buffer coming in: its segments so far
reg [23:0] c_total;
initial begin
  for (ii1 = 0; ii1 < 1024; ii1 = ii1 + 1) sram[ii1] = 96'h0;
  for (ii2 = 0; ii2 < 256; ii2 = ii2 + 1) bram_[ii2] = 71'h0;
  for (ii3 = 0; ii3 < 4; ii3 = ii3 + 1) begin s_w[ii3] = 9'h0; s_r[ii3] = 9'h0; b_w[ii3] = 7'h0; b_r[ii3] = 7'h0; bytes[ii3] = 24'h0; end
  c_nseg = 7'h0; c_total = 24'h0;
end
wire [1:0] sk = seg_queue[2:1];
wire [31:0] s_len = (seg_len > 32'd65535) ? 32'd65535 : seg_len;
wire [23:0] b_total = c_total + ((seg_write) ? s_len[23:0] : 24'h0);
wire [15:0] b_sat = b_total[15:0] | {16{b_total[23:16] != 8'h0}};
// the mux hands over receive queues only: even, below 8
wire unused_q = &{1'b0, seg_queue[15:3], seg_queue[0]};
wire seg_take = seg_valid & seg_ready;
// flushes: a device reset forgets every queue's buffers, a queue reset its queue's
wire [1:0] qr_k = queue_reset_index[2:1];
wire qr_rx = queue_resetting & ~queue_reset_index[0] & (queue_reset_index < 16'd8);
// room for one more segment and buffer in each queue's cache, registered with a margin of one
// (the state it was made from is a cycle old, and at most one came in since)
reg [3:0] roomq;
initial roomq = 4'h0;
// a buffer's bytes reach `bytes` a cycle after it is cached (the sum was on the intake path)
reg a_en;
reg [1:0] a_k;
reg [15:0] a_val;
initial begin a_en = 1'b0; a_k = 2'h0; a_val = 16'h0; end
reg [3:0] wantq;
always @(*) for (i = 0; i < 4; i = i + 1)
  wantq[i] = ((9'd256 - (s_w[i] - s_r[i])) >= 9'd196) & ((7'd64 - (b_w[i] - b_r[i])) >= 7'd26);

// ================= frame intake =================
reg [447:0] cap;               // frame bytes 8..63 (byte b in bits 8(b-8)+7:8(b-8))
initial cap = 448'h0;
localparam HS_IDLE = 3'd0, HS_LOAD = 3'd1, HS_RUN = 3'd2, HS_PUSH = 3'd3, HS_PICK = 3'd4;
reg [2:0] hs;
initial hs = HS_IDLE;
// a frame may end while the hash stage is idle or handing its last result over
wire hs_free = (hs == HS_IDLE) | (hs == HS_PUSH);
// ---- receive checksum validation (GUEST_CSUM, NET-26): the ones' complement sum of the
// 16-bit words from the IP source address to the IP packet's end, summed as the frame streams
// in; the pseudo-header's protocol and length are added at the end (in the hash stage, two
// cycles after the frame's end, when the first 64 bytes are in `cap` and the sum is whole).
// TCP or UDP over IPv4 (IHL 5, not a fragment) or IPv6 (TCP or UDP the next header) only.
// Two steps a beat, for the clock: the beat's words are masked to the IP packet and
// registered (`cs_w`), then summed into `cs_acc` a cycle later.
reg [31:0] cs_acc;
reg [15:0] cs_end;             // frame offset of the IP packet's end
reg cs_cand;
reg [63:0] cs_w;               // the masked words of the last beat
reg cs_wv, cs_wf;              // cs_w holds a beat; it is the frame's first summed beat
initial begin cs_acc = 32'h0; cs_end = 16'h0; cs_cand = 1'b0; cs_w = 64'h0; cs_wv = 1'b0; cs_wf = 1'b0; end
// at beat 2 (bytes 16-23) the version, lengths and protocol are all known
wire cs_v4_now = (i_etype == 16'h0008) & (cap[55:52] == 4'd4);
wire cs_v6_now = (i_etype == 16'hdd86) & (cap[55:52] == 4'd6);
wire [15:0] cs_tot = {rxf_data[7:0], rxf_data[15:8]};        // IPv4 total length, bytes 16-17
wire [15:0] cs_pay = {rxf_data[23:16], rxf_data[31:24]};     // IPv6 payload length, 18-19
wire [7:0] cs_nh = rxf_data[39:32];                          // IPv6 next header, byte 20
wire cs_l4_4 = (rxf_data[63:56] == 8'd6) | (rxf_data[63:56] == 8'd17);
wire cs_frag = rxf_data[37] | (rxf_data[36:32] != 5'h0) | (rxf_data[47:40] != 8'h0);
wire [15:0] cs_end_now = cs_v6_now ? (16'd54 + cs_pay) : (16'd14 + cs_tot);
wire cs_cand_now = (cs_v4_now & (cap[55:48] == 8'h45) & ~cs_frag & cs_l4_4 & (cs_tot >= 16'd28)) |
                   (cs_v6_now & ((cs_nh == 8'd6) | (cs_nh == 8'd17)) & (cs_pay <= MAXF));   // no wrap of 54 + length
wire [15:0] cs_lo = cs_v6_now ? 16'd22 : 16'd26;
// beat 2 is masked at the start only: a candidate's end (42 or more) lies beyond it, and a
// frame that is no candidate has its sum ignored
wire [15:0] cs_e = (i_beat == 4'd2) ? 16'hffff : cs_end;
reg [63:0] cs_m;
reg [15:0] cs_o;
always @(*) begin
  cs_m = 64'h0;
  for (i = 0; i < 4; i = i + 1) begin
    cs_o = i_len + 16'd2 * i[15:0];       // the byte offset of word i in the frame
    if ((cs_o >= cs_lo) & (cs_o < cs_e))
      cs_m[16*i +: 16] = {rxf_data[16*i +: 8], (cs_o + 16'd1 == cs_e) ? 8'h00 : rxf_data[16*i+8 +: 8]};
  end
end
wire [17:0] cs_beat = ({2'b00, cs_w[15:0]} + {2'b00, cs_w[31:16]}) + ({2'b00, cs_w[47:32]} + {2'b00, cs_w[63:48]});
always @(posedge clock) begin
  cs_wv <= beat & in_frame & (i_beat >= 4'd2);
  cs_wf <= (i_beat == 4'd2);
  cs_w <= cs_m;
  if (cs_wv) cs_acc <= (cs_wf ? 32'h0 : cs_acc) + {14'h0, cs_beat};
end
reg [63:0] fram [0:DEPTH-1];
reg [AW:0] wp, wp_c, rp;
reg [15:0] meta [0:15];        // per frame: its length
reg [3:0] mq_w, mq_r;
reg [4:0] mq_n;
reg in_frame;                  // inside a frame (after its first beat)
reg i_over;
reg f_b, f_m, f_uc, f_mc;       // the destination (first beat): broadcast, multicast, in a unicast / multicast entry
reg [15:0] i_len;
reg [15:0] i_h;                // flow hash
reg [15:0] i_etype;
reg [7:0] i_proto;
reg [3:0] i_beat;              // beats seen (saturates)
reg [31:0] n_frames, n_filter, n_nobuf, n_size;
initial begin
  for (ii4 = 0; ii4 < DEPTH; ii4 = ii4 + 1) fram[ii4] = 64'h0;
  for (ii5 = 0; ii5 < 16; ii5 = ii5 + 1) meta[ii5] = 16'h0;
  wp = 0; wp_c = 0; rp = 0; mq_w = 4'h0; mq_r = 4'h0; mq_n = 5'h0;
  in_frame = 1'b0; f_b = 1'b0; f_m = 1'b0; f_uc = 1'b0; f_mc = 1'b0; i_over = 1'b0; i_len = 16'h0; i_h = 16'h0; i_etype = 16'h0;
  i_proto = 8'h0; i_beat = 4'h0; n_frames = 32'h0; n_filter = 32'h0; n_nobuf = 32'h0; n_size = 32'h0;
end
// the filter, on the first beat (destination in bytes 0-5)
wire [47:0] dst = rxf_data[47:0];
wire is_b = (dst == 48'hffffffffffff);
wire is_m = dst[0] & ~is_b;
reg in_uc, in_mc;
always @(*) begin
  in_uc = 1'b0; in_mc = 1'b0;
  for (i = 0; i < 8; i = i + 1) begin
    if ((i[3:0] < uc_n) & (uc_tab[48*i +: 48] == dst)) in_uc = 1'b1;
    if ((i[3:0] < mc_n) & (mc_tab[48*i +: 48] == dst)) in_mc = 1'b1;
  end
end
// the filter's matches are registered on the first beat and the verdict given at the frame's
// end (from registers: the compares fed the frame-end decision, a critical path); a frame of
// one beat is shorter than a header and dropped for its size whatever its address
wire i_pass = promisc | (f_b ? ~nobcast :
                         f_m ? (~nomulti & (allmulti | multi_over | f_mc)) :
                               (~nouni & (alluni | uni_over | f_uc)));
wire [AW:0] in_used = wp - rp;
// full, from a register: a cycle old and one word early (a beat adds at most one word a
// cycle, so `used >= DEPTH - 1` a cycle ago covers `used == DEPTH` now; the FIFO holds
// DEPTH - 1 words). Timing: the subtract and compare from the delivery side's pointer fed
// the frame-end decision and its wide fan-out, the card's critical path at 105.5 MHz.
reg in_full;
initial in_full = 1'b0;
always @(posedge clock) in_full <= (in_used >= DEPTH - 1);
wire beat = rxf_valid;                      // rxf_ready is always high
wire [15:0] len_next = (in_frame ? i_len : 16'h0) + {12'h0, rxf_bytes};
wire over_now = (in_frame & i_over) | in_full;
wire pass = ~in_frame | i_pass;
// the flow hash: IPv4 addresses, and ports for TCP and UDP (bytes 26-37, IHL 5 assumed: a
// frame with options still keeps one queue per flow)
wire ip4 = (i_etype == 16'h0008);           // 0x0800 as it sits in the word (byte 12 low)
wire l4 = (i_proto == 8'd6) | (i_proto == 8'd17);
wire [15:0] h3 = rxf_data[31:16] ^ rxf_data[47:32] ^ rxf_data[63:48];
wire [15:0] h4 = rxf_data[15:0] ^ (l4 ? (rxf_data[31:16] ^ rxf_data[47:32]) : 16'h0);
// mixed by a multiply (Fibonacci hashing), so flows differing in a few bits spread out
// (in the hash stage: the product is registered in HS_LOAD, the pick made in the first RUN
// cycle; i_h and i_etype hold the frame's values until its successor's second beat)
reg [15:0] h_mix;
reg h_long;                    // the frame reached beat 4: i_h covers addresses and ports
initial begin h_mix = 16'h0; h_long = 1'b0; end
wire [7:0] h8 = h_mix[15:8] ^ {h_mix[3:0], h_mix[7:4]};
// one of `pairs` queues, evenly: floor(h8 * pairs / 256)
wire [1:0] k_pick = (pairs == 3'd2) ? {1'b0, h8[7]} :
                    (pairs == 3'd3) ? ((h8 < 8'd86) ? 2'd0 : (h8 < 8'd171) ? 2'd1 : 2'd2) :
                    (pairs == 3'd4) ? h8[7:6] : 2'd0;
wire in_end = beat & rxf_last;
// the length checks of a frame's last beat from registers made on the beat before it (a
// kept frame has at least two): the bytes it may still add within MAXF (at most 8 matter),
// and the bytes it still lacks to reach 14. Timing: the 16-bit length adder and its two
// compares fed `keep` and its wide fan-out.
reg [3:0] i_room;
reg [3:0] i_need;
initial begin i_room = 4'd0; i_need = 4'd0; end
wire [15:0] room_next = MAXF - len_next;
always @(posedge clock) if (beat) begin
  i_room <= (len_next > MAXF) ? 4'd0 : (room_next >= 16'd8) ? 4'd8 : room_next[3:0];
  i_need <= (len_next >= 16'd14) ? 4'd0 : (4'd14 - len_next[3:0]);
end
wire keep = in_frame & i_pass & ~over_now & (rxf_bytes <= i_room) & (rxf_bytes >= i_need) & (mq_n != 5'd16) & hs_free & ~rxf_err;
always @(posedge clock) begin
  if (reset) begin
    in_frame <= 1'b0;
    wp <= 0;
    wp_c <= 0;
    mq_w <= 4'h0;
    n_filter <= 32'h0;
    n_size <= 32'h0;
  end else if (beat) begin
    if (~in_full) begin
      fram[wp[AW-1:0]] <= rxf_data;
      wp <= wp + 1;
    end
    if (~in_frame) begin
      f_b <= is_b;
      f_m <= is_m;
      f_uc <= (dst == mac) | in_uc;
      f_mc <= in_mc;
      i_over <= in_full;
      i_len <= len_next;
      i_beat <= 4'd1;
      i_h <= 16'h0;
    end else begin
      if (in_full | (len_next > MAXF)) i_over <= 1'b1;
      i_len <= len_next;
      if (i_beat != 4'hf) i_beat <= i_beat + 4'd1;
      // the last frame's checksum state is read up to two cycles after its end (a short
      // frame never reaches beat 2, so its candidacy is cleared here)
      if (i_beat == 4'd1) begin i_etype <= rxf_data[47:32]; cs_cand <= 1'b0; end
      if (i_beat == 4'd2) i_proto <= rxf_data[63:56];
      if (i_beat == 4'd3) i_h <= h3;
      if (i_beat == 4'd4) i_h <= i_h ^ h4;
      if (i_beat <= 4'd7) cap[{i_beat[2:0] - 3'd1, 6'h0} +: 64] <= rxf_data;
      if (i_beat == 4'd2) begin
        cs_end <= cs_end_now;
        cs_cand <= cs_cand_now;
      end
    end
    in_frame <= ~rxf_last;
    if (rxf_last) begin
      if (keep) begin
        wp_c <= wp + {{AW{1'b0}}, ~in_full};
        meta[mq_w] <= len_next;
        mq_w <= mq_w + 4'd1;
      end else begin
        wp <= wp_c;
        if (~pass) n_filter <= n_filter + 32'd1;
        else n_size <= n_size + 32'd1;
      end
    end
  end
end
wire m_push = in_end & keep;

// ================= hash stage (RSS and hash reporting, NET-28, NET-29, NET-41) =================
// One frame at a time, in arrival order, a cycle after its end (its first 64 bytes are in
// `cap` by then): pick the hash input by the enabled types (section 8.4's ladders), run the
// Toeplitz hash a byte a cycle (8-36 cycles), choose the receive queue, and push {queue,
// hash, report type} for the delivery side, which takes it with the frame's meta entry.
// Without RSS or hash reporting the stage still runs (3 cycles), so results stay in order.
// At line rate a frame takes at least 84 cycles, more than the longest hash (40 cycles); a
// frame that ends while the stage is busy (only faster than line rate) is dropped and counted
// with the size drops.
wire [7:0] c12 = cap[8*4 +: 8], c13 = cap[8*5 +: 8], c14 = cap[8*6 +: 8];
wire [7:0] c20 = cap[8*12 +: 8], c21 = cap[8*13 +: 8], c23 = cap[8*15 +: 8];
wire [15:0] c_et = {c12, c13};
wire c_v4 = (c_et == 16'h0800) & (c14[7:4] == 4'd4);
wire c_v6 = (c_et == 16'h86dd) & (c14[7:4] == 4'd6);
wire c_frag = c20[5] | (c20[4:0] != 5'h0) | (c21 != 8'h0);
wire c_l4ok = c_v4 & (c14[3:0] == 4'd5) & ~c_frag;    // options or fragments: 2-tuple
reg [15:0] h_flen;
reg [1:0] h_kflow;
wire [5:0] ht = (rss_on | hash_report_on) ? hash_types : 6'h0;
wire t4_tcp = c_l4ok & (c23 == 8'd6) & ht[1] & (h_flen >= 16'd38);
wire t4_udp = c_l4ok & (c23 == 8'd17) & ht[2] & (h_flen >= 16'd38);
wire t4_ip = c_v4 & ht[0] & (h_flen >= 16'd34);
wire t6_tcp = c_v6 & (c20 == 8'd6) & ht[4] & (h_flen >= 16'd58);
wire t6_udp = c_v6 & (c20 == 8'd17) & ht[5] & (h_flen >= 16'd58);
wire t6_ip = c_v6 & ht[3] & (h_flen >= 16'd54);
wire [3:0] c_rep = t4_tcp ? 4'd2 : t4_udp ? 4'd3 : t4_ip ? 4'd1 :
                   t6_tcp ? 4'd5 : t6_udp ? 4'd6 : t6_ip ? 4'd4 : 4'd0;
wire [5:0] c_n = ((c_rep == 4'd2) | (c_rep == 4'd3)) ? 6'd12 : (c_rep == 4'd1) ? 6'd8 :
                 ((c_rep == 4'd5) | (c_rep == 4'd6)) ? 6'd36 : (c_rep == 4'd4) ? 6'd32 : 6'd0;
// the input string, first byte in the top bits: IPv4 from byte 26, IPv6 from byte 22
reg [287:0] c_in;
always @(*) for (i = 0; i < 36; i = i + 1)
  c_in[287 - 8*i -: 8] = c_v6 ? cap[8*(22 + i - 8) +: 8] : cap[8*(26 + i - 8) +: 8];
// the checksum's end: the pseudo-header's protocol and L4 length added, folded, all ones
wire [15:0] cs_l4len = c_v6 ? (cs_end - 16'd54) : (cs_end - 16'd34);
wire [7:0] cs_prot = c_v6 ? c20 : c23;
// the pseudo-header's part and the checks on the frame are registered in HS_LOAD, the sum's
// fold and verdict made in the first RUN cycle
reg [16:0] cs_x;
reg cs_pre;
initial begin cs_x = 17'h0; cs_pre = 1'b0; end
wire [31:0] cs_all = cs_acc + {15'h0, cs_x};
wire [16:0] cs_f1 = {1'b0, cs_all[15:0]} + {1'b0, cs_all[31:16]};
wire [15:0] cs_f2 = cs_f1[15:0] + {15'h0, cs_f1[16]};
// UDP over IPv4 with checksum 0 carries none: not validated
wire cs_udp0 = c_v4 & (c23 == 8'd17) & (cap[8*32 +: 16] == 16'h0);
wire cs_ok = cs_pre & (cs_f2 == 16'hffff);
reg h_csok, h_cs1;             // the verdict; it is taken in the stage's first RUN cycle
initial begin h_csok = 1'b0; h_cs1 = 1'b0; end
reg [287:0] h_in;
reg [319:0] h_key;
reg [31:0] h_acc;
reg [5:0] h_n;
reg [3:0] h_rep;
initial begin h_flen = 16'h0; h_kflow = 2'h0; h_in = 288'h0; h_key = 320'h0; h_acc = 32'h0; h_n = 6'h0; h_rep = 4'h0; end
// one input byte: each of its bits set XORs in the 32 key bits starting at that bit
reg [31:0] h_x;
always @(*) begin
  h_x = 32'h0;
  for (i = 0; i < 8; i = i + 1)
    if (h_in[287 - i]) h_x = h_x ^ h_key[319 - i -: 32];
end
// the queue pick in two registered steps (for the clock: the hash through the indirection
// table, held in the control engine, into the result FIFO was the card's critical path): the
// table index when the hash is whole (RUN's last cycle), the entry in HS_PICK
reg [6:0] h_idx;
reg [1:0] h_qr;
initial begin h_idx = 7'h0; h_qr = 2'h0; end
wire [1:0] h_tab = rss_tab[{h_idx, 1'b0} +: 2];
wire [1:0] h_q = ~rss_on ? h_kflow : (h_rep == 4'd0) ? rss_uncl : h_tab;
reg [38:0] hq [0:15];          // {checksum valid, k[1:0], report[3:0], hash[31:0]}, in meta order
reg [3:0] hq_w, hq_r;
reg [4:0] hq_n;
initial begin for (ii6 = 0; ii6 < 16; ii6 = ii6 + 1) hq[ii6] = 39'h0; hq_w = 4'h0; hq_r = 4'h0; hq_n = 5'h0; end
wire h_push = (hs == HS_PUSH);
always @(posedge clock) begin
  if (reset) begin
    hs <= HS_IDLE;
    hq_w <= 4'h0;
  end else begin
    case (hs)
      HS_IDLE: ;
      HS_LOAD: begin
        h_in <= c_in;
        h_key <= hash_key;
        h_acc <= 32'h0;
        h_n <= c_n;
        h_rep <= c_rep;
        h_cs1 <= 1'b1;
        cs_x <= {1'b0, cs_l4len} + {9'h0, cs_prot};
        cs_pre <= cs_cand & (cs_end <= h_flen) & ~cs_udp0;
        h_mix <= (ip4 ? i_h : 16'h0) * 16'h9e37;
        hs <= HS_RUN;
      end
      HS_RUN: begin
        // the sum of the frame's last beat reaches cs_acc two cycles after the frame's end
        if (h_cs1) begin
          h_csok <= cs_ok;
          h_kflow <= h_long ? k_pick : 2'd0;
        end
        h_cs1 <= 1'b0;
        if (h_n == 6'h0) begin
          h_idx <= h_acc[6:0] & rss_mask;
          hs <= HS_PICK;
        end else begin
          h_acc <= h_acc ^ h_x;
          h_in <= {h_in[279:0], 8'h0};
          h_key <= {h_key[311:0], 8'h0};
          h_n <= h_n - 6'd1;
        end
      end
      HS_PICK: begin
        h_qr <= h_q;
        hs <= HS_PUSH;
      end
      default: begin
        hq[hq_w] <= {h_csok, h_qr, h_rep, h_acc};
        hq_w <= hq_w + 4'd1;
        hs <= HS_IDLE;
      end
    endcase
    if (m_push) begin
      h_flen <= len_next;
      h_long <= (i_beat >= 4'd4);
      hs <= HS_LOAD;
    end
  end
end

// ================= delivery =================
localparam D_IDLE = 4'd0, D_WAIT = 4'd1, D_HEAD = 4'd2, D_DECIDE = 4'd3, D_PLAN = 4'd4,
           D_PLAN2 = 4'd5, D_WRITE = 4'd6, D_WAITW = 4'd7, D_DONE = 4'd8, D_SKIP = 4'd9,
           D_DISCARD = 4'd10, D_RELEASE = 4'd11, D_FLUSH = 4'd12, D_PLAN3 = 4'd13;
reg [3:0] ds;
reg [1:0] dk;
reg [15:0] dtotal;             // header + frame
reg [12:0] dfw;                // frame words
reg [19:0] dwait;
reg hdr20;
reg [6:0] pn;                  // buffers planned
reg [6:0] pj;                  // buffer being planned / completed
reg [15:0] pacc;               // bytes placed so far
reg [8:0] psegs;               // their segments
reg [23:0] pbytes;             // their (clamped) sizes
reg [47:0] pt [0:63];
reg [15:0] pl [0:63];
reg [70:0] bent;               // buffer entry read (registered)
reg d_err;
reg nr;
reg idle_r;
initial begin
  ds = D_IDLE; dk = 2'd0; dtotal = 16'h0; dfw = 13'h0; dwait = 20'h0; hdr20 = 1'b0;
  pn = 7'h0; pj = 7'h0; pacc = 16'h0; psegs = 9'h0; pbytes = 24'h0; bent = 71'h0; d_err = 1'b0;
  nr = 1'b0; idle_r = 1'b0;
  for (ii7 = 0; ii7 < 64; ii7 = ii7 + 1) begin pt[ii7] = 48'h0; pl[ii7] = 16'h0; end
end
wire [15:0] mh = meta[mq_r];
wire [38:0] hh = hq[hq_r];
reg [31:0] d_hash;
reg [3:0] d_rep;
reg d_valid;                   // DATA_VALID in the header's flags
initial begin d_hash = 32'h0; d_rep = 4'h0; d_valid = 1'b0; end
wire [15:0] hdr_len = hash_report_on ? 16'd20 : 16'd12;
wire [6:0] d_bufs = b_w[dk] - b_r[dk];
// the buffer cache's one read port (block RAM): the head buffer when one is waiting in
// D_WAIT, buffer pj of the plan in D_PLAN
// (`w_skip`: D_WAIT gives up on this frame: a reset, or no buffer came in time)
wire w_skip = resetting | (qr_rx & (qr_k == dk)) | (dwait == WAIT);
wire b_re = ((ds == D_WAIT) & ~w_skip & (d_bufs != 7'h0)) | (ds == D_PLAN);
wire [5:0] b_off = (ds == D_PLAN) ? pj[5:0] : 6'h0;
always @(posedge clock) if (b_re) bent <= bram_[{dk, b_r[dk][5:0] + b_off}];
wire [47:0] bent_token = bent[47:0];
wire [15:0] bent_total = bent[63:48];
wire [6:0] bent_nseg = bent[70:64];
wire [15:0] p_room = dtotal - pacc;
wire [15:0] p_len = (bent_total < p_room) ? bent_total : p_room;
// a flush may run when no frame is being written
wire flushing = resetting | qr_rx;
// bytes of buffers given back this cycle
wire [23:0] rel_bytes = (ds == D_RELEASE) ? pbytes : ((ds == D_DISCARD) & done_ready) ? {8'h0, bent_total} : 24'h0;
// planning takes three steps a buffer (read its entry, clamp its size, place it): the block
// RAM's output through the clamp and the sum into the writer's job start was a critical path
reg [15:0] q_len;              // the planned buffer's bytes (registered p_len)
reg job_r;                     // the writer's job starts (a cycle after the plan ends)
initial begin q_len = 16'h0; job_r = 1'b0; end
wire plan_end = (pacc + q_len >= dtotal) | ~mrg_on;

// ---- frame words from the FIFO into a one-word prefetch (registered read)
reg f_v;
reg [63:0] f_d;
reg [12:0] f_rd;               // words of this frame read
initial begin f_v = 1'b0; f_d = 64'h0; f_rd = 13'h0; end
wire f_pull;
wire f_fetch = (ds == D_WRITE) & (f_rd < dfw) & (~f_v | f_pull);

// ---- source words: header, then the frame shifted by 4 bytes. Which kind of word `g_k` is
// (header, the word shared by header and frame, frame, the tail) is kept in registers, worked
// out for g_k + 1 ahead of each pull: the compares on g_k fed the writer's pull and packer,
// the receive path's critical path.
reg [12:0] g_k;                // source word index
reg [31:0] prev_hi;
reg g_k0, g_hdr, g_mixw, g_body;   // g_k == 0; g_k < g_mix; g_k == g_mix; g_k - g_mix < dfw
initial begin g_k = 13'h0; prev_hi = 32'h0; g_k0 = 1'b0; g_hdr = 1'b0; g_mixw = 1'b0; g_body = 1'b0; end
wire [12:0] g_mix = hdr20 ? 13'd2 : 13'd1;   // header and frame share this word
wire [12:0] g_k1 = g_k + 13'd1;
wire g_hdr_n = g_k1 < g_mix;
wire g_mixw_n = g_k1 == g_mix;
wire g_body_n = (g_k1 - g_mix) < dfw;
wire [15:0] nb16 = {9'h0, pn};
reg sw_valid;
reg [63:0] sw_data;
reg sw_frame;                  // the word takes a frame word
always @(*) begin
  sw_frame = 1'b0;
  if (g_hdr) begin
    sw_valid = 1'b1;
    // word 0: flags (DATA_VALID is bit 1), gso NONE; word 1 of a 20-byte header: the hash
    sw_data = g_k0 ? {62'h0, d_valid, 1'b0} : {d_hash, nb16, 16'h0};
  end else if (g_mixw) begin
    sw_valid = f_v;
    sw_frame = 1'b1;
    sw_data = {f_d[31:0], hdr20 ? {16'h0, 12'h0, d_rep} : {nb16, 16'h0}};
  end else if (g_body) begin
    sw_valid = f_v;
    sw_frame = 1'b1;
    sw_data = {f_d[31:0], prev_hi};
  end else begin
    sw_valid = 1'b1;
    sw_data = {32'h0, prev_hi};
  end
end

// ---- the writer (SegmentWriter): the source words into the segments from s_r[dk], `dtotal`
// bytes; its segment lookup reads the ring (registered: block RAM)
reg [95:0] w_ent;
reg [6:0] w_out;             // writes asked for and not yet done
initial begin w_ent = 96'h0; w_out = 7'h0; end
always @(posedge clock) w_ent <= sram[{dk, wtr$ent_index[7:0]}];
// the ring index wraps at 256
wire unused_idx = &{1'b0, wtr$ent_index[8]};
wire pull = wtr$src_pull;
assign f_pull = pull & sw_frame;
always @(posedge clock) begin
  if (reset) w_out <= 7'h0;
  else w_out <= w_out + {6'h0, wr_take} - {6'h0, wr_done};
end

// ---- the delivery sequence
wire enough = mrg_on ? ({8'h0, dtotal} <= bytes[dk]) : 1'b1;
always @(posedge clock) begin
  if (reset) begin
    ds <= D_IDLE;
    rp <= 0;
    mq_r <= 4'h0;
    mq_n <= 5'h0;
    hq_r <= 4'h0;
    hq_n <= 5'h0;
    f_v <= 1'b0;
    nr <= 1'b0;
    job_r <= 1'b0;
    a_en <= 1'b0;
    roomq <= 4'hf;
    idle_r <= 1'b0;
    n_frames <= 32'h0;
    n_nobuf <= 32'h0;
    c_nseg <= 7'h0;
    c_total <= 24'h0;
    for (i = 0; i < 4; i = i + 1) begin s_w[i] <= 9'h0; s_r[i] <= 9'h0; b_w[i] <= 7'h0; b_r[i] <= 7'h0; bytes[i] <= 24'h0; end
  end else begin
    nr <= 1'b0;
    job_r <= (ds == D_PLAN3) & plan_end;
    // buffers coming in
    if (seg_take) begin
      if (seg_write) begin
        sram[{sk, s_w[sk][7:0]}] <= {s_len, seg_addr};
        s_w[sk] <= s_w[sk] + 9'd1;
      end
      if (seg_last) begin
        bram_[{sk, b_w[sk][5:0]}] <= {c_nseg + {6'h0, seg_write}, b_sat, seg_token};
        b_w[sk] <= b_w[sk] + 7'd1;
        c_nseg <= 7'h0;
        c_total <= 24'h0;
      end else begin
        c_nseg <= c_nseg + {6'h0, seg_write};
        c_total <= b_total;
      end
    end
    // frame words for the writer
    if (f_fetch) begin
      f_d <= fram[rp[AW-1:0]];
      rp <= rp + 1;
      f_rd <= f_rd + 13'd1;
      f_v <= 1'b1;
    end else if (f_pull) f_v <= 1'b0;
    if (pull) begin
      g_k <= g_k1;
      g_k0 <= 1'b0;
      g_hdr <= g_hdr_n;
      g_mixw <= g_mixw_n;
      g_body <= g_body_n;
      if (sw_frame) prev_hi <= f_d[63:32];
    end
    if ((wr_done & wr_error)) d_err <= 1'b1;
    case (ds)
      D_IDLE: if (flushing) ds <= D_FLUSH;
      else if (hq_n != 5'h0) begin
        dk <= hh[37:36];
        d_rep <= hh[35:32];
        d_valid <= hh[38] & guest_csum_on;
        d_hash <= hh[31:0];
        dtotal <= mh[15:0] + hdr_len;
        dfw <= mh[15:3] + {12'h0, mh[2:0] != 3'h0};
        hdr20 <= hash_report_on;
        dwait <= 20'h0;
        ds <= D_WAIT;
      end
      D_FLUSH: begin
        for (i = 0; i < 4; i = i + 1)
          if (resetting | (qr_rx & (qr_k == i[1:0]))) begin
            s_r[i] <= s_w[i]; b_r[i] <= b_w[i];
          end
        ds <= D_IDLE;
      end
      // wait for buffers: the head buffer first (it may be useless), then enough of them
      D_WAIT: begin
        dwait <= dwait + 20'd1;
        if (w_skip) ds <= D_SKIP;
        else if (d_bufs != 7'h0) ds <= D_HEAD;   // bent read below (b_re)
      end
      D_HEAD: begin
        if (bent_total < hdr_len) ds <= D_DISCARD;
        else if (~mrg_on & (bent_total < dtotal)) ds <= D_SKIP;
        else if (enough) ds <= D_DECIDE;
        else ds <= D_WAIT;
      end
      D_DECIDE: begin
        pn <= 7'h0;
        pj <= 7'h0;
        pacc <= 16'h0;
        psegs <= 9'h0;
        pbytes <= 24'h0;
        d_err <= 1'b0;
        g_k <= 13'h0;
        g_k0 <= 1'b1;
        g_hdr <= 1'b1;          // g_mix is 1 or 2
        g_mixw <= 1'b0;
        g_body <= 1'b0;
        f_rd <= 13'h0;
        ds <= D_PLAN2;
      end
      // plan: bent holds buffer pj's entry
      D_PLAN: ds <= D_PLAN2;                  // bent read below (b_re)
      D_PLAN2: begin
        pt[pj[5:0]] <= bent_token;
        q_len <= p_len;
        psegs <= psegs + {2'h0, bent_nseg};
        pbytes <= pbytes + {8'h0, bent_total};
        ds <= D_PLAN3;
      end
      D_PLAN3: begin
        pl[pj[5:0]] <= q_len;
        pacc <= pacc + q_len;
        pj <= pj + 7'd1;
        if (plan_end) begin
          pn <= pj + 7'd1;
          ds <= D_WRITE;
        end else ds <= D_PLAN;
      end
      D_WRITE: if (wtr$idle & (f_rd == dfw) & ~f_v) ds <= D_WAITW;
      D_WAITW: if ((w_out == 7'h0) & ~wr_take) begin
        pj <= 7'h0;
        if (d_err) nr <= 1'b1;
        else n_frames <= n_frames + 32'd1;
        ds <= D_DONE;
      end
      D_DONE: if (done_ready) begin
        pj <= pj + 7'd1;
        if (pj + 7'd1 == pn) ds <= D_RELEASE;
      end
      D_RELEASE: begin
        b_r[dk] <= b_r[dk] + pn;
        s_r[dk] <= s_r[dk] + psegs;
        mq_r <= mq_r + 4'd1;
        hq_r <= hq_r + 4'd1;
        ds <= D_IDLE;
      end
      D_SKIP: begin
        rp <= rp + dfw[AW:0];
        mq_r <= mq_r + 4'd1;
        hq_r <= hq_r + 4'd1;
        n_nobuf <= n_nobuf + 32'd1;
        ds <= D_IDLE;
      end
      // a buffer too small for the header: completed empty
      D_DISCARD: if (done_ready) begin
        b_r[dk] <= b_r[dk] + 7'd1;
        s_r[dk] <= s_r[dk] + {2'h0, bent_nseg};
        ds <= D_WAIT;
      end
      default: ds <= D_IDLE;
    endcase
    // the cached byte count: each buffer taken adds, each released takes away, a flush clears
    for (i = 0; i < 4; i = i + 1)
      if ((ds == D_FLUSH) & (resetting | (qr_rx & (qr_k == i[1:0])))) bytes[i] <= 24'h0;
      else bytes[i] <= bytes[i] + (((a_k == i[1:0]) & a_en) ? {8'h0, a_val} : 24'h0)
                                - ((dk == i[1:0]) ? rel_bytes : 24'h0);
    a_en <= seg_take & seg_last;
    a_k <= sk;
    a_val <= b_sat;
    for (i = 0; i < 4; i = i + 1)
      roomq[i] <= ((s_w[i] - s_r[i]) <= 9'd254) & ((b_w[i] - b_r[i]) <= 7'd62);
    mq_n <= mq_n + {4'h0, m_push} - {4'h0, (ds == D_RELEASE) | (ds == D_SKIP)};
    hq_n <= hq_n + {4'h0, h_push} - {4'h0, (ds == D_RELEASE) | (ds == D_SKIP)};
    idle_r <= (ds == D_IDLE) & (b_w[0] == b_r[0]) & (b_w[1] == b_r[1]) &
              (b_w[2] == b_r[2]) & (b_w[3] == b_r[3]) & (c_nseg == 7'h0) & ~seg_valid;
  end
end

always @(*) begin
  seg_ready = roomq[sk] & (ds != D_FLUSH);
  want = {9'h1ff, wantq[3], 1'b1, wantq[2], 1'b1, wantq[1], 1'b1, wantq[0]};
  done_valid = (ds == D_DONE) | (ds == D_DISCARD);
  done_queue = {13'h0, dk, 1'b0};
  done_token = (ds == D_DISCARD) ? bent_token : pt[pj[5:0]];
  done_len = ((ds == D_DISCARD) | d_err) ? 32'h0 : {16'h0, pl[pj[5:0]]};
  done_more = (ds == D_DONE) & (pj + 7'd1 != pn);
  wtr$start = (ds == D_DECIDE);
  wtr$start_index = s_r[dk];
  wtr$job = job_r;
  wtr$job_len = {22'h0, dtotal};
  wtr$ent_addr = w_ent[63:0];
  wtr$ent_len = w_ent[95:64];
  wtr$src_valid = sw_valid;
  wtr$src_data = sw_data;
  rxf_ready = 1'b1;
  idle = idle_r;
  needs_reset = nr;
  frames = n_frames;
  drop_filter = n_filter;
  drop_nobuf = n_nobuf;
  drop_size = n_size;
end
