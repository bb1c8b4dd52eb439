//! The Lattice ECP5-5G Versa development board (LFE5UM5G-45F-8BG381C).
//!
//! Sources: the Lattice board user guide's pin tables as transcribed by amaranth-boards
//! (`versa_ecp5.py`) and litex-boards (`lattice_versa_ecp5.py`), cross-checked in
//! `shared/notes/ecp5-versa.md`. LEDs and the 14-segment display are active low.
//!
//! | port | pins | standard | notes |
//! |---|---|---|---|
//! | `clk100` | P3 | LVDS | 100 MHz oscillator |
//! | `rst_n` | T1 | LVCMOS33 | push button, active low |
//! | `led[7:0]` | E16 D17 D18 E18 F17 F18 E17 F16 | LVCMOS25 | active low |
//! | `dip[7:0]` | H2 K3 G3 F2 / J18 K18 K19 K20 | LVCMOS15 / LVCMOS25 | two banks |
//! | `seg[13:0]`, `seg_dp` | M20 ... R17, U1 | LVCMOS25 | 14-segment display, active low |
//! | `uart_rx`, `uart_tx` | C11, A11 | LVCMOS33 | FT2232H channel B |
//! | `pcie_*` | Y5/Y6 RX, W4/W5 TX, Y11/Y12 refclk | SERDES | DCU0 channel 0, EXTREF0 |
//! | `pcie_perst_n` | A6 | LVCMOS33 | PCIe fundamental reset |
//! | `eth0_*`, `eth1_*` | see table in code | LVCMOS25 | RGMII to the two PHYs |

use crate::{Board, ClockInput, DeviceTotals, IoStandard, IoStandard::*, Pin};

fn pin(port: &'static str, site: &'static str, io: IoStandard, function: &'static str) -> Pin {
    Pin {
        port,
        bit: None,
        site,
        io,
        attrs: "",
        function,
    }
}

