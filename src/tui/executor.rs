//! Runs the app's effects as tokio tasks; every result comes back as a [`Msg`]. Nothing here
//! blocks the loop: each effect is a spawn.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;
use tokio_util::sync::CancellationToken;

use super::sink::{ChannelSink, Coalescer};
use super::{package_job, restore_job};
use crate::app::backup::BackupFormat;
use crate::app::effect::Effect;
use crate::app::jobs::JobId;
use crate::app::msg::Msg;
use crate::app::signin::Submit;
use crate::app::state::Session;
use crate::client::auth::{
    OAuthCredentials, Pkce, RefreshTokenStore, authorize_url, exchange_code,
};
use crate::client::models::{Item, User};
use crate::client::{Client, Credentials, PortalUrl};
use crate::config::save::{ProfileUpdate, save_profile};
use crate::config::token_store::FileTokenStore;
use crate::config::{AuthMethod, paths};
use crate::engine::backup::run::{BackupOptions, run_backup_with};
use crate::engine::jobs::{ScanJob, VerifyJob, run_scan, run_verify};
use crate::engine::selection::Selection;
use crate::engine::tree::{ItemInfo, LoadRequest, Loaded};

/// A signed-in connection.
#[derive(Clone)]
pub struct Connection {
    /// The client.
    pub client: Client,
    /// Who signed in.
    pub me: User,
}

/// Where a sign-in from the form is saved.
#[derive(Debug, Clone, Default)]
pub struct SignInTarget {
    /// Profile name.
    pub profile: String,
    /// Config file to save it in; `None` does not save (the demo).
    pub config_path: Option<PathBuf>,
    /// Extra CA file.
    pub ca_file: Option<PathBuf>,
    /// Plain http allowed to non-loopback portals.
    pub allow_http: bool,
    /// Request limits from `[limits]`.
    pub limits: crate::client::Limits,
}

/// Runs effects.
pub struct Executor {
    tx: UnboundedSender<Msg>,
    coalescer: Arc<Coalescer>,
    conn: Arc<Mutex<Option<Connection>>>,
    cancels: HashMap<JobId, (CancellationToken, Option<AbortHandle>)>,
    target: SignInTarget,
    oauth: Arc<Mutex<Option<(Pkce, PortalUrl, String)>>>,
    workers: usize,
    staging_root: PathBuf,
}

impl Executor {
    /// An executor sending results to `tx`.
    pub fn new(
        tx: UnboundedSender<Msg>,
        coalescer: Arc<Coalescer>,
        conn: Option<Connection>,
        target: SignInTarget,
        workers: usize,
    ) -> Executor {
        Executor {
            tx,
            coalescer,
            conn: Arc::new(Mutex::new(conn)),
            cancels: HashMap::new(),
            target,
            oauth: Arc::new(Mutex::new(None)),
            workers,
            staging_root: crate::config::paths::package_staging_root(),
        }
    }

    /// Where packages are staged before a restore (default `$AGOL_DATA_DIR/packages`).
    pub fn set_staging_root(&mut self, root: PathBuf) {
        self.staging_root = root;
    }

    fn connection(&self) -> Option<Connection> {
        self.conn.lock().ok().and_then(|c| c.clone())
    }

