// The body of NetCtrl's module (hdl/src/device/net/ctrl.rs has its ports and contract).
localparam [2:0] MAXP = 3'd@MAXP@;
integer i;
integer j;
integer m;

// ---- the buffer: readable segments {len, addr}; the ack byte's address. A segment's length
// is kept up to 512 (the reader never reads more than 512 bytes of a command, so a longer
// segment is walked the same). Block RAM (3 DP16KD) rather than 76 DPR16X4: on the board's
// card logic cells are what runs out, not block RAM (docs/PERFORMANCE.md).
// no_rw_check: it is written only while collecting and read only while the reader walks.
(* ram_style = "block", no_rw_check *)
reg [73:0] tbl [0:63];
reg [6:0] n_segs;
// The readable length: modulo 1024, and whether it reached 1024. Every command is at most
// 512 bytes long, so nothing beyond that is ever compared.
reg [9:0] r_tot;
reg r_big;
reg bad;                     // more than 64 readable segments
reg has_ack;
reg [63:0] ack_addr;         // the first byte of the first non-empty writable segment
reg [15:0] b_queue;
reg [47:0] b_token;
initial begin
  for (i = 0; i < 64; i = i + 1) tbl[i] = 74'h0;
  n_segs = 7'h0; r_tot = 10'h0; r_big = 1'b0; bad = 1'b0; has_ack = 1'b0; ack_addr = 64'h0; b_queue = 16'h0; b_token = 48'h0;
