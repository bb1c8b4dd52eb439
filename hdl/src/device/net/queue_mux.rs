//! [`NetQueueMux`]: the function's one segment stream split three ways by queue, and the three
//! engines' completions merged into the function's one completion port (NET-1).
//!
//! Queue map (digest section 1): with N pairs, receiveq k is queue 2(k-1), transmitq k is
//! 2(k-1)+1, the control queue is 2N; N = `max_pairs` when MQ (or RSS) is negotiated, else 1.
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `seg_valid`, `seg_queue` -> `seg_ready` | in/out | the queue engine's segment stream (its data lines go to all three engines unchanged) |
//! | `rx_valid`/`rx_ready`, `tx_valid`/`tx_ready`, `ctrl_valid`/`ctrl_ready` | out/in | the stream as each engine sees it |
//! | `tx_bad` | out | with `tx_valid`: the queue is neither a receive, transmit nor control queue of the negotiated map (queue 2 without CTRL_VQ, a pair above N): the transmit engine completes it unread |
//! | `mq_on`, `ctrl_vq_on` | in | MQ or RSS negotiated; CTRL_VQ negotiated |
//! | `rx_done_*`, `tx_done_*`, `ctrl_done_*` | in | each engine's completions (`rx_done_more`: a multi-buffer request continues, PQ-15) |
//! | `done_*` | out | the function's completion port |
//!
//! Completions: a registered grant, round robin over the three; a granted engine keeps the port
//! while its completion waits (the stream rules) and, for the receive engine, until the last
//! buffer of a multi-buffer request (`done_more` low), so no other completion cuts it (NET-18).
//! One completion every two cycles at most. The merged completion leaves through a register
//! slice (two entries; `done_*` are register outputs, the engines' `*_done_ready` follow a
//! register): one cycle more latency, cut for the clock (the engines' completion through the
//! queue engine's used side and back was the card's critical path).

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct NetQueueMux {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub mq_on: Signal<In, bool>,
    pub ctrl_vq_on: Signal<In, bool>,
    pub seg_valid: Signal<In, bool>,
    pub seg_ready: Signal<Out, bool>,
    pub seg_queue: Signal<In, Bits<16>>,
    pub rx_valid: Signal<Out, bool>,
    pub rx_ready: Signal<In, bool>,
    pub tx_valid: Signal<Out, bool>,
    pub tx_ready: Signal<In, bool>,
    pub tx_bad: Signal<Out, bool>,
    pub ctrl_valid: Signal<Out, bool>,
    pub ctrl_ready: Signal<In, bool>,
    pub rx_done_valid: Signal<In, bool>,
    pub rx_done_ready: Signal<Out, bool>,
    pub rx_done_queue: Signal<In, Bits<16>>,
    pub rx_done_token: Signal<In, Bits<48>>,
    pub rx_done_len: Signal<In, Bits<32>>,
    pub rx_done_more: Signal<In, bool>,
    pub tx_done_valid: Signal<In, bool>,
    pub tx_done_ready: Signal<Out, bool>,
    pub tx_done_queue: Signal<In, Bits<16>>,
    pub tx_done_token: Signal<In, Bits<48>>,
    pub ctrl_done_valid: Signal<In, bool>,
    pub ctrl_done_ready: Signal<Out, bool>,
    pub ctrl_done_queue: Signal<In, Bits<16>>,
    pub ctrl_done_token: Signal<In, Bits<48>>,
    pub ctrl_done_len: Signal<In, Bits<32>>,
    pub done_valid: Signal<Out, bool>,
    pub done_ready: Signal<In, bool>,
    pub done_queue: Signal<Out, Bits<16>>,
    pub done_token: Signal<Out, Bits<48>>,
    pub done_len: Signal<Out, Bits<32>>,
    pub done_more: Signal<Out, bool>,
    _max_pairs: u16,
}

impl NetQueueMux {
    pub fn new(max_pairs: u16) -> Self {
        NetQueueMux {
            _max_pairs: max_pairs,
            ..Default::default()
        }
    }
}

