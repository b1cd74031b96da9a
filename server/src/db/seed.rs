//! Demo data for a first look (labelled as such in the UI) and bulk history for benchmarks.
//! Both write builds and deployment records directly; real deployments come from the engine.

use super::{builds, deployments};
use app::domain::{
    AmiId, Artifact, BuildChange, DeploymentKind, HttpUrl, NewBuild, Outcome, Revision, Version,
};
use sqlx::AnyPool;

/// A small deterministic generator, so the demo looks the same on every machine.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn hex(&mut self, len: usize) -> String {
        let mut text = String::new();
        while text.len() < len {
            text.push_str(&format!("{:016x}", self.next()));
        }
        text.truncate(len);
        text
    }
    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const AUTHORS: &[&str] = &["ana", "bo", "chen", "dev.k", "eli"];
const SUMMARIES: &[&str] = &[
    "Speed up the invoice export",
    "Fix time zone in reports",
    "Retry payment webhook on 5xx",
    "Upgrade TLS library",
    "Add audit trail to settings",
    "Trim cold-start time",
    "Fix pagination off-by-one",
    "New onboarding checklist",
];
const DEPLOYERS: &[&str] = &["dana", "lee", "morgan"];

fn demo_build(dice: &mut Dice, version: &str) -> Result<NewBuild, String> {
    let changes = (0..1 + dice.next() % 3)
        .map(|_| {
            Ok(BuildChange {
                revision: Revision::parse(&dice.hex(40))?,
                summary: dice.pick(SUMMARIES).to_owned(),
                author: dice.pick(AUTHORS).to_owned(),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(NewBuild {
        version: Version::parse(version)?,
        revision: Revision::parse(&dice.hex(40))?,
        artifact: Artifact::Image {
            ami_id: AmiId::parse(&format!("ami-{}", dice.hex(17)))?,
        },
        changes,
        ci_url: HttpUrl::parse(&format!("https://ci.example.com/greenlight-demo/{version}")).ok(),
        schema_version: None,
    })
}

/// Seeds demo builds and deployment records when the database has no builds. Returns
/// whether it seeded.
pub async fn demo(pool: &AnyPool, environments: &[String], now: i64) -> Result<bool, sqlx::Error> {
    let mut tx = super::begin_write(pool).await?;
    if builds::count(&mut *tx).await? > 0 {
        return Ok(false);
    }
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
    let hour = 3_600_000;
    let versions = [
        "1.0.0", "1.0.1", "1.1.0", "1.1.1", "1.2.0", "1.2.1", "1.3.0", "1.3.1", "1.4.0", "1.4.1",
        "1.4.2",
    ];
    let count = versions.len() as i64;
    for (index, version) in versions.iter().enumerate() {
        let index = index as i64;
        let new = demo_build(&mut dice, version).map_err(sqlx::Error::Protocol)?;
        let registered = now - (count - index) * 70 * hour;
        let hash = format!("demo-{version}");
        let build = builds::insert(&mut *tx, &new, &hash, "ci", registered).await?;
        // The newest builds have not travelled far yet; the last one is nowhere.
        let depth = match count - 1 - index {
            0 => 0,
            1 => 1,
            2 => 2,
            _ => environments.len(),
        };
        for (stage, env) in environments.iter().take(depth).enumerate() {
            let started = registered + (stage as i64 + 1) * 9 * hour;
            let kind = if stage == 0 {
                DeploymentKind::Deploy
            } else {
                DeploymentKind::Promote
            };
            let trouble = *version == "1.2.1" && stage == environments.len() - 1;
            if trouble {
                let failed = deployments::NewDeployment {
                    environment: env,
                    build_id: build.id,
                    kind,
                    outcome: Outcome::RolledBack,
                    started_by: dice.pick(DEPLOYERS),
                    started_at: started,
                    finished_at: Some(started + 600_000),
                    notes: "5xx alarm fired during the verify window",
                    demo: true,
                };
                deployments::insert(&mut *tx, &failed).await?;
            }
            let ok = deployments::NewDeployment {
                environment: env,
                build_id: build.id,
                kind,
                outcome: Outcome::Succeeded,
                started_by: dice.pick(DEPLOYERS),
                started_at: started + if trouble { 2 * hour } else { 0 },
                finished_at: Some(started + if trouble { 2 * hour } else { 0 } + 420_000),
                notes: if trouble {
                    "second attempt after the fix to the alarm threshold"
                } else {
                    ""
                },
                demo: true,
            };
            deployments::insert(&mut *tx, &ok).await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// Writes `count` deployment records spread over the past, over `builds` builds, for
/// benchmarks. Rows are marked as demo data.
pub async fn history(
    pool: &AnyPool,
    environments: &[String],
    count: usize,
    builds_wanted: usize,
    now: i64,
) -> Result<(), sqlx::Error> {
    let mut dice = Dice(0x2545_f491_4f6c_dd1d);
    let mut build_ids = Vec::with_capacity(builds_wanted);
    let mut tx = super::begin_write(pool).await?;
    for index in 0..builds_wanted {
        let version = format!("9.{}.{}", index / 100, index % 100);
        let new = demo_build(&mut dice, &version).map_err(sqlx::Error::Protocol)?;
        let at = now - (builds_wanted - index) as i64 * 3_600_000;
        build_ids.push(builds::insert(&mut *tx, &new, "bench", "ci", at).await?.id);
    }
    tx.commit().await?;
    let span = 2 * 365 * 86_400_000_i64;
    for chunk in (0..count).collect::<Vec<_>>().chunks(5000) {
        let mut tx = super::begin_write(pool).await?;
        for &row in chunk {
            let started = now - span + (row as i64) * span / count as i64;
            let outcome = match dice.next() % 20 {
                0 => Outcome::Failed,
                1 => Outcome::RolledBack,
                _ => Outcome::Succeeded,
            };
            let new = deployments::NewDeployment {
                environment: &environments[row % environments.len()],
                build_id: build_ids[(row * build_ids.len()) / count],
                kind: if row % environments.len() == 0 {
                    DeploymentKind::Deploy
                } else {
                    DeploymentKind::Promote
                },
                outcome,
                started_by: dice.pick(DEPLOYERS),
                started_at: started,
                finished_at: Some(started + 300_000),
                notes: "",
                demo: true,
            };
            deployments::insert(&mut *tx, &new).await?;
        }
        tx.commit().await?;
    }
    // Fresh statistics, as autovacuum would gather later: without them PostgreSQL plans the
    // history queries for an empty table.
    sqlx::query("ANALYZE").execute(pool).await?;
    Ok(())
}
