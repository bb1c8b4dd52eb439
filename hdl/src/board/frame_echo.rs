//! [`FrameEcho`]: the `eth_echo` board top's loop. Frames the MAC receives whole and good are
//! stored and sent back unchanged; bad ones (the MAC's `rxf_err`) and ones that do not fit
//! are dropped whole.
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `rxf_valid`, `rxf_data[63:0]`, `rxf_bytes[3:0]`, `rxf_last`, `rxf_err` | in | from [`crate::ethernet::EthGmiiRx`] (never stalled) |
//! | `txf_valid`, `txf_ready`, `txf_data[63:0]`, `txf_bytes[3:0]`, `txf_last` | out/in/out | to [`crate::ethernet::EthGmiiTx`]; only whole frames are offered, so the transmitter never underruns |
//! | `echoed`, `dropped` | out | frames stored for sending; frames dropped (bad, or the buffer full) |
//! | `rx_toggle`, `bad_toggle` | out | flip on every stored / dropped frame (for LEDs) |
//!
//! The buffer is 512 beats of 8 bytes (two block RAMs; two 1518-byte frames and more). A frame
//! is written at the write pointer and becomes readable only when its last beat is good (the
//! commit pointer moves); otherwise the write pointer goes back to the commit pointer.

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct FrameEcho {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub rxf_valid: Signal<In, bool>,
    pub rxf_data: Signal<In, Bits<64>>,
    pub rxf_bytes: Signal<In, Bits<4>>,
    pub rxf_last: Signal<In, bool>,
    pub rxf_err: Signal<In, bool>,
    pub txf_valid: Signal<Out, bool>,
    pub txf_ready: Signal<In, bool>,
    pub txf_data: Signal<Out, Bits<64>>,
    pub txf_bytes: Signal<Out, Bits<4>>,
    pub txf_last: Signal<Out, bool>,
    pub echoed: Signal<Out, Bits<32>>,
    pub dropped: Signal<Out, Bits<32>>,
    pub rx_toggle: Signal<Out, bool>,
    pub bad_toggle: Signal<Out, bool>,
}

impl Logic for FrameEcho {
    fn update(&mut self) {
        panic!("FrameEcho is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.txf_valid.connect();
        self.txf_data.connect();
        self.txf_bytes.connect();
        self.txf_last.connect();
        self.echoed.connect();
        self.dropped.connect();
        self.rx_toggle.connect();
        self.bad_toggle.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            r#"reg [68:0] mem [0:511];     // {last, bytes, data}
reg [9:0] wp, cp, rp;         // write, commit, read (one bit over the index: full vs empty)
reg spoilt;                   // the frame being written lost a beat
reg [68:0] q;
reg [31:0] n_echo, n_drop;
reg t_rx, t_bad;
initial begin
  wp = 10'h0; cp = 10'h0; rp = 10'h0; spoilt = 1'b0; q = 69'h0; n_echo = 32'h0; n_drop = 32'h0;
  t_rx = 1'b0; t_bad = 1'b0; txf_valid = 1'b0;
end
wire full = (wp - rp) == 10'd512;
wire fits = ~spoilt & ~full;
wire [9:0] wp_n = wp + 10'd1;
always @(posedge clock) begin
  if (rxf_valid & fits) mem[wp[8:0]] <= {rxf_last, rxf_bytes, rxf_data};
  if (reset) begin
    wp <= 10'h0;
    cp <= 10'h0;
    spoilt <= 1'b0;
    n_echo <= 32'h0;
    n_drop <= 32'h0;
  end else if (rxf_valid) begin
    if (rxf_last) begin
      spoilt <= 1'b0;
      if (fits & ~rxf_err) begin
        wp <= wp_n;
        cp <= wp_n;
        n_echo <= n_echo + 32'd1;
        t_rx <= ~t_rx;
      end else begin
        wp <= cp;
        n_drop <= n_drop + 32'd1;
        t_bad <= ~t_bad;
      end
    end else if (fits) wp <= wp_n;
    else spoilt <= 1'b1;
  end
end
// the read side: one output register filled from the block RAM's registered read
wire avail = rp != cp;
wire take = txf_valid & txf_ready;
always @(posedge clock) begin
  if (reset) begin
    rp <= 10'h0;
    txf_valid <= 1'b0;
  end else if (avail & (~txf_valid | take)) begin
    q <= mem[rp[8:0]];
    rp <= rp + 10'd1;
    txf_valid <= 1'b1;
  end else if (take) txf_valid <= 1'b0;
end
always @(*) begin
  txf_data = q[63:0];
  txf_bytes = q[67:64];
  txf_last = q[68];
  echoed = n_echo;
  dropped = n_drop;
  rx_toggle = t_rx;
  bad_toggle = t_bad;
end
"#
            .into(),
        )
    }
}
