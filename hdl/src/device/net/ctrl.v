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
           M_FAULT = 4'd10, M_SETTLE = 4'd11;
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

// ---- reader: the readable segments as a stream of 64-bit words (`ro_*`); a partial last word
// is flushed zero-padded
localparam R_IDLE = 2'd0, R_LOOK = 2'd1, R_CALC = 2'd2, R_REQ = 2'd3;
reg [1:0] rs;
reg [2:0] r_lastb [0:3];
reg [1:0] rq_w, rq_r;
reg [2:0] r_out;
reg [5:0] r_idx;
reg [31:0] r_off;
reg [37:0] r_left;
reg [63:0] r_addr;
reg [31:0] r_rem;
reg [12:0] r_plen;
reg [55:0] racc;
reg [2:0] rcnt;
reg ro_v;
reg [63:0] ro_d;
initial begin
  for (i = 0; i < 4; i = i + 1) r_lastb[i] = 3'h0;
  rq_w = 2'd0; rq_r = 2'd0; r_out = 3'h0;
  rs = R_IDLE; r_idx = 6'h0; r_off = 32'h0; r_left = 38'h0; r_addr = 64'h0; r_rem = 32'h0;
  r_plen = 13'h0; racc = 56'h0; rcnt = 3'h0; ro_v = 1'b0; ro_d = 64'h0;
end
wire [95:0] r_ent = tbl[r_idx];
wire [37:0] r_rem38 = {6'h0, r_rem};
wire [37:0] r_m1 = (r_rem38 < r_left) ? r_rem38 : r_left;
wire [12:0] r_pl = (r_m1 > 38'd4096) ? 13'd4096 : r_m1[12:0];
wire [2:0] r_head_lastb = r_lastb[rq_r];
wire [3:0] r_vb = (dma$rd_last & (r_head_lastb != 3'h0)) ? {1'b0, r_head_lastb} : 4'd8;
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
wire [119:0] rcomb = {64'h0, racc} | ({56'h0, dma$rd_data & r_mask} << {rcnt, 3'b000});
wire [4:0] rsum = {2'b00, rcnt} + {1'b0, r_vb};
wire rw_take = ro_v & (ms == M_READ);
wire r_beat = (r_out != 3'h0) & dma$rd_valid & ~ro_v;
wire r_reads_done = (rs == R_IDLE) & (r_left == 38'h0) & (r_out == 3'h0);
wire r_flush = r_reads_done & ~ro_v & (rcnt != 3'h0);
wire r_idle = r_reads_done & ~ro_v & (rcnt == 3'h0);
wire r_push = (rs == R_REQ) & dma$rd_req_ready;
wire r_pop = r_beat & dma$rd_last;
wire rd_last_all = dma$rd_last;
always @(posedge clock) begin
  if (reset) begin
    rs <= R_IDLE;
    ro_v <= 1'b0;
    r_out <= 3'h0;
    rq_w <= 2'd0;
    rq_r <= 2'd0;
    r_left <= 38'h0;
    rcnt <= 3'h0;
  end else begin
    if (rw_take) ro_v <= 1'b0;
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
        rcnt <= rsum[2:0];
      end else begin
        racc <= rcomb[55:0];
        rcnt <= rsum[2:0];
      end
    end else if (r_flush) begin
      ro_d <= {8'h0, racc};
      ro_v <= 1'b1;
      racc <= 56'h0;
      rcnt <= 3'h0;
    end
    case (rs)
      R_IDLE: if ((r_left != 38'h0) & (r_out != 3'd4)) rs <= R_LOOK;
      R_LOOK: begin
        r_addr <= r_ent[63:0] + {32'h0, r_off};
        r_rem <= r_ent[95:64] - r_off;
        rs <= R_CALC;
      end
      R_CALC: if (r_rem == 32'h0) begin
        r_idx <= r_idx + 6'd1;
        r_off <= 32'h0;
        rs <= R_LOOK;
      end else begin
        r_plen <= r_pl;
        rs <= R_REQ;
      end
      R_REQ: if (dma$rd_req_ready) begin
        r_left <= r_left - {25'h0, r_plen};
        if (r_rem == {19'h0, r_plen}) begin
          r_idx <= r_idx + 6'd1;
          r_off <= 32'h0;
        end else r_off <= r_off + {19'h0, r_plen};
        rs <= R_IDLE;
      end
    endcase
    if (ms == M_CHECK) begin
      r_idx <= 6'h0;
      r_off <= 32'h0;
      racc <= 56'h0;
      rcnt <= 3'h0;
      if (~bad & has_ack & (r_total >= 38'd2)) r_left <= (r_total > 38'd512) ? 38'd512 : r_total;
    end
  end
end

// ---- the filter and steering state (NET-33: the tables are empty after a reset)
reg r_promisc, r_allmulti, r_alluni, r_nomulti, r_nouni, r_nobcast, r_uover, r_mover;
reg [3:0] r_ucn, r_mcn;
reg [383:0] r_uct, r_mct;
reg [2:0] r_pairs;
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
wire unused_arg = &{1'b0, arg16[15:3], t_w[6]};

// the ack write: one outstanding at most
reg [1:0] w_out;
initial w_out = 2'h0;
wire ack_take = (ms == M_ACK) & dma$wr_req_ready;
always @(posedge clock) begin
  if (reset) w_out <= 2'h0;
  else w_out <= w_out + {1'b0, ack_take} - {1'b0, dma$wr_done};
end

always @(posedge clock) begin
  ms_pulse <= 1'b0;
  an_pulse <= 1'b0;
  if (reset | resetting) begin
    r_promisc <= 1'b1; r_allmulti <= 1'b0; r_alluni <= 1'b0; r_nomulti <= 1'b0; r_nouni <= 1'b0;
    r_nobcast <= 1'b0; r_uover <= 1'b0; r_mover <= 1'b0; r_ucn <= 4'h0; r_mcn <= 4'h0;
    r_pairs <= 3'd1;
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
    if (r_beat & rd_last_all & dma$rd_error) dma_err <= 1'b1;
    if (dma$wr_done & dma$wr_error) faulted <= 1'b1;
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
      M_READ: if (r_idle & ~rw_take) ms <= M_SETTLE;
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
        else if (pairs_ok) r_pairs <= arg16[2:0];
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
      M_ACK: if (dma$wr_req_ready) ms <= M_ACK_D;
      M_ACK_D: if (dma$wr_ready) ms <= M_WAITW;
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
  dma$rd_req_valid = (rs == R_REQ);
  dma$rd_req_function = @FN@;
  dma$rd_req_address = r_addr;
  dma$rd_req_length = {3'h0, r_plen};
  dma$rd_ready = (r_out != 3'h0) & ~ro_v;
  dma$wr_req_valid = (ms == M_ACK);
  dma$wr_req_function = @FN@;
  dma$wr_req_address = ack_addr;
  dma$wr_req_length = 16'd1;
  dma$wr_valid = (ms == M_ACK_D);
  dma$wr_data = {56'h0, ack};
  idle = idle_r;
  needs_reset = nr;
  promisc = r_promisc; allmulti = r_allmulti; alluni = r_alluni; nomulti = r_nomulti;
  nouni = r_nouni; nobcast = r_nobcast; uni_over = r_uover; multi_over = r_mover;
  uc_n = r_ucn; mc_n = r_mcn; uc_tab = r_uct; mc_tab = r_mct;
  pairs = r_pairs;
  mac_set = ms_pulse;
  mac_set_value = ms_val;
  announce_ack = an_pulse;
end
