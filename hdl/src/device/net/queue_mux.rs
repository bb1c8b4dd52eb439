//! [`NetQueueMux`]: the function's one segment stream split three ways by queue, and the three
//! engines' completions merged into the function's one completion port (NET-1).
//!
//! Queue map (digest section 1): with N pairs, receiveq k is queue 2(k-1), transmitq k is
//! 2(k-1)+1, the control queue is 2N; N = `max_pairs` when MQ (or RSS) is negotiated, else 1.
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `seg_*` -> `seg_ready` | in/out | the queue engine's segment stream |
//! | `seg_out_valid`, `seg_out` -> `seg_out_ready` | out/in | that stream packed, `{queue[15:0], token[47:0], addr[63:0], len[31:0], write, last}` (162 bits), for the parent's [`SkidBuffer`](crate::common::SkidBuffer) |
//! | `seg_in_valid`, `seg_in` -> `seg_in_ready` | in/out | the stream back from the slice; it is split by queue and unpacked onto `e_queue`, `e_token`, `e_addr`, `e_len`, `e_write`, `e_last`, which go to all three engines |
//! | `rx_valid`/`rx_ready`, `tx_valid`/`tx_ready`, `ctrl_valid`/`ctrl_ready` | out/in | the stream as each engine sees it |
//! | `tx_bad` | out | with `tx_valid`: the queue is neither a receive, transmit nor control queue of the negotiated map (queue 2 without CTRL_VQ, a pair above N): the transmit engine completes it unread |
//! | `mq_on`, `ctrl_vq_on` | in | MQ or RSS negotiated; CTRL_VQ negotiated |
//! | `rx_done_*`, `tx_done_*`, `ctrl_done_*` | in | each engine's completions (`rx_done_more`: a multi-buffer request continues, PQ-15) |
//! | `done_valid`, `done_item` -> `done_ready` | out/in | the merged completion, packed `{queue[15:0], token[47:0], len[31:0], more}` (97 bits); [`NetDevice`](super::NetDevice) passes it through a [`SkidBuffer`](crate::common::SkidBuffer) and unpacks it onto the function's completion port |
//!
//! Completions: a registered grant, round robin over the three; a granted engine keeps the port
//! while its completion waits (the stream rules) and, for the receive engine, until the last
//! buffer of a multi-buffer request (`done_more` low), so no other completion cuts it (NET-18).
//! One completion every two cycles at most. This block only routes: `done_*` follow the
//! granted engine combinationally (`done_valid` depends on the grant register and the engine's
//! valid, never on `done_ready`).

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
    pub seg_token: Signal<In, Bits<48>>,
    pub seg_addr: Signal<In, Bits<64>>,
    pub seg_len: Signal<In, Bits<32>>,
    pub seg_write: Signal<In, bool>,
    pub seg_last: Signal<In, bool>,
    pub seg_out_valid: Signal<Out, bool>,
    pub seg_out_ready: Signal<In, bool>,
    pub seg_out: Signal<Out, Bits<162>>,
    pub seg_in_valid: Signal<In, bool>,
    pub seg_in_ready: Signal<Out, bool>,
    pub seg_in: Signal<In, Bits<162>>,
    pub e_queue: Signal<Out, Bits<16>>,
    pub e_token: Signal<Out, Bits<48>>,
    pub e_addr: Signal<Out, Bits<64>>,
    pub e_len: Signal<Out, Bits<32>>,
    pub e_write: Signal<Out, bool>,
    pub e_last: Signal<Out, bool>,
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
    pub done_item: Signal<Out, Bits<97>>,
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
        self.seg_out_valid.connect();
        self.seg_out.connect();
        self.seg_in_ready.connect();
        self.e_queue.connect();
        self.e_token.connect();
        self.e_addr.connect();
        self.e_len.connect();
        self.e_write.connect();
        self.e_last.connect();
        self.rx_valid.connect();
        self.tx_valid.connect();
        self.tx_bad.connect();
        self.ctrl_valid.connect();
        self.rx_done_ready.connect();
        self.tx_done_ready.connect();
        self.ctrl_done_ready.connect();
        self.done_valid.connect();
        self.done_item.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(VERILOG.replace("@CTRLQ@", &(2 * self._max_pairs).to_string()))
    }
}

const VERILOG: &str = r#"
// the stream leaves packed for the parent's slice and comes back on seg_in_*
wire [15:0] in_queue = seg_in[161:146];
wire [15:0] ctrl_q = mq_on ? 16'd@CTRLQ@ : 16'd2;
wire is_ctrl = ctrl_vq_on & (in_queue == ctrl_q);
wire below = (in_queue < ctrl_q);
wire is_rx = below & ~in_queue[0];
// grant: 0 none, 1 rx, 2 tx, 3 ctrl; `last` is the engine granted last (round robin)
reg [1:0] g;
reg [1:0] last;
initial begin g = 2'd0; last = 2'd0; end
wire [1:0] pick = (last == 2'd1) ? (tx_done_valid ? 2'd2 : ctrl_done_valid ? 2'd3 : rx_done_valid ? 2'd1 : 2'd0) :
                  (last == 2'd2) ? (ctrl_done_valid ? 2'd3 : rx_done_valid ? 2'd1 : tx_done_valid ? 2'd2 : 2'd0) :
                                   (rx_done_valid ? 2'd1 : tx_done_valid ? 2'd2 : ctrl_done_valid ? 2'd3 : 2'd0);
reg [15:0] m_queue;
reg [47:0] m_token;
reg [31:0] m_len;
reg m_more;
wire take = done_valid & done_ready;
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
  seg_out_valid = seg_valid;
  seg_out = {seg_queue, seg_token, seg_addr, seg_len, seg_write, seg_last};
  seg_ready = seg_out_ready;
  e_queue = in_queue;
  e_token = seg_in[145:98];
  e_addr = seg_in[97:34];
  e_len = seg_in[33:2];
  e_write = seg_in[1];
  e_last = seg_in[0];
  rx_valid = seg_in_valid & ~is_ctrl & is_rx;
  ctrl_valid = seg_in_valid & is_ctrl;
  tx_valid = seg_in_valid & ~is_ctrl & ~is_rx;
  tx_bad = ~(below & in_queue[0]);
  seg_in_ready = is_ctrl ? ctrl_ready : is_rx ? rx_ready : tx_ready;
  case (g)
    2'd1: begin done_valid = rx_done_valid; m_queue = rx_done_queue; m_token = rx_done_token; m_len = rx_done_len; m_more = rx_done_more; end
    2'd2: begin done_valid = tx_done_valid; m_queue = tx_done_queue; m_token = tx_done_token; m_len = 32'h0; m_more = 1'b0; end
    2'd3: begin done_valid = ctrl_done_valid; m_queue = ctrl_done_queue; m_token = ctrl_done_token; m_len = ctrl_done_len; m_more = 1'b0; end
    default: begin done_valid = 1'b0; m_queue = 16'h0; m_token = 48'h0; m_len = 32'h0; m_more = 1'b0; end
  endcase
  rx_done_ready = (g == 2'd1) & done_ready;
  tx_done_ready = (g == 2'd2) & done_ready;
  ctrl_done_ready = (g == 2'd3) & done_ready;
  done_item = {m_queue, m_token, m_len, m_more};
end
"#;
