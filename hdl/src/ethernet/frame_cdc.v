// The body of FrameCdc's module (hdl/src/ethernet/frame_cdc.rs has its ports and contract).
// LOSSY (1: the write side cannot wait) is prepended by frame_cdc.rs.
reg [69:0] mem [0:15];       // {err, last, bytes, data}
reg [4:0] wbin, wgray;       // the write pointer (w_clock)
reg [4:0] rgray_m, rgray_s;  // the read pointer, two flops into w_clock
reg [4:0] rbin, rgray;       // the read pointer (r_clock)
reg [4:0] wgray_m, wgray_s;  // the write pointer, two flops into r_clock
reg mid;                     // the input is inside a frame (a beat without `last` passed)
reg owe;                     // a beat of a frame partly written was lost: an end is owed
reg skip;                    // the rest of the input frame is dropped
reg [31:0] n_drop;
integer k;
initial begin
  wbin = 5'h0; wgray = 5'h0; rgray_m = 5'h0; rgray_s = 5'h0; rbin = 5'h0; rgray = 5'h0;
  wgray_m = 5'h0; wgray_s = 5'h0; mid = 1'b0; owe = 1'b0; skip = 1'b0; n_drop = 32'h0;
  r_valid = 1'b0; r_data = 64'h0; r_bytes = 4'h0; r_last = 1'b0; r_err = 1'b0;
  for (k = 0; k < 16; k = k + 1) mem[k] = 70'h0;
end

// ---- write side (w_clock)
wire full = (wgray == {~rgray_s[4:3], rgray_s[2:0]});
wire [4:0] wbin_n = wbin + 5'd1;
// the owed end: a beat of eight zero bytes with `last` and `err`, which the reader drops
wire [69:0] w_end = {1'b1, 1'b1, 4'd8, 64'h0};
wire put = ~w_reset & ~full & (LOSSY ? (owe | (w_valid & ~skip)) : w_valid);
wire [69:0] put_d = (LOSSY & owe) ? w_end : {w_err, w_last, w_bytes, w_data};
always @(posedge w_clock) begin
  rgray_m <= rgray;
  rgray_s <= rgray_m;
  // the write pointer is never reset: the read side catches up with it instead
  if (put) begin
    mem[wbin[3:0]] <= put_d;
    wbin <= wbin_n;
    wgray <= wbin_n ^ (wbin_n >> 1);
  end
  if (w_reset) begin
    mid <= 1'b0;
    owe <= 1'b0;
    skip <= 1'b0;
    n_drop <= 32'h0;
  end else if (LOSSY) begin
    if (w_valid) mid <= ~w_last;
    if (owe) begin
      // the end goes in now if there is room; a beat arriving meanwhile is dropped, and so is
      // the rest of its frame
      if (~full) begin
        owe <= 1'b0;
        skip <= w_valid ? ~w_last : mid;
      end
    end else if (skip) begin
      if (w_valid & w_last) skip <= 1'b0;
    end else if (w_valid & full) begin
      // a beat lost: a frame partly written is owed its end; a frame that lost its first
      // beat is dropped whole
      n_drop <= n_drop + 32'd1;
      if (mid) owe <= 1'b1;
      else if (~w_last) skip <= 1'b1;
    end
  end
end
always @(*) begin
  w_ready = ~w_reset & (LOSSY | ~full);
  w_drops = n_drop;
end

// ---- read side (r_clock)
wire [4:0] wbin_s = {wgray_s[4], wgray_s[4] ^ wgray_s[3], ^wgray_s[4:2], ^wgray_s[4:1], ^wgray_s[4:0]};
wire empty = (rgray == wgray_s);
wire take = ~empty & (~r_valid | r_ready);
wire [4:0] rbin_n = rbin + 5'd1;
wire [69:0] head = mem[rbin[3:0]];
always @(posedge r_clock) begin
  wgray_m <= wgray;
  wgray_s <= wgray_m;
  if (r_reset) begin
    // empty: the read pointer follows the write pointer while the reset lasts
    rbin <= wbin_s;
    rgray <= wgray_s;
    r_valid <= 1'b0;
  end else if (take) begin
    {r_err, r_last, r_bytes, r_data} <= head;
    r_valid <= 1'b1;
    rbin <= rbin_n;
    rgray <= rbin_n ^ (rbin_n >> 1);
  end else if (r_ready) r_valid <= 1'b0;
end
