//! Board tops: the pins of a real board (named as in `ferrio-boards`), its clocking and reset.
//!
//! | top | board | what it does |
//! |---|---|---|
//! | [`Heartbeat`] | ECP5-5G Versa | PLL to the 125 MHz core clock, LED heartbeat, DIP switches on LEDs, PLL lock on the display |

pub mod heartbeat;

pub use heartbeat::Heartbeat;
