// The body of NetCtrl's module (hdl/src/device/net/ctrl.rs has its ports and contract).
localparam [2:0] MAXP = 3'd@MAXP@;
integer i;

// ---- the buffer: readable segments {len, addr}; the ack byte's address
reg [95:0] tbl [0:63];
reg [6:0] n_segs;
reg [37:0] r_total;
reg bad;                     // more than 64 readable segments
reg has_ack;
reg [63:0] ack_addr;         // the first byte of the first non-empty writable segment
reg [15:0] b_queue;
reg [47:0] b_token;
initial begin
  for (i = 0; i < 64; i = i + 1) tbl[i] = 96'h0;
  n_segs = 7'h0; r_total = 38'h0; bad = 1'b0; has_ack = 1'b0; ack_addr = 64'h0; b_queue = 16'h0; b_token = 48'h0;
end

localparam M_COLLECT = 4'd0, M_CHECK = 4'd1, M_READ = 4'd2, M_EXEC = 4'd3, M_TAB = 4'd4,
           M_TAB2 = 4'd5, M_ACK = 4'd6, M_ACK_D = 4'd7, M_WAITW = 4'd8, M_DONE = 4'd9,
           M_FAULT = 4'd10, M_SETTLE = 4'd11, M_RSS = 4'd12, M_RSS_T = 4'd13, M_RSS_K = 4'd14,
           M_RSS_C = 4'd15;
reg [3:0] ms;
reg [63:0] cb [0:63];        // the command's first 512 readable bytes
reg [6:0] sk;                // words stored
reg [7:0] ack;
reg faulted;
reg dma_err;
reg nr;
reg idle_r;
initial begin
  for (i = 0; i < 64; i = i + 1) cb[i] = 64'h0;
  ms = M_COLLECT; sk = 7'h0; ack = 8'h0; faulted = 1'b0; dma_err = 1'b0; nr = 1'b0; idle_r = 1'b0;
end

