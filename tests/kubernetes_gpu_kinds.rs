//! GPU workload kinds beyond the built-in ones, read into resource records from realistic
//! files under `testdata/k8s_gpu_kinds/`: LeaderWorkerSet, JobSet, Kubeflow training jobs
//! (PyTorchJob, MPIJob, TFJob, XGBoostJob, TrainJob), Spark, ProvisioningRequest with its
//! PodTemplate, and kinds that are not modelled but ask for accelerators. Exact addresses,
//! counts, requests, locations and notes.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use aicost_policy::load::kubernetes::kinds::{self, Classification, Extracted, Options};
use aicost_policy::load::kubernetes::yaml::{parse_stream, Limits};
use aicost_policy::load::source::SourceFile;
use aicost_policy::model::{
    Capacity, Fact, PodGroup, Resource, UnitCounts, Unknown, WorkloadDetail,
};
use rust_decimal::Decimal;

/// Reads every YAML file of `testdata/k8s_gpu_kinds/<case>` the way the loader does,
/// pairing HPAs and PodTemplates as it does.
fn load(case: &str) -> Extracted {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/k8s_gpu_kinds")
        .join(case);
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    let root: Arc<str> = Arc::from(format!("testdata/k8s_gpu_kinds/{case}"));
    let mut all = Extracted::default();
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let file = SourceFile::new(
            Arc::from(format!("{root}/{name}")),
            Arc::from(text.as_str()),
        );
        for doc in parse_stream(&text, &Limits::default()) {
            let doc = doc.unwrap_or_else(|e| panic!("{name}: {e:?}"));
            let class = kinds::classify(&doc);
            if matches!(class, Classification::Other(_)) {
                continue;
            }
            let mut x = kinds::extract_with(&doc, &class, &file, &root, Options::default(), None);
            all.resources.append(&mut x.resources);
            all.hpas.append(&mut x.hpas);
            all.pod_templates.append(&mut x.pod_templates);
            all.errors.append(&mut x.errors);
            all.notes.append(&mut x.notes);
        }
    }
    kinds::link_hpas(&mut all.resources, &all.hpas);
    kinds::link_pod_templates(&mut all.resources, &all.pod_templates);
    all
}

fn find<'a>(x: &'a Extracted, address: &str) -> &'a Resource {
    x.resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no {address} among {:?}", addresses(x)))
}

fn pods<'a>(x: &'a Extracted, address: &str) -> &'a PodGroup {
    match &find(x, address).workload.as_ref().unwrap().detail {
        WorkloadDetail::Pods(p) => p,
        other => panic!("{address} is not a pod group: {other:?}"),
    }
}

fn addresses(x: &Extracted) -> Vec<&str> {
    x.resources.iter().map(|r| r.address.as_str()).collect()
}

fn notes(x: &Extracted) -> Vec<(u32, &str)> {
    x.notes
        .iter()
        .map(|n| {
            (
                n.location.as_ref().map_or(0, |l| l.line),
                n.message.as_str(),
            )
        })
        .collect()
}

fn d(s: &str) -> Fact<Decimal> {
    Fact::Known(Decimal::from_str(s).unwrap())
}

fn unknown<T>(origin: &str) -> Fact<T> {
    Fact::Unknown(Unknown::new(origin))
}

fn counts(min: i64, desired: i64, max: i64) -> UnitCounts {
    UnitCounts {
        min: Fact::Known(min),
        desired: Fact::Known(desired),
        max: Fact::Known(max),
    }
}

/// The line a fact points at.
fn line(x: &Extracted, address: &str, fact: &str) -> u32 {
    find(x, address)
        .fact_locations
        .get(fact)
        .unwrap_or_else(|| panic!("{address} has no location for {fact}"))
        .line
}

/// A pod group on a named node type, with GPUs set in limits and every count the same.
fn on_node(cpu: &str, gib: &str, gpus: i64, model: &str, node: &str, n: i64) -> PodGroup {
    PodGroup {
        cpu_cores: d(cpu),
        memory_gib: d(gib),
        accelerators: Fact::Known(gpus),
        accelerator_resource: Some("nvidia.com/gpu".to_string()),
        accelerators_in_limits: true,
        accelerator_model: Some(Fact::Known(model.to_string())),
        node_instance_type: Some(Fact::Known(node.to_string())),
        node_pool: None,
        node_labels: Default::default(),
        assumptions: Vec::new(),
        replicas: UnitCounts::fixed(n),
        capacity: Fact::Known(Capacity::OnDemand),
        scale_to_zero: None,
        inference: false,
        run_hours: None,
    }
}

