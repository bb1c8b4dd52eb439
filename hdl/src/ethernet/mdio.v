// The body of MdioLink's module (hdl/src/ethernet/mdio.rs has its ports and contract).
localparam [4:0] PHYAD = 5'd@PHYAD@;
localparam [15:0] HALF = 16'd@HALF@;    // MDC half period, in clock cycles
localparam [31:0] POLL = 32'd@POLL@;    // cycles from one read's end to the next read
reg [15:0] p;                  // phase within the MDC period
reg [6:0] b;                   // bit of the frame (0..63), 64: idle
reg [31:0] wait_n;
reg [15:0] rd;                 // the register value being shifted in
reg [15:0] last;               // the last BMSR read
reg up;
reg [31:0] n_reads;
// Clause 22 read of register 1 (BMSR): 32 preamble ones, ST 01, OP 10, PHYAD, REGAD 1, then
// turnaround and 16 data bits driven by the PHY
wire [63:0] frame = {32'hffffffff, 2'b01, 2'b10, PHYAD, 5'd1, 2'b11, 16'hffff};
initial begin
  p = 16'h0; b = 7'd64; wait_n = 32'h0; rd = 16'h0; last = 16'h0; up = 1'b0; n_reads = 32'h0;
  mdc = 1'b0; mdio_o = 1'b1; mdio_oe = 1'b0;
end
always @(posedge clock) begin
  if (reset) begin
    p <= 16'h0;
    b <= 7'd64;
    wait_n <= 32'h0;
    up <= 1'b0;
    mdc <= 1'b0;
    mdio_oe <= 1'b0;
    n_reads <= 32'h0;
  end else if (b == 7'd64) begin
    mdc <= 1'b0;
    mdio_oe <= 1'b0;
    if (wait_n >= POLL) begin
      wait_n <= 32'h0;
      b <= 7'd0;
      p <= 16'h0;
    end else wait_n <= wait_n + 32'd1;
  end else begin
    p <= (p == (HALF + HALF - 16'd1)) ? 16'h0 : (p + 16'd1);
    // MDC low for the first half: the master changes MDIO there
    if (p == 16'h0) begin
      mdc <= 1'b0;
      mdio_o <= frame[6'd63 - b[5:0]];
      mdio_oe <= (b < 7'd46);
    end
    // the rising edge: the PHY samples the master's bits; the master samples the PHY's
    if (p == HALF) begin
      mdc <= 1'b1;
      if (b >= 7'd48) rd <= {rd[14:0], mdio_i};
    end
    if (p == (HALF + HALF - 16'd1)) begin
      b <= b + 7'd1;
      if (b == 7'd63) begin
        last <= rd;
        up <= rd[2] & (rd != 16'hffff);   // all ones: no PHY answered (the line's pull-up)
        n_reads <= n_reads + 32'd1;
      end
    end
  end
end
always @(*) begin
  link_up = up;
  bmsr = last;
  reads = n_reads;
end
