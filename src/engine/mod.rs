//! The UI-agnostic engine.
