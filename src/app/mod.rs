//! The Elm-style core of the TUI, with no terminal I/O: [`state::State`], the messages it
//! accepts ([`msg::Msg`]), the pure [`update::update`] and the [`effect::Effect`]s it asks the
//! runtime to perform. Tested without a terminal.

pub mod backup;
pub mod effect;
pub mod jobs;
pub mod log;
pub mod msg;
pub mod restore;
pub mod signin;
pub mod state;
pub mod update;
