// The body of EthRgmii's module (hdl/src/ethernet/rgmii.rs has its ports and contract).
// The DDR cells (and DELAYG if asked for) are instanced ahead of this text by rgmii.rs.

// ---- transmit (core clock): the GMII outputs are registered in EthGmiiTx already
assign tx_lo = gmii_txd[3:0];
assign tx_hi = gmii_txd[7:4];
assign tx_c0 = gmii_tx_en;
assign tx_c1 = gmii_tx_en ^ gmii_tx_er;  // RGMII: the falling half carries TX_EN xor TX_ER

// ---- receive (rgmii_rx_clk domain): a byte a cycle from the two nibbles
reg [1:0] rrst;              // the core's reset, synchronised into the receive domain
reg [7:0] a_d;
reg a_dv, a_er, a_dv1;
reg [4:0] wbin, wgray;
reg [4:0] rgray_m, rgray_s;  // the reader's pointer, two flops into this domain
reg ovf;                     // an entry was lost: the next one written carries RX_ER
reg [9:0] mem [0:15];        // {dv, er, data}
reg [4:0] rbin, rgray;       // the read side's pointer (core clock, below)
integer k;
initial begin
  rrst = 2'b11; a_d = 8'h0; a_dv = 1'b0; a_er = 1'b0; a_dv1 = 1'b0; wbin = 5'h0; wgray = 5'h0;
  rgray_m = 5'h0; rgray_s = 5'h0; ovf = 1'b0;
  for (k = 0; k < 16; k = k + 1) mem[k] = 10'h0;
end
wire [4:0] wbin_n = wbin + 5'd1;
wire full = (wgray == {~rgray_s[4:3], rgray_s[2:0]});
// every byte of a frame, and the first idle byte time after it (the end marker); after a
// lost entry, keep trying, so the entry marked RX_ER is written (as the end marker, if the
// frame has ended by then) as soon as there is room: the frame always ends and always fails
wire put = a_dv | a_dv1 | ovf;
always @(posedge rgmii_rx_clk) begin
  rrst <= {rrst[0], reset};
  a_d <= {rx_hi, rx_lo};
  a_dv <= rx_c0;
  a_er <= rx_c0 ^ rx_c1;     // RX_DV xor RX_ER on the falling half
  a_dv1 <= a_dv;
  rgray_m <= rgray;
  rgray_s <= rgray_m;
  // the write pointer is never reset: the read side catches up with it instead (below), so
  // a reset works whether or not the PHY's clock runs
  if (rrst[1]) ovf <= 1'b0;
  else if (put) begin
    if (full) ovf <= 1'b1;
    else begin
      mem[wbin[3:0]] <= {a_dv, (a_er & a_dv) | ovf, a_d};
      wbin <= wbin_n;
      wgray <= wbin_n ^ (wbin_n >> 1);
      ovf <= 1'b0;
    end
  end
end

// ---- the crossing's read side (core clock)
reg [4:0] wgray_m, wgray_s;
reg [31:0] n_ovf;
reg ovf_m, ovf_s, ovf_d;
initial begin
  rbin = 5'h0; rgray = 5'h0; wgray_m = 5'h0; wgray_s = 5'h0; n_ovf = 32'h0;
  ovf_m = 1'b0; ovf_s = 1'b0; ovf_d = 1'b0;
  gmii_rxd = 8'h0; gmii_rx_dv = 1'b0; gmii_rx_er = 1'b0; gmii_ce = 1'b0;
end
wire [4:0] rbin_n = rbin + 5'd1;
// the write pointer in binary, for the reset below
wire [4:0] wbin_s = {wgray_s[4], wgray_s[4] ^ wgray_s[3], ^wgray_s[4:2], ^wgray_s[4:1], ^wgray_s[4:0]};
wire empty = (rgray == wgray_s);
wire [9:0] head = mem[rbin[3:0]];
always @(posedge clock) begin
  wgray_m <= wgray;
  wgray_s <= wgray_m;
  ovf_m <= ovf;
  ovf_s <= ovf_m;
  ovf_d <= ovf_s;
  gmii_ce <= 1'b0;
  if (reset) begin
    // empty: the read pointer jumps to the write pointer (bytes of a frame cut by the reset
    // that arrive after it start without a preamble, and the receiver drops them)
    rbin <= wbin_s;
    rgray <= wgray_s;
    n_ovf <= 32'h0;
  end else begin
    if (ovf_s & ~ovf_d) n_ovf <= n_ovf + 32'd1;
    if (~empty) begin
      gmii_rx_dv <= head[9];
      gmii_rx_er <= head[8];
      gmii_rxd <= head[7:0];
      gmii_ce <= 1'b1;
      rbin <= rbin_n;
      rgray <= rbin_n ^ (rbin_n >> 1);
    end
  end
end
always @(*) rx_overflows = n_ovf;
