//! The PCIe transaction layer: receive checks, completions, the configuration space of every
//! function (built from one table), and the transmit side.
//!
//! | module | job |
//! |---|---|
//! | [`config_table`] | the register table of each function's configuration space |
//! | [`config_space`] | [`ConfigSpace`]: the RTL built from that table |
//! | [`stream`] | the TLP stream ports of the card core |
//! | [`request_completer`] | [`RequestCompleter`]: checks received TLPs and completes non-posted requests |
//! | [`interrupt_tx`] | [`InterruptTx`]: INTx messages and MSI-X writes as TLPs |
//! | [`tx_arbiter`] | [`TxArbiter`]: completions and requests take turns on `tx` |

pub mod config_space;
pub mod config_table;
pub mod interrupt_tx;
pub mod request_completer;
pub mod slice;
pub mod stream;
pub mod tx_arbiter;

pub use config_space::ConfigSpace;
pub use interrupt_tx::InterruptTx;
pub use request_completer::RequestCompleter;
pub use slice::TlpSlice;
pub use stream::{TlpSink, TlpSource};
pub use tx_arbiter::TxArbiter;
