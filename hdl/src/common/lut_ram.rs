//! [`LutRam`]: a small simple dual-port RAM in ECP5 distributed RAM (`TRELLIS_DPR16X4`).
//!
//! Interface: `2^A` words of type `T`. Write: at a rising `clock` edge with `write_enable`
//! high, `write_data` is stored at `write_address`. Read: asynchronous, `read_data` shows the
//! word at `read_address` in the same cycle (and a word written at an edge from that edge on).
//! No reset: contents power up as zero in simulation and are undefined on the FPGA.
//! Use for depths up to a few dozen words; larger memories belong in [`crate::common::BramSdp`].

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct LutRam<T: Synth, const A: usize> {
    pub clock: Signal<In, Clock>,
    pub write_enable: Signal<In, bool>,
    pub write_address: Signal<In, Bits<A>>,
    pub write_data: Signal<In, T>,
    pub read_address: Signal<In, Bits<A>>,
    pub read_data: Signal<Out, T>,
    _mem: Vec<T>,
}

impl<T: Synth, const A: usize> Default for LutRam<T, A> {
    fn default() -> Self {
        assert!((1..=8).contains(&A), "LutRam is for 2..256 words");
        Self {
            clock: Default::default(),
            write_enable: Default::default(),
            write_address: Default::default(),
            write_data: Default::default(),
            read_address: Default::default(),
            read_data: Default::default(),
            _mem: vec![T::default(); 1 << A],
        }
    }
}

impl<T: Synth, const A: usize> Logic for LutRam<T, A> {
    fn update(&mut self) {
        if self.clock.pos_edge() && self.write_enable.val() {
            self._mem[self.write_address.val().index()] = self.write_data.val();
        }
        self.read_data.next = self._mem[self.read_address.val().index()];
    }

    fn connect(&mut self) {
        self.read_data.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "reg [{msb}:0] mem [0:{last}];\n\
             integer i;\n\
             initial for (i = 0; i <= {last}; i = i + 1) mem[i] = {w}'h0;\n\
             always @(posedge clock) begin\n   \
                if (write_enable) mem[write_address] <= write_data;\n\
             end\n\
             always @(*) read_data = mem[read_address];\n",
            msb = T::BITS - 1,
            w = T::BITS,
            last = (1usize << A) - 1
        ))
    }
}
