// The body of EthGmiiRx's module (hdl/src/ethernet/gmii_rx.rs has its ports and contract).
localparam S_IDLE = 2'd0, S_PRE = 2'd1, S_DATA = 2'd2, S_DROP = 2'd3;
reg [1:0] s;
reg [7:0] r_d;                 // the GMII inputs, registered first
reg r_dv, r_er;
reg r_ce;                      // the registered inputs are a new byte time
reg [31:0] dl;                 // the last four bytes: the FCS when the frame ends
reg [2:0] dl_n;
reg [63:0] acc;                // data bytes gathered into a beat
reg [3:0] acc_n;
reg [31:0] crc;
reg [10:0] len;                // data bytes (saturates)
reg bad;                       // RX_ER seen, or too long
reg [31:0] n_frames, n_bad;
initial begin
  s = S_IDLE; r_d = 8'h0; r_dv = 1'b0; r_er = 1'b0; r_ce = 1'b0; dl = 32'h0; dl_n = 3'h0; acc = 64'h0; acc_n = 4'h0;
  crc = 32'hffffffff; len = 11'h0; bad = 1'b0; n_frames = 32'h0; n_bad = 32'h0;
  rxf_valid = 1'b0; rxf_data = 64'h0; rxf_bytes = 4'h0; rxf_last = 1'b0; rxf_err = 1'b0;
end
// crc8(c, d): the CRC-32 function, prepended from ethernet/mod.rs (CRC8_FN)
wire [7:0] out_b = dl[7:0];            // the byte leaving the four-byte delay: a data byte
// RX_ER on the byte time that ends the frame (DV low) also fails it: the RGMII crossing marks
// a lost byte on the next entry it writes, which can be the end (carrier extension, the other
// meaning of RX_ER with DV low, belongs to half duplex, which this MAC does not do)
wire good_end = (dl_n == 3'd4) & (dl == ~crc) & ~bad & ~r_er & (len >= 11'd60) & (len <= MAXD);
always @(posedge clock) begin
  r_ce <= gmii_ce;
  if (gmii_ce) begin
    r_d <= gmii_rxd;
    r_dv <= gmii_rx_dv;
    r_er <= gmii_rx_er;
  end
  rxf_valid <= 1'b0;
  rxf_last <= 1'b0;
  rxf_err <= 1'b0;
  if (reset) begin
    s <= S_IDLE;
    n_frames <= 32'h0;
    n_bad <= 32'h0;
  end else if (r_ce) case (s)
    S_IDLE: if (r_dv) s <= (r_d == 8'h55) ? S_PRE : S_DROP;
    S_PRE: if (~r_dv) s <= S_IDLE;
    else if (r_d == 8'hd5) begin
      s <= S_DATA;
      dl_n <= 3'h0;
      acc_n <= 4'h0;
      crc <= 32'hffffffff;
      len <= 11'h0;
      bad <= r_er;
    end else if (r_d != 8'h55) s <= S_DROP;
    S_DATA: if (r_dv) begin
      dl <= {r_d, dl[31:8]};
      if (r_er) bad <= 1'b1;
      if (dl_n != 3'd4) dl_n <= dl_n + 3'd1;
      else begin
        crc <= crc8(crc, out_b);
        if (len != 11'h7ff) len <= len + 11'd1;
        if (acc_n == 4'd8) begin
          rxf_valid <= 1'b1;
          rxf_data <= acc;
          rxf_bytes <= 4'd8;
          acc[7:0] <= out_b;
          acc_n <= 4'd1;
        end else begin
          acc[{acc_n[2:0], 3'b000} +: 8] <= out_b;
          acc_n <= acc_n + 4'd1;
        end
      end
    end else begin
      // the end: the last beat carries the verdict (FCS, RX_ER, 60..MAXD data bytes)
      s <= S_IDLE;
      if (acc_n != 4'h0) begin
        rxf_valid <= 1'b1;
        rxf_data <= acc;
        rxf_bytes <= acc_n;
        rxf_last <= 1'b1;
        rxf_err <= ~good_end;
      end
      if (good_end) n_frames <= n_frames + 32'd1;
      else n_bad <= n_bad + 32'd1;
    end
    default: if (~r_dv) s <= S_IDLE;
  endcase
end
always @(*) begin
  frames = n_frames;
  bad_frames = n_bad;
end
