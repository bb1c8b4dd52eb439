//! Every emitted top is lint-clean under `verilator --lint-only -Wall` with the one waiver
//! file, and the waiver file never waives LATCH. (`cargo xtask lint` prints the same check.)

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn every_top_is_lint_clean_with_the_reviewed_waivers() {
    let vroot = PathBuf::from(env!("FERRIO_VENV")).join("verilator-root");
    assert!(
        vroot.exists(),
        "Verilator is not installed: run `cargo xtask setup`"
    );
    let dir = PathBuf::from(env!("FERRIO_OUT")).join("lint-test");
    std::fs::create_dir_all(&dir).unwrap();
    let waivers = root().join("hdl/lint/waivers.vlt");
    let mut dirty = Vec::new();
    for top in ferrio_hdl::tops::all() {
        let file = dir.join(format!("{}.sim.v", top.name));
        std::fs::write(&file, top.verilog_for_simulation()).unwrap();
        let out = Command::new(vroot.join("bin/verilator"))
            .env("VERILATOR_ROOT", &vroot)
            .args(["--lint-only", "-Wall", "--top-module", "top"])
            .arg(&waivers)
            .arg(&file)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stderr).to_string();
        if !out.status.success() || text.contains("%Warning") || text.contains("%Error") {
            dirty.push(format!("{}:\n{text}", top.name));
        }
    }
    assert!(dirty.is_empty(), "lint warnings:\n{}", dirty.join("\n"));
}

#[test]
fn the_waiver_file_never_waives_latch_and_every_waiver_has_a_reason() {
    let text = std::fs::read_to_string(root().join("hdl/lint/waivers.vlt")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with("lint_off") {
            assert!(!line.contains("LATCH"), "LATCH waived on line {}", i + 1);
            assert!(
                line.contains("-rule"),
                "a waiver without a rule on line {}",
                i + 1
            );
            assert!(
                i > 0 && lines[i - 1].trim_start().starts_with("//"),
                "waiver on line {} has no comment saying why",
                i + 1
            );
        }
    }
}

#[test]
fn lint_catches_a_width_mismatch() {
    // The lint check must be able to fail: a deliberately bad module gets a warning.
    let vroot = PathBuf::from(env!("FERRIO_VENV")).join("verilator-root");
    let dir = PathBuf::from(env!("FERRIO_OUT")).join("lint-test");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("top.v");
    std::fs::write(
        &file,
        "module top(input wire [3:0] a, output wire [7:0] y);\nassign y = a;\nendmodule\n",
    )
    .unwrap();
    let out = Command::new(vroot.join("bin/verilator"))
        .env("VERILATOR_ROOT", &vroot)
        .args(["--lint-only", "-Wall"])
        .arg(root().join("hdl/lint/waivers.vlt"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("%Warning-WIDTH"));
}

#[test]
fn checked_in_registers_md_matches_the_rtl_table() {
    let on_disk = std::fs::read_to_string(root().join("docs/REGISTERS.md")).unwrap();
    assert!(
        on_disk == ferrio_hdl::tlp::config_table::registers_markdown(),
        "docs/REGISTERS.md differs from hdl/src/tlp/config_table.rs: run `cargo xtask registers`"
    );
}

#[test]
fn every_test_named_in_conformance_md_exists() {
    let conformance = std::fs::read_to_string(root().join("docs/CONFORMANCE.md")).unwrap();
    let mut sources = String::new();
    for dir in [
        "sim/tests",
        "sim/src",
        "hdl/src",
        "tests/tests",
        "bitstream/tests",
        "boards/tests",
    ] {
        let mut stack = vec![root().join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    sources += &std::fs::read_to_string(&p).unwrap();
                }
            }
        }
    }
    let mut checked = 0;
    // Test names stand in backticks in the last column ("covered by") of each table row.
    let covered: String = conformance
        .lines()
        .filter(|l| {
            l.starts_with("| PCI-")
                || l.starts_with("| PQ-")
                || l.starts_with("| BLK-")
                || l.starts_with("| NET-")
        })
        .filter_map(|l| l.trim_end_matches('|').rsplit('|').next())
        .collect::<Vec<_>>()
        .join("\n");
    for name in covered.split('`').skip(1).step_by(2) {
        if name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && name.contains('_')
        {
            assert!(
                sources.contains(&format!("fn {name}(")),
                "CONFORMANCE.md names a missing test: {name}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} test names found");
}