#[test]
fn a_leader_worker_set_is_its_leaders_and_its_workers() {
    let x = load("lws");
    assert!(x.errors.is_empty(), "{:?}", x.errors);
    assert_eq!(
        addresses(&x),
        [
            "LeaderWorkerSet/inference/sglang-70b/leader",
            "LeaderWorkerSet/inference/sglang-70b/worker",
            "LeaderWorkerSet/inference/llama-405b/leader",
            "LeaderWorkerSet/inference/llama-405b/worker",
        ]
    );
    // 2 groups of 4: 2 leaders and 2 x 3 workers, each on a whole p5.48xlarge.
    let leader = "LeaderWorkerSet/inference/llama-405b/leader";
    assert_eq!(
        pods(&x, leader),
        &on_node("180", "1500", 8, "H100", "p5.48xlarge", 2)
    );
    let worker = "LeaderWorkerSet/inference/llama-405b/worker";
    assert_eq!(
        pods(&x, worker),
        &on_node("180", "1500", 8, "H100", "p5.48xlarge", 6)
    );
    assert_eq!(find(&x, leader).location.line, 15);
    assert_eq!(find(&x, worker).location.line, 32);
    assert_eq!(line(&x, leader, "replicas_desired"), 11);
    assert_eq!(line(&x, worker, "replicas_desired"), 13);
    assert_eq!(line(&x, leader, "gpu_count"), 28);
    assert_eq!(line(&x, worker, "instance_type"), 35);
    assert_eq!(
        find(&x, leader).tags.entries.get("team"),
        Some(&Fact::Known("llm-serving".to_string()))
    );

    // No leader template: the leader is a worker pod. The HPA scales groups of 2 (a
    // leader and one worker) from 1 to 3.
    let p = pods(&x, "LeaderWorkerSet/inference/sglang-70b/leader");
    assert_eq!(
        (
            p.cpu_cores.clone(),
            p.memory_gib.clone(),
            p.accelerators.clone()
        ),
        (d("40"), d("300"), Fact::Known(4))
    );
    assert_eq!(p.accelerator_model, Some(Fact::Known("L4".to_string())));
    assert_eq!(p.replicas, counts(1, 1, 3));
    assert_eq!(
        pods(&x, "LeaderWorkerSet/inference/sglang-70b/worker").replicas,
        counts(1, 1, 3)
    );
    assert_eq!(
        line(
            &x,
            "LeaderWorkerSet/inference/sglang-70b/worker",
            "replicas_max"
        ),
        39
    );
    assert_eq!(
        notes(&x),
        [(46, "kind Service (v1) is not priced or checked")]
    );
}

#[test]
fn a_job_set_counts_each_replicated_job_for_its_deadline() {
    let x = load("jobset");
    assert!(x.errors.is_empty(), "{:?}", x.errors);
    assert_eq!(
        addresses(&x),
        [
            "JobSet/training/llama-pretrain/job:coordinator",
            "JobSet/training/llama-pretrain/job:workers",
            "JobSet/training/tpu-sweep/job:slice",
            "JobSet/training/paused-eval/job:eval",
        ]
    );
    // 2 replicated jobs x parallelism 4, for 36000 s = 10 hours.
    let workers = "JobSet/training/llama-pretrain/job:workers";
    let mut expected = on_node("0", "0", 8, "A100", "p4d.24xlarge", 8);
    expected.cpu_cores = unknown(
        "no container in spec.replicatedJobs[1].template.spec.template.spec sets cpu requests or limits",
    );
    expected.memory_gib = unknown(
        "no container in spec.replicatedJobs[1].template.spec.template.spec sets memory requests or limits",
    );
    expected.run_hours = Some(d("10"));
    assert_eq!(pods(&x, workers), &expected);
    assert_eq!(find(&x, workers).location.line, 31);
    assert_eq!(line(&x, workers, "replicas_desired"), 35);
    assert_eq!(line(&x, workers, "run_hours"), 38);
    let coordinator = pods(&x, "JobSet/training/llama-pretrain/job:coordinator");
    assert_eq!(
        (
            coordinator.cpu_cores.clone(),
            coordinator.replicas.clone(),
            coordinator.run_hours.clone()
        ),
        (d("2"), counts(1, 1, 1), Some(d("10")))
    );

    // No deadline: how long the TPU slices run is unknown.
    let slice = pods(&x, "JobSet/training/tpu-sweep/job:slice");
    assert_eq!(slice.replicas, counts(8, 8, 8));
    assert_eq!(
        (
            slice.accelerators.clone(),
            slice.accelerator_resource.as_deref()
        ),
        (Fact::Known(4), Some("google.com/tpu"))
    );
    assert_eq!(
        slice.accelerator_model,
        Some(Fact::Known("tpu-v6e-slice".to_string()))
    );
    assert_eq!(
        slice.run_hours,
        Some(unknown(
            "spec.replicatedJobs[0].template.spec.activeDeadlineSeconds is not set, so how long a run lasts is not in the manifest"
        ))
    );

    // A suspended JobSet runs nothing.
    let eval = "JobSet/training/paused-eval/job:eval";
    assert_eq!(pods(&x, eval).run_hours, Some(d("0")));
    assert_eq!(line(&x, eval, "run_hours"), 88);
}

