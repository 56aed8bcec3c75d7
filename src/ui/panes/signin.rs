//! The sign-in screen: portal URL, username and masked password, or OAuth with the authorize
//! URL to open elsewhere and a field for the pasted code; errors inline.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::block;
use crate::app::signin::{Field, SignInForm};
use crate::ui::style;

/// Draws the form centred in `area`.
pub fn render(form: &SignInForm, frame: &mut Frame, area: Rect) {
    let w = area.width.min(76);
    let h = area
        .height
        .min(if form.authorize_url.is_some() { 22 } else { 16 });
    let [_, mid, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(h),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [_, r, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(w),
        Constraint::Fill(1),
    ])
    .areas(mid);
    frame.render_widget(Clear, r);
    let b = block(" agol-tui · Sign in to ArcGIS Online / Enterprise ", true);
    let inner = b.inner(r);
    frame.render_widget(b, r);
    let mut lines: Vec<Line> = Vec::new();
    let method = if form.oauth {
        "OAuth (SAML, MFA, social logins)"
    } else {
        "Username and password"
    };
    lines.push(Line::from(vec![
        Span::raw("Method: "),
        Span::styled(method, style::key()),
        Span::styled("   Ctrl-O switches", style::dim()),
    ]));
    lines.push(Line::raw(""));
    let field_w = (inner.width as usize).saturating_sub(18);
    let focused = form.focused();
    let mut cursor = None;
    for f in form.fields() {
        let input = form.input(f);
        let shown: String = if f == Field::Password {
            "•".repeat(input.value().chars().count())
        } else {
            input.value().to_string()
        };
        let scroll = input.visual_scroll(field_w.saturating_sub(1));
        let visible: String = shown.chars().skip(scroll).take(field_w).collect();
        let is_focused = f == focused;
        if is_focused {
            cursor = Some((
                inner.x + 17 + (input.visual_cursor().saturating_sub(scroll)) as u16,
                inner.y + lines.len() as u16,
            ));
        }
        lines.push(Line::from(vec![
            Span::styled(
                format!("{}{:<15} ", if is_focused { "›" } else { " " }, f.label()),
                if is_focused {
                    style::key()
                } else {
                    style::dim()
                },
            ),
            Span::styled(
                format!("{visible:<field_w$}"),
                if is_focused {
                    style::cursor(true)
                } else {
                    ratatui::style::Style::new().add_modifier(ratatui::style::Modifier::UNDERLINED)
                },
            ),
        ]));
        if f == Field::ClientId
            && let Some(url) = &form.authorize_url
        {
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "Open this URL in a browser on any machine, sign in, paste the code below:",
                style::dim(),
            ));
            lines.push(Line::styled(url.clone(), style::key()));
            lines.push(Line::raw(""));
        }
    }
    lines.push(Line::raw(""));
    if form.busy {
        lines.push(Line::styled("Signing in…", style::key()));
    } else if let Some(e) = &form.error {
        lines.push(Line::styled(format!("✗ {e}"), style::error()));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Enter signs in · Tab next field · Esc quits · the profile is saved without secrets",
        style::dim(),
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if let Some((x, y)) = cursor
        && y < inner.bottom()
        && x < inner.right()
    {
        frame.set_cursor_position((x, y));
    }
}