    /// Starts one effect.
    pub fn run(&mut self, effect: Effect) {
        match effect {
            Effect::Quit => {}
            Effect::Cancel(job) => {
                if let Some((token, abort)) = self.cancels.get(&job) {
                    token.cancel();
                    if let Some(a) = abort {
                        a.abort();
                        let _ = self.tx.send(Msg::JobEnded {
                            job,
                            result: Err("cancelled".into()),
                        });
                    }
                }
            }
            Effect::SignIn(submit) => self.sign_in(submit),
            Effect::Load {
                node,
                generation,
                request,
            } => {
                let Some(conn) = self.connection() else {
                    return;
                };
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let result = load(&conn, request).await;
                    if let Err(e) = &result {
                        tracing::warn!("listing failed: {e}");
                    }
                    let _ = tx.send(Msg::Loaded {
                        node,
                        generation,
                        result,
                    });
                });
            }
            Effect::Backup {
                job,
                ids,
                dest,
                format,
            } => {
                let Some(conn) = self.connection() else {
                    return;
                };
                let token = CancellationToken::new();
                let sink = ChannelSink::new(job, self.tx.clone(), self.coalescer.clone());
                let tx = self.tx.clone();
                let cancel = token.clone();
                let workers = self.workers;
                tokio::spawn(async move {
                    let selection = Selection {
                        ids,
                        ..Selection::default()
                    };
                    let options = BackupOptions {
                        dest,
                        workers,
                        full: false,
                        with_dependencies: false,
                        geojson: false,
                        thumbnails: true,
                        attachments: true,
                        export: format.export().map(str::to_string),
                    };
                    tracing::info!("backup #{} started into {}", job.0, options.dest.display());
                    // A package carries only hosted feature services' exports, as
                    // `backup --format contentexport` does: other services are not exported.
                    let hosted_only = format == BackupFormat::Package;
                    let result = run_backup_with(
                        &conn.client,
                        &conn.me,
                        &selection,
                        &options,
                        hosted_only,
                        &sink,
                        &cancel,
                    )
                    .await
                    .map(|report| {
                        for (id, title, reason) in report.failures() {
                            tracing::warn!("backup #{}: {title} ({id}) failed: {reason}", job.0);
                        }
                        let t = &report.manifest.totals;
                        let summary = format!(
                            "snapshot {}: {} ok, {} failed, {} new bytes → {}",
                            report.snapshot,
                            t.ok,
                            t.failed,
                            t.new_bytes,
                            report.dir.display()
                        );
                        (report.snapshot.clone(), summary)
                    });
                    let result = match (result, format) {
                        (Err(e), _) => Err(e),
                        (Ok((_, summary)), BackupFormat::Archive) => Ok(summary),
                        (Ok((snapshot, summary)), BackupFormat::Package) => {
                            tracing::info!(
                                "backup #{}: {summary}; writing it as a .contentexport package",
                                job.0
                            );
                            let d = options.dest.clone();
                            let s = snapshot.clone();
                            tokio::task::spawn_blocking(move || {
                                package_job::write_after_backup(&d, &s)
                            })
                            .await
                            .unwrap_or_else(|e| Err(format!("writing the package crashed: {e}")))
                            .map(|written| format!("{written}; {summary}"))
                            .map_err(|e| {
                                format!("snapshot {snapshot} backed up, but no package: {e}")
                            })
                        }
                    };
                    log_end(job, "backup", &result);
                    let _ = tx.send(Msg::JobEnded { job, result });
                });
                self.cancels.insert(job, (token, None));
            }
            Effect::Scan { job, ids, out } => {
                let Some(conn) = self.connection() else {
                    return;
                };
                let sink = ChannelSink::new(job, self.tx.clone(), self.coalescer.clone());
                let tx = self.tx.clone();
                let workers = self.workers;
                let handle = tokio::spawn(async move {
                    let selection = Selection {
                        all: ids.is_empty(),
                        ids,
                        ..Selection::default()
                    };
                    // A fresh file per job: an existing one (a rerun) is the index.
                    let scan_job = ScanJob {
                        selection,
                        workers,
                        index: out.is_file().then(|| out.clone()),
                        out,
                    };
                    let result = run_scan(&conn.client, &conn.me, &scan_job, &sink)
                        .await
                        .map(|summary| summary.to_string())
                        .map_err(|e| e.to_string());
                    log_end(job, "scan", &result);
                    let _ = tx.send(Msg::JobEnded { job, result });
                });
                self.cancels
                    .insert(job, (CancellationToken::new(), Some(handle.abort_handle())));
            }
            Effect::ListRestoreSources { dest } => {
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let msg = tokio::task::spawn_blocking(move || {
                        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
                        Msg::RestoreSources {
                            snapshots: restore_job::list_snapshots(&dest),
                            packages: package_job::list_packages(&dest, &cwd),
                        }
                    })
                    .await
                    .unwrap_or_else(|e| Msg::RestoreSources {
                        snapshots: Err(format!("listing restore sources crashed: {e}")),
                        packages: Vec::new(),
                    });
                    let _ = tx.send(msg);
                });
            }
            Effect::ReadPackage { path } => {
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let p = path.clone();
                    let result = tokio::task::spawn_blocking(move || package_job::read_package(&p))
                        .await
                        .unwrap_or_else(|e| Err(format!("reading the package crashed: {e}")));
                    if let Err(e) = &result {
                        tracing::warn!("cannot restore from {path}: {e}");
                    }
                    let _ = tx.send(Msg::PackageRead { path, result });
                });
            }
            Effect::RestorePackage {
                job,
                package,
                ids,
                on_conflict,
                dry_run,
            } => {
                let Some(conn) = self.connection() else {
                    let _ = self.tx.send(Msg::JobEnded {
                        job,
                        result: Err("not signed in".into()),
                    });
                    return;
                };
                let token = CancellationToken::new();
                let sink = ChannelSink::new(job, self.tx.clone(), self.coalescer.clone());
                let tx = self.tx.clone();
                let cancel = token.clone();
                let staging_root = self.staging_root.clone();
                tokio::spawn(async move {
                    let req = package_job::PackageRestore {
                        staging_root,
                        package,
                        ids,
                        on_conflict,
                        dry_run,
                    };
                    let result =
                        package_job::restore_package(&conn, req, job.0, &sink, &cancel).await;
                    log_end(job, "restore", &result);
                    let _ = tx.send(Msg::JobEnded { job, result });
                });
                self.cancels.insert(job, (token, None));
            }
            Effect::Restore {
                job,
                dest,
                snapshot,
                ids,
                on_conflict,
                dry_run,
            } => {
                let Some(conn) = self.connection() else {
                    return;
                };
                let token = CancellationToken::new();
                let sink = ChannelSink::new(job, self.tx.clone(), self.coalescer.clone());
                let tx = self.tx.clone();
                let cancel = token.clone();
                tokio::spawn(async move {
                    let req = restore_job::RestoreRequest {
                        dest,
                        snapshot,
                        ids,
                        on_conflict,
                        dry_run,
                    };
                    let result = restore_job::run(&conn, req, job.0, &sink, &cancel).await;
                    log_end(job, "restore", &result);
                    let _ = tx.send(Msg::JobEnded { job, result });
                });
                self.cancels.insert(job, (token, None));
            }
            Effect::Verify { job, dest } => {
                let tx = self.tx.clone();
                let sink = ChannelSink::new(job, self.tx.clone(), self.coalescer.clone());
                tokio::spawn(async move {
                    let verify = VerifyJob {
                        dest,
                        snapshot: None,
                        all: false,
                    };
                    // Damaged archives are the job's failed items (drawn in its row and
                    // logged); only an unusable destination fails the job itself.
                    let result = tokio::task::spawn_blocking(move || {
                        let summary = run_verify(&verify, &sink).map_err(|e| e.to_string())?;
                        for line in summary.item_lines() {
                            tracing::warn!("verify: {line}");
                        }
                        Ok(summary.to_string())
                    })
                    .await
                    .unwrap_or_else(|e| Err(format!("verify crashed: {e}")));
                    log_end(job, "verify", &result);
                    let _ = tx.send(Msg::JobEnded { job, result });
                });
            }
        }
    }

    fn sign_in(&mut self, submit: Submit) {
        let tx = self.tx.clone();
        let conn_slot = self.conn.clone();
        let target = self.target.clone();
        let oauth = self.oauth.clone();
        tokio::spawn(async move {
            let result = sign_in(submit, &target, &oauth).await;
            match result {
                Ok(SignInStep::Url(url)) => {
                    let _ = tx.send(Msg::OAuthUrl(url));
                }
                Ok(SignInStep::Done(done)) => {
                    let (conn, session) = *done;
                    if let Ok(mut c) = conn_slot.lock() {
                        *c = Some(conn);
                    }
                    tracing::info!("signed in to {} as {}", session.portal, session.username);
                    let _ = tx.send(Msg::SignedIn(session));
                }
                Err(e) => {
                    let _ = tx.send(Msg::SignInFailed(e));
                }
            }
        });
    }
}