#[test]
fn kubeflow_training_jobs_are_a_record_per_replica_type() {
    let x = load("training");
    assert!(x.errors.is_empty(), "{:?}", x.errors);
    assert_eq!(
        addresses(&x),
        [
            "MPIJob/benchmarks/nccl-allreduce/launcher",
            "MPIJob/benchmarks/nccl-allreduce/worker",
            "PyTorchJob/training/mistral-finetune/master",
            "PyTorchJob/training/mistral-finetune/worker",
            "TFJob/training/ranker/chief",
            "TFJob/training/ranker/worker",
            "XGBoostJob/training/churn-model/master",
            "XGBoostJob/training/churn-model/worker",
            "TrainJob/training/llama-sft/trainer",
            "TrainJob/training/quickstart/trainer",
        ]
    );
    // Elastic workers: 3, between 2 and 6; two hours at most.
    let worker = "PyTorchJob/training/mistral-finetune/worker";
    let mut expected = on_node("0", "0", 4, "A10G", "g5.12xlarge", 3);
    expected.cpu_cores = unknown(
        "no container in spec.pytorchReplicaSpecs.Worker.template.spec sets cpu requests or limits",
    );
    expected.memory_gib = unknown(
        "no container in spec.pytorchReplicaSpecs.Worker.template.spec sets memory requests or limits",
    );
    expected.replicas = counts(2, 3, 6);
    expected.run_hours = Some(d("2"));
    assert_eq!(pods(&x, worker), &expected);
    assert_eq!(find(&x, worker).location.line, 32);
    assert_eq!(line(&x, worker, "replicas_min"), 16);
    assert_eq!(line(&x, worker, "replicas_desired"), 33);
    assert_eq!(line(&x, worker, "replicas_max"), 17);
    assert_eq!(line(&x, worker, "run_hours"), 12);
    assert_eq!(
        pods(&x, "PyTorchJob/training/mistral-finetune/master").replicas,
        counts(1, 1, 1)
    );

    // MPIJob: a CPU launcher and two GPU workers, no deadline.
    let mpi = pods(&x, "MPIJob/benchmarks/nccl-allreduce/worker");
    assert_eq!(
        (
            mpi.memory_gib.clone(),
            mpi.accelerators.clone(),
            mpi.replicas.clone(),
            mpi.node_instance_type.clone()
        ),
        (
            d("31.25"),
            Fact::Known(8),
            counts(2, 2, 2),
            Some(Fact::Known("p5.48xlarge".to_string()))
        )
    );
    assert_eq!(
        mpi.run_hours,
        Some(unknown(
            "spec.runPolicy.activeDeadlineSeconds is not set, so how long a run lasts is not in the manifest"
        ))
    );
    let launcher = pods(&x, "MPIJob/benchmarks/nccl-allreduce/launcher");
    assert_eq!(
        (launcher.cpu_cores.clone(), launcher.accelerators.clone()),
        (d("1"), Fact::Known(0))
    );

    let tf = pods(&x, "TFJob/training/ranker/worker");
    assert_eq!(
        (
            tf.accelerator_model.clone(),
            tf.replicas.clone(),
            tf.run_hours.clone()
        ),
        (
            Some(Fact::Known("T4".to_string())),
            counts(2, 2, 2),
            Some(d("5"))
        )
    );
    assert_eq!(
        pods(&x, "XGBoostJob/training/churn-model/worker").run_hours,
        Some(d("1"))
    );

    // TrainJob: numNodes nodes of resourcesPerNode each, placed by its runtime patch.
    let sft = "TrainJob/training/llama-sft/trainer";
    let p = pods(&x, sft);
    assert_eq!(
        (
            p.accelerators.clone(),
            p.accelerator_model.clone(),
            p.node_instance_type.clone(),
            p.replicas.clone(),
            p.run_hours.clone()
        ),
        (
            Fact::Known(8),
            Some(Fact::Known("H100".to_string())),
            Some(Fact::Known("p5.48xlarge".to_string())),
            counts(4, 4, 4),
            Some(d("24"))
        )
    );
    assert_eq!(find(&x, sft).location.line, 14);
    assert_eq!(line(&x, sft, "replicas_desired"), 15);
    assert_eq!(line(&x, sft, "gpu_count"), 19);
    assert_eq!(line(&x, sft, "instance_type"), 32);

    // Nothing but the runtime's name: every count and request is the runtime's.
    let quick = pods(&x, "TrainJob/training/quickstart/trainer");
    let why = "spec.trainer.resourcesPerNode is not set, so the training runtime torch-distributed decides what each node requests";
    assert_eq!(
        (
            quick.cpu_cores.clone(),
            quick.memory_gib.clone(),
            quick.accelerators.clone()
        ),
        (unknown(why), unknown(why), unknown(why))
    );
    assert_eq!(
        quick.replicas.desired,
        unknown("spec.trainer.numNodes is not set, so the training runtime torch-distributed decides how many nodes run")
    );
}

