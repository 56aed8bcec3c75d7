//! The log pane's buffer: recent tracing events, a level filter and a scroll position.

use std::collections::VecDeque;

/// How many lines are kept.
pub const LOG_CAPACITY: usize = 2000;

/// Severity, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Errors.
    Error,
    /// Warnings.
    Warn,
    /// Information.
    Info,
    /// Debugging detail.
    Debug,
}

impl Level {
    /// Upper-case name.
    pub fn name(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
        }
    }
}

/// One log line.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    /// Severity.
    pub level: Level,
    /// Local time, `HH:MM:SS`.
    pub time: String,
    /// The message with its fields.
    pub message: String,
}

/// The buffer behind the log pane.
#[derive(Debug, Clone)]
pub struct LogBuffer {
    lines: VecDeque<LogLine>,
    /// Least severe level shown.
    pub level: Level,
    /// Lines scrolled up from the newest (0 follows new lines).
    pub scroll: usize,
}

impl Default for LogBuffer {
    fn default() -> Self {
        LogBuffer {
            lines: VecDeque::new(),
            level: Level::Info,
            scroll: 0,
        }
    }
}

impl LogBuffer {
    /// Adds a line, dropping the oldest beyond [`LOG_CAPACITY`].
    pub fn push(&mut self, line: LogLine) {
        if self.lines.len() == LOG_CAPACITY {
            self.lines.pop_front();
        }
        if self.scroll > 0 && line.level <= self.level {
            self.scroll += 1;
        }
        self.lines.push_back(line);
    }

    /// The lines passing the level filter, oldest first.
    pub fn visible(&self) -> impl DoubleEndedIterator<Item = &LogLine> {
        self.lines.iter().filter(move |l| l.level <= self.level)
    }

    /// Next level: Info → Debug → Error → Warn → Info.
    pub fn cycle_level(&mut self) {
        self.level = match self.level {
            Level::Info => Level::Debug,
            Level::Debug => Level::Error,
            Level::Error => Level::Warn,
            Level::Warn => Level::Info,
        };
        self.scroll = 0;
    }

    /// Scrolls towards older lines (positive) or newer ones (negative).
    pub fn scroll_by(&mut self, delta: isize) {
        let max = self.visible().count().saturating_sub(1);
        self.scroll = self.scroll.saturating_add_signed(delta).min(max);
    }
}
