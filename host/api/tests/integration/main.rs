//! The API in front of a real gateway on the simulated network.

mod load;