impl Logic for NetQueueMux {
    fn update(&mut self) {
        panic!("NetQueueMux is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.seg_ready.connect();
        self.rx_valid.connect();
        self.tx_valid.connect();
        self.tx_bad.connect();
        self.ctrl_valid.connect();
        self.rx_done_ready.connect();
        self.tx_done_ready.connect();
        self.ctrl_done_ready.connect();
        self.done_valid.connect();
        self.done_queue.connect();
        self.done_token.connect();
        self.done_len.connect();
        self.done_more.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(VERILOG.replace("@CTRLQ@", &(2 * self._max_pairs).to_string()))
    }
}

const VERILOG: &str = r#"
wire [15:0] ctrl_q = mq_on ? 16'd@CTRLQ@ : 16'd2;
wire is_ctrl = ctrl_vq_on & (seg_queue == ctrl_q);
wire below = (seg_queue < ctrl_q);
wire is_rx = below & ~seg_queue[0];
// grant: 0 none, 1 rx, 2 tx, 3 ctrl; `last` is the engine granted last (round robin)
reg [1:0] g;
reg [1:0] last;
initial begin g = 2'd0; last = 2'd0; end
wire [1:0] pick = (last == 2'd1) ? (tx_done_valid ? 2'd2 : ctrl_done_valid ? 2'd3 : rx_done_valid ? 2'd1 : 2'd0) :
                  (last == 2'd2) ? (ctrl_done_valid ? 2'd3 : rx_done_valid ? 2'd1 : tx_done_valid ? 2'd2 : 2'd0) :
                                   (rx_done_valid ? 2'd1 : tx_done_valid ? 2'd2 : ctrl_done_valid ? 2'd3 : 2'd0);
// the merged completion (m_*) leaves through a register slice (output and skid registers):
// the engines' `done_valid` through the queue engine's used side and back into their state
// was the card's critical path, across the die
reg [15:0] m_queue;
reg [47:0] m_token;
reg [31:0] m_len;
reg m_valid, m_more;
wire m_ready;
wire take = m_valid & m_ready;
// the slice: an item taken at an edge is offered from that edge on; `m_ready` is a register
reg o_v, s_v;
reg [96:0] o_d, s_d;
initial begin o_v = 1'b0; s_v = 1'b0; o_d = 97'h0; s_d = 97'h0; end
always @(posedge clock) begin
  if (reset) begin
    g <= 2'd0;
    last <= 2'd0;
  end else if (g == 2'd0) begin
    g <= pick;
    if (pick != 2'd0) last <= pick;
  end else if (take & ~((g == 2'd1) & rx_done_more)) g <= 2'd0;
end
always @(*) begin
  rx_valid = seg_valid & ~is_ctrl & is_rx;
  ctrl_valid = seg_valid & is_ctrl;
  tx_valid = seg_valid & ~is_ctrl & ~is_rx;
  tx_bad = ~(below & seg_queue[0]);
  seg_ready = is_ctrl ? ctrl_ready : is_rx ? rx_ready : tx_ready;
  case (g)
    2'd1: begin m_valid = rx_done_valid; m_queue = rx_done_queue; m_token = rx_done_token; m_len = rx_done_len; m_more = rx_done_more; end
    2'd2: begin m_valid = tx_done_valid; m_queue = tx_done_queue; m_token = tx_done_token; m_len = 32'h0; m_more = 1'b0; end
    2'd3: begin m_valid = ctrl_done_valid; m_queue = ctrl_done_queue; m_token = ctrl_done_token; m_len = ctrl_done_len; m_more = 1'b0; end
    default: begin m_valid = 1'b0; m_queue = 16'h0; m_token = 48'h0; m_len = 32'h0; m_more = 1'b0; end
  endcase
  rx_done_ready = (g == 2'd1) & m_ready;
  tx_done_ready = (g == 2'd2) & m_ready;
  ctrl_done_ready = (g == 2'd3) & m_ready;
  done_valid = o_v;
  done_queue = o_d[96:81];
  done_token = o_d[80:33];
  done_len = o_d[32:1];
  done_more = o_d[0];
end
assign m_ready = ~s_v;
wire [96:0] m_d = {m_queue, m_token, m_len, m_more};
always @(posedge clock) begin
  if (reset) begin
    o_v <= 1'b0;
    s_v <= 1'b0;
  end else if (~o_v | done_ready) begin
    if (s_v) begin
      o_d <= s_d;
      s_v <= 1'b0;
    end else begin
      o_v <= m_valid;
      o_d <= m_d;
    end
  end else if (m_valid & ~s_v) begin
    s_v <= 1'b1;
    s_d <= m_d;
  end
end
"#;