fn log_end(job: JobId, what: &str, result: &Result<String, String>) {
    match result {
        Ok(s) => tracing::info!("{what} #{} finished: {s}", job.0),
        Err(e) => tracing::error!("{what} #{} failed: {e}", job.0),
    }
}

enum SignInStep {
    Url(String),
    Done(Box<(Connection, Session)>),
}

type OAuthPending = Mutex<Option<(Pkce, PortalUrl, String)>>;

async fn sign_in(
    submit: Submit,
    target: &SignInTarget,
    oauth: &OAuthPending,
) -> Result<SignInStep, String> {
    let builder = |portal: PortalUrl| -> Result<_, String> {
        let mut b = Client::builder(portal).limits(target.limits);
        if let Some(ca) = &target.ca_file {
            b = b.ca_file(ca).map_err(|e| e.to_string())?;
        }
        Ok(b)
    };
    let (client, method, client_id) = match submit {
        Submit::Password {
            portal,
            username,
            password,
        } => {
            let portal = PortalUrl::parse(&portal, target.allow_http).map_err(|e| e.to_string())?;
            let client = builder(portal)?
                .credentials(Credentials::Password {
                    username,
                    password: secrecy::SecretString::from(password),
                })
                .build()
                .map_err(|e| e.to_string())?;
            client.sign_in().await.map_err(|e| e.to_string())?;
            (client, AuthMethod::Password, None)
        }
        Submit::OAuthBegin { portal, client_id } => {
            let portal = PortalUrl::parse(&portal, target.allow_http).map_err(|e| e.to_string())?;
            let pkce = Pkce::generate();
            let url = authorize_url(&portal, &client_id, &pkce, 20160);
            if let Ok(mut o) = oauth.lock() {
                *o = Some((pkce, portal, client_id));
            }
            return Ok(SignInStep::Url(url.to_string()));
        }
        Submit::OAuthCode { code } => {
            let Some((pkce, portal, client_id)) = oauth.lock().ok().and_then(|mut o| o.take())
            else {
                return Err("start again: the OAuth request was lost".into());
            };
            let anonymous = builder(portal.clone())?
                .build()
                .map_err(|e| e.to_string())?;
            let grant = exchange_code(&anonymous, &client_id, &code, &pkce.verifier)
                .await
                .map_err(|e| e.to_string())?;
            let store = Arc::new(FileTokenStore::for_profile(
                &paths::data_dir(),
                &target.profile,
                portal.root(),
                &client_id,
                grant.username.clone(),
            ));
            let creds = OAuthCredentials::from_grant(&client_id, &grant, Some(store.clone()))
                .map_err(|e| e.to_string())?;
            store
                .save(&creds.refresh_token, creds.refresh_expires_at)
                .map_err(|e| format!("cannot save the OAuth sign-in: {e}"))?;
            let client = builder(portal)?
                .credentials(Credentials::OAuth(creds))
                .build()
                .map_err(|e| e.to_string())?;
            (client, AuthMethod::OAuth, Some(client_id))
        }
    };
    let me = client.community_self().await.map_err(|e| e.to_string())?;
    let org = client.portal_self().await.map_err(|e| e.to_string())?;
    if let Some(path) = &target.config_path {
        save_profile(
            path,
            &ProfileUpdate {
                name: &target.profile,
                portal: client.portal().root(),
                username: Some(&me.username),
                auth: method,
                oauth_client_id: client_id.as_deref(),
                allow_http: target.allow_http,
                make_default: true,
            },
        )
        .map_err(|e| e.to_string())?;
    }
    let session = session_of(&client, &me, org.name.as_deref());
    Ok(SignInStep::Done(Box::new((
        Connection { client, me },
        session,
    ))))
}

