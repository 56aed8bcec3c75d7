//! The sign-in screen against the fake portal: wrong password, SAML user, unreachable portal and
//! TLS failures show inline with what to do; a good password signs in.

use std::time::Duration;

use agol_tui::app::effect::Effect;
use agol_tui::app::msg::Msg;
use agol_tui::app::signin::{SignInForm, Submit};
use agol_tui::app::state::{Screen, Settings, State};
use agol_tui::fake::{FakeConfig, FakePortal, sample};
use agol_tui::keymap::Keymap;
use agol_tui::tui::executor::{Executor, SignInTarget};
use agol_tui::tui::runtime::{Channels, dispatch};

/// Submits the form's answer through the real executor and returns the inline error, if any.
async fn submit(portal: &str, username: &str, password: &str) -> (State, Option<String>) {
    let mut ch = Channels::new();
    let mut exec = Executor::new(
        ch.tx.clone(),
        ch.coalescer.clone(),
        None,
        SignInTarget::default(),
        2,
    );
    let mut state = State::signed_out(
        Keymap::default(),
        Settings::default(),
        SignInForm::default(),
    );
    exec.run(Effect::SignIn(Submit::Password {
        portal: portal.into(),
        username: username.into(),
        password: password.into(),
    }));
    let msg = tokio::time::timeout(Duration::from_secs(30), ch.rx.recv())
        .await
        .unwrap()
        .unwrap();
    let signed_in = matches!(msg, Msg::SignedIn(_));
    dispatch(&mut state, &mut exec, msg);
    let error = match &state.screen {
        Screen::SignIn(form) => form.error.clone(),
        _ => None,
    };
    assert!(
        signed_in || error.is_some(),
        "either signed in or an inline error"
    );
    (state, error)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_errors_are_inline_and_say_what_to_do() {
    let fake = FakePortal::start(FakeConfig::default()).await.unwrap();

    let (_, err) = submit(&fake.url(), sample::ADMIN_USERNAME, "wrong").await;
    let err = err.expect("wrong password is reported");
    assert!(err.contains("invalid username or password"), "{err}");
    assert!(!err.contains("wrong"), "the password is not echoed: {err}");

    let (_, err) = submit(&fake.url(), sample::SAML_USERNAME, "anything").await;
    assert!(
        err.unwrap().contains("--oauth"),
        "SAML users are sent to OAuth"
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (_, err) = submit(&format!("http://127.0.0.1:{port}"), "u", "p").await;
    assert!(err.unwrap().contains("cannot reach"), "unreachable portal");

    let tls = FakePortal::start(FakeConfig {
        tls: true,
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let (_, err) = submit(&tls.url(), sample::ADMIN_USERNAME, sample::ADMIN_PASSWORD).await;
    let err = err.unwrap();
    assert!(err.contains("TLS") && err.contains("--ca-file"), "{err}");

    let (state, err) = submit(&fake.url(), sample::ADMIN_USERNAME, sample::ADMIN_PASSWORD).await;
    assert!(err.is_none(), "{err:?}");
    assert!(
        !matches!(state.screen, Screen::SignIn(_)),
        "signed in: the content tree shows"
    );
}
