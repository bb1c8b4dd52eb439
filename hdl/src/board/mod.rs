//! Board tops: the pins of a real board (named as in `ferrio-boards`), its clocking and reset.
//!
//! | top | board | what it does |
//! |---|---|---|
//! | [`Heartbeat`] | ECP5-5G Versa | PLL to the 125 MHz core clock, LED heartbeat, DIP switches on LEDs, PLL lock on the display |
//! | [`EthEcho`] | ECP5-5G Versa | the 1 GbE MAC on Ethernet port 0 (RGMII, MDIO link, PHY reset) echoing every good frame ([`FrameEcho`]); link and frame activity on the LEDs |

pub mod eth_echo;
pub mod frame_echo;
pub mod heartbeat;

pub use eth_echo::EthEcho;
pub use frame_echo::FrameEcho;
pub use heartbeat::Heartbeat;