/// The session shown in the title bar.
pub fn session_of(client: &Client, me: &User, org_name: Option<&str>) -> Session {
    Session {
        portal: client.portal().root().to_string(),
        username: me.username.clone(),
        role: me.role.clone().unwrap_or_else(|| "user".into()),
        org_name: org_name.unwrap_or("(unnamed org)").to_string(),
    }
}

async fn load(conn: &Connection, request: LoadRequest) -> Result<Loaded, String> {
    let c = &conn.client;
    match request {
        LoadRequest::OrgUsers => {
            if conn.me.is_org_admin() {
                let mut users: Vec<String> = c
                    .org_users()
                    .await
                    .map_err(|e| e.to_string())?
                    .into_iter()
                    .map(|u| u.username)
                    .collect();
                users.sort_by_key(|u| u.to_lowercase());
                Ok(Loaded::Users(users))
            } else {
                Ok(Loaded::Users(vec![conn.me.username.clone()]))
            }
        }
        LoadRequest::UserRoot { username } => {
            let root = c.user_root(&username).await.map_err(|e| e.to_string())?;
            Ok(Loaded::UserRoot {
                folders: root.folders.into_iter().map(|f| (f.id, f.title)).collect(),
                items: root.items.iter().map(info).collect(),
            })
        }
        LoadRequest::Folder {
            username,
            folder_id,
        } => {
            let items = c
                .folder_items(&username, &folder_id)
                .await
                .map_err(|e| e.to_string())?;
            Ok(Loaded::Items(items.iter().map(info).collect()))
        }
    }
}

fn info(i: &Item) -> ItemInfo {
    ItemInfo {
        id: i.id.clone(),
        title: i.title.clone(),
        item_type: i.item_type.clone(),
        owner: i.owner.clone(),
        size: i.size.max(0) as u64,
        modified: i.modified,
    }
}
