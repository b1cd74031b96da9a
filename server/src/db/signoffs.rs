//! QA sign-offs, stored with the basis they were given for.

use app::domain::signoff::{Basis, SignOff, Verdict};
use app::domain::Timestamp;
use sqlx::{Any, Executor, Row};

/// A sign-off to record.
#[derive(Debug, Clone)]
pub struct NewSignOff<'a> {
    /// The build's id.
    pub build_id: i64,
    /// The environment.
    pub environment: &'a str,
    /// The verdict.
    pub verdict: Verdict,
    /// QA's notes.
    pub notes: &'a str,
    /// What was tested.
    pub basis: &'a Basis,
    /// Who signed.
    pub signed_by: &'a str,
    /// Their user id (four-eyes compares ids, so it holds across a rename); none for the
    /// demo's made-up QA, who is no user.
    pub signed_by_id: Option<i64>,
    /// When (epoch ms).
    pub signed_at: i64,
    /// For a sign-off Greenlight records because a release's acceptance hooks passed: that
    /// deployment.
    pub automated_by: Option<i64>,
}

/// The SHA-256 of what a basis recorded of its environment (the same hash a deployment
/// snapshot of that side has).
pub fn fingerprint(basis: &Basis) -> Option<String> {
    let side = basis.side.as_ref()?;
    super::snapshots::hash_of(side).ok().map(|(_, hash)| hash)
}

/// Records a sign-off and returns it.
pub async fn insert<'c>(
    db: impl Executor<'c, Database = Any>,
    new: &NewSignOff<'_>,
) -> Result<SignOff, sqlx::Error> {
    let basis = serde_json::to_string(new.basis).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let id: i64 = sqlx::query(
        "INSERT INTO signoffs (build_id, environment, verdict, notes, basis, signed_by, signed_by_id, signed_at, automated_by_deployment) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(new.build_id)
    .bind(new.environment)
    .bind(new.verdict.as_str())
    .bind(new.notes)
    .bind(basis)
    .bind(new.signed_by)
    .bind(new.signed_by_id)
    .bind(new.signed_at)
    .bind(new.automated_by)
    .fetch_one(db)
    .await?
    .try_get("id")?;
    Ok(SignOff {
        id,
        build: new.basis.version.clone(),
        environment: new.environment.to_owned(),
        verdict: new.verdict,
        notes: new.notes.to_owned(),
        signed_by: new.signed_by.to_owned(),
        signed_at: Timestamp::from_millis(new.signed_at),
        image_id: new.basis.image_id.clone(),
        fingerprint: fingerprint(new.basis),
    })
}

/// Whether Greenlight recorded a sign-off for deployment `deployment_id`'s acceptance hooks.
pub async fn automated_for<'c>(
    db: impl Executor<'c, Database = Any>,
    deployment_id: i64,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("SELECT id FROM signoffs WHERE automated_by_deployment = $1")
        .bind(deployment_id)
        .fetch_optional(db)
        .await?;
    Ok(row.is_some())
}

/// Every sign-off of a build, all environments, newest first, with its basis and the
/// deployments that relied on it.
pub async fn for_build<'c>(
    db: impl Executor<'c, Database = Any>,
    build_id: i64,
) -> Result<Vec<(SignOff, Basis, Vec<i64>)>, sqlx::Error> {
    // One read: each sign-off once per deployment that relied on it (or once, with none).
    let rows = sqlx::query(
        "SELECT s.id, b.version, s.environment, s.verdict, s.notes, s.basis, s.signed_by, s.signed_at, \
         d.id AS relied_on FROM signoffs s JOIN builds b ON b.id = s.build_id \
         LEFT JOIN deployments d ON d.signoff_id = s.id WHERE s.build_id = $1 \
         ORDER BY s.signed_at DESC, s.id DESC, d.id",
    )
    .bind(build_id)
    .fetch_all(db)
    .await?;
    let mut all: Vec<(SignOff, Basis, Vec<i64>)> = Vec::new();
    for row in &rows {
        let relied = super::opt_i64(row, "relied_on")?;
        let id: i64 = row.try_get("id")?;
        match all.last_mut() {
            Some((last, _, deployments)) if last.id == id => deployments.extend(relied),
            _ => {
                let (signoff, basis) = decode(row)?;
                all.push((signoff, basis, relied.into_iter().collect()));
            }
        }
    }
    Ok(all)
}

fn decode(row: &sqlx::any::AnyRow) -> Result<(SignOff, Basis), sqlx::Error> {
    let verdict: String = row.try_get("verdict")?;
    let basis: String = row.try_get("basis")?;
    let basis: Basis =
        serde_json::from_str(&basis).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let signoff = SignOff {
        id: row.try_get("id")?,
        build: row.try_get("version")?,
        environment: row.try_get("environment")?,
        verdict: Verdict::parse(&verdict).map_err(|e| sqlx::Error::Decode(e.into()))?,
        notes: row.try_get("notes")?,
        signed_by: row.try_get("signed_by")?,
        signed_at: Timestamp::from_millis(row.try_get("signed_at")?),
        image_id: basis.image_id.clone(),
        fingerprint: fingerprint(&basis),
    };
    Ok((signoff, basis))
}

/// The newest sign-off of a build in an environment, with its basis.
pub async fn latest<'c>(
    db: impl Executor<'c, Database = Any>,
    build_id: i64,
    environment: &str,
) -> Result<Option<(SignOff, Basis)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT s.id, b.version, s.environment, s.verdict, s.notes, s.basis, s.signed_by, s.signed_at \
         FROM signoffs s JOIN builds b ON b.id = s.build_id WHERE s.build_id = $1 AND s.environment = $2 \
         ORDER BY s.signed_at DESC, s.id DESC LIMIT 1",
    )
    .bind(build_id)
    .bind(environment)
    .fetch_optional(db)
    .await?;
    row.map(|row| decode(&row)).transpose()
}

/// The user id of a sign-off's signer; `None` for one whose signer's name matched no user when
/// ids were first recorded.
pub async fn signer_id<'c>(
    db: impl Executor<'c, Database = Any>,
    signoff_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query("SELECT signed_by_id FROM signoffs WHERE id = $1")
        .bind(signoff_id)
        .fetch_optional(db)
        .await?;
    match row {
        Some(row) => super::opt_i64(&row, "signed_by_id"),
        None => Ok(None),
    }
}
