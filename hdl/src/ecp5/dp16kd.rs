//! `DP16KD` in its 36-bit pseudo-dual-port configuration: 512 words of 36 bits, one write
//! port (A) with four byte enables and one read port (B), as yosys itself maps byte-enable
//! memories (`share/lattice/brams_map_16kd.v`).
//!
//! Pin use in this mode: write data `DI[17:0]` on `DIA`, `DI[35:18]` on `DIB`; read data
//! likewise on `DOA`/`DOB`; write address on `ADA[13:5]`, byte enables on `ADA[3:0]` (byte
//! `k` is bits `9k+8..9k`, the ninth bit of each byte is the parity bit); read address on
//! `ADB[13:5]`. Read latency one clock (`REGMODE_B = "NOREG"`); with `CEB` low the output holds.
//! Reading a word in the cycle it is written returns its old value in the model; the silicon
//! does not promise that, so callers must not rely on it.

/// Instance text of one DP16KD in the configuration above. `di`, `be`, `waddr`, `raddr`, `q`
/// are names of Verilog wires in the enclosing module (36, 4, 9, 9, 36 bits); `we`, `re`,
/// `clock` are 1-bit signals.
#[allow(clippy::too_many_arguments)]
pub fn instance(
    name: &str,
    clock: &str,
    we: &str,
    waddr: &str,
    be: &str,
    di: &str,
    re: &str,
    raddr: &str,
    q: &str,
) -> String {
    let mut pins = vec![
        format!(".CLKA({clock})"),
        format!(".CLKB({clock})"),
        ".WEA(1'b1)".to_string(),
        format!(".CEA({we})"),
        ".OCEA(1'b0)".to_string(),
        ".RSTA(1'b0)".to_string(),
        ".WEB(1'b0)".to_string(),
        format!(".CEB({re})"),
        ".OCEB(1'b1)".to_string(),
        ".RSTB(1'b0)".to_string(),
    ];
    for cs in 0..3 {
        pins.push(format!(".CSA{cs}(1'b0)"));
        pins.push(format!(".CSB{cs}(1'b0)"));
    }
    for bit in 0..4 {
        pins.push(format!(".ADA{bit}({be}[{bit}])"));
        pins.push(format!(".ADB{bit}(1'b0)"));
    }
    pins.push(".ADA4(1'b0)".to_string());
    pins.push(".ADB4(1'b0)".to_string());
    for bit in 5..14 {
        pins.push(format!(".ADA{bit}({waddr}[{}])", bit - 5));
        pins.push(format!(".ADB{bit}({raddr}[{}])", bit - 5));
    }
    for bit in 0..18 {
        pins.push(format!(".DIA{bit}({di}[{bit}])"));
        pins.push(format!(".DIB{bit}({di}[{}])", bit + 18));
        pins.push(format!(".DOA{bit}({q}[{bit}])"));
        pins.push(format!(".DOB{bit}({q}[{}])", bit + 18));
    }
    format!(
        "DP16KD #(\n  .DATA_WIDTH_A(36), .DATA_WIDTH_B(36),\n  .REGMODE_A(\"NOREG\"), .REGMODE_B(\"NOREG\"),\n  \
         .RESETMODE(\"SYNC\"), .ASYNC_RESET_RELEASE(\"SYNC\"),\n  .CSDECODE_A(\"0b000\"), .CSDECODE_B(\"0b000\"),\n  \
         .GSR(\"DISABLED\")\n) {name} (\n  {}\n);\n",
        pins.join(",\n  ")
    )
}

fn pin_vector(prefix: &str, bits: usize) -> String {
    (0..bits)
        .rev()
        .map(|b| format!("{prefix}{b}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Verilator model of DP16KD, restricted to the configuration above.
pub fn sim_model() -> String {
    let inputs = [
        ("DIA", 18),
        ("DIB", 18),
        ("ADA", 14),
        ("ADB", 14),
        ("CSA", 3),
        ("CSB", 3),
    ];
    let scalars = [
        "CLKA", "CLKB", "WEA", "WEB", "CEA", "CEB", "OCEA", "OCEB", "RSTA", "RSTB",
    ];
    let mut ports: Vec<String> = Vec::new();
    let mut decls = String::new();
    for (p, n) in inputs {
        for b in 0..n {
            ports.push(format!("{p}{b}"));
            decls += &format!("input {p}{b};\n");
        }
    }
    for p in scalars {
        ports.push(p.to_string());
        decls += &format!("input {p};\n");
    }
    for p in ["DOA", "DOB"] {
        for b in 0..18 {
            ports.push(format!("{p}{b}"));
            decls += &format!("output {p}{b};\n");
        }
    }
    format!(
        r#"
module DP16KD({ports});
parameter DATA_WIDTH_A = 18;
parameter DATA_WIDTH_B = 18;
parameter REGMODE_A = "NOREG";
parameter REGMODE_B = "NOREG";
parameter RESETMODE = "SYNC";
parameter ASYNC_RESET_RELEASE = "SYNC";
parameter CSDECODE_A = "0b000";
parameter CSDECODE_B = "0b000";
parameter GSR = "ENABLED";
{decls}
wire [35:0] di = {{{dib}, {dia}}};
wire [13:0] ada = {{{ada}}};
wire [13:0] adb = {{{adb}}};
wire [5:0] cs = {{{csa}, {csb}}};
reg [35:0] mem [0:511];
reg [35:0] q;
assign {{{dob}, {doa}}} = q;
initial begin
  if (DATA_WIDTH_A != 36 || DATA_WIDTH_B != 36 || REGMODE_A != "NOREG" || REGMODE_B != "NOREG"
      || RESETMODE != "SYNC" || ASYNC_RESET_RELEASE != "SYNC" || CSDECODE_A != "0b000"
      || CSDECODE_B != "0b000" || GSR != "DISABLED") begin
    $display("DP16KD model: only the 36-bit pseudo-dual-port configuration is modelled");
    $stop;
  end
end
always @(posedge CLKA) begin
  if ((WEA != 1'b1) || WEB || OCEA || !OCEB || RSTA || RSTB || (cs != 6'b0) || ada[4]
      || (adb[4:0] != 5'b0)) begin
    $display("DP16KD model: a control pin is tied outside the modelled configuration");
    $stop;
  end
  if (CEA) begin
    if (ada[0]) mem[ada[13:5]][8:0] <= di[8:0];
    if (ada[1]) mem[ada[13:5]][17:9] <= di[17:9];
    if (ada[2]) mem[ada[13:5]][26:18] <= di[26:18];
    if (ada[3]) mem[ada[13:5]][35:27] <= di[35:27];
  end
end
always @(posedge CLKB) begin
  if (CEB) q <= mem[adb[13:5]];
end
endmodule
"#,
        ports = ports.join(", "),
        dia = pin_vector("DIA", 18),
        dib = pin_vector("DIB", 18),
        ada = pin_vector("ADA", 14),
        adb = pin_vector("ADB", 14),
        csa = pin_vector("CSA", 3),
        csb = pin_vector("CSB", 3),
        doa = pin_vector("DOA", 18),
        dob = pin_vector("DOB", 18),
    )
}
