// The body of EthGmiiTx's module (hdl/src/ethernet/gmii_tx.rs has its ports and contract).
localparam S_IDLE = 3'd0, S_PRE = 3'd1, S_DATA = 3'd2, S_PAD = 3'd3, S_FCS = 3'd4,
           S_IFG = 3'd5, S_DRAIN = 3'd6;
reg [2:0] s;
reg [3:0] k;                   // byte within the preamble, FCS or gap
reg [63:0] w;                  // the beat being sent
reg [3:0] wn;                  // its valid bytes
reg wl;                        // it is the frame's last
reg [2:0] wi;                  // the next byte of it
reg [10:0] cnt;                // data bytes sent (saturates at 60 for the padding)
reg [31:0] crc;
reg [31:0] n_frames, n_under;
initial begin
  s = S_IFG; k = 4'h0; w = 64'h0; wn = 4'h0; wl = 1'b0; wi = 3'h0; cnt = 11'h0; crc = 32'hffffffff;
  n_frames = 32'h0; n_under = 32'h0; gmii_txd = 8'h0; gmii_tx_en = 1'b0; gmii_tx_er = 1'b0;
end
// crc8(c, d): the CRC-32 function, prepended from ethernet/mod.rs (CRC8_FN)
wire [7:0] byte_now = w[{wi, 3'b000} +: 8];
wire beat_end = ({1'b0, wi} + 4'd1 == wn);
wire [31:0] fcs = ~crc;
// a beat is taken: the frame's first in S_IDLE, the next when the current one ends
wire take = txf_valid & ((s == S_IDLE) | ((s == S_DATA) & beat_end & ~wl) | (s == S_DRAIN));
always @(posedge clock) begin
  if (reset) begin
    s <= S_IFG;
    k <= 4'h0;
    gmii_tx_en <= 1'b0;
    gmii_tx_er <= 1'b0;
    gmii_txd <= 8'h0;
    n_frames <= 32'h0;
    n_under <= 32'h0;
  end else begin
    gmii_tx_er <= 1'b0;
    if (take) begin
      w <= txf_data;
      wn <= (txf_bytes == 4'h0) ? 4'd8 : txf_bytes;
      wl <= txf_last;
      wi <= 3'h0;
    end
    case (s)
      S_IDLE: begin
        gmii_tx_en <= 1'b0;
        gmii_txd <= 8'h0;
        if (txf_valid) begin
          s <= S_PRE;
          k <= 4'h0;
        end
      end
      // seven 0x55 and the SFD 0xd5
      S_PRE: begin
        gmii_tx_en <= 1'b1;
        gmii_txd <= (k == 4'd7) ? 8'hd5 : 8'h55;
        k <= k + 4'd1;
        if (k == 4'd7) begin
          s <= S_DATA;
          crc <= 32'hffffffff;
          cnt <= 11'h0;
        end
      end
      S_DATA: begin
        gmii_tx_en <= 1'b1;
        gmii_txd <= byte_now;
        crc <= crc8(crc, byte_now);
        if (cnt != 11'd60) cnt <= cnt + 11'd1;
        wi <= wi + 3'd1;
        k <= 4'h0;
        if (beat_end) begin
          if (wl) s <= ((cnt + 11'd1) < 11'd60) ? S_PAD : S_FCS;
          else if (~txf_valid) begin
            // the next beat is late: the frame is spoilt on the wire (TX_ER) and the rest dropped
            gmii_tx_er <= 1'b1;
            n_under <= n_under + 32'd1;
            s <= S_DRAIN;
          end
        end
      end
      // padding to 60 data bytes
      S_PAD: begin
        gmii_tx_en <= 1'b1;
        gmii_txd <= 8'h00;
        crc <= crc8(crc, 8'h00);
        cnt <= cnt + 11'd1;
        if (cnt + 11'd1 == 11'd60) s <= S_FCS;
      end
      // the FCS, least significant byte first
      S_FCS: begin
        gmii_tx_en <= 1'b1;
        gmii_txd <= fcs[{k[1:0], 3'b000} +: 8];
        k <= k + 4'd1;
        if (k == 4'd3) begin
          s <= S_IFG;
          k <= 4'h0;
          n_frames <= n_frames + 32'd1;
        end
      end
      S_DRAIN: begin
        gmii_tx_en <= 1'b0;
        if (take & txf_last) begin
          s <= S_IFG;
          k <= 4'h0;
        end
      end
      // the inter-frame gap: 12 byte times
      default: begin
        gmii_tx_en <= 1'b0;
        gmii_txd <= 8'h0;
        k <= k + 4'd1;
        if (k == 4'd11) s <= S_IDLE;
      end
    endcase
  end
end
always @(*) begin
  txf_ready = take;
  frames = n_frames;
  underruns = n_under;
end
