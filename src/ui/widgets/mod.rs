//! Small widgets shared by the screen: the title bar, the help bar, popups, the backup and restore dialogs.

pub mod backup_dialog;
pub mod help_bar;
pub mod popup;
pub mod restore_dialog;
pub mod title_bar;