fn bus(
    port: &'static str,
    sites: &[&'static str],
    io: IoStandard,
    function: &'static str,
) -> Vec<Pin> {
    sites
        .iter()
        .enumerate()
        .map(|(bit, site)| Pin {
            port,
            bit: Some(bit),
            site,
            io,
            attrs: "",
            function,
        })
        .collect()
}

fn rgmii(n: usize) -> Vec<Pin> {
    // (rst_n, mdc, mdio, tx_clk, tx_ctl, txd[4], rx_clk, rx_ctl, rxd[4], clk125)
    type Rgmii = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        [&'static str; 4],
        &'static str,
        &'static str,
        [&'static str; 4],
        &'static str,
    );
    const PORTS: [Rgmii; 2] = [
        (
            "U17",
            "T18",
            "U18",
            "P19",
            "R20",
            ["N19", "N20", "P18", "P20"],
            "L20",
            "U19",
            ["T20", "U20", "T19", "R18"],
            "L19",
        ),
        (
            "F20",
            "G19",
            "H20",
            "C20",
            "E19",
            ["J17", "J16", "D19", "D20"],
            "J19",
            "F19",
            ["G18", "G16", "H18", "H17"],
            "J20",
        ),
    ];
    let p = PORTS[n];
    let name = |s: &str| -> &'static str { Box::leak(format!("eth{n}_{s}").into_boxed_str()) };
    let mut pins = vec![
        pin(
            name("rst_n"),
            p.0,
            Lvcmos25,
            "Ethernet PHY reset, active low",
        ),
        pin(name("mdc"), p.1, Lvcmos25, "PHY management clock"),
        pin(name("mdio"), p.2, Lvcmos25, "PHY management data"),
        pin(name("tx_clk"), p.3, Lvcmos25, "RGMII transmit clock"),
        pin(name("tx_ctl"), p.4, Lvcmos25, "RGMII transmit control"),
    ];
    pins.extend(bus(name("txd"), &p.5, Lvcmos25, "RGMII transmit data"));
    pins.push(pin(name("rx_clk"), p.6, Lvcmos25, "RGMII receive clock"));
    pins.push(pin(name("rx_ctl"), p.7, Lvcmos25, "RGMII receive control"));
    pins.extend(bus(name("rxd"), &p.8, Lvcmos25, "RGMII receive data"));
    pins.push(pin(
        name("clk125"),
        p.9,
        Lvcmos25,
        "125 MHz clock from the PHY",
    ));
    pins
}

pub fn board() -> Board {
    let mut pins = vec![
        pin("clk100", "P3", Lvds, "100 MHz oscillator (LVDS pair P3/P4)"),
        pin("rst_n", "T1", Lvcmos33, "reset push button, active low"),
    ];
    pins.extend(bus(
        "led",
        &["E16", "D17", "D18", "E18", "F17", "F18", "E17", "F16"],
        Lvcmos25,
        "user LEDs, active low",
    ));
    pins.extend(bus(
        "dip",
        &["H2", "K3", "G3", "F2"],
        Lvcmos15,
        "DIP switches 0-7",
    ));
    pins.extend(
        bus(
            "dip",
            &["J18", "K18", "K19", "K20"],
            Lvcmos25,
            "DIP switches 0-7",
        )
        .into_iter()
        .map(|mut p| {
            p.bit = p.bit.map(|b| b + 4);
            p
        }),
    );
    pins.extend(bus(
        "seg",
        &[
            "M20", "L18", "M19", "L16", "L17", "M18", "N16", "M17", "N18", "P17", "N17", "P16",
            "R16", "R17",
        ],
        Lvcmos25,
        "14-segment display segments a..p, active low",
    ));
    pins.push(pin(
        "seg_dp",
        "U1",
        Lvcmos25,
        "14-segment display decimal point, active low",
    ));
    let mut rx = pin(
        "uart_rx",
        "C11",
        Lvcmos33,
        "UART from the FT2232H channel B",
    );
    rx.attrs = "PULLMODE=UP";
    pins.push(rx);
    pins.push(pin(
        "uart_tx",
        "A11",
        Lvcmos33,
        "UART to the FT2232H channel B",
    ));
    pins.push(pin(
        "pcie_rx_p",
        "Y5",
        Serdes,
        "PCIe x1 lane 0 receive (DCU0 CH0)",
    ));
    pins.push(pin(
        "pcie_rx_n",
        "Y6",
        Serdes,
        "PCIe x1 lane 0 receive (DCU0 CH0)",
    ));
    pins.push(pin(
        "pcie_tx_p",
        "W4",
        Serdes,
        "PCIe x1 lane 0 transmit (DCU0 CH0)",
    ));
    pins.push(pin(
        "pcie_tx_n",
        "W5",
        Serdes,
        "PCIe x1 lane 0 transmit (DCU0 CH0)",
    ));
    pins.push(pin(
        "pcie_refclk_p",
        "Y11",
        Serdes,
        "PCIe reference clock (EXTREF0)",
    ));
    pins.push(pin(
        "pcie_refclk_n",
        "Y12",
        Serdes,
        "PCIe reference clock (EXTREF0)",
    ));
    pins.push(pin(
        "pcie_perst_n",
        "A6",
        Lvcmos33,
        "PCIe PERST#, active low",
    ));
    pins.extend(rgmii(0));
    pins.extend(rgmii(1));
    Board {
        name: "versa-ecp5-5g",
        title: "Lattice ECP5-5G Versa",
        device: "LFE5UM5G-45F-8BG381C",
        nextpnr_device: &["--um5g-45k", "--package", "CABGA381", "--speed", "8"],
        pins,
        clocks: vec![
            ClockInput {
                port: "clk100",
                mhz: 100.0,
            },
            ClockInput {
                port: "eth0_rx_clk",
                mhz: 125.0,
            },
            ClockInput {
                port: "eth1_rx_clk",
                mhz: 125.0,
            },
        ],
        cable: "ft2232",
        totals: DeviceTotals {
            lut4: 43848,
            ff: 43848,
            bram: 108,
            dcu: 2,
            pll: 4,
        },
    }
}