#[test]
fn a_spark_application_is_its_driver_and_executors() {
    let x = load("spark");
    assert!(x.errors.is_empty(), "{:?}", x.errors);
    assert_eq!(
        addresses(&x),
        [
            "SparkApplication/data/feature-extract/driver",
            "SparkApplication/data/feature-extract/executor",
            "ScheduledSparkApplication/data/nightly-aggregates/driver",
            "ScheduledSparkApplication/data/nightly-aggregates/executor",
        ]
    );
    let why = "a Spark application runs until its job ends, which the manifest does not say";
    // 4g and Spark's overhead, max(384 MiB, 10%): 4505.6 MiB.
    let driver = pods(&x, "SparkApplication/data/feature-extract/driver");
    assert_eq!(
        (
            driver.cpu_cores.clone(),
            driver.memory_gib.clone(),
            driver.accelerators.clone(),
            driver.run_hours.clone()
        ),
        (d("1"), d("4.4"), Fact::Known(0), Some(unknown(why)))
    );
    // 16g plus the 2g overhead written; one L4 each (the application's node selector).
    let executor = "SparkApplication/data/feature-extract/executor";
    let p = pods(&x, executor);
    assert_eq!(
        (
            p.cpu_cores.clone(),
            p.memory_gib.clone(),
            p.accelerators.clone(),
            p.accelerator_resource.as_deref(),
            p.accelerator_model.clone(),
            p.replicas.clone()
        ),
        (
            d("4"),
            d("18"),
            Fact::Known(1),
            Some("nvidia.com/gpu"),
            Some(Fact::Known("L4".to_string())),
            counts(4, 4, 4)
        )
    );
    assert_eq!(find(&x, executor).location.line, 23);
    assert_eq!(line(&x, executor, "replicas_desired"), 24);
    assert_eq!(line(&x, executor, "memory"), 26);
    assert_eq!(line(&x, executor, "gpu_count"), 30);
    assert_eq!(line(&x, executor, "accelerator_type"), 17);

    // Dynamic allocation from 2 to 10, starting at 3; 1500m cores; 8g + 819.2 MiB; a
    // bare 2048 is MiB.
    let scheduled = pods(
        &x,
        "ScheduledSparkApplication/data/nightly-aggregates/executor",
    );
    assert_eq!(
        (
            scheduled.cpu_cores.clone(),
            scheduled.memory_gib.clone(),
            scheduled.replicas.clone()
        ),
        (d("1.5"), d("8.8"), counts(2, 3, 10))
    );
    assert_eq!(
        pods(
            &x,
            "ScheduledSparkApplication/data/nightly-aggregates/driver"
        )
        .memory_gib,
        d("2.375")
    );
}

