//! [`NetDmaMux`]: the net device's three engines on its one DMA client port. The transmit
//! engine only reads, the receive engine only writes, the control engine does both.
//!
//! | channel | clients | rule |
//! |---|---|---|
//! | read request | transmit (`tx_rd_*`), control (`ctrl$rd_*`) | a registered grant, alternating when both ask; the granted client's index goes into an 8-entry FIFO (no grant while it is full) |
//! | read data | | leaves the port packed on `beat_out_*` (`{error, last, data[63:0]}`, 66 bits), comes back on `beat_in_*` (the parent places a [`SkidBuffer`](crate::common::SkidBuffer) between them, or joins them directly), then goes to the client at that FIFO's head (answers come back in request order); it leaves with the `rd_last` beat |
//! | write request | receive (`rx_wr_*`), control (`ctrl$wr_*`) | a registered grant, alternating; the channel stays with the client until its ceil(length/8) data beats are in |
//! | write done | | to the client at the head of an 8-entry FIFO of granted writes |
//!
//! The contract on every side is the DMA client port's (docs/ARCHITECTURE.md, "DMA engine");
//! requests carry this function's number. A grant costs one cycle; data passes unregistered
//! (this block only routes).

use crate::dma::{DmaClientPort, DmaServerPort};
use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct NetDmaMux {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub tx_rd_req_valid: Signal<In, bool>,
    pub tx_rd_req_ready: Signal<Out, bool>,
    pub tx_rd_req_address: Signal<In, Bits<64>>,
    pub tx_rd_req_length: Signal<In, Bits<16>>,
    pub tx_rd_valid: Signal<Out, bool>,
    pub tx_rd_ready: Signal<In, bool>,
    pub tx_rd_data: Signal<Out, Bits<64>>,
    pub tx_rd_last: Signal<Out, bool>,
    pub tx_rd_error: Signal<Out, bool>,
    pub rx_wr_req_valid: Signal<In, bool>,
    pub rx_wr_req_ready: Signal<Out, bool>,
    pub rx_wr_req_address: Signal<In, Bits<64>>,
    pub rx_wr_req_length: Signal<In, Bits<16>>,
    pub rx_wr_valid: Signal<In, bool>,
    pub rx_wr_ready: Signal<Out, bool>,
    pub rx_wr_data: Signal<In, Bits<64>>,
    pub rx_wr_done: Signal<Out, bool>,
    pub rx_wr_error: Signal<Out, bool>,
    pub beat_out_valid: Signal<Out, bool>,
    pub beat_out_ready: Signal<In, bool>,
    pub beat_out: Signal<Out, Bits<66>>,
    pub beat_in_valid: Signal<In, bool>,
    pub beat_in_ready: Signal<Out, bool>,
    pub beat_in: Signal<In, Bits<66>>,
    pub ctrl: DmaServerPort,
    pub dma: DmaClientPort,
    _function: bool,
}

impl NetDmaMux {
    pub fn new(function: bool) -> Self {
        NetDmaMux {
            _function: function,
            ..Default::default()
        }
    }
}