// ---- the segment table lookup for the reader (registered, as SegmentReader expects)
reg [95:0] r_ent;
initial r_ent = 96'h0;
always @(posedge clock) r_ent <= tbl[rdr$ent_index[5:0]];
// the table has 64 entries
wire unused_idx = &{1'b0, rdr$ent_index[8:6]};
wire rw_take = rdr$out_valid & (ms == M_READ);
wire [63:0] ro_d = rdr$out_data;
wire r_go = (ms == M_CHECK) & has_ack & ~bad & (r_total >= 38'd2);

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
reg [319:0] s_key;           // staging: nothing changes until the whole command checked
reg [255:0] s_tab;
reg s_ok;
reg s_hmode;                 // 1: HASH_CONFIG
reg [5:0] s_kl;
reg [5:0] k_i;
reg [9:0] k_off;
reg [6:0] r_ti;
initial begin
  r_rss = 1'b0; r_htypes = 6'h0; r_key = 320'h0; r_tab = 256'h0; r_mask = 7'h0; r_uncl = 2'h0;
  s_key = 320'h0; s_tab = 256'h0; s_ok = 1'b0; s_hmode = 1'b0; s_kl = 6'h0; k_i = 6'h0; k_off = 10'h0; r_ti = 7'h0;
end
reg ms_pulse, an_pulse;
reg [47:0] ms_val;
initial begin
  r_promisc = 1'b1; r_allmulti = 1'b0; r_alluni = 1'b0; r_nomulti = 1'b0; r_nouni = 1'b0; r_nobcast = 1'b0;
  r_uover = 1'b0; r_mover = 1'b0; r_ucn = 4'h0; r_mcn = 4'h0; r_uct = 384'h0; r_mct = 384'h0;
  r_pairs = 3'd1; ms_pulse = 1'b0; an_pulse = 1'b0; ms_val = 48'h0;
end

// the command's fields
wire [63:0] w0 = cb[0];
wire [7:0] cls = w0[7:0];
wire [7:0] cmd = w0[15:8];
wire [7:0] arg8 = w0[23:16];
wire [15:0] arg16 = w0[31:16];
wire [31:0] n_uc = w0[47:16];
wire [47:0] arg_mac = w0[63:16];
wire [37:0] len = r_total;
// MAC_TABLE_SET: le32 n_uc, n_uc x 6 bytes, le32 n_mc, n_mc x 6 bytes
wire [37:0] uc_end = 38'd6 + {4'h0, n_uc, 2'b00} + {5'h0, n_uc, 1'b0};
reg [9:0] t_off;             // byte offset of the next field
reg [31:0] t_n;              // entries of the current class still to take
reg [3:0] t_i;               // entries stored
reg t_mc;                    // 0 unicast, 1 multicast
reg [31:0] t_nmc;
initial begin t_off = 10'h0; t_n = 32'h0; t_i = 4'h0; t_mc = 1'b0; t_nmc = 32'h0; end
wire [6:0] t_w = t_off[9:3];
// a 512-byte command's fields all end inside it, so word 63 is the last one needed
wire [5:0] t_w6 = t_w[5:0];
wire [127:0] t_pair = {cb[(t_w6 == 6'd63) ? 6'd63 : t_w6 + 6'd1], cb[t_w6]};
wire [47:0] t_sh = t_pair[{1'b0, t_off[2:0], 3'b000} +: 48];
wire [47:0] t_mac = t_sh[47:0];
wire [31:0] n_mc = t_sh[31:0];
wire [37:0] mc_end = uc_end + 38'd4 + {4'h0, n_mc, 2'b00} + {5'h0, n_mc, 1'b0};
wire rx_cmd_ok = (cls == 8'd0) & (len == 38'd3) &
                 (((cmd <= 8'd1) & ctrl_rx_on) | ((cmd >= 8'd2) & (cmd <= 8'd5) & rx_extra_on));
wire addr_ok = (cls == 8'd1) & (cmd == 8'd1) & (len == 38'd8) & (ctrl_rx_on | mac_addr_on);
wire table_go = (cls == 8'd1) & (cmd == 8'd0) & ctrl_rx_on & (len <= 38'd512) & (uc_end + 38'd4 <= len);
wire ann_ok = (cls == 8'd3) & (cmd == 8'd0) & (len == 38'd2) & announce_on;
wire pairs_ok = (cls == 8'd4) & (cmd == 8'd0) & (len == 38'd4) & mq_on & (arg16 >= 16'd1) & (arg16 <= {13'h0, MAXP});
// RSS_CONFIG: le32 hash_types, le16 mask, le16 unclassified, le16 table[mask+1], le16
// max_tx_vq, u8 key_length, key (bytes 2.. of the command); HASH_CONFIG: le32 hash_types,
// 8 reserved bytes, u8 key_length, key. Both end exactly at the key's end.
wire [15:0] c_mask = w0[63:48];
wire [63:0] w1 = cb[1];
wire [15:0] c_uncl = w1[15:0];
// word 1 past unclassified_queue is table data, read through the offset walk instead
wire unused_w1 = &{1'b0, w1[63:16]};
wire mask_ok = (c_mask < 16'd128) & ((c_mask & (c_mask + 16'd1)) == 16'h0);
wire [9:0] tab_end = 10'd12 + {2'b00, c_mask[6:0], 1'b0};      // 10 + 2T
wire rss_go = (cls == 8'd4) & (cmd == 8'd1) & rss_feat_on & (len <= 38'd512) & mask_ok;
wire hcfg_go = (cls == 8'd4) & (cmd == 8'd2) & hash_report_on & (len <= 38'd512);
wire [7:0] kl = s_hmode ? t_sh[7:0] : t_sh[23:16];
wire [15:0] max_tx = t_sh[15:0];
wire [37:0] rss_len = s_hmode ? (38'd15 + {30'h0, kl}) : ({28'h0, tab_end} + 38'd3 + {30'h0, kl});
wire rss_shape = (len == rss_len) & (kl <= 8'd40) &
                 (s_hmode | ((c_uncl < {13'h0, MAXP}) & (max_tx >= 16'd1) & (max_tx <= {13'h0, MAXP})));
// the mask is checked below 128 and the queue below MAXP (<= 4) on all 16 bits; the
// registers keep only the bits that can be set
wire unused_rss = &{1'b0, c_mask[15:7], c_uncl[15:2]};
// VQ_PAIRS_SET accepts at most MAXP (<= 4), checked on all 16 bits; a 512-byte command's
// fields end inside word 63
wire unused_arg = &{1'b0, arg16[15:3], t_w[6]};

// the ack write: one outstanding at most
reg [1:0] w_out;
initial w_out = 2'h0;
wire ack_take = (ms == M_ACK) & wr_req_ready;
always @(posedge clock) begin
  if (reset) w_out <= 2'h0;
  else w_out <= w_out + {1'b0, ack_take} - {1'b0, wr_done};
end

always @(posedge clock) begin
  ms_pulse <= 1'b0;
  an_pulse <= 1'b0;
  if (reset | resetting) begin
    r_promisc <= 1'b1; r_allmulti <= 1'b0; r_alluni <= 1'b0; r_nomulti <= 1'b0; r_nouni <= 1'b0;
    r_nobcast <= 1'b0; r_uover <= 1'b0; r_mover <= 1'b0; r_ucn <= 4'h0; r_mcn <= 4'h0;
    r_pairs <= 3'd1;
    r_rss <= 1'b0; r_htypes <= 6'h0; r_key <= 320'h0; r_tab <= 256'h0; r_mask <= 7'h0; r_uncl <= 2'h0;
  end
  if (reset) begin
    ms <= M_COLLECT;
    n_segs <= 7'h0;
    r_total <= 38'h0;
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
      sk <= sk + 7'd1;
    end
    case (ms)
      M_COLLECT: if (seg_valid) begin
        if (~seg_write) begin
          if (n_segs[6]) bad <= 1'b1;
          else tbl[n_segs[5:0]] <= {seg_len, seg_addr};
          n_segs <= n_segs + {6'h0, ~n_segs[6]};
          r_total <= r_total + {6'h0, seg_len};
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
        else if (bad | (r_total < 38'd2)) ms <= M_ACK;
        else ms <= M_READ;
      end
      M_READ: if (rdr$idle & ~rw_take) ms <= M_SETTLE;
      M_SETTLE: ms <= dma_err ? M_FAULT : M_EXEC;
      M_EXEC: begin
        ms <= M_ACK;
        ack <= 8'd0;
        if (rx_cmd_ok) begin
          case (cmd[2:0])
            3'd0: r_promisc <= (arg8 != 8'h0);
            3'd1: r_allmulti <= (arg8 != 8'h0);
            3'd2: r_alluni <= (arg8 != 8'h0);
            3'd3: r_nomulti <= (arg8 != 8'h0);
            3'd4: r_nouni <= (arg8 != 8'h0);
            default: r_nobcast <= (arg8 != 8'h0);
          endcase
        end else if (addr_ok) begin
          ms_pulse <= 1'b1;
          ms_val <= arg_mac;
        end else if (ann_ok) an_pulse <= 1'b1;
        else if (pairs_ok) begin
          r_pairs <= arg16[2:0];
          r_rss <= 1'b0;     // the latest MQ-class command decides the mode (NET-42)
        end else if (rss_go | hcfg_go) begin
          s_hmode <= hcfg_go;
          t_off <= hcfg_go ? 10'd14 : tab_end;
          ms <= M_RSS;
        end
        else if (table_go) begin
          t_off <= uc_end[9:0];
          ms <= M_TAB;
        end else ack <= 8'd1;
      end
      // the multicast count read; the whole shape checked before anything is changed
      M_TAB: if (mc_end != len) ms <= M_ACK;
      else begin
        ack <= 8'd0;
        t_nmc <= n_mc;
        t_off <= 10'd6;
        t_n <= n_uc;
        t_i <= 4'h0;
        t_mc <= 1'b0;
        r_ucn <= (n_uc > 32'd8) ? 4'd8 : n_uc[3:0];
        r_uover <= (n_uc > 32'd8);
        r_mcn <= (n_mc > 32'd8) ? 4'd8 : n_mc[3:0];
        r_mover <= (n_mc > 32'd8);
        ms <= M_TAB2;
      end
      M_TAB2: if (t_n == 32'h0) begin
        if (t_mc) ms <= M_ACK;
        else begin
          t_mc <= 1'b1;
          t_off <= t_off + 10'd4;
          t_n <= t_nmc;
          t_i <= 4'h0;
        end
      end else begin
        if (t_i < 4'd8) begin
          if (t_mc) r_mct[48*t_i +: 48] <= t_mac;
          else r_uct[48*t_i +: 48] <= t_mac;
          t_i <= t_i + 4'd1;
        end
        t_off <= t_off + 10'd6;
        t_n <= t_n - 32'd1;
      end
      // RSS_CONFIG / HASH_CONFIG: the shape, then the table, then the key, then commit
      M_RSS: if (~rss_shape) begin
        ack <= 8'd1;
        ms <= M_ACK;
      end else begin
        s_kl <= kl[5:0];
        s_ok <= 1'b1;
        s_key <= 320'h0;
        k_i <= 6'h0;
        r_ti <= 7'h0;
        k_off <= s_hmode ? 10'd15 : (tab_end + 10'd3);
        t_off <= s_hmode ? 10'd15 : 10'd10;
        ms <= s_hmode ? M_RSS_K : M_RSS_T;
      end
      M_RSS_T: begin
        if (t_sh[15:0] >= {13'h0, MAXP}) s_ok <= 1'b0;
        s_tab[{r_ti, 1'b0} +: 2] <= t_sh[1:0];
        r_ti <= r_ti + 7'd1;
        if (r_ti == c_mask[6:0]) begin
          t_off <= k_off;
          ms <= M_RSS_K;
        end else t_off <= t_off + 10'd2;
      end
      M_RSS_K: if (k_i == s_kl) ms <= M_RSS_C;
      else begin
        s_key[{6'd39 - k_i, 3'b000} +: 8] <= t_sh[7:0];
        k_i <= k_i + 6'd1;
        t_off <= t_off + 10'd1;
      end
      M_RSS_C: begin
        ms <= M_ACK;
        if (~s_ok) ack <= 8'd1;
        else begin
          r_htypes <= w0[21:16];
          r_key <= s_key;
          // HASH_CONFIG is an MQ-class command too: it ends RSS steering (NET-42, as QEMU)
          if (s_hmode) r_rss <= 1'b0;
          else begin
            r_rss <= 1'b1;
            r_tab <= s_tab;
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
        r_total <= 38'h0;
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
  rdr$job_len = (r_total > 38'd512) ? 38'd512 : r_total;
  rdr$ent_addr = r_ent[63:0];
  rdr$ent_len = r_ent[95:64];
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
