//! [`BlkStoreBram`]: the on-chip sector store, `capacity` sectors of block RAM (128 KiB by
//! default: 64 DP16KD of the LFE5UM5G-45F's 108). Serves a [`StoreServerPort`] (the storage
//! port's contract is in [`super::store`]).
//!
//! One 64-bit word a cycle for READ, WRITE and ZERO; READ's first word two cycles after its
//! request (a request's range is checked in a state of its own, `S_CHECK`, from registers:
//! in the cycle the request came, its 64-bit compare was the card's critical path). FLUSH is
//! done at once: below block RAM there is nothing slower to commit to, and the RAM loses its
//! content at power-off anyway (the board's disk is not persistent; the
//! simulation's file store is). ZERO writes zeros, so a write-zeroes range always reads zero
//! (BLK-15), and a discarded range reads zero too (deallocation is optional, BLK-14).
//!
//! The content after configuration is zero in simulation and undefined on the FPGA until
//! written (no initialisation file).

use super::store::StoreServerPort;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct BlkStoreBram {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub st: StoreServerPort,
    _sectors: u64,
}

impl BlkStoreBram {
    pub fn new(sectors: u64) -> Self {
        assert!(
            (2..=1 << 16).contains(&sectors),
            "an on-chip store of 2..65536 sectors"
        );
        BlkStoreBram {
            clock: Default::default(),
            reset: Default::default(),
            st: Default::default(),
            _sectors: sectors,
        }
    }
}

impl Default for BlkStoreBram {
    fn default() -> Self {
        Self::new(256)
    }
}

impl Logic for BlkStoreBram {
    fn update(&mut self) {
        panic!("BlkStoreBram is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.st.connect_outputs();
    }

    fn hdl(&self) -> Verilog {
        let words = self._sectors * 64;
        let aw = 64 - (words - 1).leading_zeros();
        Verilog::Custom(
            VERILOG
                .replace("@SECTORS@", &self._sectors.to_string())
                .replace("@AW@", &aw.to_string())
                .replace("@SB@", &(aw - 6 - 1).to_string())
                .replace("@LAST@", &(words - 1).to_string()),
        )
    }
}

const VERILOG: &str = r#"
localparam [63:0] SECTORS = 64'd@SECTORS@;
localparam S_IDLE = 3'd0, S_READ = 3'd1, S_WRITE = 3'd2, S_ZERO = 3'd3, S_DONE = 3'd4,
           S_CHECK = 3'd5;
reg [63:0] mem [0:@LAST@];
reg [2:0] s;
reg [@AW@-1:0] ptr;
reg [37:0] left;       // words still to move
reg bad;               // the range is past the store: touch nothing, answer error
reg rv;                // the read register holds a word for rd
reg [63:0] q;
// the request as S_CHECK sees it: the store has at most 65536 sectors, so a range is within
// it when the sector and count have no bit above 16 and the 17-bit sum stays within
reg [1:0] c_op;
reg [16:0] c_sector;
reg [16:0] c_count;
reg c_high;            // a bit above 16 set in the sector or the count
integer i;
initial begin
  for (i = 0; i <= @LAST@; i = i + 1) mem[i] = 64'h0;
  s = S_IDLE; ptr = @AW@'d0; left = 38'h0; bad = 1'b0; rv = 1'b0; q = 64'h0;
  c_op = 2'd0; c_sector = 17'h0; c_count = 17'h0; c_high = 1'b0;
end
wire [17:0] c_end = {1'b0, c_sector} + {1'b0, c_count};
wire in_range = ~c_high & (c_sector < SECTORS[16:0]) & (c_end <= SECTORS[17:0]);
wire rd_step = (s == S_READ) & (~rv | st$rd_ready);
wire wr_take = (s == S_WRITE) & st$wr_valid & (left != 38'h0);
wire we = (wr_take | ((s == S_ZERO) & (left != 38'h0))) & ~bad;
always @(posedge clock) begin
  if (we) mem[ptr] <= (s == S_ZERO) ? 64'h0 : st$wr_data;
  if (rd_step & (left != 38'h0)) q <= mem[ptr];
end
always @(posedge clock) begin
  if (reset) begin
    s <= S_IDLE;
    rv <= 1'b0;
  end else case (s)
    S_IDLE: if (st$req_valid) begin
      ptr <= {st$req_sector[@SB@:0], 6'h0};
      left <= {st$req_count, 6'h0};
      c_op <= st$req_op;
      c_sector <= st$req_sector[16:0];
      c_count <= st$req_count[16:0];
      c_high <= (st$req_sector[63:17] != 47'h0) | (st$req_count[31:17] != 15'h0);
      s <= S_CHECK;
    end
    S_CHECK: begin
      bad <= ~in_range & (c_op != 2'd2);   // FLUSH has no range
      case (c_op)
        2'd0: s <= S_READ;
        2'd1: s <= S_WRITE;
        2'd3: s <= in_range ? S_ZERO : S_DONE;
        default: s <= S_DONE;
      endcase
    end
    S_READ: if (rd_step) begin
      if (left != 38'h0) begin
        rv <= 1'b1;
        left <= left - 38'd1;
        ptr <= ptr + @AW@'d1;
      end else begin
        rv <= 1'b0;
        s <= S_DONE;
      end
    end
    S_WRITE: if (left == 38'h0) s <= S_DONE;
      else if (wr_take) begin
        left <= left - 38'd1;
        ptr <= ptr + @AW@'d1;
      end
    S_ZERO: if (left == 38'h0) s <= S_DONE;
      else begin
        left <= left - 38'd1;
        ptr <= ptr + @AW@'d1;
      end
    default: s <= S_IDLE;
  endcase
end
always @(*) begin
  st$req_ready = (s == S_IDLE);
  st$wr_ready = (s == S_WRITE) & (left != 38'h0);
  st$rd_valid = rv;
  st$rd_data = bad ? 64'h0 : q;
  st$done = (s == S_DONE);
  st$error = (s == S_DONE) & bad;
end
"#;
