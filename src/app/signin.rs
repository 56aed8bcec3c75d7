//! The sign-in screen's form: portal URL, username and masked password, or OAuth (client id,
//! then the authorize URL and a field for the pasted code). Errors show inline.

use tui_input::{Input, InputRequest};

use crate::keymap::{Key, KeyCode};

/// How to sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Username and password.
    Password,
    /// OAuth with a pasted code (SAML, MFA, social logins).
    OAuth,
}

/// A form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Portal URL.
    Portal,
    /// Username.
    Username,
    /// Password (masked).
    Password,
    /// OAuth client id.
    ClientId,
    /// The code pasted back from the browser.
    Code,
}

impl Field {
    /// The label shown.
    pub fn label(self) -> &'static str {
        match self {
            Field::Portal => "Portal URL",
            Field::Username => "Username",
            Field::Password => "Password",
            Field::ClientId => "OAuth client id",
            Field::Code => "Code",
        }
    }
}

/// What the form asks for when submitted.
#[derive(Debug, Clone, PartialEq)]
pub enum Submit {
    /// Sign in with a password.
    Password {
        /// Portal URL.
        portal: String,
        /// Username.
        username: String,
        /// Password.
        password: String,
    },
    /// Get the authorize URL for OAuth.
    OAuthBegin {
        /// Portal URL.
        portal: String,
        /// Client id.
        client_id: String,
    },
    /// Exchange the pasted code.
    OAuthCode {
        /// The code.
        code: String,
    },
}

/// The form.
#[derive(Debug, Clone, Default)]
pub struct SignInForm {
    /// Portal URL.
    pub portal: Input,
    /// Username.
    pub username: Input,
    /// Password.
    pub password: Input,
    /// OAuth client id.
    pub client_id: Input,
    /// Pasted code.
    pub code: Input,
    /// OAuth chosen.
    pub oauth: bool,
    /// The authorize URL once asked for.
    pub authorize_url: Option<String>,
    /// Focused field index in [`SignInForm::fields`].
    pub focus: usize,
    /// The last error, shown under the form.
    pub error: Option<String>,
    /// A request is in flight.
    pub busy: bool,
}

impl SignInForm {
    /// A form prefilled from a profile.
    pub fn new(portal: &str, username: &str) -> SignInForm {
        let mut f = SignInForm {
            portal: Input::new(portal.to_string()),
            username: Input::new(username.to_string()),
            ..SignInForm::default()
        };
        if !portal.is_empty() {
            f.focus = if username.is_empty() { 1 } else { 2 };
        }
        f
    }

    /// The sign-in method.
    pub fn method(&self) -> Method {
        if self.oauth {
            Method::OAuth
        } else {
            Method::Password
        }
    }

    /// The fields shown, in order.
    pub fn fields(&self) -> Vec<Field> {
        match (self.oauth, self.authorize_url.is_some()) {
            (false, _) => vec![Field::Portal, Field::Username, Field::Password],
            (true, false) => vec![Field::Portal, Field::ClientId],
            (true, true) => vec![Field::Portal, Field::ClientId, Field::Code],
        }
    }

    /// The focused field.
    pub fn focused(&self) -> Field {
        let f = self.fields();
        f[self.focus.min(f.len() - 1)]
    }

    /// A field's input.
    pub fn input(&self, field: Field) -> &Input {
        match field {
            Field::Portal => &self.portal,
            Field::Username => &self.username,
            Field::Password => &self.password,
            Field::ClientId => &self.client_id,
            Field::Code => &self.code,
        }
    }

    fn input_mut(&mut self, field: Field) -> &mut Input {
        match field {
            Field::Portal => &mut self.portal,
            Field::Username => &mut self.username,
            Field::Password => &mut self.password,
            Field::ClientId => &mut self.client_id,
            Field::Code => &mut self.code,
        }
    }

    /// Handles a key; returns what to submit when Enter is pressed on a complete form.
    pub fn key(&mut self, key: Key) -> Option<Submit> {
        if self.busy {
            return None;
        }
        let n = self.fields().len();
        match key.code {
            KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1) % n,
            KeyCode::BackTab | KeyCode::Up => self.focus = (self.focus + n - 1) % n,
            KeyCode::Char('o') if key.ctrl => {
                self.oauth = !self.oauth;
                self.authorize_url = None;
                self.error = None;
                self.focus = 0;
            }
            KeyCode::Enter => return self.submit(),
            _ => {
                let req = match key.code {
                    KeyCode::Char('u') if key.ctrl => Some(InputRequest::DeleteLine),
                    KeyCode::Char('w') if key.ctrl => Some(InputRequest::DeletePrevWord),
                    KeyCode::Char('a') if key.ctrl => Some(InputRequest::GoToStart),
                    KeyCode::Char('e') if key.ctrl => Some(InputRequest::GoToEnd),
                    KeyCode::Char(c) if !key.ctrl && !key.alt => Some(InputRequest::InsertChar(c)),
                    KeyCode::Backspace => Some(InputRequest::DeletePrevChar),
                    KeyCode::Delete => Some(InputRequest::DeleteNextChar),
                    KeyCode::Left => Some(InputRequest::GoToPrevChar),
                    KeyCode::Right => Some(InputRequest::GoToNextChar),
                    KeyCode::Home => Some(InputRequest::GoToStart),
                    KeyCode::End => Some(InputRequest::GoToEnd),
                    _ => None,
                };
                if let Some(req) = req {
                    let field = self.focused();
                    self.input_mut(field).handle(req);
                }
            }
        }
        None
    }

    /// Pastes text into the focused field (the OAuth code, a long URL).
    pub fn paste(&mut self, text: &str) {
        let field = self.focused();
        for c in text.trim().chars().filter(|c| !c.is_control()) {
            self.input_mut(field).handle(InputRequest::InsertChar(c));
        }
    }

    fn submit(&mut self) -> Option<Submit> {
        let fields = self.fields();
        if let Some(i) = fields
            .iter()
            .position(|f| self.input(*f).value().trim().is_empty())
        {
            if i != self.focus {
                self.focus = i;
                return None;
            }
            self.error = Some(format!("{} is required", fields[i].label()));
            return None;
        }
        self.error = None;
        self.busy = true;
        let v = |f: Field| self.input(f).value().trim().to_string();
        Some(match (self.oauth, self.authorize_url.is_some()) {
            (false, _) => Submit::Password {
                portal: v(Field::Portal),
                username: v(Field::Username),
                password: self.password.value().to_string(),
            },
            (true, false) => Submit::OAuthBegin {
                portal: v(Field::Portal),
                client_id: v(Field::ClientId),
            },
            (true, true) => Submit::OAuthCode {
                code: v(Field::Code),
            },
        })
    }
}
