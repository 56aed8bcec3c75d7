//! Small widgets shared by the screen: the title bar, the help bar, popups.

pub mod help_bar;
pub mod popup;
pub mod restore_dialog;
pub mod title_bar;
