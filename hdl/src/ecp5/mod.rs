//! ECP5 vendor primitives.
//!
//! The emitted Verilog instantiates the cells by their vendor names; yosys `synth_ecp5` knows
//! them from its own cell library. Verilator does not, so [`sim_models`] returns behavioural
//! models of exactly the configurations ferrio uses. Each model checks at run time that it is
//! used only in that configuration (a wrong pin tie or parameter stops the simulation), which
//! also keeps every pin of the model in use for the linter.
//!
//! | cell | wrapper | what ferrio uses it for |
//! |---|---|---|
//! | `DP16KD` | [`dp16kd`] (used by [`crate::common::BramSdp`]) | 512 x 36 pseudo-dual-port block RAM with byte enables |
//! | `EHXPLLL` | [`Ehxplll`] | the 125 MHz core clock from the board oscillator |
//! | `IDDRX1F`, `ODDRX1F`, `DELAYG` | [`ddr`] (used by [`crate::ethernet::EthRgmii`]) | the RGMII pads: DDR input and output registers, fixed pad delays |

pub mod ddr;
pub mod dp16kd;
pub mod ehxplll;

pub use ehxplll::Ehxplll;

/// Verilog of the behavioural models of the vendor cells `verilog` instantiates: the block
/// RAM and the PLL always (unused models are harmless to Verilator with `--top-module`), the
/// I/O cells of [`ddr`] only where used, so that tops without them keep their cached models.
pub fn sim_models_for(verilog: &str) -> String {
    let mut m = sim_models();
    if ["IDDRX1F", "ODDRX1F", "DELAYG"]
        .iter()
        .any(|c| verilog.contains(c))
    {
        m += &ddr::sim_models();
    }
    m
}

/// Verilog of the behavioural models of the block RAM and the PLL. Appended to the
/// emitted Verilog of a top for Verilator (simulation and lint), never given to yosys.
pub fn sim_models() -> String {
    format!(
        "// Behavioural models of ECP5 vendor cells, for Verilator only.\n{}\n{}",
        dp16kd::sim_model(),
        ehxplll::sim_model()
    )
}
