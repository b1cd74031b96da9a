//! Baking against moto with the real SDK clients: the `aws` adapter sends CreateImage's
//! `NoReboot` as asked, and a promotion into PROD takes the STAGING instance it images out of
//! traffic first and registers it again after (or, with `bake_no_reboot`, leaves it serving
//! and images it without reboot). moto accepts `NoReboot` but ignores it: it neither reboots
//! an instance nor keeps the flag anywhere a client could read it. So what the adapter sent is
//! read off the wire, by an SDK interceptor on the clients, in the order it was sent.

use crate::moto::{clients, fixture, start};
use crate::moto_engine::{world_with, World};
use app::domain::Strategy;
use aws_sdk_ec2::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_ec2::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_ec2::error::BoxError;
use greenlight::cloud::aws::AwsClients;
use greenlight::cloud::{tag, Cloud, ImageState, Tags};
use greenlight::service::deployments;
use std::sync::{Arc, Mutex};

/// Every request body the clients sent, in order.
#[derive(Debug, Clone, Default)]
struct Wire(Arc<Mutex<Vec<String>>>);

impl Wire {
    /// `aws` with this wire tapped on its EC2 and ELB clients.
    fn tap(&self, aws: AwsClients) -> AwsClients {
        let ec2 = aws.ec2.config().to_builder().interceptor(self.clone());
        let elb = aws.elb.config().to_builder().interceptor(self.clone());
        AwsClients {
            ec2: aws_sdk_ec2::Client::from_conf(ec2.build()),
            elb: aws_sdk_elasticloadbalancingv2::Client::from_conf(elb.build()),
            cloudwatch: aws.cloudwatch,
            ssm: aws.ssm,
            calls: aws.calls,
        }
    }

    /// Positions of the `action` requests that name `instance`.
    fn naming(&self, action: &str, instance: &str) -> Vec<usize> {
        let sent = self.sent(action).into_iter();
        sent.filter(|(_, body)| body.contains(instance))
            .map(|(n, _)| n)
            .collect()
    }

    /// Positions and bodies of the `action` requests (query protocol: `Action=…&…`).
    fn sent(&self, action: &str) -> Vec<(usize, String)> {
        let prefix = format!("Action={action}&");
        let bodies = self.0.lock().expect("wire");
        bodies
            .iter()
            .enumerate()
            .filter(|(_, body)| body.starts_with(&prefix))
            .map(|(n, body)| (n, body.clone()))
            .collect()
    }
}

impl Intercept for Wire {
    fn name(&self) -> &'static str {
        "wire tap"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(body) = context.request().body().bytes() {
            let body = String::from_utf8_lossy(body).into_owned();
            self.0.lock().expect("wire").push(body);
        }
        Ok(())
    }
}

#[tokio::test]
async fn aws_adapter_sends_no_reboot_on_the_wire_as_asked() {
    let moto = start().await;
    let wire = Wire::default();
    let aws = wire.tap(clients(&moto).await);
    let f = fixture(&aws).await;
    let spec = crate::moto::one_instance(
        &f,
        Tags::from([(tag::ENVIRONMENT.to_owned(), "staging".to_owned())]),
        "bake-wire",
    );
    let instance = aws.launch(&spec).await.expect("launch")[0].id.clone();
    for (name, no_reboot) in [("greenlight-a", true), ("greenlight-b", false)] {
        aws.create_image(&instance, name, &Tags::new(), no_reboot)
            .await
            .expect("create image");
        let image = aws.find_image(name).await.expect("find").expect("made");
        assert_eq!(image.state, ImageState::Available);
    }
    let sent = wire.sent("CreateImage");
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent[0].1.contains("NoReboot=true"), "{}", sent[0].1);
    assert!(sent[1].1.contains("NoReboot=false"), "{}", sent[1].1);
}

/// PROD (target-group) baked from STAGING (target-group, two instances): 1.0.0 released
/// through to PROD. Returns the world, the wire and PROD's deployment.
async fn released(bake_no_reboot: bool) -> (World, Wire, i64) {
    let wire = Wire::default();
    let tap = wire.clone();
    let w = world_with(
        Strategy::TargetGroup,
        |envs| {
            envs[1].desired_capacity = 2;
            envs[2].bake_no_reboot = bake_no_reboot;
        },
        move |aws| tap.tap(aws),
    )
    .await;
    let id = w.release("1.0.0").await;
    (w, wire, id)
}

async fn timeline(w: &World, id: i64) -> String {
    let detail = deployments::detail(&w.state, id).await.expect("detail");
    let lines: Vec<String> = detail.steps.into_iter().map(|s| s.message).collect();
    lines.join("\n")
}

#[tokio::test]
async fn a_bake_against_moto_drains_the_staging_instance_images_it_with_reboot_and_brings_it_back()
{
    let (w, wire, id) = released(false).await;
    let bake = w.run_of(id).await.bake.expect("prod bakes");
    let group = bake.from_target_group.clone().expect("STAGING's group");
    let i = bake.from_instance.as_str();

    let out = wire.naming("DeregisterTargets", i);
    let image = wire.sent("CreateImage");
    let registered = wire.naming("RegisterTargets", i);
    assert_eq!(out.len(), 1, "deregistered once");
    assert_eq!(image.len(), 1, "one image");
    assert!(image[0].1.contains("NoReboot=false"), "{}", image[0].1);
    assert_eq!(
        registered.len(),
        2,
        "by STAGING's deploy, and again after the bake"
    );
    assert!(
        registered[0] < out[0] && out[0] < image[0].0 && image[0].0 < registered[1],
        "out of traffic, imaged, back: {registered:?} {out:?} {}",
        image[0].0
    );
    assert_eq!(w.healthy(&group).await.len(), 2, "STAGING whole again");
    assert!(w.healthy(&group).await.iter().any(|h| h == i));
    let text = timeline(&w, id).await;
    assert!(text.contains(&format!("took {i} out of traffic")), "{text}");
}

#[tokio::test]
async fn with_bake_no_reboot_against_moto_the_image_is_asked_without_reboot_and_staging_keeps_serving(
) {
    let (w, wire, id) = released(true).await;
    let bake = w.run_of(id).await.bake.expect("prod bakes");
    let image = wire.sent("CreateImage");
    assert_eq!(image.len(), 1);
    assert!(image[0].1.contains("NoReboot=true"), "{}", image[0].1);
    assert_eq!(wire.sent("DeregisterTargets"), [], "traffic untouched");
    let group = bake.from_target_group.expect("STAGING's group");
    assert_eq!(w.healthy(&group).await.len(), 2);
    let text = timeline(&w, id).await;
    assert!(
        text.contains(&format!(
            "imaged {} without reboot (bake_no_reboot): file-system consistency not guaranteed",
            bake.from_instance
        )),
        "{text}"
    );
}