#[test]
fn a_provisioning_request_books_its_pod_templates_pods() {
    let x = load("provisioning");
    assert!(x.errors.is_empty(), "{:?}", x.errors);
    assert_eq!(
        addresses(&x),
        [
            "ProvisioningRequest/training/h100-burst/h100-trainer",
            "ProvisioningRequest/training/a100-burst/a100-trainer",
        ]
    );
    // Four pods of the PodTemplate h100-trainer, held for 86400 s = 24 hours.
    let burst = "ProvisioningRequest/training/h100-burst/h100-trainer";
    let p = pods(&x, burst);
    assert_eq!(
        p,
        &PodGroup {
            cpu_cores: d("200"),
            memory_gib: d("1800"),
            accelerators: Fact::Known(8),
            accelerator_resource: Some("nvidia.com/gpu".to_string()),
            accelerators_in_limits: true,
            accelerator_model: Some(Fact::Known("H100".to_string())),
            node_instance_type: None,
            node_pool: None,
            node_labels: Default::default(),
            assumptions: Vec::new(),
            replicas: counts(4, 4, 4),
            capacity: Fact::Known(Capacity::OnDemand),
            scale_to_zero: None,
            inference: false,
            run_hours: Some(d("24")),
        }
    );
    assert_eq!(find(&x, burst).location.line, 38);
    assert_eq!(line(&x, burst, "replicas_desired"), 38);
    assert_eq!(line(&x, burst, "run_hours"), 36);
    // The requests are where the template writes them.
    let cpu = find(&x, burst).fact_locations.get("cpu").unwrap();
    assert_eq!(
        (cpu.file.as_ref(), cpu.line),
        ("testdata/k8s_gpu_kinds/provisioning/dws.yaml", 21)
    );

    let missing = "the PodTemplate a100-trainer in namespace training is not among the files scanned with this ProvisioningRequest";
    let a100 = pods(&x, "ProvisioningRequest/training/a100-burst/a100-trainer");
    assert_eq!(
        (
            a100.cpu_cores.clone(),
            a100.accelerators.clone(),
            a100.replicas.clone()
        ),
        (unknown(missing), unknown(missing), counts(2, 2, 2))
    );
    assert_eq!(
        notes(&x),
        [
            (3, "kind PodTemplate: h100-trainer is priced through the ProvisioningRequests that name it"),
            (26, "ProvisioningRequest h100-burst books capacity for pods declared elsewhere; if they are among the files scanned, both are priced"),
            (42, "ProvisioningRequest a100-burst books capacity for pods declared elsewhere; if they are among the files scanned, both are priced"),
            (54, "ProvisioningRequest capacity-check only checks that capacity exists (check-capacity.autoscaling.x-k8s.io) and books none, so it costs nothing by itself"),
        ]
    );
}

#[test]
fn kinds_that_ask_for_accelerators_are_never_dropped() {
    let x = load("unmodelled");
    assert!(x.errors.is_empty(), "{:?}", x.errors);
    assert_eq!(
        addresses(&x),
        [
            "Job/research/mpi-resnet",
            "Workflow/research/embed-corpus-*"
        ]
    );
    let volcano = pods(&x, "Job/research/mpi-resnet");
    let why = "kind Job (batch.volcano.sh/v1alpha1) is not modelled, so how many pods it runs and what each requests are not known";
    assert_eq!(
        volcano,
        &PodGroup {
            cpu_cores: unknown(why),
            memory_gib: unknown(why),
            accelerators: unknown(why),
            accelerator_resource: Some("nvidia.com/gpu".to_string()),
            accelerators_in_limits: true,
            accelerator_model: None,
            node_instance_type: None,
            node_pool: None,
            node_labels: Default::default(),
            assumptions: Vec::new(),
            replicas: UnitCounts {
                min: unknown(why),
                desired: unknown(why),
                max: unknown(why),
            },
            capacity: unknown(why),
            scale_to_zero: None,
            inference: false,
            run_hours: None,
        }
    );
    assert_eq!(line(&x, "Job/research/mpi-resnet", "gpu_count"), 34);
    // Gaudi cards asked for in requests only.
    let workflow = pods(&x, "Workflow/research/embed-corpus-*");
    assert_eq!(
        (
            workflow.accelerator_resource.as_deref(),
            workflow.accelerators_in_limits
        ),
        (Some("habana.ai/gaudi"), false)
    );
    assert_eq!(
        notes(&x),
        [
            (4, "kind Job (batch.volcano.sh/v1alpha1) is not modelled; it requests nvidia.com/gpu at line 34, so its cost is unknown"),
            (38, "kind Workflow (argoproj.io/v1alpha1) is not modelled; it requests habana.ai/gaudi at line 51, so its cost is unknown"),
            (53, "kind ServingRuntime (serving.kserve.io/v1alpha1) is a template, priced through the InferenceServices that use it"),
            (68, "kind Certificate (cert-manager.io/v1) is not priced or checked"),
        ]
    );
}
