//! The heartbeat board top (built with a 16-cycle beat) through Verilator, with the EHXPLLL
//! model: the core is held in reset until the PLL locks, the lock shows on the decimal point,
//! LED 0 toggles every 2^4 core cycles, LEDs 7..1 and segment A follow the DIP switches.
//! Outputs are active low.

use ferrio_hdl::ecp5::ehxplll::LOCK_CYCLES;
use ferrio_sim::models::HeartbeatSim;

#[test]
fn heartbeat_waits_for_lock_then_beats_and_mirrors_the_switches() {
    let mut v = HeartbeatSim::new();
    v.set_rst_n(1);
    v.set_dip(0b1010_0101);
    v.tick(1);
    assert_eq!(v.seg_dp(), 1, "decimal point dark before lock");
    assert_eq!(v.led(), 0xff, "LEDs dark while the core is in reset");
    v.tick(LOCK_CYCLES as u64);
    assert_eq!(v.seg_dp(), 0, "decimal point lit once locked");
    v.tick(6); // reset synchroniser and DIP synchroniser
    let lit = !v.led() & 0xff;
    assert_eq!(lit & 0xfe, 0b1010_0100, "LEDs 7..1 show DIP 7..1");
    assert_eq!(v.seg() & 1, 0, "segment A lit: DIP 0 is on");
    assert_eq!(v.seg() >> 1, (1 << 13) - 1, "other segments dark");

    // The beat: LED 0 changes exactly every 16 core cycles.
    let mut changes = Vec::new();
    let mut last = v.led() & 1;
    for cycle in 0..200u64 {
        v.tick(1);
        let now = v.led() & 1;
        if now != last {
            changes.push(cycle);
            last = now;
        }
    }
    assert!(changes.len() >= 12, "LED 0 changed {} times", changes.len());
    for pair in changes.windows(2) {
        assert_eq!(pair[1] - pair[0], 16, "beat period");
    }

    // Switch changes reach the LEDs; the button holds the core in reset.
    v.set_dip(0b0000_0010);
    v.tick(3);
    assert_eq!(!v.led() & 0xfe, 0b0000_0010);
    assert_eq!(v.seg() & 1, 1, "segment A dark: DIP 0 is off");
    v.set_rst_n(0);
    v.tick(3);
    assert_eq!(v.led(), 0xff, "button pressed: core in reset, LEDs dark");
    assert_eq!(v.seg_dp(), 0, "the PLL stays locked");
}
