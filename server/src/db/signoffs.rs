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
    /// When (epoch ms).
    pub signed_at: i64,
}

/// Records a sign-off and returns it.
pub async fn insert<'c>(
    db: impl Executor<'c, Database = Any>,
    new: &NewSignOff<'_>,
) -> Result<SignOff, sqlx::Error> {
    let basis = serde_json::to_string(new.basis).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let id: i64 = sqlx::query(
        "INSERT INTO signoffs (build_id, environment, verdict, notes, basis, signed_by, signed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(new.build_id)
    .bind(new.environment)
    .bind(new.verdict.as_str())
    .bind(new.notes)
    .bind(basis)
    .bind(new.signed_by)
    .bind(new.signed_at)
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
    })
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
    let Some(row) = row else { return Ok(None) };
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
    };
    Ok(Some((signoff, basis)))
}