end
wire [10:0] tot_sum = {1'b0, r_tot} + {1'b0, seg_len[9:0]};
wire len_le512 = ~r_big & (~r_tot[9] | (r_tot[8:0] == 9'h0));
wire len_lt2 = ~r_big & (r_tot[9:1] == 9'h0);
wire [9:0] seg_len512 = ((seg_len[31:10] != 22'h0) | (seg_len[9] & (seg_len[8:0] != 9'h0))) ? 10'd512 : seg_len[9:0];

localparam M_COLLECT = 5'd0, M_CHECK = 5'd1, M_READ = 5'd2, M_SETTLE = 5'd3, M_EXEC = 5'd4,
           M_SEEK = 5'd5, M_TAB_N = 5'd6, M_TAB = 5'd7, M_TABC = 5'd8, M_TAB2 = 5'd9,
           M_RSS_H = 5'd10, M_RSS = 5'd11, M_RSS_T = 5'd12, M_RSS_K = 5'd13, M_RSS_C = 5'd14,
           M_ACK = 5'd15, M_ACK_D = 5'd16, M_WAITW = 5'd17, M_DONE = 5'd18, M_FAULT = 5'd19,
           M_TAB0 = 5'd20;
reg [4:0] ms;
// the command's first 512 readable bytes; block RAM as the table above (2 DP16KD rather than
// 64 DPR16X4); written only in M_READ, read only after it
(* ram_style = "block", no_rw_check *)
reg [63:0] cb [0:63];
reg [6:0] sk;                // words stored
reg [63:0] w0;               // word 0 (class, command, the short commands' data), kept aside
reg [15:0] c_uncl;           // bytes 8-9: RSS_CONFIG's unclassified_queue
reg [7:0] ack;
reg faulted;
reg dma_err;
reg nr;
reg idle_r;
initial begin
  for (m = 0; m < 64; m = m + 1) cb[m] = 64'h0;
  ms = M_COLLECT; sk = 7'h0; w0 = 64'h0; c_uncl = 16'h0; ack = 8'h0; faulted = 1'b0; dma_err = 1'b0; nr = 1'b0; idle_r = 1'b0;
end

// ---- the command's bytes, one a cycle: rb is byte p of a cycle earlier (a registered word
// read, then the byte picked). A walk sets p to its first byte, spends one cycle in M_SEEK
// (p moves on), then takes rb and moves p every cycle.
reg [8:0] p;
reg [63:0] cb_q;
reg [2:0] p_lo;
reg [39:0] acc;              // the bytes taken, the latest in bits 39:32
reg [2:0] bc;                // bytes taken of the current field
reg [4:0] ret;               // where M_SEEK goes
initial begin p = 9'h0; cb_q = 64'h0; p_lo = 3'h0; acc = 40'h0; bc = 3'h0; ret = M_COLLECT; end
always @(posedge clock) begin
  cb_q <= cb[p[8:3]];
  p_lo <= p[2:0];
end
wire [7:0] rb = cb_q[{p_lo, 3'b000} +: 8];
wire [39:0] acc_in = {rb, acc[39:8]};

// ---- the segment table lookup for the reader (registered, as SegmentReader expects)
reg [73:0] r_ent;
initial r_ent = 74'h0;
always @(posedge clock) r_ent <= tbl[rdr$ent_index[5:0]];
// the table has 64 entries
wire unused_idx = &{1'b0, rdr$ent_index[8:6]};
wire rw_take = rdr$out_valid & (ms == M_READ);
wire [63:0] ro_d = rdr$out_data;
wire r_go = (ms == M_CHECK) & has_ack & ~bad & ~len_lt2;

// ---- the filter and steering state (NET-33: the tables are empty after a reset)
reg r_promisc, r_allmulti, r_alluni, r_nomulti, r_nouni, r_nobcast, r_uover, r_mover;
reg [3:0] r_ucn, r_mcn;
reg [383:0] r_uct, r_mct;
reg [2:0] r_pairs;
// RSS and hash reporting (NET-41..43): all hash types off after a reset
reg r_rss;                   // RSS steering (the latest MQ-class command was RSS_CONFIG)
reg [5:0] r_htypes;
reg [319:0] r_key;           // key byte 0 in bits 319:312
reg [255:0] r_tab;           // 128 entries of 2 bits
reg [6:0] r_mask;
reg [1:0] r_uncl;
// staging: nothing changes until the whole command checked. Both are shift registers: the
// key shifts left a byte at a time (40 steps, zeros past the key's length), the table
// rotates right an entry at a time (128 steps: entry k is at the bottom at step k and is
// replaced there by the command's entry k when k <= mask, kept otherwise)
reg [319:0] s_key;
reg [255:0] s_tab;
reg s_ok;
reg s_hmode;                 // 1: HASH_CONFIG
reg [5:0] s_kl;
reg [5:0] k_i;
reg [6:0] r_ti;
initial begin
  r_rss = 1'b0; r_htypes = 6'h0; r_key = 320'h0; r_tab = 256'h0; r_mask = 7'h0; r_uncl = 2'h0;
  s_key = 320'h0; s_tab = 256'h0; s_ok = 1'b0; s_hmode = 1'b0; s_kl = 6'h0; k_i = 6'h0; r_ti = 7'h0;
end
reg ms_pulse, an_pulse;
reg [47:0] ms_val;
initial begin
  r_promisc = 1'b1; r_allmulti = 1'b0; r_alluni = 1'b0; r_nomulti = 1'b0; r_nouni = 1'b0; r_nobcast = 1'b0;
  r_uover = 1'b0; r_mover = 1'b0; r_ucn = 4'h0; r_mcn = 4'h0; r_uct = 384'h0; r_mct = 384'h0;
  r_pairs = 3'd1; ms_pulse = 1'b0; an_pulse = 1'b0; ms_val = 48'h0;
end

// the command's fields
wire [7:0] cls = w0[7:0];
wire [7:0] cmd = w0[15:8];
wire [7:0] arg8 = w0[23:16];
wire [15:0] arg16 = w0[31:16];
wire [31:0] n_uc = w0[47:16];
wire [47:0] arg_mac = w0[63:16];
wire len3 = ~r_big & (r_tot == 10'd3);
wire len8 = ~r_big & (r_tot == 10'd8);
wire len2 = ~r_big & (r_tot == 10'd2);
wire len4 = ~r_big & (r_tot == 10'd4);
// MAC_TABLE_SET: le32 n_uc, n_uc x 6 bytes, le32 n_mc, n_mc x 6 bytes, at most 512 bytes, so
// a count of 128 or more never fits (the offsets below are exact for counts below 128)
wire [9:0] uc_end = 10'd6 + {1'b0, n_uc[6:0], 2'b00} + {2'b00, n_uc[6:0], 1'b0};
wire [9:0] mc_start = uc_end + 10'd4;
wire [31:0] n_mc = acc[39:8];          // after the four bytes at uc_end
wire [10:0] mc_end = {1'b0, mc_start} + {2'b00, n_mc[6:0], 2'b00} + {3'b000, n_mc[6:0], 1'b0};
wire mc_fits = (n_mc[31:7] == 25'h0) & (mc_end == {1'b0, r_tot});
reg [3:0] t_i;               // entries stored of the current class
reg t_mc;                    // 0 unicast, 1 multicast
initial begin t_i = 4'h0; t_mc = 1'b0; end
wire [3:0] t_cnt = t_mc ? r_mcn : r_ucn;
wire uc_over = (n_uc[31:4] != 28'h0) | (n_uc[3] & (n_uc[2:0] != 3'h0));   // more than 8
wire mc_over = (n_mc[31:4] != 28'h0) | (n_mc[3] & (n_mc[2:0] != 3'h0));
// registered every cycle; M_TAB0 lets them settle after the count is read (they fed M_TAB's
// choices, a critical path)
reg mc_fits_r, uc_over_r, mc_over_r;
initial begin mc_fits_r = 1'b0; uc_over_r = 1'b0; mc_over_r = 1'b0; end
always @(posedge clock) begin
  mc_fits_r <= mc_fits;
  uc_over_r <= uc_over;
  mc_over_r <= mc_over;
end
wire rx_cmd_ok = (cls == 8'd0) & len3 &
                 (((cmd[7:1] == 7'h0) & ctrl_rx_on) |
                  ((cmd[7:3] == 5'h0) & (cmd[2:1] != 2'b00) & (cmd[2:1] != 2'b11) & rx_extra_on));
wire addr_ok = (cls == 8'd1) & (cmd == 8'd1) & len8 & (ctrl_rx_on | mac_addr_on);
wire table_go = (cls == 8'd1) & (cmd == 8'd0) & ctrl_rx_on & len_le512 & (n_uc[31:7] == 25'h0) &
                (mc_start <= r_tot);
wire ann_ok = (cls == 8'd3) & (cmd == 8'd0) & len2 & announce_on;
// 16-bit fields against 1..MAXP (MAXP <= 4)
wire pairs_ok = (cls == 8'd4) & (cmd == 8'd0) & len4 & mq_on & (arg16[15:3] == 13'h0) &
                (arg16[2:0] != 3'h0) & (arg16[2:0] <= MAXP);
// RSS_CONFIG: le32 hash_types, le16 mask, le16 unclassified, le16 table[mask+1], le16
// max_tx_vq, u8 key_length, key (bytes 2.. of the command); HASH_CONFIG: le32 hash_types,
// 8 reserved bytes, u8 key_length, key. Both end exactly at the key's end.
wire [15:0] c_mask = w0[63:48];
wire mask_ok = (c_mask[15:7] == 9'h0) & ((c_mask[6:0] & (c_mask[6:0] + 7'd1)) == 7'h0);
wire [8:0] tab_end = 9'd12 + {1'b0, c_mask[6:0], 1'b0};       // 10 + 2T
wire rss_go = (cls == 8'd4) & (cmd == 8'd1) & rss_feat_on & len_le512 & mask_ok;
wire hcfg_go = (cls == 8'd4) & (cmd == 8'd2) & hash_report_on & len_le512;
// the command's decode registered every cycle: word 0 and the length are final in M_SETTLE, so
// M_EXEC reads its command's verdicts (the decode into M_EXEC's choices was a critical path)
reg e_rx, e_addr, e_table, e_ann, e_pairs, e_rss, e_hcfg;
reg [8:0] e_uc_end, e_tab_end;
initial begin
  e_rx = 1'b0; e_addr = 1'b0; e_table = 1'b0; e_ann = 1'b0; e_pairs = 1'b0; e_rss = 1'b0;
  e_hcfg = 1'b0; e_uc_end = 9'h0; e_tab_end = 9'h0;
end
always @(posedge clock) begin
  e_rx <= rx_cmd_ok; e_addr <= addr_ok; e_table <= table_go; e_ann <= ann_ok;
  e_pairs <= pairs_ok; e_rss <= rss_go; e_hcfg <= hcfg_go;
  e_uc_end <= uc_end[8:0]; e_tab_end <= tab_end;
end
// after the walk from tab_end (3 bytes) or 14 (1 byte): key_length in acc[39:32]
wire [7:0] kl = acc[39:32];
wire [15:0] max_tx = acc[31:16];
wire [9:0] rss_len = s_hmode ? (10'd15 + {2'b00, kl}) : ({1'b0, tab_end} + 10'd3 + {2'b00, kl});
wire rss_shape = (r_tot == rss_len) & (kl <= 8'd40) &
                 (s_hmode | ((c_uncl[15:3] == 13'h0) & (c_uncl[2:0] < MAXP) &
                             (max_tx[15:3] == 13'h0) & (max_tx[2:0] != 3'h0) & (max_tx[2:0] <= MAXP)));
wire [15:0] t_ent = acc_in[39:24];     // an indirection-table entry, on its second byte
wire t_read = (r_ti <= c_mask[6:0]);
wire t_step = ~t_read | bc[0];

// the ack write: one outstanding at most
reg [1:0] w_out;
initial w_out = 2'h0;
wire ack_take = (ms == M_ACK) & wr_req_ready;
always @(posedge clock) begin
  if (reset) w_out <= 2'h0;
  else w_out <= w_out + {1'b0, ack_take} - {1'b0, wr_done};
end

// The key and the table: a commit wins over a device reset in the same cycle, as for every
// register of the big block below; written as a clear that yields to the load, so the
// flip-flops' own reset and enable do it (no per-bit mux)
wire rss_commit = ~reset & (ms == M_RSS_C) & s_ok;
wire key_load = rss_commit;
wire tab_load = rss_commit & ~s_hmode;
always @(posedge clock) begin
  if ((reset | resetting) & ~key_load) r_key <= 320'h0;
  else if (key_load) r_key <= s_key;
  if ((reset | resetting) & ~tab_load) r_tab <= 256'h0;
  else if (tab_load) r_tab <= s_tab;
end

always @(posedge clock) begin
  ms_pulse <= 1'b0;
  an_pulse <= 1'b0;
  if (reset | resetting) begin
    r_promisc <= 1'b1; r_allmulti <= 1'b0; r_alluni <= 1'b0; r_nomulti <= 1'b0; r_nouni <= 1'b0;
    r_nobcast <= 1'b0; r_uover <= 1'b0; r_mover <= 1'b0; r_ucn <= 4'h0; r_mcn <= 4'h0;
    r_pairs <= 3'd1;
    r_rss <= 1'b0; r_htypes <= 6'h0; r_mask <= 7'h0; r_uncl <= 2'h0;
  end
  if (reset) begin
    ms <= M_COLLECT;
    n_segs <= 7'h0;
    r_tot <= 10'h0;
    r_big <= 1'b0;
    bad <= 1'b0;
    has_ack <= 1'b0;
    nr <= 1'b0;
    idle_r <= 1'b0;
  end else begin
    nr <= 1'b0;
    idle_r <= (ms == M_COLLECT) & (n_segs == 7'h0) & ~seg_valid;
    if (rdr$err) dma_err <= 1'b1;
    if (wr_done & wr_error) faulted <= 1'b1;
    if (rw_take) begin
      cb[sk[5:0]] <= ro_d;
      if (sk == 7'd0) w0 <= ro_d;
      if (sk == 7'd1) c_uncl <= ro_d[15:0];
      sk <= sk + 7'd1;
    end
    case (ms)
      M_COLLECT: if (seg_valid) begin
        if (~seg_write) begin
          if (n_segs[6]) bad <= 1'b1;
          else tbl[n_segs[5:0]] <= {seg_len512, seg_addr};
          n_segs <= n_segs + {6'h0, ~n_segs[6]};
          r_tot <= tot_sum[9:0];
          if (tot_sum[10] | (seg_len[31:10] != 22'h0)) r_big <= 1'b1;
        end else if (~has_ack & (seg_len != 32'h0)) begin
          has_ack <= 1'b1;
          ack_addr <= seg_addr;
        end
        b_queue <= seg_queue;
        b_token <= seg_token;
        if (seg_last) ms <= M_CHECK;
      end
      M_CHECK: begin
        sk <= 7'h0;
        dma_err <= 1'b0;
        ack <= 8'd1;
        if (~has_ack) ms <= M_FAULT;
        else if (bad | len_lt2) ms <= M_ACK;
        else ms <= M_READ;
      end
      M_READ: if (rdr$idle & ~rw_take) ms <= M_SETTLE;
      M_SETTLE: ms <= dma_err ? M_FAULT : M_EXEC;
      M_EXEC: begin
        ms <= M_ACK;
        ack <= 8'd0;
        if (e_rx) begin
          case (cmd[2:0])
            3'd0: r_promisc <= (arg8 != 8'h0);
            3'd1: r_allmulti <= (arg8 != 8'h0);
            3'd2: r_alluni <= (arg8 != 8'h0);
            3'd3: r_nomulti <= (arg8 != 8'h0);
            3'd4: r_nouni <= (arg8 != 8'h0);
            default: r_nobcast <= (arg8 != 8'h0);
          endcase
        end else if (e_addr) begin
          ms_pulse <= 1'b1;
          ms_val <= arg_mac;
        end else if (e_ann) an_pulse <= 1'b1;
        else if (e_pairs) begin
          r_pairs <= arg16[2:0];
          r_rss <= 1'b0;     // the latest MQ-class command decides the mode (NET-42)
        end else if (e_rss | e_hcfg) begin
          // key_length (and RSS_CONFIG's max_tx_vq before it) first
          s_hmode <= e_hcfg;
          p <= e_hcfg ? 9'd14 : e_tab_end;
          ret <= M_RSS_H;
          ms <= M_SEEK;
        end
        else if (e_table) begin
          // the multicast count first
          p <= e_uc_end;
          ret <= M_TAB_N;
          ms <= M_SEEK;
        end else ack <= 8'd1;
      end
      M_SEEK: begin
        p <= p + 9'd1;
        bc <= 3'h0;
        ms <= ret;
      end
      M_TAB_N: begin
        acc <= acc_in;
        p <= p + 9'd1;
        bc <= bc + 3'd1;
        if (bc == 3'd3) ms <= M_TAB0;
      end
      // the multicast count read; the whole shape checked before anything is changed
      // the shape's checks settle into registers
      M_TAB0: ms <= M_TAB;
      M_TAB: if (~mc_fits_r) begin
        ack <= 8'd1;
        ms <= M_ACK;
      end else begin
        ack <= 8'd0;
        p <= 9'd6;
        t_i <= 4'h0;
        t_mc <= 1'b0;
        r_ucn <= uc_over_r ? 4'd8 : n_uc[3:0];
        r_uover <= uc_over_r;
        r_mcn <= mc_over_r ? 4'd8 : n_mc[3:0];
        r_mover <= mc_over_r;
        ms <= M_TABC;
      end
      // per class the first (up to) 8 entries, from p; then the multicast class
      M_TABC: if (t_i >= t_cnt) begin
        if (t_mc) ms <= M_ACK;
        else begin
          t_mc <= 1'b1;
          t_i <= 4'h0;
          p <= mc_start[8:0];
        end
      end else begin
        ret <= M_TAB2;
        ms <= M_SEEK;
      end
      M_TAB2: begin
        acc <= acc_in;
        bc <= bc + 3'd1;
        if (bc == 3'd5) begin
          // p stays on the next entry's first byte for M_SEEK
          for (j = 0; j < 8; j = j + 1) if (t_i == j[3:0]) begin
            if (t_mc) r_mct[48*j +: 48] <= {rb, acc[39:0]};
            else r_uct[48*j +: 48] <= {rb, acc[39:0]};
          end
          t_i <= t_i + 4'd1;
          ms <= M_TABC;
        end else p <= p + 9'd1;
      end
      // RSS_CONFIG / HASH_CONFIG: the shape, then the table, then the key, then commit
      M_RSS_H: begin
        acc <= acc_in;
        p <= p + 9'd1;
        bc <= bc + 3'd1;
        if (s_hmode | (bc == 3'd2)) ms <= M_RSS;
      end
      M_RSS: if (~rss_shape) begin
        ack <= 8'd1;
        ms <= M_ACK;
      end else begin
        s_kl <= kl[5:0];
        s_ok <= 1'b1;
        k_i <= 6'h0;
        r_ti <= 7'h0;
        p <= s_hmode ? 9'd15 : 9'd10;
        ret <= s_hmode ? M_RSS_K : M_RSS_T;
        ms <= M_SEEK;
      end
      M_RSS_T: begin
        if (t_read) begin
          acc <= acc_in;
          p <= p + 9'd1;
          bc <= bc + 3'd1;
        end
        if (t_step) begin
          if (t_read & ((t_ent[15:3] != 13'h0) | (t_ent[2:0] >= MAXP))) s_ok <= 1'b0;
          s_tab <= {t_read ? t_ent[1:0] : s_tab[1:0], s_tab[255:2]};
          r_ti <= r_ti + 7'd1;
          if (r_ti == 7'd127) begin
            p <= tab_end + 9'd3;
            ret <= M_RSS_K;
            ms <= M_SEEK;
          end
        end
      end
      M_RSS_K: begin
        s_key <= {s_key[311:0], (k_i < s_kl) ? rb : 8'h0};
        k_i <= k_i + 6'd1;
        p <= p + 9'd1;
        if (k_i == 6'd39) ms <= M_RSS_C;
      end
      M_RSS_C: begin
        ms <= M_ACK;
        if (~s_ok) ack <= 8'd1;
        else begin
          r_htypes <= w0[21:16];
          // r_key (and r_tab for RSS_CONFIG) load in the block above
          // HASH_CONFIG is an MQ-class command too: it ends RSS steering (NET-42, as QEMU)
          if (s_hmode) r_rss <= 1'b0;
          else begin
            r_rss <= 1'b1;
            r_mask <= c_mask[6:0];
            r_uncl <= c_uncl[1:0];
          end
        end
      end
      M_ACK: if (wr_req_ready) ms <= M_ACK_D;
      M_ACK_D: if (wr_ready) ms <= M_WAITW;
      M_WAITW: if (w_out == 2'h0) ms <= M_DONE;
      M_FAULT: begin
        nr <= 1'b1;
        faulted <= 1'b1;
        ms <= M_DONE;
      end
      M_DONE: if (done_ready) begin
        ms <= M_COLLECT;
        n_segs <= 7'h0;
        r_tot <= 10'h0;
        r_big <= 1'b0;
        bad <= 1'b0;
        has_ack <= 1'b0;
        faulted <= 1'b0;
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
  done_len = faulted ? 32'h0 : 32'h1;
  rdr$start = r_go;
  rdr$start_index = 9'h0;
  rdr$job = r_go;
  rdr$job_len = len_le512 ? {28'h0, r_tot} : 38'd512;
  rdr$ent_addr = r_ent[63:0];
  rdr$ent_len = {22'h0, r_ent[73:64]};
  rdr$out_ready = (ms == M_READ);
  wr_req_valid = (ms == M_ACK);
  wr_req_function = @FN@;
  wr_req_address = ack_addr;
  wr_req_length = 16'd1;
  wr_valid = (ms == M_ACK_D);
  wr_data = {56'h0, ack};
  idle = idle_r;
  needs_reset = nr;
  promisc = r_promisc; allmulti = r_allmulti; alluni = r_alluni; nomulti = r_nomulti;
  nouni = r_nouni; nobcast = r_nobcast; uni_over = r_uover; multi_over = r_mover;
  uc_n = r_ucn; mc_n = r_mcn; uc_tab = r_uct; mc_tab = r_mct;
  pairs = r_pairs;
  rss_on = r_rss;
  hash_types = r_htypes;
  hash_key = r_key;
  rss_tab = r_tab;
  rss_mask = r_mask;
  rss_uncl = r_uncl;
  mac_set = ms_pulse;
  mac_set_value = ms_val;
  announce_ack = an_pulse;
end