impl Logic for NetDmaMux {
    fn update(&mut self) {
        panic!("NetDmaMux is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.tx_rd_req_ready.connect();
        self.tx_rd_valid.connect();
        self.tx_rd_data.connect();
        self.tx_rd_last.connect();
        self.tx_rd_error.connect();
        self.rx_wr_req_ready.connect();
        self.rx_wr_ready.connect();
        self.rx_wr_done.connect();
        self.rx_wr_error.connect();
        self.beat_out_valid.connect();
        self.beat_out.connect();
        self.beat_in_ready.connect();
        self.ctrl.connect_outputs();
        self.dma.connect_outputs();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(VERILOG.replace("@FN@", if self._function { "1'b1" } else { "1'b0" }))
    }
}

const VERILOG: &str = r#"
// the port's function is this device's, whatever the control engine drives
wire unused_fn = &{1'b0, ctrl$rd_req_function, ctrl$wr_req_function};
// ---- reads: 1 transmit, 2 control
reg [1:0] rg;
reg r_last_ctrl;
reg ro [0:7];                // owner of each read in flight: 0 transmit, 1 control
reg [2:0] ro_w, ro_r;
reg [3:0] ro_n;
integer i;
initial begin
  rg = 2'd0; r_last_ctrl = 1'b0; ro_w = 3'h0; ro_r = 3'h0; ro_n = 4'h0;
  for (i = 0; i < 8; i = i + 1) ro[i] = 1'b0;
end
wire r_take = dma$rd_req_valid & dma$rd_req_ready;
wire r_head = ro[ro_r];
// read beats: out of the port packed, back in (through the parent's slice) to the routing
wire q_valid = beat_in_valid;
wire [63:0] q_data = beat_in[63:0];
wire q_last = beat_in[64];
wire q_error = beat_in[65];
wire q_ready = (ro_n != 4'h0) & (r_head ? ctrl$rd_ready : tx_rd_ready);
wire r_beat = q_valid & q_ready;
wire r_pop = r_beat & q_last;
always @(posedge clock) begin
  if (reset) begin
    rg <= 2'd0;
    ro_w <= 3'h0;
    ro_r <= 3'h0;
    ro_n <= 4'h0;
  end else begin
    if (rg == 2'd0) begin
      if (ro_n != 4'd8) begin
        if (ctrl$rd_req_valid & (~tx_rd_req_valid | ~r_last_ctrl)) rg <= 2'd2;
        else if (tx_rd_req_valid) rg <= 2'd1;
      end
    end else if (r_take) begin
      rg <= 2'd0;
      r_last_ctrl <= (rg == 2'd2);
      ro[ro_w] <= (rg == 2'd2);
      ro_w <= ro_w + 3'd1;
    end
    if (r_pop) ro_r <= ro_r + 3'd1;
    ro_n <= ro_n + {3'h0, r_take & (rg != 2'd0)} - {3'h0, r_pop};
  end
end
// ---- writes: 1 receive, 2 control
reg [1:0] wg;
reg w_last_ctrl;
reg w_data;                  // the granted request was taken: its data beats follow
reg [12:0] w_beats;          // data beats still to pass
reg wo [0:7];
reg [2:0] wo_w, wo_r;
reg [3:0] wo_n;
initial begin
  wg = 2'd0; w_last_ctrl = 1'b0; w_data = 1'b0; w_beats = 13'h0; wo_w = 3'h0; wo_r = 3'h0; wo_n = 4'h0;
  for (i = 0; i < 8; i = i + 1) wo[i] = 1'b0;
end
wire w_take = dma$wr_req_valid & dma$wr_req_ready;
wire [15:0] w_len = dma$wr_req_length;
wire [12:0] w_nb = w_len[15:3] + {12'h0, w_len[2:0] != 3'h0};
wire w_beat = dma$wr_valid & dma$wr_ready;
wire w_head = wo[wo_r];
always @(posedge clock) begin
  if (reset) begin
    wg <= 2'd0;
    w_data <= 1'b0;
    wo_w <= 3'h0;
    wo_r <= 3'h0;
    wo_n <= 4'h0;
  end else begin
    if (wg == 2'd0) begin
      if (wo_n != 4'd8) begin
        if (ctrl$wr_req_valid & (~rx_wr_req_valid | ~w_last_ctrl)) wg <= 2'd2;
        else if (rx_wr_req_valid) wg <= 2'd1;
      end
    end else if (~w_data) begin
      if (w_take) begin
        w_last_ctrl <= (wg == 2'd2);
        wo[wo_w] <= (wg == 2'd2);
        wo_w <= wo_w + 3'd1;
        if (w_nb == 13'h0) wg <= 2'd0;
        else begin w_data <= 1'b1; w_beats <= w_nb; end
      end
    end else if (w_beat) begin
      w_beats <= w_beats - 13'd1;
      if (w_beats == 13'd1) begin w_data <= 1'b0; wg <= 2'd0; end
    end
    if (dma$wr_done) wo_r <= wo_r + 3'd1;
    wo_n <= wo_n + {3'h0, w_take & ~w_data & (wg != 2'd0)} - {3'h0, dma$wr_done};
  end
end
always @(*) begin
  dma$rd_req_valid = (rg == 2'd1) ? tx_rd_req_valid : (rg == 2'd2) ? ctrl$rd_req_valid : 1'b0;
  dma$rd_req_function = @FN@;
  dma$rd_req_address = (rg == 2'd2) ? ctrl$rd_req_address : tx_rd_req_address;
  dma$rd_req_length = (rg == 2'd2) ? ctrl$rd_req_length : tx_rd_req_length;
  tx_rd_req_ready = (rg == 2'd1) & dma$rd_req_ready;
  ctrl$rd_req_ready = (rg == 2'd2) & dma$rd_req_ready;
  tx_rd_valid = q_valid & (ro_n != 4'h0) & ~r_head;
  ctrl$rd_valid = q_valid & (ro_n != 4'h0) & r_head;
  tx_rd_data = q_data;
  ctrl$rd_data = q_data;
  tx_rd_last = q_last;
  ctrl$rd_last = q_last;
  tx_rd_error = q_error;
  ctrl$rd_error = q_error;
  beat_out_valid = dma$rd_valid;
  beat_out = {dma$rd_error, dma$rd_last, dma$rd_data};
  dma$rd_ready = beat_out_ready;
  beat_in_ready = q_ready;
  dma$wr_req_valid = ~w_data & ((wg == 2'd1) ? rx_wr_req_valid : (wg == 2'd2) ? ctrl$wr_req_valid : 1'b0);
  dma$wr_req_function = @FN@;
  dma$wr_req_address = (wg == 2'd2) ? ctrl$wr_req_address : rx_wr_req_address;
  dma$wr_req_length = (wg == 2'd2) ? ctrl$wr_req_length : rx_wr_req_length;
  rx_wr_req_ready = (wg == 2'd1) & ~w_data & dma$wr_req_ready;
  ctrl$wr_req_ready = (wg == 2'd2) & ~w_data & dma$wr_req_ready;
  dma$wr_valid = w_data & ((wg == 2'd2) ? ctrl$wr_valid : rx_wr_valid);
  dma$wr_data = (wg == 2'd2) ? ctrl$wr_data : rx_wr_data;
  rx_wr_ready = w_data & (wg == 2'd1) & dma$wr_ready;
  ctrl$wr_ready = w_data & (wg == 2'd2) & dma$wr_ready;
  rx_wr_done = dma$wr_done & ~w_head;
  ctrl$wr_done = dma$wr_done & w_head;
  rx_wr_error = dma$wr_error;
  ctrl$wr_error = dma$wr_error;
end
"#;
